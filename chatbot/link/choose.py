"""Choosing one figure among a term's candidates: the table the wording names, else the default order;
never a project's line, a part of a scope said bare, or the other side of the budget for what was asked."""
from __future__ import annotations

import re

from chatbot.lexicon import Lexicon
from chatbot.link.catalog import Catalog, Row, label_key
from chatbot.link.figures import PERFORMANCE_TABLES, Figure
from chatbot.understand.query import Query
from ingest.document.text import strip_ordinal


class FigureChooser:
    """The choosing rules of a Resolver (its catalog and lexicon)."""

    catalog: Catalog
    lexicon: Lexicon

    def choose(self, cands: list[Figure], query: Query, local: tuple[str, ...] = ()) -> Figure | None:
        """The figure the wording points to: a table named just before the words, else one the
        question names, else the default order. Figures with another amount stay as alternatives,
        to be said in the answer."""
        cands = [c for c in cands if not self._project_funding_line(c, query) and not self._income_from_spending(c, query)
                 and not self._spending_from_income(c, query)]
        if not cands:
            return None
        primary = [c for c in cands if not c.secondary] or cands
        titled = [c for c in primary for said in self.lexicon.named_titles(query.canonical)
                  if self.lexicon.title_fits(said, label_key(c.table))]
        if titled:
            primary = titled          # 「一般公共预算支出表中…」: read from the table so titled
        else:   # the department's figure: not a project's line, nor a part of a scope said bare
            projects = self._about_projects(query)
            def departments(c: Figure) -> bool:
                return (projects or c.kind not in PERFORMANCE_TABLES) and not self._scope_part(c)
            kept = [c for c in primary if departments(c)] or [c for c in cands if departments(c)]
            if not kept and any(self._scope_part(c) for c in cands):
                return None
            primary = kept or primary
        hinted = [c for c in primary if c.kind in local] or [c for c in primary if c.kind in query.tables] \
            or [c for c in primary if c.kind in query.scope_tables]
        pool = hinted or self._concepts_own(primary) or primary
        totals = all(f.row is not None and f.row.is_total for f in pool)   # a column's total: the broadest table
        units = all(f.row is not None and self._names_a_unit(f.row) and not f.qualifier for f in pool)
        rank = self.lexicon.broad_preference if totals or units else self.lexicon.preference
        pool = sorted(pool, key=lambda f: (rank(f.kind), f.row.row_number if f.row else 0))
        best = pool[0]
        seen = {(best.kind, best.value)}
        for c in sorted(cands, key=lambda f: self.lexicon.preference(f.kind)):
            if c.value != best.value and (c.kind, c.value) not in seen and len(best.alternatives) < 3:
                seen.add((c.kind, c.value))
                best.alternatives.append(c)
        return best

    def _scope_part(self, f: Figure) -> bool:
        """A funding scope's column in the total row of a table of one part of the spending (基本支出表's
        「政府性基金预算」: the basic spending that fund pays): a part of that scope's whole, never it."""
        parts = self.lexicon.part_tables
        return f.kind in parts.kinds and f.row is not None and f.row.is_total and label_key(f.label) in parts.scopes

    def _concepts_own(self, figures: list[Figure]) -> list[Figure]:
        """The figures read from the table a concept is (政府性基金 → the 政府性基金 table's total), before
        the same words as a column of another table (a 基本支出表's 政府性基金 funding column)."""
        concepts, broadest = self.lexicon.concepts, self.lexicon.broadest_tables
        return [f for f in figures if f.label in concepts and concepts[f.label].get("table") == f.kind
                and f.kind not in broadest]   # 收入总计, 支出总计: the broadest tables' order decides

    def _names_a_unit(self, row: Row) -> bool:
        """The row names an organisation (「…工程管理中心」): said bare, its whole budget is asked."""
        pattern = self.lexicon.unit_row
        return pattern is not None and not row.code and bool(pattern.search(label_key(strip_ordinal(row.label))))

    def _income_from_spending(self, f: Figure, query: Query) -> bool:
        """「财政拨款收入」 is never a spending table's 财政拨款 column (广州's 基本支出表): a 收入 asked is read
        where income is printed."""
        return self._other_side(f, query, self.lexicon.spending_tables, "收入", "收入")

    def _spending_from_income(self, f: Figure, query: Query) -> bool:
        """「政府性基金支出」 is never a 收入总表's 政府性基金预算 column: a 支出 asked (and no 收入) is read where
        spending is printed."""
        return self._other_side(f, query, self.lexicon.income_tables, "支出", "收入")

    def _other_side(self, f: Figure, query: Query, kinds: tuple[str, ...], asked: str, unless: str) -> bool:
        """The figure is read from a table of `kinds` (one side of the budget), the question asks the other
        side (says `asked`, not `unless`, outside the names of tables it says), and neither the figure's row
        nor its column says `asked`."""
        if f.kind not in kinds or f.row is None or f.kind in query.tables:
            return False
        words = f"{query.canonical}　{query.text}"   # the lexicon may have read 「政府性基金支出」 as 政府性基金
        for _, start, end in sorted(self.lexicon.table_hints(words), key=lambda h: -h[1]):
            words = words[:start] + "　" + words[end:]      # 「收入表和支出表」 names tables, asks no 收入
        if asked not in words or (unless != asked and unless in words):
            return False
        return not any(asked in label_key(x) for x in (f.row.label, *(r.column for r in f.records)))

    @staticmethod
    def _about_projects(query: Query) -> bool:
        """The question asks about projects or units, or names a 绩效 table."""
        return query.domain in ("project", "unit") or bool(set(query.tables) & set(PERFORMANCE_TABLES))

    def _project_funding_line(self, f: Figure, query: Query) -> bool:
        """A line every project's 绩效目标表 prints (资金总额, 其中：财政拨款): one project's money, never the
        department's 财政拨款 — unless the question asks about 绩效 tables or projects, or names the project
        (the head of the line's column, or its table's title without the words every such title has)."""
        if f.kind not in PERFORMANCE_TABLES or f.row is None or self._about_projects(query):
            return False
        project = f.records[0].column.split("/")[0] if f.records else ""
        titled = re.sub(r"(?:项目)?(?:支出)?绩效目标表?$|(?:20\d\d年度?)", "", label_key(f.table))
        if any(len(name) >= 4 and name in query.text for name in (label_key(project), titled)):
            return False
        row = f.row
        printing = {r.table for r in self.catalog.by_label.get(row.key, [])
                    if r.kind == row.kind and r.document_id == row.document_id}
        tables = self.catalog.tables_of_kind(row.kind, {row.document_id})
        return len(printing) >= 2 and 2 * len(printing) >= len(tables)    # a line of every project's table
