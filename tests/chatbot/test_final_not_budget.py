"""A 决算's narrative says each item's budget and its 决算 in one clause (「…年初预算为0.95万元，支出决算为
0.00万元」): a 决算 asked — or a 决算 document asked without saying 预算 — is the 决算 figure, never the budget
said first; its 年初预算 asked is the budget."""
from __future__ import annotations

import re
from decimal import Decimal

CLAUSE = re.compile(r"([\u4e00-\u9fff“”（）]{2,16}?)(?:财政拨款)?支出年初预算为([\d.]+)万元[，,]"
                    r"(?:支出)?决算为([\d.]+)万元")


def _said(answer) -> set[Decimal]:
    return {Decimal(v.value.replace(",", "")) for v in answer.values if v.unit == "万元"}


def test_a_final_asked_is_never_the_budget_said_beside_it(real):
    checked = 0
    for doc in (d for d in real.documents if d.kind == "决算"):
        engine = real.engine([doc])
        for s in engine.narrative.sentences:
            for m in CLAUSE.finditer(s.text.replace(" ", "")):
                item = m.group(1).replace("“", "").replace("”", "")
                budget, final = Decimal(m.group(2)), Decimal(m.group(3))
                if budget == final or len(item) < 3:
                    continue
                for ask in (f"{doc.department}{item}决算", f"{doc.department}{doc.year}年{item}决算数是多少",
                            f"{doc.department}{doc.year}年{item}"):
                    answer = real.ask(ask)
                    assert budget not in _said(answer), (ask, answer.answer)
                checked += 1
    assert checked >= 2, checked
