"""Money as the disclosures print it: Decimal 万元 with two decimals, grouped in tables, plain in text."""
from __future__ import annotations

from decimal import Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def money(cents: int) -> Decimal:
    """Decimal 万元 with two decimals from integer hundredths (`123456` → 1234.56)."""
    return (Decimal(cents) / 100).quantize(CENT)


def grouped(value: Decimal | None) -> str:
    """A money cell as the tables print it: `10,465.00`; zero or None print blank."""
    return "" if not value else f"{value.quantize(CENT):,f}"


def plain(value: Decimal) -> str:
    """An amount as the narrative prints it: `10465.00`."""
    return f"{value.quantize(CENT):f}"


def percent(part: Decimal, whole: Decimal) -> Decimal:
    """Share of `part` in `whole` in percent, two decimals."""
    return (part * 100 / whole).quantize(CENT) if whole else ZERO


def dsum(values) -> Decimal:
    """Sum of Decimals (ZERO for none)."""
    return sum(values, ZERO)
