"""The evaluation report: a Markdown summary (budgetqa and baseline side by side, per category) and
the full JSON, written to eval/reports/ (gitignored) or a chosen folder."""
from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from .runner import EvalReport, QuestionResult

REPORTS_DIR = Path(__file__).resolve().parent / "reports"
SCORERS = {"strict": "expected figures among the answer's values", "lenient": "expected figures among the answer's "
           "values or the numbers of its text"}
FAILURES_PER_CATEGORY = 5


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


def _ms(x: float | None) -> str:
    return "–" if x is None else f"{x:.0f}"


def _cell(report: EvalReport, system: str, category: str, metric: str) -> str:
    run = report.runs.get(system)
    if run is None or run.error:
        return "n/a"
    m = run.summary.get(category)
    if m is None:
        return "–"
    if metric == "citations":
        return f"{_pct(m['citation_precision'])} / {_pct(m['citation_recall'])}"
    if metric == "latency":
        return f"{_ms(m['latency_p50_ms'])} / {_ms(m['latency_p95_ms'])}"
    if metric == "verdicts":
        return _verdicts(m)
    return _pct(m[metric])


METRICS = [("accuracy", "accuracy"), ("verdicts", "right / refused / wrong"), ("citations", "citation P / R"),
           ("hit_at_3", "hit@3"), ("latency", "p50 / p95 ms")]


def _verdicts(m: dict[str, Any]) -> str:
    return f"{m.get('right', 0)} / {m.get('refused', 0)} / {m.get('wrong', 0)}"


def summary_table(report: EvalReport) -> str:
    """One row per category (and overall): n, then each metric for every system side by side."""
    systems = list(report.runs)
    head = ["category", "n"] + [f"{s} {label}" for key, label in METRICS for s in systems]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for category in report.categories():
        n = next((r.summary[category]["n"] for r in report.runs.values() if category in r.summary), 0)
        row = [f"**{category}**" if category == "overall" else category, str(n)]
        row += [_cell(report, s, category, key) for key, _ in METRICS for s in systems]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def document_table(report: EvalReport, system: str = "budgetqa") -> str:
    """One row per document the questions name: n, accuracy, right / refused / wrong ("" when none)."""
    run = report.runs.get(system)
    if run is None or not run.by_document:
        return ""
    lines = [f"| document | n | {system} accuracy | right / refused / wrong |", "|---|---|---|---|"]
    for doc, m in run.by_document.items():
        lines.append(f"| {doc} | {m['n']} | {_pct(m['accuracy'])} | {_verdicts(m)} |")
    return "\n".join(lines)


def headline(report: EvalReport) -> str:
    """Overall figures per system in one line each, with refusal figures."""
    lines = []
    for name, run in report.runs.items():
        if run.error:
            lines.append(f"- {name}: not run — {run.error}")
            continue
        m = run.summary["overall"]
        lines.append(f"- {name}: accuracy {_pct(m['accuracy'])} (right {m.get('right', 0)}, refused "
                     f"{m.get('refused', 0)}, wrong {m.get('wrong', 0)}), refusal accuracy {_pct(m['refusal_accuracy'])}, "
                     f"false refusals {_pct(m['false_refusal_rate'])}, citations P {_pct(m['citation_precision'])}"
                     f" / R {_pct(m['citation_recall'])}, hit@3 {_pct(m['hit_at_3'])}, latency p50 "
                     f"{_ms(m['latency_p50_ms'])} ms / p95 {_ms(m['latency_p95_ms'])} ms")
    return "\n".join(lines)


def failures(report: EvalReport, system: str = "budgetqa", per_category: int = FAILURES_PER_CATEGORY
             ) -> dict[str, list[QuestionResult]]:
    """Up to `per_category` wrong answers of a system, per category."""
    run = report.runs.get(system)
    out: dict[str, list[QuestionResult]] = {}
    if run is None:
        return out
    for r in run.results:
        if not r.scored.correct and len(out.setdefault(r.category, [])) < per_category:
            out[r.category].append(r)
    return {c: rs for c, rs in out.items() if rs}


def _failure_line(r: Any, expected: Any, width: int = 90) -> str:
    """「- `id` question — expected …; got 「answer」 (reasons)」, the answer cut to `width` characters."""
    want = ", ".join(expected.values) or ("not found" if not expected.found else "")
    got = _one_line(r.answer.get("answer", ""), width)
    return f"- `{r.id}` {r.question} — expected {want}; got 「{got}」 ({'; '.join(r.scored.reasons)})" \
        + _reading_note(r.answer.get("reading") or {})


def _reading_note(reading: dict[str, Any]) -> str:
    """「 · read as 上海市普陀区财政局, 2024, 决算, 2 parts」: how the system read the question, when it says."""
    said = [*reading.get("departments", []), *map(str, reading.get("years", [])),
            *(f"vs {y}" for y in reading.get("compared_years", [])), *reading.get("kinds", []),
            *reading.get("levels", [])]
    if len(reading.get("parts", [])) > 1:
        said.append(f"{len(reading['parts'])} parts")
    return f" · read as {', '.join(said)}" if said else ""


def _one_line(text: str, width: int = 90) -> str:
    s = " ".join(str(text).split())
    return s if len(s) <= width else s[: width - 1] + "…"


def wrong_answers(report: EvalReport, system: str = "budgetqa") -> list[QuestionResult]:
    """Every answer of a system judged wrong (a figure not the expected one, or found where it should refuse)."""
    run = report.runs.get(system)
    return [r for r in run.results if r.scored.verdict == "wrong"] if run else []


def render_markdown(report: EvalReport) -> str:
    gold = {q.id: q.expected for q in report.questions}
    parts = [f"# budgetqa evaluation — {Path(report.questions_path).name}", "",
             f"{len(report.questions)} questions over store `{report.store}`, run {report.started_at} "
             f"({report.seconds:.0f} s), {report.scorer} scorer"
             f" ({SCORERS.get(report.scorer, '')}).", "", headline(report), "", summary_table(report), ""]
    if documents := document_table(report):
        parts += ["## budgetqa per document", "", documents, ""]
    if wrong := wrong_answers(report):
        parts += ["## budgetqa: every wrong answer", ""]
        parts += [_failure_line(r, gold[r.id], 160) for r in wrong]
        parts.append("")
    if report.variants is not None:
        parts += variants_markdown(report)
    for system in report.runs:
        fails = failures(report, system)
        if not fails:
            continue
        parts += [f"## {system}: failing examples", ""]
        for category, results in fails.items():
            parts.append(f"### {category}")
            parts += [_failure_line(r, gold[r.id]) for r in results]
            parts.append("")
    return "\n".join(parts)


def write_reports(report: EvalReport, out_dir: str | Path | None = None) -> tuple[Path, Path]:
    """Write <questions>-<timestamp>.md and .json into out_dir (default eval/reports/)."""
    out = Path(out_dir) if out_dir else REPORTS_DIR
    out.mkdir(parents=True, exist_ok=True)
    stem = f"{Path(report.questions_path).stem}-{datetime.now().strftime('%Y%m%d-%H%M%S')}"
    md, js = out / f"{stem}.md", out / f"{stem}.json"
    md.write_text(render_markdown(report), encoding="utf-8")
    js.write_text(json.dumps(report.to_json(), ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    return md, js


def summary_json(report: EvalReport) -> dict[str, Any]:
    """The per-category summaries of every system, without the answers (for `budgetqa eval --json`);
    with the variants run, their summary and the lists of changed answers and answered mutations."""
    out = {"questions": report.questions_path, "n_questions": len(report.questions), "scorer": report.scorer,
           "systems": {name: {"error": run.error, "summary": run.summary, "by_document": run.by_document}
                       for name, run in report.runs.items()}}
    if report.variants is not None:
        v = report.variants
        out["variants"] = {**v.summary(),
                           "changed": [_change_json(v, r) for r in v.changed()],
                           "answered_mutations": [_change_json(v, r) for r in v.answered_mutations()]}
    return out


# -- wording invariance (eval/variants.py) ----------------------------------------------------------

def _change_json(v: Any, r: Any) -> dict[str, Any]:
    from eval.variants import headline_text

    return {"id": r.case.id, "origin": r.case.origin, "rule": r.case.rule, "form": r.case.form,
            "original": v.questions.get(r.case.origin, ""), "question": r.case.question,
            "original_values": headline_text(v.originals.get(r.case.origin, {})),
            "values": headline_text(r.answer), "verdict": r.scored.verdict, "reasons": r.scored.reasons,
            "answer": _one_line(r.answer.get("answer", ""), 200)}


def variants_headline(report: EvalReport) -> str:
    """One line: invariance, variant verdicts, mutations refused, wrong answers over all three."""
    if report.variants is None:
        return ""
    m = report.variants.summary()
    verdicts = m["variant_verdicts"]
    return (f"- variants: invariance {_pct(m['invariance'])} ({m['variants_holding']} of "
            f"{m['variants_of_right_originals']} variants of questions answered right hold; {m['variants']} "
            f"variants: right {verdicts['right']}, refused {verdicts['refused']}, wrong {verdicts['wrong']}); "
            f"mutations refused {_pct(m['mutation_refusal_rate'])} ({m['mutations_refused']} of "
            f"{m['mutations']}); wrong answers over questions, variants and mutations: {report.wrong()}")


def rule_table(report: EvalReport) -> str:
    """Per rule: cases, holding, wrong (variants counted over questions answered right)."""
    from eval.variants import VARIANT_RULES

    by_rule = report.variants.summary()["by_rule"] if report.variants is not None else {}
    lines = ["| rule | kind | n | hold | wrong |", "|---|---|---|---|---|"]
    for rule, m in by_rule.items():
        kind = "variant" if rule in VARIANT_RULES else "mutation (must refuse)"
        lines.append(f"| {rule} | {kind} | {m['n']} | {m['held']} | {m['wrong']} |")
    return "\n".join(lines)


def variants_markdown(report: EvalReport) -> list[str]:
    """The report's section on wording: figures, per rule, every changed variant, every answered mutation."""
    v = report.variants
    parts = ["## budgetqa: wording invariance", "", variants_headline(report), "",
             "A variant holds when it is right and states the original's headline figures (`answer.values`); "
             "only variants of questions answered right are counted. A mutation must be refused.", "",
             rule_table(report), ""]
    if v.skipped:
        parts += [f"No variants for {len(v.skipped)} question(s) whose document the store does not hold: "
                  f"{', '.join(v.skipped)}", ""]
    changed = v.changed()
    parts += [f"### Variants whose answer changed ({len(changed)})", ""]
    for r in changed:
        c = _change_json(v, r)
        parts.append(f"- `{c['id']}` ({c['rule']}: {c['form']}) 「{c['original']}」 → 「{c['question']}」: "
                     f"{c['original_values']} → {c['values']} [{c['verdict']}"
                     + (f": {'; '.join(c['reasons'])}" if c["reasons"] else "") + f"] 「{_one_line(c['answer'], 120)}」"
                     + _reading_note(r.answer.get("reading") or {}))
    answered = v.answered_mutations()
    parts += ["", f"### Mutations answered with a figure ({len(answered)}; each a wrong answer)", ""]
    for r in answered:
        c = _change_json(v, r)
        parts.append(f"- `{c['id']}` ({c['rule']}: {c['form']}) 「{c['question']}」: {c['values']} "
                     f"「{_one_line(c['answer'], 120)}」" + _reading_note(r.answer.get("reading") or {}))
    return parts + [""]


def eval_progress(system: str, i: int, n: int) -> None:
    """「budgetqa 120/242」 on one line of stderr, when stderr is a terminal."""
    if sys.stderr.isatty():
        print(f"\r{system} {i}/{n}", end="\n" if i == n else "", file=sys.stderr, flush=True)
