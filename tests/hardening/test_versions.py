"""A document never replaces another unseen (issue 22): other content for the same department, year
and kind is a new version stored beside the old one, whatever its file name; answers read the newest
and say which version they use; removing a version brings the other back."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hostile import ROOT, forged_pdf, sample_excerpt

from chatbot.service import open_service
from ingest.pipeline import ingest_paths
from ingest.store.listing import list_documents
from ingest.store.removal import RemoveError, remove_version
from ingest.store.storage import StorePaths
from ingest.store.store import Store

DEPARTMENT = "长沙市工业和信息化局"
GENUINE_NAME = "changsha-gxj-2024.pdf"
QUESTION = f"{DEPARTMENT}2024年的“三公”经费合计多少"


@pytest.fixture
def genuine(tmp_path) -> tuple[Path, Path]:
    """A store holding the genuine disclosure (the sample's cover, two summary tables and its 三公
    table), and the genuine file."""
    path = tmp_path / "genuine" / GENUINE_NAME
    path.parent.mkdir()
    path.write_bytes(sample_excerpt((1, 9, 10, 19)))
    store = tmp_path / "store"
    assert [r.status for r in ingest_paths([path], store, by="财务科").results] == ["ingested"]
    return store, path


def _forged(tmp_path: Path, name: str) -> Path:
    path = tmp_path / "upload" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(forged_pdf(DEPARTMENT))
    return path


def _answer(store: Path) -> str:
    service = open_service(store, use_vectors=False)
    try:
        answer = service.ask(QUESTION)
        assert answer.found, answer.answer
        return answer.answer
    finally:
        service.close()


@pytest.mark.parametrize("name", [GENUINE_NAME, "notice.pdf"])
def test_a_forged_pdf_is_a_new_version_beside_the_genuine_one_and_the_answer_says_so(genuine, tmp_path, name):
    store, genuine_path = genuine
    assert "104.20" in _answer(store) and "采用第" not in _answer(store)  # one version: nothing to say
    before = Store(StorePaths.at(store).sqlite).documents()[0]
    counts = Store(StorePaths.at(store).sqlite).document_counts()[before.id]
    forged = _forged(tmp_path, name)
    assert [r.status for r in ingest_paths([forged], store, by="访客").results] == ["ingested"]

    sql = Store(StorePaths.at(store).sqlite)
    docs = sql.documents()
    assert [d.sha256 for d in docs][0] == before.sha256 and len(docs) == 2       # the genuine one kept
    assert sql.document_counts()[before.id] == counts
    assert all(StorePaths.at(store).page_file(d.tables_file).is_file() for d in docs if d.tables_file)
    genuine_entry, forged_entry = list_documents(sql)
    assert (genuine_entry.version, genuine_entry.versions, genuine_entry.added_by) == (1, 2, "财务科")
    assert (forged_entry.version, forged_entry.versions, forged_entry.added_by) == (2, 2, "访客")
    assert f"sha256 {before.sha256[:8]}  第1版（共2版）" in genuine_entry.render_text()

    answer = _answer(store)
    day = docs[1].ingested_at[:10]
    assert "999.00" in answer and f"（采用第2版，sha256 {docs[1].sha256[:8]}，{day} 添加）" in answer.splitlines()

    removed = remove_version(store, docs[1].sha256[:8])
    assert removed.sha256 == docs[1].sha256
    assert [d.sha256 for d in sql.documents()] == [before.sha256]
    assert not StorePaths.at(store).page_file(docs[1].tables_file).exists()  # its kept PDF went with it
    assert StorePaths.at(store).page_file(before.tables_file).is_file()
    answer = _answer(store)
    assert "104.20" in answer and "999.00" not in answer and "采用第" not in answer
    assert ingest_paths([genuine_path], store).results[0].status == "skipped"  # identical content: unchanged


def test_remove_names_one_version_by_its_hash_or_says_why_not(genuine, tmp_path):
    store, _ = genuine
    sha = Store(StorePaths.at(store).sqlite).documents()[0].sha256
    for bad, says in [("xyz", "不是文件哈希"), ("ab12", "不是文件哈希"), ("0" * 8 if sha[0] != "0" else "f" * 8, "没有这个哈希")]:
        with pytest.raises(RemoveError, match=says):
            remove_version(store, bad)
    assert len(Store(StorePaths.at(store).sqlite).documents()) == 1


@pytest.mark.slow
def test_the_cli_says_who_added_each_version_and_removes_one(genuine, tmp_path):
    store, _ = genuine
    forged = _forged(tmp_path, GENUINE_NAME)

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "chatbot.cli", *args, "--store", str(store)],
                              capture_output=True, text=True, timeout=300, cwd=ROOT)

    assert cli("ingest", str(forged), "--by", "张三").returncode == 0
    listed = cli("list").stdout.splitlines()
    sha = Store(StorePaths.at(store).sqlite).documents()[1].sha256
    assert "第2版（共2版，答案采用此版）" in listed[1] and f"sha256 {sha[:8]}" in listed[1] and "由 张三 添加" in listed[1]
    removed = cli("remove", sha[:8])
    assert removed.returncode == 0 and removed.stderr.startswith(f"removed: {GENUINE_NAME}")
    again = cli("remove", sha[:8])
    assert again.returncode == 1 and again.stderr.strip() == f"error: {sha[:8]}: 存储中没有这个哈希的文档（见 budgetqa list）"
    assert len(cli("list").stdout.splitlines()) == 2  # the genuine document and the summary line
