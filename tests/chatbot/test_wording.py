"""Refusals are worded in one place (chatbot/wording/refusals.py from chatbot/data/refusals.json): each
template is used by the code and filled with exactly its slots, no module words a refusal of its own,
and refusals over a real store say what was not found and what the store holds."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from chatbot.wording.refusals import refusal_text, slots_of, templates

CHATBOT = Path(__file__).parents[2] / "chatbot"
SOURCES = {p: p.read_text(encoding="utf-8") for p in CHATBOT.rglob("*.py")}


def _keys_used() -> set[str]:
    text = "".join(SOURCES.values())
    return set(re.findall(r'\b(?:refuse|refusal_text)\(\s*"(\w+)"', text))


def test_every_refusal_the_code_makes_has_a_template_and_every_template_is_used():
    used = _keys_used()
    assert used <= set(templates()), used - set(templates())
    assert set(templates()) <= used, set(templates()) - used


@pytest.mark.parametrize("key", sorted(templates()))
def test_a_template_filled_with_its_slots_leaves_no_slot_unfilled(key):
    text = refusal_text(key, **{name: "〈X〉" for name in slots_of(key)})
    assert text and "{" not in text and "}" not in text


def test_a_refusal_missing_a_slot_is_a_bug_not_a_half_sentence():
    with pytest.raises(KeyError, match="holdings"):
        refusal_text("unheld_scope", missing="2019年")


def test_no_module_words_a_refusal_of_its_own():
    words = re.compile(r'f?"[^"\n]*(?:未找到|未计算|未能确定|无法比较)[^"\n]*"')
    offenders = {p.name: words.findall(t) for p, t in SOURCES.items()
                 if "wording" not in p.parts and words.findall(_code_only(t))}
    assert not offenders, offenders


def _code_only(text: str) -> str:
    """The source without docstrings and comments (they may quote a refusal as an example)."""
    text = re.sub(r'"""[\s\S]*?"""', "", text)
    return re.sub(r"#[^\n]*", "", text)


@pytest.mark.parametrize("question, key, said", [
    ("", "empty_question", {}),
    ("长沙市工业和信息化局2019年差旅费是多少", "unheld_scope", {"missing": "2019年"}),
    ("工信局科目编码3029901的支出是多少", "unknown_code", {"codes": "3029901"}),
])
def test_refusals_over_the_sample_say_what_is_missing_and_what_is_held(service, question, key, said):
    answer = service.ask(question)
    assert not answer.found and not answer.values
    holdings = service.engine(service.documents).holdings()
    slots = {"holdings": holdings, **said}
    assert answer.answer == refusal_text(key, **{k: v for k, v in slots.items() if k in slots_of(key)})
