"""The numeric lookup: documents, tables, records and narrative chunks, in SQLite by default or in
PostgreSQL when BUDGETQA_DATABASE_URL is set (same code, configuration only).

Money is stored as exact decimal text and read back as Decimal. Each document is written in one
transaction, so a failure leaves the store as it was. With PostgreSQL each store directory gets its
own schema (named after the directory, or BUDGETQA_DATABASE_SCHEMA), so stores stay apart as they do
on disk.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..document.model import BBox, Chunk, Document, LineBox, Record
from ..document.text import normalize_label
from ..tables.codes import parent_code

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
    ingested_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    level TEXT NOT NULL DEFAULT '部门',
    tables_file TEXT,
    narrative_file TEXT,
    unread_pages TEXT,
    added_by TEXT
);
CREATE TABLE IF NOT EXISTS tables (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    title TEXT NOT NULL,
    unit TEXT NOT NULL,
    pages TEXT NOT NULL,
    columns TEXT NOT NULL,
    n_rows INTEGER NOT NULL,
    kind TEXT,
    department TEXT
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
    grp TEXT,
    table_kind TEXT,
    value_wan TEXT,
    bbox TEXT
);
CREATE INDEX IF NOT EXISTS records_code ON records(code);
CREATE INDEX IF NOT EXISTS records_row_key ON records(row_key);
CREATE INDEX IF NOT EXISTS records_table ON records(table_id);
CREATE INDEX IF NOT EXISTS records_document ON records(document_id);
CREATE INDEX IF NOT EXISTS records_table_kind ON records(table_kind);
CREATE TABLE IF NOT EXISTS chunks (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    section TEXT NOT NULL,
    page INTEGER NOT NULL,
    text TEXT NOT NULL,
    lines TEXT
);
CREATE TABLE IF NOT EXISTS store_meta (
    key TEXT PRIMARY KEY,
    value INTEGER NOT NULL
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
    level: str = "部门"
    tables_file: str | None = None  # sha256 of the PDF kept in the store that printed the tables
    narrative_file: str | None = None  # … and of the one that printed the narrative
    unread_pages: str | None = None  # JSON list of the pages whose grid of figures ended in no table
    ingested_at: str | None = None  # when it was added (UTC, 「2026-12-06 09:30:00」)
    added_by: str | None = None  # who added it: the OS user of `budgetqa ingest`, its --by, the staff signed in

    def page_file(self, narrative: bool = False) -> str | None:
        return self.narrative_file if narrative else self.tables_file


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
    table_kind: str | None = None
    value_wan: Decimal | None = None
    bbox: BBox | None = None


@dataclass(frozen=True)
class StoredChunk:
    id: int
    document_id: int
    document: str
    section: str
    page: int
    text: str
    lines: tuple[LineBox, ...] = ()


_RECORD_SELECT = """
SELECT r.id, r.document_id, d.title, d.department, d.year, d.kind, r.table_title, t.number, r.page,
       r.row_number, r.row_label, r.code, r.column_path, r.value, r.text, r.unit, r.side, r.grp,
       r.table_kind, r.value_wan, r.bbox
FROM records r JOIN documents d ON d.id = r.document_id JOIN tables t ON t.id = r.table_id
"""


def database_url() -> str | None:
    """The PostgreSQL URL the environment asks for, or None for SQLite."""
    return os.environ.get("BUDGETQA_DATABASE_URL") or None


def schema_for(path: str | Path) -> str:
    """PostgreSQL schema of the store whose SQLite file would be `path`."""
    named = os.environ.get("BUDGETQA_DATABASE_SCHEMA")
    if named:
        return named
    root = str(Path(path).resolve().parent)
    return "bq_" + hashlib.sha1(root.encode()).hexdigest()[:16]


def _postgres_ddl(schema_sql: str) -> list[str]:
    ddl = schema_sql.replace("INTEGER PRIMARY KEY", "BIGSERIAL PRIMARY KEY")
    ddl = ddl.replace("TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP",
                      "TEXT NOT NULL DEFAULT to_char(now(), 'YYYY-MM-DD HH24:MI:SS')")
    return [stmt.strip() for stmt in ddl.split(";") if stmt.strip()]


class Store:
    """The numeric lookup of the store whose SQLite file is `path` (or its PostgreSQL schema)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        url = database_url()
        self.postgres = url is not None
        if url is not None:
            self.db = _connect_postgres(url, schema_for(self.path))
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        _add_missing_columns(self.db)
        self.db.executescript(SCHEMA)

    @staticmethod
    def exists(path: str | Path) -> bool:
        """Whether a store was ever written at `path` (without creating one)."""
        url = database_url()
        if url is None:
            return Path(path).exists()
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            row = conn.execute("SELECT 1 FROM information_schema.tables WHERE table_schema=%s AND "
                               "table_name='documents'", (schema_for(path),)).fetchone()
        return row is not None

    def execute(self, sql: str, args: Sequence = ()) -> Any:
        """Run SQL written with ? placeholders on either engine; returns the cursor."""
        if self.postgres:
            return self.db.execute(sql.replace("?", "%s"), tuple(args))
        return self.db.execute(sql, tuple(args))

    def executemany(self, sql: str, rows: list[tuple]) -> None:
        if self.postgres:
            with self.db.cursor() as cur:
                cur.executemany(sql.replace("?", "%s"), rows)
        else:
            self.db.executemany(sql, rows)

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """One atomic unit: everything written inside commits together or not at all."""
        if self.postgres:
            with self.db.transaction():
                yield self
        else:
            with self.db:
                yield self

    # -- writing -------------------------------------------------------------------------------
    def has_sha(self, sha256: str) -> bool:
        """Whether a document of this content is stored as this version reads it: a PDF stored before
        the store kept its pages (and its cells' boxes) is read again."""
        row = self.execute("SELECT source, tables_file FROM documents WHERE sha256=?", (sha256,)).fetchone()
        return row is not None and (row[1] is not None or not row[0].lower().endswith(".pdf"))

    def replaced_by(self, doc: Document) -> list[int]:
        """Ids of stored documents the new one supersedes: only the same content, stored by an older
        version of the reader. Other content is never a replacement, whatever its file name: it is a
        new version stored beside the old one (ingest.store.versions)."""
        rows = self.execute("SELECT id FROM documents WHERE sha256=?", (doc.sha256,)).fetchall()
        return [int(r[0]) for r in rows]

    def write_document(self, tx: Store, doc: Document, records: list[Record], by: str | None = None) -> int:
        """Insert a document with its tables, records and chunks inside the caller's transaction; `by`
        is who added it."""
        doc_id = int(tx.execute(
            "INSERT INTO documents(sha256, title, department, year, kind, source, pages, level, tables_file,"
            " narrative_file, unread_pages, added_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
            (doc.sha256, doc.title, doc.department, doc.year, doc.kind, doc.source, doc.pages, doc.level,
             doc.tables_file, doc.narrative_file, json.dumps(doc.unread_pages), by),
        ).fetchone()[0])
        table_ids = {}
        for t in doc.tables:
            table_ids[t.number] = tx.execute(
                "INSERT INTO tables(document_id, number, title, unit, pages, columns, n_rows, kind, department)"
                " VALUES (?,?,?,?,?,?,?,?,?) RETURNING id",
                (doc_id, t.number, t.title, t.unit, json.dumps(t.pages), json.dumps(t.columns, ensure_ascii=False),
                 len(t.rows), t.kind, t.department or None)).fetchone()[0]
        tx.executemany(
            "INSERT INTO records(document_id, table_id, table_title, page, row_number, row_label, row_key, code,"
            " parent_code, column_path, value, text, unit, side, grp, table_kind, value_wan, bbox)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [(doc_id, table_ids[r.table_number], r.table, r.page, r.row_number, r.row, normalize_label(r.row),
              r.code, parent_code(r.code), r.column, _decimal_text(r.value), r.text, r.unit,
              r.side, r.group, r.table_kind, _decimal_text(r.value_wan), _box_text(r.bbox)) for r in records])
        tx.executemany(
            "INSERT INTO chunks(document_id, number, section, page, text, lines) VALUES (?,?,?,?,?,?)",
            [(doc_id, c.number, c.section, c.page, c.text, _lines_text(c.lines)) for c in doc.chunks])
        _bump_generation(tx)
        return doc_id

    def delete_document(self, tx: Store, doc_id: int) -> None:
        tx.execute("DELETE FROM documents WHERE id=?", (doc_id,))
        _bump_generation(tx)

    def index_changed(self) -> None:
        """Count a change of the vector index alone (a repair): a reader holding the old index (a
        running app's question service) opens it afresh, as after a document write."""
        with self.transaction() as tx:
            _bump_generation(tx)

    def generation(self) -> int:
        """How many document writes and deletes the store has seen (by any process; 0 for a store
        never written since the counter exists). A reader that kept what it read compares it with
        the value it read then to know whether to read again."""
        row = self.execute("SELECT value FROM store_meta WHERE key='generation'").fetchone()
        return int(row[0]) if row else 0

    # -- reading -------------------------------------------------------------------------------
    def documents(self) -> list[StoredDocument]:
        rows = self.execute(
            "SELECT id, sha256, title, department, year, kind, source, pages, level, tables_file, narrative_file,"
            " unread_pages, ingested_at, added_by FROM documents ORDER BY id"
        ).fetchall()
        return [StoredDocument(*r) for r in rows]

    def tables(self, document_id: int | Sequence[int] | None = None) -> list[dict]:
        """Tables of one document, of several (a sequence of ids), or of all; `department` is what the
        table's header line (「部门：…」) prints, None where it prints none."""
        sql = "SELECT id, document_id, number, title, unit, pages, columns, n_rows, kind, department FROM tables"
        ids = [document_id] if isinstance(document_id, int) else list(document_id or [])
        args: tuple = tuple(ids)
        if document_id is not None:
            sql += f" WHERE document_id IN ({','.join('?' * len(ids)) or 'NULL'})"
        rows = self.execute(sql + " ORDER BY document_id, number", args).fetchall()
        keys = ("id", "document_id", "number", "title", "unit", "pages", "columns", "n_rows", "kind", "department")
        return [{**dict(zip(keys, r)), "pages": json.loads(r[5]), "columns": json.loads(r[6])} for r in rows]

    def records(self, where: str = "", args: tuple = (), limit: int | None = None) -> list[StoredRecord]:
        """Records matching a SQL condition over `r` (records), `d` (documents), `t` (tables)."""
        sql = _RECORD_SELECT + (f" WHERE {where}" if where else "") + " ORDER BY r.document_id, t.number, r.id"
        if limit:
            sql += f" LIMIT {int(limit)}"
        return [_stored_record(row) for row in self.execute(sql, args).fetchall()]

    def all_records(self) -> list[StoredRecord]:
        return self.records()

    def chunks(self, document_ids: list[int] | None = None) -> list[StoredChunk]:
        sql = ("SELECT c.id, c.document_id, d.title, c.section, c.page, c.text, c.lines FROM chunks c "
               "JOIN documents d ON d.id = c.document_id")
        args: tuple = ()
        if document_ids:
            sql += f" WHERE c.document_id IN ({','.join('?' * len(document_ids))})"
            args = tuple(document_ids)
        return [StoredChunk(*r[:6], _lines_from(r[6])) for r in self.execute(sql + " ORDER BY c.id", args).fetchall()]

    def document_counts(self) -> dict[int, tuple[int, int]]:
        """Document id → (tables, records), counted by the store (no rows read)."""
        tables = dict(self.execute("SELECT document_id, COUNT(*) FROM tables GROUP BY document_id").fetchall())
        records = dict(self.execute("SELECT document_id, COUNT(*) FROM records GROUP BY document_id").fetchall())
        return {int(d): (int(tables.get(d, 0)), int(records.get(d, 0))) for d in {*tables, *records}}

    def counts(self) -> dict[str, int]:
        return {name: self.execute(f"SELECT COUNT(*) FROM {name}").fetchone()[0]
                for name in ("documents", "tables", "records", "chunks")}


def _connect_postgres(url: str, schema: str) -> Any:
    """A PostgreSQL connection whose search_path is the store's own schema, created if missing."""
    try:
        import psycopg
    except ImportError as exc:
        raise RuntimeError("BUDGETQA_DATABASE_URL is set: install the PostgreSQL driver "
                           "(pip install 'budgetqa[postgres]')") from exc
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", schema):
        raise ValueError(f"invalid PostgreSQL schema name {schema!r}")
    conn = psycopg.connect(url, autocommit=True)
    conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    conn.execute(f"SET search_path TO {schema}")
    with conn.transaction():
        for table, column, decl in _ADDED_COLUMNS:
            conn.execute(f"ALTER TABLE IF EXISTS {table} ADD COLUMN IF NOT EXISTS {column} {decl}")
        for stmt in _postgres_ddl(SCHEMA):
            conn.execute(stmt)
    return conn


def _stored_record(row: tuple) -> StoredRecord:
    values = list(row)
    for i in (13, 19):  # value, value_wan
        values[i] = Decimal(values[i]) if values[i] is not None else None
    values[20] = tuple(json.loads(values[20])) if values[20] else None  # bbox
    return StoredRecord(*values)


def _bump_generation(tx: Store) -> None:
    """Count one more change, inside the transaction that makes it (so it commits with it)."""
    tx.execute("INSERT INTO store_meta(key, value) VALUES ('generation', 1)"
               " ON CONFLICT(key) DO UPDATE SET value = store_meta.value + 1")


def _decimal_text(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:f}"


def _box_text(box: BBox | None) -> str | None:
    return None if box is None else json.dumps(list(box))


def _lines_text(lines: tuple[LineBox, ...]) -> str | None:
    """A chunk's line boxes as JSON: [[page, x0, top, x1, bottom, start, end], …]."""
    return json.dumps([[ln.page, *ln.bbox, ln.start, ln.end] for ln in lines]) if lines else None


def _lines_from(text: str | None) -> tuple[LineBox, ...]:
    rows = json.loads(text) if text else []
    return tuple(LineBox(int(r[0]), (r[1], r[2], r[3], r[4]), int(r[5]), int(r[6])) for r in rows)


# Columns added to the schema after stores were first written: an older store gets them on open.
_ADDED_COLUMNS = (("documents", "level", "TEXT NOT NULL DEFAULT '部门'"), ("tables", "kind", "TEXT"),
                  ("records", "table_kind", "TEXT"), ("records", "value_wan", "TEXT"), ("records", "bbox", "TEXT"),
                  ("chunks", "lines", "TEXT"), ("documents", "tables_file", "TEXT"),
                  ("documents", "narrative_file", "TEXT"), ("documents", "unread_pages", "TEXT"),
                  ("documents", "added_by", "TEXT"),
                  ("tables", "department", "TEXT"))


def _add_missing_columns(db: sqlite3.Connection) -> None:
    for table, column, decl in _ADDED_COLUMNS:
        have = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
        if have and column not in have:  # a table not there yet is made whole by SCHEMA
            db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {decl}")


def chunk_from_stored(c: StoredChunk) -> Chunk:
    return Chunk(c.section, c.page, c.text, c.id, c.lines)
