"""Round trip from records (eval/roundtrip.py): strict scoring of an answer against the record its
question came from. The expected figure must be among the answer's headline values (`answer.values`,
converted between 元 and 万元); a figure only in the answer's text does not count. A wrong answer is
described by what it got wrong (another document, table, row or column)."""
from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from .roundtrip_questions import RoundTripQuestion
from .roundtrip_wording import TO_WAN, TOLERANCE, clean_label, to_wan
from .score import Question, _decimal, _get, answer_text, numbers_in, value_matches


def headline_match(expected: str, unit: str, values: Sequence[Any]) -> bool:
    """The expected figure is among the answer's values: in the same unit within 0.005, or converted
    between 元, 万元 (and 亿元) within 0.005 万元 (a 元 figure stated in 万元 to two decimals)."""
    target = Decimal(expected)
    for v in values:
        d = _decimal(_get(v, "value"))
        if d is None:
            continue
        v_unit = _get(v, "unit", "") or ""
        if v_unit == unit or not v_unit or v_unit not in TO_WAN or unit not in TO_WAN:
            if abs(abs(d) - abs(target)) <= TOLERANCE:
                return True
        elif abs(abs(to_wan(d, v_unit)) - abs(to_wan(target, unit))) <= TOLERANCE:
            return True
    return False


def strict_verdict(question: Question, answer: Any) -> str:
    """right (the figure among the headline values) | refused (not found, or asked back) | wrong."""
    e = question.expected
    if headline_match(e.values[0], e.unit, _get(answer, "values", None) or []):
        return "right"
    if not _get(answer, "found", False) or asked_back(answer):
        return "refused"
    return "wrong"


def asked_back(answer: Any) -> bool:
    """The answer asks which reading was meant (a clarification offering candidates)."""
    return _get(answer, "operation", "") == "clarify"


def mistake_kind(question: RoundTripQuestion, answer: Any) -> str:
    """What a wrong answer got wrong, from its citations against the expected record: another document,
    table, row or column (the first that differs), then whether the expected figure is in the text."""
    e, src = question.expected, question.source
    values = _get(answer, "values", None) or []
    in_text = value_matches(e.values[0], numbers_in(answer_text(answer)), unit=e.unit)
    cites = [c for c in _get(answer, "citations", None) or [] if _get(c, "row")]
    if not values:
        where = "no headline values"
    elif not cites or src is None:
        where = "no table citation"
    elif not any(_get(c, "document") == src.document for c in cites):
        where = "another document"
    else:
        same_doc = [c for c in cites if _get(c, "document") == src.document]
        same_table = [c for c in same_doc if _get(c, "table") == src.table]
        same_row = [c for c in same_table if clean_label(_get(c, "row") or "") == clean_label(src.row)
                    and _get(c, "page") == src.page]
        if not same_table:
            where = "another table"
        elif not same_row:
            where = "another row"
        elif not any(_get(c, "column") == src.column for c in same_row):
            where = "another column"
        else:
            where = "right cell, other figure stated"
    return where + (" (the figure in the text)" if in_text else "")

