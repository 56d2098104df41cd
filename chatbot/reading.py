"""Reading a question against an engine's documents: the department's own names taken out, shared
suffixes and table words spread over the items they qualify, then `understand` (read once per
question: the engine remembers the last ones)."""
from __future__ import annotations

import re
from dataclasses import replace
from functools import cached_property

from .catalog import abbreviates, column_leaf, label_key, strip_place
from .names import name_forms
from .understand import Query, detect_scope, normalize_question, understand


class QuestionReading:
    """The Engine's reading of questions (a mixin: it uses the engine's documents, catalog and lexicon)."""

    def understand(self, question: str) -> Query:
        """The question understood against these documents (their names and printed labels); the last
        questions are remembered, so the service's routing and the answering read a question once."""
        return self._understood(question)

    def _read_question(self, question: str) -> Query:
        original = normalize_question(question)
        text = self._spread_over_tables(self._shared_suffix(self._without_department(original)))
        q = understand(text, self.lexicon, self.patterns, self.keep | self.resolver.scope_words)
        return replace(q, question=question, department=text != original)

    def _shared_suffix(self, text: str) -> str:
        """「人员经费和公用经费合计」 read as 「人员经费合计和公用经费合计」 when both are printed labels and
        the first alone is not."""
        def spread(m: re.Match[str]) -> str:
            first, second, suffix = m.groups()
            for cut in range(len(first) - 2, -1, -1):
                head = first[cut:]
                if label_key(head + suffix) in self.catalog.by_label and label_key(head) not in self.catalog.by_label \
                        and label_key(second + suffix) in self.catalog.by_label:
                    return f"{first}{suffix}和{second}{suffix}"
            return m.group(0)
        return re.sub(r"([\u4e00-\u9fff]{2,12}?)[和与及、]([\u4e00-\u9fff]{2,8}?)(合计|小计|总计)", spread, text)

    def _spread_over_tables(self, text: str) -> str:
        """「差旅费，基本支出和项目支出加起来」 read as 「基本支出的差旅费和项目支出的差旅费加起来」 when the row is
        printed in a table titled with each word (and neither word is one of its columns)."""
        def spread(m: re.Match[str]) -> str:
            before, first, second = m.groups()
            for cut in range(len(before) - 1):
                rows = self.catalog.by_label.get(label_key(before[cut:]), [])
                if rows and all(any(w in label_key(r.table) and not any(column_leaf(c) == w for c in r.cells)
                                    for r in rows) for w in (first, second)):
                    item = before[cut:]
                    return f"{before[:cut]}{first}的{item}和{second}的{item}"
            return m.group(0)
        return re.sub(r"([\u4e00-\u9fff（）]{2,16})[，,、]?([\u4e00-\u9fff]{4,6})[和与及]([\u4e00-\u9fff]{4,6}?)"
                      r"(?=加起来|合起来|合计|一共|总共|共计)", spread, text)

    def _without_department(self, text: str) -> str:
        """The question without the stored departments' names and abbreviations (工信局); before
        机关/本级 they are cut down to their last character: 「工信局机关」 reads 「局机关」."""
        names = [normalize_question(n) for d in self.documents
                 for n in (*name_forms(d.department), strip_place(d.department))]
        names += [o for o in detect_scope(text, self.patterns).orgs
                  if any(abbreviates(o, d.department) for d in self.documents)]
        terms = self._terms_after_names
        for name in sorted(set(names), key=len, reverse=True):
            own = rf"(?=机关|本级)(?!{terms})" if terms else r"(?=机关|本级)"
            text = re.sub(re.escape(name) + own, name[-1], text).replace(name, "")
        return text

    @cached_property
    def _terms_after_names(self) -> str:
        """Terms that begin with 机关 (机关运行经费, 机关事业单位…): 「审计局机关运行经费」 is the 机关运行经费 of
        审计局, not its 局机关 unit."""
        words = {w for w in [*self.lexicon.aliases, *self.lexicon.aliases.values(), *self.lexicon.dictionary,
                             *self.catalog.by_label]
                 if w.startswith("机关") and len(w) >= 4}
        return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
