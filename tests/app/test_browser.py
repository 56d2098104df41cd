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
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from appserver import ARTIFACTS, ROOT, running_app

CHROMIUM = Path(os.environ.get("BUDGETQA_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ANSWER_TIMEOUT = 30_000  # ms
INGEST_TIMEOUT = 120_000  # ms
EVAL_TIMEOUT = 120_000  # ms: five questions take seconds; the first run opens the service
GPB_TABLE = "2024年一般公共预算支出情况表"
SANGONG_TABLE = "2024年一般公共预算“三公”经费支出情况表"
TAB_IDS = {"问答": "tab-ask", "数据查询": "tab-search", "文档": "tab-documents", "一致性检查": "tab-checks",
           "评测": "tab-eval"}
EVIL_PROJECT = "<img src=x onerror=alert(1)>专项"
PLACEHOLDER = "输入问题，回车发送"
STAFF_TOKEN = "test-staff-令牌-42"  # the servers' BUDGETQA_STAFF_TOKEN: uploads need a staff sign-in
# the chat log's scroll position, and whether the last message's buttons and its last table row are
# inside the visible part of the log
CHAT_POSITION_JS = """() => {
  const log = document.querySelector('#chat .bubble-wrap');
  const view = log.getBoundingClientRect();
  const inside = (el) => { if (!el) return null; const r = el.getBoundingClientRect();
                           return r.top >= view.top - 1 && r.bottom <= view.bottom + 1; };
  const rows = log.querySelectorAll('.message-row.bot-row');
  const last = rows[rows.length - 1];
  const buttons = log.querySelectorAll('.message-buttons');
  const cells = last ? last.querySelectorAll('tr') : [];
  return { gap: log.scrollHeight - log.scrollTop - log.clientHeight,
           buttons: inside(buttons[buttons.length - 1]), lastRow: inside(cells[cells.length - 1]),
           text: last ? last.innerText : '' };
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory, small_questions) -> Iterator[dict]:
    """`python app.py` with BUDGETQA_STORE in a tmp dir and the five-question set for 评测; yields its
    url, store dir and log."""
    store = tmp_path_factory.mktemp("app-store")
    log = ARTIFACTS / "app-server.log"
    with running_app(store, log, BUDGETQA_EVAL_QUESTIONS=str(small_questions), BUDGETQA_STAFF_TOKEN=STAFF_TOKEN) as url:
        yield {"url": url, "store": store, "log": log}


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

    def sign_in(self, token: str) -> None:
        """Sign in as staff in the 文档 tab (uploading and removing need it)."""
        panel = self.tab("文档")
        panel.get_by_label("工作人员令牌").fill(token)
        panel.get_by_role("button", name="登录").click()

    def upload(self, *paths: Path) -> None:
        panel = self.tab("文档")
        if not panel.locator("#upload").is_visible():
            self.sign_in(STAFF_TOKEN)
            panel.locator("#upload").wait_for(timeout=15_000)
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
def test_the_chat_follows_each_answer_to_its_end_and_keeps_the_placeholder(session):
    """Issue 15: an answer with a 来源 table is taller than gradio's 100 px of slack, so the box stopped
    short of its last rows and copy buttons; the question box lost its placeholder after the first
    question; a narrative answer printed its sentence twice (answer and 来源)."""
    from playwright.sync_api import expect

    asked = [("三公经费是多少？", "104.20"), ("机关运行经费是多少？", "494.25"),
             ("公车购置费占三公经费多少？", "58.54%")]
    for i, (question, figure) in enumerate(asked, 1):
        session.ask(question)
        expect(bot_messages(session).filter(has_text=figure).first).to_be_visible(timeout=ANSWER_TIMEOUT)
        session.page.wait_for_timeout(1500)  # the 来源 block opens and the buttons appear after the text
        where = session.page.evaluate(CHAT_POSITION_JS)
        assert where["gap"] <= 2, (question, where)
        assert where["buttons"], (question, where)
        assert where["lastRow"] in (True, None), (question, where)  # the narrative answer has no table
        expect(session.page.locator("#chat textarea, textarea").first).to_have_attribute("placeholder", PLACEHOLDER)
        session.shot(f"12-chat-follows-answer-{i}")
        if figure == "494.25":  # narrative: the sentence quoted in the answer, only where it stands in 来源
            assert where["text"].count("比上年预算减少36.45万元") == 1, where["text"]
            assert "第 6 页" in where["text"]


@pytest.mark.browser
def test_the_original_page_is_shown_under_an_answer_with_the_cell_boxed(session):
    """Issue 14: 「原文：第19页」 under the answer, folded; opened, the cited page as an image served by
    the app (the boxed render, whole); clicked, it opens at full size over the page."""
    from playwright.sync_api import expect

    session.ask("三公经费是多少？")
    expect(bot_messages(session).filter(has_text="104.20").first).to_be_visible(timeout=ANSWER_TIMEOUT)
    title = session.page.get_by_text("原文：第19页").first
    expect(title).to_be_visible(timeout=ANSWER_TIMEOUT)
    image = session.page.locator('#chat img[src*="budgetqa-page-"]')
    expect(image).to_have_count(0)  # folded until asked for
    title.click()
    expect(session.page.locator('#chat img[src*="budgetqa-crop-"]').first).to_be_visible(timeout=ANSWER_TIMEOUT)
    session.page.get_by_text("查看整页").first.click()  # the crop first (issue 23), the page inside
    expect(image.first).to_be_visible(timeout=ANSWER_TIMEOUT)
    session.page.wait_for_function("(img) => img.complete && img.naturalWidth > 1000",
                                   arg=image.first.element_handle(), timeout=ANSWER_TIMEOUT)
    box = image.first.bounding_box()
    assert 400 <= box["width"] <= 600 and box["height"] > box["width"], box  # the whole portrait page
    session.page.wait_for_timeout(3500)  # the chat follows a growing answer to its end for 3 s
    session.page.evaluate("(img) => img.scrollIntoView({block: 'start'})", image.first.element_handle())
    session.shot("13-original-page")
    image.first.click()
    big = session.page.locator("#original-lightbox img")
    expect(big).to_be_visible()
    assert big.bounding_box()["width"] > 2 * box["width"] * 0.9, (big.bounding_box(), box)
    session.shot("14-original-page-enlarged")
    session.page.keyboard.press("Escape")
    expect(big).to_have_count(0)


@pytest.mark.browser
def test_clicking_an_example_question_answers_it(session):
    from playwright.sync_api import expect

    examples = session.page.get_by_role("button", name=re.compile("^Select example"))
    expect(examples.first).to_be_visible()
    expect(examples.filter(has_text="长沙市工业和信息化局2024年").first).to_be_visible()  # built from the store
    expect(session.page.locator("#loaded")).to_contain_text("已载入 1 份文档：长沙市工业和信息化局 2024年 部门预算")
    session.shot("00-start")
    question = examples.first.inner_text().strip()
    examples.first.click()
    expect(session.page.locator(".message.user, [data-testid='user']").filter(has_text=question)
           .first).to_be_visible(timeout=ANSWER_TIMEOUT)
    answered = re.compile(r"万元")
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
    expect(panel.get_by_role("gridcell", name="2,466.28").first).to_be_visible(timeout=ANSWER_TIMEOUT)
    expect(panel.get_by_role("gridcell", name="2150501").first).to_be_visible()
    expect(panel.get_by_role("columnheader", name="年度").first).to_be_visible()
    session.shot("04-search-records")
    with session.page.expect_download() as info:
        panel.get_by_role("button", name="下载 CSV").click()
    download = info.value
    assert download.suggested_filename == "数据查询-全部文档-行政运行.csv"
    raw = Path(download.path()).read_bytes()
    shutil.copy(download.path(), ARTIFACTS / "04-search-records.csv")
    assert raw.startswith(b"\xef\xbb\xbf"), "CSV must start with a UTF-8 BOM so Excel reads Chinese"
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:8] == ["部门", "年度", "预算/决算", "表", "页", "行", "编码", "单位"]
    assert any(r[5] == "行政运行" and r[1] == "2024年" and "2466.28" in r[8:] for r in rows[1:]), rows[:5]

    panel.get_by_role("combobox", name="表").click()
    session.page.get_by_role("option", name=GPB_TABLE, exact=True).click()
    panel.get_by_role("button", name="查询").click()
    expect(panel.get_by_text("共 1 项（2 个数）。")).to_be_visible(timeout=ANSWER_TIMEOUT)
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
    expect(panel.locator("#catalogue").get_by_text(re.compile(r"✓ [\d,]+ 项全部通过")).first).to_be_attached()
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
    session.page.get_by_text(re.compile("^原文：第")).last.click()  # the uploaded PDF's page, boxed (issue 14)
    session.page.get_by_text("查看整页").last.click()  # inside, under its crop (issue 23)
    page_image = session.page.locator('#chat img[src*="budgetqa-page-"]').last
    expect(page_image).to_be_visible(timeout=ANSWER_TIMEOUT)
    session.page.wait_for_function("(img) => img.complete && img.naturalWidth > 1000",
                                   arg=page_image.element_handle(), timeout=ANSWER_TIMEOUT)
    assert session.page.locator("img[onerror]").count() == 0
    session.shot("09a-uploaded-original-page")


def _first_document_checks(store_dir: Path) -> tuple[str, int, int]:
    """The title, number of checks and number passed of the store's first document (the sample)."""
    from ingest.checks import run_checks
    from ingest.store.storage import StorePaths
    from ingest.store.store import Store

    store = Store(StorePaths.at(store_dir).sqlite)
    try:
        doc = store.documents()[0]
        checks = run_checks(store, doc.id)
        return doc.title, len(checks), sum(c.passed for c in checks)
    finally:
        store.close()


@pytest.mark.browser
def test_the_checks_and_eval_tabs_open_without_an_empty_table_and_with_a_normal_button(session):
    from playwright.sync_api import expect

    for name, button, shot in (("一致性检查", "运行检查", "10a-checks-before-a-run"),
                               ("评测", "运行评测", "11a-eval-before-a-run")):
        panel = session.tab(name)
        run = panel.get_by_role("button", name=button)
        expect(run).to_be_visible()
        expect(panel.get_by_role("columnheader")).to_have_count(0)
        expect(panel.locator("table")).to_have_count(0)
        box = run.bounding_box()
        assert box["height"] <= 44 and box["width"] <= 200, box
        session.shot(shot)


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


# the text of the 评测 tab's progress trackers, and what their progress bars tell a screen reader
PROGRESS_JS = """() => [...document.querySelectorAll('#tab-eval [data-testid=status-tracker]')].map(e => e.innerText)
  .concat([...document.querySelectorAll('#tab-eval [role=progressbar]')].map(e => e.getAttribute('aria-valuetext')))
  .filter(t => t).join(' | ')"""


@pytest.mark.browser
def test_quick_evaluation_shows_the_per_category_table_in_chinese_and_offers_the_report(session):
    from playwright.sync_api import expect

    panel = session.tab("评测")
    expect(panel.get_by_text("small.jsonl，5 题")).to_be_visible()
    quick = panel.get_by_label("只评 budgetqa（快）")
    expect(quick).to_be_checked()
    panel.get_by_role("button", name="运行评测").click()
    overall = panel.get_by_role("cell", name="总体", exact=True)
    progress = set()
    for _ in range(int(EVAL_TIMEOUT / 100)):  # what the progress bar says while it runs
        progress.add(session.page.evaluate(PROGRESS_JS))
        if overall.count():
            break
        session.page.wait_for_timeout(100)
    expect(overall).to_be_visible(timeout=EVAL_TIMEOUT)
    (ARTIFACTS / "11-eval-progress.txt").write_text("\n".join(sorted(progress)) + "\n", encoding="utf-8")
    # gradio's default unit is "steps"; the handler's units (题) are checked in test_handlers: here
    # whatever the bar showed in passing (the five questions take a second or two) is kept and checked
    assert not any("steps" in p for p in progress), progress
    expect(panel.get_by_role("cell", name="查单项", exact=True)).to_be_visible()
    expect(panel.get_by_role("cell", name="基线")).to_have_count(0)
    expect(panel.get_by_text("5 道题")).to_be_visible()
    expect(panel.get_by_text(re.compile(r"budgetqa：准确率 \d+\.\d%"))).to_be_visible()
    for english in ("hit@3", "p50", "P / R", "lookup"):
        expect(panel.get_by_text(english)).to_have_count(0)
    head = panel.locator("th abbr[title^='hit@3']")
    expect(head).to_have_text("说明检索前 3 段命中率")
    expect(panel.get_by_role("cell", name="查单项", exact=True)).to_have_attribute("title", "lookup")
    session.shot("11-eval-quick")
    with session.page.expect_download() as info:
        panel.get_by_role("button", name="下载报告（Markdown）").click()
    report = Path(info.value.path()).read_text(encoding="utf-8")
    shutil.copy(info.value.path(), ARTIFACTS / "11-eval-quick.md")
    assert report.startswith("# budgetqa 评测报告 —— small.jsonl") and "| 查单项（lookup） | 2 |" in report


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


@pytest.mark.slow
def test_the_server_says_where_it_serves_and_prints_no_share_hint(server):
    log = server["log"].read_text(encoding="utf-8")
    assert f"serving on {server['url']}" in log and "Ctrl+C" in log
    assert "share=True" not in log and "public link" not in log and "Traceback" not in log
