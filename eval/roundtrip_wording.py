"""Round trip from records (eval/roundtrip.py): a table's printed labels and column headers in people's
words, as the wording data says them (eval/roundtrip_columns.json), and figures in 万元.

A column header path is read segment by segment: a segment of last year's figures or of changes, or of
the other kind of document (a 决算's 预算数 column), leaves the column out; an item of 三公经费 names the
figure; plain segments (合计, 预算数) add nothing; a known phrase (基本支出) gives the words around the row;
any other segment leaves the column out as unknown.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from ingest.document.text import strip_ordinal

DATA = Path(__file__).with_name("roundtrip_columns.json")
TOLERANCE = Decimal("0.005")           # in 万元 when units differ, else in the printed unit
TO_WAN = {"元": Decimal("0.0001"), "千元": Decimal("0.1"), "万元": Decimal(1), "亿元": Decimal(10000)}
SANGONG = "三公经费"

_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|\d+[、.．](?!\d)|[（(][一二三四五六七八九十\d]+[)）])")
_CODE_IN_LABEL = re.compile(r"^[\[【]?\d{3,7}[\]】]?\s*|[（(]\d{3,7}[)）]$")
_QUOTES = str.maketrans("", "", "“”\"‘’'「」")


@lru_cache(maxsize=1)
def load_wording(path: str = str(DATA)) -> dict[str, Any]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    data["_plain_patterns"] = [re.compile(p) for p in data["plain_patterns"]]
    data["_year_text"] = re.compile(data["year_row_text"])
    return data


def clean_label(label: str) -> str:
    """A printed label as a question says it: no spaces, quotes, ordinals, 「其中：」 or code."""
    s = re.sub(r"\s+", "", label or "").translate(_QUOTES).replace("(", "（").replace(")", "）")
    while True:
        t = _CODE_IN_LABEL.sub("", re.sub(r"^其中[:：]", "", strip_ordinal(_ORDINAL.sub("", s))))
        if t == s:
            return s
        s = t


def segment_key(segment: str, year: int | None) -> str:
    """A header segment for lookup: cleaned, the document's year as {year}, the year before as {prev}."""
    s = re.sub(r"\s+", "", segment).translate(_QUOTES).replace("(", "（").replace(")", "）")
    s = re.sub(r"^其中[:：](?=.)", "", s)
    if year:
        s = s.replace(str(year), "{year}").replace(str(year - 1), "{prev}")
    return s


@dataclass(frozen=True)
class ColumnReading:
    """What a column path says in people's words: skip (why), an item of 三公, and a phrase (or none)."""

    skip: str = ""           # "" | last_year | change | other_kind | unknown
    item: str | None = None
    phrase: dict[str, str] | None = None


def read_column(path: str, kind: str, year: int | None, data: dict[str, Any], doc_kind: str = "预算"
                ) -> ColumnReading:
    """The column header path in people's words (see the data file's _doc)."""
    plain = set(data["plain"]) | set(data["plain_by_kind"].get(kind, ()))
    items = data["sangong_items"] if kind == SANGONG else {}
    item, phrases = None, []
    for raw in [s for s in path.split("/") if s.strip()]:
        seg = segment_key(raw, year)
        if any(w in seg for w in data["last_year"]):
            return ColumnReading("last_year")
        if any(w in seg for w in data["change"]):
            return ColumnReading("change")
        if seg in data["other_kind_columns"].get(doc_kind, ()):
            return ColumnReading("other_kind")      # a 决算's 预算数 column, a 预算's 决算数
        if seg in items:
            item = items[seg]
        elif seg in plain or any(p.search(seg) for p in data["_plain_patterns"]):
            continue
        elif seg in data["phrases"]:
            phrases.append(seg)
        else:
            return ColumnReading("unknown")
    phrases = [p for i, p in enumerate(phrases)
               if not any(p in data["phrases"][q].get("within", ()) for q in phrases[i + 1:])]
    if len(phrases) > 1:
        return ColumnReading("unknown")
    return ColumnReading("", item, data["phrases"][phrases[0]] if phrases else None)


def to_wan(value: Decimal, unit: str) -> Decimal:
    return value * TO_WAN.get(unit, Decimal(1))

