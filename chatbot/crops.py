"""The region of a page around cited cells, cut from its rendered image at a readable scale: the
cited rows across the table's width, a few rows of context above and below, and the column header
when it is near. Pure geometry over boxes (PDF points) plus the page image's ink: no PDF parsing."""
from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ingest.document.model import BBox

Band = tuple[float, float]  # top, bottom (PDF points)


@dataclass(frozen=True)
class CropSettings:
    """How much of the page a crop shows and how large: every figure at least `figure_px` high."""

    context_rows: int = 3          # rows shown above and below the cited ones
    header_reach_rows: int = 8     # the column header is included when it is at most this many rows above
    header_max: float = 120.0      # points: how far above the first row a header may reach
    header_gap: float = 6.0        # points: a blank gap this high ends the table (the title stands above it)
    pad: float = 6.0               # points left and right of the crop
    pad_y: float = 2.0             # points above and below (more shows the next line's top half)
    figure_px: float = 14.0        # a figure's height in the shown image
    font_per_row: float = 0.55     # a row's font size as a share of its height (measured on real tables)
    min_scale: float = 2.0         # pixels per point, whatever the rows say (7.5-point figures: 15 px)
    max_scale: float = 3.0
    ink_below: int = 160           # grey level under which a pixel is ink


SETTINGS = CropSettings()


@dataclass(frozen=True)
class Crop:
    """A crop of a page: its box in PDF points and the pixels per point it is shown at."""

    box: BBox
    scale: float

    def centre_x(self, cells: Sequence[BBox]) -> float:
        """Where the cited cells stand across the crop, 0 (left) … 1 (right): the app scrolls to it."""
        x0, _, x1, _ = self.box
        middle = (min(c[0] for c in cells) + max(c[2] for c in cells)) / 2
        return min(1.0, max(0.0, (middle - x0) / max(1e-6, x1 - x0)))


def row_bands(boxes: Sequence[BBox]) -> list[Band]:
    """The rows the boxes stand in, top to bottom: boxes overlapping vertically by half the lower
    one's height share a row."""
    bands: list[list[float]] = []
    for _, top, _, bottom in sorted(boxes, key=lambda b: (b[1], b[3])):
        if bands:
            last = bands[-1]
            overlap = min(last[1], bottom) - max(last[0], top)
            if overlap >= 0.5 * min(last[1] - last[0], bottom - top):
                last[0], last[1] = min(last[0], top), max(last[1], bottom)
                continue
        bands.append([top, bottom])
    return [(t, b) for t, b in bands]


def context_band(cells: Sequence[BBox], bands: Sequence[Band], rows: int) -> tuple[Band, int]:
    """The cited cells' rows with `rows` rows above and below (the page's rows `bands`); also the
    index of the first cited row (how far the column header is)."""
    top, bottom = min(c[1] for c in cells), max(c[3] for c in cells)
    hit = [i for i, (t, b) in enumerate(bands) if min(b, bottom) - max(t, top) > 0]
    if not hit:
        height = bottom - top
        return (top - rows * height, bottom + rows * height), len(bands)
    first, last = hit[0], hit[-1]
    above, below = bands[max(0, first - rows)], bands[min(len(bands) - 1, last + rows)]
    return (min(top, above[0]), max(bottom, below[1])), first


def readable_scale(bands: Sequence[Band], cells: Sequence[BBox], settings: CropSettings = SETTINGS) -> float:
    """Pixels per point at which the rows' figures are `figure_px` high (font read from row height)."""
    heights = [b - t for t, b in bands] or [c[3] - c[1] for c in cells]
    font = settings.font_per_row * statistics.median(heights)
    return min(settings.max_scale, max(settings.min_scale, settings.figure_px / max(font, 1.0)))


def ink_rows(gray: object, span: tuple[int, int], columns: tuple[int, int], below: int) -> list[bool]:
    """Whether each pixel row of `span` (top, bottom) holds ink between `columns` (left, right)."""
    import numpy as np

    top, bottom = span
    if bottom <= top:
        return []
    pixels = np.asarray(gray.crop((columns[0], top, columns[1], bottom)))  # type: ignore[attr-defined]
    return [bool(v) for v in (pixels < below).any(axis=1)]


def header_top(first_row_top: float, gray: object, scale: float, columns: tuple[int, int],
               settings: CropSettings = SETTINGS) -> float:
    """The top of the column header above a table's first row: ink runs up from the row until a
    blank gap `header_gap` high (the space under the title), at most `header_max` points."""
    bottom = int(first_row_top * scale)
    top = max(0, int((first_row_top - settings.header_max) * scale))
    rows = ink_rows(gray, (top, bottom), columns, settings.ink_below)
    gap_px, blank, reached = settings.header_gap * scale, 0, len(rows)
    for i in range(len(rows) - 1, -1, -1):
        if rows[i]:
            blank, reached = 0, i
        else:
            blank += 1
            if blank >= gap_px:
                break
    return (top + reached) / scale


def ink_columns(gray: object, band: Band, scale: float, below: int) -> tuple[float, float] | None:
    """The left and right ends of the ink in a band of the page (points): the table's width there."""
    width = gray.size[0]  # type: ignore[attr-defined]
    top, bottom = int(band[0] * scale), int(band[1] * scale) + 1
    mask = gray.crop((0, top, width, bottom)).point(lambda v: 255 if v < below else 0)  # type: ignore[attr-defined]
    box = mask.getbbox()
    return (box[0] / scale, box[2] / scale) if box else None


def crop_around(page_png: Path, page_scale: float, cells: Sequence[BBox], table_boxes: Sequence[BBox],
                settings: CropSettings = SETTINGS) -> Crop:
    """The crop of a page image (rendered at `page_scale` px per point) around the cited `cells`,
    given the boxes of their table's cells on the page (its rows; may be empty)."""
    from PIL import Image

    with Image.open(page_png) as image:
        gray = image.convert("L")
    page_w, page_h = gray.size[0] / page_scale, gray.size[1] / page_scale
    bands = row_bands(list(table_boxes) + list(cells))
    (top, bottom), first = context_band(cells, bands, settings.context_rows)
    across = ink_columns(gray, (top, bottom), page_scale, settings.ink_below) or (0.0, page_w)
    left, right = min(across[0], *(c[0] for c in cells)), max(across[1], *(c[2] for c in cells))
    if bands and first <= settings.header_reach_rows:
        columns = (int(left * page_scale), int(right * page_scale) + 1)
        top = min(top, header_top(bands[0][0], gray, page_scale, columns, settings))
    p, q = settings.pad, settings.pad_y
    box = (max(0.0, left - p), max(0.0, top - q), min(page_w, right + p), min(page_h, bottom + q))
    return Crop(box, readable_scale(bands, cells, settings))


def cut(marked_png: Path, page_scale: float, crop: Crop, out: Path) -> Path:
    """The crop cut from the (boxed) page image and resized to its scale, written to `out` (PNG)."""
    import os
    import threading

    from PIL import Image

    x0, top, x1, bottom = crop.box
    with Image.open(marked_png) as image:
        part = image.convert("RGB").crop(tuple(round(v * page_scale) for v in (x0, top, x1, bottom)))
    size = (max(1, round((x1 - x0) * crop.scale)), max(1, round((bottom - top) * crop.scale)))
    if size != part.size:
        part = part.resize(size, Image.LANCZOS)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.{os.getpid()}.{threading.get_ident()}.partial")
    part.save(partial, format="PNG", compress_level=1)
    os.replace(partial, out)
    return out
