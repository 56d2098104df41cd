"""Answering over a fixed set of documents (one department's disclosures, usually): their records and
narrative held in memory. `chatbot.service.Service` chooses the documents and builds engines on need."""
from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from chatbot.execute.operands import NarrativeOperands
from chatbot.execute.stages import StagedItem, staged_items
from chatbot.link.catalog import Catalog, strip_place, subsequence
from chatbot.link.documents import document_list
from chatbot.link.figures import Figure
from chatbot.link.narrative import (
    BudgetTokenizer,
    NarrativeAmount,
    NarrativeIndex,
    Sentence,
    narrative_amounts,
    plain,
    sections_to_sentences,
)
from chatbot.link.resolve import Resolver
from chatbot.understand.query import Query, normalize_question
from chatbot.understand.question import Asked, Part
from chatbot.understand.reading import QuestionReader
from chatbot.wording.compose import cite, with_narrative_note
from chatbot.wording.joined import join_answers
from chatbot.wording.refusals import refusal_text, refuse
from ingest.store.store import Store, StoredDocument, StoredRecord

from .answer import Answer, Citation
from .execute import narrative_answers, table_answers
from .execute.stage_answers import ASKED_CODE
from .lexicon import Lexicon
from .plan import answer_part

MAX_QUESTION_CHARS = 500  # a question longer than this is refused at once (bounded work per request)

VectorSearch = Callable[[str, int], Sequence[Any]]


def too_long(question: str) -> Answer | None:
    """The refusal of a question longer than MAX_QUESTION_CHARS (bounded work per request), else None."""
    if len(question) <= MAX_QUESTION_CHARS:
        return None
    return Answer(question=question[:MAX_QUESTION_CHARS], found=False, operation="refusal",
                  answer=refusal_text("too_long", length=len(question), limit=MAX_QUESTION_CHARS))


class Engine:
    """Answers questions over some documents of a store. Their table data is loaded when the engine is
    built; the BM25 index on the first narrative question (or `warm()`)."""

    def __init__(self, store: Store, documents: list[StoredDocument], lexicon: Lexicon,
                 patterns: dict[str, Any], vector_search: VectorSearch | None = None,
                 checks: Callable[[int], list[Any]] | None = None) -> None:
        self._shared_checks = checks
        self.lexicon = lexicon
        self.patterns = patterns
        self.store = store
        ids = [d.id for d in documents]
        self.catalog = Catalog.from_store(self.store, self.lexicon, documents)
        self.resolver = Resolver(self.catalog, self.lexicon, self.patterns["partial_stop"],
                                 tuple(self.patterns["own_unit"]),
                                 frozenset(w for w in self.patterns["scope_words"] if not w.startswith("_")))
        self.documents = self.catalog.documents
        self._chunks = self.store.chunks(ids) if ids else []
        self._narrative: NarrativeIndex | None = None
        self._vector_search = vector_search
        self.use_vectors = vector_search is not None
        self._names = self.catalog.names()
        self.corpus = "".join(c.text for c in self._chunks)
        self._amounts: list[NarrativeAmount] | None = None
        self._sentences: list[Sentence] | None = None
        self._operands: NarrativeOperands | None = None
        self._staged: list[StagedItem] | None = None
        self._sentences_by_place: dict[tuple[int, str, int], Sentence] | None = None
        self._keep: frozenset[str] | None = None
        self.reader = QuestionReader(self.documents, self.catalog, self.lexicon, self.patterns, lambda: self.keep,
                                     self.resolver.finder.scope_words)

    @property
    def keep(self) -> frozenset[str]:
        """Printed phrases the lexicon must not rewrite: table labels and columns, and the labels of
        amounts the narrative states (「政府采购预算总额」 is not 「政府采购」 + 预算总额 → 支出总计)."""
        if self._keep is None:
            labels = {x for a in self.amounts for x in (plain(a.label), plain(a.core))
                      if len(x) >= 4 and x not in self.lexicon.aliases}
            self._keep = self.resolver.finder.keep | frozenset(labels)
        return self._keep

    # -- lazily built parts --------------------------------------------------------------------
    @property
    def narrative(self) -> NarrativeIndex:
        if self._narrative is None:
            words = [*self.lexicon.dictionary, *self.lexicon.aliases, *self.resolver.finder.keep]
            self._narrative = NarrativeIndex(self._chunks, BudgetTokenizer(words),
                                             self.patterns["narrative_stopwords"])
        return self._narrative

    def vector_search(self, text: str, k: int) -> list[Any]:
        """Chunks of this engine's documents nearest to the text in the vector index."""
        return list(self._vector_search(text, k)) if self._vector_search else []

    def warm(self) -> None:
        """Build the BM25 index (and touch the vector index) now rather than on the first question."""
        self.narrative.retrieve(self.understand("预算"), self.vector_search if self.use_vectors else None)

    # -- public --------------------------------------------------------------------------------
    def ask(self, question: str | Asked) -> Answer:
        """The answer to a question: read here when asked directly, as the service read it when routed."""
        started = time.perf_counter()
        text = question.question if isinstance(question, Asked) else question
        if (refused := too_long(text)) is not None:
            return refused
        asked = question if isinstance(question, Asked) else self.read(question)
        answer = with_narrative_note(self._answer(asked))   # a figure of the narrative alone says so
        if os.environ.get("BUDGETQA_LLM_BASE_URL"):
            answer = self._with_llm(asked, answer)
        if not isinstance(question, Asked):
            answer.question = question        # as typed; the reading holds its one written form
        answer.elapsed_ms = (time.perf_counter() - started) * 1000
        return answer

    def _with_llm(self, asked: Asked, answer: Answer) -> Answer:
        """The optional language model (chatbot.llm, imported only when configured): a question the
        engine could not answer reworded and answered again by the engine; a found answer worded by
        the model when every number it writes is one the code computed or cited."""
        from . import llm

        settings = llm.LLMSettings.from_env()
        if settings is None:
            return answer
        question = asked.question
        unanswered = not answer.found and not answer.citations and answer.operation in ("", "narrative")
        if unanswered and self.documents and not asked.empty:
            rewritten = llm.rewrite_question(settings, question)
            reread = self.read(rewritten) if rewritten else None
            if reread is not None and reread.text != asked.text and self._same_scope(asked, reread):
                second = self._answer(reread)
                if second.found:
                    second.question = question
                    second.answer = f"（按“{rewritten}”理解）{second.answer}"
                    second.llm_used = True
                    second.reading = {**second.reading, "reworded": rewritten}   # what the gate checks
                    answer = second
        if not answer.found:
            return answer
        narrative = any(c.section for c in answer.citations)
        passages = self.retrieve_chunks(asked.whole, 3) if narrative else []
        text = llm.word_answer(settings, question, answer, passages)
        if text is not None:
            answer = replace(answer, answer=text, llm_used=True)
        return answer

    def _same_scope(self, asked: Asked, rewritten: Asked) -> bool:
        """The rewording names no year, kind or organisation the question did not."""
        a, b = self.understand(asked.whole).scope, self.understand(rewritten.whole).scope
        return set(b.years) <= set(a.years) and set(b.kinds) <= set(a.kinds) and set(b.orgs) <= set(a.orgs) \
            and set(b.compared_years) <= set(a.compared_years)

    def search_records(self, query: str, document: str | None = None, table: str | None = None,
                       limit: int = 200) -> list[StoredRecord]:
        """Records for the staff look-up: a code prefix (「21505」), else a label, project or unit name
        containing the words (also after the lexicon's rewriting: 「公积金」 finds 住房公积金)."""
        q = normalize_question(query)
        keys = {q, self.lexicon.canonical(q, self.resolver.finder.keep)}
        out = []
        for row in self.catalog.rows:
            if document and document not in self.catalog.table_of(row).document:
                continue
            if table and table not in row.table and table != row.kind:
                continue
            hit = (q.isdigit() and (row.code or "").startswith(q)) or any(k and k in row.key for k in keys)
            if hit:
                out.extend(row.cells.values())
        return out[:limit]

    def retrieve_chunks(self, question: str | Part, k: int = 3) -> list[str]:
        """Texts of the narrative chunks the hybrid retrieval ranks first for a question."""
        query = self.understand(question)
        ids = self.narrative.retrieve(query, self.vector_search if self.use_vectors else None)
        return [self.narrative.by_id[i].text for i in ids[:k]]

    # -- answering -----------------------------------------------------------------------------

    def _answer(self, asked: Asked) -> Answer:
        if asked.empty:
            return refuse("empty_question", asked.question)
        if len(asked.parts) > 1:
            return join_answers(asked.question, [answer_part(self, p) for p in asked.parts])
        return answer_part(self, asked.parts[0])

    # -- what the documents hold, for the planner and the executors -------------------------------
    def understand(self, question: str | Part) -> Query:
        """An ask understood against these documents (chatbot.understand.reading)."""
        return self.reader.understand(question)

    def read(self, question: str) -> Asked:
        return self.reader.read(question)

    def figures_for(self, question: str | Part) -> list[Figure]:
        """The table figures an ask names here, no operation applied (for comparisons across documents)."""
        return table_answers.figures_for(self, question)

    def prior_year_asked(self, q: Query) -> int | None:
        """The year before a stored one when the question asks an amount of it."""
        return narrative_answers.prior_year_asked(self, q)

    def checks(self, document_id: int) -> list[Any]:
        """The consistency checks (ingest.checks) of one document: the service's, run once for every
        engine and for the notes under answers; run here when the engine stands alone."""
        if self._shared_checks is not None:
            return self._shared_checks(document_id)
        from ingest.checks import run_checks

        return run_checks(self.store, document_id)

    # -- figures the narrative states ------------------------------------------------------------
    @property
    def amounts(self) -> list[NarrativeAmount]:
        """The 万元 amounts the narrative states, with their labels (computed once)."""
        if self._amounts is None:
            self._amounts = narrative_amounts(self.sentences)
        return self._amounts

    @property
    def sentences(self) -> list[Sentence]:
        """The narrative's sentences (no tokenizer needed: cheap, computed once)."""
        if self._sentences is None:
            self._sentences = sections_to_sentences(self._chunks)
        return self._sentences

    @property
    def operands(self) -> NarrativeOperands:
        if self._operands is None:
            self._operands = NarrativeOperands(self.amounts, self.lexicon, self.patterns, list(self.catalog.by_column))
        return self._operands

    # -- scope ---------------------------------------------------------------------------------
    def holdings(self) -> str:
        """「长沙市工业和信息化局 2024年 部门预算」 for each stored document."""
        return document_list(self.documents) or "（空）"

    def known_org(self, name: str) -> bool:
        """An organisation the store speaks of: named in the narrative, or an abbreviation
        (工信局 of 工业和信息化局) of a department, unit or row with a place the store knows."""
        if name in self.corpus:
            return True
        core = strip_place(name)
        place = name[:len(name) - len(core)]
        if place and place not in self.corpus and not any(place in n for n in self._names):
            return False
        return any(subsequence(core, strip_place(n)) for n in self._names)

    def link_refusal(self, q: Query) -> Answer | None:
        """The refusal of an ask naming what these documents lack: an organisation, a year, a kind, a
        subject code; None when everything it names is held."""
        return self._scope_refusal(q) or self._unknown_code(q)

    def _scope_refusal(self, q: Query) -> Answer | None:
        years = {d.year for d in self.documents}
        kinds = {d.kind for d in self.documents}
        missing = []
        for org in q.scope.orgs:
            if not self.known_org(org):
                missing.append(org)
        missing += [f"{y}年" for y in q.scope.years if y not in years]
        missing += [k for k in q.scope.kinds if k not in kinds and k != "预算"]
        if not self.documents:
            return refuse("empty_store", q.question)
        if missing:
            return refuse("unheld_scope", q.question, "refusal", missing="、".join(missing),
                          holdings=self.holdings())
        return None

    def _unknown_code(self, q: Query) -> Answer | None:
        """A subject code the question names (「办公费（30201）」) that no stored row carries: refused, never
        answered with another row's figure."""
        codes = [c for c in ASKED_CODE.findall(q.text) if len(c) in (3, 5, 7)]
        missing = [c for c in codes if c not in self.catalog.by_code]
        if not missing:
            return None
        return refuse("unknown_code", q.question, "lookup", codes="、".join(missing), holdings=self.holdings())

    @property
    def staged_items(self) -> list[StagedItem]:
        if self._staged is None:
            self._staged = staged_items(self.sentences, [d.department for d in self.documents])
        return self._staged

    def documents_for(self, q: Query) -> set[int]:
        docs = [d for d in self.documents if (not q.scope.years or d.year in q.scope.years)
                and (not q.scope.kinds or d.kind in q.scope.kinds or "预算" in q.scope.kinds)]
        return {d.id for d in docs or self.documents}

    @property
    def sentences_by_place(self) -> dict[tuple[int, str, int], Sentence]:
        """The narrative's sentences by (document, section, index): the sentence before a sentence."""
        if self._sentences_by_place is None:
            self._sentences_by_place = {(x.document_id, x.section, x.index): x for x in self.sentences}
        return self._sentences_by_place


def cite_records(records: list[StoredRecord]) -> list[Citation]:
    return [cite(r) for r in records]
