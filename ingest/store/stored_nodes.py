"""A document's vector-index nodes as the numeric lookup derives them: the index keeps only each node's
id, vector and search keys, and a search fills its hits from here (VectorIndex.filled), as `check` and
`repair` compare and rebuild the index from here (index_check)."""
from __future__ import annotations

import json
import threading
from collections import OrderedDict

from ..document.model import Chunk, Document, Record
from .nodes import IndexNode
from .store import Store, StoredDocument, StoredRecord
from .vectors import document_nodes

KEPT_DOCUMENTS = 8   # documents whose nodes are kept between searches (a question searches one or a few)


def stored_document(sql: Store, doc: StoredDocument, records: bool = True) -> tuple[Document, list[Record]]:
    """A stored document as ingest built it, enough to derive its nodes: its narrative chunks (with
    their numbers) and, when asked, its records, in the order they were written."""
    rows = sql.execute("SELECT number, section, page, text FROM chunks WHERE document_id=? ORDER BY id",
                       (doc.id,)).fetchall()
    chunks = [Chunk(section, int(page), text, int(number)) for number, section, page, text in rows]
    document = Document(doc.title, doc.department, doc.year, doc.kind, doc.source, doc.sha256, doc.pages,
                        chunks=chunks, level=doc.level, tables_file=doc.tables_file,
                        narrative_file=doc.narrative_file, unread_pages=json.loads(doc.unread_pages or "[]"))
    return document, [_record(r) for r in sql.records("r.document_id=?", (doc.id,))] if records else []


def _record(r: StoredRecord) -> Record:
    return Record(r.table, r.table_number, r.page, r.row, r.code, r.column, r.value, r.text, r.unit,
                  r.row_number, r.side, r.group, r.table_kind, r.value_wan, r.bbox)


class StoredNodes:
    """`(sha256, rows) → {node id: node}` for a search's hits: a document's chunk nodes, and its row
    nodes too when a hit is a row (they need its records read). The last KEPT_DOCUMENTS documents'
    nodes are kept until the store is next written; a document the lookup does not hold has none."""

    def __init__(self, sql: Store) -> None:
        self.sql = sql
        self._kept: OrderedDict[str, tuple[bool, dict[str, IndexNode]]] = OrderedDict()
        self._generation = -1
        self._lock = threading.Lock()

    def __call__(self, sha256: str, rows: bool) -> dict[str, IndexNode]:
        generation = self.sql.generation()
        with self._lock:
            if generation != self._generation:
                self._kept.clear()
                self._generation = generation
            kept = self._kept.get(sha256)
            if kept is not None and (kept[0] or not rows):
                self._kept.move_to_end(sha256)
                return kept[1]
        doc = next((d for d in self.sql.documents() if d.sha256 == sha256), None)
        nodes = {} if doc is None else {n.node_id: n for n in document_nodes(*stored_document(self.sql, doc, rows))[0]}
        with self._lock:
            if generation == self._generation:
                self._kept[sha256] = (rows, nodes)
                while len(self._kept) > KEPT_DOCUMENTS:
                    self._kept.popitem(last=False)
        return nodes
