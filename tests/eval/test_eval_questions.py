"""The sample question set: schema, size, coverage of categories, and golds as derive_sample.py makes them."""
from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from decimal import Decimal

import pytest

from eval.runner import DEFAULT_QUESTIONS, QUESTIONS_DIR, load_questions
from eval.score import CATEGORIES, QuestionError

QUESTIONS = load_questions(DEFAULT_QUESTIONS)


def test_every_line_has_the_fields():
    for line in DEFAULT_QUESTIONS.read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        assert {"id", "category", "question", "expected"} <= d.keys()
        assert {"values", "unit", "texts", "rows", "found"} <= d["expected"].keys()


def test_at_least_200_questions():
    assert len(QUESTIONS) >= 200


@pytest.mark.parametrize("category", CATEGORIES)
def test_every_category_has_at_least_10_questions(category):
    assert Counter(q.category for q in QUESTIONS)[category] >= 10


def test_questions_are_not_repeated():
    assert len({q.question for q in QUESTIONS}) == len(QUESTIONS)


def test_refusals_expect_nothing_found_and_others_an_answer():
    for q in QUESTIONS:
        assert q.expected.found is (q.category != "refusal"), q.id
        if not q.expected.found:
            assert not q.expected.values and not q.expected.rows, q.id


def test_shares_are_percentages_to_two_decimals():
    shares = [q for q in QUESTIONS if q.category == "share"]
    for q in shares:
        assert q.expected.unit == "%" and all(Decimal(v).as_tuple().exponent == -2 for v in q.expected.values), q.id


def test_narrative_questions_name_their_passage():
    for q in QUESTIONS:
        if q.category == "narrative":
            assert q.expected.chunk_contains, q.id


def test_questions_file_is_what_derive_sample_writes():
    out = subprocess.run([sys.executable, str(QUESTIONS_DIR / "derive_sample.py")], capture_output=True, text=True,
                         check=True, encoding="utf-8")
    assert out.stdout == DEFAULT_QUESTIONS.read_text(encoding="utf-8")


def test_load_questions_names_the_bad_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    good = DEFAULT_QUESTIONS.read_text(encoding="utf-8").splitlines()[0]
    path.write_text(good + "\n" + good + "\n", encoding="utf-8")
    with pytest.raises(QuestionError, match=r"bad.jsonl:2: duplicate id"):
        load_questions(path)
