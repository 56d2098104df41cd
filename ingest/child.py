"""An ingest run (ingest_paths) in a child process at a lower CPU priority, so a server answering
questions keeps its interpreter and its cores while a file is read, embedded and stored.

The child is forked from the parse fork server (ingest.document.sandbox), never from the caller: a
threaded server forked mid-question can hand the child a lock some thread held. It lowers its own
priority (os.nice) before it imports anything heavy; the parse children it starts come from a fork
server of its own and inherit that priority. It tells each stage back over a pipe as the pipeline
tells it (ingest.stages), then the IngestSummary, pickled. An exception in the child comes back as a
line naming the file; a child that dies (killed, out of memory) is said as such: the store's write
lock and transaction leave what was stored as it was. The caller's Chroma client does not see the
child's writes until it is opened afresh (ingest.store.vectors.forget_chroma_systems)."""
from __future__ import annotations

import os
import signal
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from .errors import IngestError

# how much lower the child runs than the caller (0–19; BUDGETQA_INGEST_NICE)
INGEST_NICE = int(os.environ.get("BUDGETQA_INGEST_NICE", "10"))


class IngestChildError(IngestError):
    """The ingest child raised (a bug, not a refused file) or died before it answered."""


class Told(NamedTuple):
    """A stage the child's pipeline told: ingest.stages' name with its count."""

    name: str
    done: int
    total: int


@dataclass(frozen=True)
class Started:
    """The child began: its pid (it runs the whole ingest, the parse's own children aside)."""

    pid: int


def _child(paths: list[str], store_dir: str, by: str | None, niceness: int, conn: Any,
           settings: dict[str, str]) -> None:
    """In the child: lower the priority, run the pipeline, send each stage, then the summary."""
    import multiprocessing

    try:
        os.nice(niceness)
    except OSError:  # a system that refuses: the ingest runs all the same
        pass
    conn.send(("started", os.getpid()))
    os.environ.update(settings)  # the caller's BUDGETQA_* settings as they are now
    multiprocessing.current_process().daemon = False  # its parse children are started from here
    try:
        from .pipeline import ingest_paths

        summary = ingest_paths(paths, store_dir, by=by,
                               stage=lambda _file, name, done, total: conn.send(("stage", (name, done, total))))
        conn.send(("done", summary))
    except IngestError as exc:
        conn.send(("error", exc.reason))
    except BaseException as exc:  # noqa: BLE001 — a bug in the child: said as one line, not a traceback
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def ingest_in_child(paths: Sequence[str | Path], store_dir: str | Path, by: str | None = None,
                    look_every: float = 0.4, niceness: int = INGEST_NICE) -> Iterator[Any]:
    """ingest_paths(paths, store_dir, by=by) in a child: yields Started, then a Told per stage, None
    every `look_every` seconds the child says nothing, and last the IngestSummary. IngestChildError
    when the child raised or died. Closing the generator early stops the child (the store keeps what it held)."""
    from .document.sandbox import _context

    ctx = _context()
    recv, send = ctx.Pipe(duplex=False)
    settings = {k: v for k, v in os.environ.items() if k.startswith("BUDGETQA_")}
    named = str(Path(paths[0]).name) if len(paths) == 1 else f"{len(paths)} 个文件"
    # daemon: stopped with the server; the child clears the flag on its side to start parse children
    proc = ctx.Process(target=_child, args=([str(p) for p in paths], str(store_dir), by, niceness, send, settings),
                       name=f"ingest {named}", daemon=True)
    proc.start()
    send.close()
    try:
        while True:
            if not recv.poll(look_every):
                yield None
                continue
            try:
                kind, payload = recv.recv()
            except EOFError:
                proc.join(5)
                raise IngestChildError(named, died(proc.exitcode)) from None
            if kind == "started":
                yield Started(payload)
            elif kind == "stage":
                yield Told(*payload)
            elif kind == "done":
                yield payload
                return
            else:
                raise IngestChildError(named, f"入库出错（{payload}）；库中已有的内容未受影响")
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        recv.close()


def died(exitcode: int | None) -> str:
    """Why the child gave no answer, in Chinese: 「入库进程被终止（SIGKILL）…」."""
    if exitcode is not None and exitcode < 0:
        try:
            how = signal.Signals(-exitcode).name
        except ValueError:
            how = f"信号 {-exitcode}"
        return f"入库进程被终止（{how}，可能是内存不足或被停止），没有完成；库中已有的内容未受影响，可重新上传"
    return f"入库进程意外退出（退出码 {exitcode}），没有完成；库中已有的内容未受影响，可重新上传"
