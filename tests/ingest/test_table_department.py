"""Issue 21: the 「部门：…」 line printed over a table's grid is stored with the table (tables.department)
and the identity check compares it with the document's department. What each file prints was read by
hand from its pages."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from ingest.checks import run_checks
from ingest.store.store import Store
from ingest.tables.records import document_records

DATA = Path(__file__).resolve().parents[1] / "data"

# file → the departments its tables' header lines print (None: a table printing no 部门 line)
PRINTED = {
    # 「编制单位：上海市审计局 单位：元」 over every table
    "real/上海_上海市审计局_2026_市级单位预算.pdf": {"上海市审计局"},
    # 「单位名称：重庆市水利局 单位：万元」, over a project's 绩效目标表 「资金主管部门：重庆市水利局」; the
    # 重点专项资金 绩效目标表 prints only its unit
    "real/重庆_重庆市水利局_2026_部门预算.pdf": {"重庆市水利局", None},
    # 「部门公开表1」 / 「部门收支总表」 and the unit line only: no department over any table
    "real/中央_国家信访局_2026_部门预算.pdf": {None},
    # 「部门名称：深圳市统计局（本级） 单位：万元」 over the eleven tables (the scope mark is no part of the
    # name); the 项目绩效目标表 of the narrative prints none
    "breadth/深圳_深圳市统计局_2026_部门预算.pdf": {"深圳市统计局", None},
    # 「部门：中国共产党江苏省委员会办公厅 单位：万元」 over each landscape table; page 2 prints the name
    # cut short (「…委员会办」), stored as printed: a shortened name is the same department
    "breadth/identity/江苏省级_省委办公厅_2017_部门预算_公开表.pdf": {"中国共产党江苏省委员会办公厅",
                                                            "中国共产党江苏省委员会办"},
}


def _write(store: Store, path: Path, read) -> int:
    doc = read(path)
    with store.transaction() as tx:
        return store.write_document(tx, doc, document_records(doc))


@pytest.fixture(scope="module")
def store(tmp_path_factory, read_once) -> Store:
    """The files above read from their PDFs (once a session: test_identity reads some of them too) and
    written to one SQLite store."""
    store = Store(tmp_path_factory.mktemp("header-department") / "budgetqa.sqlite")
    for name in PRINTED:
        _write(store, DATA / name, read_once)
    return store


def _doc(store: Store, name: str):
    return next(d for d in store.documents() if d.source == Path(name).name)


@pytest.mark.parametrize("name", PRINTED)
def test_the_column_holds_the_department_a_table_header_prints(store, name):
    tables = store.tables(_doc(store, name).id)
    assert tables and {t["department"] for t in tables} == PRINTED[name]


@pytest.mark.parametrize("name", PRINTED)
def test_no_alarm_on_a_correct_document(store, name):
    doc = _doc(store, name)
    failing = [c.name for c in run_checks(store, doc.id) if c.category == "身份" and not c.passed]
    assert failing == []


@pytest.mark.parametrize("name", [n for n, printed in PRINTED.items() if printed != {None}])
def test_a_table_headed_by_another_department_fails_naming_table_and_page(store, tmp_path, name):
    """Planted as bench/plant_errors.py plants it: the header line of one table names another body."""
    doc = _doc(store, name)
    table = store.tables(doc.id)[1]
    store.execute("UPDATE tables SET department = ? WHERE id = ?", ("长沙市信访局", table["id"]))
    try:
        failing = [c for c in run_checks(store, doc.id) if c.category == "身份" and not c.passed]
    finally:
        store.db.rollback()
    assert [c.about for c in failing] == [(table["title"],)]
    assert f"第{table['pages'][0]}页表「{table['title']}」" in failing[0].name
    assert "长沙市信访局" in failing[0].name and doc.department in failing[0].name


def test_an_old_store_gains_the_column_and_keeps_its_tables(tmp_path):
    path = tmp_path / "budgetqa.sqlite"
    Store(path).close()
    db = sqlite3.connect(path)  # the store as a version before the column wrote it
    db.execute("ALTER TABLE tables DROP COLUMN department")
    db.execute("INSERT INTO documents(id, sha256, title, department, year, kind, source, pages)"
               " VALUES (1, 'x', '长沙市信访局2026年部门预算', '长沙市信访局', 2026, '预算', 'a.pdf', 3)")
    db.execute("INSERT INTO tables(document_id, number, title, unit, pages, columns, n_rows)"
               " VALUES (1, 1, '收支总表', '万元', '[2]', '[]', 0)")
    db.commit()
    db.close()
    store = Store(path)
    assert [(t["title"], t["department"]) for t in store.tables(1)] == [("收支总表", None)]


@pytest.mark.parametrize(("name", "title", "department"), [
    ("real/重庆_重庆市水利局_2026_部门预算.pdf", "一般性项目绩效目标表", "重庆市水利局"),  # 资金主管部门：
    ("real/重庆_重庆市水利局_2026_部门预算.pdf", "重点专项资金绩效目标表", None),
    ("breadth/深圳_深圳市统计局_2026_部门预算.pdf", "项目绩效目标表", None),
    ("real/上海_上海市审计局_2026_市级单位预算.pdf", "财务收支预算总表", "上海市审计局"),  # 编制单位：
])
def test_each_table_holds_what_its_own_header_prints(store, name, title, department):
    tables = [t for t in store.tables(_doc(store, name).id) if title in t["title"]]
    assert tables and {t["department"] for t in tables} == {department}
