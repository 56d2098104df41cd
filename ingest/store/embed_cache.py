"""The store's text → vector cache: each distinct text is embedded once per store and embedder, then
reused across documents and re-ingests. Row labels (行政运行, 一般公共服务支出, 合计 …) recur in every
department's tables, and a changed file re-ingested repeats nearly all its texts; embedding costs about
1 ms of CPU a token, as much as parsing the PDF.

The cache is a SQLite file beside the index (`embeddings.sqlite` in the store directory), keyed by the
embedder's identity and the text's SHA-256. A vector is a pure function of (embedder, text), so an entry
never goes stale: replacing or deleting documents leaves it valid, and deleting the store deletes it.
Vectors come back bit for bit as the embedder gave them (float32 when exact, else float64)."""
from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

CACHE_FILE = "embeddings.sqlite"
_LOOKUP_BATCH = 500  # keys per SELECT … IN (…): well under SQLite's variable limit

SCHEMA = """
CREATE TABLE IF NOT EXISTS embeddings (
    embedder TEXT NOT NULL,
    sha256 BLOB NOT NULL,
    dtype TEXT NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (embedder, sha256)
) WITHOUT ROWID;
"""


def embedder_identity(embedder: Any) -> str:
    """What makes two embedders give the same vectors: our embedders say it (`identity`); any other
    by its class and model name."""
    identity = getattr(embedder, "identity", None)
    if isinstance(identity, str) and identity:
        return identity
    name = embedder.class_name() if hasattr(embedder, "class_name") else type(embedder).__name__
    return f"{name}:{getattr(embedder, 'model_name', '')}"


def text_key(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


def encode_vector(vector: list[float]) -> tuple[str, bytes]:
    """The vector as bytes: float32 when that holds every value exactly (e5's do), else float64."""
    wide = np.asarray(vector, dtype=np.float64)
    narrow = wide.astype(np.float32)
    if np.array_equal(narrow.astype(np.float64), wide):
        return "f4", narrow.tobytes()
    return "f8", wide.tobytes()


def decode_vector(dtype: str, data: bytes) -> list[float]:
    return np.frombuffer(data, dtype=np.float32 if dtype == "f4" else np.float64).tolist()


class EmbeddingCache:
    """Vectors of one embedder in one store's cache file; opened on first use, safe across threads."""

    def __init__(self, path: str | Path, identity: str) -> None:
        self.path = Path(path)
        self.identity = identity
        self._db: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.executescript(SCHEMA)
        return self._db

    def get(self, texts: Iterable[str]) -> dict[str, list[float]]:
        """The cached vectors of those texts that have one."""
        by_key = {text_key(t): t for t in texts}
        keys = list(by_key)
        found: dict[str, list[float]] = {}
        with self._lock:
            db = self._conn()
            for i in range(0, len(keys), _LOOKUP_BATCH):
                part = keys[i:i + _LOOKUP_BATCH]
                rows = db.execute(f"SELECT sha256, dtype, vector FROM embeddings WHERE embedder=? AND sha256 IN "
                                  f"({','.join('?' * len(part))})", (self.identity, *part)).fetchall()
                for key, dtype, data in rows:
                    found[by_key[bytes(key)]] = decode_vector(dtype, data)
        return found

    def put(self, vectors: dict[str, list[float]]) -> None:
        """Keep these texts' vectors (one transaction; a text already kept is left as it is)."""
        rows = [(self.identity, text_key(t), *encode_vector(v)) for t, v in vectors.items()]
        with self._lock:
            db = self._conn()
            with db:
                db.executemany("INSERT OR IGNORE INTO embeddings(embedder, sha256, dtype, vector) "
                               "VALUES (?, ?, ?, ?)", rows)

    def count(self) -> int:
        """Vectors kept for this embedder."""
        with self._lock:
            return int(self._conn().execute("SELECT COUNT(*) FROM embeddings WHERE embedder=?",
                                            (self.identity,)).fetchone()[0])

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None
