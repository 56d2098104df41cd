"""The crop around a cited cell (issue 23), over real disclosures: a portrait and a landscape table
page of one real PDF, the cells found by pdfplumber, the page rendered by pypdfium2 as the app does."""
from __future__ import annotations

from pathlib import Path

import pytest

from chatbot.crops import SETTINGS, crop_around, cut, row_bands
from ingest.pdf.render import SCALE, Mark, draw_marks, render_png

REAL = Path(__file__).resolve().parents[1] / "data" / "real"
PDF = REAL / "山东烟台_烟台市审计局_2026_部门预算.pdf"  # page 8 portrait, page 9 drawn landscape


def table_page(tmp_path: Path, number: int):
    """The page's first table (pdfplumber), its rendered image and the page's size."""
    import pdfplumber

    with pdfplumber.open(PDF) as pdf:
        page = pdf.pages[number - 1]
        table = page.find_tables()[0]
        rows = [[c for c in r.cells if c] for r in table.rows]
        chars = [(c["x0"], c["top"], c["x1"], c["bottom"]) for c in page.chars if c["text"].isdigit()]
        size = (page.width, page.height)
    png = tmp_path / f"p{number}.png"
    png.write_bytes(render_png(PDF, number))
    return table.bbox, rows, chars, png, size


def inside(inner, outer) -> bool:
    return inner[0] >= outer[0] - 0.01 and inner[1] >= outer[1] - 0.01 and inner[2] <= outer[2] + 0.01 \
        and inner[3] <= outer[3] + 0.01


@pytest.mark.parametrize(("page", "row"), [(8, 6), (9, 4), (9, 12)])
def test_the_crop_holds_the_cited_row_across_the_table_with_rows_of_context(tmp_path, page, row):
    table, rows, _, png, (width, height) = table_page(tmp_path, page)
    cell = rows[row][-1]
    crop = crop_around(png, SCALE, [cell], [c for r in rows for c in r])
    x0, top, x1, bottom = crop.box
    assert inside(cell, crop.box)
    assert x0 <= table[0] + 0.5 and x1 >= table[2] - 0.5            # the row across the table's width
    assert x1 - x0 <= table[2] - table[0] + 2 * SETTINGS.pad + 2     # and no wider (a pixel each side)
    bands = row_bands([c for r in rows for c in r])
    at = next(i for i, b in enumerate(bands) if b[0] <= (cell[1] + cell[3]) / 2 <= b[1])
    assert top <= bands[at - 3][0] and bottom >= bands[min(at + 3, len(bands) - 1)][1]  # three rows each side
    assert bottom - top < 0.5 * height                               # a crop, not the page


@pytest.mark.parametrize(("page", "row", "header"), [(8, 6, True), (9, 4, True), (9, 12, False)])
def test_the_column_header_is_included_when_it_is_near(tmp_path, page, row, header):
    table, rows, _, png, _ = table_page(tmp_path, page)
    crop = crop_around(png, SCALE, [rows[row][-1]], [c for r in rows for c in r])
    assert (crop.box[1] <= table[1] + 0.5) is header, (crop.box, table)


@pytest.mark.parametrize("page", [8, 9])
def test_figures_in_the_crop_are_at_least_14_pixels_high(tmp_path, page):
    """Portrait and landscape alike: each digit of the cropped rows, at the crop's scale."""
    _, rows, chars, png, _ = table_page(tmp_path, page)
    crop = crop_around(png, SCALE, [rows[6][-1]], [c for r in rows for c in r])
    shown = [c for c in chars if inside(c, crop.box)]
    assert len(shown) > 20
    assert min((c[3] - c[1]) * crop.scale for c in shown) >= SETTINGS.figure_px


def test_the_cut_image_is_the_crop_at_its_scale_with_the_box_drawn(tmp_path):
    from PIL import Image

    _, rows, _, png, (width, height) = table_page(tmp_path, 9)
    cell = rows[5][-2]
    marked = draw_marks(png, [Mark(cell, "1")], tmp_path / "marked.png")
    crop = crop_around(png, SCALE, [cell], [c for r in rows for c in r])
    out = cut(marked, SCALE, crop, tmp_path / "crop.png")
    with Image.open(out) as image:
        assert image.size == (round((crop.box[2] - crop.box[0]) * crop.scale),
                              round((crop.box[3] - crop.box[1]) * crop.scale))
        assert image.height / image.width < 0.5 * height / width          # landscape page, flatter crop
        bx = round(((cell[0] + cell[2]) / 2 - crop.box[0]) * crop.scale)
        by = round((cell[1] - 3 / SCALE - crop.box[1]) * crop.scale)      # the box's top edge
        red = [image.getpixel((bx, y)) for y in range(max(0, by - 4), by + 5)]
        assert any(r > 200 and g < 60 and b < 60 for r, g, b in red), red
    assert 0 < crop.centre_x([cell]) < 1


def test_rows_group_boxes_that_overlap_vertically():
    assert row_bands([(0, 10, 5, 20), (6, 11, 9, 19), (0, 22, 5, 30)]) == [(10, 20), (22, 30)]
