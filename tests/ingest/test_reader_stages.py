"""The stages of reading a real disclosure, each on its own: lines by vertical overlap, titles and
number labels, metadata from the document itself, codes printed with names, side-by-side panels."""
from __future__ import annotations

from pathlib import Path

import pytest

from ingest.document.metadata import (
    department_from_cover,
    department_from_line,
    read_cover_year,
    read_level,
    unit_from_line,
)
from ingest.pdf.grid import rows_to_grid
from ingest.tables.codes import split_label_code
from ingest.tables.kinds import table_kind
from ingest.tables.tables import column_roles, grid_to_header_paths, grid_to_rows, split_header
from ingest.tables.titles import is_number_label, split_number_label, table_title

REAL = Path(__file__).resolve().parents[1] / "data" / "real"


def test_digits_on_a_lower_baseline_stay_on_their_sentence_line():
    """普陀区财政局 决算 p21: Times digits sit below the FangSong text; read by overlap they join it."""
    import pdfplumber

    from ingest.pdf.pdf_lines import chars_to_lines

    with pdfplumber.open(REAL / "上海普陀_上海市普陀区财政局_2024_部门决算.pdf") as pdf:
        page = pdf.pages[20]
        plain = page.extract_text()
        lines = [ln.text for ln in chars_to_lines(page.chars, 21)]
    assert "2995.39万元" not in plain.replace(" ", "")  # the default tolerance splits it off
    assert any("年度收入支出总计2995.39万元。与2023年度相比" in ln for ln in lines)
    assert any("支出总计减少56.95万元，下降1.87%" in ln for ln in lines)


@pytest.mark.parametrize("line,label,title", [
    ("公开01表 收支总表", "公开01表", "收支总表"),
    ("预算03表 支出总表", "预算03表", "支出总表"),
    ("预算表12 项目支出绩效目标表", "预算表12", "项目支出绩效目标表"),
    ("表1：2026年市级部门收支预算总表", "表1", "2026年市级部门收支预算总表"),
    ("部门公开表1", "部门公开表1", None),
    ("公开 02表", "公开02表", None),
    ("收入支出决算总表", None, "收入支出决算总表"),
    ("一般公共预算支出情况表（按功能分类科目）", None, "一般公共预算支出情况表（按功能分类科目）"),
    ("2026年一般公共预算“三公”经费支出情况表（续）", None, "2026年一般公共预算“三公”经费支出情况表（续）"),
    ("第二部分 2026年部门预算表", None, None),  # a part heading
    ("- 10、部门整体支出绩效目标表", None, None),  # a contents line
    ("具体情况详见下表", None, None),
    ("报表目录", None, None),
])
def test_titles_with_or_without_year_and_number(line, label, title):
    assert split_number_label(line)[0] == label
    assert table_title(line) == title
    assert is_number_label(line) == (label is not None and title is None)


@pytest.mark.parametrize("title,kind", [
    ("收入支出决算总表", "收支总表"),
    ("2026年预算单位财务收支预算总表", "收支总表"),
    ("财政拨款收入支出决算总表", "财政拨款收支总表"),
    ("部门综合预算一般公共预算基本支出明细表（按支出功能分类科目）", "一般公共预算基本支出（功能分类）"),
    ("一般公共预算财政拨款基本支出决算表", "一般公共预算基本支出（经济分类）"),
    ("“三公”经费、会议费、培训费支出预算表", "三公经费"),
    ("财政拨款安排的行政经费及“三公”经费预算表", "三公经费"),
    ("政府性基金预算财政拨款收入支出决算表", "政府性基金"),
    ("2026年部门整体绩效目标表", "整体绩效"),
    ("政策和项目预算绩效目标表", "绩效目标"),
    ("部门综合预算政府采购（资产配置、购买服务）预算表", "政府采购"),
    ("会议费明细表", None),
])
def test_table_kinds_from_titles(title, kind):
    assert table_kind(title) == kind


@pytest.mark.parametrize("line,department", [
    ("预算主管部门：上海市普陀区商务委员会", "上海市普陀区商务委员会"),
    ("预算单位：上海市审计局", "上海市审计局"),
    ("部门（单位）：烟台市审计局 单位：万元", "烟台市审计局"),
    ("单位名称：广州市统计局 单位：万元", "广州市统计局"),
    ("编制部门：341-上海市普陀区司法局", "上海市普陀区司法局"),
    ("部门名称：杭州市气象局 单位：万元", "杭州市气象局"),
    ("上海市普陀区商务委员会", None),
])
def test_department_prefixes_and_codes_are_dropped(line, department):
    assert department_from_line(line) == department


@pytest.mark.parametrize("cover,department,year", [
    (["国家信访局 年度部门预算", "2026", "二〇二六年三月"], "国家信访局", 2026),
    (["2026年烟台市审计局部门预算"], "烟台市审计局", 2026),
    (["中共上海市普陀区委", "社会工作部 2024 年度", "部门决算"], "中共上海市普陀区委社会工作部", 2024),
    (["西安市审计局（汇总）", "2026年部门预算公开说明"], "西安市审计局", 2026),  # a scope mark, not the name
    (["2026 年度", "福州市医疗保障局", "部门预算"], "福州市医疗保障局", 2026),
    (["某某局 年度部门预算", "二〇二六年三月"], "某某局", 2026),
])
def test_department_and_year_from_the_cover(cover, department, year):
    assert department_from_cover(cover) == department
    assert read_cover_year(cover) == year


def test_level_is_unit_for_a_units_own_budget():
    assert read_level(["上海市2026年市级单位预算", "预算单位：上海市审计局"], "预算单位") == "单位"
    assert read_level(["上海市普陀区2026年区级部门预算"], "预算主管部门") == "部门"


@pytest.mark.parametrize("line,unit", [("单位：元", "元"), ("金额单位：万元", "万元"), ("单位:万元", "万元"),
                                       ("单位名称：广州市统计局", None)])
def test_units(line, unit):
    assert unit_from_line(line) == unit


@pytest.mark.parametrize("label,code,name", [
    ("[2010507]专项普查活动", "2010507", "专项普查活动"),
    ("2010801-行政运行", "2010801", "行政运行"),
    ("201 13 01 行政运行", "2011301", "行政运行"),
    ("2080505机关事业单位基本养老保险缴费支出", "2080505", "机关事业单位基本养老保险缴费支出"),
    ("行政运行2010801", "2010801", "行政运行"),
    ("一、本级财政拨款收入", None, "一、本级财政拨款收入"),
    ("1.基本支出", None, "1.基本支出"),
])
def test_codes_printed_with_the_name(label, code, name):
    assert split_label_code(label) == (code, name)


def _rows(grid_rows):
    grid = rows_to_grid(grid_rows)
    n_header, start = split_header(grid)
    roles = column_roles(grid_to_header_paths(grid, n_header))
    return grid_to_rows(grid, start, roles, {})


def test_economic_table_in_two_panels_gets_each_panels_own_codes():
    rows = _rows([["类", "款", "科目名称", "决算数", "类", "款", "科目名称", "决算数"],
                  ["301", "", "工资福利支出", "2,082.85", "302", "", "商品和服务支出", "171.07"],
                  ["", "01", "基本工资", "262.33", "", "01", "办公费", "21.21"]])
    got = {(r.label, r.code): r.cells for r in rows}
    assert got[("工资福利支出", "301")] == {"决算数": "2,082.85"}
    assert got[("商品和服务支出", "302")] == {"决算数": "171.07"}
    assert got[("基本工资", "30101")] == {"决算数": "262.33"}
    assert got[("办公费", "30201")] == {"决算数": "21.21"}


def test_a_one_row_table_with_no_label_column_is_the_total_line():
    rows = _rows([["合计", "因公出国（境）费", "公务接待费", "机关运行经费"], ["10.81", "", "10.81", "171.01"]])
    assert [(r.label, r.cells["公务接待费"], r.cells["机关运行经费"]) for r in rows] == [("合计", "10.81", "171.01")]


def test_integer_yuan_amounts_end_the_header():
    rows = _rows([["项目", "预算数"], ["收入总计", "195,774,300"], ["一、财政拨款收入", "195774300"]])
    assert [(r.label, r.cells["预算数"]) for r in rows] == [("收入总计", "195,774,300"),
                                                           ("一、财政拨款收入", "195774300")]


def test_row_number_columns_are_not_values():
    rows = _rows([["项目", "行次", "决算数"], ["一、一般公共预算财政拨款收入", "1", "2,940.05"]])
    assert rows[0].cells == {"决算数": "2,940.05"}


def _pdf(path: Path, draw, rotation: int = 0) -> Path:
    """A one-page PDF drawn with reportlab in a CJK font pdfplumber reads back."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=(595, 842))
    c.setFont("STSong-Light", 12)
    if rotation:
        c.setPageRotation(rotation)
    draw(c)
    c.showPage()
    c.save()
    return path


def _three_public_table(c, top: float = 760) -> None:
    c.drawString(150, top, "2026年一般公共预算“三公”经费支出情况表")
    c.drawString(450, top - 25, "单位：万元")
    xs, ys = [60, 200, 340, 480], [top - 30, top - 55, top - 80]
    for x in xs:
        c.line(x, ys[0], x, ys[-1])
    for y in ys:
        c.line(xs[0], y, xs[-1], y)
    for x, text in zip(xs, ["项目", "合计", "公务接待费"]):
        c.drawString(x + 5, top - 48, text)
    for x, text in zip(xs, ["合计", "12.50", "2.95"]):
        c.drawString(x + 5, top - 73, text)


def _landscape_three_public_table(c) -> None:
    """Drawn turned a quarter, as a landscape page stored portrait with /Rotate 90 is."""
    c.translate(595, 0)
    c.rotate(90)
    _three_public_table(c, top=520)


@pytest.mark.parametrize("rotation", [0, 90])
def test_a_table_on_a_rotated_page_is_read_upright(tmp_path, rotation):
    """pdfplumber turns a /Rotate page upright; the title stays above its grid."""
    from ingest.pdf.pdf_reader import read_pdf
    from ingest.tables.kinds import assign_kinds

    draw = _landscape_three_public_table if rotation else _three_public_table
    doc = read_pdf(_pdf(tmp_path / "t.pdf", draw, rotation))
    assign_kinds(doc.tables)
    [table] = doc.tables
    assert (table.kind, table.unit) == ("三公经费", "万元")
    assert [(r.label, r.cells) for r in table.rows] == [("合计", {"合计": "12.50", "公务接待费": "2.95"})]


def test_a_notice_is_refused_as_not_a_disclosure(tmp_path):
    from ingest.errors import NoTables
    from ingest.pdf.pdf_reader import read_pdf

    def notice(c) -> None:
        c.drawString(100, 760, "关于召开全市审计工作会议的通知")
        c.drawString(100, 730, "各区审计局：定于下周一上午九时在市局三楼会议室召开工作会议，请准时参加。")

    with pytest.raises(NoTables, match="not a budget disclosure"):
        read_pdf(_pdf(tmp_path / "notice.pdf", notice))


def test_a_narrative_only_disclosure_is_a_document(tmp_path):
    from ingest.pdf.pdf_reader import read_pdf

    def explanation(c) -> None:
        lines = ["某某市审计局2026年部门预算情况说明", "一、部门预算收支情况",
                 "2026年收入预算1,234.56万元，支出预算1,234.56万元。", "二、“三公”经费预算情况",
                 "2026年“三公”经费预算12.50万元，比上年减少1.00万元。"]
        for i, text in enumerate(lines):
            c.drawString(60, 780 - 28 * i, text)

    doc = read_pdf(_pdf(tmp_path / "explanation.pdf", explanation))
    assert (doc.department, doc.year, doc.kind, doc.tables) == ("某某市审计局", 2026, "预算", [])
    assert any("12.50万元" in chunk.text for chunk in doc.chunks)


def test_a_lone_ruled_line_of_words_is_narrative_but_a_lone_row_of_amounts_is_a_table():
    from ingest.pdf.grid import Grid, GridCell
    from ingest.pdf.page_tables import is_boxed_paragraph

    def one_row(*texts: str) -> Grid:
        return Grid([[GridCell(t, (0, i)) for i, t in enumerate(texts)]], 9)

    assert is_boxed_paragraph(one_row("年本", "单位", "政府采购预算总额"))      # words of a sentence underlined
    assert is_boxed_paragraph(one_row("1935.", "36"))
    assert is_boxed_paragraph(one_row("800", "人，", "主要为信访相关业务培训"))
    assert not is_boxed_paragraph(one_row("合计", "156,211,123", "156,211,123", "0", "0", "0"))   # a continuation


@pytest.mark.parametrize("line, level", [
    ("2024年部门预算编制说明", 0),     # an unnumbered part title standing alone is outermost
    ("名词解释", 0),
    ("项目经费情况说明", 0),
    ("六、其他重要事项的情况说明", 1),  # a numbered one keeps its number's level
    ("本部门2024年收支情况说明如下：", None),   # a sentence is no title
])
def test_unnumbered_part_titles_are_headings(line, level):
    from ingest.document.narrative import heading_level

    assert heading_level(line) == level
