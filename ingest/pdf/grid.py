"""Table grids: a dense matrix of cells that remembers merged cells, built from pdfplumber or text.

Pure functions over plain data (no I/O), so they are tested with tiny hand-written grids:
`cells_to_grid` (pdfplumber cell boxes → Grid) and `rows_to_grid` (tab-separated text → Grid).
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from ..document.text import clean_cell

BBox = tuple[float, float, float, float]


@dataclass(frozen=True)
class GridCell:
    """One position of the grid; `origin` is the top-left position of the (merged) cell covering it."""

    text: str
    origin: tuple[int, int]
    bbox: BBox | None = None  # the (merged) cell's box on its page: x0, top, x1, bottom in PDF points

    def is_origin_at(self, r: int, c: int) -> bool:
        return self.origin == (r, c)


@dataclass
class Grid:
    """Rows × columns of GridCell; a merged cell's text stands at every position it covers."""

    cells: list[list[GridCell]]
    page: int = 0
    bbox: BBox | None = None
    col_bounds: list[tuple[float, float]] | None = None  # x0, x1 of each column, when known

    @property
    def n_rows(self) -> int:
        return len(self.cells)

    @property
    def n_cols(self) -> int:
        return len(self.cells[0]) if self.cells else 0

    def text(self, r: int, c: int) -> str:
        return self.cells[r][c].text

    def box(self, r: int, c: int) -> BBox | None:
        return self.cells[r][c].bbox

    def row_texts(self, r: int) -> list[str]:
        return [cell.text for cell in self.cells[r]]

    def is_origin(self, r: int, c: int) -> bool:
        return self.cells[r][c].is_origin_at(r, c)

    def slice_rows(self, start: int, stop: int | None = None) -> Grid:
        """Rows start..stop as a new grid; cells merged from above the cut become their own origin."""
        rows = self.cells[start:stop]
        out = []
        for row in rows:
            out.append([
                GridCell(cell.text, (max(cell.origin[0] - start, 0), cell.origin[1]), cell.bbox) for cell in row
            ])
        for j in range(len(out[0]) if out else 0):
            first = out[0][j]
            if first.origin[0] == 0 and first.origin[1] == j:
                continue
            if first.origin[1] == j:
                out[0][j] = GridCell(first.text, (0, j), first.bbox)
        return Grid(out, self.page, self.bbox, self.col_bounds)


def _cluster(values: list[float], tolerance: float = 1.5) -> list[float]:
    """Sorted distinct coordinates, merging those closer than `tolerance` points."""
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tolerance:
            out.append(v)
    return out


def _index(bounds: list[float], v: float, tolerance: float = 1.5) -> int:
    i = bisect_left(bounds, v - tolerance)
    return min(i, len(bounds) - 1)


def cells_to_grid(boxes: list[BBox], texts: list[str | None], page: int = 0,
                  shown: list[BBox] | None = None) -> Grid:
    """Cell boxes (x0, top, x1, bottom) and their texts → Grid, merged cells spread over their span;
    each cell keeps its box (or its `shown` box: the same, grown to the text it holds)."""
    xs = _cluster([b[0] for b in boxes] + [b[2] for b in boxes])
    ys = _cluster([b[1] for b in boxes] + [b[3] for b in boxes])
    n_rows, n_cols = max(len(ys) - 1, 0), max(len(xs) - 1, 0)
    empty = GridCell("", (-1, -1))
    cells: list[list[GridCell]] = [[empty] * n_cols for _ in range(n_rows)]
    order = sorted(range(len(boxes)), key=lambda i: (boxes[i][1], boxes[i][0]))
    for i in order:
        x0, top, x1, bottom = boxes[i]
        c0, c1 = _index(xs, x0), _index(xs, x1)
        r0, r1 = _index(ys, top), _index(ys, bottom)
        cell = GridCell(clean_cell(texts[i]), (r0, c0), shown[i] if shown else (x0, top, x1, bottom))
        for r in range(r0, max(r1, r0 + 1)):
            for c in range(c0, max(c1, c0 + 1)):
                if cells[r][c].origin == (-1, -1):
                    cells[r][c] = cell
    for r in range(n_rows):
        for c in range(n_cols):
            if cells[r][c].origin == (-1, -1):
                cells[r][c] = GridCell("", (r, c))
    x0, y0 = (xs[0], ys[0]) if xs and ys else (0.0, 0.0)
    x1, y1 = (xs[-1], ys[-1]) if xs and ys else (0.0, 0.0)
    bounds = [(xs[c], xs[c + 1]) for c in range(n_cols)]
    return Grid(cells, page, (x0, y0, x1, y1), bounds)


def rows_to_grid(rows: list[list[str]], page: int = 0) -> Grid:
    """Plain rows of text (no merge information) → Grid of single cells, padded to one width."""
    width = max((len(r) for r in rows), default=0)
    cells = [
        [GridCell(clean_cell(row[c]) if c < len(row) else "", (r, c)) for c in range(width)]
        for r, row in enumerate(rows)
    ]
    return Grid(cells, page)


def drop_empty_columns(grid: Grid) -> Grid:
    """Drop columns whose every position is empty (LibreOffice draws hairline spacer columns)."""
    keep = [c for c in range(grid.n_cols) if any(grid.text(r, c) for r in range(grid.n_rows))]
    if len(keep) == grid.n_cols:
        return grid
    remap = {c: i for i, c in enumerate(keep)}
    rows = []
    for row in grid.cells:
        new_row = []
        for c in keep:
            cell = row[c]
            oc = remap.get(cell.origin[1], remap[c])
            new_row.append(GridCell(cell.text, (cell.origin[0], oc), cell.bbox))
        rows.append(new_row)
    bounds = [grid.col_bounds[c] for c in keep] if grid.col_bounds else None
    return Grid(rows, grid.page, grid.bbox, bounds)


def merge_columns(grid: Grid, groups: list[list[int]]) -> Grid:
    """Each group of adjacent columns becomes one: a row's cell is the first text its own cells print
    in the group (spacer columns some exports put between a header and its figures)."""
    rows = []
    for r, row in enumerate(grid.cells):
        new_row = []
        for n, group in enumerate(groups):
            own = [row[c] for c in group if row[c].text and row[c].origin[0] == r]
            cell = own[0] if own else next((row[c] for c in group if row[c].text), row[group[0]])
            new_row.append(GridCell(cell.text, (cell.origin[0], n), cell.bbox))
        rows.append(new_row)
    bounds = ([(grid.col_bounds[g[0]][0], grid.col_bounds[g[-1]][1]) for g in groups]
              if grid.col_bounds and len(grid.col_bounds) == grid.n_cols else None)
    return Grid(rows, grid.page, grid.bbox, bounds)
