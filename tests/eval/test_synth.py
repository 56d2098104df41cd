"""Synthetic disclosures: figures that add up, deterministic output, PDFs pdfplumber reads back cell for cell."""
from __future__ import annotations

import json
import time
from decimal import Decimal

import pdfplumber
import pytest

from eval import synth
from eval.synth.amounts import grouped
from eval.synth.cli import main
from eval.synth.consistency import check_consistency
from eval.synth.gold import gold_jsonl, table_gold
from eval.synth.narrative import build_narrative
from eval.synth.tables import SANGONG_COLUMNS, build_tables
from eval.synth.text import text_form


def values(doc: synth.Disclosure, number: int) -> dict[tuple, Decimal]:
    """Gold money cells of table `number` keyed by (code or row label, column, side)."""
    title = doc.table_title(number)
    return {(g["code"] or g["row"], g["column"], g["side"]): Decimal(g["value"])
            for g in synth.gold_cells(doc) if g["table"] == title}


def amount(cells: dict, key) -> Decimal:
    """A gold value by key; a blank cell counts as zero."""
    return cells.get(key, Decimal(0))


def pdf_rows(path, pages: list[int] | None = None) -> list[tuple[int, list[str]]]:
    """(page, cells) of every row of every ruled table pdfplumber finds; wrapped cell lines joined."""
    out = []
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            if pages is None or number in pages:
                for table in page.find_tables():
                    out += [(number, [(c or "").replace("\n", "") for c in row]) for row in table.extract()]
            page.close()
    return out


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """One disclosure rendered to PDF, with the rows pdfplumber extracts from its tables."""
    doc = synth.generate(2024, 3)
    path = tmp_path_factory.mktemp("synth") / "doc.pdf"
    report = synth.render_pdf(doc, path)
    return doc, path, report, pdf_rows(path)


@pytest.mark.parametrize("index", range(8))
def test_figures_are_consistent(index):
    assert check_consistency(synth.generate(1, index)) == []


@pytest.mark.parametrize("number", [2, 3, 5])
def test_subject_rows_add_up_from_xiang_to_kuan_to_lei_to_total(number):
    doc = synth.generate(7, 1)
    v = values(doc, number)
    column = "合计" if number == 2 else "总 计"
    leaves = {code: a for (code, col, _), a in v.items() if col == column and len(code) == 7}
    for (code, col, _), value in v.items():
        if col == column and code.isdigit() and len(code) < 7:
            assert value == sum(a for c, a in leaves.items() if c.startswith(code)), code
    assert v[("合计", column, None)] == sum(leaves.values())


def test_total_is_basic_plus_project_on_every_row():
    doc = synth.generate(7, 2)
    v = values(doc, 3)
    for key in {k[0] for k in v}:
        total, basic, project = (amount(v, (key, col, None)) for col in ("总 计", "基本支出", "项目支出"))
        assert total == basic + project, key


def test_basic_spending_by_economic_code_matches_the_expenditure_tables():
    doc = synth.generate(7, 3)
    econ, expense = values(doc, 6), values(doc, 3)
    people = "人员类" if doc.kind == "预算" else "人员经费"
    total = econ[("合计", "总计", None)]
    assert total == econ[("合计", people, None)] + econ[("合计", "公用经费", None)]
    assert total == expense[("合计", "基本支出", None)] == values(doc, 5)[("合计", "基本支出", None)]
    classes = {c: a for (c, col, _), a in econ.items() if col == "总计" and len(c) == 3}
    assert sum(classes.values()) == total
    for cls, amount in classes.items():
        assert amount == sum(a for (c, col, _), a in econ.items() if col == "总计" and len(c) == 5 and c[:3] == cls)


def test_income_equals_expenditure_in_the_summary_tables():
    doc = synth.generate(7, 4)
    col = "本年预算" if doc.kind == "预算" else "决算数"
    s = values(doc, 1)
    assert s[("收入总计", col, "收入")] == s[("支出总计", col, "支出")]
    assert s[("支出总计", col, "支出")] == s[("一、基本支出", col, "支出")] + s[("二、项目支出", col, "支出")]
    g = values(doc, 4)
    assert g[("收 入 总 计", "金 额", "收入")] == g[("支 出 总 计", "合计", "支出")] == s[("收入总计", col, "收入")]


def test_sangong_subtotals_add_up():
    for index in range(6):
        doc = synth.generate(8, index)
        rows = {}
        for (row, col, _), value in values(doc, 7).items():
            rows.setdefault(row, {})[col] = value
        for row, v in rows.items():
            total, reception, abroad, car, buy, run = (amount(v, c) for c in SANGONG_COLUMNS)
            assert total == reception + abroad + car, row
            assert car == buy + run, row


def test_project_and_unit_amounts_add_up_to_department_totals():
    doc = synth.generate(9, 0)
    expense = values(doc, 3)
    units = {u.name for u in doc.units}
    projects = [Decimal(g["value"]) for g in synth.gold_cells(doc)
                if g["table"] == doc.table_title(9) and g["row"] not in units]
    assert sum(projects) == expense[("合计", "项目支出", None)]
    whole = values(doc, 10)
    for column, total in (("资金总额", "总 计"), ("基本支出", "基本支出"), ("项目支出", "项目支出")):
        assert sum(a for (_, col, _), a in whole.items() if col == column) == expense[("合计", total, None)]
    for unit in doc.units:
        total, basic, project = (amount(whole, (unit.code, c, None)) for c in ("资金总额", "基本支出", "项目支出"))
        assert total == basic + project, unit.name


def test_narrative_states_the_table_figures():
    doc = synth.generate(9, 1)
    facts = {f["label"]: Decimal(f["value"]) for f in build_narrative(doc).facts}
    assert facts["基本支出"] == values(doc, 3)[("合计", "基本支出", None)]
    assert facts["三公经费"] == values(doc, 7)[("合计", "小计", None)]
    assert facts["机关运行经费"] == values(doc, 6)[("合计", "公用经费", None)]
    assert facts["收入合计"] == values(doc, 2)[("合计", "合计", None)]


def test_tampered_figures_are_reported():
    doc = synth.generate(9, 2)
    doc.units[0].basic_by_subject[next(iter(doc.units[0].basic_by_subject))] += Decimal("1.00")
    assert check_consistency(doc)


def test_blank_cells_are_blank_not_zero():
    doc = synth.generate(9, 3)
    assert all(g["value"] != "0.00" for g in synth.gold_cells(doc))
    cells = [c for line in text_form(doc).splitlines() if "\t" in line for c in line.split("\t")]
    assert "0.00" not in cells
    assert any("," in c and c.replace(",", "").replace(".", "").isdigit() for c in cells)  # 10,465.00


def test_same_seed_gives_identical_gold_bytes(tmp_path):
    for name in ("a", "b"):
        main([str(tmp_path / name), "--count", "3", "--seed", "42", "--format", "txt"])
    for i in range(3):
        stem = f"synth-42-{i:04d}"
        assert (tmp_path / "a" / f"{stem}.gold.jsonl").read_bytes() == (tmp_path / "b" / f"{stem}.gold.jsonl").read_bytes()
        assert (tmp_path / "a" / f"{stem}.txt").read_bytes() == (tmp_path / "b" / f"{stem}.txt").read_bytes()
    assert gold_jsonl(synth.generate(42, 0)) != gold_jsonl(synth.generate(43, 0))


def test_departments_come_from_at_least_30_city_bureau_combinations():
    names = {synth.generate(5, i).department for i in range(200)}
    assert len(names) >= 30


def test_pdf_text_extracts_as_chinese(rendered):
    doc, path, _, _ = rendered
    with pdfplumber.open(path) as pdf:
        text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "(cid:" not in text
    assert doc.department in text and doc.table_title(7) in text
    assert f"部门名称：{doc.department}" in text


def test_pdf_tables_are_found_on_every_table_page(rendered):
    _, path, report, rows = rendered
    table_pages = {p for pages in report.tables.values() for p in pages}
    assert table_pages <= {page for page, _ in rows}


def test_every_gold_value_is_in_a_pdf_table_cell(rendered):
    doc, _, _, rows = rendered
    cells = {c.replace(",", "") for _, row in rows for c in row}
    missing = [g for g in synth.gold_cells(doc) if g["value"] not in cells]
    assert missing == []


def test_every_gold_value_sits_in_the_row_of_its_label(rendered):
    doc, _, _, rows = rendered
    missing = [g for g in synth.gold_cells(doc)
               if not any(g["row"] in row and g["value"] in [c.replace(",", "") for c in row] for _, row in rows)]
    assert missing == []


def test_pdf_has_a_money_table_continued_across_a_page_break(tmp_path):
    for index in range(20):
        doc = synth.generate(2024, index)
        report = synth.render_pdf(doc, tmp_path / f"{index}.pdf")
        long = [t for t in build_tables(doc)[:8] if len(report.tables[t.title]) > 1]
        if long:
            break
    else:
        pytest.fail("no money table continued over a page in 20 documents")
    table = long[0]
    pages = report.tables[table.title]
    rows = pdf_rows(tmp_path / f"{index}.pdf", pages)
    gold = {g["value"] for g in table_gold(table, doc)}
    found_on = {page for page, row in rows for c in row if c.replace(",", "") in gold}
    assert len(found_on) >= 2, (table.title, pages)


def test_text_form_has_every_gold_value_in_its_row():
    doc = synth.generate(11, 0)
    rows = [line.split("\t") for line in text_form(doc).splitlines() if "\t" in line]
    for g in synth.gold_cells(doc):
        printed = grouped(Decimal(g["value"]))
        assert any(g["row"] in row and printed in row for row in rows), g


def test_cli_writes_documents_gold_and_a_summary(tmp_path, capsys):
    assert main([str(tmp_path), "--count", "2", "--seed", "3", "--format", "both", "--kind", "决算"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and out[0].startswith("synth: 2 documents")
    for i in range(2):
        stem = f"synth-3-{i:04d}"
        assert (tmp_path / f"{stem}.pdf").read_bytes().startswith(b"%PDF-")
        assert "决算" in (tmp_path / f"{stem}.txt").read_text(encoding="utf-8")
        gold = [json.loads(line) for line in (tmp_path / f"{stem}.gold.jsonl").read_text(encoding="utf-8").splitlines()]
        assert gold and {"table", "row", "code", "column", "value"} <= set(gold[0])


@pytest.mark.slow
def test_twenty_documents_generate_in_under_20_seconds(tmp_path):
    started = time.perf_counter()
    main([str(tmp_path), "--count", "20", "--seed", "1", "--format", "both"])
    assert time.perf_counter() - started < 20
