"""End to end: `python app.py` on a free loopback port with a fresh store, driven in headless Chromium.

The server ingests the bundled sample on its first start. Screenshots of each step go to
test-artifacts/ (gitignored), with the server's log.
"""
from __future__ import annotations

import csv
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path(os.environ.get("BUDGETQA_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
START_TIMEOUT = 180  # seconds: the first start ingests the sample (about 30 s here)
ANSWER_TIMEOUT = 30_000  # ms
INGEST_TIMEOUT = 120_000  # ms
EVAL_TIMEOUT = 120_000  # ms: five questions take seconds; the first run opens the service
GPB_TABLE = "2024年一般公共预算支出情况表"
SANGONG_TABLE = "2024年一般公共预算“三公”经费支出情况表"
TAB_IDS = {"问答": "tab-ask", "数据查询": "tab-search", "文档": "tab-documents", "一致性检查": "tab-checks",
           "评测": "tab-eval"}
EVIL_PROJECT = "<img src=x onerror=alert(1)>专项"

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
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
    pytest.fail(f"app.py did not answer within {START_TIMEOUT} s:\n{log.read_text(encoding='utf-8')[-3000:]}")


@pytest.fixture(scope="module")
def server(tmp_path_factory, small_questions) -> Iterator[dict]:
    """`python app.py` with BUDGETQA_STORE in a tmp dir and the five-question set for 评测; yields its
    url, store dir and log."""
    ARTIFACTS.mkdir(exist_ok=True)
    store = tmp_path_factory.mktemp("app-store")
    port = _free_port()
    log = ARTIFACTS / "app-server.log"
    env = dict(os.environ, BUDGETQA_STORE=str(store), GRADIO_SERVER_NAME="127.0.0.1",
               GRADIO_SERVER_PORT=str(port), PYTHONUNBUFFERED="1", BUDGETQA_EVAL_QUESTIONS=str(small_questions))
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen([sys.executable, str(ROOT / "app.py")], cwd=ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_until_up(url, proc, log)
        yield {"url": url, "store": store, "log": log}
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} missing: browser tests need Debian's chromium "
                    "(apt-get install chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


class Session:
    """One browser tab on the app, recording requests beyond loopback and any JS dialog."""

    def __init__(self, browser, url: str) -> None:
        self.context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900},
                                           accept_downloads=True)
        self.page = self.context.new_page()
        self.external: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("request", self._on_request)
        self.page.on("dialog", self._on_dialog)
        self.page.goto(url)
        self.page.get_by_role("tab", name="问答").wait_for()

    def _on_request(self, request) -> None:
        if not request.url.startswith(("http://127.0.0.1", "data:", "blob:")):
            self.external.append(request.url)

    def _on_dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def shot(self, name: str) -> None:
        """A full-page screenshot once gradio's progress overlays are gone."""
        from playwright.sync_api import expect

        expect(self.page.locator("[data-testid='status-tracker']:not(.hide)")).to_have_count(0, timeout=15_000)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True, animations="disabled")

    def tab(self, name: str):
        """Open a tab; returns its panel."""
        self.page.get_by_role("tab", name=name).click()
        return self.page.locator(f"#{TAB_IDS[name]}")

    def ask(self, question: str) -> None:
        box = self.page.get_by_placeholder("输入问题，回车发送")
        box.fill(question)
        box.press("Enter")

    def upload(self, *paths: Path) -> None:
        panel = self.tab("文档")
        panel.locator("#upload input[type=file]").set_input_files([str(p) for p in paths])
        panel.get_by_role("button", name="开始入库").click()

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def session(browser, server) -> Iterator[Session]:
    s = Session(browser, server["url"])
    yield s
    s.close()
    assert s.dialogs == [], f"a script ran in the page: {s.dialogs}"
    assert s.external == [], f"the page reached beyond loopback: {s.external}"


def bot_messages(s: Session):
    return s.page.locator(".message.bot, [data-testid='bot']")


@pytest.mark.browser
def test_asking_shows_the_answer_and_its_citation(session):
    from playwright.sync_api import expect

    session.ask("三公经费是多少？")
    bot = bot_messages(session)
    expect(bot.filter(has_text="104.20").first).to_be_visible(timeout=ANSWER_TIMEOUT)
    sources = session.page.get_by_text("来源", exact=True).first
    expect(sources).to_be_visible()
    expect(bot.filter(has_text=SANGONG_TABLE).first).to_be_visible()
    cell = session.page.locator("td", has_text=SANGONG_TABLE).first
    expect(cell).to_be_visible()
    session.shot("01-ask-sangong")


@pytest.mark.browser
def test_clicking_an_example_question_answers_it(session):
    from playwright.sync_api import expect

    examples = session.page.get_by_role("button", name=re.compile("^Select example"))
    expect(examples).to_have_count(5)
    session.shot("00-start")
    examples.filter(has_text="会议费预算是多少？").click()
    expect(session.page.locator(".message.user, [data-testid='user']").filter(has_text="会议费预算是多少？")
           .first).to_be_visible(timeout=ANSWER_TIMEOUT)
    answered = re.compile(r"万元|没有找到答案")
    expect(bot_messages(session).filter(has_text=answered).first).to_be_visible(timeout=ANSWER_TIMEOUT)
    session.shot("02-example-question")


@pytest.mark.browser
def test_an_overlong_question_gets_a_polite_refusal(session):
    from playwright.sync_api import expect

    session.ask("三公经费" * 200)
    expect(bot_messages(session).filter(has_text="问题太长了").first).to_be_visible(timeout=ANSWER_TIMEOUT)
    session.shot("03-overlong-question")


@pytest.mark.browser
def test_searching_records_shows_them_and_downloads_a_csv(session):
    from playwright.sync_api import expect

    panel = session.tab("数据查询")
    panel.get_by_label("关键词").fill("行政运行")
    panel.get_by_role("button", name="查询").click()
    expect(panel.get_by_role("gridcell", name="2466.28").first).to_be_visible(timeout=ANSWER_TIMEOUT)
    expect(panel.get_by_role("gridcell", name="2150501").first).to_be_visible()
    session.shot("04-search-records")
    with session.page.expect_download() as info:
        panel.get_by_role("button", name="下载 CSV").click()
    download = info.value
    raw = Path(download.path()).read_bytes()
    shutil.copy(download.path(), ARTIFACTS / "04-search-records.csv")
    assert raw.startswith(b"\xef\xbb\xbf"), "CSV must start with a UTF-8 BOM so Excel reads Chinese"
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["文档", "表", "页", "行", "编码", "列", "数值", "单位"]
    assert any(r[3] == "行政运行" and r[6] == "2466.28" for r in rows[1:]), rows[:5]

    panel.get_by_role("combobox", name="表").click()
    session.page.get_by_role("option", name=GPB_TABLE, exact=True).click()
    panel.get_by_role("button", name="查询").click()
    expect(panel.get_by_text("共 2 条记录。")).to_be_visible(timeout=ANSWER_TIMEOUT)
    expect(panel.get_by_role("gridcell", name="2024年部门收入总体情况表")).to_have_count(0)
    session.shot("04b-search-filtered-by-table")


@pytest.mark.browser
def test_uploading_a_copy_of_the_sample_is_skipped_as_unchanged(session, sample_pdf, tmp_path):
    from playwright.sync_api import expect

    copy = tmp_path / "样本副本.pdf"
    shutil.copy(sample_pdf, copy)
    session.upload(copy)
    panel = session.page.locator("#tab-documents")
    expect(panel.get_by_role("gridcell", name="未变更，已跳过")).to_be_visible(timeout=INGEST_TIMEOUT)
    expect(panel.get_by_role("gridcell", name="样本副本.pdf").first).to_be_visible()
    expect(panel.get_by_role("gridcell", name="长沙市工业和信息化局").first).to_be_visible()
    session.shot("05-upload-unchanged")


@pytest.mark.browser
def test_uploading_text_renamed_to_pdf_reports_the_reason(session, tmp_path):
    from playwright.sync_api import expect

    fake = tmp_path / "假文件.pdf"
    fake.write_text("这不是PDF，只是改了后缀的文本。\n", encoding="utf-8")
    session.upload(fake)
    panel = session.page.locator("#tab-documents")
    expect(panel.get_by_role("gridcell", name="不是 PDF 文件（文件开头没有 %PDF- 标记）")).to_be_visible(timeout=INGEST_TIMEOUT)
    expect(panel.get_by_role("gridcell", name="错误", exact=True)).to_be_visible()
    session.shot("06-upload-not-a-pdf")


@pytest.mark.browser
def test_a_new_disclosure_is_listed_searchable_answerable_and_its_text_shown_escaped(session, tmp_path):
    """A generated disclosure whose project name is an HTML tag: ingested, listed, searched and asked
    about (the Service is refreshed after ingest); the tag shows as text and never runs."""
    from playwright.sync_api import expect

    from eval.synth import generate, render_pdf

    doc = generate(5, 0, kind="预算")
    doc.projects[0].name = EVIL_PROJECT
    path = tmp_path / "synthetic.pdf"
    render_pdf(doc, path)
    session.upload(path)
    panel = session.page.locator("#tab-documents")
    expect(panel.get_by_role("gridcell", name="已入库", exact=True)).to_be_visible(timeout=INGEST_TIMEOUT)
    expect(panel.get_by_role("gridcell", name=doc.department).first).to_be_visible()
    session.shot("07-upload-new-document")

    panel = session.tab("数据查询")
    panel.get_by_label("关键词").fill("onerror")
    panel.get_by_role("button", name="查询").click()
    expect(panel.get_by_role("gridcell", name=EVIL_PROJECT).first).to_be_visible(timeout=ANSWER_TIMEOUT)
    assert session.page.locator("img[src='x']").count() == 0
    session.shot("08-search-escaped-html")

    session.tab("问答")
    session.ask(f"{EVIL_PROJECT}的资金总额是多少？")
    answer = bot_messages(session).filter(has_text="385.45").first
    expect(answer).to_be_visible(timeout=ANSWER_TIMEOUT)
    expect(answer).to_contain_text(EVIL_PROJECT)  # shown as text, not as an element
    expect(session.page.locator("td", has_text=EVIL_PROJECT).first).to_be_visible()
    assert session.page.locator("img[onerror]").count() == 0
    assert session.page.locator(".message.bot img, [data-testid='bot'] img").count() == 0
    session.shot("09-answer-escaped-html")


def _first_document_checks(store_dir: Path) -> tuple[str, int, int]:
    """The title, number of checks and number passed of the store's first document (the sample)."""
    from ingest.checks import run_checks
    from ingest.storage import StorePaths
    from ingest.store import Store

    store = Store(StorePaths.at(store_dir).sqlite)
    try:
        doc = store.documents()[0]
        checks = run_checks(store, doc.id)
        return doc.title, len(checks), sum(c.passed for c in checks)
    finally:
        store.close()


@pytest.mark.browser
def test_consistency_checks_of_the_sample_show_the_count_and_all_pass(session, server):
    from playwright.sync_api import expect

    title, n, passed = _first_document_checks(server["store"])
    assert n > 100 and passed == n
    panel = session.tab("一致性检查")
    expect(panel.get_by_role("combobox", name="文档")).to_have_value(f"{title}（changsha-gxj-2024.pdf）")
    panel.get_by_role("button", name="运行检查").click()
    summary = panel.get_by_text(f"{n} 项检查，{passed} 项通过，0 项不一致。")
    expect(summary).to_be_visible(timeout=ANSWER_TIMEOUT)
    expect(summary).to_contain_text("项通过")
    expect(panel.get_by_role("gridcell", name="✓", exact=True).first).to_be_visible()
    expect(panel.get_by_role("gridcell", name="✗", exact=True)).to_have_count(0)
    expect(panel.get_by_role("gridcell", name="表内", exact=True).first).to_be_visible()  # rows render lazily
    session.shot("10-consistency-checks")


@pytest.mark.browser
def test_quick_evaluation_shows_the_per_category_table_and_offers_the_report(session):
    from playwright.sync_api import expect

    panel = session.tab("评测")
    expect(panel.get_by_text("small.jsonl，5 题")).to_be_visible()
    quick = panel.get_by_label("只评 budgetqa（快）")
    expect(quick).to_be_checked()
    panel.get_by_role("button", name="运行评测").click()
    expect(panel.get_by_role("gridcell", name="总体", exact=True)).to_be_visible(timeout=EVAL_TIMEOUT)
    expect(panel.get_by_role("gridcell", name="lookup", exact=True)).to_be_visible()
    expect(panel.get_by_role("gridcell", name="baseline")).to_have_count(0)
    expect(panel.get_by_text("5 道题")).to_be_visible()
    expect(panel.get_by_text(re.compile(r"budgetqa：准确率 \d+\.\d%"))).to_be_visible()
    session.shot("11-eval-quick")
    with session.page.expect_download() as info:
        panel.get_by_role("button", name="下载报告（Markdown）").click()
    report = Path(info.value.path()).read_text(encoding="utf-8")
    shutil.copy(info.value.path(), ARTIFACTS / "11-eval-quick.md")
    assert report.startswith("# budgetqa evaluation — small.jsonl") and "| lookup | 2 |" in report


@pytest.mark.slow
def test_the_store_and_files_outside_the_app_are_not_served(server):
    for target in (server["store"] / "budgetqa.sqlite", ROOT / "app.py", Path("/etc/passwd")):
        url = f"{server['url']}gradio_api/file={target}"
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(url, timeout=5)
        assert err.value.code in (403, 404), url


@pytest.mark.slow
def test_the_server_printed_that_it_ingested_the_sample(server):
    log = server["log"].read_text(encoding="utf-8")
    assert "ingesting the bundled sample changsha-gxj-2024.pdf" in log
    assert "1 ingested" in log
