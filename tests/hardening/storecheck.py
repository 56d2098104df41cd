"""Looking at a store from outside: a snapshot to compare before/after, SQLite ⇄ Chroma consistency,
and the processes a test left behind."""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ingest.store.storage import StorePaths, Stores

TABLES = ("documents", "tables", "records", "chunks")


def snapshot(root: Path, without: tuple[str, ...] = ()) -> tuple[dict[str, int], int, str]:
    """Row counts, Chroma node count and a digest of the records, leaving out the documents whose
    source file is named in `without` (one a test has just ingested on purpose)."""
    stores = Stores(StorePaths.at(root))
    try:
        db = stores.sql.db
        skip = [d for d in stores.sql.documents() if d.source in without]
        ids = ",".join(str(d.id) for d in skip) or "-1"
        counts = {t: db.execute(f"SELECT COUNT(*) FROM {t} WHERE "
                                f"{'id' if t == 'documents' else 'document_id'} NOT IN ({ids})").fetchone()[0]
                  for t in TABLES}
        rows = db.execute(f"SELECT * FROM records WHERE document_id NOT IN ({ids}) ORDER BY id").fetchall()
        digest = hashlib.sha256(json.dumps(rows, default=str).encode()).hexdigest()
        vectors = stores.vectors.count() - sum(
            len(stores.vectors.collection.get(where={"doc_sha": d.sha256}, include=[])["ids"]) for d in skip)
        return counts, vectors, digest
    finally:
        stores.close()


@dataclass
class Consistency:
    integrity: str
    without_vectors: set[str]          # documents in SQLite with no node in Chroma
    orphans: set[str]                  # documents with nodes in Chroma but not in SQLite
    orphan_nodes: list[str]            # the ids of those documents' nodes

    @property
    def ok(self) -> bool:
        """Nothing stored without its vectors; orphans are tolerated (retrieval maps vector hits to
        SQLite chunks and drops the rest) and removed when their document is ingested again."""
        return self.integrity == "ok" and not self.without_vectors


def consistency(root: Path) -> Consistency:
    paths = StorePaths.at(root)
    conn = sqlite3.connect(paths.sqlite)
    try:
        integrity = "; ".join(r[0] for r in conn.execute("PRAGMA integrity_check").fetchall())
    finally:
        conn.close()
    stores = Stores(paths)
    try:
        shas = {d.sha256 for d in stores.sql.documents()}
        got = stores.vectors.collection.get(include=["metadatas"])
        per_doc = Counter(m["doc_sha"] for m in got["metadatas"])
        orphan_nodes = [i for i, m in zip(got["ids"], got["metadatas"]) if m["doc_sha"] not in shas]
        return Consistency(integrity, {s for s in shas if not per_doc[s]}, set(per_doc) - shas, orphan_nodes)
    finally:
        stores.close()


def child_pids() -> set[int]:
    """Live child processes of this process (any thread's)."""
    out: set[int] = set()
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        try:
            out.update(int(p) for p in (task / "children").read_text().split())
        except OSError:
            pass
    return {p for p in out if _alive(p)}


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


def count_readonly(db: Path, sql: str) -> int:
    """A count read by a short-lived read-only connection (0 while the file does not exist yet), so a
    watcher never holds a lock on the store it watches."""
    if not db.exists():
        return 0
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return int(conn.execute(sql).fetchone()[0] or 0)
        finally:
            conn.close()
    except sqlite3.OperationalError:
        return 0
