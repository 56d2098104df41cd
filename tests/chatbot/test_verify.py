"""The gate every found answer passes (chatbot.verify): each item word of the question is explained by
what the answer cites, else the answer is a refusal that keeps the figure out of its values."""
from __future__ import annotations

import itertools

import pytest

from chatbot.answer import Answer, Citation, Value
from chatbot.lexicon import load_lexicon
from chatbot.verify import gated, load_gate, unexplained

LEX = load_lexicon()
TABLES = ("财政拨款基本支出表（经济科目）", "2026年一般公共预算支出情况表", "部门支出总体情况表")


def answer(row: str, value: str = "143.37", table: str = TABLES[0], op: str = "lookup") -> Answer:
    cite = Citation(document="某市某局2026年部门预算", page=3, table=table, row=row, column="合计", value=value)
    return Answer("q", f"{row}{value}万元", True, [Value(row, value, "万元")], [cite], operation=op)


# (asked item, cited row): another item the document prints, sharing characters with the asked one
NEAR_MISSES = [("金融支出", "职业年金缴费"), ("事业收入", "财政拨款收入"), ("项目支出", "基本支出"),
               ("国防支出", "国有资产管理"), ("节能环保支出", "环境保护"), ("培训费", "会议费"),
               ("公务接待费", "公务用车运行维护费"), ("医疗保险缴费", "养老保险缴费"),
               ("工程管理中心", "工程管理"), ("机关服务中心", "机关服务")]   # a unit is not its namesake item
# (asked item, cited row): the same item as printed, or as the lexicon prints what people say
SAME_ITEM = [("差旅费", "差旅费"), ("公车购置费", "公务用车购置费"), ("三公经费", "三公经费"),
             ("社会保障和就业支出", "社会保障和就业支出"), ("住房公积金", "住房公积金"), ("公积金", "住房公积金"),
             ("项目支出（专项业务经费）", "项目支出"), ("办公费（30201）", "办公费")]
WORDINGS = ("{y}年{i}是多少", "{y}年度的{i}预算安排了多少钱", "{i}一共有多少", "{y}年财政拨款{i}花了多少",
            "{i}是多少万元")


@pytest.mark.parametrize("item, row", NEAR_MISSES)
def test_a_figure_of_another_item_is_refused_however_asked(item, row):
    for wording, table in itertools.product(WORDINGS, TABLES):
        asked = wording.format(y=2026, i=item)
        got = gated(asked, answer(row, table=table), LEX)
        assert not got.found and got.values == [] and got.operation == "refusal", (asked, got.answer)
        assert row in got.answer    # says what the store printed instead


@pytest.mark.parametrize("item, row", SAME_ITEM)
def test_the_asked_item_passes_however_asked(item, row):
    for wording, table in itertools.product(WORDINGS, TABLES):
        asked = wording.format(y=2026, i=item)
        assert unexplained(asked, answer(row, table=table), LEX) == [], asked
        assert gated(asked, answer(row, table=table), LEX).found


def test_a_year_never_lends_its_character_to_an_item():
    assert unexplained("2026年金融支出是多少", answer("职业年金缴费"), LEX) == ["金融"]


def test_only_figure_answers_are_gated():
    for op in ("rank", "count", "change", "clarify"):
        assert op not in load_gate().operations
        assert gated("金融支出最多的是哪个", answer("职业年金缴费", op=op), LEX).found
    refused = Answer("q", "未找到", False)
    assert gated("金融支出是多少", refused, LEX) is refused


def test_a_funding_scope_asked_must_be_the_cited_table_or_header():
    asked = "2026年一般公共预算差旅费是多少"
    assert unexplained(asked, answer("差旅费", table=TABLES[1]), LEX) == []
    assert unexplained(asked, answer("差旅费", table=TABLES[0]), LEX) != []     # a 财政拨款 table: refused


def quoted(label: str, value: str, text: str) -> Answer:
    cite = Citation(document="某市某局2026年部门预算", page=9, section="四、政府采购情况", text=text)
    return Answer("q", f"{label}：{value}万元", True, [Value(label, value, "万元")], [cite], operation="narrative")


@pytest.mark.parametrize("part", ["服务类", "工程类", "货物类"])
def test_a_quoted_total_does_not_explain_the_parts_beside_it(part):
    text = "2026年本部门政府采购安排51,952.4万元，其中：货物类采购预算4,322.65万元，工程类采购预算267.48万元，服务类采购预算47,362.27万元。"
    for wording in ("2026年政府采购预算中{p}多少", "政府采购里{p}采购预算是多少", "{p}政府采购安排了多少钱"):
        got = gated(wording.format(p=part), quoted("政府采购", "51952.4", text), LEX)
        assert not got.found and not got.values, (wording, got.answer)
    assert gated("2026年政府采购预算是多少", quoted("政府采购", "51952.4", text), LEX).found


@pytest.mark.parametrize("asked", ["公务接待费占三公经费多少", "公务接待费占三公经费的比重", "公务接待费在三公经费中占比多少",
                                   "公务接待费占三公经费百分之几"])
def test_a_share_asked_is_answered_by_a_percentage_or_refused(asked):
    got = gated(asked, answer("公务接待费", table="一般公共预算“三公”经费支出情况表"), LEX)
    assert not got.found and not got.values, got.answer


@pytest.mark.parametrize("first, second", [("出国费用", "接待费"), ("办公费", "印刷费"), ("差旅费", "办公费")])
def test_a_second_sentence_asks_a_second_figure(service, first, second):
    for wording in ("{a}是多少？{b}呢？", "{a}多少；{b}多少", "请问{a}是多少。那{b}呢"):
        got = service.ask(wording.format(a=first, b=second))
        assert got.found and len({v.value for v in got.values}) == 2, (wording, got.answer)
    one = service.ask(f"{first}的{second}是多少")     # one sentence naming one thing: never two figures
    assert not one.found or len({v.value for v in one.values}) == 1, one.answer
