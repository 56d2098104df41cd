"""Canonical table kinds (三公经费, 收支总表 …) from a table's printed title, by the rules in
data/table_kinds.json, so the chatbot finds a table by what it is, whatever a template calls it."""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..document.model import Table

_PATH = Path(__file__).resolve().parents[1] / "data" / "table_kinds.json"
_YEAR = re.compile(r"(20\d{2})\s*年度?")


@lru_cache(maxsize=1)
def kinds_spec() -> dict[str, Any]:
    return json.loads(_PATH.read_text(encoding="utf-8"))


def all_kinds() -> list[str]:
    """Every canonical kind, in rule order."""
    return list(dict.fromkeys(rule["kind"] for rule in kinds_spec()["rules"]))


def mandated_kinds(document_kind: str) -> list[str]:
    """The kinds a disclosure of `document_kind` (预算 or 决算) must publish."""
    return list(kinds_spec()["mandated"].get(document_kind, []))


def published_within() -> dict[str, tuple[list[str], list[str]]]:
    """Mandated kind → (the wider kinds, the column words) of a table that publishes it as a column."""
    spec = kinds_spec().get("published_within", {})
    return {k: (v["within"], v["columns"]) for k, v in spec.items() if not k.startswith("_")}


def title_words(title: str) -> str:
    """A title reduced to its words: no quotes, spaces or year (「2024年“三公”经费表」 → 「三公经费表」)."""
    s = title
    for noise in kinds_spec()["title_noise"]:
        s = s.replace(noise, "")
    return _YEAR.sub("", s)


def _matches(rule: dict[str, Any], words: str) -> bool:
    return (all(w in words for w in rule.get("all", []))
            and (not rule.get("any") or any(w in words for w in rule["any"]))
            and not any(w in words for w in rule.get("none", [])))


def table_kind(title: str) -> str | None:
    """The canonical kind of a table titled `title`, or None (an unknown table keeps its title)."""
    words = title_words(title)
    for rule in kinds_spec()["rules"]:
        if _matches(rule, words):
            return str(rule["kind"])
    return None


def assign_kinds(tables: list[Table]) -> None:
    """Give every table its canonical kind (None where no rule knows its title)."""
    for table in tables:
        table.kind = table_kind(table.title)
