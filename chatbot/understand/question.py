"""A question read once into a typed query: its scope (years, compared years, 预算/决算, organisations,
单位 level), the departments it names (for routing), its asks (one part per ask of a two-part question,
each with its own scope) and the words of a ranking (direction, top N). The service reads it, routes on
it and hands it on; an engine answers each part from it, and comparisons across documents derive their
wording from it — nothing downstream reads the raw text again for scope, parts or names."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from chatbot.understand.canonical import canonical_question
from chatbot.understand.query import Scope, detect_n, detect_scope, normalize_question

_JOINERS = "的和与跟及、"


@dataclass(frozen=True)
class Named:
    """A department the question names, and where (a span of the normalized question)."""

    department: str
    start: int
    end: int


@dataclass(frozen=True)
class Part:
    """One ask of a question: its words as asked (a later part borrows the first part's year) and what
    they say about the disclosure."""

    question: str
    text: str                      # normalized
    scope: Scope = field(default_factory=Scope)

    def reworded(self, text: str, **scope: Any) -> Part:
        """The same ask in other words built by code (a department's name taken out, the 预算/决算 words
        dropped), its scope changed only as said."""
        return Part(text, normalize_question(text), replace(self.scope, **scope))


@dataclass(frozen=True)
class Asked:
    """A question read once (see the module docstring)."""

    question: str
    text: str                      # normalized
    scope: Scope
    parts: tuple[Part, ...]
    named: tuple[Named, ...] = ()
    ascending: bool = False        # 最少/最低: a ranking from the bottom
    n: int | None = None           # 前N

    @property
    def empty(self) -> bool:
        return not self.text

    @property
    def whole(self) -> Part:
        """The question as one ask (what routing and comparisons across documents read)."""
        return self.parts[0] if len(self.parts) == 1 else Part(self.question, self.text, self.scope)

    @property
    def spans(self) -> dict[tuple[int, int], list[str]]:
        """Where the question names departments → the departments each span may be."""
        out: dict[tuple[int, int], list[str]] = {}
        for n in self.named:
            out.setdefault((n.start, n.end), []).append(n.department)
        return out

    def without_departments(self) -> Part:
        """The whole ask with the departments' names (and a 的/和 joining them) taken out, and the
        organisations inside those names dropped from its scope."""
        text = self.text
        spans = sorted({(n.start, n.end) for n in self.named}, reverse=True)
        for start, end in spans:
            while end < len(text) and text[end] in _JOINERS:
                end += 1
            text = text[:start] + text[end:]
        orgs = tuple(o for o in self.scope.orgs if not self._in_a_name(o))
        return self.whole.reworded(text, orgs=orgs)

    def _in_a_name(self, org: str) -> bool:
        """The organisation is (part of) a department's name the question says, or holds one."""
        i = self.text.find(org)
        return any(n.start <= i < n.end or (i <= n.start and n.end <= i + len(org)) for n in self.named)

    def describe(self) -> dict[str, Any]:
        """How the question was read, for `ask --json` and the eval report."""
        out: dict[str, Any] = {}
        if self.named:
            out["departments"] = list(dict.fromkeys(n.department for n in self.named))
        for key, value in (("years", self.scope.years), ("compared_years", self.scope.compared_years),
                           ("kinds", self.scope.kinds), ("levels", self.scope.levels)):
            if value:
                out[key] = list(value)
        if len(self.parts) > 1:
            out["parts"] = [p.question for p in self.parts]
        return out


Departments = Callable[[str, tuple[str, ...]], list[Named]]


def read_question(question: str, patterns: dict[str, Any], departments: Departments | None = None) -> Asked:
    """The question read once: its scope, its parts and (given `departments`, the store's directory of
    names) the departments it names. The question is first put in its one written form (chatbot.understand.canonical:
    years, width, lead-ins and particles), which `Asked.question` keeps."""
    question = canonical_question(question, patterns)
    text = normalize_question(question)
    scope = read_scope(text, patterns)
    pieces = split_asks(question, patterns)
    parts = (Part(question, text, scope),) if len(pieces) == 1 else tuple(
        Part(p, t, read_scope(t, patterns)) for p in pieces if (t := normalize_question(p)))
    named = tuple(departments(text, scope.orgs)) if departments and text else ()
    if named:
        scope = _cut_at_names(text, scope, named)
        parts = tuple(replace(p, scope=_cut_at_names(text, p.scope, named)) for p in parts)
    return Asked(question, text, scope, parts or (Part(question, text, scope),), named,
                 ascending=any(w in text for w in patterns["ascending"]), n=detect_n(text))


def _cut_at_names(text: str, scope: Scope, named: tuple[Named, ...]) -> Scope:
    """The organisations read by pattern, each cut at the start of a department's name it holds (the
    words before a linked name — 「按功能分类看，」「请问」 — are never part of an organisation), and one
    that lies inside a linked name read as that name, as said."""
    orgs = []
    for org in scope.orgs:
        i = text.find(org)
        inside = [n for n in named if i >= 0 and n.start <= i and i + len(org) <= n.end]
        if inside:         # a piece of a linked name (「江苏人大常委」 of 「江苏人大常委会办公厅」): the name as said
            orgs.append(text[inside[0].start:inside[0].end])
            continue
        cut = min((n.start for n in named if i < n.start < i + len(org) and n.end <= i + len(org)), default=None)
        orgs.append(text[cut:i + len(org)] if i >= 0 and cut is not None else org)
    return replace(scope, orgs=tuple(dict.fromkeys(orgs)))


def read_scope(text: str, patterns: dict[str, Any]) -> Scope:
    """What the (normalized) words say about the disclosure, 单位 level included (单位预算, 本级)."""
    levels = ("单位",) if any(w in text for w in patterns["unit_level_words"]) else ()
    return replace(detect_scope(text, patterns), levels=levels)


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
