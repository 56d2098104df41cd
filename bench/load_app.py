"""Benchmark: concurrent chat sessions against the Gradio app, over loopback only.

Starts `python app.py` on a free loopback port (or targets a running app with --url), opens N
gradio_client sessions in threads and has them ask a mix of questions through the app's /chat
endpoint (the queue included, as the browser uses it) until --requests answers or --seconds pass.
Prints requests/s, p50/p95/max latency per request and errors.

With --ingest-pages N (started app only), a staff client signs in (a token made for the run) and
uploads an N-page synthetic disclosure through the app's /ingest endpoint while the sessions ask;
the questions then name the sample's department (two departments are held). Prints its ingest time.

Run:
  .venv/bin/python bench/load_app.py                          (starts the app on ./budgetqa-store)
  .venv/bin/python bench/load_app.py --store /tmp/store --seconds 60 --requests 100000 --ingest-pages 40
  .venv/bin/python bench/load_app.py --store /tmp/store --processes 4   (sessions in 4 client processes)
  .venv/bin/python bench/load_app.py --store /tmp/store --sessions 20 --requests 400
  .venv/bin/python bench/load_app.py --url http://127.0.0.1:7860/
"""
from __future__ import annotations

import argparse
import ipaddress
import multiprocessing
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = [
    ("三公经费是多少？", "104.20"),
    ("公车购置费占三公经费多少？", "%"),
    ("基本支出比项目支出多多少？", "万元"),
    ("会议费预算是多少？", ""),
    ("行政运行支出是多少？", "2,466.28"),
    ("差旅费是多少？", "万元"),
    ("2150501是什么科目，预算多少？", ""),
    ("北京市教委2024年预算是多少？", "没有找到答案"),  # refusal
]
NARRATIVE = [("为什么三公经费增加了？", "")]  # hybrid retrieval: embeds the question on the CPU


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    by_question: dict[str, list[float]] = field(default_factory=dict)
    errors: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def ok(self, question: str, seconds: float) -> None:
        with self.lock:
            self.latencies.append(seconds)
            self.by_question.setdefault(question, []).append(seconds)

    def error(self, reason: str) -> None:
        with self.lock:
            self.errors[reason[:120]] += 1


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def require_loopback(url: str) -> None:
    host = urlparse(url).hostname or ""
    try:
        ok = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        ok = False
    if not ok:
        sys.exit(f"load_app: refusing {url}: this benchmark only targets loopback (127.0.0.1/localhost)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(store: str | None, timeout: float, token: str = "") -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = dict(os.environ, GRADIO_SERVER_NAME="127.0.0.1", GRADIO_SERVER_PORT=str(port), PYTHONUNBUFFERED="1",
               BUDGETQA_STAFF_TOKEN=token)
    if store:
        env["BUDGETQA_STORE"] = store
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py")], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=sys.stderr)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"load_app: app.py exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return proc, url
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    proc.terminate()
    sys.exit(f"load_app: app.py did not answer within {timeout:g} s")


def connect(url: str, n: int) -> list:
    """n gradio_client sessions (each its own session hash, as n browser tabs would have).

    ssl_verify=False: the target is plain http on loopback, and with verification on gradio_client
    loads the CA bundle for every request (about 80 ms of client CPU each), which would make this
    benchmark measure its own client."""
    from gradio_client import Client

    return [Client(url, verbose=False, download_files=False, analytics_enabled=False, ssl_verify=False)
            for _ in range(n)]


def session(client, questions: list, offset: int, budget: dict, tally: Tally, deadline: float) -> None:
    """One session asking the mix in turn from its own offset until the budget or time runs out."""
    i = offset
    while time.monotonic() < deadline:
        with tally.lock:
            if budget["left"] <= 0:
                return
            budget["left"] -= 1
        question, expected = questions[i % len(questions)]
        i += 1
        started = time.perf_counter()
        try:
            reply = client.predict(question, api_name="/chat")
        except Exception as exc:  # noqa: BLE001 — a benchmark reports every failure, it does not stop
            tally.error(f"{type(exc).__name__}: {exc}")
            continue
        elapsed = time.perf_counter() - started
        text = " ".join(m["content"] for m in reply if isinstance(m, dict) and isinstance(m.get("content"), str)) \
            if isinstance(reply, list) else str(reply)  # a page image's message has a file, not text
        if not text or expected not in text:
            tally.error(f"unexpected answer to {question}: {text[:60]!r}")
            continue
        tally.ok(question, elapsed)


def run_sessions(url: str, questions: list, offsets: Sequence[int], requests: int, seconds: float,
                 tally: Tally) -> None:
    """The sessions of `offsets`, a thread each, asking until `requests` answers or `seconds` pass."""
    clients = connect(url, len(offsets))
    budget = {"left": requests}
    deadline = time.monotonic() + seconds
    threads = [threading.Thread(target=session, args=(c, questions, k, budget, tally, deadline), daemon=True)
               for k, c in zip(offsets, clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 30)


def sessions_in_process(url: str, questions: list, offsets: list[int], requests: int, seconds: float
                        ) -> tuple[list[tuple[str, float]], Counter]:
    """run_sessions in a worker process: each answer (question, seconds) and the errors by reason."""
    tally = Tally()
    run_sessions(url, questions, offsets, requests, seconds, tally)
    return [(q, s) for q, values in tally.by_question.items() for s in values], tally.errors


SAMPLE_DEPARTMENT = "长沙市工业和信息化局"


def synthetic_pdf(out: Path, pages: int) -> Path:
    """A synthetic disclosure (eval.synth) of at least `pages` pages: its projects repeated under new
    names until the PDF is that long."""
    import dataclasses

    import pypdfium2

    from eval.synth import generate, render_pdf

    path = out / f"synthetic-{pages}p.pdf"
    for copies in range(1, 60):
        doc = generate("load-app", 0)
        doc.projects = [dataclasses.replace(p, name=p.name + (f"（第{k + 1}批）" if k else ""))
                        for k in range(copies) for p in generate("load-app", 0).projects]
        render_pdf(doc, path)
        if len(pypdfium2.PdfDocument(str(path))) >= pages:
            return path
    sys.exit(f"load_app: could not make a {pages}-page disclosure")


def staff_upload(url: str, token: str, pdf: Path, outcome: dict) -> None:
    """Sign in as staff in a session of its own and upload `pdf` through /ingest; its time and last line."""
    from gradio_client import Client, handle_file

    client = Client(url, verbose=False, download_files=False, analytics_enabled=False, ssl_verify=False)
    client.predict(token, api_name="/sign_in")
    started = time.perf_counter()
    try:
        result = client.submit([handle_file(str(pdf))], api_name="/ingest").result(timeout=900)
        outcome["line"] = str(result[0])
    except Exception as exc:  # noqa: BLE001 — reported, not raised
        outcome["line"] = f"{type(exc).__name__}: {exc}"
    outcome["seconds"] = time.perf_counter() - started


def report(tally: Tally, wall: float, sessions: int, mix: str) -> None:
    n = len(tally.latencies)
    errors = sum(tally.errors.values())
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"sessions {sessions}, mix {mix}, answers {n}, errors {errors}, wall {wall:.1f} s "
          f"(load average now {load} on {os.cpu_count()} cores)")
    if n:
        ms = [s * 1000 for s in tally.latencies]
        print(f"throughput {n / wall:.1f} requests/s; latency p50 {statistics.median(ms):.0f} ms, "
              f"p95 {percentile(ms, 95):.0f} ms, max {max(ms):.0f} ms")
        for question, values in tally.by_question.items():
            qms = [s * 1000 for s in values]
            print(f"  {len(qms):4d} × p50 {statistics.median(qms):5.0f} ms  p95 {percentile(qms, 95):5.0f} ms  {question}")
    for reason, count in tally.errors.most_common(5):
        print(f"  error ×{count}: {reason}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running app on loopback (default: start app.py)")
    parser.add_argument("--store", help="store for the started app (default: $BUDGETQA_STORE or ./budgetqa-store)")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--requests", type=int, default=400, help="answers in all (default 400)")
    parser.add_argument("--seconds", type=float, default=120, help="stop after this long (default 120)")
    parser.add_argument("--mix", choices=["all", "tables"], default="all",
                        help="all: table, refusal and narrative questions; tables: without the narrative one")
    parser.add_argument("--start-timeout", type=float, default=180)
    parser.add_argument("--processes", type=int, default=1,
                        help="spread the sessions over this many client processes (browsers share no lock)")
    parser.add_argument("--ingest-pages", type=int, default=0,
                        help="upload a synthetic disclosure of this many pages, signed in, while asking")
    args = parser.parse_args(argv)

    proc = None
    url = args.url
    token = secrets.token_urlsafe(16) if args.ingest_pages else ""
    if url:
        require_loopback(url)
        if args.ingest_pages:
            sys.exit("load_app: --ingest-pages needs the app this benchmark starts (it sets the staff token)")
    else:
        proc, url = start_app(args.store, args.start_timeout, token)
    try:
        questions = QUESTIONS + (NARRATIVE if args.mix == "all" else [])
        upload: dict = {}
        uploader = None
        if args.ingest_pages:
            questions = [(SAMPLE_DEPARTMENT + q if "北京" not in q else q, want) for q, want in questions]
            pdf = synthetic_pdf(Path(tempfile.mkdtemp(prefix="load-app-")), args.ingest_pages)
            uploader = threading.Thread(target=staff_upload, args=(url, token, pdf, upload), daemon=True)
        tally = Tally()
        started = time.perf_counter()
        if args.processes <= 1:
            if uploader:
                uploader.start()
            run_sessions(url, questions, range(args.sessions), args.requests, args.seconds, tally)
        else:   # sessions spread over processes, as browsers are: no client shares one interpreter lock
            spread = [range(k, args.sessions, args.processes) for k in range(args.processes)]
            per = -(-args.requests // args.processes)
            with multiprocessing.get_context("fork").Pool(args.processes) as pool:   # forked before any thread
                if uploader:
                    uploader.start()
                parts = pool.starmap(sessions_in_process, [(url, questions, list(r), per, args.seconds) for r in spread])
            for answered, failed in parts:
                for question, seconds in answered:
                    tally.ok(question, seconds)
                tally.errors.update(failed)
        report(tally, time.perf_counter() - started, args.sessions, args.mix)
        if uploader is not None:
            uploader.join(900)
            print(f"upload of a {args.ingest_pages}-page PDF while asking: {upload.get('seconds', 0):.1f} s; "
                  f"{upload.get('line', 'no answer')}")
            if "完成" not in upload.get("line", ""):
                return 1
        return 1 if tally.errors else 0
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(15)


if __name__ == "__main__":
    sys.exit(main())
