"""One department's figure compared across two of its stored documents: a year against another
(「2024年比2023年三公经费增加多少」) and the 决算 against the 预算 of the same year — each figure read by
its own document's engine, the change computed by code."""
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
