"""Is an answer invariant to wording? Each question of a set is rewritten in ways that keep its meaning
(variants: they must be answered with the same figures) and in ways that change what it asks to something
the store does not hold (mutations: they must be refused).

The rules are in eval/variant_rules.py and eval/mutations.py; generation is pure (`variants_of`,
`mutations_of` over a `Context`, eval/rewriting.py). This module builds the contexts from a store
(`contexts`), and `run_cases` asks the cases and scores them."""
from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from . import score
from .mutations import MUTATION_RULES, mutations_of
from .rewriting import Case, Context, mention
from .score import Question, Scored
from .variant_rules import VARIANT_RULES, variants_of


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
