"""Narrative against tables: every 万元 figure the narrative states right after a table item (a row
label, a column heading, or a phrase of `narrative_items`) is one of the figures the tables print for
that item, in any of its scopes (收支总表, 财政拨款, 一般公共预算 tables print the same label)."""
from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal
from functools import lru_cache

from ..document.statements import is_statement
from ..document.text import normalize_label, strip_ordinal
from ..pdf.layout import is_performance_title
from ..store.store import StoredChunk, StoredRecord
from .check import ZERO, Check, by_table, leaf, money, spec
from .total_rows import carry_over_parts

FIGURE = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*万元")
CLAUSE_END = re.compile(r"[，,。；;！？\n]")
SENTENCE_END = re.compile(r"[。；;！？!?\n]")
_QUOTES = set("“”\"'‘’")
_DROP = _QUOTES | set(" 　\t")
_BRACKETS = str.maketrans({"(": "（", ")": "）"})


def squeeze(text: str) -> tuple[str, list[int]]:
    """The text without quotes and spaces, brackets full-width, and each kept character's position."""
    kept = [(ch, i) for i, ch in enumerate(text) if ch not in _DROP]
    return "".join(ch for ch, _ in kept).translate(_BRACKETS), [i for _, i in kept]


def _label_key(label: str) -> str:
    s = squeeze(strip_ordinal(normalize_label(label)))[0]
    for level in ("（类）", "（款）", "（项）"):
        s = s.replace(level, "")
    return s


def _variants(label: str) -> set[str]:
    """A label and its form without a trailing 预算数/决算数/金额 (「机关运行经费预算数」 → 机关运行经费)."""
    key = _label_key(label)
    out = {key}
    for ending in spec()["narrative"]["label_endings"]:
        if key.endswith(ending) and len(key) > len(ending) + 1:
            out.add(key[: -len(ending)])
    return out


def _column_item(column: str) -> str:
    """A column's item: its heading, or its group's for a 小计 (「公务用车购置及运行费/小计」)."""
    parts = column.split("/")
    if len(parts) > 1 and normalize_label(parts[-1]) in spec()["total_columns"]:
        return parts[-2]
    return parts[-1]


def _is_total_row(label: str) -> bool:
    name = normalize_label(label)
    return name.endswith(tuple(spec()["total_endings"])) or name in spec()["total_columns"]


def item_index(records: list[StoredRecord]) -> dict[str, list[StoredRecord]]:
    """Item words → the money cells that state the item: a row by its label (any column); a column by
    its heading, in the table's total rows; the phrases of `narrative_items` by table kind."""
    generic = set(spec()["narrative"]["generic_labels"])
    cells = [r for r in money(records) if r.value_wan is not None and not is_performance_title(r.table)
             and r.table_kind not in spec()["narrative"]["not_item_kinds"]]
    carried = {i for table in by_table(cells).values() for i in carry_over_parts(table)}
    cells = [r for r in cells if r.id not in carried]
    index: dict[str, list[StoredRecord]] = defaultdict(list)
    for r in cells:
        for key in _variants(r.row):
            index[key].append(r)
        if _is_total_row(r.row):
            for key in _variants(_column_item(r.column)):
                index[key].append(r)
    totals = spec()["narrative"]["total_words"]
    for phrase, kind in spec()["narrative"]["items"].items():
        index[_label_key(phrase)] += [r for r in cells if r.table_kind == kind and _is_total_row(r.row)
                                     and any(w in leaf(r.column) for w in totals)]
    for kind, words in spec()["narrative"]["kind_items"].items():
        for r in (r for r in cells if r.table_kind == kind):
            keys = _variants(r.row) | (_variants(_column_item(r.column)) if _is_total_row(r.row) else set())
            for phrase, labels in words.items():
                if keys & {_label_key(w) for w in labels} and r not in index[_label_key(phrase)]:
                    index[_label_key(phrase)].append(r)
    return {k: v for k, v in index.items() if v and len(k) >= 2 and k not in generic and not re.search(r"\d", k)}


def _item_before(clause: str, end: int, labels: list[str]) -> tuple[str, int] | None:
    """The item whose words end nearest before `end` in the clause (the longest on a tie), with where
    they start, when only connecting words (为, 预算数, （类）…) stand between them and the figure."""
    best: tuple[int, int, str] | None = None
    for label in labels:
        at = clause.rfind(label, 0, end)
        if at >= 0 and (best is None or (at + len(label), len(label)) > (best[0], best[1])):
            best = (at + len(label), len(label), label)
    if best is None:
        return None
    start = best[0] - best[1]
    if start and not clause[:start].endswith(tuple(spec()["narrative"]["leads"])):
        return None
    gap = clause[best[0]:end]
    rules = spec()["narrative"]
    if len(gap) > rules["max_gap"] or not _connectors().fullmatch(gap):
        return None
    return best[2], best[0] - best[1]


@lru_cache(maxsize=1)
def _connectors() -> re.Pattern[str]:
    words = sorted(spec()["narrative"]["connectors"], key=len, reverse=True)
    return re.compile("(?:" + "|".join(re.escape(w) for w in words) + ")*")


def _place(stated: str) -> Decimal:
    exponent = Decimal(stated).as_tuple().exponent
    return Decimal(1).scaleb(exponent if isinstance(exponent, int) else 0)


def narrative_checks(records: list[StoredRecord], chunks: list[StoredChunk]) -> list[Check]:
    """One check per figure the narrative states for a table item (see the module's first line)."""
    index = item_index(records)
    labels = sorted(index, key=len, reverse=True)
    out: list[Check] = []
    for chunk in chunks:
        text, where = squeeze(chunk.text)
        for m in FIGURE.finditer(text):
            start = max((e.end() for e in CLAUSE_END.finditer(text, 0, m.start())), default=0)
            found = _item_before(text[start:m.start()], m.start() - start, labels)
            if found is None or not is_statement(_sentence_around(text, m.start(), m.end())):
                continue        # an instruction or a question states no figure to check
            label, at = found
            cells = _in_scope(index[label], text[start:start + at])
            if not cells:
                continue        # 「财政拨款支出预算」 where no 财政拨款 table prints a 支出预算
            stated_text = m.group(1).replace(",", "")
            stated = Decimal(stated_text)
            candidates = sorted(cells, key=lambda r: abs((r.value_wan or ZERO) - stated))
            if abs((candidates[0].value_wan or ZERO) - stated) > _place(stated_text):
                candidates = _across_tables(cells, stated, _place(stated_text)) or candidates
            begin = where[start + at]
            while begin and chunk.text[begin - 1] in _QUOTES:
                begin -= 1  # 「“三公”经费…」 keeps its opening quote
            said = chunk.text[begin: where[m.end() - 1] + 1]
            out.append(_figure_check(said, stated, _place(stated_text), candidates, chunk))
    return out


def _in_scope(cells: list[StoredRecord], before: str) -> list[StoredRecord]:
    """The cells of the scope the words before the item name (`scope_leads`), or all of them."""
    leads = spec()["narrative"]["scope_leads"]
    lead = max((w for w in leads if before.endswith(w)), key=len, default=None)
    if lead is None:
        return cells
    return [c for c in cells if any(w in f"{c.table}/{c.table_kind or ''}/{c.column}" for w in leads[lead])]


def _sentence_around(text: str, start: int, end: int) -> str:
    """The sentence holding text[start:end], its closing mark included."""
    begin = max((e.end() for e in SENTENCE_END.finditer(text, 0, start)), default=0)
    close = SENTENCE_END.search(text, end)
    return text[begin:close.end() if close else len(text)]


def _across_tables(cells: list[StoredRecord], stated: Decimal, place: Decimal) -> list[StoredRecord]:
    """An item printed in two tables that split it (委托业务费 in the 基本支出 and the 项目支出 table):
    the cells whose sum is the stated figure, one per table (its largest, the table's total column)."""
    per_table: dict[str, StoredRecord] = {}
    for c in cells:
        if c.table not in per_table or (c.value_wan or ZERO) > (per_table[c.table].value_wan or ZERO):
            per_table[c.table] = c
    parts = list(per_table.values())
    if len({p.table_kind for p in parts}) < 2:
        return []
    summed = sum((p.value_wan or ZERO for p in parts), ZERO)
    return parts if abs(summed - stated) <= place * len(parts) else []


def _figure_check(said: str, stated: Decimal, place: Decimal, candidates: list[StoredRecord],
                  chunk: StoredChunk) -> Check:
    nearest = candidates[0]
    value = nearest.value_wan or ZERO
    matched = abs(value - stated) <= place
    cells = [nearest] if matched else candidates[:8]
    name = f"说明「{said}」= {nearest.table}「{nearest.row}」{leaf(nearest.column)}"
    summed = sum((c.value_wan or ZERO for c in candidates), ZERO)
    if len({c.table for c in candidates}) == len(candidates) > 1 and abs(summed - stated) <= place * len(candidates):
        cells, value, place = candidates, summed, place * len(candidates)
        name = f"说明「{said}」= " + " + ".join(f"{c.table}「{c.row}」{leaf(c.column)}" for c in candidates)
    return Check("说明与表格", name, value, stated, cells, chunk, allowance=place)
