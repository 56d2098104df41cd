"""A row and a column named in other words (「事业运行的公用经费」 of a table printing 日常公用支出, 「…的人员
经费」 of 人员支出 or 人员经费支出) is one cell: that cell's figure, or a refusal, never the row's total
beside the column's. Rows, columns and figures are read from every real document's records."""
from __future__ import annotations

from decimal import Decimal

SAID = {"人员支出": "人员经费", "人员经费支出": "人员经费", "日常公用支出": "公用经费", "公用经费支出": "公用经费"}


def cells(real):
    """(document, row label, the column as people say it, the cell's figure in 万元) of every coded row
    whose label and column name one figure in the document (the same words in two tables with two
    figures ask which)."""
    out = []
    for doc in real.documents:
        if doc.kind != "预算":
            continue
        rows = real.store.execute(
            "SELECT r.row_label, r.column_path, r.value_wan FROM records r WHERE r.document_id = ? AND "
            "r.code IS NOT NULL AND r.value_wan IS NOT NULL", (doc.id,)).fetchall()   # value_wan is text on PostgreSQL
        figures: dict[tuple[str, str], set[Decimal]] = {}
        for label, column, value in rows:
            leaf = column.split("/")[-1]
            if leaf in SAID and label and Decimal(str(value)) != 0:
                figures.setdefault((label, SAID[leaf]), set()).add(Decimal(str(value)))
        out += [(doc, label, said, next(iter(v))) for (label, said), v in figures.items() if len(v) == 1]
    return out


def test_a_row_and_a_column_said_in_other_words_read_their_cell(real):
    found = cells(real)
    assert len(found) >= 20, len(found)
    right = 0
    for doc, label, column, value in found[:120]:
        got = real.ask(f"{doc.department}{doc.year}年{label}的{column}是多少")
        if got.values:
            assert len({v.value for v in got.values}) == 1 and Decimal(got.values[0].value) == value.quantize(
                Decimal(got.values[0].value)), (label, column, value, got.answer)
            right += 1
    assert right >= len(found[:120]) * 0.8, right


def children_under_parents(real):
    """(document, 款 label, 项 label, the 项 row's figures, the 款 row's figures) of every 项 whose label
    stands under several 款 of its table (行政运行 under each 款): the 款 tells them apart."""
    out = []
    for doc in real.documents:
        rows = real.store.execute(
            "SELECT r.table_title, r.code, r.row_label, r.value_wan FROM records r WHERE r.document_id = ? "
            "AND r.code IS NOT NULL AND r.value_wan IS NOT NULL", (doc.id,)).fetchall()
        by_code: dict[tuple[str, str], tuple[str, set[Decimal]]] = {}
        for table, code, label, value in rows:
            by_code.setdefault((table, code), (label, set()))[1].add(Decimal(str(value)))
        labels: dict[tuple[str, str], int] = {}
        for (table, code), (label, _) in by_code.items():
            if len(code) == 7:
                labels[(table, label)] = labels.get((table, label), 0) + 1
        for (table, code), (label, figures) in by_code.items():
            parent = by_code.get((table, code[:5]))
            if len(code) == 7 and parent and labels[(table, label)] >= 2 and parent[0] != label:
                out.append((doc, parent[0], label, figures, parent[1]))
    return out


def test_a_row_placed_under_its_parent_reads_that_row(real):
    found = children_under_parents(real)
    assert len(found) >= 10, len(found)
    answered = 0
    for doc, parent, child, figures, _parent_figures in found[:60]:
        got = real.ask(f"{doc.department}{doc.year}年{parent}的{child}是多少")
        if got.values:
            value = Decimal(got.values[0].value)
            assert any(value == f.quantize(value) for f in figures) and len(got.values) == 1, (parent, child, got.answer)
            answered += 1
    assert answered >= len(found[:60]) * 0.6, answered
