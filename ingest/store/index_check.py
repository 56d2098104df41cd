"""The vector index checked against the numeric lookup, and rebuilt from it. Every node of the index is
derived from what SQLite holds (a table row's records, a narrative chunk's text), so a lost or damaged
`chroma/` can be compared document by document and its missing nodes embedded again, with the same
ids, vectors and search keys an ingest gives them (a hit's text and metadata are read from SQLite)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..bounds import Deadline, embed_within
from .nodes import IndexNode
from .storage import Stores
from .store import Store, StoredDocument
from .stored_nodes import stored_document
from .vectors import VectorIndex, document_nodes

RepairProgress = Callable[[str, int, int], None]  # (document, texts embedded, texts to embed)


@dataclass
class IndexGap:
    """One document's nodes: how many the lookup implies (rows, chunks) and which are not in the index."""

    document: StoredDocument
    rows: int
    chunks: int
    missing_rows: list[str] = field(default_factory=list)
    missing_chunks: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing_rows and not self.missing_chunks

    @property
    def missing(self) -> set[str]:
        return {*self.missing_rows, *self.missing_chunks}

    def counts(self) -> str:
        """「表格行 166/166，叙述段落 40/40」: present of expected."""
        return (f"表格行 {self.rows - len(self.missing_rows)}/{self.rows}，"
                f"叙述段落 {self.chunks - len(self.missing_chunks)}/{self.chunks}")

    def line(self) -> str:
        """The `check` line: ✓ when every node is there, else ✗ with what is missing and what to run."""
        if self.complete:
            return f"✓ [索引] 向量索引完整：{self.counts()}"
        return (f"✗ [索引] 向量索引缺少 {len(self.missing)} 个节点 / the vector index lacks {len(self.missing)} "
                f"node(s)：{self.counts()}；运行 `budgetqa repair` 重建 / run `budgetqa repair`")

    def to_json(self) -> dict:
        """As `check --json` prints a check (category, name, passed …), with the counts."""
        return {"category": "索引", "name": "向量索引完整", "passed": self.complete,
                "expected": self.rows + self.chunks, "actual": self.rows + self.chunks - len(self.missing),
                "difference": len(self.missing), "cells": [], "rows": self.rows, "chunks": self.chunks,
                "missing_rows": len(self.missing_rows), "missing_chunks": len(self.missing_chunks)}


def expected_nodes(sql: Store, doc: StoredDocument) -> tuple[list[IndexNode], list[str]]:
    """The nodes the document's ingest put into the index, and the texts they were embedded by."""
    from ..pipeline import EMBED_MAX_CHARS  # the pipeline imports this module

    document, records = stored_document(sql, doc)
    nodes, texts = document_nodes(document, records)
    return nodes, [t[:EMBED_MAX_CHARS] for t in texts]


def present_ids(vectors: VectorIndex, sha256: str) -> set[str]:
    return set(vectors.collection.get(where={"doc_sha": sha256}, include=[])["ids"])


def document_gap(stores: Stores, doc: StoredDocument, nodes: list[IndexNode] | None = None) -> IndexGap:
    nodes = nodes if nodes is not None else expected_nodes(stores.sql, doc)[0]
    present = present_ids(stores.vectors, doc.sha256)
    gap = IndexGap(doc, 0, 0)
    for node in nodes:
        chunk = node.metadata["kind"] == "chunk"
        if chunk:
            gap.chunks += 1
        else:
            gap.rows += 1
        if node.node_id not in present:
            (gap.missing_chunks if chunk else gap.missing_rows).append(node.node_id)
    return gap


def compare_index(stores: Stores) -> list[IndexGap]:
    """Each stored document's nodes against the index, in the order the documents were stored."""
    return [document_gap(stores, doc) for doc in stores.sql.documents()]


def orphan_documents(stores: Stores) -> set[str]:
    """Documents (sha256) with nodes in the index but not in the lookup: left by a writer that died
    before its commit. Retrieval drops them; they are not removed here, since another writer's nodes
    look the same until its commit."""
    got = stores.vectors.collection.get(include=["metadatas"])
    held = {d.sha256 for d in stores.sql.documents()}
    return {m.get("doc_sha", "") for m in got["metadatas"] or []} - held - {""}


def repair_document(stores: Stores, doc: StoredDocument, progress: RepairProgress | None = None,
                    deadline: Deadline | None = None) -> int:
    """Embed and add the document's nodes the index lacks (the embedding cache spares the texts it
    still holds); how many were added, stopping at the deadline when one is given."""
    nodes, texts = expected_nodes(stores.sql, doc)
    missing = document_gap(stores, doc, nodes).missing
    todo = [(n, t) for n, t in zip(nodes, texts) if n.node_id in missing]
    if not todo:
        return 0
    wanted = [t for _, t in todo]
    embed_within(stores.vectors, doc.title, wanted, deadline, progress)
    stores.vectors.add([n for n, _ in todo], wanted)
    stores.sql.index_changed()  # else a process that read the lost index keeps failing on it (chroma#3769)
    return len(todo)


def repair_index(stores: Stores, progress: RepairProgress | None = None) -> list[tuple[IndexGap, int]]:
    """Every document with nodes missing, repaired; each gap as found, with the nodes added."""
    out = []
    for gap in compare_index(stores):
        if not gap.complete:
            out.append((gap, repair_document(stores, gap.document, progress)))
    return out


def missing_nodes(stores: Stores) -> tuple[int, int]:
    """How many nodes the vector index lacks, and of how many documents (0, 0: it is complete);
    the app says it at start (app_catalogue.index_problem), `check` per document."""
    gaps = [g for g in compare_index(stores) if not g.complete]
    return sum(len(g.missing) for g in gaps), len(gaps)
