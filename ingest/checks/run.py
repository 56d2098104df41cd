"""All the checks of one stored document, in the order a reader meets them."""
from __future__ import annotations

from ..pdf.layout import is_performance_title
from ..store.store import Store
from .across_tables import cross_table_checks
from .check import Check, by_table
from .comparisons import comparison_checks
from .identity import identity_checks
from .narrative import narrative_checks
from .total_rows import total_row_checks
from .within_tables import code_hierarchy_checks, part_checks, row_total_checks


def run_checks(store: Store, document_id: int | None = None, *, completeness: bool = False) -> list[Check]:
    """Every check over one document (the first stored when none is named); with `completeness`, first
    the 完整性 group too: each table the document's kind must publish present, empty or missing."""
    docs = store.documents()
    if not docs:
        return []
    doc = next(d for d in docs if d.id == (document_id if document_id is not None else docs[0].id))
    out: list[Check] = []
    if completeness:
        from .completeness import completeness_checks

        out += completeness_checks(store, doc)
    records = store.records("r.document_id = ?", (doc.id,))
    chunks = store.chunks([doc.id])
    tables = store.tables(doc.id)
    columns_of = {t["title"]: t["columns"] for t in tables}
    for title, table in by_table(records).items():
        if is_performance_title(title):
            continue
        columns = [c for c in columns_of.get(title, []) if any(r.column == c for r in table)]
        out += row_total_checks(table, columns) + part_checks(table, columns)
        out += code_hierarchy_checks(table) + total_row_checks(table)
    out += cross_table_checks(records, columns_of)
    out += narrative_checks(records, chunks)
    out += comparison_checks(chunks)
    out += identity_checks(doc, tables, chunks)
    return out
