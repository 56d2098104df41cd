"""The Gradio app (`python app.py`): ask questions, search records, upload disclosures, check their
consistency and run the evaluation — UI only.

Every answer, number and check comes from `chatbot`, `ingest` and `eval`; this module turns their
results into Chinese UI text (escaped, so nothing from a PDF runs in the page) and back: the tabs'
text in app_chat, app_tables, app_catalogue and app_eval, the page in app_ui, this module the state and
serving. Honours
GRADIO_SERVER_NAME / GRADIO_SERVER_PORT (default 127.0.0.1:7860), BUDGETQA_STORE and
BUDGETQA_EVAL_QUESTIONS (the question set of the 评测 tab; default eval/questions/sample.jsonl).
"""
from __future__ import annotations

import errno
import os
import socket
import sys

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"  # before gradio is imported: no analytics calls


# -- where to serve (checked before gradio is imported: it reads GRADIO_SERVER_PORT on import) ----
class ServeError(Exception):
    """The app cannot listen where it was asked to (a busy port, a bad GRADIO_SERVER_PORT)."""


def server_address() -> tuple[str, int]:
    """GRADIO_SERVER_NAME / GRADIO_SERVER_PORT, default 127.0.0.1:7860."""
    host = os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1")
    raw = os.environ.get("GRADIO_SERVER_PORT", "7860")
    try:
        port = int(raw)
    except ValueError:
        port = -1
    if not 0 < port < 65536:
        raise ServeError(f"GRADIO_SERVER_PORT={raw!r} is not a port number (1–65535)")
    return host, port


def port_busy(port: int) -> ServeError:
    return ServeError(f"端口 {port} 已被占用 / port {port} is already in use (is the app running already?); stop it, "
                      f"or set GRADIO_SERVER_PORT to another port, e.g. GRADIO_SERVER_PORT={port + 1} "
                      "bash scripts/run.sh")


def check_can_listen(host: str, port: int) -> None:
    """Raise ServeError now, before minutes of set-up, when the server could not listen there."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does
        try:
            s.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise port_busy(port) from exc
            raise ServeError(f"cannot listen on {host}:{port} ({exc.strerror}); check GRADIO_SERVER_NAME "
                             "and GRADIO_SERVER_PORT") from exc


if __name__ == "__main__":  # a busy port or a bad GRADIO_SERVER_PORT: one line now, not after the set-up
    try:
        check_can_listen(*server_address())
    except ServeError as exc:
        sys.exit(f"budgetqa: {exc}")

import signal  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Iterator, Sequence  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import gradio as gr  # noqa: E402

import app_documents_tab  # noqa: E402
import app_pages  # noqa: E402
from app_catalogue import (  # noqa: E402
    MAX_UPLOAD_MB,
    catalogue_rows,
    ensure_sample,
    index_problem,
    loaded_line,
    open_warm_service,
    ticking,
    warmed,
)
from app_charts import ChartMemory  # noqa: E402
from app_chat import MAX_QUESTION_CHARS, answer_messages, question_problem, user_questions, with_options  # noqa: E402
from app_eval import (  # noqa: E402
    EVAL_STORES,
    QUICK_SYSTEMS,
    eval_headline,
    eval_questions_path,
    eval_rows,
    system_name,
    without_paths,
)
from app_i18n import chinese_everywhere  # noqa: E402
from app_ingest import ADDED_BY, upload_steps  # noqa: E402
from app_pages import PagesPanel  # noqa: E402
from app_pdf import add_pdf_route, kept_pdf_of, pdf_link  # noqa: E402
from app_reading import reading_view  # noqa: E402
from app_removal import NO_SUCH, confirm_line, removal_choices, remove_document  # noqa: E402
from app_tables import (  # noqa: E402
    CSV_KEEP_SECONDS,
    MAX_ROWS,
    _remove_old_files,
    check_rows,
    check_summary,
    download_name,
    failed_details,
    records_to_items,
    write_csv,
)
from app_text import escape_text  # noqa: E402
from app_ui import ALL, CSS, FOLLOW_CHAT_JS, THEME_FONTS, build_ui  # noqa: E402
from chatbot.conversation import Conversation, example_questions  # noqa: E402
from eval.own_store import corpus_of, own_store  # noqa: E402
from eval.report import write_reports  # noqa: E402
from eval.runner import SYSTEMS, load_questions, run_eval  # noqa: E402
from ingest.store.listing import list_documents  # noqa: E402
from ingest.store.storage import StorePaths, default_store_dir  # noqa: E402
from ingest.store.store import Store  # noqa: E402


# -- the app's state -----------------------------------------------------------------------------
class BudgetApp:
    """The store, the question service and the handlers the UI calls."""

    def __init__(self, store_dir: Path, download_dir: Path | None = None,
                 questions_path: Path | None = None) -> None:
        self.store_dir = Path(store_dir)
        self.paths = StorePaths.at(self.store_dir)
        self.store = Store(self.paths.sqlite)
        self.download_dir = download_dir or Path(tempfile.gettempdir()) / "budgetqa-app"
        self.questions_path = Path(questions_path) if questions_path else eval_questions_path()
        self.pages = PagesPanel(self.store, self.store_dir, self.download_dir / "pages")
        self.charts = ChartMemory(self.store)  # the 问答 tab's chart beside a comparison
        self._service: Any = None
        self._service_lock = threading.Lock()
        self._ingest_lock = threading.Lock()
        self.index_problem: str | None = None  # the index check's line (check_index), said on the landing line

    @property
    def service(self) -> Any:
        """The question service, checked on every request: when the store changed since it was read
        (`budgetqa ingest` from another process into this store), a reopened one takes its place."""
        with self._service_lock:
            if self._service is None:
                self._service = open_warm_service(self.store_dir)
            elif not self._ingest_lock.locked() and self._service.changed():  # an upload reopens it when done
                print(f"budgetqa: 库已更新 / {self.store_dir} changed since the question service read it "
                      "(documents ingested or removed, e.g. by `budgetqa ingest`); reopening it …",
                      file=sys.stderr, flush=True)
                self._reopen()
            return self._service

    def reopen_service(self, prepare_new: bool = False) -> None:
        """Swap in a reopened, warmed Service so newly ingested documents are seen; `prepare_new` (after
        an upload): with the new documents' engines built, so their first question waits for nothing.
        Built beside the running one (called under the ingest lock, so questions do not reopen it
        meanwhile) and swapped in at once: questions go on answering while it is built."""
        with self._service_lock:
            old = self._service
        if old is None:
            self.service  # noqa: B018 — opened now, as the store is
            return
        if self.index_problem:  # an upload of the same file, or `budgetqa repair`, may have mended it
            self.check_index()
        fresh = warmed(old.reopened(prepare_new))
        with self._service_lock:
            self._service = fresh

    def _reopen(self, prepare_new: bool = False) -> None:
        """Under the service lock. The old service is left to the garbage collector, not closed: a
        question may still be running on it (it stops building engines in the background)."""
        old = self._service
        if self.index_problem:  # an upload of the same file, or `budgetqa repair`, may have mended it
            self.check_index()
        self._service = warmed(old.reopened(prepare_new)) if old is not None else open_warm_service(self.store_dir)

    # -- 问答
    def chat(self, message: str, history: list[dict[str, Any]] | None = None) -> list[gr.ChatMessage]:
        problem = question_problem(message or "")
        if problem:
            return [gr.ChatMessage(role="assistant", content=problem)]
        conversation = Conversation(self.service)       # the browser session's own: rebuilt from its history
        conversation.replay(user_questions(history or []))
        answer = conversation.ask(message.strip())
        chips, options = reading_view(answer, self.service)
        reply = answer_messages(answer, chips)
        self.charts.remember(str(reply[0].content), answer)
        return with_options(reply + self.pages.messages(answer), options)

    # -- 数据查询
    def document_choices(self) -> list[tuple[str, str]]:
        return [("全部文档", ALL)] + [(d.title, d.title) for d in self.store.documents()]

    def table_choices(self, document: str | None = ALL) -> list[tuple[str, str]]:
        docs = [d for d in self.store.documents() if not document or d.title == document]
        titles: list[str] = []
        for d in docs:
            titles += [t["title"] for t in self.store.tables(d.id) if t["title"] not in titles]
        return [("全部表", ALL)] + [(t, t) for t in titles]

    def search(self, query: str, document: str | None, table: str | None) -> tuple[list[list[Any]], Path | None, str]:
        """Rows to show (one per item, the headers first), the CSV of the same items (None when none),
        named after the query, and a one-line status."""
        query = (query or "").strip()
        if not query:
            return [], None, "请输入关键词：科目名称、编码前缀、项目或单位名称；可再用文档和表筛选。"
        if len(query) > MAX_QUESTION_CHARS:
            return [], None, f"关键词太长，请控制在 {MAX_QUESTION_CHARS} 字以内。"
        records = self.service.search_records(query, document=document or None, table=table or None,
                                              limit=MAX_ROWS)
        if not records:
            return [], None, "没有找到匹配的记录。"
        headers, rows, exact = records_to_items(records)
        status = f"共 {len(rows)} 项（{len(records)} 个数）。"
        if len(records) >= MAX_ROWS:
            status = f"匹配的记录很多，只列出前 {MAX_ROWS} 个数；请用更具体的关键词或选择文档/表。"
        name = download_name("数据查询", document or "全部文档", table, query)
        return [headers, *rows], write_csv(exact, self.download_dir, headers, name), status

    # -- 文档
    def documents(self) -> list[list[Any]]:
        """The catalogue's rows (app_catalogue.catalogue_rows), each document's checks run once."""
        entries = list_documents(self.store)
        ids = {d.sha256: d.id for d in self.store.documents()}
        return catalogue_rows(entries, [self.verdict(ids[e.sha256]) for e in entries])

    def verdict(self, document_id: int) -> tuple[int, int]:
        """A document's checks as (passed, failed): the service's, run once per document."""
        checks = self.service.checks(document_id)
        return sum(c.passed for c in checks), sum(not c.passed for c in checks)

    def loaded(self) -> str:
        """The landing page's line on what is loaded (and the index check's, when it found a gap)."""
        service = self.service
        return escape_text(loaded_line(service.directory.holdings(), len(service.documents), self.index_problem))

    def check_index(self) -> str | None:
        """Compare the vector index with the lookup (app_catalogue.index_problem); its line, kept."""
        self.index_problem = index_problem(self.store_dir)
        return self.index_problem

    def examples(self) -> list[str]:
        """Example questions built from the store's documents, each answered (never a refusal)."""
        service = self.service
        return example_questions(service, service.patterns["conversation"]["examples"])

    def ingest_uploads(self, paths: Sequence[str | Path], progress: Any = None) -> list[list[str]]:
        """Check and ingest uploaded files one by one; one result row per file (`progress` is called
        as gr.Progress is: with the share done and what is being done)."""
        rows: list[list[str]] = []
        for step_rows, share, doing in self.ingest_steps(paths):
            rows = step_rows
            if progress is not None:
                progress(share, desc=doing)
        return rows

    def ingest_steps(self, paths: Sequence[str | Path], by: str = ADDED_BY) -> Iterator[tuple[list[list[str]], float, str]]:
        """app_ingest.upload_steps into this store, added `by` the signed-in staff, the new documents'
        engines built after."""
        yield from upload_steps(paths, self.store_dir, self._ingest_lock, lambda: self.reopen_service(prepare_new=True), by)

    # -- removal
    def removal_choices(self) -> list[tuple[str, int]]:
        return removal_choices(self.store.documents())

    def removal_question(self, document_id: int | str | None) -> tuple[int | None, str]:
        """The document about to be removed and the question asked first; (None, why not) when there is none."""
        doc = self._document(document_id)
        if doc is None:
            return None, "请选择要删除的文档。"
        records = self.store.execute("SELECT COUNT(*) FROM records WHERE document_id=?", (doc.id,)).fetchone()[0]
        return doc.id, confirm_line(doc, records)

    def remove(self, document_id: int | str | None) -> str:
        """Remove a stored document (asked first in the page) and reopen the question service; one line."""
        doc = self._document(document_id)
        if doc is None:
            return NO_SUCH
        with self._ingest_lock:  # one writer at a time: not while an upload is being stored
            removed = remove_document(self.store_dir, doc.id)
            if removed is None:
                return NO_SUCH
            self.reopen_service()
        return f"已删除《{escape_text(removed.title)}》（{escape_text(removed.source)}）。"

    def _document(self, document_id: int | str | None) -> Any | None:
        try:
            wanted = int(document_id) if document_id not in (None, "") else None
        except (TypeError, ValueError):
            return None
        return next((d for d in self.store.documents() if d.id == wanted), None)

    def pdf_link(self, document_id: int | str | None, page: float | int | None) -> str:
        """The link opening a document's PDF at a page (the page held within the document's pages)."""
        doc = self._document(document_id)
        if doc is None:
            return ""
        if kept_pdf_of([doc], self.store_dir, doc.id) is None:
            return f"《{escape_text(doc.title)}》不是从 PDF 读入的，没有原文 PDF 可打开。"
        at = min(max(1, int(page or 1)), max(1, doc.pages))
        return pdf_link(doc.id, doc.title, at)

    # -- 一致性检查
    def check_choices(self) -> list[tuple[str, int]]:
        """The ingested documents as (title（file）, id)."""
        return [(f"{d.title}（{d.source}）", d.id) for d in self.store.documents()]

    def checks(self, document_id: int | str | None) -> tuple[str, list[list[str]], str]:
        """The summary line, the rows of every check (failed first) and the failed checks' cells."""
        docs = {d.id: d for d in self.store.documents()}
        if not docs:
            return "还没有入库的文档，请先在「文档」页上传。", [], ""
        try:
            doc = docs[int(document_id)] if document_id not in (None, "") else None
        except (KeyError, ValueError, TypeError):
            doc = None
        if doc is None:
            return "请选择要检查的文档。", [], ""
        checks = self.service.checks(doc.id)
        return check_summary(checks, doc.title), check_rows(checks), failed_details(checks)

    # -- 评测
    def question_count(self) -> int | None:
        try:
            return len(load_questions(self.questions_path))
        except (OSError, ValueError):
            return None

    def evaluate(self, quick: bool = True, progress: Any = None) -> tuple[str, list[list[str]], Path | None,
                                                                          Path | None]:
        """Run the question set (budgetqa only when quick, else budgetqa and the baseline) against its own
        corpus in a store of its own (eval.own_store: never this app's store, so uploads change nothing);
        the headline, the per-category rows and the written Markdown and JSON reports."""
        systems = QUICK_SYSTEMS if quick else SYSTEMS

        def step(system: str, i: int, n: int) -> None:
            if progress is not None:
                done = systems.index(system) * n + i if system in systems else i
                progress((done, n * len(systems)), desc=system_name(system), unit="题")  # 「budgetqa: 3 / 5 题」

        corpus = corpus_of(self.questions_path)
        try:
            if progress is not None:
                progress(0.0, desc="正在准备评测专用库（首次需导入题集的文档）…")
            store, _ = own_store(corpus, self.download_dir / EVAL_STORES)
            if progress is not None:
                progress(0.0, desc=f"正在打开 {system_name(systems[0])} …")
            report = run_eval(store, self.questions_path, systems=systems, progress=step)
        except Exception as exc:  # noqa: BLE001 — a bad question file or a broken system: say so in the page
            return f"评测没有完成：{escape_text(without_paths(f'{type(exc).__name__}: {exc}'))}", [], None, None
        out = self.download_dir / "eval"
        out.mkdir(parents=True, exist_ok=True)
        for pattern in ("*.md", "*.json"):
            _remove_old_files(out, CSV_KEEP_SECONDS, pattern)
        md, js = write_reports(report, out)
        return eval_headline(report, corpus.name(), store.name), eval_rows(report), md, js




def launch(demo: gr.Blocks, store_dir: Path, documents: Callable[[], list[Any]] | None = None) -> str:
    """Start serving (in gradio's thread) and return the page's URL; `documents` (the store's) lets
    the page open their PDFs (app_pdf's route)."""
    host, port = server_address()
    demo.queue(default_concurrency_limit=4, max_size=64)
    try:
        demo.launch(
            server_name=host, server_port=port, share=False, quiet=True, prevent_thread_lock=True,
            max_file_size=f"{MAX_UPLOAD_MB}mb", allowed_paths=[],
            blocked_paths=[str(store_dir.resolve())], ssr_mode=False, mcp_server=False, show_error=False,
            footer_links=[], i18n=chinese_everywhere(),  # no footer: gradio's API and settings pages are English
            theme=gr.themes.Default(font=THEME_FONTS, font_mono=["Noto Sans Mono CJK SC", "monospace"]),
            css=CSS + app_pages.CSS + app_documents_tab.CSS, js=f"() => {{ ({FOLLOW_CHAT_JS})(); ({app_pages.JS})(); }}",
        )
    except OSError as exc:  # taken between the early check and now
        if "Cannot find empty port" in str(exc):
            raise port_busy(port) from exc
        raise
    if documents is not None:
        add_pdf_route(demo.app, documents, store_dir)
        app_pages.add_page_route(demo.app, documents, store_dir)
    return demo.local_url or f"http://{host}:{port}/"



def serve_until_stopped(demo: gr.Blocks) -> None:
    """Until Ctrl+C in the terminal, or `kill PID` (SIGTERM) from elsewhere: then one line, and the
    server closed."""
    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    try:
        while demo.is_running:
            time.sleep(0.2)
    except KeyboardInterrupt:
        demo.close(verbose=False)  # without gradio's English 「Closing server running on port …」
        print("\nbudgetqa: 已停止 / stopped", file=sys.stderr, flush=True)


def main() -> int:
    try:
        host, port = server_address()
        check_can_listen(host, port)
    except ServeError as exc:
        print(f"budgetqa: {exc}", file=sys.stderr)
        return 1
    store_dir = default_store_dir()
    ensure_sample(store_dir)
    app = BudgetApp(store_dir)
    print("budgetqa: 加载问答服务 / loading the question service …", file=sys.stderr, flush=True)
    with ticking("loading"):
        app.service  # noqa: B018 — warm it now, not on the first question
    warning = app.check_index()  # a lost or damaged chroma/: said on the landing line, and logged
    if warning:
        print(f"budgetqa: {warning}", file=sys.stderr, flush=True)
    demo = build_ui(app)
    try:
        url = launch(demo, store_dir, app.store.documents)
    except ServeError as exc:
        print(f"budgetqa: {exc}", file=sys.stderr)
        return 1
    print(f"budgetqa: 服务已启动 / serving on {url}  (Ctrl+C 停止 / stops it)", file=sys.stderr, flush=True)
    serve_until_stopped(demo)
    return 0


if __name__ == "__main__":
    sys.exit(main())  # parse children skip this script (ingest.document.fork_main)
