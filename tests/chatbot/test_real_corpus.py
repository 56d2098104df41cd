"""Issue 13 behaviours over the real disclosures of tests/data/real/, all in one store (routing is part of
every test). The store is built once per module by ingesting every file (several minutes); set
BUDGETQA_REAL_STORE to a directory already holding them to reuse it."""
from __future__ import annotations

import os
import re
from decimal import Decimal
from pathlib import Path

import pytest

REAL = Path(__file__).resolve().parents[1] / "data" / "real"


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory):
    from chatbot.service import open_service
    from ingest.pipeline import ingest_paths

    given = os.environ.get("BUDGETQA_REAL_STORE")
    root = Path(given) if given else tmp_path_factory.mktemp("real-store")
    if not (root / "budgetqa.sqlite").exists():
        files = sorted(p for p in REAL.iterdir() if p.suffix in (".pdf", ".xlsx"))
        ingest_paths(files, root)
    svc = open_service(root)
    yield svc
    svc.close()


def figures(text: str) -> list[Decimal]:
    return [Decimal(n.replace(",", "")) for n in re.findall(r"\d+(?:,\d{3})*(?:\.\d+)?", text)]


def states(answer, *values: str) -> bool:
    got = figures(answer.answer) + [Decimal(v.value) for v in answer.values]
    return all(any(abs(g - Decimal(v)) <= Decimal("0.005") for g in got) for v in values)


@pytest.mark.parametrize("question, value", [
    ("普陀区司法局2026年公共安全支出预算多少？", "8726.73"),                       # place cut down (上海市 left out)
    ("普陀区商务委2025年科学技术支出预算是多少？", "1720.00"),                      # 委员会 → 委
    ("普陀区万里街道2024年基本支出是多少？", "9970.60"),                            # 人民政府 and 办事处 left out
    ("苏州审计局2026年“三公”经费预算是多少？", "10.00"),                            # 苏州 without 市
])
def test_a_department_is_found_by_the_names_people_use(real, question, value):
    answer = real.ask(question)
    assert answer.found and states(answer, value), answer.answer


def test_a_date_before_a_name_is_not_part_of_it(real):
    answer = real.ask("截至2025年12月，重庆市水利局所属各预算单位共有多少辆车？")
    assert answer.found and states(answer, "43"), answer.answer


def test_a_yuan_table_is_answered_in_wan_with_the_printed_figure_beside(real):
    answer = real.ask("普陀区司法局2026年公共安全支出预算多少？")
    assert "8,726.73万元（87,267,272.44元）" in answer.answer
    assert any(c.value == "87267272.44" for c in answer.citations)


def test_six_decimal_wan_is_shown_to_two_decimals_and_cited_as_printed(real):
    answer = real.ask("北京市审计局2026年社会保障和就业支出预算是多少？")
    assert "2,559.32万元" in answer.answer and "2,559.323508" in answer.answer, answer.answer


@pytest.mark.parametrize("question, value", [
    ("江苏省高级人民法院2019年“三公”经费预算多少？", "513.75"),     # the 合计 adds 会议费 and 培训费: not 三公
    ("西安市审计局2026年“三公”经费预算是多少？", "10.20"),          # 当年, not 上年 (52.60 with 会议/培训费)
])
def test_sangong_is_the_three_items_not_a_total_with_meetings_and_training(real, question, value):
    answer = real.ask(question)
    assert answer.found and states(answer, value), answer.answer


def test_a_column_of_the_document_year_before_last_years(real):
    answer = real.ask("西安市审计局2026年公务用车运行维护费预算是多少？")
    assert answer.found and answer.answer.startswith("公务用车运行维护费8.20万元"), answer.answer


def test_a_code_is_answered_from_its_row_or_refused(real):
    answer = real.ask("2026年北京市审计局一般公共预算基本支出中，办公费（30201）预算多少？")
    if answer.found:      # the reader gives the row its 部门经济分类 code 30201
        assert states(answer, "89.40") and any(c.code == "30201" for c in answer.citations), answer.answer
    else:                 # no row carries the code: refused, never another row's figure
        assert "30201" in answer.answer


def test_a_blank_cell_of_the_document_year_is_not_answered_with_last_years(real):
    answer = real.ask("国家信访局2026年行政单位医疗（2101101）预算是多少？")
    assert not answer.found or not answer.answer.startswith("行政单位医疗（2101101）218.91"), answer.answer
    assert not answer.found or states(answer, "0"), answer.answer


def test_a_question_with_two_asks_answers_both(real):
    answer = real.ask("普陀区万里街道2024年“三公”经费预算合计多少？其中公务用车购置费多少？")
    assert answer.found and states(answer, "47.91", "25"), answer.answer


@pytest.mark.parametrize("question, name", [
    ("北京市审计局2026年哪一类（功能分类）支出预算最多？", "一般公共服务支出"),   # 类 printed without codes
    ("福州市医疗保障局2026年按功能分类支出最多的前三个类是什么？", "卫生健康支出"),
])
def test_rankings_by_class_name_the_class(real, question, name):
    answer = real.ask(question)
    assert answer.found and name in answer.answer, answer.answer


def test_a_difference_takes_both_figures_from_one_scope(real):
    answer = real.ask("重庆市水利局2026年项目支出比基本支出多多少？")
    assert answer.found and states(answer, "103711.43"), answer.answer


def test_figures_of_disjoint_scopes_are_not_computed_together(real):
    from chatbot.lexicon import load_lexicon
    from chatbot.scopes import nested

    lexicon = load_lexicon()
    assert nested({"三公经费", "全部资金"}, lexicon)
    assert not nested({"政府性基金", "一般公共预算"}, lexicon)


def test_other_departments_and_years_are_still_refused(real):
    assert not real.ask("北京市审计局2021年“三公”经费预算是多少？").found
    assert not real.ask("上海市审计局2023年部门决算的支出总计是多少？").found
