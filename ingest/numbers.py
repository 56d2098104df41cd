"""Reading printed amounts into Decimal: thousands separators, full-width digits, negatives, blanks."""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_FULLWIDTH = str.maketrans("０１２３４５６７８９，．－（）", "0123456789,.-()")
_AMOUNT = re.compile(r"^[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")


def parse_amount(cell: str | None) -> Decimal | None:
    """The Decimal a money cell prints, or None for a blank or a cell that is not an amount.

    `"10,465.00"` → 10465.00; `"(12.50)"` and `"-12.50"` → -12.50; `""`, `"-"`, `"无"` → None.
    """
    if cell is None:
        return None
    s = re.sub(r"\s+", "", cell.translate(_FULLWIDTH))
    negative = s.startswith("(") and s.endswith(")")
    if negative:
        s = s[1:-1]
    if not s or not _AMOUNT.match(s):
        return None
    try:
        value = Decimal(s.replace(",", ""))
    except InvalidOperation:
        return None
    return -value if negative else value


def is_money(cell: str | None) -> bool:
    """True for a cell printed as a money amount (two decimals, as budget tables print them)."""
    if cell is None:
        return False
    s = re.sub(r"\s+", "", cell.translate(_FULLWIDTH)).strip("()")
    return bool(re.fullmatch(r"-?(\d{1,3}(,\d{3})+|\d+)\.\d{2}", s))


def format_amount(value: Decimal) -> str:
    """Amount as answers print it: two decimals, no exponent (`Decimal('1E+1')` → `10.00`)."""
    return f"{value.quantize(Decimal('0.01')):f}"


def format_amount_grouped(value: Decimal) -> str:
    """Amount with thousands separators, as the tables print it (`10465` → `10,465.00`)."""
    return f"{value.quantize(Decimal('0.01')):,f}"
