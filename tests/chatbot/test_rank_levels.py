"""A ranking's level and domain however the level is said: 哪几类, 前两类, 前3款 read as the 类 or 款
level; a functional ranking never runs over economic-classification rows (30102 津贴补贴 is no
functional 款), over every real document that prints both."""
from __future__ import annotations

import pytest

from chatbot.lexicon import load_patterns
from chatbot.understand.query import detect_level


@pytest.mark.parametrize("said, level", [
    ("支出最多的是哪几类", "类"), ("支出前两类是什么", "类"), ("哪五个类支出最多", "类"), ("前3类", "类"),
    ("功能支出最多的前2款", "款"), ("哪几款支出最多", "款"),
    ("哪几项支出最多", None), ("前三个项目", None),
])
def test_a_level_said_with_a_number_or_question_word_is_that_level(said, level):
    assert detect_level(said, load_patterns()) == level


@pytest.mark.parametrize("asked", ["{d}2026年功能分类支出最多的前两款", "{d}2026年按功能科目看，支出最多的是哪几款"])
def test_a_functional_ranking_cites_functional_codes_only(real, asked):
    departments = sorted({d.department for d in real.documents if d.year == 2026 and d.kind == "预算"})
    answered = 0
    for department in departments:
        answer = real.ask(asked.format(d=department))
        codes = [c.code for c in answer.citations if c.code]
        assert not any(c.startswith(("3", "5")) for c in codes), (department, answer.answer)
        answered += answer.found
    assert answered >= 3      # the behaviour is exercised, not only refused
