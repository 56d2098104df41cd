"""Shared fixtures: the bundled sample disclosure, read once and ingested once per test session."""
from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_PDF = ROOT / "ingest" / "samples" / "changsha-gxj-2024.pdf"
SAMPLE_TXT = ROOT / "ingest" / "samples" / "changsha-gxj-2024.txt"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def sample_pdf() -> Path:
    return SAMPLE_PDF


@pytest.fixture(scope="session")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real store of the sample PDF, ingested once per session (read by the chatbot and eval tests)."""
    from ingest.pipeline import ingest_paths

    root = tmp_path_factory.mktemp("qa-store")
    summary = ingest_paths([SAMPLE_PDF], root)
    assert not summary.failed, summary.line()
    return root


@pytest.fixture(scope="session")
def sample_doc():
    from ingest.pdf.pdf_reader import read_pdf

    return read_pdf(SAMPLE_PDF)


@pytest.fixture(scope="session")
def sample_records(sample_doc):
    from ingest.tables.records import document_records

    return document_records(sample_doc)


@pytest.fixture(scope="session")
def read_once():
    """read_document remembered by path for the session: a real PDF read by several test modules is
    parsed once (tens of seconds saved on 2 cores). The documents are shared: tests only read them."""
    from ingest.document.reader import read_document

    read: dict[Path, object] = {}

    def reader(path: Path):
        key = Path(path).resolve()
        if key not in read:
            read[key] = read_document(key)
        return read[key]

    return reader


PUTUO_JUSTICE_PDF = DATA / "real" / "上海普陀_上海市普陀区司法局_2026_部门预算.pdf"


@pytest.fixture(scope="session")
def putuo_justice_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of one real PDF alone (上海普陀区司法局 2026), ingested once per session; tests copy it
    (shutil.copytree) before writing to it."""
    from ingest.pipeline import ingest_paths

    root = tmp_path_factory.mktemp("putuo-justice") / "store"
    summary = ingest_paths([PUTUO_JUSTICE_PDF], root)
    assert [r.status for r in summary.results] == ["ingested"], summary.line()
    return root


SERVERS = ("BUDGETQA_DATABASE_URL", "BUDGETQA_CHROMA_HOST")


def _writable_copy(store: Path, dest: Path, files: Sequence[Path]) -> Path:
    """A store a test may write to, holding what the session store `store` holds: its directory copied
    (SQLite, Chroma, kept PDFs; about a second), or — when the lookup or the index is a server's
    (BUDGETQA_DATABASE_URL, BUDGETQA_CHROMA_HOST: keyed by the store's path, so a copied directory is an
    empty store there) — the same `files` ingested into `dest` afresh."""
    if any(os.environ.get(name) for name in SERVERS):
        from ingest.pipeline import ingest_paths

        summary = ingest_paths(list(files), dest)
        assert not summary.failed, summary.line()
        return dest
    return Path(shutil.copytree(store, dest))


@pytest.fixture(scope="session")
def writable_copy():
    """_writable_copy, for the tests that write to a copy of a session store."""
    return _writable_copy
