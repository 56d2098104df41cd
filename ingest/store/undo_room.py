"""Room kept on the store's disk for undoing a write. A write that fills the disk half way (Chroma took
the nodes, SQLite could not commit) must remove what it wrote, and removing rows is a write too: on a full
disk it fails, and the half-written document stays. So before writing, this much space is taken by a
file of its own, and given back first when the write is undone — or at once when it succeeds."""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOM_FILE = ".undo-room"
ROOM_BYTES = int(float(os.environ.get("BUDGETQA_UNDO_ROOM_MB", "2")) * 1024 * 1024)


def _take(path: Path, size: int) -> None:
    """A file of `size` bytes really allocated (a sparse file would hold nothing back)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        try:
            os.posix_fallocate(fd, 0, size)
        except (AttributeError, OSError) as exc:
            if isinstance(exc, OSError) and exc.errno not in (95,):   # EOPNOTSUPP: write zeros instead
                raise
            os.write(fd, b"\0" * size)
    finally:
        os.close(fd)


@contextmanager
def undo_room(root: Path, size: int = ROOM_BYTES) -> Iterator[None]:
    """Hold `size` bytes on the disk of `root` while the block runs; OSError (ENOSPC) before it starts
    when the disk cannot spare them. The room is freed before the block's exception goes on, so the
    caller's clean-up (in an outer `except`) has it."""
    path = root / ROOM_FILE
    try:
        _take(path, size)
    except OSError:
        path.unlink(missing_ok=True)
        raise
    try:
        yield
    finally:
        path.unlink(missing_ok=True)
