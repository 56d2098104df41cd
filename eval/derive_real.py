"""The question set over the real disclosures: `eval/questions/real.jsonl` and its corpus,
`eval/questions/real.corpus.json`, derived from the hand-written `tests/data/real/questions.jsonl`
(see tests/data/real/README.md). Rerun after that file changes (the output is the same on every run):

    python -m eval.derive_real            # writes both files into eval/questions/

Each real question becomes one eval question: its category mapped to the runner's (diff → difference,
rank → ranking, absent → refusal; jue and zero kept), `num` → `expected.values` in the printed `unit`
(the scorer accepts a 元 figure stated in 万元 and the other way round), `text` → `expected.texts`,
`refuse` → `found: false`, `cat: zero` → `expected.zero` (stating 0, or saying the table is empty, is
right), the file it was written over → `document`, its own id → `source`. A narrative question's
`chunk_contains` is the start of the first sentence its evidence quotes. The corpus is every file of
tests/data/real/ (PDF and workbook), by path relative to the repository; the scan and the workbook are
marked optional (the reader may refuse them: see eval.runner.optional_files).
"""
from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

from .runner import QUESTIONS_DIR, REPO

REAL_DIR = REPO / "tests" / "data" / "real"
SOURCE = REAL_DIR / "questions.jsonl"
CORPUS_SUFFIXES = (".pdf", ".xlsx")
# files the reader may refuse without failing the evaluation (tests/data/real/README.md): the scan
# without a text layer (it must be reported as needing OCR) and the workbook form of a PDF disclosure
OPTIONAL = ("_扫描件.pdf", ".xlsx")
CATEGORY = {"lookup": "lookup", "sum": "sum", "diff": "difference", "share": "share", "rank": "ranking",
            "count": "count", "narrative": "narrative", "change": "change", "jue": "jue", "zero": "zero",
            "absent": "refusal"}
_QUOTED = re.compile(r"[「“]([^」”]{6,})[」”]")
CHUNK_CHARS = 12   # characters of the quoted sentence a retrieved passage must hold (whitespace ignored)


def _number(n: Decimal) -> str:
    """A gold as the runner wants it: a number written as a string, as printed (308.0 → 「308.0」)."""
    return str(n)


def chunk_contains(evidence: str) -> str | None:
    """The start of the first sentence the evidence quotes, whitespace removed."""
    m = _QUOTED.search(evidence)
    if not m:
        return None
    text = re.sub(r"\s+", "", m.group(1)).split("……")[0]
    return text[:CHUNK_CHARS] or None


def convert(line: dict[str, Any], number: int) -> dict[str, Any]:
    """One eval question from one hand-written real question."""
    category = CATEGORY[line["cat"]]
    refuse = bool(line.get("refuse"))
    expected: dict[str, Any] = {
        "values": [] if refuse else [_number(n) for n in line.get("num", [])],
        "unit": "" if refuse else line.get("unit", ""),
        "texts": list(line.get("text", [])), "rows": [], "found": not refuse}
    if category == "narrative":
        expected["chunk_contains"] = chunk_contains(line.get("evidence", "")) or line["q"][:CHUNK_CHARS]
    if category == "zero":
        expected["zero"] = True
    return {"id": f"{category}-{number:03d}", "category": category, "question": line["q"], "expected": expected,
            "document": line["doc"], "source": line["id"]}


def derive(source: Path = SOURCE) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """The eval questions and the corpus entries, in a fixed order."""
    lines = [json.loads(t, parse_float=Decimal, parse_int=Decimal)
             for t in source.read_text(encoding="utf-8").splitlines() if t.strip()]
    counter: Counter[str] = Counter()
    questions = []
    for line in lines:
        if "meta" in line:
            continue
        category = CATEGORY[line["cat"]]
        counter[category] += 1
        questions.append(convert(line, counter[category]))
    files = sorted(p for p in REAL_DIR.iterdir() if p.suffix in CORPUS_SUFFIXES)
    corpus = [{"file": p.relative_to(REPO).as_posix(), **({"optional": True} if p.name.endswith(OPTIONAL) else {})}
              for p in files]
    return questions, corpus


def render(questions: list[dict[str, Any]], corpus: list[dict[str, str]]) -> tuple[str, str]:
    q_text = "".join(json.dumps(q, ensure_ascii=False) + "\n" for q in questions)
    c_text = "[\n" + ",\n".join(json.dumps(c, ensure_ascii=False) for c in corpus) + "\n]\n"
    return q_text, c_text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=str(QUESTIONS_DIR), help="folder for real.jsonl and real.corpus.json")
    args = parser.parse_args(argv)
    q_text, c_text = render(*derive())
    out = Path(args.out)
    (out / "real.jsonl").write_text(q_text, encoding="utf-8")
    (out / "real.corpus.json").write_text(c_text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
