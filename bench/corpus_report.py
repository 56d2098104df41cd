"""The printed report of bench/real_corpus.py: one row per file, the totals, then each file's details."""
from __future__ import annotations

import unicodedata
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from real_corpus import FileRun


# -- printing ------------------------------------------------------------------------------------
def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _clip(s: str, width: int) -> str:
    if _width(s) <= width:
        return s
    out = ""
    for ch in s:
        if _width(out + ch) > width - 1:
            break
        out += ch
    return out + "…"


def _pad(s: str, width: int, right: bool = False) -> str:
    s = _clip(s, width)
    gap = " " * (width - _width(s))
    return gap + s if right else s + gap


COLUMNS = [("#", 3, True), ("file", 34, False), ("result", 8, False), ("pages", 5, True), ("tables", 6, True),
           ("records", 7, True), ("money", 6, True), ("seen", 6, True), ("matched", 7, True), ("recall", 6, True),
           ("checks", 9, True), ("lacks", 5, True), ("ingest s", 8, True), ("bare s", 6, True), ("ratio", 6, True)]


def _row(values: list[str]) -> str:
    return " ".join(_pad(v, w, right) for v, (_, w, right) in zip(values, COLUMNS))


def _pct(matched: int | None, seen: int | None) -> str:
    return f"{100 * matched / seen:.1f}%" if matched is not None and seen else "—"


def _num(x: float | int | None, fmt: str = "{}") -> str:
    return "—" if x is None else fmt.format(x)


def file_row(i: int, r: FileRun, runs: list[FileRun]) -> list[str]:
    e = r.document
    seen = sum(r.seen.values()) if r.seen is not None else None
    if r.partner_of is not None:
        doc_cells = [f"= #{r.partner_of + 1}"] + [""] * 7
    elif e is not None:
        partners = [p for p in runs if p.document_id == r.document_id and p.seen is not None]
        seen = sum(sum(p.seen.values()) for p in partners) if partners else None
        doc_cells = [str(sum(e.tables.values())), str(e.records), str(r.money), _num(seen), _num(r.matched),
                     _pct(r.matched, seen), f"{r.checks[0]}/{r.checks[1]}" if r.checks else "error",
                     str(len(e.lacks))]
    else:
        doc_cells = ["—", "—", "—", _num(seen), "0" if seen else "—", _pct(0, seen), "—", "—"]
    ratio = f"{r.ingest_s / r.bare_s:.1f}x" if r.ingest_s and r.bare_s else "—"
    pages = r.pages if r.pages is not None else (e.pages if e is not None else None)
    return [str(i), r.path.name, r.status, _num(pages), *doc_cells, _num(r.ingest_s, "{:.1f}"),
            _num(r.bare_s, "{:.1f}"), ratio]


def total_row(runs: list[FileRun]) -> list[str]:
    docs = [r for r in runs if r.document is not None and r.partner_of is None]
    seen = sum(sum(r.seen.values()) for r in runs if r.seen is not None)
    matched = sum(r.matched or 0 for r in docs)
    checks = [r.checks for r in docs if r.checks]
    timed = [r for r in runs if r.ingest_s and r.bare_s]
    ingest_s = sum(r.ingest_s or 0 for r in runs)
    bare_s = sum(r.bare_s or 0 for r in runs)
    ratio = f"{sum(r.ingest_s for r in timed) / sum(r.bare_s for r in timed):.1f}x" if timed else "—"
    ingested = sum(r.status == "ingested" for r in runs)
    return ["", f"total ({len(runs)} files)", f"{ingested} ok", str(sum(r.pages or 0 for r in runs)),
            str(sum(sum(r.document.tables.values()) for r in docs)), str(sum(r.document.records for r in docs)),
            str(sum(r.money for r in docs)), str(seen), str(matched), _pct(matched, seen),
            f"{sum(c[0] for c in checks)}/{sum(c[1] for c in checks)}", str(sum(len(r.document.lacks) for r in docs)),
            f"{ingest_s:.1f}", f"{bare_s:.1f}", ratio]


def details(i: int, r: FileRun) -> list[str]:
    out = [f"{i:>2} {r.path.name}"]
    e = r.document
    if r.status != "ingested":
        out.append(f"   {r.status}: {r.reason}")
    if r.partner_of is not None:
        out.append(f"   read with #{r.partner_of + 1} as one disclosure")
    elif e is not None:
        year = e.year if e.year is not None else "（年份未能读出）"
        out.append(f"   document: {e.department or '（部门未能读出）'} {year} {e.level}{e.kind} — source {e.source}")
        tables = "、".join(f"{k} {n}" for k, n in e.tables.items()) or "none"
        out.append(f"   tables by kind: {tables}")
        out.append(f"   lacks: {'、'.join(e.lacks) or 'nothing'}" + (f"; empty: {'、'.join(e.empty)}" if e.empty else ""))
        if r.checks_error:
            out.append(f"   checks raised {r.checks_error}")
    if r.seen_error:
        out.append(f"   {r.seen_error}")
    return out


def corpus_kinds(runs: list[FileRun]) -> str:
    total: Counter = Counter()
    for r in runs:
        if r.document is not None and r.partner_of is None:
            total.update(r.document.tables)
    return "、".join(f"{k} {n}" for k, n in total.most_common()) or "none"


def report(runs: list[FileRun], wall_s: float, store_dir: Path, cpu: tuple[float, float] | None = None) -> None:
    """The table, the totals, the reasons files were not ingested, then each file's tables by kind."""
    print(_row([name for name, _, _ in COLUMNS]))
    print(_row(["-" * w for _, w, _ in COLUMNS]))
    for i, r in enumerate(runs, 1):
        print(_row(file_row(i, r, runs)))
    print(_row(["-" * w for _, w, _ in COLUMNS]))
    print(_row(total_row(runs)))
    print()
    print(f"batch ingest of all files: {wall_s:.1f} s wall (opening the stores and the embedder included); "
          f"store: {store_dir}")
    if cpu and cpu[1]:
        print(f"batch ingest CPU: {cpu[0]:.1f} s = {cpu[0] / cpu[1]:.2f}x the bare passes' {cpu[1]:.1f} s CPU "
              "(the parse's fork server and its children included)")
    print(f"tables by kind over the corpus: {corpus_kinds(runs)}")
    reasons = Counter(r.reason for r in runs if r.status == "error")
    if reasons:
        print("reasons files were not ingested:")
        for reason, n in reasons.most_common():
            print(f"  {n} × {reason}")
    print()
    for i, r in enumerate(runs, 1):
        print("\n".join(details(i, r)))
