"""A question with two asks (「三公经费是多少？其中因公出国（境）费多少？」「…安排了多少，涉及几个项目？」): its parts
(chatbot.understand.question reads them) each answered on its own, the answers joined here so that every part is
answered or said not found."""
from __future__ import annotations

from collections.abc import Sequence

from chatbot.answer import Answer


def join_answers(question: str, answers: Sequence[Answer]) -> Answer:
    """One answer of the parts' answers: found only when every part is; every part's text, values and
    citations in order."""
    text = "".join(f"（{i}）{a.answer}" for i, a in enumerate(answers, 1))
    values = [v for a in answers for v in a.values]
    cites = list(dict.fromkeys(c for a in answers for c in a.citations))
    found = all(a.found for a in answers)
    return Answer(question, text, found, values if found else [], cites, operation=answers[0].operation or "lookup",
                  candidates=[c for a in answers for c in a.candidates],
                  reading={"plan": "+".join(str(a.reading.get("plan", "")) for a in answers)})
