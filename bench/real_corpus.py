"""Benchmark: ingest the real disclosures (tests/data/real/*.pdf|xlsx, or --files) into a fresh store and
say, per file and in total, how much of them the store holds and what it cost.

Figures:
- result: ingested, or the reason it was not (the line `budgetqa ingest` prints);
- tables by kind (canonical kind; a table no rule knows by its printed title), records (every stored cell),
  money records (cells with a value), and the mandated kinds the document lacks (`ingest.store.listing`);
- cell recall: of the numeric cells pdfplumber sees in the ruled grids, the share stored as money records.
  *Seen*: the cells of `page.find_tables(ingest.pdf.pdf_reader.TABLE_SETTINGS)` (`Table.extract()`: one text
  per grid cell, a merged cell once) whose text `ingest.tables.numbers.parse_amount` reads as an amount, less
  what is plainly not an amount:
    * subject/economic/unit codes and ordinals: digits-only cells in a code column (a column with a cell
      reading 类, 款 or 项, or holding 编码 or 代码), and at the row start: the run of digits-only cells
      (each of at most 7 digits) from the row's first non-blank cell, when its first is 3, 5 or 7 digits
      long (201 | 05 | 07) or a text cell follows it (「05 | 07 | 行政运行」 where 类 is not repeated,
      「1 | 、部门收支总表」 in a contents grid);
    * 行次/栏次/序号 numbers: digits-only cells in a column with a cell reading 行次, 栏次 or 序号, all the
      amounts of a row whose first cell reads 行次 or 栏次, and a row whose amounts are exactly the
      integers 1, 2, 3 … in order (the column-number row under a header);
    * column numbers: a row reading 1 2 3 … under the header, also with 「**」 or 栏次 marks
      (`ingest.tables.tables.is_column_number_row`);
    * counts and targets: every number in a column with a cell holding 指标值, 数量, 权重 or 分值 (a 绩效
      indicator's target 「100」, a 政府采购 quantity) or reading 人数 (a 会议费/培训费 table's head count), and
      every figure right of a cell naming an indicator (…指标: 「成本指标 | 经济成本指标 | … | ≤ | 36.46 | 万元」,
      a cost target on a page that does not repeat the 指标值 header).
  *Stored*: the document's records with a value (the printed value, not value_wan), with their PDF page.
  A seen cell is *matched* when a stored money record on the same page has the same value (Decimal
  equality: 10,465.00 = 10465); a figure printed n times on a page matches at most n stored records of that
  value on that page and the other way round (multiset intersection per page). Recall = matched / seen.
  A row printed again atop the next page is one row, seen once: when the first row with amounts on a page
  has the label and figures of the last one on the page before (a project of a 绩效目标表 whose merged
  name and 资金总额 cells run over the page break; never a 合计 row, nor a row of zeros).
  A grid of one text per row holding sentences, of sentences with no figure printed as money, or a
  one-row strip of a sentence cut into cells (「…（长编委发〔 | 2019 | 〕 | 16」), is narrative drawn in boxes,
  not a table: not seen. Digits-only cells right before a label are codes
  (the second panel's 302 | 25 | 专用燃料费). In a
  grid that speaks of 指标 (a 绩效目标表) only figures with 2–6 decimals are amounts; its integers are
  indicator targets. Grids pdfplumber does not find (unruled tables) are not seen, so they count neither way; a number
  that is not money and escapes the rules above is seen, so recall is a lower bound. Workbooks (.xlsx)
  and files without a text layer have no recall (—). Two files read as one disclosure (source 「a + b」)
  are counted together, on the row of the first.
- checks: the consistency checks (`ingest.checks.run_checks`) run and passed (completeness not included);
- seconds: our ingest of the file alone (`budgetqa ingest FILE` into a second fresh store, one file after
  another: `FileResult.seconds`, i.e. parse in the isolated child, records, embedding, store writes,
  opening the vector index included), the bare pdfplumber pass (extract_text() + extract_tables() over
  every page, in this process), and their ratio; the total ratio is over the files that have both.
  The figures above come from one batch ingest of all the files (the product's path: it pairs a 情况说明
  with its 报表), whose wall time is printed too, and its CPU against the bare passes' CPU (issue 21's
  measure: this process and every process it started, the parse's fork server and its children
  included, reaped after the batch; bench/bench_speed.py pairs whole runs and takes medians); its
  per-file seconds are not used, because the batch parses the next file while it stores this one, so
  on a small machine each includes the other's load.

Run by hand (prints figures, asserts nothing):
    .venv/bin/python bench/real_corpus.py [--files F ...] [--workdir DIR] [--no-timing]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CORPUS = ROOT / "tests" / "data" / "real"
SUFFIXES = (".pdf", ".xlsx")
sys.path.insert(0, str(ROOT / "bench"))  # its sibling modules, when imported rather than run

from bench_speed import cpu_self as cpu_seconds  # noqa: E402
from corpus_report import report  # noqa: E402
from grid_cells import PageValues, bare_pass, seen_cells, table_settings  # noqa: E402


# -- what we store -------------------------------------------------------------------------------
@dataclass
class FileRun:
    """One input file: what ingest made of it and the figures measured."""

    path: Path
    status: str = "not run"
    reason: str = ""
    ingest_s: float | None = None
    bare_s: float | None = None
    bare_cpu: float | None = None   # CPU seconds of the bare pass
    pages: int | None = None
    seen: PageValues | None = None
    seen_error: str = ""
    document: object | None = None  # ingest.store.listing.DocumentEntry
    document_id: int | None = None
    partner_of: int | None = None  # index of the first file of the same disclosure
    money: int = 0
    matched: int | None = None
    checks: tuple[int, int] | None = None
    checks_error: str = ""


def ingest_all(runs: list[FileRun], store_dir: Path) -> float:
    """Ingest the files in one batch (a disclosure in two files pairs up); one by one if the batch
    breaks. Returns the wall time, opening the stores included."""
    from ingest.pipeline import ingest_paths

    started = time.perf_counter()
    try:
        results = ingest_paths([r.path for r in runs], store_dir).results
    except Exception as exc:
        print(f"warning: the batch ingest raised {type(exc).__name__}: {exc}; ingesting file by file",
              file=sys.stderr)
        results = []
        for r in runs:
            try:
                results += ingest_paths([r.path], store_dir).results
            except Exception as one:
                from ingest.pipeline import FileResult

                results.append(FileResult(str(r.path), "error", reason=f"ingest raised {type(one).__name__}: {one}"))
    by_path = {res.path: res for res in results}
    for r in runs:
        res = by_path.get(str(r.path))
        if res is not None:
            r.status, r.reason = res.status, res.reason
    return time.perf_counter() - started


def time_alone(runs: list[FileRun], store_dir: Path) -> None:
    """Each file's ingest seconds, ingested alone (nothing else parsing or storing meanwhile)."""
    from ingest.pipeline import ingest_paths

    for r in runs:
        try:
            r.ingest_s = ingest_paths([r.path], store_dir).results[0].seconds
        except Exception as exc:
            print(f"warning: {r.path.name}: timing ingest raised {type(exc).__name__}: {exc}", file=sys.stderr)


def attach_documents(runs: list[FileRun], store_dir: Path) -> None:
    """Each file's stored document (by source name), its counts, recall and checks."""
    from ingest.checks import run_checks
    from ingest.store.listing import list_documents
    from ingest.store.storage import StorePaths
    from ingest.store.store import Store

    paths = StorePaths.at(store_dir)
    if not Store.exists(paths.sqlite):
        return
    store = Store(paths.sqlite)
    by_name = {}
    for doc, entry in zip(store.documents(), list_documents(store)):
        for name in doc.source.split(" + "):
            by_name[name] = (doc, entry)
    first_of: dict[int, int] = {}
    for i, r in enumerate(runs):
        if r.path.name not in by_name:
            continue
        doc, entry = by_name[r.path.name]
        r.document, r.document_id = entry, doc.id
        if doc.id in first_of:
            r.partner_of = first_of[doc.id]
            continue
        first_of[doc.id] = i
        stored: PageValues = Counter(
            (int(page), Decimal(value)) for page, value in
            store.execute("SELECT page, value FROM records WHERE document_id=? AND value IS NOT NULL", (doc.id,)))
        r.money = sum(stored.values())
        partners = [p for p in runs if p.path.name in doc.source.split(" + ")]
        seen = [p.seen for p in partners if p.seen is not None]
        if seen:
            r.matched = sum((sum(seen, Counter()) & stored).values())
        try:
            checks = run_checks(store, doc.id)
            r.checks = (sum(c.passed for c in checks), len(checks))
        except Exception as exc:
            r.checks_error = f"{type(exc).__name__}: {exc}"
    store.close()


def measure_pdf(r: FileRun, settings: dict) -> None:
    """The bare pass and the grid cells of one PDF (nothing for a workbook)."""
    if r.path.suffix.lower() != ".pdf":
        return
    try:
        started = cpu_seconds()
        r.bare_s = bare_pass(r.path)
        r.bare_cpu = cpu_seconds() - started
        r.seen = seen_cells(r.path, settings)
        import pdfplumber

        with pdfplumber.open(r.path) as pdf:
            r.pages = len(pdf.pages)
    except Exception as exc:
        r.seen_error = f"pdfplumber: {type(exc).__name__}: {exc}"


# -- main ----------------------------------------------------------------------------------------
def corpus_files(given: list[str] | None) -> list[Path]:
    if given:
        return [Path(f) for f in given]
    return sorted(p for p in CORPUS.iterdir() if p.suffix.lower() in SUFFIXES)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", nargs="+", metavar="F", help="files to measure (default: tests/data/real/*.pdf|xlsx)")
    parser.add_argument("--workdir", metavar="DIR", help="where the fresh store goes (kept); default a temporary one")
    parser.add_argument("--no-timing", action="store_true",
                        help="skip the second, one-file-at-a-time ingest that times each file (recall only)")
    args = parser.parse_args(argv)
    runs = [FileRun(p) for p in corpus_files(args.files)]
    if not runs:
        print("error: no files to measure", file=sys.stderr)
        return 1
    settings = table_settings()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(args.workdir) if args.workdir else Path(tmp)
        base.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix="real_corpus-", dir=base))
        store_dir = work / "store"
        for r in runs:
            measure_pdf(r, settings)
        started = cpu_seconds()
        wall_s = ingest_all(runs, store_dir)
        from multiprocessing import forkserver

        forkserver._forkserver._stop()  # reap the fork server: its CPU and its parse children's count here
        cpu = (cpu_seconds() - started, sum(r.bare_cpu or 0.0 for r in runs))
        if not args.no_timing:
            time_alone(runs, work / "timing-store")
        try:
            attach_documents(runs, store_dir)
        except Exception:
            print("warning: reading the store back failed:\n" + traceback.format_exc(), file=sys.stderr)
        report(runs, wall_s, store_dir if args.workdir else Path("(temporary, removed)"), cpu)
    return 0


if __name__ == "__main__":
    sys.exit(main())
