"""A ranking across departments keeps to the place the question names (「深圳哪个单位…最多」「上海各单位…」):
only the departments of that place are compared; with no place named, all are. 「哪个单位」「各单位」 ask across
departments as 「哪个部门」 does, and 「列出所有部门」 names no organisation 「列出所」."""
from __future__ import annotations

import pytest

from chatbot.execute.departments import in_place
from chatbot.link.catalog import PLACE_HEAD

NAMES = ["深圳市信访局", "深圳市统计局", "广州市民政局", "中共重庆市委宣传部", "重庆市水利局", "国家信访局"]


def test_the_departments_of_a_named_place():
    assert in_place(NAMES, "深圳哪个单位项目支出最多") == ["深圳市信访局", "深圳市统计局"]
    assert in_place(NAMES, "重庆市各部门基本支出排名") == ["中共重庆市委宣传部", "重庆市水利局"]
    assert in_place(NAMES, "哪个部门三公经费最多") == NAMES


def _place(department: str) -> str | None:
    head = PLACE_HEAD.match(department.removeprefix("中共"))
    return head.group(1) if head else None


@pytest.mark.parametrize("ask", ["{p}哪个部门三公经费最多", "{p}各单位三公经费排名", "{p}哪个单位基本支出最少"])
def test_a_ranking_keeps_to_the_place_named(real, ask):
    places: dict[str, int] = {}
    for d in real.directory.departments:
        if (p := _place(d)) is not None:
            places[p] = places.get(p, 0) + 1
    checked = 0
    for place, count in places.items():
        if count < 2:
            continue
        answer = real.ask(ask.format(p=place))
        if not answer.found:
            continue
        assert answer.operation == "rank", answer.answer
        ranked = {c.document for c in answer.citations}
        assert ranked and all(place in doc for doc in ranked), (place, answer.answer)
        checked += 1
    assert checked >= 1, places


def test_listing_all_departments_names_no_organisation(real):
    answer = real.ask("列出所有部门的三公经费")
    assert answer.operation == "rank" and "列出所" not in answer.answer, answer.answer
