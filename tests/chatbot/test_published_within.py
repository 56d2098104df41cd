"""Completeness by what a table prints, not only by its title: a mandated table a template publishes as
a column of a wider table (深圳 prints 一般公共预算基本支出 as the 基本支出 column of its 一般公共预算支出表
（按经济分类）) is published, and `check` says where; a document without that column still lacks it."""
from __future__ import annotations

from ingest.checks.completeness import TableCount, completeness_checks, kind_counts, lacking, table_checks

BASIC = "一般公共预算基本支出（经济分类）"
WIDER = "一般公共预算支出（经济分类）"


def test_a_mandated_table_printed_as_a_wider_tables_column_is_published(breadth):
    store = breadth.store
    counts = kind_counts(store)
    own = {doc for (doc,) in store.execute("SELECT DISTINCT document_id FROM tables WHERE kind = ?", (BASIC,))}
    wide = [d for d in store.documents() if WIDER in counts.get(d.id, {}) and d.id not in own]
    assert len(wide) >= 3  # the 深圳 template of several departments
    for doc in wide:
        assert BASIC not in lacking(doc.kind, counts[doc.id]), doc.department
        check = next(c for c in completeness_checks(store, doc) if c.kind == BASIC)
        assert check.passed and check.status == "present" and WIDER in check.name, check.name
        assert counts[doc.id][BASIC].money > 0


def test_a_wider_table_without_the_column_publishes_nothing_for_it():
    checks = table_checks("预算", {WIDER: TableCount(1, 40)})
    basic = next(c for c in checks if c.kind == BASIC)
    assert not basic.passed and basic.status == "missing"
    assert BASIC in lacking("预算", {WIDER: TableCount(1, 40)})
