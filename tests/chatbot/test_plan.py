"""The plan table (chatbot.plan): every kind declares what it answers and its slots, every executor
takes exactly those slots, every kind the code plans is in the table, and questions of each kind —
worded here, over the sample and the real corpus — are answered by a plan of that kind."""
from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from chatbot.plan import PLAN_KINDS, Plan, execute

CHATBOT = Path(__file__).parents[2] / "chatbot"


def test_every_plan_kind_says_what_it_answers_and_the_slots_it_needs():
    for kind in PLAN_KINDS.values():
        assert kind.answers and kind.slots, kind.name


def test_every_executor_takes_exactly_the_slots_its_kind_declares():
    for kind in PLAN_KINDS.values():
        if kind.execute is None:        # carried out by the service across documents
            continue
        params = list(inspect.signature(kind.execute).parameters)
        assert params[0] == "e" and tuple(params[1:]) == kind.slots, kind.name


def test_every_kind_the_code_plans_is_in_the_table():
    source = "".join(p.read_text(encoding="utf-8") for p in CHATBOT.rglob("*.py"))
    planned = set(re.findall(r'\bPlan\("(\w+)"', source)) | set(re.findall(r'\bplanned\("(\w+)"', source))
    assert planned and planned <= set(PLAN_KINDS), planned - set(PLAN_KINDS)
    assert set(PLAN_KINDS) <= planned, set(PLAN_KINDS) - planned     # no kind the code never plans


def test_a_plan_whose_executor_declines_without_a_fallback_is_a_bug(service):
    engine = service.engine(service.documents)
    q = engine.understand("差旅费是多少")        # no numbered list is asked of: the executor declines
    with pytest.raises(ValueError, match="listed_count"):
        execute(engine, Plan("listed_count", q))


@pytest.mark.parametrize("question, kind", [
    ("工信局去年三公经费是多少", "prior_year"),
    ("这份预算里的数据之间是否一致", "consistency"),
    ("表里的合计是多少", "bare_total"),
    ("科目编码30201是什么科目", "code_name"),
    ("部门职责一共列了几条", "listed_count"),
    ("长沙工信局的预算是多少", "department_total"),
    ("机关运行经费与上年比增加还是减少了，变化多少", "stated_change"),
    ("本部门共有几辆公务用车", "stated_count"),
    ("政府性基金预算支出有多少", "empty_table"),
    ("办公费和差旅费合起来多少钱", "rows_else_narrative"),
    ("为什么三公经费有变化", "narrative"),
])
def test_a_question_of_each_kind_is_answered_by_a_plan_of_that_kind(service, question, kind):
    answer = service.ask(question)
    assert answer.reading.get("plan") == kind, (answer.reading, answer.answer)


@pytest.mark.parametrize("question, kind", [
    ("26年哪个部门的三公经费最少", "rank_departments"),
    ("苏州审计局和烟台审计局2026年的三公经费比一比", "compare_departments"),
    ("普陀区财政局24年一般行政管理事务的年初预算、决算分别多少", "stages"),
])
def test_questions_across_and_within_real_documents_are_planned_by_kind(real, question, kind):
    answer = real.ask(question)
    assert answer.found and answer.reading.get("plan") == kind, (answer.reading, answer.answer)


def test_the_parts_of_a_two_part_question_each_name_their_plan(service):
    answer = service.ask("差旅费是多少？部门职责一共列了几条？")
    assert answer.reading.get("plan") == "rows_else_narrative+listed_count", answer.reading
