"""The question service over a store. It chooses the documents a question is about (chatbot.link.documents),
answers over one document with its Engine (built on first need, kept in an LRU cache, so a store of a
thousand documents answers as fast as a store of one), and answers across documents — rankings and
tables across departments, a change between two years — from the engines' own figures
(chatbot.execute.across). `open_service(store_dir).ask(question) -> Answer`."""
from __future__ import annotations

import os
import re
import threading
import time
from collections import OrderedDict
from dataclasses import replace
from pathlib import Path
from typing import Any

from chatbot.execute.prior import strip_prior_words
from chatbot.link.documents import Directory, same_disclosure
from chatbot.understand.query import normalize_question
from chatbot.understand.question import Asked, read_question
from chatbot.wording.compose import cite
from chatbot.wording.refusals import refuse
from chatbot.wording.version import version_note
from ingest.store.store import Store, StoredDocument, StoredRecord
from ingest.store.versions import newest_versions, versions

from .answer import Answer, Citation
from .engine import MAX_QUESTION_CHARS, Engine, too_long
from .execute import comparisons
from .execute import departments as across_departments
from .execute.departments import LIST_MAX
from .lexicon import Lexicon, load_lexicon, load_patterns
from .verify import gated

SQLITE_NAME = "budgetqa.sqlite"  # as ingest.store.storage.StorePaths names it (kept light: no llama-index import)
DEFAULT_CACHE = 1024             # engines kept (about 0.5–1 MB each); BUDGETQA_ENGINE_CACHE overrides

__all__ = ["MAX_QUESTION_CHARS", "Service", "StoreMissing", "cite_records", "open_service"]


class StoreMissing(FileNotFoundError):
    """No store at the given directory."""


class Service:
    """Answers questions over every document of a store (see the module docstring)."""

    def __init__(self, store_dir: str | Path, lexicon: Lexicon | None = None,
                 patterns: dict[str, Any] | None = None, use_vectors: bool = True,
                 cache_size: int | None = None) -> None:
        self.store_dir = Path(store_dir)
        sqlite = self.store_dir / SQLITE_NAME
        if not Store.exists(sqlite):
            raise StoreMissing(f"{self.store_dir}: no store here (run `budgetqa ingest` first)")
        self.lexicon = lexicon or load_lexicon()
        self.patterns = patterns or load_patterns()
        self.store = Store(sqlite)
        self.generation = self.store.generation()   # read before the documents: a later write shows
        every = self.store.documents()
        self.versions = versions(every)
        self.documents = newest_versions(every)   # of a disclosure held in several versions, the newest
        self.directory = Directory(self.documents, self.store)
        self.use_vectors = use_vectors
        self.cache_size = cache_size or int(os.environ.get("BUDGETQA_ENGINE_CACHE", DEFAULT_CACHE))
        self._engines: OrderedDict[tuple[int, ...], Engine] = OrderedDict()
        self._lock = threading.RLock()   # the engine cache and the store's one connection
        self._stores: Any = None
        self._stop_prebuild = False
        self._checks: dict[int, list[Any]] = {}
        self._across = re.compile(self.patterns["across_departments"])
        self.compare_words = re.compile(self.patterns["compare_departments"])

    # -- engines -------------------------------------------------------------------------------
    def engine(self, documents: list[StoredDocument]) -> Engine:
        """The engine over these documents, from the cache or built now."""
        key = tuple(sorted(d.id for d in documents))
        with self._lock:
            found = self._engines.get(key)
            if found is not None:
                self._engines.move_to_end(key)
                return found
            built = Engine(self.store, documents, self.lexicon, self.patterns, self._vector_search(documents),
                           self.checks)
            self._engines[key] = built
            while len(self._engines) > self.cache_size:
                self._engines.popitem(last=False)
            return built

    def _vector_search(self, documents: list[StoredDocument]) -> Any:
        if not self.use_vectors or not documents:
            return None
        shas = [d.sha256 for d in documents]

        def search(text: str, k: int) -> list[Any]:
            return self.vectors.retrieve(text, k, kind="chunk", documents=shas)
        return search

    @property
    def vectors(self) -> Any:
        """The vector index (opened on first use; shared by every engine)."""
        with self._lock:
            if self._stores is None:
                from ingest.store.storage import StorePaths, Stores

                self._stores = Stores(StorePaths.at(self.store_dir))
            return self._stores.vectors

    @property
    def single(self) -> bool:
        """The store holds one department's documents: every question is about it."""
        return len(self.directory.departments) <= 1

    def _whole(self) -> Engine:
        return self.engine(self.documents)

    def warm(self, background: bool = True) -> threading.Thread | None:
        """Build now what the first question would: with one document, its engine and indexes; with
        many, the routing index of printed names now, then (in a daemon thread, unless `background`
        is False) an engine per document, newest first, up to the cache size."""
        if len(self.documents) == 1:
            self._whole().warm()
            self.checks(self.documents[0].id)
            return None
        if not self.documents:
            return None
        self.directory.labels  # noqa: B018 — built now, not on the first question
        if not background:
            self.prebuild()
            return None
        thread = threading.Thread(target=self.prebuild, name="budgetqa-prebuild", daemon=True)
        thread.start()
        return thread

    def prebuild(self) -> int:
        """Build the engines of the newest documents (as many as the cache keeps) with their narrative
        indexes; the number built."""
        order = sorted(self.documents, key=lambda d: (d.year or 0, d.kind == "预算"), reverse=True)
        built = 0
        for doc in order[:self.cache_size]:
            if self._stop_prebuild:
                break
            try:
                self.engine([doc]).warm()   # its BM25 index too: no narrative question waits for it
                self.checks(doc.id)         # and its checks: the notes under answers wait for nothing
            except Exception:  # the service closed under it: stop quietly
                if self._stop_prebuild:
                    break
                raise
            built += 1
        return built

    def prepare(self, documents: list[StoredDocument]) -> None:
        """Build now what the first question about these documents would (each one's engine, its
        narrative index, its checks; the vector index opened, the embedder loaded): called when their
        ingest ends, so the first question about a new document is as fast as the next."""
        for doc in documents:
            self.engine([doc]).warm()
            self.checks(doc.id)

    def stop_prebuild(self) -> None:
        """Stop building engines in the background (the service is being replaced); answering goes on."""
        self._stop_prebuild = True

    def close(self) -> None:
        self.stop_prebuild()
        with self._lock:
            self.store.close()
            if self._stores is not None:
                self._stores.close()

    # -- the store changed under it ---------------------------------------------------------------
    def changed(self) -> bool:
        """Whether documents were written to the store or deleted since this service read it, by this
        process or another (`budgetqa ingest` beside a running app). One small query."""
        with self._lock:
            return self.store.generation() != self.generation

    def reopened(self, prepare_new: bool = False) -> Service:
        """A new service over the same store, seeing its documents and vector index as they are now.
        This one stops building engines but keeps answering the questions still running on it.
        `prepare_new`: the documents this one did not hold (just ingested) are prepared first."""
        self.stop_prebuild()
        from ingest.store.storage import StorePaths
        from ingest.store.vectors import forget_chroma_systems

        forget_chroma_systems(StorePaths.at(self.store_dir).chroma, stop=False)  # questions may still use it
        fresh = Service(self.store_dir, self.lexicon, self.patterns, self.use_vectors, self.cache_size)
        if prepare_new:
            held = {d.id for d in self.documents}
            fresh.prepare([d for d in fresh.documents if d.id not in held])
        return fresh

    # -- public --------------------------------------------------------------------------------
    def ask(self, question: str) -> Answer:
        started = time.perf_counter()
        if (refused := too_long(question)) is not None:
            return refused
        asked = self.read(question)
        answer = self._answer(asked)
        reworded = answer.reading.get("reworded")      # the optional model's rewording, answered instead
        checked = self.read(reworded) if reworded else asked
        several = len(checked.parts) > 1 or len([c for c in re.split(r"[？?；;。!！]", checked.question) if c.strip()]) > 1
        answer = gated(checked.without_departments().text, answer, self.lexicon, several=several)
        answer = self._with_check_notes(answer)
        answer = self._with_version_note(answer)
        answer.question = question            # as the person typed it (the reading holds its one form)
        plan = {"plan": answer.reading["plan"]} if "plan" in answer.reading else {}
        answer.reading = {**asked.describe(), **plan, **({"reworded": reworded} if reworded else {})}
        answer.elapsed_ms = (time.perf_counter() - started) * 1000
        return answer

    def asks_across(self, text: str) -> bool:
        """The (normalized) question asks across departments (「哪个部门…最多」)."""
        return bool(self._across.search(text))

    def _with_check_notes(self, answer: Answer) -> Answer:
        """A found answer whose cited cells take part in a failing check of their document says so, one
        line a check (「注意：本表合计与分项之和相差…，见 budgetqa check」): the figure is as printed, and
        the document disagrees with itself there."""
        from ingest.checks import notes_for_cells

        if not answer.found:
            return answer
        cells: dict[int, list[tuple[str, str, str]]] = {}
        for c in answer.citations:
            if c.document_id is not None and c.table and c.row and (c.header or c.column):
                cells.setdefault(c.document_id, []).append((c.table, c.row, c.header or c.column or ""))
        notes: list[str] = []
        with self._lock:
            for doc_id, refs in cells.items():
                notes += [n.note for n in notes_for_cells(self.store, doc_id, refs, self.checks(doc_id))]
        if notes:
            answer.answer += "\n" + "\n".join(dict.fromkeys(notes))
        return answer

    def _with_version_note(self, answer: Answer) -> Answer:
        """A found answer from a document held in several versions says which it used, one line a
        document: 「（采用第2版，sha256 ab12cd34，2026-12-06 添加）」 — another version's figures may differ."""
        if not answer.found:
            return answer
        docs = {d.id: d for d in self.documents}
        cited = dict.fromkeys(c.document_id for c in answer.citations if c.document_id in docs)
        notes = [version_note(docs[i], self.versions[i]) for i in cited]
        if any(notes):
            answer.answer += "\n" + "\n".join(n for n in notes if n)
        return answer

    def checks(self, document_id: int) -> list[Any]:
        """The consistency checks (ingest.checks) of one document, run once for the whole service: its
        engines' consistency answers and the notes under answers read the same list."""
        with self._lock:              # the store's one connection
            if document_id not in self._checks:
                from ingest.checks import run_checks

                self._checks[document_id] = run_checks(self.store, document_id)
            return self._checks[document_id]

    @property
    def narrative(self) -> Any:
        """The narrative index of the whole store (one document's, usually)."""
        return self._whole().narrative

    def retrieve_chunks(self, question: str, k: int = 3) -> list[str]:
        """Texts of the narrative chunks ranked first for a question, in the documents it is about."""
        asked = self.read(question)
        departments = self.directory.departments if self.single else list(dict.fromkeys(n.department
                                                                                         for n in asked.named))
        if len(departments) != 1:
            return []   # no one department: the answer asks which, nothing is retrieved
        doc = self.directory.pick(departments[0], asked.scope.years, asked.scope.kinds)
        return self.engine([doc]).retrieve_chunks(asked.whole, k) if doc else []

    def search_records(self, query: str, document: str | None = None, table: str | None = None,
                       limit: int = 200) -> list[StoredRecord]:
        """Records for the staff look-up (see Engine.search_records), over the documents whose title
        or department contains `document` (every document when None). With many documents, the store
        is asked first which documents print the words, so only their engines are built."""
        docs = [d for d in self.documents if not document or document in d.title or document in d.department]
        if len(docs) > LIST_MAX:
            docs = self._documents_printing(query, docs)
        out: list[StoredRecord] = []
        for doc in docs:
            out += self.engine([doc]).search_records(query, None, table, limit - len(out))
            if len(out) >= limit:
                break
        return out[:limit]

    def _documents_printing(self, query: str, docs: list[StoredDocument]) -> list[StoredDocument]:
        """The documents with a row whose code starts with the query or whose label holds its words
        (or the lexicon's printed form of them)."""
        q = normalize_question(query)
        if not q:
            return docs
        words = {q, self.lexicon.canonical(q)}
        where = " OR ".join(["code LIKE ?"] + ["row_key LIKE ?"] * len(words))
        args = (f"{q}%", *(f"%{w}%" for w in words))
        with self._lock:
            ids = {r[0] for r in self.store.execute(
                f"SELECT DISTINCT document_id FROM records WHERE value IS NOT NULL AND ({where})", args).fetchall()}
        return [d for d in docs if d.id in ids]

    # -- routing -------------------------------------------------------------------------------
    def read(self, question: str) -> Asked:
        """The question read once (chatbot.understand.question), with the stored departments it names."""
        return read_question(question, self.patterns, self.directory.named)

    def _answer(self, asked: Asked) -> Answer:
        question = asked.question
        if asked.empty:
            return refuse("empty_question", question)
        if not self.documents:
            return refuse("empty_store", question)
        spans = asked.spans
        if self.single:
            return self._one_department(asked, self.directory.departments[0])
        if len(spans) >= 2:
            departments = [d for names in spans.values() for d in names]
            return planned("compare_departments", across_departments.compare(self, asked, list(dict.fromkeys(departments))))
        if len(spans) == 1:
            departments = next(iter(spans.values()))
            if len(departments) == 1:
                return self._one_department(asked, departments[0])
            first = asked.named[0]
            why = f"「{asked.text[first.start:first.end]}」可指{len(departments)}个部门。"
            return planned("list_departments", across_departments.several(self, asked, departments, why))
        unknown = self.directory.unknown_orgs(asked.text, list(asked.named), asked.scope.orgs)
        if unknown:
            return refuse("unknown_organisation", question, "refusal", missing="、".join(unknown),
                          holdings=self.directory.holdings())
        if self.asks_across(asked.text):
            return planned("rank_departments", across_departments.rank(self, asked))
        routed = self.directory.routed(asked.text)
        departments = list(dict.fromkeys(d.department for d in routed))
        if len(departments) == 1:
            return self._one_department(asked, departments[0], within=routed)
        candidates = departments or self.directory.departments
        why = f"问题没有指明部门，库中有{len(candidates)}个部门的文件可能相关。"
        return planned("list_departments", across_departments.several(self, asked, candidates, why))

    def _one_department(self, asked: Asked, department: str, within: list[StoredDocument] | None = None) -> Answer:
        """A question about one department: the document of the year and kind it names (the latest 预算
        when none; among `within`, the documents printing a unit the question names), a change between
        two stored years from both documents."""
        scope, question = asked.scope, asked.question
        docs = self.directory.documents_of(department)
        if not scope.years and (offset := relative_year(asked.text, self.patterns)) is not None:
            latest = max((d.year for d in docs if d.year), default=None)
            if latest is not None and not any(d.year == latest + offset for d in docs):
                said = replace(asked, scope=replace(scope, years=(latest + offset,)))
                return across_departments.missing_year(self, said, department)
        if (series := comparisons.year_series(self, asked, department)) is not None:
            return planned("year_series", series)
        if len({(d.year, d.kind, d.level) for d in docs}) == 1 and not scope.compared_years:
            docs = [self.directory.pick(department, levels=scope.levels) or docs[0]]   # the PDF of PDF + workbook
        if len(docs) == 1 and not scope.compared_years:
            return self.engine(docs).ask(asked)
        doc = self.directory.pick(department, scope.years, scope.kinds, within=within, levels=scope.levels)
        prior = None
        if doc is not None and not scope.years and not scope.compared_years:   # 「去年的三公经费」: a level, not a change
            engine = self.engine([doc])
            prior = engine.prior_year_asked(engine.understand(asked.whole))
        if prior is not None and (earlier := self.directory.pick(department, [prior], scope.kinds)) is not None \
                and earlier.year == prior:
            answer = self.engine([earlier]).ask(f"{prior}年{strip_prior_words(asked.text, prior)}")
            answer.question = question
            return answer
        if (change := comparisons.year_change(self, asked, department)) is not None:
            return planned("year_change", change)
        if (change := comparisons.kind_change(self, asked, department)) is not None:
            return planned("kind_change", change)
        if doc is None:
            later = self.directory.pick(department, [y + 1 for y in scope.years], scope.kinds)
            if later is not None and len(scope.years) == 1:    # last year's figure, from next year's narrative
                return self.engine([later]).ask(asked)
            return across_departments.missing_year(self, asked, department)
        answer = self.engine([doc]).ask(asked)
        others = [d for d in docs if d.id != doc.id and not same_disclosure(d, doc)]   # its workbook is no other
        level_twin = [d for d in others if (d.year, d.kind) == (doc.year, doc.kind) and d.level != doc.level]
        if level_twin and answer.found:      # a 部门预算 and the unit's own 单位预算 of the same year
            answer.answer = f"（按{doc.title}回答；库中还有{level_twin[0].title}，问「{doc.level == '部门' and '单位预算' or '部门预算'}」即按它回答。）{answer.answer}"
        elif not scope.years and others and answer.found:
            years = "、".join(sorted({f"{d.year}年{d.kind}" for d in others}))
            answer.answer = f"（未指明年份，按{doc.title}回答；库中该部门还有{years}。）{answer.answer}"
        return answer

def planned(kind: str, answer: Answer) -> Answer:
    """The answer marked with the plan kind that made it (chatbot.plan.PLAN_KINDS), kept in its reading."""
    answer.reading.setdefault("plan", kind)
    return answer


def relative_year(text: str, patterns: dict[str, Any]) -> int | None:
    """The offset of a year said relative to the latest document (「前年」 −2, 「明年」 +1), else None."""
    offsets = patterns["relative_years"]["offsets"]
    return next((offsets[w] for w in sorted(offsets, key=len, reverse=True) if w in text), None)


def open_service(store_dir: str | Path, **kwargs: Any) -> Service:
    """The service over the store at `store_dir` (see `Service`)."""
    return Service(store_dir, **kwargs)


def cite_records(records: list[StoredRecord]) -> list[Citation]:
    return [cite(r) for r in records]
