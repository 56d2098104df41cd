"""Who may change the store (app_staff), uploads ingested by stage (app_ingest), a document removed
(app_removal) and its PDF served at a page (app_pdf): on real stores, real PDFs, real SQLite and Chroma."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import app
import app_staff
from app_catalogue import STATUS_TEXT
from app_ingest import INGESTING, STAGES, Step, staged_ingest
from app_pdf import kept_pdf_of, page_count, pdf_link
from ingest.pipeline import IngestSummary, ingest_paths
from ingest.store.storage import StorePaths, open_stores

TOKEN = "staff-令牌-7f3a"


def pdf_pages(path: Path) -> int:
    import pypdfium2

    return len(pypdfium2.PdfDocument(str(path)))


# -- sign-in and limits ------------------------------------------------------------------------------
def test_without_a_token_the_app_is_read_only_and_nobody_signs_in(monkeypatch):
    monkeypatch.delenv(app_staff.TOKEN_ENV, raising=False)
    assert app_staff.read_only()
    session, line = app_staff.sign_in(app_staff.new_session(), "")
    assert not app_staff.signed_in(session) and line == app_staff.READ_ONLY_LINE


def test_only_the_exact_token_signs_a_session_in(monkeypatch):
    monkeypatch.setenv(app_staff.TOKEN_ENV, TOKEN)
    monkeypatch.setattr(app_staff, "FAILED_SIGN_IN_PAUSE", 0.0)
    for wrong in ("", TOKEN[:-1], TOKEN + "x", TOKEN.upper()):
        session, line = app_staff.sign_in(app_staff.new_session(), wrong)
        assert not app_staff.signed_in(session) and line == app_staff.WRONG_TOKEN_LINE, wrong
    session, line = app_staff.sign_in(app_staff.new_session(), f" {TOKEN} ")
    assert app_staff.signed_in(session) and line == app_staff.SIGNED_IN_LINE
    monkeypatch.delenv(app_staff.TOKEN_ENV)  # the token withdrawn: a signed-in session may no longer write
    assert not app_staff.signed_in(session)


def test_a_wrong_token_waits(monkeypatch):
    import time

    monkeypatch.setenv(app_staff.TOKEN_ENV, TOKEN)
    started = time.monotonic()
    app_staff.sign_in(None, "guess")
    assert time.monotonic() - started >= app_staff.FAILED_SIGN_IN_PAUSE


def test_uploads_are_bounded_per_session_in_count_and_size(monkeypatch, tmp_path):
    monkeypatch.setenv(app_staff.FILES_ENV, "3")
    monkeypatch.setenv(app_staff.MB_ENV, "1")
    limits = app_staff.UploadLimits.from_env()
    assert limits == app_staff.UploadLimits(3, 1)
    small = [tmp_path / f"{i}.pdf" for i in range(2)]
    for p in small:
        p.write_bytes(b"%PDF-1.4\n" + b"0" * 1000)
    session = app_staff.counted(app_staff.new_session(), small)
    assert app_staff.over_limit(session, small[:1], limits) is None
    assert "最多上传 3 个文件，还可上传 1 个" in app_staff.over_limit(session, small, limits)
    big = tmp_path / "big.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * (1024 * 1024))
    assert "最多上传 1 MB" in app_staff.over_limit(session, [big], limits)
    monkeypatch.setenv(app_staff.FILES_ENV, "many")  # a bad setting: the default, not a crash
    assert app_staff.UploadLimits.from_env().files == app_staff.DEFAULT_MAX_FILES


# -- ingest by stage, removal, the PDF at a page --------------------------------------------------------
@pytest.fixture(scope="module")
def two_documents(tmp_path_factory, store_dir) -> tuple[Path, Path]:
    """A store of the sample PDF (a copy of the session's), and a synthetic PDF disclosure of another
    department (not yet stored)."""
    from eval.synth import generate, render_pdf

    folder = tmp_path_factory.mktemp("staff")
    store = shutil.copytree(store_dir, folder / "store")
    other = folder / "other.pdf"
    render_pdf(generate("staff", 0, kind="预算"), other)
    return store, other


@pytest.mark.slow
def test_an_upload_is_told_by_stage_in_order_and_ends_with_its_result(two_documents, tmp_path):
    store, other = two_documents
    work = tmp_path / "store"
    shutil.copytree(store, work)
    items = list(staged_ingest(other, work, by="李四（网页上传）", look_every=0.05))
    steps, summary = items[:-1], items[-1]
    assert isinstance(summary, IngestSummary) and summary.results[0].status == "ingested", summary
    assert steps and all(isinstance(s, Step) for s in steps)
    order = [STAGES.index(s.stage) for s in steps]
    assert order == sorted(order) and order[0] == 0 and set(order) == {0, 1, 2, 3}  # every file stage, never back
    shares = [s.share(20) for s in steps]
    assert shares == sorted(shares) and 0 < shares[-1] < 1
    embedded = [s for s in steps if s.stage == "向量"]
    assert embedded[0].done == 0 and embedded[-1].done == embedded[-1].total > 0  # told n/N by the pipeline
    parsed = next(s for s in steps if s.stage == "表格")
    assert parsed.done == summary.results[0].records
    assert Step("解析", 3.2).line(20) == "解析（共 20 页） · 3 秒"
    assert Step("向量", 9.0, 512, 1359).line(20) == "解析 → 表格 → 向量 512/1,359 · 9 秒"
    assert Step("解析", 1.0, 7, 7).share() == Step("表格", 1.0).share()  # a parse told done fills its part
    store = open_stores(StorePaths.at(work))
    try:
        assert [d.added_by for d in store.sql.documents()][-1] == "李四（网页上传）"
    finally:
        store.close()


@pytest.mark.slow
def test_ingest_steps_yield_rows_by_stage_then_build_the_new_engine(two_documents, tmp_path):
    store, other = two_documents
    work = tmp_path / "store"
    shutil.copytree(store, work)
    budget_app = app.BudgetApp(work, download_dir=tmp_path / "downloads")
    steps = list(budget_app.ingest_steps([other]))
    shares = [share for _, share, _ in steps]
    assert shares == sorted(shares) and shares[-1] == 1.0 and len(set(shares)) > 2  # the bar moves
    assert any(row[1] == INGESTING and row[2].startswith(f"解析（共 {pdf_pages(other)} 页）") for rows, _, _ in steps for row in rows)
    assert any(doing.startswith("检查") for _, _, doing in steps)
    assert steps[-1][0][0][1] == STATUS_TEXT["ingested"]
    assert len(budget_app.service.documents) == 2  # the reopened service sees it at once


@pytest.mark.slow
def test_removing_a_document_takes_its_records_vectors_and_pdf_and_keeps_the_other(two_documents, tmp_path):
    store, other = two_documents
    work = tmp_path / "store"
    shutil.copytree(store, work)
    assert ingest_paths([other], work).results[0].status == "ingested"
    budget_app = app.BudgetApp(work, download_dir=tmp_path / "downloads")
    sample, synthetic = budget_app.store.documents()
    pdf = StorePaths.at(work).page_file(synthetic.tables_file)
    assert pdf.is_file()

    doc_id, question = budget_app.removal_question(synthetic.id)
    records = budget_app.store.execute("SELECT COUNT(*) FROM records WHERE document_id=?", (synthetic.id,)).fetchone()[0]
    assert doc_id == synthetic.id and synthetic.title in question and "不能撤销" in question
    assert f"其 {records:,} 条记录" in question
    line = budget_app.remove(synthetic.id)
    assert line.startswith("已删除《") and synthetic.title in line
    assert [d.id for d in budget_app.store.documents()] == [sample.id]
    assert budget_app.store.execute("SELECT COUNT(*) FROM records WHERE document_id=?", (synthetic.id,)).fetchone()[0] == 0
    assert not pdf.exists() and StorePaths.at(work).page_file(sample.tables_file).is_file()
    stores = open_stores(StorePaths.at(work))
    try:
        shas = {m.get("doc_sha") for m in stores.vectors.collection.get(include=["metadatas"])["metadatas"]}
    finally:
        stores.close()
    assert synthetic.sha256 not in shas and sample.sha256 in shas
    assert budget_app.service.ask("三公经费是多少？").found  # the sample still answered
    assert budget_app.remove(synthetic.id) == app.NO_SUCH  # twice: said, nothing else touched
    assert budget_app.removal_question(None)[0] is None


@pytest.mark.slow
def test_a_documents_pdf_is_linked_at_a_page_within_its_pages(two_documents, tmp_path):
    store, other = two_documents
    budget_app = app.BudgetApp(store, download_dir=tmp_path / "downloads")
    [doc] = budget_app.store.documents()
    path = kept_pdf_of(budget_app.store.documents(), store, doc.id)
    assert path is not None and path.read_bytes().startswith(b"%PDF-")
    assert kept_pdf_of(budget_app.store.documents(), store, doc.id + 1) is None
    assert f'budgetqa/pdf/{doc.id}#page=19"' in budget_app.pdf_link(doc.id, 19)
    assert f"#page={doc.pages}\"" in budget_app.pdf_link(doc.id, 10_000)  # held within the document
    assert "#page=1\"" in budget_app.pdf_link(doc.id, -3)
    assert budget_app.pdf_link(None, 1) == ""
    assert "&lt;b&gt;" in pdf_link(1, "<b>标题</b>", 2)
    assert page_count(other) == pdf_pages(other) > 1 and page_count(tmp_path / "x.txt") is None
