"""Finding what a question names: exact printed labels, codes, column headers and concepts, long
names said in part or out of order (fuzzy, by character pairs), a second item named by its tail only,
and the department's own unit (局机关)."""
from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from chatbot.lexicon import Lexicon
from chatbot.link.catalog import Catalog, Row, TableInfo, strip_place

FUZZY_MIN_COVERAGE = 0.6   # share of a long name's character pairs the question must contain
FUZZY_MIN_PAIRS = 3
FUZZY_MIN_LENGTH = 5       # names shorter than this are matched exactly (through the lexicon) only
_CODE = re.compile(r"(?<!\d)\d{3,7}(?!\d)")
_ELLIPSIS = re.compile(r"(?:和|与|及|加上|加|、|比|跟|减去|减)([\u4e00-\u9fff]{2,6}?)"
                       r"(?=和|与|及|加|、|比|跟|减|等于|是否|一共|合计|总共|相差|差|多|少|占|的|吗|$)")


_YEAR = re.compile(r"(?:19|20)\d\d年度?")


def year_spans(text: str) -> list[tuple[int, int]]:
    """Where the text names a year: no mention starts inside one (「2024年收入」 is no 「年收入」)."""
    return [(m.start(), m.end()) for m in _YEAR.finditer(text)]


@lru_cache(maxsize=65536)
def _name_variants(key: str) -> tuple[str, ...]:
    """Forms a long name is called by: without its leading place, and the part after an inner place
    (「湖南省无线电管理委员会办公室长沙市无线电监测站」 → 「无线电监测站」)."""
    out = [strip_place(key)]
    inner = re.search(r".*[省市县区](?=[^省市县区]{4,}$)", key)
    if inner and inner.end() > 0:
        out.append(key[inner.end():])
    return tuple(n for n in dict.fromkeys(out) if len(n) >= FUZZY_MIN_LENGTH)


@dataclass
class Mention:
    """A span of the (canonical) question that names something the store holds."""

    start: int
    end: int
    phrase: str
    exact: bool = True
    rows: list[Row] = field(default_factory=list)
    columns: list[tuple[TableInfo, str]] = field(default_factory=list)
    concept: str | None = None
    score: float = 1.0
    size: int = 0            # characters the question shares with the name (span length when exact)

    def __post_init__(self) -> None:
        self.size = self.size or self.end - self.start


def _other_forms(index: dict[str, list[Any]], lexicon: Lexicon, wanted: Callable[[str], bool]) -> dict[str, list[Any]]:
    """A printed index's entries under the term the lexicon reads each key as, where that term is not
    printed itself (and is `wanted`)."""
    out: dict[str, list[Any]] = defaultdict(list)
    for key, items in index.items():
        term = lexicon.canonical(key)
        if term != key and len(term) >= 2 and term not in index and wanted(term):
            out[term] += items
    return out


class MentionFinder:
    """The mentions of a question over one Catalog: its vocabulary of printed phrases and the weights of
    the character pairs of its long names."""

    def __init__(self, catalog: Catalog, lexicon: Lexicon, partial_stop: str = "的",
                 own_unit_words: tuple[str, ...] = (), scope_words: frozenset[str] = frozenset()) -> None:
        self.catalog = catalog
        self.lexicon = lexicon
        self.partial_stop = re.compile(partial_stop)
        self.own_unit_words = sorted(own_unit_words, key=len, reverse=True)
        self.own_units = catalog.own_unit_rows()
        self.scope_words = scope_words   # 一般公共预算, 财政拨款: a scope, not an item, beside an item
        self.vocab: dict[str, None] = {}
        for key in catalog.by_label:
            if len(key) >= 2 and key not in lexicon.bare_totals:
                self.vocab[key] = None
        for leaf in catalog.by_column:
            if len(leaf) >= 2 and lexicon.column(leaf) != "总计":
                self.vocab[leaf] = None
        for concept in [*lexicon.concepts, *lexicon.table_totals]:
            self.vocab.setdefault(concept, None)
        # a row or column printed in another form of a term (「对个人和家庭补助」「因公出国（境）费用」) is named by
        # the term (「…的补助」「因公出国（境）费」)
        self.by_term = _other_forms(catalog.by_label, lexicon, lambda t: t not in lexicon.bare_totals)
        self.columns_by_term = _other_forms(catalog.by_column, lexicon, lambda t: lexicon.column(t) != "总计")
        self.vocab.update(dict.fromkeys([*self.by_term, *self.columns_by_term]))
        self.lengths = sorted({len(k) for k in self.vocab}, reverse=True)
        self.fuzzy_rows = [(r, name) for r in catalog.rows if not r.is_total for name in _name_variants(r.key)]
        df: dict[str, int] = {}
        for key in {name for _, name in self.fuzzy_rows}:
            for p in {key[i:i + 2] for i in range(len(key) - 1)}:
                df[p] = df.get(p, 0) + 1
        n = max(len(df), 1)
        self.pair_weight = {p: math.log(1 + n / d) for p, d in df.items()}

    @property
    def keep(self) -> frozenset[str]:
        """Printed phrases the lexicon must not rewrite."""
        return frozenset(self.vocab)

    # -- mentions ------------------------------------------------------------------------------
    def mentions(self, text: str, blocked: list[tuple[int, int]] = ()) -> list[Mention]:
        """Non-overlapping mentions, longest first: codes, exact phrases, then partial long names."""
        cands: list[Mention] = []
        for m in _CODE.finditer(text):
            if m.group() in self.catalog.by_code:
                cands.append(Mention(m.start(), m.end(), m.group(), rows=list(self.catalog.by_code[m.group()])))
        for i in range(len(text)):
            for n in self.lengths:
                piece = text[i:i + n]
                if len(piece) == n and piece in self.vocab:
                    cands.append(self._exact(i, piece))
                    break
        totals = [(m.start(), m.end()) for w in self.lexicon.bare_totals for m in re.finditer(re.escape(w), text)]
        cands += [m for m in self._fuzzy(text) if not self._names_another_term(text, m)
                  and not any(s < m.end and m.start < e for s, e in totals)]   # 「2026年收入总计」 is no 本年收入
        cands += self._own_unit(text)
        exact_phrases = {c.phrase for c in cands if c.exact}
        cands = [c for c in cands if c.exact or c.phrase not in exact_phrases]
        cands.sort(key=lambda c: (-c.size, not c.exact, -c.score))
        taken = [False] * len(text)
        for s, e in [*blocked, *year_spans(text)]:
            for j in range(s, min(e, len(text))):
                taken[j] = True
        chosen: list[Mention] = []
        for c in cands:
            if any(taken[c.start:c.end]):
                same = next((m for m in chosen if (m.start, m.end) == (c.start, c.end) and not m.exact
                             and not c.exact and abs(m.score - c.score) < 1e-9), None)
                if same:
                    same.rows += [r for r in c.rows if r not in same.rows]
                continue
            chosen.append(c)
            for j in range(c.start, c.end):
                taken[j] = True
        return sorted(chosen, key=lambda m: m.start)

    def _names_another_term(self, text: str, m: Mention) -> bool:
        """A partial name whose span holds a budget term it does not contain (「基本支出和项目支出」 is not
        「机关事业单位基本养老保险缴费支出」): the term is what the question names."""
        span = text[m.start:m.end]
        return any(len(t) >= 4 and t in span and t not in m.phrase for t in self.lexicon.aliases.values())

    def partial_mentions(self, text: str, mentions: list[Mention], blocked: list[tuple[int, int]]
                         ) -> list[Mention]:
        """Words left over that are part of a few printed names (「医疗」 → 职工基本医疗保险缴费,
        公务员医疗补助缴费): the figures become candidates, to be listed, not silently picked."""
        covered = [(m.start, m.end) for m in mentions] + list(blocked)
        rest = "".join("　" if any(s <= i < e for s, e in covered) else ch for i, ch in enumerate(text))
        out = []
        for m in re.finditer(r"[\u4e00-\u9fff]{2,}", self.partial_stop.sub(lambda x: "　" * len(x.group()), rest)):
            word = m.group()
            keys = [k for k in self.catalog.by_label if word in k and len(k) > len(word)]
            if (term := self._term_around(rest, m.start(), m.end())) is not None:
                # 「公务」 of 公务用车购置 is no part of 公务接待费: only rows printing that term (in any of its forms)
                keys = [k for k in keys if self.lexicon.canonical(k) == term]
                if not keys:
                    continue
            concepts = [c for c in self.lexicon.concepts if word in c and len(c) > len(word)]
            if 0 < len(keys) + len(concepts) <= 4:
                rows = [r for k in keys for r in self.catalog.by_label[k] if not r.is_total]
                out.append(Mention(m.start(), m.end(), word, exact=False, rows=rows, score=0.5,
                                   concept=concepts[0] if len(concepts) == 1 else None))
        return out

    def _term_around(self, text: str, start: int, end: int) -> str | None:
        """The longest budget term of the lexicon the question says around the words at start:end."""
        word = text[start:end]
        around = [t for t in self.lexicon.terms if word in t and len(t) > len(word)
                  and 0 <= text.find(t, max(0, end - len(t))) <= start]
        return max(around, key=len, default=None)

    def elliptic_mentions(self, text: str, mentions: list[Mention]) -> list[Mention]:
        """A second item named by its tail only, sharing the first one's head: 「公车购置费加运行费」 —
        运行费 read as 公务用车运行费 (the first item's leading words + the tail, when the store knows it)."""
        out = []
        covered = [(m.start, m.end) for m in mentions]
        for m in mentions:
            tail = _ELLIPSIS.match(text, m.end)
            if not tail or any(s < tail.end(1) and tail.start(1) < e for s, e in covered):
                continue
            for k in range(len(m.phrase) - 1, 1, -1):
                phrase = self.lexicon.canonical(m.phrase[:k] + tail.group(1), self.keep)
                if phrase in self.vocab and phrase != m.phrase:
                    found = self._exact(tail.start(1), phrase)
                    found.end = tail.end(1)
                    out.append(found)
                    break
        return out

    def _own_unit(self, text: str) -> list[Mention]:
        """「局机关」「机关本级」: the department's own unit (the 整体绩效 row named as the department)."""
        out = []
        for word in self.own_unit_words:
            for m in re.finditer(re.escape(word), text):
                if self.own_units and not any(o.start <= m.start() < o.end for o in out):
                    out.append(Mention(m.start(), m.end(), self.own_units[0].key, rows=list(self.own_units)))
        return out

    def _exact(self, i: int, phrase: str) -> Mention:
        cols = [] if self.lexicon.column(phrase) == "总计" else \
            list(self.catalog.by_column.get(phrase) or self.columns_by_term.get(phrase, []))
        rows = self.catalog.by_label.get(phrase) or self.by_term.get(phrase, [])
        return Mention(i, i + len(phrase), phrase, rows=list(rows),
                       columns=cols, concept=phrase if phrase in self.lexicon.concepts else None)

    def _fuzzy(self, text: str) -> list[Mention]:
        positions: dict[str, list[int]] = {}
        for i in range(len(text) - 1):
            positions.setdefault(text[i:i + 2], []).append(i)
        out: dict[tuple[int, int, str], Mention] = {}
        for row, name in self.fuzzy_rows:
            if name.startswith("其他") and "其他" not in text:
                continue          # 「其他对个人和家庭的补助」 is the rest of a group, never the group asked
            name_pairs = [name[i:i + 2] for i in range(len(name) - 1)]
            found = _best_window(name_pairs, positions, len(name) + 3)
            if found is None:
                continue
            hit_pairs, hits = found
            # common pairs (经费, 运行, 工作) count little: 「机关运行经费」 is not 「大院运行经费」
            coverage = sum(self.pair_weight[p] for p in hit_pairs) / sum(self.pair_weight[p] for p in name_pairs)
            if len(hits) < FUZZY_MIN_PAIRS or coverage < FUZZY_MIN_COVERAGE:
                continue
            start, end = min(hits), max(hits) + 2
            key = (start, end, row.key)
            if key in out:
                if row not in out[key].rows:
                    out[key].rows.append(row)
            else:
                out[key] = Mention(start, end, row.key, exact=False, rows=[row], score=coverage, size=len(hits) + 1)
        return list(out.values())



def _best_window(name_pairs: list[str], positions: dict[str, list[int]], width: int
                 ) -> tuple[list[str], list[int]] | None:
    """The name's character pairs found in the question within one window of `width` characters
    (the window holding the most of them): a pair the question repeats elsewhere does not scatter
    the match (「中小企业…占企业服务中心…」)."""
    occurrences = [(pos, p) for p in dict.fromkeys(name_pairs) for pos in positions.get(p, ())]
    if len(occurrences) < FUZZY_MIN_PAIRS:
        return None
    best: tuple[list[str], list[int]] | None = None
    for start in sorted({pos for pos, _ in occurrences}):
        inside: dict[str, int] = {}
        for pos, p in sorted(occurrences, key=lambda o: -o[0]):   # the last occurrence in the window
            if start <= pos < start + width - 1 and p not in inside:
                inside[p] = pos
        if start not in inside.values():
            continue
        span = max(inside.values()) - start
        if best is None or (len(inside), -span) > (len(best[0]), -(max(best[1]) - min(best[1]))):
            best = (list(inside), list(inside.values()))
    return best
