"""Budget stages in a final-accounts (决算) disclosure: an item's 年初预算, 全年预算 and 决算 amounts.

决算 tables print only what was spent; the stage amounts stand in the narrative, one passage per item:
「4、一般公共服务支出（类）财政事务（款）财政委托业务支出（项）。主要用于：…。年初预算为450.52万元，支出
决算为449.52万元。」 This module reads those passages into items and answers 「…的年初预算和决算数各是多
少」「决算比年初预算少多少」「完成年初预算的百分之多少」 from them, by code (Decimal) — and refuses
rather than answer the 决算 column when a stage amount is asked that the document does not state."""
from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from chatbot.answer import Answer, Citation, Value
from chatbot.execute.compute import percent, share, shown
from chatbot.link.narrative import Sentence, plain
from chatbot.wording.compose import cite, cite_sentence
from chatbot.wording.refusals import refuse
from ingest.document.text import strip_ordinal
from ingest.store.store import StoredRecord

_AMOUNT = r"(-?\d[\d,]*(?:\.\d+)?)\s*万元"
_YEAR = re.compile(r"\d{4}年度?")
_MIN_KEY = 3          # an item named by fewer characters (「支出」) is too vague to match a question


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, Any]:
    return json.loads((Path(__file__).parents[1] / "data" / "stages.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=2)
def _alternation(which: str) -> tuple[re.Pattern[str], dict[str, str]]:
    """The stage words of `which` (「printed」 or 「asked」) as one pattern, longest first, and each word's stage."""
    stage_of = {w: stage for stage, ws in vocabulary()[which].items() for w in ws}
    ordered = sorted(stage_of, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in ordered)), stage_of


@dataclass(frozen=True)
class StageAmount:
    """An item's amount at one stage, with where it is printed (a narrative sentence or a table cell)."""

    stage: str
    value: Decimal
    citation: Citation

    @property
    def where(self) -> str:
        c = self.citation
        if c.section is not None:
            return f"说明「{c.section.split(' › ')[-1]}」第{c.page}页"
        return f"{c.table}第{c.page}页"


@dataclass
class StagedItem:
    """One item of the narrative with its stage amounts: 「行政运行」 (chain 「一般公共服务支出（类）财政事务
    （款）行政运行（项）」): 年初预算 1560.05, 决算 1511.89."""

    chain: str
    document_id: int
    amounts: dict[str, StageAmount] = field(default_factory=dict)

    @property
    def parts(self) -> list[str]:
        markers = "|".join(re.escape(m) for m in vocabulary()["item_markers"])
        return [p for p in re.split(markers, self.chain) if p]

    @property
    def key(self) -> str:
        return self.parts[-1] if self.parts else self.chain

    @property
    def names(self) -> list[str]:
        """The key, and the key without a scope suffix (「三公经费财政拨款支出」 → 「三公经费」) unless what is
        left is a scope itself (「一般公共预算」)."""
        vocab = vocabulary()
        out = [self.key]
        for suffix in vocab["key_suffixes"]:
            short = self.key.removesuffix(suffix)
            if short != self.key and len(short) >= _MIN_KEY and short not in vocab["scope_keys"]:
                out.append(short)
        return out


def row_items(label: str, document_id: int, cells: dict[str, StoredRecord]) -> list[StagedItem]:
    """A table row as items, when its columns print stages: the row itself (「预算数」「决算数」), or each
    column group over such a pair (「公务接待费/预算数」「公务接待费/决算数」 of a 三公 决算表)."""
    printed, stage_of = _alternation("printed")
    groups: dict[str, StagedItem] = {}
    for column, rec in cells.items():
        *head, leaf = column.split("/")
        m = printed.search(leaf)
        if m is None or rec.value is None:
            continue
        name = strip_ordinal(head[-1]) if len(head) > 1 else strip_ordinal(label)
        item = groups.setdefault(name, StagedItem(name, document_id))
        item.amounts.setdefault(stage_of[m.group(0)], StageAmount(stage_of[m.group(0)], rec.value, cite(rec)))
    return list(groups.values())


def stage_amount(item: StagedItem, stage: str) -> StageAmount | None:
    """The item's amount at a stage; a plain 「预算」 is the one budget stage the item states."""
    if stage in item.amounts:
        return item.amounts[stage]
    if stage == "预算":
        budgets = {a.value: a for k, a in item.amounts.items() if k in ("年初预算", "全年预算")}
        return next(iter(budgets.values())) if len(budgets) == 1 else None
    return None


def _clean_head(head: str, departments: Sequence[str]) -> str:
    """The item a stage amount belongs to, from the words before it: its last clause without ordinals,
    lead words, department names or years."""
    head = re.split(r"[，,；;：:。]", head)[-1]
    for word in vocabulary()["lead_words"]:
        head = head.removeprefix(word)
    for name in sorted(departments, key=len, reverse=True):
        head = head.replace(plain(name), "")
    head = _YEAR.sub("", head)
    return strip_ordinal(head).strip().removesuffix("的")


def _chain(text: str, markers: Sequence[str]) -> str:
    """「其中：1、一般公共服务支出（类）财政事务（款）行政运行（项）。」 → the chain of names, from the last
    clause that holds a marker."""
    clauses = [c for c in re.split(r"[，,；;：:。]", text) if any(mk in c for mk in markers)]
    return strip_ordinal(clauses[-1].strip()) if clauses else text


def staged_items(sentences: Sequence[Sentence], departments: Sequence[str]) -> list[StagedItem]:
    """Every item the narrative gives a stage amount for, in order. An amount with no item before it in
    its clause belongs to the item last named in the same section (「…行政运行（项）。主要用于：…。年初预
    算为1560.05万元」); any other amount in between ends that item."""
    printed, stage_of = _alternation("printed")
    amount = re.compile(f"({printed.pattern})(?:为|是|：|:)?\\s*{_AMOUNT}")
    markers = vocabulary()["item_markers"]
    items: list[StagedItem] = []
    current: StagedItem | None = None
    section: tuple[int, str] | None = None
    for s in sentences:
        if (s.document_id, s.section) != section:
            section, current = (s.document_id, s.section), None
        text = plain(s.text)
        start, found = 0, False
        for m in amount.finditer(text):
            found = True
            head = _clean_head(text[start:m.start()], departments)
            start = m.end()
            if len(head) >= 2:
                current = StagedItem(head, s.document_id)
                items.append(current)
            if current is None:
                continue
            stage = stage_of[m.group(1)]
            value = Decimal(m.group(2).replace(",", ""))
            current.amounts.setdefault(stage, StageAmount(stage, value, cite_sentence(s)))
        if found:
            continue
        if any(mk in text for mk in markers):
            current = StagedItem(_chain(text, markers), s.document_id)
            items.append(current)
        elif re.search(_AMOUNT, text):
            current = None
    return [i for i in items if i.amounts]


def asked_stages(text: str) -> list[str]:
    """The stages a question names, in the order it names them (「决算比全年预算少多少」 → 决算, 全年预算)."""
    vocab = vocabulary()
    for phrase in vocab["not_a_stage"]:
        text = text.replace(phrase, "\0" * len(phrase))
    words, stage_of = _alternation("asked")
    out: list[str] = []
    for m in words.finditer(text):
        if stage_of[m.group(0)] not in out:
            out.append(stage_of[m.group(0)])
    return out


def asks_budget_stage(text: str) -> bool:
    """The question names a budget stage other than 决算 (年初预算, 全年预算, 预算数)."""
    return any(s != "决算" for s in asked_stages(text))


def _operation(text: str) -> str:
    vocab = vocabulary()
    if any(w in text for w in vocab["completion"]):
        return "completion"
    if any(w in text for w in vocab["difference"]) or re.search("比.{0,6}(多|少|增|减|超)", text):
        return "difference"
    return "lookup"


def find_items(items: Sequence[StagedItem], text: str, code_names: dict[str, tuple[str, str | None]]
               ) -> list[StagedItem]:
    """The items a question names: by the code it gives (its printed name, checked against the 款 the
    passage names when it names one), else by the longest item name the question contains."""
    text = plain(text)
    for code, (label, parent) in code_names.items():
        if code not in text:
            continue
        hits = [i for i in items if i.key == label]
        if parent and any(len(i.parts) > 1 for i in hits):
            hits = [i for i in hits if len(i.parts) < 2 or i.parts[-2] == parent]
        return hits
    named = [(max(len(n) for n in i.names if n in text), i) for i in items
             if any(len(n) >= _MIN_KEY and n in text for n in i.names)]
    longest = max((n for n, _ in named), default=0)
    return [i for n, i in named if n == longest]


def _name(item: StagedItem, code: str | None) -> str:
    return f"{item.key}（{code}）" if code else item.key


def stages_asked(text: str) -> tuple[str, list[str]]:
    """The operation (lookup, difference, completion) and the stages it needs, in order."""
    stages = asked_stages(text)
    op = _operation(text)
    if op == "completion" and "决算" not in stages:
        stages.append("决算")
    if op != "lookup" and len(stages) == 1:
        stages.insert(0, "决算")
    return op, stages


def answer_stages(question: str, text: str, items: Sequence[StagedItem],
                  code_names: dict[str, tuple[str, str | None]], holdings: str,
                  chosen: Sequence[StagedItem] = ()) -> Answer:
    """The stage amounts a question asks of one item, their difference or the completion rate; a
    refusal naming what the narrative states when the item or one of its stage amounts is not there."""
    op, stages = stages_asked(text)
    hits = list(chosen) or find_items(items, text, code_names)
    code = next((c for c in code_names if c in plain(text)), None)
    if not hits:
        named = "、".join(dict.fromkeys(i.key for i in items if len(i.key) >= _MIN_KEY))
        said = f"决算说明写明预算数的项目有：{named}。" if named else "决算说明中没有写明各项的预算数。"
        return refuse("stage_not_stated", question, "refusal", stages="、".join(stages), said=said,
                      holdings=holdings)
    distinct = {tuple(sorted((k, a.value) for k, a in i.amounts.items())) for i in hits}
    if len(distinct) > 1:
        chains = "；".join(i.chain for i in hits)
        return refuse("stage_item_ambiguous", question, "refusal", item=hits[0].key, chains=chains)
    item = hits[0]
    found = {s: stage_amount(item, s) for s in stages}
    missing = [s for s, a in found.items() if a is None]
    if missing:
        said = "，".join(f"{k}{shown(a.value)}万元" for k, a in item.amounts.items())
        where = next(iter(item.amounts.values())).where
        return refuse("stage_missing", question, "refusal", name=_name(item, code),
                      missing="、".join(missing), said=said, where=where)
    amounts = [a for a in found.values() if a is not None]
    cites = list({(c.section, c.text, c.table, c.row, c.column): c for c in (a.citation for a in amounts)}.values())
    name = _name(item, code)
    where = "、".join(dict.fromkeys(a.where for a in amounts))
    if op == "lookup":
        parts = "，".join(f"{a.stage}{shown(a.value)}万元" for a in amounts)
        values = [Value(f"{item.key}{a.stage}", f"{a.value:f}", "万元") for a in amounts]
        return _found(question, f"{name}：{parts}（据{where}）。", values, cites, "lookup")
    first, second = amounts[0], amounts[1]
    if op == "completion":
        budget, spent = (first, second) if first.stage != "决算" else (second, first)
        rate = share(spent.value, budget.value)
        if rate is None:
            return Answer(question, f"{name}的{budget.stage}为0，无法计算完成率。", False, operation="refusal")
        text_ = (f"{name}支出决算{shown(spent.value)}万元，完成{budget.stage}（{shown(budget.value)}万元）的"
                 f"{percent(rate)}：{shown(spent.value)} ÷ {shown(budget.value)} = {percent(rate)}（据{where}）。")
        return _found(question, text_, [Value(f"{item.key}完成{budget.stage}", f"{rate:f}", "%")], cites, "share")
    diff = first.value - second.value
    word = "多" if diff >= 0 else "少"
    text_ = (f"{name}{first.stage}{shown(first.value)}万元，比{second.stage}{shown(second.value)}万元"
             f"{word}{shown(abs(diff))}万元：{shown(first.value)} − {shown(second.value)} = {shown(diff)}万元"
             f"（据{where}）。")
    return _found(question, text_, [Value(f"{item.key}{first.stage}比{second.stage}{word}", f"{abs(diff):f}", "万元")],
                  cites, "difference")


def _found(question: str, text: str, values: list[Value], cites: list[Citation], op: str) -> Answer:
    return Answer(question, text, True, values, cites, operation=op)
