"""Hostile PDFs: each gets its typed error within the parse limits, the parsing child is gone, the
store is untouched, and the next file of the same call is still ingested."""
from __future__ import annotations

import time
from pathlib import Path

import pytest
from hostile import ATTACKS, garbled_sentence_pdf, owner_password_pdf, tiny_text
from storecheck import child_pids, snapshot

from ingest.document.sandbox import ParseLimits, parse_isolated, start_fork_server
from ingest.errors import IngestError, NeedsOcr, TooManyPages
from ingest.pdf.pdf_reader import read_pdf
from ingest.pipeline import ingest_paths
from ingest.store.storage import StorePaths, Stores
from ingest.tables.records import document_records

KILL_GRACE_SECONDS = 5  # parse_isolated joins the killed child for at most 5 s


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("attacked-store")
    base = root.parent / "base.txt"
    base.write_text(tiny_text("测试市基准局"), encoding="utf-8")
    assert ingest_paths([base], root).results[0].status == "ingested"
    return root


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _next_file(tmp_path: Path, tag: str) -> Path:
    """A small, distinct disclosure to ingest after the hostile one."""
    path = tmp_path / f"next-{tag}.txt"
    path.write_text(tiny_text(f"测试市{tag}局"), encoding="utf-8")
    return path


@pytest.mark.parametrize("attack", ATTACKS, ids=[a.filename for a in ATTACKS])
def test_hostile_pdf_gets_its_typed_error_within_the_limits(attack, tmp_path):
    bad = _write(tmp_path, attack.filename, attack.make())
    limits = ParseLimits(seconds=attack.seconds, memory_mb=attack.memory_mb)
    start_fork_server()  # the parse children's fork server stays: only the child must be gone
    before = child_pids()
    started = time.perf_counter()
    with pytest.raises(IngestError) as caught:
        parse_isolated(bad, limits)
    elapsed = time.perf_counter() - started
    assert type(caught.value) is attack.error, caught.value
    assert str(bad) in str(caught.value) and attack.reason in caught.value.reason, caught.value
    assert elapsed < attack.seconds + KILL_GRACE_SECONDS
    assert child_pids() <= before  # the parsing child was killed and reaped


@pytest.mark.slow
def test_hostile_pdfs_leave_the_store_untouched_and_the_next_file_is_always_ingested(store, tmp_path):
    """One call, as a user would drop a folder: each hostile file followed by a good one. The limits
    of the call are the strictest any attack needs (3 s, 256 MB): good files parse well within them."""
    batch = []
    for i, attack in enumerate(ATTACKS):
        batch += [_write(tmp_path, attack.filename, attack.make()), _next_file(tmp_path, str(i))]
    before = snapshot(store)
    limits = ParseLimits(seconds=min(a.seconds for a in ATTACKS), memory_mb=min(a.memory_mb for a in ATTACKS))
    results = ingest_paths(batch, store, limits=limits).results
    for attack, bad, good in zip(ATTACKS, results[::2], results[1::2]):
        assert bad.status == "error" and attack.reason in bad.reason, (attack.name, bad)
        assert good.status == "ingested", (attack.name, good)
    assert snapshot(store, without=tuple(Path(r.path).name for r in results[1::2])) == before


def test_a_pdf_with_only_an_owner_password_opens_and_is_ingested(tmp_path):
    """Decision: an empty user password is no protection — any reader opens it, and so do we."""
    pdf = _write(tmp_path, "owner.pdf", owner_password_pdf())
    doc = parse_isolated(pdf, ParseLimits(seconds=20, memory_mb=512))
    values = {r.row: str(r.value) for r in document_records(doc)}
    assert values == {"合计": "104.20", "公务接待费": "2.95", "因公出国（境）费": "15.00",
                      "公务用车购置及运行费": "86.25"}


def test_a_garbled_sentence_is_kept_out_of_the_chunks(tmp_path):
    """One narrative line in a font without a Unicode map, the rest readable: the document is read,
    but neither the (cid:…) text nor its figure (999.00) is stored."""
    doc = read_pdf(_write(tmp_path, "mixed.pdf", garbled_sentence_pdf()))
    text = "".join(c.text for c in doc.chunks)
    assert "会议费预算8.36万元" in text
    assert "cid:" not in text and "999" not in text


def test_a_page_cap_is_read_from_the_environment(tmp_path, monkeypatch):
    from hostile import blank_pages_pdf

    pdf = _write(tmp_path, "pages.pdf", blank_pages_pdf(30))
    monkeypatch.setenv("BUDGETQA_MAX_PAGES", "20")
    with pytest.raises(TooManyPages, match="30 pages, more than the limit of 20"):
        read_pdf(pdf)
    liar = _write(tmp_path, "liar.pdf", blank_pages_pdf(30).replace(b"/Count 30", b"/Count 1 "))
    with pytest.raises(TooManyPages, match="30 pages"):  # the page tree's /Count says 1
        read_pdf(liar)
    monkeypatch.setenv("BUDGETQA_MAX_PAGES", "5000")
    with pytest.raises(NeedsOcr):  # 3000 blank pages under a raised cap: read to the end, in time
        parse_isolated(_write(tmp_path, "pages3000.pdf", blank_pages_pdf(3000)), ParseLimits(seconds=60))


def test_the_memory_limit_is_on_top_of_what_the_parent_maps(tmp_path):
    """A parent that maps more than the limit (the app does: Chroma, the embedder, thread arenas)
    can still parse a small file: the limit is what the parse may add."""
    import mmap

    reserve = mmap.mmap(-1, 600 * 1024 * 1024)  # address space, never touched
    try:
        doc = parse_isolated(_write(tmp_path, "small.txt", tiny_text("测试市内存局").encode()),
                             ParseLimits(seconds=20, memory_mb=256))
        assert doc.department == "测试市内存局"
    finally:
        reserve.close()


def test_the_stores_close_cleanly_after_the_attacks(store):
    stores = Stores(StorePaths.at(store))
    try:
        assert stores.sql.db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        stores.close()
