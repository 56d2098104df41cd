"""The store directory: the SQLite numeric lookup and the Chroma vector index, written together."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from llama_index.core.schema import TextNode

from .embedding import configured_embedder
from .model import Document, Record
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


class Stores:
    """Both stores of one directory; the vector index is opened on first use."""

    def __init__(self, paths: StorePaths) -> None:
        self.paths = paths
        self.sql = Store(paths.sqlite)
        self._vectors: VectorIndex | None = None

    @property
    def vectors(self) -> VectorIndex:
        if self._vectors is None:
            self._vectors = VectorIndex(self.paths.chroma, configured_embedder())
        return self._vectors

    def replace_document(self, doc: Document, records: list[Record], nodes: list[TextNode],
                         embed_texts: list[str]) -> int:
        """Store a document in both stores, replacing an older version of the same file. The SQLite
        transaction commits only after Chroma took the nodes; on failure the new nodes are removed."""
        old = self.sql.replaced_by(doc)
        old_shas = [d.sha256 for d in self.sql.documents() if d.id in old]
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
        return doc_id

    def close(self) -> None:
        self.sql.close()


def open_stores(paths: StorePaths) -> Stores:
    return Stores(paths)
