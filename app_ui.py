"""The page: five tabs over a BudgetApp (问答, 数据查询, 文档, 一致性检查, 评测), its CSS and scripts."""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import gradio as gr

import app_charts
from app_documents_tab import build_documents_tab, picker_components, picker_updates, wire_documents_tab
from app_eval import eval_table_html
from app_files import served_chat
from app_tables import CHECK_HEADERS, ITEM_HEADERS
from app_text import escape_text

if TYPE_CHECKING:
    from app import BudgetApp

ALL = ""  # the dropdown value meaning "no filter"
CHAT_PLACEHOLDER = "输入问题，回车发送"


# -- the page ------------------------------------------------------------------------------------
class QuestionChat(gr.ChatInterface):
    """gr.ChatInterface whose question box keeps its placeholder: gradio 6 blanks it when a question is
    sent and never puts it back."""

    def _clear_and_save_textbox(self, message: Any) -> tuple[Any, Any]:
        return type(self.textbox)("", interactive=False, placeholder=self.textbox.placeholder), message


def table_update(rows: Sequence[Sequence[Any]]) -> Any:
    """A result table's new value, shown only when it has rows (no header-only table)."""
    return gr.Dataframe(value=[list(r) for r in rows], visible=bool(rows))


def example_messages(questions: Sequence[str]) -> list[dict[str, str]]:
    """The chat's example questions as its placeholder shows them (an empty chat)."""
    return [{"text": q} for q in questions]


def build_ui(app: BudgetApp) -> gr.Blocks:
    """The five tabs: 问答, 数据查询, 文档, 一致性检查, 评测."""
    # uploads left in gradio's cache are deleted after a day (the kept copy is in the store)
    with gr.Blocks(title="预算公开问答", analytics_enabled=False, delete_cache=(86400, 86400)) as demo:
        gr.Markdown("# 预算公开问答\n就已入库的部门预算/决算公开文件提问，每个数字都注明出处（文档、表、页、行）。")
        loaded = gr.Markdown(app.loaded(), elem_id="loaded")
        with gr.Tab("问答", id="ask", elem_id="tab-ask"):
            chat = QuestionChat(
                fn=served_chat(app.chat),
                chatbot=gr.Chatbot(label="问答", height=520, latex_delimiters=[], sanitize_html=True,
                                   placeholder="请提问，例如「三公经费是多少？」，或点击下面的示例问题。",
                                   buttons=["copy"], feedback_options=None, elem_id="chat"),
                textbox=gr.Textbox(label="问题", placeholder=CHAT_PLACEHOLDER, show_label=False, submit_btn="提问",
                                   stop_btn=False),
                examples=app.examples() or None, examples_label="示例问题", cache_examples=False,
                flagging_mode="never", api_name="chat", fill_height=False,
            )
            chart_parts = app_charts.build_panel()
            chat.chatbot.change(lambda history: app_charts.updates(app.charts.last(history), app.download_dir / "charts"),
                                chat.chatbot, list(chart_parts), api_visibility="private", show_progress="hidden")
        with gr.Tab("数据查询", id="search", elem_id="tab-search"):
            with gr.Row():
                query = gr.Textbox(label="关键词", placeholder="科目名称、编码前缀（如 2150501）、项目或单位名称",
                                   scale=3)
                document = gr.Dropdown(label="文档", choices=app.document_choices(), value=ALL, scale=2)
                table = gr.Dropdown(label="表", choices=app.table_choices(ALL), value=ALL, scale=2)
            with gr.Row():
                search_btn = gr.Button("查询", variant="primary", size="md", scale=0, min_width=120)
                download = gr.DownloadButton("下载 CSV", visible=False, size="md", scale=0, min_width=140)
            status = gr.Markdown()
            results = gr.Dataframe(headers=ITEM_HEADERS, datatype="str", interactive=False, wrap=True,
                                   label="查询结果", visible=False, elem_id="search-results")
        with gr.Tab("文档", id="documents", elem_id="tab-documents"):
            documents_tab = build_documents_tab(app)
        with gr.Tab("一致性检查", id="checks", elem_id="tab-checks"):
            gr.Markdown("核对一份文档的勾稽关系：表内合计、科目层级、合计行、表与表之间，以及说明中的数字与表格。")
            check_choices = app.check_choices()
            check_doc = gr.Dropdown(label="文档", choices=check_choices,
                                    value=check_choices[0][1] if check_choices else None)
            with gr.Row():
                check_btn = gr.Button("运行检查", variant="primary", size="md", scale=0, min_width=140)
            check_status = gr.Markdown()
            check_table = gr.Dataframe(headers=CHECK_HEADERS, datatype="str", interactive=False, wrap=True,
                                       label="检查结果（不一致的在前）", column_count=len(CHECK_HEADERS),
                                       column_widths=["72px", "520px", "116px", "116px", "96px", "60px", "52px"],
                                       visible=False, elem_id="check-results")  # px: on a phone it scrolls sideways
            check_cells = gr.Markdown()
        with gr.Tab("评测", id="eval", elem_id="tab-eval"):
            n_questions = app.question_count()
            gr.Markdown(f"用评测题集（{escape_text(app.questions_path.name)}，{n_questions or '?'} 题）给 budgetqa "
                        "和基线（向量检索取前 3 段）打分。题集的文档导入评测专用库（首次约半分钟，之后沿用），"
                        "不用问答所用的库，上传的文档不影响结果。完整运行需要几分钟；只评 budgetqa 快得多。")
            with gr.Row():
                quick = gr.Checkbox(label="只评 budgetqa（快）", value=True, scale=0, min_width=240)
            with gr.Row():
                eval_btn = gr.Button("运行评测", variant="primary", size="md", scale=0, min_width=140)
            eval_status = gr.Markdown()
            eval_table = gr.HTML(elem_id="eval-table")
            with gr.Row():
                eval_md = gr.DownloadButton("下载报告（Markdown）", visible=False, size="md", scale=0, min_width=240)
                eval_js = gr.DownloadButton("下载报告（JSON）", visible=False, size="md", scale=0, min_width=240)

        def on_search(q: str, doc: str | None, tbl: str | None) -> tuple[Any, Any, str]:
            rows, path, line = app.search(q, doc, tbl)
            button = gr.DownloadButton(value=str(path), visible=True) if path else gr.DownloadButton(visible=False)
            table = gr.Dataframe(value={"headers": rows[0], "data": rows[1:]}, visible=True) if rows \
                else gr.Dataframe(visible=False)
            return table, button, escape_text(line)

        def on_document(doc: str | None) -> Any:
            return gr.Dropdown(choices=app.table_choices(doc), value=ALL)

        def on_store_changed() -> list[Any]:
            """After an upload or a removal: everything that lists the store's documents, read again."""
            choices = app.check_choices()
            return [app.documents(), gr.Dropdown(choices=app.document_choices(), value=ALL),
                    gr.Dropdown(choices=app.table_choices(ALL), value=ALL),
                    gr.Dropdown(choices=choices, value=choices[0][1] if choices else None), app.loaded(),
                    gr.Chatbot(examples=example_messages(app.examples()))] + picker_updates(app, documents_tab)

        def on_load() -> tuple[Any, ...]:
            choices = app.check_choices()
            return (gr.Dropdown(choices=app.document_choices()), gr.Dropdown(choices=app.table_choices(ALL)),
                    gr.Dropdown(choices=choices, value=choices[0][1] if choices else None), app.loaded(),
                    app.documents())

        def on_checks(doc_id: int | None) -> tuple[str, Any, str]:
            line, rows, cells = app.checks(doc_id)
            return line, table_update(rows), cells

        def on_eval(quick_only: bool, progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008 (gradio injects it)
            line, rows, md, js = app.evaluate(bool(quick_only), progress)
            return (line, eval_table_html(rows),
                    gr.DownloadButton(value=str(md), visible=True) if md else gr.DownloadButton(visible=False),
                    gr.DownloadButton(value=str(js), visible=True) if js else gr.DownloadButton(visible=False))

        search_inputs = [query, document, table]
        search_btn.click(on_search, search_inputs, [results, download, status], api_name="search")
        query.submit(on_search, search_inputs, [results, download, status], api_visibility="private")
        document.change(on_document, document, table, api_visibility="private")
        demo.load(on_load, None, [document, table, check_doc, loaded, documents_tab.docs], api_visibility="private")
        changed = [documents_tab.docs, document, table, check_doc, loaded, chat.chatbot] + picker_components(documents_tab)
        wire_documents_tab(documents_tab, app, changed, on_store_changed)
        check_btn.click(on_checks, check_doc, [check_status, check_table, check_cells], api_name="checks")
        # one evaluation at a time, in its own queue slot: questions and searches keep being answered
        eval_btn.click(on_eval, quick, [eval_status, eval_table, eval_md, eval_js], api_name="evaluate",
                       concurrency_limit=1, concurrency_id="eval")
    return demo


THEME_FONTS = ["Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "sans-serif"]
# Table cells in the page's font (gradio sets them monospace, which mixes fonts within Chinese text);
# the 评测 table (HTML, for the tooltips on its heads) drawn like the others.
CSS = """
.cell-wrap { font-family: var(--font); font-variant-numeric: tabular-nums; }
#eval-table .html-container { padding: 0; }
#eval-table table { width: 100%; margin: 0; padding: 0; border-collapse: collapse; font-size: var(--text-sm);
                    font-variant-numeric: tabular-nums; }
#eval-table th, #eval-table td { border: 1px solid var(--border-color-primary); padding: 6px 8px; text-align: left; }
#eval-table th { background: var(--background-fill-secondary); font-weight: 600; }
#eval-table abbr[title] { cursor: help; }
.reading-chips { margin-top: 6px; font-size: var(--text-sm); color: var(--body-text-color-subdued); }
.reading-chip { display: inline-block; margin: 2px 4px 2px 0; padding: 1px 8px; border-radius: 999px;
                border: 1px solid var(--border-color-primary); background: var(--background-fill-secondary);
                white-space: nowrap; }
/* tables in the chat (来源, an answer's own table): figures right-aligned on one line, the table scrolls
   sideways on a phone rather than wrapping a figure or a name one character a line */
#chat .message-row table { display: block; overflow-x: auto; font-variant-numeric: tabular-nums; }
#chat .message-row th, #chat .message-row td { min-width: 6em; }
#chat .message-row td[align="right"], #chat .message-row th[align="right"],
#chat .message-row td[style*="right"], #chat .message-row th[style*="right"] { text-align: right; white-space: nowrap; }
/* the same number style in the result tables: figures (and pages) right-aligned, never wrapped — in
   the grid gradio shows (rows of gridcells) and in the table it measures the columns with */
#search-results :is(td, th, [role=gridcell]):nth-child(n+9), #search-results :is(td, [role=gridcell]):nth-child(5),
#check-results :is(td, th, [role=gridcell]):nth-child(n+3):nth-child(-n+5) {
  text-align: right; white-space: nowrap; justify-content: flex-end; }
#search-results :is(td, th, [role=gridcell]):nth-child(n+9) :is(.cell-wrap, span),
#search-results :is(td, [role=gridcell]):nth-child(5) :is(.cell-wrap, span),
#check-results :is(td, th, [role=gridcell]):nth-child(n+3):nth-child(-n+5) :is(.cell-wrap, span) {
  white-space: nowrap; text-align: right; justify-content: flex-end; }
"""
# Gradio follows the chat to its end only while it is within 100 px of the end when an answer arrives;
# an answer with a 来源 table is taller, so its last rows and the copy buttons stayed below. Follow
# each new message to the end, also as it grows for a few seconds after (the 来源 block opens, the
# buttons appear), unless the user scrolls meanwhile.
FOLLOW_CHAT_JS = """
() => {
  let seen = 0, until = 0, watched = null;
  const chatLog = () => document.querySelector('#chat .bubble-wrap');
  const toEnd = (log) => log.scrollTo({ top: log.scrollHeight });
  const grown = new ResizeObserver(() => {
    const log = chatLog();
    if (log && Date.now() < until) toEnd(log);
  });
  const follow = () => {
    const log = chatLog();
    if (!log) return;
    const content = log.firstElementChild;
    if (content && content !== watched) {
      if (watched) grown.unobserve(watched);
      grown.observe(content);
      watched = content;
      for (const e of ['wheel', 'touchmove', 'keydown']) log.addEventListener(e, () => { until = 0; });
    }
    const n = log.querySelectorAll('.message-row').length;
    if (n > seen) { until = Date.now() + 3000; toEnd(log); }
    seen = n;
  };
  new MutationObserver(follow).observe(document.body, { childList: true, subtree: true });
}
"""
