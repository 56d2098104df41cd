"""Performance-target tables (绩效目标表): read by meaning, since their grids shift from page to page.

A project (项目支出绩效目标表) is a record of 单位编码, 项目名称 and 资金总额; a unit of the
部门整体支出绩效目标表 carries 资金总额, its split by source (按收入性质分) and its split into
基本支出 and 项目支出 (按支出性质分). Both splits add up to 资金总额, which is how the amounts are
told apart when a page prints them a column off.
"""
from __future__ import annotations

import re
from decimal import Decimal

from ..document.model import BBox, Record, Table, TableRow, round_box
from ..pdf.layout import layout
from .numbers import is_money, parse_amount

PROJECT_AMOUNT = "资金总额"
_BRACKETED = re.compile(r"[（(][^（）()]*[）)]$")
_DECIMALS = re.compile(r"^-?(\d{1,3}(,\d{3})+|\d+)\.\d{2,6}$")


def is_amount(cell: str) -> bool:
    """An amount as performance tables print it: two decimals (万元), or up to six (北京's 万元); an
    integer there is an indicator's target (100, 95), not money."""
    return is_money(cell) or bool(_DECIMALS.match(cell.replace(" ", "")))
INCOME_COLUMNS = ("一般公共预算", "政府性基金拨款", "财政专户管理资金", "其他资金")
SPLIT_COLUMNS = ("基本支出", "项目支出")


def is_unit_table(table: Table) -> bool:
    """部门整体支出绩效目标表 (per unit), as opposed to the per-project table."""
    return "整体" in table.title


def row_amounts(row: TableRow, columns: list[str]) -> list[tuple[str, Decimal]]:
    """Money cells of a row in column order (only the grouped-thousands or two-decimal amounts)."""
    out = []
    for column in columns:
        cell = row.cells.get(column, "")
        if cell and is_amount(cell):
            value = parse_amount(cell)
            if value is not None:
                out.append((column, value))
    return out


def is_amount_column(column: str) -> bool:
    """A column whose head names each project's amount (资金总额, 项目总额, 预算数（万元）, 当年财政拨款预算金额;
    data: performance_amount_headers), not an indicator's value."""
    leaf = _BRACKETED.sub("", column.split("/")[-1])
    return leaf.endswith(tuple(layout()["performance_amount_headers"])) and not any(w in leaf for w in INDICATOR_WORDS)


def amount_columns(columns: list[str]) -> list[str]:
    """The project amount column and its parts printed right after it under 其中 (其中：/财政资金)."""
    first = next((i for i, c in enumerate(columns) if is_amount_column(c)), None)
    if first is None:
        return []
    out = [columns[first]]
    parts = tuple(layout()["performance_amount_part_words"])
    for column in columns[first + 1:]:
        if not column.startswith(parts):
            break
        out.append(column)
    return out


def project_amounts(row: TableRow, columns: list[str]) -> list[tuple[str, Decimal]]:
    """A project row's amount and its parts, each under the column that prints it. The head says the
    column holds money, so any amount counts (「723.1」, 「1,000」), not only two-decimal ones."""
    out = []
    for column in amount_columns(columns):
        value = parse_amount(row.cells.get(column, ""))
        if value is not None:
            out.append((column, value))
    return out


INDICATOR_WORDS = ("指标", "目标值", "标准", "值")


def is_performance_header(texts: list[str]) -> bool:
    """A header row of projects with their 绩效目标 (「项目 | 预算数（单位：万元） | 绩效目标」): a column of
    targets (data: performance_grid_heads) beside one of amounts — a 绩效目标表 even where the narrative
    prints it with no title above."""
    heads = {re.sub(r"\s+", "", t) for t in texts if t}
    return bool(heads & set(layout()["performance_grid_heads"])) and any(is_amount_column(t) for t in heads)


def is_block_form(table: Table) -> bool:
    """A performance table printed as label | value blocks (项目名称 | X, 年度资金总额 | 123.45),
    with no amount column (资金总额, 项目总额 …) to read amounts from."""
    return not any(is_amount_column(c) for c in table.columns)


def labelled_amounts(row: TableRow) -> list[tuple[str, str, Decimal]]:
    """(label, column, amount) of a block-form row: each two-decimal figure named by the nearest text
    cell to its left (「年度资金总额：」, 「上年结转」), in a row about money (项目资金, or that cell)."""
    out = []
    label = row.label
    for column, cell in row.cells.items():
        if not cell:
            continue
        if not is_amount(cell) and parse_amount(cell) is None and cell not in ("-", "—"):
            label = cell.rstrip("：:")
            continue
        leaf = column.split("/")[-1]
        value = parse_amount(cell) if is_amount(cell) else None
        about_money = any(w in label or w in row.label for w in layout()["performance_money_label_words"])
        if value is not None and about_money and not any(w in leaf for w in INDICATOR_WORDS):
            out.append((label, column, value))
    return out


def unit_split(amounts: list[Decimal]) -> tuple[Decimal, list[Decimal], list[Decimal]] | None:
    """(资金总额, amounts by source, amounts by nature) from a unit row's amounts in order:
    the first is the total, then the shortest runs that each add up to it."""
    if not amounts:
        return None
    total, rest = amounts[0], amounts[1:]
    income, i = _run_to(total, rest)
    nature, _ = _run_to(total, rest[i:])
    return total, income, nature


def _run_to(total: Decimal, values: list[Decimal]) -> tuple[list[Decimal], int]:
    run: list[Decimal] = []
    for i, v in enumerate(values):
        run.append(v)
        if sum(run) == total:
            return run, i + 1
        if sum(run) > total:
            break
    return [], 0


def performance_records(table: Table, project_codes: set[str] | None = None) -> list[Record]:
    """Money records of a performance table, one per project or unit, each cited at its first page."""
    seen: set[tuple[str | None, str, str]] = set()
    out: list[Record] = []
    code: str | None = None
    for number, row in enumerate(table.rows, start=1):
        code = row.code or code  # the 单位编码 cell spans all the unit's projects
        if is_block_form(table):
            out += [_record(table, row, number, code, label, column, value)
                    for label, column, value in labelled_amounts(row) if (code, label, column) not in seen
                    and not seen.add((code, label, column))]
            continue
        if not row.label or row.group:
            continue
        for column, value in _row_money(table, row, project_codes or set()):
            if (code, row.label, column) in seen:
                continue
            seen.add((code, row.label, column))
            out.append(_record(table, row, number, code, row.label, column, value))
    return out


def _record(table: Table, row: TableRow, number: int, code: str | None, label: str, column: str,
            value: Decimal) -> Record:
    return Record(table=table.title, table_number=table.number, page=row.page, row=label, code=code,
                  column=column, value=value, text=None, unit=table.unit, row_number=number,
                  bbox=round_box(_amount_box(row, column, value)))


def _amount_box(row: TableRow, column: str, value: Decimal) -> BBox | None:
    """The box of the row's cell printing the amount: its own column's, else the first cell whose
    figure it is (a project's amount read from whichever column printed it)."""
    if column in row.boxes and parse_amount(row.cells.get(column, "")) == value:
        return row.boxes[column]
    return next((row.boxes[c] for c, text in row.cells.items() if c in row.boxes and parse_amount(text) == value),
                None)


def _row_money(table: Table, row: TableRow, project_codes: set[str]) -> list[tuple[str, Decimal]]:
    columns = list(row.cells)
    if not is_unit_table(table):
        return project_amounts(row, table.columns)
    placed = row_amounts(row, columns)
    split = unit_split([v for _, v in placed])
    if split is None:
        return []
    total, income, nature = split
    out = [(PROJECT_AMOUNT, total)]
    leaf_of = {i: column.split("/")[-1] for i, (column, _) in enumerate(placed)}
    by_source = [(leaf_of.get(1 + i), v) for i, v in enumerate(income)]
    if len({leaf for leaf, _ in by_source}) == len(by_source) and all(leaf in INCOME_COLUMNS for leaf, _ in by_source):
        out += [(leaf, v) for leaf, v in by_source if leaf]
    if len(nature) == 2:
        out += [(SPLIT_COLUMNS[0], nature[0]), (SPLIT_COLUMNS[1], nature[1])]
    elif len(nature) == 1:
        out += _single_nature(row, nature[0], leaf_of.get(1 + len(income)), project_codes)
    return out


def _single_nature(row: TableRow, value: Decimal, leaf: str | None,
                   project_codes: set[str]) -> list[tuple[str, Decimal]]:
    """A unit with one of 基本支出/项目支出: a unit that has no project in the project table
    spends it all as 基本支出; otherwise trust the header only when it names one."""
    if project_codes and row.code and row.code not in project_codes:
        return [(SPLIT_COLUMNS[0], value)]
    if project_codes and row.code in project_codes and leaf == SPLIT_COLUMNS[1]:
        return [(SPLIT_COLUMNS[1], value)]
    return []
