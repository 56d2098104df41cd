"""End to end in headless Chromium, at 1366×768 and 390×844: the catalogue with each document's
provenance (file hash, version, when and by whom added), readable on a phone (it scrolls sideways, a
name on one line); an upload by a named staff token recorded under that name, told by stage, the
example questions then about the new document; and the index check at start said on the landing
line. Screenshots in test-artifacts/50-*."""
from __future__ import annotations

import re
import shutil
from collections.abc import Iterator

import pytest
import test_browser_staff as staff
from appserver import ARTIFACTS, running_app
from test_browser import INGEST_TIMEOUT
from test_browser_staff import VIEWPORTS, open_documents, shot

chromium, sample_store = staff.chromium, staff.sample_store  # their fixtures, used here too

NAME, TOKEN = "张三", "catalogue-令牌-51d"
SAMPLE_DEPARTMENT = "长沙市工业和信息化局"


@pytest.fixture(scope="module")
def named_url(sample_store, tmp_path_factory) -> Iterator[str]:
    store = tmp_path_factory.mktemp("catalogue-named") / "store"
    shutil.copytree(sample_store, store)
    with running_app(store, ARTIFACTS / "catalogue-named-server.log", BUDGETQA_STAFF_TOKENS=f"{NAME}={TOKEN}") as url:
        yield url


@pytest.fixture(scope="module")
def lost_index_url(sample_store, tmp_path_factory) -> Iterator[str]:
    store = tmp_path_factory.mktemp("catalogue-lost") / "store"
    shutil.copytree(sample_store, store)
    shutil.rmtree(store / "chroma")
    with running_app(store, ARTIFACTS / "catalogue-lost-server.log") as url:
        yield url


# the nearest box around a cell that scrolls sideways, scrolled to its end: its [scrollWidth, clientWidth]
SCROLL_TO_END = "e => { for (let a = e.parentElement; a; a = a.parentElement) { " \
                "const x = getComputedStyle(a).overflowX; if ((x === 'auto' || x === 'scroll') && " \
                "a.scrollWidth > a.clientWidth) { a.scrollTo({left: a.scrollWidth}); " \
                "return [a.scrollWidth, a.clientWidth]; } } return null; }"
# the lines a cell's text takes: the distinct tops of its text's boxes
LINES = "e => { const r = document.createRange(); r.selectNodeContents(e); " \
        "return new Set([...r.getClientRects()].map(b => Math.round(b.top))).size; }"


@pytest.mark.browser
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_catalogue_shows_provenance_and_reads_on_a_phone(chromium, named_url, sample_store, viewport):
    from playwright.sync_api import expect

    from ingest.store.storage import StorePaths
    from ingest.store.store import Store

    [doc] = Store(StorePaths.at(sample_store).sqlite).documents()
    context, page, panel = open_documents(chromium, named_url, viewport)
    try:
        table = panel.locator("#catalogue")
        for head in ("文件哈希", "版本", "添加"):
            expect(table.get_by_role("columnheader", name=head).first).to_be_attached(timeout=15_000)
        expect(table.get_by_role("gridcell", name=doc.sha256[:8])).to_have_count(1)
        expect(table.get_by_role("gridcell", name="唯一版本")).to_have_count(1)
        expect(table.get_by_role("gridcell", name=re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d UTC 由 .+ 添加$"))).to_have_count(1)
        expect(table.get_by_role("gridcell", name=SAMPLE_DEPARTMENT).first).to_be_visible()
        expect(page.locator("#catalogue .pending, #loaded .pending")).to_have_count(0, timeout=30_000)  # the page's load done
        shot(page, f"50-catalogue-{viewport}")
        for text in (SAMPLE_DEPARTMENT, doc.sha256[:8], "唯一版本"):  # a name on a line or two, not a column of characters
            lines = table.get_by_role("gridcell", name=text).first.evaluate(LINES)
            assert 1 <= lines <= 2, (text, lines)
        wide = table.get_by_role("gridcell", name="唯一版本").evaluate(SCROLL_TO_END)
        assert wide, "the catalogue does not scroll sideways"
        if viewport == "phone":
            assert wide[0] > wide[1] * 3, wide  # the columns keep their widths: the table scrolls sideways
        expect(table.get_by_role("gridcell", name="唯一版本")).to_be_in_viewport()
        shot(page, f"51-catalogue-provenance-{viewport}")
    finally:
        context.close()


@pytest.mark.browser
def test_an_upload_under_a_named_token_is_added_by_that_name_and_the_examples_follow_it(chromium, named_url, tmp_path):
    from playwright.sync_api import expect

    from eval.synth import generate, render_pdf

    doc = generate("browser-catalogue", 3, kind="预算", year=2026)
    path = tmp_path / "署名上传.pdf"
    render_pdf(doc, path)
    context, page, panel = open_documents(chromium, named_url, "desktop")
    try:
        panel.get_by_label("工作人员令牌").fill(TOKEN)
        panel.get_by_role("button", name="登录").click()
        expect(panel.get_by_text(f"已以工作人员「{NAME}」身份登录")).to_be_visible(timeout=15_000)
        panel.locator("#upload input[type=file]").set_input_files([str(path)])
        expect(panel.locator("#upload")).to_contain_text("署名上传", timeout=15_000)
        panel.get_by_role("button", name="开始入库").click()
        outcome = panel.locator("#ingest-outcome")
        stages: set[str] = set()
        for _ in range(int(INGEST_TIMEOUT / 200)):
            text = outcome.inner_text() if outcome.is_visible() else ""
            stages |= set(re.findall(r"(解析(?:（共 \d+ 页）)?|表格|向量 [\d,]+/[\d,]+|入库)(?= ·)", text))
            if "已入库" in text:
                break
            if any(s.startswith("向量") for s in stages) and not (ARTIFACTS / "53-upload-stage-desktop.png").exists():
                shot(page, "53-upload-stage-desktop")
            page.wait_for_timeout(200)
        assert any(s.startswith("解析") for s in stages) and any(s.startswith("向量") for s in stages), stages  # told by the pipeline
        row = panel.locator("#catalogue").get_by_role("row").filter(has_text=doc.department)
        expect(row.get_by_text(f"由 {NAME}（网页上传） 添加")).to_be_attached(timeout=30_000)
        page.get_by_role("tab", name="问答").click()
        examples = page.get_by_role("button", name=re.compile("^Select example"))
        expect(examples.filter(has_text=doc.department).first).to_be_visible(timeout=30_000)
        shot(page, "52-upload-examples-desktop")
        question = examples.filter(has_text=doc.department).first.inner_text().strip()
        examples.filter(has_text=doc.department).first.click()
        answer = page.locator("#chat .message-row").filter(has_text="来源").last
        expect(answer).to_be_visible(timeout=60_000)  # answered with its sources, not refused
        assert doc.department in question
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_lost_index_found_at_start_is_said_on_the_landing_line(chromium, lost_index_url, viewport):
    from playwright.sync_api import expect

    context = chromium.new_context(locale="zh-CN", viewport=VIEWPORTS[viewport])
    page = context.new_page()
    try:
        page.goto(lost_index_url)
        loaded = page.locator("#loaded")
        expect(loaded).to_contain_text("已载入 1 份文档", timeout=15_000)
        expect(loaded).to_contain_text("向量索引缺少")
        expect(loaded).to_contain_text("运行 budgetqa repair")
        shot(page, f"54-index-warning-{viewport}")
    finally:
        context.close()
