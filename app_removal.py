"""Removing a document from the store (文档 tab, staff only): asked first, then deleted from the
numeric lookup in one transaction, its vectors from the index and its kept PDF when no other document
reads its pages, under the store's lock (ingest.store.lock) that every writer takes."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from app_text import escape_text, figure
from ingest.store.storage import StorePaths, open_stores

NO_SUCH = "这份文档已不在库中（可能已被删除），请刷新列表。"


def removal_choices(documents: list[Any]) -> list[tuple[str, int]]:
    """The stored documents as (title（file）, id), for the removal's picker."""
    return [(f"{d.title}（{d.source}）", d.id) for d in documents]


def confirm_line(document: Any, records: int) -> str:
    """The question asked before a removal: what goes, and that it cannot be undone."""
    return (f"确认删除《{escape_text(document.title)}》（{escape_text(document.source)}）？其 {figure(records)} 条记录、"
            "向量索引和原文 PDF 将从库中删除，不能撤销。")


def remove_document(store_dir: Path, document_id: int) -> Any | None:
    """Delete the stored document `document_id` from the lookup, the index and the kept PDFs; the
    removed StoredDocument, or None when it is no longer there."""
    stores = open_stores(StorePaths.at(store_dir))
    try:
        return stores.remove_document(document_id)   # under the store's lock, as every writer
    finally:
        stores.close()
