"""`budgetqa list`: the documents of a store, one DESIGN.md document line each (plus `empty`, `chunks`),
or one readable Chinese line each; counted by SQL."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.pipeline import ingest_paths, os_user
from ingest.store.listing import DocumentEntry, list_documents
from ingest.store.storage import StorePaths
from ingest.store.store import Store
from ingest.tables.kinds import mandated_kinds

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_TXT = ROOT / "ingest" / "samples" / "changsha-gxj-2024.txt"
SANGONG = "## 2024年一般公共预算“三公”经费支出情况表"
FUND_TITLE = "2024年政府性基金预算支出情况表"
OTHER_TITLE = "2024年部门其他事项情况表"  # a title no kind rule knows
DESIGN_KEYS = ["source", "sha256", "department", "year", "kind", "level", "pages", "tables", "records", "lacks"]


def altered_sample() -> str:
    """The sample without its 三公 table, its 政府性基金 table retitled to a title no rule knows."""
    text = SAMPLE_TXT.read_text(encoding="utf-8")
    text = text[:text.index(SANGONG)] + text[text.index("## " + FUND_TITLE):]
    return text.replace(FUND_TITLE, OTHER_TITLE)


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("listing")
    altered = root / "altered.txt"
    altered.write_text(altered_sample(), encoding="utf-8")
    summary = ingest_paths([SAMPLE_TXT, altered], root / "store")
    assert [r.status for r in summary.results] == ["ingested", "ingested"], summary.results
    return root / "store"


def _list(store_dir: Path, *flags: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "chatbot.cli", "list", "--store", str(store_dir), *flags],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)


@pytest.fixture(scope="module")
def lines(store_dir) -> list[dict]:
    proc = _list(store_dir, "--json")
    assert proc.returncode == 0, proc.stderr
    return [json.loads(ln) for ln in proc.stdout.splitlines()]


def test_json_line_is_the_design_document_line_then_empty_chunks_unread_pages_and_the_version(lines):
    assert [list(ln) for ln in lines] == [DESIGN_KEYS + ["empty", "chunks", "unread_pages", "added_at", "added_by",
                                                         "version", "versions"]] * 2
    sample = lines[0]
    assert {k: sample[k] for k in ("source", "department", "year", "kind", "level")} == {
        "source": "changsha-gxj-2024.txt", "department": "长沙市工业和信息化局", "year": 2024, "kind": "预算",
        "level": "部门"}
    assert sample["lacks"] == [] and sample["empty"] == ["政府性基金"]
    assert sample["tables"]["三公经费"] == 1 and sum(sample["tables"].values()) == 10
    # the altered file is other content for the same disclosure: a second version, beside the first
    assert [(ln["version"], ln["versions"], ln["added_by"]) for ln in lines] == [(1, 2, os_user()), (2, 2, os_user())]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", ln["added_at"]) for ln in lines)


def test_a_document_without_a_mandated_table_lacks_it_by_name(lines):
    altered = lines[1]
    assert altered["lacks"] == ["三公经费", "政府性基金"]
    assert "三公经费" not in altered["tables"] and altered["tables"][OTHER_TITLE] == 1  # kept by its title
    assert altered["empty"] == []  # a table no rule knows is not a kind


def test_counts_agree_with_the_store(store_dir, lines):
    store = Store(StorePaths.at(store_dir).sqlite)
    for doc, line in zip(store.documents(), lines):
        assert line["sha256"] == doc.sha256 and line["pages"] == doc.pages
        assert line["records"] == len(store.records("r.document_id = ?", (doc.id,)))
        assert line["chunks"] == len(store.chunks([doc.id]))
        assert sum(line["tables"].values()) == len(store.tables(doc.id))


def test_text_lines_say_what_each_document_lacks(store_dir):
    proc = _list(store_dir)
    assert proc.returncode == 0, proc.stderr
    first, second, summary = proc.stdout.splitlines()
    assert first.startswith("changsha-gxj-2024.txt  长沙市工业和信息化局  2024年 部门预算  39页  表10张：收支总表、")
    assert first.endswith("必需表齐全；空表：政府性基金")
    assert second.startswith("altered.txt  ") and f"「{OTHER_TITLE}」" in second
    assert second.endswith("缺少必需表2张：三公经费、政府性基金")
    assert summary == "共2份文档；1份缺少必需表"


def test_a_narrative_only_document_lacks_all_the_tables_plainly():
    entry = DocumentEntry("附件1情况说明.pdf", "0" * 64, "北京市审计局", 2026, "预算", "部门", 10, {}, 0,
                          mandated_kinds("预算"), [], 12)
    assert entry.render_text() == ("附件1情况说明.pdf  北京市审计局  2026年 部门预算  10页  表0张  记录0条  说明12段  "
                                   "sha256 00000000  无表格（仅说明文字），缺少全部8张必需表")


def test_list_documents_is_the_library_behind_the_command(store_dir, lines):
    entries = list_documents(Store(StorePaths.at(store_dir).sqlite))
    assert [e.to_json() for e in entries] == lines


def test_list_without_a_store_is_one_error_line(tmp_path):
    proc = _list(tmp_path / "nothing")
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.strip() == f"error: {tmp_path / 'nothing'}: no store here (run `budgetqa ingest` first)"


def test_list_finds_the_sqlite_file_where_the_store_puts_it(tmp_path):
    from chatbot.cli import SQLITE_NAME, store_root

    assert store_root(str(tmp_path)) / SQLITE_NAME == StorePaths.at(tmp_path).sqlite


def test_list_help_ends_with_an_example():
    proc = subprocess.run([sys.executable, "-m", "chatbot.cli", "list", "--help"], capture_output=True, text=True,
                          timeout=60, cwd=ROOT)
    assert proc.stdout.rstrip().splitlines()[-3:][0] == "Example:"
