"""Templates the real set lacks (tests/data/breadth/): the expected figures are read from the store's
records of each document, the questions built from templates — a behaviour over every unit and row,
never one question."""
from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal

YEAR = re.compile(r"^((?:19|20)\d\d)年?$")


def records(svc, where: str, args: tuple = ()):
    return svc.store.execute(
        "SELECT r.document_id, r.table_title, r.row_number, r.row_label, r.column_path, r.value, r.text "
        f"FROM records r WHERE {where}", args).fetchall()


def headline(answer) -> list[Decimal]:
    return [Decimal(v.value) for v in answer.values]


def year_row_units(svc):
    """(document, unit, own-year total, other years' totals) for each unit of a 三公 table printed a row
    per year, read from the raw records: the unit's name stands on its first row only."""
    out = []
    for doc in svc.documents:
        rows: dict[tuple, dict] = defaultdict(dict)
        for _, table, number, label, column, value, text in records(
                svc, "r.document_id = ? AND r.table_title LIKE ?", (doc.id, "%三公%")):
            row = rows[(table, number)]
            row.setdefault("label", label)
            if column == "年度":
                row["year"] = text
            elif value is not None and column.split("/")[0] in ("总计", "合计") and "total" not in row:
                row["total"] = Decimal(value)
        unit, own, others = None, None, []
        for (_table, _n), row in sorted(rows.items()):
            if "year" not in row or "total" not in row:
                continue
            if row["label"]:
                if unit and own is not None:
                    out.append((doc, unit, own, others))
                unit, own, others = row["label"], None, []
            m = YEAR.match(row["year"].strip())
            if m and int(m.group(1)) == doc.year:
                own = row["total"]
            else:
                others.append(row["total"])
        if unit and own is not None:
            out.append((doc, unit, own, others))
    return out


def test_a_unit_of_a_table_printed_by_year_answers_its_own_year(breadth):
    units = year_row_units(breadth)
    assert len(units) >= 4, units
    for doc, unit, own, others in units:
        for wording in ("{d}{y}年{u}的三公经费是多少", "请问{u}{y}年“三公”经费预算多少？"):
            got = breadth.ask(wording.format(d=doc.department, y=doc.year, u=unit))
            if own not in others:        # a figure equal to last year's cannot tell the rows apart
                assert got.found and headline(got)[:1] == [own], (unit, own, others, got.answer)


def test_the_department_row_of_a_table_printed_by_year_is_its_total(breadth):
    asked = 0
    for doc, unit, own, _others in year_row_units(breadth):
        if unit == doc.department:
            for wording in ("{d}{y}年三公经费是多少", "请问{d}{y}年的“三公”经费预算？"):
                got = breadth.ask(wording.format(d=doc.department, y=doc.year))
                assert got.found and headline(got)[:1] == [own], (doc.department, own, got.answer)
                asked += 1
    assert asked >= 4, asked


def test_a_row_of_a_table_with_group_columns_reads_the_row_total(breadth):
    asked = 0
    for doc in breadth.documents:
        rows = records(breadth, "r.document_id = ? AND r.table_title = '支出总表' AND r.column_path = '支出总计' "
                                "AND r.value IS NOT NULL AND r.code IS NOT NULL", (doc.id,))
        for _, table, _, label, _, value, _ in rows[:12]:
            got = breadth.ask(f"{doc.department}{doc.year}年{table}中{label}是多少")
            asked += 1
            assert not got.values or headline(got)[:1] == [Decimal(value)], (label, value, got.answer)
    assert asked >= 10


def test_a_project_named_with_a_generic_tail_never_answers_the_total(breadth):
    for doc in breadth.documents:
        totals = {Decimal(v) for *_, v, _ in records(
            breadth, "r.document_id = ? AND r.value IS NOT NULL AND (r.column_path LIKE ? OR r.row_label LIKE ?)",
            (doc.id, "%项目支出%", "%项目支出%"))}
        for wording in ("{d}{y}年项目支出是多少", "{d}{y}年项目支出预算安排了多少？"):
            got = breadth.ask(wording.format(d=doc.department, y=doc.year))
            assert not got.values or headline(got)[0] in totals, (doc.department, got.answer)


def test_a_funding_scope_asked_is_the_column_read_or_refused(breadth):
    for doc in breadth.documents:
        cells = records(breadth, "r.document_id = ? AND r.table_title LIKE ? AND r.value IS NOT NULL",
                        (doc.id, "%行政经费%"))
        scoped = {(label, column.split("/")[-1]): Decimal(value) for _, _, _, label, column, value, _ in cells}
        for (label, scope), value in scoped.items():
            if scope != "一般公共预算" or not label:
                continue
            got = breadth.ask(f"{doc.department}{doc.year}年一般公共预算安排的{label}是多少")
            assert not got.values or headline(got)[0] == value, (label, value, got.answer)
