"""The text form of a disclosure read into the same Document as its PDF: tables, narrative, errors."""
from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path

import pytest

from ingest.document.model import Document, Record
from ingest.document.narrative import split_sentences
from ingest.document.text import normalize_label
from ingest.document.text_reader import infer_header_merges, read_text
from ingest.errors import EmptyFile, NoTables, UnsupportedFile
from ingest.pdf.grid import rows_to_grid
from ingest.tables.records import table_records
from ingest.tables.tables import grid_to_header_paths

SAMPLES = Path(__file__).resolve().parents[2] / "ingest/samples"
SAMPLE_TEXT = SAMPLES / "changsha-gxj-2024.txt"
SAMPLE_PDF = SAMPLES / "changsha-gxj-2024.pdf"

THREE_PUBLIC = "2024年一般公共预算“三公”经费支出情况表"
THREE_PUBLIC_GROUP = "三公经费预（决）算数（财政拨款）"


@pytest.fixture(scope="module")
def doc() -> Document:
    return read_text(SAMPLE_TEXT)


@pytest.fixture(scope="module")
def records(doc: Document) -> list[Record]:
    return [r for t in doc.tables for r in table_records(t)]


def money_cells(document: Document) -> set[tuple[str, str, str | None, Decimal]]:
    """(table title, normalised row label, code, value) of every money cell of tables 1–7."""
    return {
        (r.table, normalize_label(r.row), r.code, r.value)
        for t in document.tables if t.number <= 7
        for r in table_records(t) if r.value is not None
    }


@pytest.mark.slow
def test_money_cells_of_tables_1_to_7_match_the_pdf_reading(doc: Document) -> None:
    from ingest.pdf.pdf_reader import read_pdf

    from_pdf = money_cells(read_pdf(SAMPLE_PDF))
    from_text = money_cells(doc)
    assert from_text == from_pdf
    assert len(from_text) > 100


def test_tables_come_in_the_printed_order(doc: Document) -> None:
    assert [t.title for t in doc.tables[:7]] == [
        "2024年部门收支总体情况表", "2024年部门收入总体情况表", "2024年部门支出总体情况表",
        "2024年财政拨款收支总体情况表", "2024年一般公共预算支出情况表", "2024年一般公共预算基本支出情况表",
        THREE_PUBLIC,
    ]
    assert [t.number for t in doc.tables] == list(range(1, 11))


@pytest.mark.parametrize(("table", "row", "column", "code", "value"), [
    ("2024年一般公共预算支出情况表", "行政运行", "基本支出", "2150501", "2466.28"),
    ("2024年一般公共预算基本支出情况表", "住房公积金", "人员类", "30113", "418.95"),
    ("2024年一般公共预算基本支出情况表", "其他对个人和家庭的补助", "总计", "30399", "352.29"),
    (THREE_PUBLIC, "合计", f"{THREE_PUBLIC_GROUP}/小计", None, "104.20"),
    (THREE_PUBLIC, "合计", f"{THREE_PUBLIC_GROUP}/公务接待费", None, "2.95"),
    ("2024年部门收入总体情况表", "一般行政管理事务", "本级财政拨款/其中：经费拨款", "2150502", "307.17"),
    ("2024年部门收入总体情况表", "一般行政管理事务", "本级财政拨款/金额", "2150502", "321.24"),
    ("2024年部门收入总体情况表", "工业和信息产业监管", "合计", "21505", "10465.00"),
    ("2024年部门支出总体情况表", "工业和信息产业监管", "科目编码/类", None, None),
    ("2024年部门收支总体情况表", "一、本级财政拨款收入", "收入/本年预算", None, "10465.00"),
    ("2024年财政拨款收支总体情况表", "支出总计", "支出/一般公共预算", None, "10465.00"),
])
def test_golden_cells(records: list[Record], table: str, row: str, column: str, code: str | None,
                      value: str | None) -> None:
    found = [r for r in records if r.table == table and r.row == row and r.column == column]
    if value is None:
        assert found == []  # a code column is the row's code, not a cell
        return
    assert len(found) == 1
    assert found[0].code == code
    assert found[0].value == Decimal(value)
    assert found[0].unit == "万元"


def test_kuan_row_with_blank_lei_takes_the_class_above(doc: Document) -> None:
    income = doc.tables[1]
    row = next(r for r in income.rows if r.label == "工业和信息产业监管")
    assert row.code == "21505"


def test_header_merges_give_column_paths(doc: Document) -> None:
    assert doc.tables[1].columns[:7] == [
        "类", "款", "项", "功能科目", "合计", "本级财政拨款/金额", "本级财政拨款/其中：经费拨款"]
    assert doc.tables[2].columns[:5] == ["科目编码/类", "科目编码/款", "科目编码/项", "功能科目", "总计"]
    assert doc.tables[0].columns == ["收入/项目", "收入/本年预算", "支出/项目", "支出/本年预算"]
    assert doc.tables[6].columns[:2] == ["部门名称", f"{THREE_PUBLIC_GROUP}/小计"]


@pytest.mark.parametrize(("rows", "n_header", "paths"), [
    ([["功能科目", "本级财政拨款", ""], ["", "金额", "其中：经费拨款"], ["行政运行", "1.00", "1.00"]], 2,
     ["功能科目", "本级财政拨款/金额", "本级财政拨款/其中：经费拨款"]),
    ([["科目编码", "", "", "功能科目"], ["类", "款", "项", ""], ["215", "05", "01", "行政运行"]], 2,
     ["科目编码/类", "科目编码/款", "科目编码/项", "功能科目"]),
    ([["单位", "预算", "", ""], ["", "合计", "按性质分", ""], ["", "", "基本", "项目"]], 3,
     ["单位", "预算/合计", "预算/按性质分/基本", "预算/按性质分/项目"]),
])
def test_infer_header_merges(rows: list[list[str]], n_header: int, paths: list[str]) -> None:
    grid = infer_header_merges(rows_to_grid(rows), n_header)
    assert grid_to_header_paths(grid, n_header) == paths


def test_data_rows_are_not_merged() -> None:
    rows = [["项目", "金额", ""], ["", "合计", "其中"], ["合计", "1.00", ""]]
    grid = infer_header_merges(rows_to_grid(rows), 2)
    assert grid.is_origin(2, 2) and grid.text(2, 2) == ""


def test_continued_table_is_stitched_without_its_repeated_header(doc: Document) -> None:
    basic = doc.tables[5]
    assert basic.title == "2024年一般公共预算基本支出情况表"
    assert len(basic.pages) == 3
    labels = [r.label for r in basic.rows]
    assert "经济科目名称" not in labels and "合计" in labels and "其他对个人和家庭的补助" in labels
    assert [r.code for r in basic.rows if r.label == "咨询费"] == ["30203"]


def test_label_only_rows_of_a_continuation_are_not_read_as_header(doc: Document) -> None:
    fiscal = doc.tables[3]
    assert "项目" not in [r.label for r in fiscal.rows]
    assert fiscal.columns[-1] == "支出/国有资本经营预算"


def test_label_only_rows_of_a_continuation_are_kept(doc: Document) -> None:
    assert "22、其他支出" in [r.label for r in doc.tables[3].rows]


def test_page_is_one_for_the_narrative_then_one_per_table_piece(doc: Document) -> None:
    titles = [ln for ln in SAMPLE_TEXT.read_text(encoding="utf-8").splitlines()
              if ln.lstrip("# ").startswith("2024年") and ln.rstrip().endswith("表") and "\t" not in ln]
    assert doc.pages == len(titles) + 1
    assert doc.tables[0].pages == [2]
    assert {s.page for s in doc.sections} == {1}
    pages = [p for t in doc.tables for p in t.pages]
    assert pages == list(range(2, doc.pages + 1))


def test_document_metadata(doc: Document) -> None:
    assert doc.department == "长沙市工业和信息化局"
    assert doc.year == 2024
    assert doc.kind == "预算"
    assert doc.title == "长沙市工业和信息化局2024年部门预算"
    assert doc.source == "changsha-gxj-2024.txt"
    assert doc.sha256 == hashlib.sha256(SAMPLE_TEXT.read_bytes()).hexdigest()
    assert all(t.department == "长沙市工业和信息化局" and t.unit == "万元" for t in doc.tables)


def test_sections_follow_the_headings(doc: Document) -> None:
    headings = [s.heading for s in doc.sections]
    assert "（一）职能职责" in headings
    assert "（二）“三公”经费预算" in headings
    duties = next(s for s in doc.sections if s.heading == "（一）职能职责")
    assert duties.path == ("第一部分部门预算公开说明", "一、部门基本概况", "（一）职能职责")
    assert len(duties.paragraphs) == 16


def test_three_public_sentence_is_in_its_section(doc: Document) -> None:
    section = next(s for s in doc.sections if s.heading == "（二）“三公”经费预算")
    sentences = [s for p in section.paragraphs for s in split_sentences(p.text)]
    assert any("104.20万元" in s and "“三公”经费预算数" in s for s in sentences)


def test_chunks_carry_their_section_path(doc: Document) -> None:
    path = "第一部分部门预算公开说明 › 六、其他重要事项的情况说明 › （二）“三公”经费预算"
    chunks = [c for c in doc.chunks if c.section == path]
    assert chunks and any("104.20万元" in c.text for c in chunks)
    assert all(c.page == 1 for c in doc.chunks)
    assert [c.number for c in doc.chunks] == list(range(len(doc.chunks)))


def test_contents_are_not_narrative(doc: Document) -> None:
    texts = [p.text for s in doc.sections for p in s.paragraphs]
    assert not any(t.startswith("- ") or "空表表示本部门无相关收支情况" in t for t in texts)
    assert all(s.path[:1] != ("第二部分2024年部门预算表",) for s in doc.sections)
    assert doc.sections[0].path == () and [p.text for p in doc.sections[0].paragraphs] == [
        "长沙市工业和信息化局", "2024年部门预算公开"]


def test_paragraph_broken_by_a_blank_line_is_rejoined(doc: Document) -> None:
    texts = [p.text for s in doc.sections for p in s.paragraphs]
    assert any("负责权限内政府投资资金的申报" in t for t in texts)
    assert any("拟采购两台公车预算43万元" in t for t in texts)
    assert not any(t.startswith(("车预算", "政府投资资金的申报")) for t in texts)
    assert "收入预算图" in texts  # a short caption stays on its own


SMALL = """\
**某某市财政局**

**2025 年部门预算公开**

# 第一部分 部门预算公开说明

## 一、部门基本概况

本部门负责全市财政工作，内设处室 8 个，下属单位 2 个，纳入预算编制范围的单位

共 3 个。

# 第二部分 2025 年部门预算表

2025年一般公共预算基本支出情况表

部门名称：某某市财政局

单位：万元

经济科目编码\t经济科目名称\t总计\t人员类\t公用经费
**\t**\t1\t2\t3
301\t工资福利支出\t100.00\t100.00\t

### 2025年一般公共预算基本支出情况表（续）

经济科目编码\t经济科目名称\t总计\t人员类\t公用经费
**\t**\t1\t2\t3
302\t商品和服务支出\t20.50\t\t20.50

注：本表反映部门本年度一般公共预算基本支出情况。
"""


def test_small_disclosure_with_a_plain_title_and_a_continued_piece(tmp_path: Path) -> None:
    path = tmp_path / "small.md"
    path.write_text(SMALL, encoding="utf-8")
    small = read_text(path)
    assert (small.department, small.year, small.kind, small.pages) == ("某某市财政局", 2025, "预算", 3)
    [table] = small.tables
    assert table.pages == [2, 3]
    assert [(r.label, r.code) for r in table.rows] == [("工资福利支出", "301"), ("商品和服务支出", "302")]
    assert table.notes == ["注：本表反映部门本年度一般公共预算基本支出情况。"]
    [section] = [s for s in small.sections if s.heading == "一、部门基本概况"]
    assert [p.text for p in section.paragraphs] == [
        "本部门负责全市财政工作，内设处室8个，下属单位2个，纳入预算编制范围的单位共3个。"]


def test_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(EmptyFile) as info:
        read_text(path)
    assert info.value.path == str(path) and str(path) in str(info.value)


def test_blank_lines_only_is_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "blank.txt"
    path.write_text("\n \n\t\n", encoding="utf-8")
    with pytest.raises(EmptyFile, match="blank.txt"):
        read_text(path)


@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
    SAMPLE_PDF.read_bytes()[:4096],
], ids=["png", "pdf"])
def test_binary_file_named_txt_is_refused(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(data)
    with pytest.raises(UnsupportedFile) as info:
        read_text(path)
    assert info.value.path == str(path) and "image.txt" in str(info.value)


def test_text_not_in_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "gbk.txt"
    path.write_bytes(SMALL.encode("gbk"))
    with pytest.raises(UnsupportedFile, match="not UTF-8"):
        read_text(path)


def test_text_without_tables_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text("# 第一部分 部门预算公开说明\n\n本部门无预算表。\n", encoding="utf-8")
    with pytest.raises(NoTables) as info:
        read_text(path)
    assert info.value.path == str(path) and "no budget tables" in info.value.reason
