"""Back up and restore a store directory: the SQLite numeric lookup through SQLite's online backup
API, the Chroma directory file by file (its own SQLite file through the same API).

    backup_store("budgetqa-store", "backups/2024-06-01")
    restore_store("backups/2024-06-01", "budgetqa-store")

Take a backup when no ingest is running (questions may go on): Chroma is not safe to copy while it
is written. SQLite is copied first, then Chroma, so a document committed in between is in the
Chroma copy but not in the SQLite one — a harmless orphan that retrieval never returns.
Restore into a directory no other running process has open (stop the app): it is swapped in whole,
and what this process had open of the old one (Chroma's cached client) is let go.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

from .storage import StorePaths

CHROMA_SQLITE = "chroma.sqlite3"
_SERVERS = {"BUDGETQA_DATABASE_URL": "on PostgreSQL (back it up with pg_dump)",
            "BUDGETQA_CHROMA_HOST": "on a Chroma server (back up the server's --path directory)"}


class BackupError(Exception):
    """A backup or restore could not be made; the message names the directory and the reason."""


def backup_store(src: str | Path, dest: str | Path) -> Path:
    """Copy the store at `src` into the new directory `dest` (built aside, then renamed into place)."""
    _require_local_store()
    source = StorePaths.at(src)
    if not source.sqlite.is_file():
        raise BackupError(f"{source.root}: no store here (no {source.sqlite.name})")
    dest = Path(dest)
    if dest.exists() and any(dest.iterdir()):
        raise BackupError(f"{dest}: already exists and is not empty; choose a new backup directory")
    return _copy_store(source, dest)


def restore_store(backup: str | Path, dest: str | Path) -> Path:
    """Make `dest` a copy of the backup at `backup`, replacing what `dest` held. The copy is built
    and checked beside `dest` first, so a failed restore leaves `dest` as it was."""
    _require_local_store()
    source = StorePaths.at(backup)
    if not source.sqlite.is_file():
        raise BackupError(f"{source.root}: not a backup (no {source.sqlite.name})")
    problems = check_store(source.root)
    if problems:
        raise BackupError(f"{source.root}: damaged backup: {'; '.join(problems)}")
    dest = Path(dest)
    if dest.exists() and any(dest.iterdir()) and not StorePaths.at(dest).sqlite.is_file():
        raise BackupError(f"{dest}: not a store directory; restore only replaces a store")
    return _copy_store(source, dest)


def check_store(root: str | Path) -> list[str]:
    """What is wrong with the SQLite files of a store (integrity_check), [] when nothing is."""
    paths = StorePaths.at(root)
    problems = []
    for db in (paths.sqlite, paths.chroma / CHROMA_SQLITE):
        if not db.is_file():
            problems.append(f"{db.name} is missing")
            continue
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            result = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
        except sqlite3.DatabaseError as exc:
            result = [str(exc)]
        finally:
            conn.close()
        if result != ["ok"]:
            problems.append(f"{db.name}: {'; '.join(result[:3])}")
    return problems


def _require_local_store() -> None:
    """Backups copy a local store directory; a store configured onto servers is theirs to back up."""
    for var, where in _SERVERS.items():
        if os.environ.get(var):
            raise BackupError(f"{var} is set: the store lives {where}; backup_store copies a local directory")


def _copy_store(source: StorePaths, dest: Path) -> Path:
    dest.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{dest.name}.partial-", dir=dest.parent))
    try:
        _copy_sqlite(source.sqlite, work / source.sqlite.name)
        if source.chroma.is_dir():
            _copy_tree(source.chroma, work / source.chroma.name)
        if source.pages.is_dir():  # the PDFs kept to show their pages
            _copy_tree(source.pages, work / source.pages.name)
        problems = check_store(work)
        if problems:
            raise BackupError(f"{source.root}: the copy does not check out: {'; '.join(problems)}")
        _swap_in(work, dest)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    from .vectors import forget_chroma_systems

    forget_chroma_systems(dest / source.chroma.name, stop=True)  # it would read the replaced files
    return dest


def _copy_sqlite(src: Path, dest: Path) -> None:
    """A consistent copy of a live SQLite database (WAL included) by the online backup API."""
    source = sqlite3.connect(src, timeout=30)
    target = sqlite3.connect(dest)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def _copy_tree(src: Path, dest: Path) -> None:
    dest.mkdir()
    for item in sorted(src.iterdir()):
        if item.name.endswith(("-wal", "-shm", "-journal")):
            continue  # folded into the copy by the backup API
        if item.is_dir():
            _copy_tree(item, dest / item.name)
        elif item.name == CHROMA_SQLITE:
            _copy_sqlite(item, dest / item.name)
        else:
            shutil.copy2(item, dest / item.name)


def _swap_in(work: Path, dest: Path) -> None:
    """Rename the finished copy to `dest`; an existing `dest` is moved aside, then removed."""
    old = None
    if dest.exists():
        old = dest.with_name(f".{dest.name}.old-{os.getpid()}")
        dest.rename(old)
    try:
        work.rename(dest)
    except BaseException:
        if old is not None:
            old.rename(dest)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
