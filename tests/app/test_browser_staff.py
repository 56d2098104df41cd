"""End to end in headless Chromium, at 1366×768 and 390×844: without BUDGETQA_STAFF_TOKEN the 文档 tab
says the app is read-only; with it, staff sign in, upload a disclosure watching its progress by stage
(the catalogue in view all along), then remove it after a confirmation. Screenshots in test-artifacts/."""
from __future__ import annotations

import re
import shutil
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from appserver import ARTIFACTS, running_app
from test_browser import CHROMIUM, CHROMIUM_ARGS, INGEST_TIMEOUT

from app_staff import READ_ONLY_LINE, SIGNED_IN_LINE, WRONG_TOKEN_LINE

TOKEN = "browser-staff-令牌-9c1"
VIEWPORTS = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory, store_dir) -> Path:
    """A copy of the session's sample store (each server copies it again)."""
    return shutil.copytree(store_dir, tmp_path_factory.mktemp("staff-sample") / "store")


def _server(sample_store: Path, tmp_path_factory, name: str, token: str) -> Iterator[str]:
    store = tmp_path_factory.mktemp(name) / "store"
    shutil.copytree(sample_store, store)
    with running_app(store, ARTIFACTS / f"{name}-server.log", BUDGETQA_STAFF_TOKEN=token) as url:
        yield url


@pytest.fixture(scope="module")
def read_only_url(sample_store, tmp_path_factory) -> Iterator[str]:
    yield from _server(sample_store, tmp_path_factory, "read-only", "")


@pytest.fixture(scope="module")
def staff_url(sample_store, tmp_path_factory) -> Iterator[str]:
    yield from _server(sample_store, tmp_path_factory, "staff", TOKEN)


@pytest.fixture(scope="module")
def chromium():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} missing: browser tests need Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


def open_documents(chromium, url: str, viewport: str):
    context = chromium.new_context(locale="zh-CN", viewport=VIEWPORTS[viewport])
    page = context.new_page()
    page.goto(url)
    page.get_by_role("tab", name="文档").click()
    return context, page, page.locator("#tab-documents")


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True, animations="disabled")


@pytest.mark.browser
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_without_a_token_the_documents_tab_says_read_only_and_offers_no_upload(chromium, read_only_url, viewport):
    from playwright.sync_api import expect

    context, page, panel = open_documents(chromium, read_only_url, viewport)
    try:
        expect(panel.get_by_text(READ_ONLY_LINE)).to_be_visible(timeout=15_000)
        expect(panel.locator("#catalogue").get_by_role("gridcell", name="长沙市工业和信息化局").first).to_be_visible()
        assert panel.locator("#upload").count() == 0
        assert panel.get_by_role("button", name="登录").count() == 0
        assert panel.get_by_role("button", name=re.compile("删除")).count() == 0
        link = panel.locator("#pdf-link a")
        expect(link).to_have_attribute("href", re.compile(r"budgetqa/pdf/\d+#page=1$"))
        shot(page, f"20-read-only-{viewport}")
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_staff_sign_in_upload_with_progress_then_remove_after_confirming(chromium, staff_url, viewport, tmp_path):
    from playwright.sync_api import expect

    from eval.synth import generate, render_pdf

    doc = generate("browser-staff", 1, kind="预算")
    path = tmp_path / "上传测试.pdf"
    render_pdf(doc, path)
    context, page, panel = open_documents(chromium, staff_url, viewport)
    try:
        assert panel.locator("#upload").count() == 0 or not panel.locator("#upload").is_visible()
        panel.get_by_label("工作人员令牌").fill("not-the-token")
        panel.get_by_role("button", name="登录").click()
        expect(panel.get_by_text(WRONG_TOKEN_LINE)).to_be_visible(timeout=15_000)
        panel.get_by_label("工作人员令牌").fill(TOKEN)
        panel.get_by_role("button", name="登录").click()
        expect(panel.get_by_text(SIGNED_IN_LINE)).to_be_visible(timeout=15_000)
        shot(page, f"21-signed-in-{viewport}")

        panel.locator("#upload input[type=file]").set_input_files([str(path)])
        expect(panel.locator("#upload")).to_contain_text("上传测试", timeout=15_000)
        panel.get_by_role("button", name="开始入库").click()
        bar = panel.locator("#ingest-line progress")
        expect(bar).to_be_visible(timeout=15_000)
        seen: list[int] = []
        for _ in range(int(INGEST_TIMEOUT / 250)):
            value = int(bar.get_attribute("value") or 0)
            seen.append(value)
            if 0 < value < 100 and len(set(seen)) == 2:
                expect(panel.locator("#catalogue")).to_be_visible()  # the list stays in view
                assert panel.locator("#ingest-line progress").count() == 1  # one bar, drawn once
                shot(page, f"22-upload-progress-{viewport}")
            if value == 100:
                break
            page.wait_for_timeout(250)
        assert seen[-1] == 100 and any(0 < v < 100 for v in seen), seen
        assert seen == sorted(seen), seen
        outcome = panel.locator("#ingest-outcome")
        expect(outcome.get_by_role("gridcell", name="已入库", exact=True)).to_be_visible(timeout=15_000)
        expect(panel.locator("#catalogue").get_by_role("gridcell", name=doc.department).first).to_be_visible(timeout=15_000)
        expect(page.locator("#loaded")).to_contain_text("已载入 2 份文档", timeout=15_000)
        expect(panel.locator("#upload")).not_to_contain_text("上传测试")  # the box cleared
        shot(page, f"23-upload-done-{viewport}")

        panel.get_by_role("combobox", name="删除文档").click()
        page.get_by_role("option", name=re.compile(re.escape(doc.department))).click()
        panel.get_by_role("button", name="删除…").click()
        confirm = panel.locator("#confirm-line")
        expect(confirm).to_contain_text("不能撤销", timeout=15_000)
        expect(panel.locator("#catalogue").get_by_role("gridcell", name=doc.department).first).to_be_visible()  # not yet
        shot(page, f"24-removal-confirm-{viewport}")
        panel.get_by_role("button", name="确认删除").click()
        expect(panel.locator("#remove-line")).to_contain_text("已删除《", timeout=30_000)
        expect(panel.locator("#catalogue").get_by_role("gridcell", name=doc.department)).to_have_count(0, timeout=15_000)
        expect(page.locator("#loaded")).to_contain_text("已载入 1 份文档", timeout=15_000)
        shot(page, f"25-removed-{viewport}")

        href = panel.locator("#pdf-link a").get_attribute("href")
        with urllib.request.urlopen(staff_url + href.split("#")[0], timeout=30) as r:
            assert r.headers["Content-Type"] == "application/pdf" and r.read(5) == b"%PDF-"
    finally:
        context.close()
