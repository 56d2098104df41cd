"""A term a document prints in no row or column (西安's templates print 基本支出 only as the title of their
一般公共预算基本支出明细表) is read as the 合计 of the table it names (lexicon.json → table_totals); where a
row or column prints the term, that is read, as before. Over every real document."""
from __future__ import annotations

from decimal import Decimal

import pytest

TERMS = {"基本支出": ("基本支出（经济分类）", "基本支出"), "项目支出": ("项目支出",)}


def printed(svc, doc_id: int, term: str) -> bool:
    return bool(svc.store.execute(
        "SELECT 1 FROM records WHERE document_id = ? AND (row_label LIKE ? OR column_path LIKE ?) LIMIT 1",
        (doc_id, f"%{term}%", f"%{term}%")).fetchall())


def table_total(svc, doc_id: int, kinds: tuple[str, ...]) -> list[Decimal]:
    rows = svc.store.execute(
        "SELECT r.value, r.unit, r.value_wan, r.column_path, r.table_kind FROM records r WHERE r.document_id = ? "
        "AND r.row_label IN ('合计', '总计') AND r.value IS NOT NULL", (doc_id,)).fetchall()
    return [Decimal(wan if unit != "万元" and wan else value).quantize(Decimal("0.01"))
            for value, unit, wan, column, kind in rows if kind and kind.endswith(kinds) and column.split("/")[0] in ("合计", "总计")]


@pytest.mark.slow
def test_an_unprinted_term_is_the_total_of_the_table_it_names(real):
    seen = 0
    for doc, term in ((d, t) for d in real.documents for t in TERMS):
        if doc.kind != "预算" or printed(real, doc.id, term):
            continue
        totals = table_total(real, doc.id, TERMS[term])
        if not totals:
            continue
        answer = real.ask(f"{doc.department}{doc.year}年{term}是多少")
        assert answer.found, answer.answer
        assert Decimal(answer.values[0].value).quantize(Decimal("0.01")) in totals, (doc.department, answer.answer)
        seen += 1
    assert seen >= 1
