"""Table titles and the lines printed around a grid: a number label (「公开01表」「预算03表」「表1」),
the title itself (with or without a year), an empty-table note. Spellings live in data/titles.json."""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

_PATH = Path(__file__).resolve().parents[1] / "data" / "titles.json"


@lru_cache(maxsize=1)
def _spec() -> dict[str, Any]:
    spec = json.loads(_PATH.read_text(encoding="utf-8"))
    sep = spec["number_label_separators"]
    spec["_labels"] = [re.compile(p + sep) for p in spec["number_labels"]]
    spec["_end"] = re.compile(spec["title_end"])
    spec["_year_line"] = re.compile(spec["year_lines"])
    return spec


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def split_number_label(text: str) -> tuple[str | None, str]:
    """(number label, rest): 「公开01表 收支总表」 → ("公开01表", "收支总表"); no label → (None, text)."""
    s = _squeeze(text)
    for pattern in _spec()["_labels"]:
        m = pattern.match(s)
        if m and m.end() > 0:
            label = s[:m.end()].rstrip("：:、.．")
            return label, s[m.end():]
    return None, s


def is_number_label(text: str) -> bool:
    """A line that is only a table's number (「公开01表」, 「表1」, 「预算表12」)."""
    label, rest = split_number_label(text)
    return label is not None and not rest


def could_be_title(rest: str) -> bool:
    """Whether a line (number label dropped) is shaped like a title: short, no sentence punctuation,
    not a part heading or a note. The workbook reader asks this of a sheet's banner line too."""
    spec = _spec()
    if not rest or len(rest) > spec["max_title_chars"] or len(rest) < 3:
        return False
    return not (rest.startswith(tuple(spec["not_title_starts"])) or any(w in rest for w in spec["not_title_words"]))


def table_title(text: str) -> str | None:
    """The title a line prints (number label dropped), or None when the line is not a table title."""
    spec = _spec()
    _, rest = split_number_label(text)
    if not could_be_title(rest):
        return None
    if not spec["_end"].search(rest) and not rest.endswith(tuple(spec["continued_marks"])):
        return None
    if re.fullmatch(r"[\d\W]*表", rest):  # 「2表」: a label's tail, not a title
        return None
    return rest


def is_year_line(text: str) -> bool:
    """A line that only states the year a table is for: 「（2026年度）」."""
    return bool(_spec()["_year_line"].match(_squeeze(text)))


def base_title(title: str) -> str:
    """A title without its continuation mark: 「…表（续）」 → 「…表」."""
    for mark in _spec()["continued_marks"]:
        title = title.replace(mark, "")
    return title


def is_empty_note(text: str) -> bool:
    """A note that says a table holds nothing (「本表为空表」, 「本部门无政府性基金收支」)."""
    s = _squeeze(text)
    return len(s) <= 120 and any(w in s for w in _spec()["empty_table_notes"])
