"""Benchmark: many disclosures. Ingest a corpus of N synthetic disclosures (eval/synth/; departments
recur across years, no two of one department, year and kind) with 1 and 2 workers, then answer
questions and print ingest throughput, store size and answer latency.

    .venv/bin/python bench/bench_scale.py --counts 1 100 1000 [--workers 1 2] [--format txt|pdf]
        [--workdir DIR]   keep files and stores there; a store already ingested is reused (its
                          ingest figures are read back), so answers can be re-measured on new code
        [--ingest-only | --answers-only]

Answer latency is measured per question family: `scoped` names the department and year (the
figure a user asks most), `department` names the department only (its latest document answers),
`yoy` asks the change between two years of one department, `ranking` ranks every department.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from eval import synth

SCOPED = [
    "{d}{y}年的三公经费是多少？",
    "{d}{y}年基本支出是多少",
    "{d}{y}年项目支出占支出总计的比例",
    "{d}{y}年公务接待费多少",
    "{d}{y}年一般公共预算支出里行政运行有多少",
]
DEPARTMENT = ["{d}的三公经费是多少？", "{d}的基本支出是多少", "{d}的支出总计是多少"]
YOY = ["{d}{y}年比{p}年三公经费增加多少", "{d}{y}年基本支出比{p}年多多少"]
RANKING = ["{y}年哪个部门三公经费最多", "{y}年各部门基本支出排名"]


def write_corpus(outdir: Path, count: int, fmt: str, seed: int) -> list[dict]:
    """Write the corpus (once); return each document's department, year and kind."""
    meta_path = outdir / "corpus.json"
    if meta_path.exists():
        return json.loads(meta_path.read_text(encoding="utf-8"))
    outdir.mkdir(parents=True, exist_ok=True)
    meta = []
    for i, doc in enumerate(synth.corpus(seed, count)):
        path = outdir / f"doc-{i:04d}.{fmt}"
        (synth.render_pdf if fmt == "pdf" else synth.render_text)(doc, path)
        meta.append({"department": doc.department, "year": doc.year, "kind": doc.kind})
    meta_path.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return meta


def ingest(files: Path, store: Path, workers: int) -> dict:
    """Ingest the folder into a new store (or read back the figures of an earlier run)."""
    figures_path = store / "ingest-figures.json"
    if figures_path.exists():
        return json.loads(figures_path.read_text(encoding="utf-8"))
    from ingest.pipeline import ingest_paths

    started = time.perf_counter()
    summary = ingest_paths([files], store, workers=workers)
    seconds = time.perf_counter() - started
    if summary.failed:
        print(f"  {len(summary.failed)} failed, e.g. {summary.failed[0].path}: {summary.failed[0].reason}",
              file=sys.stderr)
    figures = {"seconds": seconds, "documents": len(summary.results) - len(summary.failed),
               "load": _loadavg()}
    figures_path.write_text(json.dumps(figures), encoding="utf-8")
    return figures


def questions(meta: list[dict], n: int, rng: random.Random) -> dict[str, list[str]]:
    """Question families over the corpus (see the module docstring)."""
    budgets = [m for m in meta if m["kind"] == "预算"] or meta
    years_of: dict[str, set[int]] = defaultdict(set)
    for m in budgets:
        years_of[m["department"]].add(m["year"])
    pairs = [(d, y) for d, ys in years_of.items() for y in ys if y - 1 in ys]
    out: dict[str, list[str]] = {"scoped": [], "department": [], "yoy": [], "ranking": []}
    for _ in range(n):
        m = rng.choice(budgets)
        out["scoped"].append(rng.choice(SCOPED).format(d=m["department"], y=m["year"]))
        out["department"].append(rng.choice(DEPARTMENT).format(d=m["department"]))
        if pairs:
            d, y = rng.choice(pairs)
            out["yoy"].append(rng.choice(YOY).format(d=d, y=y, p=y - 1))
    years = sorted({m["year"] for m in budgets})
    out["ranking"] = [rng.choice(RANKING).format(y=rng.choice(years)) for _ in range(max(5, n // 20))]
    return out


def answer_latency(store: Path, asked: dict[str, list[str]]) -> tuple[float, dict[str, tuple]]:
    """Seconds to open the service; per family and pass (`first`: engines built on the way, as after
    a restart; `again`: the same questions once more, engines cached): p50, p95 (ms), share found."""
    from chatbot.service import open_service

    started = time.perf_counter()
    service = open_service(store)
    load = time.perf_counter() - started
    out = {}
    for family, qs in asked.items():
        if not qs:
            continue
        for run in ("first", "again"):
            times, found = [], 0
            for q in qs:
                t = time.perf_counter()
                answer = service.ask(q)
                times.append((time.perf_counter() - t) * 1000)
                found += answer.found
            times.sort()
            out[(family, run)] = (statistics.median(times), times[int(0.95 * (len(times) - 1))], found / len(qs),
                                  len(qs))
    service.close()
    return load, out


def store_size(store: Path) -> str:
    out = subprocess.run(["du", "-sh", str(store)], capture_output=True, text=True, check=False).stdout
    return out.split()[0] if out else "?"


def _loadavg() -> float:
    return round(float(Path("/proc/loadavg").read_text().split()[0]), 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--counts", type=int, nargs="+", default=[1, 100])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--format", choices=["txt", "pdf"], default="txt")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--questions", type=int, default=200, help="questions per family")
    parser.add_argument("--workdir", type=Path)
    phase = parser.add_mutually_exclusive_group()
    phase.add_argument("--ingest-only", action="store_true")
    phase.add_argument("--answers-only", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.workdir or Path(tmp)
        if not args.answers_only:
            print(f"{'docs':>5} {'workers':>7} {'ingest s':>9} {'docs/min':>9} {'store':>7} {'load avg':>8}")
            for count in args.counts:
                files = work / f"docs-{count}-{args.format}"
                write_corpus(files, count, args.format, args.seed)
                for workers in args.workers:
                    store = work / f"store-{count}-{args.format}-w{workers}"
                    f = ingest(files, store, workers)
                    print(f"{count:>5} {workers:>7} {f['seconds']:>9.1f} {f['documents'] / f['seconds'] * 60:>9.1f} "
                          f"{store_size(store):>7} {f['load']:>8}", flush=True)
        if args.ingest_only:
            return
        print(f"\n{'docs':>5} {'open s':>7} {'family':>10} {'pass':>5} {'n':>4} {'p50 ms':>7} {'p95 ms':>7} "
              f"{'found':>6}")
        for count in args.counts:
            files = work / f"docs-{count}-{args.format}"
            meta = write_corpus(files, count, args.format, args.seed)
            store = next((s for w in sorted(args.workers, reverse=True)
                          if (s := work / f"store-{count}-{args.format}-w{w}").exists()), None)
            if store is None:
                print(f"{count:>5} no store (run the ingest phase first)")
                continue
            asked = questions(meta, args.questions, random.Random(0))
            load, families = answer_latency(store, asked)
            for (family, run), (p50, p95, found, n) in families.items():
                print(f"{count:>5} {load:>7.2f} {family:>10} {run:>5} {n:>4} {p50:>7.1f} {p95:>7.1f} {found:>6.0%}",
                      flush=True)

if __name__ == "__main__":
    main()
