"""The scorer: answer accuracy (half-cent tolerance, texts, refusals), citation P/R, hit@3, summaries."""
from __future__ import annotations

from decimal import Decimal

import pytest

from chatbot.answer import Answer, Citation, Value
from eval.score import (
    Expected,
    ExpectedRow,
    Outcome,
    Question,
    QuestionError,
    Scored,
    citation_matches,
    citation_precision_recall,
    numbers_in,
    parse_question,
    percentile,
    retrieval_hit,
    row_key,
    score_accuracy,
    score_answer,
    score_refusal,
    summarize,
    summarize_by_category,
    text_present,
    value_matches,
)

THREE_PUBLIC = "2024年一般公共预算“三公”经费支出情况表"
BASIC = "2024年一般公共预算基本支出情况表"


def answer(text: str = "", found: bool = True, values: list[Value] | None = None,
           citations: list[Citation] | None = None, candidates: list | None = None) -> Answer:
    return Answer("q", text, found, values or [], citations or [], candidates=candidates or [])


def cite(table: str, row: str) -> Citation:
    return Citation(document="d", page=1, table=table, row=row, column="小计", value="1")


@pytest.mark.parametrize("text, expected", [
    ("三公经费104.20万元", [Decimal("104.20")]),
    ("收入10,465.00万元，上升12.94%", [Decimal("10465.00"), Decimal("12.94")]),
    ("减少-36.45万元", [Decimal("36.45")]),
    ("2024年共9辆", [Decimal("2024"), Decimal("9")]),
    ("没有数字", []),
])
def test_numbers_in_reads_every_number_unsigned(text, expected):
    assert numbers_in(text) == expected


@pytest.mark.parametrize("expected, stated, ok", [
    ("104.20", "104.20", True),
    ("104.20", "104.2", True),
    ("104.20", "104.204", True),
    ("104.20", "104.205", True),    # exactly half a cent
    ("104.20", "104.206", False),
    ("104.20", "104.195", True),
    ("104.20", "104.19", False),
    ("46.162", "46.16", True),
    ("36.45", "-36.45", True),      # direction is checked by texts, not signs
    ("0", "0", True),
])
def test_value_matches_within_half_a_cent(expected, stated, ok):
    assert value_matches(expected, numbers_in(stated)) is ok


@pytest.mark.parametrize("required, text, ok", [
    ("一致|相等", "两者相等", True),
    ("一致|相等", "两者 一 致", True),
    ("一致|相等", "有差异", False),
    ("因公出国（境）费", "因公出国(境)费15.00万元", True),
    ("公务接待费", "接待费", False),
])
def test_text_present_accepts_alternatives_and_ignores_spacing(required, text, ok):
    assert text_present(required, text) is ok


def test_accuracy_finds_values_in_answer_values_or_text():
    exp = Expected(values=("104.20", "61.00"), unit="万元")
    assert score_accuracy(exp, answer("三公经费104.20万元", values=[Value("公务用车购置", "61.00", "万元")]))[0]
    assert score_accuracy(exp, answer("三公经费104.20万元，其中公车购置61万元"))[0]
    ok, reasons = score_accuracy(exp, answer("三公经费104.20万元"))
    assert not ok and reasons == ["value 61.00 missing"]


def test_accuracy_converts_values_stated_in_yuan():
    exp = Expected(values=("104.20",), unit="万元")
    assert score_accuracy(exp, answer("见下", values=[Value("三公经费", "1042000", "元")]))[0]


def test_accuracy_does_not_read_numbers_from_citations():
    exp = Expected(values=("104.20",), unit="万元")
    got = answer("三公经费很多", citations=[cite(THREE_PUBLIC, "合计")])
    assert not score_accuracy(exp, got)[0]


def test_accuracy_reads_clarification_candidates():
    exp = Expected(values=("2.95", "0.10"), unit="万元")
    got = answer("您问的是哪一个？", candidates=[{"label": "三公经费/公务接待费", "value": "2.95"},
                                                 {"label": "30217 公务接待费", "value": "0.10"}])
    assert score_accuracy(exp, got)[0]


@pytest.mark.parametrize("text, ok", [
    ("基本支出加项目支出等于支出总计，一致。", True),
    ("两者不一致。", False),
])
def test_accuracy_absent_texts_guard_a_yes_verdict(text, ok):
    exp = Expected(texts=("一致|相等|等于",), absent=("不一致|不相等|不等于",))
    assert score_accuracy(exp, answer(text))[0] is ok


@pytest.mark.parametrize("found, ok", [(False, True), (True, False)])
def test_refusal_is_correct_only_when_not_found(found, ok):
    exp = Expected(found=False)
    got = answer("文档中没有长沙市教育局的数据。" if not found else "三公经费104.20万元", found=found)
    assert score_accuracy(exp, got)[0] is ok
    assert score_refusal(exp, got) is ok


def test_refusal_of_an_answerable_question_is_wrong():
    ok, reasons = score_accuracy(Expected(values=("104.20",)), answer("没有找到", found=False))
    assert not ok and "said not found" in reasons
    assert score_refusal(Expected(values=("104.20",)), answer("", found=False)) is None


@pytest.mark.parametrize("label, key", [
    ("一、基本支出", "基本支出"),
    ("其他工业和信息产业监管 支出", "其他工业和信息产业监管支出"),
    ("维修(护)费", "维修（护）费"),
    ("其中：公务用车购置", "公务用车购置"),
    ("2150501 行政运行", "行政运行"),
    ("行政运行（2150501）", "行政运行"),
])
def test_row_key_normalises_labels(label, key):
    assert row_key(label) == key


@pytest.mark.parametrize("citation, row, ok", [
    (cite(THREE_PUBLIC, "合计"), ExpectedRow("三公", "合计"), True),
    (cite(THREE_PUBLIC, "合计"), ExpectedRow("三公", "合计|长沙市工业和信息化局"), True),
    (cite(THREE_PUBLIC, "合计"), ExpectedRow("基本支出", "合计"), False),
    (cite(BASIC, "住房公积金"), ExpectedRow("基本支出|三公", "住房公积金"), True),
    (cite(BASIC, "住房公积金"), ExpectedRow("基本支出", "基本工资"), False),
    (Citation(document="d", page=6, section="（二）“三公”经费预算", text="三公经费104.20万元"),
     ExpectedRow("三公", "合计"), False),
])
def test_citation_matches_table_key_and_normalised_row(citation, row, ok):
    assert citation_matches(citation, row) is ok


@pytest.mark.parametrize("cited, expected_pr", [
    ([cite(BASIC, "基本工资"), cite(BASIC, "奖金")], (1.0, 1.0)),
    ([cite(BASIC, "基本工资")], (1.0, 0.5)),
    ([cite(BASIC, "基本工资"), cite(BASIC, "奖金"), cite(BASIC, "津贴补贴"), cite(BASIC, "绩效工资")], (0.5, 1.0)),
    ([], (0.0, 0.0)),
    ([Citation(document="d", page=6, section="s", text="t"), cite(BASIC, "奖金")], (1.0, 0.5)),
])
def test_citation_precision_and_recall(cited, expected_pr):
    rows = [ExpectedRow("基本支出", "基本工资"), ExpectedRow("基本支出", "奖金")]
    assert citation_precision_recall(rows, cited) == expected_pr


def test_citation_scores_do_not_apply_without_expected_rows():
    assert citation_precision_recall([], [cite(BASIC, "奖金")]) is None


@pytest.mark.parametrize("retrieved, k, hit", [
    (["a", "b", "政府采购预算总额 180.982 万元"], 3, True),
    (["a", "b", "c", "政府采购预算总额180.982万元"], 3, False),
    (["政府采购预算总额180.982万元"], 1, True),
    ([], 3, False),
])
def test_retrieval_hit_within_top_k(retrieved, k, hit):
    assert retrieval_hit("政府采购预算总额180.982万元", retrieved, k) is hit


def test_score_answer_combines_the_metrics():
    q = Question("lookup-001", "lookup", "三公经费是多少？",
                 Expected(values=("104.20",), unit="万元", rows=(ExpectedRow("三公", "合计"),)))
    s = score_answer(q, answer("104.20万元", citations=[cite(THREE_PUBLIC, "合计")]))
    assert s == Scored(True, [], 1.0, 1.0, None, verdict="right")


@pytest.mark.parametrize("values, q, expected", [
    ([], 50, None),
    ([5.0], 95, 5.0),
    ([1.0, 2.0, 3.0, 4.0], 50, 2.5),
    ([float(i) for i in range(1, 101)], 95, 95.05),
])
def test_percentile_interpolates(values, q, expected):
    got = percentile(values, q)
    assert got == pytest.approx(expected) if expected is not None else got is None


def test_summaries_per_category_and_overall():
    outcomes = [
        Outcome("lookup", True, True, Scored(True, [], 1.0, 1.0), 10.0),
        Outcome("lookup", True, False, Scored(False, ["said not found"], 0.0, 0.0), 30.0),
        Outcome("refusal", False, False, Scored(True), 5.0),
        Outcome("narrative", True, True, Scored(True, retrieval_hit=False), 20.0),
    ]
    by = summarize_by_category(outcomes)
    assert list(by) == ["lookup", "narrative", "refusal", "overall"]
    assert by["lookup"]["accuracy"] == 0.5 and by["lookup"]["citation_recall"] == 0.5
    assert by["lookup"]["false_refusal_rate"] == 0.5 and by["lookup"]["refusal_accuracy"] is None
    assert by["refusal"]["refusal_accuracy"] == 1.0
    assert by["narrative"]["hit_at_3"] == 0.0
    assert by["overall"]["n"] == 4 and by["overall"]["accuracy"] == 0.75
    assert summarize([])["accuracy"] is None


@pytest.mark.parametrize("line, message", [
    ({"id": "x", "category": "lookup", "question": "q"}, "missing field 'expected'"),
    ({"id": "x", "category": "guess", "question": "q", "expected": {}}, "unknown category"),
    ({"id": "x", "category": "lookup", "question": "q",
      "expected": {"values": [104.2], "unit": "万元", "texts": [], "rows": [], "found": True}}, "not a number"),
    ({"id": "x", "category": "lookup", "question": "q",
      "expected": {"values": [], "unit": "", "texts": [], "rows": [{"table": "三公"}], "found": True}}, "'row'"),
    ({"id": "x", "category": "narrative", "question": "q",
      "expected": {"values": [], "unit": "", "texts": [], "rows": [], "found": True}}, "chunk_contains"),
])
def test_parse_question_rejects_bad_lines(line, message):
    with pytest.raises(QuestionError, match=message):
        parse_question(line)


# -- the real question set: units, zero, verdicts ------------------------------------------------------
@pytest.mark.parametrize("expected, stated, unit, ok", [
    ("371514655", "37151.47", "元", True),      # a 元 figure stated in 万元, to two decimals
    ("2180.26", "21802600", "万元", True),       # a 万元 figure stated in 元
    ("32365.090089", "32365.09", "万元", True),  # six decimals printed, two said
    ("0", "20", "万元", False),                  # no unit conversion makes a page number a zero
    ("2", "20000", "个", False),                 # counts are never converted
])
def test_value_matches_across_yuan_and_wan(expected, stated, unit, ok):
    assert value_matches(expected, [Decimal(stated)], unit=unit) is ok


def test_verdicts_right_refused_wrong():
    answerable = Question("q1", "lookup", "q", Expected(values=("104.20",), unit="万元"))
    refusal = Question("q2", "refusal", "q", Expected(found=False))
    assert score_answer(answerable, answer("三公经费104.20万元")).verdict == "right"
    assert score_answer(answerable, answer("未找到", found=False)).verdict == "refused"
    assert score_answer(answerable, answer("三公经费140.20万元")).verdict == "wrong"
    assert score_answer(refusal, answer("三公经费104.20万元")).verdict == "wrong"


def test_a_zero_question_is_right_when_the_table_is_said_to_be_empty():
    q = Question("z", "zero", "q", Expected(values=("0",), unit="万元", zero=True))
    assert score_answer(q, answer("政府性基金预算支出表为空表：本部门无政府性基金", found=False)).verdict == "right"
    assert score_answer(q, answer("0.00万元")).verdict == "right"
    assert score_answer(q, answer("0.95万元")).verdict == "wrong"


def test_thousands_separators_do_not_hide_a_text():
    assert text_present("少4013.02", "长沙市工业和信息化局比长沙市教育局少4,013.02万元")


def test_summaries_count_verdicts_per_document():
    from eval.score import summarize_by_document

    outcomes = [Outcome("lookup", True, True, Scored(True, verdict="right"), 1.0, "a.pdf"),
                Outcome("lookup", True, False, Scored(False, verdict="refused"), 1.0, "a.pdf"),
                Outcome("refusal", False, True, Scored(False, verdict="wrong"), 1.0, "b.pdf")]
    by = summarize_by_document(outcomes)
    assert (by["a.pdf"]["right"], by["a.pdf"]["refused"], by["b.pdf"]["wrong"]) == (1, 1, 1)
