"""Versions of a disclosure: documents of the same department, year, kind and level (and format: a
PDF and a workbook of one disclosure are two forms, not two versions) with other content. A new
version is stored beside the old one, never in its place, whatever its file name; answers read the
newest and say so when there is more than one, and `budgetqa remove` can take one version away."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from .store import StoredDocument

SHORT_SHA = 8


@dataclass(frozen=True)
class Version:
    number: int   # 1 for the first stored, in the order added
    count: int    # versions of its disclosure held


def from_pdf(source: str) -> bool:
    """The document was read from PDFs only (every file of a disclosure in two files)."""
    return all(part.strip().lower().endswith(".pdf") for part in source.split(" + "))


def version_key(d: StoredDocument) -> tuple | None:
    """What makes two documents versions of one disclosure; None when the department or the year
    could not be read (such a document is a version of nothing)."""
    if not d.department or d.year is None:
        return None
    return (d.department, d.year, d.kind, d.level, from_pdf(d.source))


def versions(documents: Iterable[StoredDocument]) -> dict[int, Version]:
    """Document id → its version number and how many versions its disclosure has."""
    groups: dict[tuple, list[StoredDocument]] = defaultdict(list)
    out: dict[int, Version] = {}
    for d in documents:
        key = version_key(d)
        if key is None:
            out[d.id] = Version(1, 1)
        else:
            groups[key].append(d)
    for docs in groups.values():
        for i, d in enumerate(sorted(docs, key=lambda d: d.id), start=1):
            out[d.id] = Version(i, len(docs))
    return out


def newest_versions(documents: list[StoredDocument]) -> list[StoredDocument]:
    """The documents answers read: of each disclosure held in several versions, the newest only."""
    held = versions(documents)
    return [d for d in documents if held[d.id].number == held[d.id].count]


def short_sha(sha256: str) -> str:
    return sha256[:SHORT_SHA]
