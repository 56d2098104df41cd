"""One written form of a question before anything reads it, so that the way a person types does not
change what is understood: digits and letters half width, a year in every form people write it
(二〇二六年, 二零二六年度, 26年, 2026 年度) as 「2026年」, and the polite lead-ins and trailing particles
of chat (请问, 帮我查下, 想了解一下 …; 呢, 啊) dropped at the ends of each clause. The words are data
(chatbot/data/patterns.json → canonical); the grammar of years is here."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

_WIDTH = str.maketrans("０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ"
                        "．％()　",
                        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.%（） ")
_DIGIT = {"〇": "0", "○": "0", "零": "0", "Ｏ": "0", "一": "1", "二": "2", "三": "3", "四": "4", "五": "5",
          "六": "6", "七": "7", "八": "8", "九": "9"}
_HAN_YEAR = re.compile(r"([〇○零Ｏ一二三四五六七八九]{4})(?=\s*年)")
_HAN_SHORT_YEAR = re.compile(r"(?<![〇○零一二三四五六七八九十百千万\d])([〇○零一二三四五六七八九]{2})(?=\s*年(?!级|龄|限|内|间|来|以来|轻))")
_SPACED_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)\s+(?=年)")
_YEAR_DU = re.compile(r"(?<!\d)((?:19|20)\d\d)年度")
# 「26年」「23年度」: two digits, not part of a longer number, not a count of years (近10年, 10年来)
_SHORT_YEAR = re.compile(r"(?<![\d.])(?<![近前后过这那第每满共约超逾])(\d{2})(?=年(?!级|龄|限|内|间|来|以来|轻|以上|以下|左右))")
# 「2023、2024年」「2023和2024年」「2022-2024年」: a year of a list or range said without its 年
_LISTED_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?=\s*(?:、|和|与|及|至|到|~|－|-|—)\s*(?:19|20)\d\d年)")
_CLAUSE = re.compile(r"([,，。;；?？!！\n]+)")


@lru_cache(maxsize=8)
def _compiled(lead_ins: tuple[str, ...], particles: tuple[str, ...]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    words = sorted(lead_ins, key=len, reverse=True)
    lead = re.compile(rf"^\s*(?:(?:{'|'.join(map(re.escape, words))})[,，:：\s]*)+")
    tail = re.compile(rf"(?:{'|'.join(map(re.escape, particles))})+\s*$")
    return lead, tail


def canonical_years(text: str) -> str:
    """Every year of the text written 「2026年」 (二〇二六年, 二零二六年度, 26年, 2026 年度 → 2026年)."""
    text = _HAN_YEAR.sub(lambda m: "".join(_DIGIT[c] for c in m.group(1)), text)
    text = _HAN_SHORT_YEAR.sub(lambda m: "20" + "".join(_DIGIT[c] for c in m.group(1)), text)
    text = _SPACED_YEAR.sub(r"\1", text)
    text = _SHORT_YEAR.sub(lambda m: ("20" if int(m.group(1)) <= 60 else "19") + m.group(1), text)
    text = _YEAR_DU.sub(r"\1年", text)
    while (m := _LISTED_YEAR.search(text)) is not None:    # 2022、2023、2024年: each from the last
        text = text[:m.end()] + "年" + text[m.end():]
    return text


def canonical_question(question: str, patterns: dict[str, Any]) -> str:
    """The question in one written form (see the module docstring); its meaning is unchanged."""
    spec = patterns.get("canonical", {})
    text = canonical_years(question.translate(_WIDTH)).strip()
    lead, tail = _compiled(tuple(spec.get("lead_ins", ())), tuple(spec.get("particles", ())))
    pieces = _CLAUSE.split(text)
    out: list[str] = []
    emptied = False
    for i, piece in enumerate(pieces):
        if i % 2 == 1:          # a clause's punctuation: dropped with a clause that was all lead-in
            if not emptied:
                out.append(piece)
            continue
        kept = tail.sub("", lead.sub("", piece)) if piece.strip() else piece
        emptied = bool(piece.strip()) and not kept.strip()
        out.append(kept)
    joined = _with_context_clause("".join(out).strip(), patterns)
    return joined or text


_CONTEXT = re.compile(r"^(?P<head>.+?)的?(?P<level>部门|单位|本级)?(?P<kind>预算|决算)(?:情况|公开|报告)?"
                      r"[。，,;；:：]\s*(?P<rest>.+)$")


def _with_context_clause(text: str, patterns: dict[str, Any]) -> str:
    """A first sentence that only sets the scope (「X局2026年的预算。…是多少？」) joined to the question it
    sets it for: 「X局2026年…是多少？」 (决算 and a 单位 level kept as words of the scope)."""
    m = _CONTEXT.match(text)
    ask = patterns.get("two_asks", {}).get("ask")
    if m is None or not ask or re.search(ask, m.group("head")) or not re.search(ask, m.group("rest")):
        return text
    kept = (m.group("level") or "") + m.group("kind") if m.group("kind") == "决算" or \
        m.group("level") in ("单位", "本级") else ""
    head = re.sub(r"((?:19|20)\d\d年)$", kept + r"\1", m.group("head")) if kept else m.group("head")
    return head + ("" if kept and head != m.group("head") else kept) + m.group("rest")   # the year parts scope from item
