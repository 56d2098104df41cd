"""The PDF form of a disclosure (reportlab, A4 portrait, CID font STSong-Light: no font file, clean text)."""
from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from .cells import Cell, TableSpec
from .model import Disclosure
from .narrative import Block, build_narrative
from .pdf_layout import (
    ASCENT,
    FONT,
    LEADING,
    LINE_WIDTH,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    PAGE_H,
    PAGE_W,
    Grid,
    Span,
    body_spans,
    grid_for,
    register_font,
    row_heights,
    wrap,
)
from .tables import build_tables


@dataclass
class PdfReport:
    """What `render_pdf` laid out: the page count and the pages of each table (1-based)."""

    pages: int
    tables: dict[str, list[int]]


class PdfWriter:
    """Flows narrative and tables onto A4 pages with a reportlab canvas (top-down y coordinates)."""

    def __init__(self, path: str | Path, doc: Disclosure):
        from reportlab.pdfgen import canvas
        register_font()
        self.doc = doc
        self.style = doc.style
        self.rng = random.Random(doc.style.layout_seed)
        self.canvas = canvas.Canvas(str(path), pagesize=(PAGE_W, PAGE_H), invariant=1, pageCompression=1)
        self.canvas.setTitle(doc.title)
        self.page = 1
        self.y = MARGIN_TOP
        self.segments: set[tuple[float, float, float, float]] = set()
        self.tables: dict[str, list[int]] = {}

    @property
    def bottom(self) -> float:
        return PAGE_H - MARGIN_BOTTOM

    def new_page(self) -> None:
        """Finish the page (footer) and start the next."""
        if self.style.page_numbers:
            self.canvas.setFont(FONT, 9)
            self.canvas.drawCentredString(PAGE_W / 2, 22, f"- {self.page} -")
        self.canvas.showPage()
        self.page += 1
        self.y = MARGIN_TOP

    def save(self) -> PdfReport:
        """Finish the last page and write the file."""
        self.new_page()
        self.canvas.save()
        return PdfReport(self.page - 1, self.tables)

    def string(self, text: str, size: float, x: float, top: float, align: str = "left", lead: float | None = None) -> None:
        """Draw one line whose line box starts at `top`, aligned at x (left/center/right)."""
        lead = lead or size * LEADING
        base = PAGE_H - (top + (lead - size) / 2 + ASCENT * size)
        self.canvas.setFont(FONT, size)
        if align == "center":
            self.canvas.drawCentredString(x, base, text)
        elif align == "right":
            self.canvas.drawRightString(x, base, text)
        else:
            self.canvas.drawString(x, base, text)

    # narrative ---------------------------------------------------------------------------------

    def block(self, block: Block) -> None:
        """Draw one narrative block, breaking pages as needed."""
        width = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT
        if block.kind == "pagebreak":
            self.new_page()
        elif block.kind == "cover":
            self.y = max(self.y, 220)
            self.paragraph(block.text, 22, width, align="center", after=30)
        elif block.kind == "h1":
            self.paragraph(block.text, 16, width, align="center", before=8, after=10)
        elif block.kind == "h2":
            self.paragraph(block.text, 13, width, before=6, after=4)
        elif block.kind == "h3":
            self.paragraph(block.text, 11.5, width, indent=10, after=2)
        elif block.kind == "toc":
            self.paragraph(block.text, 10.5, width - 24, indent=24, after=1)
        else:
            first = 21 if block.kind == "p" else 0
            self.paragraph(block.text, 10.5, width, first_indent=first, after=4)

    def paragraph(self, text: str, size: float, width: float, *, indent: float = 0, first_indent: float = 0,
                  align: str = "left", before: float = 0, after: float = 0) -> None:
        """Wrapped text lines from the cursor down; a page break wherever the next line does not fit."""
        lead = size * 1.6
        self.y += before
        for i, line in enumerate(wrap(text, width, size, width - first_indent)):
            if self.y + lead > self.bottom:
                self.new_page()
            x = MARGIN_LEFT + indent + (first_indent if i == 0 else 0)
            if align == "center":
                x = PAGE_W / 2
            self.string(line, size, x, self.y, align, lead)
            self.y += lead
        self.y += after

    # tables ------------------------------------------------------------------------------------

    def table(self, table: TableSpec) -> None:
        """Draw a table: title, 部门名称/单位 lines, ruled grid, continued on as many pages as it needs."""
        grid = grid_for(table, self.style.cell_padding if table.number <= 8 else 1.0)
        cells = [row.cells for row in table.rows]
        heights = row_heights(cells, grid)
        head_h = row_heights(table.header, grid)
        spans = body_spans(cells, grid)
        first = self.title_height() + sum(head_h) + (heights[0] if heights else 0)
        if self.y > MARGIN_TOP and (self.style.tables_on_new_page or self.y + 20 + first > self.bottom):
            self.new_page()
        elif self.y > MARGIN_TOP:
            self.y += 20
        self.tables[table.title] = [self.page]
        top = self.slice_start(table, grid, head_h, "first")
        self.paginate(table, grid, heights, head_h, spans, top)
        if table.note:
            self.paragraph(table.note, 9, PAGE_W - MARGIN_LEFT - MARGIN_RIGHT, before=4, after=6)

    def title_height(self) -> float:
        """Height of the title and the 部门名称/单位 lines."""
        return 15 * 1.8 + 10 * 1.8 * (1 if self.style.dept_unit_same_line else 2) + 4

    def slice_start(self, table: TableSpec, grid: Grid, head_h: list[float], mode: str) -> float:
        """Draw what a page of the table starts with (title, lines, header, per `mode`); returns the body top."""
        if mode in ("first", "repeat"):
            self.string(table.title, 15, PAGE_W / 2, self.y, "center", 15 * 1.8)
            self.y += 15 * 1.8
            dept, unit = f"部门名称：{self.doc.department}", "单位：万元"
            if self.style.dept_unit_same_line:
                self.string(dept, 10, MARGIN_LEFT, self.y, lead=18)
                self.string(unit, 10, grid.xs[-1], self.y, "right", 18)
                self.y += 18
            else:
                self.string(dept, 10, MARGIN_LEFT, self.y, lead=18)
                self.string(unit, 10, MARGIN_LEFT, self.y + 18, lead=18)
                self.y += 36
            self.y += 4
        if mode != "bare":
            self.draw_rows(table.header, list(range(len(table.header))), head_h, grid, self.y, header=True)
            self.y += sum(head_h)
            self.flush_lines()
        return self.y

    def paginate(self, table: TableSpec, grid: Grid, heights: list[float], head_h: list[float],
                 spans: list[Span], top: float) -> None:
        """Place body rows page by page; a merged cell cut by a break gets room for its text on each page."""
        starts: dict[int, list[Span]] = {}
        ends: dict[int, list[Span]] = {}
        for sp in spans:
            starts.setdefault(sp.r0, []).append(sp)
            ends.setdefault(sp.r1, []).append(sp)
        rows: list[int] = []
        y = top
        for r in range(len(heights)):
            first_need = max((sp.need for sp in starts.get(r, [])), default=0.0)
            if rows and y + max(heights[r], first_need) > self.bottom:
                y = self.stretch_at_break(spans, rows, top, y, r, heights)
                self.draw_slice(table, grid, rows, heights, spans, top)
                mode = self.style.continuation
                if mode == "mixed":
                    mode = self.rng.choice(["repeat", "bare", "header"])
                self.new_page()
                self.tables[table.title].append(self.page)
                top = y = self.slice_start(table, grid, head_h, mode)
                rows = []
            first_row = rows[0] if rows else r
            for sp in ends.get(r, []):
                if sp.r0 < first_row and self.style.repeat_groups:
                    heights[r] = max(heights[r], sp.need - (y - top))
            rows.append(r)
            y += heights[r]
        if rows:
            self.draw_slice(table, grid, rows, heights, spans, top)
        self.y = y

    def stretch_at_break(self, spans: list[Span], rows: list[int], top: float, y: float, r: int,
                         heights: list[float]) -> float:
        """Before breaking at row r, lengthen the page's last row so every cut merged cell fits its text."""
        short = 0.0
        for sp in spans:
            if sp.r0 < r <= sp.r1 and sp.r0 <= rows[-1]:
                first = max(sp.r0, rows[0])
                piece_top = top + sum(heights[rows[0]:first])
                need = sp.need if (sp.r0 >= rows[0] or self.style.repeat_groups) else 0.0
                short = max(short, need - (y - piece_top))
        if short > 0:
            heights[rows[-1]] += short
            y += short
        return y

    def draw_slice(self, table: TableSpec, grid: Grid, rows: list[int], heights: list[float],
                   spans: list[Span], top: float) -> None:
        """Draw the body rows of one page, merged cells cut to the page (text repeated or blank)."""
        cells = [row.cells for row in table.rows]
        self.draw_rows(cells, rows, heights, grid, top, header=False)
        ys = {r: top + sum(heights[rows[0]:r]) for r in rows}
        for sp in spans:
            if sp.r1 < rows[0] or sp.r0 > rows[-1]:
                continue
            a, b = max(sp.r0, rows[0]), min(sp.r1, rows[-1])
            text = sp.cell.text if (sp.r0 == a or self.style.repeat_groups) else ""
            piece = Cell(text, 1, sp.cell.colspan, sp.cell.align)
            self.draw_cell(piece, sp.c, grid, ys[a], ys[b] + heights[b] - ys[a])
        self.flush_lines()

    def draw_rows(self, cells: list[list[Cell | None]], rows: list[int], heights: list[float], grid: Grid,
                  top: float, header: bool) -> None:
        """Draw the cells of `rows` that start there (header cells with their merges)."""
        y = top
        for r in rows:
            for c, cell in enumerate(cells[r]):
                if cell is None or (not header and cell.rowspan > 1):
                    continue
                height = sum(heights[r:r + cell.rowspan]) if header else heights[r]
                self.draw_cell(cell, c, grid, y, height)
            y += heights[r]

    def draw_cell(self, cell: Cell, c: int, grid: Grid, top: float, height: float) -> None:
        """Borders of a cell (collected, drawn per page) and its wrapped text, centered vertically."""
        x0, x1 = grid.xs[c], grid.xs[c + cell.colspan]
        y0, y1 = PAGE_H - top, PAGE_H - top - height
        for seg in ((x0, y0, x1, y0), (x0, y1, x1, y1), (x0, y0, x0, y1), (x1, y0, x1, y1)):
            self.segments.add(tuple(round(v, 2) for v in seg))  # type: ignore[arg-type]
        lines = grid.lines(cell, c)
        line_top = top + (height - len(lines) * grid.lead) / 2
        x = {"left": x0 + grid.pad, "right": x1 - grid.pad, "center": (x0 + x1) / 2}[cell.align]
        for line in lines:
            self.string(line, grid.size, x, line_top, cell.align, grid.lead)
            line_top += grid.lead

    def flush_lines(self) -> None:
        """Stroke the collected cell borders as one path."""
        if self.segments:
            self.canvas.setLineWidth(LINE_WIDTH)
            self.canvas.lines(sorted(self.segments))
            self.segments.clear()


def render_pdf(doc: Disclosure, path: str | Path) -> PdfReport:
    """Write the disclosure as an A4 PDF with ruled tables; returns the pages each table is on."""
    writer = PdfWriter(path, doc)
    for block in build_narrative(doc).blocks:
        writer.block(block)
    writer.new_page()
    writer.paragraph(f"第二部分 {doc.year}年部门{doc.kind}表", 16, PAGE_W - MARGIN_LEFT - MARGIN_RIGHT,
                     align="center", before=8, after=10)
    for table in build_tables(doc):
        writer.table(table)
    return writer.save()
