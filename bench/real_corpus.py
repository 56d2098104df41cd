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
  with its 报表), whose wall time is printed too; its per-file seconds are not used, because the batch
  parses the next file while it stores this one, so on a small machine each includes the other's load.

Run by hand (prints figures, asserts nothing):
    .venv/bin/python bench/real_corpus.py [--files F ...] [--workdir DIR] [--no-timing]
"""
from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
import traceback
import unicodedata
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CORPUS = ROOT / "tests" / "data" / "real"
SUFFIXES = (".pdf", ".xlsx")
CODE_HEADERS = {"类", "款", "项"}
CODE_WORDS = ("编码", "代码")
NUMBER_HEADERS = {"行次", "栏次", "序号"}
NOT_MONEY_WORDS = ("指标值", "数量", "权重", "分值")  # a column of targets, quantities or weights
NOT_MONEY_HEADS = {"人数"}  # a column headed exactly so counts people (a 会议费/培训费 table's 人数)
NUMBER_ROW_LABELS = {"行次", "栏次"}
CODE_LENGTHS = (3, 5, 7)
SENTENCE_MARKS = ("，", "。", "万元", "《", "》", "〔", "〕")  # a one-row strip holding these is a sentence cut into cells
INDICATOR_CELL = re.compile(r"指标$")  # 产出指标, 经济成本指标: the figures right of it are the indicator's targets
_DIGITS = re.compile(r"\d+")
_SPACES = re.compile(r"\s+")

PageValues = Counter  # (page, Decimal) → how many times


# -- what pdfplumber sees ------------------------------------------------------------------------
def _text(cell: str | None) -> str:
    return _SPACES.sub("", cell or "")


def _amount(cell: str | None) -> Decimal | None:
    from ingest.tables.numbers import parse_amount

    return parse_amount(cell) if _text(cell) else None


def _digits(cell: str | None) -> bool:
    return bool(_DIGITS.fullmatch(_text(cell)))


def _skipped_columns(rows: list[list[str | None]]) -> tuple[set[int], set[int]]:
    """Columns of codes or 行次/栏次/序号 numbers (their digits-only cells left out), and columns of targets,
    quantities or weights (every number left out), by any cell of theirs that names them."""
    numbered, not_money = set(), set()
    for row in rows:
        for j, cell in enumerate(row):
            t = _text(cell)
            if t in CODE_HEADERS or t in NUMBER_HEADERS or any(w in t for w in CODE_WORDS):
                numbered.add(j)
            if any(w in t for w in NOT_MONEY_WORDS) or t in NOT_MONEY_HEADS:
                not_money.add(j)
    return numbered, not_money


def _row_start_codes(row: list[str | None]) -> set[int]:
    """Indexes of the code or ordinal cells a row starts with (201 | 05 | 07, or any run before a label),
    and of each later panel's codes: the digits-only cells right before a label (302 | 25 | 专用燃料费)."""
    cells = [(j, _text(c)) for j, c in enumerate(row) if _text(c)]
    panel_codes: set[int] = set()
    for n, (_j, t) in enumerate(cells):
        if _amount(t) is None and not _DIGITS.fullmatch(t):  # a label: the digits before it are its code
            k = n - 1
            while k >= 0 and _DIGITS.fullmatch(cells[k][1]) and len(cells[k][1]) <= max(CODE_LENGTHS):
                panel_codes.add(cells[k][0])
                k -= 1
    return panel_codes | _leading_codes(cells)


def _leading_codes(cells: list[tuple[int, str]]) -> set[int]:
    run = []
    for j, t in cells:
        if not _DIGITS.fullmatch(t) or len(t) > max(CODE_LENGTHS):  # an 8-digit figure is no code
            break
        run.append((j, t))
    if not run:
        return set()
    rest = cells[len(run):]
    starts_with_code = len(run[0][1]) in CODE_LENGTHS and all(len(t) == 2 for _, t in run[1:])
    before_label = bool(rest) and _amount(rest[0][1]) is None
    return {j for j, _ in run} if starts_with_code or before_label else set()


def _is_column_number_row(amounts: list[tuple[str, Decimal]]) -> bool:
    return len(amounts) >= 2 and all(_DIGITS.fullmatch(t) for t, _ in amounts) and \
        [v for _, v in amounts] == [Decimal(i) for i in range(1, len(amounts) + 1)]


def _boxed_paragraph(rows: list[list[str | None]]) -> bool:
    """A grid that is narrative drawn in boxes: one text per row holding sentences, sentences and no
    figure printed as money (two decimals, or thousands separators) anywhere in it, or a one-row strip
    of a sentence cut into cells (「1935.」「36」「万元。」)."""
    texts = [[_text(c) for c in row if _text(c)] for row in rows]
    prose = any((len(x) > 30 and "。" in x) or (len(t) <= 1 and ("，" in x or len(x) > 30))
                for t in texts for x in t)
    money = any(re.fullmatch(r"-?(\d{1,3}(,\d{3})+(\.\d+)?|\d+\.\d{2,6})", x) for t in texts for x in t)
    fragment = len(rows) == 1 and any(any(w in x for w in SENTENCE_MARKS) or re.fullmatch(r"\d+\.", x)
                                      for t in texts for x in t)  # 「1935.」「36」: a figure cut into cells
    return fragment or (prose and (all(len(t) <= 1 for t in texts) or not money))


def grid_amounts(rows: list[list[str | None]], with_text: bool = False) -> list:
    """The amounts of one grid (rows of cell text as `Table.extract()` gives them), codes and
    行次/栏次/序号 numbers left out (see the module docstring); with `with_text`, (value, text) pairs."""
    return [(v, t) if with_text else v for _, amounts in row_amounts(rows) for t, v in amounts]


def row_amounts(rows: list[list[str | None]]) -> list[tuple[str, list[tuple[str, Decimal]]]]:
    """Per row with amounts: (its label — the last word cell before its first amount —, [(text, value)])."""
    from ingest.tables.tables import is_column_number_row

    numbered, not_money = _skipped_columns(rows)
    out = []
    for row in rows:
        if row and _text(row[0]) in NUMBER_ROW_LABELS or is_column_number_row([_text(c) for c in row]):
            continue  # 行次 | 1 | 2, or ** | 1 | 2 under a header: column numbers
        codes = _row_start_codes(row)
        indicator = next((j for j, c in enumerate(row) if INDICATOR_CELL.search(_text(c))), len(row))
        amounts, label = [], ""
        for j, cell in enumerate(row):
            value = _amount(cell)
            if value is None and not amounts and _text(cell) and not _digits(cell):
                label = _text(cell)
            if value is None or j in codes or j in not_money or (j in numbered and _digits(cell)) or j > indicator:
                continue
            amounts.append((_text(cell), value))
        if amounts and not _is_column_number_row(amounts):
            out.append((label, amounts))
    return out


def seen_cells(path: Path, settings: dict) -> PageValues:
    """(page, value) → how many grid cells of the PDF print that amount on that page."""
    import pdfplumber

    from ingest.tables.performance import is_amount

    seen: PageValues = Counter()
    last_row: tuple | None = None  # (label, values) of the last row with amounts on the page before
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            first, page_last = True, None
            for table in page.find_tables(settings):
                rows = table.extract()
                if _boxed_paragraph(rows):
                    continue
                performance = any("指标" in (c or "") for row in rows for c in row)
                for label, amounts in row_amounts(rows):
                    # in a 绩效 grid an integer is an indicator's target or score (100, ≥95), not money
                    values = tuple(v for text, v in amounts if not performance or is_amount(text))
                    if not values:
                        continue
                    repeated, first = first and (label, values) == last_row and _repeatable(label, values), False
                    page_last = (label, values)
                    if repeated:
                        continue  # a row whose merged cells run over the page break, printed again
                    for value in values:
                        seen[(page.page_number, value)] += 1
            last_row = page_last
            page.close()
    return seen


def _repeatable(label: str, values: tuple) -> bool:
    """A row that may stand again atop the next page as the same cells: a labelled item with a figure
    (not a 合计 row of zeros, which two different empty tables both print)."""
    return bool(label) and not re.search(r"(合|总|小)计$", label) and any(values)


def bare_pass(path: Path) -> float:
    """Seconds of extract_text() + extract_tables() over every page."""
    import pdfplumber

    started = time.perf_counter()
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.extract_tables()
            page.close()
    return time.perf_counter() - started


def table_settings() -> dict:
    """The reader's own grid settings; pdfplumber's defaults (said so) if the reader does not import."""
    try:
        from ingest.pdf.pdf_reader import TABLE_SETTINGS

        return dict(TABLE_SETTINGS)
    except Exception as exc:  # the reader is being rewritten: still measure
        print(f"warning: ingest.pdf.pdf_reader.TABLE_SETTINGS unavailable ({type(exc).__name__}: {exc}); "
              "using pdfplumber's default table settings", file=sys.stderr)
        return {}


# -- what we store -------------------------------------------------------------------------------
@dataclass
class FileRun:
    """One input file: what ingest made of it and the figures measured."""

    path: Path
    status: str = "not run"
    reason: str = ""
    ingest_s: float | None = None
    bare_s: float | None = None
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
        r.bare_s = bare_pass(r.path)
        r.seen = seen_cells(r.path, settings)
        import pdfplumber

        with pdfplumber.open(r.path) as pdf:
            r.pages = len(pdf.pages)
    except Exception as exc:
        r.seen_error = f"pdfplumber: {type(exc).__name__}: {exc}"


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
        year = e.year if e.year is not None else "年份不明"
        out.append(f"   document: {e.department or '部门不明'} {year} {e.level}{e.kind} — source {e.source}")
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


def report(runs: list[FileRun], wall_s: float, store_dir: Path) -> None:
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
    print(f"tables by kind over the corpus: {corpus_kinds(runs)}")
    reasons = Counter(r.reason for r in runs if r.status == "error")
    if reasons:
        print("reasons files were not ingested:")
        for reason, n in reasons.most_common():
            print(f"  {n} × {reason}")
    print()
    for i, r in enumerate(runs, 1):
        print("\n".join(details(i, r)))


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
        wall_s = ingest_all(runs, store_dir)
        if not args.no_timing:
            time_alone(runs, work / "timing-store")
        try:
            attach_documents(runs, store_dir)
        except Exception:
            print("warning: reading the store back failed:\n" + traceback.format_exc(), file=sys.stderr)
        report(runs, wall_s, store_dir if args.workdir else Path("(temporary, removed)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
