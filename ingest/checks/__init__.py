"""The checks an auditor runs over a disclosure, one module per class: within tables
(`within_tables`, `total_rows`), across tables (`across_tables`), narrative against tables
(`narrative`, `comparisons`), identity (`identity`) and completeness (`completeness`); `run_checks`
runs them all, `notes_for_cells` gives the failing ones a cited cell takes part in."""
from .check import Check
from .cited import CheckNote, note_for, notes_for_cells
from .run import run_checks

__all__ = ["Check", "CheckNote", "note_for", "notes_for_cells", "run_checks"]
