"""Disclosures published as .xlsx: merged headers from the sheet's merge ranges, exact amounts."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from ingest.document.reader import read_document
from ingest.errors import CorruptWorkbook, EmptyFile, NoTables
from ingest.tables.numbers import parse_amount
from ingest.tables.records import document_records
from ingest.xlsx.sheet_tables import department_of_cell, table_title
from ingest.xlsx.xlsx_reader import amount_text, read_xlsx


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


# --- A department's published workbook, read into the same tables and records as its PDF -------------
#
# The corpus' 上海普陀 司法局 .xlsx is not the tables' workbook: it is the district's 公开情况检查表 (a
# checklist with ten screenshots, no figures). So the workbook below transcribes the nine tables of the
# PDF beside it (pages 10-21, read by hand from pdfplumber's extract_text), laid out in the shapes
# published workbooks take: one table per sheet, a title row or only the sheet's name, a number label
# 「公开04表」, merged headers, 「编制部门：」/「预算主管部门：」/「部门名称：」 + name cells, 「单位：元」,
# numbers as floats (General or #,##0.00) or as text, codes in 类/款/项 cells (as text, or as numbers
# formatted 00, 类/款 printed only where they change) or in one cell, 「无」 tables, a hidden column and
# a hidden sheet, a cover and a contents sheet.

REAL = Path(__file__).resolve().parents[1] / "data" / "real"
PDF = REAL / "上海普陀_上海市普陀区司法局_2026_部门预算.pdf"
CHECKLIST = REAL / "上海普陀_上海市普陀区司法局_2026_部门预算.xlsx"
DEPARTMENT = "上海市普陀区司法局"

# 功能分类: 类 款 项, name, 合计, 基本支出, 项目支出 (支出预算总表 and 一般公共预算支出功能分类预算表 print the
# same rows; 收入预算总表 prints 合计 = 财政拨款收入 and 0.00 for the other sources)
FUNCTION_ROWS = """\
204|||公共安全支出|87267272.44|16726725.44|70540547.00
204|06||司法|87267272.44|16726725.44|70540547.00
204|06|01|行政运行|16726725.44|16726725.44|0.00
204|06|04|基层司法业务|21703947.00|0.00|21703947.00
204|06|05|普法宣传|1242900.00|0.00|1242900.00
204|06|07|公共法律服务|6860000.00|0.00|6860000.00
204|06|13|信息化建设|2278800.00|0.00|2278800.00
204|06|99|其他司法支出|38454900.00|0.00|38454900.00
208|||社会保障和就业支出|3343704.00|3343704.00|0.00
208|05||行政事业单位养老支出|3343704.00|3343704.00|0.00
208|05|01|行政单位离退休|578040.00|578040.00|0.00
208|05|05|机关事业单位基本养老保险缴费支出|1839485.00|1839485.00|0.00
208|05|06|机关事业单位职业年金缴费支出|919739.00|919739.00|0.00
208|05|99|其他行政事业单位养老支出|6440.00|6440.00|0.00
210|||卫生健康支出|1149678.00|1149678.00|0.00
210|11||行政事业单位医疗|1149678.00|1149678.00|0.00
210|11|01|行政单位医疗|1149678.00|1149678.00|0.00
221|||住房保障支出|4521559.00|4521559.00|0.00
221|02||住房改革支出|4521559.00|4521559.00|0.00
221|02|01|住房公积金|2087959.00|2087959.00|0.00
221|02|03|购房补贴|2433600.00|2433600.00|0.00"""
FUNCTION_TOTAL = ("96282213.44", "25741666.44", "70540547.00")

# 经济分类: 类 款, name, 合计, 人员经费, 公用经费
ECONOMIC_ROWS = """\
301||工资福利支出|23084662.00|23084662.00|0.00
301|01|基本工资|2892504.00|2892504.00|0.00
301|02|津贴补贴|12971818.00|12971818.00|0.00
301|08|机关事业单位基本养老保险缴费|1839485.00|1839485.00|0.00
301|09|职业年金缴费|919739.00|919739.00|0.00
301|10|职工基本医疗保险缴费|1149678.00|1149678.00|0.00
301|12|其他社会保障缴费|29881.00|29881.00|0.00
301|13|住房公积金|2087959.00|2087959.00|0.00
301|99|其他工资福利支出|1193598.00|1193598.00|0.00
302||商品和服务支出|2141724.44|0.00|2141724.44
302|01|办公费|120000.00|0.00|120000.00
302|02|印刷费|30000.00|0.00|30000.00
302|04|手续费|760.00|0.00|760.00
302|07|邮电费|130000.00|0.00|130000.00
302|11|差旅费|95000.00|0.00|95000.00
302|13|维修(护)费|45000.00|0.00|45000.00
302|15|会议费|5000.00|0.00|5000.00
302|16|培训费|16000.00|0.00|16000.00
302|17|公务接待费|8265.00|0.00|8265.00
302|26|劳务费|40000.00|0.00|40000.00
302|27|委托业务费|91260.00|0.00|91260.00
302|28|工会经费|265974.44|0.00|265974.44
302|31|公务用车运行维护费|99750.00|0.00|99750.00
302|39|其他交通费用|495280.00|0.00|495280.00
302|99|其他商品和服务支出|699435.00|0.00|699435.00
303||对个人和家庭的补助|478680.00|478680.00|0.00
303|02|退休费|478680.00|478680.00|0.00
310||资本性支出|36600.00|0.00|36600.00
310|02|办公设备购置|36600.00|0.00|36600.00"""
ECONOMIC_TOTAL = ("25741666.44", "23563342.00", "2178324.44")

SUMMARY_INCOME = [("一、财政拨款收入", "96282213.44"), ("1. 一般公共预算", "96282213.44"),
                  ("2. 政府性基金预算", "0.00"), ("3. 国有资本经营预算", "0.00"), ("二、事业收入", "0.00"),
                  ("三、事业单位经营收入", "0.00"), ("四、其他收入", "0.00")]
SUMMARY_SPENDING = [("一、公共安全支出", "87267272.44"), ("二、社会保障和就业支出", "3343704.00"),
                    ("三、卫生健康支出", "1149678.00"), ("四、住房保障支出", "4521559.00")]


def _rows(text: str) -> list[list[str]]:
    return [line.split("|") for line in text.splitlines()]


def _f(amount: str) -> float:
    """A figure as a workbook stores it: a float (an integral one as int, as Excel writes it)."""
    value = float(amount)
    return int(value) if value.is_integer() else value


def _title(ws, text: str, width: int, row: int = 1) -> None:
    ws.cell(row, 1, text)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)


def _money_format(ws, min_row: int, min_col: int, max_col: int) -> None:
    for row in ws.iter_rows(min_row=min_row, min_col=min_col, max_col=max_col):
        for cell in row:
            cell.number_format = "#,##0.00"


def _function_header(ws, top: int, group: str, leaves: list[str], one_code_cell: bool = False) -> int:
    """项目 (功能分类科目编码 类/款/项 + 名称) beside `group` over `leaves`; returns the first data row."""
    code_cols = 1 if one_code_cell else 3
    name_col = code_cols + 1
    last = name_col + len(leaves)
    ws.cell(top + 2, name_col + len(leaves) + 1)  # the header's last row: rows are appended below it
    ws.cell(top, 1, "项目")
    ws.merge_cells(start_row=top, start_column=1, end_row=top, end_column=name_col)
    ws.cell(top, name_col + 1, group)
    ws.merge_cells(start_row=top, start_column=name_col + 1, end_row=top, end_column=last)
    ws.cell(top + 1, 1, "功能分类科目编码")
    ws.merge_cells(start_row=top + 1, start_column=1, end_row=top + 1 + (1 if one_code_cell else 0),
                   end_column=code_cols)
    ws.cell(top + 1, name_col, "功能分类科目名称")
    ws.merge_cells(start_row=top + 1, start_column=name_col, end_row=top + 2, end_column=name_col)
    for j, leaf in enumerate(leaves):
        ws.cell(top + 1, name_col + 1 + j, leaf)
        ws.merge_cells(start_row=top + 1, start_column=name_col + 1 + j, end_row=top + 2,
                       end_column=name_col + 1 + j)
    if not one_code_cell:
        for j, part in enumerate("类款项"):
            ws.cell(top + 2, 1 + j, part)
    return top + 3


def _published_workbook(path: Path) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    cover = book.active
    cover.title = "封面"
    cover.append([DEPARTMENT])
    cover.append(["2026年部门预算"])
    contents = book.create_sheet("目录")
    contents.append(["目录"])
    for n, name in enumerate(["财务收支预算总表", "收入预算总表", "支出预算总表"], start=1):
        contents.append([f"2026年部门{name}", n])

    # 1: title row, 编制部门 and 单位 in cells of their own, a side-by-side grid, floats in #,##0.00
    ws = book.create_sheet("1")
    _title(ws, "2026年部门财务收支预算总表", 4)
    ws.append([f"编制部门：{DEPARTMENT}", None, None, "单位：元"])
    ws.append(["本年收入", None, "本年支出", None])
    ws.merge_cells("A3:B3")
    ws.merge_cells("C3:D3")
    ws.append(["项目", "预算数", "项目", "预算数"])
    for i, (label, amount) in enumerate(SUMMARY_INCOME):
        right = SUMMARY_SPENDING[i] if i < len(SUMMARY_SPENDING) else (None, None)
        ws.append([label, _f(amount), right[0], _f(right[1]) if right[1] else None])
    ws.append(["收入总计", _f("96282213.44"), "支出总计", _f("96282213.44")])
    _money_format(ws, 5, 2, 4)

    # 2: 预算主管部门 and 单位 in one merged cell; codes and figures as text, 类 on every row
    ws = book.create_sheet("部门收入预算总表")
    _title(ws, "2026年部门收入预算总表", 9)
    ws.append([f"预算主管部门：{DEPARTMENT}          单位：元"])
    ws.merge_cells("A2:I2")
    first = _function_header(ws, 3, "收入预算", ["合计", "财政拨款收入", "事业收入", "事业单位经营收入", "其他收入"])
    for lei, kuan, xiang, name, total, _, _ in _rows(FUNCTION_ROWS):
        ws.append([lei, kuan or None, xiang or None, name, total, total, "0.00", "0.00", "0.00"])
    ws.append([None, None, None, "合计", FUNCTION_TOTAL[0], FUNCTION_TOTAL[0], "0.00", "0.00", "0.00"])
    assert ws.max_row == first + len(_rows(FUNCTION_ROWS))

    # 3: no title row (the sheet's name is the title); 部门名称： and the name in two cells; the code in
    # one cell; General floats
    ws = book.create_sheet("2026年部门支出预算总表")
    ws.append(["部门名称：", DEPARTMENT, None, None, "单位：元"])
    _function_header(ws, 2, "支出预算", ["合计", "基本支出", "项目支出"], one_code_cell=True)
    for lei, kuan, xiang, name, total, basic, project in _rows(FUNCTION_ROWS):
        ws.append([lei + kuan + xiang, name, _f(total), _f(basic), _f(project)])
    ws.append([None, "合计", *map(_f, FUNCTION_TOTAL)])

    # 4: a number label above a title without a year; 金额单位
    ws = book.create_sheet("财政拨款收支总表")
    ws.cell(1, 7, "公开04表")
    _title(ws, "部门财政拨款收支预算总表", 7, row=2)
    ws.append([f"部门名称：{DEPARTMENT}", None, None, None, None, None, "金额单位：元"])
    ws.append(["财政拨款收入", None, "财政拨款支出", None, None, None, None])
    ws.merge_cells("A4:B4")
    ws.merge_cells("C4:G4")
    ws.append(["项目", "预算数", "项目", "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"])
    income = [("一、一般公共预算", "96282213.44"), ("二、政府性基金预算", "0.00"), ("三、国有资本经营预算", "0.00")]
    for i, (label, amount) in enumerate(SUMMARY_SPENDING):
        left = income[i] if i < len(income) else (None, None)
        ws.append([left[0], _f(left[1]) if left[1] else None, label, _f(amount), _f(amount), None, None])
    ws.append(["收入总计", _f("96282213.44"), "支出总计", _f("96282213.44"), _f("96282213.44"), None, None])
    _money_format(ws, 6, 2, 7)

    # 5: codes as numbers formatted 00, 类/款 only where they change; a hidden 备注 column; 栏次 row
    ws = book.create_sheet("5")
    _title(ws, "2026年部门一般公共预算支出功能分类预算表", 7)
    ws.append([f"编制部门：{DEPARTMENT}", None, None, None, None, None, "单位：元"])
    first = _function_header(ws, 3, "一般公共预算支出", ["合计", "基本支出", "项目支出"])
    ws.append([None, None, None, "栏次", 1, 2, 3])
    seen: tuple[str, str] = ("", "")
    for lei, kuan, xiang, name, total, basic, project in _rows(FUNCTION_ROWS):
        shown = (int(lei) if lei != seen[0] else None, int(kuan) if kuan and (lei, kuan) != seen else None)
        ws.append([*shown, int(xiang) if xiang else None, name, _f(total), _f(basic), _f(project),
                   "内部备注"])
        seen = (lei, kuan)
    ws.append([None, None, None, "合计", *map(_f, FUNCTION_TOTAL)])
    for row in ws.iter_rows(min_row=first + 1, min_col=2, max_col=3):
        for cell in row:
            cell.number_format = "00"
    _money_format(ws, first + 1, 5, 7)
    ws.column_dimensions["H"].hidden = True

    # 6, 7: empty tables, one printing 「无」 and a blank 合计 with its note, one only its header
    for sheet_name, fund in (("6", "政府性基金"), ("7", "国有资本经营")):
        ws = book.create_sheet(sheet_name)
        _title(ws, f"2026年部门{fund}预算支出功能分类预算表", 7)
        ws.append([f"编制部门：{DEPARTMENT}", None, None, None, None, None, "单位：元"])
        _function_header(ws, 3, f"{fund}预算支出", ["合计", "基本支出", "项目支出"])
        if fund == "政府性基金":
            ws.append(["无"])
            ws.append([None, None, None, "合计"])
        ws.append([f"注:本部门2026年无{fund}预算财政拨款安排的预算，故本表为空表。"])

    # 8: 经济分类 in 类/款 cells
    ws = book.create_sheet("8")
    _title(ws, "2026年部门一般公共预算基本支出部门预算经济分类预算表", 6)
    ws.append([f"编制部门：{DEPARTMENT}", None, None, None, None, "单位：元"])
    ws.append(["项目", None, None, "一般公共预算基本支出", None, None])
    ws.merge_cells("A3:C3")
    ws.merge_cells("D3:F3")
    ws.append(["部门预算经济分类科目编码", None, "经济分类科目名称", "合计", "人员经费", "公用经费"])
    ws.merge_cells("A4:B4")
    for col in "CDEF":
        ws.merge_cells(f"{col}4:{col}5")
    ws.append(["类", "款"])
    for lei, kuan, name, total, staff, office in _rows(ECONOMIC_ROWS):
        ws.append([lei, kuan or None, name, _f(total), _f(staff), _f(office)])
    ws.append([None, None, "合计", *map(_f, ECONOMIC_TOTAL)])
    _money_format(ws, 6, 4, 6)

    # 9: 三公 in 万元 under a three-level header, one row; 0 as the number 0
    ws = book.create_sheet("9")
    _title(ws, "2026年部门“三公”经费和机关运行经费预算表", 7)
    ws.append([f"编制部门：{DEPARTMENT}", None, None, None, None, None, "单位:万元"])
    ws.append(["“三公”经费预算数", None, None, None, None, None, "机关运行经费预算数"])
    ws.merge_cells("A3:F3")
    ws.merge_cells("G3:G5")
    ws.append(["合计", "因公出国(境)费", "公务接待费", "公务用车购置及运行费", None, None])
    for col in "ABC":
        ws.merge_cells(f"{col}4:{col}5")
    ws.merge_cells("D4:F4")
    ws.append([None, None, None, "小计", "购置费", "运行费"])
    ws.append([10.81, 0, 0.83, 9.98, 0, 9.98, 217.83])
    for cell in ws[6]:
        cell.number_format = "0.00"

    hidden = book.create_sheet("校验")
    hidden.append(["校验", 1.5, 2.5])
    hidden.sheet_state = "hidden"
    book.save(path)
    return path


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    return read_document(_published_workbook(tmp_path_factory.mktemp("xlsx") / "published.xlsx"))


@pytest.fixture(scope="module")
def pdf_doc(read_once):
    return read_once(PDF)


PDF_KINDS = ["收支总表", "收入总表", "支出总表", "财政拨款收支总表", "一般公共预算支出（功能分类）", "政府性基金",
             "国有资本经营", "一般公共预算基本支出（经济分类）", "三公经费"]


def test_one_table_per_sheet_kinded_as_the_pdf_tables(published):
    """Cover, contents (目录) and hidden sheets give no table; a sheet with no title row is titled by
    its name; a title without a year after its number label 「公开04表」 is still the title."""
    assert [t.kind for t in published.tables] == PDF_KINDS
    assert [t.number for t in published.tables] == list(range(1, 10))
    assert published.tables[2].title == "2026年部门支出预算总表"  # the sheet's name
    assert published.tables[3].title == "部门财政拨款收支预算总表"


def test_document_and_tables_are_described_from_the_content(published):
    assert (published.department, published.year, published.kind) == (DEPARTMENT, 2026, "预算")
    assert {t.department for t in published.tables} == {DEPARTMENT}  # 编制部门：/预算主管部门：/部门名称： dropped
    assert [t.unit for t in published.tables] == ["元"] * 8 + ["万元"]


def test_empty_tables_keep_their_header_and_note_and_have_no_rows(published):
    fund, capital = published.tables[5], published.tables[6]
    assert fund.rows == [] and capital.rows == []
    assert fund.columns[:4] == ["项目/功能分类科目编码/类", "项目/功能分类科目编码/款", "项目/功能分类科目编码/项",
                                "项目/功能分类科目名称"]  # 「无」 and the blank 合计 are not header
    assert all("空表" in t.notes[0] for t in (fund, capital))


def test_hidden_columns_are_not_read(published):
    table = published.tables[4]
    assert not any("内部备注" in cell for row in table.rows for cell in row.cells.values())
    assert table.columns[-1] == "一般公共预算支出/项目支出"


def _cell(doc, kind: str, label: str | None, column_leaf: str, code: str | None) -> Decimal | None:
    """The one amount of a cell; a label or code of None is not checked."""
    (value,) = {r.value for r in document_records(doc) if r.table_kind == kind
                and label in (None, r.row.replace(" ", "")) and code in (None, r.code)
                and r.column.split("/")[-1] == column_leaf}
    return value


# cells read by hand from the PDF's pages (pdfplumber extract_text), a few per table
PDF_PAGE_CELLS = [
    ("收支总表", "1.一般公共预算", "预算数", None, "96282213.44"),  # p10
    ("收支总表", "四、住房保障支出", "预算数", None, "4521559.00"),
    ("收入总表", "行政运行", "财政拨款收入", "2040601", "16726725.44"),  # p11
    ("收入总表", "合计", "合计", None, "96282213.44"),
    ("支出总表", "公共安全支出", "项目支出", "204", "70540547.00"),  # p12-13
    ("支出总表", "合计", "基本支出", None, "25741666.44"),
    ("财政拨款收支总表", "支出总计", "一般公共预算", None, "96282213.44"),  # p14
    ("财政拨款收支总表", "二、社会保障和就业支出", "合计", None, "3343704.00"),
    ("一般公共预算支出（功能分类）", "其他行政事业单位养老支出", "合计", "2080599", "6440.00"),  # p15
    ("一般公共预算支出（功能分类）", "购房补贴", "基本支出", "2210203", "2433600.00"),  # p16
    ("一般公共预算基本支出（经济分类）", "工会经费", "公用经费", None, "265974.44"),  # p20 (类/款: no code yet)
    ("一般公共预算基本支出（经济分类）", "合计", "人员经费", None, "23563342.00"),
    ("三公经费", None, "机关运行经费预算数", None, "217.83"),  # p21, one row with no label column
    ("三公经费", None, "公务接待费", None, "0.83"),
]


@pytest.mark.parametrize(("kind", "label", "leaf", "code", "printed"), PDF_PAGE_CELLS)
def test_workbook_cells_are_the_figures_the_pdf_pages_print(published, kind, label, leaf, code, printed):
    assert _cell(published, kind, label, leaf, code) == Decimal(printed)


Figure = tuple[str, str | None, str, Decimal]


def _figures(doc, with_text: bool = False) -> dict[str | None, set[Figure]]:
    """Per table kind: (row label without spaces, code, column leaf, amount) of the money records;
    `with_text` also reads amounts a reader kept as text (a PDF's 「0」 printed without decimals)."""
    out: dict[str | None, set[Figure]] = {}
    for r in document_records(doc):
        value = r.value if r.value is not None or not with_text else parse_amount(r.text)
        if value is not None:
            figure = (r.row.replace(" ", ""), r.code, r.column.split("/")[-1], value)
            out.setdefault(r.table_kind, set()).add(figure)
    return out


@pytest.mark.parametrize("kind", PDF_KINDS)
def test_workbook_records_equal_the_pdf_records(published, pdf_doc, kind):
    assert _figures(published).get(kind, set()) == _figures(pdf_doc, with_text=True).get(kind, set())


def test_the_corpus_checklist_workbook_is_refused_with_its_reason():
    """The corpus' .xlsx beside the PDF is the district's 公开情况检查表 (是/否 per item, screenshots):
    no table of figures, so no document, rather than one table of 0 records."""
    with pytest.raises(NoTables, match=r"no budget tables recognised in 1 sheet.*10 picture"):
        read_xlsx(CHECKLIST)


@pytest.mark.parametrize(("value", "number_format", "printed"), [
    (1234.5, "#,##0.00", "1,234.50"),
    (70540547, "General", "70540547.00"),  # an integral amount: two places, as the PDF prints it
    (0.1 + 0.2, "General", "0.30"),  # float noise dropped
    (1.234567, "General", "1.234567"),  # 万元 with six places keeps them
    (1234.567, "#,##0", "1,234.567"),  # a format that hides decimals does not drop real ones
    (-12.5, "#,##0.00;[Red]-#,##0.00", "-12.50"),
    (0.0512, "0.00%", "5.12%"),
])
def test_amounts_are_printed_from_their_decimal(value, number_format, printed):
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    assert amount_text(number, number_format) == printed


@pytest.mark.parametrize(("text", "title"), [
    ("2026年部门收支总表", "2026年部门收支总表"),
    ("公开04表 部门财政拨款收支预算总表", "部门财政拨款收支预算总表"),
    ("表1：收支总表", "收支总表"),
    ("部门收支预算总表（单位：万元）", "部门收支预算总表"),
    ("一般公共预算“三公”经费支出情况", None),  # not a title unless it is a sheet's banner
    ("公开01表", None),
    ("（2026年度）", None),
    ("注：本表为空表。", None),
])
def test_title_rows(text, title):
    assert table_title(text) == title


@pytest.mark.parametrize("line", [
    "部门名称：深圳市统计局（本级） 单位：万元",
    "编制部门：上海市普陀区司法局",
    "公开04表 部门财政拨款收支预算总表",
    "一般公共预算支出表（按经济分类）",
    "Z01表 收支总表",
    "01表",
    "一、收支预算总体情况说明",
    "本单位2026年没有使用政府性基金预算拨款安排的支出。",
    "（二〇二六年）",
])
def test_cells_read_as_the_pdf_reader_reads_lines(line):
    """One vocabulary: a workbook cell says what the same line on a PDF page says (title, department,
    empty-table note, year line), from the same data files."""
    from ingest.document.metadata import department_from_line
    from ingest.tables import titles
    from ingest.xlsx import sheet_tables

    assert table_title(line) == titles.table_title(line)
    assert department_of_cell(line) == department_from_line(line)
    assert sheet_tables.says_empty(line) == titles.is_empty_note(line)
    assert sheet_tables.is_year_line(line) == titles.is_year_line(line)


def test_a_banner_may_name_a_table_without_ending_in_biao():
    assert table_title("一般公共预算“三公”经费支出情况", banner=True) == "一般公共预算“三公”经费支出情况"


@pytest.mark.parametrize(("text", "next_text", "department"), [
    ("预算主管部门：上海市普陀区商务委员会", "", "上海市普陀区商务委员会"),
    ("编制部门：上海市普陀区司法局 单位：元", "", "上海市普陀区司法局"),
    ("部门名称: 上海市普陀区司法局", "", "上海市普陀区司法局"),
    ("编制单位：长沙市信访局", "", "长沙市信访局"),
    ("部门名称：", "烟台市审计局", "烟台市审计局"),
    ("部门：", "烟台市审计局", "烟台市审计局"),
    ("部门名称：深圳市统计局（本级） 单位：万元", "", "深圳市统计局"),  # a scope mark is not part of the name
    ("单位：元", "", None),
])
def test_department_cells(text, next_text, department):
    assert department_of_cell(text, next_text) == department


def test_tables_one_under_another_with_number_labels_and_hidden_rows(tmp_path):
    """「公开02表」 under the first table's note starts the next table; a hidden row is not printed."""
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Sheet1"
    ws.append(["公开01表", None, "2026年部门收入总表"])
    ws.append(["单位名称：烟台市审计局", None, "金额单位：万元"])
    ws.append(["项目", "预算数"])
    ws.append(["一般公共预算拨款收入", 1234.567891])
    ws.append(["内部校验", 1])
    ws.append(["收入总计", "1,234.567891"])
    ws.row_dimensions[5].hidden = True
    ws.append(["注：本表反映部门全部收支。"])
    ws.append(["公开02表"])
    ws.append(["2026年部门支出总表"])
    ws.append(["单位：万元"])
    ws.append(["科目编码", "科目名称", "合计"])
    ws.append([201, "一般公共服务支出", 100])
    ws.append([20101, "人大事务", 100])
    book.save(tmp_path / "two.xlsx")
    doc = read_xlsx(tmp_path / "two.xlsx")
    first, second = doc.tables
    assert (first.title, second.title) == ("2026年部门收入总表", "2026年部门支出总表")
    assert [(r.label, r.cells["预算数"]) for r in first.rows] == [
        ("一般公共预算拨款收入", "1234.567891"), ("收入总计", "1,234.567891")]
    assert first.notes == ["注：本表反映部门全部收支。"] and first.unit == second.unit == "万元"
    assert [(r.label, r.code, r.cells["合计"]) for r in second.rows] == [
        ("一般公共服务支出", "201", "100.00"), ("人大事务", "20101", "100.00")]
    assert doc.department == "烟台市审计局"
