"""The app's 「原文」 view: under an answer, beside its 来源, each cited page opening on the cited cells —
first the region around the boxes at a readable size (chatbot.crops), then the whole page one click
away (「查看整页」) and 「下载此页」 (the page as PNG, from the route below: a document id and a page,
never a path). Pages are rendered when an answer cites them (bounded, in a child process) and cached
per page; a document with no pages (.txt/.md/.xlsx) says so instead. Only PDFs kept in the store are read."""
from __future__ import annotations

import html
import re
import tempfile
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import gradio as gr

from chatbot.answer import Answer
from chatbot.pages import CROP_PREFIX, PageShower, PageView
from ingest.store.store import Store

TITLE = "原文"
WHOLE_PAGE = "查看整页"
DOWNLOAD = "下载此页"
PAGE_ROUTE = "/budgetqa/page/{document_id}/{page}"
# The chat shows an image in a frame 300 px high: a page image is shown whole, up to 600 px wide
# (its figures readable), and a click opens it at full size over the page (click again, or Esc, to close).
# Page images are found by their file name (chatbot.pages.MARKED_PREFIX). A crop is shown at its own
# size (rendered at the scale that keeps its figures readable), the message as wide as the chat, and
# scrolls sideways where the chat is narrower (a phone); it opens scrolled to the boxed cell (its
# place across the crop is in its name: -x<percent>).
PAGE_IMG = '#chat img[src*="budgetqa-page-"], #chat img[src*="budgetqa-crop-"]'
CROP = f'img[src*="{CROP_PREFIX}"]'
CROP_IMG = f"#chat {CROP}"
CSS = f"""
#chat img[src*="budgetqa-page-"] {{ width: min(100%, 600px) !important; height: auto !important;
  max-height: none !important; object-fit: contain !important; cursor: zoom-in; }}
{CROP_IMG} {{ width: auto !important; max-width: none !important; height: auto !important;
  max-height: none !important; object-fit: none !important; cursor: zoom-in; }}
#chat .message-row:has({CROP}) .message {{ max-width: 100% !important; }}
#chat .image-container:has({CROP}) {{ display: block !important; overflow-x: auto !important;
  max-width: 100% !important; }}
#chat .image-container:has({CROP}) :is(button, .image-frame) {{ display: block !important;
  width: max-content !important; max-width: none !important; margin: 0 !important; }}
#original-lightbox {{ position: fixed; inset: 0; z-index: 10000; background: rgba(0, 0, 0, 0.75);
  overflow: auto; cursor: zoom-out; text-align: center; }}
#original-lightbox img {{ max-width: none; width: auto; margin: 16px auto; background: #fff; }}
"""
JS = """
() => {
  const close = () => document.getElementById('original-lightbox')?.remove();
  document.addEventListener('click', (event) => {
    const img = event.target.closest && event.target.closest('PAGE_IMG');
    if (!img) return;
    event.preventDefault();
    event.stopPropagation();
    close();
    const box = document.createElement('div');
    box.id = 'original-lightbox';
    const big = document.createElement('img');
    big.src = img.src;
    big.alt = img.alt;
    box.appendChild(big);
    box.addEventListener('click', close);
    document.body.appendChild(box);
  }, true);
  document.addEventListener('keydown', (event) => { if (event.key === 'Escape') close(); });
  const toBox = (img) => {
    const at = /-x(\\d+)\\.png/.exec(decodeURIComponent(img.src));
    let box = img.parentElement;
    while (box && box.scrollWidth <= box.clientWidth + 1 && box.id !== 'chat') box = box.parentElement;
    if (!at || !box || box.id === 'chat') return;
    box.scrollLeft = img.offsetWidth * Number(at[1]) / 100 - box.clientWidth / 2;
  };
  document.addEventListener('load', (event) => {
    const img = event.target;
    if (img.tagName === 'IMG' && img.matches('CROP_IMG')) toBox(img);
  }, true);
}
""".replace("PAGE_IMG", PAGE_IMG.replace("'", "\\'")).replace("CROP_IMG", CROP_IMG.replace("'", "\\'"))
MAX_PAGES = 6  # pages shown under one answer (a ranking may cite many); the 来源 table lists them all


class PagesPanel:
    """Page views of answers over one store, rendered and cached inside the store; the images shown
    are copied into a folder of this process's own under `cache_dir` (made by mkdtemp: a name no one
    can guess or plant in before, readable by this user only), from where gradio serves them (the
    store itself is a blocked path)."""

    def __init__(self, store: Store, store_root: Path, cache_dir: Path) -> None:
        Path(cache_dir).mkdir(parents=True, exist_ok=True)
        self.shower = PageShower(store, store_root, tempfile.mkdtemp(prefix="shown-", dir=cache_dir))

    def messages(self, answer: Answer) -> list[gr.ChatMessage]:
        """The 原文 message of an answer (a gallery of its cited pages, notes for those without), or none."""
        if not answer.citations:
            return []
        views = self.shower.views(answer.citations)[:MAX_PAGES]
        return original_messages(views)


def page_url(view: PageView) -> str:
    """The page's PNG (relative: works behind a proxy's root path too); its narrative file's page
    when the view shows that."""
    return (f"budgetqa/page/{int(view.document_id or 0)}/{int(view.page)}"
            + ("?part=narrative" if view.narrative else ""))


def original_messages(views: Sequence[PageView]) -> list[gr.ChatMessage]:
    """One folded 「原文」 block per cited page: the crop around the boxed cells, 「下载此页」, and the whole
    page in a folded 「查看整页」 block inside it (a page without marks: the page alone); the chat opens
    an image larger on a click. One block for the pages that cannot be shown, saying why."""
    out: list[gr.ChatMessage] = []
    for v in views:
        if v.image is None:
            continue
        # status "done": the block starts folded (gradio opens blocks of any other status), so the
        # answer and its 来源 stay in view; a click on the title opens it
        meta = {"title": f"{TITLE}：第{v.page}页", "log": v.document, "status": "done"}
        page = {"path": str(v.image), "alt_text": v.caption}
        if v.crop is None:
            out.append(gr.ChatMessage(role="assistant", content=page, metadata=meta))
            continue
        block = f"page-{uuid.uuid4().hex[:12]}"
        crop = {"path": str(v.crop), "alt_text": f"{v.caption}：引用处局部"}
        out.append(gr.ChatMessage(role="assistant", content=crop, metadata={**meta, "id": block}))
        if v.document_id is not None:
            out.append(gr.ChatMessage(role="assistant", content=f"[{DOWNLOAD}]({page_url(v)})",
                                      metadata={"parent_id": block}))
        out.append(gr.ChatMessage(role="assistant", content=page, metadata={
            "title": WHOLE_PAGE, "log": f"第{v.page}页", "status": "done", "parent_id": block}))
    notes = list(dict.fromkeys(v.note for v in views if v.image is None and v.note))
    if notes:
        out.append(gr.ChatMessage(role="assistant", content="  \n".join(html.escape(n) for n in notes),
                                  metadata={"title": TITLE, "log": "无页面", "status": "done"}))
    return out


def page_png(documents: list[Any], store_root: Path, document_id: int, page: int, narrative: bool = False) -> Path | None:
    """The rendered page of a stored document (its kept PDF found by content hash), or None when the
    document, its PDF or the page is not there."""
    from ingest.pdf.render import RenderError, cached_page, kept_pdf, page_images

    doc = next((d for d in documents if d.id == document_id), None)
    sha = doc.page_file(narrative) if doc is not None else None
    if sha is None or not re.fullmatch(r"[0-9a-f]{64}", sha) or not kept_pdf(store_root, sha).is_file():
        return None
    if narrative is False and not 1 <= page <= doc.pages:
        return None
    try:
        return cached_page(kept_pdf(store_root, sha), page, page_images(store_root))
    except RenderError:
        return None


def add_page_route(fastapi_app: Any, documents: Callable[[], list[Any]], store_root: Path) -> None:
    """GET PAGE_ROUTE on the running app: the page as PNG to download, or 404 with one Chinese line."""
    from starlette.responses import FileResponse, PlainTextResponse

    def serve(document_id: str, page: str, part: str = "") -> Any:
        docs = documents()
        path = (page_png(docs, store_root, int(document_id), int(page), part == "narrative")
                if document_id.isdigit() and page.isdigit() else None)
        if path is None:
            return PlainTextResponse("没有这一页（文档不存在、页码超出，或它不是从 PDF 读入的）。", status_code=404)
        title = next(d.title for d in docs if d.id == int(document_id))
        return FileResponse(path, media_type="image/png", filename=f"{title}-第{int(page)}页.png",
                            headers={"X-Content-Type-Options": "nosniff"})

    fastapi_app.add_api_route(PAGE_ROUTE, serve, methods=["GET"], include_in_schema=False)
