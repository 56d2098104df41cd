"""Planning: an ask, read and linked, mapped to one plan — a kind from the table below, with the slots
that kind declares filled. The executors (chatbot.execute) carry plans out; what a plan rests on is
decided here, in one place, by named predicates over the reading, not by the order of `return`s in an
answering routine.

A plan may name a fallback (`then`): the plan carried out when its executor finds that its figures do
not fit (returns None) — a department total the tables do not print, a count the narrative does not state.
Cross-document kinds (rankings of departments, a change between two years' documents …) are planned by
the service (chatbot.service) over the same table."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from chatbot.execute.counts import stated_count
from chatbot.execute.operands import stated_sum_check
from chatbot.link.figures import Resolution
from chatbot.understand.query import Query
from chatbot.understand.question import Part

from .answer import Answer
from .execute import narrative_answers as narrative
from .execute import stage_answers as stages
from .execute import table_answers as tables

if TYPE_CHECKING:
    from .engine import Engine

TABLE_OPERATIONS = ("sum", "difference", "share", "rank", "count", "check")


@dataclass(frozen=True)
class PlanKind:
    """A kind of plan: what it answers, the slots it needs, the executor that carries it out."""

    name: str
    answers: str
    slots: tuple[str, ...]
    execute: Callable[..., Answer | None] | None = None   # None: executed by the service across documents


@dataclass
class Plan:
    """One ask's plan: its kind, the reading it rests on, the figures linked to it, the documents."""

    kind: str
    query: Query
    resolution: Resolution | None = None
    documents: set[int] = field(default_factory=set)
    extra: dict[str, Any] = field(default_factory=dict)
    then: Plan | None = None

    def slots(self) -> dict[str, Any]:
        values = {"query": self.query, "resolution": self.resolution, "documents": self.documents, **self.extra}
        return {name: values[name] for name in PLAN_KINDS[self.kind].slots}


def _kinds(*kinds: PlanKind) -> dict[str, PlanKind]:
    return {k.name: k for k in kinds}


PLAN_KINDS: dict[str, PlanKind] = _kinds(
    PlanKind("prior_year", "an amount of the year before a stored one (「去年的三公经费」)", ("query", "year"),
             lambda e, query, year: narrative.prior_year(e, query, year)),
    PlanKind("stages", "a 决算 item's 年初预算 / 全年预算 / 决算 amounts", ("query", "documents", "resolution"),
             lambda e, query, documents, resolution: stages.budget_stages(e, query, documents, resolution)),
    PlanKind("stated_check", "a sum said in the question checked against the narrative's amounts", ("query",),
             lambda e, query: stated_sum_check(query, e.sentences)),
    PlanKind("consistency", "the whole disclosure's consistency checks", ("query", "documents"),
             lambda e, query, documents: tables.consistency(e, query, documents)),
    PlanKind("empty_table", "a table printed empty (本部门无…)", ("query", "resolution"),
             lambda e, query, resolution: tables.empty_table(e, query, resolution)),
    PlanKind("department_total", "the department's own total budget", ("query", "documents"),
             lambda e, query, documents: tables.department_total(e, query, documents)),
    PlanKind("bare_total", "a 合计 every table prints: which table is asked", ("query", "documents"),
             lambda e, query, documents: tables.bare_total(e, query, documents)),
    PlanKind("code_name", "the name of a subject code", ("query", "resolution"),
             lambda e, query, resolution: tables.code_name(e, query, resolution)),
    PlanKind("stated_change", "a change against last year as the narrative states it",
             ("query", "resolution", "documents"),
             lambda e, query, resolution, documents: narrative.stated_change(e, query, resolution, documents)),
    PlanKind("stated_count", "a count the narrative states (共有车辆5辆)", ("query", "resolution", "documents"),
             lambda e, query, resolution, documents: _stated_count(e, query, resolution, documents)),
    PlanKind("listed_count", "the numbered items of a narrative section", ("query",),
             lambda e, query: tables.count_listed(e, query)),
    PlanKind("ranked_rows", "a ranking of table rows asked in narrative words (哪些)",
             ("query", "resolution", "documents"),
             lambda e, query, resolution, documents: _found(tables.from_tables(e, query, resolution, documents))),
    PlanKind("narrative", "the sentence of the narrative that states what was asked, quoted",
             ("query", "resolution"),
             lambda e, query, resolution: narrative.narrative_answer(e, query, resolution)),
    PlanKind("narrative_leftover", "a figure the narrative names with words no table row explains",
             ("query", "resolution", "leftover"),
             lambda e, query, resolution, leftover: _quoting_all(narrative.narrative_answer(e, query, resolution),
                                                                 leftover)),
    PlanKind("rows_else_narrative", "a look-up, sum, difference, share, ranking, count or check over table "
             "rows, else the narrative; a 决算 amount the tables lack from the stage passages", ("query", "resolution", "documents"),
             lambda e, query, resolution, documents: _rows_else_narrative(e, query, resolution, documents)),
    PlanKind("rank_departments", "departments ranked by one figure", ("asked",)),
    PlanKind("compare_departments", "two or more departments' figures side by side", ("asked", "departments")),
    PlanKind("list_departments", "a figure of the few departments a question fits", ("asked", "departments")),
    PlanKind("year_change", "a figure's change between two stored years' documents", ("asked", "department")),
    PlanKind("year_series", "a figure over several stored years' documents (近三年, 2022年到2024年)",
             ("asked", "department")),
    PlanKind("kind_change", "a year's 决算 against its 预算, from both documents", ("asked", "department")),
)


def execute(engine: Engine, plan: Plan) -> Answer:
    """The plan carried out by its kind's executor; its fallback when the executor declines."""
    answer = PLAN_KINDS[plan.kind].execute(engine, **plan.slots())   # type: ignore[misc]
    if answer is None:
        if plan.then is None:
            raise ValueError(f"plan {plan.kind} declined and names no fallback")
        return execute(engine, plan.then)
    answer.reading["plan"] = plan.kind      # the kind that answered (a fallback's, when it ran)
    return answer


# -- planning -----------------------------------------------------------------------------------

def plan_ask(engine: Engine, q: Query, prior_year: int | None = None) -> Plan:
    """The plan of one ask, read (`q`) and linked against the engine's documents; `prior_year`: the
    year before a stored one whose amount it asks (narrative_answers.prior_year_asked)."""
    if prior_year is not None:
        return Plan("prior_year", q, extra={"year": prior_year})
    docs = engine.documents_for(q)
    res = engine.resolver.resolve(q, docs)
    if stages.asks_stages(engine, q, docs):
        return Plan("stages", q, res, docs)
    if q.operation == "sum" and len(res.mentions) <= 1 and not re.search(r"[和与及、加]", q.text):
        q = replace(q, operation="lookup")        # 「收入预算合计是多少」: one total asked, not a sum
        res = engine.resolver.reshaped(res, q)
    if q.operation in ("sum", "difference", "share", "check"):
        rest = _plan_linked(engine, q, engine.operands.add_to(q, res), docs)
        return Plan("stated_check", q, then=rest) if q.operation == "check" else rest
    return _plan_linked(engine, q, res, docs)


def _plan_linked(engine: Engine, q: Query, res: Resolution, docs: set[int]) -> Plan:
    if tables.asks_consistency(engine, q, res):
        return Plan("consistency", q, res, docs)
    if res.empty_tables:
        return Plan("empty_table", q, res, docs)
    bare = not res.mentions and not q.tables and not q.narrative and \
        any(w in q.text for w in engine.lexicon.bare_totals)
    rest = Plan("bare_total", q, res, docs) if bare else _plan_named(engine, q, res, docs)
    if _asks_department_total(engine, q, res):
        return Plan("department_total", q, res, docs, then=rest)
    return rest


def _asks_department_total(engine: Engine, q: Query, res: Resolution) -> bool:
    """「工信局的预算是多少」: the department named and nothing else."""
    return bool(q.department and not res.mentions and not q.tables and not q.narrative and q.operation == "lookup"
                and not re.search(r"[\u4e00-\u9fff]{2,}", engine.resolver.finder.partial_stop.sub("", q.text)))


def _plan_named(engine: Engine, q: Query, res: Resolution, docs: set[int]) -> Plan:
    """The plan of an ask naming items: from the tables, the narrative or both, as its wording points."""
    why = any(w in q.text for w in engine.patterns["why"])
    code_name = tables.asks_code_name(engine, q, res)
    if q.narrative and res.figures and not why and q.operation != "change" and (
            q.asks_number or q.operation in TABLE_OPERATIONS or code_name):
        q = replace(q, narrative=False)     # a number the tables print, though asked in narrative words
    if code_name:
        return Plan("code_name", q, res, docs)
    if q.operation == "change" and not why and not q.narrative:
        return Plan("stated_change", q, res, docs)
    rest = _plan_rows(engine, q, res, docs)
    if q.operation == "count":
        if not res.figures:
            rest = Plan("listed_count", q, res, docs, then=rest)
        return Plan("stated_count", q, res, docs, then=rest)
    if q.narrative and q.operation == "rank" and q.domain and not why:
        return Plan("ranked_rows", q, res, docs, then=rest)   # 「前三个功能类别是哪些」
    return rest


def _plan_rows(engine: Engine, q: Query, res: Resolution, docs: set[int]) -> Plan:
    if q.narrative or q.operation == "change" or (q.operation == "count" and q.measure):
        return Plan("narrative", q, res, docs)
    rows = Plan("rows_else_narrative", q, res, docs)
    if q.operation == "lookup" and (leftover := tables.leftover_in_narrative(engine, q, res)):
        return Plan("narrative_leftover", q, res, docs, {"leftover": leftover}, then=rows)
    return rows


# -- composite executors ------------------------------------------------------------------------

def _found(answer: Answer | None) -> Answer | None:
    return answer if answer is not None and answer.found else None


def _quoting_all(answer: Answer, words: list[str]) -> Answer | None:
    """The narrative's answer when it gives a figure and quotes every word the tables do not explain."""
    quoted = "".join(c.text or "" for c in answer.citations)
    return answer if answer.found and answer.values and all(w in quoted for w in words) else None


def _stated_count(engine: Engine, q: Query, res: Resolution, docs: set[int]) -> Answer | None:
    """The count the narrative states; a table listing as many (the units of 整体绩效表) is cited too."""
    stated = stated_count(q.question, q.text, engine.sentences)
    if stated is None:
        return None
    listed = tables.from_tables(engine, q, res, docs)
    if listed is not None and listed.found and listed.values[:1] and listed.values[0].value == stated.values[0].value:
        stated.citations += listed.citations
    return stated


def _rows_else_narrative(engine: Engine, q: Query, res: Resolution, docs: set[int]) -> Answer:
    answer = tables.from_tables(engine, q, res, docs) or narrative.narrative_answer(engine, q, res)
    if not answer.found and (staged := stages.budget_stages(engine, q, docs, res, final_only=True)) is not None \
            and staged.found:     # 「三公经费实际支出决算」: the passage's 支出决算 when no table prints it
        return staged
    return answer


def answer_part(engine: Engine, part: Part) -> Answer:
    """One ask answered: read against the engine's documents, refused when it names what they lack,
    else planned and executed."""
    q = engine.understand(part)
    prior_year = narrative.prior_year_asked(engine, q)
    refusal = engine.link_refusal(q) if prior_year is None else None
    return refusal or execute(engine, plan_ask(engine, q, prior_year))
