"""Typed model of one budget disclosure: the document, its narrative sections and chunks, its tables."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom in PDF points, on the page as displayed


def round_box(box: BBox | None) -> BBox | None:
    """A box to 0.1 point outwards (what it held, it still holds): finer than any drawing needs, and
    short in the store."""
    if box is None:
        return None
    return (math.floor(box[0] * 10) / 10, math.floor(box[1] * 10) / 10, math.ceil(box[2] * 10) / 10,
            math.ceil(box[3] * 10) / 10)


@dataclass(frozen=True)
class LineBox:
    """Where one printed line of narrative stands: page and box, and the span [start, end) of the
    paragraph's or chunk's text it printed."""

    page: int
    bbox: BBox
    start: int
    end: int

    def shifted(self, by: int) -> LineBox:
        return LineBox(self.page, self.bbox, self.start + by, self.end + by)


@dataclass
class TableRow:
    """One data row of a table as printed: its label, its code and its cells by column path.

    `side` names the half of a side-by-side grid (收入 | 支出) the row came from; `group` carries the
    label of a cell that spans many rows (the project or unit of a 绩效目标表).
    """

    label: str
    code: str | None
    page: int
    cells: dict[str, str]
    side: str | None = None
    group: str | None = None
    boxes: dict[str, BBox] = field(default_factory=dict)  # each cell's box by column path (PDF tables)


@dataclass
class Table:
    """A table stitched across its pages: title as printed, unit, header paths and rows."""

    title: str
    number: int
    pages: list[int]
    unit: str = "万元"
    department: str | None = None
    columns: list[str] = field(default_factory=list)
    rows: list[TableRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    kind: str | None = None  # canonical kind (三公经费, 收支总表 …) from ingest/data/table_kinds.json

    @property
    def page(self) -> int:
        return self.pages[0] if self.pages else 0


@dataclass(frozen=True)
class Record:
    """One cell of a table: the unit of the numeric lookup and of every citation.

    Money cells carry `value` (Decimal, in `unit`); text cells (绩效指标 …) carry `text`.
    """

    table: str
    table_number: int
    page: int
    row: str
    code: str | None
    column: str
    value: Decimal | None
    text: str | None
    unit: str
    row_number: int
    side: str | None = None
    group: str | None = None
    table_kind: str | None = None
    value_wan: Decimal | None = None  # the value in 万元 (printed 元 ÷ 10000), beside the printed one
    bbox: BBox | None = None  # the cell's box on `page` (PDF tables only)


@dataclass
class Paragraph:
    """A narrative paragraph re-joined across line wraps and page breaks."""

    text: str
    page: int
    lines: tuple[LineBox, ...] = ()  # the printed lines, spans into `text` (PDF narrative only)


@dataclass
class Section:
    """A narrative section under its heading path (第一部分 › 一、… › （一）…)."""

    path: tuple[str, ...]
    page: int
    paragraphs: list[Paragraph] = field(default_factory=list)

    @property
    def heading(self) -> str:
        return self.path[-1] if self.path else ""


@dataclass(frozen=True)
class Chunk:
    """A retrieval unit of narrative: a few sentences that know their section path and page."""

    section: str
    page: int
    text: str
    number: int
    lines: tuple[LineBox, ...] = ()  # the printed lines it was read from, spans into `text`


@dataclass
class Document:
    """One disclosure as read: who, which year, budget or final accounts, and its content."""

    title: str
    department: str
    year: int | None
    kind: str  # 预算 | 决算
    source: str  # the file name; a disclosure read from two files names both, joined by " + "
    sha256: str
    pages: int
    sections: list[Section] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    chunks: list[Chunk] = field(default_factory=list)
    level: str = "部门"  # 部门 (the department's whole budget) | 单位 (one unit's own, 本级)
    # sha256 of the PDF that printed the tables and of the one that printed the narrative (the same
    # file but for a disclosure read from two); None for a document with no pages (.txt/.md/.xlsx)
    tables_file: str | None = None
    narrative_file: str | None = None
    unread_pages: list[int] = field(default_factory=list)  # pages whose grid of figures ended in no table
