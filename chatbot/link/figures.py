"""Figures: a number read from the store (or computed from its records) with where it comes from, and
a question's resolution into them — the values every answer is built from."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from chatbot.link.catalog import Row, TableInfo
from chatbot.link.mentions import Mention
from ingest.store.store import StoredRecord
from ingest.tables.numbers import format_amount_grouped

CENT = Decimal("0.01")


@dataclass
class Figure:
    """A figure the answer states: one cell, or a sum of cells (a concept such as 社保)."""

    label: str
    value: Decimal
    unit: str
    records: list[StoredRecord]
    kind: str | None
    table: str
    row: Row | None = None
    column: str | None = None
    alternatives: list[Figure] = field(default_factory=list)
    qualifier: str = ""      # the column, when it is not the row's total column (「项目支出」)
    secondary: bool = False  # a related or longer name: said as an alternative, never chosen alone
    position: int = -1       # where the question names it (start and end of the words)
    end: int = -1
    sentence: Any = None     # a figure the narrative states: its sentence (narrative.Sentence), no records
    printed: str = ""        # the cell as printed when the answer states it otherwise (in 万元, or to two
                             # decimals): 「371,514,655.00元」
    placed_by: list[StoredRecord] = field(default_factory=list)   # the 类/款 rows the question places it under

    @property
    def page(self) -> int:
        if self.sentence is not None:
            return int(self.sentence.page)
        return self.records[0].page if self.records else 0


def record_figure(rec: StoredRecord, label: str, kind: str | None, table: str, row: Row | None = None,
                  column: str | None = None) -> Figure:
    """The figure of one cell, in 万元: a 元 cell by its exact 万元 value (the printed figure kept beside it),
    a 万元 cell printed with more than two decimals with the printed figure kept (answers round to two)."""
    value = rec.value or Decimal(0)
    if rec.unit == "元" and rec.value_wan is not None:
        return Figure(label, rec.value_wan, "万元", [rec], kind, table, row, column,
                      printed=f"{format_amount_grouped(value)}元")
    fig = Figure(label, value, rec.unit, [rec], kind, table, row, column)
    if value != value.quantize(CENT):
        fig.printed = f"{value:,f}{rec.unit}"
    return fig


PERFORMANCE_TABLES = ("项目绩效表", "整体绩效表")


@dataclass
class Resolution:
    mentions: list[Mention]
    modifiers: list[str]
    figures: list[Figure]
    empty_tables: list[TableInfo]
    unknown: list[str] = field(default_factory=list)   # operand words naming nothing the store holds
    chosen: list[Figure] = field(default_factory=list)   # one figure per mention, before the operation shapes them


def distinct(figures: list[Figure]) -> list[Figure]:
    """Figures without repeats of the same cells (or the same narrative amount)."""
    out, seen = [], set()
    for f in figures:
        key = tuple(r.id for r in f.records) or (f.sentence.text if f.sentence else f.label, f.value)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def row_of_total(g: Figure, total: Figure) -> bool:
    """`g` is a row of the table `total` is the total of, named before it (「…工程管理中心的三公经费」 in a
    三公 table of units): the row's figure is asked, not the table's."""
    return g is not total and total.row is not None and total.row.is_total and g.row is not None \
        and not g.row.is_total and g.table == total.table and g.position < total.position


def is_under(child: Figure, parent: Figure) -> bool:
    """The child's row is coded under the parent's 类/款 (2011301 under 20113)."""
    c, p = child.row.code if child.row else None, parent.row.code if parent.row else None
    return bool(c and p) and c != p and c.startswith(p)


def names_a_parent(f: Figure, figures: list[Figure]) -> bool:
    """The figure's row is the 类/款 of another figure's row said after it (「商贸事务“行政运行”（2011301）」):
    it places that row, it is not asked for itself."""
    return any(g.position > f.position and is_under(g, f) for g in figures)
