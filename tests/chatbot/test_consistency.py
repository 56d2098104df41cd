"""Whole-disclosure consistency questions: the summary of ingest.checks, cited."""
from __future__ import annotations

from decimal import Decimal

import pytest

from chatbot.execute.consistency import examples
from ingest.checks import Check

GLOBAL_PHRASINGS = [
    "数据是否一致？",
    "这份预算表格之间对得上吗",
    "勾稽关系有没有问题",
    "表格数据有错吗",
    "各张表的数字能对上吗",
    "报表之间的数据准确吗",
    "预算公开的数据有没有错误",
]


def counts(answer) -> tuple[int, int]:
    by = {v.label: int(v.value) for v in answer.values if v.unit == "项"}
    total = next(n for label, n in by.items() if label.endswith("检查项数"))
    passed = next(n for label, n in by.items() if label.endswith("通过项数"))
    return total, passed


@pytest.mark.parametrize("question", GLOBAL_PHRASINGS)
def test_consistency_question_summarises_all_checks(service, question):
    answer = service.ask(question)
    assert answer.found and answer.operation == "check", answer.answer
    total, passed = counts(answer)
    assert total >= 100 and passed == total
    assert f"共{total}项检查，{passed}项通过" in answer.answer
    assert "全部一致" in answer.answer and "不一致" not in answer.answer


def test_all_consistent_cites_representative_checks(service):
    answer = service.ask("数据是否一致？")
    tables = {c.table for c in answer.citations if c.table}
    assert len(tables) >= 2 and all(c.value for c in answer.citations if c.table)
    assert any(c.row == "收入总计" for c in answer.citations) and any(c.row == "支出总计" for c in answer.citations)


@pytest.mark.parametrize("question", ["三公经费各项加起来对不对", "收入总计和支出总计是否相等"])
def test_question_naming_figures_keeps_the_figure_check(service, question):
    answer = service.ask(question)
    assert answer.operation == "check" and "项检查" not in answer.answer


def test_narrative_question_with_shi_fou_is_not_a_consistency_question(service):
    answer = service.ask("今年是否举办节庆、晚会等活动")
    assert "项检查" not in answer.answer


def test_tampered_total_is_reported_inconsistent_with_its_cell(altered_service):
    answer = altered_service.ask("数据是否一致？")
    assert answer.found and answer.operation == "check"
    total, passed = counts(answer)
    assert passed < total and "不一致" in answer.answer and "全部一致" not in answer.answer
    assert "140.20" in answer.answer and "104.20" in answer.answer
    assert any(c.table and "三公" in c.table and c.row == "合计" and c.column == "小计" and c.value == "140.20"
               for c in answer.citations), answer.citations


def test_tampered_total_also_fails_against_the_narrative(altered_service):
    answer = altered_service.ask("勾稽关系有没有问题")
    quoted = [c for c in answer.citations if c.section]
    assert any("104.20" in (c.text or "") for c in quoted), answer.citations


def _check(category: str, n_cells: int, passed: bool = True) -> Check:
    return Check(category, f"{category}{n_cells}", Decimal(1), Decimal(1 if passed else 2), [None] * n_cells)  # type: ignore[list-item]


def test_examples_pick_one_per_category_with_fewest_cells():
    checks = [_check("表内", 3), _check("表间", 5), _check("表间", 2), _check("科目层级", 4),
              _check("说明与表格", 1, passed=False), _check("合计行", 6)]
    assert [c.name for c in examples(checks)] == ["表间2", "合计行6", "表内3"]


def test_an_answer_citing_a_cell_of_a_failing_check_says_so(altered_service, service):
    altered = altered_service.ask("三公经费合计是多少？")
    assert altered.found and "注意：" in altered.answer and "见 budgetqa check" in altered.answer, altered.answer
    clean = service.ask("三公经费合计是多少？")
    assert clean.found and "注意：" not in clean.answer, clean.answer


def test_an_answer_citing_only_consistent_cells_carries_no_note(altered_service):
    answer = altered_service.ask("办公费是多少？")
    assert answer.found and "注意：" not in answer.answer, answer.answer
