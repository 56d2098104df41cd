"""ingest_paths' stage callback (ingest.stages): a file's ingest told as it goes, in order, on the
bundled sample PDF into a real store (SQLite, Chroma); nothing told for a file skipped as unchanged;
a refused file stops where it failed."""
from __future__ import annotations

import pytest

from ingest.pipeline import ingest_paths
from ingest.stages import STAGES
from ingest.store.storage import StorePaths
from ingest.store.store import Store


@pytest.mark.slow
def test_a_pdf_is_told_parse_records_embed_store_ready_in_order(sample_pdf, tmp_path):
    told: list[tuple[str, str, int, int]] = []
    store = tmp_path / "store"
    summary = ingest_paths([sample_pdf], store, stage=lambda *step: told.append(step))
    [result] = summary.results
    assert result.status == "ingested", result
    assert {path for path, *_ in told} == {str(sample_pdf)}
    names = [name for _, name, _, _ in told]
    assert [STAGES.index(n) for n in names] == sorted(STAGES.index(n) for n in names)  # never back
    assert list(dict.fromkeys(names)) == list(STAGES)  # every stage, each once in its turn
    pages = Store(StorePaths.at(store).sqlite).documents()[0].pages
    assert told[:2] == [(str(sample_pdf), "parse", 0, 0), (str(sample_pdf), "parse", pages, pages)]
    assert told[2] == (str(sample_pdf), "records", result.records, result.records)
    embed = [(done, total) for _, name, done, total in told if name == "embed"]
    total = embed[0][1]
    assert embed[0] == (0, total) and embed[-1] == (total, total) and total > result.chunks
    assert [d for d, _ in embed] == sorted({d for d, _ in embed}) and {t for _, t in embed} == {total}
    assert told[-2:] == [(str(sample_pdf), "store", 0, 1), (str(sample_pdf), "ready", 1, 1)]

    again: list[tuple] = []  # the same content again: skipped before any stage
    assert ingest_paths([sample_pdf], store, stage=lambda *step: again.append(step)).results[0].status == "skipped"
    assert again == []


def test_a_file_refused_by_its_parse_is_told_its_start_only(tmp_path):
    fake = tmp_path / "假文件.pdf"
    fake.write_text("不是PDF，只是改了后缀的文本。\n", encoding="utf-8")
    told: list[tuple] = []
    [result] = ingest_paths([fake], tmp_path / "store", stage=lambda *step: told.append(step)).results
    assert result.status == "error"
    assert told == [(str(fake), "parse", 0, 0)]
