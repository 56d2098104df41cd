"""The question-answering service over one store: records and narrative held in memory, the vector
index opened on first need. `open_service(store_dir).ask(question) -> Answer`."""
from __future__ import annotations

import re
import time
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from ingest.store import Store, StoredRecord

from . import operations as ops
from .answer import Answer, Citation, Value
from .catalog import Catalog, strip_place
from .compose import candidate, citations, cite, cite_sentence, figure_text, not_found, value
from .compute import amount, share
from .lexicon import Lexicon, load_lexicon, load_patterns
from .narrative import MIN_COVERAGE, BudgetTokenizer, NarrativeIndex, extract_values
from .resolve import Figure, Resolution, Resolver
from .understand import Query, normalize_question, understand

SQLITE_NAME = "budgetqa.sqlite"  # as ingest.storage.StorePaths names it (kept light: no llama-index import)


class StoreMissing(FileNotFoundError):
    """No store at the given directory."""


class Service:
    """Answers questions over one store. Table data is loaded once; the BM25 index on the first
    narrative question (or `warm()`); the vector index on first use."""

    def __init__(self, store_dir: str | Path, lexicon: Lexicon | None = None,
                 patterns: dict[str, Any] | None = None, use_vectors: bool = True) -> None:
        self.store_dir = Path(store_dir)
        sqlite = self.store_dir / SQLITE_NAME
        if not sqlite.exists():
            raise StoreMissing(f"{self.store_dir}: no store here (run `budgetqa ingest` first)")
        self.lexicon = lexicon or load_lexicon()
        self.patterns = patterns or load_patterns()
        self.store = Store(sqlite)
        self.catalog = Catalog.from_store(self.store, self.lexicon)
        self.resolver = Resolver(self.catalog, self.lexicon, self.patterns["partial_stop"])
        self.documents = self.catalog.documents
        self._chunks = self.store.chunks()
        self._narrative: NarrativeIndex | None = None
        self._stores: Any = None
        self.use_vectors = use_vectors
        self._names = self.catalog.names()
        self._corpus = "".join(c.text for c in self._chunks)

    # -- lazily built parts --------------------------------------------------------------------
    @property
    def narrative(self) -> NarrativeIndex:
        if self._narrative is None:
            words = [*self.lexicon.dictionary, *self.lexicon.aliases, *self.resolver.keep]
            self._narrative = NarrativeIndex(self._chunks, BudgetTokenizer(words),
                                             self.patterns["narrative_stopwords"])
        return self._narrative

    def vector_search(self, text: str, k: int) -> list[Any]:
        """Chunks nearest to the text in the vector index (opened on first call)."""
        if self._stores is None:
            from ingest.storage import StorePaths, Stores

            self._stores = Stores(StorePaths.at(self.store_dir))
        return self._stores.vectors.retrieve(text, k, kind="chunk")

    def warm(self) -> None:
        """Build the BM25 index and open the vector index now rather than on the first question."""
        self.narrative.retrieve(self._understand("预算"), self.vector_search if self.use_vectors else None)

    def close(self) -> None:
        self.store.close()
        if self._stores is not None:
            self._stores.close()

    # -- public --------------------------------------------------------------------------------
    def ask(self, question: str) -> Answer:
        started = time.perf_counter()
        answer = self._answer(question)
        answer.elapsed_ms = (time.perf_counter() - started) * 1000
        return answer

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
        query = self._understand(question)
        ids = self.narrative.retrieve(query, self.vector_search if self.use_vectors else None)
        return [self.narrative.by_id[i].text for i in ids[:k]]

    # -- answering -----------------------------------------------------------------------------
    def _understand(self, question: str) -> Query:
        text = normalize_question(question)
        for d in self.documents:
            for name in (d.department, strip_place(d.department)):
                text = text.replace(name, "")
        return understand(question if text == normalize_question(question) else text, self.lexicon,
                          self.patterns, self.resolver.keep)

    def _answer(self, question: str) -> Answer:
        if not normalize_question(question):
            return not_found(question, "未找到：问题为空。")
        q = self._understand(question)
        refusal = self._scope_refusal(q)
        if refusal:
            return refusal
        docs = self._documents_for(q)
        res = self.resolver.resolve(q, docs)
        if res.empty_tables:
            return self._empty_table(q, res)
        if not res.mentions and not q.tables and any(w in q.text for w in self.lexicon.bare_totals) \
                and not q.narrative:
            return self._bare_total(q, docs)
        why = any(w in q.text for w in self.patterns["why"])
        if q.narrative and res.figures and q.asks_number and not why and q.operation != "change":
            q = replace(q, narrative=False)
        if q.narrative or q.operation == "change" or (q.operation == "count" and q.measure):
            return self._narrative_answer(q, res)
        if q.operation == "lookup" and self._leftover_in_narrative(q, res):
            answer = self._narrative_answer(q, res)
            if answer.found and answer.values:
                return answer
        answer = self._table(q, res, docs)
        return answer or self._narrative_answer(q, res)

    def _table(self, q: Query, res: Resolution, docs: set[int]) -> Answer | None:
        figs = res.figures
        op = q.operation
        if op in ("rank", "count"):
            words = [m.phrase for m in res.mentions if m.columns and m.concept is None]
            found = ops.rank_items(q, self.resolver, figs, res.modifiers, docs, words)
            if found is None:
                return None if op == "count" or not figs else ops.answer_lookup(q, figs)
            items, label = found
            if op == "count":
                rows = [f.row for f in items if f.row is not None]
                return ops.answer_count(q, rows, label, self.resolver) if rows else None
            return ops.answer_rank(q, items, label)
        if not figs:
            return None
        if op == "sum" and len(figs) >= 2:
            return ops.answer_sum(q, figs)
        if op == "difference" and len(figs) >= 2:
            return ops.answer_difference(q, figs)
        if op == "share":
            whole = figs[-1] if len(figs) >= 2 else ops.whole_of(figs[0], self.resolver)
            parts = figs[:-1] if len(figs) >= 2 else figs
            if whole is not None:
                return ops.answer_share(q, parts, whole)
        if op == "check":
            return self._check(q, figs, docs)
        return ops.answer_lookup(q, figs)

    def _leftover_in_narrative(self, q: Query, res: Resolution) -> bool:
        """Words the table figures do not explain but the narrative does (「政府采购」 in
        「政府采购预算总额」): the question is about the narrative's figure."""
        text = q.canonical
        for m in res.mentions:
            text = text[:m.start] + "　" * (m.end - m.start) + text[m.end:]
        words = re.findall(r"[\u4e00-\u9fff]{2,}", self.resolver.partial_stop.sub(lambda x: "　" * len(x.group()), text))
        return any(w in self._corpus and not any(w in k for k in self.catalog.by_label) for w in words)

    def _check(self, q: Query, figs: list[Figure], docs: set[int]) -> Answer | None:
        claim = re.search(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(万元|万|元)", q.text)
        if claim and len(figs) == 1:
            return ops.answer_claim(q, figs[0], Decimal(claim.group(1)), "万元" if "万" in claim.group(2) else "元")
        if q.domain in ("project", "unit") and len(figs) == 1:
            words = [m.phrase for m in self.resolver.mentions(q.canonical) if m.columns]
            rows = self.resolver.domain_rows(q.domain, None, docs)
            parts = [f for f in (self.resolver.cell_figure(r, words, strict=bool(words)) for r in rows) if f]
            if parts:
                return ops.answer_check(q, parts, figs[0], parts_label=f"各{ops.DOMAIN_NAMES[q.domain]}")
        if len(figs) >= 2:
            return ops.answer_check(q, figs[:-1], figs[-1])
        parts = ops.parts_of(figs[0], self.resolver, docs)
        if not parts:
            return ops.answer_lookup(q, figs)
        return ops.answer_check(q, parts, figs[0], parts_label=f"{figs[0].label}各项")

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
        return "；".join(dict.fromkeys(f"{d.department} {d.year}年 部门{d.kind}" for d in self.documents)) or "（空）"

    def _known_org(self, name: str) -> bool:
        """An organisation the store speaks of: named in the narrative, or an abbreviation
        (工信局 of 工业和信息化局) of a department, unit or row with a place the store knows."""
        if name in self._corpus:
            return True
        core = strip_place(name)
        place = name[:len(name) - len(core)]
        if place and place not in self._corpus and not any(place in n for n in self._names):
            return False
        return any(_subsequence(core, strip_place(n)) for n in self._names)

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
        if q.operation == "change" and values:
            values += self._previous_year(q, best.sentence.text, values, res)
        lead = "；".join(f"{v.label}{'：' if v.label else ''}{v.value}{v.unit}" for v in values)
        text = "".join(s.text for s in quoted)
        answer = (f"{lead}。" if lead else "") + f"据「{section}」（第{quoted[0].page}页）：「{text}」"
        return Answer(q.question, answer, True, values, cites,
                      operation="change" if q.operation == "change" else "narrative")

    def _previous_year(self, q: Query, sentence: str, values: list[Value], res: Resolution | None) -> list[Value]:
        """Last year's figure (this year's ∓ the change) or the rate of change, when the question asks
        for it and the sentence gives only the change: computed, with the working shown."""
        delta = next((v for v in values if v.unit == "万元"), None)
        if delta is None:
            return []
        current = self._current_amount(sentence, delta, res)
        if current is None:
            return []
        sign = Decimal(1) if delta.label in ("增加", "增长", "上升") else Decimal(-1)
        base = current - sign * Decimal(delta.value)
        out = []
        if re.search(self.patterns["previous_year"], q.text):
            out.append(Value(f"上年（{amount(current)} {'−' if sign > 0 else '+'} {delta.value}）",
                             amount(base), "万元"))
        if any(w in q.text for w in self.patterns["percent_words"]) and not any(v.unit == "%" for v in values) \
                and base != 0:
            pct = share(Decimal(delta.value), base)
            out.append(Value(f"变动率（{delta.value} ÷ {amount(base)}）", f"{pct:f}", "%"))
        return out

    def _current_amount(self, sentence: str, delta: Value, res: Resolution | None) -> Decimal | None:
        """This year's amount: stated before the change in the same sentence, else the table figure."""
        head = sentence.split(delta.label)[0]
        amounts = re.findall(r"(\d+(?:\.\d+)?)万元", head)
        if amounts:
            return Decimal(amounts[-1])
        if res is not None and res.figures:
            return res.figures[0].value
        return None


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def _meaningful(matched: list[str], nav: NarrativeIndex) -> bool:
    """At least one matched word is specific (not something every sentence says)."""
    return any(nav.idf.get(t, nav.max_idf) > 1.0 for t in matched)


def open_service(store_dir: str | Path, **kwargs: Any) -> Service:
    """The service over the store at `store_dir` (see `Service`)."""
    return Service(store_dir, **kwargs)


def cite_records(records: list[StoredRecord]) -> list[Citation]:
    return [cite(r) for r in records]
