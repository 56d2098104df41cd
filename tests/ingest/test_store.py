"""Ingest into a real store (SQLite file + Chroma collection): contents, idempotence, bad input."""
from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from ingest.document.sandbox import ParseLimits, parse_isolated
from ingest.pipeline import ingest_paths
from ingest.store.storage import StorePaths, Stores
from ingest.store.store import Store
from ingest.store.vectors import CHROMA_KEYS


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory, store_dir, writable_copy, sample_pdf) -> Path:
    """A copy of the session's sample store: these tests try writes that must change nothing, and a
    write that did must not reach the other tests' store."""
    return writable_copy(store_dir, tmp_path_factory.mktemp("store") / "store", [sample_pdf])


def _snapshot(root: Path) -> tuple[dict[str, int], int, str]:
    stores = Stores(StorePaths.at(root))
    try:
        counts = stores.sql.counts()
        vectors = stores.vectors.count()
        digest = hashlib.sha256(json.dumps(
            stores.sql.db.execute("SELECT * FROM records ORDER BY id").fetchall(), default=str).encode()).hexdigest()
        return counts, vectors, digest
    finally:
        stores.close()


def test_numeric_lookup_holds_documents_tables_records_and_exact_money(store_dir):
    """On SQLite by default, on PostgreSQL when BUDGETQA_DATABASE_URL is set: the same rows."""
    db = Store(StorePaths.at(store_dir).sqlite)
    (title, dept, year, kind), = db.execute("SELECT title, department, year, kind FROM documents").fetchall()
    assert (title, dept, year, kind) == ("长沙市工业和信息化局2024年部门预算", "长沙市工业和信息化局", 2024, "预算")
    assert db.execute("SELECT COUNT(*) FROM tables").fetchone()[0] == 10
    value, = db.execute("SELECT value FROM records WHERE code='2150501' AND column_path='基本支出' "
                        "AND table_title='2024年一般公共预算支出情况表'").fetchone()
    assert value == "2466.28" and Decimal(value) == Decimal("2466.28")


def test_chroma_holds_chunks_and_one_node_per_row_with_citation_metadata(store_dir):
    stores = Stores(StorePaths.at(store_dir))
    try:
        got = stores.vectors.collection.get(where={"kind": "row"}, include=["metadatas", "documents"])
        assert len(got["ids"]) > 100
        # Chroma keeps a node's id, vector and the keys searched on, neither its text as a Chroma document
        # (indexed for full-text search) nor its JSON; a hit is filled from the lookup
        assert all(set(meta) == set(CHROMA_KEYS) for meta in got["metadatas"])
        assert got["documents"] == [None] * len(got["ids"])
        hits = stores.vectors.retrieve("一般公共服务支出", top_k=5, kind="row")
        assert hits and {h.node.node_id for h in hits} <= set(got["ids"])
        node = hits[0].node
        assert {"document", "table", "page", "row", "code", "sources"} <= set(node.metadata)
        assert node.text.startswith(node.metadata["table"] + "：") and "万元" in node.text
        assert node.ref_doc_id == node.metadata["doc_sha"] == got["metadatas"][0]["doc_sha"]
        # a chunk is embedded by its section's heading (BUDGETQA_CHUNK_EMBED_CHARS=0): asked in the heading's
        # words, the section's chunks come first, each holding its whole text (BM25 ranks the words within)
        hits = stores.vectors.retrieve("一般性支出情况怎么样", top_k=3, kind="chunk")
        assert any("会议费预算8.36万元" in h.node.text for h in hits)
        assert hits[0].node.metadata["section"].endswith("一般性支出情况")
    finally:
        stores.close()


def test_reingesting_an_unchanged_file_changes_nothing(store_dir, sample_pdf):
    before = _snapshot(store_dir)
    summary = ingest_paths([sample_pdf], store_dir)
    assert [r.status for r in summary.results] == ["skipped"]
    assert _snapshot(store_dir) == before


def _reportlab_pdf(draw, **canvas_kwargs) -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, **canvas_kwargs)
    draw(c)
    c.showPage()
    c.save()
    return buf.getvalue()


def _text_only(c) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c.setFont("STSong-Light", 12)
    c.drawString(72, 720, "这是一份没有表格的说明文字。")


def _image_only(c) -> None:
    c.rect(72, 400, 300, 300, fill=1)  # a scanned page: marks, no text layer


def _encrypted(c) -> None:
    _text_only(c)


BAD_INPUTS = {
    "empty.pdf": (lambda sample: b"", "empty file"),
    "notes.pdf": (lambda sample: "这不是PDF".encode(), "not a PDF"),
    "truncated.pdf": (lambda sample: sample[: len(sample) // 3], "corrupt or truncated"),
    "corrupt.pdf": (lambda sample: b"%PDF-1.7\n" + bytes(range(256)) * 40, "corrupt or truncated"),
    "encrypted.pdf": (lambda sample: _reportlab_pdf(_encrypted, encrypt="secret"), "encrypted"),
    "scan.pdf": (lambda sample: _reportlab_pdf(_image_only), "needs OCR"),
    "prose.pdf": (lambda sample: _reportlab_pdf(_text_only), "no budget tables"),
    "table.xlsx": (lambda sample: b"PK\x03\x04", "corrupt workbook"),
    "table.doc": (lambda sample: b"\xd0\xcf\x11\xe0", "unsupported file type"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_gets_a_reason_and_loses_nothing(name, store_dir, sample_pdf, tmp_path):
    make, reason = BAD_INPUTS[name]
    bad = tmp_path / name
    bad.write_bytes(make(sample_pdf.read_bytes()))
    before = _snapshot(store_dir)
    summary = ingest_paths([bad], store_dir)
    (result,) = summary.results
    assert result.status == "error"
    assert reason in result.reason, result.reason
    assert _snapshot(store_dir) == before


def test_a_parse_that_overruns_its_time_limit_is_stopped(store_dir, sample_pdf, tmp_path):
    """Stands in for a hostile file that makes the parser spin: the child is killed at the limit."""
    copy = tmp_path / "slow.pdf"
    copy.write_bytes(sample_pdf.read_bytes() + b"\n%slow\n")  # new hash, so it is parsed again
    before = _snapshot(store_dir)
    summary = ingest_paths([copy], store_dir, limits=ParseLimits(seconds=0.3, memory_mb=2048, seconds_per_page=0))
    assert summary.results[0].status == "error"
    assert "longer than 0.3 s" in summary.results[0].reason
    assert _snapshot(store_dir) == before


def test_a_long_file_is_given_time_for_its_pages(sample_pdf):
    """The limit grows with the pages the file has (a 262-page disclosure on a busy machine needs
    minutes), up to a ceiling: the sample's 108 pages at 2 s each outlast a 0.3 s base."""
    limits = ParseLimits(seconds=0.3, memory_mb=2048, seconds_per_page=2, most_seconds=600)
    assert limits.for_pages(108) == pytest.approx(216.3) and limits.for_pages(10_000) == 600
    assert limits.for_pages(0) == 0.3
    doc = parse_isolated(sample_pdf, limits)
    assert doc.pages == 108 and len(doc.tables) >= 8


def test_cli_reports_each_bad_file_and_still_ingests_the_good_one(tmp_path, sample_pdf):
    (tmp_path / "bad.pdf").write_bytes(b"hello")
    good = tmp_path / "good.txt"
    shutil.copy(sample_pdf.with_suffix(".txt"), good)
    store = tmp_path / "store"
    proc = subprocess.run([sys.executable, "-m", "chatbot.cli", "ingest", str(tmp_path / "bad.pdf"), str(good),
                           "--store", str(store)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1
    errors = [ln for ln in proc.stderr.splitlines() if ln.startswith("error:")]
    assert errors == [f"error: {tmp_path / 'bad.pdf'}: not a PDF (no %PDF- header)"]
    export = subprocess.run([sys.executable, "-m", "chatbot.cli", "export", "--store", str(store)],
                            capture_output=True, text=True, timeout=120)
    lines = [json.loads(ln) for ln in export.stdout.splitlines()]
    row = next(ln for ln in lines if ln["code"] == "2150501" and ln["column"] == "基本支出"
               and ln["table"] == "2024年一般公共预算支出情况表")
    assert row == {"document": "长沙市工业和信息化局2024年部门预算", "department": "长沙市工业和信息化局",
                   "year": 2024, "table": "2024年一般公共预算支出情况表", "page": row["page"], "row": "行政运行",
                   "code": "2150501", "column": "基本支出", "value": "2466.28", "unit": "万元", "kind": "money",
                   "table_kind": "一般公共预算支出（功能分类）", "value_wan": "2466.28",
                   "bbox": None}  # the text form has no pages


def test_a_changed_version_of_the_same_file_is_stored_beside_the_old_one(tmp_path, sample_pdf):
    src = sample_pdf.with_suffix(".txt")
    doc = tmp_path / "dept.txt"
    doc.write_text(src.read_text("utf-8"), "utf-8")
    store = tmp_path / "store"
    ingest_paths([doc], store)
    doc.write_text(src.read_text("utf-8").replace("2,466.28", "2,466.29", 1), "utf-8")
    summary = ingest_paths([doc], store)
    assert summary.results[0].status == "ingested"
    stores = Stores(StorePaths.at(store))
    try:
        docs = stores.sql.documents()
        assert [d.source for d in docs] == ["dept.txt", "dept.txt"]  # never replaced unseen (issue 22)
        shas = {m["doc_sha"] for m in stores.vectors.collection.get(include=["metadatas"])["metadatas"]}
        assert shas == {d.sha256 for d in docs}
    finally:
        stores.close()


def test_parallel_workers_parse_at_once_and_store_in_order(tmp_path, sample_pdf):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"not a pdf")
    files = [sample_pdf, sample_pdf.with_suffix(".txt"), bad, sample_pdf]
    summary = ingest_paths(files, tmp_path / "store", workers=2)
    assert [r.status for r in summary.results] == ["ingested", "ingested", "error", "skipped"]
    stores = Stores(StorePaths.at(tmp_path / "store"))
    try:
        assert sorted(d.source for d in stores.sql.documents()) == ["changsha-gxj-2024.pdf", "changsha-gxj-2024.txt"]
    finally:
        stores.close()
