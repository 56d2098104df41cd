"""Who published a disclosure, for which year, and what it is (预算, 决算, 绩效自评 …): read from
whatever the document prints — its cover, the headings of its tables, its running head, its narrative —
in that order of trust, never from the file name. The readers live in `metadata`; this is their order."""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from .metadata import (
    department_from_cover,
    department_prefix,
    is_organisation,
    metadata_spec,
    read_cover_year,
    read_department,
    read_kind,
    read_level,
    title_of_kind,
    without_trailing_words,
)
from .model import Table

_TITLE_YEAR = re.compile(r"(20\d{2})\s*年")
T = TypeVar("T")


@dataclass(frozen=True)
class Identity:
    """Department (blank when the document names none), year (None likewise), kind and level."""

    department: str
    year: int | None
    kind: str
    level: str


def read_identity(cover: Sequence[str], tables: Sequence[Table], context: Sequence[str] = (),
                  grid_names: Sequence[str] = (), running_heads: Sequence[str] = (),
                  narrative: Sequence[str] = ()) -> Identity:
    """The identity from the cover lines, the tables (their titles and 部门 lines), the lines printed
    around them (`context`), 部门名称 cells, running heads and narrative lines."""
    titles = [t.title for t in tables]
    department = (read_department([*cover, *context], list(tables), list(grid_names))
                  or _most_common(department_from_cover([ln]) for ln in running_heads)
                  or department_from_narrative(narrative) or "")
    year = (read_cover_year(list(cover)) or year_of_titles(titles) or read_cover_year(list(context))
            or _most_common(read_cover_year([ln]) for ln in running_heads) or year_of_narrative(narrative))
    kind = read_kind(title_of_kind(list(cover)) or title_of_kind(titles[:1]) or title_of_kind(list(running_heads)))
    return Identity(department, year, kind, read_level(list(cover), department_prefix(list(cover))))


def year_of_titles(titles: Sequence[str]) -> int | None:
    """The year the table titles print most often (「2017年政府采购预算表」), or None."""
    return _most_common(int(y) for t in titles for y in _TITLE_YEAR.findall(t))


def department_from_narrative(lines: Sequence[str]) -> str:
    """The organisation narrative lines open with before a year (「江苏省政协办公厅 2019 年度收入…」),
    when at least `narrative_name_min_lines` lines name the same one; else ""."""
    spec = metadata_spec()
    pattern = re.compile(spec["narrative_name"])
    names: Counter[str] = Counter()
    for line in lines:
        m = pattern.match(line.strip())
        name = without_trailing_words(m.group(1)) if m else ""
        if is_organisation(name):
            names[name] += 1
    found = names.most_common(1)
    return found[0][0] if found and found[0][1] >= spec["narrative_name_min_lines"] else ""


def year_of_narrative(lines: Sequence[str]) -> int | None:
    """The year the narrative prints most often before 预算/决算 (「2019 年度部门预算表」), or None."""
    pattern = re.compile(metadata_spec()["narrative_year"])
    return _most_common(int(y) for line in lines for y in pattern.findall(line))


def _most_common(values: Iterable[T | None]) -> T | None:
    counts = Counter(v for v in values if v)
    return counts.most_common(1)[0][0] if counts else None


def reading_notes(department: str, year: int | None, unread_pages: Sequence[int] = ()) -> list[str]:
    """What could not be read from a document, as the ingest line and `budgetqa list` say it:
    「部门未能读出」, 「年份未能读出」, 「第3、5页的表格未能读取」 (never a stand-in name)."""
    notes = [f"{what}未能读出" for what, value in (("部门", department), ("年份", year)) if not value]
    if unread_pages:
        notes.append(f"第{'、'.join(map(str, unread_pages))}页的表格未能读取")
    return notes
