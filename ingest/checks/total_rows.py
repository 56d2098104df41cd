"""Total rows (合计行): in coded tables the 合计 row against the top-level codes; in 收支 tables
「一、…」 rows against 本年合计, 「1、…」 rows against their 「一、…」 row, and 总计 against 本年合计 plus
the carry-over rows between them (上年结转/结余, 年初结转和结余: 总计 = 本年合计 + 上年结转)."""
from __future__ import annotations

import re

from ..document.text import normalize_label
from ..pdf.layout import is_performance_title
from ..store.store import StoredRecord
from .check import ZERO, Check, leaf, money, spec, total

_TOP_ORDINAL = re.compile(r"^[一二三四五六七八九十]+、")
_SUB_ORDINAL = re.compile(r"^(\d+[、.．]|[（(]\d+[)）]|[（(][一二三四五六七八九十]+[)）])")
_LEVEL = {3: "类", 5: "款", 7: "项"}


def total_row_checks(table: list[StoredRecord]) -> list[Check]:
    """合计 rows equal the rows they total (see the module's first line)."""
    cells = [r for r in money(table) if not is_performance_title(r.table)]
    if not cells:
        return []
    if any(r.code for r in cells):
        return _coded_total_checks(cells)
    out: list[Check] = []
    for column in dict.fromkeys(r.column for r in cells):
        out.extend(_ordinal_total_checks([r for r in cells if r.column == column]))
    return out


def _coded_total_checks(cells: list[StoredRecord]) -> list[Check]:
    top = min(len(r.code) for r in cells if r.code)  # type: ignore[arg-type]
    out = []
    for column in dict.fromkeys(r.column for r in cells):
        head = next((r for r in cells if r.column == column and normalize_label(r.row) in ("合计", "总计")
                     and not r.code), None)
        parts = _distinct([r for r in cells if r.column == column and r.code and len(r.code) == top],
                          key=lambda r: (r.code, r.value))
        if head and parts:
            out.append(Check("合计行", f"{head.table}「{head.row}」{leaf(column)} = 各{_LEVEL.get(top, '科目')}之和",
                             head.value or ZERO, total(parts), [head, *parts]))
    return out


def _distinct(cells: list[StoredRecord], key) -> list[StoredRecord]:
    """Rows printed again (a panel or page repeating them) count once."""
    seen: dict = {}
    for c in cells:
        seen.setdefault(key(c), c)
    return list(seen.values())


def _is_carry_over(label: str) -> bool:
    return any(w in label for w in spec()["carry_over_words"])


def _kind_of(label: str) -> str:
    """top | sub | carry | year_total (本年收入合计) | grand_total (收入总计) | other."""
    if _TOP_ORDINAL.match(label):
        return "top"
    if _SUB_ORDINAL.match(label):
        return "sub"
    name = normalize_label(label)
    if name.endswith("总计"):
        return "grand_total"
    if name.endswith("合计"):
        return "year_total"
    return "carry" if _is_carry_over(name) else "other"


def _ordinal_total_checks(cells: list[StoredRecord]) -> list[Check]:
    out: list[Check] = []
    running: list[StoredRecord] = []   # the rows the next total adds up
    parent: StoredRecord | None = None
    subs: list[StoredRecord] = []
    last_total: StoredRecord | None = None

    def close_parent() -> None:
        if parent is not None and subs:
            out.append(Check("合计行", f"{parent.table}「{parent.row}」{leaf(parent.column)} = 其下各项之和",
                             parent.value or ZERO, total(subs), [parent, *subs]))

    printed: set = set()
    for r in sorted(cells, key=lambda r: r.row_number):
        kind = _kind_of(r.row)
        if kind == "top" and running and _kind_of(running[-1].row) == "carry":
            kind = "sub"  # 「年初结转和结余」 then 「一、一般公共预算财政拨款」: the carry-over's parts
        if kind != "sub" and (r.row, r.value) in printed:
            continue  # a row printed again by another panel or page
        printed.add((r.row, r.value))
        if kind in ("top", "carry"):
            close_parent()
            parent, subs = r, []
            if kind == "top" or last_total is not None:
                running.append(r)
        elif kind == "sub":
            subs.append(r)
        elif kind in ("year_total", "grand_total"):
            close_parent()
            parent, subs = None, []
            adds = [p for p in running if p is not last_total]
            if adds and (kind == "grand_total" or last_total is None):
                out.append(Check("合计行", f"{r.table}「{r.row}」{leaf(r.column)} = " +
                                 " + ".join(p.row for p in running), r.value or ZERO, total(running), [r, *running]))
            elif kind == "grand_total" and last_total is not None and not adds:
                out.append(Check("合计行", f"{r.table}「{r.row}」{leaf(r.column)} = {last_total.row}",
                                 r.value or ZERO, last_total.value or ZERO, [r, last_total]))
            last_total = r
            running = [r]
    close_parent()
    return out
