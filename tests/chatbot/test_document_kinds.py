"""Documents beside the yearly disclosures (a standalone 项目支出绩效目标表, a 绩效自评表 …) are stored as
what they are and never stand in for the department's 预算 or 决算: a budget question about a department
holding both is answered from its budget."""
from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parents[1] / "data"
TARGETS = DATA / "breadth" / "identity" / "长沙_长沙市信访局_2026_项目支出绩效目标表.pdf"
BUDGET = DATA / "real" / "湖南长沙_长沙市信访局_2026_部门预算.pdf"


@pytest.fixture(scope="module")
def beside(tmp_path_factory: pytest.TempPathFactory):
    from chatbot.service import open_service
    from ingest.pipeline import ingest_paths

    root = tmp_path_factory.mktemp("kinds-store")
    summary = ingest_paths([TARGETS, BUDGET], root)
    assert not summary.failed, summary.line()
    svc = open_service(root)
    yield svc
    svc.close()


def test_the_targets_table_is_stored_as_its_own_kind_beside_the_budget(beside):
    kinds = {(d.department, d.year, d.kind) for d in beside.documents}
    assert kinds == {("长沙市信访局", 2026, "绩效目标"), ("长沙市信访局", 2026, "预算")}


@pytest.mark.parametrize("question", ["长沙市信访局2026年三公经费是多少", "长沙信访局的支出总计是多少"])
def test_a_budget_question_is_answered_from_the_budget_not_the_targets_table(beside, question):
    answer = beside.ask(question)
    assert answer.found, answer.answer
    budget = next(d for d in beside.documents if d.kind == "预算")
    assert {c.document_id for c in answer.citations if c.document_id} == {budget.id}, answer.citations
