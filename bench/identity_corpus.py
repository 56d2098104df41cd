"""Benchmark: how many disclosures get their department, year, kind and level right, and how many tables
each yields, over the breadth corpus (shared/corpus/breadth, truth in bench/data/breadth_identity.json)
and the real corpus (tests/data/real, truth in the meta lines of its questions.jsonl).

Each file is read alone (`ingest.document.reader.read_document`, in this process, no store); per file it prints
what was read against the truth (✓/✗ per field), the tables, and the pages whose grid of figures ended in
no table (`Document.unread_pages`, where the code has it). `--code DIR` reads with the `ingest` package
of another checkout (an older commit exported with `git archive`), for a before/after figure:

    git archive 70adb59 ingest | tar -x -C /tmp/base
    .venv/bin/python bench/identity_corpus.py --code /tmp/base     # before
    .venv/bin/python bench/identity_corpus.py                      # after

Run by hand (prints figures, asserts nothing).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BREADTH = ROOT.parent / "shared" / "corpus" / "breadth"
REAL = ROOT / "tests" / "data" / "real"
FIELDS = ("department", "year", "kind", "level")


def truths(breadth: Path, real: Path) -> dict[Path, dict]:
    """Every file with its hand-read identity (None where the file has none: a scan needing OCR)."""
    spec = json.loads((ROOT / "bench" / "data" / "breadth_identity.json").read_text(encoding="utf-8"))
    out: dict[Path, dict] = {breadth / name: meta for name, meta in spec["files"].items()}
    for line in (real / "questions.jsonl").read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        if "meta" in item:
            out[real / item["doc"]] = {k: item["meta"][k] for k in FIELDS}
    for path in sorted(real.glob("*.pdf")) + sorted(real.glob("*.xlsx")):
        out.setdefault(path, None)
    return out


def read(path: Path) -> dict:
    """What the code reads from one file: identity, tables, unread pages, or the error."""
    from ingest.document.reader import read_document
    from ingest.errors import IngestError

    try:
        doc = read_document(path)
    except IngestError as exc:
        return {"error": exc.reason}
    return {"department": doc.department, "year": doc.year, "kind": doc.kind, "level": doc.level,
            "tables": len(doc.tables), "unread": getattr(doc, "unread_pages", None)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--code", type=Path, help="a checkout whose ingest package to read with")
    parser.add_argument("--breadth", type=Path, default=BREADTH)
    parser.add_argument("--real", type=Path, default=REAL)
    parser.add_argument("--json", type=Path, help="also write one JSON line per file here")
    args = parser.parse_args()
    sys.path.insert(0, str(args.code.resolve() if args.code else ROOT))
    right = {f: 0 for f in (*FIELDS, "all")}
    counted = tables = unread = 0
    lines = []
    for path, truth in truths(args.breadth, args.real).items():
        got = read(path)
        lines.append({"file": path.name, **got, "truth": truth})
        if "error" in got:
            print(f"{path.name}: error: {got['error']}" + ("" if truth is None else "  ✗ (expected a document)"))
            counted += truth is not None
            continue
        marks = []
        for f in FIELDS:
            ok = truth is not None and got[f] == truth[f]
            right[f] += ok
            mark = "" if truth is None else "✓" if ok else f"✗ ({truth[f]!r})"  # no truth: a blank template
            marks.append(f"{f}={got[f]!r}{mark}")
        counted += truth is not None
        right["all"] += truth is not None and all(got[f] == truth[f] for f in FIELDS)
        tables += got["tables"]
        unread += len(got["unread"] or [])
        print(f"{path.name}: {' '.join(marks)} tables={got['tables']} unread={got['unread']}")
    print(f"\n{counted} files with a known identity: department right {right['department']}, year {right['year']}, "
          f"kind {right['kind']}, level {right['level']}, all four {right['all']}; {tables} tables; "
          f"{unread} pages with a grid of figures reported unread")
    if args.json:
        args.json.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")


if __name__ == "__main__":
    main()
