"""Subject codes: 功能分类 类/款/项 (215 → 21505 → 2150501) and 经济分类 (301 → 30101)."""
from __future__ import annotations

import re
from dataclasses import dataclass

_CLASS = re.compile(r"^\d{3}$")
_TWO = re.compile(r"^\d{2}$")


@dataclass
class SubjectCodeCursor:
    """Carries 类 and 款 down the rows, since tables print them only where they change."""

    lei: str | None = None
    kuan: str | None = None

    def read(self, lei: str, kuan: str, xiang: str) -> str | None:
        """Full code of a row from its 类/款/项 cells; blank 类 or 款 take the last one seen."""
        lei, kuan, xiang = (_two_digits(c.strip()) for c in (lei, kuan, xiang))
        if _CLASS.match(lei):
            if lei != self.lei:
                self.kuan = None
            self.lei = lei
        if _TWO.match(kuan):
            self.kuan = kuan
        if not (lei or kuan or xiang):
            return None
        if _TWO.match(xiang) and self.lei and self.kuan:
            return self.lei + self.kuan + xiang
        if _TWO.match(kuan) and self.lei:
            return self.lei + kuan
        if _CLASS.match(lei):
            return lei
        return None


def _two_digits(part: str) -> str:
    """A 款 or 项 printed without its leading zero (「2」 for 02)."""
    return f"0{part}" if re.fullmatch(r"[1-9]", part) else part


def split_code_cell(cell: str) -> str | None:
    """A code printed in one cell (「2150501」, 「301」, 「30101」, 「215 05 01」, 「301 2」) or None."""
    parts = (cell or "").split()
    if len(parts) > 1 and re.fullmatch(r"\d{3}", parts[0]) and all(re.fullmatch(r"\d{1,2}", p) for p in parts[1:3]):
        parts = [parts[0]] + [_two_digits(p) for p in parts[1:]]
    s = "".join(parts)
    return s if re.fullmatch(r"\d{3}(\d{2}){0,2}", s) else None


def parent_code(code: str | None) -> str | None:
    """The code one level up: 2150501 → 21505 → 215; 30101 → 301; a 类 has none."""
    if not code or len(code) <= 3:
        return None
    return code[:-2]


def code_level(code: str | None) -> str | None:
    """类 / 款 / 项 by the length of a code."""
    return {3: "类", 5: "款", 7: "项"}.get(len(code or ""))


_LEADING_CODE = re.compile(r"^[\[【［(（]?(\d{3}(?:\s?\d{2}){0,2})(?!\d)[\]】］)）]?\s*[-－—:：、.．]?\s*(?=\S)(.*\D.*)$")
_TRAILING_CODE = re.compile(r"^(.*[\u4e00-\u9fff）)])\s*[\[【(（]?(\d{3}(?:\d{2}){1,2})[\]】)）]?$")


def split_label_code(label: str) -> tuple[str | None, str]:
    """(code, name) of a label that prints its code with the name: 「[2010507]专项普查活动」,
    「2010801-行政运行」, 「201 13 01 行政运行」, a code on its own line above or below the name."""
    m = _LEADING_CODE.match(label.strip())
    if m and re.search(r"[\u4e00-\u9fff]", m.group(2)):
        return re.sub(r"\s+", "", m.group(1)), m.group(2).strip()
    m = _TRAILING_CODE.match(label.strip())
    if m:
        return m.group(2), m.group(1).strip()
    return None, label
