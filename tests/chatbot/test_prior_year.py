"""Last year's figures: derived from the change the stored year's narrative states, said so; refused
when the narrative states no change of what is asked. 2023年 and 去年/上年 behave the same."""
from __future__ import annotations

from decimal import Decimal

import pytest

from chatbot.execute.prior import (
    StatedChange,
    amount_before,
    is_prior_level_question,
    previous_amount,
    rate,
    stated_changes,
)

DERIVED_NOTE = "库中没有2023年的文件；以下由2024年文件的说明推算"


@pytest.mark.parametrize("sentence,expected", [
    ("2024年三公经费预算较2023年增加67.26万元，主要是拟采购公车", [("增加", "67.26", "万元", "", "2023年")]),
    ("机关运行经费494.25万元，比上年预算减少36.45万元，下降6.87%。",
     [("减少", "36.45", "万元", "", "上年"), ("下降", "6.87", "%", "", "上年")]),
    ("收入较去年增加1198.78万元，上升12.94%。", [("增加", "1198.78", "万元", "", "去年"), ("上升", "12.94", "%", "", "去年")]),
    ("主要是促进中心增加了项目经费1454.95万元", [("增加", "1454.95", "万元", "项目经费", "")]),
    ("会议费预算8.36万元，人数1200人", []),
])
def test_stated_changes(sentence, expected):
    got = [(c.direction, f"{c.amount:f}", c.unit, c.what, c.against) for c in stated_changes(sentence)]
    assert got == expected


def test_previous_amount_and_rate_are_computed_from_the_change():
    up = StatedChange("增加", Decimal("67.26"), "万元", "", "2023年", 0)
    assert previous_amount(Decimal("104.20"), up) == Decimal("36.94")
    assert rate(up, Decimal("36.94")) == Decimal("182.08")
    down = StatedChange("减少", Decimal("36.45"), "万元", "", "上年", 0)
    assert previous_amount(Decimal("494.25"), down) == Decimal("530.70")
    assert up.against_year(2023) and down.against_year(2023) and not up.against_year(2022)


def test_amount_before_the_change_in_the_same_sentence():
    s = "机关运行经费494.25万元，比上年预算减少36.45万元"
    assert amount_before(s, stated_changes(s)[0]) == Decimal("494.25")


@pytest.mark.parametrize("text,level", [
    ("去年的收入预算是多少", True), ("上一年三公经费有多少", True), ("收入比去年增加多少", False),
    ("上年结转是多少", False), ("三公经费比上年增长了百分之几", False),
])
def test_prior_level_question(text, level):
    assert is_prior_level_question(text, ["增加", "增长", "百分之"]) is level


DERIVED = [
    ("2023年三公经费有多少", "36.94", "三公", "合计"),
    ("去年的三公经费是多少", "36.94", "三公", "合计"),
    ("上年三公经费安排了多少", "36.94", "三公", "合计"),
    ("2023年部门支出总额是多少", "9266.22", "收支总体", "支出总计"),
    ("上一年的收入预算有多少", "9266.22", "收支总体", "收入总计"),
    ("2023年度收入总额", "9266.22", "收支总体", "收入总计"),
]


@pytest.mark.parametrize("question,value,table,row", DERIVED)
def test_prior_year_amount_is_derived_and_said_so(service, question, value, table, row):
    answer = service.ask(question)
    assert answer.found and answer.operation == "change", answer.answer
    assert DERIVED_NOTE in answer.answer
    assert answer.values[0].value == value and "推算" in answer.values[0].label
    assert any(c.section and c.text and ("上年" in c.text or "去年" in c.text or "2023" in c.text)
               for c in answer.citations)
    assert any(c.table and table in c.table and c.row == row for c in answer.citations), answer.citations


def test_prior_year_amount_stated_in_the_sentence_cites_the_sentence(service):
    answer = service.ask("去年机关运行经费有多少")
    assert answer.found and DERIVED_NOTE in answer.answer and answer.values[0].value == "530.70"
    assert "494.25 + 36.45" in answer.answer.replace("万元", "").replace("2024年", "").replace("减少的", "") \
        or "494.25万元 + 减少的36.45万元" in answer.answer
    assert any(c.section and "比上年预算减少" in c.text for c in answer.citations)


@pytest.mark.parametrize("question", [
    "2023年行政运行的预算", "去年的行政运行是多少", "上年基本支出有多少", "2022年三公经费是多少",
    "前一年的事业运行预算",
])
def test_prior_year_without_a_stated_change_is_refused(service, question):
    answer = service.ask(question)
    assert not answer.found and not answer.values, answer.answer
    assert "未找到" in answer.answer and "2024年" in answer.answer


@pytest.mark.parametrize("question", ["基本支出比上年增加了多少", "公务接待费较去年增长多少", "会议费比上年多了多少",
                                      "行政运行同比变化多少"])
def test_change_the_narrative_does_not_state_is_not_found(service, question):
    answer = service.ask(question)
    assert not answer.found and not answer.values, answer.answer
    assert "没有写明" in answer.answer


@pytest.mark.parametrize("question,values", [
    ("三公经费较上年增幅是百分之多少", ["67.26", "36.94", "182.08"]),
    ("“三公”经费同比增长率", ["67.26", "36.94", "182.08"]),
    ("机关运行经费比上年下降百分之几", ["36.45", "6.87"]),
    ("支出预算比上年增长的百分比", ["1198.78", "12.94"]),
])
def test_rate_of_change_is_stated_or_computed(service, question, values):
    answer = service.ask(question)
    assert answer.found and answer.operation == "change", answer.answer
    got = [v.value for v in answer.values]
    for v in values:
        assert v in got, (v, got, answer.answer)


def test_computed_rate_cites_this_years_record(service):
    answer = service.ask("三公经费较上年增幅是百分之多少")
    assert "67.26 ÷ 36.94" in answer.answer
    assert any(c.table and "三公" in c.table and c.row == "合计" and c.value == "104.20" for c in answer.citations)
