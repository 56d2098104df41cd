"""Answers computed from table rows: look-ups, rankings and counts of rows, code names, consistency
checks, a department's total; every figure read from records and cited."""
from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from chatbot.execute import operations as ops
from chatbot.execute.consistency import answer_consistency, is_consistency_question
from chatbot.execute.scopes import mixed_scopes, one_scope
from chatbot.link.figures import Figure, Resolution, distinct
from chatbot.link.narrative import (
    listed_items,
)
from chatbot.understand.query import Query, normalize_question
from chatbot.understand.question import Part
from chatbot.wording.compose import candidate, citations, cite_sentence, figure_text, value
from chatbot.wording.refusals import refusal_text, refuse
from ingest.document.text import strip_ordinal

from ..answer import Answer, Citation, Value
from . import narrative_answers

if TYPE_CHECKING:
    from ..engine import Engine


_CLAIM = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(万元|万|元)")


def figures_for(engine: Engine, question: str | Part) -> list[Figure]:
    """The table figures an ask names in these documents, each from the table its wording points
    to, no operation applied: what a comparison across documents sets side by side."""
    if not (question.text if isinstance(question, Part) else normalize_question(question)):
        return []
    q = engine.understand(question)
    docs = engine.documents_for(q)
    res = engine.resolver.resolve(q, docs)
    figs = [f for f in res.figures if not f.secondary and f.sentence is None and f.records]
    if not figs and not res.mentions and not q.tables:
        term = engine.patterns["department_total"]   # 「哪个部门预算最多」: the department's total
        if any(w in q.text for w in engine.patterns["department_total_words"]):
            figs = engine.resolver.resolve(replace(q, text=term, canonical=term), docs).figures[:1]
    return figs


def asks_code_name(engine: Engine, q: Query, res: Resolution) -> bool:
    """「30113是什么科目」: a code named, its name asked."""
    return any(m.phrase.isdigit() for m in res.mentions) and any(w in q.text for w in engine.patterns["name_words"])


def code_name(engine: Engine, q: Query, res: Resolution) -> Answer:
    figs = [f for f in res.figures if f.row is not None and f.row.code and f.row.code in q.text]
    answer = ops.answer_lookup(q, figs or res.figures)
    named = "；".join(dict.fromkeys(f"{f.row.code}是「{strip_ordinal(f.row.label)}」" for f in figs if f.row))
    answer.answer = f"{named}：{answer.answer}" if named else answer.answer
    return answer


def count_listed(engine: Engine, q: Query) -> Answer | None:
    """「职能职责一共列了几条」: the numbered items (1. 2. …) of the narrative section the question names."""
    if not re.search(engine.patterns["listed_count"], q.text):
        return None
    found = listed_items(q.text, engine.sentences, engine.patterns["narrative_stopwords"])
    if found is None:
        return None
    title, items = found
    first, last = items[0], items[-1]
    text = (f"「{title}」共列了{len(items)}条（第{first.page}页起）。第1条：「{first.text}」……"
            f"第{len(items)}条：「{last.text}」")
    return Answer(q.question, text, True, [Value(f"{title}条数", str(len(items)), "条")],
                  [cite_sentence(first), cite_sentence(last)], operation="count")


def from_tables(engine: Engine, q: Query, res: Resolution, docs: set[int]) -> Answer | None:
    figs = res.figures
    op = q.operation
    if op == "rank" and q.rank_of and (len(figs) >= 2 or (figs and q.domain)):
        return _rank_of(engine, q, res, figs, docs)
    if op in ("rank", "count"):
        excluded = _excluded(engine, q, res)
        figs = [f for f in figs if not any(r is f.row for r in excluded)]
        words = [m.phrase for m in res.mentions if m.columns and m.concept is None]
        found = ops.rank_items(_economic_if_basic(engine, q, figs), engine.resolver, figs, res.modifiers, docs, words)
        if found is None:
            return None if op == "count" or not figs else ops.answer_lookup(q, figs)
        items, label = found
        if excluded:
            items = [f for f in items if not any(r is f.row for r in excluded)]
            label += f"（除{'、'.join(dict.fromkeys(strip_ordinal(r.label) for r in excluded))}外）"
        items, label = ops.within_threshold(q.text, items, label, engine.patterns["threshold"])
        if op == "count":
            return ops.answer_count(q, items, label) if items else None
        return ops.answer_rank(q, items, label)
    if op in ("sum", "difference", "share") and res.unknown and len(figs) < 2 and not _asks_a_set(engine, q):
        known = "；".join(f"{figure_text(f)}（{ops.where(f)}）" for f in figs)
        return refuse("operand_missing", q.question, op, citations(figs), unknown="、".join(res.unknown),
                      known=refusal_text("other_operands", known=known) if known else "", holdings=engine.holdings())
    if not figs:
        return None
    if op in ("sum", "difference", "share") and len(figs) >= 2:
        same = one_scope(figs, engine.lexicon)
        if same is None:
            return mixed_scopes(q.question, figs, engine.lexicon, op)
        figs = same
    if op == "sum" and len(figs) == 1 and _asks_a_set(engine, q):
        found = ops.rank_items(q, engine.resolver, figs, res.modifiers, docs)
        if found is not None and len(found[0]) >= 2:
            return ops.answer_sum(q, found[0])
    if op == "sum" and len(figs) >= 2:
        return ops.answer_sum(q, figs)
    if op == "difference" and len(figs) >= 2:
        return ops.answer_difference(q, figs)
    if op == "share" and len(figs) >= 2 and any(w in q.canonical for w in engine.patterns["composition"]["words"]):
        whole = next((f for f in figs if engine.operands.is_container(q.canonical, f, figs)), None)
        found = ops.answer_composition(q, [f for f in figs if f is not whole], whole)
        if found is not None:
            return found
    if op == "share":
        cut = q.canonical.find("占")
        if len(figs) >= 2 and cut >= 0 and not any(f.position > cut for f in figs):
            # 「A中B占多少」「B在A里占多少」: the whole is the one named as a container
            whole = next((f for f in figs if engine.operands.is_container(q.canonical, f, figs)), None)
            if whole is not None:
                figs = [f for f in figs if f is not whole] + [whole]
        whole = figs[-1] if len(figs) >= 2 else ops.whole_of(figs[0], engine.resolver)
        parts = figs[:-1] if len(figs) >= 2 else figs
        if whole is not None:
            return ops.answer_share(q, parts, whole)
    if op == "check":
        return _check(engine, q, figs, docs)
    return ops.answer_lookup(q, figs)


def _rank_of(engine: Engine, q: Query, res: Resolution, figs: list[Figure], docs: set[int]) -> Answer | None:
    """「奖金在工资福利支出中排第几」: the place of an item among the parts of its container (or among
    the rows of the domain the question names: 「一般行政管理事务在功能科目里排第几」)."""
    if len(figs) >= 2:
        container = next((f for f in figs if engine.operands.is_container(q.canonical, f, figs)), figs[-1])
        target, among = next(f for f in figs if f is not container), [container]
    else:
        target, among = figs[0], []
    found = ops.rank_items(replace(q, rank_of=False), engine.resolver, among, res.modifiers, docs)
    if found is None:
        return None
    items, label = found
    order = sorted(items, key=lambda f: f.value, reverse=not q.ascending)
    place = next((i for i, f in enumerate(order, 1) if f.records == target.records), None)
    if place is None:
        return None
    text = (f"{figure_text(target)}在{label}中按金额{'从低到高' if q.ascending else '从高到低'}排第{place}"
            f"（共{len(order)}项；{ops.where(target)}）。")
    answer = ops.table_answer(q.question, text, [target], "rank")
    answer.values.append(Value("名次", str(place), ""))
    return answer


def _asks_a_set(engine: Engine, q: Query) -> bool:
    """「那6个项目加起来」「各项加起来」: a sum over the items of what is named, not of itengine."""
    return q.domain is not None or any(w in q.text for w in engine.patterns["set_words"])


def _excluded(engine: Engine, q: Query, res: Resolution) -> list[Any]:
    """Rows the question sets aside: 「除了“其他商品和服务支出”，最多的是什么」."""
    m = re.search(engine.patterns["exclusion"], q.canonical)
    if not m:
        return []
    return [r for men in res.mentions if m.start(1) <= men.start < m.end(1) for r in men.rows]


def _economic_if_basic(engine: Engine, q: Query, figs: list[Figure]) -> Query:
    """「基本支出中…的明细科目」: 基本支出 is broken down by economic subject, so a bare 「科目」 under
    it means the economic ones."""
    generic = q.domain == "function" and not any(w in q.text for w in engine.patterns["function_words"])
    basic = any(f.label == "基本支出" or f.kind == "基本支出表" for f in figs)
    return replace(q, domain="economic") if generic and basic else q


def leftover_in_narrative(engine: Engine, q: Query, res: Resolution) -> list[str]:
    """Words the table figures do not explain but the narrative does (「政府采购」 in
    「政府采购预算总额」): the question is about the narrative's figure."""
    text = q.canonical
    for m in res.mentions:
        text = text[:m.start] + "　" * (m.end - m.start) + text[m.end:]
    for word in engine.patterns["list"]:
        text = text.replace(word, "　" * len(word))
    text = re.sub(r"\d{4}年度?", lambda x: "　" * len(x.group()), text)
    words = re.findall(r"[\u4e00-\u9fff]{2,}", engine.resolver.finder.partial_stop.sub(lambda x: "　" * len(x.group()), text))
    return [w for w in words if w in engine.corpus and w in q.text and w not in engine.resolver.finder.scope_words
            and not any(w in k for k in engine.catalog.by_label)]


def asks_consistency(engine: Engine, q: Query, res: Resolution) -> bool:
    """A consistency question naming no figure (「数据是否一致？」): the whole set of checks."""
    return (q.operation == "check" and not res.mentions and not res.figures and not res.empty_tables
            and not _CLAIM.search(q.text) and is_consistency_question(q.text, engine.patterns["consistency"]))


def consistency(engine: Engine, q: Query, docs: set[int]) -> Answer:
    by_doc = [(d.title, engine.checks(d.id)) for d in engine.documents if d.id in docs]
    return answer_consistency(q.question, by_doc)


def _check(engine: Engine, q: Query, figs: list[Figure], docs: set[int]) -> Answer | None:
    figs = distinct(figs)
    claims = list(_CLAIM.finditer(q.text))
    claim = claims[0] if claims else None
    if claims and len(figs) >= 2 and re.search(engine.patterns["sum_words"], q.text[:claims[-1].start()]) \
            and Decimal(claims[-1].group(1)) not in {f.value for f in figs}:
        last = claims[-1]     # 「会议费8.36万加培训费4.83万是不是13.19万」: the sum against the number said
        return ops.answer_sum_claim(q, figs, Decimal(last.group(1)), "万元" if "万" in last.group(2) else "元")
    if claim and len(figs) == 1:
        return ops.answer_claim(q, figs[0], Decimal(claim.group(1)), "万元" if "万" in claim.group(2) else "元")
    if q.domain in ("project", "unit") and len(figs) == 1:
        words = [m.phrase for m in engine.resolver.finder.mentions(q.canonical) if m.columns]
        rows = engine.resolver.rows.domain_rows(q.domain, None, docs)
        parts = [f for f in (engine.resolver.cell_figure(r, words, strict=bool(words)) for r in rows) if f] \
            or [f for f in (engine.resolver.cell_figure(r, []) for r in rows) if f]
        if parts:
            return ops.answer_check(q, parts, figs[0], parts_label=f"各{ops.DOMAIN_NAMES[q.domain]}")
    if len(figs) >= 2:
        return ops.answer_check(q, figs[:-1], figs[-1])
    parts = ops.parts_of(figs[0], engine.resolver, docs)
    if not parts:
        return ops.answer_lookup(q, figs)
    return ops.answer_check(q, parts, figs[0], parts_label=f"{figs[0].label}各项")


def department_total(engine: Engine, q: Query, docs: set[int]) -> Answer | None:
    """「工信局的预算是多少」: the department's total budget; its own unit's amount in the 整体绩效 table
    (the row named as the department) is the other reading, said too."""
    term = engine.patterns["department_total"]
    figs = engine.resolver.resolve(replace(q, text=term, canonical=term), docs).figures
    if not figs:
        return None
    fig = figs[0]
    for row in engine.resolver.finder.own_units:
        if row.document_id in docs and (own := engine.resolver.cell_figure(row, [])) and own.value != fig.value:
            fig.alternatives.append(own)
    return ops.answer_lookup(q, [fig])


def bare_total(engine: Engine, q: Query, docs: set[int]) -> Answer:
    """「合计是多少」: every table has one; list them and ask which is meant."""
    figs = []
    for info in engine.catalog.tables.values():
        total = info.total_row()
        if info.document_id in docs and total is not None and (f := engine.resolver.cell_figure(total, [])):
            figs.append(f)
    figs.sort(key=lambda f: engine.lexicon.preference(f.kind))
    listed = "；".join(f"{f.table}：{figure_text(f)}" for f in figs)
    return Answer(q.question, f"「合计」在多张表中都有，请说明是哪张表的合计。{listed}。", True,
                  [value(f) for f in figs], citations(figs), operation="clarify",
                  candidates=[candidate(f) for f in figs])


def empty_table(engine: Engine, q: Query, res: Resolution) -> Answer:
    t = res.empty_tables[0]
    name = re.sub(r"^\d{4}年", "", t.title).removesuffix("表").removesuffix("情况")
    cites = [Citation(document=t.document, page=t.page, table=t.title)]
    sentence = narrative_answers.narrative_sentence(engine, q, must_contain=("无", name[:4]))
    if sentence is not None:
        cites.append(cite_sentence(sentence))
    return refuse("empty_table", q.question, "lookup", cites, title=t.title, name=name, page=t.page,
                  stated=refusal_text("empty_table_stated", text=sentence.text) if sentence else "")
