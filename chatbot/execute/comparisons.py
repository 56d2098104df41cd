"""One department's figure compared across its stored documents: a year against another
(「2024年比2023年三公经费增加多少」), several years side by side (「近三年三公经费」「2022年到2024年…」) and
the 决算 against the 预算 of the same year — each figure read by its own document's engine, every change
computed by code."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from chatbot.execute import across
from ingest.store.store import StoredDocument

from ..answer import Answer

if TYPE_CHECKING:
    from chatbot.understand.question import Asked, Part

    from ..service import Service


def year_change(service: Service, asked: Asked, department: str) -> Answer | None:
    """「2024年比2023年三公经费增加多少」「三公经费比上年增加多少」 with both years' documents stored:
    the figure read from each and the change computed. None when it does not apply."""
    scope = asked.scope
    years, compared = sorted(set(scope.years)), sorted(set(scope.compared_years))
    if len(years) + len(compared) > 2 or len(compared) > 1 or (compared and len(years) > 1):
        return None
    # 「2024年比2023年」: the later year against the earlier; 「比2023年」: the latest against 2023;
    # 「比上年」: the year named (or the latest) against the year before it
    newest = service.directory.pick(department, years[-1:], scope.kinds)
    if newest is None:
        return None
    q = service.engine([newest]).understand(asked.whole)
    if q.operation != "change" and not (len(years) + len(compared) == 2 and service.compare_words.search(asked.text)):
        return None
    old_year = compared[0] if compared else years[0] if len(years) == 2 else (newest.year or 0) - 1
    old = service.directory.pick(department, [old_year], [newest.kind], exact_kind=newest.kind == "预算")
    if old is None or old.year != old_year or old.id == newest.id:
        return None
    if (pair := _paired(service, newest, old, asked.whole)) is None:
        return None
    return across.year_change(asked.question, department, *pair, _asks_rate(service, asked))


def kind_change(service: Service, asked: Asked, department: str) -> Answer | None:
    """「2024年三公经费决算比预算少多少」 with that year's 预算 and 决算 both stored: each figure read from
    its own document and compared. None when the question does not set the two side by side."""
    scope = asked.scope
    if set(scope.kinds) != {"预算", "决算"} or not service.compare_words.search(asked.text):
        return None
    final = service.directory.pick(department, scope.years, ["决算"])
    budget = final and service.directory.pick(department, [final.year], [], exact_kind=True)
    if final is None or budget is None or budget.year != final.year:
        return None
    named = asked.without_departments()   # each figure is read in its own document: no kind asked of it
    base = named.reworded(re.sub(service.patterns["kind_words"], "", named.text), kinds=())
    if (pair := _paired(service, final, budget, base)) is None:
        return None
    return across.kind_change(asked.question, department, *pair, _asks_rate(service, asked))


def _paired(service: Service, first: StoredDocument, second: StoredDocument, ask: Part
            ) -> tuple[across.DocFigure, across.DocFigure] | None:
    """The question's one figure in the first document and the same item in the second (None there,
    with the reason, when it prints no such item); None when the first names not exactly one."""
    firsts, seconds = service.engine([first]).figures_for(ask), service.engine([second]).figures_for(ask)
    if len(firsts) != 1 or not seconds:
        return None
    match = next((f for f in seconds if across.same_figure(f, firsts[0])), None)
    return across.DocFigure(first, firsts[0]), across.DocFigure(second, match, "" if match else "没有同名的项")


def _asks_rate(service: Service, asked: Asked) -> bool:
    return any(w in asked.text for w in service.patterns["percent_words"])


_YEAR = re.compile(r"(?:19|20)\d\d年度?")
_JOINED_YEARS = re.compile(r"^[和与及、到至~－\-—，,的]+|[和与及、到至~－\-—，,]+$")


def year_series(service: Service, asked: Asked, department: str) -> Answer | None:
    """「近三年三公经费」「2023年和2024年三公经费」「历年三公经费」: the item read in each stored year's document
    of the department (预算, or 决算 when asked), listed with its citations; None when the question asks
    no series or names one year, or when a change of two stored years is asked (year_change answers)."""
    spec = service.patterns["year_series"]
    years = set(asked.scope.years)
    if (m := re.search(spec["range"], asked.text)) is not None:
        first, last = sorted((int(m.group(1)), int(m.group(2))))
        years |= set(range(first, last + 1)) if last - first <= 20 else set()
    recent = re.search(spec["recent"], asked.text)
    words = [w for w in spec["words"] if w in asked.text]
    if len(years) < 2 and not recent and not words or asked.scope.compared_years:
        return None
    kind = "决算" if "决算" in asked.scope.kinds and "预算" not in asked.scope.kinds else "预算"
    docs = sorted({d.year: d for d in sorted(service.directory.documents_of(department), key=lambda d: d.id)
                   if d.kind == kind and d.year and (not years or d.year in years)}.values(), key=lambda d: d.year)
    fewer = False
    if recent and not years:
        n = spec["numbers"].get(recent.group(1)) or int(recent.group(1))
        fewer, docs = len(docs) < n, docs[-n:]
    if not docs:
        return None
    change = service.compare_words.search(asked.text) or "变化" in asked.text
    if change and len(docs) == 2 and not recent and not words:
        return None        # 「2023到2024年…变化」: the change of two years (year_change)
    text = _YEAR.sub("", asked.text)
    for w in [*words, *(x.group(0) for x in re.finditer(spec["recent"], text))]:
        text = text.replace(w, "")
    text = re.sub(r"(?<=[^\u4e00-\u9fff])[和与及、到至~－\-—]+|^[和与及、到至~－\-—，的]+", "", text)
    base = asked.whole.reworded(text, years=())
    newest = docs[-1]
    firsts = service.engine([newest]).figures_for(base)
    if len(firsts) != 1:
        return None
    items = [across.DocFigure(newest, firsts[0])]
    for doc in reversed(docs[:-1]):
        seconds = service.engine([doc]).figures_for(base)
        match = next((f for f in seconds if across.same_figure(f, firsts[0])), None)
        items.append(across.DocFigure(doc, match, "" if match else "没有同名的项"))
    asked_years = sorted(years) if years else [d.year for d in docs]
    missing = [y for y in asked_years if y not in {d.year for d in docs}]
    return across.year_series(asked.question, department, list(reversed(items)), missing, bool(change),
                              fewer or (len(docs) == 1 and bool(words)))
