"""The app's adapter functions, without a server: escaping, sources, rows, CSV, upload checks, the
consistency-check and evaluation tables."""
from __future__ import annotations

import csv
import html
import re
from decimal import Decimal
from pathlib import Path

import pytest

import app
import app_catalogue
import app_chat
import app_eval
import app_tables
import app_text
from chatbot.answer import Answer, Citation, Value
from eval.runner import EvalReport, SystemRun
from ingest.checks import Check
from ingest.pipeline import FileResult
from ingest.store.store import StoredChunk, StoredRecord

DOC = "长沙市工业和信息化局2024年部门预算"
SANGONG = "2024年一般公共预算“三公”经费支出情况表"


def _answer(citations: list[Citation], found: bool = True, text: str = "2024年“三公”经费预算104.20万元。") -> Answer:
    return Answer(question="三公经费是多少？", answer=text, found=found,
                  values=[Value("三公经费合计", "104.20", "万元")], citations=citations)


def _record(**kw) -> StoredRecord:
    base = dict(id=1, document_id=1, document=DOC, department="长沙市工业和信息化局", year=2024, kind="预算",
                table="2024年一般公共预算支出情况表", table_number=5, page=15, row_number=4, row="行政运行",
                code="2150501", column="基本支出", value=Decimal("2466.28"), text=None, unit="万元", side=None,
                group=None)
    base.update(kw)
    return StoredRecord(**base)


@pytest.mark.parametrize("raw", [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
])
def test_escape_text_leaves_no_html_tag(raw):
    out = app_text.escape_text(raw)
    assert "<" not in out and ">" not in out
    assert "&lt;" in out


@pytest.mark.parametrize("raw, expected", [
    ("**粗体**", r"\*\*粗体\*\*"),
    ("[链接](javascript:alert(1))", r"\[链接\]\(javascript:alert\(1\)\)"),
    ("a|b", r"a\|b"),
    ("$$x$$", r"\$\$x\$\$"),
    ("`code`", r"\`code\`"),
    ("104.20", "104.20"),
    ("长沙市工业和信息化局", "长沙市工业和信息化局"),
])
def test_escape_text_neutralises_markdown(raw, expected):
    assert app_text.escape_text(raw) == expected


def test_a_citation_with_a_script_renders_escaped_in_the_sources():
    evil = Citation(document=DOC, page=19, table="<script>alert(1)</script>", row="合计", column="小计",
                    value="104.20")
    md = app_chat.format_sources(_answer([evil]))
    assert "<script>" not in md
    assert html.escape("<script>") in md


def test_sources_table_has_the_header_and_one_line_per_cited_cell():
    cites = [Citation(document=DOC, page=19, table=SANGONG, row="合计", column="小计", value="104.20", unit="万元"),
             Citation(document=DOC, page=19, table=SANGONG, row="公务用车购置及运行费", column="小计",
                      value="60.00", unit="万元")]
    lines = app_chat.format_sources(_answer(cites)).splitlines()
    assert lines[0] == "| 文档 | 表 | 页 | 行 | 列 | 数值 | 单位 |"
    assert lines[1] == "|---|---|---:|---|---|---:|---|"
    assert lines[2] == f"| {DOC} | {SANGONG} | 19 | 合计 | 小计 | 104.20 | 万元 |"
    assert len(lines) == 4


def test_sources_show_the_subject_code_after_the_row_label():
    cite = Citation(document=DOC, page=15, table="2024年一般公共预算支出情况表", row="行政运行", code="2150501",
                    column="基本支出", value="2466.28")
    assert "| 行政运行（2150501） | 基本支出 | 2,466.28 |" in app_chat.format_sources(_answer([cite]))


def test_a_pipe_in_a_cell_does_not_split_the_sources_table():
    cite = Citation(document=DOC, page=1, table="表|一", row="a|b", column="c", value="1")
    row = app_chat.format_sources(_answer([cite])).splitlines()[2]
    assert row.count(" | ") == 6


def test_narrative_citations_are_quoted_with_their_section_and_page():
    cite = Citation(document=DOC, page=5, section="三、一般公共预算“三公”经费支出情况",
                    text="2024年“三公”经费预算104.20万元<b>。")
    md = app_chat.format_sources(_answer([cite]))
    assert md.startswith("> 「2024年“三公”经费预算104.20万元&lt;b&gt;。」")
    assert "第 5 页" in md and "三公”经费支出情况" in md
    assert "| 文档 |" not in md


def test_a_sentence_the_answer_quotes_is_not_quoted_again_in_the_sources():
    sentence = "2024年本部门机关运行经费494.25万元，比上年预算减少36.45万元。"
    cite = Citation(document=DOC, page=6, section="六、其他重要事项的情况说明 › （一）机关运行经费", text=sentence)
    answer = _answer([cite], text=f"机关运行经费：494.25万元。据「（一）机关运行经费」（第6页）：「{sentence}」")
    answer_msg, sources_msg = app_chat.answer_messages(answer)
    shown = answer_msg.content + sources_msg.content
    assert shown.count("494.25万元，比上年") == 1
    assert sources_msg.content == f"> {DOC} › 六、其他重要事项的情况说明 › （一）机关运行经费，第 6 页"


def test_a_sentence_the_answer_does_not_quote_stays_quoted_in_the_sources():
    cite = Citation(document=DOC, page=6, section="（一）机关运行经费", text="机关运行经费494.25万元。")
    md = app_chat.format_sources(_answer([cite], text="机关运行经费494.25万元（第6页）。"))
    assert md.startswith("> 「机关运行经费494.25万元。」")


def test_answer_messages_put_the_sources_in_a_collapsible_block():
    cite = Citation(document=DOC, page=19, table=SANGONG, row="合计", column="小计", value="104.20")
    answer_msg, sources_msg = app_chat.answer_messages(_answer([cite]))
    assert "104.20" in answer_msg.content
    assert not answer_msg.metadata
    assert sources_msg.metadata["title"] == "来源"
    assert SANGONG in sources_msg.content


def test_an_answer_without_citations_has_no_sources_block():
    assert len(app_chat.answer_messages(_answer([]))) == 1


def test_a_refusal_says_plainly_that_nothing_was_found():
    text = app_chat.format_answer(_answer([], found=False, text="已入库的文件中没有找到“差旅费”的数据。"))
    assert text.startswith("**没有找到答案。**")
    assert "差旅费" in text


def test_the_answer_text_is_escaped():
    text = app_chat.format_answer(_answer([], text="<script>alert(1)</script>104.20万元"))
    assert "<script>" not in text and "&lt;script&gt;" in text


def test_an_answer_across_documents_shows_its_table_with_cells_escaped():
    """A ranking across departments carries a table (header, rows); the app renders it as Markdown,
    each cell escaped like any text from a document."""
    answer = _answer([], text="2024年三公经费最多的部门是甲局：98.14万元。")
    answer.table = [["名次", "部门", "三公经费（万元）"], ["1", "甲局<img src=x onerror=alert(1)>", "98.14"],
                    ["2", "乙局|丙", "12.00"]]
    text = app_chat.format_answer(answer)
    lines = text.split("\n")
    assert "| 名次 | 部门 | 三公经费（万元） |" in lines
    assert any(line.startswith("| 1 | 甲局") and "98.14" in line for line in lines)
    assert "<img" not in text and "&lt;img" in text
    assert "| 2 | 乙局\\|丙 | 12.00 |" in lines                # a | in a cell is escaped: no extra column


@pytest.mark.parametrize("question, refused", [
    ("三公经费是多少？", False),
    ("问" * app_chat.MAX_QUESTION_CHARS, False),
    ("问" * (app_chat.MAX_QUESTION_CHARS + 1), True),
    ("", True),
    ("   ", True),
])
def test_question_problem_refuses_empty_and_overlong_questions(question, refused):
    assert (app_chat.question_problem(question) is not None) == refused


def test_an_overlong_question_gets_a_polite_refusal_without_asking_the_service(tmp_path):
    budget_app = app.BudgetApp(tmp_path / "store")
    budget_app._service = object()  # any call on it would fail
    [msg] = budget_app.chat("问" * 501, [])
    assert "问题太长了" in msg.content and "500" in msg.content


def test_records_become_one_row_per_item_with_its_columns_year_and_unit():
    headers, shown, exact = app_tables.records_to_items([
        _record(),
        _record(column="项目支出", value=Decimal("12345.60")),
        _record(row_number=5, row="一般行政管理事务", code="2150502", column="项目支出", value=Decimal("0.50")),
        _record(row_number=6, code=None, column="绩效目标", value=None, text="完成<b>目标</b>"),
    ])
    assert headers == app_tables.ITEM_HEADERS + ["基本支出", "项目支出", "绩效目标"]
    assert len(shown) == 3   # four cells, three printed rows
    assert shown[0] == ["长沙市工业和信息化局", "2024年", "预算", "2024年一般公共预算支出情况表", "15", "行政运行",
                        "2150501", "万元", "2,466.28", "12,345.60", ""]
    assert exact[0][-3:] == ["2466.28", "12345.60", ""]   # the CSV keeps the exact decimals
    assert shown[1][-3:] == ["", "0.50", ""] and shown[2][-1] == "完成<b>目标</b>" and shown[2][6] == ""


def test_a_row_printed_in_two_units_is_two_items():
    _, shown, _ = app_tables.records_to_items([_record(), _record(column="项目支出", unit="元")])
    assert [r[7] for r in shown] == ["万元", "元"]


@pytest.mark.parametrize("words, name", [
    (("数据查询", DOC, None, "行政运行"), f"数据查询-{DOC}-行政运行"),
    (("数据查询", "", "", " 行政/运行 ../x "), "数据查询-行政_运行_x"),
    (("<>", "?*"), "budgetqa"),
])
def test_download_names_keep_only_safe_characters(words, name):
    assert app_tables.download_name(*words) == name


def test_write_csv_is_utf8_with_bom_named_after_the_query(tmp_path):
    headers, _, rows = app_tables.records_to_items([_record()])
    path = app_tables.write_csv(rows, tmp_path / "downloads", headers, "数据查询-工信局-行政运行")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as f:
        out = list(csv.reader(f))
    assert out[0] == app_tables.ITEM_HEADERS + ["基本支出"]
    assert out[1][5] == "行政运行" and out[1][-1] == "2466.28"
    assert path.name == "数据查询-工信局-行政运行.csv" and path.parent.parent == tmp_path / "downloads"
    again = app_tables.write_csv(rows, tmp_path / "downloads", headers, "数据查询-工信局-行政运行")
    assert again.name == path.name and again != path and path.exists()  # two downloads of one name both kept


def test_upload_problem_accepts_the_sample_pdf(sample_pdf):
    assert app_catalogue.upload_problem(sample_pdf) is None


@pytest.mark.parametrize("content, reason", [
    (b"just some text, not a PDF\n", "不是 PDF 文件"),
    (b"", "空文件"),
    (b"<html><script>alert(1)</script></html>", "不是 PDF 文件"),
])
def test_upload_problem_checks_the_pdf_header_on_the_server(tmp_path, content, reason):
    path = tmp_path / "renamed.pdf"
    path.write_bytes(content)
    assert reason in app_catalogue.upload_problem(path)


def test_upload_problem_refuses_a_file_over_the_size_limit(tmp_path):
    path = tmp_path / "big.pdf"
    with path.open("wb") as f:
        f.write(b"%PDF-1.7\n")
        f.truncate(app_catalogue.MAX_UPLOAD_BYTES + 1)
    assert "文件太大" in app_catalogue.upload_problem(path)


@pytest.mark.parametrize("result, expected", [
    (FileResult("/tmp/x/a.pdf", "ingested", title=DOC, tables=10, records=1363),
     ["a.pdf", "已入库", f"{DOC}：10 张表，1363 条记录"]),
    (FileResult("/tmp/x/b.pdf", "skipped", reason="unchanged (same content already ingested)"),
     ["b.pdf", "未变更，已跳过", "内容与已入库的文件相同"]),
    (FileResult("/tmp/x/c.pdf", "error", reason="encrypted PDF"), ["c.pdf", "错误", "encrypted PDF"]),
])
def test_result_row_says_what_happened_to_each_file(result, expected):
    assert app_catalogue.result_row(result) == expected


def test_ingest_uploads_refuses_a_non_pdf_before_ingest_and_leaves_the_store_empty(tmp_path):
    fake = tmp_path / "notes.pdf"
    fake.write_text("不是PDF", encoding="utf-8")
    budget_app = app.BudgetApp(tmp_path / "store")
    rows = budget_app.ingest_uploads([fake])
    assert rows == [["notes.pdf", "错误", "不是 PDF 文件（文件开头没有 %PDF- 标记）"]]
    assert budget_app.documents() == []


def test_ensure_sample_does_nothing_when_the_store_has_documents(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(app_catalogue, "ingest_paths", lambda *a, **k: calls.append(a))
    monkeypatch.setattr(app_catalogue.Store, "documents", lambda self: ["a document"])
    app_catalogue.ensure_sample(tmp_path / "store")
    assert calls == []


def test_ensure_sample_ingests_the_bundled_sample_into_an_empty_store(tmp_path, monkeypatch, capsys):
    calls = []
    monkeypatch.setattr(app_catalogue, "ingest_paths", lambda paths, store, progress=None: calls.append((paths, store))
                        or _Summary())
    app_catalogue.ensure_sample(tmp_path / "store")
    assert calls == [([app_catalogue.SAMPLE_PDF], tmp_path / "store")]
    assert "ingesting the bundled sample" in capsys.readouterr().err


class _Summary:
    def line(self) -> str:
        return "1 file(s): 1 ingested"


def test_the_bundled_sample_is_where_the_app_looks():
    assert Path(app_catalogue.SAMPLE_PDF).is_file()


# -- 一致性检查 ---------------------------------------------------------------------------------------
def _check(passed: bool, name: str = "表「合计」小计 = 公务接待费 + 因公出国（境）费", **kw) -> Check:
    cells = kw.pop("cells", [_record(table=SANGONG, row="合计", code=None, column="小计", value=Decimal("104.20"))])
    return Check(kw.pop("category", "表内"), name, Decimal("104.20"), Decimal("104.20" if passed else "17.95"),
                 cells, **kw)


def test_check_rows_put_failed_checks_first_and_keep_the_order_otherwise():
    rows = app_tables.check_rows([_check(True, "a"), _check(False, "b"), _check(True, "c"), _check(False, "d")])
    assert [r[1] for r in rows] == ["b", "d", "a", "c"]
    assert rows[0] == ["表内", "b", "104.20", "17.95", "-86.25", "万元", "✗"]
    assert rows[2][2:] == ["104.20", "104.20", "0.00", "万元", "✓"]


def test_check_figures_have_separators():
    check = Check("表间", "收支平衡", Decimal("10465.00"), Decimal("10465.01"), [_record()])
    assert app_tables.check_rows([check])[0][2:6] == ["10,465.00", "10,465.01", "0.01", "万元"]


@pytest.mark.parametrize("passed, expected", [
    ([True, True], "**文档**：2 项检查，2 项通过，0 项不一致。 全部一致 ✓"),
    ([True, False, False], "**文档**：3 项检查，1 项通过，2 项不一致。"),
    ([], "**文档**：没有可做的检查（没有找到合计、科目层级或可对照的表）。"),
])
def test_check_summary_counts_passed_and_failed(passed, expected):
    assert app_tables.check_summary([_check(p) for p in passed], "文档") == expected


def test_check_summary_escapes_the_title():
    assert "<script>" not in app_tables.check_summary([_check(True)], "<script>alert(1)</script>")


def test_failed_details_list_each_failed_checks_cells_and_quote():
    quote = StoredChunk(1, 1, DOC, "六、其他重要事项的情况说明", 5, "“三公”经费预算数为17.95万元。")
    md = app_tables.failed_details([_check(True, "ok"), _check(False, "三公「合计」", category="说明与表格", quote=quote)])
    lines = md.split("\n")
    assert lines[0] == "### 不一致的检查（1 项）"
    assert "**✗ 说明与表格：三公「合计」**" in md and "差额 -86.25" in md and "ok" not in md
    assert "| 表 | 页 | 行 | 编码 | 列 | 数值 | 单位 |" in lines and "|---|---:|---|---|---|---:|---|" in lines
    assert f"| {SANGONG} | 15 | 合计 |  | 小计 | 104.20 | 万元 |" in lines
    assert "差额 -86.25（万元）" in md
    assert "> 「“三公”经费预算数为17.95万元。」  " in lines
    assert f"> —— {DOC} › 六、其他重要事项的情况说明，第 5 页" in lines


def test_failed_details_are_empty_when_everything_passes():
    assert app_tables.failed_details([_check(True)]) == ""


def test_failed_details_escape_document_text():
    evil = "<img src=x onerror=alert(1)>"
    cell = _record(table=evil, row="[x](javascript:alert(1))", column="a|b")
    quote = StoredChunk(1, 1, DOC, evil, 1, "<script>alert(1)</script>")
    md = app_tables.failed_details([_check(False, name=evil, cells=[cell], quote=quote)])
    assert "<img" not in md and "<script" not in md and "](javascript" not in md
    assert md.count(app_text.escape_cell(evil)) == 3  # the check's name, the cell's table, the quote's section
    table_row = next(line for line in md.splitlines() if line.startswith("| &lt;img"))
    assert table_row.count(" | ") == 6  # the | in the column label does not split the row


def test_failed_details_stop_listing_cells_after_the_limit():
    md = app_tables.failed_details([_check(False, f"c{i}") for i in range(5)], limit=2)
    assert md.count("**✗ ") == 2 and md.endswith("另有 3 项不一致的检查未列出单元格。")


# -- 评测 -------------------------------------------------------------------------------------------
def _metrics(n: int, accuracy: float | None, **kw) -> dict:
    m = {"n": n, "accuracy": accuracy, "citation_precision": None, "citation_recall": None,
         "refusal_accuracy": None, "false_refusal_rate": None, "hit_at_3": None, "latency_p50_ms": 1.4,
         "latency_p95_ms": 12.6}
    m.update(kw)
    return m


def _report(**runs: SystemRun) -> EvalReport:
    return EvalReport("/x/questions/sample.jsonl", "/x/store", [object()] * 3, dict(runs), "2024-01-01T00:00:00",
                      12.4)


def test_eval_rows_have_one_row_per_category_and_system_with_overall_last():
    bq = SystemRun("budgetqa", summary={"lookup": _metrics(2, 1.0, citation_precision=0.5, citation_recall=1.0),
                                       "refusal": _metrics(1, 1.0, refusal_accuracy=1.0),
                                       "overall": _metrics(3, 2 / 3, false_refusal_rate=0.0)})
    base = SystemRun("baseline", summary={"lookup": _metrics(2, 0.5), "refusal": _metrics(1, 0.0),
                                          "overall": _metrics(3, 1 / 3, hit_at_3=0.25)})
    rows = app_eval.eval_rows(_report(budgetqa=bq, baseline=base))
    assert [r[:3] for r in rows] == [["查单项", "budgetqa", "2"], ["查单项", "基线", "2"],
                                     ["应拒答", "budgetqa", "1"], ["应拒答", "基线", "1"],
                                     ["总体", "budgetqa", "3"], ["总体", "基线", "3"]]
    assert rows[0] == ["查单项", "budgetqa", "2", "100.0%", "50.0% / 100.0%", "–", "–", "–", "1 / 13"]
    assert rows[2][5] == "100.0%" and rows[4][3] == "66.7%" and rows[4][6] == "0.0%" and rows[5][7] == "25.0%"


def test_every_question_category_has_a_chinese_name():
    from eval import score

    for category in (*score.CATEGORIES, *getattr(score, "MORE_CATEGORIES", ()), "overall"):
        name = app_eval.category_name(category)
        assert name != category and not any("a" <= ch.lower() <= "z" for ch in name), (category, name)
    assert app_eval.category_name("new-kind") == "new-kind"  # a category added later shows as it is


def test_the_eval_table_has_chinese_heads_with_the_technical_names_in_tooltips():
    rows = [["查单项", "budgetqa", "2", "100.0%", "50.0% / 100.0%", "–", "–", "–", "1 / 13"],
            ["总体", "基线", "3", "33.3%", "–", "–", "–", "25.0%", "<b>2</b>"]]
    table = app_eval.eval_table_html(rows)
    heads = re.findall(r"<th>(.*?)</th>", table)
    assert len(heads) == len(app_eval.EVAL_HEADERS) == 9
    shown = [re.sub(r"<[^>]+>", "", h) for h in heads]
    assert shown == app_eval.EVAL_HEADERS
    assert not any(re.search(r"hit@3|p50|p95|\bP\b|\bR\b", h) for h in shown)
    assert '<abbr title="hit@3：' in table and '<abbr title="latency p50 / p95 (ms)：' in table
    assert '<abbr title="citation precision / recall：' in table
    assert '<td title="lookup">查单项</td>' in table and '<td title="overall">总体</td>' in table
    assert '<td title="baseline: naive vector-search RAG (top-3 chunks)">基线</td>' in table
    assert "<b>" not in table and "&lt;b&gt;2&lt;/b&gt;" in table


def test_no_eval_table_before_a_run():
    assert app_eval.eval_table_html([]) == ""


def test_eval_headline_gives_the_overall_figures_and_why_a_system_did_not_run():
    bq = SystemRun("budgetqa", summary={"overall": _metrics(3, 1.0, citation_precision=0.9, citation_recall=0.8)})
    base = SystemRun("baseline", error="cannot open baseline: <no module>")
    line = app_eval.eval_headline(_report(budgetqa=bq, baseline=base))
    assert line.startswith("**3 道题**（sample.jsonl），用时 12 秒。")
    assert "- **budgetqa**：准确率 100.0%，引用精确率 / 召回率 90.0% / 80.0%，" in line
    assert "延迟中位数 1 毫秒 / 95% 分位 13 毫秒" in line
    assert not re.search(r"hit@3|p50|p95|P / R| ms\b", line)
    assert "- **基线**：未运行 —— cannot open baseline: &lt;no module&gt;" in line
    assert app_eval.eval_rows(_report(budgetqa=bq, baseline=base)) == [
        ["总体", "budgetqa", "3", "100.0%", "90.0% / 80.0%", "–", "–", "–", "1 / 13"]]


def test_the_eval_question_set_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("BUDGETQA_EVAL_QUESTIONS", raising=False)
    assert app_eval.eval_questions_path().name == "sample.jsonl"
    monkeypatch.setenv("BUDGETQA_EVAL_QUESTIONS", str(tmp_path / "q.jsonl"))
    assert app_eval.eval_questions_path() == tmp_path / "q.jsonl"
    assert app.BudgetApp(tmp_path / "store").questions_path == tmp_path / "q.jsonl"


def test_checks_on_an_empty_store_ask_for_a_document_first(tmp_path):
    budget_app = app.BudgetApp(tmp_path / "store")
    assert budget_app.checks(None) == ("还没有入库的文档，请先在「文档」页上传。", [], "")


# -- where to serve ---------------------------------------------------------------------------------
@pytest.mark.parametrize("port, expected", [(None, 7860), ("7861", 7861)])
def test_the_server_address_comes_from_the_environment(monkeypatch, port, expected):
    monkeypatch.delenv("GRADIO_SERVER_NAME", raising=False)
    if port is None:
        monkeypatch.delenv("GRADIO_SERVER_PORT", raising=False)
    else:
        monkeypatch.setenv("GRADIO_SERVER_PORT", port)
    assert app.server_address() == ("127.0.0.1", expected)


@pytest.mark.parametrize("port", ["abc", "0", "70000", ""])
def test_a_bad_port_setting_is_one_clear_error(monkeypatch, port):
    monkeypatch.setenv("GRADIO_SERVER_PORT", port)
    with pytest.raises(app.ServeError, match="GRADIO_SERVER_PORT=.* is not a port number"):
        app.server_address()


def test_a_busy_port_is_named_with_the_setting_to_change():
    import socket

    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        with pytest.raises(app.ServeError) as err:
            app.check_can_listen("127.0.0.1", port)
    message = str(err.value)
    assert f"port {port} is already in use" in message and "GRADIO_SERVER_PORT" in message
    assert "\n" not in message


@pytest.mark.parametrize(("value", "shown"), [("2466.28", "2,466.28"), ("61.00", "61.00"), ("1234567", "1,234,567"),
                                              ("-1234.5", "-1,234.5"), ("1,234.50", "1,234.50"), ("无", "无"),
                                              (None, "")])
def test_figures_have_thousands_separators_and_their_printed_decimals(value, shown):
    assert app_text.figure(value) == shown


def test_an_answers_table_prints_its_figures_with_separators_right_aligned():
    answer = _answer([])
    answer.table = [["名次", "部门", "文件", "三公经费（万元）", "出处"],
                    ["1", "甲局", "2024年部门预算", "10465.00", "三公经费表第3页"]]
    lines = app_chat.format_answer(answer).splitlines()
    assert lines[-2] == "|---|---|---|---:|---|"
    assert lines[-1] == "| 1 | 甲局 | 2024年部门预算 | 10,465.00 | 三公经费表第3页 |"


def test_the_sources_table_right_aligns_its_page_and_figure():
    cite = Citation(document=DOC, page=15, table="表", row="行政运行", column="基本支出", value="2466.28")
    assert app_chat.format_sources(_answer([cite])).splitlines()[1] == "|---|---|---:|---|---|---:|---|"
