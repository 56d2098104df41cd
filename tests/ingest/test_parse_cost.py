"""The parse's own shortcuts read exactly what pdfplumber's slower paths read (issue 21, Speed):
characters printed twice dropped as `Page.dedupe_chars` drops them, frames dropped as the pairwise rule
says, cells' texts as `Table.extract()` gives them, on real pages."""
from __future__ import annotations

from pathlib import Path

import pdfplumber
from pdfplumber.utils import dedupe_chars as pdfplumber_dedupe

from ingest.pdf.cell_text import cell_texts, char_boxes
from ingest.pdf.page_tables import TABLE_SETTINGS, drop_frames
from ingest.pdf.pdf_lines import dedupe_chars

REAL = Path(__file__).resolve().parents[1] / "data" / "real"
PAGE = (REAL / "上海普陀_上海市普陀区财政局_2024_部门决算.pdf", 20)  # narrative set in two fonts


def test_dedupe_keeps_what_pdfplumber_keeps_in_its_order():
    """Faked bold (each character of a line printed again 0.4 pt to the right, or twice at one place)
    is dropped; what is kept, and its order, is pdfplumber's own answer."""
    with pdfplumber.open(PAGE[0]) as pdf:
        chars = list(pdf.pages[PAGE[1]].chars)
    shifted = [{**c, "x0": c["x0"] + 0.4, "x1": c["x1"] + 0.4} for c in chars[10:60]]
    exact = [dict(c) for c in chars[100:130]]
    printed = chars[:80] + shifted + chars[80:] + exact
    ours, theirs = dedupe_chars(printed), pdfplumber_dedupe(printed)
    assert len(ours) == len(chars)
    assert [id(c) for c in ours] == [id(c) for c in theirs]


def test_dedupe_keeps_what_pdfplumber_keeps_on_pages_of_several_regions():
    """The same on real pages of four templates, their characters shuffled and some printed again
    within, at and beyond the tolerance (up and right), so that chars stand alone, in clusters, and in
    chains that pdfplumber's clustering joins."""
    import random

    rng = random.Random(21)
    names = ["重庆_重庆市水利局_2026_部门预算.pdf", "广东广州_广州市统计局_2026_部门预算.pdf",
             "江苏省级_江苏省高级人民法院_2019_部门预算.pdf", "中央_国家信访局_2026_部门预算.pdf"]
    pages = 0
    for name in names:
        with pdfplumber.open(REAL / name) as pdf:
            for page in pdf.pages[:4]:
                chars = list(page.chars)
                if not chars:
                    continue
                again = [{**c, "x0": c["x0"] + rng.choice([0, 0.3, 1.0, 1.5]),
                          "doctop": c["doctop"] + rng.choice([0, 0.5, 1.2])} for c in rng.sample(chars, min(60, len(chars)))]
                printed = chars + again
                rng.shuffle(printed)
                assert [id(c) for c in dedupe_chars(printed)] == [id(c) for c in pdfplumber_dedupe(printed)]
                pages += 1
    assert pages >= 12


def test_drop_frames_is_the_pairwise_rule_on_a_real_table():
    """A box enclosing two or more other boxes (within 1 pt) goes; a frame drawn round a real table is
    dropped and every cell of it kept."""
    with pdfplumber.open(PAGE[0]) as pdf:
        table = pdf.pages[7].find_tables(TABLE_SETTINGS)[0]
        boxes = [tuple(c) for c in table.cells]
    x0, top, x1, bottom = table.bbox
    frame = (x0 - 5, top - 40, x1 + 5, bottom + 5)
    texts = [str(i) for i in range(len(boxes))] + ["frame"]
    kept, kept_texts = drop_frames([*boxes, frame], texts)
    assert len(boxes) > 20 and frame not in kept and "frame" not in kept_texts

    def encloses(outer, inner):
        return (outer != inner and outer[0] - 1 <= inner[0] and outer[1] - 1 <= inner[1]
                and inner[2] <= outer[2] + 1 and inner[3] <= outer[3] + 1)
    assert kept == [b for b in boxes if sum(encloses(b, o) for o in [*boxes, frame]) < 2]


def test_cell_texts_are_what_pdfplumber_extracts_on_tables_of_several_regions():
    """Every cell of every ruled table on the table pages of six templates (upright and landscape,
    元 and 万元, cells merged over rows and columns, cells left empty, characters printed twice)."""
    names = ["重庆_重庆市水利局_2026_部门预算.pdf", "广东广州_广州市统计局_2026_部门预算.pdf",
             "江苏省级_江苏省高级人民法院_2019_部门预算.pdf", "中央_国家信访局_2026_部门预算.pdf",
             "上海普陀_上海市普陀区财政局_2024_部门决算.pdf", "陕西西安_西安市审计局汇总_2026_部门预算.pdf"]
    cells = empty = merged = 0
    for name in names:
        with pdfplumber.open(REAL / name) as pdf:
            for page in pdf.pages[:14]:
                for table in page.find_tables(TABLE_SETTINGS):
                    theirs = table.extract()
                    assert cell_texts(table, page.chars, char_boxes(page.chars)) == theirs, (name, page.page_number)
                    flat = [t for row in theirs for t in row]
                    cells += sum(t is not None for t in flat)
                    empty += flat.count("")
                    merged += flat.count(None)
    assert cells > 3000 and empty > 100 and merged > 50, (cells, empty, merged)
