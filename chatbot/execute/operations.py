"""The table operations — lookup, sum, difference, share, ranking, count, check — over resolved
figures, each returning a worded, cited Answer (or None when the figures do not fit the operation)."""
from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from chatbot.answer import Answer, Value
from chatbot.execute.compute import percent, ranked, share, shown, total
from chatbot.link.catalog import column_leaf
from chatbot.link.figures import Figure, record_figure
from chatbot.link.resolve import Resolver
from chatbot.understand.query import Query
from chatbot.wording.compose import (
    amount,
    citations,
    figure_text,
    name,
    table_answer,
    value,
    where,
)
from chatbot.wording.refusals import refuse
from ingest.store.store import StoredRecord

DOMAIN_OF_TABLE = {"基本支出表": "economic", "一般公共预算支出表": "function", "支出表": "function",
                   "收入表": "function", "项目绩效表": "project", "整体绩效表": "unit"}
DOMAIN_NAMES = {"project": "项目", "unit": "预算单位", "economic": "经济科目", "function": "功能科目"}


def answer_lookup(q: Query, figures: Sequence[Figure]) -> Answer:
    text = "；".join(f"{figure_text(f)}{_breakdown(f)}（{where(f)}）" for f in figures) + "。"
    answer = table_answer(q.question, text, figures, "lookup")
    answer.candidates += [{"label": r.row, "value": amount(r.value or Decimal(0)), "unit": r.unit, "part_of": f.label}
                          for f in figures if len(f.records) >= 2 for r in f.records]   # the parts it adds up
    return answer


def _breakdown(f: Figure) -> str:
    """「 = 离休费59.98 + 退休费1530.67」 for a figure that is the sum of several cells (a concept)."""
    if len(f.records) < 2:
        return ""
    return " = " + " + ".join(f"{r.row}{shown(_in_unit(r, f.unit))}" for r in f.records)


def _in_unit(rec: StoredRecord, unit: str) -> Decimal:
    """A cell's figure in the unit of the figure it is part of (a 元 cell of a 万元 total in 万元)."""
    if unit == "万元" and rec.unit != "万元" and rec.value_wan is not None:
        return rec.value_wan
    return rec.value or Decimal(0)


def answer_sum(q: Query, figures: Sequence[Figure]) -> Answer:
    result = total([f.value for f in figures])
    working = " + ".join(figure_text(f) for f in figures)
    unit = figures[0].unit
    text = f"{working} = {shown(result)}{unit}（{_tables(figures)}）。"
    return table_answer(q.question, text, figures, "sum", [Value("合计", amount(result), unit)])


def answer_difference(q: Query, figures: Sequence[Figure]) -> Answer:
    a, b = figures[0], figures[1]
    diff = a.value - b.value
    unit = a.unit
    relation = "多" if diff >= 0 else "少"
    text = (f"{figure_text(a)} − {figure_text(b)} = {shown(diff)}{unit}，"
            f"{name(a)}比{name(b)}{relation}{shown(abs(diff))}{unit}（{_tables(figures[:2])}）。")
    return table_answer(q.question, text, figures[:2], "difference", [Value("差额", amount(diff), unit)])


def answer_share(q: Query, parts: Sequence[Figure], whole: Figure) -> Answer | None:
    part = total([f.value for f in parts])
    if "倍" in q.text:
        return answer_ratio(q, parts[0], whole) if len(parts) == 1 else None
    pct = share(part, whole.value)
    if pct is None:
        return None
    label = "、".join(name(f) for f in parts)
    if part > whole.value > 0:     # a part lies within its whole: the two were read the wrong way round
        return refuse("part_over_whole", q.question, "share", citations([*parts, whole]),
                      part=f"{label}{shown(part)}{parts[0].unit}", whole=f"{name(whole)}{shown(whole.value)}{whole.unit}")
    nums = " + ".join(shown(f.value) for f in parts)
    lead = f"({nums})" if len(parts) > 1 else nums
    text = (f"{label}{shown(part)}{parts[0].unit}占{name(whole)}{shown(whole.value)}{whole.unit}的"
            f"{percent(pct)}：{lead} ÷ {shown(whole.value)} = {percent(pct)}（{_tables([*parts, whole])}）。")
    return table_answer(q.question, text, [*parts, whole], "share", [Value("占比", f"{pct:f}", "%")])


def answer_composition(q: Query, parts: Sequence[Figure], whole: Figure | None) -> Answer | None:
    """「A、B各占多少」「A和B的构成」: each item's share of the whole the question names as a container,
    else of the items' own sum (said so) — never one item over another."""
    if len(parts) < 2 or len({f.unit for f in parts}) != 1 or (whole is not None and whole.unit != parts[0].unit):
        return None
    unit = parts[0].unit
    base = whole.value if whole is not None else total([f.value for f in parts])
    pcts = [share(f.value, base) for f in parts]
    if any(p is None for p in pcts) or any(f.value > base for f in parts if base > 0):
        return None
    if whole is not None:
        of = f"{name(whole)}{shown(whole.value)}{unit}"
    else:
        of = f"二者合计{shown(base)}{unit}" if len(parts) == 2 else f"{len(parts)}项合计{shown(base)}{unit}"
        of += f"（{' + '.join(shown(f.value) for f in parts)}）"
    each = "；".join(f"{figure_text(f)}，占{percent(p)}（{shown(f.value)} ÷ {shown(base)}）"
                     for f, p in zip(parts, pcts))
    text = f"{each}。以上占比均以{of}为分母（{_tables([*parts, *([whole] if whole else [])])}）。"
    values = [Value(f"{name(f)}占比", f"{p:f}", "%") for f, p in zip(parts, pcts)]
    return table_answer(q.question, text, [*parts, *([whole] if whole else [])], "share", values)


def answer_ratio(q: Query, a: Figure, b: Figure) -> Answer | None:
    """「退休费是离休费的多少倍」: a ÷ b, two decimals."""
    if b.value == 0:
        return None
    times = (a.value / b.value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = (f"{figure_text(a)}是{figure_text(b)}的{times:f}倍：{shown(a.value)} ÷ {shown(b.value)} = {times:f}"
            f"（{_tables([a, b])}）。")
    return table_answer(q.question, text, [a, b], "share", [Value("倍数", f"{times:f}", "倍")])


def answer_check(q: Query, parts: Sequence[Figure], whole: Figure, parts_label: str = "") -> Answer:
    if len(parts) == 1:
        return answer_compare(q, parts[0], whole)
    s = total([f.value for f in parts])
    equal = s == whole.value
    working = " + ".join(shown(f.value) for f in parts)
    head = parts_label or "、".join(name(f) for f in parts)
    verdict = (f"一致：{head}之和等于{name(whole)}。" if equal else
               f"不一致：{head}之和与{name(whole)}相差{shown(s - whole.value)}{whole.unit}。")
    text = (f"{working} = {shown(s)}{whole.unit}，{name(whole)}为{shown(whole.value)}{whole.unit}，"
            f"{verdict}（{_tables([*parts, whole])}）")
    return table_answer(q.question, text, [*parts, whole], "check",
                        [Value(f"{head}之和", amount(s), whole.unit), Value("一致", "1" if equal else "0", "")])


def answer_claim(q: Query, f: Figure, claimed: Decimal, unit: str) -> Answer:
    """A figure the question states (「基本支出是不是7000万」): is it what the table says?"""
    equal = f.value == claimed
    verdict = "一致" if equal else f"不一致，表中为{shown(f.value)}{f.unit}，相差{shown(abs(f.value - claimed))}{f.unit}"
    text = f"{figure_text(f)}（{where(f)}），与所说的{claimed}{unit}{verdict}。"
    return table_answer(q.question, text, [f], "check", [Value("一致", "1" if equal else "0", "")])


def answer_sum_claim(q: Query, figures: Sequence[Figure], claimed: Decimal, unit: str) -> Answer:
    """Figures the question adds, against the total it states."""
    s = total([f.value for f in figures])
    equal = s == claimed
    verdict = "一致" if equal else f"不一致，相差{shown(abs(s - claimed))}{figures[0].unit}"
    text = (f"{' + '.join(figure_text(f) for f in figures)} = {shown(s)}{figures[0].unit}，"
            f"与所说的{claimed}{unit}{verdict}（{_tables(figures)}）。")
    return table_answer(q.question, text, figures, "check",
                        [Value("之和", amount(s), figures[0].unit), Value("一致", "1" if equal else "0", "")])


def answer_compare(q: Query, a: Figure, b: Figure) -> Answer:
    """Two figures said to be equal: are they?"""
    equal = a.value == b.value
    verdict = "一致" if equal else f"不一致，相差{shown(abs(a.value - b.value))}{a.unit}"
    text = f"{figure_text(a)}（{where(a)}）与{figure_text(b)}（{where(b)}）{verdict}。"
    return table_answer(q.question, text, [a, b], "check", [Value("一致", "1" if equal else "0", "")])


def answer_rank(q: Query, items: Sequence[Figure], scope_label: str) -> Answer | None:
    if not items:
        return None
    word = "最少" if q.ascending else "最多"
    if q.position:
        order = ranked(items, key=lambda f: f.value, ascending=q.ascending)
        if q.position > len(order):
            return None
        f = order[q.position - 1]
        text = (f"{scope_label}按金额{'从低到高' if q.ascending else '从高到低'}排第{q.position}的是"
                f"{figure_text(f)}（{where(f)}，共{len(items)}项比较）。")
        return table_answer(q.question, text, [f], "rank")
    n = q.n or (1 if not any(w in q.text for w in ("排名", "排序", "到")) else len(items))
    top = ranked(items, key=lambda f: f.value, n=n, ascending=q.ascending)
    if len(top) == 1:
        f = top[0]
        text = f"{scope_label}中{word}的是{figure_text(f)}（{where(f)}，共{len(items)}项比较）。"
    else:
        listed = "；".join(f"{i}. {figure_text(f)}" for i, f in enumerate(top, 1))
        text = f"{scope_label}按金额{'从低到高' if q.ascending else '从高到低'}前{len(top)}位：{listed}（{where(top[0])}）。"
    return table_answer(q.question, text, top, "rank")


def answer_count(q: Query, items: Sequence[Figure], label: str) -> Answer:
    """「共5个…：行政运行、…」: the items counted, named as printed, each cited."""
    names = "、".join(f.label for f in items)
    table = "、".join(dict.fromkeys(f.table for f in items))
    text = f"共{len(items)}个{label}：{names}（{table}）。"
    ans = table_answer(q.question, text, items, "count")
    ans.values = [Value(f"{label}个数", str(len(items)), "个")]
    return ans


def rank_items(q: Query, resolver: Resolver, figures: Sequence[Figure], modifiers: Sequence[str],
               document_ids: set[int], column_words: Sequence[str] = ()) -> tuple[list[Figure], str] | None:
    """What to rank: the parts of one named figure (三公经费的各项, 301 的各款), or a domain of rows
    (projects, units, subjects at a level)."""
    domain = q.domain or next((DOMAIN_OF_TABLE[k] for k in q.tables if k in DOMAIN_OF_TABLE), None)
    stated = q.domain is not None or q.level is not None
    whole_table = len(figures) == 1 and figures[0].row is not None and figures[0].row.is_total
    if domain in (None, "function", "economic") and len(figures) == 1 and not column_words \
            and not (whole_table and stated):
        parts = parts_of(figures[0], resolver, document_ids)
        if parts:
            return parts, f"{figures[0].label}各项"
    unit = next((f.row for f in figures if f.row is not None and f.row.code and
                 (f.kind == "整体绩效表" or f.row.is_subtotal)), None)
    if unit is not None and domain in (None, "project"):
        rows = [r for r in resolver.rows.domain_rows("project", None, document_ids) if r.code == unit.code]
        items = [f for f in (resolver.cell_figure(r, []) for r in rows) if f]
        return items, f"{unit.label}的项目"
    economic_cols = any(resolver.catalog.tables_of_kind("基本支出表", document_ids) and
                        any(column_leaf(c) == w for t in resolver.catalog.tables_of_kind("基本支出表", document_ids)
                            for r in t.rows[:1] for c in r.cells)
                        for w in [*modifiers, *column_words])
    if domain is None and (q.level or economic_cols):
        domain = "economic" if economic_cols else "function"
    if domain is None:
        return None
    named = tuple(k for k, s, e in resolver.lexicon.table_hints(q.canonical) if q.canonical[s:e].endswith("表"))
    rows = resolver.rows.domain_rows(domain, q.level, document_ids, q.scope_tables, named)
    cols = list(dict.fromkeys([*modifiers, *column_words]))
    if not any(resolver.column_of(r, cols) for r in rows):
        cols = []
    items = [f for f in (resolver.cell_figure(r, cols, strict=bool(cols)) for r in rows) if f and f.value != 0]
    level = f"{q.level}级" if q.level else ""
    return items, f"{level}{DOMAIN_NAMES[domain]}" + (f"（{cols[0]}）" if cols else "")


def parts_of(f: Figure, resolver: Resolver, document_ids: set[int]) -> list[Figure]:
    """The figures a figure is the sum of: a concept's parts (三公经费 = 接待 + 出国 + 公车), the
    subjects one level below a coded row, or the cells of a concept sum."""
    spec = resolver.lexicon.concepts.get(f.label, {})
    if not spec and f.row is not None and f.row.is_total:
        spec = next((c for c in resolver.lexicon.concepts.values() if c.get("table") == f.kind and "parts" in c), {})
    if spec.get("parts") and f.row is not None:
        out = []
        for p in spec["parts"]:
            col = resolver.column_of(f.row, [p]) or resolver.term_column(f.row, p)
            if col:
                out.append(record_figure(f.row.cells[col], p, f.kind, f.table, f.row, col))
        return out
    if len(f.records) > 1:
        return [record_figure(r, r.row, f.kind, f.table) for r in f.records]
    if f.row is not None:
        children = resolver.rows.children(f.row)
        cols = [column_leaf(f.column)] if f.column else []
        return [x for x in (resolver.cell_figure(r, cols, strict=True) for r in children) if x]
    return []


def whole_of(f: Figure, resolver: Resolver) -> Figure | None:
    """What a single figure is a share of: its row's total column, its parent subject, or its table's total."""
    if f.row is None:
        return None
    default = resolver.default_column(f.row)
    if f.column and default and f.column != default:
        rec = f.row.cells[default]
        leaf, row = column_leaf(default), f.row.label
        label = row if leaf == row else f"{row}{leaf}"    # the 合计 row's 合计: 「合计」, not 「合计合计」
        return record_figure(rec, label, f.kind, f.table, f.row, default)
    parent = resolver.rows.parent(f.row)
    if parent is None:
        return None
    return resolver.cell_figure(parent, [column_leaf(f.column)] if f.column else [])


def _tables(figures: Sequence[Figure]) -> str:
    tables = list(dict.fromkeys(f.table for f in figures))
    pages = list(dict.fromkeys(f.page for f in figures))
    return "、".join(tables) + "，第" + "、".join(str(p) for p in pages) + "页"


def values_of(figures: Sequence[Figure]) -> list[Value]:
    return [value(f) for f in figures]


def within_threshold(text: str, items: Sequence[Figure], label: str, words: dict[str, list[str]]
                     ) -> tuple[list[Figure], str]:
    """Items above or below an amount the question states (「超过100万元」「不到1万元」「100万元以上」),
    in 万元; the label says the condition. Items unchanged when the question states none."""
    above, below = "|".join(words["above"]), "|".join(words["below"])
    number = r"(\d+(?:\.\d+)?)\s*(亿元|亿|万元|万|元)?"
    m = re.search(rf"({above}|{below}){number}(?!\d)", text) or re.search(rf"{number}({above}|{below})", text)
    if not m:
        return list(items), label
    word, num, unit = (m.group(1), m.group(2), m.group(3)) if m.group(1) in (*words["above"], *words["below"]) \
        else (m.group(3), m.group(1), m.group(2))
    limit = Decimal(num) * {"亿元": Decimal(10000), "亿": Decimal(10000), "元": Decimal("0.0001")}.get(unit or "", 1)
    inclusive = word in ("不少于", "不低于", "至少", "以上", "不超过", "以下")
    if word in words["above"]:
        kept = [f for f in items if f.value > limit or (inclusive and f.value == limit)]
    else:
        kept = [f for f in items if f.value < limit or (inclusive and f.value == limit)]
    return kept, f"{label}（{m.group(0)}）"
