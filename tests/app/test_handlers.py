"""The app's handlers over a real store (the sample ingested once) and the real question service; the
consistency checks also over a tampered copy of the sample's text form, the evaluation on five questions."""
from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pytest
from appserver import several_documents_store

import app
import app_catalogue
import app_eval
from app_tables import CHECK_HEADERS
from eval.runner import run_eval
from ingest.pipeline import ingest_paths

DOC = "长沙市工业和信息化局2024年部门预算"
GPB_TABLE = "2024年一般公共预算支出情况表"
SANGONG_TABLE = "2024年一般公共预算“三公”经费支出情况表"
SAMPLE_TXT = app_catalogue.SAMPLE_PDF.with_suffix(".txt")  # the sample in text form
TAMPERED_LINE = 349  # the 三公 table's 合计 row: 104.20 becomes 140.20

RESULT = CHECK_HEADERS.index("结果")   # the ✓/✗ column of the checks table


@pytest.fixture(scope="module")
def budget_app(tmp_path_factory, store_dir) -> app.BudgetApp:
    """The app over a copy of the session's sample store (an upload test writes to it)."""
    root = shutil.copytree(store_dir, tmp_path_factory.mktemp("store") / "store")
    return app.BudgetApp(root, download_dir=tmp_path_factory.mktemp("downloads"))


@pytest.fixture(scope="module")
def tampered_app(tmp_path_factory) -> app.BudgetApp:
    """A store holding the sample's text form with the 三公 合计 小计 changed from 104.20 to 140.20."""
    folder = tmp_path_factory.mktemp("tampered")
    lines = SAMPLE_TXT.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[TAMPERED_LINE - 1].startswith("合计\t104.20\t"), lines[TAMPERED_LINE - 1]
    lines[TAMPERED_LINE - 1] = lines[TAMPERED_LINE - 1].replace("104.20", "140.20", 1)
    path = folder / "changsha-gxj-2024-tampered.txt"
    path.write_text("".join(lines), encoding="utf-8")
    summary = ingest_paths([path], folder / "store")
    assert [r.status for r in summary.results] == ["ingested"], summary.results
    return app.BudgetApp(folder / "store", download_dir=folder / "downloads")


@pytest.mark.slow
def test_chat_answers_with_the_figure_and_its_sources(budget_app):
    answer, sources, original, *page = budget_app.chat("三公经费是多少？", [])   # then 下载此页 and 查看整页
    assert "104.20" in answer.content
    assert sources.metadata["title"] == "来源"
    assert "“三公”经费支出情况表" in sources.content
    assert original.metadata["title"] == "原文：第19页" and original.metadata["status"] == "done"  # folded
    image = Path(original.content["path"])
    assert image.is_relative_to(budget_app.download_dir / "pages") and image.stat().st_size > 10_000


@pytest.mark.slow
def test_chat_makes_a_refusal_plain(budget_app):
    [answer] = budget_app.chat("北京市教委2024年预算是多少？", [])
    assert answer.content.startswith("**没有找到答案。**")


@pytest.mark.slow
def test_search_lists_one_row_per_item_and_writes_the_csv_named_after_the_query(budget_app):
    table, path, status = budget_app.search("行政运行", None, None)
    headers, rows = table[0], table[1:]
    assert headers[:8] == ["部门", "年度", "预算/决算", "表", "页", "行", "编码", "单位"]
    gpb = [r for r in rows if r[3] == GPB_TABLE]
    assert len(gpb) == 1, gpb  # one row for the printed row, its columns side by side
    assert gpb[0][:8] == ["长沙市工业和信息化局", "2024年", "预算", GPB_TABLE, "15", "行政运行", "2150501", "万元"]
    assert "2,466.28" in gpb[0][8:]
    assert status.startswith(f"共 {len(rows)} 项")
    assert Path(path).name == "数据查询-全部文档-行政运行.csv"
    with Path(path).open(encoding="utf-8-sig", newline="") as f:
        lines = list(csv.reader(f))
    assert lines[0] == headers and len(lines) == len(rows) + 1
    assert "2466.28" in next(r for r in lines if r[3] == GPB_TABLE)[8:]


@pytest.mark.slow
def test_search_by_code_prefix_and_table_filter(budget_app):
    table, path, _ = budget_app.search("2150501", DOC, GPB_TABLE)
    assert table[1:] and all(r[3] == GPB_TABLE and r[6] == "2150501" for r in table[1:])
    assert Path(path).name == f"数据查询-{DOC}-{GPB_TABLE}-2150501.csv"


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
def test_the_catalogue_lists_each_document_with_its_tables_what_it_lacks_and_its_checks(budget_app):
    [row] = budget_app.documents()
    department, year, kind, level, pages, tables, lacks, verdict, source, sha, version, added = row
    [doc] = budget_app.store.documents()
    assert sha == doc.sha256[:8] and version == "唯一版本"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC 由 .+ 添加", added), added  # by the OS user
    assert (department, year, kind, level, pages, source) == ("长沙市工业和信息化局", "2024年", "预算", "部门", "108",
                                                              "changsha-gxj-2024.pdf")
    assert tables.startswith("10张：") and "三公经费" in tables
    assert lacks == "空表：政府性基金"  # the sample prints an empty 政府性基金 table, lacks none
    assert re.fullmatch(r"✓ \d+ 项全部通过", verdict), verdict


@pytest.mark.slow
def test_the_landing_line_says_what_is_loaded_and_the_examples_come_from_the_store(budget_app):
    assert budget_app.loaded() == "已载入 1 份文档：长沙市工业和信息化局 2024年 部门预算。"
    examples = budget_app.examples()
    assert examples and all("长沙市工业和信息化局2024年" in q for q in examples)
    assert all(budget_app.service.ask(q).found for q in examples)


@pytest.mark.slow
def test_uploading_the_same_pdf_again_is_skipped(budget_app, sample_pdf, tmp_path):
    copy = tmp_path / "副本.pdf"
    shutil.copy(sample_pdf, copy)
    progress = []
    rows = budget_app.ingest_uploads([copy], lambda share, desc="": progress.append((share, desc)))
    assert rows == [["副本.pdf", "未变更，已跳过", "内容与已入库的文件相同"]]
    shares = [share for share, _ in progress]
    assert shares == sorted(shares) and progress[-1] == (1.0, "完成")


# -- 一致性检查 ---------------------------------------------------------------------------------------
@pytest.mark.slow
def test_check_choices_list_the_documents_by_id(budget_app):
    [(label, doc_id)] = budget_app.check_choices()
    assert label == f"{DOC}（changsha-gxj-2024.pdf）" and isinstance(doc_id, int)


@pytest.mark.slow
def test_checks_of_the_sample_all_pass(budget_app):
    [(_, doc_id)] = budget_app.check_choices()
    summary, rows, details = budget_app.checks(doc_id)
    n = len(rows)
    assert n > 100
    assert summary == f"**{DOC}**：{n} 项检查，{n} 项通过，0 项不一致。 全部一致 ✓"
    assert {"表内", "科目层级", "合计行", "表间", "说明与表格"} <= {r[0] for r in rows}  # and newer kinds (身份, 比较用语)
    assert all(r[RESULT] == "✓" for r in rows)  # a passed check may differ within its rounding tolerance
    assert details == ""


@pytest.mark.slow
def test_checks_without_a_chosen_document_ask_for_one(budget_app):
    assert budget_app.checks(None) == ("请选择要检查的文档。", [], "")
    assert budget_app.checks(999) == ("请选择要检查的文档。", [], "")


@pytest.mark.slow
def test_a_tampered_total_shows_as_failed_checks_first_with_the_cells(tampered_app):
    [(label, doc_id)] = tampered_app.check_choices()
    assert label.endswith("（changsha-gxj-2024-tampered.txt）")
    summary, rows, details = tampered_app.checks(doc_id)
    n = len(rows)
    assert summary == f"**{DOC}**：{n} 项检查，{n - 2} 项通过，2 项不一致。"
    failed, passed = rows[:2], rows[2:]
    assert all(r[RESULT] == "✗" for r in failed) and all(r[RESULT] == "✓" for r in passed)
    within = next(r for r in failed if r[0] == "表内")
    assert within[1].startswith(f"{SANGONG_TABLE}「合计」小计 = 公务接待费")
    assert within[2:] == ["140.20", "104.20", "-36.00", "万元", "✗"]
    narrative = next(r for r in failed if r[0] == "说明与表格")
    assert "104.20万元" in narrative[1] and narrative[2:4] == ["140.20", "104.20"]
    # the cells of the failed checks: the 三公 合计 小计 cell (page 11) and the parts it should add up to
    assert details.startswith("### 不一致的检查（2 项）")
    assert "| 表 | 页 | 行 | 编码 | 列 | 数值 |" in details
    assert f"| {SANGONG_TABLE} | 11 | 合计 |  | 三公经费预（决）算数（财政拨款）/小计 | 140.20 |" in details
    assert "| 三公经费预（决）算数（财政拨款）/公务接待费 | 2.95 |" in details
    assert "“三公”经费预算数为104.20万元" in details and "第 1 页" in details


# -- 评测 -------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_quick_evaluation_scores_budgetqa_per_category_and_writes_the_reports(budget_app, small_questions,
                                                                             monkeypatch):
    monkeypatch.setattr(budget_app, "questions_path", small_questions)
    progress = []
    line, rows, md, js = budget_app.evaluate(True, lambda value, desc="", unit="steps":
                                             progress.append((value, desc, unit)))
    assert line.startswith("**5 道题**（small.jsonl），用时 ")
    assert "- **budgetqa**：准确率 " in line and "baseline" not in line
    assert [r[:3] for r in rows] == [["查单项", "budgetqa", "2"], ["求和", "budgetqa", "1"],
                                     ["说明文字", "budgetqa", "1"], ["应拒答", "budgetqa", "1"],
                                     ["总体", "budgetqa", "5"]]
    assert all(len(r) == len(app_eval.EVAL_HEADERS) for r in rows)
    assert rows[0][3].endswith("%") and " / " in rows[-1][8]
    assert progress[-1] == ((5, 5), "budgetqa", "题")
    assert all(unit == "题" for value, _, unit in progress if isinstance(value, tuple))
    assert md.read_text(encoding="utf-8").startswith("# budgetqa 评测报告 —— small.jsonl")
    assert set(json.loads(js.read_text(encoding="utf-8"))["systems"]) == {"budgetqa"}
    assert md.parent == budget_app.download_dir / "eval"


@pytest.mark.slow
def test_evaluation_runs_in_a_store_of_its_own_which_documents_of_the_app_do_not_change(
        budget_app, small_questions, sample_pdf, tmp_path):
    crowded = several_documents_store(tmp_path / "crowded", sample_pdf)  # the sample and 3 more documents
    beside = app.BudgetApp(crowded, download_dir=budget_app.download_dir, questions_path=small_questions)
    alone = app.BudgetApp(budget_app.store_dir, download_dir=budget_app.download_dir, questions_path=small_questions)
    line, rows, _, js = alone.evaluate(True)
    crowded_line, crowded_rows, _, _ = beside.evaluate(True)
    figures = [r[:-1] for r in rows]  # all but the latency
    assert [r[:-1] for r in crowded_rows] == figures and figures[-1][3] == "100.0%", (rows, crowded_rows)
    [store] = [p for p in (budget_app.download_dir / app_eval.EVAL_STORES).iterdir() if p.is_dir()]  # built once
    assert f"语料：内置示例 {app_eval.escape_text(sample_pdf.name)}，导入评测专用库 {store.name}" in line
    assert f"评测专用库 {store.name}" in crowded_line
    assert json.loads(js.read_text(encoding="utf-8"))["store"] == str(store)
    mixed = run_eval(crowded, small_questions, systems=["budgetqa"])  # the crowded store itself scores lower
    assert mixed.accuracy() is not None and mixed.accuracy() < 1.0
    assert len(beside.store.documents()) == 4 and len(alone.store.documents()) == 1  # neither store written


@pytest.mark.slow
def test_full_evaluation_puts_budgetqa_and_the_baseline_side_by_side(budget_app, small_questions, monkeypatch):
    monkeypatch.setattr(budget_app, "questions_path", small_questions)
    progress = []
    line, rows, _, js = budget_app.evaluate(False, lambda value, desc="", unit="steps": progress.append(value))
    assert "- **budgetqa**：" in line and "- **基线**：" in line
    assert [r[:2] for r in rows if r[0] == "总体"] == [["总体", "budgetqa"], ["总体", "基线"]]
    assert progress[-1] == (10, 10)
    assert set(json.loads(js.read_text(encoding="utf-8"))["systems"]) == {"budgetqa", "baseline"}


@pytest.mark.slow
def test_a_broken_question_file_is_reported_in_the_page(budget_app, tmp_path, monkeypatch):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "category": "<b>nope</b>"}\n', encoding="utf-8")
    monkeypatch.setattr(budget_app, "questions_path", bad)
    line, rows, md, js = budget_app.evaluate(True)
    assert line.startswith("评测没有完成：QuestionError: bad.jsonl:1: ") and "<b>" not in line
    assert str(tmp_path) not in line  # no server path in the page
    assert (rows, md, js) == ([], None, None)


@pytest.mark.slow
@pytest.mark.parametrize("earlier", ["2024年三公经费是多少？", [{"type": "text", "text": "2024年三公经费是多少？"}]])
def test_chat_follow_up_borrows_from_the_sessions_history(budget_app, earlier):
    history = [{"role": "user", "content": earlier}, {"role": "assistant", "content": "三公经费104.20万元"}]
    direct = budget_app.service.ask("2024年公务接待费是多少")
    answer = budget_app.chat("其中公务接待费呢？", history)[0]
    assert direct.found and "沿用上一问" in answer.content
    assert direct.values[0].value.rstrip("0").rstrip(".") in answer.content.replace(",", "")


@pytest.mark.slow
def test_chat_greeting_says_what_is_held(budget_app):
    answer = budget_app.chat("你好", [])[0]
    assert "库中有" in answer.content and DOC.replace("2024年部门预算", "") in answer.content
