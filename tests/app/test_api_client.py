"""The chat endpoint as an API client calls it: `gradio_client` with its defaults against the real app
gets the answer, its 来源 and its 原文 page image, the image served from gradio's cache (never the
app's own page cache or store, whose paths a client must not see)."""
from __future__ import annotations

import json
import tempfile
import urllib.request
from pathlib import Path

import pytest
from appserver import ARTIFACTS, running_app

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def served(store_dir):
    """The app over the session's sample store; yields its URL."""
    with running_app(store_dir, ARTIFACTS / "app-server-api.log") as url:
        yield url


def _pages(messages: list[dict]) -> list[dict]:
    return [m for m in messages if (m.get("metadata") or {}).get("title", "").startswith("原文")]


@pytest.mark.slow
def test_a_default_gradio_client_gets_the_answer_with_its_page_image(served):
    from gradio_client import Client

    messages = Client(served, verbose=False).predict("三公经费是多少？", api_name="/chat")  # downloads files
    assert "104.20" in messages[0]["content"]
    assert messages[1]["metadata"]["title"] == "来源"
    [page] = _pages(messages)
    assert page["metadata"]["title"] == "原文：第19页" and "第19页" in page["content"]["alt_text"]
    image = Path(page["content"]["file"])  # fetched by the client into its own folder
    data = image.read_bytes()
    assert data.startswith(PNG) and len(data) > 10_000


@pytest.mark.slow
def test_the_page_image_is_served_from_gradios_cache_and_no_app_path_is_shown(served, store_dir):
    from gradio_client import Client

    messages = Client(served, verbose=False, download_files=False).predict("三公经费是多少？", api_name="/chat")
    [page] = _pages(messages)
    file = page["content"]["file"]
    with urllib.request.urlopen(file["url"], timeout=30) as r:
        assert r.status == 200 and r.read().startswith(PNG)
    shown = json.dumps(messages, ensure_ascii=False)
    page_cache = Path(tempfile.gettempdir()) / "budgetqa-app"  # the app's own folders: never handed out
    assert str(store_dir) not in shown and str(page_cache) not in shown, shown
