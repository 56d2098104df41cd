"""One worksheet's printed rows → table pieces: the title row (or the sheet's name), 「部门名称：」 and
「单位：元」 rows, the grid with its merges, notes and 「无」 for an empty table. Pure functions over
plain data (`SheetRows` in, `PageTable`s out). Titles, number labels, year lines and empty-table notes
are read as the PDF reader reads them (data/titles.json), department prefixes and units likewise
(data/metadata.json); data/workbook.json holds only what a sheet prints and a page does not."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..document.metadata import department_from_line, is_department_prefix, money_units, unit_from_line
from ..pdf.grid import Grid, GridCell, drop_empty_columns
from ..pdf.layout import is_code_header, is_label_header, is_subject_code_part, is_table_title
from ..tables import titles
from ..tables.kinds import table_kind
from ..tables.numbers import parse_amount
from ..tables.tables import PageTable
from ..tables.titles import is_number_label, is_year_line

_PATH = Path(__file__).resolve().parents[1] / "data" / "workbook.json"


@lru_cache(maxsize=1)
def workbook_spec() -> dict[str, Any]:
    """data/workbook.json, with its patterns compiled."""
    spec = json.loads(_PATH.read_text(encoding="utf-8"))
    spec["_banner_end"] = re.compile(spec["banner_title_end"])
    units = "|".join(map(re.escape, money_units()))
    spec["_unit_cell"] = re.compile(rf"^[（(]?(金额)?单位[:：]({units})[）)]?$")
    spec["_unit_tail"] = re.compile(rf"[（(](金额)?单位[:：]({units})[）)]$")
    return spec


@dataclass
class SheetRows:
    """A worksheet as printed: visible rows × columns of cell text, a merged cell's text at its top-left
    only; `origins` maps every covered position to that top-left, `spans` a top-left to its width."""

    name: str
    texts: list[list[str]]
    origins: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)
    spans: dict[tuple[int, int], int] = field(default_factory=dict)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def table_title(text: str, banner: bool = False) -> str | None:
    """The title a cell prints (number label and a trailing 「（单位：元）」 dropped), or None.

    A title is what the PDF reader takes for one, or a 「YYYY年…表」 (`is_table_title`); a `banner` (the
    first line of a sheet, spanning columns) may also end in 情况/明细 or name a known table kind.
    """
    spec = workbook_spec()
    s = spec["_unit_tail"].sub("", squeeze(text))
    _, rest = titles.split_number_label(s)
    if not titles.could_be_title(rest) or is_year_line(rest):
        return None
    if titles.table_title(s) or is_table_title(rest):
        return rest
    if banner and (spec["_banner_end"].search(rest) or table_kind(rest)):
        return rest
    return None


def title_unit(text: str) -> str | None:
    """The unit a title prints after itself: 「…表（单位：万元）」 → 万元."""
    m = workbook_spec()["_unit_tail"].search(squeeze(text))
    return m.group(2) if m else None


def unit_of_cell(text: str) -> str | None:
    """The unit a 「单位：元」 / 「金额单位：万元」 cell states, or None."""
    m = workbook_spec()["_unit_cell"].match(squeeze(text))
    return m.group(2) if m else None


def department_of_cell(text: str, next_text: str = "") -> str | None:
    """The department a 「预算主管部门：X」 / 「编制部门：X 单位：元」 cell names (prefix dropped); a
    prefix alone takes the name from the next cell."""
    if is_department_prefix(text):
        return squeeze(next_text) or None
    return department_from_line(squeeze(text))


def is_contents_line(text: str) -> bool:
    return squeeze(text) in workbook_spec()["contents_lines"]


def is_note(text: str) -> bool:
    return squeeze(text).startswith(tuple(workbook_spec()["note_starts"]))


def says_empty(text: str) -> bool:
    """「无」 alone in a row, or a note that the table is empty (「本表为空表」)."""
    return squeeze(text) in workbook_spec()["empty_cells"] or titles.is_empty_note(text)


def looks_like_table(grid: Grid) -> bool:
    """A grid of a budget table: it holds a figure, or its header names columns as budget tables do."""
    if any(parse_amount(t) is not None for row in grid.cells for t in (cell.text for cell in row)):
        return True
    words = workbook_spec()["header_words"]
    for r in range(min(grid.n_rows, workbook_spec()["header_rows_checked"])):
        for text in grid.row_texts(r):
            if is_label_header(text) or is_code_header(text) or is_subject_code_part(text):
                return True
            if any(w in text for w in words):
                return True
    return False


@dataclass
class _OpenTable:
    """The table being read: its piece, the sheet rows of its grid, whether it said it is empty."""

    piece: PageTable
    rows: list[int] = field(default_factory=list)
    empty: bool = False


@dataclass
class _Meta:
    department: str | None = None
    unit: str | None = None


def sheet_to_pieces(sheet: SheetRows, page: int) -> tuple[list[PageTable], list[str]]:
    """The tables of one worksheet (several may stand one under another) and its lines outside any
    grid (titles, cover lines), which say the document's year and kind. A sheet with no title row
    is one table titled by the sheet's name; a contents sheet (目录) gives none."""
    reader = _SheetReader(sheet, page)
    for r, row in enumerate(reader.texts):
        if not any(row):
            continue
        if reader.table is None or not reader.table.rows:
            if not reader.above_grid(r, row):
                return [], reader.heads
        else:
            reader.in_grid(r, row)
    reader.close()
    return reader.pieces, reader.heads


class _SheetReader:
    """The state of reading one sheet top-down: the open table, the 部门/单位 seen before its title."""

    def __init__(self, sheet: SheetRows, page: int) -> None:
        self.sheet, self.page = sheet, page
        self.texts = [row[:] for row in sheet.texts]  # meta cells get blanked
        self.pieces: list[PageTable] = []
        self.heads: list[str] = []
        self.table: _OpenTable | None = None
        self.meta = _Meta()

    def above_grid(self, r: int, row: list[str]) -> bool:
        """A line before the open table's grid: 部门/单位, number label, title, note, or the grid's
        first row. False on a contents sheet, which holds no table."""
        _take_meta(row, self.table.piece if self.table else None, self.meta)
        cells = [(c, t) for c, t in enumerate(row) if t]
        lines = [(c, t) for c, t in cells if not (is_number_label(t) or is_year_line(t))]
        if cells and not lines:
            self.heads += [t for _, t in cells]
            return True
        if len(lines) == 1:
            c, text = lines[0]
            if is_contents_line(text):
                return False
            banner = self.table is None and self.sheet.spans.get((r, c), 1) > 1
            title = table_title(text, banner=banner)
            if title:
                self.start(title, text)
                return True
            if self.table is None:
                self.heads.append(text)
                return True
            if self.note_or_empty(text):
                return True
        if not lines:
            return True
        if self.table is None:
            self.start(squeeze(self.sheet.name), self.sheet.name)
        assert self.table is not None
        self.table.rows.append(r)
        return True

    def in_grid(self, r: int, row: list[str]) -> None:
        """A line under the open table's grid: a row of it, its note, or the next table's label or title."""
        assert self.table is not None
        filled = [t for t in row if t]
        if len(filled) == 1:
            text = filled[0]
            if is_number_label(text) or is_year_line(text):  # the next table's 「公开02表」 above its title
                self.close()
                self.heads.append(text)
                return
            title = table_title(text)
            if title:
                self.start(title, text)
                return
            if self.note_or_empty(text):
                return
        if self.table.empty and not any(parse_amount(t) is not None for t in filled):
            return  # the 合计 line under 「无」
        self.table.rows.append(r)

    def note_or_empty(self, text: str) -> bool:
        """Keep a note (「注：…」) and 「无」/「本表为空表」 with the open table; False for other lines."""
        assert self.table is not None
        if is_note(text):
            self.table.piece.notes.append(text)
        if says_empty(text):
            self.table.empty = True
        return is_note(text) or says_empty(text)

    def start(self, title: str, line: str) -> None:
        self.close()
        piece = PageTable(grid=Grid([], self.page), page=self.page, title=title,
                          department=self.meta.department, unit=title_unit(line) or self.meta.unit)
        self.meta = _Meta()
        self.table = _OpenTable(piece)
        self.heads.append(line)

    def close(self) -> None:
        if self.table is not None:
            piece = _finish(self.table, self.texts, self.sheet, self.page)
            if piece is not None:
                self.pieces.append(piece)
        self.table = None


def _take_meta(row: list[str], piece: PageTable | None, meta: _Meta) -> None:
    """Read 部门/单位 cells of a line above the grid into the open piece (or keep them for the next
    title), and blank them so they do not join the header."""
    for c, text in enumerate(row):
        if not text:
            continue
        unit = unit_of_cell(text)
        later = [(j, t) for j, t in enumerate(row[c + 1:], start=c + 1) if t]
        department = None if unit else department_of_cell(text, later[0][1] if later else "")
        if department and later and department == squeeze(later[0][1]):
            row[later[0][0]] = ""
        if department:
            unit = unit_from_line(text, max_chars=None)
        if not (unit or department):
            continue
        row[c] = ""
        target = piece if piece is not None else meta
        target.department = department or target.department
        target.unit = unit or target.unit


def _finish(table: _OpenTable, texts: list[list[str]], sheet: SheetRows, page: int) -> PageTable | None:
    """The piece with its grid, or None when what stood under the title is not a budget table."""
    piece = table.piece
    if table.rows:
        piece.grid = drop_empty_columns(_grid(texts, table.rows, sheet.origins, page))
        if table.empty or looks_like_table(piece.grid):
            return piece
        return None
    return piece if table.empty else None


def _grid(texts: list[list[str]], picked: list[int], origins: dict[tuple[int, int], tuple[int, int]],
          page: int) -> Grid:
    """The picked rows as a Grid, a merged cell's text spread over the positions it covers."""
    width = max(len(texts[r]) for r in picked)
    index = {r: i for i, r in enumerate(picked)}
    cells = []
    for r in picked:
        row = []
        for c in range(width):
            o = origins.get((r, c), (r, c))
            text = texts[o[0]][o[1]] if o[1] < len(texts[o[0]]) else ""
            row.append(GridCell(text, (index.get(o[0], index[r]), o[1])))
        cells.append(row)
    return Grid(cells, page)
