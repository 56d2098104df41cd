"""An upload's ingest runs in a child process at a lower priority (ingest.child), so answering keeps the
app's interpreter: through the app's real upload handler, on a real store (SQLite, Chroma), real PDFs."""
from __future__ import annotations

import os
import shutil
import signal
import time
from pathlib import Path

import pytest

import app
from app_catalogue import STATUS_TEXT, index_problem
from app_ingest import INGESTING, staged_ingest
from ingest.child import INGEST_NICE, IngestChildError, Started, Told, ingest_in_child
from ingest.pipeline import IngestSummary
from ingest.store.store import Store

SAMPLE_QUESTION = "长沙市工业和信息化局三公经费是多少？"


@pytest.fixture(scope="module")
def other_pdf(tmp_path_factory) -> Path:
    """A synthetic disclosure of another department than the sample's (not yet stored)."""
    from eval.synth import generate, render_pdf

    path = tmp_path_factory.mktemp("child") / "other.pdf"
    render_pdf(generate("child", 0, kind="预算"), path)
    return path


def copied(store: Path, folder: Path) -> Path:
    """A copy of a store to write into (the session's sample store is shared)."""
    return Path(shutil.copytree(store, folder / "store"))


@pytest.fixture
def budget_app(store_dir, tmp_path) -> app.BudgetApp:
    """The app over a copy of the sample's store."""
    return app.BudgetApp(copied(store_dir, tmp_path), download_dir=tmp_path / "downloads")


def held(store: Path) -> list[tuple[str, int]]:
    """Each stored document's sha256 with its number of records."""
    db = Store(store / "budgetqa.sqlite")
    try:
        return [(sha, n) for sha, n in db.execute(
            "SELECT d.sha256, COUNT(r.id) FROM documents d LEFT JOIN records r ON r.document_id = d.id "
            "GROUP BY d.id ORDER BY d.id").fetchall()]
    finally:
        db.close()


def fork_server_children(niceness: int) -> list[int]:
    """The processes the parse fork server started that run at `niceness` (an ingest child)."""
    from multiprocessing import forkserver

    server = forkserver._forkserver._forkserver_pid
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == server and int(fields[16]) == niceness:
            found.append(int(pid))
    return found


@pytest.mark.slow
def test_an_upload_is_ingested_outside_the_app_process_and_answers_at_once(budget_app, other_pdf):
    budget_app.service  # noqa: B018 — opened before, as in the running app
    cpu = time.process_time()
    steps = []
    for rows, share, doing in budget_app.ingest_steps([other_pdf]):
        if doing.startswith("检查"):  # the files' stages are over: the app's own step (the new engine) begins
            cpu = time.process_time() - cpu
        steps.append((rows, share, doing))
    # embedding and storing 670 records in this process took 0.7 s of its CPU; in the child, almost none
    assert cpu < 0.25, f"the app process spent {cpu:.2f} s of CPU on the files' stages"
    said = [row[2].split(" · ")[0] for rows, _, _ in steps for row in rows if row[1] == INGESTING]
    assert said[0].startswith("解析") and any(s.startswith("解析 → 表格 → 向量") for s in said)
    assert any(s.endswith("入库") for s in said)
    assert steps[-1][0][0][1] == STATUS_TEXT["ingested"] and steps[-1][1] == 1.0
    new = budget_app.store.documents()[-1]
    service = budget_app.service
    assert new.id in {d.id for d in service.documents}
    assert any(new.id in key for key in service._engines)  # its engine built during the upload (检查)
    answer = service.ask(f"{new.department}三公经费是多少？")
    assert answer.found and {c.document for c in answer.citations} == {new.title}
    assert index_problem(budget_app.store_dir) is None  # the app's Chroma sees the child's vectors


@pytest.mark.slow
def test_the_ingest_child_is_another_process_at_a_lower_priority(store_dir, other_pdf, tmp_path):
    work = copied(store_dir, tmp_path)
    seen: list[tuple[int, int]] = []
    told: list[str] = []
    for item in ingest_in_child([other_pdf], work, by="测试", look_every=0.05):
        if isinstance(item, Started):
            seen.append((item.pid, os.getpriority(os.PRIO_PROCESS, item.pid)))
        elif isinstance(item, Told):
            told.append(item.name)
    assert isinstance(item, IngestSummary) and item.results[0].status == "ingested", item
    (pid, priority), = seen
    assert pid != os.getpid() and priority == min(19, os.getpriority(os.PRIO_PROCESS, 0) + INGEST_NICE)
    assert [n for i, n in enumerate(told) if i == 0 or told[i - 1] != n] == ["parse", "records", "embed", "store", "ready"]
    assert [d.added_by for d in Store(work / "budgetqa.sqlite").documents()][-1] == "测试"


@pytest.mark.slow
def test_a_killed_ingest_child_leaves_a_clear_row_and_the_store_as_it_was(budget_app, other_pdf):
    before = held(budget_app.store_dir)
    killed = []
    rows: list[list[str]] = []
    for step_rows, _, doing in budget_app.ingest_steps([other_pdf]):
        rows = step_rows
        if "向量" in doing and not killed:   # mid-ingest: records built, the embedding under way
            killed = fork_server_children(min(19, os.getpriority(os.PRIO_PROCESS, 0) + INGEST_NICE))
            assert len(killed) == 1, killed
            os.kill(killed[0], signal.SIGKILL)
        assert not doing.startswith("检查")
    assert killed, "the upload never reached its embedding"
    assert rows == [[other_pdf.name, STATUS_TEXT["error"], rows[0][2]]]
    assert rows[0][2].startswith("入库进程被终止（SIGKILL") and "库中已有的内容未受影响" in rows[0][2]
    assert held(budget_app.store_dir) == before
    assert budget_app.service.ask(SAMPLE_QUESTION).found
    again = [r for r, _, _ in budget_app.ingest_steps([other_pdf])][-1]  # nothing half-stored in its way
    assert again[0][1] == STATUS_TEXT["ingested"] and len(held(budget_app.store_dir)) == len(before) + 1


def test_an_exception_in_the_child_comes_back_as_its_files_error_row(other_pdf, tmp_path):
    not_a_store = tmp_path / "store"
    not_a_store.write_text("a file where the store's folder should be", encoding="utf-8")
    with pytest.raises(IngestChildError) as raised:
        list(ingest_in_child([other_pdf], not_a_store, look_every=0.05))
    assert raised.value.path == other_pdf.name and raised.value.reason.startswith("入库出错（")
    *_, summary = staged_ingest(other_pdf, not_a_store, look_every=0.05)
    assert isinstance(summary, IngestSummary)
    assert [(r.status, r.reason) for r in summary.results] == [("error", raised.value.reason)]
    assert not_a_store.read_text(encoding="utf-8").startswith("a file")
