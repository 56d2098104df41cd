"""Reading printed amounts into Decimal: thousands separators, full-width digits, negatives, blanks."""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_FULLWIDTH = str.maketrans("０１２３４５６７８９，．－（）\u2212", "0123456789,.-()-")  # U+2212: minus sign
_AMOUNT = re.compile(r"^[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
_MONEY = re.compile(r"-?(\d{1,3}(,\d{3})+|\d+)\.\d{2}")


def _unwrapped(cell: str) -> tuple[str, bool]:
    """The cell without spaces and full-width forms, and without the parentheses that print a
    negative amount — with whether it had them (a lone "(" or ")" is not such a pair)."""
    s = re.sub(r"\s+", "", cell.translate(_FULLWIDTH))
    if s.startswith("(") and s.endswith(")"):
        return s[1:-1], True
    return s, False


def parse_amount(cell: str | None) -> Decimal | None:
    """The Decimal a money cell prints, or None for a blank or a cell that is not an amount.

    `"10,465.00"` → 10465.00; `"(12.50)"` and `"-12.50"` → -12.50; `""`, `"-"`, `"无"` → None;
    `"(-12.50)"` (a sign inside the parentheses: which is meant?) → None.
    """
    if cell is None:
        return None
    s, negative = _unwrapped(cell)
    if not s or not _AMOUNT.match(s) or (negative and s[0] in "+-"):
        return None
    try:
        value = Decimal(s.replace(",", ""))
    except InvalidOperation:
        return None
    return -value if negative else value


def is_money(cell: str | None) -> bool:
    """True for a cell printed as a money amount (two decimals, as budget tables print them);
    whatever it accepts, parse_amount reads."""
    if cell is None:
        return False
    s, negative = _unwrapped(cell)
    return bool(_MONEY.fullmatch(s)) and not (negative and s.startswith("-"))


def format_amount(value: Decimal) -> str:
    """Amount as answers print it: two decimals, no exponent (`Decimal('1E+1')` → `10.00`)."""
    return f"{value.quantize(Decimal('0.01')):f}"


def format_amount_grouped(value: Decimal) -> str:
    """Amount with thousands separators, as the tables print it (`10465` → `10,465.00`)."""
    return f"{value.quantize(Decimal('0.01')):,f}"
