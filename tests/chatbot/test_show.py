"""Issue 14: `budgetqa show` and `ask --show` — a citation's page rendered from the PDF the store kept,
the cited cells (every operand of a computed answer, or a quoted sentence's lines) boxed on it."""
from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from pathlib import Path

import pytest
from PIL import Image

from chatbot.cli import main
from ingest.pdf.render import BOX_COLOUR, SCALE
from ingest.store.store import SCHEMA, Store

SAMPLE_PDF = Path(__file__).resolve().parents[2] / "ingest/samples/changsha-gxj-2024.pdf"
SAMPLE_TXT = SAMPLE_PDF.with_suffix(".txt")
SAMPLE_SHA = hashlib.sha256(SAMPLE_PDF.read_bytes()).hexdigest()


def ask_json(store: Path, question: str, capsys) -> dict:
    assert main(["ask", question, "--json", "--store", str(store)]) == 0
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def red_share_on_outline(png: Path, bbox: list[float]) -> float:
    """The share of points on the middle of the outline around `bbox` (scaled) that are the box colour."""
    image = Image.open(png).convert("RGB")
    x0, top, x1, bottom = (v * SCALE for v in bbox)
    points = [(int(x0 + (x1 - x0) * i / 8), int(top - 2)) for i in range(1, 8)]
    points += [(int(x0 + (x1 - x0) * i / 8), int(bottom + 2)) for i in range(1, 8)]
    points += [(int(x1 + 2), int(top + (bottom - top) * i / 4)) for i in range(1, 4)]
    red = [p for p in points if all(abs(a - b) <= 30 for a, b in zip(image.getpixel(p), BOX_COLOUR))]
    return len(red) / len(points)


def test_the_store_keeps_the_ingested_pdf_by_its_hash(store_dir):
    kept = store_dir / "pages" / f"{SAMPLE_SHA}.pdf"
    assert kept.read_bytes() == SAMPLE_PDF.read_bytes()
    doc = Store(store_dir / "budgetqa.sqlite").documents()[0]
    assert doc.tables_file == doc.narrative_file == SAMPLE_SHA


def test_the_export_line_carries_the_cells_box(store_dir, capsys):
    assert main(["export", "--store", str(store_dir)]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    line = next(x for x in lines if x["code"] == "2150501" and x["column"].endswith("基本支出")
                and x["table"] == "2024年一般公共预算支出情况表")
    assert line["value"] == "2466.28" and line["page"] == 15
    x0, top, x1, bottom = line["bbox"]
    assert 0 < x0 < x1 < 595.3 and 0 < top < bottom < 841.9
    assert all(x["bbox"] is not None for x in lines)


def test_show_citation_boxes_the_cited_cell_on_its_page(store_dir, tmp_path, capsys):
    answer = ask_json(store_dir, "三公经费是多少？", capsys)
    cite = answer["citations"][0]
    assert cite["page"] == 19 and cite["value"] == "104.20" and len(cite["bbox"]) == 4 and cite["document_id"]
    out = tmp_path / "sangong.png"
    assert main(["show", "--citation", json.dumps(cite, ensure_ascii=False), "--out", str(out),
                 "--store", str(store_dir)]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == str(out)
    assert Image.open(out).size == (round(595.3 * SCALE), round(841.9 * SCALE))
    crop = tmp_path / "sangong-crop.png"
    assert f"crop: {crop}" in captured.err and Image.open(crop).width > Image.open(crop).height
    assert red_share_on_outline(out, cite["bbox"]) > 0.9


def test_ask_show_writes_a_computed_answers_page_with_every_operand_boxed(store_dir, tmp_path, capsys):
    out_dir = tmp_path / "pages"
    assert main(["ask", "公车购置费占三公经费多少？", "--json", "--show", str(out_dir), "--store", str(store_dir)]) == 0
    captured = capsys.readouterr()
    answer = json.loads(captured.out.strip())
    assert len(answer["citations"]) == 2 and {c["page"] for c in answer["citations"]} == {19}
    images = sorted(out_dir.glob("budgetqa-page-*.png"))
    assert len(images) == 1 and f"page: {images[0]}" in captured.err  # both operands on one page
    [crop] = out_dir.glob("budgetqa-crop-*.png")  # and the region around them, readable (issue 23)
    assert f"crop: {crop}" in captured.err and Image.open(crop).height < Image.open(images[0]).height / 2
    for cite in answer["citations"]:
        assert red_share_on_outline(images[0], cite["bbox"]) > 0.9, cite


def test_a_narrative_citation_boxes_the_quoted_sentence(store_dir, tmp_path, capsys):
    answer = ask_json(store_dir, "机关运行经费是多少？", capsys)
    quote = next(c for c in answer["citations"] if c.get("text"))
    out = tmp_path / "quote.png"
    assert main(["show", "--citation", json.dumps(quote, ensure_ascii=False), "--out", str(out),
                 "--store", str(store_dir)]) == 0
    from chatbot.pages import sentence_marks

    store = Store(store_dir / "budgetqa.sqlite")
    marks = sentence_marks(store.chunks([quote["document_id"]]), quote["section"], quote["text"])
    assert list(marks) == [quote["page"]] and marks[quote["page"]]
    for mark in marks[quote["page"]]:
        assert red_share_on_outline(out, list(mark.bbox)) > 0.8


def test_show_a_page_by_document_and_number_and_refuse_a_missing_one(store_dir, tmp_path, capsys):
    out = tmp_path / "p3.png"
    assert main(["show", "--document", "changsha-gxj-2024.pdf", "--page", "3", "--out", str(out),
                 "--store", str(store_dir)]) == 0
    assert Image.open(out).size[0] == round(595.3 * SCALE)
    assert main(["show", "--document", "changsha-gxj-2024.pdf", "--page", "500", "--store", str(store_dir)]) == 1
    assert "没有第500页" in capsys.readouterr().err
    assert main(["show", "--document", "no such", "--page", "1", "--store", str(store_dir)]) == 1
    assert main(["show", "--citation", "{not json", "--store", str(store_dir)]) == 1
    assert "not JSON" in capsys.readouterr().err


@pytest.fixture(scope="module")
def text_store(tmp_path_factory) -> Path:
    from ingest.pipeline import ingest_paths

    root = tmp_path_factory.mktemp("text-store")
    assert not ingest_paths([SAMPLE_TXT], root).failed
    return root


def test_a_text_form_document_says_it_has_no_pages(text_store, tmp_path, capsys):
    answer = ask_json(text_store, "三公经费是多少？", capsys)
    cite = answer["citations"][0]
    assert cite["bbox"] is None
    assert main(["show", "--citation", json.dumps(answer, ensure_ascii=False), "--out", str(tmp_path / "x.png"),
                 "--store", str(text_store)]) == 1
    assert "没有页面可显示" in capsys.readouterr().err and not (tmp_path / "x.png").exists()
    assert not (text_store / "pages").exists()


def test_a_store_written_before_boxes_gains_the_columns_and_reads_its_pdfs_again(tmp_path, monkeypatch):
    """An older SQLite store (no bbox/lines/file columns) opens; its PDF documents are not 'unchanged'.
    (The file written here is the store: not a PostgreSQL schema, even when CI points the suite at one.)"""
    monkeypatch.delenv("BUDGETQA_DATABASE_URL", raising=False)
    old = re.sub(r",\s*(bbox|lines|tables_file|narrative_file) TEXT", "", SCHEMA)
    path = tmp_path / "budgetqa.sqlite"
    db = sqlite3.connect(path)
    db.executescript(old)
    db.execute("INSERT INTO documents(sha256, title, department, kind, source, pages) VALUES ('aa', 't', 'd', "
               "'预算', 'x.pdf', 1)")
    db.execute("INSERT INTO documents(sha256, title, department, kind, source, pages) VALUES ('bb', 't', 'd', "
               "'预算', 'x.txt', 1)")
    db.commit()
    db.close()
    store = Store(path)
    columns = {r[1] for r in store.execute("PRAGMA table_info(records)")}
    assert "bbox" in columns and {r[1] for r in store.execute("PRAGMA table_info(chunks)")} >= {"lines"}
    assert not store.has_sha("aa") and store.has_sha("bb")


@pytest.mark.slow
def test_a_disclosure_in_two_files_shows_tables_and_narrative_from_their_own_file(tmp_path, capsys):
    """北京市审计局: 情况说明 and 报表 stored as one document; each page is drawn from the file that printed it."""
    from ingest.pipeline import ingest_paths

    real = SAMPLE_PDF.parents[2] / "tests" / "data" / "real"
    narrative, tables = (real / f"北京_北京市审计局_2026_部门预算_附件{n}.pdf" for n in ("1情况说明", "2报表"))
    assert not ingest_paths([narrative, tables], tmp_path / "store").failed
    store = tmp_path / "store"
    doc = Store(store / "budgetqa.sqlite").documents()[0]
    assert doc.narrative_file == hashlib.sha256(narrative.read_bytes()).hexdigest()
    assert doc.tables_file == hashlib.sha256(tables.read_bytes()).hexdigest()
    assert {p.stem for p in (store / "pages").glob("*.pdf")} == {doc.narrative_file, doc.tables_file}
    table_answer = ask_json(store, "北京市审计局一般公共服务支出是多少？", capsys)
    quote_answer = ask_json(store, "北京市审计局2026年机关运行经费安排情况？", capsys)
    for answer in (table_answer, quote_answer):
        out = tmp_path / "out.png"
        assert main(["show", "--citation", json.dumps(answer, ensure_ascii=False), "--out", str(out),
                     "--store", str(store)]) == 0, answer
        capsys.readouterr()
        assert out.exists()
    quote = quote_answer["citations"][0]
    assert quote["text"] and quote["page"] == 9
