"""Typed errors a user's input can cause; the CLI and the app turn them into one clean line."""
from __future__ import annotations

import errno
import os
import re


class IngestError(Exception):
    """A file could not be ingested; the message names the file and the reason."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason

    def __reduce__(self) -> tuple:
        return (type(self), (self.path, self.reason))


class NotAPdf(IngestError):
    pass


class EmptyFile(IngestError):
    pass


class EncryptedPdf(IngestError):
    pass


class CorruptPdf(IngestError):
    pass


class CorruptWorkbook(IngestError):
    pass


class NeedsOcr(IngestError):
    pass


class NoTables(IngestError):
    pass


class ParseTimeout(IngestError):
    pass


class ParseOutOfMemory(IngestError):
    pass


class TooManyPages(IngestError):
    pass


class UnsupportedFile(IngestError):
    pass


class EmbedderMismatch(IngestError):
    """The store's vectors were made by another embedding model than the one configured."""


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def shown_name(name: str | os.PathLike[str] | bytes) -> str:
    """A file name (or a line naming one) safe to print on one line: bytes that are not UTF-8 shown as
    \\xNN, newlines, terminal escapes and other control or direction characters as \\n, \\x1b, \\u202e —
    so no name can break a line, colour the terminal or forge an `error:` line."""
    raw = name if isinstance(name, bytes) else os.fsencode(name) if not isinstance(name, str) else None
    if raw is None:
        try:
            raw = str(name).encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:        # a lone surrogate not from a file name
            raw = str(name).encode("utf-8", "backslashreplace")
    text = raw.decode("utf-8", "backslashreplace")
    return _CONTROL.sub(lambda m: _ESCAPES.get(m.group(), f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                                              else f"\\u{ord(m.group()):04x}"), text)


_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_FULL_WORDS = ("database or disk is full", "no space left on device", "file too large", "os error 28",
               "disk quota exceeded")


LOW_SPACE_BYTES = 16 * 1024 * 1024


def is_disk_full(exc: BaseException, where: str | os.PathLike[str] | None = None) -> bool:
    """The error, or one it was raised from, says the disk (or the file-size limit) is full: SQLite's
    「database or disk is full」, an OSError ENOSPC/EDQUOT/EFBIG, Chroma's wrapped 「os error 28」. Chroma's
    compaction loses the cause (「Failed to apply logs to the metadata segment」): with `where` (the
    store), an error while less than LOW_SPACE_BYTES are free there is the disk's too."""
    if any((isinstance(c, OSError) and c.errno in _FULL_ERRNOS) or any(w in str(c).lower() for w in _FULL_WORDS)
           for c in _chain(exc)):
        return True
    return where is not None and free_bytes(where) < LOW_SPACE_BYTES


def free_bytes(where: str | os.PathLike[str]) -> int:
    """Bytes free for writing on the file system holding `where` (unknown: as if plenty)."""
    try:
        st = os.statvfs(where)
    except OSError:
        return 1 << 62
    return st.f_bavail * st.f_frsize


def disk_full_reason(exc: BaseException) -> str:
    """「磁盘已满（…）：本文件未入库，库中原有内容不变」, the system's own words in the brackets."""
    cause = next((c for c in _chain(exc) if isinstance(c, OSError) and c.errno in _FULL_ERRNOS), None)
    said = cause.strerror if cause is not None and cause.strerror else \
        str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
    return f"磁盘已满（{said}）：本文件未入库，库中原有内容不变"


def _chain(exc: BaseException) -> list[BaseException]:
    out: list[BaseException] = []
    cur: BaseException | None = exc
    while cur is not None and cur not in out:
        out.append(cur)
        cur = cur.__cause__ or cur.__context__
    return out


class IngestTimeout(IngestError):
    """The whole ingest of a file (parse, records, embedding) took longer than its limit."""


class TooMuchToEmbed(IngestError):
    """A document brings more records or texts to embed than one document may."""
