"""Is an answer invariant to wording? Each question of a set is rewritten in ways that keep its meaning
(variants: they must be answered with the same figures) and in ways that change what it asks to something
the store does not hold (mutations: they must be refused).

Variants, one per rule that applies (at most len(VARIANT_RULES) per question), each recording its rule:

- lead-in      请问 / 帮我查下 / 想了解一下 / 我想知道 before the question
- trailing     呢 / 啊 before the question mark, the mark dropped, ？ ↔ ?
- full-width   every digit full-width (２０２６)
- year-form    the document's year as 2026年度 / 26年 / 二〇二六年 / 二零二六年 (a date's year, 2026年1月, is kept)
- short-name   the department named by another of its names (chatbot.names.name_forms), one that keeps its
               place and that no other stored department has
- word-order   the year moved from after the department's name to before it, or the other way
- how-much     是多少 → 多少钱 / 是多少万元 (amounts only) / 有多少
- split        「{department}{year}年的预算。{the rest}」 when the question starts with the two

Mutations (only for answerable questions of lookup-like categories; none where unsure):

- other-year        the document's year replaced by one the store holds for no document of the department
- other-department  the department's most specific place replaced by a place no stored department has
- absent-item       (lookup) the 功能分类 类 the question asks replaced by one the document prints no row of

Where a rule has several forms, the one used is picked by a CRC of the question (the same on every run).
Generation is pure (`variants_of`, `mutations_of` over a `Context`); `contexts` builds the contexts from
a store and `run_cases` asks the cases and scores them."""
from __future__ import annotations

import re
import time
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from . import score
from .score import Expected, Question, Scored

VARIANT_RULES = ("lead-in", "trailing", "full-width", "year-form", "short-name", "word-order", "how-much",
                 "split")
MUTATION_RULES = ("other-year", "other-department", "absent-item")
LEAD_INS = ("请问", "帮我查下", "想了解一下", "我想知道")
_HAS_LEAD_IN = LEAD_INS + ("帮我", "想了解", "我想", "麻烦", "查一下", "查下", "你好")
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
_CN_DIGITS = {"〇": "〇一二三四五六七八九", "零": "零一二三四五六七八九"}
_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_HOW_MUCH = "是多少"
_MONEY = ("元", "万元", "亿元")
_STREET = re.compile(r"([\u4e00-\u9fff]{2,4}?)(?=街道)")


@dataclass(frozen=True)
class Context:
    """What generation needs to know of a question's document and of the store beside it."""

    department: str                       # the stored department name of the question's document
    year: int | None = None               # the document's year
    kind: str = "预算"                     # 预算 | 决算
    level: str = "部门"                    # 部门 | 单位
    departments: tuple[str, ...] = ()     # every stored department (the question's own included)
    years_held: tuple[int, ...] = ()      # the years of the department's stored documents
    row_labels: tuple[str, ...] = ()      # the row labels of the department's documents of that year


@dataclass(frozen=True)
class Case:
    """A rewritten question: a variant (same answer) or a mutation (must be refused)."""

    id: str          # <original id>~<rule>
    origin: str      # the original question's id
    kind: str        # variant | mutation
    rule: str
    form: str        # what the rule put in: 「请问」, 「二〇二六年」, 「北京审计局」, 「2023」, 「金融支出」…
    question: str

    def as_question(self, original: Question) -> Question:
        """The question scored: the original's expectations for a variant, a refusal for a mutation."""
        expected = original.expected if self.kind == "variant" else Expected(found=False)
        return Question(self.id, original.category, self.question, expected, original.document)


def _pick(options: Sequence[str], key: str) -> str:
    """One of the options, the same for the same key on every run."""
    return options[zlib.crc32(key.encode("utf-8")) % len(options)]


# -- reading the question ----------------------------------------------------------------------------

def year_pattern(year: int) -> re.Pattern[str]:
    """The document's year as the question states it: 「2026年」 or 「2026年度」, not a date's 「2026年1月」."""
    return re.compile(rf"(?<![\d０-９]){year}年(度)?(?![\d０-９])")


def stated_year(question: str, ctx: Context) -> int | None:
    """The year the question asks about: the document's, when the question states it; else the one year
    it states (a refusal's 「2021年」); None when it states none or several."""
    if ctx.year is not None and year_pattern(ctx.year).search(question):
        return ctx.year
    years = {int(m.group(1)) for m in re.finditer(r"(?<![\d０-９])((?:19|20)\d\d)年(?![\d０-９])", question)}
    return years.pop() if len(years) == 1 else None


def mention(question: str, department: str) -> str | None:
    """The longest of the department's names (chatbot.names.name_forms) the question says, not as the
    tail of another place's name (「教育局」 of 「岳阳市教育局」 does not name 长沙市教育局)."""
    from chatbot.names import name_forms

    for form in name_forms(department):
        if any(m.start() == 0 or question[m.start() - 1] not in "省市区县"
               for m in re.finditer(re.escape(form), question)):
            return form
    return None


def _places(department: str) -> list[str]:
    """The department's place parts, outermost first (「上海市」「普陀区」), and a street (「万里街道」) after."""
    from chatbot.names import place_parts

    parts, rest = place_parts(department)
    if (m := re.match(r"([\u4e00-\u9fff]{1,4}?[区县市])委", rest)) is not None:
        parts.append(m.group(1))
    elif (m := _STREET.search(rest.replace("人民政府", ""))) is not None:
        parts.append(m.group(1) + "街道")
    return parts


def _stem(place: str) -> str:
    if place.endswith("街道"):
        return place[:-2]
    return place[:-1] if len(place) > 2 and place[-1] in "省市区县" else place


def _chinese_year(year: int, zero: str) -> str:
    digits = _CN_DIGITS[zero]
    return "".join(digits[int(c)] for c in str(year))


def _split_end(question: str) -> tuple[str, str]:
    """The question without its closing mark, and the mark (「？」, 「?」 or 「」)."""
    if question.endswith(("？", "?")):
        return question[:-1], question[-1]
    return question, ""


# -- variants ------------------------------------------------------------------------------------------

def _lead_in(q: str, key: str) -> tuple[str, str] | None:
    if q.startswith(_HAS_LEAD_IN):
        return None
    word = _pick(LEAD_INS, key)
    return word, f"{word}，{q}" if q.startswith(("根据", "截至", "与")) else word + q


def _trailing(q: str, key: str) -> tuple[str, str] | None:
    body, mark = _split_end(q)
    forms = []
    if not body.endswith(("）", ")", "呢", "啊", "吗")):
        forms += [("呢", f"{body}呢{mark or '？'}"), ("啊", f"{body}啊{mark or '？'}")]
    if mark:
        forms.append(("no mark", body))
    forms.append(("?" if mark != "?" else "？", body + ("?" if mark != "?" else "？")))
    return _pick(forms, key) if forms else None  # type: ignore[arg-type]


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
    form = _pick(forms, key)
    return form, pattern.sub(form, q)


def short_names(department: str, departments: Iterable[str]) -> list[str]:
    """The department's other names that keep (part of) its place and that no other stored department
    has among its names, shortest first."""
    from chatbot.names import name_forms

    stems = {s for p in _places(department) for s in (p, _stem(p))}
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
    form = _pick(forms, key)
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


# -- mutations -----------------------------------------------------------------------------------------

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
    places = _places(department)
    if not places:
        return None
    place = places[-1]
    kind = "街道" if place.endswith("街道") else place[-1]
    stem = _stem(place)
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
    from chatbot.names import name_forms

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
    item = _pick(free, key)
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


def cases_of(question: Question, ctx: Context | None) -> list[Case]:
    """Variants then mutations of one question (none without a context)."""
    if ctx is None:
        return []
    return variants_of(question, ctx) + mutations_of(question, ctx)


# -- the store ---------------------------------------------------------------------------------------

def document_of(question: Question, documents: Sequence[Any]) -> Any | None:
    """The stored document the question was written over: its `document` file is (one of) the stored
    document's source files, or the file name's 「place_department_year_…」 parts name it. A question
    without a `document` is about the store's only document, or about the one department whose name it
    says (the document of the year it states, else — a year not stored — the department's latest 预算);
    None when unsure."""
    if not question.document:
        return _named_document(question.question, documents)
    for d in documents:
        if question.document in [s.strip() for s in str(d.source).split(" + ")] or \
                Path(str(d.source)).name == question.document:
            return d
    parts = Path(question.document).stem.split("_")
    if len(parts) >= 3 and parts[2].isdigit():
        same = [d for d in documents if d.department.startswith(parts[1]) and d.year == int(parts[2])]
        if len(same) == 1:
            return same[0]
    return None


def _named_document(question: str, documents: Sequence[Any]) -> Any | None:
    if len(documents) == 1:
        return documents[0]
    said = {d.department: m for d in documents if (m := mention(question, d.department))}
    # 「长沙市财政局」 names 长沙市财政局, not 株洲市财政局 whose 「财政局」 it also holds
    named = {d for d, m in said.items() if not any(m != o and m in o for o in said.values())}
    if len(named) != 1:
        return None
    own = [d for d in documents if d.department in named]
    years = {int(y) for y in re.findall(r"(?<![\d０-９])((?:19|20)\d\d)年(?![\d０-９])", question)}
    if years and (held := [d for d in own if d.year in years]):
        return held[0] if len(held) == 1 else None
    budgets = sorted((d for d in own if d.kind == "预算"), key=lambda d: d.year or 0)
    return budgets[-1] if budgets else None


def contexts(questions: Sequence[Question], store: Any) -> dict[str, Context]:
    """The context of each question whose document the store holds (keyed by question id)."""
    documents = store.documents()
    departments = tuple(sorted({d.department for d in documents}))
    labels: dict[tuple[str, int | None], tuple[str, ...]] = {}
    out = {}
    for q in questions:
        doc = document_of(q, documents)
        if doc is None:
            continue
        key = (doc.department, doc.year)
        if key not in labels:
            ids = [d.id for d in documents if (d.department, d.year) == key]
            rows = store.execute(f"SELECT DISTINCT row_label FROM records WHERE document_id IN "
                                 f"({','.join('?' * len(ids))})", tuple(ids)).fetchall()
            labels[key] = tuple(sorted(str(r[0]) for r in rows if r[0]))
        out[q.id] = Context(doc.department, doc.year, doc.kind, getattr(doc, "level", "部门") or "部门",
                            departments, tuple(sorted({d.year for d in documents
                                                       if d.department == doc.department and d.year})),
                            labels[key])
    return out


# -- running and judging -----------------------------------------------------------------------------

@dataclass
class CaseResult:
    case: Case
    answer: dict[str, Any]
    scored: Scored
    latency_ms: float
    origin_right: bool                   # the original question was answered right
    same_figures: bool | None = None     # variants: the headline values equal the original's

    @property
    def holds(self) -> bool:
        """A variant holds when it is right and states the original's headline figures; a mutation
        holds when it is refused."""
        if self.case.kind == "mutation":
            return not bool(self.answer.get("found"))
        return self.scored.verdict == "right" and bool(self.same_figures)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.case.id, "origin": self.case.origin, "kind": self.case.kind, "rule": self.case.rule,
                "form": self.case.form, "question": self.case.question, "verdict": self.scored.verdict,
                "reasons": self.scored.reasons, "holds": self.holds, "origin_right": self.origin_right,
                "same_figures": self.same_figures, "latency_ms": round(self.latency_ms, 1),
                "answer": self.answer}


@dataclass
class VariantRun:
    """Every case of a question set, answered and judged; `originals` the original answers by id."""

    results: list[CaseResult] = field(default_factory=list)
    originals: dict[str, dict[str, Any]] = field(default_factory=dict)
    questions: dict[str, str] = field(default_factory=dict)       # original id → original question
    skipped: list[str] = field(default_factory=list)             # questions whose document is not stored

    def variants(self) -> list[CaseResult]:
        return [r for r in self.results if r.case.kind == "variant"]

    def mutations(self) -> list[CaseResult]:
        return [r for r in self.results if r.case.kind == "mutation"]

    def changed(self) -> list[CaseResult]:
        """Variants of questions answered right that do not hold."""
        return [r for r in self.variants() if r.origin_right and not r.holds]

    def answered_mutations(self) -> list[CaseResult]:
        """Mutations answered with a figure (found) where they must be refused."""
        return [r for r in self.mutations() if not r.holds]

    def summary(self) -> dict[str, Any]:
        variants, mutations = self.variants(), self.mutations()
        counted = [r for r in variants if r.origin_right]
        held = sum(r.holds for r in counted)
        by_rule = {}
        for rule in VARIANT_RULES + MUTATION_RULES:
            rs = [r for r in (counted if rule in VARIANT_RULES else mutations) if r.case.rule == rule]
            if rs:
                by_rule[rule] = {"n": len(rs), "held": sum(r.holds for r in rs),
                                 "wrong": sum(r.scored.verdict == "wrong" for r in rs)}
        return {
            "variants": len(variants),
            "variants_of_right_originals": len(counted),
            "variants_holding": held,
            "invariance": held / len(counted) if counted else None,
            "variant_verdicts": {v: sum(r.scored.verdict == v for r in variants) for v in score.VERDICTS},
            "variants_changed": len(self.changed()),
            "mutations": len(mutations),
            "mutations_refused": sum(r.holds for r in mutations),
            "mutation_refusal_rate": (sum(r.holds for r in mutations) / len(mutations)) if mutations else None,
            "mutations_wrong": sum(r.scored.verdict == "wrong" for r in mutations),
            "wrong": sum(r.scored.verdict == "wrong" for r in self.results),
            "by_rule": by_rule,
            "skipped": list(self.skipped),
        }

    def to_json(self) -> dict[str, Any]:
        return {"summary": self.summary(), "results": [r.to_json() for r in self.results]}


def headline(answer: Any) -> list[tuple[str, Decimal]]:
    """An answer's headline values as (kind, number): amounts in 万元 (kind 「money」), others as stated
    with their unit; signs kept."""
    out = []
    for v in score._get(answer, "values", None) or []:
        d = score._decimal(score._get(v, "value"))
        if d is None:
            continue
        unit = score._get(v, "unit", "") or ""
        if unit in score._TO_WAN:
            out.append(("money", d * score._TO_WAN[unit]))
        else:
            out.append((unit, d))
    return out


def same_headline(a: Any, b: Any, tolerance: Decimal = score.TOLERANCE) -> bool:
    """The two answers state the same headline values, in any order (amounts compared in 万元 within half a
    cent of a 万元, so that 元 and 万元 statements of one figure agree)."""
    xs, ys = headline(a), headline(b)
    if len(xs) != len(ys):
        return False
    left = list(ys)
    for kind, x in xs:
        hit = next((i for i, (k, y) in enumerate(left) if k == kind and abs(x - y) <= tolerance), None)
        if hit is None:
            return False
        left.pop(hit)
    return True


def headline_text(answer: Any) -> str:
    """「8726.73 万元, 58.54 %」: the values as stated, for the report."""
    vals = score._get(answer, "values", None) or []
    said = [f"{score._get(v, 'value')} {score._get(v, 'unit', '')}".strip() for v in vals]
    if not score._get(answer, "found", False):
        return "not found"
    return ", ".join(said) if said else "(no values)"


Progress = Callable[[str, int, int], None]


def run_cases(system: Any, questions: Sequence[Question], originals: dict[str, dict[str, Any]],
              verdicts: dict[str, str], ctxs: dict[str, Context], strict: bool = True,
              progress: Progress | None = None) -> VariantRun:
    """Ask every variant and mutation of the questions (those with a context) and judge each: a variant by
    the (strict) scorer and against the original's answer, a mutation by whether it was refused."""
    run = VariantRun(originals=dict(originals), questions={q.id: q.question for q in questions})
    todo = []
    for q in questions:
        if q.id not in ctxs:
            run.skipped.append(q.id)
            continue
        todo += [(q, c) for c in cases_of(q, ctxs[q.id])]
    for i, (q, case) in enumerate(todo, start=1):
        asked = case.as_question(q)
        started = time.perf_counter()
        answer = system.ask(case.question)
        latency = (time.perf_counter() - started) * 1000
        payload = answer.to_json() if hasattr(answer, "to_json") else dict(answer)
        scored = score.score_answer(asked, answer, strict=strict)
        same = same_headline(answer, originals[q.id]) if case.kind == "variant" and q.id in originals else None
        run.results.append(CaseResult(case, payload, scored, latency, verdicts.get(q.id) == "right", same))
        if progress:
            progress("variants", i, len(todo))
    return run


