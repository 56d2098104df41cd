"""The room a write keeps for its own undoing (ingest.store.undo_room): really allocated while the write
runs, given back when it ends either way; a disk that cannot spare it fails before anything is written."""
from __future__ import annotations

import errno
import os

import pytest

from ingest.store.undo_room import ROOM_FILE, undo_room


def test_the_room_is_allocated_while_the_write_runs_and_freed_after(tmp_path):
    with undo_room(tmp_path, 1024 * 1024):
        st = (tmp_path / ROOM_FILE).stat()
        assert st.st_size == 1024 * 1024 and st.st_blocks * 512 >= 1024 * 1024   # not a sparse file
    assert not (tmp_path / ROOM_FILE).exists()
    with pytest.raises(RuntimeError), undo_room(tmp_path, 4096):
        raise RuntimeError("the write failed")
    assert not (tmp_path / ROOM_FILE).exists()


def test_a_disk_that_cannot_spare_the_room_fails_before_the_write(tmp_path):
    free = os.statvfs(tmp_path)
    too_much = free.f_bavail * free.f_frsize + 1024 ** 3
    ran = []
    with pytest.raises(OSError) as raised, undo_room(tmp_path, too_much):
        ran.append(True)
    assert raised.value.errno in (errno.ENOSPC, errno.EFBIG) and not ran
    assert not (tmp_path / ROOM_FILE).exists()
