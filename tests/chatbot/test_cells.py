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
            "r.code IS NOT NULL AND r.value_wan IS NOT NULL AND r.value_wan != 0", (doc.id,)).fetchall()
        figures: dict[tuple[str, str], set[Decimal]] = {}
        for label, column, value in rows:
            leaf = column.split("/")[-1]
            if leaf in SAID and label:
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
