"""Issue 14: a page rendered (pypdfium2, bounded) with the cited cells boxed where they are printed:
the box colour is found on the rectangle of the cell scaled to the image, on portrait, landscape and
/Rotate 90 pages."""
from __future__ import annotations

from pathlib import Path

import pytest
from pdf_fixtures import LANDSCAPE, SAMPLE, rotated_copy
from PIL import Image

from ingest.pdf.pdf_reader import read_pdf
from ingest.pdf.render import (
    BOX_COLOUR,
    BOX_WIDTH,
    SCALE,
    Mark,
    RenderError,
    RenderLimits,
    cached_page,
    draw_marks,
    render_bounded,
)
from ingest.tables.records import document_records


def edge_points(bbox: tuple[float, float, float, float], scale: float = SCALE) -> list[tuple[int, int]]:
    """Points on the middle of the drawn outline along each of its four sides."""
    x0, top, x1, bottom = (v * scale for v in bbox)
    # the outline is BOX_WIDTH px wide, its outer edge BOX_WIDTH px outside the cell: its middle
    left, right, upper, lower = x0 - BOX_WIDTH + 1, x1 + BOX_WIDTH - 1, top - BOX_WIDTH + 1, bottom + BOX_WIDTH - 1
    points = []
    for i in range(1, 10):
        x = x0 + (x1 - x0) * i / 10
        y = top + (bottom - top) * i / 10
        points += [(int(x), int(upper)), (int(x), int(lower)), (int(left), int(y)), (int(right), int(y))]
    return points


def is_box_colour(pixel: tuple[int, ...]) -> bool:
    return all(abs(a - b) <= 30 for a, b in zip(pixel[:3], BOX_COLOUR))


def assert_box_drawn_at(base: Path, boxed: Path, bbox) -> None:
    plain, drawn = Image.open(base).convert("RGB"), Image.open(boxed).convert("RGB")
    assert plain.size == drawn.size
    points = edge_points(bbox)
    assert all(is_box_colour(drawn.getpixel(p)) for p in points), [drawn.getpixel(p) for p in points][:8]
    assert not any(is_box_colour(plain.getpixel(p)) for p in points)  # the page itself is not red there
    x0, top, x1, bottom = (v * SCALE for v in bbox)
    inside = drawn.getpixel((int((x0 + x1) / 2), int(top + 2)))
    assert not is_box_colour(inside)  # an outline, the cell's figure stays legible


def _record(path: Path, page: int, row: str, column: str, records=None):
    """The record at (page, row, column) of `records`, or of the file read here when none are given."""
    return next(r for r in (records if records is not None else document_records(read_pdf(path)))
                if r.page == page and r.row == row and r.column == column)


def test_the_sangong_total_is_boxed_on_page_19_of_the_sample(tmp_path, sample_records):
    rec = _record(SAMPLE, 19, "合计", "三公经费预（决）算数（财政拨款）/小计", sample_records)
    base = cached_page(SAMPLE, 19, tmp_path / "cache")
    image = Image.open(base)
    assert image.size == (round(595.3 * SCALE), round(841.9 * SCALE))  # portrait A4 at 144 dpi
    boxed = draw_marks(base, [Mark(rec.bbox, "104.20")], tmp_path / "boxed.png")
    assert_box_drawn_at(base, boxed, rec.bbox)


@pytest.mark.slow
@pytest.mark.parametrize("rotate", [False, True])
def test_a_landscape_page_is_boxed_where_its_cell_is_printed(tmp_path, rotate):
    """重庆 p12 (收支总表): drawn landscape, and the same page stored portrait with /Rotate 90."""
    pdf = rotated_copy(LANDSCAPE, tmp_path / "rotated.pdf") if rotate else LANDSCAPE
    rec = _record(pdf, 12, "二、教育支出", "支出/预算数")
    base = cached_page(pdf, 12, tmp_path / "cache")
    width, height = Image.open(base).size
    assert width > height  # rendered as displayed, the rotation applied
    boxed = draw_marks(base, [Mark(rec.bbox, "33,862.49")], tmp_path / "boxed.png")
    assert_box_drawn_at(base, boxed, rec.bbox)


def test_the_page_cache_renders_each_page_once(tmp_path):
    first = cached_page(SAMPLE, 3, tmp_path)
    stamp = first.stat().st_mtime_ns
    assert cached_page(SAMPLE, 3, tmp_path) == first and first.stat().st_mtime_ns == stamp


def test_rendering_is_stopped_at_its_time_limit(tmp_path):
    with pytest.raises(RenderError, match="longer than"):
        render_bounded(SAMPLE, 1, limits=RenderLimits(seconds=0.001, memory_mb=1024))


def test_rendering_is_stopped_at_its_memory_limit():
    with pytest.raises(RenderError):
        render_bounded(SAMPLE, 1, scale=20.0, limits=RenderLimits(seconds=30, memory_mb=64))


def test_a_file_that_is_not_a_pdf_or_a_missing_page_is_a_render_error(tmp_path):
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.4 not really")
    with pytest.raises(RenderError):
        render_bounded(junk, 1)
    with pytest.raises(RenderError, match="no page 500"):
        render_bounded(SAMPLE, 500)
