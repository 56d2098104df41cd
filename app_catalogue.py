"""The 文档 tab: the stored documents, uploads checked and ingested, the bundled sample on an empty
store, and the question service opened warm."""
from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import ingest
from ingest.errors import IngestError
from ingest.pdf_reader import check_pdf_bytes
from ingest.pipeline import FileResult, ingest_paths
from ingest.storage import StorePaths
from ingest.store import Store

SAMPLE_PDF = Path(ingest.__file__).resolve().parent / "samples" / "changsha-gxj-2024.pdf"
MAX_UPLOAD_MB = 20
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
DOCUMENT_HEADERS = ["部门", "年度", "类型", "页数", "表数", "记录数", "文件"]
RESULT_HEADERS = ["文件", "结果", "说明"]
STATUS_TEXT = {"ingested": "已入库", "skipped": "未变更，已跳过", "error": "错误"}


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
