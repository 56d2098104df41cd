"""Grid → table: header tree to column paths, rows with full codes, pieces stitched across pages.

The chain, each a pure function: `split_header` → `grid_to_header_paths` → `grid_to_rows`;
`stitch_continued_tables` joins the per-page pieces (title repeated or not) into whole tables.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..document.model import Table, TableRow
from ..pdf.grid import Grid, merge_columns
from ..pdf.layout import is_performance_title, layout
from .codes import SubjectCodeCursor, split_code_cell, split_label_code
from .columns import ColumnRoles, Panel, column_roles, read_header, unique_paths
from .numbers import is_money
from .performance import is_performance_header
from .titles import base_title


@dataclass
class PageTable:
    """The piece of a table found on one page, with what was printed around it."""

    grid: Grid
    page: int
    title: str | None = None
    department: str | None = None
    unit: str | None = None
    notes: list[str] = field(default_factory=list)
    label: str | None = None  # the number printed with the title: 「公开01表」, 「表3」
    context: list[str] = field(default_factory=list)  # the lines read for title, 单位, 部门, year


_CODE = re.compile(r"^\d{3,7}$")


def is_column_number_row(texts: list[str]) -> bool:
    """The row under the header that numbers the columns (1 2 3 …) or marks them with **."""
    filled = [t for t in texts if t]
    if not filled:
        return False
    tokens = layout()["column_number_tokens"]
    numbers = [t for t in filled if t not in tokens]
    if not all(re.fullmatch(r"\d{1,2}", t) for t in numbers):
        return False
    values = [int(t) for t in numbers]
    return values == list(range(values[0], values[0] + len(values))) if values else True


_AMOUNT_CELL = re.compile(r"^-?(\d{1,3}(,\d{3})+(\.\d+)?|\d+\.\d{1,6}|\d{2,})$")
_YEAR_CELL = re.compile(r"^(19|20)\d{2}$")


def is_amount_cell(text: str) -> bool:
    """A cell printing an amount: 「1,234.00」, 「195,774,300」, 「12.345678」, 「42000」 (not a year)."""
    s = text.replace(" ", "")
    return is_money(s) or (bool(_AMOUNT_CELL.match(s)) and not _YEAR_CELL.match(s))


def is_data_row(texts: list[str]) -> bool:
    """A row that holds figures or a code, so the header ended above it (a 合计 row of zeros too)."""
    if any(is_amount_cell(t) for t in texts):
        return True
    if any(is_total_label(t) for t in texts) and any(re.fullmatch(r"0(\.0+)?", t.strip()) for t in texts):
        return True
    first = next((t for t in texts if t), "")
    return bool(_CODE.match(first.replace(" ", "")))


def split_header(grid: Grid) -> tuple[int, int]:
    """(header rows, first data row): the header ends at the column-number row or the first data row."""
    for r in range(grid.n_rows):
        texts = grid.row_texts(r)
        if is_column_number_row(texts) and r > 0:
            return r, r + 1
        if is_data_row(texts):
            return r, r
    return grid.n_rows, grid.n_rows


def _span(grid: Grid, r: int, origin: tuple[int, int]) -> tuple[int, int]:
    cols = [c for c in range(grid.n_cols) if grid.cells[r][c].origin == origin]
    return (min(cols), max(cols)) if cols else (origin[1], origin[1])


def grid_to_header_paths(grid: Grid, n_header: int) -> list[str]:
    """Column paths ("本级财政拨款/金额") read top-down; a lower cell joins a column only if it
    starts inside the span of the cell above it (PDF rulings sometimes let a cell overhang)."""
    paths = []
    for c in range(grid.n_cols):
        parts: list[str] = []
        lo, hi = 0, grid.n_cols - 1
        for r in range(n_header):
            cell = grid.cells[r][c]
            if not cell.text or not (lo <= cell.origin[1] <= hi):
                continue
            if not parts or parts[-1] != cell.text:
                parts.append(cell.text)
            lo, hi = _span(grid, r, cell.origin)
        paths.append("/".join(normalize_header(p) for p in parts))
    _repair_group_children(grid, n_header, paths)
    return unique_paths(paths)


def normalize_header(text: str) -> str:
    """Header text as a path part: no spaces inside CJK words (「总 计」 → 「总计」)."""
    return re.sub(r"\s+", "", text)


def _repair_group_children(grid: Grid, n_header: int, paths: list[str]) -> None:
    """A known group (按支出性质分) whose leaf headers came out merged gets its standard children."""
    children = layout()["group_children"]
    for r in range(n_header):
        for c in range(grid.n_cols):
            if not grid.is_origin(r, c):
                continue
            name = normalize_header(grid.text(r, c))
            if name not in children:
                continue
            lo, hi = _span(grid, r, (r, c))
            kids = children[name]
            leaves = [paths[j].split("/")[-1] for j in range(lo, hi + 1)]
            if hi - lo + 1 == len(kids) and leaves != kids:
                for j, kid in zip(range(lo, hi + 1), kids):
                    paths[j] = f"{name}/{kid}"


UNLABELLED_ROW = "合计"  # a table with no label column prints one line: the whole department's


def _panel_column(path: str, panel: int) -> str:
    """A column's path; in the second and later panels without the (2) that kept headers apart."""
    return re.sub(r"\(\d+\)$", "", path) if panel else path


Cursors = dict[int, SubjectCodeCursor]  # one per panel: 类 and 款 carried down its own rows


def grid_to_rows(grid: Grid, start: int, roles: ColumnRoles, cursors: Cursors) -> list[TableRow]:
    """Data rows from `start` on; a label spanning many rows is carried to each (as `group`)."""
    rows = []
    for r in range(start, grid.n_rows):
        texts = grid.row_texts(r)
        if is_column_number_row(texts) or not any(texts):
            continue
        for n, panel in enumerate(roles.sides):
            label, label_col = _row_label(grid, r, panel)
            code = _row_code(grid, r, panel, cursors.setdefault(n, SubjectCodeCursor()))
            if code is None and label:
                code, label = split_label_code(label)
            origins = [c for c in panel.values if grid.is_origin(r, c)]
            cells = {_panel_column(roles.paths[c], n): grid.text(r, c) for c in origins}
            spanning = label and label_col >= 0 and not grid.is_origin(r, label_col)
            if not label and not any(cells.values()):
                continue
            boxes = {_panel_column(roles.paths[c], n): box for c in origins if (box := grid.box(r, c))}
            rows.append(TableRow(label=label, code=code, page=grid.page, cells=cells, side=panel.side,
                                 group=label if spanning else None, boxes=boxes))
    return rows


def _row_label(grid: Grid, r: int, panel: Panel) -> tuple[str, int]:
    """(label, its column): under a label header over several columns, the most specific cell
    this row prints (「小计」 under 「一般公共预算资金」); else the cell carried down from above."""
    if panel.label < 0:
        return UNLABELLED_ROW, -1
    cols = panel.label_cols or [panel.label]
    own = [c for c in cols if grid.text(r, c) and grid.is_origin(r, c)]
    if own:
        return grid.text(r, own[-1]), own[-1]
    carried = [c for c in cols if grid.text(r, c)]
    if carried:
        return grid.text(r, carried[-1]), carried[-1]
    around = panel.subject_parts + panel.code_cols + list(range(panel.label)) + [
        c for c in panel.values if c < panel.label]
    words = [c for c in dict.fromkeys(around) if grid.text(r, c) and not re.fullmatch(r"[\d\s.,]+", grid.text(r, c))]
    if words:  # 「合 计」 across the code cells, a 大类 row in the column before the name
        return grid.text(r, words[0]), words[0]
    if r + 1 < grid.n_rows and any(grid.text(r, c) and grid.is_origin(r, c) for c in panel.values):
        below = [c for c in cols if grid.text(r + 1, c) and grid.is_origin(r + 1, c)]
        if below and not any(grid.text(r + 1, c) and grid.is_origin(r + 1, c) for c in panel.values):
            return grid.text(r + 1, below[-1]), below[-1]  # figures drawn a line above their label
    return "", panel.label


def _row_code(grid: Grid, r: int, panel: Panel, cursor: SubjectCodeCursor) -> str | None:
    if len(panel.subject_parts) >= 2:
        parts = [grid.text(r, c) for c in panel.subject_parts] + [""]
        return cursor.read(*parts[:3])
    for c in panel.code_cols:
        text = grid.text(r, c)
        code = split_code_cell(text) or (text if re.fullmatch(r"\d{6,}", text) else None)
        if code:
            return code
    return None


@dataclass
class _Layout:
    """What a continuation piece needs from the piece that printed the header."""

    roles: ColumnRoles
    header_rows: list[str]
    col_bounds: list[tuple[float, float]] | None
    cursor: Cursors
    groups: list[list[int]]  # spacer columns merged into the column they pad
    raw_cols: int  # the columns the header piece was drawn with, before merging


def stitch_continued_tables(pieces: list[PageTable]) -> list[Table]:
    """Join per-page pieces into tables: a piece with no title, or the same title as the table before
    it, continues that table. A repeated header is re-read (pages may draw it differently); a piece
    with no header borrows the columns above it, matched by x position when the widths differ."""
    tables: list[Table] = []
    layouts: dict[int, _Layout] = {}
    labels: dict[int, str | None] = {}
    for piece in pieces:
        grid = piece.grid
        last = tables[-1] if tables else None
        if piece.title is None and _starts_performance_grid(grid, last, layouts.get(id(last))):
            piece.title = layout()["performance_grid_title"]
        if last is not None and _continues(piece, last, labels.get(id(last))):
            prev = layouts[id(last)]
            start = _repeated_header_end(grid, prev.header_rows)
            headless = not last.columns  # its title and 部门 line ended a page: the header is here
            if start == 0 and (piece.title is not None or headless):
                start = split_header(grid)[1]
            if start and grid.n_cols != prev.raw_cols:
                n_header = start - (1 if is_column_number_row(grid.row_texts(start - 1)) else 0)
                prev.raw_cols = grid.n_cols
                if headless:
                    prev.header_rows = ["\t".join(grid.row_texts(r)) for r in range(start)]
                grid, prev.roles, prev.groups = read_header(grid, grid_to_header_paths(grid, n_header), start)
                prev.col_bounds = grid.col_bounds
                last.columns = last.columns or prev.roles.paths
                last.unit, last.department = last.unit or piece.unit or "", last.department or piece.department
            elif grid.n_cols == prev.raw_cols:
                grid = merge_columns(grid, prev.groups)
            roles = prev.roles if grid.n_cols == len(prev.roles.paths) else _aligned_roles(grid, prev)
            last.rows.extend(_new_rows(last.rows, grid_to_rows(grid, start, roles, prev.cursor)))
            if piece.page not in last.pages:
                last.pages.append(piece.page)
            last.notes.extend(piece.notes)
            continue
        if piece.title is None:
            continue  # a grid with no title and nothing to continue: not a disclosure table
        piece.title = base_title(piece.title)
        n_header, start = split_header(grid)
        header_rows = ["\t".join(grid.row_texts(r)) for r in range(start)]
        raw_cols = grid.n_cols
        grid, roles, groups = read_header(grid, grid_to_header_paths(grid, n_header), start)
        table = Table(title=piece.title, number=len(tables) + 1, pages=[piece.page],
                      unit=piece.unit or "", department=piece.department, columns=roles.paths,
                      notes=list(piece.notes))
        layout_ = _Layout(roles, header_rows, grid.col_bounds, {}, groups, raw_cols)
        table.rows = grid_to_rows(grid, start, roles, layout_.cursor)
        layouts[id(table)] = layout_
        labels[id(table)] = piece.label
        tables.append(table)
    fill_default_units(tables)
    return tables


MAX_PAGE_GAP = 2  # a continuation may follow its table over one blank page


def _starts_performance_grid(grid: Grid, last: Table | None, prev: _Layout | None) -> bool:
    """An untitled grid headed as a 绩效目标表 (projects, amounts, 绩效目标) that neither repeats the header
    of the table before it nor follows a 绩效目标表: one the narrative prints (「重点项目绩效目标情况如下：」)."""
    if not grid.n_rows or not is_performance_header(grid.row_texts(0)):
        return False
    if last is not None and is_performance_title(last.title):
        return False
    return not (prev is not None and _repeated_header_end(grid, prev.header_rows))


def _continues(piece: PageTable, last: Table, last_label: str | None) -> bool:
    """Whether a piece continues the table before it: the same title (or number) again, or no title
    at all on the next page."""
    if piece.title is not None:
        return base_title(piece.title) == last.title
    if piece.label is not None and last_label is not None:
        return piece.label == last_label
    near = piece.page - (last.pages[-1] if last.pages else piece.page) <= MAX_PAGE_GAP
    return near


def _new_rows(have: list[TableRow], rows: list[TableRow]) -> list[TableRow]:
    """Rows of a continuation without a total row the table already holds (合计 repeated per page)."""
    seen = {(r.label, r.code, tuple(r.cells.items())) for r in have if is_total_label(r.label)}
    return [r for r in rows if not (is_total_label(r.label) and (r.label, r.code, tuple(r.cells.items())) in seen)]


def is_total_label(label: str) -> bool:
    """合计 / 总计 rows (spaced or not: 「合 计」)."""
    s = re.sub(r"\s+", "", label)
    return s in ("合计", "总计", "小计") or s.endswith(("合计", "总计"))


def fill_default_units(tables: list[Table]) -> None:
    """A table that prints no 单位 line takes the unit most tables of the document print (else 万元)."""
    printed = [t.unit for t in tables if t.unit]
    common = max(sorted(set(printed)), key=printed.count) if printed else "万元"
    for t in tables:
        t.unit = t.unit or common


def _aligned_roles(grid: Grid, prev: _Layout) -> ColumnRoles:
    """Roles for a continuation whose column count differs: each column takes the path of the
    header column it overlaps most."""
    old = prev.col_bounds or []
    new = grid.col_bounds or []
    if not old or not new:
        paths = [prev.roles.paths[min(c, len(prev.roles.paths) - 1)] for c in range(grid.n_cols)]
        return column_roles(unique_paths(paths))
    paths = []
    for x0, x1 in new:
        overlaps = [max(0.0, min(x1, b1) - max(x0, b0)) for b0, b1 in old]
        paths.append(prev.roles.paths[overlaps.index(max(overlaps))])
    return column_roles(unique_paths(paths))


def _repeated_header_end(grid: Grid, header_rows: list[str]) -> int:
    """Rows at the top of a continuation that repeat the first piece's header (and number row)."""
    if not header_rows or not grid.n_rows:
        return 0
    if _squeeze(grid.row_texts(0)) != _squeeze(header_rows[0].split("\t")):
        return 0
    n = min(split_header(grid)[1], len(header_rows), grid.n_rows)
    while n < grid.n_rows and is_column_number_row(grid.row_texts(n)):
        n += 1
    return n


def _squeeze(texts: list[str]) -> list[str]:
    return [re.sub(r"\s+", "", t) for t in texts if t.strip()]
