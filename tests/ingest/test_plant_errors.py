"""Planted errors of every class are found on real disclosures, the unaltered ones raise no alarm, and
a cited cell brings the failing checks it takes part in (ingest.checks.notes_for_cells)."""
from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

from ingest.checks import notes_for_cells, run_checks
from ingest.checks.within_tables import siblings
from ingest.pipeline import ingest_paths
from ingest.store.storage import StorePaths
from ingest.store.store import Store

ROOT = Path(__file__).resolve().parents[2]
DECISION = ROOT / "tests" / "data" / "real" / "上海普陀_上海市普陀区财政局_2024_部门决算.pdf"
_spec = importlib.util.spec_from_file_location("plant_errors", ROOT / "bench" / "plant_errors.py")
plant = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(plant)  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def real_store(tmp_path_factory, store_dir) -> Store:
    """The sample budget (长沙) and a real 决算 (上海普陀) in one store: a copy of the session's sample
    store, the 决算 ingested into it."""
    root = shutil.copytree(store_dir, tmp_path_factory.mktemp("planted") / "store")
    summary = ingest_paths([DECISION], root)
    assert [r.status for r in summary.results] == ["ingested"], summary.results
    return Store(StorePaths.at(root).sqlite)


def test_the_unaltered_real_documents_raise_no_alarm(real_store):
    for doc in real_store.documents():
        checks = run_checks(real_store, doc.id)
        assert [c.name for c in checks if not c.passed] == [], doc.title
        assert {"说明与表格", "比较用语", "身份"} <= {c.category for c in checks}


@pytest.mark.parametrize("error", ["narrative_figure", "comparison_word", "header_department", "title_department",
                                   "title_year", "dropped_table", "altered_total"])
def test_each_planted_error_is_found(real_store, error):
    docs = real_store.documents()
    tried = found = 0
    for doc in docs:
        other = plant.other_department(docs, doc)
        for mutate in plant.candidates(real_store, doc, run_checks(real_store, doc.id), other)[error][:5]:
            before = plant._failing(real_store, doc)
            category = mutate(real_store)
            after = run_checks(real_store, doc.id, completeness=True)
            real_store.db.rollback()
            tried += 1
            found += any(not c.passed and c.category == category and plant._key(c) not in before for c in after)
    assert tried >= 3 and found == tried


def test_a_cited_cell_of_an_altered_total_brings_its_note(real_store, tmp_path):
    shutil.copy(real_store.path, tmp_path / "copy.sqlite")
    store = Store(tmp_path / "copy.sqlite")
    doc = store.documents()[0]
    check = next(c for c in run_checks(store, doc.id) if c.category == "表内" and c.passed)
    cell = check.cells[0]
    assert notes_for_cells(store, doc.id, [cell.id]) == []
    store.execute("UPDATE records SET value = ? WHERE id = ?", (f"{cell.value + 5:f}", cell.id))
    notes = notes_for_cells(store, doc.id, [cell.id])
    assert notes and all(n.note.startswith("注意：") and n.note.endswith("见 budgetqa check") for n in notes)
    assert "相差5" in notes[0].note
    by_position = notes_for_cells(store, doc.id, [(cell.table, cell.row, cell.column)])
    assert [n.check.name for n in by_position] == [n.check.name for n in notes]


@pytest.mark.parametrize(("parent", "parts", "split"), [
    ("公务用车购置及运行费", ["公务用车购置", "公务用车运行费"], True),
    ("小计", ["2026年政府采购项目中预留给中小企业的项目资金规模", "2026年政府采购项目中预留给小型、微型企业的项目资金规模"], False),
    ("公务用车购置及运行费", ["公务用车购置"], False),
])
def test_other_columns_split_their_parent_only_when_siblings(parent, parts, split):
    assert siblings(parent, parts) is split
