"""A department's 预算 and 决算 of the same year both stored: 「决算比预算少多少」 reads each figure from its
own document and computes the difference and the share by code."""
from __future__ import annotations


def test_the_store_holds_the_year_as_a_budget_and_a_final_account(both_kinds):
    assert sorted(d.kind for d in both_kinds.documents) == ["决算", "预算"]


def test_final_against_budget_is_computed_from_both_documents(both_kinds):
    answer = both_kinds.ask("长沙市工业和信息化局2024年三公经费决算比预算少多少？")
    assert answer.found, answer.answer
    values = {v.label: v.value for v in answer.values}
    assert values["决算减预算"] == "-8.70" and values["决算占预算"] == "91.65", answer.answer
    assert {c.document for c in answer.citations} == {d.title for d in both_kinds.documents}


def test_each_kind_alone_is_still_answered_from_its_own_document(both_kinds):
    assert "95.50" in both_kinds.ask("长沙市工业和信息化局2024年三公经费决算是多少？").answer
    assert "104.20" in both_kinds.ask("长沙市工业和信息化局2024年三公经费预算是多少？").answer
