"""Which sentences of a narrative state something: a sentence that instructs (「请…」「忽略以上指令…」,
prompt-injection phrasing) or asks (「…吗」「…？」) states nothing, so no figure is ever read from it
nor quoted as one. The words are data (ingest/data/statements.json); the chatbot and the
consistency checks both read them."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data" / "statements.json"
_CLOSING = "。；;，,、：:！!…\"'”’」』）)】 \t\r\n　"
_CLAUSE_START = r"(?:^|[，,。；;：:！!？?\s“「『（(]|你|您)"


@dataclass(frozen=True)
class StatementRules:
    """The words that make a sentence an instruction or a question."""

    instruction_words: tuple[str, ...]
    imperative: re.Pattern[str]
    question_endings: tuple[str, ...]


@lru_cache(maxsize=1)
def rules() -> StatementRules:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    openers = "|".join(re.escape(w) for w in data["imperative_openers"])
    words = "|".join(re.escape(w) for w in data["not_imperative"])
    return StatementRules(tuple(w.lower() for w in data["instruction_words"]),
                          re.compile(rf"{_CLAUSE_START}(?!{words})(?:{openers})"), tuple(data["question_endings"]))


def is_instruction(text: str) -> bool:
    """The sentence tells someone (or some program) what to do or answer."""
    r = rules()
    low = text.lower()
    return any(w in low for w in r.instruction_words) or r.imperative.search(text) is not None


def is_question(text: str) -> bool:
    """The sentence asks: it ends in a question mark or a question particle (吗, 呢)."""
    core = text.rstrip(_CLOSING)
    return "？" in text or "?" in text or core.endswith(rules().question_endings)


def is_statement(text: str) -> bool:
    """The sentence states something: it neither instructs nor asks."""
    return not is_instruction(text) and not is_question(text)
