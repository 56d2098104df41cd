"""The vector index: a persistent Chroma collection, reached through llama-index, holding a vector for
each narrative chunk and each row label of a document (one node holds every row of that label, each
written out as a sentence). Chroma keeps a node's id, vector and the keys searched on; its text and
citation metadata are derived from the numeric lookup (ingest.store.stored_nodes), which a hit is
filled from, as a llama-index vector store that keeps no text is read beside its docstore."""
from __future__ import annotations

import hashlib
import os
import threading
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..document.model import Document, Record
from ..document.text import normalize_label
from ..errors import EmbedderMismatch
from ..pdf.layout import is_performance_title
from ..tables.numbers import format_amount
from .embed_cache import EmbeddingCache, embedder_identity
from .embedding import chunk_embed_text
from .label_vectors import bundled_vectors
from .lock import open_lock
from .nodes import IndexNode

COLLECTION = "budgetqa"
_EMBED_LOCK = threading.Lock()  # one embedding call at a time: the CPU model uses both cores
_CLIENT_LOCK = threading.Lock()  # one Chroma client made at a time in this process
# The metadata keys Chroma keeps of a node: the keys searched on, kind and doc_sha (retrieve's filters,
# delete_document, index_check). Every key is a row Chroma writes and indexes: the node's JSON (its text
# and citation metadata, which the numeric lookup holds anyway) was three quarters of an ingest's Chroma
# CPU (over the breadth corpus 7.7 s of 4,194 nodes; these two keys alone, 1.9 s).
CHROMA_KEYS = ("kind", "doc_sha")
# A document's nodes by id, read from the numeric lookup: (sha256, rows wanted) → {node id: node}
NodesOf = Callable[[str, bool], dict[str, IndexNode]]


def chroma_client(path: str | Path) -> Any:
    """Persistent Chroma at `path`, or a Chroma server when BUDGETQA_CHROMA_HOST is set."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    settings = ChromaSettings(anonymized_telemetry=False)
    host = os.environ.get("BUDGETQA_CHROMA_HOST")
    if host:
        return chromadb.HttpClient(host=host, port=int(os.environ.get("BUDGETQA_CHROMA_PORT", "8000")),
                                   settings=settings)
    with _CLIENT_LOCK:  # chromadb makes a directory's system unguarded: two threads starting it at once
        for attempt in range(5):  # (the app's warm-up and its start-up index look) broke it for both
            try:
                return chromadb.PersistentClient(path=str(path), settings=settings)
            except KeyError:    # another thread let go of this directory's system between chromadb's look and get
                if attempt == 4:
                    raise
    raise AssertionError("unreachable")


def collection_name(path: str | Path) -> str:
    """「budgetqa」 in a store's own Chroma directory; on a shared Chroma server, one collection per
    store directory, so stores stay apart as they do on disk."""
    if not os.environ.get("BUDGETQA_CHROMA_HOST"):
        return COLLECTION
    return f"{COLLECTION}_{hashlib.sha1(str(Path(path).resolve()).encode()).hexdigest()[:16]}"


class VectorIndex:
    """Chroma collection + llama-index view over it; a hit is filled with its node's text and metadata
    from `nodes_of` (the store's numeric lookup) and carries its document's sha as ref_doc_id."""

    def __init__(self, path: str | Path, embedder: Any, cache: EmbeddingCache | None = None,
                 nodes_of: NodesOf | None = None) -> None:
        self.embedder = embedder
        with open_lock(Path(path).parent):  # processes opening a new store at once would race to create it
            self.client = chroma_client(path)
            self.collection = self.client.get_or_create_collection(
                collection_name(path), metadata={"hnsw:space": "cosine", "embedder": embedder.model_name},
                embedding_function=None)
        built_with = (self.collection.metadata or {}).get("embedder")
        if built_with and built_with != embedder.model_name:
            raise EmbedderMismatch(str(path), f"the vector index was built with {built_with!r}, not "
                                              f"{embedder.model_name!r}: use the same embedder or a new store")
        self._index: Any = None
        self.cache = cache
        self.nodes_of = nodes_of

    @property
    def index(self) -> Any:
        """llama-index's view of the collection, made on the first search (an ingest never makes it)."""
        if self._index is None:
            from llama_index.core import Settings, VectorStoreIndex
            from llama_index.core.llms import MockLLM
            from llama_index.vector_stores.chroma import ChromaVectorStore

            from .llama_embedding import as_llama

            embed_model = as_llama(self.embedder)
            Settings.llm = MockLLM()  # never reach for a hosted model (None would print a notice to stdout)
            Settings.embed_model = embed_model
            store = ChromaVectorStore(chroma_collection=self.collection)
            self._index = VectorStoreIndex.from_vector_store(store, embed_model=embed_model)
        return self._index

    def add(self, nodes: list[IndexNode], embed_texts: list[str]) -> None:
        """Embed each node by its short form (the CPU model costs ~1 ms a token) and store its vector with
        the keys searched on. Neither its text nor its JSON goes to Chroma: Chroma indexes a document for
        its own full-text search and every metadata value for filtering, and nothing here uses either."""
        vectors = self.embeddings(embed_texts)
        for i in range(0, len(nodes), 500):
            part = nodes[i:i + 500]
            self.collection.add(ids=[n.node_id for n in part], embeddings=vectors[i:i + 500],
                                metadatas=[chroma_metadata(n) for n in part])

    def embeddings(self, texts: list[str]) -> list[list[float]]:
        """The vector of each text: from the store's cache, the bundled vectors of the subject names
        and the template's words (label_vectors), or embedded now (each distinct text once) and kept in the cache. The same row
        label recurs across tables and across departments' documents."""
        distinct = list(dict.fromkeys(texts))
        known = self.cache.get(distinct) if self.cache is not None else {}
        missing = [t for t in distinct if t not in known]
        if missing:
            fresh = bundled_vectors(embedder_identity(self.embedder), missing)
            missing = [t for t in missing if t not in fresh]
            if missing:
                with _EMBED_LOCK:
                    fresh.update(zip(missing, self.embedder.get_text_embedding_batch(missing)))
            if self.cache is not None:
                self.cache.put(fresh)
            known.update(fresh)
        return [known[t] for t in texts]

    def delete_document(self, sha256: str) -> None:
        """Every node of the document."""
        self.collection.delete(where={"doc_sha": sha256})

    def count(self) -> int:
        return int(self.collection.count())

    def retrieve(self, query: str, top_k: int = 5, kind: str | None = None,
                 documents: list[str] | None = None) -> list[Any]:
        """Nodes nearest to the query; `kind` = "chunk" or "row" keeps one sort, `documents` (sha256s)
        keeps those documents' nodes. A hit whose document the lookup no longer holds (nodes a writer
        left when it died before its commit) is dropped."""
        from llama_index.core.vector_stores import FilterOperator, MetadataFilter, MetadataFilters

        parts = [MetadataFilter(key="kind", value=kind)] if kind else []
        if documents:
            parts.append(MetadataFilter(key="doc_sha", value=documents[0]) if len(documents) == 1 else
                         MetadataFilter(key="doc_sha", value=list(documents), operator=FilterOperator.IN))
        filters = MetadataFilters(filters=parts) if parts else None
        retriever = self.index.as_retriever(similarity_top_k=top_k, filters=filters)
        return self.filled(retriever.retrieve(query))

    def filled(self, hits: list[Any]) -> list[Any]:
        """The hits with their nodes' text and metadata from the lookup; as given when this index has no
        lookup (opened on its own, its hits carry only their ids and search keys)."""
        if self.nodes_of is None:
            return hits
        from llama_index.core.schema import NodeRelationship, RelatedNodeInfo

        shas = [h.node.metadata.get("doc_sha", "") for h in hits]
        rows = {sha for sha, h in zip(shas, hits) if h.node.metadata.get("kind") == "row"}
        held = {sha: self.nodes_of(sha, sha in rows) for sha in set(shas)}
        out = []
        for sha, hit in zip(shas, hits):
            node = held[sha].get(hit.node.node_id)
            if node is None:
                continue
            hit.node.text = node.text
            hit.node.metadata = dict(node.metadata)
            hit.node.relationships = {NodeRelationship.SOURCE: RelatedNodeInfo(node_id=sha)}
            out.append(hit)
        return out


def chroma_metadata(node: IndexNode) -> dict[str, Any]:
    """What Chroma keeps of a node beside its id and vector: the keys searched on (CHROMA_KEYS). Without
    llama-index's node JSON, ChromaVectorStore reads a hit back as a TextNode of these keys and no text
    (its legacy form), which `VectorIndex.filled` fills from the lookup."""
    return {"kind": node.metadata["kind"], "doc_sha": node.metadata["doc_sha"]}


def document_nodes(doc: Document, records: list[Record]) -> tuple[list[IndexNode], list[str]]:
    """Narrative chunks and table rows of a document as llama-index nodes with flat metadata, and the
    short text each is embedded by (a chunk's heading words; a row's label: one node holds every row of
    that label, a line each, and its metadata names the first, and in `sources` each row's table, page,
    label and code, line by line)."""
    base = {"document": doc.title, "department": doc.department, "year": doc.year or 0, "doc_sha": doc.sha256}
    nodes, embed = [], []
    for chunk in doc.chunks:
        embed.append(chunk_embed_text(chunk.section, chunk.text))
        nodes.append(IndexNode(
            f"{doc.sha256[:16]}-c{chunk.number}", chunk.text,
            {**base, "kind": "chunk", "section": chunk.section, "page": chunk.page, "number": chunk.number}))
    for label, rows in label_rows(records).items():
        first = rows[0][0]
        embed.append(label)
        nodes.append(IndexNode(
            f"{doc.sha256[:16]}-t{first.table_number}-r{first.row_number}",
            "\n".join(row_sentence(cells) for cells in rows),
            {**base, "kind": "row", "table": first.table, "table_number": first.table_number, "page": first.page,
             "row": first.row, "code": first.code or "", "row_number": first.row_number, "section": first.table,
             "sources": [[c[0].table, c[0].page, c[0].row, c[0].code or ""] for c in rows]}))
    return nodes, embed


def label_rows(records: list[Record]) -> dict[str, list[list[Record]]]:
    """A document's table rows by the text they are embedded by, their label (「其中：（一）办公费：」 →
    「办公费」; a row without one, its table's title), in the order printed. Rows of one label share one
    vector, so they make one node that holds each of them: 行政运行 printed in six tables, or in the
    tables of 44 units, filled as many of a search's top places with one vector, and cost the index a
    node each (over the breadth corpus 8,395 row nodes became 3,013)."""
    groups: dict[str, list[list[Record]]] = {}
    for cells in _rows(records).values():
        groups.setdefault(normalize_label(cells[0].row) or cells[0].table, []).append(cells)
    return groups


def _rows(records: list[Record]) -> dict[tuple[int, int], list[Record]]:
    """Records grouped by table row; all rows of one project or unit of a performance table
    (its amount and its indicators) make one group, keyed by the project's first row."""
    groups: dict[tuple[int, int], list[Record]] = defaultdict(list)
    first_row: dict[tuple[int, str], int] = {}
    for r in records:
        if is_performance_title(r.table):
            row = first_row.setdefault((r.table_number, r.row), r.row_number)
            groups[(r.table_number, row)].append(r)
        else:
            groups[(r.table_number, r.row_number)].append(r)
    return groups


def row_sentence(cells: list[Record]) -> str:
    """「2024年一般公共预算支出情况表：行政运行（2150501）总计2466.28万元，基本支出2466.28万元。」"""
    first = cells[0]
    label = first.row + (f"（{first.code}）" if first.code else "")
    parts = []
    for r in cells:
        leaf = r.column.split("/")[-1]
        if r.value is not None:
            parts.append(f"{leaf}{format_amount(r.value)}{r.unit}")
        elif r.text:
            parts.append(f"{leaf}：{r.text[:80]}")
    return f"{first.table}：{label}" + ("，".join(parts)[:600] if parts else "") + "。"


def forget_chroma_systems(path: str | Path, stop: bool) -> None:
    """Make the next Chroma client at `path` in this process open the index afresh. chromadb keeps one
    system per directory per process, and it sees neither another process's writes nor files swapped
    under it (chroma#3769). `stop`: close the old system too (a restore replaces its files); else it
    goes when whatever still runs on it (a question, an upload) lets go."""
    try:
        from chromadb.api.shared_system_client import SharedSystemClient
    except ImportError:
        return
    systems = getattr(SharedSystemClient, "_identifier_to_system", {})
    for identifier in list(systems):
        try:
            same = Path(identifier).resolve() == Path(path).resolve()
        except (OSError, ValueError):
            continue
        if same:
            system = systems.pop(identifier, None)
            getattr(SharedSystemClient, "_identifier_to_refcount", {}).pop(identifier, None)
            if stop and system is not None:
                system.stop()
