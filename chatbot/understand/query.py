"""Question understanding without a language model: normalize the wording, find the operation,
the ranking level and size, the table kinds named, the scope (department, year, 预算/决算)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from chatbot.lexicon import Lexicon
from chatbot.link.names import without_dates

_FULLWIDTH = str.maketrans("０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ．％()",
                           "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ.%（）")
_DROP = re.compile(r"[\s“”\"‘’'「」『』《》〈〉?？!！。,，;；:：]+")
_NUMERALS = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


@dataclass(frozen=True)
class Scope:
    """What the question says about which disclosure: years, kinds (预算/决算), organisations named."""

    years: tuple[int, ...] = ()
    compared_years: tuple[int, ...] = ()
    kinds: tuple[str, ...] = ()
    orgs: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()   # 单位 when it asks a unit's own budget (单位预算, 本级), else ()


@dataclass(frozen=True)
class Query:
    """A question understood: the operation and its parameters, ready to be resolved against a store."""

    question: str
    text: str                      # normalized wording
    canonical: str                 # budget terms rewritten to their printed form
    operation: str                 # lookup|sum|difference|share|rank|count|change|check
    narrative: bool = False        # asks why/what/which: answer from the narrative
    listing: bool = False          # 分别 …: list the figures, do not add them
    n: int | None = None           # 前N
    position: int | None = None    # 排第N
    rank_of: bool = False          # 排第几: the place of a named item
    ascending: bool = False        # 最少/最低
    level: str | None = None       # 类|款|项
    domain: str | None = None      # project|unit|economic|function
    tables: tuple[str, ...] = ()   # table kinds the question names
    scope_tables: tuple[str, ...] = ()   # table kinds of the scope it names (一般公共预算, 财政拨款), else ()
    asks_number: bool = False
    measure: str | None = None     # 辆/人/次 … : a count the tables do not hold
    scope: Scope = field(default_factory=Scope)
    department: bool = False       # names the department itself (its name or an abbreviation: 工信局)


def normalize_question(question: str) -> str:
    """One form for matching: half-width digits, full-width brackets, no spaces, quotes or punctuation."""
    return _DROP.sub("", question.translate(_FULLWIDTH))


def mask(text: str, phrases: frozenset[str] | set[str]) -> str:
    """Text with known phrases (row labels …) replaced by 「□」, so words inside them
    (「和」 in 「对个人和家庭的补助」) are not read as operations."""
    if not phrases:
        return text
    for p in sorted(phrases, key=len, reverse=True):
        if len(p) >= 2 and p in text:
            text = text.replace(p, "□")
    return text


def detect_operation(text: str, patterns: dict[str, Any]) -> str:
    """The first operation whose pattern fits the (masked) wording; lookup when none does."""
    for op, regexes in patterns["operations"]:
        if any(r.search(text) for r in regexes):
            return op
    return "lookup"


def detect_n(text: str) -> int | None:
    """N of 「前三」「前5名」「最多的三个」 (None when the question does not say)."""
    m = re.search(r"前([一两二三四五六七八九十]|\d+)", text) or re.search(
        r"(?:最多|最大|最高|最少|最低|最小)的?([一两二三四五六七八九十]|\d+)(?:个|项|名|家)", text)
    if not m:
        return None
    g = m.group(1)
    return int(g) if g.isdigit() else _NUMERALS[g]


def detect_position(text: str) -> int | None:
    """N of 「排第二」「第3大」 (a place in a ranking, not a top-N)."""
    m = re.search(r"第([一两二三四五六七八九十]|\d+)(?:名|位|大|多|高|少|低|的)", text) or \
        re.search(r"排第([一两二三四五六七八九十]|\d+)", text)
    if not m:
        return None
    g = m.group(1)
    return int(g) if g.isdigit() else _NUMERALS[g]


def detect_level(text: str, patterns: dict[str, Any]) -> str | None:
    for level, words in patterns["levels"].items():
        if any(w in text for w in words):
            return level
    said = patterns["level_patterns"]
    return next((level for level, pattern in said.items() if not level.startswith("_") and re.search(pattern, text)),
                None)


def asks_number(text: str, patterns: dict[str, Any]) -> bool:
    """The question asks a figure: 「是多少」「几」, or it ends naming an amount (「…的年初预算」「…差旅费」)
    and asks no explanation."""
    if any(w in text for w in patterns["ask_number"]):
        return True
    said = re.sub(r"[\s，,]*(?:(?:19|20)\d\d\s*年?度?|今年|本年)[\s？?。！!]*$", "", text)   # 「机关运行经费 2026」
    return bool(re.search(patterns["ask_number_ending"], said)) and not any(w in text for w in patterns["explain"])


def detect_domain(text: str, patterns: dict[str, Any]) -> str | None:
    """What a ranking or count runs over: projects, units, economic or functional subjects."""
    plain = text.replace("项目支出", "").replace("项目经费", "")
    for domain in ("economic", "function", "project", "unit"):
        if any(w in plain for w in patterns["domains"][domain]):
            return domain
    return None


def detect_scope_tables(text: str, patterns: dict[str, Any]) -> tuple[str, ...]:
    """The table kinds of the funding scope the question names (「一般公共预算的基本支出」), in order."""
    kinds = [k for word, ks in patterns["scope_words"].items() if not word.startswith("_") and word in text
             for k in ks]
    return tuple(dict.fromkeys(kinds))


def detect_scope(text: str, patterns: dict[str, Any]) -> Scope:
    """Years, kinds and organisations the question names; a year after 比/较 is a comparison base."""
    sp = patterns["scope"]
    years, compared = [], []
    for m in sp["year"].finditer(text):
        before = text[max(0, m.start() - 2):m.start()]
        after = text[m.end():m.end() + 1]
        (compared if re.search(r"[比较与从自]|截至|截止|相比", before) or (after and after in "底末") else years).append(
            int(m.group(1)))
    asked = re.sub(sp["compared_kind"], "", text)   # 「比上年执行数增加」 compares with last year, in this budget
    kinds = tuple(k for k, words in sp["kinds"].items() if any(w in asked for w in words))
    orgs = []
    for m in sp["org"].finditer(re.sub(r"(?:19|20)\d\d年?", "，", without_dates(text))):
        name = re.split(r"[年的在和与及里中对为是占比较跟同有]|方面", m.group(1))[-1]
        if len(name) >= 3 and name not in sp["org_ignore"]:
            orgs.append(name)
    return Scope(tuple(years), tuple(compared), kinds, tuple(orgs))


def understand(question: str, lexicon: Lexicon, patterns: dict[str, Any],
               keep: frozenset[str] | set[str] = frozenset(), scope: Scope | None = None) -> Query:
    """Parse a question into a Query. `keep` holds the store's printed labels (kept as they are and
    masked before the operation words are read); `scope`, when the question was read already
    (chatbot.understand.question), is taken as read."""
    text = normalize_question(question)
    canonical = lexicon.canonical(text, keep)
    masked = mask(canonical, set(keep) | set(lexicon.concepts) | set(lexicon.aliases.values()))
    op = detect_operation(masked, patterns)
    narrative = any(w in text for w in patterns["narrative_cues"])
    measure = next((w for w in patterns["narrative_measures"] if re.search(rf"(几|多少)个?{w}", text)), None)
    listing = any(w in text for w in patterns["list"])
    if listing and op == "sum":
        op = "lookup"
    return Query(
        question=question, text=text, canonical=canonical, operation=op, narrative=narrative,
        listing=listing, n=detect_n(text), position=detect_position(text) if op == "rank" else None,
        rank_of=op == "rank" and re.search(r"第几|排名多少|排多少", text) is not None,
        ascending=any(w in text for w in patterns["ascending"]),
        level=detect_level(text, patterns), domain=detect_domain(text, patterns),
        tables=tuple(dict.fromkeys(k for k, _, _ in lexicon.table_hints(text))),
        scope_tables=detect_scope_tables(text, patterns),
        asks_number=asks_number(text, patterns), measure=measure,
        scope=scope if scope is not None else detect_scope(text, patterns))
