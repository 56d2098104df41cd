"""A department's 部门预算 and its own unit's 单位预算 of the same year are two documents: a question is
answered from the 部门 one unless it asks the 单位预算, and the answer says which was used."""
from __future__ import annotations

from pathlib import Path

import pytest

SAMPLE_TXT = Path(__file__).resolve().parents[2] / "ingest/samples/changsha-gxj-2024.txt"


@pytest.fixture(scope="module")
def both_levels(tmp_path_factory: pytest.TempPathFactory):
    from chatbot.service import open_service
    from ingest.pipeline import ingest_paths

    root = tmp_path_factory.mktemp("levels")
    unit = root / "changsha-gxj-2024-unit.txt"      # the same department's own unit budget, 三公 99.99
    text = SAMPLE_TXT.read_text(encoding="utf-8")
    unit.write_text(text.replace("2024 年部门预算公开", "2024 年单位预算公开", 1).replace("104.20", "99.99"),
                    encoding="utf-8")
    store = root / "store"
    ingest_paths([SAMPLE_TXT, unit], store)
    svc = open_service(store)
    yield svc
    svc.close()


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
