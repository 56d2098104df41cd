"""Citations shown on their pages: each cited page of a stored PDF rendered once (cached), with the
cited cells — or the quoted sentence's lines — boxed on it. Backs `budgetqa show` and the app's 原文."""
from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ingest.document.model import BBox
from ingest.pdf.render import SCALE as PAGE_SCALE
from ingest.pdf.render import Mark, RenderError, RenderLimits, cached_page, draw_marks, kept_pdf, page_images
from ingest.store.store import Store, StoredChunk, StoredDocument

from .answer import Citation
from .crops import Crop, crop_around, cut

NO_PAGES = "「{source}」是文本（.txt/.md）或工作簿（.xlsx）形式，没有页面可显示。"
NOT_KEPT = "「{source}」入库时没有保存原文件（旧库），重新入库后可显示原文页面。"
NO_DOCUMENT = "库中没有文档「{document}」。"
MARKED_PREFIX = "budgetqa-page-"  # the boxed images' names (the app's CSS finds them by it)
CROP_PREFIX = "budgetqa-crop-"  # the crops around the boxes: <prefix>…-s<px per pt ×100>-x<box centre, % across>
FINE_SCALE = 3.0  # pixels per point of the page a crop is cut from when PAGE_SCALE is too coarse for it
CITATION_KEYS = ("document", "page", "table", "row", "code", "column", "value", "section", "text", "bbox",
                 "document_id")


class ShowError(Exception):
    """What a user asked to see cannot be shown (no such document or page): one line to print."""


@dataclass
class PageView:
    """One cited page: its image with the marks drawn (None when it cannot be shown, `note` says why)."""

    document: str
    page: int
    image: Path | None = None
    note: str = ""
    marks: list[Mark] = field(default_factory=list)
    crop: Path | None = None  # the region around the marks, at a readable scale (None: no marks)
    document_id: int | None = None
    narrative: bool = False  # shown from the document's narrative file (情况说明 kept apart from its tables)

    @property
    def caption(self) -> str:
        return f"{self.document}，第{self.page}页" + (f"（{len(self.marks)} 处）" if self.marks else "")


def citation_from_json(obj: dict[str, Any]) -> Citation:
    """A Citation from its answer-JSON form (`ask --json`); unknown keys are ignored."""
    if "document" not in obj or "page" not in obj:
        raise ShowError("a citation needs at least \"document\" and \"page\"")
    args = {k: obj[k] for k in CITATION_KEYS if k in obj}
    try:
        if args.get("bbox") is not None:
            args["bbox"] = tuple(float(v) for v in args["bbox"])
            if len(args["bbox"]) != 4 or not all(math.isfinite(v) for v in args["bbox"]):
                raise ValueError("four finite numbers")
        if isinstance(args["page"], bool):
            raise ValueError("a page number")
        args["page"] = int(args["page"])
        if args.get("document_id") is not None:
            args["document_id"] = int(args["document_id"])
    except (TypeError, ValueError, OverflowError) as exc:
        raise ShowError(f"--citation has a malformed field ({exc}): \"page\" must be a whole number, "
                        f"\"bbox\" four numbers") from None
    text = {k: v for k, v in args.items() if k not in ("page", "bbox", "document_id")}
    if any(v is not None and not isinstance(v, str) for v in text.values()):
        raise ShowError("--citation has a malformed field: \"document\", \"table\", \"row\" … must be text")
    return Citation(**args)


def citations_from_text(text: str) -> list[Citation]:
    """Citations from JSON text: one citation, a list of them, or an answer (its citations); an
    answer per line (`ask --json` over several questions) gives all of theirs."""
    try:
        objs = [json.loads(text)]
    except RecursionError:
        raise ShowError("--citation is nested too deeply to be a citation") from None
    except json.JSONDecodeError as exc:
        try:
            objs = [json.loads(line) for line in text.splitlines() if line.strip()]
        except (json.JSONDecodeError, RecursionError):
            raise ShowError(f"--citation is not JSON ({exc.msg} at character {exc.pos})") from exc
    out: list[Citation] = []
    for obj in objs:
        items = obj if isinstance(obj, list) else obj.get("citations", [obj]) if isinstance(obj, dict) else None
        if not isinstance(items, list):
            raise ShowError("--citation must be a JSON object (a citation or an answer) or a list of citations")
        out += [citation_from_json(item) for item in items if isinstance(item, dict)]
    if not out:
        raise ShowError("the JSON holds no citation")
    return out


class PageShower:
    """Renders the pages of one store's documents; page images and their boxed copies cached inside
    the store (ingest.pdf.render.page_images), and what is shown copied afresh to `out_dir`: nothing
    found lying in an output folder is ever shown as a page."""

    def __init__(self, store: Store, store_root: str | Path, out_dir: str | Path,
                 limits: RenderLimits | None = None) -> None:
        self.store = store
        self.root = Path(store_root)
        self.cache_dir = page_images(self.root)
        self.out_dir = Path(out_dir)
        self.limits = limits

    # -- which document, which file ---------------------------------------------------------------
    def document(self, name: str | int | None, title: str | None = None) -> StoredDocument | None:
        """A stored document by id (its title must match `title` when given), title, source or sha256."""
        docs = self.store.documents()
        if isinstance(name, int) or (isinstance(name, str) and name.isdigit()):
            found = next((d for d in docs if d.id == int(name)), None)
            if found is not None and (title is None or found.title == title):
                return found
            name = title
        hits = [d for d in docs if name in (d.title, d.source, d.sha256)
                or (isinstance(name, str) and len(name) >= 8 and d.sha256.startswith(name))]
        return hits[-1] if hits else None

    # -- what to draw ---------------------------------------------------------------------------
    def views(self, citations: Iterable[Citation], out_dir: str | Path | None = None) -> list[PageView]:
        """One view per cited page (in order of first citation), every cited cell of the page boxed."""
        groups: dict[tuple[str, int], tuple[StoredDocument | None, list[Mark], bool]] = {}
        tables: dict[tuple[str, int], set[str]] = {}
        notes: list[PageView] = []
        for c in citations:
            doc = self.document(c.document_id, c.document) if c.document_id is not None else self.document(c.document)
            if doc is None:
                notes.append(PageView(c.document, c.page, note=NO_DOCUMENT.format(document=c.document)))
                continue
            for page, marks in self._marks(doc, c).items():
                key = (doc.sha256 + ("n" if c.is_quote else "t"), page)
                groups.setdefault(key, (doc, [], c.is_quote))[1].extend(marks)
                if c.table and not c.is_quote:
                    tables.setdefault(key, set()).add(c.table)
        views = [self._view(doc, key[1], marks, quote, out_dir, rows=self._table_boxes(doc, key[1], tables.get(key, set())))
                 for key, (doc, marks, quote) in groups.items() if doc is not None]
        return views + notes

    def _table_boxes(self, doc: StoredDocument, page: int, tables: set[str]) -> list[BBox]:
        """The cells of the cited tables on a page (their rows give the crop its context rows)."""
        if not tables:
            return []
        marks = ",".join("?" * len(tables))
        records = self.store.records(f"r.document_id = ? AND r.page = ? AND r.table_title IN ({marks})",
                                     (doc.id, page, *sorted(tables)))
        return [r.bbox for r in records if r.bbox is not None]

    def page(self, document: str, page: int, out: str | Path | None = None) -> PageView:
        """One page of a document, nothing boxed (`show --document D --page N`)."""
        doc = self.document(document)
        if doc is None:
            raise ShowError(NO_DOCUMENT.format(document=document))
        if not 1 <= page <= doc.pages:
            raise ShowError(f"「{doc.title}」没有第{page}页（共 {doc.pages} 页）。")
        return self._view(doc, page, [], False, None, out)

    def _marks(self, doc: StoredDocument, c: Citation) -> dict[int, list[Mark]]:
        if not c.is_quote:
            return {c.page: [Mark(c.bbox, c.value or "")] if c.bbox else []}
        return sentence_marks(self.store.chunks([doc.id]), c.section or "", c.text or "") or {c.page: []}

    def _view(self, doc: StoredDocument, page: int, marks: list[Mark], narrative: bool,
              out_dir: str | Path | None, out: str | Path | None = None,
              rows: Sequence[BBox] = ()) -> PageView:
        view = PageView(doc.title, page, marks=marks, document_id=doc.id, narrative=narrative)
        sha = doc.page_file(narrative)
        if sha is None or not kept_pdf(self.root, sha).is_file():
            pdf_source = any(s.strip().lower().endswith(".pdf") for s in doc.source.split(" + "))
            view.note = (NOT_KEPT if pdf_source else NO_PAGES).format(source=doc.source)
            return view
        try:
            base = cached_page(kept_pdf(self.root, sha), page, self.cache_dir, limits=self.limits)
            if out:
                view.image = draw_marks(base, marks, Path(out))
                if marks:
                    view.crop = self._crop(sha, page, base, marks, rows, Path(out).with_name(f"{Path(out).stem}-crop.png"))
                return view
            marked = base.with_name(f"{_marked_name(sha, page, marks)}.png")  # drawn once, in the store
            if not marked.exists():
                draw_marks(base, marks, marked)
            target = Path(out_dir or self.out_dir)
            view.image = _copy(marked, target / marked.name)
            if marks:
                crop = self._crop(sha, page, base, marks, rows)
                view.crop = _copy(crop, target / crop.name)
        except RenderError as exc:
            view.note = f"第{page}页无法显示：{exc}"
        except OSError as exc:  # the store or the output folder cannot be written
            view.note = f"第{page}页无法显示：{exc.strerror or exc}"
        return view


    def _crop(self, sha: str, page: int, base: Path, marks: Sequence[Mark], rows: Sequence[BBox],
              out: Path | None = None) -> Path:
        """The region around the marks at a readable scale: cut from the boxed page (rendered finer
        when the scale asks for more than PAGE_SCALE), cached in the store beside it (or written to `out`)."""
        cells = [m.bbox for m in marks]
        crop = _crop_geometry(str(base), base.stat().st_mtime_ns, tuple(map(tuple, cells)), tuple(map(tuple, rows)))
        scale = PAGE_SCALE if crop.scale <= PAGE_SCALE else FINE_SCALE
        name = (f"{CROP_PREFIX}{sha[:16]}-p{page}-{_marked_name(sha, page, marks)[-12:]}"
                f"-s{round(crop.scale * 100)}-x{round(crop.centre_x(cells) * 100)}.png")
        target = out or base.with_name(name)
        if out is None and target.exists():
            return target
        fine = base if scale == PAGE_SCALE else cached_page(kept_pdf(self.root, sha), page, self.cache_dir, scale, self.limits)
        marked = draw_marks(fine, marks, target.with_name(f".{target.stem}.marked.png"), scale)
        try:
            return cut(marked, scale, crop, target)
        finally:
            marked.unlink(missing_ok=True)


@lru_cache(maxsize=512)
def _crop_geometry(base: str, mtime_ns: int, cells: tuple, rows: tuple) -> Crop:
    """The crop of a boxed page around its cells, computed once per page image (decoding the page is
    most of an answer's time in the app: 20 ms of 33)."""
    return crop_around(Path(base), PAGE_SCALE, list(cells), list(rows))


def _copy(source: Path, target: Path) -> Path:
    """`source` written over whatever `target` held (through a partial file renamed into place)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.partial")
    shutil.copyfile(source, partial)
    os.replace(partial, target)
    return target


def _marked_name(sha: str, page: int, marks: Sequence[Mark]) -> str:
    """A file name that is the same for the same page with the same marks (drawn once)."""
    key = hashlib.sha1(repr([(m.bbox, m.label) for m in marks]).encode()).hexdigest()[:12]
    return f"{MARKED_PREFIX}{sha[:16]}-p{page}-{key}"


def sentence_marks(chunks: Sequence[StoredChunk], section: str, sentence: str) -> dict[int, list[Mark]]:
    """The boxes of the lines a quoted sentence was printed on, by page: the section's chunks joined
    (a sentence may run over two chunks and two pages), the sentence found in them."""
    text, lines = "", []
    for c in chunks:
        if c.section != section:
            continue
        lines += [ln.shifted(len(text)) for ln in c.lines]
        text += c.text
    start = text.find(sentence.strip()) if sentence.strip() else -1
    if start < 0:
        return {}
    end = start + len(sentence.strip())
    out: dict[int, list[Mark]] = {}
    for ln in lines:
        if ln.start < end and ln.end > start and Mark(ln.bbox) not in out.get(ln.page, []):
            out.setdefault(ln.page, []).append(Mark(ln.bbox))
    return out
