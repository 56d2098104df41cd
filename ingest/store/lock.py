"""One writer at a time: an exclusive lock on a file in the store directory (fcntl.flock), taken by
every writer of the store (ingest, remove, repair; the CLI and the app alike) around what it writes.

Chroma is not safe for two writers on one path, and a writer's clean-up (its vectors after a failed
commit, the kept PDFs no document reads) is only its own while no one else writes. The lock is on an
open file, so it goes with the process: a writer killed mid-write leaves no stale lock behind.
"""
from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import IngestError

LOCK_FILE = ".write.lock"
WAIT_LINE = "存储正被另一进程写入，等待中…"
DEFAULT_TIMEOUT = 600.0   # seconds a second writer waits: a 108-page disclosure takes about 20 s to store
POLL = 0.2


class StoreBusy(IngestError):
    """Another process kept the store's write lock for longer than this writer would wait."""


def lock_timeout() -> float:
    """The wait for the lock: BUDGETQA_LOCK_TIMEOUT seconds, else DEFAULT_TIMEOUT."""
    try:
        return float(os.environ.get("BUDGETQA_LOCK_TIMEOUT", DEFAULT_TIMEOUT))
    except ValueError:
        return DEFAULT_TIMEOUT


def say_waiting(line: str) -> None:
    import sys

    print(line, file=sys.stderr, flush=True)


@contextmanager
def write_lock(root: str | Path, timeout: float | None = None,
               waiting: Callable[[str], None] = say_waiting) -> Iterator[None]:
    """Hold the store's write lock; when another writer holds it, say so once through `waiting` and
    wait up to `timeout` seconds, then raise StoreBusy (one line naming the store)."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    limit = lock_timeout() if timeout is None else timeout
    with _locked(os.open(root / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644),
                 lambda fd: _acquire(fd, root, limit, waiting)):
        yield


@contextmanager
def _locked(fd: int, acquire: Callable[[int], None]) -> Iterator[None]:
    """Hold the lock `acquire` takes on the open file `fd`; unlock and close it after."""
    try:
        acquire(fd)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _acquire(fd: int, root: Path, limit: float, waiting: Callable[[str], None]) -> None:
    deadline = time.monotonic() + limit
    said = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        if not said:
            waiting(WAIT_LINE)
            said = True
        if time.monotonic() >= deadline:
            raise StoreBusy(str(root), f"存储正被另一进程写入，等待{limit:g}秒后放弃，请稍后再试")
        time.sleep(POLL)


OPEN_LOCK_FILE = ".chroma-open.lock"


@contextmanager
def open_lock(root: str | Path) -> Iterator[None]:
    """Held while a process opens the store's Chroma directory (which creates it on first use). chromadb
    creates its tables unguarded: processes opening a new store at once broke one another (「table
    collections already exists」, 「database is locked」: 5 of 32 started four at a time). Opening
    takes a moment, so a reader waits no longer than that; a directory where no lock file can be made
    (read-only) is opened without it, since nothing can be created there either."""
    try:
        fd = os.open(Path(root) / OPEN_LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        yield
        return
    with _locked(fd, lambda held: fcntl.flock(held, fcntl.LOCK_EX)):
        yield
