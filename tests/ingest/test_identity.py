"""Issue 21: every table of a disclosure read or reported, and its department, year, kind and level read
from the document (cover, table headings, running head, narrative), over real breadth disclosures
(tests/data/breadth/ and its identity/ folder; what each is was read by hand from its pages)."""
from __future__ import annotations

from pathlib import Path

import pytest

from ingest.document.identity import department_from_narrative, reading_notes, year_of_narrative
from ingest.document.metadata import (
    department_from_cover,
    department_from_line,
    document_title,
    read_kind,
    title_of_kind,
)
from ingest.document.reader import read_document
from ingest.pdf.page_tables import drop_frames, drop_heading_cells
from ingest.pipeline import ingest_paths
from ingest.store.listing import list_documents, summary_line
from ingest.store.storage import StorePaths
from ingest.store.store import Store

BREADTH = Path(__file__).resolve().parents[1] / "data" / "breadth"
IDENTITY = BREADTH / "identity"
SAMPLE_TXT = Path(__file__).resolve().parents[2] / "ingest" / "samples" / "changsha-gxj-2024.txt"
JIANGSU_TABLES = IDENTITY / "江苏省级_省委办公厅_2017_部门预算_公开表.pdf"
REAL = BREADTH.parent / "real"

# file → (department, year, kind, level), read from each document's own pages
IDENTITIES = {
    "广州_广州市国资委_2026_部门预算.pdf": ("广州市人民政府国有资产监督管理委员会", 2026, "预算", "部门"),
    "深圳_深圳市信访局_2026_部门预算.pdf": ("深圳市信访局", 2026, "预算", "部门"),
    "深圳_深圳市建筑工务署_2026_部门预算.pdf": ("深圳市建筑工务署", 2026, "预算", "部门"),
    # cover 「2026年深圳市统计局（本级）部门预算」: the department's own organ, the mark not in the name
    "深圳_深圳市统计局_2026_部门预算.pdf": ("深圳市统计局", 2026, "预算", "单位"),
    "identity/深圳_深圳市气象局本级_2026_部门预算.pdf": ("深圳市气象局", 2026, "预算", "单位"),
    # tables only, a frame round each page, 「部门：中国共产党江苏省委员会办公厅 单位：万元」 under each title;
    # the year printed only by 「2017年政府采购预算表」
    "identity/江苏省级_省委办公厅_2017_部门预算_公开表.pdf": ("中国共产党江苏省委员会办公厅", 2017, "预算", "部门"),
    "identity/江苏省级_省政协办公厅_2017_部门预算_公开表.pdf": ("江苏省政协办公厅", 2017, "预算", "部门"),
    # no cover text: the narrative names the department (「江苏省政协办公厅 2019 年度收入、支出预算总计…」)
    "identity/江苏省级_省政协办公厅_2019_部门预算_说明.pdf": ("江苏省政协办公厅", 2019, "预算", "部门"),
    # cover 「北京市医疗保障局部门 2026 年度部门预算」
    "identity/北京_北京市医疗保障局_2026_部门预算_情况说明.pdf": ("北京市医疗保障局", 2026, "预算", "部门"),
    "identity/上海_上海市刑事科学技术研究院_2026_单位预算.pdf": ("上海市刑事科学技术研究院", 2026, "预算", "单位"),
    # the 项目支出绩效目标表 pages of a real disclosure on their own: 「2026年项目支出绩效目标表」「部门名称：长沙市信访局」
    "identity/长沙_长沙市信访局_2026_项目支出绩效目标表.pdf": ("长沙市信访局", 2026, "绩效目标", "部门"),
}


@pytest.fixture(scope="module")
def documents(read_once):
    return {name: read_once(BREADTH / name) for name in IDENTITIES}


@pytest.mark.parametrize("name", IDENTITIES)
def test_identity_is_read_from_the_document(documents, name):
    doc = documents[name]
    assert (doc.department, doc.year, doc.kind, doc.level) == IDENTITIES[name]


def test_a_standalone_performance_table_is_titled_as_what_it_is(documents):
    doc = documents["identity/长沙_长沙市信访局_2026_项目支出绩效目标表.pdf"]
    assert doc.title == "长沙市信访局2026年绩效目标表"
    assert [t.kind for t in doc.tables] == ["绩效目标"]


def test_every_table_of_a_framed_landscape_tables_file_is_read(documents):
    doc = documents["identity/江苏省级_省委办公厅_2017_部门预算_公开表.pdf"]
    assert [t.title for t in doc.tables] == [
        "收支预算总表", "收入预算总表", "支出预算总表", "财政拨款收支预算总表", "财政拨款支出预算表",
        "财政拨款基本支出预算表", "财政拨款政府性基金支出预算表", "一般公共预算支出预算表", "一般公共预算基本支出预算表",
        "一般公共预算机关运行经费支出预算表", "“三公”经费、会议费、培训费支出预算表", "2017年政府采购预算表"]
    assert {t.unit for t in doc.tables} == {"万元"} and doc.unread_pages == []
    income = doc.tables[1]  # drawn inside a frame that also holds its title: the frame is no cell
    assert income.rows[0].label == "收入总计" and "20,849.45" in income.rows[0].cells.values()


def test_a_performance_grid_under_the_narrative_is_read(documents):
    # p.11 prints the projects' 绩效目标 in a ruled grid with 预算数（万元） under the narrative, no title
    doc = documents["深圳_深圳市统计局_2026_部门预算.pdf"]
    assert doc.unread_pages == [] and any(t.kind == "绩效目标" and 11 in t.pages for t in doc.tables)


@pytest.fixture(scope="module")
def orphan_page(tmp_path_factory) -> Path:
    """A narrative page, then the second page of a table whose first page (its title) is not in the file:
    a ruled grid of figures that no table can take (page 2)."""
    import pypdfium2 as pdfium

    source, out = pdfium.PdfDocument(str(REAL / "广东广州_广州市统计局_2026_部门预算.pdf")), pdfium.PdfDocument.new()
    out.import_pages(source, [23, 21])  # pp.24 and 22
    path = tmp_path_factory.mktemp("orphan") / "orphan.pdf"
    out.save(str(path))
    return path


def test_a_grid_of_figures_read_into_no_table_is_reported_by_page(orphan_page):
    assert read_document(orphan_page).unread_pages == [2]


def test_unread_pages_are_said_in_the_ingest_line_and_counted_by_list(orphan_page, tmp_path):
    summary = ingest_paths([orphan_page], tmp_path)
    result = summary.results[0]
    assert result.status == "ingested" and "第2页的表格未能读取" in result.notes
    assert result.line().endswith("第2页的表格未能读取）")
    entries = list_documents(Store(StorePaths.at(tmp_path).sqlite))
    assert entries[0].unread_pages == [2] and entries[0].render_text().endswith("第2页的表格未能读取")
    assert summary_line(entries).endswith("1份有1页表格未能读取")


def test_a_document_naming_no_department_is_stored_blank_and_says_so(tmp_path):
    text = SAMPLE_TXT.read_text(encoding="utf-8").replace("长沙市工业和信息化局", "")
    source = tmp_path / "nameless.txt"
    source.write_text(text, encoding="utf-8")
    result = ingest_paths([source], tmp_path / "store").results[0]
    assert result.notes == ["部门未能读出"] and "（部门未能读出）" in result.line()
    entry = list_documents(Store(StorePaths.at(tmp_path / "store").sqlite))[0]
    assert entry.department == "" and entry.year == 2024
    line = entry.render_text()
    assert "部门不明" not in line and line.endswith("部门未能读出")


@pytest.mark.parametrize("department, year, pages, notes", [
    ("某局", 2026, [], []),
    ("", None, [], ["部门未能读出", "年份未能读出"]),
    ("某局", 2026, [3, 5], ["第3、5页的表格未能读取"]),
])
def test_reading_notes_name_what_was_not_read(department, year, pages, notes):
    assert reading_notes(department, year, pages) == notes


@pytest.mark.parametrize("lines, kind", [
    (["长沙市信访局", "2026年部门预算"], "预算"),
    (["上海市普陀区财政局", "2024年度", "部门决算"], "决算"),
    (["2026 年深圳市统计局（本级）部门预", "算"], "预算"),           # a title wrapped mid-word
    (["2024年项目支出绩效目标表", "部门名称：长沙市信访局"], "绩效目标"),
    (["2023年度项目支出绩效自评表"], "绩效自评"),
    (["长沙市信访局2022年度部门整体支出绩效自评报告"], "绩效自评"),
    (["2020年度部门预算项目支出绩效评价报告"], "绩效评价"),        # the word printed last names it
    (["2026年部门预算", "九、项目支出绩效目标表"], "预算"),         # a contents entry is not the title
    (["部门预（决）算公开"], "预算"),
    (["收支预算总表"], "预算"),
    ([], "预算"),
])
def test_kind_is_the_last_kind_word_of_the_title(lines, kind):
    assert read_kind(title_of_kind(lines)) == kind


@pytest.mark.parametrize("kind, level, title", [
    ("预算", "部门", "长沙市信访局2026年部门预算"),
    ("决算", "单位", "长沙市信访局2026年单位决算"),
    ("绩效自评", "部门", "长沙市信访局2026年绩效自评"),
    ("绩效评价", "部门", "长沙市信访局2026年绩效评价报告"),
])
def test_document_title_names_the_kind(kind, level, title):
    assert document_title("长沙市信访局", 2026, kind, level) == title


@pytest.mark.parametrize("line, department", [
    ("部门：中国共产党江苏省委员会办公厅 单位：万元", "中国共产党江苏省委员会办公厅"),
    ("部门名称：西安市卫生健康委员会（汇总）金额", "西安市卫生健康委员会"),
    ("单位名称：西安市审计局（汇总）", "西安市审计局"),
    ("预算主管部门：上海市普陀区商务委员会", "上海市普陀区商务委员会"),
])
def test_header_prefixes_and_column_words_are_no_part_of_a_name(line, department):
    assert department_from_line(line) == department


@pytest.mark.parametrize("cover, department", [
    (["收支预算总表部门：中共江苏省委办公厅单位：万元"], "中共江苏省委办公厅"),  # title and 部门 line run together
    (["北京市医疗保障局部门 2026 年度部门预算", "信息公开"], "北京市医疗保障局"),
    (["2026 年深圳市卫生健康委员会（本级）", "部门预算"], "深圳市卫生健康委员会"),
])
def test_the_cover_names_the_department_without_prefixes_or_marks(cover, department):
    assert department_from_cover(cover) == department


def test_the_narrative_names_the_department_and_year_when_no_cover_does():
    lines = ["第二部分 2019 年度部门预算表", "江苏省政协办公厅 2019 年度收入、支出预算总计 13,377.11",
             "江苏省政协办公厅2019年政府性基金支出预算支出0万元，", "《江苏省财政厅关于 2019 年省级部门预算的批复》"]
    assert department_from_narrative(lines) == "江苏省政协办公厅"
    assert department_from_narrative(lines[:2]) == ""  # named once: not enough to take it
    assert year_of_narrative(lines) == 2019


def test_a_frame_round_a_table_is_no_cell():
    frame, a, b = (0, 0, 100, 100), (10, 40, 50, 60), (50, 40, 90, 60)
    boxes, texts = drop_frames([frame, a, b], ["表\n部门：某局\n项目 金额", "收入总计", "1.00"])
    assert boxes == [a, b] and texts == ["收入总计", "1.00"]


def test_a_top_cell_printing_the_heading_lines_is_read_above_the_grid():
    heading, blank, a, b = (0, 10, 100, 30), (0, 0, 100, 10), (0, 30, 50, 50), (50, 30, 100, 50)
    texts = ["收支预算总表\n部门：某局 单位：万元", "", "收入总计", "1.00"]
    assert drop_heading_cells([heading, blank, a, b], texts) == ([a, b], ["收入总计", "1.00"])
    one_line = ["收入\n支出", "", "收入总计", "1.00"]  # two lines, neither a heading: a header cell
    assert drop_heading_cells([heading, blank, a, b], one_line)[0] == [heading, blank, a, b]
