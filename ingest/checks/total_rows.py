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
        for panel in side_by_side_panels([r for r in cells if r.column == column]):
            out.extend(_ordinal_total_checks(panel))
    return out


PANEL_GAP = 20.0  # points between the x of two figure columns printed side by side under one heading


def side_by_side_panels(cells: list[StoredRecord]) -> list[list[StoredRecord]]:
    """The cells of one column split by the panel they stand in, where a page prints the column more
    than once side by side (支出功能分类 | 部门经济分类 | 政府经济分类, each with its 预算数 and its own
    一、… rows breaking down the same total): the n-th figure column from the left of each page."""
    panels: dict[int, list[StoredRecord]] = {}
    for page in dict.fromkeys(r.page for r in cells):
        on_page = [r for r in cells if r.page == page]
        xs: list[float] = []
        for x in sorted(r.bbox[0] for r in on_page if r.bbox):
            if not xs or x - xs[-1] > PANEL_GAP:
                xs.append(x)
        at = {r.id: max((i for i, x in enumerate(xs) if r.bbox and r.bbox[0] >= x - PANEL_GAP / 2), default=0)
              for r in on_page}
        level = {}  # a line of the page → the panels with a figure on it
        for r in on_page:
            if r.bbox:
                level.setdefault(round(r.bbox[1]), set()).add(at[r.id])
        if not any(len(ns) > 1 for ns in level.values()):
            at = dict.fromkeys(at, 0)  # figures set in other columns on other lines: one panel still
        for r in on_page:
            panels.setdefault(at[r.id], []).append(r)
    return list(panels.values())


def _coded_total_checks(cells: list[StoredRecord]) -> list[Check]:
    top = min(len(r.code) for r in cells if r.code)  # type: ignore[arg-type]
    out = []
    for column in dict.fromkeys(r.column for r in cells):
        head = next((r for r in cells if r.column == column and normalize_label(r.row) in ("合计", "总计")
                     and not r.code), None)
        coded = [r for r in cells if r.column == column and r.code]
        printed = {r.code for r in coded}
        parts = _distinct([r for r in coded if _top_part(r.code, top, printed)], key=lambda r: (r.code, r.value))
        if head and parts:
            out.append(Check("合计行", f"{head.table}「{head.row}」{leaf(column)} = 各{_LEVEL.get(top, '科目')}之和",
                             head.value or ZERO, total(parts), [head, *parts]))
    return out


def _top_part(code: str | None, top: int, printed: set[str | None]) -> bool:
    """A code the 合计 row adds up: one of the top level, or a deeper 款/项 of which no code printed in
    the table is the head (3021101 差旅费 listed under no 302 or 30211 row)."""
    if not code:
        return False
    if len(code) == top:
        return True
    return len(code) in _LEVEL and not any(p and p != code and code.startswith(p) for p in printed)


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


def _sub_style(label: str) -> str:
    """How a sub-item is numbered (1、 | (1) | （一）): one style, one level."""
    m = _SUB_ORDINAL.match(label)
    return re.sub(r"\d+", "1", re.sub(r"[一二三四五六七八九十]+", "一", m.group(1))).translate(_FULL) if m else ""


_FULL = str.maketrans({"(": "（", ")": "）", ".": "、", "．": "、"})


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
            if not subs or _sub_style(r.row) == _sub_style(subs[0].row):
                subs.append(r)  # 「(1)工资福利支出」 under 「1、人员经费…」 is a part of that part
        elif kind in ("year_total", "grand_total"):
            close_parent()
            parent, subs = None, []
            adds = [p for p in running if p is not last_total]
            if adds and (kind == "grand_total" or last_total is None):
                out.extend(_running_checks(r, running))
            elif kind == "grand_total" and last_total is not None and not adds:
                out.append(Check("合计行", f"{r.table}「{r.row}」{leaf(r.column)} = {last_total.row}",
                                 r.value or ZERO, last_total.value or ZERO, [r, last_total]))
            last_total = r
            running = [r]
    close_parent()
    return out


def _sum_check(head: StoredRecord, parts: list[StoredRecord]) -> Check:
    return Check("合计行", f"{head.table}「{head.row}」{leaf(head.column)} = " + " + ".join(p.row for p in parts),
                 head.value or ZERO, total(parts), [head, *parts])


def _running_checks(head: StoredRecord, running: list[StoredRecord]) -> list[Check]:
    """The total against the rows above it; where they do not add up to it but fall into two runs that
    each do, one check per run: the table prints the total broken down twice (支出用途 一、基本支出 …
    三、单位预留机动经费, then by function 四、公共安全支出 …), its ordinals running on."""
    whole = _sum_check(head, running)
    if whole.passed:
        return [whole]
    for k in range(1, len(running)):
        first, second = _sum_check(head, running[:k]), _sum_check(head, running[k:])
        if first.passed and second.passed:
            return [first, second]
    return [whole]


def carry_over_parts(cells: list[StoredRecord]) -> set[int]:
    """Ids of the sub-rows a carry-over row heads (「二、上年结转」 → 「（一）一般公共预算拨款」): the
    carried-over part of an item, never the item itself."""
    out: set[int] = set()
    for column in dict.fromkeys(r.column for r in cells):
        parent = ""
        for r in sorted((r for r in cells if r.column == column and not r.code), key=lambda r: r.row_number):
            kind = _kind_of(r.row)
            if kind == "sub":
                if _is_carry_over(normalize_label(parent)):
                    out.add(r.id)
            else:
                parent = r.row
    return out
