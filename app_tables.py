"""The 数据查询 and 一致性检查 tabs' rows: records as one row per printed item (its columns side by
side), checks as table rows, the CSV downloads named after what they hold."""
from __future__ import annotations

import csv
import re
import shutil
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from app_text import escape_cell, escape_text, figure, figure_table
from ingest.checks import Check
from ingest.store.store import StoredRecord

MAX_ROWS = 2000  # records one search lists (and writes to its CSV)
CSV_KEEP_SECONDS = 3600
ITEM_HEADERS = ["部门", "年度", "预算/决算", "表", "页", "行", "编码", "单位"]  # then the item's columns
ITEM_FIGURES_FROM = len(ITEM_HEADERS)  # the columns from here on hold figures
CHECK_HEADERS = ["类别", "检查", "表格数", "计算/陈述数", "差额", "单位", "结果"]
CHECK_FIGURES = (2, 3, 4)
CELL_HEADERS = ["表", "页", "行", "编码", "列", "数值", "单位"]
CELL_FIGURES = (5,)
CSV_DIR_PREFIX = "budgetqa-csv-"  # each download in a folder of its own, so its name can be the query's
UNSAFE_NAME = re.compile(r"[^-0-9A-Za-z\u3400-\u9fff\uf900-\ufaff（）_]+")
MAX_NAME_CHARS = 60
MAX_FAILED_SHOWN = 50  # failed checks whose cells are listed under the table
PASSED, FAILED = "✓", "✗"


# -- records -------------------------------------------------------------------------------------
def record_value(r: StoredRecord) -> str:
    """The cell as printed: the exact decimal, or the text of a text cell."""
    if r.value is not None:
        return f"{r.value:f}"
    return r.text or ""


def records_to_items(records: Iterable[StoredRecord]) -> tuple[list[str], list[list[str]], list[list[str]]]:
    """Records as one row per printed item (a table row in one unit): 部门, 年度, 预算/决算, 表, 页, 行, 编码,
    单位, then a column per printed column (the items' columns in the order first met). Returns the
    headers, the rows as shown (figures with separators) and the rows for the CSV (exact decimals)."""
    items: dict[tuple, dict[str, StoredRecord]] = {}
    columns: dict[str, None] = {}
    for r in records:
        items.setdefault((r.document_id, r.table_number, r.row_number, r.unit), {})[r.column] = r
        columns.setdefault(r.column)
    shown, exact = [], []
    for cells in items.values():
        first = next(iter(cells.values()))
        head = [first.department, f"{first.year}年" if first.year else "", first.kind, first.table, str(first.page),
                first.row, first.code or "", first.unit]
        shown.append(head + [figure(record_value(cells[c])) if c in cells else "" for c in columns])
        exact.append(head + [record_value(cells[c]) if c in cells else "" for c in columns])
    return ITEM_HEADERS + list(columns), shown, exact


def download_name(*words: str | None) -> str:
    """A file name made of `words` (the query, the department): safe characters only, joined by 「-」."""
    parts = [UNSAFE_NAME.sub("_", w.strip()).strip("_") for w in words if w and w.strip()]
    return "-".join(p for p in parts if p)[:MAX_NAME_CHARS] or "budgetqa"


def write_csv(rows: Sequence[Sequence[Any]], directory: Path, headers: Sequence[str], name: str) -> Path:
    """Write rows as `name`.csv, a CSV Excel opens in Chinese (UTF-8 with BOM), in a folder of its own
    under `directory` (two downloads of one name never meet); returns the file's path."""
    path = new_download(directory, name, ".csv")
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(headers)
        writer.writerows([[neutralise_formula(cell) for cell in row] for row in rows])
    return path


def new_download(directory: Path, name: str, suffix: str) -> Path:
    """Where to write a download called `name` + `suffix`: a new folder under `directory` (the folders
    older than CSV_KEEP_SECONDS removed)."""
    directory.mkdir(parents=True, exist_ok=True)
    _remove_old_dirs(directory, CSV_KEEP_SECONDS)
    return Path(tempfile.mkdtemp(prefix=CSV_DIR_PREFIX, dir=directory)) / f"{download_name(name)}{suffix}"


def neutralise_formula(cell: Any) -> Any:
    """Text a spreadsheet would run as a formula (=HYPERLINK(…), +, @, -x) gets a leading quote;
    numbers, negative amounts included, stay as they are."""
    if not isinstance(cell, str) or not cell:
        return cell
    if cell[0] in "=+@\t\r" or (cell[0] == "-" and not cell[1:2].isdigit()):
        return "'" + cell
    return cell


def _remove_old_dirs(directory: Path, max_age: float) -> None:
    cutoff = time.time() - max_age
    for d in directory.glob(f"{CSV_DIR_PREFIX}*"):
        try:
            if d.stat().st_mtime < cutoff:
                shutil.rmtree(d)
        except OSError:
            pass


def _remove_old_files(directory: Path, max_age: float, pattern: str) -> None:
    cutoff = time.time() - max_age
    for f in directory.glob(pattern):
        try:
            if f.stat().st_mtime < cutoff:
                f.unlink()
        except OSError:
            pass


# -- consistency checks --------------------------------------------------------------------------
def _number(x: object) -> str:
    return figure(f"{x:f}")


def check_unit(c: Check) -> str:
    """The unit of a check's cells when they share one, else ""."""
    units = {r.unit for r in c.cells if r.unit}
    return units.pop() if len(units) == 1 else ""


def check_rows(checks: Iterable[Check]) -> list[list[str]]:
    """Checks as rows of 类别, 检查, 表格数, 计算/陈述数, 差额, 单位, 结果; failed ones first, else in order."""
    ordered = sorted(checks, key=lambda c: c.passed)
    return [[c.category, c.name, _number(c.expected), _number(c.actual), _number(c.difference), check_unit(c),
             PASSED if c.passed else FAILED] for c in ordered]


def check_summary(checks: Sequence[Check], title: str = "") -> str:
    """「N 项检查，M 项通过，K 项不一致。」 (Markdown, the document title escaped)."""
    passed = sum(c.passed for c in checks)
    prefix = f"**{escape_text(title)}**：" if title else ""
    if not checks:
        return f"{prefix}没有可做的检查（没有找到合计、科目层级或可对照的表）。"
    line = f"{prefix}{len(checks)} 项检查，{passed} 项通过，{len(checks) - passed} 项不一致。"
    return line if passed < len(checks) else line + " 全部一致 ✓"


def cell_row(r: StoredRecord) -> list[object]:
    """One cell of a check as 表, 页, 行, 编码, 列, 数值, 单位."""
    return [r.table, r.page, r.row, r.code or "", r.column, record_value(r), r.unit]


def failed_details(checks: Iterable[Check], limit: int = MAX_FAILED_SHOWN) -> str:
    """For each failed check: its name, the figures, the cells involved and the quoted sentence."""
    failed = [c for c in checks if not c.passed]
    if not failed:
        return ""
    parts = [f"### 不一致的检查（{len(failed)} 项）"]
    for c in failed[:limit]:
        parts.append(f"**{FAILED} {escape_cell(c.category)}：{escape_cell(c.name)}**  \n"
                     f"表格数 {_number(c.expected)}，计算/陈述数 {_number(c.actual)}，差额 {_number(c.difference)}"
                     + (f"（{check_unit(c)}）" if check_unit(c) else ""))
        if c.cells:
            parts.append(figure_table(CELL_HEADERS, [cell_row(r) for r in c.cells], CELL_FIGURES, (1,)))
        if c.quote is not None:
            where = " › ".join(escape_cell(p) for p in (c.quote.document, c.quote.section) if p)
            parts.append(f"> 「{escape_cell(c.quote.text)}」  \n> —— {where}，第 {c.quote.page} 页")
    if len(failed) > limit:
        parts.append(f"另有 {len(failed) - limit} 项不一致的检查未列出单元格。")
    return "\n\n".join(parts)
