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

from chatbot.answer import Answer, Value
from chatbot.link.narrative import Sentence, plain
from chatbot.wording.compose import cite_sentence
from chatbot.wording.refusals import refuse


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, Any]:
    return json.loads((Path(__file__).parents[1] / "data" / "counts.json").read_text(encoding="utf-8"))


def asked_count(text: str) -> tuple[str, str] | None:
    """(measure, noun) of 「几辆车」「多少个内设机构」「二级预算单位有几个」, else None."""
    found = _asked(text)
    return found[:2] if found else None


def _asked(text: str) -> tuple[str, str, str] | None:
    """(measure, noun, qualifier): the words right before the noun that name a kind of it
    (「执法执勤用车有几辆」 → 执法执勤用), noise words (「现有的」) left out."""
    measures = "".join(vocabulary()["measures"])
    m = re.search(rf"(?:几|多少)([{measures}])([\u4e00-\u9fff]{{1,8}})", text)
    if m:
        noun = _known_noun(m.group(2), prefix=True)
        if noun:
            return m.group(1), noun, ""
    m = re.search(rf"([\u4e00-\u9fff]{{2,10}}?)(?:一共|共|总共)?有?(?:几|多少)([{measures}])", text)
    if m:
        noun = _known_noun(m.group(1), prefix=False)
        if noun:
            return m.group(2), noun, _qualifier(text[:m.start(1)] + m.group(1)[:-len(noun)])
    return None


def _qualifier(words: str) -> str:
    """The kind the words before a counted noun name, after the last year or noise word."""
    words = re.split(r"(?:19|20)\d\d年|[，,。的]", words)[-1]    # a clause ending in 的 describes, names no kind
    noise = sorted(vocabulary()["qualifier_noise"], key=len, reverse=True)
    changed = True
    while changed:
        changed = False
        for w in noise:
            if words.startswith(w):
                words, changed = words[len(w):], True
    for w in vocabulary()["other_counts"]:       # 「新增」: a purchase, read as such elsewhere
        words = words.split(w)[-1]
    return words if len(words) >= 2 else ""


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
    asked = _asked(text)
    if asked is None:
        return None
    measure, noun, kind = asked
    vocab = vocabulary()
    if kind:
        return _count_of_kind(question, text, kind, noun, measure, sentences)
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


def _count_of_kind(question: str, text: str, kind: str, noun: str, measure: str,
                   sentences: Sequence[Sentence]) -> Answer:
    """「执法执勤用车有几辆」: the count a sentence states right after the kind (「执法执勤用车2辆」), never
    the total of the noun; a purchase (购置, 新增) only when asked; refused when no sentence counts that
    kind, or sentences count it differently."""
    others = vocabulary()["other_counts"]
    asked_other = [w for w in others if w in text]
    pattern = re.compile(rf"{re.escape(kind)}[\u4e00-\u9fff]{{0,4}}?(\d+){re.escape(measure)}")
    counts = []
    for s in sentences:
        clause = plain(s.text)
        said_other = [w for w in others if w in clause]
        if (said_other and not any(w in said_other for w in asked_other)) or (asked_other and not said_other):
            continue
        if m := pattern.search(clause):
            counts.append((int(m.group(1)), s))
    if not counts or len({n for n, _ in counts}) != 1:
        why = "说明中没有写明这一类的数目" if not counts else "说明中的几处数目不一致"
        return refuse("count_not_stated", question, "count", kind=kind, noun=noun, why=why)
    n, s = counts[0]
    answer = f"{kind}{noun}{n}{measure}。据「{s.section.split(' › ')[-1]}」（第{s.page}页）：「{s.text}」"
    return Answer(question, answer, True, [Value(f"{kind}{noun}数", str(n), measure)], [cite_sentence(s)],
                  operation="count")
