"""Uploads ingested with their progress told by stage: 解析 → 表格 → 向量 → 入库 → 检查/就绪.

The whole ingest runs in a child process at a lower CPU priority (ingest.child), so the server keeps
its interpreter and its cores for answering while a file is read, embedded and stored. The pipeline
tells each stage as it comes (parse, records, embed n/N, store, ready) over the child's pipe, which
is looked at a few times a second so the seconds shown go on. The parse tells nothing until it is
done: its part of the bar fills with the time it has run, towards an expected time per page, and never
past its end before the parse is over. A child that raised or died leaves its file's row saying so."""
from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from app_catalogue import STATUS_TEXT, result_row, upload_problem
from app_pdf import page_count
from app_staff import UNNAMED_STAFF
from ingest.child import IngestChildError, Told, ingest_in_child
from ingest.pipeline import FileResult, IngestSummary

# in the order the pipeline runs them; 检查 is the app's own step after the write (the new document's
# engine and checks built, so its first question waits for nothing)
STAGES = ("解析", "表格", "向量", "入库", "检查")
# the pipeline's stage names (ingest.stages) as the page says them; ready: the file is stored
SAID = {"parse": "解析", "records": "表格", "embed": "向量", "store": "入库", "ready": "入库"}
ADDED_BY = UNNAMED_STAFF   # who `budgetqa list` and the catalogue say added a document uploaded here, unnamed
LOOK_EVERY = 0.4  # seconds between two steps while the pipeline tells nothing (the parse)
WAITING = "等待"
INGESTING = "入库中"
FILES_SHARE = 0.9  # of the upload's bar: the files' stages; the rest is building their engines (检查)

# each file stage's part of a file's bar, about as long as it takes (the parse the most of it)
WEIGHTS = {"解析": 0.6, "表格": 0.05, "向量": 0.25, "入库": 0.1}
# the parse's own progress cannot be seen (a child process): its part of the bar fills as time passes,
# towards an expected time per page and never to its end before the parse is done
PARSE_SECONDS_PER_PAGE = 0.5
PARSE_SECONDS_UNKNOWN = 20.0  # a file whose pages could not be counted


@dataclass(frozen=True)
class Step:
    """Where one file is: its stage (one of the file stages of STAGES), seconds since its ingest began,
    and the stage's own count as the pipeline told it (texts embedded of those to embed; the parse:
    its pages once it is done)."""

    stage: str
    seconds: float
    done: int = 0
    total: int = 0

    def share(self, pages: int | None = None) -> float:
        """The part of the file's work done (0 ≤ share < 1): the stages before this one, and within
        it what the pipeline told (the parse: an estimate from the time it has run, held below its end
        until the pipeline says it is done)."""
        before = sum(WEIGHTS[s] for s in STAGES[:STAGES.index(self.stage)])
        if self.stage == STAGES[0]:
            if self.total and self.done >= self.total:
                return WEIGHTS[self.stage]
            expected = pages * PARSE_SECONDS_PER_PAGE if pages else PARSE_SECONDS_UNKNOWN
            return WEIGHTS[self.stage] * (1 - math.exp(-self.seconds / expected))
        within = self.done / self.total if self.total else 0.0
        return before + WEIGHTS[self.stage] * min(1.0, within) * 0.999

    def line(self, pages: int | None) -> str:
        """「解析（共 40 页）· 12 秒」「解析 → 表格 → 向量 512/1,359 · 20 秒」: what one file's ingest is
        doing, for its row in the results."""
        what = self.stage
        if self.stage == STAGES[0] and (pages or self.total):
            what = f"{self.stage}（共 {pages or self.total} 页）"
        elif self.stage == "向量" and self.total:
            what = f"{self.stage} {self.done:,}/{self.total:,}"
        done = " → ".join(STAGES[:STAGES.index(self.stage)])
        return f"{done + ' → ' if done else ''}{what} · {self.seconds:.0f} 秒"


def staged_ingest(path: Path, store_dir: Path, by: str = ADDED_BY,
                  look_every: float = LOOK_EVERY) -> Iterator[Step | IngestSummary]:
    """Ingest one file (ingest_paths in a child process at a lower priority, added `by` the signed-in
    staff), yielding a Step at each stage the pipeline tells and every `look_every` seconds between;
    the last item is the IngestSummary (a child that raised or died: its file's error in it)."""
    started = time.monotonic()
    now = (STAGES[0], 0, 0)
    try:
        for told in ingest_in_child([path], store_dir, by=by, look_every=look_every):
            if isinstance(told, IngestSummary):
                yield told
                return
            if isinstance(told, Told):
                now = (SAID[told.name], told.done, told.total)
            yield Step(now[0], time.monotonic() - started, now[1], now[2])
    except IngestChildError as exc:
        yield IngestSummary([FileResult(str(path), "error", reason=exc.reason)])


def upload_steps(paths: Sequence[str | Path], store_dir: Path, lock: threading.Lock, reopen: Callable[[], None],
                 by: str = ADDED_BY) -> Iterator[tuple[list[list[str]], float, str]]:
    """Check and ingest uploaded files one by one (one writer at a time: `lock`), yielding as it goes
    the rows so far (文件, 结果, 说明: one per file, its stage while it is ingested), the share of the
    work done and what is being done; then `reopen()` builds the new documents' engines and checks
    (检查), so their first question waits for nothing."""
    files = [Path(p) for p in paths]
    rows = [[f.name, WAITING, ""] for f in files]
    n = max(1, len(files))
    if not lock.acquire(blocking=False):
        yield [list(r) for r in rows], 0.0, "排队：另一个上传正在入库"
        lock.acquire()
    try:
        changed = False  # a document stored, or an unchanged file's vectors rebuilt: the service reopened
        for i, path in enumerate(files):
            problem = upload_problem(path)
            if problem:
                rows[i] = [path.name, STATUS_TEXT["error"], problem]
                continue
            pages = page_count(path)
            for item in staged_ingest(path, store_dir, by):
                if isinstance(item, Step):
                    rows[i] = [path.name, INGESTING, item.line(pages)]
                    yield [list(r) for r in rows], FILES_SHARE * (i + item.share(pages)) / n, \
                        f"{path.name}：{item.stage}（第 {i + 1}/{len(files)} 个文件，{item.seconds:.0f} 秒）"
                else:
                    rows[i] = [result_row(r) for r in item.results][0]
            changed = changed or rows[i][1] in (STATUS_TEXT["ingested"], STATUS_TEXT["repaired"])
        if changed:
            yield [list(r) for r in rows], FILES_SHARE, "检查：建立新文档的问答引擎和检查"
            reopen()
    finally:
        lock.release()
    yield [list(r) for r in rows], 1.0, "完成"
