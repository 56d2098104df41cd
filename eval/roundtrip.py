"""Round trip from records (issue 20): questions generated from the rows of each stored document's main
tables, asked back through the chatbot, and scored strictly against the record they came from.

    .venv/bin/python -m eval.roundtrip --store DIR [--limit-per-doc N] [--out FILE] [--refused FILE]
                                       [--min-right X] [--max-wrong N]

The parts: eval/roundtrip_wording.py reads labels and column headers in people's words,
eval/roundtrip_candidates.py words every figure of a document, eval/roundtrip_questions.py keeps the
wordings that identify one figure (the questions), eval/roundtrip_score.py scores an answer strictly.
This module asks the questions, tallies the verdicts per document, reports them and gates on them.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.store.store import Store

from .roundtrip_questions import DEFAULT_LIMIT, SQLITE_NAME, RoundTripQuestion, Skipped, generate
from .roundtrip_score import asked_back, mistake_kind, strict_verdict
from .score import _get


@dataclass
class Tally:
    n: int = 0
    right: int = 0
    refused: int = 0
    wrong: int = 0
    asked_back: int = 0      # of the refused: a clarification offering other readings
    seconds: float = 0.0
    by_variant: dict[str, list[int]] = field(default_factory=dict)

    def add(self, verdict: str, variant: str, seconds: float) -> None:
        self.n += 1
        setattr(self, verdict, getattr(self, verdict) + 1)
        self.seconds += seconds
        counts = self.by_variant.setdefault(variant, [0, 0, 0])
        counts[("right", "refused", "wrong").index(verdict)] += 1

    def merge(self, other: Tally) -> None:
        """Add another tally's counts to this one."""
        for name in ("n", "right", "refused", "wrong", "asked_back", "seconds"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for variant, counts in other.by_variant.items():
            mine = self.by_variant.setdefault(variant, [0, 0, 0])
            self.by_variant[variant] = [a + b for a, b in zip(mine, counts)]

    def share_right(self) -> float | None:
        """Right answers / questions asked (None when none was asked)."""
        return self.right / self.n if self.n else None

    def _pct(self) -> str:
        return f"{100 * self.right / self.n:.1f}%" if self.n else "–"

    def line(self) -> str:
        return f"{self.n:4d} | {self.right:4d} | {self.refused:4d} | {self.wrong:4d} | {self._pct():>6}"

    def totals_line(self) -> str:
        """「roundtrip: 1843 asked, 1790 right, 50 refused, 3 wrong (97.1% right)」."""
        return (f"roundtrip: {self.n} asked, {self.right} right, {self.refused} refused, {self.wrong} wrong "
                f"({self._pct()} right)")


def overall(tallies: dict[str, Tally]) -> Tally:
    """Every document's tally added up."""
    out = Tally()
    for _, t in sorted(tallies.items()):
        out.merge(t)
    return out

def _answer_line(q: RoundTripQuestion, answer: Any, verdict: str) -> dict[str, Any]:
    return {
        "verdict": verdict, "mistake": mistake_kind(q, answer) if verdict == "wrong" else None,
        "asked_back": asked_back(answer),
        "question": q.question, "id": q.id, "variant": q.variant,
        "expected": {"value": q.expected.values[0], "unit": q.expected.unit},
        "source": vars(q.source) if q.source else None,
        "answer": _get(answer, "answer", ""), "found": bool(_get(answer, "found", False)),
        "values": [{"label": _get(v, "label"), "value": _get(v, "value"), "unit": _get(v, "unit")}
                   for v in _get(answer, "values", None) or []],
        "citations": [{k: _get(c, k) for k in ("document", "table", "page", "row", "code", "column", "value")}
                      for c in (_get(answer, "citations", None) or [])[:6]],
    }


def run(store_dir: str | Path, questions: Sequence[RoundTripQuestion],
        ask: Callable[[str], Any] | None = None, progress: Callable[[int, int], None] | None = None
        ) -> tuple[dict[str, Tally], list[dict[str, Any]]]:
    """Ask every question (through chatbot.service.open_service(store_dir) unless `ask` is given);
    returns the tally per document and one line per answer that was not right."""
    service = None
    if ask is None:
        from chatbot.service import open_service

        service = open_service(Path(store_dir))
        ask = service.ask
    tallies: dict[str, Tally] = defaultdict(Tally)
    misses: list[dict[str, Any]] = []
    try:
        for i, q in enumerate(questions):
            started = time.perf_counter()
            answer = ask(q.question)
            seconds = time.perf_counter() - started
            verdict = strict_verdict(q, answer)
            tallies[q.document].add(verdict, q.variant, seconds)
            tallies[q.document].asked_back += verdict == "refused" and asked_back(answer)
            if verdict != "right":
                misses.append(_answer_line(q, answer, verdict))
            if progress:
                progress(i + 1, len(questions))
    finally:
        if service is not None:
            service.close()
    return dict(tallies), misses


def report(tallies: dict[str, Tally], skipped: Sequence[Skipped], misses: Sequence[dict[str, Any]]) -> str:
    """The per-document table, the overall line, the wrong answers counted by kind of mistake."""
    total = overall(tallies)
    lines = ["   n | right | refused | wrong | right%  document", "-" * 72]
    lines += [f"{t.line()}  {doc}" for doc, t in sorted(tallies.items())]
    lines += ["-" * 72, f"{total.line()}  overall ({len(tallies)} documents, "
                         f"{total.seconds / max(total.n, 1) * 1000:.0f} ms a question)"]
    lines += ["      by variant (right/refused/wrong): " + ", ".join(
        f"{v} {c[0]}/{c[1]}/{c[2]}" for v, c in sorted(total.by_variant.items())),
        f"      refused by asking back (a clarification without the figure): {total.asked_back}"]
    for s in skipped:
        lines.append(f"skipped: {s.document}: {s.reason}")
    kinds: dict[str, int] = defaultdict(int)
    for m in misses:
        if m["verdict"] == "wrong":
            kinds[m["mistake"]] += 1
    if kinds:
        lines.append("wrong answers by kind: " + ", ".join(f"{k} {n}" for k, n in
                                                            sorted(kinds.items(), key=lambda kv: -kv[1])))
    return "\n".join(lines)


def round_trip(store_dir: str | Path, limit_per_doc: int | None = DEFAULT_LIMIT,
               progress: Callable[[int, int], None] | None = None) -> tuple[Tally, str]:
    """The whole round trip over a store (read only): generated, asked and reported; the overall tally
    and the report (`budgetqa eval --round-trip`)."""
    questions, skipped = generate(store_dir, limit_per_doc)
    tallies, misses = run(store_dir, questions, progress=progress)
    return overall(tallies), report(tallies, skipped, misses)


def gate(total: Tally, min_right: float | None = None, max_wrong: int | None = None) -> list[str]:
    """One line for each figure outside its bound (none: the round trip passes): the share right below
    `min_right` (or no question asked), more wrong answers than `max_wrong`."""
    failed = []
    share = total.share_right()
    if min_right is not None and (share is None or share < min_right):
        said = "no question was asked" if share is None else f"share right {share:.4f} is below"
        failed.append(f"roundtrip: {said} --min-right {min_right}")
    if max_wrong is not None and total.wrong > max_wrong:
        failed.append(f"roundtrip: {total.wrong} wrong answer(s), more than --max-wrong {max_wrong}")
    return failed


def _write_lines(path: str | Path, lines: Iterable[dict[str, Any]]) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for line in lines:
            f.write(json.dumps(line, ensure_ascii=False, default=str) + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.roundtrip", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=(
        "Exit status: 1 when a --min-right or --max-wrong bound fails (one line names the figure), "
        "2 when there is no store, else 0.\n\n"
        "Example:\n  .venv/bin/python -m eval.roundtrip --store /tmp/realstore --limit-per-doc 60 "
        "--out /tmp/rt-wrong.jsonl\n"
        "  .venv/bin/python -m eval.roundtrip --store /tmp/realstore --min-right 0.9 --max-wrong 0"))
    parser.add_argument("--store", required=True, help="store directory (read only)")
    parser.add_argument("--limit-per-doc", type=int, default=DEFAULT_LIMIT,
                        help=f"at most this many questions a document (default {DEFAULT_LIMIT}; 0: all)")
    parser.add_argument("--out", help="write every wrong answer here (JSON lines)")
    parser.add_argument("--refused", help="write every refused answer here (JSON lines)")
    parser.add_argument("--questions", help="write the generated questions here (JSON lines) and do not ask")
    parser.add_argument("--document", action="append", default=[],
                        help="only documents whose title contains this (repeatable)")
    parser.add_argument("--min-right", type=float, metavar="X",
                        help="exit 1 if the share of questions answered right is below X (0–1)")
    parser.add_argument("--max-wrong", type=int, metavar="N", help="exit 1 if more than N answers are wrong")
    args = parser.parse_args(argv)
    if not Store.exists(Path(args.store) / SQLITE_NAME):
        print(f"error: {args.store}: no store here", file=sys.stderr)
        return 2
    questions, skipped = generate(args.store, args.limit_per_doc or None)
    if args.document:
        questions = [q for q in questions if any(d in q.document for d in args.document)]
    print(f"roundtrip: {len(questions)} questions over {len({q.document for q in questions})} documents",
          file=sys.stderr)
    if args.questions:
        _write_lines(args.questions, (q.to_line() for q in questions))
        return 0

    def progress(i: int, n: int) -> None:
        if i % 50 == 0 or i == n:
            print(f"roundtrip: {i}/{n} asked", file=sys.stderr, flush=True)

    tallies, misses = run(args.store, questions, progress=progress)
    print(report(tallies, skipped, misses))
    total = overall(tallies)
    print(total.totals_line())
    if args.out:
        _write_lines(args.out, (m for m in misses if m["verdict"] == "wrong"))
    if args.refused:
        _write_lines(args.refused, (m for m in misses if m["verdict"] == "refused"))
    failed = gate(total, args.min_right, args.max_wrong)
    for line in failed:
        print(line, file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
