"""One real store for the chatbot tests: the sample PDF ingested once per session."""
from __future__ import annotations

from pathlib import Path

import pytest

SAMPLE_PDF = Path(__file__).resolve().parents[2] / "ingest/samples/changsha-gxj-2024.pdf"


@pytest.fixture(scope="session")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from ingest.pipeline import ingest_paths

    root = tmp_path_factory.mktemp("qa-store")
    summary = ingest_paths([SAMPLE_PDF], root)
    assert not summary.failed, summary.line()
    return root


@pytest.fixture(scope="session")
def service(store_dir: Path):
    from chatbot.service import open_service

    svc = open_service(store_dir)
    yield svc
    svc.close()
