"""A unit of a department named with a total its table prints (a unit's 收入, asked of each unit row of
every 收入表) reads the unit's own row of that table — its total column — not the department's total beside
it, nor a refusal between the two."""
from __future__ import annotations

from decimal import Decimal


def test_a_units_income_is_its_row_of_the_income_table(real, breadth):
    answered = 0
    for svc in (real, breadth):
        for doc in svc.documents:
            engine = svc.engine([doc])
            for row in engine.catalog.rows:
                if row.kind != "收入表" or row.is_total or row.label == doc.department \
                        or not engine.resolver._names_a_unit(row):
                    continue
                total = engine.resolver.default_column(row)
                if total is None or row.cells[total].value in (None, 0):
                    continue
                answer = svc.ask(f"{doc.department}{doc.year}年{row.label}收入预算是多少")
                assert answer.found, answer.answer
                assert Decimal(answer.values[0].value.replace(",", "")) == row.cells[total].value, answer.answer
                answered += 1
    assert answered >= 2, answered
