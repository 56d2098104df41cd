"""Arithmetic on figures: Decimal only, shares as percentages rounded half up to two decimals."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

from ingest.tables.numbers import format_amount

T = TypeVar("T")
CENT = Decimal("0.01")


def total(values: Sequence[Decimal]) -> Decimal:
    return sum(values, Decimal(0))


def difference(a: Decimal, b: Decimal) -> Decimal:
    return a - b


def share(part: Decimal, whole: Decimal) -> Decimal | None:
    """part ÷ whole as a percentage with two decimals (None when the whole is zero)."""
    if whole == 0:
        return None
    return (part / whole * 100).quantize(CENT, rounding=ROUND_HALF_UP)


def ranked(items: Sequence[T], key: Callable[[T], Decimal], n: int | None = None,
           ascending: bool = False) -> list[T]:
    """Items by amount (largest first unless `ascending`), the first n; ties keep printed order."""
    out = sorted(items, key=key, reverse=not ascending)
    return out[:n] if n else out


def amount(value: Decimal) -> str:
    """An amount as answers print it: two decimals, or more when the figure has more (the narrative's
    「180.982万元」 stays 180.982, never rounded)."""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2 and value != value.quantize(CENT):
        return f"{value.normalize():f}"
    return format_amount(value)


def shown(value: Decimal) -> str:
    """An amount as answer texts print it: thousands separators, two decimals (rounded half up; the
    printed figure is cited beside it when it has more)."""
    return f"{value.quantize(CENT, rounding=ROUND_HALF_UP):,f}"


def percent(value: Decimal) -> str:
    return f"{value.quantize(CENT, rounding=ROUND_HALF_UP):f}%"
