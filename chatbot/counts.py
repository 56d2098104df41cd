"""Counts the narrative states: 「截至2025年12月31日，本部门共有车辆5辆，其中…」 answers 「共有几辆车？」,
「所属2个预算单位」 answers 「包含几个预算单位？」. The count is read next to the noun (or a printed form of it,
kept in data/counts.json) in a sentence, the first such count of the sentence (the total comes before its
「其中」 parts); a sentence about a purchase (购置车辆1辆) does not answer a question about the holding."""
from __future__ import annotations

import json
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from .answer import Answer, Value
from .compose import cite_sentence
from .narrative import Sentence, plain


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, Any]:
    return json.loads((Path(__file__).parent / "data" / "counts.json").read_text(encoding="utf-8"))


def asked_count(text: str) -> tuple[str, str] | None:
    """(measure, noun) of 「几辆车」「多少个内设机构」「二级预算单位有几个」, else None."""
    measures = "".join(vocabulary()["measures"])
    m = re.search(rf"(?:几|多少)([{measures}])([\u4e00-\u9fff]{{1,8}})", text)
    if m:
        noun = _known_noun(m.group(2), prefix=True)
        if noun:
            return m.group(1), noun
    m = re.search(rf"([\u4e00-\u9fff]{{2,10}}?)(?:一共|共|总共)?有?(?:几|多少)([{measures}])", text)
    if m:
        noun = _known_noun(m.group(1), prefix=False)
        if noun:
            return m.group(2), noun
    return None


def _known_noun(words: str, prefix: bool) -> str | None:
    """The longest noun of the vocabulary at the start (or end) of the words."""
    nouns = sorted(vocabulary()["nouns"], key=len, reverse=True)
    return next((n for n in nouns if (words.startswith(n) if prefix else words.endswith(n))), None)


def _numbered_list(clause: str, forms: str) -> int | None:
    """The number of items of a list the noun introduces: 「二级预算单位包括：1.烟台市审计局2.烟台市审计服务中心
    3.…4.…」 → 4 (items numbered 1, 2, … without a gap), else None."""
    m = re.search(rf"(?:{forms})[^。；：:]{{0,6}}(?:包括|分别为|分别是|为|有)[：:]", clause)
    if m is None:
        return None
    n = 0
    for item in re.finditer(r"(?<![\d.])(\d{1,2})[.、．](?!\d)", clause[m.end():]):
        if int(item.group(1)) != n + 1:
            break
        n += 1
    return n if n >= 2 else None


def stated_count(question: str, text: str, sentences: Sequence[Sentence]) -> Answer | None:
    """The count the narrative states for the question's noun, cited; None when no sentence states one,
    or when sentences state different counts and none of them says 共有/实有 (a total)."""
    asked = asked_count(text)
    if asked is None:
        return None
    measure, noun = asked
    vocab = vocabulary()
    spec = vocab["nouns"][noun]
    forms = "|".join(re.escape(f) for f in sorted(spec["forms"], key=len, reverse=True))
    others = [w for w in vocab["other_counts"] if w not in text]
    asked_other = [w for w in vocab["other_counts"] if w in text]   # 「购置几辆车」: a purchase, not the fleet
    pattern = re.compile(rf"(?:(\d+){measure}(?:{forms})|(?:{forms})(\d+){measure})")
    found: list[tuple[int, bool, Sentence]] = []
    for s in sentences:
        clause = plain(s.text)
        if any(w in clause for w in others) or not all(c in clause for c in spec["context"]):
            continue
        start = min((clause.find(w) for w in asked_other if w in clause), default=-1)
        if asked_other and start < 0:
            continue
        m = pattern.search(clause, max(start, 0))
        if m:
            total = any(w in clause[:m.start()] for w in vocab["total_marks"])
            found.append((int(m.group(1) or m.group(2)), total, s))
        elif (listed := _numbered_list(clause, forms)) is not None:
            found.append((listed, True, s))
    if len({n for n, _, _ in found}) > 1:
        found = [f for f in found if f[1]]
    if not found or len({n for n, _, _ in found}) != 1:
        return None
    n, _, s = found[0]
    answer = f"共{n}{measure}{noun}。据「{s.section.split(' › ')[-1]}」（第{s.page}页）：「{s.text}」"
    return Answer(question, answer, True, [Value(f"{noun}数", str(n), measure)], [cite_sentence(s)], operation="count")
