"""Reading a disclosure published as an Excel workbook (.xlsx): one table per worksheet (or several,
one under another), with merged header cells taken from the sheet's own merge ranges.

Numbers arrive from openpyxl as floats; they are turned into Decimal through their shortest decimal
repr and the cell's number format (「#,##0.00」 → two places), never used as floats.
"""
from __future__ import annotations

import hashlib
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from .errors import CorruptWorkbook, EmptyFile, NoTables, UnsupportedFile
from .grid import Grid, GridCell, drop_empty_columns
from .layout import is_table_title
from .metadata import (
    department_from_line,
    document_title,
    read_department,
    read_kind,
    read_year,
    unit_from_line,
)
from .model import Document
from .numbers import format_amount_grouped
from .tables import PageTable, stitch_continued_tables
from .text import clean_cell


def read_xlsx(path: str | Path) -> Document:
    """Read every worksheet's tables into a Document (no narrative: workbooks carry only tables)."""
    path = Path(path)
    data = path.read_bytes()
    if not data:
        raise EmptyFile(str(path), "empty file (0 bytes)")
    if not data.startswith(b"PK"):
        raise UnsupportedFile(str(path), "not an .xlsx workbook (no zip header)")
    try:
        import openpyxl

        book = openpyxl.load_workbook(path, data_only=True, read_only=False)
    except ImportError as exc:  # pragma: no cover - declared dependency
        raise UnsupportedFile(str(path), "reading .xlsx needs openpyxl (pip install openpyxl)") from exc
    except Exception as exc:  # openpyxl raises many kinds on a broken workbook
        raise CorruptWorkbook(str(path), f"corrupt workbook ({type(exc).__name__})") from exc
    pieces: list[PageTable] = []
    heads: list[str] = []
    for number, sheet in enumerate(book.worksheets, start=1):
        sheet_pieces, sheet_heads = sheet_to_pieces(sheet, number)
        pieces += sheet_pieces
        heads += sheet_heads
    tables = stitch_continued_tables(pieces)
    if not tables:
        raise NoTables(str(path), "no budget tables recognised (no 「YYYY年…表」 title above a table)")
    head = "\n".join(heads)
    department = read_department(heads, tables)
    year = read_year(head)
    kind = read_kind(head)
    return Document(title=document_title(department, year, kind), department=department, year=year, kind=kind,
                    source=path.name, sha256=hashlib.sha256(data).hexdigest(), pages=len(book.worksheets),
                    tables=tables)


def cell_text(cell: Any) -> str:
    """A cell as the printed text the table pipeline reads: amounts with their decimals and separators."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        try:
            amount = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        except InvalidOperation:
            return str(value)
        places = _decimal_places(cell.number_format or "")
        if places is None:
            return f"{amount:f}"
        amount = amount.quantize(Decimal(1).scaleb(-places))
        return format_amount_grouped(amount) if places == 2 else f"{amount:,f}"
    return clean_cell(str(value))


def _decimal_places(number_format: str) -> int | None:
    m = re.search(r"0\.(0+)", number_format)
    if m:
        return len(m.group(1))
    return 0 if re.search(r"[#0]", number_format) else None


def sheet_to_pieces(sheet: Any, page: int) -> tuple[list[PageTable], list[str]]:
    """Tables of one worksheet: a title row, 部门名称/单位 rows, then the grid up to the next title."""
    merged = _merge_origins(sheet)
    rows = [[cell_text(c) for c in row] for row in sheet.iter_rows()]
    pieces: list[PageTable] = []
    heads: list[str] = []
    current: PageTable | None = None
    grid_rows: list[int] = []

    def close() -> None:
        if current is not None and grid_rows:
            current.grid = drop_empty_columns(_grid(rows, grid_rows, merged, page))
            pieces.append(current)

    for r, texts in enumerate(rows):
        filled = [t for t in texts if t]
        line = "".join(filled) if len(filled) <= 2 else ""
        if line and is_table_title(line):
            close()
            current, grid_rows = PageTable(grid=Grid([]), page=page, title=line.replace(" ", "")), []
            heads.append(line)
            continue
        if line and department_from_line(line) and current is not None and not grid_rows:
            current.department = department_from_line(line)
            current.unit = unit_from_line(line, max_chars=None) or current.unit
            continue
        if line and unit_from_line(line) and current is not None and not grid_rows:
            current.unit = unit_from_line(line)
            continue
        if line.startswith("注") and current is not None:
            current.notes.append(line)
            continue
        if current is not None and filled:
            grid_rows.append(r)
        elif not heads and filled:
            heads.append(line or "".join(filled))
    close()
    return pieces, heads


def _merge_origins(sheet: Any) -> dict[tuple[int, int], tuple[int, int]]:
    """(row, col) of every covered cell → (row, col) of its merge's top-left cell (0-based)."""
    out = {}
    for rng in sheet.merged_cells.ranges:
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                out[(r - 1, c - 1)] = (rng.min_row - 1, rng.min_col - 1)
    return out


def _grid(rows: list[list[str]], picked: list[int], merged: dict, page: int) -> Grid:
    width = max(len(rows[r]) for r in picked)
    index = {r: i for i, r in enumerate(picked)}
    cells = []
    for r in picked:
        row = []
        for c in range(width):
            o = merged.get((r, c), (r, c))
            text = rows[o[0]][o[1]] if o[0] < len(rows) and o[1] < len(rows[o[0]]) else ""
            row.append(GridCell(text, (index.get(o[0], index[r]), o[1])))
        cells.append(row)
    return Grid(cells, page)
