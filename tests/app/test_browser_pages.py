"""End to end (issue 23): 原文 opens on the cited cell — the crop around the boxed cell first, at a
readable size; the whole page one click away; 「下载此页」 returns the page as PNG — at 1366×768 and on
a 390×844 phone, over the bundled sample. Screenshots (40-…) in test-artifacts/."""
from __future__ import annotations

import re
import urllib.request
from collections.abc import Iterator

import pytest
from appserver import ARTIFACTS, running_app
from test_browser import ANSWER_TIMEOUT, Session, bot_messages, browser  # noqa: F401 (the browser fixture)

VIEWPORTS = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}
CROP = '#chat img[src*="budgetqa-crop-"]'
PAGE = '#chat img[src*="budgetqa-page-"]'
NATURAL = "(img) => img.complete && img.naturalWidth > 0"


@pytest.fixture(scope="module")
def pages_server(tmp_path_factory) -> Iterator[str]:
    """The app over a fresh store (it ingests the bundled sample on its first start)."""
    with running_app(tmp_path_factory.mktemp("pages"), ARTIFACTS / "app-server-pages.log") as url:
        yield url


@pytest.fixture(params=list(VIEWPORTS))
def viewed(request, browser, pages_server) -> Iterator[tuple[Session, str]]:  # noqa: F811
    s = Session(browser, pages_server)
    s.page.set_viewport_size(VIEWPORTS[request.param])
    yield s, request.param
    s.close()
    assert s.dialogs == [] and s.external == []


def smallest_figure_pt(sample_pdf, page: int) -> float:
    """The height (points) of the smallest digit printed on the page (pdfplumber)."""
    import pdfplumber

    with pdfplumber.open(sample_pdf) as pdf:
        return min(c["bottom"] - c["top"] for c in pdf.pages[page - 1].chars if c["text"].isdigit())


@pytest.mark.browser
def test_the_original_opens_on_the_boxed_cell_with_the_page_and_its_png_a_click_away(viewed, sample_pdf, tmp_path):
    from playwright.sync_api import expect

    s, view = viewed
    s.ask("三公经费是多少？")
    expect(bot_messages(s).filter(has_text="104.20").first).to_be_visible(timeout=ANSWER_TIMEOUT)
    title = s.page.get_by_text("原文：第19页").first
    expect(title).to_be_visible(timeout=ANSWER_TIMEOUT)
    title.click()
    crop = s.page.locator(CROP).first
    expect(crop).to_be_visible(timeout=ANSWER_TIMEOUT)
    expect(s.page.locator(PAGE)).to_have_count(0)  # the crop comes first, the whole page folded
    s.page.wait_for_function(NATURAL, arg=crop.element_handle(), timeout=ANSWER_TIMEOUT)
    shown = crop.evaluate("(img) => ({w: img.naturalWidth, h: img.naturalHeight, cw: img.clientWidth, "
                          "src: decodeURIComponent(img.src)})")
    scale = int(re.search(r"-s(\d+)-x\d+\.png", shown["src"]).group(1)) / 100  # px per point, named
    assert shown["cw"] == shown["w"], shown                       # shown at its own size
    assert shown["h"] / shown["w"] < 0.5 * 841.9 / 595.3, shown    # a crop, far flatter than the portrait page
    assert smallest_figure_pt(sample_pdf, 19) * scale >= 14, scale  # every figure at least 14 px high
    box = s.page.evaluate(_BOX_IN_VIEW, crop.element_handle())
    assert box["red"] > 40 and box["inView"], box                   # the box inside the crop, scrolled into view
    s.page.wait_for_timeout(3500)  # the chat follows a growing answer to its end for 3 s
    crop.scroll_into_view_if_needed()
    s.shot(f"40-original-crop-{view}")

    link = s.page.locator("#chat a", has_text="下载此页").first
    expect(link).to_be_visible()
    href = link.get_attribute("href")
    assert href and not href.startswith("/") and "tmp" not in href and "store" not in href, href  # no server path
    with urllib.request.urlopen(s.page.url.rstrip("/") + "/" + href, timeout=30) as r:
        body, kind, disposition = r.read(), r.headers["Content-Type"], r.headers["Content-Disposition"]
    assert kind == "image/png" and body[:8] == b"\x89PNG\r\n\x1a\n" and disposition.startswith("attachment")

    s.page.get_by_text("查看整页").first.click()
    page = s.page.locator(PAGE).first
    expect(page).to_be_visible(timeout=ANSWER_TIMEOUT)
    s.page.wait_for_function(NATURAL, arg=page.element_handle(), timeout=ANSWER_TIMEOUT)
    whole = page.evaluate("(img) => ({w: img.naturalWidth, h: img.naturalHeight})")
    assert whole["h"] > whole["w"] and whole["h"] > 2 * shown["h"], (whole, shown)  # the whole portrait page
    s.page.evaluate("(img) => img.scrollIntoView({block: 'start'})", page.element_handle())
    s.shot(f"41-original-whole-page-{view}")


# the share of red pixels (the drawn box, BOX_COLOUR) in the crop, and whether the first red pixel's
# column is inside the part of the crop the chat shows (a phone scrolls the crop sideways to it)
_BOX_IN_VIEW = """(img) => {
  const c = document.createElement('canvas'); c.width = img.naturalWidth; c.height = img.naturalHeight;
  const g = c.getContext('2d'); g.drawImage(img, 0, 0);
  const d = g.getImageData(0, 0, c.width, c.height).data;
  let red = 0, minX = Infinity, maxX = -1;
  for (let i = 0; i < d.length; i += 4) {
    if (d[i] > 200 && d[i + 1] < 60 && d[i + 2] < 60) { red++; const x = (i / 4) % c.width;
      minX = Math.min(minX, x); maxX = Math.max(maxX, x); }
  }
  let box = img.parentElement;
  while (box && box.scrollWidth <= box.clientWidth + 1 && box.id !== 'chat') box = box.parentElement;
  const left = box && box.id !== 'chat' ? box.scrollLeft : 0, width = box && box.id !== 'chat' ? box.clientWidth : c.width;
  return {red, minX, maxX, left, width, inView: maxX >= left && minX <= left + width};
}"""
