"""A generic total said in the narrative as the tail of a longer name (「政府采购预算总额」「委托业务费预算
总额」) is that item's, not the department's: 「预算总额是多少」 is never answered with it, while the longer
name asked in full still is; a question ending in 总额 asks a figure (no passage quoted instead).
Over documents whose narrative is all they hold (北京's 情况说明 files): no table total answers first."""
from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from chatbot.service import open_service
from ingest.pipeline import ingest_paths

IDENTITY = Path(__file__).resolve().parents[1] / "data" / "breadth" / "identity"
LONGER = re.compile(r"(政府采购|委托业务费)(?:支出)?预算总额([\d,]+(?:\.\d+)?)万元")


@pytest.fixture(scope="module")
def narrative_only(tmp_path_factory):
    """The documents of tests/data/breadth/identity that print no table, only their narrative."""
    root = tmp_path_factory.mktemp("narrative-only")
    files = [p for p in sorted(IDENTITY.glob("*.pdf")) if "说明" in p.stem]
    summary = ingest_paths(files, root)
    assert len(summary.results) >= 2 and not summary.failed, summary.line()
    svc = open_service(root)
    assert not any(svc.engine([d]).catalog.rows for d in svc.documents)   # narrative, nothing else
    yield svc
    svc.close()


def _said(answer) -> set[Decimal]:
    return {Decimal(v.value.replace(",", "")) for v in answer.values if v.unit == "万元"}


def _stated(svc, doc) -> dict[Decimal, str]:
    return {Decimal(m.group(2).replace(",", "")): m.group(1) for s in svc.engine([doc]).narrative.sentences
            for m in LONGER.finditer(s.text.replace(" ", ""))}


@pytest.mark.parametrize("ask", ["{d}{y}年预算总额是多少", "{d}{y}年部门预算总额", "{d}预算总额多少",
                                 "{d}{y}年支出总额"])
def test_a_total_read_inside_a_longer_name_is_not_the_departments(narrative_only, real, ask):
    checked = 0
    for svc in (narrative_only, real):
        for doc in svc.documents:
            stated = _stated(svc, doc)
            if not stated:
                continue
            answer = svc.ask(ask.format(d=doc.department, y=doc.year))
            assert not _said(answer) & set(stated), answer.answer
            checked += 1
    assert checked >= 5, checked


def test_the_longer_name_asked_in_full_is_answered(narrative_only):
    doc = next(d for d in narrative_only.documents if _stated(narrative_only, d))
    value, name = next(iter(_stated(narrative_only, doc).items()))
    for ask in (f"{doc.department}{name}预算总额是多少", f"{doc.department}{doc.year}年{name}预算总额"):
        answer = narrative_only.ask(ask)
        assert answer.found and value in _said(answer), answer.answer


def test_a_question_ending_in_a_total_asks_a_figure(narrative_only):
    doc = next(d for d in narrative_only.documents if _stated(narrative_only, d))
    for ending in ("总额", "数额"):
        answer = narrative_only.ask(f"{doc.department}三公经费{ending}")
        assert answer.found and _said(answer), (ending, answer.answer)


@pytest.mark.parametrize("question", ["机关运行经费 2026", "三公经费2026年", "项目支出 今年", "会议费总额 2025年度"])
def test_a_year_said_last_still_asks_a_figure(question):
    from chatbot.lexicon import load_patterns
    from chatbot.understand.query import asks_number

    assert asks_number(question, load_patterns())
    assert not asks_number("为什么机关运行经费减少了 2026", load_patterns())
