"""End to end, a store of two departments (the sample and a synthetic one with three documents): one
number style in the result tables, and a comparison's chart beside the chat with its tooltips and
downloads — at 1366×768 and on a 390×844 phone. Screenshots in test-artifacts/."""
from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from appserver import ARTIFACTS, SYNTHETIC_DEPARTMENT, running_app, several_documents_store
from test_browser import ANSWER_TIMEOUT, Session, bot_messages, browser  # noqa: F401 (the browser fixture)

VIEWPORTS = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}
SAMPLE_DEPARTMENT = "长沙市工业和信息化局"
# a cell's alignment and the number of lines its text takes
CELL_STYLE_JS = """(cell) => {
  const walk = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT), tops = new Set();
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    if (!n.textContent.trim()) continue;
    const r = document.createRange(); r.selectNodeContents(n);
    for (const x of r.getClientRects()) tops.add(Math.round(x.top));
  }
  const clipped = [cell, ...cell.querySelectorAll('*')].some(e => e.scrollWidth > e.clientWidth + 1);
  return {align: getComputedStyle(cell).textAlign, lines: tops.size, clipped};
}"""


@pytest.fixture(scope="module")
def charts_server(tmp_path_factory, sample_pdf) -> Iterator[dict]:
    store = several_documents_store(tmp_path_factory.mktemp("charts"), sample_pdf)
    with running_app(store, ARTIFACTS / "app-server-charts.log") as url:
        yield {"url": url, "store": store}


@pytest.fixture(params=list(VIEWPORTS))
def viewed(request, browser, charts_server) -> Iterator[tuple[Session, str]]:  # noqa: F811
    s = Session(browser, charts_server["url"])
    s.page.set_viewport_size(VIEWPORTS[request.param])
    yield s, request.param
    s.close()
    assert s.dialogs == [] and s.external == []


def _one_line_right(cell) -> None:
    cell.scroll_into_view_if_needed()
    assert cell.evaluate(CELL_STYLE_JS) == {"align": "right", "lines": 1, "clipped": False}


@pytest.mark.browser
def test_search_lists_items_with_year_unit_and_figures_right_aligned_on_one_line(viewed):
    from playwright.sync_api import expect

    s, view = viewed
    panel = s.tab("数据查询")
    panel.get_by_label("关键词").fill("行政运行")
    panel.get_by_role("button", name="查询").click()
    cell = panel.get_by_role("gridcell", name="2,466.28").first
    expect(cell).to_be_visible(timeout=ANSWER_TIMEOUT)
    for head in ("年度", "单位"):
        expect(panel.get_by_role("columnheader", name=head).first).to_be_attached()
    _one_line_right(cell)
    s.shot(f"30-search-items-{view}")
    with s.page.expect_download() as info:
        panel.get_by_role("button", name="下载 CSV").click()
    assert info.value.suggested_filename == "数据查询-全部文档-行政运行.csv"


@pytest.mark.browser
def test_check_figures_have_separators_and_stay_on_one_line(viewed):
    from playwright.sync_api import expect

    s, view = viewed
    s.page.set_viewport_size(VIEWPORTS["desktop"])  # the phone folds this tab into the tab bar's menu
    panel = s.tab("一致性检查")
    s.page.set_viewport_size(VIEWPORTS[view])
    panel.get_by_role("button", name="运行检查").click()
    cell = panel.locator("#check-results [role=gridcell]:nth-child(3)").filter(has_text=",").first
    expect(cell).to_be_visible(timeout=ANSWER_TIMEOUT)
    _one_line_right(cell)
    s.shot(f"31-checks-figures-{view}")


@pytest.mark.browser
def test_a_ranking_shows_a_chart_whose_bars_name_their_cells(viewed):
    from playwright.sync_api import expect

    s, view = viewed
    s.ask("各部门三公经费排名")
    panel = s.page.locator("#chart-panel")
    expect(panel).to_be_visible(timeout=ANSWER_TIMEOUT)
    _one_line_right(s.page.locator("#chat td", has_text="104.20").first)  # the ranking table's figure
    bars = s.page.locator("#chart-bars")
    plot = bars.locator(".vega-embed").first
    expect(plot).to_be_visible()
    expect(panel.get_by_role("button", name="下载图表（PNG）")).to_be_visible()
    panel.scroll_into_view_if_needed()
    box = plot.bounding_box()
    # hover over the first (the taller) bar: its tooltip names the figure and the cell it was read from
    s.page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.6)
    tooltip = s.page.locator("#vg-tooltip-element")
    expect(tooltip).to_contain_text("104.20万元", timeout=5_000)
    expect(tooltip).to_contain_text("第19页")
    expect(tooltip).to_contain_text(SAMPLE_DEPARTMENT)
    s.shot(f"32-ranking-chart-{view}")
    with s.page.expect_download() as info:
        panel.get_by_role("button", name="下载图表数据（CSV）").click()
    raw = Path(info.value.path()).read_bytes()
    shutil.copy(info.value.path(), ARTIFACTS / f"32-ranking-chart-{view}.csv")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert info.value.suggested_filename == "对比图-三公经费.csv"
    assert [r[:3] for r in rows[1:]] == [[SAMPLE_DEPARTMENT, "104.20", "万元"], [SYNTHETIC_DEPARTMENT, "27.93", "万元"]]
    with s.page.expect_download() as info:
        panel.get_by_role("button", name="下载图表（PNG）").click()
    assert info.value.suggested_filename == "对比图-三公经费.png"
    shutil.copy(info.value.path(), ARTIFACTS / f"32-ranking-chart-{view}-download.png")
    assert Path(info.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    s.ask(f"{SAMPLE_DEPARTMENT}行政运行支出是多少？")  # one figure: no chart
    expect(bot_messages(s).filter(has_text="2,466.28").last).to_be_visible(timeout=ANSWER_TIMEOUT)
    expect(panel).to_be_hidden(timeout=ANSWER_TIMEOUT)


@pytest.mark.browser
def test_a_figure_over_years_is_a_line(viewed):
    from playwright.sync_api import expect

    s, view = viewed
    s.ask(f"{SYNTHETIC_DEPARTMENT}2024年比2023年三公经费增加多少")
    expect(s.page.locator("#chart-line")).to_be_visible(timeout=ANSWER_TIMEOUT)
    expect(s.page.locator("#chart-bars")).to_be_hidden()
    s.page.locator("#chart-panel").scroll_into_view_if_needed()
    s.shot(f"33-years-line-{view}")
