"""A conversation over the real corpus: a follow-up borrows the department, year or item the last
question fixed, says what it borrowed and gets the answer the whole question gets; a question of its
own borrows nothing; a greeting lists what the store holds and examples that work; `budgetqa chat`
does the same one turn per stdin line."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from chatbot.conversation import Conversation


def values(answer) -> list[str]:
    return [v.value for v in answer.values]


@pytest.mark.parametrize("first, follow_up, whole, borrowed", [
    ("烟台市审计局2026年三公经费是多少", "其中公务接待费呢？", "烟台市审计局2026年公务接待费是多少", {"部门", "年度"}),
    ("苏州审计局26年差旅费多少钱", "那烟台审计局的呢", "烟台审计局2026年差旅费是多少", {"年度", "项目"}),
    ("重庆水利局2026年基本支出是多少", "项目支出呢", "重庆水利局2026年项目支出是多少", {"部门", "年度"}),
])
def test_a_follow_up_gets_the_whole_questions_answer_and_says_what_it_borrowed(real, first, follow_up, whole,
                                                                            borrowed):
    chat = Conversation(real)
    assert chat.ask(first).found
    answer = chat.ask(follow_up)
    direct = real.ask(whole)
    assert answer.found and direct.found and values(answer) == values(direct), answer.answer
    assert set(answer.reading["borrowed"]) == borrowed and answer.answer.startswith("（沿用上一问的")
    assert answer.question == follow_up


def test_a_question_of_its_own_borrows_nothing(real):
    chat = Conversation(real)
    chat.ask("烟台市审计局2026年三公经费是多少")
    for own in ("北京市审计局2026年差旅费是多少", "哪个部门2026年三公经费最多"):
        answer = chat.ask(own)
        assert "borrowed" not in answer.reading and answer.answer == real.ask(own).answer, own


def test_a_follow_up_before_any_question_is_asked_as_it_stands(real):
    answer = Conversation(real).ask("其中公务接待费呢？")
    assert "borrowed" not in answer.reading and not answer.values


def test_a_greeting_says_what_is_held_and_offers_questions_that_work(real):
    answer = Conversation(real).ask("你好！")
    assert answer.operation == "greeting" and "库中有" in answer.answer
    examples = answer.reading["examples"]
    assert len(examples) == 3 and all(q in answer.answer for q in examples)
    assert all(real.ask(q).found for q in examples)


def test_budgetqa_chat_answers_one_turn_a_line_with_what_it_borrowed(real):
    turns = "烟台市审计局2026年三公经费是多少\n其中公务接待费呢\n"
    out = subprocess.run([sys.executable, "-m", "chatbot.cli", "chat", "--store", str(real.store_dir), "--json"],
                         input=turns, capture_output=True, text=True, timeout=300, check=True).stdout
    answers = [json.loads(line) for line in out.splitlines()]
    assert len(answers) == 2 and answers[0]["found"] and answers[1]["found"]
    assert answers[1]["reading"]["borrowed"]["部门"] == "烟台市审计局"
