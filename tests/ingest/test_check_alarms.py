"""Issue 21, checks that cry wolf: correct real disclosures whose checks failed, each for its cause —
the reader took a table's 部门/单位 lines for its header, or a check read a template wrongly. Each
document is read from its PDF into a real SQLite store; the figures were read by hand from its pages.
Each fix is also shown to still catch the error it must catch."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from ingest.checks import run_checks
from ingest.document.reader import read_document
from ingest.store.store import Store
from ingest.tables.records import document_records

DATA = Path(__file__).resolve().parents[1] / "data"
GAOYUAN = "real/江苏省级_江苏省高级人民法院_2019_部门预算.pdf"
RENDA = "breadth/checks/江苏省级_省人大常委会办公厅_2017_部门预算_公开表.pdf"
BEIJING = "real/北京_北京市审计局_2026_部门预算_附件2报表.pdf"
SHUILI = "real/重庆_重庆市水利局_2026_部门预算.pdf"
XUANCHUAN = "breadth/checks/重庆_中共重庆市委宣传部_2026_部门预算.pdf"
KEJI = "breadth/identity/上海_上海市刑事科学技术研究院_2026_单位预算.pdf"
XIAN = "real/陕西西安_西安市审计局汇总_2026_部门预算.pdf"
FILES = [GAOYUAN, RENDA, BEIJING, SHUILI, XUANCHUAN, KEJI, XIAN]


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Store:
    """The files above read from their PDFs and written to one SQLite store."""
    store = Store(tmp_path_factory.mktemp("alarms") / "budgetqa.sqlite")
    for name in FILES:
        doc = read_document(DATA / name)
        with store.transaction() as tx:
            store.write_document(tx, doc, document_records(doc))
    return store


def _doc(store: Store, name: str):
    return next(d for d in store.documents() if d.source == Path(name).name)


def _checks(store: Store, name: str, words: str = ""):
    return [c for c in run_checks(store, _doc(store, name).id) if words in c.name]


def _table(store: Store, name: str, title: str) -> dict:
    return next(t for t in store.tables(_doc(store, name).id) if t["title"] == title)


@pytest.mark.slow
@pytest.mark.parametrize("name", FILES)
def test_no_check_fails_on_a_correct_document(store, name):
    assert [c.name for c in _checks(store, name) if not c.passed] == []


@pytest.mark.slow
def test_a_unit_line_wrapped_over_two_grid_rows_is_no_column(store):
    """「单位：万」 over 「元」 in the grid's top rows, 「部门名称：…」 beside the 元: the table's 单位 and
    部门, not header cells (the 三公 小计 was stored under 「部门名称：江苏省高级人民法院/“三公”经费」)."""
    table = _table(store, GAOYUAN, "“三公”经费、会议费、培训费支出预算表")
    assert (table["unit"], table["department"]) == ("万元", "江苏省高级人民法院")
    assert table["columns"][:3] == ["合计", "“三公”经费/小计", "“三公”经费/因公出国（境）费"]
    assert not [c for c in table["columns"] if "部门名称" in c or "单位" in c]
    total = [c for c in _checks(store, GAOYUAN, "培训费支出预算表「合计」合计 =")]
    assert [(c.name.split(" = ")[1], c.expected, c.passed) for c in total] == [
        ("小计 + 会议费 + 培训费", Decimal("2382.02"), True)]


@pytest.mark.slow
def test_a_title_and_department_row_at_a_page_foot_heads_the_grid_on_the_next_page(store):
    """The 财政拨款基本支出预算表's grid on page 12 holds only its title and 部门 row; its header and
    rows are on page 13."""
    tables = [t for t in store.tables(_doc(store, RENDA).id) if t["title"] == "财政拨款基本支出预算表"]
    assert [(t["columns"], t["department"]) for t in tables if 12 in t["pages"]] == [
        (["科目编码", "科目名称", "金额"], "江苏省人大常委会办公厅")]


@pytest.mark.slow
def test_a_title_under_a_page_s_last_grid_starts_the_table_on_the_next_page(store):
    """「一般公共预算机关运行经费支出预算表」 ends page 18; its grid (合计 5,619.31) is page 19's. It is a
    table of its own, not more rows of the 一般公共预算基本支出预算表 above it (合计 7,666.68)."""
    own = _table(store, RENDA, "一般公共预算机关运行经费支出预算表")
    assert own["pages"] == [18, 19] and own["columns"] == ["科目编码", "科目名称", "机关运行经费支出"]
    above = _table(store, RENDA, "一般公共预算基本支出预算表")
    assert 19 not in above["pages"]
    totals = [c for c in _checks(store, RENDA, "「合计」") if "各类之和" in c.name]
    assert {(c.name.split("「")[0], c.expected, c.passed) for c in totals} >= {
        ("一般公共预算基本支出预算表", Decimal("7666.68"), True),
        ("一般公共预算机关运行经费支出预算表", Decimal("5619.31"), True)}


@pytest.mark.slow
def test_a_total_broken_down_twice_is_checked_against_each_breakdown(store):
    """收支预算总表: 一、基本支出 + 二、项目支出 + 三、单位预留机动经费 = 37,188.34, and so do the 功能分类
    rows 四、公共安全支出 + 八、… + 十八、… printed under them, their ordinals running on."""
    checks = [c for c in _checks(store, GAOYUAN, "收支预算总表「支出合计」") if c.name.startswith("收支")]
    assert [(c.name.split(" = ")[1].split(" + ")[0], c.passed) for c in checks] == [
        ("一、基本支出", True), ("四、公共安全支出", True)]
    cell = checks[1].cells[1]
    store.execute("UPDATE records SET value = '27000.00', value_wan = '27000.00' WHERE id = ?", (cell.id,))
    try:
        failing = [c for c in _checks(store, GAOYUAN, "收支预算总表「支出合计」") if not c.passed]
        failing = [c for c in failing if c.name.startswith("收支")]
    finally:
        store.db.rollback()
    assert len(failing) == 1 and "四、公共安全支出" in failing[0].name


@pytest.mark.slow
def test_a_deeper_code_under_no_printed_head_is_a_part_of_the_total(store):
    """北京's 基本支出表 lists 3021101 差旅费 and 3021503 三类会议费 under no 30211 / 30215 row: the 合计
    adds them with the 款 (公用经费 1,672.857085 万元), and a wrong 差旅费 is caught there."""
    check = next(c for c in _checks(store, BEIJING, "一般公共预算基本支出表「合计」公用经费 = 各款之和"))
    assert check.passed and check.expected == Decimal("1672.857085")
    assert {c.code for c in check.cells} >= {"3021101", "3021503"}
    cell = next(c for c in check.cells if c.code == "3021101")
    store.execute("UPDATE records SET value = '56.56', value_wan = '56.56' WHERE id = ?", (cell.id,))
    try:
        again = next(c for c in _checks(store, BEIJING, "一般公共预算基本支出表「合计」公用经费 = 各款之和"))
    finally:
        store.db.rollback()
    assert not again.passed and again.difference == Decimal("10")


@pytest.mark.slow
def test_a_sangong_item_of_the_narrative_is_read_against_the_sangong_table(store):
    """「公务用车运行维护费248.50万元」 is the 三公 table's 公务用车运行费 (248.50), not the 基本支出
    table's economic row 30231 (220.00, its 基本支出 part only)."""
    checks = _checks(store, SHUILI, "说明「公务用车运行维护费248.50万元」")
    assert [(c.cells[0].table_kind, c.passed) for c in checks] == [("三公经费", True)]


@pytest.mark.slow
def test_a_scoped_item_is_not_read_against_the_whole(store):
    """「其中：财政拨款支出预算6,672万元」 is the 财政拨款 part of the 支出预算 (7,072), which no 财政拨款
    table prints as 支出预算: no check of it against the 支出预算总表's 合计; the total is still checked."""
    names = [c.name for c in _checks(store, KEJI, "说明「")]
    assert not [n for n in names if "支出预算6,672万元" in n]
    assert [c.passed for c in _checks(store, KEJI, "说明「支出预算7,072万元」")] == [True]


@pytest.mark.slow
def test_a_carried_over_part_is_not_the_item_the_narrative_states(store):
    """「二、上年结转」 heads 「（一）一般公共预算拨款」 1,683.15: the narrative's 一般公共预算拨款 37,891.58
    is read against the other cells, and a changed narrative figure still fails."""
    checks = _checks(store, XUANCHUAN, "说明「一般公共预算拨款37,891.58万元」")
    assert checks and all(c.passed for c in checks)
    assert not [c for c in checks if c.cells[0].value == Decimal("1683.15")]
    store.execute("UPDATE chunks SET text = replace(text, '一般公共预算拨款37,891.58万元', '一般公共预算拨款37,991.58万元')"
                  " WHERE document_id = ?", (_doc(store, XUANCHUAN).id,))
    try:
        changed = _checks(store, XUANCHUAN, "说明「一般公共预算拨款37,991.58万元」")
    finally:
        store.db.rollback()
    assert changed and not any(c.passed for c in changed)


@pytest.mark.slow
def test_each_side_by_side_panel_breaks_down_the_total_on_its_own(store):
    """西安's 收支总表 prints 支出 three times side by side (功能分类 | 部门经济分类 | 政府经济分类), each
    「一、部门预算」 42,034,723.58 元 broken into its own 1、… rows, the 部门经济分类 ones into (1)… rows
    again: one check per panel, 1、 rows only; a wrong 5、教育支出 fails its panel's check alone."""
    checks = [c for c in _checks(store, XIAN, "部门综合预算收支总表「一、部门预算」") if c.cells[0].side == "支出"]
    assert [(len(c.cells) - 1, c.passed) for c in checks] == [(5, True), (2, True), (4, True)]
    cell = next(c for c in checks[0].cells if c.row == "5、教育支出")
    store.execute("UPDATE records SET value = '250000.00', value_wan = '25.00' WHERE id = ?", (cell.id,))
    try:
        again = [c for c in _checks(store, XIAN, "部门综合预算收支总表「一、部门预算」") if c.cells[0].side == "支出"]
    finally:
        store.db.rollback()
    assert [c.passed for c in again] == [False, True, True]
