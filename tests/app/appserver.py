"""Helpers of the app's end-to-end tests: `python app.py` as a real server on a free loopback port, a
synthetic disclosure (`python -m eval.synth`) and `budgetqa ingest` run in a process of their own."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

ARTIFACTS = ROOT / "test-artifacts"
START_TIMEOUT = 180  # seconds: the first start ingests the sample (about 30 s here)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, proc: subprocess.Popen, log: Path, timeout: float = START_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"app.py exited with {proc.returncode}:\n{log.read_text(encoding='utf-8')[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    pytest.fail(f"app.py did not answer within {timeout} s:\n{log.read_text(encoding='utf-8')[-3000:]}")


def _default_sigint() -> None:
    """In the child: Ctrl+C (SIGINT) as a terminal delivers it, though a test run in the background
    has it ignored (and a child inherits that)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@contextmanager
def running_app(store: Path, log: Path, stop: int = signal.SIGTERM, **env: str) -> Iterator[str]:
    """`python app.py` over `store` on a free loopback port, its output in `log`; yields its URL and
    stops it after with the signal `stop` (SIGINT: as Ctrl+C does), killing it if it is still there
    after 15 s."""
    ARTIFACTS.mkdir(exist_ok=True)
    port = free_port()
    full_env = dict(os.environ, BUDGETQA_STORE=str(store), GRADIO_SERVER_NAME="127.0.0.1",
                    GRADIO_SERVER_PORT=str(port), PYTHONUNBUFFERED="1", **env)
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen([sys.executable, str(ROOT / "app.py")], cwd=ROOT, env=full_env, stdout=out,
                                stderr=subprocess.STDOUT, preexec_fn=_default_sigint)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until_up(url, proc, log)
        yield url
    finally:
        proc.send_signal(stop)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def synthetic_disclosure(out: Path, seed: str) -> tuple[Path, str]:
    """One synthetic disclosure in text form (`python -m eval.synth`); its path and department."""
    subprocess.run([sys.executable, "-m", "eval.synth", str(out), "--count", "1", "--seed", seed, "--format", "txt"],
                   cwd=ROOT, check=True, capture_output=True, timeout=120)
    [path] = sorted(out.glob("*.txt"))
    department = path.read_text(encoding="utf-8").lstrip().splitlines()[0].strip("* ")
    return path, department


def cli_ingest(path: Path, store: Path) -> subprocess.CompletedProcess:
    """`budgetqa ingest PATH --store STORE` in a process of its own, as a user would run it beside the app."""
    return subprocess.run([sys.executable, "-m", "chatbot.cli", "ingest", str(path), "--store", str(store)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)


def several_documents_store(out: Path, sample: Path) -> Path:
    """A store of the bundled sample and one synthetic department's three documents (2024 预算, 2023 预算,
    2023 决算, text form): two departments, one of them with other years and a 决算 to choose."""
    from eval.synth import generate, render_text
    from ingest.pipeline import ingest_paths

    out.mkdir(parents=True, exist_ok=True)
    files = []
    for i, (year, kind) in enumerate([(2024, "预算"), (2023, "预算"), (2023, "决算")]):
        path = out / f"synthetic-{i}.txt"
        render_text(generate("reading", i, kind=kind, city=SYNTHETIC_CITY, bureau="财政局", year=year), path)
        files.append(path)
    store = out / "store"
    summary = ingest_paths([sample, *files], store)
    assert summary.line().startswith("4 file(s): 4 ingested"), summary.line()
    return store


SYNTHETIC_CITY = "宜昌市"
SYNTHETIC_DEPARTMENT = SYNTHETIC_CITY + "财政局"
