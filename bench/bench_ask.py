"""Latency of `budgetqa ask` without a language model: p50/p95 for table and narrative questions over
a warm service, and the cold start (process start to first answer) through the CLI.

    python bench/bench_ask.py --store /tmp/qa-store [--rounds 5]
    python bench/bench_ask.py --store /tmp/real-store --questions eval/questions/real.jsonl

With --questions, the questions of an eval set over the documents it names (the real corpus: every
question names its department, so routing is timed too): narrative, count and change questions are
timed as narrative, the others as table questions.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

TABLE = ["三公经费是多少？", "公车购置费占三公经费多少", "基本支出比项目支出多多少", "行政运行是多少", "2150501",
         "公积金是多少", "人员经费", "项级支出最多的是", "基本支出表里前三的经济科目", "有几个项目",
         "制造业发展促进中心的项目支出", "公务接待费和出国费一共多少", "基本支出加项目支出是否等于支出总计？",
         "社保缴费多少", "2023年三公经费", "长沙市教育局2024年三公经费"]
NARRATIVE = ["会议费预算是多少", "内设几个处室", "公务用车有几辆", "收入比上年增长多少", "为什么三公经费增加",
             "什么是机关运行经费", "政府采购预算多少", "机关运行经费比上年减少多少", "预算单位有哪些",
             "今天天气怎么样"]


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    pos = (len(xs) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


NARRATIVE_CATEGORIES = ("narrative", "count", "change")


def eval_questions(path: Path) -> tuple[list[str], list[str]]:
    """(table questions, narrative questions) of an eval set."""
    lines = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    narrative = [d["question"] for d in lines if d.get("category") in NARRATIVE_CATEGORIES]
    table = [d["question"] for d in lines if d.get("category") not in NARRATIVE_CATEGORIES]
    return table, narrative


def warm(store: Path, rounds: int, table: list[str], narrative: list[str]) -> None:
    from chatbot.service import open_service

    started = time.perf_counter()
    service = open_service(store)
    opened = time.perf_counter()
    service.warm(background=False)
    print(f"open_service {1000 * (opened - started):.0f} ms; warm() (engines, BM25 + vector index) "
          f"{1000 * (time.perf_counter() - opened):.0f} ms")
    for name, questions in (("table", table), ("narrative", narrative)):
        first, again = [], []      # a question's first asking, and its askings again (its vector kept)
        for r in range(rounds):
            for q in questions:
                t = time.perf_counter()
                service.ask(q)
                (first if r == 0 else again).append(1000 * (time.perf_counter() - t))
        for label, times in (("first", first), ("again", again)):
            if times:
                print(f"{name:9s} {label} n={len(times):3d}  p50 {statistics.median(times):6.1f} ms  "
                      f"p95 {pct(times, 95):6.1f} ms  max {max(times):6.1f} ms")


def cold(store: Path, question: str) -> None:
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "chatbot.cli", "ask", question, "--json", "--store", str(store)],
                         capture_output=True, text=True)
    print(f"cold start «{question}»: {1000 * (time.perf_counter() - t):.0f} ms (exit {out.returncode})")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--store", required=True, type=Path)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--questions", type=Path, help="an eval set (JSON lines) instead of the sample's questions")
    args = p.parse_args()
    table, narrative = eval_questions(args.questions) if args.questions else (TABLE, NARRATIVE)
    warm(args.store, args.rounds, table, narrative)
    cold(args.store, "三公经费是多少？")
    cold(args.store, "会议费预算是多少")
    return 0


if __name__ == "__main__":
    sys.exit(main())
