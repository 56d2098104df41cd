"""The gate every found answer passes before it is given, apart from whatever produced it: each word
of the question that names an item must be explained by what the answer cites — a cited row, column,
table title, section or quoted sentence, a figure's label, or the printed form the lexicon gives the
word. A word left unexplained (「金融」 asked, 「职业年金缴费」 cited) means the figure answers something
else: the answer becomes a refusal that says what was found instead. Words that name no item (asking,
scope, operations) are data (chatbot/data/verify.json)."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from chatbot.link.catalog import subsequence
from chatbot.understand.query import normalize_question
from chatbot.wording.refusals import refusal_text

from .answer import Answer
from .lexicon import Lexicon

DATA = Path(__file__).parent / "data" / "verify.json"
_NOT_WORDS = re.compile(r"[^\u4e00-\u9fff]+")   # digits, codes, Latin, punctuation: no item words
_YEARS = re.compile(r"(?:19|20)\d\d年(?:度)?|\d+")
_BRACKETS = re.compile(r"[（）()]")             # 「因公出国（境）费」 read as 「因公出国境费」 on both sides
_NOTE = re.compile(r"[（(][^（）()]{2,}[）)]")     # 「项目支出（专项业务经费）」: another name, or a code
MIN_WORD = 2


@dataclass(frozen=True)
class Gate:
    """The function words and the operations whose answers are checked (from verify.json)."""

    function_words: tuple[str, ...]
    operations: frozenset[str]
    several_words: tuple[str, ...] = ()
    edge_particles: str = ""
    scope_words: tuple[str, ...] = ()
    share_words: tuple[str, ...] = ()
    share_patterns: tuple[re.Pattern[str], ...] = ()
    synonyms: tuple[tuple[str, str], ...] = ()
    particle_words: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def load_gate() -> Gate:
    data: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
    words = tuple(sorted(set(data["function_words"]) | _operation_words(data["operation_words_of"]), key=len,
                         reverse=True))
    return Gate(words, frozenset(data["checked_operations"]), tuple(data["several_words"]),
                data["edge_particles"], tuple(data["scope_words"]), tuple(data["share_words"]),
                tuple(re.compile(p) for p in data["share_patterns"]), _synonyms(),
                tuple(data["particle_words"]["words"]))


def _operation_words(operations: list[str]) -> set[str]:
    """The plain words (not patterns) the reader takes as these operations (加起来, 合起来, 相差 …): words
    that ask for a computation name no item, however the question says them."""
    from .lexicon import load_patterns

    return {p.pattern for op, compiled in load_patterns()["operations"] if op in operations for p in compiled
            if len(p.pattern) >= 2 and not re.search(r"[\\.*+?()\[\]|{}^$]", p.pattern)}


def _synonyms() -> tuple[tuple[str, str], ...]:
    """Everyday words and the words disclosures use (patterns.json → narrative_synonyms), longest first."""
    from .lexicon import load_patterns

    pairs = load_patterns()["narrative_synonyms"].items()
    return tuple(sorted(((k, v) for k, v in pairs if not k.startswith("_")), key=lambda p: -len(p[0])))


def evidence(answer: Answer) -> list[str]:
    """What the answer cites, each piece in the question's normal form: a table cell's row, header path
    and title; of a quoted passage, its section and the clauses stating the answer's figures (not the
    whole passage: 「其中：…服务类…」 beside the total does not explain 服务类 for the total)."""
    pieces = [v.label for v in answer.values]
    for c in answer.citations:
        pieces += [x for x in (c.row, c.header or c.column, c.table, c.section, c.document) if x]
        if c.text:
            pieces += _stating_clauses(c.text, answer) if answer.operation == "narrative" else [c.text]
    return [p for p in (_BRACKETS.sub("", normalize_question(x)) for x in pieces) if p]


def _stating_clauses(text: str, answer: Answer) -> list[str]:
    """The clauses of a passage that state one of the answer's figures (the passage when none does)."""
    numbers = {v.value.rstrip("0").rstrip(".") for v in answer.values}
    clauses = re.split(r"[，,；;。：:]", re.sub(r"(?<=\d),(?=\d{3})", "", text))
    found = [c for c in clauses if any(n and n in c for n in numbers)]
    return found or [text]


def _covered(text: str, pieces: list[str], words: tuple[str, ...]) -> list[bool]:
    """Which characters of `text` stand in a stretch (two characters or more) of some piece, or in a
    function word."""
    joined = "\n".join(pieces)
    done = [False] * len(text)
    i = 0
    while i < len(text):
        if _NOT_WORDS.match(text[i]):
            i += 1
            continue
        j = i + MIN_WORD
        while j <= len(text) and not _NOT_WORDS.match(text[j - 1]) and text[i:j] in joined:
            j += 1
        if j - 1 - i >= MIN_WORD:
            done[i:j - 1] = [True] * (j - 1 - i)
        i += 1
    for w in words:
        if len(w) >= MIN_WORD:      # a one-character word only excuses a stretch made of such words
            for m in re.finditer(re.escape(w), text):
                done[m.start():m.end()] = [True] * (m.end() - m.start())
    return done


def _runs(text: str, done: list[bool]) -> list[str]:
    out, run = [], ""
    for ch, ok in zip(text, done, strict=True):
        if ok or _NOT_WORDS.match(ch):
            if len(run) >= MIN_WORD:
                out.append(run)
            run = ""
        else:
            run += ch
    if len(run) >= MIN_WORD:
        out.append(run)
    return out


def unexplained(asked: str, answer: Answer, lexicon: Lexicon, gate: Gate | None = None) -> list[str]:
    """The words of the (normalized, department-free) question that nothing the answer cites explains."""
    gate = gate or load_gate()
    pieces = evidence(answer)
    if not pieces:
        return []
    # 「2026年金融」: 年 is the year's, never part of 「年金」; a bracketed note or a code names no item
    asked = _BRACKETS.sub("", _YEARS.sub("，", _NOTE.sub("，", _tables_cited(asked, answer, lexicon))))
    left = _left(asked, pieces, gate)
    said = asked
    for everyday, printed in gate.synonyms:
        said = said.replace(everyday, printed)
    for form in (lexicon.canonical(asked), said):       # 「公车运行维护费」「开会」 as the documents print them
        if left and form != asked and not _left(form, pieces, gate):
            return []
    return left


def _joins_inside_names(asked: str, answer: Answer) -> bool:
    """Every joining word of the question stands inside a cited name (「文体和水务工程管理中心」): the
    question names one thing, not several to add."""
    names = [normalize_question(x) for x in [*(v.label for v in answer.values), *(c.row or "" for c in answer.citations)]]
    joins = [m.start() for m in re.finditer(r"[和与及、加]", asked)]
    return bool(joins) and all(any(asked[max(0, p - 2):p + 3] in n for n in names if len(n) >= 5) for p in joins)


def _whole_word(word: str, asked: str, gate: Gate) -> str:
    """The scope word a left stretch is part of (「一般公」 is said 「一般公共预算」), else the stretch."""
    return next((w for w in gate.scope_words if word in w and w in asked), word)


def _tables_cited(asked: str, answer: Answer, lexicon: Lexicon) -> str:
    """The question with the words naming a cited table's kind masked (「经济科目里的…」 of a 基本支出表)."""
    cited = {lexicon.table_key(c.table) for c in answer.citations if c.table and not c.is_quote}
    for key, start, end in sorted(lexicon.table_hints(asked), key=lambda h: -h[1]):
        if key in cited:
            asked = asked[:start] + "，" + asked[end:]
    return asked


def _left(text: str, pieces: list[str], gate: Gate) -> list[str]:
    """The stretches of `text` no piece explains: not in a piece, not a function word, not a
    subsequence of one piece (「公车」 of 「公务用车购置费」)."""
    single = {w for w in gate.function_words if len(w) == 1}
    out = []
    for run in _runs(text, _covered(text, pieces, gate.function_words)):
        core = run.strip(gate.edge_particles)     # 「的金融」 is 「金融」, 「几辆公车」 is 「公车」
        kept = run.rstrip(gate.edge_particles)
        if len(core) < MIN_WORD and kept.startswith(gate.particle_words):
            core = kept                           # 「中心的」 is 「中心」: a word, not the particle 中 and 心
        if len(core) < MIN_WORD or all(ch in single for ch in core) or any(subsequence(core, p) for p in pieces):
            continue
        out.append(core)
    return out


def _without(text: str, names: list[str]) -> str:
    """The text with the names the answer cites masked (「社会保障和就业支出」 asks one thing)."""
    for n in sorted({normalize_question(x) for x in names if x}, key=len, reverse=True):
        if len(n) >= 2:
            text = text.replace(n, "□")
    return text


def _other_table(asked: str, answer: Answer, lexicon: Lexicon) -> str:
    """The cited table that is not the one the question names by its title (「一般公共预算支出表中…」
    answered from 「支出总体情况表」); "" when the question names none, or every cited table is it."""
    for said in lexicon.named_titles(asked):
        for c in answer.citations:
            if c.table and not c.is_quote and not lexicon.title_fits(said, normalize_question(c.table)):
                return f"「{c.table}」"
    return ""


def _refused(answer: Answer, text: str) -> Answer:
    return Answer(answer.question, text, False, [], answer.citations, answer.elapsed_ms, "refusal",
                  [{"label": v.label, "value": v.value, "unit": v.unit} for v in answer.values],
                  answer.llm_used, [], answer.reading)


def _one_figure(answer: Answer, lexicon: Lexicon) -> Answer:
    """A lookup of one thing: its one figure, the department's totals shown beside it dropped from the
    headline values; refused when two different figures remain (a row total and a column total read
    for one cell: 「事业运行的人员经费」)."""
    totals = {*lexicon.total_labels, *lexicon.bare_totals, "预算", "支出预算", "收入预算"}
    specific = [v for v in answer.values if v.label not in totals] or answer.values
    if len({(v.value, v.unit) for v in specific}) <= 1:
        if len(specific) < len(answer.values):
            answer.values = specific
        return answer
    shown = "、".join(f"{v.label}{v.value}{v.unit}" for v in specific[:3])
    return _refused(answer, refusal_text("one_of_several", shown=shown))


def gated(asked: str, answer: Answer, lexicon: Lexicon, gate: Gate | None = None, several: bool = False) -> Answer:
    """The answer, or — when a word of the question is left unexplained, or a lookup of one thing found
    several figures — its refusal, naming the words and what the store printed instead (the figures
    stay as candidates, not as values). `several`: the question has several parts (several figures)."""
    gate = gate or load_gate()
    if not answer.found or answer.operation not in gate.operations or not answer.values:
        return answer       # an explanation quoting no figure states no number to check
    shown = "、".join(f"{v.label}{v.value}{v.unit}" for v in answer.values[:3])
    asks_share = any(w in asked for w in gate.share_words) or any(p.search(asked) for p in gate.share_patterns)
    if asks_share and not any(v.unit == "%" for v in answer.values) \
            and "倍" not in asked:
        return _refused(answer, refusal_text("share_not_computed", shown=shown))
    if answer.operation == "lookup":
        wrong_table = _other_table(asked, answer, lexicon)
        if wrong_table:
            return _refused(answer, refusal_text("other_table", table=wrong_table))
        named = _without(asked, [v.label for v in answer.values] + [c.row or "" for c in answer.citations]
                         + [t for t in lexicon.aliases if t in asked])     # 「…购置及运行维护费」 is one item
        if not several and not any(w in named for w in gate.several_words):
            answer = _one_figure(answer, lexicon)
            if not answer.found:
                return answer
    if answer.operation == "sum" and not several and _joins_inside_names(asked, answer):
        return _refused(answer, refusal_text("join_inside_name", names="、".join(v.label for v in answer.values[:2])))
    left = unexplained(asked, answer, lexicon, gate)
    if not left:
        return answer
    said = "、".join(dict.fromkeys(f"「{_whole_word(w, asked, gate)}」" for w in left))
    codes = re.findall(r"(?<![\d.])\d{3,7}(?![\d.年])", asked)
    said += f"（科目编码{'、'.join(codes)}）" if codes else ""
    return _refused(answer, refusal_text("unexplained_item", said=said,
                                          nearest=refusal_text("nearest_item", shown=shown) if shown else ""))
