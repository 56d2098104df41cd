"""Operands of sums, differences, shares and checks beyond the table rows: amounts only the narrative
states (「会议费和培训费一共多少」「货物类采购预算比服务类多多少」), figures the question says are the
narrative's (「说明里写的三公经费」), containers that are scope rather than operands (「工发资金里…」),
words that name nothing the store holds, and numbers the question itself adds up."""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any

from chatbot.answer import Answer, Value
from chatbot.execute.compute import amount
from chatbot.lexicon import Lexicon
from chatbot.link.figures import Figure, Resolution, distinct
from chatbot.link.narrative import NarrativeAmount, Sentence, amount_match, plain
from chatbot.understand.query import Query
from chatbot.wording.compose import cite_sentence


class NarrativeOperands:
    """Matches question words to the narrative's labelled amounts (see the module doc)."""

    def __init__(self, amounts: Sequence[NarrativeAmount], lexicon: Lexicon, patterns: dict[str, Any],
                 column_words: Sequence[str]) -> None:
        self.amounts = list(amounts)
        self.lexicon = lexicon
        self.patterns = patterns
        self.column_words = set(column_words)

    def add_to(self, q: Query, res: Resolution) -> Resolution:
        """The resolution with the narrative's amounts for question phrases no table row explains (and
        for figures said to be the narrative's), containers dropped as scope, and the words that name
        nothing kept as `unknown`."""
        covered = [(m.start, m.end) for m in res.mentions]
        covered += [(s, e) for _, s, e in self.lexicon.table_hints(q.canonical)]
        phrases = self.phrases(q.canonical, covered, keep_containers=q.operation == "share")
        found = self.match(phrases)
        matched = {f.position for f in found}
        res = replace(res, unknown=[p for pos, p in phrases if pos not in matched and len(p) >= 3
                                    and self.lexicon.column(p) != "总计" and p not in self.column_words])
        said = self.said(q, res)
        figures = list(res.figures)
        operands = [f for f in figures if not self.is_scope(q.canonical, f)]
        if len(operands) + len(found) >= 2 and len(operands) < len(figures):
            figures = operands
        elif not found and not said:
            return res
        for f in said:
            figures.insert(next((i for i, g in enumerate(figures) if g.position >= f.position), len(figures)), f)
        return replace(res, figures=distinct(sorted(figures + found, key=lambda f: f.position)))

    def phrases(self, text: str, covered: list[tuple[int, int]], keep_containers: bool = False
                ) -> list[tuple[int, str]]:
        """(position, phrase) for each stretch of the question between operators that no mention covers;
        a container (「…里」) is not an operand (but the whole of a share: 「采购总额里货物类占多少」), nor
        a qualifier (「三个单位的」 before a mention)."""
        masked = "".join("　" if any(s <= i < e for s, e in covered) else ch for i, ch in enumerate(text))
        separators, scope = self.patterns["operand_separators"], self.patterns["operand_containers"]
        out = []
        for m in re.finditer(r"[^　]+", masked):
            pos = m.start()
            pieces = re.split(f"({scope}|{separators})", m.group())
            for i, piece in enumerate(pieces):
                container = not keep_containers and i + 1 < len(pieces) and re.fullmatch(scope, pieces[i + 1]) is not None
                qualifier = piece.endswith("的") and i == len(pieces) - 1 and m.end() < len(text)
                if piece and not re.fullmatch(f"{scope}|{separators}", piece) and not container and not qualifier:
                    phrase = re.sub(self.patterns["operand_stop"], "", piece).strip("的")
                    bare = re.sub(r"(?:19|20)\d\d年度?", "", piece).strip("的")
                    if len(phrase) >= 2 and bare not in self.patterns["scope_words"]:   # 「一般公共预算」 scopes
                        out.append((pos, phrase))
                pos += len(piece)
        return out

    def match(self, phrases: list[tuple[int, str]]) -> list[Figure]:
        """The narrative amount each phrase names best (「政府采购的货物」: the part after 的 when the whole
        does not name one), preferring the section most phrases point to; each amount once. A
        two-character phrase (「货物」) counts only in a list of three or more from one section."""
        best: list[tuple[int, str, list[NarrativeAmount]]] = []
        for pos, phrase in phrases:
            for words in (phrase, phrase.split("的")[-1]):
                scored = [(0 if self.other_term(words, a) else amount_match(words, a), a) for a in self.amounts]
                top = max((sc for sc, _ in scored), default=0)
                if top >= (2 if words == phrase and "的" in phrase else 1):
                    best.append((pos, phrase, [a for sc, a in scored if sc == top]))
                    break
        sections = Counter(sec for _, _, cands in best for sec in {a.sentence.section for a in cands})
        best = [(pos, phrase, cands) for pos, phrase, cands in best
                if len(phrase) >= 3 or max(sections[a.sentence.section] for a in cands) >= 3]
        out, used = [], set()
        for pos, phrase, cands in best:
            pick = min(cands, key=lambda a: (-sections[a.sentence.section], len(a.label)))
            if id(pick) not in used:
                used.add(id(pick))
                out.append(amount_figure(pick, pos, phrase))
        return out

    def other_term(self, words: str, item: NarrativeAmount) -> bool:
        """The phrase and the amount's label are two terms the lexicon tells apart, one inside the other:
        公务用车购置 is no part of 公务用车购置及运行费."""
        if words not in self.lexicon.terms:
            return False
        labels = {self.lexicon.canonical(plain(x)) for x in (item.label, item.core)}
        return any(label != words and words in label and label in self.lexicon.terms for label in labels)

    def said(self, q: Query, res: Resolution) -> list[Figure]:
        """Figures the question says are the narrative's (「说明里写的三公经费」), from the narrative."""
        out = []
        for m in res.mentions:
            if re.search(self.patterns["narrative_said"], q.canonical[:m.start]):
                scored = [(amount_match(m.phrase, a), a) for a in self.amounts]
                top = max((sc for sc, _ in scored), default=0)
                if top:
                    pick = min((a for sc, a in scored if sc == top), key=lambda a: len(a.label))
                    out.append(amount_figure(pick, m.start, m.phrase))
        return out

    def is_container(self, text: str, f: Figure, among: Sequence[Figure] = ()) -> bool:
        """A figure followed by 中/里/里面/之中 (「三公经费里」; not merely 的). The words read after it
        stop at the next figure of `among`: 「A在B里」 makes B the container, never A."""
        scope = rf"(?:{self.patterns['partial_stop']})*(?:{self.patterns['operand_containers']}|中)"
        stop = min((g.position for g in among if g is not f and g.position >= f.end), default=len(text))
        return f.end >= 0 and re.match(scope, text[f.end:stop]) is not None

    def is_scope(self, text: str, f: Figure) -> bool:
        """A figure named as a container or qualifier (「工发资金里」「三公经费中」「三公经费的」)."""
        scope = rf"(?:{self.patterns['partial_stop']})*(?:{self.patterns['operand_scope']})"
        after = text[f.end:]
        return f.end >= 0 and not re.match(r"[和与及、，,]", after) and re.match(scope, after) is not None


def amount_figure(a: NarrativeAmount, position: int, phrase: str) -> Figure:
    """A narrative amount as a figure: no records, its sentence to cite."""
    label = a.core if len(a.core) <= 16 else phrase
    section = a.sentence.section.split(" › ")[-1]
    return Figure(label, Decimal(a.value), a.unit, [], None, f"说明「{section}」", position=position,
                  end=position + len(phrase), sentence=a.sentence)


def stated_sum_check(q: Query, sentences: Sequence[Sentence]) -> Answer | None:
    """「增加67.26万元，和拟购公车的43万加18万一致吗」: the question's own numbers added and compared with
    the other number it states, each cited where the narrative states it."""
    nums = list(re.finditer(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(?:万元|万)?", q.text))
    chain = [i for i in range(1, len(nums))
             if re.fullmatch(r"(?:加上?|\+)", q.text[nums[i - 1].end():nums[i].start()])]
    if not chain:
        return None
    added = sorted({j for i in chain for j in (i - 1, i)})
    others = [n for i, n in enumerate(nums) if i not in added]
    if len(others) != 1:
        return None
    parts = [Decimal(nums[i].group(1)) for i in added]
    claimed = Decimal(others[0].group(1))
    total = sum(parts, Decimal(0))
    verdict = "一致" if total == claimed else f"不一致，相差{amount(abs(total - claimed))}万元"
    text = f"{' + '.join(f'{p:f}' for p in parts)} = {amount(total)}万元，与{claimed:f}万元{verdict}。"
    cites = []
    for n in [*parts, claimed]:
        sentence = next((x for x in sentences
                         if re.search(rf"(?<![\d.]){re.escape(f'{n:f}')}万元", plain(x.text))), None)
        if sentence is not None and cite_sentence(sentence) not in cites:
            cites.append(cite_sentence(sentence))
    if cites:
        text += "说明中写到这些数字的句子见来源。"
    values = [Value("之和", amount(total), "万元"), Value("所说", f"{claimed:f}", "万元"),
              Value("一致", "1" if total == claimed else "0", "")]
    return Answer(q.question, text, True, values, cites, operation="check")
