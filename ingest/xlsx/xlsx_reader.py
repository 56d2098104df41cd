"""Reading a disclosure published as an Excel workbook (.xlsx): one table per worksheet (or several,
one under another), titled by a title row or else by the sheet's name, with merged header cells
taken from the sheet's own merge ranges; hidden sheets, rows and columns are not printed, so not read.

Numbers arrive from openpyxl as floats; they are turned into Decimal through their shortest decimal
repr and the cell's number format (「#,##0.00」 → two places), never used as floats. Numbers under a
类/款/项 or 科目编码 header are codes (款 1 → 「01」); a row 1 2 3 … under the header numbers columns.
"""
from __future__ import annotations

import hashlib
import re
import warnings
import zipfile
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ..document.metadata import (
    department_prefix,
    document_title,
    read_cover_year,
    read_department,
    read_kind,
    read_level,
    read_year,
)
from ..document.model import Document, Table
from ..document.text import clean_cell, normalize_label
from ..errors import CorruptWorkbook, EmptyFile, NoTables, UnsupportedFile
from ..pdf.layout import is_code_header, is_subject_code_part, layout
from ..tables.tables import stitch_continued_tables
from .sheet_tables import SheetRows, sheet_to_pieces, table_title, workbook_spec


def read_xlsx(path: str | Path) -> Document:
    """Read every visible worksheet's tables into a Document (no narrative: workbooks carry tables)."""
    path = Path(path)
    data = path.read_bytes()
    if not data:
        raise EmptyFile(str(path), "empty file (0 bytes)")
    if not data.startswith(b"PK"):
        raise UnsupportedFile(str(path), "not an .xlsx workbook (no zip header)")
    book = _load(path)
    tables: list[Table] = []
    heads: list[str] = []
    sheets = [s for s in book.worksheets if s.sheet_state == "visible"]
    for number, sheet in enumerate(sheets, start=1):
        pieces, sheet_heads = sheet_to_pieces(sheet_rows(sheet), number)
        tables += stitch_continued_tables(pieces)
        heads += sheet_heads
    if not tables:
        raise NoTables(str(path), _no_tables_reason(path, len(sheets)))
    for number, table in enumerate(tables, start=1):
        table.number = number
    head = "\n".join(heads)
    department = read_department(heads, tables)
    year = read_year(head) or read_cover_year(heads)
    kind = read_kind(head)
    level = read_level(heads, department_prefix(heads))
    return Document(title=document_title(department, year, kind, level), department=department, year=year,
                    kind=kind, source=path.name, sha256=hashlib.sha256(data).hexdigest(), pages=len(sheets),
                    tables=tables, level=level)


def _load(path: Path) -> Any:
    try:
        import openpyxl
    except ImportError as exc:  # pragma: no cover - declared dependency
        raise UnsupportedFile(str(path), "reading .xlsx needs openpyxl (pip install openpyxl)") from exc
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # 「Data Validation extension is not supported」 and the like
            return openpyxl.load_workbook(path, data_only=True, read_only=False)
    except Exception as exc:  # openpyxl raises many kinds on a broken workbook
        raise CorruptWorkbook(str(path), f"corrupt workbook ({type(exc).__name__})") from exc


def _no_tables_reason(path: Path, n_sheets: int) -> str:
    """Why a workbook gave no table; a workbook of pictures (screenshots of tables) says so."""
    with zipfile.ZipFile(path) as z:
        pictures = sum(1 for n in z.namelist() if n.startswith("xl/media/") and not n.endswith("/"))
    reason = f"no budget tables recognised in {n_sheets} sheet(s) (no titled grid of figures)"
    if pictures:
        reason += f"; its {pictures} picture(s) are not read (a table pasted as a picture needs OCR)"
    return reason


def sheet_rows(sheet: Any) -> SheetRows:
    """A worksheet's visible cells as printed text, with its merges, in visible coordinates."""
    n_rows, n_cols = _used_size(sheet)
    values = {(r - 1, c - 1): cell for (r, c), cell in sheet._cells.items()  # noqa: SLF001 - existing cells only
              if r <= n_rows and c <= n_cols and cell.value is not None}
    codes = _code_columns(values)
    numbering = {r for r in range(n_rows) if _is_column_number_row([values.get((r, c)) for c in range(n_cols)])}
    rows = [r for r in range(n_rows) if not sheet.row_dimensions[r + 1].hidden]
    hidden = _hidden_columns(sheet)
    cols = [c for c in range(n_cols) if c not in hidden]
    row_at = {r: i for i, r in enumerate(rows)}
    col_at = {c: j for j, c in enumerate(cols)}

    def text(pos: tuple[int, int]) -> str:
        return cell_text(values[pos], codes.get(pos), pos[0] in numbering) if pos in values else ""

    texts = [[text((r, c)) for c in cols] for r in rows]
    origins: dict[tuple[int, int], tuple[int, int]] = {}
    spans: dict[tuple[int, int], int] = {}
    for rng in sheet.merged_cells.ranges:
        shown = [(row_at[r], col_at[c]) for r, c in _positions(rng) if r in row_at and c in col_at]
        if not shown:
            continue
        origin = shown[0]  # the top-left, or the first shown position when the top-left is hidden
        texts[origin[0]][origin[1]] = text((rng.min_row - 1, rng.min_col - 1))
        for pos in shown:
            origins[pos] = origin
        spans[origin] = len({c for _, c in shown})
    return SheetRows(name=sheet.title, texts=texts, origins=origins, spans=spans)


def _used_size(sheet: Any) -> tuple[int, int]:
    """Rows and columns up to the last cell holding a value (formatting alone may reach XFD)."""
    used = [key for key, cell in sheet._cells.items() if cell.value is not None]  # noqa: SLF001
    return (max(r for r, _ in used), max(c for _, c in used)) if used else (0, 0)


def _hidden_columns(sheet: Any) -> set[int]:
    from openpyxl.utils import column_index_from_string

    hidden: set[int] = set()
    for key, dim in sheet.column_dimensions.items():
        if dim.hidden:
            lo = dim.min or column_index_from_string(key)
            hidden.update(range(lo - 1, (dim.max or lo)))
    return hidden


def _positions(rng: Any) -> Iterator[tuple[int, int]]:
    for r in range(rng.min_row - 1, rng.max_row):
        for c in range(rng.min_col - 1, rng.max_col):
            yield r, c


def _code_columns(values: dict[tuple[int, int], Any]) -> dict[tuple[int, int], int]:
    """Positions of numbers that are codes → the digits they print with: under a 款/项 header 2
    (款 1 → 「01」), under 类 or a 科目编码 header as many as they have (0)."""
    out: dict[tuple[int, int], int] = {}
    heads: dict[int, int] = {}  # column → digits, from the header above
    by_row: dict[int, list[tuple[int, Any]]] = {}
    for (r, c), cell in sorted(values.items()):
        by_row.setdefault(r, []).append((c, cell.value))
    for r, row in by_row.items():
        if len(row) == 1 and isinstance(row[0][1], str) and table_title(row[0][1]):
            heads.clear()  # a new table's title: its own header follows
        for c, value in row:
            if _is_number(value) and c in heads:
                out[(r, c)] = heads[c]
            elif isinstance(value, str) and is_subject_code_part(value):
                heads[c] = 2 if normalize_label(value) in ("款", "项") else 0
            elif isinstance(value, str) and is_code_header(value):
                heads[c] = 0
    return out


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _is_column_number_row(cells: list[Any]) -> bool:
    """A row that numbers the columns with numbers (1 2 3 …), maybe beside 栏次 or **."""
    values = [c.value for c in cells if c is not None and c.value is not None and c.value != ""]
    numbers = [v for v in values if _is_number(v)]
    tokens = layout()["column_number_tokens"]
    if len(numbers) < 2 or any(not _is_number(v) and clean_cell(str(v)) not in tokens for v in values):
        return False
    if any(Decimal(repr(v) if isinstance(v, float) else v) % 1 for v in numbers):
        return False
    ints = [int(v) for v in numbers]
    return ints == list(range(ints[0], ints[0] + len(ints)))


def cell_text(cell: Any, code_digits: int | None = None, column_number: bool = False) -> str:
    """A cell as the printed text the table pipeline reads: amounts with their decimals (two at
    least) and separators, codes with their leading zeros, column numbers as integers."""
    value = cell.value
    if value is None:
        return ""
    if not _is_number(value):
        return clean_cell(str(value))
    try:
        amount = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:
        return str(value)
    if code_digits is not None or column_number:
        return _code_text(amount, cell.number_format or "", code_digits or 0)
    return amount_text(amount, cell.number_format or "")


def _code_text(amount: Decimal, number_format: str, digits: int) -> str:
    if amount % 1:
        return f"{amount:f}"
    zeros = len(number_format) if re.fullmatch(r"0+", number_format) else 0
    return str(int(amount)).zfill(max(digits, zeros))


def amount_text(amount: Decimal, number_format: str) -> str:
    """An amount as printed under `number_format`: its places when it states two or more, else the
    amount's own (float noise past `general_max_places` dropped), two at least; 「%」 formats as %."""
    if "%" in number_format:
        places = _decimal_places(number_format) or 0
        return f"{(amount * 100).quantize(Decimal(1).scaleb(-places)):f}%"
    places = _decimal_places(number_format)
    if places is None or places < 2:
        most = workbook_spec()["general_max_places"]
        amount = amount.quantize(Decimal(1).scaleb(-most)).normalize() if _places(amount) > most else amount
        places = max(2, _places(amount))
    amount = amount.quantize(Decimal(1).scaleb(-places))
    return f"{amount:,f}" if "," in number_format else f"{amount:f}"


def _places(amount: Decimal) -> int:
    exponent = amount.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _decimal_places(number_format: str) -> int | None:
    """Decimal places a number format prints (「#,##0.00」 → 2, 「0」 → 0), None for General."""
    section = re.sub(r'"[^"]*"|\\.|\[[^]]*\]', "", number_format.split(";")[0])
    m = re.search(r"0\.(0+)", section)
    if m:
        return len(m.group(1))
    return 0 if re.search(r"[#0]", section) else None
