"""Checks within one table: each row's total against its component columns, 「其中」 columns as parts
of their parent column, and 类/款/项 and economic-code hierarchies (类 = Σ款, 301 = Σ30101…)."""
from __future__ import annotations

import os
from collections import defaultdict

from ..document.text import normalize_label
from ..pdf.layout import is_performance_title
from ..store.store import StoredRecord
from ..tables.codes import parent_code
from .check import AT_MOST, ZERO, Check, is_subset, leaf, money, rows, spec, total


def _is_total_leaf(name: str) -> bool:
    return normalize_label(name) in spec()["total_columns"] or name.endswith(tuple(spec()["total_endings"]))


def _direct_child(column: str, parent: str) -> bool:
    return column.startswith(parent) and "/" not in column[len(parent):]


def row_total_parts(columns: list[str], total_col: str, headerless: bool = True) -> list[str]:
    """The columns a row's total adds up: its siblings under the same header, in order, up to the next
    total at its level (「2026年预算数/年初预算数/小计」 = 基本支出 + 项目支出, not the 扣除基建 column
    beside them); a sibling group with a total of its own (基本支出/小计) counts by that total. A
    「其中」 column followed by a sibling that is not one is a part too (「小计 | 其中：基本支出 | 项目支出」).
    With `headerless`, the columns after it printed under no header count too (a header that did not
    span 「公务用车购置及运行费」); without, they do not (机关运行经费 beside the 三公 columns)."""
    parent = total_col.rsplit("/", 1)[0] + "/" if "/" in total_col else ""
    after = columns[columns.index(total_col) + 1:]
    parts: list[str] = []
    groups: set[str] = set()
    for i, c in enumerate(after):
        if is_subset(c) and _direct_child(c, parent) and any(
                _direct_child(k, parent) and not is_subset(k) for k in after[i + 1:]):
            parts.append(c)  # 「其中：基本支出」 beside 项目支出: a part, whatever the template calls it
            continue
        if not c.startswith(parent):
            if headerless and "/" not in c and not is_subset(c) and not _is_total_leaf(c):
                parts.append(c)
            continue
        rest = c[len(parent):]
        if is_subset(c) or is_subset(rest):
            continue
        if "/" not in rest:
            if _is_total_leaf(rest):
                break
            parts.append(c)
            continue
        group = rest.split("/")[0]
        if group in groups:
            continue
        groups.add(group)
        members = [k for k in columns if k.startswith(parent + group + "/")]
        own_total = [k for k in members if _is_total_leaf(k.split("/")[-1])]
        parts += own_total[:1] or [k for k in members if not is_subset(k)]
    return parts


def row_total_checks(table: list[StoredRecord], columns: list[str]) -> list[Check]:
    """Each row's 总计 equals the sum of its component columns (其中 columns are parts, not a split).
    Where header-less columns follow, the header tree reads two ways; the row is checked by the
    reading whose sum is nearer its total (a wrong total or part fails both)."""
    totals = [c for c in columns if leaf(c) in spec()["total_columns"]]
    if not totals:
        return []
    total_col = totals[0]
    readings = [row_total_parts(columns, total_col), row_total_parts(columns, total_col, headerless=False)]
    out = []
    for cells in rows(table).values():
        by_col = {r.column: r for r in cells if r.value is not None}
        head = by_col.get(total_col)
        if head is None:
            continue
        used = min(([by_col[c] for c in parts if c in by_col] for parts in readings),
                   key=lambda u: (not u, abs(total(u) - (head.value or ZERO))))
        if not used:
            continue
        out.append(Check("表内", f"{head.table}「{head.row}」{leaf(total_col)} = " +
                         " + ".join(leaf(c.column) for c in used), head.value or ZERO, total(used),
                         [head, *used]))
    return out


def siblings(parent: str, parts: list[str]) -> bool:
    """Parts that split their parent: two or more, and the parent's label names what sets each apart
    (「公务用车购置」「公务用车运行费」 of 「公务用车购置及运行费」) — not 「预留给中小企业…」 and
    「预留给小型、微型企业…」 under a 小计, which nest."""
    if len(parts) < 2:
        return False
    prefix = os.path.commonprefix(parts)
    return all(p[len(prefix):] and p[len(prefix):] in parent for p in parts)


def _subset_runs(columns: list[str]) -> list[tuple[str, list[str]]]:
    """Each column followed by 「其中」 columns under the same header, with them."""
    runs: list[tuple[str, list[str]]] = []
    for col in columns:
        if not is_subset(col):
            runs.append((col, []))
        elif runs and runs[-1][0].rpartition("/")[0] == col.rpartition("/")[0]:
            runs[-1][1].append(col)
    return [(p, subs) for p, subs in runs if subs]


def part_checks(table: list[StoredRecord], columns: list[str]) -> list[Check]:
    """Each 「其中」 column is at most the column it belongs to; where the 其中 columns are siblings
    (`siblings`) they add up to exactly it."""
    out = []
    for parent, subs in _subset_runs(columns):
        split = siblings(leaf(parent), [leaf(c) for c in subs])
        for cells in rows(table).values():
            by_col = {r.column: r for r in cells if r.value is not None}
            whole, parts = by_col.get(parent), [by_col[c] for c in subs if c in by_col]
            if whole is None or not parts:
                continue
            if split:
                out.append(Check("表内", f"{whole.table}「{whole.row}」{leaf(parent)} = " +
                                 " + ".join(leaf(p.column) for p in parts), whole.value or ZERO, total(parts),
                                 [whole, *parts]))
                continue
            for part in parts:
                if (whole.value or ZERO) >= 0 and (part.value or ZERO) >= 0:
                    out.append(Check("表内", f"{whole.table}「{whole.row}」{leaf(part.column)} ≤ {leaf(parent)}",
                                     whole.value or ZERO, part.value or ZERO, [whole, part], relation=AT_MOST))
    return out


def _code_segments(table: list[StoredRecord]) -> list[dict[tuple[str, str], StoredRecord]]:
    """(code, column) → record, in runs: a code printed again in the same column starts a new run (a
    支出总表 listing the codes once per 预算单位, a table printed in two panels)."""
    segments: list[dict[tuple[str, str], StoredRecord]] = [{}]
    for r in sorted(money(table), key=lambda r: r.row_number):
        if not r.code:
            continue
        key = (r.code, r.column)
        if key in segments[-1]:
            if segments[-1][key].row_number == r.row_number or segments[-1][key].value == r.value:
                continue  # the same cell read twice, or the row repeated on the next page
            segments.append({})
        segments[-1][key] = r
    return segments


def code_hierarchy_checks(table: list[StoredRecord]) -> list[Check]:
    """A 类 equals the sum of its 款, a 款 the sum of its 项; 301 the sum of 30101…30199."""
    if not table or is_performance_title(table[0].table):
        return []
    out = []
    for by_code in _code_segments(table):
        children: dict[tuple[str, str], list[StoredRecord]] = defaultdict(list)
        for (code, column), r in by_code.items():
            parent = parent_code(code)
            if parent and (parent, column) in by_code:
                children[(parent, column)].append(r)
        for key, kids in children.items():
            head = by_code[key]
            out.append(Check("科目层级", f"{head.table} {head.code}「{head.row}」{leaf(head.column)} = "
                             f"{len(kids)} 个下级科目之和", head.value or ZERO, total(kids), [head, *kids]))
    return out
