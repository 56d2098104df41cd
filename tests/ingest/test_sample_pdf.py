"""The real sample PDF through pdfplumber: every money cell of tables 1–7, projects, units, narrative."""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from ingest.document.text import normalize_label

DATA = Path(__file__).resolve().parents[1] / "data"


def _gold_cells() -> list[dict]:
    return [json.loads(line) for line in (DATA / "sample_gold_cells.jsonl").read_text("utf-8").splitlines()]


def test_document_is_described_from_its_own_text(sample_doc):
    assert sample_doc.department == "长沙市工业和信息化局"
    assert sample_doc.year == 2024
    assert sample_doc.kind == "预算"
    assert sample_doc.title == "长沙市工业和信息化局2024年部门预算"
    assert sample_doc.pages == 108


def test_ten_tables_are_found_and_stitched_across_pages(sample_doc):
    titles = [t.title for t in sample_doc.tables]
    assert len(titles) == 10 and len(set(titles)) == 10
    pages = {t.title: t.pages for t in sample_doc.tables}
    assert pages["2024年财政拨款收支总体情况表"] == [12, 13, 14]
    assert pages["2024年一般公共预算基本支出情况表"] == [16, 17, 18]


@pytest.mark.parametrize("gold", _gold_cells(), ids=lambda g: f"{g['table']}-{g['row']}-{g['value']}")
def test_every_money_cell_of_tables_1_to_7_is_a_record(gold, sample_records):
    """Value, table, row label (or code) of each gold cell, as the export contract needs them."""
    value = Decimal(gold["value"])
    matches = [r for r in sample_records
               if gold["table"] in r.table and r.value == value
               and (normalize_label(r.row) == normalize_label(gold["row"]) or (gold["code"] and r.code == gold["code"]))]
    assert matches, gold


@pytest.mark.parametrize("label,code,column,value", [
    ("行政运行", "2150501", "基本支出", "2466.28"),
    ("工业和信息产业监管", "21505", "总计", "10465.00"),  # 款 row whose 类 cell is blank
    ("其他工业和信息产业监管支出", "2150599", "项目支出", "1319.02"),
])
def test_subject_codes_keep_the_hierarchy(label, code, column, value, sample_records):
    rows = [r for r in sample_records if r.table == "2024年一般公共预算支出情况表" and r.row == label]
    assert {r.code for r in rows} == {code}
    assert any(r.column == column and r.value == Decimal(value) for r in rows)


def test_merged_header_cells_become_column_paths(sample_doc):
    income = next(t for t in sample_doc.tables if t.title == "2024年部门收入总体情况表")
    assert "本级财政拨款/金额" in income.columns
    assert "本级财政拨款/其中：经费拨款" in income.columns
    sangong = next(t for t in sample_doc.tables if "三公" in t.title)
    assert sangong.columns[1] == "三公经费预（决）算数（财政拨款）/小计"


def test_side_by_side_grid_becomes_two_sets_of_rows(sample_doc):
    table = sample_doc.tables[0]
    sides = {r.label: r.side for r in table.rows}
    assert sides["一、本级财政拨款收入"] == "收入"
    assert sides["一、基本支出"] == "支出"
    assert sides["支出总计"] == "支出"


def test_blank_cells_are_none_not_zero(sample_records):
    assert not [r for r in sample_records if r.table == "2024年一般公共预算支出情况表"
                and r.row == "行政运行" and r.column == "项目支出"]
    assert not [r for r in sample_records if "政府性基金" in r.table]


def test_economic_codes_are_read(sample_records):
    housing = [r for r in sample_records if r.code == "30113"]
    assert {(r.row, r.column, r.value) for r in housing} >= {("住房公积金", "总计", Decimal("418.95"))}
    assert {r.code for r in sample_records if r.row == "商品和服务支出"} == {"302"}


PROJECTS = [
    ("501001", "长沙市纺织工业研究所运转经费", "8.66"),
    ("501001", "工业和信息化工作经费", "151.95"),
    ("501001", "派驻纪检监察组办公经费", "3.00"),
    ("501001", "无线电管理经费", "14.07"),
    ("501001", "下属两家已改制事业单位独生子女父母奖励金", "7.35"),
    ("501001", "项目前期工作经费", "143.56"),
    ("501006", "常规业务经费", "255.00"),
    ("501006", "大院运行经费", "49.00"),
    ("501006", "工发资金切块业务工作专项经费", "1500.00"),
    ("501009", "长沙市企业服务中心工作经费", "184.00"),
    ("501009", "公共服务平台运维和项目评审室工作经费", "110.00"),
    ("501009", "离退休人员工作经费", "17.67"),
    ("501009", "中小企业公共服务专项活动经费", "1000.00"),
]


@pytest.mark.parametrize("code,name,amount", PROJECTS)
def test_every_project_amount_of_the_project_table(code, name, amount, sample_records):
    rows = [r for r in sample_records if r.table == "2024年项目支出绩效目标表" and r.row == name
            and r.value is not None]
    assert [(r.code, r.column, r.value) for r in rows] == [(code, "资金总额", Decimal(amount))]


UNITS = [
    ("501001", "长沙市工业和信息化局", "2794.87", "2466.28", "328.59"),
    ("501002", "湖南省无线电管理委员会办公室长沙市无线电监测站", "309.30", "309.30", None),
    ("501006", "长沙市制造业发展促进中心", "5046.15", "3242.15", "1804.00"),
    ("501009", "长沙市企业服务中心", "2314.68", "1003.01", "1311.67"),
]


@pytest.mark.parametrize("code,name,total,basic,project", UNITS)
def test_every_unit_of_the_whole_department_table(code, name, total, basic, project, sample_records):
    rows = {r.column: r.value for r in sample_records
            if r.table == "2024年部门整体支出绩效目标表" and r.row == name and r.value is not None}
    assert rows["资金总额"] == Decimal(total)
    assert rows["基本支出"] == Decimal(basic)
    assert rows.get("项目支出") == (Decimal(project) if project else None)
    assert {r.code for r in sample_records if r.row == name and "整体" in r.table} == {code}


def test_project_amounts_add_up_to_the_units_project_spending(sample_records):
    units = {r.row for r in sample_records if r.table == "2024年部门整体支出绩效目标表"}
    projects = [r for r in sample_records if r.table == "2024年项目支出绩效目标表" and r.value is not None
                and r.row not in units]
    total = sum((r.value for r in projects if r.value is not None), Decimal(0))
    assert total == Decimal("3444.26")


def test_indicators_are_text_records_of_their_project(sample_records):
    texts = [r for r in sample_records if r.row == "工业和信息化工作经费" and r.text]
    assert any(r.text == "党建活动次数" for r in texts)


def test_narrative_sections_follow_the_documents_headings(sample_doc):
    paths = [s.path for s in sample_doc.sections]
    assert ("第一部分部门预算公开说明", "一、部门基本概况", "（一）职能职责") in paths
    sangong = next(s for s in sample_doc.sections if s.heading == "（二）“三公”经费预算")
    text = "".join(p.text for p in sangong.paragraphs)
    assert "“三公”经费预算数为104.20万元" in text
    assert "拟采购两台公车预算43万元" in text  # paragraph re-joined across the page break (p6 → p7)
    assert not any(s.heading.startswith("1、部门收支总表") for s in sample_doc.sections)  # contents skipped


def test_chunks_know_their_section_and_page(sample_doc):
    meeting = [c for c in sample_doc.chunks if "会议费预算8.36万元" in c.text]
    assert meeting and meeting[0].section.endswith("（三）一般性支出情况") and meeting[0].page == 6
    assert all(len(c.text) <= 400 for c in sample_doc.chunks)
