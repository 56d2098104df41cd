"""A row's total is its own total column, never a column group's 小计: a 支出总表 printing 支出总计 beside
「2026年政府采购项目/小计」 gives 支出总计 for 「总计」, whichever comes first in the resolver's order."""
from __future__ import annotations


def _rows_with_a_group_subtotal(svc, docs=None):
    for doc in docs or svc.documents:
        engine = svc.engine([doc])
        for row in engine.catalog.rows:
            own = [c for c in row.cells if "/" not in c and engine.resolver.is_total_column(c)]
            group = [c for c in row.cells if "/" in c and engine.resolver.is_total_column(c)]
            if own and group:
                yield engine, row, own


def test_the_total_of_a_row_is_its_own_column_before_a_groups_subtotal(breadth):
    seen = 0
    for engine, row, own in _rows_with_a_group_subtotal(breadth):
        for word in ("总计", "合计", "小计"):
            assert engine.resolver.column_of(row, [word]) in own, (row.table, row.label, word)
        assert engine.resolver.default_column(row) in own, (row.table, row.label)
        seen += 1
    assert seen >= 3, seen


def test_a_total_said_bare_is_never_read_from_a_groups_subtotal(breadth):
    """Neither the figure given nor the other tables' figures named beside it (「另：…」)."""
    asked = 0
    for doc in breadth.documents:
        answer = breadth.ask(f"{doc.department}{doc.year}年支出总计是多少")
        if not answer.found:
            continue
        asked += 1
        subtotals = {(row.table, row.label, str(row.cells[c].value))
                     for engine, row, own in _rows_with_a_group_subtotal(breadth, [doc])
                     for c in row.cells if "/" in c and engine.resolver.is_total_column(c)
                     and all(row.cells[o].value != row.cells[c].value for o in own)}
        read = {(c["table"], c["row"], str(c["value"])) for c in answer.candidates}
        read |= {(c.table, c.row, str(c.value)) for c in answer.citations}
        assert not read & subtotals, answer.answer
    assert asked >= 3, asked
