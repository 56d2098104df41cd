"""The 评测 tab's text: per-category rows with Chinese heads (the technical names in tooltips) and the
headline of a run."""
from __future__ import annotations

import html
import os
import re
from collections.abc import Sequence
from pathlib import Path

from app_text import escape_text
from eval.names import CATEGORY_NAMES, category_name, system_name
from eval.runner import DEFAULT_QUESTIONS, EvalReport

# The 评测 table's columns: (Chinese head, the technical name shown as its tooltip, or "").
EVAL_COLUMNS = [
    ("类别", ""), ("系统", ""), ("题数", ""),
    ("准确率", "accuracy：数字、文字与是否找到都与标准答案一致的题所占比例"),
    ("引用精确率 / 召回率", "citation precision / recall：引用的表格行中应引用的比例 / 应引用的行中已引用的比例"),
    ("应拒答时拒答", "refusal accuracy：资料中没有答案的题，答「未找到」的比例"),
    ("误拒率", "false refusal rate：有答案的题却答「未找到」的比例"),
    ("说明检索前 3 段命中率", "hit@3：说明文字类的题，出处段落在检索结果前 3 段中的比例"),
    ("延迟 中位数 / 95% 分位（毫秒）", "latency p50 / p95 (ms)：每题回答用时")]
EVAL_HEADERS = [head for head, _ in EVAL_COLUMNS]
SYSTEM_TIPS = {"budgetqa": "", "baseline": "baseline: naive vector-search RAG (top-3 chunks)"}
OVERALL = CATEGORY_NAMES["overall"]  # how the report's "overall" row is shown
QUICK_SYSTEMS = ("budgetqa",)
EVAL_STORES = "eval-stores"  # under the app's data folder: each question set's own store (eval.own_store)
_ABSOLUTE_PATH = re.compile(r"(?<![\w./:])/(?:[^\s/:'\"]+/)+([^\s/:'\"]+)")


# -- evaluation ----------------------------------------------------------------------------------
def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


def _ms(x: float | None) -> str:
    return "–" if x is None else f"{x:.0f}"


def _pair(a: str, b: str) -> str:
    return "–" if a == b == "–" else f"{a} / {b}"


def eval_rows(report: EvalReport) -> list[list[str]]:
    """Per category (the overall row last, as 总体), one row per system that ran, in the columns of
    EVAL_COLUMNS: 类别, 系统, 题数, 准确率, 引用精确率 / 召回率, 应拒答时拒答, 误拒率, 说明检索前 3 段命中率,
    延迟 中位数 / 95% 分位."""
    rows = []
    for category in report.categories():
        for name, run in report.runs.items():
            m = run.summary.get(category)
            if run.error or m is None:
                continue
            rows.append([category_name(category), system_name(name), str(m["n"]), _pct(m["accuracy"]),
                         _pair(_pct(m["citation_precision"]), _pct(m["citation_recall"])),
                         _pct(m["refusal_accuracy"]), _pct(m["false_refusal_rate"]), _pct(m["hit_at_3"]),
                         _pair(_ms(m["latency_p50_ms"]), _ms(m["latency_p95_ms"]))])
    return rows


def _th(head: str, tip: str) -> str:
    if not tip:
        return f"<th>{html.escape(head)}</th>"
    return f'<th><abbr title="{html.escape(tip)}">{html.escape(head)}</abbr></th>'


def _td(cell: str, tips: dict[str, str]) -> str:
    tip = tips.get(cell, "")
    title = f' title="{html.escape(tip)}"' if tip else ""
    return f"<td{title}>{html.escape(cell)}</td>"


def eval_table_html(rows: Sequence[Sequence[str]]) -> str:
    """The per-category rows as an HTML table: Chinese heads, each technical name (hit@3, p50 / p95 …)
    in a tooltip, and the category's and system's technical names on their cells; "" without rows
    (the tab shows no empty table before a run)."""
    if not rows:
        return ""
    tips = {name: key for key, name in CATEGORY_NAMES.items()}
    tips.update({system_name(k): v for k, v in SYSTEM_TIPS.items() if v})
    head = "".join(_th(h, tip) for h, tip in EVAL_COLUMNS)
    body = "".join("<tr>" + "".join(_td(str(c), tips) for c in row) + "</tr>" for row in rows)
    return f'<table class="eval-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def without_paths(text: str) -> str:
    """An error's text with each absolute path cut to its file name: the page shows no server path."""
    return _ABSOLUTE_PATH.sub(r"\1", text)


def eval_headline(report: EvalReport, corpus: str = "", store: str = "") -> str:
    """What was run — the question set, its corpus and the store of its own it ran in —, then each
    system's overall figures (or why it did not run), as Markdown."""
    lines = [f"**{len(report.questions)} 道题**（{escape_text(Path(report.questions_path).name)}），"
             f"用时 {report.seconds:.0f} 秒。", ""]
    if corpus:
        lines += [f"语料：{escape_text(corpus)}，导入评测专用库 {escape_text(store)}（与问答所用的库分开："
                  "上传或删除的文档不影响评测结果）。", ""]
    for name, run in report.runs.items():
        shown = escape_text(system_name(name))
        if run.error or "overall" not in run.summary:
            lines.append(f"- **{shown}**：未运行 —— {escape_text(run.error or '没有结果')}")
            continue
        m = run.summary["overall"]
        lines.append(f"- **{shown}**：准确率 {_pct(m['accuracy'])}，引用精确率 / 召回率 "
                     f"{_pct(m['citation_precision'])} / {_pct(m['citation_recall'])}，应拒答时拒答 "
                     f"{_pct(m['refusal_accuracy'])}，误拒率 {_pct(m['false_refusal_rate'])}，说明检索前 3 段命中率 "
                     f"{_pct(m['hit_at_3'])}，延迟中位数 {_ms(m['latency_p50_ms'])} 毫秒 / 95% 分位 "
                     f"{_ms(m['latency_p95_ms'])} 毫秒")
    return "\n".join(lines)


def eval_questions_path() -> Path:
    """The 评测 tab's question set: BUDGETQA_EVAL_QUESTIONS, else the bundled sample set."""
    return Path(os.environ.get("BUDGETQA_EVAL_QUESTIONS") or DEFAULT_QUESTIONS)
