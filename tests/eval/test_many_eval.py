"""The question set over many documents (eval/derive_many.py): the derivation is deterministic and the
committed files are its output; `ensure_store` builds the store a question set's corpus file names."""
from __future__ import annotations

import json
from pathlib import Path

from eval import derive_many, synth
from eval.runner import DEFAULT_QUESTIONS, corpus_file, ensure_store, load_questions
from ingest.store.store import Store

MANY = derive_many.QUESTIONS_DIR / "many.jsonl"
MANY_CORPUS = derive_many.QUESTIONS_DIR / "many.corpus.json"


def test_derivation_is_deterministic():
    assert derive_many.derive() == derive_many.derive()


def test_committed_files_are_a_fresh_derivation():
    """Regenerate with `python -m eval.derive_many` after changing the derivation."""
    corpus, lines = derive_many.derive()
    assert MANY_CORPUS.read_text(encoding="utf-8") == corpus
    assert MANY.read_text(encoding="utf-8") == lines


def test_main_writes_both_files(tmp_path):
    assert derive_many.main(["--out", str(tmp_path)]) == 0
    assert (tmp_path / "many.jsonl").read_bytes() == MANY.read_bytes()
    assert (tmp_path / "many.corpus.json").read_bytes() == MANY_CORPUS.read_bytes()


def test_questions_follow_the_schema_and_cover_the_categories():
    questions = load_questions(MANY)
    assert 50 <= len(questions) <= 70
    categories = {q.category for q in questions}
    assert {"lookup", "change", "ranking", "difference", "ambiguous", "refusal"} <= categories
    assert len({q.question for q in questions}) == len(questions)


def test_sample_figures_are_golds_of_the_sample_question_set():
    derive_many.check_sample()


def test_corpus_file_is_the_sibling_of_the_question_file():
    assert corpus_file(MANY) == MANY_CORPUS
    assert corpus_file(DEFAULT_QUESTIONS) is None
    assert corpus_file(None) is None


def test_ensure_store_ingests_exactly_the_corpus(tmp_path):
    """A question file with a corpus file beside it: an empty store gets those documents, no other
    (not the bundled sample); a store that holds documents is left alone."""
    specs = [{"seed": "tiny", "index": 0, "city": "长沙市", "bureau": "财政局", "year": 2024, "kind": "预算"},
             {"seed": "tiny", "index": 1, "city": "株洲市", "bureau": "民政局", "year": 2023, "kind": "预算"}]
    questions = tmp_path / "tiny.jsonl"
    questions.write_text("", encoding="utf-8")
    (tmp_path / "tiny.corpus.json").write_text(json.dumps(specs, ensure_ascii=False), encoding="utf-8")
    titles = {synth.generate(s["seed"], s["index"], kind=s["kind"], city=s["city"], bureau=s["bureau"],
                             year=s["year"]).title for s in specs}
    store_dir = tmp_path / "store"
    assert ensure_store(store_dir, questions) is True
    store = Store(Path(store_dir) / "budgetqa.sqlite")
    try:
        documents = store.documents()
    finally:
        store.close()
    assert {d.title for d in documents} == titles == {"长沙市财政局2024年部门预算", "株洲市民政局2023年部门预算"}
    assert len(documents) == 2
    assert ensure_store(store_dir, questions) is False
