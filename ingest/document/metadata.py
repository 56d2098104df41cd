"""Department, year, kind (预算/决算) and level (部门/单位) of a disclosure, read from the document
itself (cover, table headings), never from its file name. Spellings live in data/metadata.json."""
from __future__ import annotations

import json
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any

from .model import Table

_PATH = Path(__file__).resolve().parents[1] / "data" / "metadata.json"
_YEAR = re.compile(r"(20\d{2})\s*年")
_BARE_YEAR = re.compile(r"(?<!\d)(20\d{2})(?!\d)")
_CN_DIGITS = {"〇": "0", "零": "0", "○": "0", "Ｏ": "0", "一": "1", "二": "2", "三": "3", "四": "4", "五": "5",
              "六": "6", "七": "7", "八": "8", "九": "9"}
_CN_YEAR = re.compile(r"([二][〇零○Ｏ一二三四五六七八九]{3})年")


@lru_cache(maxsize=1)
def _spec() -> dict[str, Any]:
    spec = json.loads(_PATH.read_text(encoding="utf-8"))
    prefixes = sorted(spec["department_prefixes"], key=len, reverse=True)
    spec["_prefix"] = re.compile(r"^(" + "|".join(map(re.escape, prefixes)) + r")\s*[:：]\s*(\S.*)$")
    spec["_code"] = re.compile(spec["department_code_prefix"])
    spec["_suffix"] = re.compile("(" + "|".join(map(re.escape, spec["organisation_suffixes"])) + ")$")
    spec["_budget"] = re.compile(spec["cover_budget_words"])
    return spec


def metadata_spec() -> dict[str, Any]:
    """The spellings of data/metadata.json (with their compiled patterns)."""
    return _spec()


def read_year(text: str) -> int | None:
    """The first year printed as 「2024年」 (titles come first, so this is the budget year)."""
    m = _YEAR.search(text)
    return int(m.group(1)) if m else None


def read_cover_year(cover: list[str]) -> int | None:
    """The year on a cover: 「2024年」, a bare 「2026」 on a line of its own, else 「二〇二六年」."""
    text = "\n".join(cover)
    year = read_year(text)
    if year:
        return year
    m = _BARE_YEAR.search(text)
    if m:
        return int(m.group(1))
    m = _CN_YEAR.search(re.sub(r"\s+", "", text))
    return int("".join(_CN_DIGITS[c] for c in m.group(1))) if m else None


def read_kind(title: str) -> str:
    """The document's kind from the words of its title: the kind word printed last names it
    (「2026年部门预算」 → 预算, 「…项目支出绩效评价报告」 → 绩效评价); no kind word → 预算."""
    spec = _spec()
    text = re.sub(r"\s+", "", title)
    for word in spec["document_kind_ignore"]:
        text = text.replace(word, "")
    found = [(text.rfind(w) + len(w), len(w), k["kind"]) for k in spec["document_kinds"] for w in k["words"] if w in text]
    return max(found)[2] if found else "预算"


def title_of_kind(lines: list[str]) -> str:
    """The words of a document's title among `lines` (cover lines, then table titles): the first line
    that names a kind, or that does with the line after it (a title wraps: 「…部门预」 / 「算」)."""
    words = [w for k in _spec()["document_kinds"] for w in k["words"]]
    squeezed = [re.sub(r"\s+", "", ln) for ln in lines]
    for i in range(len(squeezed)):
        for title in (squeezed[i], "".join(squeezed[i:i + 2])):
            if any(w in title for w in words):
                return title
    return ""


def read_level(cover: list[str], prefix: str | None) -> str:
    """单位 for a unit's own budget (「市级单位预算」, 「预算单位：」 on the cover), else 部门."""
    spec = _spec()
    text = re.sub(r"\s+", "", "".join(cover))
    if any(w in text for w in spec["level_words"]["单位"]) or prefix in spec["level_prefixes"]["单位"]:
        return "单位"
    return "部门"


UNIT_LINE_MAX_CHARS = 30  # a longer line mentioning 单位 is prose, not the table's unit line


def money_units() -> list[str]:
    """The units a 「单位：万元」 line may print (data/metadata.json), longest first."""
    return sorted(_spec()["units"], key=len, reverse=True)


@lru_cache(maxsize=1)
def _unit_line() -> re.Pattern[str]:
    return re.compile(r"单位[:：]\s*(" + "|".join(map(re.escape, money_units())) + ")")


def unit_from_line(line: str, max_chars: int | None = UNIT_LINE_MAX_CHARS) -> str | None:
    """The unit a table's 「单位：万元」 line prints, or None; `max_chars=None` reads it anywhere in
    the line (a 「部门名称：X 单位：万元」 line)."""
    if max_chars is not None and len(line) >= max_chars:
        return None
    m = _unit_line().search(line)
    return m.group(1) if m else None


def split_department_line(line: str) -> tuple[str, str] | None:
    """(prefix, department) of a 「预算主管部门：上海市普陀区商务委员会」 line, or None."""
    s = re.sub(r"\s+", " ", line.strip())
    m = _spec()["_prefix"].match(s)
    if not m:
        return None
    name = clean_department(m.group(2))
    return (m.group(1), name) if name else None


def is_department_prefix(text: str) -> bool:
    """A cell that prints only the prefix (「部门名称：」), its name in the next cell."""
    s = re.sub(r"\s+", "", text).rstrip(":：")
    return s != re.sub(r"\s+", "", text) and s in _spec()["department_prefixes"]


def department_from_line(line: str) -> str | None:
    found = split_department_line(line)
    return found[1] if found else None


def clean_department(text: str) -> str:
    """A department name without a code prefix (「341-」), trailing 单位 words or spaces."""
    spec = _spec()
    s = text.strip()
    for word in spec["trailing_after_name"]:
        s = s.split(word)[0]
    s = re.split(r"[:：]", s.strip(" *#：:"))[-1]  # 「收支预算总表部门：X」: the name follows the prefix
    s = spec["_code"].sub("", s.strip())
    return without_trailing_words(re.sub(r"\s+", "", s).strip("*#：:"))


def without_trailing_words(name: str) -> str:
    """A name without scope marks (（汇总）, （本级）) and the column or document words printed after it
    (金额, 部门), as long as what is left still ends as an organisation."""
    spec = _spec()
    for mark in spec["scope_marks"]:
        name = name.replace(mark, "")
    stripped = True
    while stripped:
        stripped = False
        for word in spec["trailing_words"]:
            if name.endswith(word) and is_organisation(name[: -len(word)]):
                name, stripped = name[: -len(word)], True
    return name


def cover_lines(lines: list[str]) -> list[str]:
    """The cover: the first lines, up to the table of contents."""
    spec = _spec()
    out = []
    for line in lines[: spec["cover_max_lines"]]:
        if re.sub(r"\s+", "", line) in [re.sub(r"\s+", "", w) for w in spec["cover_stop_lines"]]:
            break
        out.append(line)
    return out


def department_from_cover(cover: list[str]) -> str:
    """The organisation a cover names before its budget words: 「2026年烟台市审计局部门预算」 → 烟台市审计局."""
    spec = _spec()
    text = re.sub(r"\s+", "", "".join(cover))
    text = re.sub(r"(20\d{2}|[二][〇零○一二三四五六七八九]{3})年度?", "", text)
    text = _BARE_YEAR.sub("", text)
    for part in spec["_budget"].split(text):
        name = clean_department(part)
        if is_organisation(name):
            return name
    return ""


def read_department(first_page_lines: list[str], tables: list[Table], weaker: list[str] = ()) -> str:
    """部门名称 the cover or the tables print (prefix dropped); else the organisation the cover names;
    else what `weaker` lines (部门名称 cells inside a grid) name, if it reads as an organisation."""
    named = [department_from_line(ln) for ln in first_page_lines]
    names = Counter([n for n in named if n] + [t.department for t in tables if t.department])
    if names:
        return names.most_common(1)[0][0]
    found = department_from_cover(cover_lines(first_page_lines))
    if found:
        return found
    grid_names = Counter(n for n in map(department_from_line, weaker) if n and is_organisation(n))
    return grid_names.most_common(1)[0][0] if grid_names else ""


def is_organisation(name: str) -> bool:
    """A name that ends as organisations do (局, 委员会, 办事处 …)."""
    return len(name) >= 3 and bool(_spec()["_suffix"].search(name))


def department_prefix(lines: list[str]) -> str | None:
    """The prefix the cover names its department with (预算单位, 预算主管部门 …), if any."""
    for line in lines:
        found = split_department_line(line)
        if found:
            return found[0]
    return None


def document_title(department: str, year: int | None, kind: str, level: str = "部门") -> str:
    """「长沙市信访局2026年部门预算」; a performance document by its own name (「…2024年绩效目标表」)."""
    titles = {k["kind"]: k["title"] for k in _spec()["document_kinds"] if "title" in k}
    what = titles.get(kind, f"{level}{kind}")
    return f"{department}{year}年{what}" if year else f"{department}{what}"
