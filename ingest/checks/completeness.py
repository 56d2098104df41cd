"""Completeness of a disclosure (完整性): which of the tables its kind must publish
(`ingest/data/table_kinds.json` → `mandated`) it holds, which it lacks and which it prints empty —
counted by SQL, never by loading records, so a store of a thousand documents answers at once.

A table is *empty* when it holds no figure other than zero: the document prints 「本表为空表」 or
「无」, has no rows, or prints 0.00 in every cell (the Guangdong template's empty table). An empty
table is published, so it does not fail completeness (a department without 政府性基金 prints that
table empty); a mandated table that is not there at all does. A mandated table some templates print
as a column of a wider table (`published_within`: 深圳's 基本支出 column of 一般公共预算支出（按经济分类）)
is published there.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from ..store.store import Store, StoredDocument
from ..tables.kinds import all_kinds, mandated_kinds, published_within
from .check import Check

CATEGORY = "完整性"


@dataclass(frozen=True)
class TableCount:
    """The tables of one kind (or printed title) in a document, and their non-zero money records;
    `within`: the wider kind whose column publishes it, when it is not a table of its own."""

    tables: int
    money: int
    within: str = ""


KindCounts = dict[str, TableCount]  # canonical kind, or the printed title of a table no rule knows


@dataclass
class TableCheck(Check):
    """A mandated table: present (with figures), present but empty, or missing (the one failure)."""

    kind: str = ""
    tables: int = 0
    money: int = 0

    @property
    def status(self) -> str:
        """present | empty | missing."""
        return "missing" if not self.tables else "empty" if not self.money else "present"

    def to_json(self) -> dict:
        return {**super().to_json(), "table_kind": self.kind, "status": self.status,
                "tables": self.tables, "money_records": self.money}


def _in(column: str, ids: Sequence[int] | None) -> tuple[str, tuple]:
    if ids is None:
        return "", ()
    return f" WHERE {column} IN ({','.join('?' * len(ids)) or 'NULL'})", tuple(ids)


def kind_counts(store: Store, document_ids: Sequence[int] | None = None) -> dict[int, KindCounts]:
    """Document id → kind (or printed title) → tables and non-zero money records, for the documents
    named (all when None): two grouped queries, whatever the number of records."""
    where, args = _in("document_id", document_ids)
    money = dict(store.execute(
        "SELECT table_id, COUNT(*) FROM records" + (where + " AND" if where else " WHERE") +
        " value IS NOT NULL AND CAST(value AS REAL) <> 0 GROUP BY table_id", args).fetchall())
    out: dict[int, KindCounts] = {}
    rows = store.execute("SELECT id, document_id, kind, title FROM tables" + where +
                         " ORDER BY document_id, number", args).fetchall()
    for table_id, doc_id, kind, title in rows:
        counts = out.setdefault(int(doc_id), {})
        key = kind or title
        had = counts.get(key, TableCount(0, 0))
        counts[key] = TableCount(had.tables + 1, had.money + int(money.get(table_id, 0)))
    for doc_id, kind, count in _published_within(store, document_ids):
        out.setdefault(doc_id, {}).setdefault(kind, count)
    return out


def _published_within(store: Store, document_ids: Sequence[int] | None) -> list[tuple[int, str, TableCount]]:
    """(document id, mandated kind, its count) for each mandated kind a wider table prints as a column."""
    out = []
    for kind, (within, columns) in published_within().items():
        where, args = _in("t.document_id", document_ids)
        rows = store.execute(
            "SELECT t.document_id, t.kind, COUNT(DISTINCT t.id), SUM(CASE WHEN r.value IS NOT NULL AND"
            " CAST(r.value AS REAL) <> 0 THEN 1 ELSE 0 END) FROM tables t JOIN records r ON r.table_id = t.id"
            + (where + " AND" if where else " WHERE")
            + f" t.kind IN ({','.join('?' * len(within))}) AND ("
            + " OR ".join("r.column_path LIKE ?" for _ in columns) + ") GROUP BY t.document_id, t.kind",
            args + tuple(within) + tuple(f"%{c}%" for c in columns)).fetchall()
        out += [(int(doc), kind, TableCount(int(n), int(m or 0), wider)) for doc, wider, n, m in rows]
    return out


def lacking(document_kind: str, counts: KindCounts) -> list[str]:
    """The mandated kinds a document of `document_kind` does not hold, in the mandated order."""
    return [k for k in mandated_kinds(document_kind) if k not in counts]


def empty_kinds(counts: KindCounts) -> list[str]:
    """The canonical kinds present whose tables hold no non-zero figure, in rule order."""
    return [k for k in all_kinds() if k in counts and not counts[k].money]


def _name(kind: str, count: TableCount | None) -> str:
    if count is None:
        return f"应公开「{kind}」表：缺少"
    if count.within:
        return f"应公开「{kind}」表：在「{count.within}」表中以栏目公开"
    if not count.money:
        return f"应公开「{kind}」表：已公开，空表（无金额）"
    return f"应公开「{kind}」表：已公开（{count.tables} 张）"


def table_checks(document_kind: str, counts: KindCounts) -> list[TableCheck]:
    """One check per mandated kind: expected 1 table, actual 1 if there is one (empty or not), else 0."""
    out = []
    for kind in mandated_kinds(document_kind):
        count = counts.get(kind)
        out.append(TableCheck(CATEGORY, _name(kind, count), Decimal(1), Decimal(1 if count else 0),
                              kind=kind, tables=count.tables if count else 0, money=count.money if count else 0))
    return out


def completeness_checks(store: Store, document: StoredDocument) -> list[TableCheck]:
    """The completeness checks of one stored document."""
    return table_checks(document.kind, kind_counts(store, [document.id]).get(document.id, {}))
