"""Ingest files into a store: parse (isolated), then write SQLite and Chroma for each document as one
unit. Unchanged files are skipped by content hash; a failure leaves the store as it was."""
from __future__ import annotations

import hashlib
import os
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from .bounds import Deadline, IngestLimits, check_records, check_size, embed_within, timeout
from .document.identity import reading_notes
from .document.model import Document
from .document.sandbox import ParseLimits, parse_isolated
from .errors import IngestError, ParseTimeout, disk_full_reason, is_disk_full, shown_name
from .stages import Stage
from .store.index_check import document_gap, repair_document
from .store.storage import StorePaths, Stores, open_stores
from .store.vectors import document_nodes
from .tables.merge import is_partial, merge_disclosure, pair_partials
from .tables.records import document_records


@dataclass
class FileResult:
    """What happened to one file: ingested, skipped (unchanged) or error, with counts and the reason."""

    path: str
    status: str
    title: str = ""
    tables: int = 0
    records: int = 0
    chunks: int = 0
    reason: str = ""
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)  # what the document did not give up (identity.reading_notes)

    def line(self) -> str:
        """The file's ingest line: 「ingested: a.pdf: 标题 — 9 tables, … （部门未能读出；第3页的表格未能读取）」."""
        if self.status == "repaired":
            return f"repaired: {self.path}: {self.title} — {self.reason}"
        if self.status != "ingested":
            return f"{'error' if self.status == 'error' else 'skipped'}: {shown_name(self.path)}: {shown_name(self.reason)}"
        notes = f"（{'；'.join(self.notes)}）" if self.notes else ""
        return shown_name(f"ingested: {self.path}: {self.title} — {self.tables} tables, {self.records} records, "
                          f"{self.chunks} chunks ({self.seconds:.1f} s){notes}")


@dataclass
class IngestSummary:
    results: list[FileResult] = field(default_factory=list)

    @property
    def failed(self) -> list[FileResult]:
        return [r for r in self.results if r.status == "error"]

    def line(self) -> str:
        n = {s: sum(1 for r in self.results if r.status == s) for s in ("ingested", "skipped", "error", "repaired")}
        recs = sum(r.records for r in self.results)
        repaired = f", {n['repaired']} repaired" if n["repaired"] else ""
        return (f"{len(self.results)} file(s): {n['ingested']} ingested, {n['skipped']} unchanged{repaired}, "
                f"{n['error']} failed; {recs} records")


Progress = Callable[[int, int, FileResult], None]


DEFAULT_LIMITS = ParseLimits()
# Embedding runs here, in the writer, outside the parse limits, and costs more the longer its input
# (the bundled model: the square of it): a hostile 30,000-character row label held the writer for
# minutes. Whatever the embedder (an endpoint too), it gets at most this much of a node's short form;
# a row label or a chunk's opening words fit in far fewer.
EMBED_MAX_CHARS = 256
# A file's size is read (stat) before a byte of it: a bigger one is refused, never read into memory.
MAX_FILE_MB = int(os.environ.get("BUDGETQA_MAX_FILE_MB", "512"))
HASH_BLOCK = 1 << 20


def ingest_paths(paths: Iterable[str | Path], store_dir: str | Path, progress: Progress | None = None,
                 limits: ParseLimits = DEFAULT_LIMITS, workers: int = 1, by: str | None = None,
                 stage: Stage | None = None) -> IngestSummary:
    """Ingest every file (folders are walked for .pdf/.xlsx/.txt/.md); each file on its own; `by`
    is who adds them (the OS user when None). `progress` is told each file's outcome, `stage` each
    file's stages as they come (ingest.stages: parse, records, embed n/N, store, ready).

    Files are parsed by up to `workers` child processes at once; one writer (this process) stores
    them in the order given, each under the store's write lock, so SQLite and Chroma never see two
    writers, whichever processes ingest. Each file's whole ingest is bounded (ingest.bounds:
    BUDGETQA_INGEST_SECONDS, BUDGETQA_MAX_EMBED_TEXTS, BUDGETQA_MAX_RECORDS); an unchanged file whose
    vectors are missing has them rebuilt.
    """
    files = expand_paths(paths)
    bounds = IngestLimits.from_env()
    limits = replace(limits, seconds=min(limits.seconds, bounds.seconds))  # the parse is part of the ingest
    stores = open_stores(StorePaths.at(store_dir))
    stores.added_by = by or os_user()
    store = _Writer(stores, bounds, stage)
    results: dict[int, FileResult] = {}

    def report(i: int, result: FileResult) -> None:
        results[i] = result
        if progress:
            progress(len(results), len(files), result)

    held: list[tuple[int, Path, _Parsed]] = []  # half a disclosure waits for its other half
    try:
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            jobs = [(path, _submit(pool, path, store, limits)) for path in files]
            for i, (path, job) in enumerate(jobs):
                if isinstance(job, FileResult):
                    report(i, job)
                    continue
                parsed: _Parsed = job.result()
                if parsed.document is not None and is_partial(parsed.document):
                    held.append((i, path, parsed))
                    continue
                report(i, store(path, parsed))
        for i, result in _store_held(held, store):
            report(i, result)
    finally:
        stores.close()
    return IngestSummary([results[i] for i in sorted(results)])  # in the order given


def _store_held(held: list[tuple[int, Path, _Parsed]], store: _Writer) -> list[tuple[int, FileResult]]:
    """Partial documents: each 情况说明 + 报表 pair stored as one document, the rest as they are;
    each result with the position of its file."""
    by_doc = {id(p.document): (i, path, p) for i, path, p in held}
    paired: set[int] = set()
    results: list[tuple[int, FileResult]] = []
    for narrative, tables in pair_partials([p.document for _, _, p in held if p.document is not None]):
        (n_i, n_path, n_parsed), (t_i, t_path, t_parsed) = by_doc[id(narrative)], by_doc[id(tables)]
        merged = _Parsed(merge_disclosure(narrative, tables), "", n_parsed.seconds + t_parsed.seconds)
        result = store(t_path, merged, files=(t_path, n_path))
        if result.status == "ingested":  # each file's line counts what that file gave
            result.reason = f"one disclosure with {n_path.name}"
            results.append((n_i, replace(result, path=str(n_path), tables=0, records=0,
                                         chunks=len(narrative.chunks), reason=f"one disclosure with {t_path.name}",
                                         notes=reading_notes(narrative.department, narrative.year))))
        else:
            results.append((n_i, replace(result, path=str(n_path))))
        results.append((t_i, result))
        paired |= {id(narrative), id(tables)}
    results += [(i, store(path, p)) for i, path, p in held if id(p.document) not in paired]
    return results


@dataclass
class _Parsed:
    """What a parse job hands the writer: the document, or the reason it failed."""

    document: Document | None
    error: str
    seconds: float


def _submit(pool: ThreadPoolExecutor, path: Path, store: _Writer, limits: ParseLimits) -> FileResult | Future:
    """A skipped/failed/repaired FileResult at once, or the future of the file's isolated parse."""
    started = time.perf_counter()
    try:
        if not path.is_file():
            raise IngestError(str(path), "no such file")
        size = path.stat().st_size
        if size > MAX_FILE_MB * 1024 * 1024:
            raise IngestError(str(path), f"file is {size / 1024 / 1024:.1f} MB, more than the limit of "
                                         f"{MAX_FILE_MB} MB (BUDGETQA_MAX_FILE_MB)")
        sha = file_sha256(path)
    except IngestError as exc:
        return FileResult(str(path), "error", reason=exc.reason)
    except OSError as exc:
        return FileResult(str(path), "error", reason=f"cannot read file ({exc.strerror or exc})")
    if store.stores.sql.has_sha(sha):
        return store.unchanged(path, sha, started)
    return pool.submit(_parse, path, limits, store.bounds, store.stage)


def file_sha256(path: Path) -> str:
    """The file's SHA-256, read a block at a time (memory stays flat whatever the size)."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(HASH_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def _parse(path: Path, limits: ParseLimits, bounds: IngestLimits, stage: Stage) -> _Parsed:
    """In a thread of the parse pool: the file parsed in a child process (its stage told at both ends)."""
    started = time.perf_counter()
    stage(str(path), "parse", 0, 0)
    try:
        document = parse_isolated(path, limits)
        stage(str(path), "parse", document.pages, document.pages)
        return _Parsed(document, "", time.perf_counter() - started)
    except ParseTimeout as exc:  # stopped by the whole ingest's limit, not the parse's own: say which
        reason = timeout(str(path), bounds, "parsing").reason if limits.seconds >= bounds.seconds else exc.reason
        return _Parsed(None, reason, time.perf_counter() - started)
    except IngestError as exc:
        return _Parsed(None, exc.reason, time.perf_counter() - started)


class _Writer:
    """The one writer of an ingest run: stores each parsed document within the run's bounds, and
    repairs an unchanged file's missing vectors."""

    def __init__(self, stores: Stores, bounds: IngestLimits, stage: Stage | None) -> None:
        self.stores = stores
        self.bounds = bounds
        self.stage: Stage = stage or _untold

    def embedded(self, path: str, done: int, total: int) -> None:
        """embed_within's progress, told as the embed stage."""
        self.stage(path, "embed", done, total)

    def __call__(self, path: Path, parsed: _Parsed, files: tuple[Path, ...] = ()) -> FileResult:
        doc = parsed.document
        if doc is None:
            return FileResult(str(path), "error", reason=parsed.error, seconds=parsed.seconds)
        unchanged = FileResult(str(path), "skipped", reason="unchanged (same content already ingested)")
        if self.stores.sql.has_sha(doc.sha256):  # the same content twice in one batch
            return unchanged
        started = time.perf_counter()
        doc = replace(doc, source=shown_name(doc.source))   # a name that is not UTF-8 is stored escaped
        # a disclosure read from two files had a parse for each: the time it may still take is what
        # one file's ingest may take after the longer of the two parses, about half their sum
        deadline = Deadline(path, self.bounds, spent=parsed.seconds / max(1, len(files)), pages=doc.pages or 0)
        try:
            check_size(str(path), sum(len(t.rows) for t in doc.tables), len(doc.chunks), self.bounds)
            records = document_records(doc)
            check_records(str(path), len(records), self.bounds)
            nodes, embed_texts = document_nodes(doc, records)
            embed_texts = [t[:EMBED_MAX_CHARS] for t in embed_texts]
            deadline.check("building the records")
            self.stage(str(path), "records", len(records), len(records))
            self.stage(str(path), "embed", 0, len(set(embed_texts)))  # embed_within's count: the distinct texts
            embed_within(self.stores.vectors, str(path), embed_texts, deadline, self.embedded)
            self.stage(str(path), "store", 0, 1)
            stored = self.stores.store_document(doc, records, nodes, embed_texts, files=files or (path,))
        except Exception as exc:
            full = is_disk_full(exc, self.stores.paths.root)
            if not full and not isinstance(exc, IngestError):
                raise
            if full:
                _forget_partial(self.stores, doc.sha256)
            reason = disk_full_reason(exc) if full else exc.reason   # type: ignore[attr-defined]
            return FileResult(str(path), "error", reason=reason, seconds=parsed.seconds)
        if stored is None:  # another writer stored the same content while this one parsed it
            return unchanged
        self.stage(str(path), "ready", 1, 1)
        return FileResult(str(path), "ingested", doc.title, len(doc.tables), len(records), len(doc.chunks),
                          seconds=parsed.seconds + time.perf_counter() - started,
                          notes=reading_notes(doc.department, doc.year, doc.unread_pages))

    def unchanged(self, path: Path, sha: str, started: float) -> FileResult:
        """A file already stored: skipped, or, when its document's vectors are missing from the index
        (a lost `chroma/`, a writer's clean-up), repaired from the lookup."""
        try:
            with self.stores.writing():     # a repair writes: one writer at a time, as any ingest
                docs = [d for d in self.stores.sql.documents() if d.sha256 == sha]
                lacking = [g for g in (document_gap(self.stores, d) for d in docs) if not g.complete]
                deadline = Deadline(path, self.bounds)
                added = sum(repair_document(self.stores, g.document, self.embedded, deadline)
                            for g in lacking)
        except IngestError as exc:
            return FileResult(str(path), "error", reason=exc.reason, seconds=time.perf_counter() - started)
        if not lacking:
            return FileResult(str(path), "skipped", reason="unchanged (same content already ingested)",
                              seconds=time.perf_counter() - started)
        return FileResult(str(path), "repaired", lacking[0].document.title,
                          reason=f"unchanged, but {added} vector(s) were missing: rebuilt from the lookup "
                                 "/ 内容未变，缺失的向量已重建", seconds=time.perf_counter() - started)


def _untold(path: str, name: str, done: int, total: int) -> None:
    """The stage callback of a run nobody watches."""


def _forget_partial(stores: Stores, sha256: str) -> None:
    """After the disk filled mid-write: the new document's vectors and kept PDF, if any got written, are
    removed (best effort: a later ingest of the same file removes what is left); SQLite rolled back. Never
    when another writer has stored the same content meanwhile: its vectors are not this writer's."""
    if stores.sql.has_sha(sha256):
        return
    for step in (lambda: stores.vectors.delete_document(sha256), stores.drop_unused_page_files):
        try:
            step()
        except Exception:  # noqa: BLE001 - the disk may still be full; the line already says what failed
            pass


def os_user() -> str:
    """Who runs this process, as `list` shows who added a document ("" when the system cannot say)."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.suffix.lower() in {".pdf", ".xlsx", ".txt", ".md"}))
        else:
            out.append(p)
    return out


def print_progress(i: int, n: int, result: FileResult) -> None:
    """A one-line progress bar on stderr: [####----] 3/8 file.pdf ingested."""
    width = 24
    done = int(width * i / n) if n else width
    bar = "#" * done + "-" * (width - done)
    name = shown_name(Path(result.path).name)
    notes = f"（{'；'.join(result.notes)}）" if result.notes else ""
    print(f"\r[{bar}] {i}/{n} {name} {result.status}{notes}", end="\n" if i == n or n == 1 else "", file=sys.stderr,
          flush=True)
