"""Reading a question's ask against an engine's documents: the department's own names taken out (and
dropped from the ask's organisations), shared suffixes and table words spread over the items they
qualify, then `understand` with the scope the question was read with (chatbot.understand.question; the reader
remembers the last asks it read)."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from functools import cached_property, lru_cache
from typing import Any

from chatbot.lexicon import Lexicon
from chatbot.link.catalog import Catalog, abbreviates, column_leaf, label_key, strip_place
from chatbot.link.names import name_forms
from chatbot.understand.query import Query, normalize_question, understand
from chatbot.understand.question import Asked, Part, read_question, read_scope
from ingest.store.store import StoredDocument


class QuestionReader:
    """Reads questions against one set of documents: their department names, printed labels and the
    phrases the lexicon must not rewrite (`keep`, asked when first needed: it holds narrative labels)."""

    def __init__(self, documents: list[StoredDocument], catalog: Catalog, lexicon: Lexicon,
                 patterns: dict[str, Any], keep: Callable[[], frozenset[str]], scope_words: frozenset[str]) -> None:
        self.documents = documents
        self.catalog = catalog
        self.lexicon = lexicon
        self.patterns = patterns
        self._keep = keep
        self.scope_words = scope_words
        self._understood = lru_cache(maxsize=64)(self._read_question)

    def read(self, question: str) -> Asked:
        """A question asked of this engine alone (no routing): read once (chatbot.understand.question)."""
        return read_question(question, self.patterns)

    def understand(self, question: str | Part) -> Query:
        """An ask understood against these documents (their names and printed labels); the last asks
        are remembered, so a comparison's look and the answer read an ask once. A bare string is a
        wording built by code (or a caller asking this engine directly): read here."""
        part = question if isinstance(question, Part) else self.read_part(question)
        return self._understood(part)

    def read_part(self, question: str) -> Part:
        text = normalize_question(question)
        return Part(question, text, read_scope(text, self.patterns))

    def _read_question(self, part: Part) -> Query:
        original = re.sub(self.patterns["document_words"]["pattern"], "", part.text) or part.text
        own = self._own_names(part.scope.orgs)
        text = self._spread_over_tables(self._shared_suffix(self._without_department(original, own)))
        others = tuple(o for o in part.scope.orgs if o not in own)   # organisations besides this department
        q = understand(text, self.lexicon, self.patterns, self._keep() | self.scope_words,
                       replace(part.scope, orgs=others))
        return replace(q, question=part.question, department=text != original)

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

    def _own_names(self, orgs: tuple[str, ...]) -> frozenset[str]:
        """The names this engine's departments go by in a question: their printed forms, and the
        organisations it names that abbreviate one of them (工信局)."""
        return self._department_names | {o for o in orgs if any(abbreviates(o, d.department) for d in self.documents)}

    @cached_property
    def _department_names(self) -> frozenset[str]:
        return frozenset(n for d in self.documents if d.department     # a document whose department was not read
                         for n in map(normalize_question, (*name_forms(d.department), strip_place(d.department))) if n)

    def _without_department(self, text: str, names: frozenset[str]) -> str:
        """The question without the department's names and abbreviations (工信局); before 机关/本级 they
        are cut down to their last character: 「工信局机关」 reads 「局机关」."""
        terms = self._terms_after_names
        kept = [k for k in self._units_named_after_department if k in text]   # 「…建筑工务署文体和水务工程管理中心」
        for i, k in enumerate(kept):
            text = text.replace(k, f"\0{i}\0")
        for name in sorted((n for n in names if n), key=len, reverse=True):
            own = rf"(?=机关|本级)(?!{terms})" if terms else r"(?=机关|本级)"
            text = re.sub(re.escape(name) + own, name[-1], text).replace(name, "")
        for i, k in enumerate(kept):
            text = text.replace(f"\0{i}\0", k)
        return text

    @cached_property
    def _units_named_after_department(self) -> list[str]:
        """Printed rows named by the department's name and more (a unit: 「深圳市建筑工务署工程设计管理中心」),
        longest first: the name inside them is the unit's, not the department's to cut out."""
        names = [n for n in self._department_names if len(n) >= 4]
        rows = {k for k in self.catalog.by_label for n in names
                if k.startswith(n) and len(k) - len(n) >= 4 and not k[len(n):].startswith(("机关", "本级", "（", "("))}
        return sorted(rows, key=len, reverse=True)

    @cached_property
    def _terms_after_names(self) -> str:
        """Terms that begin with 机关 (机关运行经费, 机关事业单位…): 「审计局机关运行经费」 is the 机关运行经费 of
        审计局, not its 局机关 unit."""
        words = {w for w in [*self.lexicon.aliases, *self.lexicon.aliases.values(), *self.lexicon.dictionary,
                             *self.catalog.by_label]
                 if w.startswith("机关") and len(w) >= 4}
        return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
