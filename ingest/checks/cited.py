"""Checks travel with answers: the failing checks a cited cell takes part in, each with a one-line
Chinese note (「注意：本表合计与分项之和相差…，见 budgetqa check」) an answer can print under its figure."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..document.text import normalize_label
from ..store.store import Store, StoredRecord
from .check import Check, leaf

CellRef = int | tuple[str, str, str]  # a record id, or (table title, row label, column path or leaf)


@dataclass(frozen=True)
class CheckNote:
    """A failing check one of the cited cells takes part in, and the line to print about it."""

    check: Check
    note: str


def _amount(check: Check) -> str:
    unit = check.cells[0].unit if check.cells else ""
    return f"{abs(check.difference):f}{unit}"


def note_for(check: Check) -> str:
    """「注意：…，见 budgetqa check」, worded by the kind of check."""
    where = "本表" if not check.cells or len({c.table for c in check.cells}) == 1 else "此数"
    if check.category in ("表内", "合计行", "科目层级"):
        body = f"{where}合计与分项之和相差{_amount(check)}（{check.name}）"
    elif check.category == "表间":
        body = f"此数与另一张表的同一数字相差{_amount(check)}（{check.name}）"
    elif check.category == "说明与表格":
        body = f"说明文字写作{check.actual:f}万元，与表中{check.expected:f}万元不一致（{check.name}）"
    elif check.category == "身份":
        body = f"本表的标题或表头与文档的部门、年份不一致（{check.name}）"
    else:
        body = check.name
    return f"注意：{body}，见 budgetqa check"


def _matches(ref: CellRef, cell: StoredRecord) -> bool:
    if isinstance(ref, int):
        return cell.id == ref
    table, row, column = ref
    return (cell.table == table and normalize_label(cell.row) == normalize_label(row)
            and (cell.column == column or leaf(cell.column) == normalize_label(column)))


def _takes_part(check: Check, refs: list[CellRef], cited: list[StoredRecord]) -> bool:
    if any(_matches(ref, cell) for ref in refs for cell in check.cells):
        return True
    return any(c.table in check.about for c in cited) or any(
        isinstance(ref, tuple) and ref[0] in check.about for ref in refs)


def notes_for_cells(store: Store, document_id: int, cells: Iterable[CellRef],
                    checks: Sequence[Check] | None = None) -> list[CheckNote]:
    """The failing checks of the document that the cited cells (record ids or (table, row, column))
    take part in, once each, with their notes; `checks` reuses checks already run for the document."""
    from .run import run_checks

    refs = list(cells)
    ids = [r for r in refs if isinstance(r, int)]
    cited = store.records(f"r.id IN ({','.join('?' * len(ids))})", tuple(ids)) if ids else []
    failing = [c for c in (checks if checks is not None else run_checks(store, document_id)) if not c.passed]
    return [CheckNote(c, note_for(c)) for c in failing if _takes_part(c, refs, cited)]
