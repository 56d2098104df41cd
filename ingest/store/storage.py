"""The store directory: the SQLite numeric lookup and the Chroma vector index, written together, and
the PDFs the documents were read from (to show their pages)."""
from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.schema import TextNode

from ..document.model import Document, Record
from ..errors import IngestError
from ..pdf.render import PAGES_DIR, kept_pdf
from .embed_cache import CACHE_FILE, EmbeddingCache, embedder_identity
from .embedding import configured_embedder
from .store import Store
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
    """Both stores of one directory; the vector index is opened on first use."""

    def __init__(self, paths: StorePaths, embedder: BaseEmbedding | None = None) -> None:
        self.paths = paths
        self.sql = Store(paths.sqlite)
        self._embedder = embedder  # the configured one when None
        self._vectors: VectorIndex | None = None

    @property
    def vectors(self) -> VectorIndex:
        if self._vectors is None:
            embedder = self._embedder or configured_embedder()
            cache = EmbeddingCache(self.paths.embeddings, embedder_identity(embedder))
            self._vectors = VectorIndex(self.paths.chroma, embedder, cache)
        return self._vectors

    def replace_document(self, doc: Document, records: list[Record], nodes: list[TextNode],
                         embed_texts: list[str], files: Sequence[Path] = ()) -> int:
        """Store a document in both stores, replacing an older version of the same file. The SQLite
        transaction commits only after Chroma took the nodes; on failure the new nodes are removed.
        The PDFs among `files` that the document was read from are kept in the store first."""
        old = self.sql.replaced_by(doc)
        old_shas = [d.sha256 for d in self.sql.documents() if d.id in old]
        self.keep_page_files(doc, files)
        self.vectors.delete_document(doc.sha256)  # nodes left by a run killed before its commit
        self.vectors.add(nodes, embed_texts)
        try:
            with self.sql.transaction() as tx:
                for doc_id in old:
                    self.sql.delete_document(tx, doc_id)
                doc_id = self.sql.write_document(tx, doc, records)
        except BaseException:
            self.vectors.delete_document(doc.sha256)
            raise
        for sha in old_shas:
            if sha != doc.sha256:
                self.vectors.delete_document(sha)
        self.drop_unused_page_files()
        return doc_id

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
