"""The 文档 tab: the catalogue (read by anyone), a document's PDF opened at a page, and — for staff
signed in (app_staff) — uploads with their progress by stage and the removal of a document, asked
first. After an upload or a removal the catalogue, the filters, the landing line and the example
questions are read again."""
from __future__ import annotations

import html
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from app_catalogue import CATALOGUE_HEADERS, MAX_UPLOAD_MB, RESULT_HEADERS, STATUS_TEXT
from app_staff import (
    NOT_SIGNED_IN_LINE,
    READ_ONLY_LINE,
    SIGN_IN_LINE,
    UploadLimits,
    added_by,
    counted,
    new_session,
    over_limit,
    read_only,
    sign_in,
    signed_in,
)

if TYPE_CHECKING:
    from app import BudgetApp

CSS = """
.ingest-progress { display: flex; align-items: center; gap: 12px; flex-wrap: wrap; }
.ingest-progress progress { flex: 1 1 240px; height: 12px; appearance: none; border: none; border-radius: 6px;
                            background: var(--background-fill-secondary); overflow: hidden; }
.ingest-progress progress::-webkit-progress-bar { background: var(--background-fill-secondary); }
.ingest-progress progress::-webkit-progress-value { background: var(--color-accent); }
.ingest-progress progress::-moz-progress-bar { background: var(--color-accent); }
.ingest-progress span, .ingest-problem { font-size: var(--text-md); }
"""
# in px, not %: gradio sets each column to its width, so on a phone the table scrolls sideways rather
# than squeezing a name into one character a line (percentages of 390 px did)
CATALOGUE_WIDTHS = ["180px", "72px", "84px", "60px", "60px", "280px", "150px", "150px", "170px", "96px", "150px",
                    "180px"]


@dataclass
class DocumentsTab:
    """The tab's components the rest of the page reads or updates."""

    docs: Any
    session: Any
    pdf_doc: Any
    pdf_page: Any
    pdf_link: Any
    token: Any = None
    sign_in_btn: Any = None
    sign_in_line: Any = None
    sign_in_box: Any = None
    staff_box: Any = None
    uploads: Any = None
    ingest_btn: Any = None
    ingest_line: Any = None
    outcome: Any = None
    remove_doc: Any = None
    remove_btn: Any = None
    confirm_box: Any = None
    confirm_line: Any = None
    confirm_btn: Any = None
    cancel_btn: Any = None
    remove_line: Any = None


def build_documents_tab(app: BudgetApp) -> DocumentsTab:
    """The tab's components, inside the caller's gr.Tab; the staff part only when a token is set."""
    docs = gr.Dataframe(value=app.documents, headers=CATALOGUE_HEADERS, datatype="str", wrap=True,
                        interactive=False, label="已入库的文档", column_count=len(CATALOGUE_HEADERS),
                        column_widths=CATALOGUE_WIDTHS, elem_id="catalogue")
    choices = app.removal_choices()
    first = choices[0][1] if choices else None
    with gr.Row(elem_id="open-pdf"):
        pdf_doc = gr.Dropdown(label="打开原文 PDF", choices=choices, value=first, scale=3)
        pdf_page = gr.Number(label="页码", value=1, precision=0, minimum=1, scale=1, min_width=100)
    pdf_link = gr.HTML(app.pdf_link(first, 1), elem_id="pdf-link")
    tab = DocumentsTab(docs, gr.State(new_session()), pdf_doc, pdf_page, pdf_link)
    if read_only():
        gr.Markdown(READ_ONLY_LINE, elem_id="read-only")
        return tab
    with gr.Group(elem_id="sign-in") as tab.sign_in_box:
        with gr.Row():
            tab.token = gr.Textbox(label="工作人员令牌", type="password", placeholder="输入令牌后点击登录",
                                   scale=3, elem_id="staff-token")
            tab.sign_in_btn = gr.Button("登录", variant="primary", size="md", scale=0, min_width=120)
    tab.sign_in_line = gr.Markdown(SIGN_IN_LINE, elem_id="sign-in-line")
    with gr.Column(visible=False, elem_id="staff") as tab.staff_box:
        limits = UploadLimits.from_env()
        tab.uploads = gr.File(label=f"上传 PDF（可多选，每个不超过 {MAX_UPLOAD_MB} MB；每个会话最多 {limits.files} 个、"
                                    f"共 {limits.megabytes} MB）", file_count="multiple", file_types=[".pdf"],
                              type="filepath", elem_id="upload")
        with gr.Row():
            tab.ingest_btn = gr.Button("开始入库", variant="primary", size="md", scale=0, min_width=140)
        tab.ingest_line = gr.HTML(elem_id="ingest-line")
        tab.outcome = gr.Dataframe(headers=RESULT_HEADERS, datatype="str", interactive=False, wrap=True,
                                   label="入库结果", column_count=len(RESULT_HEADERS), visible=False,
                                   elem_id="ingest-outcome")
        with gr.Row():
            tab.remove_doc = gr.Dropdown(label="删除文档", choices=choices, value=first, scale=3)
            tab.remove_btn = gr.Button("删除…", variant="secondary", size="md", scale=0, min_width=120)
        with gr.Group(visible=False, elem_id="confirm-removal") as tab.confirm_box:
            tab.confirm_line = gr.Markdown(elem_id="confirm-line")
            with gr.Row():
                tab.confirm_btn = gr.Button("确认删除", variant="stop", size="md", scale=0, min_width=140)
                tab.cancel_btn = gr.Button("取消", size="md", scale=0, min_width=120)
        tab.remove_line = gr.Markdown(elem_id="remove-line")
    return tab


def wire_documents_tab(tab: DocumentsTab, app: BudgetApp, refreshed: list[Any], refresh: Any) -> None:
    """The tab's events. `refresh()` returns the new values of the `refreshed` components (the
    catalogue, filters, landing line, examples), run after an upload or a removal."""
    tab.pdf_doc.change(app.pdf_link, [tab.pdf_doc, tab.pdf_page], tab.pdf_link, api_visibility="private")
    tab.pdf_page.change(app.pdf_link, [tab.pdf_doc, tab.pdf_page], tab.pdf_link, api_visibility="private")
    if tab.sign_in_btn is None:
        return

    def on_sign_in(token: str, session: dict[str, Any]) -> tuple[Any, ...]:
        session, line = sign_in(session, token)
        staff = signed_in(session)
        return session, line, gr.Textbox(value=""), gr.Group(visible=not staff), gr.Column(visible=staff)

    # named endpoints: a staff API client signs in within its own session, then uploads (bench/load_app.py)
    sign_in_outputs = [tab.session, tab.sign_in_line, tab.token, tab.sign_in_box, tab.staff_box]
    tab.sign_in_btn.click(on_sign_in, [tab.token, tab.session], sign_in_outputs, api_name="sign_in")
    tab.token.submit(on_sign_in, [tab.token, tab.session], sign_in_outputs, api_visibility="private")

    def on_ingest(files: list[str] | None, session: dict[str, Any]) -> Iterator[tuple[Any, ...]]:
        cleared = gr.File(value=None)
        paths = [Path(f) for f in files or []]
        problem = (NOT_SIGNED_IN_LINE if not signed_in(session) else "请先选择要上传的 PDF 文件。" if not paths
                   else over_limit(session, paths, UploadLimits.from_env()))
        if problem:
            yield f'<p class="ingest-problem">{html.escape(problem)}</p>', gr.Dataframe(visible=False), cleared, session
            return
        session = counted(session, paths)
        yield progress_bar(0.0, "开始入库"), gr.Dataframe(visible=False), cleared, session
        rows: list[list[str]] = []
        for rows, share, doing in app.ingest_steps(paths, by=added_by(session)):
            yield progress_bar(share, doing), gr.Dataframe(value=rows, visible=True), cleared, session
        done = sum(r[1] == STATUS_TEXT["ingested"] for r in rows)
        yield progress_bar(1.0, f"完成：{len(rows)} 个文件，{done} 个已入库"), gr.Dataframe(value=rows, visible=True), \
            cleared, session

    # one bar, the page's own (gradio's overlay would cover every output, the catalogue among them, and
    # stays at 0 % for a generator): the catalogue stays in view while a file is ingested
    tab.ingest_btn.click(on_ingest, [tab.uploads, tab.session], [tab.ingest_line, tab.outcome, tab.uploads, tab.session],
                         api_name="ingest", concurrency_limit=1, concurrency_id="ingest", show_progress="hidden",
                         ).then(refresh, None, refreshed, api_visibility="private", show_progress="hidden")

    def on_remove(document_id: int | None, session: dict[str, Any]) -> tuple[Any, ...]:
        if not signed_in(session):
            return session, gr.Group(visible=False), "", NOT_SIGNED_IN_LINE
        pending, line = app.removal_question(document_id)
        session = dict(session, pending=pending)
        if pending is None:
            return session, gr.Group(visible=False), "", line
        return session, gr.Group(visible=True), line, ""

    tab.remove_btn.click(on_remove, [tab.remove_doc, tab.session],
                         [tab.session, tab.confirm_box, tab.confirm_line, tab.remove_line], api_visibility="private")

    def on_confirm(session: dict[str, Any]) -> tuple[Any, ...]:
        if not signed_in(session):
            return session, gr.Group(visible=False), NOT_SIGNED_IN_LINE
        pending = session.get("pending")
        session = dict(session, pending=None)
        line = app.remove(pending) if pending is not None else "请先选择要删除的文档。"
        return session, gr.Group(visible=False), line

    tab.confirm_btn.click(on_confirm, tab.session, [tab.session, tab.confirm_box, tab.remove_line],
                          api_visibility="private", concurrency_id="ingest",
                          ).then(refresh, None, refreshed, api_visibility="private", show_progress="hidden")
    tab.cancel_btn.click(lambda s: (dict(s, pending=None), gr.Group(visible=False), "已取消删除。"), tab.session,
                         [tab.session, tab.confirm_box, tab.remove_line], api_visibility="private")


def progress_bar(share: float, doing: str) -> str:
    """The upload's one progress bar (a <progress> element, read by screen readers too) and its line."""
    percent = round(100 * min(1.0, max(0.0, share)))
    return (f'<div class="ingest-progress"><progress max="100" value="{percent}" aria-label="入库进度"></progress>'
            f'<span>{percent}% · {html.escape(doing)}</span></div>')


def picker_updates(app: BudgetApp, tab: DocumentsTab) -> list[Any]:
    """The tab's document pickers with the store's documents now (the first one chosen), and the
    PDF link for it."""
    choices = app.removal_choices()
    first = choices[0][1] if choices else None
    pickers = [gr.Dropdown(choices=choices, value=first), gr.Number(value=1), app.pdf_link(first, 1)]
    if tab.remove_doc is not None:
        pickers.append(gr.Dropdown(choices=choices, value=first))
    return pickers


def picker_components(tab: DocumentsTab) -> list[Any]:
    """The components picker_updates updates, in its order."""
    return [tab.pdf_doc, tab.pdf_page, tab.pdf_link] + ([tab.remove_doc] if tab.remove_doc is not None else [])
