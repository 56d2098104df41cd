"""Linking question words to the store: mentions (row labels, codes, column headers, concepts, partial
names) and the figures they stand for, choosing between tables by the wording and keeping the others
as candidates, never silently."""
from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal
from typing import Any

from chatbot.lexicon import Lexicon
from chatbot.link.catalog import Catalog, Row, TableInfo, column_leaf, column_name, label_key
from chatbot.link.choose import FigureChooser
from chatbot.link.columns import GROUP, ColumnReader
from chatbot.link.figures import (
    CENT,
    Figure,
    Resolution,
    distinct,
    is_under,
    names_a_parent,
    record_figure,
    row_of_total,
)
from chatbot.link.mentions import Mention, MentionFinder, year_spans
from chatbot.link.row_sets import RowSets
from chatbot.understand.query import Query
from ingest.document.text import strip_ordinal
from ingest.store.store import StoredRecord


class Resolver(ColumnReader, FigureChooser):
    """Turns the mentions of a question into figures, over one Catalog: its mention finder reads the
    question's words, its row sets give the rows around a row and the rows a ranking runs over."""

    def __init__(self, catalog: Catalog, lexicon: Lexicon, partial_stop: str = "的",
                 own_unit_words: tuple[str, ...] = (), scope_words: frozenset[str] = frozenset()) -> None:
        self.catalog = catalog
        self.lexicon = lexicon
        self.finder = MentionFinder(catalog, lexicon, partial_stop, own_unit_words, scope_words)
        self.rows = RowSets(catalog, lexicon)

    # -- figures -------------------------------------------------------------------------------
    def resolve(self, query: Query, document_ids: set[int]) -> Resolution:
        """Mentions of the question, the column words that qualify them, and one figure per mention
        (the table chosen by the wording or the default order; other tables' figures as alternatives)."""
        hints = self.lexicon.table_hints(query.canonical)
        blocked = [(s, e) for _, s, e in hints if query.canonical[s:e].endswith("表")]
        mentions = self.finder.mentions(query.canonical, blocked)
        mentions += self.finder.elliptic_mentions(query.canonical, mentions)
        mentions += self.finder.partial_mentions(query.canonical, mentions, blocked)
        years = year_spans(query.canonical)
        mentions = [m for m in mentions if not any(s < m.end and m.start < e for s, e in years)]
        def scope(m: Mention) -> bool:   # 「一般公共预算」 as said, even when matched to a longer label
            return m.phrase in self.finder.scope_words or query.canonical[m.start:m.end] in self.finder.scope_words
        if any(not scope(m) for m in mentions):
            mentions = [m for m in mentions if not scope(m)]
        mentions.sort(key=lambda m: m.start)
        cut = query.canonical.find("占") if query.operation == "share" else -1
        segments = [mentions] if cut < 0 else [[m for m in mentions if m.start < cut],
                                               [m for m in mentions if m.start >= cut]]
        modifier_of: dict[int, list[str]] = {}
        for seg in segments:
            mods = self._modifiers(seg)
            for m in seg:
                modifier_of[id(m)] = mods
        modifiers = list(dict.fromkeys(p for mods in modifier_of.values() for p in mods))
        table_word = self.table_qualifiers(query.canonical, mentions)
        figures: list[Figure] = []
        empty: list[TableInfo] = []
        previous_end = 0
        for m in mentions:
            mods = modifier_of.get(id(m), [])
            if m.phrase in mods or GROUP + m.phrase in mods or any(id(m) == a for _, a in table_word.values()):
                continue
            cands, empties = self._candidates(m, mods, document_ids)
            cands = [c for c in cands if not self.carried_over(c, query.canonical)]
            placed = [c for c in cands if any(f.table == c.table and is_under(c, f) for f in figures)]
            # a unit's row named before a total (「…中心收入」) reads its own column of it, in its table
            beside = [c for c in cands if any(f.table == c.table and f.row is not None and not f.row.is_total
                                              and self._names_a_unit(f.row) for f in figures)]
            cands = placed or beside or cands   # 「组织事务的一般行政管理事务」: the row under the 款 named before
            if (word := next((w for k, (w, _) in table_word.items() if k == id(m)), None)) is not None:
                cands = [c for c in cands if word in label_key(c.table)]
            empty += empties
            local = tuple(k for k, s, e in hints if previous_end <= s and e <= m.start)
            previous_end = m.end
            if query.operation == "check" and len(mentions) == 1 and len(query.tables) >= 2:
                figures += [f for kind in query.tables if (f := self.choose(cands, query, (kind,)))
                            and f.kind == kind]
                continue
            fig = self.choose(cands, query, local)
            if fig:
                fig.position, fig.end = m.start, m.end
                figures.append(fig)
        if not mentions:
            for kind in query.tables:
                for info in self.catalog.tables_of_kind(kind, document_ids):
                    if not info.rows:
                        empty.append(info)
                    elif (total := info.total_row()) is not None:
                        figures.append(self.cell_figure(total, modifiers))
        return Resolution(mentions, modifiers, self._shaped(query, figures, modifiers), empty, chosen=figures)

    def reshaped(self, res: Resolution, query: Query) -> Resolution:
        """The resolution for another operation on the same words (「收入预算合计」 read as one total, not
        a sum): the figures chosen per mention shaped anew, nothing resolved twice."""
        return replace(res, figures=self._shaped(query, res.chosen, res.modifiers))

    def _shaped(self, query: Query, figures: list[Figure], modifiers: list[str]) -> list[Figure]:
        """The figures as the operation needs them: a look-up drops a row that only scopes another
        (「基本支出中对个人和家庭的补助」); a sum or difference of one row reads its columns."""
        if query.operation == "lookup" and len(figures) >= 2:
            figures = [f for f in figures if not (re.match(r"(?:当中|之中|中|里)", query.canonical[f.end:])
                                                  and any(g.position > f.position for g in figures))] or figures
            figures = self._concept_of_named_rows(figures, modifiers)
            parents = [f for f in figures if names_a_parent(f, figures)]
            for child in (f for f in figures if f not in parents):
                child.placed_by += [r for p in parents if is_under(child, p) for r in p.records[:1]]
            figures = distinct([f for f in figures if f not in parents] or figures)   # a row by label and code
        if query.operation in ("difference", "sum", "share", "check") and len(figures) == 1:
            figures = self.columns_of_one_row(figures[0], modifiers) or figures
        return figures

    def _concept_of_named_rows(self, figures: list[Figure], modifiers: list[str]) -> list[Figure]:
        """「…中心的三公经费」 in a 三公 table of units: the concept read in that unit's row (its 三公 column),
        not the table's total beside the row's first total; refused (left as two figures) when the row
        does not print the concept."""
        out = list(figures)
        for f in figures:
            spec = self.lexicon.concepts.get(f.label)
            named = [g for g in figures if row_of_total(g, f)]
            if spec is None or not named:
                continue
            unit = named[0]
            fig = self.concept_total(unit.row, unit.label, spec, modifiers) if unit.row else None
            if fig is not None and fig.records != f.records:
                fig.position, fig.end = unit.position, unit.end
                out = [fig if g is unit else g for g in out if g is not f]
        return out

    def carried_over(self, f: Figure, text: str) -> bool:
        """A row under a 上年结转/结余 heading, for a question that does not say 结转 or 结余."""
        words = self.lexicon.carry_over_words
        return f.row is not None and any(w in f.row.section for w in words) and not any(w in text for w in words)

    def table_qualifiers(self, text: str, mentions: list[Mention]) -> dict[int, tuple[str, int]]:
        """「项目支出的差旅费」: a word that names tables (项目支出) said just before a row's name, when the row
        is printed in a table so titled — the row is read from that table only. Keyed by the row's
        mention: (the word, the qualifying mention's id)."""
        out: dict[int, tuple[str, int]] = {}
        for a, b in zip(mentions, mentions[1:]):
            if not b.rows or text[a.end:b.start] not in self.lexicon.qualifier_links:
                continue
            word = label_key(a.phrase)
            if len(word) >= 4 and any(word in label_key(row.table) for row in b.rows) \
                    and not any(column_leaf(c) == word for row in b.rows for c in row.cells):
                out[id(b)] = (word, id(a))
        return out

    def columns_of_one_row(self, figure: Figure, modifiers: list[str]) -> list[Figure]:
        """「促进中心基本支出和项目支出差多少」: one named row, two of its columns named — a figure each."""
        row = figure.row
        if row is None:
            return []
        cols = [w for w in modifiers if self.column_of(row, [w])]
        if len(cols) < 2:
            return []
        return [f for w in cols if (f := self.cell_figure(row, [w], strict=True))]

    def _modifiers(self, mentions: list[Mention]) -> list[str]:
        """Column words that qualify a named row (「行政运行的基本支出」): the row's table has that column."""
        named = [m for m in mentions if m.rows and not m.columns and m.concept is None]
        out = []
        for m in mentions:
            if not m.columns or m.concept is not None:
                if self._names_a_group(m, named):
                    out.append(GROUP + m.phrase)  # 「考试院的公务接待费」: the header over the unit's columns
                continue
            rows = [row for r in named if r is not m for row in r.rows]
            if any(column_leaf(c) == m.phrase for row in rows for c in row.cells):
                out.append(m.phrase)
                continue
            # the word names a column by another form (人员经费 of 「基本支出/人员支出」): the printed leaf
            printed = sorted({column_leaf(col) for _, col in m.columns for row in rows if col in row.cells})
            if printed:
                out += [m.phrase, *printed]
        return out

    def _names_a_group(self, m: Mention, named: list[Mention]) -> bool:
        """The mention (no column leaf of its own) is the header of a column group of a row named exactly
        beside it: 「公务接待费」 over 「公务接待费/一般公共预算 …」 in a table of units."""
        exact = [row for r in named if r is not m for row in r.rows if r.phrase == row.key]
        return m.concept is None and len(m.phrase) >= 4 and m.phrase not in self.finder.scope_words \
            and any(self.group_column(row, m.phrase) for row in exact)

    def _candidates(self, m: Mention, modifiers: list[str], document_ids: set[int]
                    ) -> tuple[list[Figure], list[TableInfo]]:
        cands: list[Figure] = []
        empty: list[TableInfo] = []
        for row in m.rows:
            if row.document_id in document_ids:
                fig = self.cell_figure(row, modifiers, strict=bool(modifiers))
                if fig:
                    cands.append(fig)
        for info, col in self._own_year(m.columns):
            total = info.total_row()
            if info.document_id in document_ids and total is not None and col in total.cells:
                name = column_name(col, self.lexicon.total_labels)
                if name != m.phrase and m.phrase not in name and "/" in col:   # 公务用车购置 read from 「…/购置费」
                    name = "／".join(label_key(p) for p in col.split("/")[-2:])
                cands.append(self._figure(total.cells[col], name, total))
        if m.concept:
            figs, empty = self._concept(m.concept, modifiers, document_ids)
            cands += figs
        if not cands and not m.rows and not m.columns and (kind := self.lexicon.table_totals.get(m.phrase)):
            # a term this document prints nowhere: the 合计 of the table it names
            figs, empty = self._concept(m.phrase, modifiers, document_ids, {"table": kind, "column": "总计"})
            cands += figs
        if modifiers and not cands:
            for row in m.rows:
                if row.document_id in document_ids and (fig := self.cell_figure(row, [])):
                    cands.append(fig)
        cands += self._secondary(m, modifiers, document_ids)
        return cands, empty

    def _own_year(self, columns: list[tuple[TableInfo, str]]) -> list[tuple[TableInfo, str]]:
        """Columns named by a word, without another year's (or a change's) where the same table has the
        document's own: 「公务用车运行维护费」 is 当年's, not 上年's or 增减's."""
        def prior(info: TableInfo, col: str) -> bool:
            total = info.total_row()
            rec = total.cells.get(col) if total is not None else None
            return self.is_prior_column(col, rec.year if rec is not None else None, rec.kind if rec is not None else None)
        own = {id(info) for info, col in columns if not prior(info, col)}
        return [(info, col) for info, col in columns if id(info) not in own or not prior(info, col)]

    def _secondary(self, m: Mention, modifiers: list[str], document_ids: set[int]) -> list[Figure]:
        """Figures the same words may mean: related terms (lexicon) and longer names containing the
        phrase (奖励金 → 独生子女父母奖励金)."""
        rows = [r for term in self.lexicon.related.get(m.phrase, ()) for r in self.catalog.by_label.get(term, [])]
        cols = [c for term in self.lexicon.related.get(m.phrase, ()) for c in self.catalog.by_column.get(term, [])]
        if m.exact and len(m.phrase) >= 3:
            rows += [r for key, rs in self.catalog.by_label.items() if m.phrase in key and key != m.phrase
                     for r in rs if not r.is_subtotal]
        out = []
        for row in rows:
            if row.document_id in document_ids and (fig := self.cell_figure(row, modifiers)):
                out.append(fig)
        for info, col in cols:
            total = info.total_row()
            if info.document_id in document_ids and total is not None and col in total.cells:
                out.append(self._figure(total.cells[col], column_name(col, self.lexicon.total_labels), total))
        for f in out:
            f.secondary = True
        return out

    def _concept(self, name: str, modifiers: list[str], document_ids: set[int], spec: dict[str, Any] | None = None
                 ) -> tuple[list[Figure], list[TableInfo]]:
        spec = spec or self.lexicon.concepts[name]
        figs: list[Figure] = []
        empty: list[TableInfo] = []
        if "table" in spec:
            for info in self.catalog.tables_of_kind(spec["table"], document_ids):
                total = info.total_row()
                if not info.rows:
                    empty.append(info)
                elif total is not None and (fig := self.concept_total(total, name, spec, modifiers)):
                    figs.append(fig)
        rows_by = ("codes", self.catalog.by_code) if "codes" in spec else ("labels", self.catalog.by_label)
        if rows_by[0] in spec:
            for info in self._tables_holding(spec[rows_by[0]], rows_by[1], document_ids):
                parts = [r for key in spec[rows_by[0]] for r in rows_by[1].get(key, []) if r.table == info.title
                         and r.document_id == info.document_id]
                cells = [p for p in (self.cell_figure(r, modifiers) for r in parts) if p]
                if cells:
                    figs.append(Figure(name, sum((c.value for c in cells), Decimal(0)), cells[0].unit,
                                       [rec for c in cells for rec in c.records], info.kind, info.title))
        return figs, empty

    def _tables_holding(self, keys: list[str], index: dict[str, list[Row]], document_ids: set[int]
                        ) -> list[TableInfo]:
        seen: dict[tuple[int, str], TableInfo] = {}
        for key in keys:
            for r in index.get(key, []):
                if r.document_id in document_ids:
                    seen.setdefault((r.document_id, r.table), self.catalog.table_of(r))
        return list(seen.values())

    def concept_total(self, total: Row, name: str, spec: dict[str, Any], modifiers: list[str]) -> Figure | None:
        """A concept's figure in its table's total row. With `named_in_column` (三公): the total column under a
        header naming it; else the row's total when it equals the sum of the parts (a 合计 that adds
        会议费 and 培训费 does not); else the parts added up."""
        word = spec.get("named_in_column")
        if word is None or modifiers:
            col = self.column_of(total, [spec.get("column", "总计")] + modifiers) or self.default_column(total)
            return self._figure(total.cells[col], name, total) if col else None
        rec = next(iter(total.cells.values()))
        for col in self.own_columns(total):
            leaf = column_leaf(col)
            if self.is_prior_column(col, rec.year, rec.kind):
                break                # only another year's (or a 决算's budget) total is printed: not this one
            if word in col and (self.lexicon.column(leaf) == "总计" or leaf.endswith(("合计", "小计"))):
                return self._figure(total.cells[col], name, total)
        parts = [self._figure(total.cells[c], p, total) for p in spec.get("parts", ())
                 if (c := self.term_column(total, p))]
        default = self.default_column(total)
        whole = self._figure(total.cells[default], name, total) if default else None
        if not parts:
            return whole
        summed = sum((f.value for f in parts), Decimal(0))
        if whole is not None and abs(whole.value - summed) <= CENT:
            return whole
        return Figure(name, summed, parts[0].unit, [r for f in parts for r in f.records], total.kind, total.table,
                      total, printed="", qualifier="（" + "＋".join(f.label for f in parts) + "）")

    def cell_figure(self, row: Row, modifiers: list[str], strict: bool = False) -> Figure | None:
        col = self.column_of(row, modifiers) if modifiers else None
        if col is None:
            if strict:
                return None
            col = self.default_column(row)
        if col is None:
            return None
        leaf = column_leaf(col)
        fig = self._figure(row.cells[col], strip_ordinal(row.label), row)
        if not (self.lexicon.column(leaf) == "总计" or col == self.default_column(row)):
            grouped = any(w.startswith(GROUP) for w in modifiers) and not any(column_leaf(col) == w for w in modifiers)
            fig.qualifier = "的" + "（".join(col.split("/")[-2:]) + "）" if grouped else leaf
        return fig

    def _figure(self, rec: StoredRecord, label: str, row: Row) -> Figure:
        return record_figure(rec, label, row.kind, row.table, row, rec.column)
