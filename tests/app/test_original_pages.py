"""The 「原文」 blocks of an answer (issue 14), built from page views without a server."""
from __future__ import annotations

from pathlib import Path

from app_pages import CSS, JS, original_messages
from chatbot.pages import MARKED_PREFIX, NO_PAGES, PageView


def test_each_shown_page_is_a_folded_block_with_its_image(tmp_path):
    image = tmp_path / f"{MARKED_PREFIX}abc-p19-x.png"
    image.write_bytes(b"png")
    views = [PageView("长沙市工业和信息化局2024年部门预算", 19, image=image)]
    [message] = original_messages(views)
    assert message.metadata["title"] == "原文：第19页" and message.metadata["status"] == "done"
    assert Path(message.content["path"]) == image


def test_a_document_without_pages_says_so_instead_of_an_image():
    note = NO_PAGES.format(source="changsha-gxj-2024.txt")
    views = [PageView("长沙市工业和信息化局2024年部门预算", 11, note=note)] * 2
    [message] = original_messages(views)
    assert message.content == note and message.metadata["title"] == "原文"


def test_the_page_images_are_found_by_their_file_name_prefix():
    assert f'img[src*="{MARKED_PREFIX}"]' in CSS and f'img[src*="{MARKED_PREFIX}"]' in JS


def test_a_boxed_page_opens_on_its_crop_with_the_whole_page_and_its_download_inside(tmp_path):
    """Issue 23: the crop first, then 「下载此页」 (the page route: a document id and a page, no path),
    then the whole page folded inside the same block."""
    from app_pages import DOWNLOAD, WHOLE_PAGE

    page, crop = tmp_path / f"{MARKED_PREFIX}abc-p19-x.png", tmp_path / "budgetqa-crop-abc-p19-k-s200-x22.png"
    views = [PageView("长沙市工业和信息化局2024年部门预算", 19, image=page, crop=crop, document_id=3)]
    first, link, whole = original_messages(views)
    assert first.metadata["title"] == "原文：第19页" and Path(first.content["path"]) == crop
    assert link.content == f"[{DOWNLOAD}](budgetqa/page/3/19)" and link.metadata["parent_id"] == first.metadata["id"]
    assert whole.metadata == {"title": WHOLE_PAGE, "log": "第19页", "status": "done", "parent_id": first.metadata["id"]}
    assert Path(whole.content["path"]) == page
