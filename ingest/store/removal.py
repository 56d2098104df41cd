"""Removing one stored document (one version of a disclosure), named by its file hash as `budgetqa
list` shows it: the numeric lookup, its vectors and the kept PDFs no other document reads, under the
store's write lock."""
from __future__ import annotations

import re
from pathlib import Path

from .storage import StorePaths, Stores
from .store import StoredDocument

MIN_PREFIX = 6


class RemoveError(Exception):
    """Nothing was removed; the message says why in one line."""


def pick_by_sha(documents: list[StoredDocument], prefix: str) -> StoredDocument:
    """The one document whose sha256 starts with `prefix` (as `list` shows it, or whole)."""
    wanted = prefix.strip().lower()
    if not re.fullmatch(rf"[0-9a-f]{{{MIN_PREFIX},64}}", wanted):
        raise RemoveError(f"{prefix!r}: 不是文件哈希（至少{MIN_PREFIX}位十六进制，见 budgetqa list）")
    hits = [d for d in documents if d.sha256.startswith(wanted)]
    if not hits:
        raise RemoveError(f"{wanted}: 存储中没有这个哈希的文档（见 budgetqa list）")
    if len(hits) > 1:
        raise RemoveError(f"{wanted}: 对应{len(hits)}份文档，请给出更长的哈希")
    return hits[0]


def remove_version(store_dir: str | Path, prefix: str) -> StoredDocument:
    """Remove the document whose file hash starts with `prefix`; returns what was removed."""
    stores = Stores(StorePaths.at(store_dir))
    try:
        doc = pick_by_sha(stores.sql.documents(), prefix)
        removed = stores.remove_document(doc.id)
        if removed is None:
            raise RemoveError(f"{doc.sha256[:8]}: 已被另一进程删除")
        return removed
    finally:
        stores.close()
