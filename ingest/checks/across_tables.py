"""Checks across tables, by canonical table kind (`ingest/data/table_kinds.json`), never by title words:
the same figure in 收支总表, 收入总表, 支出总表, 财政拨款收支总表 and the 一般公共预算 tables
(`across_tables` in `ingest/data/checks.json`); per 功能分类 code, the 一般公共预算 figure is at most the
all-funds 支出总表 figure; the 整体绩效 units and project targets against the 支出 tables."""
from __future__ import annotations

from decimal import Decimal

from ..document.text import normalize_label
from ..pdf.layout import is_performance_title
from ..store.store import StoredRecord
from .check import AT_MOST, EQUAL, ZERO, Check, leaf, money, spec, total

Columns = dict[str, list[str]]  # table title → its column paths in printed order


def _side_cells(records: list[StoredRecord], side: dict, columns: Columns) -> list[StoredRecord]:
    """The cells a rule's side names: its kind, a row label among `rows`, and a column leaf among
    `columns` (or, for "total", the table's first total column); in printed column order."""
    rows = {normalize_label(r) for r in side["rows"]}
    cells = [r for r in records if r.table_kind == side["kind"] and normalize_label(r.row) in rows]
    wanted = side.get("columns")
    if wanted == "total":
        totals = set(spec()["total_columns"])
        cells = [c for c in cells if leaf(c.column) in totals or leaf(c.column).endswith(tuple(totals))]
    elif wanted:
        cells = [c for c in cells if leaf(c.column) in wanted]
    order = {t: {c: i for i, c in enumerate(cols)} for t, cols in columns.items()}
    return sorted(cells, key=lambda c: (c.table_number, order.get(c.table, {}).get(c.column, 0), c.row_number))


def _pair(left: list[StoredRecord], right: list[StoredRecord]) -> tuple[StoredRecord, StoredRecord] | None:
    """The two cells to compare: of the pairs with the same column leaf (else of all pairs), the
    closest — a side naming two rows (本年收入合计 or 收入总计) agrees when either does."""
    pairs = [(a, b) for a in left for b in right if a is not b]
    same_leaf = [(a, b) for a, b in pairs if leaf(a.column) == leaf(b.column)]
    candidates = same_leaf or pairs
    if not candidates:
        return None
    return min(candidates, key=lambda p: (abs(_wan(p[0]) - _wan(p[1])), p[0].table_number, p[1].table_number))


def _wan(cell: StoredRecord) -> Decimal:
    return cell.value_wan if cell.value_wan is not None else cell.value or ZERO


def kind_rule_checks(records: list[StoredRecord], columns: Columns) -> list[Check]:
    """One check per `across_tables` rule whose two sides the document prints."""
    cells = money(records)
    out = []
    for rule in spec()["across_tables"]:
        pair = _pair(_side_cells(cells, rule["left"], columns), _side_cells(cells, rule["right"], columns))
        if pair:
            a, b = pair
            out.append(_same_figure(rule["name"], a, b))
    return out


def _same_figure(name: str, a: StoredRecord, b: StoredRecord) -> Check:
    """Tables of one document may print 元 and 万元: then compared in 万元, to the 万元 rounding."""
    if a.unit == b.unit or a.value_wan is None or b.value_wan is None:
        return Check("表间", name, a.value or ZERO, b.value or ZERO, [a, b])
    return Check("表间", name, a.value_wan, b.value_wan, [a, b], allowance=Decimal("0.01"))


def code_agreement_checks(records: list[StoredRecord]) -> list[Check]:
    """Per 功能分类 code and column (合计, 基本支出, 项目支出): each `code_agreement` rule, = or ≤."""
    out: list[Check] = []
    for rule in spec()["code_agreement"]:
        for column in rule["columns"]:
            left = _by_code(records, rule["left"], column)
            right = _by_code(records, rule["right"], column)
            for code, a in left.items():
                b = right.get(code)
                if b is None:
                    continue
                relation = rule.get("relation", EQUAL)
                out.append(Check("表间", f"{code} {a.row}：{rule['right']}表 {leaf(b.column)} {relation} "
                                 f"{rule['left']}表 {leaf(a.column)}", a.value or ZERO, b.value or ZERO, [a, b],
                                 relation=relation))
    return out


def _by_code(records: list[StoredRecord], kind: str, column: str) -> dict[str, StoredRecord]:
    out: dict[str, StoredRecord] = {}
    names = set(spec()["column_synonyms"].get(column, [column]))
    for r in records:
        if r.value is not None and r.code and r.table_kind == kind and leaf(r.column) in names:
            out.setdefault(r.code, r)
    return out


def performance_checks(records: list[StoredRecord]) -> list[Check]:
    """The 整体绩效 table's units add up to the 一般公共预算支出 totals; a unit's project targets add up
    to at most its 项目支出 (only key projects print targets)."""
    cells = money(records)
    units = [r for r in cells if r.table_kind == "整体绩效" and is_performance_title(r.table)]
    projects = [r for r in cells if is_performance_title(r.table) and r.table_kind != "整体绩效"]
    out: list[Check] = []
    for column, total_leaf in (("资金总额", "总计"), ("基本支出", "基本支出"), ("项目支出", "项目支出")):
        parts = [u for u in units if u.column == column]
        whole = next((r for r in cells if r.table_kind == "一般公共预算支出（功能分类）" and
                      normalize_label(r.row) == "合计" and leaf(r.column) == total_leaf), None)
        if parts and whole:
            out.append(Check("表间", f"整体绩效目标表 各单位{column}之和 = 一般公共预算支出表 {total_leaf}",
                             whole.value or ZERO, total(parts), [whole, *parts]))
    unit_names = {u.row for u in units}
    for unit in (u for u in units if u.column == "项目支出"):
        own = [p for p in projects if p.code == unit.code and p.row not in unit_names]
        if own:
            out.append(Check("表间", f"{unit.row} 各项目资金之和 ≤ 整体绩效目标表 项目支出", unit.value or ZERO,
                             total(own), [unit, *own], relation=AT_MOST))
    return out


def cross_table_checks(records: list[StoredRecord], columns: Columns | None = None) -> list[Check]:
    """Every check across the tables of one document."""
    return (kind_rule_checks(records, columns or {}) + code_agreement_checks(records)
            + performance_checks(records))
