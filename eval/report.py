"""The evaluation report: a Markdown summary in Chinese (budgetqa and baseline side by side, per
category) and the full JSON (its keys and values as the code names them), written to eval/reports/
(gitignored) or a chosen folder."""
from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from .names import category_name, system_name
from .runner import EvalReport, QuestionResult

REPORTS_DIR = Path(__file__).resolve().parent / "reports"
SCORERS = {"strict": "严格：标准答案的数字须在回答的主要数值（values）之中",
           "lenient": "宽松：标准答案的数字在回答的主要数值或正文的任一数字之中"}
FAILURES_PER_CATEGORY = 5
VERDICTS = {"right": "正确", "refused": "拒答", "wrong": "错误"}


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


def _ms(x: float | None) -> str:
    return "–" if x is None else f"{x:.0f}"


def _cell(report: EvalReport, system: str, category: str, metric: str) -> str:
    run = report.runs.get(system)
    if run is None or run.error:
        return "未运行"
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


METRICS = [("accuracy", "准确率"), ("verdicts", "正确 / 拒答 / 错误"), ("citations", "引用精确率 / 召回率"),
           ("hit_at_3", "说明检索前 3 段命中率"), ("latency", "延迟中位数 / 95% 分位（毫秒）")]


def _verdicts(m: dict[str, Any]) -> str:
    return f"{m.get('right', 0)} / {m.get('refused', 0)} / {m.get('wrong', 0)}"


def summary_table(report: EvalReport) -> str:
    """One row per category (and overall): n, then each metric for every system side by side."""
    systems = list(report.runs)
    head = ["类别", "题数"] + [f"{system_name(s)} {label}" for key, label in METRICS for s in systems]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for category in report.categories():
        n = next((r.summary[category]["n"] for r in report.runs.values() if category in r.summary), 0)
        name = f"{category_name(category)}（{category}）" if category_name(category) != category else category
        row = [f"**{name}**" if category == "overall" else name, str(n)]
        row += [_cell(report, s, category, key) for key, _ in METRICS for s in systems]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def document_table(report: EvalReport, system: str = "budgetqa") -> str:
    """One row per document the questions name: n, accuracy, right / refused / wrong ("" when none)."""
    run = report.runs.get(system)
    if run is None or not run.by_document:
        return ""
    lines = [f"| 文档 | 题数 | {system_name(system)} 准确率 | 正确 / 拒答 / 错误 |", "|---|---|---|---|"]
    for doc, m in run.by_document.items():
        lines.append(f"| {doc} | {m['n']} | {_pct(m['accuracy'])} | {_verdicts(m)} |")
    return "\n".join(lines)


def headline(report: EvalReport) -> str:
    """Overall figures per system in one line each, with refusal figures."""
    lines = []
    for name, run in report.runs.items():
        if run.error:
            lines.append(f"- {system_name(name)}：未运行 —— {run.error}")
            continue
        m = run.summary["overall"]
        lines.append(f"- {system_name(name)}：准确率 {_pct(m['accuracy'])}（正确 {m.get('right', 0)}，拒答 "
                     f"{m.get('refused', 0)}，错误 {m.get('wrong', 0)}），应拒答时拒答 {_pct(m['refusal_accuracy'])}，"
                     f"误拒率 {_pct(m['false_refusal_rate'])}，引用精确率 {_pct(m['citation_precision'])}"
                     f" / 召回率 {_pct(m['citation_recall'])}，说明检索前 3 段命中率 {_pct(m['hit_at_3'])}，延迟中位数 "
                     f"{_ms(m['latency_p50_ms'])} 毫秒 / 95% 分位 {_ms(m['latency_p95_ms'])} 毫秒")
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
    """「- `id` 问题 —— 应为 …；答 「回答」（原因）」, the answer cut to `width` characters."""
    want = "、".join(expected.values) or ("未找到" if not expected.found else "")
    got = _one_line(r.answer.get("answer", ""), width)
    return f"- `{r.id}` {r.question} —— 应为 {want}；答「{got}」（{'; '.join(r.scored.reasons)}）" \
        + _reading_note(r.answer.get("reading") or {})


def _reading_note(reading: dict[str, Any]) -> str:
    """「 · 理解为 上海市普陀区财政局、2024、决算、2 问」: how the system read the question, when it says."""
    said = [*reading.get("departments", []), *map(str, reading.get("years", [])),
            *(f"对比 {y}" for y in reading.get("compared_years", [])), *reading.get("kinds", []),
            *reading.get("levels", [])]
    if len(reading.get("parts", [])) > 1:
        said.append(f"{len(reading['parts'])} 问")
    return f" · 理解为 {'、'.join(said)}" if said else ""


def _one_line(text: str, width: int = 90) -> str:
    s = " ".join(str(text).split())
    return s if len(s) <= width else s[: width - 1] + "…"


def wrong_answers(report: EvalReport, system: str = "budgetqa") -> list[QuestionResult]:
    """Every answer of a system judged wrong (a figure not the expected one, or found where it should refuse)."""
    run = report.runs.get(system)
    return [r for r in run.results if r.scored.verdict == "wrong"] if run else []


def render_markdown(report: EvalReport) -> str:
    gold = {q.id: q.expected for q in report.questions}
    parts = [f"# budgetqa 评测报告 —— {Path(report.questions_path).name}", "",
             f"共 {len(report.questions)} 道题，在库 `{report.store}` 上运行，开始于 {report.started_at}"
             f"（用时 {report.seconds:.0f} 秒）；评分：{SCORERS.get(report.scorer, report.scorer)}。", "",
             headline(report), "", summary_table(report), ""]
    if documents := document_table(report):
        parts += ["## budgetqa 各文档", "", documents, ""]
    if wrong := wrong_answers(report):
        parts += ["## budgetqa：全部错误回答", ""]
        parts += [_failure_line(r, gold[r.id], 160) for r in wrong]
        parts.append("")
    if report.variants is not None:
        parts += variants_markdown(report)
    for system in report.runs:
        fails = failures(report, system)
        if not fails:
            continue
        parts += [f"## {system_name(system)}：未答对的例子", ""]
        for category, results in fails.items():
            parts.append(f"### {category_name(category)}（{category}）")
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
    return (f"- 改写：不变率 {_pct(m['invariance'])}（答对的题的改写 {m['variants_of_right_originals']} 个中 "
            f"{m['variants_holding']} 个不变；共 {m['variants']} 个改写：正确 {verdicts['right']}，拒答 "
            f"{verdicts['refused']}，错误 {verdicts['wrong']}）；变异题拒答率 {_pct(m['mutation_refusal_rate'])}"
            f"（{m['mutations']} 个中拒答 {m['mutations_refused']} 个）；原题、改写与变异题的错误回答合计：{report.wrong()}")


def rule_table(report: EvalReport) -> str:
    """Per rule: cases, holding, wrong (variants counted over questions answered right)."""
    from eval.variants import VARIANT_RULES

    by_rule = report.variants.summary()["by_rule"] if report.variants is not None else {}
    lines = ["| 规则 | 种类 | 个数 | 不变 | 错误 |", "|---|---|---|---|---|"]
    for rule, m in by_rule.items():
        kind = "改写" if rule in VARIANT_RULES else "变异（应拒答）"
        lines.append(f"| {rule} | {kind} | {m['n']} | {m['held']} | {m['wrong']} |")
    return "\n".join(lines)


def variants_markdown(report: EvalReport) -> list[str]:
    """The report's section on wording: figures, per rule, every changed variant, every answered mutation."""
    v = report.variants
    parts = ["## budgetqa：换一种说法，答案不变", "", variants_headline(report), "",
             "改写答对且给出原题的主要数值（`answer.values`）即为不变；只统计答对的题的改写。变异题必须拒答。", "",
             rule_table(report), ""]
    if v.skipped:
        parts += [f"库中没有其文档、未生成改写的题 {len(v.skipped)} 道：{', '.join(v.skipped)}", ""]
    changed = v.changed()
    parts += [f"### 答案变了的改写（{len(changed)} 个）", ""]
    for r in changed:
        c = _change_json(v, r)
        parts.append(f"- `{c['id']}` ({c['rule']}: {c['form']}) 「{c['original']}」 → 「{c['question']}」: "
                     f"{c['original_values']} → {c['values']} [{VERDICTS.get(c['verdict'], c['verdict'])}"
                     + (f": {'; '.join(c['reasons'])}" if c["reasons"] else "") + f"] 「{_one_line(c['answer'], 120)}」"
                     + _reading_note(r.answer.get("reading") or {}))
    answered = v.answered_mutations()
    parts += ["", f"### 答出了数字的变异题（{len(answered)} 个，每个都是错误回答）", ""]
    for r in answered:
        c = _change_json(v, r)
        parts.append(f"- `{c['id']}` ({c['rule']}: {c['form']}) 「{c['question']}」: {c['values']} "
                     f"「{_one_line(c['answer'], 120)}」" + _reading_note(r.answer.get("reading") or {}))
    return parts + [""]


def eval_progress(system: str, i: int, n: int) -> None:
    """「budgetqa 120/242」 on one line of stderr, when stderr is a terminal."""
    if sys.stderr.isatty():
        print(f"\r{system} {i}/{n}", end="\n" if i == n else "", file=sys.stderr, flush=True)
