"""Department, year and kind (预算/决算) of a disclosure, read from the document itself."""
from __future__ import annotations

import re
from collections import Counter

from .model import Table

_YEAR = re.compile(r"(20\d{2})\s*年")
_DEPARTMENT_LINE = re.compile(r"部门(?:（单位）)?名称[:：]\s*(\S.*?)\s*(?:单位[:：].*)?$")
_ORG_SUFFIX = re.compile(r"(局|委员会|委|办公室|厅|院|中心|部|署|馆|所|站|会|处|政府|集团|大学|学校)$")


def read_year(text: str) -> int | None:
    """The first year printed as 「2024年」 (titles come first, so this is the budget year)."""
    m = _YEAR.search(text)
    return int(m.group(1)) if m else None


def read_kind(text: str) -> str:
    """决算 when the title says so (决算公开, 部门决算), else 预算."""
    head = text[:400]
    return "决算" if "决算" in head and "预（决）算" not in head.replace("预(决)算", "预（决）算") else "预算"


_UNIT_LINE = re.compile(r"单位[:：]\s*(\S+)")
UNIT_LINE_MAX_CHARS = 30  # a longer line mentioning 单位 is prose, not the table's unit line


def unit_from_line(line: str, max_chars: int | None = UNIT_LINE_MAX_CHARS) -> str | None:
    """The unit a table's 「单位：万元」 line prints, or None; `max_chars=None` reads it anywhere in
    the line (a 「部门名称：X 单位：万元」 line)."""
    if max_chars is not None and len(line) >= max_chars:
        return None
    m = _UNIT_LINE.search(line)
    return m.group(1) if m else None


def department_from_line(line: str) -> str | None:
    m = _DEPARTMENT_LINE.search(line.strip())
    return re.sub(r"\s+", "", m.group(1)) if m else None


def read_department(first_page_lines: list[str], tables: list[Table]) -> str:
    """部门名称 the tables print most often; else the organisation named on the cover."""
    names = Counter(t.department for t in tables if t.department)
    if names:
        return names.most_common(1)[0][0]
    for line in first_page_lines[:6]:
        s = re.sub(r"\s+", "", line).strip("*#")
        if _ORG_SUFFIX.search(s) and not _YEAR.search(s):
            return s
    return ""


def document_title(department: str, year: int | None, kind: str) -> str:
    return f"{department}{year or ''}年部门{kind}" if year else f"{department}部门{kind}"
