"""Type metrics and table geometry for the PDF: line wrapping, column widths, row heights, spans."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from .cells import Cell, TableSpec

FONT = "STSong-Light"
PAGE_W, PAGE_H = 595.2756, 841.8898
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 50.0, 30.0, 40.0, 45.0
ASCENT = 0.729            # STSong-Light glyph box above the baseline, as pdfminer reports it
LEADING = 1.25            # line height / font size in cells
LINE_WIDTH = 0.6
_TOKEN = re.compile(r"[A-Za-z0-9.,%/+\-~≥≤=<>]+|\s+|.")
_NO_LINE_START = set("，。；：、）》」”’！？%,.;:)")


@lru_cache(maxsize=1)
def register_font() -> str:
    """Register the CID font once; returns its name."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


@cache
def char_width(ch: str) -> float:
    """Advance of one character at size 1."""
    from reportlab.pdfbase import pdfmetrics
    return pdfmetrics.stringWidth(ch, register_font(), 1)


def text_width(text: str, size: float) -> float:
    """Advance of a string at `size`."""
    return sum(char_width(ch) for ch in text) * size


def fit_chars(token: str, width: float, size: float) -> int:
    """How many leading characters of `token` fit in `width` (at least one)."""
    used = 0.0
    for i, ch in enumerate(token):
        used += char_width(ch) * size
        if used > width:
            return max(1, i)
    return len(token)


def wrap(text: str, width: float, size: float, first_width: float | None = None) -> list[str]:
    """Lines of `text` within `width`: CJK breaks anywhere, ASCII runs stay whole when they fit."""
    lines: list[str] = []
    for para in text.split("\n"):
        line, used = "", 0.0
        for tok in _TOKEN.findall(para):
            limit = first_width if first_width is not None and not lines else width
            tw = text_width(tok, size)
            if used + tw <= limit + 0.01:
                line, used = line + tok, used + tw
                continue
            if tok.isspace():
                lines.append(line)
                line, used = "", 0.0
                continue
            if tok[0] in _NO_LINE_START and len(tok) == 1 and len(line) > 1:
                lines.append(line[:-1])
                line = line[-1] + tok
                used = text_width(line, size)
                continue
            if line:
                lines.append(line.rstrip())
            while text_width(tok, size) > width and len(tok) > 1:
                k = fit_chars(tok, width, size)
                lines.append(tok[:k])
                tok = tok[k:]
            line, used = tok, text_width(tok, size)
        lines.append(line.rstrip())
    return lines


@dataclass
class Grid:
    """Column edges and type metrics of a table on the page."""

    xs: list[float]
    size: float
    padding: float = 1.0

    @property
    def pad(self) -> float:
        return max(1.5, self.size * 0.3 * self.padding)

    @property
    def lead(self) -> float:
        return self.size * LEADING

    def width(self, c: int, span: int = 1) -> float:
        return self.xs[c + span] - self.xs[c]

    def lines(self, cell: Cell, c: int) -> list[str]:
        return wrap(cell.text, self.width(c, cell.colspan) - 2 * self.pad, self.size) if cell.text else []

    def need(self, cell: Cell, c: int) -> float:
        return max(1, len(self.lines(cell, c))) * self.lead + 2 * self.pad


def grid_for(table: TableSpec, padding: float = 1.0) -> Grid:
    """Column widths: money and code columns as wide as their widest cell, the rest by weight."""
    size = table.font_size
    total = (PAGE_W - MARGIN_LEFT - MARGIN_RIGHT) * table.width_share
    while True:
        pad = max(1.5, size * 0.3 * padding)
        widths: list[float | None] = []
        for i, col in enumerate(table.columns):
            if col.kind in ("money", "code"):
                texts = [row.cells[i].text for row in table.rows if row.cells[i] is not None]
                least = "0000.00" if col.kind == "money" else "0"
                widths.append(max(text_width(t, size) for t in texts + [least, "类"]) + 2 * pad + 1)
            else:
                widths.append(None)
        rest = total - sum(w for w in widths if w)
        weights = sum(col.weight for col, w in zip(table.columns, widths) if w is None)
        least = 2 * size + 2 * pad
        if size <= 5 or all(rest * col.weight / weights >= least for col, w in zip(table.columns, widths) if w is None):
            break
        size -= 0.5
    xs = [MARGIN_LEFT]
    for col, w in zip(table.columns, widths):
        xs.append(xs[-1] + (w if w is not None else rest * col.weight / weights))
    return Grid(xs, size, padding)


def row_heights(cells: list[list[Cell | None]], grid: Grid) -> list[float]:
    """Height of each row; a merged cell too tall for its rows stretches the last of them."""
    heights = [grid.lead + 2 * grid.pad for _ in cells]
    spans = []
    for r, row in enumerate(cells):
        for c, cell in enumerate(row):
            if cell is None:
                continue
            need = grid.need(cell, c)
            if cell.rowspan == 1:
                heights[r] = max(heights[r], need)
            else:
                spans.append((r, r + cell.rowspan - 1, need))
    for r0, r1, need in sorted(spans, key=lambda s: s[1] - s[0]):
        short = need - sum(heights[r0:r1 + 1])
        if short > 0:
            heights[r1] += short
    return heights


@dataclass
class Span:
    """A body cell merged over rows r0..r1 (in column c) and the height its text needs."""

    r0: int
    r1: int
    c: int
    cell: Cell
    need: float


def body_spans(cells: list[list[Cell | None]], grid: Grid) -> list[Span]:
    """The merged cells of a table body."""
    return [Span(r, r + cell.rowspan - 1, c, cell, grid.need(cell, c))
            for r, row in enumerate(cells) for c, cell in enumerate(row) if cell is not None and cell.rowspan > 1]
