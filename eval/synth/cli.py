"""python -m eval.synth: write synthetic disclosures (PDF and/or text) with their gold cells."""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from .generation import generate
from .gold import gold_cells, gold_jsonl
from .model import Disclosure
from .pdf import render_pdf
from .text import render_text


def write_document(doc: Disclosure, outdir: Path, stem: str, fmt: str) -> int:
    """Write one document's files (PDF and/or text, and gold); returns its PDF page count."""
    pages = 0
    if fmt in ("pdf", "both"):
        pages = render_pdf(doc, outdir / f"{stem}.pdf").pages
    if fmt in ("txt", "both"):
        render_text(doc, outdir / f"{stem}.txt")
    (outdir / f"{stem}.gold.jsonl").write_text(gold_jsonl(doc), encoding="utf-8")
    return pages


def main(argv: list[str] | None = None) -> int:
    """python -m eval.synth OUTDIR --count N --seed S [--format pdf|txt|both]."""
    parser = argparse.ArgumentParser(
        prog="python -m eval.synth",
        description="Write synthetic budget disclosures (PDF and/or text) with the gold money cells of each.",
        epilog="Example:\n  python -m eval.synth /tmp/synth --count 100 --seed 7 --format both\n"
               "  → synth-7-0000.pdf, synth-7-0000.txt, synth-7-0000.gold.jsonl, …",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--count", type=int, default=1, help="documents to write (default 1)")
    parser.add_argument("--seed", default="0", help="series seed (default 0)")
    parser.add_argument("--format", choices=["pdf", "txt", "both"], default="both")
    parser.add_argument("--kind", choices=["预算", "决算", "mixed"], default="mixed",
                        help="预算 or 决算 disclosures, or mostly 预算 with some 决算 (default)")
    args = parser.parse_args(argv)
    args.outdir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    pages = cells = 0
    for i in range(args.count):
        doc = generate(args.seed, i, kind=None if args.kind == "mixed" else args.kind)
        pages += write_document(doc, args.outdir, f"synth-{args.seed}-{i:04d}", args.format)
        cells += len(gold_cells(doc))
    seconds = time.perf_counter() - started
    print(f"synth: {args.count} documents ({args.format}) in {args.outdir}: {cells} gold cells, "
          f"{pages} PDF pages, {seconds:.1f} s")
    return 0
