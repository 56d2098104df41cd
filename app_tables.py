"""The 数据查询 and 一致性检查 tabs' rows: records and checks as table rows, the CSV download."""
from __future__ import annotations

import csv
import os
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from app_text import escape_cell, escape_text, markdown_table
from ingest.checks import Check
from ingest.store.store import StoredRecord

MAX_ROWS = 2000  # records one search lists (and writes to its CSV)
CSV_KEEP_SECONDS = 3600
RECORD_HEADERS = ["文档", "表", "页", "行", "编码", "列", "数值", "单位"]
CHECK_HEADERS = ["类别", "检查", "表格数", "计算/陈述数", "差额", "结果"]
CELL_HEADERS = ["表", "页", "行", "编码", "列", "数值"]
MAX_FAILED_SHOWN = 50  # failed checks whose cells are listed under the table
PASSED, FAILED = "✓", "✗"


# -- records -------------------------------------------------------------------------------------
def record_value(r: StoredRecord) -> str:
    """The cell as printed: the exact decimal, or the text of a text cell."""
    if r.value is not None:
        return f"{r.value:f}"
    return r.text or ""


def records_to_rows(records: Iterable[StoredRecord]) -> list[list[Any]]:
    """Records as rows of 文档, 表, 页, 行, 编码, 列, 数值, 单位."""
    return [[r.document, r.table, r.page, r.row, r.code or "", r.column, record_value(r), r.unit]
            for r in records]


def write_csv(rows: Sequence[Sequence[Any]], directory: Path, headers: Sequence[str] = RECORD_HEADERS) -> Path:
    """Write rows as a CSV Excel opens in Chinese (UTF-8 with BOM); returns the new file's path."""
    directory.mkdir(parents=True, exist_ok=True)
    _remove_old_files(directory, CSV_KEEP_SECONDS)
    fd, name = tempfile.mkstemp(prefix="budgetqa-records-", suffix=".csv", dir=directory)
    with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(headers)
        writer.writerows([[neutralise_formula(cell) for cell in row] for row in rows])
    return Path(name)


def neutralise_formula(cell: Any) -> Any:
    """Text a spreadsheet would run as a formula (=HYPERLINK(…), +, @, -x) gets a leading quote;
    numbers, negative amounts included, stay as they are."""
    if not isinstance(cell, str) or not cell:
        return cell
    if cell[0] in "=+@\t\r" or (cell[0] == "-" and not cell[1:2].isdigit()):
        return "'" + cell
    return cell


def _remove_old_files(directory: Path, max_age: float, pattern: str = "budgetqa-records-*.csv") -> None:
    cutoff = time.time() - max_age
    for f in directory.glob(pattern):
        try:
            if f.stat().st_mtime < cutoff:
                f.unlink()
        except OSError:
            pass


# -- consistency checks --------------------------------------------------------------------------
def _number(x: object) -> str:
    return f"{x:f}"


def check_rows(checks: Iterable[Check]) -> list[list[str]]:
    """Checks as rows of 类别, 检查, 表格数, 计算/陈述数, 差额, 结果; failed ones first, else in order."""
    ordered = sorted(checks, key=lambda c: c.passed)
    return [[c.category, c.name, _number(c.expected), _number(c.actual), _number(c.difference),
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
    """One cell of a check as 表, 页, 行, 编码, 列, 数值."""
    return [r.table, r.page, r.row, r.code or "", r.column, record_value(r)]


def failed_details(checks: Iterable[Check], limit: int = MAX_FAILED_SHOWN) -> str:
    """For each failed check: its name, the figures, the cells involved and the quoted sentence."""
    failed = [c for c in checks if not c.passed]
    if not failed:
        return ""
    parts = [f"### 不一致的检查（{len(failed)} 项）"]
    for c in failed[:limit]:
        parts.append(f"**{FAILED} {escape_cell(c.category)}：{escape_cell(c.name)}**  \n"
                     f"表格数 {_number(c.expected)}，计算/陈述数 {_number(c.actual)}，差额 {_number(c.difference)}")
        if c.cells:
            parts.append(markdown_table(CELL_HEADERS, [cell_row(r) for r in c.cells]))
        if c.quote is not None:
            where = " › ".join(escape_cell(p) for p in (c.quote.document, c.quote.section) if p)
            parts.append(f"> 「{escape_cell(c.quote.text)}」  \n> —— {where}，第 {c.quote.page} 页")
    if len(failed) > limit:
        parts.append(f"另有 {len(failed) - limit} 项不一致的检查未列出单元格。")
    return "\n\n".join(parts)
