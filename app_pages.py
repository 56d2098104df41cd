"""The app's 「原文」 view: under an answer, beside its 来源, the cited pages as images with the cited
cells (or the quoted sentence) boxed — one image per page, opening larger on click. Pages are rendered
when an answer cites them (bounded, in a child process) and cached per page; a document with no pages
(.txt/.md/.xlsx) says so instead. Only PDFs kept in the store are read."""
from __future__ import annotations

import html
import tempfile
from collections.abc import Sequence
from pathlib import Path

import gradio as gr

from chatbot.answer import Answer
from chatbot.pages import PageShower, PageView
from ingest.store.store import Store

TITLE = "原文"
# The chat shows an image in a frame 300 px high: a page image is shown whole, up to 600 px wide
# (its figures readable), and a click opens it at full size over the page (click again, or Esc, to close).
# Page images are found by their file name (chatbot.pages.MARKED_PREFIX).
PAGE_IMG = '#chat img[src*="budgetqa-page-"]'
CSS = f"""
{PAGE_IMG} {{ width: min(100%, 600px) !important; height: auto !important; max-height: none !important;
  object-fit: contain !important; cursor: zoom-in; }}
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
}
""".replace("PAGE_IMG", PAGE_IMG.replace("'", "\\'"))
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


def original_messages(views: Sequence[PageView]) -> list[gr.ChatMessage]:
    """One folded 「原文」 block per cited page holding its image (the chat opens an image larger on a
    click), and one block for the pages that cannot be shown, saying why."""
    out: list[gr.ChatMessage] = []
    for v in views:
        if v.image is None:
            continue
        # status "done": the block starts folded (gradio opens blocks of any other status), so the
        # answer and its 来源 stay in view; a click on the title opens it
        meta = {"title": f"{TITLE}：第{v.page}页", "log": v.document, "status": "done"}
        out.append(gr.ChatMessage(role="assistant", content={"path": str(v.image), "alt_text": v.caption},
                                  metadata=meta))
    notes = list(dict.fromkeys(v.note for v in views if v.image is None and v.note))
    if notes:
        out.append(gr.ChatMessage(role="assistant", content="  \n".join(html.escape(n) for n in notes),
                                  metadata={"title": TITLE, "log": "无页面", "status": "done"}))
    return out
