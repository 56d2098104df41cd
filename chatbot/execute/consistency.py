"""Whole-disclosure consistency questions (「数据是否一致？」「勾稽关系有没有问题」): the checks of
`ingest.checks` summed up — how many ran and passed, every failed check with its cells cited, or, when
all pass, a few representative passed checks cited as examples."""
from __future__ import annotations

import re
from collections.abc import Sequence

from chatbot.answer import Answer, Citation, Value
from chatbot.execute.compute import amount
from chatbot.wording.compose import cite
from ingest.checks import Check
from ingest.store.store import StoredChunk

EXAMPLE_CATEGORIES = ("表间", "说明与表格", "合计行", "表内", "科目层级")  # the order examples are picked in
EXAMPLES = 3           # passed checks cited when every check passes
LISTED_FAILURES = 10   # failed checks worded (and cited) one by one; the rest are counted
_SENTENCE_END = re.compile(r"(?<=[。；;])")
_STATED = re.compile(r"说明「(.+?)」")


def is_consistency_question(text: str, words: Sequence[str]) -> bool:
    """The wording asks whether the data agree (一致, 对得上, 勾稽, 有错 …)."""
    return any(w in text for w in words)


def examples(checks: Sequence[Check], n: int = EXAMPLES) -> list[Check]:
    """Passed checks to show as examples: one of each category in EXAMPLE_CATEGORIES, the one with the
    fewest cells (printed order on ties)."""
    out = []
    for category in EXAMPLE_CATEGORIES:
        passed = [c for c in checks if c.passed and c.category == category]
        if passed:
            out.append(min(passed, key=lambda c: len(c.cells)))
        if len(out) == n:
            break
    return out


def quote_citation(check: Check) -> Citation | None:
    """The narrative sentence a 说明与表格 check read its figure from."""
    chunk: StoredChunk | None = check.quote
    if chunk is None:
        return None
    stated = _STATED.search(check.name)
    pieces = [p.strip() for p in _SENTENCE_END.split(chunk.text) if p.strip()]
    sentence = next((p for p in pieces if stated and stated.group(1) in p), chunk.text.strip())
    return Citation(document=chunk.document, page=chunk.page, section=chunk.section, text=sentence)


def check_citations(checks: Sequence[Check]) -> list[Citation]:
    """Every cell of the checks (once each, in order of use) and the sentences quoted."""
    seen: dict[object, Citation] = {}
    for c in checks:
        for rec in c.cells:
            seen.setdefault(rec.id, cite(rec))
        quote = quote_citation(c)
        if quote is not None:
            seen.setdefault((quote.section, quote.text), quote)
    return list(seen.values())


def _unit(check: Check) -> str:
    return check.cells[0].unit if check.cells else ""


def _pages(check: Check) -> str:
    pages = list(dict.fromkeys(r.page for r in check.cells))
    return "第" + "、".join(str(p) for p in pages) + "页" if pages else ""


def describe_failure(check: Check) -> str:
    """「…「合计」小计 = 公务接待费 + …：表中140.20万元，计算/陈述104.20万元，相差−36.00万元（第19页）」"""
    unit = _unit(check)
    return (f"{check.name}：表中{amount(check.expected)}{unit}，计算/陈述{amount(check.actual)}{unit}，"
            f"相差{amount(check.difference)}{unit}（{_pages(check)}）")


def describe_pass(check: Check) -> str:
    unit = _unit(check)
    return f"{check.name}（{amount(check.expected)}{unit}，{_pages(check)}）"


def answer_consistency(question: str, checks_by_document: Sequence[tuple[str, Sequence[Check]]]) -> Answer:
    """The summary answer over each document's checks: found, operation "check"."""
    parts: list[str] = []
    values: list[Value] = []
    shown: list[Check] = []
    for title, checks in checks_by_document:
        failed = [c for c in checks if not c.passed]
        head = f"{title}：共{len(checks)}项检查，{len(checks) - len(failed)}项通过"
        values += [Value(f"{title}检查项数", str(len(checks)), "项"),
                   Value(f"{title}通过项数", str(len(checks) - len(failed)), "项")]
        if not checks:
            parts.append(f"{title}：没有可做的检查（库中没有可对照的表格数据）。")
            continue
        if not failed:
            picked = examples(checks)
            shown += picked
            listed = "；".join(describe_pass(c) for c in picked)
            parts.append(f"{head}，全部一致。例如：{listed}。")
            continue
        listed_checks = failed[:LISTED_FAILURES]
        shown += listed_checks
        values.append(Value(f"{title}不一致项数", str(len(failed)), "项"))
        values += [Value(c.name, amount(c.difference), _unit(c)) for c in listed_checks]
        more = f"；另有{len(failed) - len(listed_checks)}项不一致未列出" if len(failed) > len(listed_checks) else ""
        listed = "；".join(f"{i}. {describe_failure(c)}" for i, c in enumerate(listed_checks, 1))
        parts.append(f"{head}，{len(failed)}项不一致：{listed}{more}。")
    return Answer(question, "".join(parts), True, values, check_citations(shown), operation="check")
