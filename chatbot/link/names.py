"""The names people use for a department: its printed name shortened as people shorten it (place left
out or cut down, 「中共」 and 「人民政府」 dropped, 发展和改革 → 发改 and 委员会 → 委, a bracketed note
dropped), and whether a
place the question names fits the department's place. Vocabulary in chatbot/data/names.json."""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).parents[1] / "data" / "names.json"
MIN_FORM = 3     # shorter forms (「商务委」 is 3) are too common to name a department alone


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    data["_notes"] = re.compile(data["trailing_notes"])
    data["_noise"] = re.compile("|".join(data["date_noise"]))
    suffix = data["place_suffixes"]
    data["_place"] = re.compile(rf"[\u4e00-\u9fff]{{1,6}}?[{suffix}]")
    return data


def without_dates(text: str) -> str:
    """The question with dates and time words (「12月底」「截至」) replaced by 「，」, so that an organisation
    read after them is not glued to them."""
    return _data()["_noise"].sub("，", text)


def place_suffixes() -> str:
    """The endings of a place name (省市县区)."""
    return _data()["place_suffixes"]


def place_parts(name: str) -> tuple[list[str], str]:
    """The leading place of a name as its parts (「上海市」「普陀区」) and the rest; 「中共」 before the
    place is dropped with it. Parts are taken while the rest stays a name of two characters or more."""
    data = _data()
    rest = name
    for prefix in data["party_prefixes"]:
        if rest.startswith(prefix):
            rest = rest[len(prefix):]
            break
    parts: list[str] = []
    while (m := data["_place"].match(rest)) and len(rest) - m.end() >= 2 and not _is_core(rest, m.end()):
        parts.append(m.group())
        rest = rest[m.end():]
    return parts, rest


def _is_core(rest: str, end: int) -> bool:
    """The place-like head is the department itself (「区委」 of 区委社会工作部 is kept with its name)."""
    return rest[end:end + 1] in ("委", "府")


def place_fits(asked: str, department: str) -> bool:
    """A place the question names fits the department's: each asked part is one of the department's
    parts, in order, with or without its 省/市/区/县 (「普陀区」 and 「普陀」 fit 上海市普陀区)."""
    if not asked:
        return True
    dept_parts, _ = place_parts(department)
    stems = [p[:-1] for p in dept_parts]
    asked_parts, rest = place_parts(asked)
    if rest:                           # 「普陀」 or 「上海普陀」: stems without their endings
        asked_parts.append(rest)
    it = iter(range(len(dept_parts)))
    for part in asked_parts:
        stem = part[:-1] if part[-1:] in _data()["place_suffixes"] else part
        if not any(stems[i] == stem or dept_parts[i] == part for i in it):
            return False
    return True


@lru_cache(maxsize=4096)
def name_forms(department: str) -> tuple[str, ...]:
    """The printed name and the shorter names people use, longest first (each at least MIN_FORM
    characters, except the name itself)."""
    data = _data()
    base = data["_notes"].sub("", department)
    parts, core = place_parts(base)
    cores = {core}
    for word in data["inner_words"]:
        cores |= {c.replace(word, "") for c in cores if word in c and len(c) > len(word) + 1}
    for words, shorts in data["core_short_forms"].items():
        cores |= {c.replace(words, s, 1) for c in cores if words in c for s in shorts}
    for long, shorts in data["inner_suffixes"].items():
        cores |= {c.replace(long, s, 1) for c in cores if long in c[:-len(long)] for s in shorts}
    for long, shorts in data["suffixes"].items():
        cores |= {c[:-len(long)] + s for c in cores if c.endswith(long) for s in shorts}
    places = ["".join(parts[i:]) for i in range(len(parts))] + ["".join(p[:-1] for p in parts[i:])
                                                                for i in range(len(parts))] + [""]
    forms = {department, base} | {p + c for p in places for c in cores}
    return tuple(sorted((f for f in forms if f == department or len(f) >= MIN_FORM), key=len, reverse=True))
