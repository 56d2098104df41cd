"""The bundled vectors of the national subject names and the template's words (issue 21, Speed): bit
for bit what e5 gives for them, used only by that very embedder, and a store built with them holds the
vectors of one built without. Real PDF, real e5, real Chroma."""
from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

from ingest.pipeline import EMBED_MAX_CHARS
from ingest.store.embed_cache import embedder_identity
from ingest.store.embedding import E5Embedding
from ingest.store.label_vectors import BUNDLE, bundled_vectors, write_bundle
from ingest.store.storage import StorePaths, Stores
from ingest.store.vectors import VectorIndex, document_nodes
from ingest.tables.records import document_records

FIRST = Path(__file__).resolve().parents[1] / "data" / "real" / "上海普陀_上海市普陀区司法局_2026_部门预算.pdf"
SUBJECT_NAMES = ["行政运行", "一般公共服务支出", "办公费", "机关事业单位基本养老保险缴费支出", "其他商品和服务支出"]
# the template's words: headings and row labels every region's disclosures print, with no subject code
TEMPLATE_WORDS = ["名词解释", "机关运行经费", "上年结转", "合计", "基本支出", "项目支出", "部门机构设置"]


class UnbundledE5(E5Embedding):
    """e5 under another identity: the bundle is not for it, so it embeds every text itself."""

    @property
    def identity(self) -> str:
        return f"{super().identity}/unbundled"


def test_the_bundle_was_made_by_the_configured_embedder():
    identity = embedder_identity(E5Embedding())
    assert set(bundled_vectors(identity, SUBJECT_NAMES + TEMPLATE_WORDS)) == set(SUBJECT_NAMES + TEMPLATE_WORDS)
    assert BUNDLE.stat().st_size < 2_000_000


def test_the_bundle_holds_what_departments_share_and_nothing_one_department_prints(read_once):
    """A text one department prints (its name, units, projects) is not the template's: it is not in
    the bundle, though the documents it was read from are in the build's corpus."""
    import re

    identity = embedder_identity(E5Embedding())
    doc = read_once(FIRST)
    nodes, texts = document_nodes(doc, document_records(doc))
    # its name, and the opening words of its own sentences (its duties, listed under no heading)
    own = [doc.department] + [t for n, t in zip(nodes, texts) if n.metadata["kind"] == "chunk"
                              and not n.metadata["section"] and re.search(r"本区|区委|本系统", t)]
    assert len(set(own)) > 3 and bundled_vectors(identity, own) == {}, bundled_vectors(identity, own).keys()
    shared = [t for n, t in zip(nodes, texts) if n.metadata["kind"] == "chunk"]
    assert 0 < len(bundled_vectors(identity, shared)) < len(set(shared))


def test_bundled_vectors_are_what_e5_gives():
    e5 = E5Embedding()
    words = SUBJECT_NAMES + TEMPLATE_WORDS
    bundled = bundled_vectors(embedder_identity(e5), words)
    alone = {t: e5.get_text_embedding(t) for t in words}
    batch = dict(zip(words, e5.get_text_embedding_batch(words)))
    for text in words:
        assert np.array_equal(np.asarray(bundled[text]), np.asarray(alone[text]))
        assert np.array_equal(np.asarray(bundled[text]), np.asarray(batch[text]))


def test_another_embedder_does_not_read_the_bundle():
    assert bundled_vectors(UnbundledE5().identity, SUBJECT_NAMES) == {}
    assert bundled_vectors("bge-m3@http://127.0.0.1:9/v1/chunk0", SUBJECT_NAMES) == {}


def test_an_unreadable_bundle_is_passed_over(tmp_path, caplog):
    bad = tmp_path / "label_vectors.npz"
    bad.write_bytes(b"not a zip file")
    identity = embedder_identity(E5Embedding())
    with caplog.at_level(logging.WARNING):
        assert bundled_vectors(identity, SUBJECT_NAMES, path=bad) == {}
    assert "bundled label vectors not used" in caplog.text
    assert bundled_vectors(identity, SUBJECT_NAMES, path=tmp_path / "missing.npz") == {}


def test_a_written_bundle_reads_back_bit_for_bit(tmp_path):
    path = tmp_path / "label_vectors.npz"
    vectors = [np.array([0.1, -2.5, 3.0], dtype=np.float32).tolist(), [0.0, 1.0, -1.0]]
    write_bundle(path, "some-embedder", ["办公费", "差旅费"], vectors)
    assert bundled_vectors("some-embedder", ["办公费", "差旅费", "会议费"], path=path) == {
        "办公费": vectors[0], "差旅费": vectors[1]}
    with pytest.raises(ValueError, match="not exact in float32"):
        write_bundle(path, "some-embedder", ["办公费"], [[0.1]])   # a float64 value float32 would round


def test_a_store_built_with_the_bundle_holds_the_vectors_of_one_built_without(tmp_path, read_once,
                                                                                putuo_justice_store):
    doc = read_once(FIRST)
    nodes, texts = document_nodes(doc, document_records(doc))
    texts = [t[:EMBED_MAX_CHARS] for t in texts]
    assert bundled_vectors(embedder_identity(E5Embedding()), texts)   # the premise: its rows are subject names
    plain = VectorIndex(tmp_path / "plain" / "chroma", UnbundledE5(), cache=None)
    plain.add(list(nodes), texts)

    stores = Stores(StorePaths.at(putuo_justice_store))    # ingested with the bundle
    with_bundle = stores.vectors.collection.get(include=["embeddings"])
    without = plain.collection.get(include=["embeddings"])
    assert sorted(with_bundle["ids"]) == sorted(without["ids"])
    by_id = dict(zip(with_bundle["ids"], with_bundle["embeddings"]))
    assert all(np.array_equal(by_id[i], e) for i, e in zip(without["ids"], without["embeddings"]))
    stores.close()
