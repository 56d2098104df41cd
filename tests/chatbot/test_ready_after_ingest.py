"""A document's answering engine is ready when its ingest ends (issue 21, Speed): the first question
about a newly ingested document builds nothing — no engine, no narrative index, no checks — in the
service reopened after the ingest and in the app's upload path. Real PDFs, SQLite and Chroma."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import app
from app_catalogue import STATUS_TEXT
from chatbot.service import open_service
from ingest.pipeline import ingest_paths

NEW = Path(__file__).resolve().parents[1] / "data" / "real" / "江苏苏州_苏州市审计局_2026_部门预算.pdf"
FIGURE = ("苏州市审计局2026年收入预算总计是多少？", "4651.67")
NARRATIVE = "苏州市审计局2026年机关运行经费是多少？"   # searches the explanation (BM25 + vectors)


@pytest.fixture
def sample_store(tmp_path, store_dir, writable_copy, sample_pdf) -> Path:
    """A copy of the session's sample store (each test ingests into it)."""
    return writable_copy(store_dir, tmp_path / "store", [sample_pdf])


def assert_ready_and_answered_without_building(service, doc_id: int) -> None:
    engine = service._engines[(doc_id,)]
    narrative = engine._narrative
    assert narrative is not None and doc_id in service._checks   # built at ingest end
    assert FIGURE[1] in service.ask(FIGURE[0]).answer.replace(",", "")
    assert "机关运行经费" in service.ask(NARRATIVE).answer
    assert service._engines[(doc_id,)] is engine and engine._narrative is narrative   # nothing built again


def test_a_reopened_service_prepares_the_documents_just_ingested(sample_store):
    service = open_service(sample_store)
    service.warm(background=False)
    assert not ingest_paths([NEW], sample_store).failed
    fresh = service.reopened(prepare_new=True)
    [new] = [d for d in fresh.documents if d.department == "苏州市审计局"]
    assert_ready_and_answered_without_building(fresh, new.id)
    fresh.close()
    service.close()


def test_an_upload_in_the_app_leaves_the_new_document_ready(sample_store, tmp_path):
    budget_app = app.BudgetApp(sample_store, download_dir=tmp_path / "downloads")
    budget_app.service  # noqa: B018 — started as the app starts
    upload = tmp_path / "上传.pdf"
    shutil.copy(NEW, upload)
    rows = budget_app.ingest_uploads([upload])
    assert [r[1] for r in rows] == [STATUS_TEXT["ingested"]], rows
    service = budget_app._service
    [new] = [d for d in service.documents if d.department == "苏州市审计局"]
    assert_ready_and_answered_without_building(service, new.id)
