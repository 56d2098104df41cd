"""The Gradio app (`python app.py`): ask questions, search records, upload disclosures, check their
consistency and run the evaluation — UI only.

Every answer, number and check comes from `chatbot`, `ingest` and `eval`; this module turns their
results into Chinese UI text (escaped, so nothing from a PDF runs in the page) and back. Honours
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

import csv  # noqa: E402
import html  # noqa: E402
import re  # noqa: E402
import signal  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections.abc import Iterable, Iterator, Sequence  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import gradio as gr  # noqa: E402

import app_pages  # noqa: E402
import ingest  # noqa: E402
from app_pages import PagesPanel  # noqa: E402
from chatbot.answer import Answer, Citation  # noqa: E402
from eval.report import write_reports  # noqa: E402
from eval.runner import DEFAULT_QUESTIONS, SYSTEMS, EvalReport, load_questions, run_eval  # noqa: E402
from ingest.checks import Check, run_checks  # noqa: E402
from ingest.errors import IngestError  # noqa: E402
from ingest.pdf_reader import check_pdf_bytes  # noqa: E402
from ingest.pipeline import FileResult, ingest_paths  # noqa: E402
from ingest.storage import StorePaths, default_store_dir  # noqa: E402
from ingest.store import Store, StoredRecord  # noqa: E402

SAMPLE_PDF = Path(ingest.__file__).resolve().parent / "samples" / "changsha-gxj-2024.pdf"
MAX_QUESTION_CHARS = 500
MAX_UPLOAD_MB = 20
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
MAX_ROWS = 2000  # records one search lists (and writes to its CSV)
CSV_KEEP_SECONDS = 3600
EXAMPLE_QUESTIONS = [
    "三公经费是多少？",
    "公车购置费占三公经费多少？",
    "基本支出比项目支出多多少？",
    "会议费预算是多少？",
    "行政运行支出是多少？",
]
SOURCE_HEADERS = ["文档", "表", "页", "行", "列", "数值"]
RECORD_HEADERS = ["文档", "表", "页", "行", "编码", "列", "数值", "单位"]
DOCUMENT_HEADERS = ["部门", "年度", "类型", "页数", "表数", "记录数", "文件"]
RESULT_HEADERS = ["文件", "结果", "说明"]
STATUS_TEXT = {"ingested": "已入库", "skipped": "未变更，已跳过", "error": "错误"}
ALL = ""  # the dropdown value meaning "no filter"
CHECK_HEADERS = ["类别", "检查", "表格数", "计算/陈述数", "差额", "结果"]
CELL_HEADERS = ["表", "页", "行", "编码", "列", "数值"]
MAX_FAILED_SHOWN = 50  # failed checks whose cells are listed under the table
PASSED, FAILED = "✓", "✗"
# The 评测 table's columns: (Chinese head, the technical name shown as its tooltip, or "").
EVAL_COLUMNS = [
    ("类别", ""), ("系统", ""), ("题数", ""),
    ("准确率", "accuracy：数字、文字与是否找到都与标准答案一致的题所占比例"),
    ("引用精确率 / 召回率", "citation precision / recall：引用的表格行中应引用的比例 / 应引用的行中已引用的比例"),
    ("应拒答时拒答", "refusal accuracy：资料中没有答案的题，答「未找到」的比例"),
    ("误拒率", "false refusal rate：有答案的题却答「未找到」的比例"),
    ("说明检索前 3 段命中率", "hit@3：说明文字类的题，出处段落在检索结果前 3 段中的比例"),
    ("延迟 中位数 / 95% 分位（毫秒）", "latency p50 / p95 (ms)：每题回答用时")]
EVAL_HEADERS = [head for head, _ in EVAL_COLUMNS]
CATEGORY_NAMES = {  # the question set's categories (eval/questions/README.md), as the 评测 tab shows them
    "lookup": "查单项", "sum": "求和", "difference": "差额", "share": "占比", "ranking": "排名", "count": "计数",
    "change": "增减变化", "narrative": "说明文字", "check": "一致性判断", "ambiguous": "多种读法",
    "refusal": "应拒答", "jue": "决算对预算", "zero": "零值或空表", "overall": "总体"}
SYSTEM_NAMES = {"budgetqa": "budgetqa", "baseline": "基线"}
SYSTEM_TIPS = {"budgetqa": "", "baseline": "baseline: naive vector-search RAG (top-3 chunks)"}
OVERALL = CATEGORY_NAMES["overall"]  # how the report's "overall" row is shown
CHAT_PLACEHOLDER = "输入问题，回车发送"
QUICK_SYSTEMS = ("budgetqa",)

# Characters that start Markdown syntax; each is backslash-escaped before HTML escaping.
_MARKDOWN_ACTIVE = re.compile(r"([\\`*_{}\[\]()#+\-!|~=$])")


# -- text from documents, made safe to show ------------------------------------------------------
def escape_text(text: object) -> str:
    """Text from a document, shown literally: Markdown syntax neutralised, then HTML escaped."""
    return html.escape(_MARKDOWN_ACTIVE.sub(r"\\\1", str(text)), quote=True)


def escape_cell(text: object) -> str:
    """escape_text for one Markdown table cell: on one line."""
    return escape_text(" ".join(str(text).split()))


# -- answers ---------------------------------------------------------------------------------------
def format_answer(answer: Answer) -> str:
    """The answer text as Markdown; a refusal (found=false) says plainly that nothing was found."""
    text = escape_text(answer.answer).replace("\n", "  \n")
    if answer.table:
        text += "\n\n" + markdown_table(answer.table[0], answer.table[1:])
    if answer.found:
        return text
    return f"**没有找到答案。**\n\n{text}"


def citation_row(c: Citation) -> list[str]:
    """One table citation as the cells 文档, 表, 页, 行, 列, 数值 (the code follows the row label)."""
    row = c.row or ""
    if c.code:
        row = f"{row}（{c.code}）"
    return [c.document, c.table or "", str(c.page), row, c.column or "", c.value or ""]


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(escape_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def format_quote(c: Citation, quoted: bool = False) -> str:
    """A narrative citation: the quoted sentence, then where it stands; only where it stands when the
    answer already quotes the sentence (`quoted`)."""
    where = " › ".join(escape_cell(p) for p in (c.document, c.section) if p)
    if quoted:
        return f"> {where}，第 {c.page} 页"
    return f"> 「{escape_cell(c.text or '')}」  \n> —— {where}，第 {c.page} 页"


def quoted_in(answer: Answer, c: Citation) -> bool:
    """Whether the answer text already quotes the citation's sentence (narrative answers do)."""
    text = " ".join((c.text or "").split())
    return bool(text) and text in " ".join(answer.answer.split())


def format_sources(answer: Answer) -> str:
    """The cited rows as a small Markdown table, then the quoted sentences (where they stand only, for
    a sentence the answer quotes already); "" when nothing is cited."""
    rows = [citation_row(c) for c in answer.citations if c.section is None and c.text is None]
    quotes = [format_quote(c, quoted_in(answer, c)) for c in answer.citations
              if c.section is not None or c.text is not None]
    parts = [markdown_table(SOURCE_HEADERS, rows)] if rows else []
    parts += quotes
    return "\n\n".join(parts)


def answer_messages(answer: Answer) -> list[gr.ChatMessage]:
    """The chat reply: the answer, then a collapsible 「来源」 block when anything is cited."""
    messages = [gr.ChatMessage(role="assistant", content=format_answer(answer))]
    sources = format_sources(answer)
    if sources:
        messages.append(gr.ChatMessage(role="assistant", content=sources,
                                       metadata={"title": "来源", "log": f"{len(answer.citations)} 处引用"}))
    return messages


def question_problem(question: str) -> str | None:
    """Why a question is not sent to the chatbot (empty or too long), or None when it is fine."""
    if not question.strip():
        return "请输入问题，例如「三公经费是多少？」"
    if len(question) > MAX_QUESTION_CHARS:
        return (f"问题太长了（{len(question)} 字）。请把问题控制在 {MAX_QUESTION_CHARS} 字以内，"
                "一次问一件事，例如「会议费预算是多少？」")
    return None


# -- records -------------------------------------------------------------------------------------
def record_value(r: StoredRecord) -> str:
    """The cell as printed: the exact decimal, or the text of a text cell."""
    if r.value is not None:
        return f"{r.value:f}"
    return r.text or ""


def records_to_rows(records: Iterable[StoredRecord]) -> list[list[Any]]:
    """Records as rows of 文档, 表, 页, 行, 编码, 列, 数值, 单位."""
    return [[r.document, r.table, r.page, r.row, r.code or "", r.column, record_value(r), r.unit]
            for r in records]


def write_csv(rows: Sequence[Sequence[Any]], directory: Path, headers: Sequence[str] = RECORD_HEADERS) -> Path:
    """Write rows as a CSV Excel opens in Chinese (UTF-8 with BOM); returns the new file's path."""
    directory.mkdir(parents=True, exist_ok=True)
    _remove_old_files(directory, CSV_KEEP_SECONDS)
    fd, name = tempfile.mkstemp(prefix="budgetqa-records-", suffix=".csv", dir=directory)
    with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(headers)
        writer.writerows([[neutralise_formula(cell) for cell in row] for row in rows])
    return Path(name)


def neutralise_formula(cell: Any) -> Any:
    """Text a spreadsheet would run as a formula (=HYPERLINK(…), +, @, -x) gets a leading quote;
    numbers, negative amounts included, stay as they are."""
    if not isinstance(cell, str) or not cell:
        return cell
    if cell[0] in "=+@\t\r" or (cell[0] == "-" and not cell[1:2].isdigit()):
        return "'" + cell
    return cell


def _remove_old_files(directory: Path, max_age: float, pattern: str = "budgetqa-records-*.csv") -> None:
    cutoff = time.time() - max_age
    for f in directory.glob(pattern):
        try:
            if f.stat().st_mtime < cutoff:
                f.unlink()
        except OSError:
            pass


# -- documents and uploads -----------------------------------------------------------------------
def document_rows(store: Store) -> list[list[Any]]:
    """The ingested documents as rows of 部门, 年度, 类型, 页数, 表数, 记录数, 文件."""
    counts = store.document_counts()
    rows = []
    for d in store.documents():
        n_tables, n_records = counts.get(d.id, (0, 0))
        rows.append([d.department, d.year or "", d.kind, d.pages, n_tables, n_records, d.source])
    return rows


def upload_problem(path: Path) -> str | None:
    """Why an uploaded file is refused before ingest (too big, empty, not a PDF), or None."""
    size = path.stat().st_size
    if size > MAX_UPLOAD_BYTES:
        return f"文件太大（{size / 1024 / 1024:.1f} MB），上限 {MAX_UPLOAD_MB} MB"
    with path.open("rb") as f:
        head = f.read(1024)
    try:
        check_pdf_bytes(path.name, head)
    except IngestError as exc:
        kind = type(exc).__name__
        if kind == "EmptyFile":
            return "空文件（0 字节）"
        if kind == "NotAPdf":
            return "不是 PDF 文件（文件开头没有 %PDF- 标记）"
        return exc.reason
    return None


def result_row(result: FileResult) -> list[str]:
    """One file's outcome as 文件, 结果, 说明."""
    name = Path(result.path).name
    if result.status == "ingested":
        return [name, STATUS_TEXT["ingested"], f"{result.title}：{result.tables} 张表，{result.records} 条记录"]
    if result.status == "skipped":
        return [name, STATUS_TEXT["skipped"], "内容与已入库的文件相同"]
    return [name, STATUS_TEXT["error"], result.reason]


def ensure_sample(store_dir: Path, sample: Path = SAMPLE_PDF) -> None:
    """On an empty store, ingest the bundled sample so a newcomer sees the app working at once."""
    paths = StorePaths.at(store_dir)
    store = Store(paths.sqlite)
    try:
        if store.documents():
            return
    finally:
        store.close()
    if not sample.is_file():
        print(f"budgetqa: store {paths.root} is empty and the sample {sample} is missing", file=sys.stderr)
        return
    print(f"budgetqa: 导入示例文件 / ingesting the bundled sample {sample.name} into {paths.root} (the store "
          "is empty; about 30 s) …", file=sys.stderr, flush=True)
    with ticking("ingesting"):
        summary = ingest_paths([sample], paths.root)
    print(f"budgetqa: {summary.line()}", file=sys.stderr, flush=True)


def open_warm_service(store_dir: Path) -> Any:
    """The question service over the store, its indexes built now rather than on the first question."""
    from chatbot.service import open_service

    return warmed(open_service(store_dir))


def warmed(service: Any) -> Any:
    if hasattr(service, "warm"):
        service.warm()
    return service


# -- consistency checks --------------------------------------------------------------------------
def _number(x: object) -> str:
    return f"{x:f}"


def check_rows(checks: Iterable[Check]) -> list[list[str]]:
    """Checks as rows of 类别, 检查, 表格数, 计算/陈述数, 差额, 结果; failed ones first, else in order."""
    ordered = sorted(checks, key=lambda c: c.passed)
    return [[c.category, c.name, _number(c.expected), _number(c.actual), _number(c.difference),
             PASSED if c.passed else FAILED] for c in ordered]


def check_summary(checks: Sequence[Check], title: str = "") -> str:
    """「N 项检查，M 项通过，K 项不一致。」 (Markdown, the document title escaped)."""
    passed = sum(c.passed for c in checks)
    prefix = f"**{escape_text(title)}**：" if title else ""
    if not checks:
        return f"{prefix}没有可做的检查（没有找到合计、科目层级或可对照的表）。"
    line = f"{prefix}{len(checks)} 项检查，{passed} 项通过，{len(checks) - passed} 项不一致。"
    return line if passed < len(checks) else line + " 全部一致 ✓"


def cell_row(r: StoredRecord) -> list[object]:
    """One cell of a check as 表, 页, 行, 编码, 列, 数值."""
    return [r.table, r.page, r.row, r.code or "", r.column, record_value(r)]


def failed_details(checks: Iterable[Check], limit: int = MAX_FAILED_SHOWN) -> str:
    """For each failed check: its name, the figures, the cells involved and the quoted sentence."""
    failed = [c for c in checks if not c.passed]
    if not failed:
        return ""
    parts = [f"### 不一致的检查（{len(failed)} 项）"]
    for c in failed[:limit]:
        parts.append(f"**{FAILED} {escape_cell(c.category)}：{escape_cell(c.name)}**  \n"
                     f"表格数 {_number(c.expected)}，计算/陈述数 {_number(c.actual)}，差额 {_number(c.difference)}")
        if c.cells:
            parts.append(markdown_table(CELL_HEADERS, [cell_row(r) for r in c.cells]))
        if c.quote is not None:
            where = " › ".join(escape_cell(p) for p in (c.quote.document, c.quote.section) if p)
            parts.append(f"> 「{escape_cell(c.quote.text)}」  \n> —— {where}，第 {c.quote.page} 页")
    if len(failed) > limit:
        parts.append(f"另有 {len(failed) - limit} 项不一致的检查未列出单元格。")
    return "\n\n".join(parts)


# -- evaluation ----------------------------------------------------------------------------------
def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


def _ms(x: float | None) -> str:
    return "–" if x is None else f"{x:.0f}"


def _pair(a: str, b: str) -> str:
    return "–" if a == b == "–" else f"{a} / {b}"


def category_name(category: str) -> str:
    """A question category as the 评测 tab shows it (「查单项」 for lookup); an unknown one as it is."""
    return CATEGORY_NAMES.get(category, category)


def system_name(system: str) -> str:
    return SYSTEM_NAMES.get(system, system)


def eval_rows(report: EvalReport) -> list[list[str]]:
    """Per category (the overall row last, as 总体), one row per system that ran, in the columns of
    EVAL_COLUMNS: 类别, 系统, 题数, 准确率, 引用精确率 / 召回率, 应拒答时拒答, 误拒率, 说明检索前 3 段命中率,
    延迟 中位数 / 95% 分位."""
    rows = []
    for category in report.categories():
        for name, run in report.runs.items():
            m = run.summary.get(category)
            if run.error or m is None:
                continue
            rows.append([category_name(category), system_name(name), str(m["n"]), _pct(m["accuracy"]),
                         _pair(_pct(m["citation_precision"]), _pct(m["citation_recall"])),
                         _pct(m["refusal_accuracy"]), _pct(m["false_refusal_rate"]), _pct(m["hit_at_3"]),
                         _pair(_ms(m["latency_p50_ms"]), _ms(m["latency_p95_ms"]))])
    return rows


def _th(head: str, tip: str) -> str:
    if not tip:
        return f"<th>{html.escape(head)}</th>"
    return f'<th><abbr title="{html.escape(tip)}">{html.escape(head)}</abbr></th>'


def _td(cell: str, tips: dict[str, str]) -> str:
    tip = tips.get(cell, "")
    title = f' title="{html.escape(tip)}"' if tip else ""
    return f"<td{title}>{html.escape(cell)}</td>"


def eval_table_html(rows: Sequence[Sequence[str]]) -> str:
    """The per-category rows as an HTML table: Chinese heads, each technical name (hit@3, p50 / p95 …)
    in a tooltip, and the category's and system's technical names on their cells; "" without rows
    (the tab shows no empty table before a run)."""
    if not rows:
        return ""
    tips = {name: key for key, name in CATEGORY_NAMES.items()}
    tips.update({system_name(k): v for k, v in SYSTEM_TIPS.items() if v})
    head = "".join(_th(h, tip) for h, tip in EVAL_COLUMNS)
    body = "".join("<tr>" + "".join(_td(str(c), tips) for c in row) + "</tr>" for row in rows)
    return f'<table class="eval-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def eval_headline(report: EvalReport) -> str:
    """What was run, then each system's overall figures (or why it did not run), as Markdown."""
    lines = [f"**{len(report.questions)} 道题**（{escape_text(Path(report.questions_path).name)}），"
             f"用时 {report.seconds:.0f} 秒。", ""]
    for name, run in report.runs.items():
        shown = escape_text(system_name(name))
        if run.error or "overall" not in run.summary:
            lines.append(f"- **{shown}**：未运行 —— {escape_text(run.error or '没有结果')}")
            continue
        m = run.summary["overall"]
        lines.append(f"- **{shown}**：准确率 {_pct(m['accuracy'])}，引用精确率 / 召回率 "
                     f"{_pct(m['citation_precision'])} / {_pct(m['citation_recall'])}，应拒答时拒答 "
                     f"{_pct(m['refusal_accuracy'])}，误拒率 {_pct(m['false_refusal_rate'])}，说明检索前 3 段命中率 "
                     f"{_pct(m['hit_at_3'])}，延迟中位数 {_ms(m['latency_p50_ms'])} 毫秒 / 95% 分位 "
                     f"{_ms(m['latency_p95_ms'])} 毫秒")
    return "\n".join(lines)


def eval_questions_path() -> Path:
    """The 评测 tab's question set: BUDGETQA_EVAL_QUESTIONS, else the bundled sample set."""
    return Path(os.environ.get("BUDGETQA_EVAL_QUESTIONS") or DEFAULT_QUESTIONS)


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
        self._service: Any = None
        self._service_lock = threading.Lock()
        self._ingest_lock = threading.Lock()

    @property
    def service(self) -> Any:
        """The question service, checked on every request: when the store changed since it was read
        (`budgetqa ingest` from another process into this store), a reopened one takes its place."""
        with self._service_lock:
            if self._service is None:
                self._service = open_warm_service(self.store_dir)
            elif self._service.changed():
                print(f"budgetqa: 库已更新 / {self.store_dir} changed since the question service read it "
                      "(documents ingested or removed, e.g. by `budgetqa ingest`); reopening it …",
                      file=sys.stderr, flush=True)
                self._reopen()
            return self._service

    def reopen_service(self, prepare_new: bool = False) -> None:
        """Swap in a reopened, warmed Service so newly ingested documents are seen; `prepare_new` (after
        an upload): with the new documents' engines built, so their first question waits for nothing."""
        with self._service_lock:
            self._reopen(prepare_new)

    def _reopen(self, prepare_new: bool = False) -> None:
        """Under the service lock. The old service is left to the garbage collector, not closed: a
        question may still be running on it (it stops building engines in the background)."""
        old = self._service
        self._service = warmed(old.reopened(prepare_new)) if old is not None else open_warm_service(self.store_dir)

    # -- 问答
    def chat(self, message: str, history: list[dict[str, Any]] | None = None) -> list[gr.ChatMessage]:
        problem = question_problem(message or "")
        if problem:
            return [gr.ChatMessage(role="assistant", content=problem)]
        answer = self.service.ask(message.strip())
        return answer_messages(answer) + self.pages.messages(answer)

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
        """Rows to show, the CSV of the same rows (None when none) and a one-line status."""
        query = (query or "").strip()
        if not query:
            return [], None, "请输入关键词：科目名称、编码前缀、项目或单位名称；可再用文档和表筛选。"
        if len(query) > MAX_QUESTION_CHARS:
            return [], None, f"关键词太长，请控制在 {MAX_QUESTION_CHARS} 字以内。"
        records = self.service.search_records(query, document=document or None, table=table or None,
                                              limit=MAX_ROWS)
        rows = records_to_rows(records)
        if not rows:
            return [], None, "没有找到匹配的记录。"
        status = f"共 {len(rows)} 条记录。"
        if len(rows) >= MAX_ROWS:
            status = f"匹配的记录很多，只列出前 {MAX_ROWS} 条；请用更具体的关键词或选择文档/表。"
        return rows, write_csv(rows, self.download_dir), status

    # -- 文档
    def documents(self) -> list[list[Any]]:
        return document_rows(self.store)

    def ingest_uploads(self, paths: Sequence[str | Path], progress: Any = None) -> list[list[str]]:
        """Check and ingest uploaded files one by one; one result row per file."""
        rows: list[list[str]] = []
        files = [Path(p) for p in paths]
        with self._ingest_lock:
            for i, path in enumerate(files):
                if progress is not None:
                    progress((i, len(files)), desc=f"正在入库 {path.name}", unit="个文件")  # the bar adds 「i / n 个文件」
                problem = upload_problem(path)
                if problem:
                    rows.append([path.name, STATUS_TEXT["error"], problem])
                    continue
                summary = ingest_paths([path], self.store_dir)
                rows += [result_row(r) for r in summary.results]
            if any(row[1] == STATUS_TEXT["ingested"] for row in rows):
                self.reopen_service(prepare_new=True)
        if progress is not None:
            progress((len(files), len(files)), desc="完成", unit="个文件")
        return rows

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
        checks = run_checks(self.store, doc.id)
        return check_summary(checks, doc.title), check_rows(checks), failed_details(checks)

    # -- 评测
    def question_count(self) -> int | None:
        try:
            return len(load_questions(self.questions_path))
        except (OSError, ValueError):
            return None

    def evaluate(self, quick: bool = True, progress: Any = None) -> tuple[str, list[list[str]], Path | None,
                                                                          Path | None]:
        """Run the question set (budgetqa only when quick, else budgetqa and the baseline); the headline,
        the per-category rows and the written Markdown and JSON reports."""
        if not self.store.documents():
            return "还没有入库的文档，请先在「文档」页上传。", [], None, None
        systems = QUICK_SYSTEMS if quick else SYSTEMS

        def step(system: str, i: int, n: int) -> None:
            if progress is not None:
                done = systems.index(system) * n + i if system in systems else i
                progress((done, n * len(systems)), desc=system_name(system), unit="题")  # 「budgetqa: 3 / 5 题」

        if progress is not None:
            progress(0.0, desc=f"正在打开 {system_name(systems[0])} …")
        try:
            report = run_eval(self.store_dir, self.questions_path, systems=systems, progress=step)
        except Exception as exc:  # noqa: BLE001 — a bad question file or a broken system: say so in the page
            return f"评测没有完成：{escape_text(f'{type(exc).__name__}: {exc}')}", [], None, None
        out = self.download_dir / "eval"
        out.mkdir(parents=True, exist_ok=True)
        for pattern in ("*.md", "*.json"):
            _remove_old_files(out, CSV_KEEP_SECONDS, pattern)
        md, js = write_reports(report, out)
        return eval_headline(report), eval_rows(report), md, js


# -- the page ------------------------------------------------------------------------------------
class QuestionChat(gr.ChatInterface):
    """gr.ChatInterface whose question box keeps its placeholder: gradio 6 blanks it when a question is
    sent and never puts it back."""

    def _clear_and_save_textbox(self, message: Any) -> tuple[Any, Any]:
        return type(self.textbox)("", interactive=False, placeholder=self.textbox.placeholder), message


def table_update(rows: Sequence[Sequence[Any]]) -> Any:
    """A result table's new value, shown only when it has rows (no header-only table)."""
    return gr.Dataframe(value=[list(r) for r in rows], visible=bool(rows))


def build_ui(app: BudgetApp) -> gr.Blocks:
    """The five tabs: 问答, 数据查询, 文档, 一致性检查, 评测."""
    with gr.Blocks(title="预算公开问答", analytics_enabled=False) as demo:
        gr.Markdown("# 预算公开问答\n就已入库的部门预算/决算公开文件提问，每个数字都注明出处（文档、表、页、行）。")
        with gr.Tab("问答", id="ask", elem_id="tab-ask"):
            QuestionChat(
                fn=app.chat,
                chatbot=gr.Chatbot(label="问答", height=520, latex_delimiters=[], sanitize_html=True,
                                   placeholder="请提问，例如「三公经费是多少？」，或点击下面的示例问题。",
                                   buttons=["copy"], feedback_options=None, elem_id="chat"),
                textbox=gr.Textbox(label="问题", placeholder=CHAT_PLACEHOLDER, show_label=False, submit_btn="提问",
                                   stop_btn=False),
                examples=EXAMPLE_QUESTIONS, examples_label="示例问题", cache_examples=False,
                flagging_mode="never", api_name="chat", fill_height=False,
            )
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
            results = gr.Dataframe(headers=RECORD_HEADERS, datatype="str", interactive=False, wrap=True,
                                   label="查询结果", column_count=len(RECORD_HEADERS), visible=False)
        with gr.Tab("文档", id="documents", elem_id="tab-documents"):
            docs = gr.Dataframe(value=app.documents, headers=DOCUMENT_HEADERS, datatype="str",
                                interactive=False, label="已入库的文档", column_count=len(DOCUMENT_HEADERS))
            uploads = gr.File(label=f"上传 PDF（可多选，每个不超过 {MAX_UPLOAD_MB} MB）", file_count="multiple",
                              file_types=[".pdf"], type="filepath", elem_id="upload")
            with gr.Row():
                ingest_btn = gr.Button("开始入库", variant="primary", size="md", scale=0, min_width=140)
            outcome = gr.Dataframe(headers=RESULT_HEADERS, datatype="str", interactive=False,
                                   label="入库结果", column_count=len(RESULT_HEADERS), visible=False)
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
                                       column_widths=["9%", "49%", "12%", "12%", "10%", "8%"], visible=False)
            check_cells = gr.Markdown()
        with gr.Tab("评测", id="eval", elem_id="tab-eval"):
            n_questions = app.question_count()
            gr.Markdown(f"用评测题集（{escape_text(app.questions_path.name)}，{n_questions or '?'} 题）给 budgetqa "
                        "和基线（向量检索取前 3 段）打分。完整运行需要几分钟；只评 budgetqa 快得多。")
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
            return table_update(rows), button, escape_text(line)

        def on_document(doc: str | None) -> Any:
            return gr.Dropdown(choices=app.table_choices(doc), value=ALL)

        def on_ingest(files: list[str] | None, progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008 (gradio injects it)
            if not files:
                return table_update([["", STATUS_TEXT["error"], "请先选择要上传的 PDF 文件"]]), app.documents(), \
                    gr.Dropdown(), gr.Dropdown()
            rows = app.ingest_uploads(files, progress)
            return table_update(rows), app.documents(), gr.Dropdown(choices=app.document_choices()), \
                gr.Dropdown(choices=app.check_choices())

        def on_load() -> tuple[Any, Any, Any]:
            choices = app.check_choices()
            return (gr.Dropdown(choices=app.document_choices()), gr.Dropdown(choices=app.table_choices(ALL)),
                    gr.Dropdown(choices=choices, value=choices[0][1] if choices else None))

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
        demo.load(on_load, None, [document, table, check_doc], api_visibility="private")
        ingest_btn.click(on_ingest, uploads, [outcome, docs, document, check_doc], api_name="ingest",
                         concurrency_limit=1)
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


def launch(demo: gr.Blocks, store_dir: Path) -> str:
    """Start serving (in gradio's thread) and return the page's URL."""
    host, port = server_address()
    demo.queue(default_concurrency_limit=4, max_size=64)
    try:
        demo.launch(
            server_name=host, server_port=port, share=False, quiet=True, prevent_thread_lock=True,
            max_file_size=f"{MAX_UPLOAD_MB}mb", allowed_paths=[],
            blocked_paths=[str(store_dir.resolve())], ssr_mode=False, mcp_server=False, show_error=False,
            footer_links=["api", "settings"],
            theme=gr.themes.Default(font=THEME_FONTS, font_mono=["Noto Sans Mono CJK SC", "monospace"]),
            css=CSS + app_pages.CSS, js=f"() => {{ ({FOLLOW_CHAT_JS})(); ({app_pages.JS})(); }}",
        )
    except OSError as exc:  # taken between the early check and now
        if "Cannot find empty port" in str(exc):
            raise port_busy(port) from exc
        raise
    return demo.local_url or f"http://{host}:{port}/"


@contextmanager
def ticking(label: str, every: float = 1.0, log_every: float = 15.0) -> Iterator[None]:
    """While a long step runs, its elapsed seconds on stderr: rewritten in place on a terminal, one line
    every `log_every` seconds in a log file."""
    done = threading.Event()
    tty = sys.stderr.isatty()
    started = time.monotonic()

    def tick() -> None:
        while not done.wait(every if tty else log_every):
            seconds = time.monotonic() - started
            print(f"\r  {label} {seconds:.0f} s" if tty else f"budgetqa: {label} {seconds:.0f} s",
                  end="" if tty else "\n", file=sys.stderr, flush=True)

    thread = threading.Thread(target=tick, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
        if tty:
            print("\r\033[K", end="", file=sys.stderr, flush=True)


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
        print("\nbudgetqa: 已停止 / stopped", file=sys.stderr, flush=True)
        demo.close()


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
    demo = build_ui(app)
    try:
        url = launch(demo, store_dir)
    except ServeError as exc:
        print(f"budgetqa: {exc}", file=sys.stderr)
        return 1
    print(f"budgetqa: 服务已启动 / serving on {url}  (Ctrl+C 停止 / stops it)", file=sys.stderr, flush=True)
    serve_until_stopped(demo)
    return 0


if __name__ == "__main__":
    sys.exit(main())
