"""Consistency checks of a disclosure (勾稽关系): totals within tables, agreement across tables, and
figures stated in the narrative against the records they describe.

Every check reports the cells involved (as stored records) and the difference, passed or failed.
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from .codes import parent_code
from .layout import is_performance_title
from .store import Store, StoredChunk, StoredRecord
from .text import normalize_label

_SPEC = Path(__file__).with_name("data") / "checks.json"
ZERO = Decimal("0")


@lru_cache(maxsize=1)
def _spec() -> dict:
    return json.loads(_SPEC.read_text(encoding="utf-8"))


@dataclass
class Check:
    """One check: what was compared, the expected (total) and actual (sum) values, the cells."""

    category: str  # 表内 / 科目层级 / 合计行 / 表间 / 说明与表格 (/ 完整性: ingest.completeness)
    name: str
    expected: Decimal
    actual: Decimal
    cells: list[StoredRecord] = field(default_factory=list)
    quote: StoredChunk | None = None

    @property
    def passed(self) -> bool:
        return abs(self.actual - self.expected) <= self.tolerance

    @property
    def tolerance(self) -> Decimal:
        """Rounding: each printed figure may be off by half its last place, so a total may differ from
        the sum of n parts by up to ⌈(n+1)/2⌉ of that place (0.01 万元, 1 元)."""
        values = [v for v in (getattr(c, "value", None) for c in self.cells) if v is not None]
        if len(values) < 2 or self.quote is not None:
            return ZERO
        place = min((v.as_tuple().exponent for v in values if isinstance(v.as_tuple().exponent, int)),
                    default=0)
        return Decimal(1).scaleb(min(place, 0)) * ((len(values) + 1) // 2)

    @property
    def difference(self) -> Decimal:
        return self.actual - self.expected

    def to_json(self) -> dict:
        out = {"category": self.category, "name": self.name, "passed": self.passed,
               "expected": f"{self.expected:f}", "actual": f"{self.actual:f}", "difference": f"{self.difference:f}",
               "cells": [{"table": c.table, "page": c.page, "row": c.row, "code": c.code, "column": c.column,
                          "value": f"{c.value:f}" if c.value is not None else None} for c in self.cells]}
        if self.quote:
            out["quote"] = {"section": self.quote.section, "page": self.quote.page, "text": self.quote.text}
        return out


def _leaf(column: str) -> str:
    return normalize_label(column.split("/")[-1])


def _is_subset(column: str) -> bool:
    return column.split("/")[-1].startswith(_spec()["subset_prefix"])


def _money(records: Iterable[StoredRecord]) -> list[StoredRecord]:
    return [r for r in records if r.value is not None]


def _by_table(records: list[StoredRecord]) -> dict[str, list[StoredRecord]]:
    tables: dict[str, list[StoredRecord]] = defaultdict(list)
    for r in records:
        tables[r.table].append(r)
    return tables


def _rows(records: list[StoredRecord]) -> dict[int, list[StoredRecord]]:
    rows: dict[int, list[StoredRecord]] = defaultdict(list)
    for r in records:
        rows[r.row_number].append(r)
    return rows


# -- within a table -------------------------------------------------------------------------------
def row_total_checks(table: list[StoredRecord], columns: list[str]) -> list[Check]:
    """Each row's 总计 equals the sum of its component columns (其中 columns are subsets, not parts)."""
    totals = [c for c in columns if _leaf(c) in _spec()["total_columns"]]
    if not totals:
        return []
    total_col = totals[0]
    parts = row_total_parts(columns, total_col)
    out = []
    for cells in _rows(table).values():
        by_col = {r.column: r for r in cells if r.value is not None}
        total = by_col.get(total_col)
        used = [by_col[c] for c in parts if c in by_col]
        if total is None or not used:
            continue
        out.append(Check("表内", f"{total.table}「{total.row}」{_leaf(total_col)} = " +
                         " + ".join(_leaf(c.column) for c in used), total.value or ZERO,
                         sum((c.value or ZERO for c in used), ZERO), [total, *used]))
    return out


def _is_total_leaf(leaf: str) -> bool:
    return normalize_label(leaf) in _spec()["total_columns"] or leaf.endswith(tuple(_spec()["total_endings"]))


def row_total_parts(columns: list[str], total_col: str) -> list[str]:
    """The columns a row's total adds up: its siblings under the same header, in order, up to the next
    total at its level (「2026年预算数/年初预算数/小计」 = 基本支出 + 项目支出, not the 扣除基建 column
    beside them), and header-less columns after it; a sibling group with a total of its own
    (基本支出/小计) counts by that total. A 「其中」 column followed by a sibling that is not one is a part
    too (「小计 | 其中：基本支出 | 项目支出」)."""
    parent = total_col.rsplit("/", 1)[0] + "/" if "/" in total_col else ""
    parts: list[str] = []
    groups: set[str] = set()
    after = columns[columns.index(total_col) + 1:]
    for i, c in enumerate(after):
        if _is_subset(c) and c.startswith(parent) and "/" not in c[len(parent):] and any(
                k.startswith(parent) and "/" not in k[len(parent):] and not _is_subset(k) for k in after[i + 1:]):
            parts.append(c)  # 「其中：基本支出」 beside 项目支出: a part, whatever the template calls it
            continue
        if not c.startswith(parent):  # another header's column; a header-less one still counts
            if "/" not in c and not _is_subset(c) and not _is_total_leaf(c):
                parts.append(c)
            continue
        rest = c[len(parent):]
        if _is_subset(c) or _is_subset(rest):
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
        parts += own_total[:1] or [k for k in members if not _is_subset(k)]
    return parts


def subset_checks(table: list[StoredRecord], columns: list[str]) -> list[Check]:
    """「其中」 columns add up to no more than the column they belong to; where they split it
    completely (two or more of them), to exactly it."""
    out = []
    for i, col in enumerate(columns):
        subs = []
        for c in columns[i + 1:]:
            if not _is_subset(c):
                break
            subs.append(c)
        if len(subs) < 2 or _is_subset(col):
            continue
        for cells in _rows(table).values():
            by_col = {r.column: r for r in cells if r.value is not None}
            if col not in by_col or not any(s in by_col for s in subs):
                continue
            used = [by_col[s] for s in subs if s in by_col]
            out.append(Check("表内", f"{by_col[col].table}「{by_col[col].row}」{_leaf(col)} = " +
                             " + ".join(_leaf(u.column) for u in used), by_col[col].value or ZERO,
                             sum((u.value or ZERO for u in used), ZERO), [by_col[col], *used]))
    return out


def code_hierarchy_checks(table: list[StoredRecord]) -> list[Check]:
    """A 类 equals the sum of its 款, a 款 the sum of its 项; 301 the sum of 30101…30199."""
    by_code: dict[tuple[str, str], StoredRecord] = {}
    for r in _money(table):
        if r.code and not is_performance_title(r.table):
            by_code.setdefault((r.code, r.column), r)
    children: dict[tuple[str, str], list[StoredRecord]] = defaultdict(list)
    for (code, column), r in by_code.items():
        parent = parent_code(code)
        if parent and (parent, column) in by_code:
            children[(parent, column)].append(r)
    out = []
    for key, kids in children.items():
        parent = by_code[key]
        out.append(Check("科目层级", f"{parent.table} {parent.code}「{parent.row}」{_leaf(parent.column)} = "
                         f"{len(kids)} 个下级科目之和", parent.value or ZERO,
                         sum((k.value or ZERO for k in kids), ZERO), [parent, *kids]))
    return out


_TOP_ORDINAL = re.compile(r"^[一二三四五六七八九十]+、")
_SUB_ORDINAL = re.compile(r"^\d+、")


def total_row_checks(table: list[StoredRecord]) -> list[Check]:
    """合计 rows equal the rows they total: top-level codes in coded tables; in 收支 tables,
    「一、…」 rows sum to 本年合计/总计 and 「1、…」 rows to the 「一、…」 row above them."""
    money = [r for r in _money(table) if not is_performance_title(r.table)]
    if not money:
        return []
    out: list[Check] = []
    if any(r.code for r in money):
        top = min(len(r.code) for r in money if r.code)  # type: ignore[arg-type]
        for column in dict.fromkeys(r.column for r in money):
            total = next((r for r in money if r.column == column and normalize_label(r.row) in ("合计", "总计")
                          and not r.code), None)
            parts = [r for r in money if r.column == column and r.code and len(r.code) == top]
            if total and parts:
                out.append(Check("合计行", f"{total.table}「{total.row}」{_leaf(column)} = 各{_level(top)}之和",
                                 total.value or ZERO, sum((p.value or ZERO for p in parts), ZERO), [total, *parts]))
        return out
    for side_column in dict.fromkeys(r.column for r in money):
        out.extend(_ordinal_total_checks([r for r in money if r.column == side_column]))
    return out


def _level(code_length: int) -> str:
    return {3: "类", 5: "款", 7: "项"}.get(code_length, "科目")


def _ordinal_total_checks(cells: list[StoredRecord]) -> list[Check]:
    rows = sorted(cells, key=lambda r: r.row_number)
    out: list[Check] = []
    running: list[StoredRecord] = []
    parent: StoredRecord | None = None
    subs: list[StoredRecord] = []

    def close_parent() -> None:
        if parent is not None and subs:
            out.append(Check("合计行", f"{parent.table}「{parent.row}」{_leaf(parent.column)} = 其下各项之和",
                             parent.value or ZERO, sum((s.value or ZERO for s in subs), ZERO), [parent, *subs]))

    for r in rows:
        label = normalize_label(r.row) if not _TOP_ORDINAL.match(r.row) else r.row
        if _TOP_ORDINAL.match(r.row):
            close_parent()
            parent, subs = r, []
            running.append(r)
        elif _SUB_ORDINAL.match(r.row):
            subs.append(r)
        elif label.endswith(("合计", "总计")):
            close_parent()
            parent, subs = None, []
            if running:
                out.append(Check("合计行", f"{r.table}「{r.row}」{_leaf(r.column)} = " +
                                 " + ".join(p.row for p in running), r.value or ZERO,
                                 sum((p.value or ZERO for p in running), ZERO), [r, *running]))
            running = [r]
    close_parent()
    return out


# -- across tables --------------------------------------------------------------------------------
def _find(records: list[StoredRecord], table_key: str, row: str, column: str) -> StoredRecord | None:
    """The record of the first table whose title contains `table_key`, by normalised row and column leaf."""
    row_n, col_n = normalize_label(row), normalize_label(column)
    for r in _money(records):
        if table_key in r.table and normalize_label(r.row) == row_n and _leaf(r.column) == col_n:
            return r
    return None


def cross_table_checks(records: list[StoredRecord]) -> list[Check]:
    """收支总表 balances; 收入 and 支出 tables agree by code; 基本支出 agrees between tables;
    units of the 整体绩效 table add up to the department; projects add up to each unit's 项目支出."""
    out: list[Check] = []
    pairs = [
        (("收支总", "收入总计", "本年预算"), ("收支总", "支出总计", "本年预算"), "部门收支总表 收入总计 = 支出总计"),
        (("收支总", "基本支出", "本年预算"), ("一般公共预算支出", "合计", "基本支出"), "收支总表 基本支出 = 一般公共预算支出表 基本支出"),
        (("收支总", "项目支出", "本年预算"), ("一般公共预算支出", "合计", "项目支出"), "收支总表 项目支出 = 一般公共预算支出表 项目支出"),
        (("一般公共预算基本支出", "合计", "总计"), ("一般公共预算支出", "合计", "基本支出"), "基本支出表 合计 = 一般公共预算支出表 基本支出"),
        (("财政拨款收支", "收入总计", "金额"), ("财政拨款收支", "支出总计", "合计"), "财政拨款收支总表 收入总计 = 支出总计"),
    ]
    for left, right, name in pairs:
        a, b = _find(records, *left), _find(records, *right)
        if a and b:
            out.append(Check("表间", name, a.value or ZERO, b.value or ZERO, [a, b]))
    out.extend(_code_agreement(records, "部门收入总体", "合计", "部门支出总体", "总计"))
    out.extend(_code_agreement(records, "部门支出总体", "基本支出", "一般公共预算支出", "基本支出"))
    out.extend(_code_agreement(records, "部门支出总体", "项目支出", "一般公共预算支出", "项目支出"))
    out.extend(_performance_checks(records))
    return out


def _code_agreement(records: list[StoredRecord], t1: str, c1: str, t2: str, c2: str) -> list[Check]:
    left = {r.code: r for r in _money(records) if t1 in r.table and r.code and _leaf(r.column) == c1}
    right = {r.code: r for r in _money(records) if t2 in r.table and r.code and _leaf(r.column) == c2}
    return [Check("表间", f"{code} {left[code].row}：{t1}表 {c1} = {t2}表 {c2}", left[code].value or ZERO,
                  right[code].value or ZERO, [left[code], right[code]])
            for code in left if code in right]


def _performance_checks(records: list[StoredRecord]) -> list[Check]:
    units = [r for r in _money(records) if "整体" in r.table and is_performance_title(r.table)]
    projects = [r for r in _money(records) if is_performance_title(r.table) and "整体" not in r.table]
    out: list[Check] = []
    for column, table_key, row, col in (("资金总额", "一般公共预算支出", "合计", "总计"),
                                        ("基本支出", "一般公共预算支出", "合计", "基本支出"),
                                        ("项目支出", "一般公共预算支出", "合计", "项目支出")):
        parts = [u for u in units if u.column == column]
        total = _find(records, table_key, row, col)
        if parts and total:
            out.append(Check("表间", f"整体绩效目标表 各单位{column}之和 = 一般公共预算支出表 {col}",
                             total.value or ZERO, sum((p.value or ZERO for p in parts), ZERO), [total, *parts]))
    unit_names = {u.row for u in units}
    for unit in (u for u in units if u.column == "项目支出"):
        own = [p for p in projects if p.code == unit.code and p.row not in unit_names]
        if own:
            out.append(Check("表间", f"{unit.row} 各项目资金之和 = 整体绩效目标表 项目支出", unit.value or ZERO,
                             sum((p.value or ZERO for p in own), ZERO), [unit, *own]))
    return out


# -- narrative against tables ---------------------------------------------------------------------
_NUMBER = re.compile(r"([\d,]+(?:\.\d+)?)\s*万元")


def narrative_checks(records: list[StoredRecord], chunks: list[StoredChunk]) -> list[Check]:
    """Figures the narrative states (「基本支出预算数7020.74万元」) against the records they describe."""
    out: list[Check] = []
    seen: set[tuple[str, int]] = set()
    for rule in _spec()["narrative_figures"]:
        target = _find(records, rule["table"], rule["row"], rule["column"])
        if target is None:
            continue
        within = rule.get("within", 4)
        pattern = re.compile(re.escape(rule["phrase"]) + rf"[^\d，。；]{{0,{within}}}?([\d,]+(?:\.\d+)?)\s*万元")
        for chunk in chunks:
            for m in pattern.finditer(chunk.text):
                if (chunk.text, m.start(1)) in seen:
                    continue
                seen.add((chunk.text, m.start(1)))
                stated = Decimal(m.group(1).replace(",", ""))
                out.append(Check("说明与表格", f"说明「{m.group(0)}」= {target.table}「{target.row}」{_leaf(target.column)}",
                                 target.value or ZERO, stated, [target], chunk))
    return out


def run_checks(store: Store, document_id: int | None = None, *, completeness: bool = False) -> list[Check]:
    """Every consistency check over one document (the first stored when none is named); with
    `completeness`, first the 完整性 group too: each mandated table present, empty or missing
    (`ingest.completeness`)."""
    docs = store.documents()
    if not docs:
        return []
    doc_id = document_id if document_id is not None else docs[0].id
    out: list[Check] = []
    if completeness:
        from .completeness import completeness_checks  # it builds on Check: imported here, not above

        out += completeness_checks(store, next(d for d in docs if d.id == doc_id))
    records = store.records("r.document_id = ?", (doc_id,))
    chunks = store.chunks([doc_id])
    columns_of = {t["title"]: t["columns"] for t in store.tables(doc_id)}
    for title, table in _by_table(records).items():
        if is_performance_title(title):
            continue
        columns = [c for c in columns_of.get(title, []) if any(r.column == c for r in table)]
        out += row_total_checks(table, columns) + subset_checks(table, columns)
        out += code_hierarchy_checks(table) + total_row_checks(table)
    out += cross_table_checks(records)
    out += narrative_checks(records, chunks)
    return out
