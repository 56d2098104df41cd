"""Benchmark: many disclosures. Ingest N synthetic documents (eval/synth.py) with 1 and 2 workers,
then answer questions scoped by department and print p50/p95 latency and the store size.

Run: .venv/bin/python bench/bench_scale.py --counts 1 100 1000 [--format txt|pdf] [--workers 1 2]
"""
from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from eval import synth

QUESTIONS = [
    "{d}的三公经费是多少？",
    "{d}基本支出是多少",
    "{d}项目支出占支出总计的比例",
    "{d}公务接待费多少",
    "{d}一般公共预算支出里行政运行有多少",
]


def generate(outdir: Path, count: int, fmt: str, seed: int) -> list[str]:
    """Write `count` documents; return their departments."""
    departments = []
    for i in range(count):
        doc = synth.generate(seed, i)
        path = outdir / f"doc-{i:04d}.{fmt}"
        (synth.render_pdf if fmt == "pdf" else synth.render_text)(doc, path)
        departments.append(doc.department)
    return departments


def ingest(files: Path, store: Path, workers: int) -> float:
    from ingest.pipeline import ingest_paths

    started = time.perf_counter()
    summary = ingest_paths([files], store, workers=workers)
    seconds = time.perf_counter() - started
    failed = summary.failed
    if failed:
        print(f"  {len(failed)} failed, e.g. {failed[0].path}: {failed[0].reason}", file=sys.stderr)
    return seconds


def answer_latency(store: Path, departments: list[str], n: int = 200) -> tuple[float, float, float]:
    from chatbot.service import open_service

    started = time.perf_counter()
    service = open_service(store)
    load = time.perf_counter() - started
    rng = random.Random(0)
    times = []
    for _ in range(n):
        q = rng.choice(QUESTIONS).format(d=rng.choice(departments))
        t = time.perf_counter()
        service.ask(q)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))], load


def store_size(store: Path) -> str:
    out = subprocess.run(["du", "-sh", str(store)], capture_output=True, text=True, check=False).stdout
    return out.split()[0] if out else "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--counts", type=int, nargs="+", default=[1, 100])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--format", choices=["txt", "pdf"], default="txt")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(f"{'docs':>5} {'workers':>7} {'ingest s':>9} {'docs/min':>9} {'store':>7} {'load s':>7} "
          f"{'p50 ms':>7} {'p95 ms':>7}")
    with tempfile.TemporaryDirectory() as tmp:
        for count in args.counts:
            files = Path(tmp) / f"docs-{count}"
            files.mkdir()
            departments = generate(files, count, args.format, args.seed)
            for workers in args.workers:
                store = Path(tmp) / f"store-{count}-{workers}"
                seconds = ingest(files, store, workers)
                p50, p95, load = answer_latency(store, departments)
                print(f"{count:>5} {workers:>7} {seconds:>9.1f} {count / seconds * 60:>9.1f} {store_size(store):>7} "
                      f"{load:>7.2f} {p50:>7.1f} {p95:>7.1f}", flush=True)


if __name__ == "__main__":
    main()
