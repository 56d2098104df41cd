"""A question read once (chatbot.understand.question): scope, parts and ranking words, from the real patterns."""
from __future__ import annotations

import pytest

from chatbot.lexicon import load_patterns
from chatbot.understand.question import Named, read_question

PAT = load_patterns()


def test_a_two_part_question_reads_as_two_asks_each_with_its_scope():
    asked = read_question("2026年三公经费是多少？其中因公出国（境）费多少？", PAT)
    assert [p.question for p in asked.parts] == ["2026年三公经费是多少", "2026年其中因公出国（境）费多少"]
    assert [p.scope.years for p in asked.parts] == [(2026,), (2026,)]     # the second borrows the year
    assert asked.scope.years == (2026,)
    assert asked.whole.text == asked.text                                  # routing reads the whole question


def test_a_one_part_question_is_its_own_ask():
    asked = read_question("2024年单位预算的三公经费比2023年增加多少", PAT)
    assert len(asked.parts) == 1 and asked.parts[0].scope == asked.scope
    assert asked.scope.years == (2024,) and asked.scope.compared_years == (2023,)
    assert asked.scope.levels == ("单位",)
    assert "三公经费" in asked.text and "？" not in asked.text


def test_the_ranking_words_are_read_with_the_question():
    top = read_question("哪个部门三公经费最多？前三是哪些", PAT)
    assert top.n == 3 and not top.ascending
    assert read_question("哪个部门三公经费最少", PAT).ascending


def test_the_departments_named_are_those_the_directory_finds():
    def directory(text, orgs):
        i = text.find("审计局")
        return [Named("苏州市审计局", i, i + 3)] if i >= 0 else []
    asked = read_question("审计局和财政局2026年三公经费哪个多", PAT, directory)
    assert [n.department for n in asked.named] == ["苏州市审计局"]
    assert asked.spans == {(0, 3): ["苏州市审计局"]}
    rest = asked.without_departments()
    assert rest.text == "财政局2026年三公经费哪个多"
    assert "审计局" not in rest.scope.orgs and "财政局" in rest.scope.orgs   # the named one left the scope
    assert rest.scope.years == (2026,)


def test_an_empty_question_reads_empty():
    asked = read_question("？？ ", PAT)
    assert asked.empty and asked.parts[0].text == ""


@pytest.mark.parametrize("question, name", [
    ("江苏人大常委会办公厅2017年培训费是多少", "江苏人大常委会办公厅"),       # cut at 委 by the pattern
    ("2026年上海应急管理局执法总队的公务用车运行费", "上海应急管理局执法总队"),   # cut after 局
])
def test_pieces_of_a_linked_name_are_read_as_that_name(question, name):
    def departments(text, orgs):
        start = text.find(name)
        return [Named("某" + name, start, start + len(name))] if start >= 0 else []

    asked = read_question(question, load_patterns(), departments)
    assert asked.scope.orgs == (name,), asked.scope.orgs
