"""What pdfplumber sees in a PDF's ruled grids: the money cells (with the rules of bench/real_corpus.py's
docstring for what is plainly not money), and the bare extract_text() + extract_tables() pass."""
from __future__ import annotations

import re
import sys
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

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
