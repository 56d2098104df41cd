"""One writer at a time (issue 22): every writer takes the store's write lock, a second one waits and
says so, or fails in one line at its timeout; two `budgetqa ingest` processes started together each
end with their documents complete — records, vectors and kept PDFs."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from hostile import ROOT, sample_excerpt

from ingest.document.reader import read_document
from ingest.store.lock import WAIT_LINE, StoreBusy, write_lock
from ingest.store.storage import StorePaths, Stores
from ingest.store.vectors import document_nodes
from ingest.tables.records import document_records


def _ingest(files: list[Path], store: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "chatbot.cli", "ingest", *map(str, files), "--store", str(store)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})})


def _together(runs: list[list[Path]], store: Path) -> list[str]:
    """Start one ingest process per file list at once; their stderr, after each ended with 0."""
    procs = [_ingest(files, store) for files in runs]
    errs = [p.communicate(timeout=600)[1] for p in procs]
    for p, err in zip(procs, errs):
        assert p.returncode == 0 and "Traceback" not in err, err
    return errs


def _excerpt(path: Path, pages: tuple[int, ...]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(sample_excerpt(pages))
    return path


def _assert_complete(store: Path, files: list[Path]) -> None:
    """Each file is one stored document with all its records and exactly its nodes, its PDF kept,
    and no node of anything else."""
    stores = Stores(StorePaths.at(store))
    try:
        docs = {d.sha256: d for d in stores.sql.documents()}
        assert len(docs) == len(files)
        counts = stores.sql.document_counts()
        total = 0
        for f in files:
            doc = read_document(f)
            records = document_records(doc)
            stored = docs[doc.sha256]
            assert counts[stored.id][1] == len(records)
            got = stores.vectors.collection.get(where={"doc_sha": doc.sha256}, include=[])["ids"]
            assert len(got) == len(document_nodes(doc, records)[0]) > 0
            assert stores.paths.page_file(stored.tables_file).is_file()
            total += len(got)
        assert stores.vectors.count() == total
    finally:
        stores.close()


@pytest.mark.slow
def test_two_ingest_processes_of_the_same_file_store_it_once_complete(tmp_path):
    pdf = _excerpt(tmp_path / "docs" / "a.pdf", (1, 9, 10, 19))
    errs = _together([[pdf], [pdf]], tmp_path / "store")
    results = sorted(next(ln for ln in e.splitlines() if ln.endswith("records") and "file(s)" in ln) for e in errs)
    assert results[0].startswith("1 file(s): 0 ingested, 1 unchanged") and \
        results[1].startswith("1 file(s): 1 ingested, 0 unchanged"), errs
    _assert_complete(tmp_path / "store", [pdf])


@pytest.mark.slow
def test_two_ingest_processes_of_different_files_store_both_complete(tmp_path):
    first = _excerpt(tmp_path / "docs" / "a.pdf", (1, 9, 10, 19))
    second = _excerpt(tmp_path / "docs" / "b.pdf", (1, 9, 10))
    _together([[first], [second]], tmp_path / "store")
    _assert_complete(tmp_path / "store", [first, second])


def test_a_second_writer_says_it_waits_then_fails_in_one_line_at_its_timeout(tmp_path):
    pdf = _excerpt(tmp_path / "docs" / "a.pdf", (1, 9, 10))
    store = tmp_path / "store"
    with write_lock(store):
        proc = _ingest([pdf], store, env={"BUDGETQA_LOCK_TIMEOUT": "2"})
        err = proc.communicate(timeout=300)[1]
    assert proc.returncode == 1 and "Traceback" not in err, err
    assert WAIT_LINE in err.splitlines()
    errors = [ln for ln in err.splitlines() if ln.startswith("error:")]
    assert errors == [f"error: {pdf}: 存储正被另一进程写入，等待2秒后放弃，请稍后再试"]
    stores = Stores(StorePaths.at(store))
    try:
        assert stores.sql.documents() == [] and not any(stores.paths.pages.glob("*.pdf"))
    finally:
        stores.close()


def test_a_waiting_writer_goes_on_once_the_lock_is_let_go(tmp_path):
    said: list[str] = []
    order: list[str] = []
    holding = threading.Event()

    def first() -> None:
        with write_lock(tmp_path):
            holding.set()
            time.sleep(0.5)
            order.append("first done")

    t = threading.Thread(target=first)
    t.start()
    holding.wait(5)
    with write_lock(tmp_path, timeout=10, waiting=said.append):
        order.append("second in")
    t.join()
    assert said == [WAIT_LINE] and order == ["first done", "second in"]
    with write_lock(tmp_path, timeout=0, waiting=said.append):  # free again: no wait, nothing said
        pass
    assert said == [WAIT_LINE]


def test_a_writer_that_cannot_wait_fails_naming_the_store(tmp_path):
    with write_lock(tmp_path), pytest.raises(StoreBusy, match=str(tmp_path)):
        with write_lock(tmp_path, timeout=0, waiting=lambda line: None):
            pass


_OPEN_AT = """
import sys, time
from pathlib import Path
from ingest.store.embedding import E5Embedding
from ingest.store.vectors import VectorIndex
start = float(sys.argv[2])
while time.time() < start:
    pass
VectorIndex(Path(sys.argv[1]) / "chroma", E5Embedding())
"""


@pytest.mark.slow
def test_processes_opening_a_new_stores_vector_index_at_once_all_open_it(tmp_path):
    """Two uploads or `budgetqa ingest` runs into a new store reach its Chroma directory at the same
    moment: chromadb creates its tables unguarded, and without the open lock 5 of 32 such processes
    died in a trial (「table collections already exists」). Five at once, six times: every one opens it."""
    for round_ in range(6):
        store = tmp_path / f"store{round_}"
        store.mkdir()
        at = time.time() + 6   # after every process's imports
        procs = [subprocess.Popen([sys.executable, "-c", _OPEN_AT, str(store), str(at)], cwd=ROOT,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for _ in range(5)]
        errs = [p.communicate(timeout=120)[1] for p in procs]
        assert all(p.returncode == 0 for p in procs), "\n".join(errs)
        stores = Stores(StorePaths.at(store))
        try:
            assert stores.vectors.count() == 0
        finally:
            stores.close()
