"""Gold cells: every money cell the generator printed, the answer key of round-trip tests."""
from __future__ import annotations

import json

from .cells import TableSpec
from .model import Disclosure
from .tables import build_tables


def table_gold(table: TableSpec, doc: Disclosure) -> list[dict]:
    """Every non-blank money cell of a table as a gold record."""
    out = []
    for row in table.rows:
        for col, cell in zip(table.columns, row.cells):
            if col.kind != "money" or cell is None or not cell.text:
                continue
            out.append({"document": doc.title, "department": doc.department, "year": doc.year,
                        "table": table.title, "row": row.label.get(col.side, ""),
                        "code": row.code.get(col.side), "column": col.leaf, "path": col.path, "side": col.side,
                        "value": cell.text.replace(",", ""), "unit": "万元"})
    return out


def gold_cells(doc: Disclosure) -> list[dict]:
    """Every money cell the generator wrote, in table order: table, row, code, column, value …"""
    return [g for table in build_tables(doc) for g in table_gold(table, doc)]


def gold_jsonl(doc: Disclosure) -> str:
    """The gold cells as JSON lines (stable key order, UTF-8 text)."""
    return "".join(json.dumps(g, ensure_ascii=False) + "\n" for g in gold_cells(doc))
