"""A question with two asks (「三公经费是多少？其中因公出国（境）费多少？」「…安排了多少，涉及几个项目？」): split
into its parts, each answered on its own, the answers joined so that every part is answered or said not
found. Pure functions over text; the ask words are data (patterns.json → two_asks)."""
from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from .answer import Answer


def split_asks(question: str, patterns: dict[str, Any]) -> list[str]:
    """The parts of a question that asks two things, each with its own ask word; [question] otherwise.
    A part after the first that names no year borrows the first part's (「2026年…？其中…多少？」)."""
    spec = patterns["two_asks"]
    ask = re.compile(spec["ask"])
    pieces = [p for p in re.split(spec["separator"], question) if p.strip()]
    if len(pieces) < 2 or not all(ask.search(p) for p in pieces):
        return [question]
    year = re.search(r"(?:19|20)\d\d年度?", pieces[0])
    out = [pieces[0]]
    for p in pieces[1:]:
        out.append(p if year is None or re.search(r"(?:19|20)\d\d年", p) else f"{year.group()}{p}")
    return out


def join_answers(question: str, answers: Sequence[Answer]) -> Answer:
    """One answer of the parts' answers: found only when every part is; every part's text, values and
    citations in order."""
    text = "".join(f"（{i}）{a.answer}" for i, a in enumerate(answers, 1))
    values = [v for a in answers for v in a.values]
    cites = list(dict.fromkeys(c for a in answers for c in a.citations))
    found = all(a.found for a in answers)
    return Answer(question, text, found, values if found else [], cites, operation=answers[0].operation or "lookup",
                  candidates=[c for a in answers for c in a.candidates])
