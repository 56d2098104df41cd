"""Export lines of the contract: one JSON object per table cell (see DESIGN.md)."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .store import Store, StoredRecord


def export_line(r: StoredRecord) -> dict[str, Any]:
    return {
        "document": r.document, "department": r.department, "year": r.year, "table": r.table,
        "page": r.page, "row": r.row, "code": r.code, "column": r.column,
        "value": f"{r.value:f}" if r.value is not None else r.text,
        "unit": r.unit if r.value is not None else None,
        "kind": "money" if r.value is not None else "text",
        "table_kind": r.table_kind,
        "value_wan": f"{r.value_wan:f}" if r.value_wan is not None else None,
        "bbox": list(r.bbox) if r.bbox is not None else None,
    }


def export_lines(store: Store) -> Iterator[dict[str, Any]]:
    for r in store.all_records():
        yield export_line(r)
