"""Answering over a fixed set of documents (one department's disclosures, usually): their records and
narrative held in memory. `chatbot.service.Service` chooses the documents and builds engines on need."""
from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from decimal import Decimal
from functools import lru_cache
from typing import Any

from ingest.store import Store, StoredDocument, StoredRecord
from ingest.text import strip_ordinal

from . import operations as ops
from .answer import Answer, Citation, Value
from .asks import join_answers, split_asks
from .catalog import Catalog, abbreviates, column_leaf, label_key, strip_place, subsequence
from .compose import candidate, citations, cite, cite_sentence, figure_text, not_found, value
from .consistency import answer_consistency, is_consistency_question
from .counts import stated_count
from .documents import document_list
from .lexicon import Lexicon
from .names import name_forms
from .narrative import (
    MIN_COVERAGE,
    BudgetTokenizer,
    NarrativeAmount,
    NarrativeIndex,
    Sentence,
    extract_values,
    listed_items,
    narrative_amounts,
    plain,
    sections_to_sentences,
)
from .operands import NarrativeOperands, distinct, stated_sum_check
from .prior import (
    FoundChange,
    amount_before,
    answer_change,
    answer_prior_year,
    is_prior_level_question,
    stated_changes,
    strip_prior_words,
)
from .resolve import Figure, Resolution, Resolver
from .scopes import mixed_scopes, one_scope
from .stages import StagedItem, answer_stages, asks_budget_stage, find_items, row_items, stage_amount, staged_items, stages_asked
from .understand import Query, detect_scope, normalize_question, understand

MAX_QUESTION_CHARS = 500  # a question longer than this is refused at once (bounded work per request)
TABLE_OPERATIONS = ("sum", "difference", "share", "rank", "count", "check")
_ASKED_CODE = re.compile(r"(?<![\d.])(\d{3,7})(?![\d.年月日万元%个辆人项])")
_ITEM_MARKS = re.compile(r"（[类款项]）")
_SUBJECTLESS = re.compile(r"^(?:与|和|同|较|比)(?:上年|去年|上一年|(?:19|20)\d\d年)")
_CLAIM = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(万元|万|元)")

VectorSearch = Callable[[str, int], Sequence[Any]]


def too_long(question: str) -> Answer | None:
    """The refusal of a question longer than MAX_QUESTION_CHARS (bounded work per request), else None."""
    if len(question) <= MAX_QUESTION_CHARS:
        return None
    return Answer(question=question[:MAX_QUESTION_CHARS], found=False, operation="refusal",
                  answer=f"问题太长（{len(question)} 字）：请把问题缩短到 {MAX_QUESTION_CHARS} 字以内。")


class Engine:
    """Answers questions over some documents of a store. Their table data is loaded when the engine is
    built; the BM25 index on the first narrative question (or `warm()`)."""

    def __init__(self, store: Store, documents: list[StoredDocument], lexicon: Lexicon,
                 patterns: dict[str, Any], vector_search: VectorSearch | None = None) -> None:
        self.lexicon = lexicon
        self.patterns = patterns
        self.store = store
        ids = [d.id for d in documents]
        self.catalog = Catalog.from_store(self.store, self.lexicon, documents)
        self.resolver = Resolver(self.catalog, self.lexicon, self.patterns["partial_stop"],
                                 tuple(self.patterns["own_unit"]))
        self.resolver.scope_words = frozenset(w for w in self.patterns["scope_words"] if not w.startswith("_"))
        self.documents = self.catalog.documents
        self._chunks = self.store.chunks(ids) if ids else []
        self._narrative: NarrativeIndex | None = None
        self._vector_search = vector_search
        self.use_vectors = vector_search is not None
        self._names = self.catalog.names()
        self._corpus = "".join(c.text for c in self._chunks)
        self._checks: dict[int, list[Any]] = {}
        self._amounts: list[NarrativeAmount] | None = None
        self._sentences: list[Sentence] | None = None
        self._operands: NarrativeOperands | None = None
        self._staged: list[StagedItem] | None = None
        self._sentences_by_place: dict[tuple[int, str, int], Sentence] | None = None
        self._keep: frozenset[str] | None = None
        self._checks_lock = threading.Lock()
        self._understood = lru_cache(maxsize=64)(self._read_question)

    @property
    def keep(self) -> frozenset[str]:
        """Printed phrases the lexicon must not rewrite: table labels and columns, and the labels of
        amounts the narrative states (「政府采购预算总额」 is not 「政府采购」 + 预算总额 → 支出总计)."""
        if self._keep is None:
            labels = {x for a in self.amounts for x in (plain(a.label), plain(a.core))
                      if len(x) >= 4 and x not in self.lexicon.aliases}
            self._keep = self.resolver.keep | frozenset(labels)
        return self._keep

    # -- lazily built parts --------------------------------------------------------------------
    @property
    def narrative(self) -> NarrativeIndex:
        if self._narrative is None:
            words = [*self.lexicon.dictionary, *self.lexicon.aliases, *self.resolver.keep]
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
    def ask(self, question: str) -> Answer:
        started = time.perf_counter()
        if (refused := too_long(question)) is not None:
            return refused
        answer = self._answer(question)
        if os.environ.get("BUDGETQA_LLM_BASE_URL"):
            answer = self._with_llm(question, answer)
        answer.elapsed_ms = (time.perf_counter() - started) * 1000
        return answer

    def _with_llm(self, question: str, answer: Answer) -> Answer:
        """The optional language model (chatbot.llm, imported only when configured): a question the
        engine could not answer reworded and answered again by the engine; a found answer worded by
        the model when every number it writes is one the code computed or cited."""
        from . import llm

        settings = llm.LLMSettings.from_env()
        if settings is None:
            return answer
        unanswered = not answer.found and not answer.citations and answer.operation in ("", "narrative")
        if unanswered and self.documents and normalize_question(question):
            rewritten = llm.rewrite_question(settings, question)
            if rewritten and normalize_question(rewritten) != normalize_question(question) \
                    and self._same_scope(question, rewritten):
                second = self._answer(rewritten)
                if second.found:
                    second.question = question
                    second.answer = f"（按“{rewritten}”理解）{second.answer}"
                    second.llm_used = True
                    answer = second
        if not answer.found:
            return answer
        narrative = any(c.section for c in answer.citations)
        passages = self.retrieve_chunks(question, 3) if narrative else []
        text = llm.word_answer(settings, question, answer, passages)
        if text is not None:
            answer = replace(answer, answer=text, llm_used=True)
        return answer

    def _same_scope(self, question: str, rewritten: str) -> bool:
        """The rewording names no year, kind or organisation the question did not."""
        a, b = self.understand(question).scope, self.understand(rewritten).scope
        return set(b.years) <= set(a.years) and set(b.kinds) <= set(a.kinds) and set(b.orgs) <= set(a.orgs) \
            and set(b.compared_years) <= set(a.compared_years)

    def search_records(self, query: str, document: str | None = None, table: str | None = None,
                       limit: int = 200) -> list[StoredRecord]:
        """Records for the staff look-up: a code prefix (「21505」), else a label, project or unit name
        containing the words (also after the lexicon's rewriting: 「公积金」 finds 住房公积金)."""
        q = normalize_question(query)
        keys = {q, self.lexicon.canonical(q, self.resolver.keep)}
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

    def retrieve_chunks(self, question: str, k: int = 3) -> list[str]:
        """Texts of the narrative chunks the hybrid retrieval ranks first for a question."""
        query = self.understand(question)
        ids = self.narrative.retrieve(query, self.vector_search if self.use_vectors else None)
        return [self.narrative.by_id[i].text for i in ids[:k]]

    # -- answering -----------------------------------------------------------------------------
    def understand(self, question: str) -> Query:
        """The question understood against these documents (their names and printed labels); the last
        questions are remembered, so the service's routing and the answering read a question once."""
        return self._understood(question)

    def prior_year_asked(self, q: Query) -> int | None:
        """The year before a stored one when the question asks an amount of it (see _prior_year_asked)."""
        return self._prior_year_asked(q)

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

    @property
    def _terms_after_names(self) -> str:
        """Terms that begin with 机关 (机关运行经费, 机关事业单位…): 「审计局机关运行经费」 is the 机关运行经费 of
        审计局, not its 局机关 unit."""
        words = {w for w in [*self.lexicon.aliases, *self.lexicon.aliases.values(), *self.lexicon.dictionary,
                             *self.catalog.by_label]
                 if w.startswith("机关") and len(w) >= 4}
        return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))

    def _answer(self, question: str) -> Answer:
        if not normalize_question(question):
            return not_found(question, "未找到：问题为空。")
        parts = split_asks(question, self.patterns)
        if len(parts) > 1:
            return join_answers(question, [self._answer(p) for p in parts])
        q = self.understand(question)
        prior = self._prior_year_asked(q)
        if prior is not None:
            return self._prior_year(q, prior)
        refusal = self._scope_refusal(q) or self._unknown_code(q)
        if refusal:
            return refusal
        docs = self._documents_for(q)
        if (staged := self._budget_stages(q, docs)) is not None:
            return staged
        res = self.resolver.resolve(q, docs)
        if q.operation == "check" and (stated := stated_sum_check(q, self.sentences)) is not None:
            return stated
        if q.operation in ("sum", "difference", "share", "check"):
            res = self.operands.add_to(q, res)
        if self._asks_consistency(q, res):
            return self._consistency(q, docs)
        if res.empty_tables:
            return self._empty_table(q, res)
        if q.department and not res.mentions and not q.tables and not q.narrative and q.operation == "lookup" \
                and not re.search(r"[\u4e00-\u9fff]{2,}", self.resolver.partial_stop.sub("", q.text)):
            total = self._department_total(q, docs)
            if total is not None:
                return total
        if not res.mentions and not q.tables and any(w in q.text for w in self.lexicon.bare_totals) \
                and not q.narrative:
            return self._bare_total(q, docs)
        why = any(w in q.text for w in self.patterns["why"])
        code_name = self._asks_code_name(q, res)
        if q.narrative and res.figures and not why and q.operation != "change" and (
                q.asks_number or q.operation in TABLE_OPERATIONS or code_name):
            q = replace(q, narrative=False)
        if code_name:
            return self._code_name(q, res)
        if q.operation == "change" and not why and not q.narrative:
            return self._change(q, res, docs)
        if q.operation == "count" and (stated := stated_count(q.question, q.text, self.sentences)) is not None:
            listed = self._table(q, res, docs)     # a table listing as many (the units of 整体绩效表) is cited too
            if listed is not None and listed.found and listed.values[:1] and \
                    listed.values[0].value == stated.values[0].value:
                stated.citations += listed.citations
            return stated
        if q.operation == "count" and not res.figures and (listed := self._count_listed(q)) is not None:
            return listed
        if q.narrative or q.operation == "change" or (q.operation == "count" and q.measure):
            return self._narrative_answer(q, res)
        if q.operation == "lookup" and (leftover := self._leftover_in_narrative(q, res)):
            answer = self._narrative_answer(q, res)
            quoted = "".join(c.text or "" for c in answer.citations)
            if answer.found and answer.values and all(w in quoted for w in leftover):
                return answer
        answer = self._table(q, res, docs)
        return answer or self._narrative_answer(q, res)

    def figures_for(self, question: str) -> list[Figure]:
        """The table figures a question names in these documents, each from the table its wording
        points to, no operation applied: what a comparison across documents sets side by side."""
        if not normalize_question(question):
            return []
        q = self.understand(question)
        docs = self._documents_for(q)
        res = self.resolver.resolve(q, docs)
        figs = [f for f in res.figures if not f.secondary and f.sentence is None and f.records]
        if not figs and not res.mentions and not q.tables:
            term = self.patterns["department_total"]   # 「哪个部门预算最多」: the department's total
            if any(w in q.text for w in self.patterns["department_total_words"]):
                figs = self.resolver.resolve(replace(q, text=term, canonical=term), docs).figures[:1]
        return figs

    def _asks_code_name(self, q: Query, res: Resolution) -> bool:
        """「30113是什么科目」: a code named, its name asked."""
        return any(m.phrase.isdigit() for m in res.mentions) and any(w in q.text for w in self.patterns["name_words"])

    def _code_name(self, q: Query, res: Resolution) -> Answer:
        figs = [f for f in res.figures if f.row is not None and f.row.code and f.row.code in q.text]
        answer = ops.answer_lookup(q, figs or res.figures)
        named = "；".join(dict.fromkeys(f"{f.row.code}是「{strip_ordinal(f.row.label)}」" for f in figs if f.row))
        answer.answer = f"{named}：{answer.answer}" if named else answer.answer
        return answer

    def _count_listed(self, q: Query) -> Answer | None:
        """「职能职责一共列了几条」: the numbered items (1. 2. …) of the narrative section the question names."""
        if not re.search(self.patterns["listed_count"], q.text):
            return None
        found = listed_items(q.text, self.sentences, self.patterns["narrative_stopwords"])
        if found is None:
            return None
        title, items = found
        first, last = items[0], items[-1]
        text = (f"「{title}」共列了{len(items)}条（第{first.page}页起）。第1条：「{first.text}」……"
                f"第{len(items)}条：「{last.text}」")
        return Answer(q.question, text, True, [Value(f"{title}条数", str(len(items)), "条")],
                      [cite_sentence(first), cite_sentence(last)], operation="count")

    def _table(self, q: Query, res: Resolution, docs: set[int]) -> Answer | None:
        figs = res.figures
        op = q.operation
        if op == "rank" and q.rank_of and (len(figs) >= 2 or (figs and q.domain)):
            return self._rank_of(q, res, figs, docs)
        if op in ("rank", "count"):
            excluded = self._excluded(q, res)
            figs = [f for f in figs if not any(r is f.row for r in excluded)]
            words = [m.phrase for m in res.mentions if m.columns and m.concept is None]
            found = ops.rank_items(self._economic_if_basic(q, figs), self.resolver, figs, res.modifiers, docs, words)
            if found is None:
                return None if op == "count" or not figs else ops.answer_lookup(q, figs)
            items, label = found
            if excluded:
                items = [f for f in items if not any(r is f.row for r in excluded)]
                label += f"（除{'、'.join(dict.fromkeys(strip_ordinal(r.label) for r in excluded))}外）"
            items, label = ops.within_threshold(q.text, items, label, self.patterns["threshold"])
            if op == "count":
                return ops.answer_count(q, items, label) if items else None
            return ops.answer_rank(q, items, label)
        if op in ("sum", "difference", "share") and res.unknown and len(figs) < 2 and not self._asks_a_set(q):
            known = "；".join(f"{figure_text(f)}（{ops.where(f)}）" for f in figs)
            return not_found(q.question, f"未找到「{'、'.join(res.unknown)}」的数字，无法计算。"
                             + (f"问题中的其他项：{known}。" if known else "") + f"库中有：{self.holdings()}。",
                             op, citations(figs))
        if not figs:
            return None
        if op in ("sum", "difference", "share") and len(figs) >= 2:
            same = one_scope(figs, self.lexicon)
            if same is None:
                return mixed_scopes(q.question, figs, self.lexicon, op)
            figs = same
        if op == "sum" and len(figs) == 1 and self._asks_a_set(q):
            found = ops.rank_items(q, self.resolver, figs, res.modifiers, docs)
            if found is not None and len(found[0]) >= 2:
                return ops.answer_sum(q, found[0])
        if op == "sum" and len(figs) >= 2:
            return ops.answer_sum(q, figs)
        if op == "difference" and len(figs) >= 2:
            return ops.answer_difference(q, figs)
        if op == "share":
            cut = q.canonical.find("占")
            if len(figs) >= 2 and cut >= 0 and not any(f.position > cut for f in figs):
                # 「A中B占多少」「B在A里占多少」: the whole is the one named as a container
                whole = next((f for f in figs if self.operands.is_container(q.canonical, f)), None)
                if whole is not None:
                    figs = [f for f in figs if f is not whole] + [whole]
            whole = figs[-1] if len(figs) >= 2 else ops.whole_of(figs[0], self.resolver)
            parts = figs[:-1] if len(figs) >= 2 else figs
            if whole is not None:
                return ops.answer_share(q, parts, whole)
        if op == "check":
            return self._check(q, figs, docs)
        return ops.answer_lookup(q, figs)

    def _rank_of(self, q: Query, res: Resolution, figs: list[Figure], docs: set[int]) -> Answer | None:
        """「奖金在工资福利支出中排第几」: the place of an item among the parts of its container (or among
        the rows of the domain the question names: 「一般行政管理事务在功能科目里排第几」)."""
        if len(figs) >= 2:
            container = next((f for f in figs if self.operands.is_container(q.canonical, f)), figs[-1])
            target, among = next(f for f in figs if f is not container), [container]
        else:
            target, among = figs[0], []
        found = ops.rank_items(replace(q, rank_of=False), self.resolver, among, res.modifiers, docs)
        if found is None:
            return None
        items, label = found
        order = sorted(items, key=lambda f: f.value, reverse=not q.ascending)
        place = next((i for i, f in enumerate(order, 1) if f.records == target.records), None)
        if place is None:
            return None
        text = (f"{figure_text(target)}在{label}中按金额{'从低到高' if q.ascending else '从高到低'}排第{place}"
                f"（共{len(order)}项；{ops.where(target)}）。")
        answer = ops.table_answer(q.question, text, [target], "rank")
        answer.values.append(Value("名次", str(place), ""))
        return answer

    def _asks_a_set(self, q: Query) -> bool:
        """「那6个项目加起来」「各项加起来」: a sum over the items of what is named, not of itself."""
        return q.domain is not None or any(w in q.text for w in self.patterns["set_words"])

    def _excluded(self, q: Query, res: Resolution) -> list[Any]:
        """Rows the question sets aside: 「除了“其他商品和服务支出”，最多的是什么」."""
        m = re.search(self.patterns["exclusion"], q.canonical)
        if not m:
            return []
        return [r for men in res.mentions if m.start(1) <= men.start < m.end(1) for r in men.rows]

    def _economic_if_basic(self, q: Query, figs: list[Figure]) -> Query:
        """「基本支出中…的明细科目」: 基本支出 is broken down by economic subject, so a bare 「科目」 under
        it means the economic ones."""
        generic = q.domain == "function" and not any(w in q.text for w in self.patterns["function_words"])
        basic = any(f.label == "基本支出" or f.kind == "基本支出表" for f in figs)
        return replace(q, domain="economic") if generic and basic else q

    def _leftover_in_narrative(self, q: Query, res: Resolution) -> list[str]:
        """Words the table figures do not explain but the narrative does (「政府采购」 in
        「政府采购预算总额」): the question is about the narrative's figure."""
        text = q.canonical
        for m in res.mentions:
            text = text[:m.start] + "　" * (m.end - m.start) + text[m.end:]
        for word in self.patterns["list"]:
            text = text.replace(word, "　" * len(word))
        text = re.sub(r"\d{4}年度?", lambda x: "　" * len(x.group()), text)
        words = re.findall(r"[\u4e00-\u9fff]{2,}", self.resolver.partial_stop.sub(lambda x: "　" * len(x.group()), text))
        return [w for w in words if w in self._corpus and w in q.text and w not in self.resolver.scope_words
                and not any(w in k for k in self.catalog.by_label)]

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

    # -- consistency -----------------------------------------------------------------------------
    def _asks_consistency(self, q: Query, res: Resolution) -> bool:
        """A consistency question naming no figure (「数据是否一致？」): the whole set of checks."""
        return (q.operation == "check" and not res.mentions and not res.figures and not res.empty_tables
                and not _CLAIM.search(q.text) and is_consistency_question(q.text, self.patterns["consistency"]))

    def checks(self, document_id: int) -> list[Any]:
        """The consistency checks (ingest.checks) of one document, run once."""
        with self._checks_lock:
            if document_id not in self._checks:
                from ingest.checks import run_checks

                self._checks[document_id] = run_checks(self.store, document_id)
            return self._checks[document_id]

    def _consistency(self, q: Query, docs: set[int]) -> Answer:
        by_doc = [(d.title, self.checks(d.id)) for d in self.documents if d.id in docs]
        return answer_consistency(q.question, by_doc)

    def _check(self, q: Query, figs: list[Figure], docs: set[int]) -> Answer | None:
        figs = distinct(figs)
        claims = list(_CLAIM.finditer(q.text))
        claim = claims[0] if claims else None
        if claims and len(figs) >= 2 and re.search(self.patterns["sum_words"], q.text[:claims[-1].start()]) \
                and Decimal(claims[-1].group(1)) not in {f.value for f in figs}:
            last = claims[-1]     # 「会议费8.36万加培训费4.83万是不是13.19万」: the sum against the number said
            return ops.answer_sum_claim(q, figs, Decimal(last.group(1)), "万元" if "万" in last.group(2) else "元")
        if claim and len(figs) == 1:
            return ops.answer_claim(q, figs[0], Decimal(claim.group(1)), "万元" if "万" in claim.group(2) else "元")
        if q.domain in ("project", "unit") and len(figs) == 1:
            words = [m.phrase for m in self.resolver.mentions(q.canonical) if m.columns]
            rows = self.resolver.domain_rows(q.domain, None, docs)
            parts = [f for f in (self.resolver.cell_figure(r, words, strict=bool(words)) for r in rows) if f] \
                or [f for f in (self.resolver.cell_figure(r, []) for r in rows) if f]
            if parts:
                return ops.answer_check(q, parts, figs[0], parts_label=f"各{ops.DOMAIN_NAMES[q.domain]}")
        if len(figs) >= 2:
            return ops.answer_check(q, figs[:-1], figs[-1])
        parts = ops.parts_of(figs[0], self.resolver, docs)
        if not parts:
            return ops.answer_lookup(q, figs)
        return ops.answer_check(q, parts, figs[0], parts_label=f"{figs[0].label}各项")

    def _department_total(self, q: Query, docs: set[int]) -> Answer | None:
        """「工信局的预算是多少」: the department's total budget; its own unit's amount in the 整体绩效 table
        (the row named as the department) is the other reading, said too."""
        term = self.patterns["department_total"]
        figs = self.resolver.resolve(replace(q, text=term, canonical=term), docs).figures
        if not figs:
            return None
        fig = figs[0]
        for row in self.resolver.own_units:
            if row.document_id in docs and (own := self.resolver.cell_figure(row, [])) and own.value != fig.value:
                fig.alternatives.append(own)
        return ops.answer_lookup(q, [fig])

    def _bare_total(self, q: Query, docs: set[int]) -> Answer:
        """「合计是多少」: every table has one; list them and ask which is meant."""
        figs = []
        for info in self.catalog.tables.values():
            total = info.total_row()
            if info.document_id in docs and total is not None and (f := self.resolver.cell_figure(total, [])):
                figs.append(f)
        figs.sort(key=lambda f: self.lexicon.preference(f.kind))
        listed = "；".join(f"{f.table}：{figure_text(f)}" for f in figs)
        return Answer(q.question, f"「合计」在多张表中都有，请说明是哪张表的合计。{listed}。", True,
                      [value(f) for f in figs], citations(figs), operation="clarify",
                      candidates=[candidate(f) for f in figs])

    # -- scope ---------------------------------------------------------------------------------
    def holdings(self) -> str:
        """「长沙市工业和信息化局 2024年 部门预算」 for each stored document."""
        return document_list(self.documents) or "（空）"

    def _known_org(self, name: str) -> bool:
        """An organisation the store speaks of: named in the narrative, or an abbreviation
        (工信局 of 工业和信息化局) of a department, unit or row with a place the store knows."""
        if name in self._corpus:
            return True
        core = strip_place(name)
        place = name[:len(name) - len(core)]
        if place and place not in self._corpus and not any(place in n for n in self._names):
            return False
        return any(subsequence(core, strip_place(n)) for n in self._names)

    def _scope_refusal(self, q: Query) -> Answer | None:
        years = {d.year for d in self.documents}
        kinds = {d.kind for d in self.documents}
        missing = []
        for org in q.scope.orgs:
            if not self._known_org(org):
                missing.append(org)
        missing += [f"{y}年" for y in q.scope.years if y not in years]
        missing += [k for k in q.scope.kinds if k not in kinds and k != "预算"]
        if not self.documents:
            return not_found(q.question, "未找到：库中还没有任何文件。")
        if missing:
            return not_found(q.question, f"未找到{'、'.join(missing)}的数据；库中只有：{self.holdings()}。",
                             "refusal")
        return None

    def _unknown_code(self, q: Query) -> Answer | None:
        """A subject code the question names (「办公费（30201）」) that no stored row carries: refused, never
        answered with another row's figure."""
        codes = [c for c in _ASKED_CODE.findall(q.text) if len(c) in (3, 5, 7)]
        missing = [c for c in codes if c not in self.catalog.by_code]
        if not missing:
            return None
        return not_found(q.question, f"未找到科目编码{'、'.join(missing)}的数字；库中{self.holdings()}的表中没有这一编码的行。",
                         "lookup")

    def _budget_stages(self, q: Query, docs: set[int]) -> Answer | None:
        """「…年初预算和决算数各是多少」 over 决算 documents: from the narrative's stage amounts (chatbot.stages),
        never from the 决算 column. Left to the tables when a column prints the stage (「预算数」)."""
        held = [d for d in self.documents if d.id in docs]
        if not held or any(d.kind != "决算" for d in held) or not asks_budget_stage(q.text):
            return None
        items = [i for i in self.staged_items if i.document_id in docs]
        codes = {c: (strip_ordinal(rows[0].label), self._parent_label(rows[0]))
                 for c in _ASKED_CODE.findall(q.text) if (rows := self.catalog.by_code.get(c))}
        holdings = f"库中有：{self.holdings()}。"
        answer = answer_stages(q.question, q.text, items, codes, holdings)
        if answer.found:
            return answer
        _, stages = stages_asked(q.text)
        res = self.resolver.resolve(q, docs)
        rows = {id(f.row): f.row for f in res.figures if f.row is not None}.values()
        printed = [it for r in rows for it in row_items(r.label, r.document_id, r.cells)
                   if all(stage_amount(it, s) for s in stages)]
        named = find_items(printed, q.text, codes) or [it for it in printed if len(it.amounts) == len(printed[0].amounts)
                                                       and len(printed) == 1]
        return answer_stages(q.question, q.text, [], codes, holdings, named[:1]) if named else answer

    def _parent_label(self, row: Any) -> str | None:
        parent = self.resolver.parent(row)
        return strip_ordinal(parent.label) if parent is not None else None

    @property
    def staged_items(self) -> list[StagedItem]:
        if self._staged is None:
            self._staged = staged_items(self.sentences, [d.department for d in self.documents])
        return self._staged

    def _documents_for(self, q: Query) -> set[int]:
        docs = [d for d in self.documents if (not q.scope.years or d.year in q.scope.years)
                and (not q.scope.kinds or d.kind in q.scope.kinds or "预算" in q.scope.kinds)]
        return {d.id for d in docs or self.documents}

    def _empty_table(self, q: Query, res: Resolution) -> Answer:
        t = res.empty_tables[0]
        name = re.sub(r"^\d{4}年", "", t.title).removesuffix("表").removesuffix("情况")
        cites = [Citation(document=t.document, page=t.page, table=t.title)]
        sentence = self._narrative_sentence(q, must_contain=("无", name[:4]))
        if sentence is not None:
            cites.append(cite_sentence(sentence))
        return not_found(q.question, f"{t.title}为空表：本部门无{name}（第{t.page}页）。"
                         + (f"说明中写道：「{sentence.text}」" if sentence else ""), "lookup", cites)

    # -- changes against last year, and last year's figures ---------------------------------------
    def _prior_year_asked(self, q: Query) -> int | None:
        """The year before a stored one, when the question asks an amount of it (「2023年的三公经费」,
        「去年的收入预算」) and names nothing else the store lacks."""
        years = {d.year for d in self.documents if d.year}
        if not years or any(not self._known_org(o) for o in q.scope.orgs) or \
                any(k not in {d.kind for d in self.documents} and k != "预算" for k in q.scope.kinds):
            return None
        change_words = self.patterns["change_question"]
        missing = sorted({y for y in q.scope.years if y not in years})
        if missing:
            one = len(missing) == 1 and len(set(q.scope.years)) == 1 and missing[0] + 1 in years
            return missing[0] if one and not any(w in q.text for w in change_words) else None
        if not q.scope.years and is_prior_level_question(q.text, change_words):
            return max(years) - 1
        return None

    def _prior_year(self, q: Query, year: int) -> Answer:
        """Last year's amount: the stored document of that year when there is one, else derived from the
        change the next year's narrative states (said so), else not found."""
        plain_question = strip_prior_words(normalize_question(q.question), year)
        if year in {d.year for d in self.documents}:
            answer = self._answer(f"{year}年{plain_question}")
            answer.question = q.question
            return answer
        q2 = self.understand(plain_question)
        docs = {d.id for d in self.documents if d.year == year + 1}
        res = self.resolver.resolve(q2, docs)
        found = self._find_change(q2, res, docs, strict=True)
        if found is not None and found.previous is not None:
            return answer_prior_year(q.question, found, year)
        name = found.name if found else self._subject_name(q2, res)
        return not_found(q.question, f"未找到{year}年的数据；库中只有：{self.holdings()}。{year + 1}年文件的说明"
                         f"也没有写明{name or '此项'}较上年的变化，无法推算。", "refusal")

    def _change(self, q: Query, res: Resolution, docs: set[int]) -> Answer:
        """「三公经费比上年增加多少」: the change as the narrative states it for what the question names."""
        found = self._find_change(q, res, docs, strict=False)
        if found is None:
            name = self._subject_name(q, res)
            return not_found(q.question, f"未找到：说明中没有写明{name or '此项'}较上年的变化（库中只有："
                             f"{self.holdings()}）。", "change")
        asks_previous = re.search(self.patterns["previous_year"], q.text) is not None
        asks_rate = any(w in q.text for w in self.patterns["percent_words"])
        return answer_change(q.question, found, asks_previous, asks_rate)

    def _find_change(self, q: Query, res: Resolution, docs: set[int], strict: bool) -> FoundChange | None:
        """The best sentence stating a change of what the question names (every named thing in the
        sentence before the change, or in its section's title); `strict`: against last year, said."""
        groups = self._subject_groups(q, res)
        if not groups:
            return None
        nav = self.narrative
        nq = self._narrative_query(q)
        retrieved = nav.retrieve(nq, None)
        ids = retrieved + [c.id for c in nav.chunks if c.document_id in docs and c.id not in retrieved]
        year_of = {d.id: d.year for d in self.documents}
        by_title: FoundChange | None = None
        subjectless = [x for x in self.sentences if x.document_id in docs and _SUBJECTLESS.match(plain(x.text))]
        for s in [c.sentence for c in nav.best(nq, ids, self.patterns)] + subjectless:
            s = self._with_subject(s)
            year = year_of.get(s.document_id)
            if s.document_id not in docs or (strict and not year):
                continue
            text, leaf = plain(s.text), plain(s.section.split(" › ")[-1])
            changes = [c for c in stated_changes(text)
                       if (not strict or c.against_year((year or 0) - 1))
                       and _names_all(_ITEM_MARKS.sub("", leaf + text[:c.start] + c.what), groups)
                       and (not c.what or self.lexicon.canonical(c.what) in q.canonical or c.what in q.text)]
            if not changes:
                continue
            name = self._subject_name(q, res, qualified=not any(c.what for c in changes))
            found = self._with_current(FoundChange(s, changes, name or "", year), res, text)
            # a sentence naming the item itself (「住房保障（类）支出…增加2627.95万元」) before one that only
            # stands under its title (「住房公积金（项）…增加481.1万元」 in 「（三）住房保障支出（类）」)
            if any(_names_all(_ITEM_MARKS.sub("", text[:c.start] + c.what), groups) for c in changes):
                return found
            by_title = by_title or found
        return by_title

    def _with_subject(self, s: Sentence) -> Sentence:
        """A sentence that states a change without naming what changed (「与上年相比增加2627.95万元」), joined
        to the sentence before it that names it (「住房保障（类）支出7344.46万元，主要用于…。」)."""
        if not _SUBJECTLESS.match(plain(s.text)) or s.index == 0:
            return s
        before = self._sentence_at.get((s.document_id, s.section, s.index - 1))
        return replace(before, text=before.text + s.text) if before is not None else s

    @property
    def _sentence_at(self) -> dict[tuple[int, str, int], Sentence]:
        if self._sentences_by_place is None:
            self._sentences_by_place = {(x.document_id, x.section, x.index): x for x in self.sentences}
        return self._sentences_by_place

    def _with_current(self, found: FoundChange, res: Resolution, text: str) -> FoundChange:
        """This year's amount: the table figure the question names (when the sentence does not state
        another), else the amount stated before the change."""
        change = found.amount_change
        head = amount_before(text, change) if change is not None else None
        fig = next((f for f in res.figures if not f.secondary and f.unit == "万元"), None)
        if fig is not None and (head is None or head == fig.value):
            found.current, found.current_figure = fig.value, fig
        else:
            found.current = head
        return found

    def _subject_groups(self, q: Query, res: Resolution) -> list[list[str]]:
        """For each thing the question names, the words the narrative may call it by (printed label,
        label without place, the question's own words, the lexicon's everyday names)."""
        groups = []
        for m in res.mentions:
            names = {m.phrase, q.canonical[m.start:m.end]}
            if len(m.rows) <= 4:
                names |= {n for r in m.rows for n in (r.key, strip_place(r.key))}
            names |= {a for a, canon in self.lexicon.aliases.items() if canon in names}
            groups.append(sorted(n for n in names if len(n) >= 2))
        if not groups:
            word = self._subject_word(q)
            if word:
                groups.append([word])
        return groups

    def _subject_word(self, q: Query) -> str | None:
        """The question's longest content word that is not about time or change (「机关运行经费」)."""
        skip = [*self.patterns["change_question"], "去年", "上年", "今年", "本年"]
        words = [t for t in self.narrative.content_tokens(q.text) if not any(w in t for w in skip)]
        return max(words, key=len) if words else None

    def _subject_name(self, q: Query, res: Resolution, qualified: bool = True) -> str | None:
        fig = next((f for f in res.figures if not f.secondary), None)
        if fig is None:
            return self._subject_word(q)
        return fig.label + (fig.qualifier if qualified else "")

    # -- narrative -----------------------------------------------------------------------------
    def _narrative_sentence(self, q: Query, must_contain: tuple[str, ...]) -> Any:
        ids = self.narrative.retrieve(q, None)
        for s in self.narrative.best(q, ids, self.patterns):
            if all(w in s.sentence.text for w in must_contain):
                return s.sentence
        return None

    def _narrative_query(self, q: Query) -> Query:
        text = q.text
        for said, written in self.patterns["narrative_synonyms"].items():
            if not said.startswith("_"):
                text = text.replace(said, written)
        return replace(q, text=text)

    def _narrative_answer(self, q: Query, res: Resolution | None = None) -> Answer:
        nav = self.narrative
        nq = self._narrative_query(q)
        ids = nav.retrieve(nq, self.vector_search if self.use_vectors else None)
        ranked = [r for r in nav.best(nq, ids, self.patterns) if r.coverage >= MIN_COVERAGE]
        if not ranked or not _meaningful(ranked[0].matched, nav):
            return not_found(q.question, "未找到：公开文件中没有与此问题相关的内容。"
                             f"库中有：{self.holdings()}。", "narrative")
        why = any(w in q.text for w in self.patterns["why"])
        explain = any(w in q.text for w in self.patterns["explain"])
        wants_number = (q.asks_number or q.measure is not None) and not explain
        best, values = ranked[0], []
        if not explain or q.operation == "change":
            for cand in ranked[:6 if wants_number else 1]:
                if cand.score < ranked[0].score - 4:
                    break
                found = extract_values(nq, cand.sentence.text, sorted(cand.matched, key=len, reverse=True))
                if found:
                    best, values = cand, [Value(label, num, unit) for label, num, unit in found]
                    break
        quoted = [best.sentence]
        nxt = next((s for s in nav.sentences if s.section == best.sentence.section
                    and s.index == best.sentence.index + 1), None)
        if nxt is not None and explain and (nxt.text.startswith("主要") or (
                why and not any(w in best.sentence.text for w in self.patterns["reason_words"]))):
            quoted.append(nxt)
        section = quoted[0].section.split(" › ")[-1]
        cites = [cite_sentence(s) for s in quoted]
        focus = sorted(best.matched, key=len, reverse=True)
        if not values and wants_number:
            return not_found(q.question, f"未找到：说明「{section}」（第{quoted[0].page}页）提到了"
                             f"「{focus[0]}」，但没有给出对应的数字。", "narrative", cites)
        lead = "；".join(f"{v.label}{'：' if v.label else ''}{v.value}{v.unit}" for v in values)
        text = "".join(s.text for s in quoted)
        answer = (f"{lead}。" if lead else "") + f"据「{section}」（第{quoted[0].page}页）：「{text}」"
        return Answer(q.question, answer, True, values, cites,
                      operation="change" if q.operation == "change" else "narrative")


def _names_all(text: str, groups: list[list[str]]) -> bool:
    """Each group has a name in the text."""
    return all(any(n in text for n in names) for names in groups)


def _meaningful(matched: list[str], nav: NarrativeIndex) -> bool:
    """At least one matched word is specific (not something every sentence says)."""
    return any(nav.idf.get(t, nav.max_idf) > 1.0 for t in matched)


def cite_records(records: list[StoredRecord]) -> list[Citation]:
    return [cite(r) for r in records]
