"""End to end, a store of two departments (the sample and a synthetic one with three documents): the
reading under an answer as chips, a choice the store offers re-asked on one click, a clarification's
departments as buttons — at 1366×768 and on a 390×844 phone. Screenshots in test-artifacts/."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from appserver import ARTIFACTS, SYNTHETIC_DEPARTMENT, running_app, several_documents_store
from test_browser import ANSWER_TIMEOUT, Session, bot_messages, browser  # noqa: F401 (the browser fixture)

VIEWPORTS = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(scope="module")
def reading_server(tmp_path_factory, sample_pdf) -> Iterator[dict]:
    store = several_documents_store(tmp_path_factory.mktemp("reading"), sample_pdf)
    with running_app(store, ARTIFACTS / "app-server-reading.log") as url:
        yield {"url": url, "store": store}


@pytest.fixture(params=list(VIEWPORTS))
def viewed(request, browser, reading_server) -> Iterator[tuple[Session, str]]:  # noqa: F811
    s = Session(browser, reading_server["url"])
    s.page.set_viewport_size(VIEWPORTS[request.param])
    yield s, request.param
    s.close()
    assert s.dialogs == [] and s.external == []


def user_message(s: Session, text: str):
    return s.page.locator(".message.user, [data-testid='user']").filter(has_text=text).first


@pytest.mark.browser
def test_a_chip_choice_re_asks_the_question_of_another_document(viewed):
    from playwright.sync_api import expect

    s, view = viewed
    s.ask(f"{SYNTHETIC_DEPARTMENT}三公经费是多少？")
    expect(bot_messages(s).filter(has_text="万元").first).to_be_visible(timeout=ANSWER_TIMEOUT)
    chips = s.page.locator("#chat .reading-chip")
    expect(chips.filter(has_text=f"部门：{SYNTHETIC_DEPARTMENT}").first).to_be_visible()
    expect(chips.filter(has_text="年度：2024年（未指明）").first).to_be_visible()
    choice = s.page.get_by_role("button", name="2023年部门决算")
    expect(choice).to_be_visible()
    s.shot(f"20-reading-chips-{view}")
    choice.click()
    expect(user_message(s, f"{SYNTHETIC_DEPARTMENT}2023年部门决算的三公经费是多少？")).to_be_visible(
        timeout=ANSWER_TIMEOUT)
    expect(bot_messages(s).filter(has_text="决算表").first).to_be_visible(timeout=ANSWER_TIMEOUT)
    expect(chips.filter(has_text="预算/决算：决算").last).to_be_visible()
    expect(s.page.get_by_role("button", name="2024年部门预算")).to_be_visible()  # the choices of the new answer
    s.shot(f"21-reading-chip-re-asked-{view}")


@pytest.mark.browser
def test_a_clarification_offers_its_departments_as_buttons(viewed):
    from playwright.sync_api import expect

    s, view = viewed
    s.ask("三公经费是多少？")
    expect(bot_messages(s).filter(has_text="请指明是哪个部门").first).to_be_visible(timeout=ANSWER_TIMEOUT)
    button = s.page.get_by_role("button", name=SYNTHETIC_DEPARTMENT, exact=True)
    expect(button).to_be_visible()
    expect(s.page.get_by_role("button", name="长沙市工业和信息化局", exact=True)).to_be_visible()
    s.shot(f"22-department-buttons-{view}")
    button.click()
    expect(user_message(s, f"{SYNTHETIC_DEPARTMENT}三公经费是多少？")).to_be_visible(timeout=ANSWER_TIMEOUT)
    expect(s.page.locator("#chat .reading-chip").filter(has_text=f"部门：{SYNTHETIC_DEPARTMENT}").last) \
        .to_be_visible(timeout=ANSWER_TIMEOUT)
    s.shot(f"23-department-button-answered-{view}")


@pytest.mark.browser
def test_the_catalogue_lists_every_document_with_its_tables_lacks_and_checks(viewed):
    import re

    from playwright.sync_api import expect

    s, view = viewed
    expect(s.page.locator("#loaded")).to_contain_text("已载入 4 份文档")
    panel = s.tab("文档")
    table = panel.locator("#catalogue")
    for head in ("部门", "年度", "预算/决算", "层级", "页数", "表格（按类别）", "缺少", "检查"):
        expect(table.get_by_role("columnheader", name=head).first).to_be_attached()
    expect(table.get_by_role("gridcell", name=SYNTHETIC_DEPARTMENT)).to_have_count(3)
    expect(table.get_by_role("gridcell", name="决算", exact=True)).to_have_count(1)
    expect(table.get_by_text(re.compile(r"^\d+张：")).first).to_be_attached()
    expect(table.get_by_text(re.compile(r"[✓✗] [\d,]+ 项")).first).to_be_attached()
    s.shot(f"24-catalogue-{view}")


@pytest.mark.browser
def test_the_sources_table_shows_figures_with_separators_right_aligned_on_one_line(viewed):
    from playwright.sync_api import expect

    s, view = viewed
    s.ask("长沙市工业和信息化局行政运行支出是多少？")
    cell = s.page.locator("#chat td", has_text="2,466.28").first
    expect(cell).to_be_visible(timeout=ANSWER_TIMEOUT)
    style = cell.evaluate("(td) => { const r = document.createRange(); r.selectNodeContents(td); "
                          "const tops = new Set([...r.getClientRects()].map(x => Math.round(x.top))); "
                          "return {align: getComputedStyle(td).textAlign, lines: tops.size}; }")
    assert style == {"align": "right", "lines": 1}, style  # one line: the figure never wraps
    cell.scroll_into_view_if_needed()
    s.shot(f"25-sources-table-{view}")
