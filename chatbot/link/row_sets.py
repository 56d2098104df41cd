"""Sets of table rows a ranking or count runs over (projects, units, subjects at one level) and the rows
around a row (its children, its parent): the Resolver's row sets, over one catalog."""
from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from chatbot.link.catalog import Row, label_key
from ingest.document.text import strip_ordinal

if TYPE_CHECKING:
    from chatbot.lexicon import Lexicon
    from chatbot.link.catalog import Catalog

LEVEL_DIGITS = {"类": 3, "款": 5, "项": 7}


class RowSets:
    """Row sets of a catalog (see the module docstring)."""

    def __init__(self, catalog: Catalog, lexicon: Lexicon) -> None:
        self.catalog = catalog
        self.lexicon = lexicon

    def domain_rows(self, domain: str, level: str | None, document_ids: set[int],
                    scope_tables: tuple[str, ...] = (), named_tables: tuple[str, ...] = ()) -> list[Row]:
        """The rows a ranking or count runs over: projects, units, or subjects at one level — from the
        table the question names first (「收支总表中，哪一类…」)."""
        if domain == "project":
            tables = self.catalog.tables_of_kind("项目绩效表", document_ids)
            rows = [r for t in tables for r in t.rows if not r.is_subtotal and not r.is_total]
            labels = Counter(r.key for r in rows)
            if len(tables) >= 2 and sum(n for n in labels.values() if n >= 2) * 2 > len(rows):
                return []   # a table per project (资金总额, 财政拨款 in each): its rows are no projects
            return rows
        if domain == "unit":
            return [r for t in self.catalog.tables_of_kind("整体绩效表", document_ids) for r in t.rows
                    if not r.is_total]
        kinds = ["基本支出表"] if domain == "economic" else ["一般公共预算支出表", "支出表", "收入表"]
        digits = LEVEL_DIGITS.get(level or ("款" if domain == "economic" else "项"), 7)
        if digits == 3 and domain != "economic":   # 类 of all funds: the broadest table unless a scope is named
            kinds = ["支出表", "一般公共预算支出表", "收入表"]
        if scope_tables:                 # the scope the question names first (「一般公共预算支出中…」)
            kinds = sorted(kinds, key=lambda k: k not in scope_tables)
        classes = self.lexicon.function_classes
        names = set(classes.values())
        by_name = domain == "function" and digits == 3   # 类 printed without codes (「八、社会保障和就业支出」)
        economic = self.lexicon.economic_code_starts    # 30102 in a spending table is no functional 款

        def rows_of(kind: str, coded: bool) -> list[Row]:
            tables = self.catalog.tables_of_kind(kind, document_ids)
            if coded:   # a 3-digit code of a unit (「西安市审计局（117）」) is not a 类
                return [r for t in tables for r in t.rows if r.code and len(r.code) == digits
                        and (not by_name or not classes or r.code in classes)
                        and (domain == "economic" or not r.code.startswith(economic))]
            return [r for t in tables for r in t.rows if label_key(strip_ordinal(r.label)) in names]

        order = [(k, coded) for k in dict.fromkeys([*named_tables, *kinds, "收支总表"])
                 for coded in ((True, False) if by_name else (True,))]
        for kind, coded in order:
            if rows := rows_of(kind, coded):
                return rows
        return []

    def children(self, row: Row) -> list[Row]:
        """Rows one level below a coded row in its table (2150501 … under 21505); for a total row,
        the top level (类)."""
        table = self.catalog.table_of(row)
        coded = [r for r in table.rows if r.code]
        if row.is_total or not row.code:
            top = min((len(r.code or "") for r in coded), default=0)
            return [r for r in coded if len(r.code or "") == top]
        below = [r for r in coded if r.code and r.code.startswith(row.code) and len(r.code) > len(row.code)]
        step = min((len(r.code or "") for r in below), default=0)
        return [r for r in below if len(r.code or "") == step]

    def parent(self, row: Row) -> Row | None:
        """The row one level up (21505 for 2150501), or the table's total row for a top-level row."""
        table = self.catalog.table_of(row)
        if row.code:
            for r in table.rows:
                if r.code and len(r.code) < len(row.code) and row.code.startswith(r.code) and \
                        len(r.code) == max(len(x.code or "") for x in table.rows
                                           if x.code and len(x.code) < len(row.code) and row.code.startswith(x.code)):
                    return r
        if row.is_total:
            return None
        return table.total_row(next(iter(row.cells.values())).side)
