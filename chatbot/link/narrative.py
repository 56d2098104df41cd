"""Narrative questions: hybrid retrieval over the explanation chunks (BM25 over jieba tokens fused by
reciprocal rank with the vector index) and an extractive answer — the best sentence(s), quoted."""
from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from chatbot.understand.query import Query
from ingest.document.statements import is_statement
from ingest.store.store import StoredChunk

RRF_K = 60
TOP_CHUNKS = 8
MIN_COVERAGE = 0.5           # share of the question's content weight a sentence must contain
_SPLIT = re.compile(r"(?<=[。；;？?！!])")
_NUMBER = r"\d+(?:\.\d+)?"
_TOKEN_OK = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
_QUOTES = re.compile(r"[“”\"‘’'「」『』\s]")
_THOUSANDS = re.compile(r"(?<=\d)[,，](?=\d{3}(?!\d))")


def plain(text: str) -> str:
    """Text for matching: no quotes or spaces (「“三公”经费」 → 「三公经费」), no thousands separators
    (「2,376.26万元」 → 「2376.26万元」: the whole figure, never its tail)."""
    return _THOUSANDS.sub("", _QUOTES.sub("", text))


_YEAR_WORD = re.compile(r"((?:19|20)\d\d年度?)")


@lru_cache(maxsize=1)
def _jieba_dictionary() -> tuple[dict[str, int], int]:
    """jieba's prefix dictionary and its total, loaded once per process (0.6 s of CPU each time)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    base = jieba.Tokenizer()
    base.initialize()
    return base.FREQ, base.total


class BudgetTokenizer:
    """A dedicated, quiet jieba tokenizer knowing budget terms (a user dictionary kept as data). Each
    starts from a copy of the dictionary loaded once per process, not from the disk: every engine (one
    per document) has its own tokenizer with its own printed labels added."""

    def __init__(self, words: Iterable[str]) -> None:
        import jieba

        freq, total = _jieba_dictionary()
        self._jieba = jieba.Tokenizer()
        self._jieba.FREQ, self._jieba.total = dict(freq), total   # as initialize() leaves them
        self._jieba.initialized = True
        for w in dict.fromkeys(words):
            if len(w) >= 2:
                self._jieba.add_word(w, freq=20000)

    def tokens(self, text: str) -> list[str]:
        """Search-mode tokens (words and their sub-words), punctuation and spaces dropped. A year ends
        a word: 「2024年收入」 is the year and 收入, never 「年收入」 (annual income)."""
        text = _YEAR_WORD.sub(r"\1 ", text)
        return [t for t in self._jieba.lcut_for_search(text) if t.strip() and _TOKEN_OK.search(t)]


@dataclass
class Sentence:
    """A sentence of the narrative with where it stands (section, page) and the chunks it overlaps."""

    document_id: int
    document: str
    section: str
    page: int
    text: str
    chunk_ids: set[int] = field(default_factory=set)
    index: int = 0       # position within its section


def sections_to_sentences(chunks: Sequence[StoredChunk]) -> list[Sentence]:
    """Join each section's chunks (a chunk may end mid-sentence) and split on 。；？！, keeping the page
    and chunk of each sentence's start. Only statements are kept: a sentence that instructs or asks
    (chatbot.link.statements) is never read for a figure, nor quoted."""
    out: list[Sentence] = []
    groups: dict[tuple[int, str], list[StoredChunk]] = {}
    for c in chunks:
        groups.setdefault((c.document_id, c.section), []).append(c)
    for (_, section), cs in groups.items():
        text, spans = "", []
        for c in cs:
            spans.append((len(text), len(text) + len(c.text), c))
            text += c.text
        pos = 0
        for i, piece in enumerate(p for p in _SPLIT.split(text)):
            start, end = pos, pos + len(piece)
            pos = end
            if not piece.strip() or not is_statement(piece):
                continue
            ids = {c.id for s, e, c in spans if s < end and e > start}
            first = next(c for s, e, c in spans if s <= start < e or (start >= s and e == len(text)))
            out.append(Sentence(first.document_id, first.document, section, first.page, piece.strip(), ids, i))
    return out


class NarrativeIndex:
    """BM25 over the chunks (jieba tokens, `bm25s`), the sentences for extraction, and the fusion with
    vector hits. Built once per Service."""

    def __init__(self, chunks: Sequence[StoredChunk], tokenizer: BudgetTokenizer,
                 stopwords: Iterable[str]) -> None:
        import bm25s

        self.chunks = list(chunks)
        self.tokenizer = tokenizer
        self.stopwords = set(stopwords)
        self.by_text = {c.text: c.id for c in self.chunks}
        self.by_id = {c.id: c for c in self.chunks}
        corpus = [tokenizer.tokens(plain(f"{_leaf(c.section)}{c.text}")) or ["∅"] for c in self.chunks]
        self.bm25 = bm25s.BM25()
        if self.chunks:
            self.bm25.index(corpus, show_progress=False)
        self.sentences = sections_to_sentences(self.chunks)
        self.haystacks = [plain(f"{_leaf(s.section)}{s.text}") for s in self.sentences]
        self.sentence_tokens = [set(tokenizer.tokens(h)) for h in self.haystacks]
        n = len(self.sentences) or 1
        df: dict[str, int] = {}
        for toks in self.sentence_tokens:
            for t in toks:
                df[t] = df.get(t, 0) + 1
        self.idf = {t: math.log((n + 1) / (d + 0.5)) for t, d in df.items()}
        self.max_idf = math.log((n + 1) / 0.5)

    def content_tokens(self, *texts: str) -> list[str]:
        """Words of the question that carry meaning (stopwords and single characters dropped)."""
        out: dict[str, None] = {}
        for text in texts:
            for t in self.tokenizer.tokens(plain(text)):
                if len(t) >= 2 and t not in self.stopwords and not t.isdigit() and "几" not in t \
                        and "多少" not in t:
                    out[t] = None
        return list(out)

    def _known_parts(self, tokens: list[str]) -> list[str]:
        """Tokens without the compounds the corpus never uses that hold a question word it does use
        (「管理方面」 holding 管理): they would count the same word twice."""
        known = [t for t in tokens if t in self.idf]
        return [t for t in tokens if t in self.idf or not any(k in t for k in known if k != t)]

    def bm25_ranking(self, tokens: list[str], k: int = TOP_CHUNKS) -> list[int]:
        """Chunk ids by BM25 score (only chunks sharing a token with the question)."""
        if not self.chunks or not tokens:
            return []
        scores = self.bm25.get_scores(tokens)
        order = sorted(range(len(self.chunks)), key=lambda i: -scores[i])
        return [self.chunks[i].id for i in order[:k] if scores[i] > 0]

    def vector_ranking(self, nodes: Sequence[Any]) -> list[int]:
        """Chunk ids of vector hits (llama-index NodeWithScore), matched by their text."""
        ids = []
        for n in nodes:
            node = getattr(n, "node", n)
            cid = self.by_text.get(getattr(node, "text", ""))
            if cid is not None and cid not in ids:
                ids.append(cid)
        return ids

    def fuse(self, *rankings: Sequence[int]) -> list[int]:
        """Reciprocal rank fusion of chunk rankings."""
        score: dict[int, float] = {}
        for ranking in rankings:
            for rank, cid in enumerate(ranking):
                score[cid] = score.get(cid, 0.0) + 1.0 / (RRF_K + rank + 1)
        return sorted(score, key=lambda c: -score[c])

    def retrieve(self, query: Query, vector_search: Callable[[str, int], Sequence[Any]] | None = None,
                 k: int = TOP_CHUNKS) -> list[int]:
        """Fused chunk ids for a question (BM25 alone when there is no vector search)."""
        tokens = self.content_tokens(query.text, query.canonical) or self.tokenizer.tokens(query.text)
        rankings = [self.bm25_ranking(tokens, k)]
        if vector_search is not None:
            try:
                rankings.append(self.vector_ranking(vector_search(query.text, k)))
            except Exception as exc:  # the vector index is a help, not a need: log and go on
                logging.getLogger(__name__).warning("vector search failed: %s", exc)
        return self.fuse(*rankings)[:k]

    def best(self, query: Query, chunk_ids: Sequence[int], patterns: dict[str, Any]) -> list[Scored]:
        """Sentences of the retrieved chunks, best first, with how much of the question each holds.
        Coverage counts the user's own words; the lexicon's rewriting of them only adds to the score."""
        tokens = self._known_parts(self.content_tokens(query.text))
        extra = self._known_parts([t for t in self.content_tokens(query.canonical) if t not in tokens])
        if not tokens:
            tokens, extra = extra, []
        if not tokens:
            return []
        weight = {t: self.idf.get(t, self.max_idf) for t in tokens + extra}
        whole = [t for t in tokens if not any(t != u and t in u for u in tokens)]
        total = sum(weight[t] for t in whole)
        rank = {cid: i for i, cid in enumerate(chunk_ids)}
        out = []
        for s, toks, haystack in zip(self.sentences, self.sentence_tokens, self.haystacks):
            hit = [cid for cid in s.chunk_ids if cid in rank]
            if not hit:
                continue
            matched = [t for t in tokens if t in toks or t in haystack]
            matched_extra = [t for t in extra if t in toks or t in haystack]
            coverage = sum(weight[t] * _share_matched(t, matched) for t in whole) / total
            said = plain(s.text)
            own = sum(weight[t] * _share_matched(t, [m for m in matched if m in said]) for t in whole) / total
            score = coverage * 10 + sum(weight[t] for t in matched_extra) / sum(weight[t] for t in tokens)
            score += own * 2    # the sentence says the words itself, not only its section's title
            score += 1.0 / (1 + min(rank[c] for c in hit)) + _bonuses(query, s.text, patterns)
            out.append(Scored(s, score, coverage, matched + matched_extra))
        return sorted(out, key=lambda x: -x.score)


def _share_matched(word: str, matched: Sequence[str]) -> float:
    """1 when the word is matched; else the share of its characters its matched sub-words cover
    (search-mode sub-words 「办公」「公室」 of 「办公室」 count once, with it, not three times)."""
    if word in matched:
        return 1.0
    covered = [False] * len(word)
    for t in matched:
        if t != word and t in word:
            start = word.index(t)
            covered[start:start + len(t)] = [True] * len(t)
    return sum(covered) / len(word)


@dataclass
class Scored:
    sentence: Sentence
    score: float
    coverage: float
    matched: list[str]


def _leaf(section: str) -> str:
    return section.split(" › ")[-1]


def _bonuses(query: Query, text: str, patterns: dict[str, Any]) -> float:
    """What the question's form asks of a sentence: a number, a change, a reason, a definition, a count."""
    bonus = 0.0
    has_number = re.search(_NUMBER, text) is not None
    if query.asks_number and has_number:
        bonus += 1.0
    if query.operation == "change" and any(w in text for w in patterns["change_words"]) and \
            re.search(r"[较比]", text):
        bonus += 3.0
    if any(w in query.text for w in ("为什么", "为何", "原因")) and any(w in text for w in patterns["reason_words"]):
        bonus += 2.0
    if any(w in query.text for w in ("什么是", "是什么", "什么叫", "含义", "是指")) and "是指" in text:
        bonus += 2.0
    if query.measure and re.search(rf"{_NUMBER}\s*个?{re.escape(query.measure)}", text):
        bonus += 4.0
    return bonus


def extract_values(query: Query, text: str, focus: Sequence[str], narrower: Sequence[str] = (),
                   others: Sequence[str] = (), final: bool = False) -> list[tuple[str, str, str]]:
    """(label, number, unit) the sentence states for the question: the change figures after
    增加/减少/上升/下降, the count before the asked measure word, or the amount stated right after the
    asked term (「会议费预算8.36万元」) — never a number from elsewhere in the sentence, nor after a word of
    two characters alone (「拨款」「收入」 name no item), nor after the term narrowed by a scope the question
    does not say (`narrower`: 「政府性基金预算财政拨款收入」 is not 财政拨款收入), nor with another item
    between (`others`, terms the question does not say: 「财政拨款安排“三公”经费19.86万元」). Read
    without quotes, as the terms are matched: 「“三公”经费预算1281.82万元」 states 三公经费. `final` (a 决算
    asked, or of a 决算 not asked for its budget): an amount said as the budget (「…年初预算为0.95万元，支出决算为
    0.00万元」) is not the 决算: the 决算 the same clause states is read instead, else nothing."""
    text = plain(text)
    if query.operation == "change":
        found = re.findall(rf"(增加|减少|增长|下降|上升|降低)了?({_NUMBER})(万元|亿元|元|%)", text)
        if found:
            return [(word, num, unit) for word, num, unit in found]
    label = focus[0] if focus else ""
    # a part of a longer asked term the sentence says (采购 of 政府采购) reads no amount on its own
    focus = [t for t in focus if not any(t != u and t in u and u in text for u in focus)]
    counting = query.measure is not None or query.operation == "count"
    for term, after in _after_focus(text, focus, narrower):
        if not counting and len(term) <= 2:
            continue
        if query.measure:
            m = re.match(rf"[^。；]{{0,12}}?({_NUMBER})\s*(个?{re.escape(query.measure)}|个)", after)
        elif query.operation == "count":
            m = re.match(rf"[^。；]{{0,12}}?({_NUMBER})\s*(个|家|项|辆|人|次|台)", after)
        else:
            m = re.match(rf"[^。；，]{{0,12}}?({_NUMBER})\s*(万元|亿元|元|%)", after)
            gap = plain(after[:m.start(1)]) if m else ""
            if m and any(t in gap for t in others):
                continue
            if m and final and "预算" in gap and "决算" not in gap:
                m = re.match(rf"[^。；]{{0,40}}?决算(?:数|金额)?(?:为|是|达)?({_NUMBER})\s*(万元|亿元|元)", after)
        if m:
            return [(term or label, m.group(1), m.group(2))]
    return []


def _after_focus(text: str, focus: Sequence[str], narrower: Sequence[str] = ()) -> list[tuple[str, str]]:
    """(term, text after it) for each occurrence of the question's terms, longest terms first. A term
    joined to the next (「公务用车购置及运行费38.60万元」「会议费和培训费10万元」) shares that amount: not its own."""
    out, seen = [], []
    for term in sorted(focus, key=len, reverse=True):
        for m in re.finditer(re.escape(term), text):
            if any(s <= m.start() and m.end() <= e for s, e in seen):
                continue      # 「公务」 inside the 公务用车购置 already read there
            seen.append(m.span())
            if not _JOINED.match(text, m.end()) and not any(text.endswith(w, 0, m.start()) for w in narrower) \
                    and not _inside_longer_name(text, term, m.start()):
                out.append((term, text[m.end():]))
    return out


def _inside_longer_name(text: str, term: str, start: int) -> bool:
    """A generic term is the tail of a longer name (「安检服务项目支出」 of 项目支出, 「其他项目支出」): what
    stands right before it is a word character that no opener word ends with (patterns.json → item_openers)."""
    tails, openers = _openers()
    if term not in tails or start == 0 or not re.match(r"[\u4e00-\u9fff]", text[start - 1]):
        return False
    return not any(text.endswith(w, 0, start) for w in openers)


@lru_cache(maxsize=1)
def _openers() -> tuple[frozenset[str], tuple[str, ...]]:
    from chatbot.lexicon import load_patterns

    spec = load_patterns()["item_openers"]
    return frozenset(spec["tails"]), tuple(spec["words"])


_JOINED = re.compile(r"(?:以及|及|和|与|、)[\u4e00-\u9fff]")


# -- amounts the narrative states ------------------------------------------------------------------
_AMOUNT = re.compile(rf"({_NUMBER})\s*万元")
_CLAUSE_BREAK = re.compile(r"[，,；;：:、。（(）)]|其中|具体包括|包括|主要用于|主要是|用于")
_SHORT_PAREN = re.compile(r"（([^（）\d]{1,3})）")
_LEADING = re.compile(r"^(?:\s|\d+[.、．]|（\d+）|\(\d+\)|(?:19|20)\d\d年度?|本部门|本单位|今年|全年|及|以及|和|与)+")
_TRAILING = re.compile(r"(?:预算数为|预算数|预算为|预算|为|是|共|约|达|合计)+$")
_NOT_AN_ITEM = re.compile(r"增加|减少|增长|下降|上升|降低|[较比]上年|[较比]去年|[较比](?:19|20)\d\d")


@dataclass(frozen=True)
class NarrativeAmount:
    """An amount the narrative states with the words before it in its clause (「会议费预算8.36万元」)."""

    label: str
    value: str
    unit: str
    sentence: Sentence

    @property
    def core(self) -> str:
        """The label without 预算/预算数为/支出 at its end (「会议费预算」 → 「会议费」)."""
        return _TRAILING.sub("", self.label) or self.label


def narrative_amounts(sentences: Sequence[Sentence]) -> list[NarrativeAmount]:
    """Every 万元 amount of the narrative with its label; changes (增加…万元) are not items."""
    out = []
    for s in sentences:
        text = plain(s.text)
        for m in _AMOUNT.finditer(text):
            head = text[:m.start()].rsplit("万元", 1)[-1]
            head = _SHORT_PAREN.sub(lambda x: f"\0{x.group(1)}\1", head)
            label = _CLAUSE_BREAK.split(head)[-1].replace("\0", "（").replace("\1", "）")
            label = _LEADING.sub("", label)
            if len(label) >= 2 and not _NOT_AN_ITEM.search(label):
                out.append(NarrativeAmount(label, m.group(1), "万元", s))
    return out


def amount_match(phrase: str, item: NarrativeAmount) -> int:
    """How well a question phrase names an item: 3 the item's core within the phrase, 2 the phrase
    within the label, 1 the phrase's characters in order in the label (its first two together), 0 not."""
    label, core = plain(item.label), plain(item.core)
    if len(core) >= 3 and core in phrase:
        return 3
    if len(phrase) >= 2 and phrase in label:
        return 2
    if len(phrase) >= 3 and phrase[:2] in label:
        it = iter(label[label.index(phrase[:2]):])
        if all(ch in it for ch in phrase):
            return 1
    return 0


def listed_items(question: str, sentences: Sequence[Sentence], stopwords: Iterable[str]
                 ) -> tuple[str, list[Sentence]] | None:
    """The section the question names (its title, or a word of two characters of it) and the first
    sentence of each of its numbered items 1. 2. … N (N ≥ 2), in order."""
    stop = set(stopwords)
    for section in dict.fromkeys(s.section for s in sentences):
        title = re.sub(r"^[（(]?[一二三四五六七八九十\d]+[)）、.．]?", "", plain(_leaf(section)))
        pairs = [title[i:i + 2] for i in range(len(title) - 1)]
        if len(title) < 2 or not (title in question or any(p in question and p not in stop for p in pairs)):
            continue
        first: dict[int, Sentence] = {}
        for s in sentences:
            m = re.match(r"(\d{1,2})[.、．]", s.text) if s.section == section else None
            if m:
                first.setdefault(int(m.group(1)), s)
        n = 0
        while n + 1 in first:
            n += 1
        if n >= 2:
            return title, [first[i] for i in range(1, n + 1)]
    return None
