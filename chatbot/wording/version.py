"""The line an answer carries when its document is held in several versions (ingest.store.versions):
which version it read, so a reader knows another version's figures may differ."""
from __future__ import annotations

from ingest.store.store import StoredDocument
from ingest.store.versions import Version, short_sha


def version_note(d: StoredDocument, version: Version) -> str:
    """The line an answer from a document held in several versions carries:
    「（采用第2版，sha256 ab12cd34，2026-12-06 添加）」; empty for a document held once."""
    if version.count < 2:
        return ""
    when = (d.ingested_at or "")[:10]
    return f"（采用第{version.number}版，sha256 {short_sha(d.sha256)}" + (f"，{when} 添加" if when else "") + "）"
