"""Changes against the year before, as the narrative states them (「较2023年增加67.26万元」「比上年预算减少
36.45万元，下降6.87%」), and what follows from them by code: last year's amount (this year's ∓ the change)
and the rate of change (change ÷ last year's amount). Pure functions over sentence text."""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from chatbot.answer import Answer, Value
from chatbot.execute.compute import amount, share
from chatbot.link.figures import Figure
from chatbot.link.narrative import Sentence
from chatbot.wording.compose import citations, cite_sentence

UP = ("增加", "增长", "上升")
_NUMBER = r"\d+(?:\.\d+)?"
_CHANGE = re.compile(rf"(增加|减少|增长|下降|上升|降低)了?([^，。；、\d]{{0,8}}?)({_NUMBER})\s*(万元|亿元|元|%)")
_AGAINST = re.compile(r"(?:[较比](上年|去年|上一年|前一年|(?:19|20)\d\d年?)(?:度|预算|同期|预算数)?|(同比))")
_AMOUNT = re.compile(rf"({_NUMBER})\s*万元")
PRIOR_WORDS = re.compile(r"(去年|上年|上一年|前一年)(?!结转|结余|末)")


@dataclass(frozen=True)
class StatedChange:
    """One change a sentence states: direction, amount and unit, what changed when it is said between
    the direction and the number (「增加了项目经费1454.95万元」), and the year it is against."""

    direction: str
    amount: Decimal
    unit: str
    what: str
    against: str      # 上年 | 去年 | 2023年 | 同比 | "" (not said in the sentence)
    start: int        # where the change phrase starts in the sentence

    @property
    def signed(self) -> Decimal:
        return self.amount if self.direction in UP else -self.amount

    def against_year(self, previous_year: int) -> bool:
        """The change is stated against the previous year (上年, 去年, 同比, or that year by number)."""
        a = self.against.removesuffix("年")
        return self.against in ("上年", "去年", "上一年", "前一年", "同比") or a == str(previous_year)


def stated_changes(sentence: str) -> list[StatedChange]:
    """Every change phrase of a sentence, with the 较/比 base said before it in the same sentence."""
    out = []
    for m in _CHANGE.finditer(sentence):
        bases = list(_AGAINST.finditer(sentence[:m.start()]))
        against = ""
        if bases:
            b = bases[-1]
            against = b.group(1) or b.group(2) or ""
        out.append(StatedChange(m.group(1), Decimal(m.group(3)), m.group(4), m.group(2), against, m.start()))
    return out


def amount_before(sentence: str, change: StatedChange) -> Decimal | None:
    """This year's amount when the sentence states it just before the change
    (「机关运行经费494.25万元，比上年预算减少36.45万元」)."""
    amounts = _AMOUNT.findall(sentence[:change.start])
    return Decimal(amounts[-1]) if amounts else None


def previous_amount(current: Decimal, change: StatedChange) -> Decimal:
    """Last year's amount: this year's less an increase, plus a decrease."""
    return current - change.signed


def rate(change: StatedChange, previous: Decimal) -> Decimal | None:
    """The change as a percentage of last year's amount (None when last year's amount is zero)."""
    return share(change.signed, previous)


def is_prior_level_question(text: str, change_words: list[str]) -> bool:
    """「去年的收入预算是多少」: asks last year's amount (去年/上年 named, no change asked)."""
    return PRIOR_WORDS.search(text) is not None and not any(w in text for w in change_words)


def strip_prior_words(text: str, year: int | None = None) -> str:
    """The question without the words naming last year (「2023年」「去年」「上年」)."""
    if year is not None:
        text = re.sub(rf"{year}年度?的?", "", text)
    return PRIOR_WORDS.sub("", text)


# -- answers ---------------------------------------------------------------------------------------
@dataclass
class FoundChange:
    """A sentence stating a change of what the question is about, and this year's amount when known
    (read from a table figure, else stated before the change in the sentence)."""

    sentence: Sentence
    changes: list[StatedChange]
    name: str                         # what changed, as the answer names it
    year: int | None                  # the stored document's year
    current: Decimal | None = None
    current_figure: Figure | None = None

    @property
    def amount_change(self) -> StatedChange | None:
        return next((c for c in self.changes if c.unit == "万元"), None)

    @property
    def previous(self) -> Decimal | None:
        change = self.amount_change
        return None if change is None or self.current is None else previous_amount(self.current, change)


def _against_text(found: FoundChange) -> str:
    against = next((c.against for c in found.changes if c.against), "")
    return "同比" if against == "同比" else (f"较{against}" if against else "")


def _where(found: FoundChange) -> str:
    s = found.sentence
    return f"据「{s.section.split(' › ')[-1]}」（第{s.page}页）：「{s.text}」"


def _current_note(found: FoundChange) -> str:
    f = found.current_figure
    year = f"{found.year}年" if found.year else "本年"
    if f is None:
        return f"{year}数{amount(found.current or Decimal(0))}万元见同一句"
    return f"{year}数{amount(f.value)}{f.unit}取自{f.table}（第{f.page}页）"


def answer_change(question: str, found: FoundChange, asks_previous: bool, asks_rate: bool) -> Answer:
    """「较2023年增加67.26万元」, and when asked: last year's amount and the rate, computed by code."""
    stated = "，".join(f"{c.direction}{c.what}{c.amount}{c.unit}" for c in found.changes)
    values = [Value(c.direction, f"{c.amount:f}", c.unit) for c in found.changes]
    text = f"{found.name}{_against_text(found)}{stated}。"
    change, previous = found.amount_change, found.previous
    worked = []
    stated_rate = any(c.unit == "%" for c in found.changes)
    if change is not None and previous is not None and (asks_previous or (asks_rate and not stated_rate)):
        sign = "−" if change.signed > 0 else "+"
        worked.append(f"上年数 = {amount(found.current or Decimal(0))} {sign} {change.amount} = {amount(previous)}万元")
        values.append(Value("上年（推算）", amount(previous), "万元"))
        pct = rate(change, previous) if asks_rate and not stated_rate else None
        if pct is not None:
            word = "增长" if pct >= 0 else "下降"
            worked.append(f"变动率 = {change.amount} ÷ {amount(previous)} = {word}{abs(pct):f}%")
            values.append(Value("变动率", f"{abs(pct):f}", "%"))
        values.append(Value(f"{found.year or '本'}年{found.name}", amount(found.current or Decimal(0)), "万元"))
        text += f"由说明推算：{'；'.join(worked)}（{_current_note(found)}）。"
    return _answer(question, text + _where(found), values, found, used_current=bool(worked))


def answer_prior_year(question: str, found: FoundChange, year: int) -> Answer:
    """Last year's amount when the store holds only this year's document: derived, and said so."""
    change, previous = found.amount_change, found.previous
    assert change is not None and previous is not None
    sign = "−" if change.signed > 0 else "+"
    this_year = found.year or year + 1
    text = (f"库中没有{year}年的文件；以下由{this_year}年文件的说明推算：{year}年{found.name} = "
            f"{this_year}年{amount(found.current or Decimal(0))}万元 {sign} {change.direction}的{change.amount}万元"
            f" = {amount(previous)}万元（{_current_note(found)}）。{_where(found)}")
    values = [Value(f"{year}年{found.name}（推算）", amount(previous), "万元"),
              Value(change.direction, f"{change.amount:f}", change.unit),
              Value(f"{this_year}年{found.name}", amount(found.current or Decimal(0)), "万元")]
    return _answer(question, text, values, found, used_current=True)


def _answer(question: str, text: str, values: list[Value], found: FoundChange, used_current: bool) -> Answer:
    """The sentence cited, and this year's record when the working used it."""
    cites = [cite_sentence(found.sentence)]
    if used_current and found.current_figure is not None:
        cites += citations([found.current_figure])
    return Answer(question, text, True, values, cites, operation="change")
