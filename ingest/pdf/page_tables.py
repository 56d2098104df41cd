"""One PDF page → its table pieces (grid + the title, number, 单位 and 部门 lines around it) and the
lines that are left for the narrative. Geometry only: what stands above a grid, inside its first
rows, or below it (notes); the grid's own cells are read from pdfplumber's cells, never page text."""
from __future__ import annotations

import math
import re
from typing import Any

from ..document.metadata import department_from_line, unit_from_line
from ..tables.numbers import is_money
from ..tables.tables import PageTable
from ..tables.titles import is_empty_note, is_number_label, is_year_line, split_number_label, table_title
from .cell_text import cell_texts, char_boxes
from .grid import BBox, Grid, cells_to_grid, drop_empty_columns
from .pdf_lines import Line, chars_to_lines, dedupe_chars, inside_any

TABLE_SETTINGS: dict[str, Any] = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    "snap_tolerance": 3,
    "join_tolerance": 3,
    "intersection_tolerance": 3,
}
CONTEXT_LINES = 8  # lines above a grid read for its title, number, 单位 and 部门
BANNER_ROWS = 4  # leading grid rows that may print the title or 单位 inside the grid
ONE_LINE_HEIGHT = 30.0  # points: a ruled box this low holds one line of text
TABLE_PAGE_SHARE = 0.5  # grids this tall a share of the page make it a table page: no narrative on it
FRAME_INNER_CELLS = 2  # a ruled box holding this many other cells is a frame drawn round them
WRAPPED_TITLE_LINES = 2  # a title wraps onto at most this many more lines (its tail, a line of quote marks)
WRAPPED_TAIL_CHARS = 6  # the wrapped tail of a title is this short: 「算表」, 「情况表」
_HEAD_UNIT = re.compile(r"\S[（(][^（）()]*元[）)]$")  # 「预算数（单位：万元）」: a column head with its unit


def read_page(page: Any, number: int) -> tuple[list[PageTable], list[Line]]:
    """The table pieces of one page and its remaining lines (narrative, running heads, notes)."""
    printed = page.chars
    page_chars = dedupe_chars(printed)
    found = page.find_tables(TABLE_SETTINGS)
    grids = []
    if found:  # cells' texts from every printed character, as pdfplumber's; boxes grown to the kept ones
        printed_xy, xy = char_boxes(printed), char_boxes(page_chars)
        grids = [part for t in found
                 if (g := _grid(t, number, cell_texts(t, printed, printed_xy), xy, tuple(page.bbox))) is not None
                 for part in split_at_title_rows(g)]
    tables = [g for g in grids if not is_boxed_paragraph(g)]
    boxes = [g.bbox for g in tables if g.bbox]
    chars = [c for c in page_chars if not inside_any(c, boxes)]
    lines = chars_to_lines(chars, number)
    used: set[int] = set()
    pieces = []
    above = 0.0
    ordered = sorted(tables, key=lambda g: g.bbox[1] if g.bbox else 0.0)
    for i, grid in enumerate(ordered):
        top, bottom = (grid.bbox[1], grid.bbox[3]) if grid.bbox else (0.0, 0.0)
        below = ordered[i + 1].bbox[1] if i + 1 < len(ordered) and ordered[i + 1].bbox else float("inf")
        piece = PageTable(grid=grid, page=number)
        band = [j for j, ln in enumerate(lines) if j not in used and ln.top >= above - 1 and ln.bottom <= top + 2]
        _read_context(piece, lines, band[-CONTEXT_LINES:], used)
        _read_banner_rows(piece)
        _read_notes(piece, lines, bottom, below, used)
        pieces.append(piece)
        above = bottom
    if tables:
        pieces += _title_at_foot(lines, above, number, used)
    spans = [(g.bbox[1], g.bbox[3]) for g in tables if g.bbox]
    rest = [ln for j, ln in enumerate(lines) if j not in used and not _beside(ln, spans)]
    if sum(b - t for t, b in spans) >= TABLE_PAGE_SHARE * float(page.height):
        rest = []  # a page of tables: what is left is cell text pdfplumber did not rule, not narrative
    if not tables:
        empty, rest = _gridless_empty_tables(rest, number)
        pieces += empty
    return pieces, rest


def money_cells(grid: Grid) -> int:
    """How many cells of a grid print a money figure (each merged cell once)."""
    return sum(1 for r in range(grid.n_rows) for c in range(grid.n_cols)
               if grid.is_origin(r, c) and is_money(grid.text(r, c)))


def _beside(line: Line, spans: list[tuple[float, float]]) -> bool:
    """A line level with a grid: a cell pdfplumber did not rule, never narrative."""
    return any(top + 1 < (line.top + line.bottom) / 2 < bottom - 1 for top, bottom in spans)


def is_boxed_paragraph(grid: Grid) -> bool:
    """A one-column grid of sentences, or a lone ruled line that is not a row of amounts (words of a
    sentence underlined: 「2026」「年本」「单位」, 「1935.」「36」): narrative drawn in a box, not a table."""
    one_line = grid.bbox is None or grid.bbox[3] - grid.bbox[1] <= ONE_LINE_HEIGHT
    if grid.n_rows == 1 and one_line:    # a taller lone row is a table's row of text (a 绩效 continuation)
        texts = [t for t in (grid.text(0, c) for c in range(grid.n_cols)) if t]
        amounts = [t for t in texts if re.fullmatch(r"-?[\d,]+(?:\.\d+)?", t)]
        words = [t for t in texts if t not in amounts]
        if grid.n_cols <= 2 or any(re.search(r"[，。；、]", t) for t in words) or 2 * len(amounts) < len(texts):
            return True
    if grid.n_cols != 1:
        return False
    texts = [grid.text(r, 0) for r in range(grid.n_rows)]
    return any(len(t) > 30 or "。" in t or "，" in t for t in texts) or not any(texts)


def _grid(table: Any, number: int, extracted: list[list[str | None]], chars: Any, page_box: BBox) -> Grid | None:
    """The grid of a pdfplumber table from its cells' boxes and texts (`extracted`, as Table.extract()
    gives them) and the page's characters (an array of boxes: boxes_around_text)."""
    boxes, texts = [], []
    for row, values in zip(table.rows, extracted):
        for bbox, text in zip(row.cells, values):
            if bbox is not None:
                boxes.append(bbox)
                texts.append(text)
    outer = tuple(table.bbox)
    boxes, texts = drop_heading_cells(*drop_frames(boxes, texts))
    if not boxes:
        return None
    shown = boxes_around_text(boxes, chars, page_box)
    grid = drop_empty_columns(cells_to_grid(boxes, texts, number, shown=shown))
    if not grid.n_cols:  # ruled but blank: an empty table if a title stands above it
        grid = Grid([], number)
    grid.bbox = _union(boxes) if len(boxes) < len(table.cells) else outer
    return grid


def split_at_title_rows(grid: Grid) -> list[Grid]:
    """A grid ruled on through the next table's title (the end of one table, then a row across the grid
    reading 「收入预算总表」, its 部门/单位 row and its own header) → one grid per table, cut above the title."""
    for r in range(1, grid.n_rows):
        texts = {t for t in grid.row_texts(r) if t}
        one_cell = len({cell.origin for cell in grid.cells[r]}) == 1
        if len(texts) == 1 and one_cell and table_title(texts.pop()) and grid.bbox and grid.box(r, 0):
            cut = grid.box(r, 0)[1]  # type: ignore[index]
            top, rest = grid.slice_rows(0, r), grid.slice_rows(r)
            top.bbox, rest.bbox = (grid.bbox[0], grid.bbox[1], grid.bbox[2], cut), (grid.bbox[0], cut, *grid.bbox[2:])
            return [drop_empty_columns(top), *split_at_title_rows(drop_empty_columns(rest))]
    return [grid]


def _union(boxes: list[BBox]) -> BBox:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def drop_frames(boxes: list[BBox], texts: list[str | None], tolerance: float = 1.0
                ) -> tuple[list[BBox], list[str | None]]:
    """Without the cells that enclose other cells: a rectangle drawn round the whole page or table
    (title and all) is a frame, not a cell; read as one, its text would stand in every position.
    Each box is compared with all the others at once (a table of a thousand cells: a million pairs)."""
    import numpy as np

    arr = np.array(boxes, dtype=float).reshape(-1, 4)
    keep = []
    for i, (x0, top, x1, bottom) in enumerate(arr):
        inner = ((x0 - tolerance <= arr[:, 0]) & (top - tolerance <= arr[:, 1]) & (arr[:, 2] <= x1 + tolerance)
                 & (arr[:, 3] <= bottom + tolerance) & (arr != arr[i]).any(axis=1))
        if int(inner.sum()) < FRAME_INNER_CELLS:
            keep.append(i)
    return [boxes[i] for i in keep], [texts[i] for i in keep]


def drop_heading_cells(boxes: list[BBox], texts: list[str | None]) -> tuple[list[BBox], list[str | None]]:
    """Without a top cell spanning the grid that prints the table's heading over several lines
    (「收支预算总表」 / 「部门：… 单位：万元」), nor the blank cells above it: those lines are read as
    the lines above the grid."""
    printed = [i for i, t in enumerate(texts) if (t or "").strip()]
    if len(boxes) < 2 or not printed:
        return boxes, texts
    x0, _, x1, _ = _union(boxes)
    top = min(boxes[i][1] for i in printed)
    for i in printed:
        box, lines = boxes[i], [ln for ln in (texts[i] or "").splitlines() if ln.strip()]
        spans = box[0] <= x0 + 1 and box[2] >= x1 - 1 and box[1] <= top + 1
        if spans and len(lines) >= 2 and any(_read_line(PageTable(Grid([]), 0), ln) for ln in lines):
            keep = [j for j in range(len(boxes)) if j != i and (j in printed or boxes[j][3] > box[1] + 1)]
            return [boxes[j] for j in keep], [texts[j] for j in keep]
    return boxes, texts


def boxes_around_text(boxes: list[BBox], chars: Any, page_box: BBox) -> list[BBox]:
    """Each cell's box grown to hold the characters pdfplumber reads into it (those whose centre lies
    inside): a figure set a little below its cell's ruling, or wider than the cell, stays inside
    (and on the page). `chars` is the page's characters as an array of rows x0, top, x1, bottom."""

    px0, ptop = math.ceil(page_box[0] * 10) / 10, math.ceil(page_box[1] * 10) / 10  # stays on the page once
    px1, pbottom = math.floor(page_box[2] * 10) / 10, math.floor(page_box[3] * 10) / 10  # rounded outwards
    if not len(chars):
        return boxes
    cx, cy = (chars[:, 0] + chars[:, 2]) / 2, (chars[:, 1] + chars[:, 3]) / 2
    out = []
    for x0, top, x1, bottom in boxes:
        inside = chars[(cx >= x0) & (cx < x1) & (cy >= top) & (cy < bottom)]
        if len(inside):
            x0, top = min(x0, float(inside[:, 0].min())), min(top, float(inside[:, 1].min()))
            x1, bottom = max(x1, float(inside[:, 2].max())), max(bottom, float(inside[:, 3].max()))
        out.append((max(x0, px0), max(top, ptop), min(x1, px1), min(bottom, pbottom)))
    return out


def _read_context(piece: PageTable, lines: list[Line], band: list[int], used: set[int]) -> None:
    """Title, number label, 单位 and 部门 from the lines just above a grid, nearest first; above the
    title only its number label is taken (higher lines are the page's own heading). A title wrapped
    onto a short last line (「…培训费支出预」 / 「算表」) is read whole."""
    tail: list[int] = []  # unread lines below the current one, top to bottom
    for j in reversed(band):
        text = lines[j].text
        if piece.title is not None:
            if is_number_label(text):
                piece.label = split_number_label(text)[0]
                used.add(j)
            break
        if _read_line(piece, text):
            piece.context.append(text)
            used.add(j)
        elif _read_wrapped_title(piece, text, [lines[k].text for k in tail]):
            used.update([j, *tail])
        else:
            tail = [j, *tail][:WRAPPED_TITLE_LINES]


def _read_wrapped_title(piece: PageTable, text: str, tail: list[str]) -> bool:
    """Take a title printed over lines: `text` and the short lines under it (a quote mark set on a line
    of its own, 「“ ”」, is left out)."""
    words = [t for t in tail if re.search(r"\w", t)]
    if not words or len(words[-1].replace(" ", "")) > WRAPPED_TAIL_CHARS or re.search(r"[。；：:，]$", text):
        return False
    joined = text + "".join(words)
    title = table_title(joined)
    if title is None:
        return False
    piece.title, piece.label = title, piece.label or split_number_label(joined)[0]
    piece.context.append(joined)
    return True


def _read_line(piece: PageTable, text: str) -> bool:
    """Take what a context line says into the piece; False when it says nothing a table needs."""
    unit = unit_from_line(text, max_chars=None if department_from_line(text) else 30)
    department = department_from_line(text)
    if unit or department:
        piece.unit = unit or piece.unit
        piece.department = department or piece.department
        return True
    if is_number_label(text):
        piece.label = split_number_label(text)[0]
        return True
    title = table_title(text)
    if title:
        piece.title = title
        piece.label = piece.label or split_number_label(text)[0]
        return True
    if is_year_line(text):
        return True
    return False


def _read_banner_rows(piece: PageTable) -> None:
    """Rows at the top of the grid that print one line across it (the title, 单位, 编制部门). A grid
    of nothing else (its title and 部门 row at the foot of a page, its header on the next) is all
    banner; a 单位 cell wrapped onto the row below (「单位：万」 over 「元」) is read with that row."""
    grid = piece.grid
    taken = 0
    while taken < min(BANNER_ROWS, grid.n_rows - (piece.title is None)):
        texts = [t for t in dict.fromkeys(grid.row_texts(taken)) if t]
        if not texts:  # a spacer row above the banner
            taken += 1
            continue
        end = taken
        wrapped = _wrapped_banner(grid, taken)
        if wrapped is not None:
            texts, end = wrapped
        if len(texts) != 1:
            joined = " ".join(texts)
            if not (texts and (unit_from_line(joined, None) or department_from_line(joined))):
                break
            if any(_HEAD_UNIT.search(t) for t in texts):  # 项目 | 预算数（单位：万元） | 绩效目标: a header
                piece.unit = piece.unit or unit_from_line(joined, None)
                break
        text = " ".join(texts)
        before = piece.title
        if not _read_line(piece, text) or (before is not None and piece.title != before):
            piece.title = before
            break
        piece.context.append(text)
        taken = end + 1
    if taken:
        piece.grid = grid.slice_rows(taken)


def _wrapped_banner(grid: Grid, r: int) -> tuple[list[str], int] | None:
    """(texts, last row) of a banner line printed over two rows, when row `r` alone reads as nothing
    and, joined cell by cell with the next row it does not merely repeat, reads as a 单位/部门 line."""
    alone = " ".join(t for t in dict.fromkeys(grid.row_texts(r)) if t)
    if _says_something(alone):
        return None
    below = next((k for k in range(r + 1, min(r + 1 + BANNER_ROWS, grid.n_rows))
                  if grid.row_texts(k) != grid.row_texts(r)), None)
    if below is None:
        return None
    joined = [a + b if a != b else a for a, b in zip(grid.row_texts(r), grid.row_texts(below))]
    texts = [t for t in dict.fromkeys(joined) if t]
    if not unit_from_line(" ".join(texts), None):
        return None
    last = below
    while last + 1 < grid.n_rows and grid.row_texts(last + 1) == grid.row_texts(below):
        last += 1  # the lower row's merged cells repeated
    return texts, last


def _says_something(text: str) -> bool:
    """Whether a line alone says what a table needs (title, number, 单位, 部门, year)."""
    probe = PageTable(grid=Grid([], 0), page=0)
    return _read_line(probe, text)


def _title_at_foot(lines: list[Line], bottom: float, number: int, used: set[int]) -> list[PageTable]:
    """A table title (with its 部门/单位 line) printed under the page's last grid with nothing after it
    but the page number: the table starts here and its grid on the next page, which continues it."""
    below = [j for j, ln in enumerate(lines) if j not in used and ln.top >= bottom - 1]
    words = [j for j in below if not re.fullmatch(r"[\d\s\-—]*", lines[j].text)]
    if not words or table_title(lines[words[0]].text) is None:
        return []
    piece = PageTable(grid=Grid([], number), page=number)
    if not all(_read_line(piece, lines[j].text) for j in words) or piece.title is None:
        return []
    piece.context = [lines[j].text for j in words]
    used.update(words)
    return [piece]


def _read_notes(piece: PageTable, lines: list[Line], bottom: float, below: float, used: set[int]) -> None:
    for j, ln in enumerate(lines):
        if j in used or not (bottom - 1 <= ln.top < below):
            continue
        if ln.text.startswith("注") or is_empty_note(ln.text):
            piece.notes.append(ln.text)
            used.add(j)


def _gridless_empty_tables(lines: list[Line], number: int) -> tuple[list[PageTable], list[Line]]:
    """A title followed by an empty-table note on a page that draws no grid: an empty table (and the
    page's other lines)."""
    out, taken = [], set()
    for j in range(len(lines) - 1):
        title = table_title(lines[j].text)
        if title and is_empty_note(lines[j + 1].text):
            out.append(PageTable(grid=Grid([], number), page=number, title=title, notes=[lines[j + 1].text]))
            taken |= {j, j + 1}
    return out, [ln for j, ln in enumerate(lines) if j not in taken]


def grid_name_lines(grid: Grid) -> list[str]:
    """「部门名称：X」 lines from grid rows that print the prefix and the name in two cells."""
    out = []
    for r in range(grid.n_rows):
        texts = [t for t in dict.fromkeys(grid.row_texts(r)) if t]
        for a, b in zip(texts, texts[1:]):
            line = f"{a}：{b}"
            if department_from_line(line) and len(a) <= 12:
                out.append(line)
    return out
