"""Uploads ingested with their progress told by stage: 解析 → 表格 → 向量 → 入库 → 检查/就绪.

The ingest pipeline reports a file only when it is done (its `progress` callback), so the stage a
file is at is observed from outside: the pipeline runs in a thread of its own and its stack is looked
at a few times a second (the innermost ingest function it is in names the stage). Nothing in the
ingest is changed or slowed; a stage shorter than a look may go unseen, and the bar never goes back."""
from __future__ import annotations

import math
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ingest.pipeline import IngestSummary, ingest_paths

# in the order the pipeline runs them; 检查 is the app's own step after the write (the new document's
# engine and checks built, so its first question waits for nothing)
STAGES = ("解析", "表格", "向量", "入库", "检查")
# the ingest functions (qualified names) whose running tells the stage; the parse runs in a child
# process, so a file is at 解析 while the pipeline is in none of these
WHERE = {
    "document_records": "表格", "document_nodes": "表格",
    "VectorIndex.add": "向量", "VectorIndex.embeddings": "向量", "VectorIndex.delete_document": "向量",
    "Store.write_document": "入库", "Store.transaction": "入库", "Stores.drop_unused_page_files": "入库",
}
ADDED_BY = "工作人员（网页上传）"   # who `budgetqa list` and the catalogue say added a document uploaded here
LOOK_EVERY = 0.4  # seconds between two looks at the pipeline's stack


# each file stage's part of a file's bar, about as long as it takes (the parse the most of it)
WEIGHTS = {"解析": 0.6, "表格": 0.05, "向量": 0.25, "入库": 0.1}
# the parse's own progress cannot be seen (a child process): its part of the bar fills as time passes,
# towards an expected time per page and never to its end before the parse is done
PARSE_SECONDS_PER_PAGE = 0.5
PARSE_SECONDS_UNKNOWN = 20.0  # a file whose pages could not be counted


@dataclass(frozen=True)
class Step:
    """Where one file is: its stage (one of the file stages of STAGES) and seconds since its ingest began."""

    stage: str
    seconds: float

    def share(self, pages: int | None = None) -> float:
        """The part of the file's work done (0 ≤ share < 1): the stages before this one, and within
        the parse an estimate from the time it has run, held below the parse's end."""
        done = sum(WEIGHTS[s] for s in STAGES[:STAGES.index(self.stage)])
        if self.stage != STAGES[0]:
            return done
        expected = pages * PARSE_SECONDS_PER_PAGE if pages else PARSE_SECONDS_UNKNOWN
        return WEIGHTS[STAGES[0]] * (1 - math.exp(-self.seconds / expected))


def stage_of(thread_id: int | None) -> str:
    """The stage the pipeline running in thread `thread_id` is at, from the innermost ingest function
    on its stack that names one; 解析 when it is in none."""
    frame = sys._current_frames().get(thread_id) if thread_id is not None else None
    while frame is not None:
        stage = WHERE.get(frame.f_code.co_qualname)
        if stage:
            return stage
        frame = frame.f_back
    return STAGES[0]


def staged_ingest(path: Path, store_dir: Path, look_every: float = LOOK_EVERY) -> Iterator[Step | IngestSummary]:
    """Ingest one file (ingest_paths in a thread), yielding a Step at every look, the stage never going
    back; the last item is the IngestSummary. An exception of the pipeline is raised here."""
    outcome: dict[str, object] = {}

    def work() -> None:
        try:
            outcome["summary"] = ingest_paths([path], store_dir, by=ADDED_BY)
        except BaseException as exc:  # noqa: BLE001 — handed to the caller's thread, raised there
            outcome["error"] = exc

    thread = threading.Thread(target=work, name=f"ingest {path.name}", daemon=True)
    started = time.monotonic()
    thread.start()
    reached = 0
    while True:
        thread.join(look_every)
        if not thread.is_alive():
            break
        reached = max(reached, STAGES.index(stage_of(thread.ident)))
        yield Step(STAGES[reached], time.monotonic() - started)
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    yield outcome["summary"]  # type: ignore[misc]


def stage_line(step: Step, pages: int | None) -> str:
    """「解析（共 40 页）· 12 秒」: what one file's ingest is doing, for its row in the results."""
    what = f"{step.stage}（共 {pages} 页）" if step.stage == STAGES[0] and pages else step.stage
    done = " → ".join(STAGES[:STAGES.index(step.stage)])
    return f"{done + ' → ' if done else ''}{what} · {step.seconds:.0f} 秒"
