"""Cleaning printed labels: cell text wrapped over lines, spaced-out CJK, ordinal prefixes."""
from __future__ import annotations

import re

_CJK = r"\u3400-\u9fff\uf900-\ufaff（）《》“”、：；，。"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}\d])|(?<=[{_CJK}\d])\s+(?=[{_CJK}])")
# 一、 / 1、 / （一） / (1) / 1. or 1． before a word (never a decimal: 2.5) / ①
_ORDINAL = re.compile(r"^([一二三四五六七八九十]+、|\d+、|（[一二三四五六七八九十\d]+）|\([一二三四五六七八九十\d]+\)"
                      r"|\d{1,2}[.．](?=[\u4e00-\u9fff“（(])|[①-⑳])")


def clean_cell(cell: str | None) -> str:
    """A cell's text on one line: wraps joined, spaces between CJK characters dropped."""
    if not cell:
        return ""
    s = cell.replace("\u3000", " ")
    s = re.sub(r"\s*\n\s*", "\n", s.strip())
    s = re.sub(r"(?<=[A-Za-z0-9.,%])\n(?=[A-Za-z])", " ", s)
    s = s.replace("\n", "")
    s = _SPACE_BETWEEN_CJK.sub("", s)
    return re.sub(r"\s{2,}", " ", s).strip()


def strip_ordinal(label: str) -> str:
    """Label without its ordinal prefix: 「一、本级财政拨款收入」 → 「本级财政拨款收入」, 「1.一般公共预算拨款」 →
    「一般公共预算拨款」."""
    return _ORDINAL.sub("", label).strip()


def normalize_label(label: str) -> str:
    """Key for matching labels: no ordinal, no spaces, full-width brackets, no 「其中：」, no colon at
    the end (「年度资金总额：」 is the 年度资金总额 of the next project's table)."""
    s = strip_ordinal(re.sub(r"\s+", "", label))
    s = s.replace("(", "（").replace(")", "）")
    return re.sub(r"[:：]$", "", re.sub(r"^其中[:：]", "", s))
