"""The store directory: the SQLite numeric lookup and the Chroma vector index, written together, and
the PDFs the documents were read from (to show their pages)."""
from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..document.model import Document, Record
from ..errors import IngestError
from ..pdf.render import PAGES_DIR, kept_pdf
from .embed_cache import CACHE_FILE, EmbeddingCache, embedder_identity
from .embedding import configured_embedder
from .lock import say_waiting, write_lock
from .nodes import IndexNode
from .store import Store, StoredDocument
from .stored_nodes import StoredNodes
from .undo_room import undo_room
from .vectors import VectorIndex

DEFAULT_STORE = "budgetqa-store"


def default_store_dir() -> Path:
    return Path(os.environ.get("BUDGETQA_STORE", DEFAULT_STORE))


@dataclass(frozen=True)
class StorePaths:
    root: Path

    @classmethod
    def at(cls, root: str | Path | None) -> StorePaths:
        return cls(Path(root) if root else default_store_dir())

    @property
    def sqlite(self) -> Path:
        return self.root / "budgetqa.sqlite"

    @property
    def chroma(self) -> Path:
        return self.root / "chroma"

    @property
    def embeddings(self) -> Path:
        """The text → vector cache (ingest.store.embed_cache): each distinct text embedded once per store."""
        return self.root / CACHE_FILE

    @property
    def pages(self) -> Path:
        """The PDFs the documents were read from, kept as pages/<sha256>.pdf to show their pages."""
        return self.root / PAGES_DIR

    def page_file(self, sha256: str) -> Path:
        return kept_pdf(self.root, sha256)


class Stores:
    """Both stores of one directory; the vector index is opened on first use. Every write goes
    through `writing()`, which holds the store's write lock (ingest.store.lock)."""

    def __init__(self, paths: StorePaths, embedder: Any = None) -> None:
        self.paths = paths
        self.sql = Store(paths.sqlite)
        self._embedder = embedder  # an embedding.Embedder (or llama-index's kind); the configured one when None
        self._vectors: VectorIndex | None = None
        self._vectors_generation = -1  # the store's generation when this process last saw Chroma whole
        self.added_by: str | None = None  # who writes through these stores (list shows it)

    @property
    def vectors(self) -> VectorIndex:
        if self._vectors is None:
            embedder = self._embedder or configured_embedder()
            cache = EmbeddingCache(self.paths.embeddings, embedder_identity(embedder))
            self._vectors_generation = self.sql.generation()
            self._vectors = VectorIndex(self.paths.chroma, embedder, cache, StoredNodes(self.sql))
        return self._vectors

    @contextmanager
    def writing(self, waiting: Callable[[str], None] = say_waiting) -> Iterator[Stores]:
        """Hold the write lock while writing. When another process wrote since this one opened Chroma,
        Chroma is opened afresh first: a process's Chroma sees neither another's writes (chroma#3769)
        nor would it keep them when it writes."""
        with write_lock(self.paths.root, waiting=waiting):
            if self._vectors is not None and self.sql.generation() != self._vectors_generation:
                self._reopen_vectors()
            try:
                yield self
            finally:
                self._vectors_generation = self.sql.generation()

    def _reopen_vectors(self) -> None:
        from .vectors import forget_chroma_systems

        if self._vectors is not None and self._vectors.cache is not None:
            self._vectors.cache.close()
        self._vectors = None
        forget_chroma_systems(self.paths.chroma, stop=False)  # a question may still read the old one

    def store_document(self, doc: Document, records: list[Record], nodes: list[IndexNode],
                       embed_texts: list[str], files: Sequence[Path] = (), by: str | None = None,
                       waiting: Callable[[str], None] = say_waiting) -> int | None:
        """Store a document in both stores under the write lock; None when its content is already
        held (another writer stored it first). Other content of the same department, year and kind
        is a new version beside the old one (ingest.store.versions). The SQLite transaction commits
        only after Chroma took the nodes; on failure the nodes this call added are removed, in room
        held free for it (undo_room: on a full disk the removal itself needs to write)."""
        with self.writing(waiting):
            if self.sql.has_sha(doc.sha256):
                return None
            old = self.sql.replaced_by(doc)  # the same content, as an older reader stored it
            self.vectors.delete_document(doc.sha256)  # nodes left by a run killed before its commit
            try:
                with undo_room(self.paths.root):   # freed before the clean-up below, which writes too
                    self.keep_page_files(doc, files)
                    self.vectors.add(nodes, embed_texts)
                    with self.sql.transaction() as tx:
                        for doc_id in old:
                            self.sql.delete_document(tx, doc_id)
                        doc_id = self.sql.write_document(tx, doc, records, by or self.added_by)
            except BaseException:
                self.vectors.delete_document(doc.sha256)
                self.drop_unused_page_files()
                raise
            self.drop_unused_page_files()
            return doc_id

    def remove_document(self, doc_id: int, waiting: Callable[[str], None] = say_waiting) -> StoredDocument | None:
        """Remove one stored document (one version) with its vectors and the kept PDFs no other
        document reads; None when it is not (or no longer) stored."""
        with self.writing(waiting):
            doc = next((d for d in self.sql.documents() if d.id == doc_id), None)
            if doc is None:
                return None
            with self.sql.transaction() as tx:
                self.sql.delete_document(tx, doc_id)
            self.vectors.delete_document(doc.sha256)
            self.drop_unused_page_files()
            return doc

    def keep_page_files(self, doc: Document, files: Sequence[Path]) -> None:
        """A copy of each PDF the document's tables or narrative were read from (pages/<sha256>.pdf),
        written aside and renamed into place; a file changed since it was parsed is not kept."""
        wanted = {doc.tables_file, doc.narrative_file} - {None}
        for path in files:
            try:
                data = Path(path).read_bytes()
                sha = hashlib.sha256(data).hexdigest()
                dest = self.paths.page_file(sha)
                if sha not in wanted or dest.exists():
                    continue
                dest.parent.mkdir(parents=True, exist_ok=True)
                partial = dest.with_name(f".{dest.name}.{os.getpid()}.partial")
                partial.write_bytes(data)
                os.replace(partial, dest)
            except OSError as exc:  # the file went away, or the store's disk is full
                raise IngestError(str(path), f"cannot keep a copy in the store ({exc.strerror or exc})") from exc

    def drop_unused_page_files(self) -> None:
        """Remove kept PDFs no stored document reads its pages from any more (a replaced version)."""
        if not self.paths.pages.is_dir():
            return
        used = {f for d in self.sql.documents() for f in (d.tables_file, d.narrative_file) if f}
        for kept in self.paths.pages.glob("*.pdf"):
            if kept.stem not in used:
                kept.unlink(missing_ok=True)

    def close(self) -> None:
        self.sql.close()
        if self._vectors is not None and self._vectors.cache is not None:
            self._vectors.cache.close()


def open_stores(paths: StorePaths) -> Stores:
    return Stores(paths)
