"""A lost vector index is found and rebuilt: `check` compares it with the lookup document by document,
`repair` embeds what is missing again, and re-ingesting the unchanged file repairs instead of skipping."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from storecheck import consistency

from chatbot.cli import main
from ingest.pipeline import ingest_paths
from ingest.store.index_check import compare_index, missing_nodes
from ingest.store.storage import StorePaths, Stores

SAMPLE_PDF = Path(__file__).resolve().parents[2] / "ingest" / "samples" / "changsha-gxj-2024.pdf"


@pytest.fixture
def lost_index(store_dir, tmp_path) -> Path:
    """A copy of the sample PDF's store whose `chroma/` was deleted."""
    root = tmp_path / "store"
    shutil.copytree(store_dir, root)
    shutil.rmtree(root / "chroma")
    return root


def _chunk_hits(root: Path) -> list[str]:
    stores = Stores(StorePaths.at(root))
    try:
        return [n.node.metadata["section"] for n in stores.vectors.retrieve("部门主要职责和机构设置", top_k=3, kind="chunk")]
    finally:
        stores.close()


@pytest.mark.slow
def test_a_deleted_index_is_reported_by_check_and_rebuilt_by_repair(lost_index, capsys):
    assert _chunk_hits(lost_index) == []
    assert main(["check", "--failed", "--store", str(lost_index)]) == 1
    out = capsys.readouterr().out.splitlines()
    lost = [ln for ln in out if ln.startswith("✗ [索引]")]
    assert len(lost) == 1 and "表格行 0/" in lost[0] and "叙述段落 0/" in lost[0] and "budgetqa repair" in lost[0]

    assert main(["repair", "--store", str(lost_index)]) == 0
    err = capsys.readouterr().err
    assert "texts embedded" in err and "the vector index is complete" in err

    assert main(["check", "--store", str(lost_index)]) == 0
    out = capsys.readouterr().out
    assert "✓ [索引] 向量索引完整" in out and "✗ [索引]" not in out
    assert _chunk_hits(lost_index)  # narrative passages come back from the index
    assert consistency(lost_index).ok


@pytest.mark.slow
def test_reingesting_an_unchanged_file_repairs_its_missing_vectors(lost_index):
    stores = Stores(StorePaths.at(lost_index))
    try:
        gap = compare_index(stores)[0]
        assert gap.rows > 100 and gap.chunks > 10 and len(gap.missing) == gap.rows + gap.chunks
        assert missing_nodes(stores) == (gap.rows + gap.chunks, 1)
    finally:
        stores.close()
    result = ingest_paths([SAMPLE_PDF], lost_index).results[0]
    assert result.status == "repaired" and "vector(s) were missing" in result.line()
    stores = Stores(StorePaths.at(lost_index))
    try:
        assert all(g.complete for g in compare_index(stores)) and missing_nodes(stores) == (0, 0)
    finally:
        stores.close()
    assert ingest_paths([SAMPLE_PDF], lost_index).results[0].status == "skipped"  # whole again: nothing to do



@pytest.mark.slow
def test_a_service_that_read_the_lost_index_sees_the_repair_of_another_process(lost_index):
    """A running app's question service opened the empty index; `budgetqa repair` in another process
    rebuilds it: the service is told the store changed, and its reopened self finds the passages
    (chromadb in this process would otherwise keep failing on the index it read: chroma#3769)."""
    import subprocess
    import sys

    from chatbot.service import open_service

    query = "部门主要职责和机构设置"
    running = open_service(lost_index)
    fresh = None
    try:
        assert running.vectors.retrieve(query, top_k=3, kind="chunk") == [] and not running.changed()
        done = subprocess.run([sys.executable, "-m", "chatbot.cli", "repair", "--store", str(lost_index)],
                              cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        assert running.changed()
        fresh = running.reopened()
        assert len(fresh.vectors.retrieve(query, top_k=3, kind="chunk")) == 3
    finally:
        running.close()
        if fresh is not None:
            fresh.close()
