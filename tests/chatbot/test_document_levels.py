"""A department's 部门预算 and its own unit's 单位预算 of the same year are two documents: a question is
answered from the 部门 one unless it asks the 单位预算, and the answer says which was used."""
from __future__ import annotations


def test_the_store_holds_one_document_of_each_level(both_levels):
    assert sorted(d.level for d in both_levels.documents) == ["单位", "部门"]
    assert len({d.department for d in both_levels.documents}) == 1


def test_the_department_budget_answers_and_names_itself(both_levels):
    answer = both_levels.ask("长沙市工业和信息化局2024年“三公”经费预算是多少？")
    assert answer.found and "104.20" in answer.answer and "99.99" not in answer.answer, answer.answer
    assert "按长沙市工业和信息化局2024年部门预算回答" in answer.answer and "单位预算" in answer.answer


def test_the_unit_budget_answers_when_asked(both_levels):
    answer = both_levels.ask("长沙市工业和信息化局2024年单位预算的“三公”经费是多少？")
    assert answer.found and "99.99" in answer.answer and "104.20" not in answer.answer, answer.answer
