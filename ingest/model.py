"""Typed model of one budget disclosure: the document, its narrative sections and chunks, its tables."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


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


@dataclass
class Paragraph:
    """A narrative paragraph re-joined across line wraps and page breaks."""

    text: str
    page: int


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
