"""Issue 14: every record keeps its cell's box and every chunk the boxes of its lines, on the page as
displayed — checked against the printed text of real PDFs (portrait, landscape, a /Rotate 90 page)."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pdfplumber
import pytest
from pdf_fixtures import FILES, LANDSCAPE, SAMPLE, rotated_copy

from ingest.pdf.pdf_reader import read_pdf
from ingest.tables.numbers import parse_amount
from ingest.tables.records import document_records


@pytest.fixture(scope="module")
def rotated(tmp_path_factory) -> Path:
    return rotated_copy(LANDSCAPE, tmp_path_factory.mktemp("rotated") / "rotated.pdf")


def assert_boxes_hold_their_figures(path: Path, records=None) -> int:
    """Every money record has a box, and the text pdfplumber reads within it is the record's value
    (`records`: the file's records when the session has read them already, else read here)."""
    records = [r for r in (records if records is not None else document_records(read_pdf(path)))
               if r.value is not None]
    assert records
    with pdfplumber.open(path) as pdf:
        for r in records:
            assert r.bbox is not None, r
            text = pdf.pages[r.page - 1].within_bbox(r.bbox).extract_text()
            assert parse_amount("".join(text.split())) == r.value, (r.page, r.row, r.column, r.value, text)
    return len(records)


def test_the_samples_cell_boxes_hold_their_figures(sample_records):
    assert assert_boxes_hold_their_figures(SAMPLE, sample_records) > 150


@pytest.mark.slow
@pytest.mark.parametrize("name", [n for n in FILES if n != "sample-portrait"])
def test_real_cell_boxes_hold_their_figures(name):
    assert assert_boxes_hold_their_figures(FILES[name]) > 150


@pytest.mark.slow
def test_a_rotate_90_page_gives_the_boxes_of_the_page_as_displayed(rotated):
    with pdfplumber.open(rotated) as pdf:
        assert pdf.pages[11].rotation == 90
    assert assert_boxes_hold_their_figures(rotated) > 150
    upright = {(r.page, r.row, r.column): r.bbox for r in document_records(read_pdf(LANDSCAPE))}
    turned = {(r.page, r.row, r.column): r.bbox for r in document_records(read_pdf(rotated))}
    assert turned == upright


def test_a_figure_printed_below_its_cell_ruling_stays_inside_the_box():
    """上海普陀财政局 p6: 「2,940.05」 is set half a point below the cell's bottom ruling."""
    record = next(r for r in document_records(read_pdf(FILES["digits-below-the-ruling"]))
                  if r.page == 6 and r.row.startswith("一、一般公共预算财政拨款") and r.column == "收入/决算数")
    x0, top, x1, bottom = record.bbox
    assert (x0, top) == (248.1, 291.3) and bottom >= 309.2  # the ruling is at 308.6, the digits end at 309.11


def test_a_boxed_sample_record_as_in_the_export_contract(sample_records):
    """行政运行 2150501 基本支出 on p.15 of the sample: a box in points, inside the page, 0.1 apart."""
    rec = next(r for r in sample_records if r.code == "2150501" and r.column.endswith("基本支出")
               and r.table.startswith("2024年一般公共预算支出"))
    x0, top, x1, bottom = rec.bbox
    assert 0 <= x0 < x1 <= 595.3 and 0 <= top < bottom <= 841.9
    assert all(abs(v * 10 - round(v * 10)) < 1e-6 for v in rec.bbox)


@pytest.mark.parametrize("name", ["sample-portrait", "digits-below-the-ruling"])
def test_chunk_line_boxes_hold_the_text_they_printed(name, request):
    """Each line box of a chunk holds the characters of its span of the chunk's text (compared as
    characters: pdfplumber puts lower-set digits out of order). The sample is the session's reading."""
    doc = request.getfixturevalue("sample_doc") if FILES[name] == SAMPLE else read_pdf(FILES[name])
    assert all(c.lines for c in doc.chunks)
    with pdfplumber.open(FILES[name]) as pdf:
        for c in doc.chunks:
            covered = 0
            for ln in c.lines:
                want = Counter("".join(c.text[ln.start:ln.end].split()))
                got = Counter("".join(pdf.pages[ln.page - 1].within_bbox(ln.bbox).extract_text().split()))
                assert not want - got, (c.section, ln, c.text[ln.start:ln.end])
                covered += ln.end - ln.start
            assert covered == len(c.text), (c.section, c.text)
