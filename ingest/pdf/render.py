"""A PDF page as an image: rendered by pypdfium2 in a bounded child (a hostile page cannot stall the
caller), cached per page inside the store (page-images/<sha256 of the PDF>/), and the cited boxes drawn
on a copy with their labels. Not in the shared temp folder: a file planted there under a predictable
name would be shown as the page."""
from __future__ import annotations

import hashlib
import io
import os
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..document.model import BBox
from ..document.sandbox import Overstepped, call_isolated

PAGES_DIR = "pages"  # in the store directory: the PDFs kept to show their pages, as <sha256>.pdf
PAGE_IMAGES_DIR = "page-images"  # in the store directory: rendered pages, page-images/<sha256>/p<N>@<scale>.png
SCALE = 2.0  # pixels per PDF point (144 dpi): a 9-point figure stays readable
BOX_COLOUR = (230, 0, 0)  # the drawn box; tests look for it around the cell
BOX_WIDTH = 3  # pixels
LABEL_SIZE = 18  # pixels


@dataclass(frozen=True)
class RenderLimits:
    """Wall-clock seconds and memory (MB above the fork server's) for rendering one page."""

    seconds: float = float(os.environ.get("BUDGETQA_RENDER_SECONDS", "20"))
    memory_mb: int = int(os.environ.get("BUDGETQA_RENDER_MEMORY_MB", "1024"))


@dataclass(frozen=True)
class Mark:
    """A box to draw on a page (PDF points, on the page as displayed) and the label beside it."""

    bbox: BBox
    label: str = ""


def kept_pdf(store_root: str | Path, sha256: str) -> Path:
    """Where the store keeps the PDF whose content hash is `sha256`."""
    return Path(store_root) / PAGES_DIR / f"{sha256}.pdf"


class RenderError(Exception):
    """A page could not be rendered: the message names the file, the page and the reason."""


def render_png(pdf: str | Path, page: int, scale: float = SCALE) -> bytes:
    """Page `page` (1-based) of a PDF as PNG bytes, its /Rotate applied. Runs in the caller: use
    `render_bounded` for a file from outside."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        if not 1 <= page <= len(doc):
            raise ValueError(f"no page {page} (the file has {len(doc)})")
        bitmap = doc[page - 1].render(scale=scale, may_draw_forms=False)
        out = io.BytesIO()
        bitmap.to_pil().save(out, format="PNG", optimize=False, compress_level=1)
        return out.getvalue()
    finally:
        doc.close()


def render_bounded(pdf: str | Path, page: int, scale: float = SCALE, limits: RenderLimits | None = None) -> bytes:
    """render_png in a child with the time and memory limit; RenderError when it fails or oversteps."""
    limits = limits or RenderLimits()
    try:
        return call_isolated(render_png, (str(pdf), page, scale), limits.seconds, limits.memory_mb)  # type: ignore[no-any-return]
    except (Overstepped, RuntimeError) as exc:
        raise RenderError(f"{Path(pdf).name}: page {page}: {exc}") from exc


def page_images(store_root: str | Path) -> Path:
    """Where a store caches its rendered pages (and their boxed copies)."""
    return Path(store_root) / PAGE_IMAGES_DIR


def file_hash(pdf: Path) -> str:
    """The PDF's sha256: its name for a PDF kept in the store (pages/<sha256>.pdf), else read."""
    if re.fullmatch(r"[0-9a-f]{64}", pdf.stem):
        return pdf.stem
    return hashlib.sha256(pdf.read_bytes()).hexdigest()


def cached_page(pdf: Path, page: int, cache_dir: Path, scale: float = SCALE,
                limits: RenderLimits | None = None) -> Path:
    """The rendered page as a PNG file under `cache_dir` (a store's page_images), rendered once per
    file content, page and scale: <cache_dir>/<sha256>/p<page>@<scale>.png."""
    path = cache_dir / file_hash(pdf) / f"p{page}@{scale:g}.png"
    if not path.exists():
        data = render_bounded(pdf, page, scale, limits)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = _partial(path)
            partial.write_bytes(data)
            os.replace(partial, path)
        except OSError as exc:  # a read-only store, a full disk
            raise RenderError(f"{pdf.name}: page {page}: cannot cache the image ({exc.strerror or exc})") from exc
    return path


def _partial(path: Path) -> Path:
    """Where to write `path` before renaming it into place: one name per process and thread, so two
    requests drawing the same page never write one file."""
    return path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.partial")


def draw_marks(page_png: Path, marks: Sequence[Mark], out: Path, scale: float = SCALE) -> Path:
    """A copy of the page image with each mark's box drawn and its label just left of it (right of
    it when the page edge is too near), level with the box: a label never covers the row above."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.open(page_png).convert("RGB")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=LABEL_SIZE)
    for mark in marks:
        x0, top, x1, bottom = (v * scale for v in mark.bbox)
        pad = BOX_WIDTH
        draw.rectangle((x0 - pad, top - pad, x1 + pad, bottom + pad), outline=BOX_COLOUR, width=BOX_WIDTH)
        if mark.label:
            _label(draw, font, mark.label, (x0 - pad, top, x1 + pad, bottom), image.width)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = _partial(out)
    image.save(partial, format="PNG", compress_level=1)
    os.replace(partial, out)
    return out


def _label(draw: Any, font: Any, text: str, box: tuple[float, float, float, float], page_width: int) -> None:
    left, t, right, b = draw.textbbox((0, 0), text, font=font)
    width, height = right - left + 8, b - t + 6
    x0, top, x1, bottom = box
    x = x0 - width if x0 - width >= 0 else min(x1, page_width - width)
    y = (top + bottom - height) / 2
    draw.rectangle((x, y, x + width, y + height), fill=BOX_COLOUR)
    draw.text((x + 4 - left, y + 3 - t), text, font=font, fill=(255, 255, 255))
