"""The app sees what another process writes into its store (issue 15): the store counts its document
writes and deletes (`Store.generation`, bumped in the transaction of the change), the app compares it
with its service's on every request and swaps in a reopened service, whose vector index reads what the
other process wrote (a Chroma client kept open does not: chroma#3769)."""
from __future__ import annotations

import logging

import pytest
from appserver import cli_ingest, synthetic_disclosure

import app
from ingest.document.model import Document
from ingest.pipeline import ingest_paths
from ingest.store.store import Store


def _document(n: int) -> Document:
    return Document(title=f"测试市第{n}局2024年部门预算", department=f"测试市第{n}局", year=2024, kind="预算",
                    source=f"doc{n}.txt", sha256=f"{n:064x}", pages=1)


def test_the_generation_counts_each_document_write_and_delete(tmp_path):
    store = Store(tmp_path / "budgetqa.sqlite")
    other = Store(tmp_path / "budgetqa.sqlite")  # another reader of the same file, as another process is
    try:
        assert store.generation() == 0
        with store.transaction() as tx:
            first = store.write_document(tx, _document(1), [])
        assert store.generation() == other.generation() == 1
        with store.transaction() as tx:  # a re-ingest: the old version out, the new one in, one transaction
            store.delete_document(tx, first)
            store.write_document(tx, _document(2), [])
        assert other.generation() == 3
    finally:
        store.close()
        other.close()


def test_a_failed_write_leaves_the_generation_as_it_was(tmp_path):
    store = Store(tmp_path / "budgetqa.sqlite")
    try:
        with store.transaction() as tx:
            store.write_document(tx, _document(1), [])
        with pytest.raises(RuntimeError), store.transaction() as tx:
            store.write_document(tx, _document(2), [])
            raise RuntimeError("the vector index failed")
        assert store.generation() == 1 and len(store.documents()) == 1
    finally:
        store.close()


@pytest.mark.slow
def test_the_app_answers_about_a_document_another_process_ingested(tmp_path, caplog):
    """The replacement of the chroma#3769 xfail: `budgetqa ingest` in a second process, then a narrative
    question to the app already running over the store, answered from the new document by the vector
    index (no fallback), without a restart."""
    first, first_department = synthetic_disclosure(tmp_path / "first", "app-reader")
    second, second_department = synthetic_disclosure(tmp_path / "second", "app-writer")
    assert first_department != second_department
    store = tmp_path / "store"
    ingest_paths([first], store)
    budget_app = app.BudgetApp(store, download_dir=tmp_path / "downloads")
    answer, *_ = budget_app.chat(f"{first_department}内设哪些科室？")
    assert "内设科室" in answer.content
    opened = budget_app._service
    budget_app.chat(f"{first_department}内设哪些科室？")
    assert budget_app._service is opened  # an unchanged store is not reopened

    done = cli_ingest(second, store)
    assert done.returncode == 0, done.stderr
    caplog.set_level(logging.WARNING)
    answer, sources, *_ = budget_app.chat(f"{second_department}内设哪些科室？")  # and 原文
    assert budget_app._service is not opened
    assert "内设科室" in answer.content and second_department in answer.content
    assert sources.metadata["title"] == "来源" and second_department in sources.content
    assert not [r for r in caplog.records if "vector search failed" in r.getMessage()]
    sha = next(d.sha256 for d in budget_app.store.documents() if d.department == second_department)
    hits = budget_app.service.vectors.retrieve("机构设置 内设科室", 3, kind="chunk", documents=[sha])
    assert hits and all(h.metadata["doc_sha"] == sha for h in hits)
