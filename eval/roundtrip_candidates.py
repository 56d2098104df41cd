"""Round trip from records (eval/roundtrip.py): every candidate wording of one document's figures, row by
row: what a printed row stands for (its label, code, a total, a unit's row of a 三公 table) and the words
that name each of its figures with the column's phrase (「行政运行的基本支出」)."""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from chatbot.link.names import name_forms
from ingest.store.store import StoredDocument, StoredRecord

from .roundtrip_wording import SANGONG, ColumnReading, clean_label, read_column, segment_key, to_wan

_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass
class Candidate:
    """One fair-question candidate: the words after 「{简称}{年}年」 and the record they ask for."""

    body: str                # e.g. 「行政运行的基本支出」
    kind: str                # the table's canonical kind
    record: StoredRecord
    variant: str             # label | code | total | unit
    wan: Decimal             # the value in 万元, to compare figures printed in different units
    plain_row: str | None    # the row as said when the figure is the row's total (no column words)
    row: str | None          # the row as said (None for a table's total)
    asked: bool = True       # False: weighed for fairness only (a column equal to the row's total)



def _is_department(label: str, department: str) -> bool:
    return bool(label) and (label == clean_label(department) or label in {clean_label(f) for f in
                                                                           name_forms(department)})


def _is_organisation(label: str, data: dict[str, Any]) -> bool:
    return len(label) >= 4 and label.endswith(tuple(data["organisation_endings"]))


def _row_year_ok(texts: Iterable[str], year: int | None, data: dict[str, Any]) -> bool:
    """A row that states its year in a text cell (「2025年」 beside 「2026年」) is of that year; a row of
    changes (「增减变化金额」) is left out."""
    for t in texts:
        t = re.sub(r"\s+", "", t or "")
        if any(w in t for w in data["change_row_text"]):
            return False
        m = data["_year_text"].search(t)
        if m and year and m.group() != f"{year}年" and len(t) <= 8:
            return False
    return True


def _sangong_columns_hold_items(columns: Sequence[str], year: int | None, data: dict[str, Any]) -> bool:
    items = data["sangong_items"]
    return any(segment_key(seg, year) in items and items[segment_key(seg, year)] != SANGONG
               for col in columns for seg in col.split("/"))


@dataclass(frozen=True)
class RowContext:
    """What a printed row stands for, worked out once per row."""

    kind: str
    label: str               # cleaned; "" when the row is named by its code only
    code: str | None
    total: bool              # the table's total (合计, or the department's own row)
    labelled_total: bool     # 支出总计, 本年支出合计: a total with a name of its own
    unit_row: str            # a unit's row of a 三公 table with its items in columns
    items_in_columns: bool


def document_candidates(doc: StoredDocument, records: Sequence[StoredRecord], tables: Sequence[dict],
                        data: dict[str, Any]) -> list[Candidate]:
    """Every candidate wording over every table of one document (all kinds: the main kinds give the
    questions, every kind is weighed when a wording is checked for one figure)."""
    by_row: dict[tuple[int, int], list[StoredRecord]] = defaultdict(list)
    for r in records:
        by_row[(r.table_number, r.row_number)].append(r)
    columns_of = {t["number"]: t["columns"] for t in tables}
    with_total = {n for (n, _), rows in by_row.items() if clean_label(rows[0].row) in data["total_rows"]}
    out: list[Candidate] = []
    last_label: dict[int, str] = {}
    for (number, _), rows in sorted(by_row.items()):
        kind = rows[0].table_kind or ""
        label = clean_label(rows[0].row)
        if kind == SANGONG and not label:
            label = last_label.get(number, "")             # a merged unit cell over its year rows
        last_label[number] = label or last_label.get(number, "")
        if not _row_year_ok([r.text for r in rows if r.text], doc.year, data):
            continue
        row = row_context(doc, kind, label, rows, columns_of.get(number, []), number in with_total, data)
        if row is not None:
            out += row_candidates(doc, row, rows, data)
    return out


def row_context(doc: StoredDocument, kind: str, label: str, rows: Sequence[StoredRecord],
                columns: Sequence[str], table_has_total: bool, data: dict[str, Any]) -> RowContext | None:
    """What the row stands for, or None for a row no fair question names (a sub-header, a unit's row
    of a table by function, the department's own row beside a 合计 row that differs from it)."""
    if label in data["skip_rows"]:
        return None
    code = next((r.code for r in rows if r.code and r.value is not None), None)
    department = _is_department(label, doc.department)
    if department and table_has_total:
        return None                    # 本级 or the whole department? the 合计 row says the whole
    total = label in data["total_rows"] or department
    items_in_columns = kind == SANGONG and _sangong_columns_hold_items(columns, doc.year, data)
    unit_row = ""
    if items_in_columns:
        unit_row, total = ("" if total or not label else label), False
    elif kind == SANGONG:
        item = data["sangong_items"].get(segment_key(label, doc.year))
        label, total = item or (SANGONG if total else label), False
    elif not total and not code and _is_organisation(label, data):
        return None
    if not total and not _CJK.search(label):
        label = ""                      # a label that is only the code, or a figure read as a label
    if not total and not label and not code and not items_in_columns:
        return None
    if label in data["income_fund_rows"] and any("收入" in r.column.split("/")[0] or r.side == "收入"
                                                 for r in rows):
        label += "收入"
    return RowContext(kind, label, code, total, label in data["labelled_total_rows"], unit_row,
                      items_in_columns)


def row_candidates(doc: StoredDocument, row: RowContext, rows: Sequence[StoredRecord],
                   data: dict[str, Any]) -> list[Candidate]:
    """The candidate wordings of one printed row, grouped by the figure's subject (the row, or a 三公
    item when the items stand in the columns)."""
    groups: dict[str, list[tuple[StoredRecord, ColumnReading]]] = defaultdict(list)
    for r in rows:
        if r.value is None:
            continue
        reading = read_column(r.column, row.kind, doc.year, data, doc.kind)
        if reading.skip in ("last_year", "change", "other_kind"):
            continue
        groups[(reading.item or SANGONG) if row.items_in_columns else row.label].append((r, reading))
    out: list[Candidate] = []
    for subject, members in groups.items():
        out += _subject_candidates(row, subject, members, data)
    return out


def _subject_candidates(row: RowContext, subject: str, members: list[tuple[StoredRecord, ColumnReading]],
                        data: dict[str, Any]) -> list[Candidate]:
    """Candidates of one subject in a row: one per known column, and the plain wording when the row has
    no total column but only one figure that is not zero (it is then the row's total). A column equal to
    the row's total is weighed but not asked (it needs no column words)."""
    known = [(r, c) for r, c in members if not c.skip]
    plain = [(r, c) for r, c in known if c.phrase is None]
    if not plain:
        nonzero = [(r, c) for r, c in members if r.value]
        if len(nonzero) == 1 and not nonzero[0][1].skip:
            plain = [(nonzero[0][0], ColumnReading())]
    row_total = {r.value for r, _ in plain}
    out: list[Candidate] = []
    for r, c in plain + [(r, c) for r, c in known if c.phrase is not None]:
        asked = c.phrase is None or r.value not in row_total
        as_total = row.total or (row.labelled_total and c.phrase is not None)  # 支出总计的项目支出 → 项目支出
        code = None if row.items_in_columns else row.code
        for body, said, variant in _bodies(row, subject, code, as_total, c.phrase, data):
            out.append(Candidate(body, row.kind, r, variant, to_wan(r.value, r.unit),
                                 said if c.phrase is None else None, said, asked))
            alias = (data["kinds"].get(row.kind) or {}).get("total_alias")
            if variant == "total" and c.phrase is not None and alias:   # weighed only: the same total
                out.append(Candidate(alias.format(total=body), row.kind, r, variant,  # under another name
                                     to_wan(r.value, r.unit), None, None, False))
    return out


def _bodies(row: RowContext, subject: str, code: str | None, total: bool, phrase: dict[str, str] | None,
            data: dict[str, Any]) -> list[tuple[str, str | None, str]]:
    """The words naming the figure, with the row as said (label or code; None for a total): by label,
    and by code alone for a coded row."""
    if total:
        if phrase is not None:
            subject_words = (data["kinds"].get(row.kind) or {}).get("subject", "支出")
            return [(phrase["total"].format(subject=subject_words), None, "total")]
        name = (data["kinds"].get(row.kind) or {}).get("total")
        return [(name, None, "total")] if name else []
    out = []
    for said, variant in ((subject, "label"), (code, "code")):
        if not said:
            continue
        body = phrase["row"].format(row=said) if phrase else said
        if row.unit_row:
            body, variant, said = f"{row.unit_row}的{body}", "unit", f"{row.unit_row}的{said}"
        out.append((body, said, variant))
    return out

