"""A conversation over the store: a follow-up borrows what the last question fixed — department, year,
item (「2023年呢？」「深圳的呢？」「其中公务接待费呢？」) — and the answer says what it borrowed; a greeting
gets what the store holds and example questions that work on it. One Conversation per chat session
(the app keeps one per browser session, `budgetqa chat` one per run); the words are data
(patterns.json → conversation)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chatbot.answer import Answer
from chatbot.understand.question import Asked

if TYPE_CHECKING:
    from chatbot.service import Service

_YEAR = re.compile(r"(?:19|20)\d\d年")
_HAN = re.compile(r"[\u4e00-\u9fff]{2,}")


@dataclass(frozen=True)
class Fixed:
    """What an answered question fixed: the department as said, its years, and its item (the question
    without department and years)."""

    department: str
    years: tuple[int, ...]
    item: str


class Conversation:
    """Questions asked one after another (see the module docstring)."""

    def __init__(self, service: Service) -> None:
        self.service = service
        self.words: dict[str, Any] = service.patterns["conversation"]
        self.fixed: Fixed | None = None

    def ask(self, text: str) -> Answer:
        """The answer to the next turn: a greeting's reply, a follow-up completed from the last
        question (saying what it borrowed), or the question as asked."""
        if self._greets(text):
            return self.greeting(text)
        asked = self.service.read(text)
        composed, borrowed = self._completed(text, asked)
        if composed is None:
            answer = self.service.ask(text)
            self._remember(asked)
            return answer
        answer = self.service.ask(composed)
        said = "、".join(f"{k}：{v}" for k, v in borrowed.items())
        answer.answer = f"（沿用上一问的{said}，按「{composed}」回答）{answer.answer}"
        answer.question = text
        answer.reading = {**answer.reading, "borrowed": borrowed, "completed": composed}
        self._remember(self.service.read(composed))
        return answer

    def replay(self, questions: list[str]) -> None:
        """Take up a conversation from its earlier questions (a chat's history): each read — not
        answered — so that the next follow-up borrows what the last of them fixed."""
        for text in questions:
            if self._greets(text):
                continue
            asked = self.service.read(text)
            composed, _ = self._completed(text, asked)
            self._remember(self.service.read(composed) if composed else asked)

    # -- follow-ups ---------------------------------------------------------------------------
    def _completed(self, text: str, asked: Asked) -> tuple[str | None, dict[str, str]]:
        """The follow-up written out whole from the last question, and what it borrowed; (None, {})
        when the text is a question of its own."""
        if self.fixed is None or asked.empty:
            return None, {}
        marked = bool(re.search(self.words["follow_up"], text.strip()))
        named = asked.named
        several = len(self.service.directory.departments) > 1
        item = self._item_of(asked)
        if not marked and (named or not several or not item or self.service.asks_across(asked.text)
                           or len({d.department for d in self.service.directory.routed(asked.text)}) == 1):
            return None, {}      # names or routes to its own department, or asks across them: its own question
        borrowed: dict[str, str] = {}
        department = asked.text[named[0].start:named[0].end] if named else ""
        if not department and self.fixed.department:
            department = self.fixed.department
            borrowed["部门"] = department
        years = asked.scope.years
        if not years and self.fixed.years:
            years = self.fixed.years
            borrowed["年度"] = "、".join(f"{y}年" for y in years)
        if not item:
            item = self.fixed.item
            borrowed["项目"] = item
        if not borrowed:
            return None, {}
        year_words = "".join(f"{y}年" for y in years)
        if not re.search(self.words["asks"], item):
            item += "是多少"
        return f"{department}{year_words}{item}", borrowed

    def _item_of(self, asked: Asked) -> str:
        """The question's own item: its words without departments, years and follow-up words."""
        text = _YEAR.sub("", asked.without_departments().text)
        text = re.sub(self.words["strip"], "", text)
        return text if _HAN.search(text) else ""

    def _remember(self, asked: Asked) -> None:
        item = self._item_of(asked)
        named = asked.named
        department = asked.text[named[0].start:named[0].end] if named else (
            self.fixed.department if self.fixed else "")
        if item:            # a store of one department: its questions need not name it
            self.fixed = Fixed(department, asked.scope.years, item)

    # -- greetings ------------------------------------------------------------------------------
    def _greets(self, text: str) -> bool:
        return re.sub(r"[\s，,。.！!？?~～]+", "", text).lower() in self.words["greetings"]

    def greeting(self, text: str) -> Answer:
        """What the store holds and a few questions that work on it."""
        examples = example_questions(self.service, self.words["examples"])
        listed = "".join(f"\n{i}. {q}" for i, q in enumerate(examples, 1))
        holdings = self.service.directory.holdings()
        reply = self.words["greeting_reply"].format(holdings=holdings or "（空）") + \
            (f"可以这样问：{listed}" if listed else "")
        return Answer(question=text, answer=reply, found=False, operation="greeting",
                      reading={"examples": examples})


def example_questions(service: Service, templates: list[str], k: int = 3) -> list[str]:
    """Up to k questions built from the store's newest documents — the latest year, 预算 before 决算,
    the last added first, so an upload's examples are about it — that the service answers (each one
    asked once, here: an example that would be refused is never offered)."""
    docs = sorted(service.documents, key=lambda d: (d.year or 0, d.kind == "预算", d.id), reverse=True)
    out: list[str] = []
    several = len(service.directory.departments) > 1
    for template in templates:
        if "{department}" not in template and not several:
            continue
        for doc in docs[:3]:
            if not doc.department or not doc.year:
                continue
            question = template.format(department=doc.department, year=doc.year)
            if question not in out and service.ask(question).found:
                out.append(question)
                break
        if len(out) >= k:
            break
    return out
