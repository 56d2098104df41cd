"""A disclosure published as two files — 情况说明 (narrative) and 报表 (tables) — read as one document
when both come in one batch: same department, year, kind and level, one with only narrative and the
other with only tables."""
from __future__ import annotations

import hashlib
from dataclasses import replace

from ..document.model import Document

SOURCE_JOIN = " + "
NOTES_ONLY_CHUNKS = 5  # a 报表 file's own text is its tables' notes: a few chunks, no 说明


def is_partial(doc: Document) -> bool:
    """A document with narrative but no tables, or tables with hardly any narrative."""
    return not doc.tables or _tables_only(doc)


def _tables_only(doc: Document) -> bool:
    return bool(doc.tables) and len(doc.chunks) < NOTES_ONLY_CHUNKS


def identity(doc: Document) -> tuple[str, int | None, str, str]:
    return doc.department, doc.year, doc.kind, doc.level


def merge_disclosure(narrative: Document, tables: Document) -> Document:
    """One Document: the tables of one file, the narrative of the other; both sources named."""
    sha = hashlib.sha256((narrative.sha256 + tables.sha256).encode()).hexdigest()
    chunks = [replace(c, number=i) for i, c in enumerate(narrative.chunks + tables.chunks, start=1)]
    return replace(tables, source=narrative.source + SOURCE_JOIN + tables.source, sha256=sha,
                   pages=max(narrative.pages, tables.pages), sections=narrative.sections + tables.sections,
                   chunks=chunks, narrative_file=narrative.narrative_file)


def pair_partials(docs: list[Document]) -> list[tuple[Document, Document]]:
    """(narrative-only, tables-only) pairs of the same identity, each document in at most one pair
    (only where the pair is unambiguous: one of each)."""
    groups: dict[tuple, list[Document]] = {}
    for doc in docs:
        if doc.department:
            groups.setdefault(identity(doc), []).append(doc)
    pairs = []
    for group in groups.values():
        narrative = [d for d in group if not d.tables and d.chunks]
        tables = [d for d in group if _tables_only(d)]
        if len(narrative) == 1 and len(tables) == 1:
            pairs.append((narrative[0], tables[0]))
    return pairs
