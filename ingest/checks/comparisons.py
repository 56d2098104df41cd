"""Comparison words against the figures of their sentence: 「增加Y万元，增长Z%」 agree in direction and
Z = Y ÷ (the figure before the change); 「决算数大于/小于/等于预算数」 and 「基本持平」 agree with the
预算 and 决算 figures stated with them. Words are data (`comparisons` in `ingest/data/checks.json`)."""
from __future__ import annotations

import re
from decimal import Decimal

from ..document.statements import is_statement
from ..store.store import StoredChunk
from .check import ZERO, Check, spec
from .narrative import squeeze

_SENTENCE = re.compile(r"[^。；;！？\n]+[。；;！？\n]?")
_HALF = Decimal("0.5")


def _words() -> dict:
    return spec()["comparisons"]


def _change_pattern() -> re.Pattern[str]:
    w = _words()
    moves = "|".join(w["up"] + w["down"])
    return re.compile(rf"({moves})了?(\d[\d,]*(?:\.\d+)?)\s*万元[^。；]{{0,3}}?({moves})了?(\d+(?:\.\d+)?)\s*%")


def _number(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def _half_place(text: str) -> Decimal:
    exponent = Decimal(text.replace(",", "")).as_tuple().exponent
    return Decimal(1).scaleb(exponent if isinstance(exponent, int) else 0) * _HALF


def _direction(word: str) -> int:
    return 1 if word in _words()["up"] else -1


def change_checks(chunk: StoredChunk, sentence: str) -> list[Check]:
    """「…X万元，比上年增加Y万元，增长Z%」: the two words agree, and Z% is Y over the prior figure."""
    out = []
    for m in _change_pattern().finditer(sentence):
        said = m.group(0)
        agree = _direction(m.group(1)) == _direction(m.group(3))
        out.append(Check("比较用语", f"说明「{said}」：“{m.group(1)}”与“{m.group(3)}”方向一致", Decimal(1),
                         Decimal(1 if agree else 0), [], chunk, allowance=ZERO))
        base = _base_figure(sentence[:m.start()])
        if base is None or not agree or _number(base) - _number(m.group(2)) * _direction(m.group(1)) <= 0:
            continue
        out.append(_rate_check(chunk, said, base, m))
    return out


def _rate_check(chunk: StoredChunk, said: str, base: str, m: re.Match[str]) -> Check:
    """Z% is the change over the figure before it (prior = now ∓ change); some disclosures divide by
    the figure after it, which is accepted too."""
    now, change, rate = _number(base), _number(m.group(2)), _number(m.group(4))
    before = now - change * _direction(m.group(1))
    rates = [change / d * 100 for d in (before, now) if d > 0]
    computed = min(rates, key=lambda r: abs(r - rate)) if rates else rate
    slack = (_half_place(m.group(2)) + _half_place(base) * 2) / max(min(before, now), Decimal(1)) * 200 \
        + _half_place(m.group(4))
    return Check("比较用语", f"说明「{base}万元…{said}」：{m.group(3)}{m.group(4)}% = {m.group(2)} ÷ 变化前的{before:f}",
                 rate, computed.quantize(Decimal("0.0001")), [], chunk, allowance=slack)


def _base_figure(before: str) -> str | None:
    """The 万元 figure the change is of: the sentence's last figure, when it ends the clause right
    before the change (「支出X万元，比上年增加…」); none when other words stand between."""
    m = re.search(r"(\d[\d,]*(?:\.\d+)?)\s*万元[^\d万]{0,12}$", before)
    if m is None or re.search(r"[。；]", before[m.end():]):
        return None
    moves = tuple(_words()["up"] + _words()["down"])
    return None if before[max(0, m.start() - 3):m.start()].endswith(moves) else m.group(1)


def _term_figures(text: str) -> dict[str, str]:
    """预算 / 决算 → the last 万元 figure each clause states for it (「年初预算为A万元」「支出决算为B万元」)."""
    found: dict[str, str] = {}
    for clause in re.split(r"[，,。；;]", text):
        for m in re.finditer(r"(\d[\d,]*(?:\.\d+)?)\s*万元", clause):
            head = clause[:m.start()]
            terms = [(head.rfind(w), term) for term, words in _words()["terms"].items() for w in words]
            at, term = max(terms)
            if at >= 0:
                found[term] = m.group(1)
    return found


def relation_checks(chunk: StoredChunk, sentence: str, before: str) -> list[Check]:
    """「决算数小于预算数」 against the 决算 and 预算 figures of this sentence or the one before it."""
    out = []
    for word, sign in _words()["relations"].items():
        for m in re.finditer(_words()["relation_pattern"].format(word=word), sentence):
            figures = {**_term_figures(before), **_term_figures(sentence[:m.start()])}
            if "预算" not in figures or "决算" not in figures:
                continue
            budget, actual = _number(figures["预算"]), _number(figures["决算"])
            flat = abs(actual - budget) <= abs(budget) * Decimal(str(_words()["flat_share"]))
            holds = {"=": flat, ">": actual > budget, "<": actual < budget}[sign]
            out.append(Check("比较用语", f"说明「{m.group(0)}」：决算{figures['决算']}万元 {sign} 预算{figures['预算']}万元",
                             Decimal(1), Decimal(1 if holds else 0), [], chunk, allowance=ZERO))
    return out


def comparison_checks(chunks: list[StoredChunk]) -> list[Check]:
    """Every comparison word of the narrative with the figures it compares."""
    out: list[Check] = []
    for chunk in chunks:
        text = squeeze(chunk.text)[0]
        sentences = _SENTENCE.findall(text)
        for i, sentence in enumerate(sentences):
            if not is_statement(sentence):
                continue        # an instruction or a question compares nothing (「回答…增加999万元」)
            out += change_checks(chunk, sentence)
            out += relation_checks(chunk, sentence, sentences[i - 1] if i else "")
    return out
