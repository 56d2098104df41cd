"""Fixtures for the app's tests: `app.py` importable from the project root, and `appserver` (the real
server and synthetic disclosures) from this folder; a small question set."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
for path in (ROOT, HERE):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

# five questions of the sample set (lookup ×2, sum, narrative, refusal): an evaluation in seconds
SMALL_QUESTION_IDS = ("lookup-001", "lookup-002", "sum-001", "narrative-001", "refusal-001")


@pytest.fixture(scope="session")
def small_questions(tmp_path_factory) -> Path:
    """The SMALL_QUESTION_IDS lines of eval/questions/sample.jsonl, as their own question file."""
    from eval.runner import DEFAULT_QUESTIONS

    lines = [line for line in DEFAULT_QUESTIONS.read_text(encoding="utf-8").splitlines()
             if line.strip() and json.loads(line)["id"] in SMALL_QUESTION_IDS]
    assert len(lines) == len(SMALL_QUESTION_IDS)
    path = tmp_path_factory.mktemp("questions") / "small.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path

