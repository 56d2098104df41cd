"""Benchmark (issue 14): page rendering for 原文 / `budgetqa show`, and what keeping boxes costs at ingest.

Prints, per page, render time p50/p95 cold (bounded child, empty cache, boxes drawn) and cached (cache
hit, boxes drawn), and the parse CPU time of a few disclosures with boxes (this tree) against the commit
before them (a git worktree of BEFORE, default HEAD: run it before committing, or pass the parent),
and in one process with the cell boxes switched off and on (less exposed to a busy machine).
Run: .venv/bin/python bench/bench_render.py [BEFORE]
"""
from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "tests" / "data" / "real"
SAMPLE = ROOT / "ingest" / "samples" / "changsha-gxj-2024.pdf"
RENDERED = [(SAMPLE, range(1, 109, 4)), (REAL / "重庆_重庆市水利局_2026_部门预算.pdf", range(1, 34, 2)),
            (REAL / "江苏省级_江苏省高级人民法院_2019_部门预算.pdf", range(1, 27, 2))]
PARSED = [SAMPLE, REAL / "重庆_重庆市水利局_2026_部门预算.pdf", REAL / "江苏省级_江苏省高级人民法院_2019_部门预算.pdf",
          REAL / "上海普陀_上海市普陀区财政局_2024_部门决算.pdf", REAL / "陕西西安_西安市审计局汇总_2026_部门预算.pdf"]
ROUNDS = 3
TIMER = """
import json, sys, time
from ingest.document.reader import read_document
out = {}
for path in sys.argv[1:]:
    started = time.process_time()  # CPU seconds: the other work on a shared machine counts less than in wall time
    read_document(path)
    out[path] = time.process_time() - started
print(json.dumps(out))
"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def render_times() -> tuple[list[float], list[float]]:
    from ingest.pdf.render import Mark, cached_page, draw_marks

    cold, warm = [], []
    mark = [Mark((100.0, 100.0, 200.0, 120.0), "1,234.56")]
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp)
        for pdf, pages in RENDERED:
            for page in pages:
                for times in (cold, warm):  # the first call renders, the second finds the page cached
                    started = time.perf_counter()
                    draw_marks(cached_page(pdf, page, cache), mark, cache / "boxed.png")
                    times.append(time.perf_counter() - started)
    return cold, warm


def parse_times(trees: tuple[Path, Path]) -> tuple[dict[str, float], dict[str, float]]:
    """Seconds to read each of PARSED with the reader of each tree (best of ROUNDS, each run in its
    own process, the two trees taking turns so that a change in the machine's load hits both)."""
    best: tuple[dict[str, float], dict[str, float]] = ({}, {})
    for _ in range(ROUNDS):
        for tree, times in zip(trees, best):
            run = subprocess.run([sys.executable, "-c", TIMER, *map(str, PARSED)], cwd=tree, capture_output=True,
                                 text=True, check=True, env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"})
            for path, seconds in json.loads(run.stdout).items():
                times[path] = min(times.get(path, seconds), seconds)
    return best


def switched_parse_times() -> tuple[dict[str, float], dict[str, float]]:
    """CPU seconds to read each of PARSED in this process with the cell boxes switched off (the grid's
    cells keep pdfplumber's boxes, ungrown; the character array is made anyway, for the cells' texts)
    and on, taking turns; best of ROUNDS."""
    import ingest.pdf.page_tables as page_tables
    from ingest.document.reader import read_document

    grow = page_tables.boxes_around_text
    best: tuple[dict[str, float], dict[str, float]] = ({}, {})
    try:
        for _ in range(ROUNDS):
            for on, times in zip((False, True), best):
                page_tables.boxes_around_text = grow if on else (lambda boxes, chars, page_box: boxes)
                for path in map(str, PARSED):
                    started = time.process_time()
                    read_document(path)
                    times[path] = min(times.get(path, float("inf")), time.process_time() - started)
    finally:
        page_tables.boxes_around_text = grow
    return best


def print_ratio(title: str, old: dict[str, float], new: dict[str, float]) -> None:
    print(title)
    for path in map(str, PARSED):
        print(f"  {Path(path).name[:36]:36s} {old[path]:6.2f} s -> {new[path]:6.2f} s  x{new[path] / old[path]:.3f}")
    print(f"  total {sum(old.values()):6.2f} s -> {sum(new.values()):6.2f} s  ratio {sum(new.values()) / sum(old.values()):.3f}")


def main() -> None:
    before = sys.argv[1] if len(sys.argv) > 1 else "HEAD"
    cold, warm = render_times()
    print(f"render, {len(cold)} pages of {len(RENDERED)} PDFs (scale 2.0 = 144 dpi, one box drawn):")
    for name, times in (("cold", cold), ("cached", warm)):
        ms = [t * 1000 for t in times]
        print(f"  {name:6s} p50 {percentile(ms, 0.5):6.0f} ms   p95 {percentile(ms, 0.95):6.0f} ms   "
              f"mean {statistics.mean(ms):6.0f} ms")
    worktree = Path(tempfile.mkdtemp(prefix="budgetqa-before-"))
    subprocess.run(["git", "worktree", "add", "--detach", str(worktree), before], cwd=ROOT, check=True,
                   capture_output=True)
    try:
        old, new = parse_times((worktree, ROOT))
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(worktree)], cwd=ROOT, capture_output=True)
    print_ratio(f"ingest parse (read_document, CPU s, best of {ROUNDS}), before = {before} vs with boxes:", old, new)
    print_ratio(f"ingest parse in one process, cell boxes off vs on (CPU s, best of {ROUNDS}):",
                *switched_parse_times())


if __name__ == "__main__":
    main()
