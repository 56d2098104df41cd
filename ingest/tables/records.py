"""Table rows → records, the cells the numeric lookup stores and every answer cites."""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from ..document.model import Document, Record, Table, TableRow, round_box
from ..pdf.layout import is_money_header, is_performance_title
from .numbers import parse_amount
from .performance import is_unit_table, performance_records


def document_records(doc: Document) -> list[Record]:
    """Every record of a document, tables in order."""
    project_codes = {row.code for t in doc.tables if is_performance_title(t.title) and not is_unit_table(t)
                     for row in t.rows if row.code}
    out: list[Record] = []
    for table in doc.tables:
        out.extend(replace(r, table_kind=table.kind, value_wan=value_in_wan(r.value, r.unit))
                   for r in table_records(table, project_codes))
    return out


_TO_WAN = {"万元": Decimal(1), "元": Decimal("0.0001"), "亿元": Decimal(10000), "千元": Decimal("0.1")}


def value_in_wan(value: Decimal | None, unit: str) -> Decimal | None:
    """The amount in 万元, exact (元 ÷ 10000); None when there is no amount or the unit is not money."""
    factor = _TO_WAN.get(unit)
    return None if value is None or factor is None else value * factor


def table_records(table: Table, project_codes: set[str] | None = None) -> list[Record]:
    """One record per non-blank cell: money cells as Decimal, other cells as text.

    Performance tables (绩效目标表) take their amounts from `performance_records` and keep the
    other cells as text; a row repeated on every page it spans is kept once.
    """
    performance = is_performance_title(table.title)
    rows = carry_down_labels(table.rows) if performance else table.rows
    out: list[Record] = performance_records(table, project_codes) if performance else []
    seen: set[tuple[str, str | None, str, str]] = set()
    for number, row in enumerate(rows, start=1):
        for column, cell in row.cells.items():
            if not cell:
                continue
            key = (row.label, row.code, column, cell)
            if key in seen and performance:
                continue
            seen.add(key)
            money = not performance and parse_amount(cell) is not None and is_money_header(column.split("/")[-1])
            out.append(Record(
                table=table.title, table_number=table.number, page=row.page, row=row.label,
                code=row.code, column=column, value=parse_amount(cell) if money else None,
                text=None if money else cell, unit=table.unit, row_number=number, side=row.side,
                group=row.group, bbox=round_box(row.boxes.get(column)),
            ))
    return out


def carry_down_labels(rows: list[TableRow]) -> list[TableRow]:
    """Rows of a performance table whose project/unit cell is blank (the merged cell went on past a
    page break) belong to the project above them."""
    out: list[TableRow] = []
    label, code = "", None
    for row in rows:
        if row.label:
            label, code = row.label, row.code or (code if row.label == label else None)
            out.append(row)
            continue
        out.append(TableRow(label=label, code=row.code or code, page=row.page, cells=row.cells,
                            side=row.side, group=label or None, boxes=row.boxes))
    return out
