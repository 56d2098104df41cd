"""The reading under each answer (app_reading): chips as read, borrowed or defaulted, and the choices the
store offers as questions asked again — over hand-made answers and documents."""
from __future__ import annotations

import pytest

from app_reading import (
    BORROWED,
    DEFAULTED,
    Chip,
    chips_html,
    department_choices,
    document_choices,
    item_of,
    item_shown,
    question_for,
    reading_chips,
)
from chatbot.answer import Answer, Citation
from ingest.store.store import StoredDocument

DOCUMENT_WORDS = r"(?:部门|单位|本级)(?:综合)?(?:预算|决算)(?:公开)?(?![表支收总规最多少排是有])(?:的|中|里面|里)?"


def doc(id_: int, year: int, kind: str = "预算", level: str = "部门", department: str = "甲市财政局") -> StoredDocument:
    return StoredDocument(id_, f"sha{id_}", f"{department}{year}年{level}{kind}", department, year, kind,
                          f"f{id_}.pdf", 10, level)


@pytest.mark.parametrize(("text", "item"), [
    ("2023年的三公经费是多少", "三公经费是多少"),
    ("2023年决算三公经费", "三公经费"),
    ("单位预算公务接待费是多少", "公务接待费是多少"),
    ("2024年度部门决算的基本支出和项目支出各是多少", "基本支出和项目支出各是多少"),
])
def test_item_of_drops_years_and_document_words(text, item):
    assert item_of(text, DOCUMENT_WORDS) == item


@pytest.mark.parametrize(("item", "shown"), [("三公经费是多少", "三公经费"), ("会议费多少钱？", "会议费"),
                                             ("公务接待费", "公务接待费")])
def test_item_shown_drops_the_asking_words(item, shown):
    assert item_shown(item) == shown


def test_chips_say_what_was_asked_borrowed_and_defaulted():
    answer = Answer("2023年呢？", "…", True, citations=[Citation("d", 8, document_id=2)],
                    reading={"departments": ["甲市财政局"], "years": [2023], "borrowed": {"部门": "甲市财政局"}})
    chips = reading_chips(answer, [doc(2, 2023)], "三公经费是多少")
    assert chips == [Chip("部门", "甲市财政局", BORROWED), Chip("年度", "2023年"),
                     Chip("预算/决算", "预算", DEFAULTED), Chip("层级", "部门", DEFAULTED), Chip("项目", "三公经费")]
    line = chips_html(chips)
    assert "部门：甲市财政局（沿用上一问）" in line and "预算/决算：预算（未指明）" in line


def test_chips_escape_text_from_documents():
    line = chips_html([Chip("项目", "<img src=x onerror=alert(1)>")])
    assert "<img" not in line and "&lt;img" in line


def test_a_greeting_has_no_chips():
    assert reading_chips(Answer("你好", "…", False, operation="greeting"), [], "") == []


def test_document_choices_offer_the_departments_other_documents_newest_first():
    held = [doc(1, 2024), doc(2, 2023), doc(3, 2023, "决算"), doc(4, 2024, level="单位")]
    defaults = {2024: held[0], 2023: held[1]}
    choices = document_choices("甲市财政局", held, [held[0]], defaults.get, "三公经费是多少")
    assert choices == [
        {"label": "2024年单位预算", "value": "甲市财政局2024年单位预算的三公经费是多少？"},
        {"label": "2023年部门预算", "value": "甲市财政局2023年三公经费是多少？"},
        {"label": "2023年部门决算", "value": "甲市财政局2023年部门决算的三公经费是多少？"}]


def test_a_clarification_offers_its_departments():
    answer = Answer("三公经费是多少？", "…请指明是哪个部门…", False, operation="clarify",
                    candidates=[{"department": "甲市财政局"}, {"department": "乙县审计局"}])
    assert department_choices(answer, "三公经费是多少？") == [
        {"label": "甲市财政局", "value": "甲市财政局三公经费是多少？"},
        {"label": "乙县审计局", "value": "乙县审计局三公经费是多少？"}]


def test_an_answer_that_is_no_clarification_offers_no_departments():
    answer = Answer("q", "…", True, operation="lookup", candidates=[{"department": "甲市财政局"}])
    assert department_choices(answer, "q") == []


def test_question_for_keeps_a_question_mark_once():
    assert question_for("甲市财政局", None, "三公经费是多少？", True) == "甲市财政局三公经费是多少？"
