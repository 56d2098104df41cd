"""Attacks of issue 22 through the running app (`python app.py`, driven by gradio_client as any API
client would): an upload without sign-in or with a wrong token, a forged PDF uploaded by staff under
the genuine file name, a reference-cycle PDF holding the single ingest slot with an upload behind it,
and a default gradio_client call to the chat endpoint. Each adds a row to the table."""
from __future__ import annotations

import json
import re
import secrets
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from attack_kit import budgetqa, run_attack
from hostile import forged_pdf, raw_pdf, stream
from storecheck import snapshot

DEPARTMENT = "长沙市工业和信息化局"
QUESTION = f"{DEPARTMENT}2024年的“三公”经费合计多少"
SLOT_SECONDS = 20  # BUDGETQA_INGEST_SECONDS of the app under attack: the most a file may hold its ingest slot
PNG = b"\x89PNG\r\n\x1a\n"


def reference_cycle_pdf() -> bytes:
    """A page whose /Resources is an object that is a reference to itself (under 500 bytes): the
    parser follows it for as long as it is let."""
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
                    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources 4 0 R /Contents 5 0 R >>",
                    b"4 0 R", stream(b"BT ET")])


def _client(url: str, **kwargs: Any) -> Any:
    from gradio_client import Client

    return Client(url, verbose=False, analytics_enabled=False, **kwargs)


def _upload(client: Any, path: Path) -> str:
    """Upload through /ingest; its last outputs (the line and the rows) as plain text."""
    from gradio_client import handle_file

    result = client.predict([handle_file(str(path))], api_name="/ingest")
    return re.sub(r"<[^>]+>", " ", json.dumps(result[:2], ensure_ascii=False))


def _staff(url: str, token: str) -> Any:
    client = _client(url, download_files=False)
    client.predict(token, api_name="/sign_in")
    return client


def _answer(url: str, question: str) -> str:
    reply = _client(url, download_files=False).predict(question, api_name="/chat")
    return str(reply[0]["content"]).replace("\n", " ")


def app_attacks(work: Path, store: Path) -> None:
    from appserver import running_app

    served = work / "app-store"
    shutil.copytree(store, served)
    token = secrets.token_urlsafe(16)
    log = work / "app-server.log"
    try:
        with running_app(served, log, BUDGETQA_STAFF_TOKEN=token, BUDGETQA_INGEST_SECONDS=str(SLOT_SECONDS)) as url:
            api_chat(url, served)
            unsigned_uploads(url, served, work)
            staff_forgery(url, served, token, work)
            slot_held(url, token, work)
    except BaseException as exc:  # the server did not start (pytest.fail): a finding, in the table
        if isinstance(exc, KeyboardInterrupt):
            raise
        said = f"UNEXPECTED {type(exc).__name__}: {str(exc)[-140:]}"
        run_attack("the app under attack", "started", lambda: said, lambda out: False)


def api_chat(url: str, served: Path) -> None:
    def run() -> str:
        messages = _client(url).predict("三公经费是多少？", api_name="/chat")   # defaults: downloads the files
        pages = [m for m in messages if str((m.get("metadata") or {}).get("title", "")).startswith("原文")]
        data = Path(pages[0]["content"]["file"]).read_bytes() if pages else b""
        shown = json.dumps(_client(url, download_files=False).predict("三公经费是多少？", api_name="/chat"),
                           ensure_ascii=False)
        own = [p for p in (str(served), str(Path(tempfile.gettempdir()) / "budgetqa-app")) if p in shown]
        return (f"answer {messages[0]['content'][:12]}…; {len(pages)} page image(s) "
                f"{'PNG ' + format(len(data), ',') + ' bytes' if data.startswith(PNG) else 'not a PNG'}; "
                f"server paths shown {len(own)}")

    run_attack("default gradio_client call to /chat", "the answer and its page image; no server path shown", run,
               lambda out: "104.20" in out and "1 page image(s) PNG" in out and out.endswith("server paths shown 0"))


def unsigned_uploads(url: str, served: Path, work: Path) -> None:
    forged = work / "unsigned" / "changsha-gxj-2024.pdf"
    forged.parent.mkdir(parents=True)
    forged.write_bytes(forged_pdf(DEPARTMENT))

    def run(token: str | None) -> str:
        before = snapshot(served)
        client = _client(url, download_files=False)
        if token is not None:
            client.predict(token, api_name="/sign_in")
        said = _upload(client, forged)
        refused = "请先以工作人员身份登录" in said
        return f"refused: {refused}; store unchanged {snapshot(served) == before}; answer {_answer(url, QUESTION)[:12]}"

    for name, token in (("without sign-in", None), ("after a wrong token", "guess")):
        run_attack(f"forged upload through the app {name} (genuine file name)", "refused; store unchanged",
                   lambda token=token: run(token),
                   lambda out: out.startswith("refused: True; store unchanged True") and "104.20" in out)


def staff_forgery(url: str, served: Path, token: str, work: Path) -> None:
    from ingest.store.storage import StorePaths
    from ingest.store.store import Store

    forged = work / "unsigned" / "changsha-gxj-2024.pdf"

    def run() -> str:
        said = _upload(_staff(url, token), forged)
        docs = Store(StorePaths.at(served).sqlite).documents()
        told = _answer(url, QUESTION)
        version = told[told.find("（采用"):][:34] if "（采用" in told else "no version said"
        removed = budgetqa("remove", docs[-1].sha256[:8], "--store", str(served))
        time.sleep(1)  # the app sees the store changed at its next request
        return (f"upload {'已入库' if '1 个已入库' in said else said[:40]}; {len(docs)} versions; answer "
                f"{told[:12]}… {version} | `budgetqa remove` exit {removed.returncode}; answer {_answer(url, QUESTION)[:12]}")

    run_attack("forged PDF uploaded by staff in the app (genuine file name)",
               "a 2nd version; the answer says 第2版; genuine 104.20 back after removal", run,
               lambda out: "2 versions" in out and "999.00" in out and "采用第2版" in out
               and "remove` exit 0; answer 三公经费104.20" in out)


def slot_held(url: str, token: str, work: Path) -> None:
    """The reference-cycle PDF uploaded, and a good one a second later from another staff session."""
    cycle, other = work / "slot" / "cycle.pdf", work / "slot" / "other.pdf"
    cycle.parent.mkdir(parents=True)
    cycle.write_bytes(reference_cycle_pdf())
    other.write_bytes(forged_pdf("测试市审计局", total="12.00"))
    times: dict[str, float] = {}
    said: dict[str, str] = {}

    def upload(name: str, path: Path, delay: float) -> None:
        client = _staff(url, token)
        time.sleep(delay)
        started = time.perf_counter()
        said[name] = _upload(client, path)
        times[name] = time.perf_counter() - started

    def run() -> str:
        threads = [threading.Thread(target=upload, args=a) for a in (("cycle", cycle, 0.0), ("behind", other, 1.0))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        reason = re.search(r"入库超时[^\"]*?while parsing", said.get("cycle", ""))
        return (f"{len(cycle.read_bytes())}-byte PDF held the slot {times.get('cycle', 0):.1f} s: "
                f"{reason.group(0)[:36] + '…' if reason else said.get('cycle', '')[:60]}; the upload behind it "
                f"{'ingested' if '1 个已入库' in said.get('behind', '') else said.get('behind', '')[:60]} "
                f"after {times.get('behind', 0):.1f} s")

    run_attack(f"reference-cycle PDF in the app's ingest slot (BUDGETQA_INGEST_SECONDS={SLOT_SECONDS})",
               f"freed within {SLOT_SECONDS} s (one line); the upload behind it ingested", run,
               lambda out: bool(re.search(r"held the slot (\d+\.\d) s: 入库超时", out))
               and float(re.search(r"held the slot (\d+\.\d)", out)[1]) < SLOT_SECONDS + 10
               and "behind it ingested" in out)
