"""The question set over the real disclosures (eval/derive_real.py): deterministic, committed as derived,
every question parsed by the runner, the corpus the files of tests/data/real/."""
from __future__ import annotations

import json

from eval import derive_real
from eval.runner import REPO, corpus_file, load_questions, optional_files

REAL = derive_real.QUESTIONS_DIR / "real.jsonl"
REAL_CORPUS = derive_real.QUESTIONS_DIR / "real.corpus.json"


def test_committed_files_are_a_fresh_derivation():
    """Regenerate with `python -m eval.derive_real` after tests/data/real/questions.jsonl changes."""
    q_text, c_text = derive_real.render(*derive_real.derive())
    assert REAL.read_text(encoding="utf-8") == q_text
    assert REAL_CORPUS.read_text(encoding="utf-8") == c_text


def test_every_real_question_is_converted_and_parsed():
    source = [json.loads(t) for t in derive_real.SOURCE.read_text(encoding="utf-8").splitlines() if t.strip()]
    questions = load_questions(REAL)
    assert len(questions) == sum(1 for s in source if "meta" not in s)
    assert all(q.document for q in questions)
    assert {q.category for q in questions} >= {"lookup", "ranking", "refusal", "jue", "zero"}


def test_refusals_expect_nothing_and_zero_questions_accept_an_empty_table():
    for q in load_questions(REAL):
        assert q.expected.found is (q.category != "refusal"), q.id
        assert q.expected.zero is (q.category == "zero"), q.id


def test_the_corpus_is_every_real_file_and_the_scan_may_be_refused():
    assert corpus_file(REAL) == REAL_CORPUS
    entries = json.loads(REAL_CORPUS.read_text(encoding="utf-8"))
    assert all((REPO / e["file"]).is_file() for e in entries)
    assert len(entries) == 21
    assert any(name.endswith("_扫描件.pdf") for name in optional_files(REAL_CORPUS))
