"""Answers across documents: a figure of several departments ranked, compared or listed in a table,
and the change of a figure between two years' documents of one department. Each document's figure
is found by that document's own engine; the arithmetic here is Decimal, and every figure is cited."""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from chatbot.answer import Answer, Citation, Value
from chatbot.execute.compute import amount, difference, percent, ranked, share, shown
from chatbot.link.catalog import column_leaf, strip_place
from chatbot.link.figures import Figure
from chatbot.wording.compose import citations, name
from chatbot.wording.refusals import refusal_text, refuse
from ingest.store.store import StoredDocument

TABLE_ROWS = 20   # a ranking or listing prints at most this many rows; the rest are counted


@dataclass
class DocFigure:
    """One document's figure for the question (None, with the reason, when it has none)."""

    document: StoredDocument
    figure: Figure | None
    reason: str = ""


def where(f: Figure) -> str:
    return f"{f.table}第{f.page}页"


def _found(items: Sequence[DocFigure]) -> list[DocFigure]:
    return [i for i in items if i.figure is not None]


def _missing_note(items: Sequence[DocFigure]) -> str:
    missing = [i for i in items if i.figure is None]
    if not missing:
        return ""
    named = "、".join(f"{i.document.department}（{i.reason or refusal_text('no_such_figure')}）" for i in missing[:5])
    more = f"等{len(missing)}个" if len(missing) > 5 else ""
    return f"另有{named}{more}没有此项数字，未计入。"


def _fig(item: DocFigure) -> Figure:
    """The figure of an item `_found` kept."""
    assert item.figure is not None
    return item.figure


def _values(items: Sequence[DocFigure], label: str, unit: str) -> list[Value]:
    """One value per department: 「长沙市财政局三公经费」."""
    return [Value(f"{i.document.department}{label}", amount(_fig(i).value), unit) for i in items]


def _unit(items: Sequence[DocFigure]) -> str | None:
    """The one unit all the figures are in (None when they differ: then they are not compared)."""
    units = {_fig(i).unit for i in _found(items)}
    return units.pop() if len(units) == 1 else None


def _table(rows: Sequence[DocFigure], label: str, unit: str, numbered: bool) -> list[list[str]]:
    """Header and one row per document: department, document, figure, where it is printed."""
    out = [(["名次"] if numbered else []) + ["部门", "文件", f"{label}（{unit}）", "出处"]]
    for n, item in enumerate(rows, 1):
        f = _fig(item)
        out.append(([str(n)] if numbered else []) + [item.document.department,
                                                      f"{item.document.year}年部门{item.document.kind}",
                                                      amount(f.value), where(f)])
    return out


def _cites(items: Sequence[DocFigure]) -> list[Citation]:
    return citations([_fig(i) for i in _found(items)])


def rank_departments(question: str, label: str, items: Sequence[DocFigure], ascending: bool,
                     n: int | None, scope: str) -> Answer:
    """「哪个部门三公经费最多」: the departments' figures ordered, the first said, the table below."""
    found = _found(items)
    unit = _unit(items)
    if not found or unit is None:
        return refuse("nothing_comparable", question, "rank", scope=scope, label=label)
    order = ranked(found, key=lambda i: _fig(i).value, ascending=ascending)
    first = order[0]
    word = "最少" if ascending else "最多"
    head = (f"{scope}{label}{word}的部门是{first.document.department}：{shown(_fig(first).value)}{unit}"
            f"（{where(_fig(first))}）。共比较{len(found)}个部门。")
    listed = order[:n] if n else order[:TABLE_ROWS]
    rest = f"下表列出前{len(listed)}名（共{len(order)}个部门）。" if len(listed) < len(order) else ""
    values = _values(listed, label, unit)
    return Answer(question, head + _missing_note(items) + rest, True, values, _cites(listed), operation="rank",
                  table=_table(listed, label, unit, numbered=True))


def compare_departments(question: str, label: str, items: Sequence[DocFigure]) -> Answer:
    """「工信局和财政局的三公经费比较」: each department's figure; with two, the difference too."""
    found = _found(items)
    unit = _unit(items)
    if len(found) < 2 or unit is None:
        return refuse("not_comparable", question, "difference", _cites(found),
                      why=_missing_note(items) or refusal_text("no_two_departments", label=label))
    parts = [f"{i.document.department}{i.document.year}年{label}{shown(_fig(i).value)}{unit}"
             f"（{i.document.title}，{where(_fig(i))}）" for i in found]
    text = "；".join(parts) + "。"
    values = _values(found, label, unit)
    if len(found) == 2:
        a, b = _fig(found[0]), _fig(found[1])
        diff = difference(a.value, b.value)
        more = "多" if diff >= 0 else "少"
        text += (f"{found[0].document.department}比{found[1].document.department}{more}"
                 f"{shown(abs(diff))}{unit}（{shown(a.value)} − {shown(b.value)}）。")
        values.append(Value("差额", amount(diff), unit))
    else:
        top = ranked(found, key=lambda i: _fig(i).value)
        text += f"最多的是{top[0].document.department}，最少的是{top[-1].document.department}。"
    return Answer(question, text + _missing_note(items), True, values, _cites(found), operation="difference")


def list_departments(question: str, label: str, items: Sequence[DocFigure], why: str) -> Answer:
    """A question that fits several departments' documents: each one's figure in a table, and the
    request to name the department."""
    found = _found(items)
    unit = _unit(items)
    if not found or unit is None:
        return refuse("which_department", question, "clarify", why=why)
    shown = found[:TABLE_ROWS]
    rest = f"下表列出{len(shown)}个（共{len(found)}个部门有此项）。" if len(shown) < len(found) else ""
    text = f"{why}各部门的「{label}」如下；请指明是哪个部门。{_missing_note(items)}{rest}"
    values = _values(shown, label, unit)
    candidates = [{"department": i.document.department, "document": i.document.title, "label": label,
                   "value": amount(_fig(i).value), "unit": unit, "table": _fig(i).table,
                   "page": _fig(i).page} for i in shown]
    return Answer(question, text, True, values, _cites(shown), operation="clarify", candidates=candidates,
                  table=_table(shown, label, unit, numbered=False))


def year_change(question: str, department: str, new: DocFigure, old: DocFigure, asks_rate: bool) -> Answer:
    """「2024年比2023年三公经费增加多少」: both years' figures from their own documents, the change and
    the rate computed."""
    a, b = new.figure, old.figure
    y1, y0 = new.document.year, old.document.year
    if a is None or b is None or a.unit != b.unit:
        lacking = old if b is None else new
        return _lacking(question, f"{department}{lacking.document.year}年文件", lacking, f"计算{y1}年较{y0}年的变化",
                        (new, old))
    label = name(a)
    diff = difference(a.value, b.value)
    verb = "增加" if diff > 0 else "减少" if diff < 0 else "持平，变化"
    rate = share(abs(diff), b.value) if b.value else None
    rate_text = f"，{'增长' if diff > 0 else '下降'}{percent(rate)}" if rate is not None and diff else ""
    working = f"{shown(a.value)} − {shown(b.value)} = {shown(diff)}"
    if rate_text:
        working += f"；{shown(abs(diff))} ÷ {shown(b.value)} = {percent(rate)}"
    text = (f"{department}{label}：{y1}年{shown(a.value)}{a.unit}（{new.document.title}，{where(a)}），"
            f"{y0}年{shown(b.value)}{b.unit}（{old.document.title}，{where(b)}）。"
            f"{y1}年比{y0}年{verb}{shown(abs(diff))}{a.unit}{rate_text}（{working}）。")
    if asks_rate and rate is None:
        text += f"{y0}年为0，无法计算增长率。"
    values = [Value(f"{y1}年{label}", amount(a.value), a.unit), Value(f"{y0}年{label}", amount(b.value), b.unit),
              Value("增减额", amount(diff), a.unit)]
    if rate is not None:
        values.append(Value("增减率", f"{(rate if diff >= 0 else -rate):f}", "%"))
    return Answer(question, text, True, values, citations([a, b]), operation="change")


def year_series(question: str, department: str, items: Sequence[DocFigure], missing: Sequence[int],
                change: bool, fewer: bool = False) -> Answer:
    """「近三年三公经费」: the figure of each year's document, oldest first, each cited; the years the store
    lacks and the documents without the item said; with a change asked, the latest against the earliest."""
    found = _found(items)
    unit = _unit(items)
    if len(found) < 1 or unit is None:
        return _lacking(question, f"{department}各年文件", items[-1], "列出各年数字", tuple(items))
    label = name(_fig(found[-1]))
    each = "，".join(f"{i.document.year}年{shown(_fig(i).value)}{unit}（{where(_fig(i))}）" for i in found)
    text = f"{department}{label}（各年部门{found[-1].document.kind}）：{each}。"
    lacking = [i for i in items if i.figure is None]
    if lacking:
        text += "".join(f"{i.document.year}年文件{i.reason or '没有此项'}。" for i in lacking)
    if missing:
        text += f"库中没有{'、'.join(f'{y}年' for y in missing)}的文件。"
    if fewer:
        text += f"库中该部门只有{'、'.join(f'{i.document.year}年' for i in items)}的部门{items[-1].document.kind}。"
    values = [Value(f"{i.document.year}年{label}", amount(_fig(i).value), unit) for i in found]
    if change and len(found) >= 2:
        a, b = _fig(found[-1]), _fig(found[0])
        diff = difference(a.value, b.value)
        y1, y0 = found[-1].document.year, found[0].document.year
        verb = "增加" if diff > 0 else "减少" if diff < 0 else "持平，变化"
        text += f"{y1}年比{y0}年{verb}{shown(abs(diff))}{unit}（{shown(a.value)} − {shown(b.value)} = {shown(diff)}）。"
        values.append(Value("增减额", amount(diff), unit))
    table = [["年度", "文件", f"{label}（{unit}）", "出处"]] + [
        [f"{i.document.year}年", i.document.title, amount(_fig(i).value), where(_fig(i))] for i in found]
    return Answer(question, text, True, values, _cites(found), operation="series", table=table)


def kind_change(question: str, department: str, final: DocFigure, budget: DocFigure, asks_rate: bool) -> Answer:
    """「2024年三公经费决算比预算少多少」 with the year's 预算 and 决算 both stored: each figure from its own
    document, the difference (决算 − 预算) and the completion rate (决算 ÷ 预算) computed."""
    a, b = final.figure, budget.figure
    year = final.document.year
    if a is None or b is None or a.unit != b.unit:
        lacking = budget if b is None else final
        return _lacking(question, f"{department}{year}年{lacking.document.kind}", lacking, "比较决算与预算",
                        (final, budget))
    label = name(a)
    diff = difference(a.value, b.value)
    verb = "多" if diff > 0 else "少" if diff < 0 else "持平，相差"
    rate = share(a.value, b.value)
    working = f"{shown(a.value)} − {shown(b.value)} = {shown(diff)}"
    if rate is not None:
        working += f"；{shown(a.value)} ÷ {shown(b.value)} = {percent(rate)}"
    text = (f"{department}{year}年{label}：决算{shown(a.value)}{a.unit}（{final.document.title}，{where(a)}），"
            f"预算{shown(b.value)}{b.unit}（{budget.document.title}，{where(b)}）。决算比预算{verb}"
            f"{shown(abs(diff))}{a.unit}" + (f"，为预算的{percent(rate)}" if rate is not None else "") + f"（{working}）。")
    if asks_rate and rate is None:
        text += "预算为0，无法计算完成率。"
    values = [Value(f"{label}决算", amount(a.value), a.unit), Value(f"{label}预算", amount(b.value), b.unit),
              Value("决算减预算", amount(diff), a.unit)]
    if rate is not None:
        values.append(Value("决算占预算", f"{rate:f}", "%"))
    return Answer(question, text, True, values, citations([a, b]), operation="change")


def _lacking(question: str, where_: str, lacking: DocFigure, what: str, items: Sequence[DocFigure]) -> Answer:
    """The refusal of a comparison one of whose documents lacks the figure (the other one cited)."""
    return refuse("change_side_lacking", question, "change", _cites([i for i in items if i.figure is not None]),
                  where=where_, reason=lacking.reason or refusal_text("no_such_figure"), what=what)


def item_key(f: Figure) -> tuple[str, str]:
    """What a figure is, whatever the document: its name without place, and its column qualifier."""
    return strip_place(f.label), f.qualifier


def same_item(items: list[DocFigure]) -> tuple[list[DocFigure], str]:
    """The documents' figures kept when they are the item most of them name (a document whose
    reading of the question is another item has none), and that item's name."""
    keys = Counter(item_key(i.figure) for i in items if i.figure is not None)
    if not keys:
        return items, ""
    key = keys.most_common(1)[0][0]
    for i in items:
        if i.figure is not None and item_key(i.figure) != key:
            i.figure, i.reason = None, f"没有「{key[0]}{key[1]}」这一项"
    return items, key[0] + key[1]


def same_figure(a: Figure, b: Figure) -> bool:
    """Two documents' figures are the same item: the same printed row (or concept) and column."""
    return a.label == b.label and a.qualifier == b.qualifier and column_leaf(a.column or "") == column_leaf(b.column or "")

