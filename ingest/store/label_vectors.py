"""The bundled passage vectors of the texts every department's disclosure repeats: the national subject
names (政府收支分类科目 类/款/项, 部门经济分类科目: 行政运行, 一般公共服务支出, 办公费 …) that head rows in
every department's tables, and the template's words that the documents of several departments print
(headings and row labels: 名词解释, 机关运行经费, 上年结转, 合计 …). Embedding them was most of e5's CPU at a
fresh store's ingest. The vector index looks a text up here after the store's
cache and before it runs the embedder (VectorIndex.embeddings).

The file (ingest/data/label_vectors.npz, built by scripts/build_label_vectors.py) holds the embedder's
identity, the texts and their float32 vectors, bit for bit as that embedder gave them; it is used only by
an embedder of the very same identity, and a file that cannot be read is passed over (e5 runs instead)."""
from __future__ import annotations

import logging
import zipfile
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

BUNDLE = Path(__file__).resolve().parents[1] / "data" / "label_vectors.npz"
log = logging.getLogger(__name__)


@lru_cache(maxsize=4)
def _bundle(path: Path) -> tuple[str, dict[str, int], np.ndarray]:
    """(identity, text → row, vectors) of a bundle file; ("", {}, empty) when it cannot be read."""
    try:
        with np.load(path, allow_pickle=False) as data:
            identity, texts, vectors = str(data["identity"]), data["texts"].tolist(), data["vectors"]
        if vectors.dtype != np.float32 or vectors.ndim != 2 or len(vectors) != len(texts):
            raise ValueError(f"vectors {vectors.dtype} {vectors.shape} for {len(texts)} texts")
    except FileNotFoundError:
        return "", {}, np.empty((0, 0), np.float32)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        log.warning("%s: bundled label vectors not used (%s)", path, exc)
        return "", {}, np.empty((0, 0), np.float32)
    return identity, {t: i for i, t in enumerate(texts)}, vectors


def bundled_vectors(identity: str, texts: Iterable[str], path: Path = BUNDLE) -> dict[str, list[float]]:
    """The bundled vectors of those texts that have one, when the bundle was made by an embedder of
    this identity; none otherwise."""
    made_by, rows, vectors = _bundle(path)
    if not identity or made_by != identity:
        return {}
    return {t: vectors[rows[t]].tolist() for t in texts if t in rows}


def write_bundle(path: Path, identity: str, texts: Sequence[str], vectors: Sequence[Sequence[float]]) -> None:
    """Write a bundle; every vector must be exact in float32 (e5's are), or the bundle would not be
    what the embedder gives."""
    array = np.asarray(vectors, dtype=np.float32)
    if not np.array_equal(array.astype(np.float64), np.asarray(vectors, dtype=np.float64)):
        raise ValueError("the vectors are not exact in float32")
    np.savez_compressed(path, identity=np.array(identity), texts=np.array(list(texts)), vectors=array)
    _bundle.cache_clear()
