"""The parse's own shortcuts read exactly what pdfplumber's slower paths read (issue 21, Speed):
characters printed twice dropped as `Page.dedupe_chars` drops them, frames dropped as the pairwise rule
says, on real pages."""
from __future__ import annotations

from pathlib import Path

import pdfplumber
from pdfplumber.utils import dedupe_chars as pdfplumber_dedupe

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
