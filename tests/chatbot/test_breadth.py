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


def group_cells(svc):
    """(department, year, row label, group header) → the row's cells under that header, for every table
    whose columns stand under group headers (「公务接待费/一般公共预算」) in a row per unit."""
    from chatbot.lexicon import load_patterns

    scopes = {w for w in load_patterns()["scope_words"] if not w.startswith("_")}
    out: dict[tuple, dict[str, Decimal]] = defaultdict(dict)
    for doc in svc.documents:
        catalog = svc.engine([doc]).catalog
        for t in catalog.tables.values():
            keys = [r.key for r in t.rows]
            for row in t.rows:
                if row.is_total or row.is_subtotal or keys.count(row.key) > 1 or row.label == doc.department:
                    continue
                for col, rec in row.cells.items():
                    head = col.split("/")[0]
                    if col.count("/") >= 1 and len(head) >= 4 and "总计" not in head and head not in scopes \
                            and head not in row.label and row.label not in head \
                            and not re.search(r"\d{4}年|预算|决算", head) \
                            and rec.value is not None:
                        out[(doc.department, doc.year, row.label, head)][col] = Decimal(rec.value)
    return {k: v for k, v in out.items() if len(v) >= 2}


def test_a_unit_rows_group_header_reads_that_rows_cell_under_it_or_refuses(breadth):
    groups = group_cells(breadth)
    answered = 0
    for (department, year, label, head), cells in sorted(groups.items())[:120]:
        answer = breadth.ask(f"{department}{year}年{label}的{head}是多少")
        if not answer.found:
            continue
        got = headline(answer)
        parts = sum((v for c, v in cells.items() if not re.search(r"合计|小计|总计", c)), Decimal(0))
        assert got and got[0] in {*cells.values(), parts}, (label, head, answer.answer)   # a cell, or the group whole
        assert all(c.row == label for c in answer.citations if c.row), (label, head, answer.answer)
        answered += 1
    assert answered >= 60, answered      # a unit row's 公务接待费 and the like are read, not refused


def test_a_unit_said_bare_is_its_whole_budget_not_its_line_in_a_sangong_table(breadth):
    answered = 0
    for doc in breadth.documents:
        engine = breadth.engine([doc])
        spending = {r.key: r for r in engine.catalog.rows if r.kind == "支出表" and not r.is_total}
        sangong = {r.key for r in engine.catalog.rows if r.kind == "三公表" and not r.is_total}
        for key in sorted(set(spending) & sangong)[:6]:
            row = spending[key]
            if row.label == doc.department:
                continue
            answer = breadth.ask(f"{doc.department}{doc.year}年{row.label}是多少")
            total = engine.resolver.default_column(row)
            assert answer.found and headline(answer)[:1] == [Decimal(row.cells[total].value)], answer.answer
            answered += 1
    assert answered >= 3, answered


def test_a_table_headed_by_the_department_row_has_it_as_its_total(breadth):
    """Tables printing no 合计 whose first row is the department over its classes: a column said bare
    (「基本支出是多少」) is that row's figure, as a printed 合计 would be."""
    checked = 0
    for doc in breadth.documents:
        engine = breadth.engine([doc])
        for info in engine.catalog.tables.values():
            first = info.rows[0] if info.rows else None
            if info.kind != "支出表" or first is None or not first.is_total or first.label != doc.department \
                    or "基本支出" not in first.cells:
                continue
            answer = breadth.ask(f"{doc.department}{doc.year}年基本支出是多少")
            assert answer.found and headline(answer)[:1] == [Decimal(first.cells["基本支出"].value)], answer.answer
            checked += 1
    assert checked >= 2, checked
