"""The numeric lookup: documents, tables, records and narrative chunks in one SQLite file.

Money is stored as exact decimal text and read back as Decimal. Each document is written in one
transaction, so a failure leaves the store as it was.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from .codes import parent_code
from .model import Chunk, Document, Record
from .text import normalize_label

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    department TEXT NOT NULL,
    year INTEGER,
    kind TEXT NOT NULL,
    source TEXT NOT NULL,
    pages INTEGER NOT NULL,
    ingested_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE IF NOT EXISTS tables (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    title TEXT NOT NULL,
    unit TEXT NOT NULL,
    pages TEXT NOT NULL,
    columns TEXT NOT NULL,
    n_rows INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS records (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    table_id INTEGER NOT NULL REFERENCES tables(id) ON DELETE CASCADE,
    table_title TEXT NOT NULL,
    page INTEGER NOT NULL,
    row_number INTEGER NOT NULL,
    row_label TEXT NOT NULL,
    row_key TEXT NOT NULL,
    code TEXT,
    parent_code TEXT,
    column_path TEXT NOT NULL,
    value TEXT,
    text TEXT,
    unit TEXT NOT NULL,
    side TEXT,
    grp TEXT
);
CREATE INDEX IF NOT EXISTS records_code ON records(code);
CREATE INDEX IF NOT EXISTS records_row_key ON records(row_key);
CREATE INDEX IF NOT EXISTS records_table ON records(table_id);
CREATE INDEX IF NOT EXISTS records_document ON records(document_id);
CREATE TABLE IF NOT EXISTS chunks (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    section TEXT NOT NULL,
    page INTEGER NOT NULL,
    text TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class StoredDocument:
    id: int
    sha256: str
    title: str
    department: str
    year: int | None
    kind: str
    source: str
    pages: int


@dataclass(frozen=True)
class StoredRecord:
    """A record as stored, with the document it belongs to: everything a citation needs."""

    id: int
    document_id: int
    document: str
    department: str
    year: int | None
    kind: str
    table: str
    table_number: int
    page: int
    row_number: int
    row: str
    code: str | None
    column: str
    value: Decimal | None
    text: str | None
    unit: str
    side: str | None
    group: str | None


@dataclass(frozen=True)
class StoredChunk:
    id: int
    document_id: int
    document: str
    section: str
    page: int
    text: str


_RECORD_SELECT = """
SELECT r.id, r.document_id, d.title, d.department, d.year, d.kind, r.table_title, t.number, r.page,
       r.row_number, r.row_label, r.code, r.column_path, r.value, r.text, r.unit, r.side, r.grp
FROM records r JOIN documents d ON d.id = r.document_id JOIN tables t ON t.id = r.table_id
"""


class Store:
    """SQLite numeric lookup at `path`."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self.db:
            yield self.db

    # -- writing -------------------------------------------------------------------------------
    def has_sha(self, sha256: str) -> bool:
        return self.db.execute("SELECT 1 FROM documents WHERE sha256=?", (sha256,)).fetchone() is not None

    def replaced_by(self, doc: Document) -> list[int]:
        """Ids of stored documents the new one supersedes: same source file, department, year, kind."""
        rows = self.db.execute(
            "SELECT id FROM documents WHERE source=? AND department=? AND year IS ? AND kind=?",
            (doc.source, doc.department, doc.year, doc.kind)).fetchall()
        return [r[0] for r in rows]

    def write_document(self, conn: sqlite3.Connection, doc: Document, records: list[Record]) -> int:
        """Insert a document with its tables, records and chunks inside the caller's transaction."""
        cur = conn.execute(
            "INSERT INTO documents(sha256, title, department, year, kind, source, pages) VALUES (?,?,?,?,?,?,?)",
            (doc.sha256, doc.title, doc.department, doc.year, doc.kind, doc.source, doc.pages))
        doc_id = int(cur.lastrowid or 0)
        table_ids = {}
        for t in doc.tables:
            cur = conn.execute(
                "INSERT INTO tables(document_id, number, title, unit, pages, columns, n_rows) VALUES (?,?,?,?,?,?,?)",
                (doc_id, t.number, t.title, t.unit, json.dumps(t.pages), json.dumps(t.columns, ensure_ascii=False),
                 len(t.rows)))
            table_ids[t.number] = cur.lastrowid
        conn.executemany(
            "INSERT INTO records(document_id, table_id, table_title, page, row_number, row_label, row_key, code,"
            " parent_code, column_path, value, text, unit, side, grp) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [(doc_id, table_ids[r.table_number], r.table, r.page, r.row_number, r.row, normalize_label(r.row),
              r.code, parent_code(r.code), r.column, None if r.value is None else f"{r.value:f}", r.text, r.unit,
              r.side, r.group) for r in records])
        conn.executemany(
            "INSERT INTO chunks(document_id, number, section, page, text) VALUES (?,?,?,?,?)",
            [(doc_id, c.number, c.section, c.page, c.text) for c in doc.chunks])
        return doc_id

    def delete_document(self, conn: sqlite3.Connection, doc_id: int) -> None:
        conn.execute("DELETE FROM documents WHERE id=?", (doc_id,))

    # -- reading -------------------------------------------------------------------------------
    def documents(self) -> list[StoredDocument]:
        rows = self.db.execute(
            "SELECT id, sha256, title, department, year, kind, source, pages FROM documents ORDER BY id").fetchall()
        return [StoredDocument(*r) for r in rows]

    def tables(self, document_id: int | None = None) -> list[dict]:
        sql = "SELECT id, document_id, number, title, unit, pages, columns, n_rows FROM tables"
        args: tuple = ()
        if document_id is not None:
            sql += " WHERE document_id=?"
            args = (document_id,)
        rows = self.db.execute(sql + " ORDER BY document_id, number", args).fetchall()
        keys = ("id", "document_id", "number", "title", "unit", "pages", "columns", "n_rows")
        return [{**dict(zip(keys, r)), "pages": json.loads(r[5]), "columns": json.loads(r[6])} for r in rows]

    def records(self, where: str = "", args: tuple = (), limit: int | None = None) -> list[StoredRecord]:
        """Records matching a SQL condition over `r` (records), `d` (documents), `t` (tables)."""
        sql = _RECORD_SELECT + (f" WHERE {where}" if where else "") + " ORDER BY r.document_id, t.number, r.id"
        if limit:
            sql += f" LIMIT {int(limit)}"
        return [_stored_record(row) for row in self.db.execute(sql, args).fetchall()]

    def all_records(self) -> list[StoredRecord]:
        return self.records()

    def chunks(self, document_ids: list[int] | None = None) -> list[StoredChunk]:
        sql = ("SELECT c.id, c.document_id, d.title, c.section, c.page, c.text FROM chunks c "
               "JOIN documents d ON d.id = c.document_id")
        args: tuple = ()
        if document_ids:
            sql += f" WHERE c.document_id IN ({','.join('?' * len(document_ids))})"
            args = tuple(document_ids)
        return [StoredChunk(*r) for r in self.db.execute(sql + " ORDER BY c.id", args).fetchall()]

    def counts(self) -> dict[str, int]:
        return {name: self.db.execute(f"SELECT COUNT(*) FROM {name}").fetchone()[0]
                for name in ("documents", "tables", "records", "chunks")}


def _stored_record(row: tuple) -> StoredRecord:
    values = list(row)
    values[13] = Decimal(values[13]) if values[13] is not None else None
    return StoredRecord(*values)


def chunk_from_stored(c: StoredChunk) -> Chunk:
    return Chunk(c.section, c.page, c.text, c.id)
