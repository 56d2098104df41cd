"""`python app.py` as a user starts it: a busy port is one line naming it and GRADIO_SERVER_PORT; the
running server answers about a document `budgetqa ingest` put into its store from another process, and
Ctrl+C stops it with one line."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import pytest
from appserver import ARTIFACTS, ROOT, cli_ingest, running_app, synthetic_disclosure

from ingest.pipeline import ingest_paths


def test_a_busy_port_is_one_line_naming_it_and_the_setting(tmp_path):
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        env = dict(os.environ, BUDGETQA_STORE=str(tmp_path / "store"), GRADIO_SERVER_NAME="127.0.0.1",
                   GRADIO_SERVER_PORT=str(port))
        started = time.monotonic()
        proc = subprocess.run([sys.executable, str(ROOT / "app.py")], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=120)
    seconds = time.monotonic() - started
    lines = (proc.stdout + proc.stderr).strip().splitlines()
    assert proc.returncode != 0
    assert len(lines) == 1, lines
    assert f"port {port} is already in use" in lines[0] and "GRADIO_SERVER_PORT" in lines[0]
    assert seconds < 10, f"said after {seconds:.0f} s: before the set-up, not after"
    assert not (tmp_path / "store").exists()  # nothing ingested for a server that cannot start


@pytest.mark.slow
def test_the_running_app_answers_about_a_document_ingested_from_the_command_line(tmp_path):
    from gradio_client import Client

    first, first_department = synthetic_disclosure(tmp_path / "first", "served")
    second, second_department = synthetic_disclosure(tmp_path / "second", "cli")
    store = tmp_path / "store"
    ingest_paths([first], store)  # the app starts on it (no sample ingested)
    log = ARTIFACTS / "app-server-cross-process.log"
    with running_app(store, log, stop=signal.SIGINT) as url:  # stopped as Ctrl+C stops it
        client = Client(url, verbose=False)
        before = client.predict(f"{first_department}内设哪些科室？", api_name="/chat")
        assert "内设科室" in before[0]["content"]
        done = cli_ingest(second, store)
        assert done.returncode == 0, done.stderr
        answer, sources, *_ = client.predict(f"{second_department}内设哪些科室？", api_name="/chat")  # and 原文
    assert "内设科室" in answer["content"] and second_department in answer["content"], answer
    assert sources["metadata"]["title"] == "来源" and second_department in sources["content"]
    text = log.read_text(encoding="utf-8")
    assert "reopening it" in text
    assert "vector search failed" not in text and "Error finding id" not in text, text[-3000:]
    assert "已停止 / stopped" in text and "Traceback" not in text, text[-3000:]
    assert "Closing server" not in text  # gradio's English line on stop left out
