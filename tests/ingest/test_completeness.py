"""Completeness (完整性): every table a disclosure of its kind must publish is there; a missing one fails
naming its kind, an empty one (no figure other than zero) is reported empty and passes."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.checks import run_checks
from ingest.checks.completeness import TableCount, completeness_checks, table_checks
from ingest.pipeline import ingest_paths
from ingest.store.storage import StorePaths
from ingest.store.store import Store
from ingest.tables.kinds import mandated_kinds

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_TXT = ROOT / "ingest" / "samples" / "changsha-gxj-2024.txt"
SANGONG = "## 2024年一般公共预算“三公”经费支出情况表"
FUND = "## 2024年政府性基金预算支出情况表"
INCOME, EXPENDITURE = "## 2024年部门收入总体情况表", "## 2024年部门支出总体情况表"


def without_sangong_and_income_zeroed() -> str:
    """The sample's text form without its 三公 table, and with every figure of its 收入总表 printed 0.00."""
    text = SAMPLE_TXT.read_text(encoding="utf-8")
    text = text[:text.index(SANGONG)] + text[text.index(FUND):]
    start, end = text.index(INCOME), text.index(EXPENDITURE)
    zeroed = re.sub(r"\d[\d,]*\.\d\d", "0.00", text[start:end])
    return text[:start] + zeroed + text[end:]


def _ingest(store_dir: Path, files: dict[str, str]) -> Store:
    for name, text in files.items():
        path = store_dir.parent / name
        path.write_text(text, encoding="utf-8")
        result = ingest_paths([path], store_dir).results[0]
        assert result.status == "ingested", result.reason
    return Store(StorePaths.at(store_dir).sqlite)


@pytest.fixture(scope="module")
def altered_store(tmp_path_factory) -> Path:
    store_dir = tmp_path_factory.mktemp("completeness") / "store"
    _ingest(store_dir, {"no-sangong.txt": without_sangong_and_income_zeroed()})
    return store_dir


@pytest.fixture(scope="module")
def altered_checks(altered_store):
    store = Store(StorePaths.at(altered_store).sqlite)
    return [c for c in run_checks(store, completeness=True) if c.category == "完整性"]


def test_the_sample_pdf_holds_every_mandated_budget_table(store_dir):
    store = Store(StorePaths.at(store_dir).sqlite)
    checks = completeness_checks(store, store.documents()[0])
    assert [c.kind for c in checks] == mandated_kinds("预算")
    assert all(c.passed for c in checks)
    assert {c.kind: c.status for c in checks if c.status != "present"} == {"政府性基金": "empty"}


def test_a_missing_mandated_table_fails_naming_its_kind(altered_checks):
    failed = [c for c in altered_checks if not c.passed]
    assert [(c.kind, c.status, c.name) for c in failed] == [("三公经费", "missing", "应公开「三公经费」表：缺少")]
    assert failed[0].difference == -1


@pytest.mark.parametrize("kind", ["收入总表", "政府性基金"])  # all 0.00 / no rows at all
def test_an_empty_mandated_table_is_reported_empty_not_failed(kind, altered_checks):
    check = next(c for c in altered_checks if c.kind == kind)
    assert check.passed and check.status == "empty" and check.money == 0 and check.tables == 1
    assert check.name == f"应公开「{kind}」表：已公开，空表（无金额）"


def test_completeness_is_a_group_of_its_own_asked_for_by_name(altered_store):
    store = Store(StorePaths.at(altered_store).sqlite)
    assert "完整性" not in {c.category for c in run_checks(store)}
    with_it = run_checks(store, completeness=True)
    assert [c.category for c in with_it[:len(mandated_kinds("预算"))]] == ["完整性"] * len(mandated_kinds("预算"))


@pytest.mark.parametrize("document_kind, lacks", [
    ("预算", []),
    ("决算", ["国有资本经营"]),  # a 决算 must also publish the 国有资本经营 table
])
def test_the_mandated_set_follows_the_document_kind(document_kind, lacks):
    held = {k: TableCount(1, 5) for k in mandated_kinds("预算")}
    checks = table_checks(document_kind, held)
    assert [c.kind for c in checks if c.status == "missing"] == lacks


def test_check_cli_marks_missing_and_empty_tables_and_exits_1(altered_store):
    proc = subprocess.run([sys.executable, "-m", "chatbot.cli", "check", "--store", str(altered_store)],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert "✗ [完整性] 应公开「三公经费」表：缺少" in lines
    assert "○ [完整性] 应公开「政府性基金」表：已公开，空表（无金额）" in lines
    assert "✓ [完整性] 应公开「收支总表」表：已公开（1 张）" in lines
    assert "缺少必需表 1 张：三公经费（空表：收入总表、政府性基金）" in lines[-1]


def test_check_cli_json_carries_the_status_of_each_mandated_table(altered_store):
    proc = subprocess.run([sys.executable, "-m", "chatbot.cli", "check", "--json", "--failed",
                           "--store", str(altered_store)], capture_output=True, text=True, timeout=120, cwd=ROOT)
    rows = [json.loads(ln) for ln in proc.stdout.splitlines()]
    missing = [r for r in rows if r["category"] == "完整性"]
    assert [(r["table_kind"], r["status"], r["passed"], r["tables"]) for r in missing] == [
        ("三公经费", "missing", False, 0)]
