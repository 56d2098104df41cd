"""The 文档 tab's catalogue with each document's provenance (file hash, version, when and by whom it
was added), the landing line and example questions read again after an upload and a removal, and the
index check at start said on the landing line: real PDFs, real SQLite and Chroma, the real service."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import app
import app_staff
from app_catalogue import CATALOGUE_HEADERS, STATUS_TEXT

SAMPLE_DEPARTMENT = "长沙市工业和信息化局"
CITY, BUREAU = "宜昌市", "财政局"


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory, store_dir) -> Path:
    """A copy of the session's sample store (each test copies it again before writing)."""
    return shutil.copytree(store_dir, tmp_path_factory.mktemp("catalogue") / "store")


@pytest.fixture
def budget_app(sample_store, tmp_path) -> app.BudgetApp:
    work = tmp_path / "store"
    shutil.copytree(sample_store, work)
    return app.BudgetApp(work, download_dir=tmp_path / "downloads")


def versions_of_one_disclosure(folder: Path) -> list[Path]:
    """Two PDFs of one department's 2024 部门预算 with other figures: two versions of one disclosure."""
    from eval.synth import generate, render_pdf

    paths = []
    for i in range(2):
        path = folder / f"版本{i + 1}.pdf"
        render_pdf(generate("catalogue", i, kind="预算", city=CITY, bureau=BUREAU, year=2024), path)
        paths.append(path)
    return paths


def column(rows: list[list[str]], head: str) -> list[str]:
    return [r[CATALOGUE_HEADERS.index(head)] for r in rows]


def test_a_named_token_signs_in_under_its_name_and_uploads_are_added_by_it(monkeypatch):
    monkeypatch.setattr(app_staff, "FAILED_SIGN_IN_PAUSE", 0.0)
    monkeypatch.delenv(app_staff.TOKEN_ENV, raising=False)
    monkeypatch.setenv(app_staff.NAMED_TOKENS_ENV, "张三=tok-a, 李四 = tok-b ,=nameless,空令牌=")
    assert not app_staff.read_only()
    session, line = app_staff.sign_in(None, "tok-b")
    assert app_staff.signed_in(session) and "「李四」" in line
    assert app_staff.added_by(session) == "李四（网页上传）"
    for wrong in ("nameless", "", "tok-a tok-b"):
        session, _ = app_staff.sign_in(session, wrong)  # a failed sign-in signs the session out
        assert not app_staff.signed_in(session) and app_staff.added_by(session) == app_staff.UNNAMED_STAFF
    monkeypatch.setenv(app_staff.TOKEN_ENV, "shared")  # the unnamed token: the label, not a name
    session, line = app_staff.sign_in(None, "shared")
    assert line == app_staff.SIGNED_IN_LINE and app_staff.added_by(session) == "工作人员（网页上传）"


@pytest.mark.slow
def test_the_catalogue_shows_hash_version_and_who_added_each_document(budget_app, tmp_path):
    first, second = versions_of_one_disclosure(tmp_path)
    for path, by in ((first, "张三（网页上传）"), (second, app_staff.UNNAMED_STAFF)):
        rows = [r for r, _, _ in budget_app.ingest_steps([path], by=by)][-1]
        assert rows[0][1] == STATUS_TEXT["ingested"], rows
    rows = budget_app.documents()
    docs = budget_app.store.documents()
    assert column(rows, "文件哈希") == [d.sha256[:8] for d in docs]
    assert column(rows, "版本") == ["唯一版本", "第1版/共2版（旧版，答案不采用）", "第2版/共2版（答案采用此版）"]
    added = column(rows, "添加")
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC 由 .+ 添加", a) for a in added), added
    assert added[1].endswith("由 张三（网页上传） 添加") and added[2].endswith("由 工作人员（网页上传） 添加")


@pytest.mark.slow
def test_the_landing_line_and_examples_follow_an_upload_and_a_removal(budget_app, tmp_path):
    before = budget_app.examples()
    assert before and all(SAMPLE_DEPARTMENT in q for q in before)
    [upload, _] = versions_of_one_disclosure(tmp_path)
    rows = [r for r, _, _ in budget_app.ingest_steps([upload])][-1]
    assert rows[0][1] == STATUS_TEXT["ingested"], rows
    department = CITY + BUREAU
    assert budget_app.loaded().startswith("已载入 2 份文档：") and department in budget_app.loaded()
    after = budget_app.examples()
    assert after != before and any(department in q for q in after), after
    assert all(budget_app.service.ask(q).found for q in after)  # each answers on the store as it now is
    new = next(d for d in budget_app.store.documents() if d.department == department)
    assert budget_app.remove(new.id).startswith("已删除《")
    assert budget_app.loaded().startswith("已载入 1 份文档：") and department not in budget_app.loaded()
    assert budget_app.examples() == before


@pytest.mark.slow
def test_a_lost_index_is_said_on_the_landing_line_until_it_is_rebuilt(budget_app, sample_store, sample_pdf, tmp_path):
    assert budget_app.check_index() is None and "repair" not in budget_app.loaded()
    lost = tmp_path / "lost"  # chroma/ deleted before any process opens the store (chroma caches what it opened)
    shutil.copytree(sample_store, lost)
    shutil.rmtree(lost / "chroma")
    fresh = app.BudgetApp(lost, download_dir=tmp_path / "downloads-lost")
    line = fresh.check_index()
    assert line and "运行 budgetqa repair" in line and "1 份文档" in line
    landing = fresh.loaded()
    assert landing.startswith("已载入 1 份文档：") and "运行 budgetqa repair" in landing
    assert len(landing.splitlines()) == 3  # the loaded line, a blank line, the index line: one line each
    rows = [r for r, _, _ in fresh.ingest_steps([sample_pdf])][-1]  # the same file again: its vectors rebuilt
    assert rows[0][1] == STATUS_TEXT["repaired"], rows
    assert fresh.index_problem is None and "repair" not in fresh.loaded()
