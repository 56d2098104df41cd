"""Consistency checks (勾稽关系) on real stores: the sample adds up; tampered copies are caught
with exactly the tampered cell."""
from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from ingest.checks import run_checks
from ingest.pipeline import ingest_paths
from ingest.store.storage import StorePaths
from ingest.store.store import Store

SAMPLE_TXT = Path(__file__).resolve().parents[2] / "ingest" / "samples" / "changsha-gxj-2024.txt"


def _checks_of(tmp_path: Path, text: str, name: str = "dept.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    store_dir = tmp_path / "store"
    summary = ingest_paths([path], store_dir)
    assert summary.results[0].status == "ingested", summary.results[0].reason
    return run_checks(Store(StorePaths.at(store_dir).sqlite))


@pytest.fixture(scope="module")
def sample_checks(store_dir):
    return run_checks(Store(StorePaths.at(store_dir).sqlite))


def test_the_sample_pdf_adds_up(sample_checks):
    failed = [c.name for c in sample_checks if not c.passed]
    assert failed == []
    categories = {c.category for c in sample_checks}
    assert categories == {"表内", "科目层级", "合计行", "表间", "说明与表格", "比较用语", "身份"}
    assert len(sample_checks) > 100


@pytest.mark.parametrize("name", [
    "2024年一般公共预算支出情况表「合计」总计 = 基本支出 + 项目支出",
    "2024年一般公共预算基本支出情况表 301「工资福利支出」总计 = 11 个下级科目之和",
    "2024年一般公共预算“三公”经费支出情况表「合计」公务用车购置及运行费 = 公务用车购置 + 公务用车运行费",
    "部门收支总表 收入总计 = 支出总计",
    "说明「“三公”经费预算数为104.20万元」= 2024年一般公共预算“三公”经费支出情况表「合计」小计",
    "长沙市制造业发展促进中心 各项目资金之和 ≤ 整体绩效目标表 项目支出",
])
def test_named_checks_are_run_and_pass(name, sample_checks):
    assert [c.passed for c in sample_checks if c.name.replace("其中：", "") == name] == [True]


def _tamper(line_no: int, old: str, new: str, nth: int = 1) -> str:
    lines = SAMPLE_TXT.read_text(encoding="utf-8").splitlines()
    cells = lines[line_no - 1].split("\t")
    hits = [i for i, c in enumerate(cells) if c == old]
    cells[hits[nth - 1]] = new
    lines[line_no - 1] = "\t".join(cells)
    return "\n".join(lines) + "\n"


def _cells(check) -> set[tuple[str, str, str, Decimal | None]]:
    return {(c.table, c.row, c.column.split("/")[-1], c.value) for c in check.cells}


def test_the_text_form_adds_up_too(tmp_path):
    checks = _checks_of(tmp_path, SAMPLE_TXT.read_text(encoding="utf-8"))
    assert [c.name for c in checks if not c.passed] == []


def test_a_tampered_expenditure_cell_is_flagged_with_exactly_that_cell(tmp_path):
    # 一般公共预算支出情况表, row 行政运行, column 基本支出: 2,466.28 → 2,466.82
    checks = _checks_of(tmp_path, _tamper(269, "2,466.28", "2,466.82", nth=2))
    failed = [c for c in checks if not c.passed]
    assert len(failed) >= 3
    common = set.intersection(*(_cells(c) for c in failed))
    assert common == {("2024年一般公共预算支出情况表", "行政运行", "基本支出", Decimal("2466.82"))}
    categories = {c.category for c in failed}
    assert {"表内", "科目层级", "表间"} <= categories
    row_check = next(c for c in failed if c.category == "表内")
    assert row_check.difference == Decimal("0.54")


def test_a_tampered_sangong_total_is_flagged_against_its_parts_and_the_narrative(tmp_path):
    # 三公 table, 合计 row, 小计: 104.20 → 140.20
    checks = _checks_of(tmp_path, _tamper(349, "104.20", "140.20"))
    failed = [c for c in checks if not c.passed]
    common = set.intersection(*(_cells(c) for c in failed))
    assert common == {("2024年一般公共预算“三公”经费支出情况表", "合计", "小计", Decimal("140.20"))}
    assert {"表内", "说明与表格"} <= {c.category for c in failed}
    narrative = next(c for c in failed if c.category == "说明与表格")
    assert narrative.quote is not None and "104.20万元" in narrative.quote.text


def test_check_cli_prints_every_check_and_exits_1_on_a_mismatch(tmp_path):
    path = tmp_path / "dept.txt"
    path.write_text(_tamper(349, "104.20", "140.20"), encoding="utf-8")
    store = tmp_path / "store"
    ingest_paths([path], store)
    proc = subprocess.run([sys.executable, "-m", "chatbot.cli", "check", "--json", "--store", str(store)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    lines = [json.loads(ln) for ln in proc.stdout.splitlines()]
    assert len(lines) > 100
    bad = [ln for ln in lines if not ln["passed"]]
    assert bad and all({"category", "name", "expected", "actual", "difference", "cells"} <= set(ln) for ln in bad)
    assert any(cell["value"] == "140.20" for ln in bad for cell in ln["cells"])
