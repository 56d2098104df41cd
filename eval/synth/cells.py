"""A table as printed, before layout: columns, merged cells, body rows, header grids."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .amounts import grouped


@dataclass
class Column:
    """A column of a table: its header path as printed, what it holds, its share of the width."""

    path: str
    kind: str = "text"        # code | label | money | text
    weight: float = 1.0
    side: str | None = None   # 收入 | 支出 in side-by-side tables

    @property
    def leaf(self) -> str:
        return self.path.split("/")[-1]


@dataclass
class Cell:
    """A printed cell; a merged cell covers rowspan × colspan positions (the others are None)."""

    text: str = ""
    rowspan: int = 1
    colspan: int = 1
    align: str = "left"


@dataclass
class Row:
    """A body row: its cells, and its label and code for each side (None key: the only side)."""

    cells: list[Cell | None]
    label: dict[str | None, str]
    code: dict[str | None, str | None] = field(default_factory=dict)


@dataclass
class TableSpec:
    """One table of the disclosure, cell for cell, before it is laid out on pages or in text."""

    number: int
    title: str
    columns: list[Column]
    header: list[list[Cell | None]]
    rows: list[Row]
    note: str = ""
    numbered: bool = False     # the last header row is the column-number row (1 2 3 …)
    font_size: float = 9.0
    width_share: float = 1.0


def hcell(text: str, rowspan: int = 1, colspan: int = 1) -> Cell:
    """A header cell (centered)."""
    return Cell(text, rowspan, colspan, "center")


def mcell(value: Decimal | None) -> Cell:
    """A money cell: `10,465.00`, blank for zero."""
    return Cell(grouped(value), align="right")


def header_grid(top: list[tuple[str, int, int]], *lower: list[tuple[int, str]], width: int) -> list[list[Cell | None]]:
    """Header rows from (text, rowspan, colspan) of the top row and (column, text) of the rows below."""
    rows: list[list[Cell | None]] = [[None] * width for _ in range(1 + len(lower))]
    col = 0
    for text, rs, cs in top:
        rows[0][col] = hcell(text, rs, cs)
        col += cs
    for r, cells in enumerate(lower, start=1):
        for c, text in cells:
            rows[r][c] = hcell(text)
    return rows


def number_row(width: int, first: int) -> list[Cell | None]:
    """The column-number row: blank up to `first`, then 1, 2, 3 …"""
    return [hcell("" if c < first else str(c - first + 1)) for c in range(width)]
