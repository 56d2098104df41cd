"""Which column of a row a word names: the document's own year before another year's or a change, a
row's own total before a column group's, a group header's total; one rule for every table."""
from __future__ import annotations

from chatbot.lexicon import Lexicon
from chatbot.link.catalog import Catalog, Row, column_leaf, label_key

GROUP = "§"   # marks a modifier naming a column group's header (公务接待费 over its funding-scope columns)


class ColumnReader:
    """The column rules of a Resolver (its catalog and lexicon)."""

    catalog: Catalog
    lexicon: Lexicon

    def own_columns(self, row: Row) -> list[str]:
        """The row's columns, the document's own figures first: a column under another year's header or
        a change (「上年」「2025年执行数」「增减变化情况」) comes after, so a bare question never reads it."""
        return sorted(row.cells, key=lambda col: self.is_prior_column(col, row.cells[col].year, row.cells[col].kind))

    def is_prior_column(self, col: str, year: int | None, kind: str | None = None) -> bool:
        """A header of another year or of a change: a segment 「上年」, starting with 「上年预算」「2025年」
        (the year before the document's), or holding 「增减」「执行数」 (prior_columns); 「上年结转」 is not.
        In a 决算, the budget figures beside the 决算数 (「年初预算数」) too."""
        if kind == "决算" and any(w in col for w in self.lexicon.budget_columns):
            return True
        for seg in col.split("/"):
            if seg == "上年" or (year is not None and seg.startswith(f"{year - 1}年")):
                return True
            if any(w in seg for w in self.lexicon.prior_columns if w != "上年"):
                return True
        return False

    def column_term(self, col: str) -> str:
        """What a column holds, in the lexicon's words: its last header, or the header above a 小计/合计
        (「公务用车购置及运行维护费/小计」 → 公务用车购置及运行费)."""
        parts = [label_key(p) for p in col.split("/")]
        leaf = parts[-1]
        if self.lexicon.column(leaf) == "总计" and len(parts) >= 2:
            leaf = parts[-2]
        return self.lexicon.canonical(leaf)

    def column_of(self, row: Row, words: list[str]) -> str | None:
        """The row's column a column word names (a leaf equal to the word or to its canonical form)."""
        cols = self.own_columns(row)
        for w in words:
            if self.lexicon.column(w) == "总计":
                totals = [c for c in cols if self.is_total_column(c)]
                if totals:  # the row's own total (「支出总计」) before a group's (「2026年政府采购项目/小计」)
                    return min(totals, key=lambda c: c.count("/"))
            for col in cols:
                if column_leaf(col) == w:
                    return col
        return next((col for w in words if w.startswith(GROUP) and (col := self.group_column(row, w[1:]))), None)

    def group_column(self, row: Row, word: str) -> str | None:
        """The row's column under a group header the word names (「公务接待费」 over 「公务接待费/一般公共预算」
        and its other funding scopes): the group's own total (小计/合计) where printed; of the columns left,
        the one holding a figure when every other is blank or zero (all zero: the first) — else None, never
        a choice between two figures."""
        key = label_key(word)
        cols = []
        for col in self.own_columns(row):
            segments = [label_key(x) for x in col.split("/")]
            if key in segments[:-1]:
                rest = segments[segments.index(key) + 1:]
                cols.append((col, self.lexicon.column(rest[0]) == "总计" or rest[0] in self.lexicon.total_labels))
        if not cols:
            return None
        chosen = [c for c, total in cols if total] or [c for c, _ in cols]
        held = [c for c in chosen if row.cells[c].value not in (None, 0)]
        return held[0] if len(held) == 1 else chosen[0] if not held else None

    def term_column(self, row: Row, term: str) -> str | None:
        """The row's column holding a term, by column_term: of the document's own year when the row prints
        that year at all (a part blank this year is not read from last year's column: 烟台's 因公出国)."""
        first = next(iter(row.cells.values()))
        cols = self.own_columns(row)
        own = [c for c in cols if not self.is_prior_column(c, first.year, first.kind)]
        return next((c for c in own or cols if self.column_term(c) == term), None)

    def is_total_column(self, col: str) -> bool:
        """A column whose last header says a total: 合计/小计/资金总额 (lexicon columns) or a total label
        (「支出总计」「本年收入合计」)."""
        leaf = column_leaf(col)
        return self.lexicon.column(leaf) == "总计" or label_key(leaf) in self.lexicon.total_labels

    def default_column(self, row: Row) -> str | None:
        """The row's total column (总计/合计/小计/资金总额/金额/本年预算) of the document's own year, else
        its first amount."""
        cols = self.own_columns(row)
        first = next(iter(row.cells.values()))
        year, kind = first.year, first.kind
        if cols and self.is_prior_column(cols[0], year, kind) and (kind == "决算" or any(
                not self.is_prior_column(c, year, kind) for r in self.catalog.table_of(row).rows for c in r.cells)):
            return None     # the row's own-year cell (a 决算's 决算数) is blank: no figure of it to give
        totals = [c for c in cols if self.is_total_column(c)]
        if totals:      # the row's own total (「支出总计」) before a group's (「2026年政府采购项目/小计」)
            return min(totals, key=lambda c: c.count("/"))
        return next(iter(cols), None)
