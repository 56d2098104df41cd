"""Answers across a store's departments: every department's figure ranked (「哪个部门三公经费最多」),
two departments set side by side, the few departments a question fits listed — each department's figure
read by its own document's engine (`Engine.figures_for`), the arithmetic in chatbot.execute.across."""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from chatbot.execute import across
from chatbot.link.catalog import PLACE_HEAD
from chatbot.wording.refusals import refusal_text, refuse

from ..answer import Answer

if TYPE_CHECKING:
    from chatbot.understand.question import Asked

    from ..service import Service

LIST_MAX = 12                    # an unscoped question lists at most this many departments, else asks which


def missing_year(service: Service, asked: Asked, department: str) -> Answer:
    held = "、".join(sorted({f"{d.year}年{d.kind}" for d in service.directory.documents_of(department)}))
    said = "、".join(f"{y}年" for y in asked.scope.years) + "".join(k for k in asked.scope.kinds if k == "决算")
    return refuse("department_lacks_year", asked.question, "refusal", department=department, said=said, held=held)


def _doc_figures(service: Service, asked: Asked, departments: list[str], same_year: bool
                 ) -> tuple[list[across.DocFigure], str] | None:
    """Each department's document for the year and kind named — when none is named, the latest year
    any of them has (`same_year`, for a ranking) or each one's latest — and its figure for the
    question without the departments' names. None when the question names several things."""
    scope = asked.scope
    base = asked.without_departments()
    years = scope.years
    if not years and same_year and (latest := _latest_year(service, departments, scope.kinds)):
        years = (latest,)
    items = []
    for dept in departments:
        doc = service.directory.pick(dept, years, scope.kinds, exact_kind=same_year)
        if doc is None:
            continue
        figs = service.engine([doc]).figures_for(base)
        if len({across.item_key(f) for f in figs}) > 1:
            return None
        items.append(across.DocFigure(doc, figs[0] if figs else None, "" if figs else refusal_text("no_such_figure")))
    return across.same_item(items)


def _latest_year(service: Service, departments: list[str], kinds: tuple[str, ...]) -> int | None:
    years = [d.year for dept in departments
             if (d := service.directory.pick(dept, (), kinds, exact_kind=True)) and d.year]
    return max(years) if years else None


def _year_words(service: Service, items: list[across.DocFigure], asked: Asked) -> str:
    """「2024年」「2024年决算」「2026年（库中最新年份）」: the year (and 决算) the figures are of."""
    years = sorted({i.document.year for i in items if i.document.year})
    said = "、".join(f"{y}年" for y in years)
    if items and all(i.document.kind == "决算" for i in items):
        said += "决算"
    return said if asked.scope.years or not years else f"{said}（库中最新年份）"


def in_place(departments: list[str], text: str) -> list[str]:
    """The departments of the place the question names (「深圳哪个单位…」: those whose name begins with
    深圳市, or 中共深圳市…), all of them when it names none of their places."""
    places: dict[str, list[str]] = {}
    for d in departments:
        head = PLACE_HEAD.match(d.removeprefix("中共"))
        if head:
            places.setdefault(head.group(1), []).append(d)
    named = [p for p in places if p in text]
    return [d for p in named for d in places[p]] if named else departments


def rank(service: Service, asked: Asked) -> Answer:
    """「哪个部门三公经费最多」: every department's figure (of the place the question names), ranked."""
    question = asked.question
    departments = in_place(service.directory.departments, asked.text)
    found = _doc_figures(service, asked, departments, same_year=True)
    if found is None:
        return refuse("one_item_across", question, "rank", example=refusal_text("one_item_example"))
    items, label = found
    fallback = ""
    if not label and not asked.scope.years:   # the latest year's documents lack it: the latest year that has it
        held = sorted({d.year for dept in departments for d in service.directory.documents_of(dept) if d.year},
                      reverse=True)
        for year in held[1:]:
            earlier = _doc_figures(service, replace(asked, scope=replace(asked.scope, years=(year,))), departments,
                                   same_year=True)
            if earlier is not None and earlier[1]:
                (items, label), fallback = earlier, f"{year}年（库中有此数字的最新年份）"
                break
    if not label:
        return refuse("no_department_prints_it", question, "rank", holdings=service.directory.holdings())
    return across.rank_departments(question, label, items, asked.ascending, asked.n,
                                   fallback or _year_words(service, items, asked))


def compare(service: Service, asked: Asked, departments: list[str]) -> Answer:
    question = asked.question
    lacking = [d for d in departments if service.directory.pick(d, asked.scope.years, asked.scope.kinds) is None]
    if lacking:      # a department without the year asked: say so, rather than 「no two have the figure」
        return missing_year(service, asked, lacking[0])
    found = _doc_figures(service, asked, departments, same_year=False)
    if found is None:
        return refuse("one_item_across", question, "difference", example="")
    items, label = found
    if not label:
        return refuse("departments_lack_it", question, "difference", departments="、".join(departments))
    return across.compare_departments(question, label, items)


def several(service: Service, asked: Asked, departments: list[str], why: str) -> Answer:
    """A question several departments' documents fit: their figures listed (a few), else ask which."""
    question = asked.question
    if len(departments) <= LIST_MAX:
        found = _doc_figures(service, asked, departments, same_year=False)
        if found is not None and found[1]:
            return across.list_departments(question, found[1], found[0], why)
    some = "、".join(departments[:LIST_MAX])
    more = f"等{len(departments)}个部门" if len(departments) > LIST_MAX else ""
    return Answer(question, f"{why}请指明是哪个部门，例如：{some}{more}。", False, operation="clarify",
                  candidates=[{"department": d} for d in departments[:LIST_MAX]])
