"""Stage amounts of a 决算 item (年初预算, 全年预算, 决算) asked of final-accounts documents: read from the
narrative's stage passages (chatbot.execute.stages), never from the 决算 column; from a table row only where a
column prints the stage."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from chatbot.execute.stages import (
    answer_stages,
    asked_stages,
    asks_budget_stage,
    find_items,
    row_items,
    stage_amount,
    stages_asked,
)
from chatbot.link.figures import Resolution
from chatbot.understand.query import Query
from ingest.document.text import strip_ordinal

from ..answer import Answer

if TYPE_CHECKING:
    from ..engine import Engine

ASKED_CODE = re.compile(r"(?<![\d.])(\d{3,7})(?![\d.年月日万元%个辆人项])")


def _final_accounts(engine: Engine, docs: set[int]) -> bool:
    held = [d for d in engine.documents if d.id in docs]
    return bool(held) and all(d.kind == "决算" for d in held)


def asks_stages(engine: Engine, q: Query, docs: set[int]) -> bool:
    """「…年初预算和决算数各是多少」 over 决算 documents."""
    return _final_accounts(engine, docs) and asks_budget_stage(q.text)


def budget_stages(engine: Engine, q: Query, docs: set[int], res: Resolution, final_only: bool = False
                  ) -> Answer | None:
    """The stage amounts asked, from the narrative's stage amounts; left to the tables when a column
    prints the stage (「预算数」). `final_only`: a question asking the 决算 amount alone (tried when the
    tables hold none). None when the question asks no stage of 决算 documents."""
    if not _final_accounts(engine, docs):
        return None
    if not (asks_budget_stage(q.text) or (final_only and "决算" in asked_stages(q.text))):
        return None
    items = [i for i in engine.staged_items if i.document_id in docs]
    codes = {c: (strip_ordinal(rows[0].label), _parent_label(engine, rows[0]))
             for c in ASKED_CODE.findall(q.text) if (rows := engine.catalog.by_code.get(c))}
    holdings = f"库中有：{engine.holdings()}。"
    answer = answer_stages(q.question, q.text, items, codes, holdings)
    if answer.found:
        return answer
    _, stages = stages_asked(q.text)
    rows = {id(f.row): f.row for f in res.figures if f.row is not None}.values()
    printed = [it for r in rows for it in row_items(r.label, r.document_id, r.cells)
               if all(stage_amount(it, s) for s in stages)]
    named = find_items(printed, q.text, codes) or [it for it in printed if len(it.amounts) == len(printed[0].amounts)
                                                   and len(printed) == 1]
    return answer_stages(q.question, q.text, [], codes, holdings, named[:1]) if named else answer


def _parent_label(engine: Engine, row: Any) -> str | None:
    parent = engine.resolver.rows.parent(row)
    return strip_ordinal(parent.label) if parent is not None else None
