"""Benchmark (issue 21, Speed): whole-ingest CPU against a bare pdfplumber pass over the same files,
and the first answer about a newly ingested document against the next one.

CPU, not wall time (the machine is shared). Each side runs in a fresh child process (this script with
--bare / --ingest) and is charged the CPU of its whole process tree: getrusage(RUSAGE_CHILDREN) around
the child; the ingest child stops its fork server before it exits, so the fork server and the parse
children it reaped are counted too. Each child also reports the CPU after its imports ("in-process":
what an ingest costs a process that has imported everything, as the app's upload does). Rounds are
paired (bare, batch, uploads, then again), each ingest into a fresh store; medians of the rounds.

- bare:    extract_text() + extract_tables() on every page (pdfplumber's defaults), as bench/real_corpus.py;
- batch:   `ingest_paths(files, store)` once (as `budgetqa ingest FILES`);
- uploads: `ingest_paths([file], store)` for each file in turn into the same store, in one process (as
           the app's uploads, or `budgetqa ingest FILE` run file after file);
- changed: every file ingested first (untimed), then a changed copy of each (a byte appended) ingested
           into the same store, replacing it (in-process only: the child's start-up is in the untimed part).

--answers: in a child, the app (app.BudgetApp) over a store holding the sample, warmed as `run.sh` starts
it; one PDF uploaded through its upload handler; then questions about that document timed through the
chat handler, each asked twice: the first asking right after the upload, the second once all were asked.

--code DIR measures another checkout (e.g. /work/main, before a change) with this same script.

Run by hand (prints figures, asserts nothing):
    .venv/bin/python bench/bench_speed.py [--set sample|real|both | --files F ...] [--rounds 3] [--modes batch uploads changed]
                                          [--answers] [--code DIR]
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "ingest" / "samples" / "changsha-gxj-2024.pdf"
REAL = sorted((ROOT / "tests" / "data" / "real").glob("*.pdf"))
UPLOAD = ROOT / "tests" / "data" / "real" / "江苏苏州_苏州市审计局_2026_部门预算.pdf"
MODES = ["batch", "uploads", "changed"]
QUESTIONS = ["苏州市审计局2026年机关运行经费是多少？", "苏州市审计局2026年三公经费是多少？",
             "苏州市审计局2026年的主要职能是什么？", "苏州市审计局2026年社会保障和就业支出预算多少？"]


def cpu_self() -> float:
    """CPU seconds of this process and of every child it has reaped."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


# -- the children ---------------------------------------------------------------------------------
def child_bare(files: list[Path]) -> dict:
    import pdfplumber

    started = cpu_self()
    for path in files:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_text()
                page.extract_tables()
                page.close()
    return {"in_process": cpu_self() - started}


def child_ingest(files: list[Path], store: Path, uploads: bool) -> dict:
    from multiprocessing import forkserver

    from ingest.pipeline import ingest_paths
    from ingest.store.storage import Stores  # noqa: F401 — imports llama-index and chromadb before the clock

    started = cpu_self()
    batches = [[f] for f in files] if uploads else [files]
    results = [r for batch in batches for r in ingest_paths(batch, store).results]
    forkserver._forkserver._stop()  # reap the fork server: its CPU and its children's count here
    return {"in_process": cpu_self() - started, "ingested": sum(r.status == "ingested" for r in results),
            "files": len(results)}


def child_reingest(files: list[Path], store: Path) -> dict:
    """Every file ingested, then a changed copy of each (a byte appended: another file, the same pages)
    ingested into the same store, replacing it; only the second ingest is timed."""
    from multiprocessing import forkserver

    from ingest.pipeline import ingest_paths

    ingest_paths(files, store)
    forkserver._forkserver._stop()   # its CPU counted before the clock starts
    with tempfile.TemporaryDirectory() as tmp:
        copies = [Path(tmp) / path.name for path in files]
        for path, copy in zip(files, copies):
            copy.write_bytes(path.read_bytes() + b"\n% changed\n")
        started = cpu_self()
        results = ingest_paths(copies, store).results
        forkserver._forkserver._stop()
    return {"in_process": cpu_self() - started, "ingested": sum(r.status == "ingested" for r in results),
            "files": len(results)}


def child_answers(store: Path, upload: Path, questions: list[str]) -> dict:
    import app

    app.ensure_sample(store)
    bench_app = app.BudgetApp(store, download_dir=store / "downloads")
    bench_app.service  # noqa: B018 — started and warmed as the app starts
    t0 = time.perf_counter()
    rows = bench_app.ingest_uploads([upload])
    upload_s = time.perf_counter() - t0
    timed: dict[str, list[float]] = {q: [] for q in questions}
    for _ in range(2):
        for q in questions:
            t0 = time.perf_counter()
            bench_app.chat(q)
            timed[q].append(time.perf_counter() - t0)
    return {"upload_s": upload_s, "rows": rows, "timed": timed}


# -- the parent -------------------------------------------------------------------------------------
def run_child(code: Path, args: list[str]) -> dict:
    """Run this script as a child in `code`'s checkout; its JSON line, with the CPU of its tree."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), *args], cwd=code, env=env,
                          capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode:
        raise SystemExit(f"child {args[:2]} failed:\n{proc.stderr[-3000:]}")
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["process"] = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return out


def measure_cpu(code: Path, name: str, files: list[Path], rounds: int, modes: list[str]) -> None:
    runs: dict[str, list[dict]] = {"bare": [], **{mode: [] for mode in modes}}
    for _ in range(rounds):
        runs["bare"].append(run_child(code, ["--child", "bare", *map(str, files)]))
        for mode in modes:
            with tempfile.TemporaryDirectory() as tmp:
                runs[mode].append(run_child(code, ["--child", mode, "--store", tmp, *map(str, files)]))
    med = {mode: {k: statistics.median(r[k] for r in rs) for k in ("process", "in_process")}
           for mode, rs in runs.items()}
    ingested = runs[modes[0]][0]["ingested"]
    print(f"\n{name}: {len(files)} file(s), {ingested} ingested; CPU seconds, median of {rounds} paired rounds "
          f"(code: {code})")
    print(f"  {'':28}{'process':>10}{'ratio':>8}{'in-process':>13}{'ratio':>8}")
    labels = {"bare": "bare pdfplumber pass", "batch": "ingest, one batch", "uploads": "ingest, file by file",
              "changed": "re-ingest, changed files"}
    for mode, label in ((m, labels[m]) for m in runs):
        p, i = med[mode]["process"], med[mode]["in_process"]
        process = f"{p:10.2f}{p / med['bare']['process']:7.2f}x" if mode != "changed" else f"{'—':>10}{'':8}"
        print(f"  {label:28}{process}{i:13.2f}{i / med['bare']['in_process']:7.2f}x")
    print("  rounds (in-process s): " + "; ".join(
        f"{mode} " + " ".join(f"{r['in_process']:.1f}" for r in rs) for mode, rs in runs.items()))


def measure_answers(code: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = run_child(code, ["--child", "answers", "--store", tmp, str(UPLOAD)])
    print(f"\nfirst answer after an upload (app.BudgetApp over the sample; {UPLOAD.name} uploaded in "
          f"{out['upload_s']:.1f} s wall; code: {code})")
    for q, (first, second) in out["timed"].items():
        print(f"  {q:36} first {first:6.2f} s   again {second:6.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", choices=["sample", "real", "both"], default="both")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--modes", nargs="+", choices=MODES, default=MODES, help="the ingest modes to run")
    parser.add_argument("--answers", action="store_true", help="the first-answer latency only")
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout to measure")
    parser.add_argument("--files", nargs="+", type=Path, dest="given", help="these files instead of a --set")
    parser.add_argument("--child", choices=["bare", "batch", "uploads", "changed", "answers"], help=argparse.SUPPRESS)
    parser.add_argument("--store", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("files", nargs="*", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "bare":
        print(json.dumps(child_bare(args.files)))
    elif args.child in ("batch", "uploads"):
        print(json.dumps(child_ingest(args.files, args.store, args.child == "uploads")))
    elif args.child == "changed":
        print(json.dumps(child_reingest(args.files, args.store)))
    elif args.child == "answers":
        print(json.dumps(child_answers(args.store, args.files[0], QUESTIONS), ensure_ascii=False))
    elif args.answers:
        measure_answers(args.code.resolve())
    else:
        sets = {"sample": [("sample", [SAMPLE])], "real": [("tests/data/real/*.pdf", REAL)]}
        chosen = [(f"{len(args.given)} files given", [f.resolve() for f in args.given])] if args.given else \
            sets.get(args.set, sets["sample"] + sets["real"])
        for name, files in chosen:
            measure_cpu(args.code.resolve(), name, files, args.rounds, args.modes)


if __name__ == "__main__":
    main()
