"""Every money cell of a ruled grid ends up in a table (issue 21, cell recall): one test per quirk of real
pages that lost cells, each over the real pages that showed it (cut out of their file where it is long)."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from ingest.document.model import Table, TableRow
from ingest.document.reader import read_document
from ingest.pdf.grid import rows_to_grid
from ingest.tables.performance import performance_records
from ingest.tables.records import document_records
from ingest.tables.tables import PageTable, stitch_continued_tables

DATA = Path(__file__).resolve().parents[1] / "data"
REAL = DATA / "real"
BREADTH = DATA / "breadth"


def pages_of(src: Path, first: int, last: int, dest: Path) -> Path:
    """Pages first..last (1-based) of a real PDF saved on their own, to read a few pages of a long file."""
    import pypdfium2 as pdfium

    source, out = pdfium.PdfDocument(str(src)), pdfium.PdfDocument.new()
    out.import_pages(source, list(range(first - 1, last)))
    out.save(str(dest))
    return dest


def money(path: Path) -> list[tuple[str, int, str, str, Decimal]]:
    """(kind, page, row, column, value) of every money record of a document."""
    return [(r.table_kind or "", r.page, r.row, r.column, r.value)
            for r in document_records(read_document(path)) if r.value is not None]


# -- 绩效目标表 ---------------------------------------------------------------------------------------
def test_project_total_column_names_each_projects_amount():
    """「项目总额 | 其中：财政资金」 is the amount column of a project table, as 资金总额 is: every project's
    amount is read, not only those whose name says 经费."""
    table = Table(title="项目支出绩效目标表", number=1, pages=[1], unit="万元",
                  columns=["项目名称", "项目总额", "其中：/财政资金", "其中：/其他资金", "绩效目标", "一级指标"])
    row = TableRow(label="档案数字化、OFD转换及整理", code=None, page=1,
                   cells={"项目总额": "40.000000", "其中：/财政资金": "40.000000", "其中：/其他资金": "",
                          "绩效目标": "主要开展……", "一级指标": "效益指标"})
    table.rows = [row]
    got = [(r.column, r.value) for r in performance_records(table)]
    assert got == [("项目总额", Decimal("40.000000")), ("其中：/财政资金", Decimal("40.000000"))]


def test_beijing_project_table_reads_projects_whose_name_says_no_money(tmp_path):
    path = pages_of(REAL / "北京_北京市审计局_2026_部门预算_附件2报表.pdf", 12, 13, tmp_path / "p12-13.pdf")
    got = [(page, row, column, value) for kind, page, row, column, value in money(path) if kind == "绩效目标"]
    assert (2, "11000024T000002872219-档案数字化、OFD转换及整理", "项目总额", Decimal("40.000000")) in got


def test_carried_over_funds_line_of_a_block_form_table_is_money(tmp_path):
    """国家信访局's 「项目资金（万元） | 上年结转 | 750.00」: 上年结转 is money though the row's own label says
    neither 资金 nor 金额."""
    path = pages_of(REAL / "中央_国家信访局_2026_部门预算.pdf", 30, 30, tmp_path / "p30.pdf")
    assert ("上年结转", Decimal("750.00")) in [(row, value) for _, _, row, _, value in money(path)]


# -- a 绩效目标 grid printed inside the narrative ---------------------------------------------------
def test_untitled_performance_grid_in_the_narrative_is_a_performance_table(tmp_path):
    """广州市统计局 p.25: 「项目 | 预算数（单位：万元） | 绩效目标」 under a sentence, no title: a 绩效目标表
    (「第25页的表格未能读取」 before), its header kept though a head prints the unit."""
    path = pages_of(REAL / "广东广州_广州市统计局_2026_部门预算.pdf", 25, 25, tmp_path / "p25.pdf")
    doc = read_document(path)
    assert doc.unread_pages == []
    [table] = doc.tables
    assert (table.kind, table.unit, table.columns) == ("绩效目标", "万元", ["项目", "预算数（单位：万元）", "绩效目标"])
    got = {(r.row, r.value) for r in document_records(doc) if r.value is not None}
    assert got == {("广州市第四次全国农业普查经费", Decimal("534.72")), ("统计专项经费", Decimal("195.19")),
                   ("其他运行经费", Decimal("7"))}


def test_narrative_performance_grid_continues_over_the_page_break(read_once):
    """深圳市信访局 pp.10–11: the grid runs on to the next page without its header; all six projects."""
    doc = read_once(BREADTH / "深圳_深圳市信访局_2026_部门预算.pdf")
    assert doc.unread_pages == []
    [table] = [t for t in doc.tables if t.kind == "绩效目标"]
    assert table.pages == [10, 11]
    records = [r for r in document_records(doc) if r.table == table.title and r.value is not None]
    assert [(r.row, r.value) for r in records][-2:] == [("政务信息化项目（系统业务运营服务）", Decimal("0.44")),
                                                        ("综合管理", Decimal("17.91"))]
    assert len(records) == 6 and sum(r.value for r in records) == Decimal("1612.30")  # 6 个项目, 1,612.29 万元 ±0.01


def _piece(rows: list[list[str]], page: int, title: str | None = None) -> PageTable:
    return PageTable(grid=rows_to_grid(rows, page), page=page, title=title)


def test_a_performance_tables_own_header_repeated_on_its_next_page_is_no_new_table():
    """The untitled-grid rule never splits a titled 绩效目标表 whose next page repeats its header."""
    header = ["单位编码", "单位（项目）名称", "资金总额", "绩效目标"]
    pieces = [_piece([header, ["126001", "基层经费专项", "35.78", "……"]], 1, "2026年项目支出绩效目标表"),
              _piece([header, ["126001", "运行专项", "10.22", "……"]], 2)]
    [table] = stitch_continued_tables(pieces)
    assert table.pages == [1, 2]


# -- grids holding more than one table, and titles over lines ---------------------------------------
def test_title_row_inside_a_grid_starts_the_next_table():
    """江苏省人大办公厅 2017: the grid that ends the 收支预算总表 runs on through 「收入预算总表」 and its
    部门/单位 row: the 收入预算总表 is a table of its own."""
    doc = read_document(BREADTH / "pages" / "江苏省级_省人大办公厅_2017_部门预算_p7-9.pdf")
    assert [(t.kind, t.pages) for t in doc.tables] == [("收支总表", [1, 2, 3]), ("收入总表", [3])]
    income = [r for r in document_records(doc) if r.table_kind == "收入总表" and r.value is not None]
    assert [(r.row, r.value) for r in income][0] == ("收入总计", Decimal("13649.07"))
    assert len(income) == 3


def test_title_wrapped_onto_a_short_line_is_read_whole():
    """江苏省人民检察院 2017 p.16: 「十一、一般公共预算“三公”经费、会议费、培训费支出预」 / 「算表」 above the
    三公 table, which else ran on as rows of the 机关运行经费 table above it."""
    doc = read_document(BREADTH / "pages" / "江苏省级_省人民检察院_2017_部门预算_p15-16.pdf")
    assert [t.kind for t in doc.tables] == ["机关运行经费", "三公经费", "政府采购"]
    sangong = {r.column: r.value for r in document_records(doc) if r.table_kind == "三公经费"}
    assert sangong["合计"] == Decimal("1452.35") and sangong["培训费"] == Decimal("700.00")


@pytest.mark.parametrize("lines, title", [
    (["十一、一般公共预算 三公 经费、会议费、培训费支出预", "“ ”", "算表"], "十一、一般公共预算三公经费、会议费、培训费支出预算表"),
    (["本部门2026年预算情况如下，", "详见附表"], None),  # a sentence, not a title
])
def test_wrapped_title_lines(lines, title):
    from ingest.pdf.page_tables import _read_wrapped_title

    piece = _piece([["a"]], 1)
    read = _read_wrapped_title(piece, lines[0], lines[1:])
    assert (piece.title if read else None) == title
