"""The vector index keeps one document's nodes when asked to: the service scopes each engine's
narrative search to its documents this way, so another department's text never answers."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from eval import synth
from ingest.store.storage import StorePaths, Stores
from ingest.store.store import Store

DEPARTMENTS = [(0, "长沙市", "财政局"), (1, "株洲市", "教育局"), (2, "湘潭市", "应急管理局")]


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("filter-src")
    for index, city, bureau in DEPARTMENTS:
        doc = synth.generate("vector-filter", index, kind="预算", city=city, bureau=bureau, year=2024)
        synth.render_text(doc, src / f"doc{index}.txt")
    return src


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory, sources: Path) -> Path:
    from ingest.pipeline import ingest_paths

    root = tmp_path_factory.mktemp("filter-store")
    summary = ingest_paths([sources], root)
    assert not summary.failed, summary.line()
    return root


@pytest.fixture(scope="module")
def shas(store_dir: Path) -> list[str]:
    store = Store(store_dir / "budgetqa.sqlite")
    try:
        out = [d.sha256 for d in store.documents()]
    finally:
        store.close()
    assert len(set(out)) == len(DEPARTMENTS)
    return out


@pytest.fixture(scope="module")
def vectors(store_dir: Path) -> Iterator:
    stores = Stores(StorePaths.at(store_dir))
    yield stores.vectors
    stores.close()


def doc_shas(nodes) -> list[str]:
    return [n.node.metadata["doc_sha"] for n in nodes]


def test_unfiltered_search_reaches_every_document(vectors, shas):
    """The premise: without a filter, the query finds chunks of all three documents."""
    assert set(doc_shas(vectors.retrieve("三公经费", 60, kind="chunk"))) == set(shas)


@pytest.mark.parametrize("which", range(len(DEPARTMENTS)))
def test_one_document_filter_keeps_only_its_nodes(vectors, shas, which):
    sha = shas[which]
    nodes = vectors.retrieve("三公经费", 5, kind="chunk", documents=[sha])
    assert nodes and set(doc_shas(nodes)) == {sha}
    assert all(n.node.metadata["kind"] == "chunk" for n in nodes)


def test_two_document_filter_keeps_both_and_no_third(vectors, shas):
    wanted = shas[:2]
    small = vectors.retrieve("三公经费", 5, kind="chunk", documents=wanted)
    assert small and set(doc_shas(small)) <= set(wanted)
    many = vectors.retrieve("三公经费", 60, kind="chunk", documents=wanted)
    assert set(doc_shas(many)) == set(wanted)          # both possible, the third never


def test_filter_holds_for_table_rows_too(vectors, shas):
    nodes = vectors.retrieve("公务接待费", 10, kind="row", documents=[shas[2]])
    assert nodes and set(doc_shas(nodes)) == {shas[2]}
    assert all(n.node.metadata["kind"] == "row" for n in nodes)


def test_a_hit_is_read_from_the_lookup_and_a_document_it_lost_never_comes_back(store_dir, sources, tmp_path, shas,
                                                                              writable_copy):
    """Chroma keeps ids, vectors and search keys only: each hit's text and citation metadata are the
    lookup's, and when the lookup no longer holds a document (a writer died before its commit, or
    SQLite lost it) its nodes, still in Chroma, are never returned."""
    copy = writable_copy(store_dir, tmp_path / "store", [sources])
    stores = Stores(StorePaths.at(copy))
    try:
        sql_chunks = {c.text for c in stores.sql.chunks()}
        before = stores.vectors.retrieve("三公经费", 60)
        assert {h.node.metadata["kind"] for h in before} == {"chunk", "row"}
        assert all(h.node.text in sql_chunks for h in before if h.node.metadata["kind"] == "chunk")
        assert all(h.node.metadata["sources"] and "万元" in h.node.text for h in before if h.node.metadata["kind"] == "row")
        lost = shas[1]
        with stores.sql.transaction() as tx:
            doc = next(d for d in stores.sql.documents() if d.sha256 == lost)
            stores.sql.delete_document(tx, doc.id)
        assert stores.vectors.collection.get(where={"doc_sha": lost}, include=[])["ids"]  # still in Chroma
        after = stores.vectors.retrieve("三公经费", 60)
        assert after and lost not in doc_shas(after)
        assert set(doc_shas(after)) == set(shas) - {lost}
    finally:
        stores.close()
