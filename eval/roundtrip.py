"""Round trip from records (issue 20): questions generated from the rows of each stored document's main
tables, asked back through the chatbot, and scored strictly against the record they came from.

    .venv/bin/python -m eval.roundtrip --store DIR [--limit-per-doc N] [--out FILE] [--refused FILE]

A question names the department by a short form (chatbot.names.name_forms) and the document's year, then
the row and the column in people's words (eval/roundtrip_columns.json): 「长沙工业和信息化局2024年行政运行的
基本支出是多少」. It is generated only when its wording identifies one figure of the document: the same words
over any other record of the document give the same value; when they do not, the table is named
(「一般公共预算基本支出表中公务接待费」), and when that is not enough the question is left out. Blank and zero
figures, last year's columns, change columns, sub-header rows and columns with no known wording are left out.

Scoring is strict: the expected figure must be among the answer's headline values (`answer.values`,
converted between 元 and 万元); a figure only in the answer's text does not count.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

from chatbot.names import name_forms
from ingest.store import Store, StoredDocument, StoredRecord
from ingest.text import strip_ordinal

from .score import Expected, ExpectedRow, Question, answer_text, numbers_in, value_matches

DATA = Path(__file__).with_name("roundtrip_columns.json")
SQLITE_NAME = "budgetqa.sqlite"
DEFAULT_LIMIT = 150
TOLERANCE = Decimal("0.005")           # in 万元 when units differ, else in the printed unit
TO_WAN = {"元": Decimal("0.0001"), "千元": Decimal("0.1"), "万元": Decimal(1), "亿元": Decimal(10000)}
SANGONG = "三公经费"

_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|\d+[、.．](?!\d)|[（(][一二三四五六七八九十\d]+[)）])")
_CODE_IN_LABEL = re.compile(r"^[\[【]?\d{3,7}[\]】]?\s*|[（(]\d{3,7}[)）]$")
_QUOTES = str.maketrans("", "", "“”\"‘’'「」")
_CJK = re.compile(r"[\u3400-\u9fff]")


# -- the questions ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Source:
    """Where the expected figure stands: enough to look a failure up (`budgetqa show`)."""

    document: str
    document_id: int
    table: str
    table_kind: str
    page: int
    row: str
    code: str | None
    column: str
    record_id: int

    def describe(self) -> str:
        code = f"（{self.code}）" if self.code else ""
        return f"{self.document} / {self.table} / 第{self.page}页 / {self.row}{code} / {self.column}"


@dataclass(frozen=True)
class RoundTripQuestion(Question):
    """An eval.score Question with the record it was generated from."""

    source: Source | None = None
    variant: str = "label"   # label | code | total | unit (a unit's row of a 三公 table)

    def to_line(self) -> dict[str, Any]:
        """The question as a line of the question format (eval/questions/README.md), plus `source`."""
        e = self.expected
        return {"id": self.id, "category": self.category, "question": self.question, "document": self.document,
                "expected": {"values": list(e.values), "unit": e.unit, "texts": list(e.texts),
                             "rows": [{"table": r.table, "row": r.row} for r in e.rows], "found": e.found},
                "source": vars(self.source) if self.source else None, "variant": self.variant}


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


@dataclass
class Skipped:
    """Why a document gave no questions (no department or year read, an ambiguous name)."""

    document: str
    reason: str


@lru_cache(maxsize=1)
def load_wording(path: str = str(DATA)) -> dict[str, Any]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    data["_plain_patterns"] = [re.compile(p) for p in data["plain_patterns"]]
    data["_year_text"] = re.compile(data["year_row_text"])
    return data


def clean_label(label: str) -> str:
    """A printed label as a question says it: no spaces, quotes, ordinals, 「其中：」 or code."""
    s = re.sub(r"\s+", "", label or "").translate(_QUOTES).replace("(", "（").replace(")", "）")
    while True:
        t = _CODE_IN_LABEL.sub("", re.sub(r"^其中[:：]", "", strip_ordinal(_ORDINAL.sub("", s))))
        if t == s:
            return s
        s = t


def segment_key(segment: str, year: int | None) -> str:
    """A header segment for lookup: cleaned, the document's year as {year}, the year before as {prev}."""
    s = re.sub(r"\s+", "", segment).translate(_QUOTES).replace("(", "（").replace(")", "）")
    s = re.sub(r"^其中[:：](?=.)", "", s)
    if year:
        s = s.replace(str(year), "{year}").replace(str(year - 1), "{prev}")
    return s


@dataclass(frozen=True)
class ColumnReading:
    """What a column path says in people's words: skip (why), an item of 三公, and a phrase (or none)."""

    skip: str = ""           # "" | last_year | change | other_kind | unknown
    item: str | None = None
    phrase: dict[str, str] | None = None


def read_column(path: str, kind: str, year: int | None, data: dict[str, Any], doc_kind: str = "预算"
                ) -> ColumnReading:
    """The column header path in people's words (see the data file's _doc)."""
    plain = set(data["plain"]) | set(data["plain_by_kind"].get(kind, ()))
    items = data["sangong_items"] if kind == SANGONG else {}
    item, phrases = None, []
    for raw in [s for s in path.split("/") if s.strip()]:
        seg = segment_key(raw, year)
        if any(w in seg for w in data["last_year"]):
            return ColumnReading("last_year")
        if any(w in seg for w in data["change"]):
            return ColumnReading("change")
        if seg in data["other_kind_columns"].get(doc_kind, ()):
            return ColumnReading("other_kind")      # a 决算's 预算数 column, a 预算's 决算数
        if seg in items:
            item = items[seg]
        elif seg in plain or any(p.search(seg) for p in data["_plain_patterns"]):
            continue
        elif seg in data["phrases"]:
            phrases.append(seg)
        else:
            return ColumnReading("unknown")
    phrases = [p for i, p in enumerate(phrases)
               if not any(p in data["phrases"][q].get("within", ()) for q in phrases[i + 1:])]
    if len(phrases) > 1:
        return ColumnReading("unknown")
    return ColumnReading("", item, data["phrases"][phrases[0]] if phrases else None)


def to_wan(value: Decimal, unit: str) -> Decimal:
    return value * TO_WAN.get(unit, Decimal(1))


# -- one document's candidates --------------------------------------------------------------------

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


# -- fair questions -----------------------------------------------------------------------------

def _distinct(values: Iterable[Decimal]) -> list[Decimal]:
    out: list[Decimal] = []
    for v in sorted(values):
        if not out or abs(v - out[-1]) > TOLERANCE:
            out.append(v)
    return out


def fair_candidates(cands: Sequence[Candidate], data: dict[str, Any]) -> list[tuple[Candidate, str]]:
    """The candidates of the main kinds whose wording identifies one figure, each with the table name
    the question must carry ("" when the words alone do); blank and zero figures left out.

    The words alone do when every candidate of the document with the same meaning has the same value
    and the row itself (its total) reads one figure in every table that prints it; else the table's
    name does when within the tables of that kind both hold; else the question is not asked."""
    values: dict[Any, list[Decimal]] = defaultdict(list)
    for c in cands:
        body = meaning(c.body, data)
        values[body].append(c.wan)
        values[(c.kind, body)].append(c.wan)
        if c.plain_row is not None:
            values[("row", meaning(c.plain_row, data))].append(c.wan)
            values[("row", c.kind, meaning(c.plain_row, data))].append(c.wan)

    def one(key: Any) -> bool:
        return len(_distinct(values[key])) <= 1

    out = []
    for c in cands:
        if not c.asked or c.kind not in data["kinds"] or not c.record.value:
            continue
        body, row = meaning(c.body, data), meaning(c.row, data) if c.row else None
        if one(body) and (row is None or one(("row", row))):
            out.append((c, ""))
        elif one((c.kind, body)) and (row is None or one(("row", c.kind, row))):
            out.append((c, data["kinds"][c.kind]["name"]))
    return out


def meaning(body: str, data: dict[str, Any]) -> str:
    """The wording with words people take for the same thing made one (公务用车运行费 and 公务用车运行维护费,
    因公出国（境）费 and 因公出国（境）费用), part by part between 「的」, so that a question is fair only
    when every reading of it gives one figure."""
    same = _same_meaning(json.dumps(data["same_meaning"], ensure_ascii=False))
    return "的".join(same.get(part, part) for part in body.split("的"))


@lru_cache(maxsize=8)
def _same_meaning(groups: str) -> dict[str, str]:
    return {w: words[0] for words in json.loads(groups) for w in words}


def what_is_asked(c: Candidate, table_name: str, data: dict[str, Any]) -> str:
    """The words for the figure, the table named when they alone do not identify it: 「一般公共预算支出表中
    行政运行的基本支出」; a table's own total named 「一般公共预算基本支出表合计」."""
    if not table_name:
        return c.body
    if c.variant == "total" and c.body == data["kinds"][c.kind].get("total"):
        return f"{table_name}合计"
    return f"{table_name}中{c.body}"


def short_name(doc: StoredDocument, others: Sequence[StoredDocument]) -> str | None:
    """A short form of the department people use (the middle one of name_forms, longest first, then in
    code-point order: name_forms orders forms of one length as a set does) that no other department of
    the same year answers to; the printed name when every short form is shared."""
    taken = set()
    for o in others:
        if o.id != doc.id and o.year == doc.year and o.department != doc.department:
            taken |= set(name_forms(o.department)) | {o.department}
    forms = sorted((f for f in name_forms(doc.department) if f not in taken), key=lambda f: (-len(f), f))
    if not forms:
        return None if doc.department in taken else doc.department
    return forms[len(forms) // 2]


def _stable(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def spread(questions: Sequence[RoundTripQuestion], limit: int | None) -> list[RoundTripQuestion]:
    """At most `limit` questions, taken in turn from each table, in a fixed pseudo-random order within
    a table (the same on every run)."""
    by_table: dict[str, list[RoundTripQuestion]] = defaultdict(list)
    for q in questions:
        by_table[q.source.table if q.source else ""].append(q)
    queues = [sorted(qs, key=lambda q: _stable(q.question)) for _, qs in sorted(by_table.items())]
    out: list[RoundTripQuestion] = []
    while queues and (limit is None or len(out) < limit):
        for queue in list(queues):
            if limit is not None and len(out) >= limit:
                break
            out.append(queue.pop(0))
            if not queue:
                queues.remove(queue)
    return out


def document_questions(doc: StoredDocument, store: Store, others: Sequence[StoredDocument],
                       limit: int | None = DEFAULT_LIMIT, data: dict[str, Any] | None = None
                       ) -> list[RoundTripQuestion] | Skipped:
    """The fair questions over one document (at most `limit`), or why it gives none."""
    data = data or load_wording()
    if not doc.department or not doc.year:
        return Skipped(doc.title, "no department or year read from the document")
    same = [o for o in others if o.id != doc.id and o.department == doc.department and o.year == doc.year]
    if any(o.kind == doc.kind and o.level == doc.level for o in same):
        return Skipped(doc.title, "another stored document of the same department, year, kind and level")
    name = short_name(doc, others)
    if name is None:
        return Skipped(doc.title, "no name of the department that another one of the year does not share")
    kind_word = "决算" if doc.kind == "决算" else ""
    if any(o.kind != doc.kind for o in same):
        kind_word = doc.kind
    if any(o.level != doc.level for o in same):
        kind_word = doc.level + doc.kind
    records = store.records("r.document_id = ?", (doc.id,))
    cands = document_candidates(doc, records, store.tables(doc.id), data)
    fair = fair_candidates(cands, data)
    labelled = {c.record.id for c, _ in fair if c.variant == "label"}
    seen: set[str] = set()
    out: list[RoundTripQuestion] = []
    for c, table_name in fair:
        if c.variant == "code" and c.record.id in labelled and int(_stable(c.body)[:4], 16) % 3:
            continue            # the code alone, for a third of the coded rows (and where the label is not fair)
        text = f"{name}{doc.year}年{kind_word}{what_is_asked(c, table_name, data)}是多少"
        if text in seen:
            continue
        seen.add(text)
        r = c.record
        source = Source(doc.title, doc.id, r.table, c.kind, r.page, r.row, r.code, r.column, r.id)
        expected = Expected(values=(f"{r.value:f}",), unit=r.unit, rows=(ExpectedRow(r.table, r.row),))
        qid = f"rt-{doc.id}-{_stable(text)[:10]}"
        out.append(RoundTripQuestion(qid, "lookup", text, expected, doc.title, source, c.variant))
    if not out:
        main = [r for r in records if r.table_kind in data["kinds"] and r.value]
        return Skipped(doc.title, "no figure in the main tables (narrative only, or no table read)" if not main
                       else f"no fair question over the {len(main)} figures of its main tables")
    return spread(out, limit)


def generate(store_dir: str | Path, limit_per_doc: int | None = DEFAULT_LIMIT
             ) -> tuple[list[RoundTripQuestion], list[Skipped]]:
    """Questions over every document of a store (read only), and the documents that gave none."""
    store = Store(Path(store_dir) / SQLITE_NAME)
    try:
        docs = store.documents()
        questions: list[RoundTripQuestion] = []
        skipped: list[Skipped] = []
        for doc in docs:
            got = document_questions(doc, store, docs, limit_per_doc)
            if isinstance(got, Skipped):
                skipped.append(got)
            else:
                questions += got
        return questions, skipped
    finally:
        store.close()


# -- strict scoring --------------------------------------------------------------------------------

def _get(obj: Any, name: str, default: Any = None) -> Any:
    return obj.get(name, default) if isinstance(obj, dict) else getattr(obj, name, default)


def _decimal(s: Any) -> Decimal | None:
    try:
        return Decimal(str(s).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        return None


def headline_match(expected: str, unit: str, values: Sequence[Any]) -> bool:
    """The expected figure is among the answer's values: in the same unit within 0.005, or converted
    between 元, 万元 (and 亿元) within 0.005 万元 (a 元 figure stated in 万元 to two decimals)."""
    target = Decimal(expected)
    for v in values:
        d = _decimal(_get(v, "value"))
        if d is None:
            continue
        v_unit = _get(v, "unit", "") or ""
        if v_unit == unit or not v_unit or v_unit not in TO_WAN or unit not in TO_WAN:
            if abs(abs(d) - abs(target)) <= TOLERANCE:
                return True
        elif abs(abs(to_wan(d, v_unit)) - abs(to_wan(target, unit))) <= TOLERANCE:
            return True
    return False


def strict_verdict(question: Question, answer: Any) -> str:
    """right (the figure among the headline values) | refused (not found, or asked back) | wrong."""
    e = question.expected
    if headline_match(e.values[0], e.unit, _get(answer, "values", None) or []):
        return "right"
    if not _get(answer, "found", False) or asked_back(answer):
        return "refused"
    return "wrong"


def asked_back(answer: Any) -> bool:
    """The answer asks which reading was meant (a clarification offering candidates)."""
    return _get(answer, "operation", "") == "clarify"


def mistake_kind(question: RoundTripQuestion, answer: Any) -> str:
    """What a wrong answer got wrong, from its citations against the expected record: another document,
    table, row or column (the first that differs), then whether the expected figure is in the text."""
    e, src = question.expected, question.source
    values = _get(answer, "values", None) or []
    in_text = value_matches(e.values[0], numbers_in(answer_text(answer)), unit=e.unit)
    cites = [c for c in _get(answer, "citations", None) or [] if _get(c, "row")]
    if not values:
        where = "no headline values"
    elif not cites or src is None:
        where = "no table citation"
    elif not any(_get(c, "document") == src.document for c in cites):
        where = "another document"
    else:
        same_doc = [c for c in cites if _get(c, "document") == src.document]
        same_table = [c for c in same_doc if _get(c, "table") == src.table]
        same_row = [c for c in same_table if clean_label(_get(c, "row") or "") == clean_label(src.row)
                    and _get(c, "page") == src.page]
        if not same_table:
            where = "another table"
        elif not same_row:
            where = "another row"
        elif not any(_get(c, "column") == src.column for c in same_row):
            where = "another column"
        else:
            where = "right cell, other figure stated"
    return where + (" (the figure in the text)" if in_text else "")


# -- the runner ----------------------------------------------------------------------------------------

@dataclass
class Tally:
    n: int = 0
    right: int = 0
    refused: int = 0
    wrong: int = 0
    asked_back: int = 0      # of the refused: a clarification offering other readings
    seconds: float = 0.0
    by_variant: dict[str, list[int]] = field(default_factory=dict)

    def add(self, verdict: str, variant: str, seconds: float) -> None:
        self.n += 1
        setattr(self, verdict, getattr(self, verdict) + 1)
        self.seconds += seconds
        counts = self.by_variant.setdefault(variant, [0, 0, 0])
        counts[("right", "refused", "wrong").index(verdict)] += 1

    def line(self) -> str:
        pct = f"{100 * self.right / self.n:.1f}%" if self.n else "–"
        return f"{self.n:4d} | {self.right:4d} | {self.refused:4d} | {self.wrong:4d} | {pct:>6}"


def _answer_line(q: RoundTripQuestion, answer: Any, verdict: str) -> dict[str, Any]:
    return {
        "verdict": verdict, "mistake": mistake_kind(q, answer) if verdict == "wrong" else None,
        "asked_back": asked_back(answer),
        "question": q.question, "id": q.id, "variant": q.variant,
        "expected": {"value": q.expected.values[0], "unit": q.expected.unit},
        "source": vars(q.source) if q.source else None,
        "answer": _get(answer, "answer", ""), "found": bool(_get(answer, "found", False)),
        "values": [{"label": _get(v, "label"), "value": _get(v, "value"), "unit": _get(v, "unit")}
                   for v in _get(answer, "values", None) or []],
        "citations": [{k: _get(c, k) for k in ("document", "table", "page", "row", "code", "column", "value")}
                      for c in (_get(answer, "citations", None) or [])[:6]],
    }


def run(store_dir: str | Path, questions: Sequence[RoundTripQuestion],
        ask: Callable[[str], Any] | None = None, progress: Callable[[int, int], None] | None = None
        ) -> tuple[dict[str, Tally], list[dict[str, Any]]]:
    """Ask every question (through chatbot.service.open_service(store_dir) unless `ask` is given);
    returns the tally per document and one line per answer that was not right."""
    service = None
    if ask is None:
        from chatbot.service import open_service

        service = open_service(Path(store_dir))
        ask = service.ask
    tallies: dict[str, Tally] = defaultdict(Tally)
    misses: list[dict[str, Any]] = []
    try:
        for i, q in enumerate(questions):
            started = time.perf_counter()
            answer = ask(q.question)
            seconds = time.perf_counter() - started
            verdict = strict_verdict(q, answer)
            tallies[q.document].add(verdict, q.variant, seconds)
            tallies[q.document].asked_back += verdict == "refused" and asked_back(answer)
            if verdict != "right":
                misses.append(_answer_line(q, answer, verdict))
            if progress:
                progress(i + 1, len(questions))
    finally:
        if service is not None:
            service.close()
    return dict(tallies), misses


def report(tallies: dict[str, Tally], skipped: Sequence[Skipped], misses: Sequence[dict[str, Any]]) -> str:
    """The per-document table, the overall line, the wrong answers counted by kind of mistake."""
    overall = Tally()
    lines = ["   n | right | refused | wrong | right%  document", "-" * 72]
    for doc, t in sorted(tallies.items()):
        lines.append(f"{t.line()}  {doc}")
        for name in ("n", "right", "refused", "wrong", "asked_back", "seconds"):
            setattr(overall, name, getattr(overall, name) + getattr(t, name))
        for variant, counts in t.by_variant.items():
            mine = overall.by_variant.setdefault(variant, [0, 0, 0])
            overall.by_variant[variant] = [a + b for a, b in zip(mine, counts)]
    lines += ["-" * 72, f"{overall.line()}  overall ({len(tallies)} documents, "
                         f"{overall.seconds / max(overall.n, 1) * 1000:.0f} ms a question)"]
    lines += ["      by variant (right/refused/wrong): " + ", ".join(
        f"{v} {c[0]}/{c[1]}/{c[2]}" for v, c in sorted(overall.by_variant.items())),
        f"      refused by asking back (a clarification without the figure): {overall.asked_back}"]
    for s in skipped:
        lines.append(f"skipped: {s.document}: {s.reason}")
    kinds: dict[str, int] = defaultdict(int)
    for m in misses:
        if m["verdict"] == "wrong":
            kinds[m["mistake"]] += 1
    if kinds:
        lines.append("wrong answers by kind: " + ", ".join(f"{k} {n}" for k, n in
                                                            sorted(kinds.items(), key=lambda kv: -kv[1])))
    return "\n".join(lines)


def _write_lines(path: str | Path, lines: Iterable[dict[str, Any]]) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for line in lines:
            f.write(json.dumps(line, ensure_ascii=False, default=str) + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.roundtrip", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=(
        "Example:\n  .venv/bin/python -m eval.roundtrip --store /tmp/realstore --limit-per-doc 60 "
        "--out /tmp/rt-wrong.jsonl"))
    parser.add_argument("--store", required=True, help="store directory (read only)")
    parser.add_argument("--limit-per-doc", type=int, default=DEFAULT_LIMIT,
                        help=f"at most this many questions a document (default {DEFAULT_LIMIT}; 0: all)")
    parser.add_argument("--out", help="write every wrong answer here (JSON lines)")
    parser.add_argument("--refused", help="write every refused answer here (JSON lines)")
    parser.add_argument("--questions", help="write the generated questions here (JSON lines) and do not ask")
    parser.add_argument("--document", action="append", default=[],
                        help="only documents whose title contains this (repeatable)")
    args = parser.parse_args(argv)
    if not Store.exists(Path(args.store) / SQLITE_NAME):
        print(f"error: {args.store}: no store here", file=sys.stderr)
        return 2
    questions, skipped = generate(args.store, args.limit_per_doc or None)
    if args.document:
        questions = [q for q in questions if any(d in q.document for d in args.document)]
    print(f"roundtrip: {len(questions)} questions over {len({q.document for q in questions})} documents",
          file=sys.stderr)
    if args.questions:
        _write_lines(args.questions, (q.to_line() for q in questions))
        return 0

    def progress(i: int, n: int) -> None:
        if i % 50 == 0 or i == n:
            print(f"roundtrip: {i}/{n} asked", file=sys.stderr, flush=True)

    tallies, misses = run(args.store, questions, progress=progress)
    print(report(tallies, skipped, misses))
    if args.out:
        _write_lines(args.out, (m for m in misses if m["verdict"] == "wrong"))
    if args.refused:
        _write_lines(args.refused, (m for m in misses if m["verdict"] == "refused"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
