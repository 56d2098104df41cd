"""Running a question set against budgetqa and the baseline over one store, scoring every answer."""
from __future__ import annotations

import contextlib
import json
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import ingest
from ingest.store.storage import StorePaths

from . import score
from .score import Outcome, Question, QuestionError, Scored

REPO = Path(__file__).resolve().parent.parent
QUESTIONS_DIR = REPO / "eval" / "questions"
DEFAULT_QUESTIONS = QUESTIONS_DIR / "sample.jsonl"
SAMPLES_DIR = Path(ingest.__file__).resolve().parent / "samples"
SAMPLE_PDF = SAMPLES_DIR / "changsha-gxj-2024.pdf"
SYSTEMS = ("budgetqa", "baseline")


class System(Protocol):
    """Something that answers questions; `retrieved_texts` gives the narrative passages it used."""

    name: str

    def ask(self, question: str) -> Any: ...

    def retrieved_texts(self, question: str, answer: Any) -> list[str]: ...

    def close(self) -> None: ...


class Budgetqa:
    """The chatbot under test, through its service; retrieval is its own when the service exposes
    `retrieve_chunks(question, k)`, else the passages its narrative citations quote."""

    name = "budgetqa"

    def __init__(self, store_dir: str | Path) -> None:
        from chatbot.service import open_service

        self.service = open_service(Path(store_dir))

    def ask(self, question: str) -> Any:
        return self.service.ask(question)

    def retrieved_texts(self, question: str, answer: Any) -> list[str]:
        retrieve = getattr(self.service, "retrieve_chunks", None)
        if callable(retrieve):
            return [_node_text(c) for c in retrieve(question, 3)]
        return [c.text or "" for c in answer.citations if getattr(c, "section", None) is not None]

    def close(self) -> None:
        close = getattr(self.service, "close", None)
        if callable(close):
            close()


def _node_text(item: Any) -> str:
    if isinstance(item, str):
        return item
    node = getattr(item, "node", item)
    get = getattr(node, "get_content", None)
    return get() if callable(get) else str(getattr(node, "text", item))


@dataclass
class QuestionResult:
    """One system's answer to one question, with its score."""

    id: str
    category: str
    question: str
    answer: dict[str, Any]
    scored: Scored
    latency_ms: float
    retrieved: list[str] = field(default_factory=list)
    document: str = ""

    def outcome(self, expected_found: bool) -> Outcome:
        return Outcome(self.category, expected_found, bool(self.answer.get("found")), self.scored,
                       self.latency_ms, self.document)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "category": self.category, "question": self.question,
                **({"document": self.document} if self.document else {}), "answer": self.answer,
                **asdict(self.scored), "latency_ms": round(self.latency_ms, 1),
                "retrieved": [t[:120] for t in self.retrieved]}


@dataclass
class SystemRun:
    """All answers of one system; `error` says why it could not run (then results is empty)."""

    name: str
    results: list[QuestionResult] = field(default_factory=list)
    error: str | None = None
    summary: dict[str, dict[str, Any]] = field(default_factory=dict)
    by_document: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class EvalReport:
    questions_path: str
    store: str
    questions: list[Question]
    runs: dict[str, SystemRun]
    started_at: str = ""
    seconds: float = 0.0
    scorer: str = "strict"        # strict: expected figures among the answer's values; lenient: or its text
    variants: Any = None          # eval.variants.VariantRun when the variants were run (budgetqa only)

    def accuracy(self, system: str = "budgetqa") -> float | None:
        run = self.runs.get(system)
        if run is None or run.error or not run.summary:
            return None
        return run.summary["overall"]["accuracy"]

    def wrong(self, system: str = "budgetqa") -> int | None:
        """How many answers gave a wrong figure or answer (a refusal is not wrong); with the variants run,
        budgetqa's wrong answers to the variants and mutations too."""
        run = self.runs.get(system)
        if run is None or run.error or not run.summary:
            return None
        extra = self.variants.summary()["wrong"] if self.variants is not None and system == "budgetqa" else 0
        return run.summary["overall"]["wrong"] + extra

    def invariance(self) -> float | None:
        """Variants holding / variants of originals answered right (None when not run or none counted)."""
        return None if self.variants is None else self.variants.summary()["invariance"]

    def categories(self) -> list[str]:
        seen: dict[str, None] = {}
        for run in self.runs.values():
            for c in run.summary:
                seen.setdefault(c, None)
        return list(seen)

    def to_json(self) -> dict[str, Any]:
        return {
            "questions": self.questions_path, "store": self.store, "started_at": self.started_at,
            "seconds": round(self.seconds, 1), "n_questions": len(self.questions), "scorer": self.scorer,
            "systems": {name: {"error": run.error, "summary": run.summary, "by_document": run.by_document,
                               "results": [r.to_json() for r in run.results]}
                        for name, run in self.runs.items()},
            **({"variants": self.variants.to_json()} if self.variants is not None else {}),
        }


def load_questions(path: str | Path) -> list[Question]:
    """Questions of a JSON-lines file (blank lines and lines starting with # skipped); ids unique."""
    questions, ids = [], set()
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            q = score.parse_question(json.loads(line))
        except json.JSONDecodeError as exc:
            raise QuestionError(f"{path}:{n}: not JSON ({exc.msg})") from exc
        except QuestionError as exc:
            raise QuestionError(f"{path}:{n}: {exc}") from exc
        if q.id in ids:
            raise QuestionError(f"{path}:{n}: duplicate id {q.id}")
        ids.add(q.id)
        questions.append(q)
    return questions


def store_is_empty(store_dir: str | Path) -> bool:
    from ingest.store.store import Store

    paths = StorePaths.at(store_dir)
    if not Store.exists(paths.sqlite):
        return True
    store = Store(paths.sqlite)
    try:
        return not store.documents()
    finally:
        store.close()


def corpus_file(questions_path: str | Path | None) -> Path | None:
    """The corpus a question set is about: `<stem>.corpus.json` next to it (None when there is none)."""
    if questions_path is None:
        return None
    path = Path(questions_path)
    found = path.with_name(f"{path.stem}.corpus.json")
    return found if found.is_file() else None


def write_corpus(corpus_path: str | Path, folder: str | Path) -> list[Path]:
    """The documents of a corpus file, written into `folder` in text form: each entry is either a
    synthetic document {"seed", "index", "city", "bureau", "year", "kind"} (eval/synth/) or
    {"sample": "<name>"}, a text of ingest/samples/, or {"file": "<path>"}, a file of the repository
    (path relative to it; ingested where it is, not copied). Returns the files, in corpus order."""
    from . import synth

    folder = Path(folder)
    out = []
    for n, spec in enumerate(json.loads(Path(corpus_path).read_text(encoding="utf-8"))):
        if "file" in spec:
            path = REPO / spec["file"]
            if not path.is_file():
                raise RuntimeError(f"{corpus_path}: no file {spec['file']}")
        elif "sample" in spec:
            source = SAMPLES_DIR / spec["sample"]
            path = folder / f"{n:02d}-{source.name}"
            path.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
        else:
            doc = synth.generate(spec["seed"], spec["index"], kind=spec["kind"], city=spec["city"],
                                 bureau=spec["bureau"], year=spec["year"])
            path = folder / f"{n:02d}-synth-{spec['index']}.txt"
            synth.render_text(doc, path)
        out.append(path)
    return out


def ensure_store(store_dir: str | Path, questions_path: str | Path | None = None) -> bool:
    """Ingest the question set's documents if the store holds none; True if it did. The documents are
    those of `<questions stem>.corpus.json` next to the question file when there is one (see
    write_corpus), else the bundled sample disclosure (PDF)."""
    if not store_is_empty(store_dir):
        return False
    from ingest.pipeline import ingest_paths

    corpus = corpus_file(questions_path)
    with tempfile.TemporaryDirectory(prefix="budgetqa-corpus-") as tmp:
        files = write_corpus(corpus, tmp) if corpus else [SAMPLE_PDF]
        summary = ingest_paths(files, store_dir)
    optional = optional_files(corpus) if corpus else set()
    failed = [f for f in summary.failed if Path(f.path).name not in optional]
    if failed:
        raise RuntimeError(f"could not ingest {corpus or 'the bundled sample'}: "
                           f"{Path(failed[0].path).name}: {failed[0].reason}")
    return True


def optional_files(corpus_path: str | Path) -> set[str]:
    """Names of the corpus files marked {"optional": true}: files the reader may refuse (a scan without a
    text layer, a workbook of pictures); their refusal does not stop the evaluation."""
    specs = json.loads(Path(corpus_path).read_text(encoding="utf-8"))
    return {Path(s["file"]).name for s in specs if s.get("optional") and "file" in s}


def open_system(name: str, store_dir: str | Path) -> System:
    if name == "budgetqa":
        return Budgetqa(store_dir)
    if name == "baseline":
        from .baseline import Baseline

        return Baseline(store_dir)
    raise ValueError(f"unknown system {name!r} (choose from {', '.join(SYSTEMS)})")


Progress = Callable[[str, int, int], None]


def run_system(system: System, questions: Sequence[Question], progress: Progress | None = None,
               strict: bool = True) -> SystemRun:
    """Ask every question, time it, score it (strictly unless `strict` is False: see eval/score.py)."""
    run = SystemRun(system.name)
    for i, q in enumerate(questions, start=1):
        started = time.perf_counter()
        answer = system.ask(q.question)
        latency = (time.perf_counter() - started) * 1000
        retrieved = system.retrieved_texts(q.question, answer) if q.expected.chunk_contains else []
        payload = answer.to_json() if hasattr(answer, "to_json") else dict(answer)
        run.results.append(QuestionResult(q.id, q.category, q.question, payload,
                                          score.score_answer(q, answer, retrieved, strict), latency, retrieved,
                                          q.document))
        if progress:
            progress(system.name, i, len(questions))
    expected = {q.id: q.expected.found for q in questions}
    outcomes = [r.outcome(expected[r.id]) for r in run.results]
    run.summary = score.summarize_by_category(outcomes)
    run.by_document = score.summarize_by_document(outcomes)
    return run


def run_eval(store_dir: str | Path, questions_path: str | Path = DEFAULT_QUESTIONS,
             systems: Sequence[str] = SYSTEMS, limit: int | None = None,
             progress: Progress | None = None, strict: bool = True, variants: bool = False) -> EvalReport:
    """Score each system on the question set over the store (strict scorer unless `strict` is False).
    A system that cannot be opened (the chatbot service missing, say) is reported with its error instead
    of stopping the run. With `variants`, budgetqa also answers each question's variants and mutations
    (eval/variants.py), judged against its original answers."""
    questions = load_questions(questions_path)[:limit]
    started, t0 = datetime.now(UTC).isoformat(timespec="seconds"), time.perf_counter()
    runs, variant_run = {}, None
    for name in systems:
        # llama-index prints notices on stdout; keep stdout for the report (`budgetqa eval --json`)
        with contextlib.redirect_stdout(sys.stderr):
            try:
                system = open_system(name, store_dir)
            except ImportError as exc:
                runs[name] = SystemRun(name, error=f"cannot open {name}: {exc}")
                continue
            try:
                runs[name] = run_system(system, questions, progress, strict)
                if variants and name == "budgetqa":
                    variant_run = run_variants(system, questions, runs[name], strict, progress)
            finally:
                system.close()
    return EvalReport(str(questions_path), str(store_dir), questions, runs, started,
                      time.perf_counter() - t0, "strict" if strict else "lenient", variant_run)


def run_variants(system: Any, questions: Sequence[Question], run: SystemRun, strict: bool = True,
                 progress: Progress | None = None) -> Any:
    """The variants and mutations of the questions (eval/variants.py) asked of the system, against the
    original answers of `run`; the contexts come from the system's store."""
    from . import variants

    ctxs = variants.contexts(questions, system.service.store)
    originals = {r.id: r.answer for r in run.results}
    verdicts = {r.id: r.scored.verdict for r in run.results}
    return variants.run_cases(system, questions, originals, verdicts, ctxs, strict, progress)
