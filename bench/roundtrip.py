"""Round trip from records over one or more stores (issue 20): for each store, the questions generated
from its documents' main tables asked back, the per-document table, and the wrong and refused answers
written as JSON lines beside a summary.

    .venv/bin/python bench/roundtrip.py /tmp/realstore /tmp/breadthstore [--limit-per-doc N] [--out DIR]

Stores are only read. Writes DIR/<store>-wrong.jsonl, DIR/<store>-refused.jsonl and DIR/summary.json
(default DIR: /tmp/roundtrip). About 15 ms a question on two busy cores: 150 questions a document over
50 documents take about two minutes.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from eval.roundtrip import overall, report, run  # noqa: E402
from eval.roundtrip_questions import DEFAULT_LIMIT, generate  # noqa: E402


def _write(path: Path, lines: list[dict]) -> None:
    path.write_text("".join(json.dumps(m, ensure_ascii=False, default=str) + "\n" for m in lines),
                    encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("stores", nargs="+")
    parser.add_argument("--limit-per-doc", type=int, default=DEFAULT_LIMIT)
    parser.add_argument("--out", default="/tmp/roundtrip")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    summary: dict = {"commit": commit, "limit_per_doc": args.limit_per_doc, "stores": {}}
    for store in args.stores:
        name = Path(store).name
        started = time.perf_counter()
        questions, skipped = generate(store, args.limit_per_doc or None)
        tallies, misses = run(store, questions)
        seconds = time.perf_counter() - started
        print(f"== {store}: {len(questions)} questions, {seconds:.0f} s (commit {commit})")
        print(report(tallies, skipped, misses))
        print(overall(tallies).totals_line())
        _write(out / f"{name}-wrong.jsonl", [m for m in misses if m["verdict"] == "wrong"])
        _write(out / f"{name}-refused.jsonl", [m for m in misses if m["verdict"] == "refused"])
        summary["stores"][store] = {
            "questions": len(questions), "seconds": round(seconds, 1),
            "skipped": [vars(s) for s in skipped],
            "documents": {d: {k: getattr(t, k) for k in ("n", "right", "refused", "wrong", "asked_back")}
                          for d, t in sorted(tallies.items())},
        }
    (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"wrote {out}/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
