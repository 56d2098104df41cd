"""The 文档 tab: the stored documents, uploads checked and ingested, the bundled sample on an empty
store, and the question service opened warm."""
from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import ingest
from app_text import figure
from ingest.errors import IngestError
from ingest.pdf.pdf_reader import check_pdf_bytes
from ingest.pipeline import FileResult, ingest_paths
from ingest.store.index_check import missing_nodes
from ingest.store.listing import DocumentEntry
from ingest.store.storage import StorePaths, Stores
from ingest.store.store import Store
from ingest.store.versions import short_sha

SAMPLE_PDF = Path(ingest.__file__).resolve().parent / "samples" / "changsha-gxj-2024.pdf"
MAX_UPLOAD_MB = 20
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
CATALOGUE_HEADERS = ["部门", "年度", "预算/决算", "层级", "页数", "表格（按类别）", "缺少", "检查", "文件", "文件哈希", "版本",
                     "添加"]
RESULT_HEADERS = ["文件", "结果", "说明"]
STATUS_TEXT = {"ingested": "已入库", "skipped": "未变更，已跳过", "error": "错误", "repaired": "未变更，已重建索引"}


# -- documents and uploads -----------------------------------------------------------------------
def catalogue_rows(entries: Sequence[DocumentEntry], verdicts: Sequence[tuple[int, int]]) -> list[list[Any]]:
    """The catalogue: per document (`budgetqa list`'s entry and its checks' (passed, failed)) the cells
    部门, 年度, 预算/决算, 层级, 页数, 表格（按类别）, 缺少, 检查, 文件, and its provenance: 文件哈希, 版本, 添加."""
    return [[e.department, f"{e.year}年" if e.year else "", e.kind, e.level, figure(e.pages), tables_text(e),
             lacks_text(e), verdict_text(*v), e.source, short_sha(e.sha256), version_cell(e), added_cell(e)]
            for e, v in zip(entries, verdicts, strict=True)]


def version_cell(entry: DocumentEntry) -> str:
    """「唯一版本」, or 「第2版/共2版（答案采用此版）」 when its disclosure is held in several versions."""
    if entry.versions <= 1:
        return "唯一版本"
    used = "（答案采用此版）" if entry.version == entry.versions else "（旧版，答案不采用）"
    return f"第{entry.version}版/共{entry.versions}版{used}"


def added_cell(entry: DocumentEntry) -> str:
    """「2026-12-06 09:30 UTC 由 alice 添加」: when (stored in UTC) and by whom."""
    when = f"{entry.added_at[:16]} UTC" if entry.added_at else ""
    who = f"由 {entry.added_by} 添加" if entry.added_by else "添加者未记录"
    return f"{when} {who}".strip()


def tables_text(entry: DocumentEntry) -> str:
    """「10张：收支总表、三公经费×2、…」."""
    if not entry.tables:
        return "0张"
    kinds = "、".join(k + (f"×{n}" if n > 1 else "") for k, n in entry.tables.items())
    return f"{sum(entry.tables.values())}张：{kinds}"


def lacks_text(entry: DocumentEntry) -> str:
    """The mandated tables the document lacks and those it prints empty, or 「齐全」."""
    parts = []
    if entry.lacks:
        parts.append("缺" + "、".join(entry.lacks))
    if entry.empty:
        parts.append("空表：" + "、".join(entry.empty))
    if entry.unread_pages:
        parts.append("第" + "、".join(str(p) for p in entry.unread_pages) + "页的表格未能读取")
    return "；".join(parts) or "齐全"


def verdict_text(passed: int, failed: int) -> str:
    """The checks' verdict: 「✓ 128 项全部通过」 or 「✗ 3 项不一致 / 125 项通过」; 「无可做的检查」."""
    if passed + failed == 0:
        return "无可做的检查"
    if failed:
        return f"✗ {figure(failed)} 项不一致 / {figure(passed)} 项通过"
    return f"✓ {figure(passed)} 项全部通过"


def loaded_line(holdings: str, n_documents: int, index_problem: str | None = None) -> str:
    """The landing page's one line on what is loaded, and after it the index check's line when the
    vector index lacks nodes."""
    if not n_documents:
        line = "库中还没有文档：请在「文档」页上传部门预算/决算公开文件（PDF）。"
    else:
        line = f"已载入 {n_documents} 份文档：{holdings}。"
    return f"{line}\n\n{index_problem}" if index_problem else line


def index_problem(store_dir: Path) -> str | None:
    """The app's look at its vector index (ingest.store.index_check): one Chinese line when some
    document's vectors are missing (a lost or damaged chroma/), else None."""
    stores = Stores(StorePaths.at(store_dir))
    try:
        lost, documents = missing_nodes(stores)
    finally:
        stores.close()
    if not lost:
        return None
    return (f"⚠ 向量索引缺少 {figure(lost)} 个节点（{documents} 份文档），按文字检索的回答会变差："
            "请在服务器上运行 budgetqa repair 重建。")


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
    if result.status == "repaired":
        return [name, STATUS_TEXT["repaired"], "内容与已入库的文件相同；缺失的检索向量已重建"]
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
