"""A share asked of each of several items (「A、B各占多少」「A和B的构成」) is each item's share of the whole
the question names, else of the items' own sum — never one item over the other (which once answered
「基本支出占项目支出的28.54%」). Over every real document that prints both items, in several wordings."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest

WORDINGS = ("{d}基本支出、项目支出各占多少", "{d}基本支出和项目支出的构成", "{d}基本支出和项目支出分别占比多少",
            "{d}项目支出与基本支出组成情况")
CENT = Decimal("0.01")


def lookups(svc, dept: str) -> str | None:
    """What the department's two single look-ups say (their figures and the alternatives they name)."""
    basic, project = svc.ask(f"{dept}基本支出是多少"), svc.ask(f"{dept}项目支出是多少")
    if not (basic.found and project.found):
        return None
    return basic.answer + project.answer


@pytest.mark.slow
def test_each_items_share_is_of_their_whole_never_of_the_other_item(real):
    checked = 0
    for dept in sorted({d.department for d in real.documents if d.kind == "预算"}):
        said = lookups(real, dept)
        if said is None:
            continue
        for wording in WORDINGS:
            answer = real.ask(wording.format(d=dept))
            assert answer.found, (wording, answer.answer)
            parts = [Decimal(v.value) for v in answer.values if v.unit != "%"]
            shares = [Decimal(v.value) for v in answer.values if v.unit == "%"]
            assert len(parts) == len(shares) == 2, (dept, wording, answer.answer)
            base = sum(parts)
            assert shares == [(v / base * 100).quantize(CENT, rounding=ROUND_HALF_UP) for v in parts], answer.answer
            assert abs(sum(shares) - 100) <= CENT, answer.answer
            # each part is a figure the item's own look-up reads (as its answer or a named alternative)
            assert all(f"{v.quantize(CENT, rounding=ROUND_HALF_UP):,f}" in said for v in parts), (answer.answer, said)
        checked += 1
    assert checked >= 5, checked


def test_a_share_of_one_item_in_another_is_still_asked_so(real):
    answer = real.ask("重庆市水利局人员经费占基本支出的比重")
    assert answer.found and [v.unit for v in answer.values][-1] == "%"
    assert "二者合计" not in answer.answer
