"""The store's embedding cache (issue 21, Speed): each distinct text is embedded once per store — a
second department's document with the same row labels embeds only what is new — and the vectors the
index holds are bit for bit those the embedder gives without a cache. Real PDFs, SQLite and Chroma; the
real embedder, counted through a wrapper."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from ingest.document.model import Document
from ingest.pipeline import EMBED_MAX_CHARS, ingest_paths
from ingest.store.embed_cache import EmbeddingCache, decode_vector, embedder_identity, encode_vector
from ingest.store.embedding import E5Embedding
from ingest.store.label_vectors import bundled_vectors
from ingest.store.storage import StorePaths, Stores
from ingest.store.vectors import VectorIndex, document_nodes, forget_chroma_systems
from ingest.tables.records import document_records

REAL = Path(__file__).resolve().parents[1] / "data" / "real"
FIRST = REAL / "上海普陀_上海市普陀区司法局_2026_部门预算.pdf"
SECOND = REAL / "上海普陀_上海市普陀区商务委员会_2025_部门预算.pdf"


class CountingEmbedder(BaseEmbedding):
    """The bundled e5 model, with every text it is asked to embed written down."""

    _inner: Any = PrivateAttr()
    _texts: list[str] = PrivateAttr(default_factory=list)

    def __init__(self) -> None:
        inner = E5Embedding()
        super().__init__(model_name=inner.model_name, embed_batch_size=inner.embed_batch_size)
        self._inner = inner

    @property
    def identity(self) -> str:
        return self._inner.identity

    @property
    def texts(self) -> list[str]:
        return self._texts

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._inner._get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embeddings([text])[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        self._texts.extend(texts)
        return self._inner._get_text_embeddings(texts)

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)


@pytest.fixture(scope="module")
def parsed(read_once) -> dict[str, tuple[Document, list, list, list[str]]]:
    """Both documents read once: document, records, nodes and embedded texts (as the pipeline cuts them)."""
    out = {}
    for name, path in (("first", FIRST), ("second", SECOND)):
        doc = read_once(path)
        records = document_records(doc)
        nodes, texts = document_nodes(doc, records)
        out[name] = (doc, records, nodes, [t[:EMBED_MAX_CHARS] for t in texts])
    return out


def store_document(stores: Stores, item: tuple) -> None:
    doc, records, nodes, texts = item
    stores.store_document(doc, records, list(nodes), texts)


def embeddings_by_id(vectors: VectorIndex) -> dict[str, np.ndarray]:
    got = vectors.collection.get(include=["embeddings"])
    return {i: np.asarray(e) for i, e in zip(got["ids"], got["embeddings"])}


def test_a_second_document_embeds_only_the_texts_the_first_did_not(tmp_path, parsed):
    embedder = CountingEmbedder()
    stores = Stores(StorePaths.at(tmp_path / "store"), embedder=embedder)
    first, second = set(parsed["first"][3]), set(parsed["second"][3])
    assert "行政运行" in first & second      # the premise: labels recur across departments

    bundled = set(bundled_vectors(embedder.identity, first | second))   # subject names: never embedded

    store_document(stores, parsed["first"])
    assert sorted(embedder.texts) == sorted(first - bundled)   # each distinct text once
    embedder.texts.clear()
    store_document(stores, parsed["second"])
    assert sorted(embedder.texts) == sorted(second - first - bundled) != []
    assert stores.vectors.cache.count() == len(first | second)
    stores.close()


def test_vectors_are_the_same_with_and_without_the_cache(tmp_path, parsed):
    cached = Stores(StorePaths.at(tmp_path / "cached"))
    store_document(cached, parsed["first"])
    store_document(cached, parsed["second"])   # most of its vectors come from the cache
    plain = VectorIndex(tmp_path / "plain" / "chroma", E5Embedding(), cache=None)
    _, _, nodes, texts = parsed["second"]
    plain.add(list(nodes), texts)

    with_cache, without = embeddings_by_id(cached.vectors), embeddings_by_id(plain)
    assert set(without) <= set(with_cache)
    assert all(np.array_equal(with_cache[i], without[i]) for i in without)
    cached.close()


def test_a_reingested_changed_file_embeds_nothing_new(tmp_path, putuo_justice_store):
    store = shutil.copytree(putuo_justice_store, tmp_path / "store")   # FIRST alone
    cache = EmbeddingCache(StorePaths.at(store).embeddings, embedder_identity(E5Embedding()))
    kept = cache.count()
    assert kept > 0
    changed = tmp_path / FIRST.name
    changed.write_bytes(FIRST.read_bytes() + b"\n% a byte more: same pages, another file\n")
    summary = ingest_paths([changed], store)
    assert [r.status for r in summary.results] == ["ingested"]
    assert cache.count() == kept               # every text of the new version was already embedded
    stores = Stores(StorePaths.at(store))
    old, new = stores.sql.documents()           # a new version beside the old one (issue 22)
    hits = stores.vectors.retrieve("机关运行经费", 3, kind="chunk", documents=[new.sha256])
    assert hits and {h.node.metadata["doc_sha"] for h in hits} == {new.sha256} != {old.sha256}
    stores.close()
    cache.close()


def test_a_deleted_store_starts_with_an_empty_cache(tmp_path, parsed, putuo_justice_store):
    store = shutil.copytree(putuo_justice_store, tmp_path / "store")   # FIRST alone
    identity = embedder_identity(E5Embedding())
    first_count = EmbeddingCache(StorePaths.at(store).embeddings, identity).count()
    shutil.rmtree(store)
    forget_chroma_systems(StorePaths.at(store).chroma, stop=True)   # this process let go of the old index
    assert not ingest_paths([SECOND], store).failed
    stores = Stores(StorePaths.at(store))
    _, _, nodes, texts = parsed["second"]
    assert stores.vectors.cache.count() == len(set(texts)) != first_count   # nothing of the deleted store
    assert stores.vectors.count() == len(nodes)
    stores.close()


def test_another_embedder_does_not_read_the_cache(tmp_path):
    e5 = E5Embedding()
    cache = EmbeddingCache(tmp_path / "embeddings.sqlite", embedder_identity(e5))
    cache.put({"行政运行": e5.get_text_embedding("行政运行")})
    other = EmbeddingCache(tmp_path / "embeddings.sqlite", "bge-m3@http://127.0.0.1:9/v1")
    assert other.get(["行政运行"]) == {} and cache.get(["行政运行"]) != {}
    cache.close()
    other.close()


@pytest.mark.parametrize("vector, dtype", [
    ([0.1, -2.5, 3.0], "f8"),                                         # an endpoint's float64 values
    (np.array([0.1, -2.5, 3.0], dtype=np.float32).tolist(), "f4"),    # e5's float32 values
])
def test_a_vector_comes_back_bit_for_bit(vector, dtype):
    kind, data = encode_vector(vector)
    assert kind == dtype
    assert decode_vector(kind, data) == vector
