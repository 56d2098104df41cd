"""The app's handlers over a real store (the sample ingested once) and the real question service."""
from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

import app
from ingest.pipeline import ingest_paths

DOC = "长沙市工业和信息化局2024年部门预算"
GPB_TABLE = "2024年一般公共预算支出情况表"


@pytest.fixture(scope="module")
def budget_app(tmp_path_factory, sample_pdf) -> app.BudgetApp:
    root = tmp_path_factory.mktemp("store")
    summary = ingest_paths([sample_pdf], root)
    assert [r.status for r in summary.results] == ["ingested"], summary.results
    return app.BudgetApp(root, download_dir=tmp_path_factory.mktemp("downloads"))


@pytest.mark.slow
def test_chat_answers_with_the_figure_and_its_sources(budget_app):
    answer, sources = budget_app.chat("三公经费是多少？", [])
    assert "104.20" in answer.content
    assert sources.metadata["title"] == "来源"
    assert "“三公”经费支出情况表" in sources.content


@pytest.mark.slow
def test_chat_makes_a_refusal_plain(budget_app):
    [answer] = budget_app.chat("北京市教委2024年预算是多少？", [])
    assert answer.content.startswith("**没有找到答案。**")


@pytest.mark.slow
def test_search_lists_records_and_writes_the_csv(budget_app):
    rows, path, status = budget_app.search("行政运行", None, None)
    assert [DOC, GPB_TABLE, 15, "行政运行", "2150501", "基本支出", "2466.28", "万元"] in rows
    assert status == f"共 {len(rows)} 条记录。"
    with Path(path).open(encoding="utf-8-sig", newline="") as f:
        assert len(list(csv.reader(f))) == len(rows) + 1


@pytest.mark.slow
def test_search_by_code_prefix_and_table_filter(budget_app):
    rows, _, _ = budget_app.search("2150501", DOC, GPB_TABLE)
    assert rows and all(r[1] == GPB_TABLE and r[4] == "2150501" for r in rows)


@pytest.mark.slow
def test_search_without_a_keyword_asks_for_one(budget_app):
    rows, path, status = budget_app.search("  ", DOC, None)
    assert rows == [] and path is None and "请输入关键词" in status


@pytest.mark.slow
def test_search_with_no_match_says_so(budget_app):
    assert budget_app.search("没有这个科目", None, None) == ([], None, "没有找到匹配的记录。")


@pytest.mark.slow
def test_filter_choices_list_the_documents_and_their_tables(budget_app):
    assert budget_app.document_choices() == [("全部文档", ""), (DOC, DOC)]
    tables = [value for _, value in budget_app.table_choices(DOC)]
    assert tables[0] == "" and GPB_TABLE in tables and len(tables) == 11


@pytest.mark.slow
def test_documents_lists_department_year_kind_and_counts(budget_app):
    assert budget_app.documents() == [["长沙市工业和信息化局", 2024, "预算", 108, 10, 1363, "changsha-gxj-2024.pdf"]]


@pytest.mark.slow
def test_uploading_the_same_pdf_again_is_skipped(budget_app, sample_pdf, tmp_path):
    copy = tmp_path / "副本.pdf"
    shutil.copy(sample_pdf, copy)
    progress = []
    rows = budget_app.ingest_uploads([copy], lambda value, desc="": progress.append((value, desc)))
    assert rows == [["副本.pdf", "未变更，已跳过", "内容与已入库的文件相同"]]
    assert progress[0] == ((0, 1), "正在入库 副本.pdf（1/1）") and progress[-1] == ((1, 1), "完成")
