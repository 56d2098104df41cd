"""Variants of a question (eval/variants.py): rewrites that keep its meaning, so they must be answered
with the original's figures. One per rule that applies (at most len(VARIANT_RULES) per question), each
recording its rule:

- lead-in      请问 / 帮我查下 / 想了解一下 / 我想知道 before the question
- trailing     呢 / 啊 before the question mark, the mark dropped, ？ ↔ ?
- full-width   every digit full-width (２０２６)
- year-form    the document's year as 2026年度 / 26年 / 二〇二六年 / 二零二六年 (a date's year, 2026年1月, is kept)
- short-name   the department named by another of its names (chatbot.link.names.name_forms), one that keeps its
               place and that no other stored department has
- word-order   the year moved from after the department's name to before it, or the other way
- how-much     是多少 → 多少钱 / 是多少万元 (amounts only) / 有多少
- split        「{department}{year}年的预算。{the rest}」 when the question starts with the two

Where a rule has several forms, the one used is picked by a CRC of the question (the same on every run).
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from .rewriting import Case, Context, department_places, mention, pick, place_stem, stated_year, year_pattern
from .score import Question

VARIANT_RULES = ("lead-in", "trailing", "full-width", "year-form", "short-name", "word-order", "how-much",
                 "split")
LEAD_INS = ("请问", "帮我查下", "想了解一下", "我想知道")
_HAS_LEAD_IN = LEAD_INS + ("帮我", "想了解", "我想", "麻烦", "查一下", "查下", "你好")
_CN_DIGITS = {"〇": "〇一二三四五六七八九", "零": "零一二三四五六七八九"}
_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_HOW_MUCH = "是多少"
_MONEY = ("元", "万元", "亿元")


def _chinese_year(year: int, zero: str) -> str:
    digits = _CN_DIGITS[zero]
    return "".join(digits[int(c)] for c in str(year))


def _split_end(question: str) -> tuple[str, str]:
    """The question without its closing mark, and the mark (「？」, 「?」 or 「」)."""
    if question.endswith(("？", "?")):
        return question[:-1], question[-1]
    return question, ""



def _lead_in(q: str, key: str) -> tuple[str, str] | None:
    if q.startswith(_HAS_LEAD_IN):
        return None
    word = pick(LEAD_INS, key)
    return word, f"{word}，{q}" if q.startswith(("根据", "截至", "与")) else word + q


def _trailing(q: str, key: str) -> tuple[str, str] | None:
    body, mark = _split_end(q)
    forms = []
    if not body.endswith(("）", ")", "呢", "啊", "吗")):
        forms += [("呢", f"{body}呢{mark or '？'}"), ("啊", f"{body}啊{mark or '？'}")]
    if mark:
        forms.append(("no mark", body))
    forms.append(("?" if mark != "?" else "？", body + ("?" if mark != "?" else "？")))
    return pick(forms, key) if forms else None  # type: ignore[arg-type]


def _full_width(q: str, key: str) -> tuple[str, str] | None:
    out = q.translate(_FULL_WIDTH)
    return ("全角数字", out) if out != q else None


def _year_form(q: str, ctx: Context, key: str) -> tuple[str, str] | None:
    year = stated_year(q, ctx)
    if year is None:
        return None
    pattern = year_pattern(year)
    m = pattern.search(q)
    if m is None:
        return None
    du = m.group(1) or ""
    y = str(year)
    forms = [f"{y}年度" if not du else f"{y}年", f"{y[2:]}年{du}", f"{_chinese_year(year, '〇')}年{du}",
             f"{_chinese_year(year, '零')}年{du}"]
    form = pick(forms, key)
    return form, pattern.sub(form, q)


def short_names(department: str, departments: Iterable[str]) -> list[str]:
    """The department's other names that keep (part of) its place and that no other stored department
    has among its names, shortest first."""
    from chatbot.link.names import name_forms

    stems = {s for p in department_places(department) for s in (p, place_stem(p))}
    others = {f for d in departments if d != department for f in name_forms(d)}
    ok = [f for f in name_forms(department) if f not in others and any(s in f for s in stems)]
    return sorted(ok, key=lambda f: (len(f), f))


def _short_name(q: str, ctx: Context, key: str) -> tuple[str, str] | None:
    said = mention(q, ctx.department)
    if said is None:
        return None
    forms = [f for f in short_names(ctx.department, ctx.departments or (ctx.department,))
             if f != said and f not in said and said not in f]
    if not forms:
        forms = [f for f in short_names(ctx.department, ctx.departments or (ctx.department,)) if f != said]
    if not forms:
        return None
    form = forms[0] if said == ctx.department or len(said) > len(forms[0]) else forms[-1]
    return form, q.replace(said, form)


def _word_order(q: str, ctx: Context, key: str) -> tuple[str, str] | None:
    said, stated = mention(q, ctx.department), stated_year(q, ctx)
    if said is None or stated is None:
        return None
    year = rf"{stated}年(?:度)?(?![\d０-９])"
    m = re.search(re.escape(said) + f"(?:的)?({year})", q)
    if m is not None:
        return "year first", q[:m.start()] + m.group(1) + said + q[m.end():]
    m = re.search(f"(?<![\\d０-９])({year})(?:的)?" + re.escape(said), q)
    if m is not None:
        return "name first", q[:m.start()] + said + m.group(1) + q[m.end():]
    return None


def _how_much(q: str, unit: str, key: str) -> tuple[str, str] | None:
    if _HOW_MUCH not in q:
        return None
    forms = ["有多少"] + (["多少钱", "是多少万元"] if unit in _MONEY else [])
    form = pick(forms, key)
    if form == "多少钱":
        out = q.replace(_HOW_MUCH, "多少钱")
    else:
        out = re.sub(r"是多少(?!万?元)", form, q)
    return (form, out) if out != q else None


def _split(q: str, ctx: Context, key: str) -> tuple[str, str] | None:
    said, stated = mention(q, ctx.department), stated_year(q, ctx)
    if said is None or stated is None:
        return None
    year = rf"{stated}年(?:度)?(?![\d０-９])"
    m = re.match(re.escape(said) + f"(?:的)?({year})|({year})(?:的)?" + re.escape(said), q)
    if m is None:
        return None
    rest = q[m.end():].lstrip("的，, ")
    if len(rest) < 4:
        return None
    what = ("单位" if ctx.level == "单位" else "") + ctx.kind
    head = f"{said}{m.group(1) or m.group(2)}的{what}"
    return head, f"{head}。{rest}"


def variants_of(question: Question, ctx: Context) -> list[Case]:
    """The meaning-preserving rewrites of a question: one per rule that applies, in VARIANT_RULES order,
    each different from the question and from the others."""
    q, key = question.question, question.id + question.question
    made = {
        "lead-in": _lead_in(q, key),
        "trailing": _trailing(q, key),
        "full-width": _full_width(q, key),
        "year-form": _year_form(q, ctx, key),
        "short-name": _short_name(q, ctx, key),
        "word-order": _word_order(q, ctx, key),
        "how-much": _how_much(q, question.expected.unit, key),
        "split": _split(q, ctx, key),
    }
    out, seen = [], {q}
    for rule in VARIANT_RULES:
        if made[rule] is None:
            continue
        form, text = made[rule]
        if text in seen:
            continue
        seen.add(text)
        out.append(Case(f"{question.id}~{rule}", question.id, "variant", rule, form, text))
    return out
