"""Mutations of a question (eval/variants.py): rewrites that ask what the store does not hold, so they
must be refused. Only of answerable questions of lookup-like categories; none where unsure:

- other-year        the document's year replaced by one the store holds for no document of the department
- other-department  the department's most specific place replaced by a place no stored department has
- absent-item       (lookup) the 功能分类 类 the question asks replaced by one the document prints no row of

Where a rule has several forms, the one used is picked by a CRC of the question (the same on every run).
"""
from __future__ import annotations

import re
import zlib
from collections.abc import Iterable

from .rewriting import Case, Context, department_places, mention, pick, place_stem, year_pattern
from .score import Question

MUTATION_RULES = ("other-year", "other-department", "absent-item")
# categories whose question asks figures of one department's document, with no other year in play:
# a mutation of them has one clear meaning (a count 「截至2025年12月」 or a change 「比2025年」 has not)
MUTABLE = ("lookup", "sum", "difference", "share", "ranking", "zero", "narrative", "jue")
# 功能分类 类 (GB budget subject classes): the item an absent-item mutation looks for in a lookup
FUNCTION_CLASSES = (
    "一般公共服务支出", "外交支出", "国防支出", "公共安全支出", "教育支出", "科学技术支出", "文化旅游体育与传媒支出",
    "社会保障和就业支出", "卫生健康支出", "节能环保支出", "城乡社区支出", "农林水支出", "交通运输支出",
    "资源勘探工业信息等支出", "商业服务业等支出", "金融支出", "援助其他地区支出", "自然资源海洋气象等支出",
    "住房保障支出", "粮油物资储备支出", "灾害防治及应急管理支出", "国有资本经营预算支出")
ABSENT_CLASSES = ("金融支出", "外交支出", "国防支出", "援助其他地区支出", "粮油物资储备支出")
# places that stand in for a department's place in an other-department mutation, by the kind of place;
# the first one no stored department names is used
OTHER_PLACES = {
    "省": ("浙江", "安徽", "河南", "四川"),
    "市": ("威海", "无锡", "宁波", "厦门", "株洲", "宝鸡", "珠海", "绵阳", "天津"),
    "区": ("静安", "长宁", "虹口", "杨浦"),
    "县": ("平阳", "德清"),
    "街道": ("曹杨新村", "长风新村", "石泉路"),
}


def other_year(ctx: Context) -> int | None:
    """A year the store holds no document of the department for: three years back, or further."""
    if ctx.year is None:
        return None
    held = set(ctx.years_held) | {ctx.year}
    return next((y for y in range(ctx.year - 3, ctx.year - 10, -1) if y not in held), None)


def other_place(department: str, departments: Iterable[str]) -> tuple[str, str] | None:
    """(the department's most specific place stem, a stem of the same kind of place that no stored
    department's name holds), or None when the department names no place."""
    names = list(departments) + [department]
    places = department_places(department)
    if not places:
        return None
    place = places[-1]
    kind = "街道" if place.endswith("街道") else place[-1]
    stem = place_stem(place)
    options = OTHER_PLACES.get(kind, ())
    start = zlib.crc32(department.encode("utf-8")) % len(options) if options else 0
    for candidate in options[start:] + options[:start]:
        if not any(candidate in n for n in names):
            return stem, candidate
    return None


def _other_year(q: str, ctx: Context) -> tuple[str, str] | None:
    year = other_year(ctx)
    if year is None or not year_pattern(ctx.year).search(q):  # type: ignore[arg-type]
        return None
    if re.search(rf"(?<![\d０-９]){year}(?![\d０-９])", q):
        return None
    return str(year), year_pattern(ctx.year).sub(lambda m: f"{year}年{m.group(1) or ''}", q)  # type: ignore[arg-type]


def _other_department(q: str, ctx: Context) -> tuple[str, str] | None:
    from chatbot.link.names import name_forms

    swap = other_place(ctx.department, ctx.departments)
    if swap is None:
        return None
    stem, new = swap
    if stem not in q:
        return None
    out = q.replace(stem, new)
    said = mention(q, ctx.department)
    moved = said.replace(stem, new) if said else new
    if any(moved in name_forms(d) for d in ctx.departments):
        return None
    return moved, out


def _absent_item(q: str, ctx: Context, category: str, key: str) -> tuple[str, str] | None:
    if category != "lookup" or re.search(r"\d{6,7}", q):
        return None
    asked = [c for c in FUNCTION_CLASSES if c in q]
    if len(asked) != 1:
        return None
    labels = "\n".join(ctx.row_labels)
    if not labels:
        return None
    free = [c for c in ABSENT_CLASSES if c[:-2] not in labels and c not in q]
    if not free:
        return None
    item = pick(free, key)
    return item, q.replace(asked[0], item)


def mutations_of(question: Question, ctx: Context) -> list[Case]:
    """The rewrites that ask what the store does not hold: only of answerable questions of MUTABLE
    categories, one per rule that applies, in MUTATION_RULES order."""
    if not question.expected.found or question.category not in MUTABLE:
        return []
    q, key = question.question, question.id + question.question
    made = {
        "other-year": _other_year(q, ctx),
        "other-department": _other_department(q, ctx),
        "absent-item": _absent_item(q, ctx, question.category, key),
    }
    out = []
    for rule in MUTATION_RULES:
        if made[rule] is None or made[rule][1] == q:  # type: ignore[index]
            continue
        form, text = made[rule]  # type: ignore[misc]
        out.append(Case(f"{question.id}~{rule}", question.id, "mutation", rule, form, text))
    return out
