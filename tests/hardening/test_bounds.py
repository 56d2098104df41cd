"""Bounded work after the parse: a document with too much to embed, or an ingest over its time limit,
ends in one line naming the file, with nothing of it stored; embedding says how far it got."""
from __future__ import annotations

import time
from pathlib import Path

import pytest
from storecheck import snapshot

from chatbot.cli import main
from ingest.bounds import Deadline, IngestLimits, embed_within
from ingest.errors import IngestTimeout
from ingest.pipeline import ingest_paths
from ingest.store.storage import StorePaths, Stores


def project_workbook(path: Path, rows: int) -> Path:
    """A one-sheet budget workbook of `rows` project rows, written row by row (openpyxl write-only)."""
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("表5")
    sheet.append(["2023年项目支出预算表"])
    sheet.append(["部门名称：测试市界限局", None, "单位：万元"])
    sheet.append(["项目名称", "总计", "基本支出"])
    for i in range(rows):
        sheet.append([f"界限项目{i}", 2 + i, 1 + i])
    book.save(path)
    return path


def _cached_vectors(root: Path) -> int:
    stores = Stores(StorePaths.at(root))
    try:
        return stores.vectors.cache.count() if stores.vectors.cache is not None else 0
    finally:
        stores.close()


@pytest.mark.slow
def test_a_200000_row_workbook_is_stopped_by_the_ingest_time_limit_with_the_store_unchanged(
        text_store, tmp_path, monkeypatch):
    book = project_workbook(tmp_path / "huge.xlsx", 200_000)
    monkeypatch.setenv("BUDGETQA_INGEST_SECONDS", "6")
    before = snapshot(text_store)
    started = time.monotonic()
    result = ingest_paths([book], text_store).results[0]
    elapsed = time.monotonic() - started
    assert result.status == "error"
    line = result.line()
    assert "\n" not in line and line.startswith(f"error: {book}: 入库超时")
    assert "6 s (BUDGETQA_INGEST_SECONDS)" in line and "nothing stored" in line
    assert elapsed < 6 + 20  # the limit, and the child's start and kill on a busy machine
    assert snapshot(text_store) == before


def test_a_document_with_more_texts_than_the_limit_is_stopped_before_embedding(tmp_path, monkeypatch):
    book = project_workbook(tmp_path / "wide.xlsx", 1_500)
    monkeypatch.setenv("BUDGETQA_MAX_EMBED_TEXTS", "1000")
    store = tmp_path / "store"
    result = ingest_paths([book], store).results[0]
    assert result.status == "error"
    assert result.line() == (f"error: {book}: 文件过大，未入库 / 1,500 texts to embed (1,500 table rows, 0 narrative "
                             "chunks), more than the limit of 1,000 (BUDGETQA_MAX_EMBED_TEXTS); nothing stored")
    counts, vectors, _ = snapshot(store)
    assert counts == {"documents": 0, "tables": 0, "records": 0, "chunks": 0} and vectors == 0
    assert _cached_vectors(store) == 0  # stopped before a single text was embedded


def test_a_document_with_more_records_than_the_limit_is_stopped(tmp_path, monkeypatch):
    book = project_workbook(tmp_path / "records.xlsx", 400)
    monkeypatch.setenv("BUDGETQA_MAX_RECORDS", "500")  # 400 rows × 2 amounts
    result = ingest_paths([book], tmp_path / "store").results[0]
    assert result.status == "error" and "800 records, more than the limit of 500 (BUDGETQA_MAX_RECORDS)" in result.reason
    assert _cached_vectors(tmp_path / "store") == 0


def test_embedding_stops_at_the_deadline_and_reports_its_progress(tmp_path):
    stores = Stores(StorePaths.at(tmp_path / "store"))
    texts = [f"界限测试文本{i}" for i in range(300)]
    try:
        passed = Deadline("late.xlsx", IngestLimits(seconds=1), spent=5)
        with pytest.raises(IngestTimeout, match=r"late\.xlsx: 入库超时.*while embedding \(0/300 texts embedded\)"):
            embed_within(stores.vectors, "late.xlsx", texts, passed)
        assert stores.vectors.cache.count() == 0
        seen: list[tuple[str, int, int]] = []
        embed_within(stores.vectors, "ok.xlsx", texts + texts[:10], Deadline("ok.xlsx", IngestLimits(seconds=600)),
                     lambda *step: seen.append(step))
        assert seen == [("ok.xlsx", 256, 300), ("ok.xlsx", 300, 300)]  # distinct texts, a batch at a time
        assert stores.vectors.cache.count() == 300
    finally:
        stores.close()


def test_the_cli_prints_how_many_texts_are_embedded(tmp_path, capsys):
    book = project_workbook(tmp_path / "progress.xlsx", 600)
    assert main(["ingest", str(book), "--store", str(tmp_path / "store")]) == 0
    err = capsys.readouterr().err
    assert "texts embedded 600/600  progress.xlsx" in err
    assert "1 file(s): 1 ingested" in err
