"""Longer mutation fuzzing of the ingest than the test suite runs; prints the count of each outcome.

    .venv/bin/python bench/fuzz_ingest.py [--examples N] [--target excerpt|small|text|all] [--seconds S]

Each example mutates a seed file (the text form also by characters, "chars"; byte ranges flipped, deleted, inserted, zeroed or duplicated),
parses it in the sandbox and turns the document into records and nodes as the writer would. The
outcome is "Document", a typed IngestError's name, or UNEXPECTED (a bug: the edits are printed so it
can be replayed with tests/hardening/hostile.py:mutate). Hypothesis draws the edits (atheris would
need a libFuzzer build of CPython's extension; Hypothesis runs anywhere).
"""
from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "hardening"))

from hostile import MUTATIONS, SAMPLE_TXT, check_outcome, mutate, mutate_text, sample_excerpt, table_pdf  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from ingest.document.sandbox import ParseLimits  # noqa: E402

SEEDS = {
    "excerpt": ("sample.pdf", sample_excerpt),
    "small": ("small.pdf", lambda: table_pdf(pageCompression=0)),
    "text": ("sample.txt", SAMPLE_TXT.read_bytes),
    "chars": ("sample.txt", lambda: SAMPLE_TXT.read_text("utf-8")),  # mutated by characters
}
PIECES = list("\t\n#*-（）()、，。：0123456789.,年表合计支出万元类款项") + ["\u3000", "\x00", "%PDF-", "2024年"]


def fuzz(target: str, examples: int, limits: ParseLimits, workdir: Path) -> tuple[Counter, list, float]:
    name, make = SEEDS[target]
    seed = make()
    outcomes: Counter = Counter()
    unexpected: list = []
    slowest = 0.0
    payload = (st.lists(st.sampled_from(PIECES), min_size=1, max_size=40).map("".join) if isinstance(seed, str)
               else st.binary(min_size=1, max_size=64))
    edits = st.lists(st.tuples(st.sampled_from(MUTATIONS), st.integers(0, 10**7), st.integers(1, 512), payload),
                     min_size=1, max_size=8)

    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(edits=edits)
    def one(edits: list) -> None:
        nonlocal slowest
        path = workdir / name
        path.write_bytes(mutate_text(seed, edits).encode() if isinstance(seed, str) else mutate(seed, edits))
        started = time.perf_counter()
        try:
            outcomes[check_outcome(path, limits)] += 1
        except Exception as exc:  # the finding this script exists for
            outcomes["UNEXPECTED"] += 1
            unexpected.append((f"{type(exc).__name__}: {exc}"[:200], edits))
        slowest = max(slowest, time.perf_counter() - started)

    one()
    return outcomes, unexpected, slowest


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=200)
    parser.add_argument("--target", choices=[*SEEDS, "all"], default="all")
    parser.add_argument("--seconds", type=float, default=10.0, help="parse time limit (default 10)")
    parser.add_argument("--memory-mb", type=int, default=512)
    args = parser.parse_args()
    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # it warns on every broken operator
    limits = ParseLimits(seconds=args.seconds, memory_mb=args.memory_mb)
    targets = list(SEEDS) if args.target == "all" else [args.target]
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for target in targets:
            started = time.perf_counter()
            outcomes, unexpected, slowest = fuzz(target, args.examples, limits, Path(tmp))
            counts = ", ".join(f"{k} {v}" for k, v in outcomes.most_common())
            print(f"{target:8} {sum(outcomes.values()):5} examples in {time.perf_counter() - started:6.1f} s "
                  f"(slowest {slowest:.1f} s): {counts}")
            for message, edits in unexpected[:5]:
                print(f"  UNEXPECTED {message}\n    edits={edits!r}")
            failed += len(unexpected)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
