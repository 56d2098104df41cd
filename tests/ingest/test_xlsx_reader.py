"""Disclosures published as .xlsx: merged headers from the sheet's merge ranges, exact amounts."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from ingest.errors import CorruptWorkbook, EmptyFile
from ingest.records import document_records
from ingest.xlsx_reader import read_xlsx


def _workbook(path: Path) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "表5"
    ws.append(["2023年一般公共预算支出情况表"])
    ws.merge_cells("A1:G1")
    ws.append(["部门名称：株洲市教育局", None, None, None, None, None, "单位：万元"])
    ws.append(["科目编码", None, None, "功能科目", "总计", "基本支出", "项目支出"])
    ws.append(["类", "款", "项", None, None, None, None])
    ws.merge_cells("A3:C3")
    for col in "DEFG":
        ws.merge_cells(f"{col}3:{col}4")
    ws.append([None, None, None, None, 1, 2, 3])
    rows = [
        (None, None, None, "合计", 1234.5, 1000.25, 234.25),
        ("205", None, None, "教育支出", 1234.5, 1000.25, 234.25),
        (None, "01", None, "教育管理事务", 1234.5, 1000.25, 234.25),
        ("205", "01", "01", "行政运行", 1000.25, 1000.25, None),
        (None, None, "02", "一般行政管理事务", 234.25, None, 234.25),
    ]
    for row in rows:
        ws.append(list(row))
    for row in ws.iter_rows(min_row=6, min_col=5, max_col=7):
        for cell in row:
            cell.number_format = "#,##0.00"
    sheet = book.create_sheet("表7")
    sheet.append(["2023年一般公共预算“三公”经费支出情况表"])
    sheet.append(["部门名称：株洲市教育局"])
    sheet.append(["部门名称", "三公经费预（决）算数（财政拨款）", None, None])
    sheet.append([None, "小计", "公务接待费", "因公出国（境）费"])
    sheet.merge_cells("B3:D3")
    sheet.merge_cells("A3:A4")
    sheet.append(["合计", 0.3, 0.1, 0.2])
    for cell in sheet[5][1:]:
        cell.number_format = "0.00"
    book.save(path)
    return path


@pytest.fixture
def workbook_doc(tmp_path):
    return read_xlsx(_workbook(tmp_path / "zhuzhou-jyj-2023.xlsx"))


def test_document_is_described_from_the_sheets(workbook_doc):
    assert (workbook_doc.department, workbook_doc.year, workbook_doc.kind) == ("株洲市教育局", 2023, "预算")
    assert [t.title for t in workbook_doc.tables] == ["2023年一般公共预算支出情况表", "2023年一般公共预算“三公”经费支出情况表"]


def test_merged_headers_become_paths_and_codes_are_completed(workbook_doc):
    table = workbook_doc.tables[0]
    assert table.columns == ["科目编码/类", "科目编码/款", "科目编码/项", "功能科目", "总计", "基本支出", "项目支出"]
    assert [(r.label, r.code) for r in table.rows] == [
        ("合计", None), ("教育支出", "205"), ("教育管理事务", "20501"), ("行政运行", "2050101"),
        ("一般行政管理事务", "2050102")]


def test_amounts_are_exact_decimals_and_blanks_stay_blank(workbook_doc):
    recs = {(r.table[5:9], r.row, r.column): r.value for r in document_records(workbook_doc)}
    assert recs[("一般公共", "合计", "总计")] == Decimal("1234.50")
    assert recs[("一般公共", "行政运行", "基本支出")] == Decimal("1000.25")
    assert ("一般公共", "行政运行", "项目支出") not in recs
    assert recs[("一般公共", "合计", "三公经费预（决）算数（财政拨款）/小计")] == Decimal("0.30")  # 0.1+0.2 as printed


def test_bad_workbooks_get_a_reason(tmp_path):
    empty = tmp_path / "e.xlsx"
    empty.write_bytes(b"")
    with pytest.raises(EmptyFile, match="e.xlsx"):
        read_xlsx(empty)
    broken = tmp_path / "b.xlsx"
    broken.write_bytes(b"PK\x03\x04garbage")
    with pytest.raises(CorruptWorkbook, match="corrupt workbook"):
        read_xlsx(broken)
