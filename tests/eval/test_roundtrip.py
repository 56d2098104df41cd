"""Round trip from records (eval/roundtrip*.py) over the bundled sample, ingested into a real store: the
generated questions are well formed, each names one figure of the document, each expects the record it
came from; asked back through the chatbot, they are answered right under the strict rule."""
from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from chatbot.link.names import name_forms
from eval.roundtrip import Tally, gate, main, run
from eval.roundtrip_questions import RoundTripQuestion, generate, short_name
from eval.roundtrip_score import headline_match, strict_verdict
from eval.roundtrip_wording import clean_label, load_wording, read_column
from eval.score import parse_question
from ingest.store.store import Store

DOCUMENT = "长沙市工业和信息化局2024年部门预算"
FORMS = name_forms("长沙市工业和信息化局")   # the department as people name it (a short form, no other's)
NAME = sorted(FORMS, key=lambda f: (-len(f), f))[len(FORMS) // 2]   # the one short_name picks: the middle
TOTAL_COLUMNS = {"合计", "总计", "小计", "本年预算", "金额"}


@pytest.fixture(scope="session")
def records(store_dir: Path):
    store = Store(store_dir / "budgetqa.sqlite")
    try:
        yield {r.id: r for r in store.records()}
    finally:
        store.close()


@pytest.fixture(scope="session")
def questions(store_dir: Path) -> list[RoundTripQuestion]:
    got, skipped = generate(store_dir, limit_per_doc=None)
    assert not skipped
    return got


@pytest.fixture(scope="session")
def outcome(store_dir: Path, questions: list[RoundTripQuestion]):
    return run(store_dir, questions)


# -- the questions --------------------------------------------------------------------------------

def test_questions_are_well_formed(questions):
    assert len(questions) >= 60
    assert len({q.id for q in questions}) == len(questions)
    assert len({q.question for q in questions}) == len(questions)
    for q in questions:
        assert isinstance(q, RoundTripQuestion)
        assert any(q.question.startswith(f"{f}2024年") for f in FORMS) and q.question.endswith("是多少"), q.question
        assert q.category == "lookup" and q.document == DOCUMENT
        assert q.expected.found and len(q.expected.values) == 1 and q.expected.unit == "万元"
        assert q.source is not None and q.source.document == DOCUMENT and q.source.page > 0
        assert q.source.table and q.source.row and q.source.column
        parsed = parse_question(q.to_line())                    # a line of the question-file schema
        assert (parsed.id, parsed.question, parsed.expected, parsed.document) == (
            q.id, q.question, q.expected, q.document)


def test_questions_cover_every_main_table(questions):
    kinds = {q.source.table_kind for q in questions}
    assert {"收支总表", "支出总表", "一般公共预算基本支出（经济分类）", "三公经费"} <= kinds
    assert {q.variant for q in questions} >= {"label", "code", "total"}


def test_expected_values_are_the_records(questions, records):
    for q in questions:
        r = records[q.source.record_id]
        assert Decimal(q.expected.values[0]) == r.value, q.question
        assert q.expected.unit == r.unit
        assert (q.source.table, q.source.page, q.source.row, q.source.column) == (r.table, r.page, r.row, r.column)
        assert q.expected.rows[0].table == r.table and q.expected.rows[0].row == r.row


def test_no_blank_zero_or_last_year_figure_is_asked(questions, records):
    for q in questions:
        r = records[q.source.record_id]
        assert r.value, q.question
        assert "上年" not in r.column and "2023" not in r.column


def test_a_row_asked_by_its_label_alone_reads_one_figure_in_the_document(questions, records):
    """Independent of the generator's own check: every total-column cell of a row with the asked label,
    in any table of the document, holds the expected figure."""
    by_label = defaultdict(set)
    for r in records.values():
        if r.value is not None and r.column.split("/")[-1] in TOTAL_COLUMNS:
            by_label[clean_label(r.row)].add(r.value)
    plain = [q for q in questions if q.variant == "label" and "中" not in q.question[len(NAME) + 5:]
             and "的" not in q.question[len(NAME) + 5:]]
    assert len(plain) >= 30
    for q in plain:
        label = q.question[len(NAME) + 5:-len("是多少")]
        if label in by_label:
            assert by_label[label] == {Decimal(q.expected.values[0])}, (q.question, by_label[label])


def test_a_label_printed_with_two_figures_is_asked_with_its_table(questions):
    """公务接待费 is 2.95 in the 三公 table and 0.10 as 经济科目 30217; 公务用车运行维护费 (30231, 9.64) reads
    as the 三公 table's 公务用车运行费 (25.25): each is asked naming its table, never alone."""
    asked = {q.question: q.expected.values[0] for q in questions}
    assert asked[f"{NAME}2024年三公经费表中公务接待费是多少"] == "2.95"
    assert asked[f"{NAME}2024年一般公共预算基本支出表中公务接待费是多少"] == "0.10"
    assert asked[f"{NAME}2024年一般公共预算基本支出表中公务用车运行维护费是多少"] == "9.64"
    assert asked[f"{NAME}2024年三公经费表中公务用车运行费是多少"] == "25.25"
    for alone in ("公务接待费", "公务用车运行维护费", "公务用车运行费"):
        assert f"{NAME}2024年{alone}是多少" not in asked


def test_column_words_follow_the_column(questions):
    asked = {q.question: q.expected.values[0] for q in questions}
    assert asked[f"{NAME}2024年工业和信息产业监管的项目支出是多少"] == "3444.26"
    assert asked[f"{NAME}2024年行政运行是多少"] == "2466.28"
    assert asked[f"{NAME}2024年三公经费是多少"] == "104.20"
    assert asked[f"{NAME}2024年公用经费是多少"] == "494.25"
    # a column equal to the row's total needs no column words, so it is not asked with them
    assert f"{NAME}2024年行政运行的基本支出是多少" not in asked


def test_generation_is_deterministic_and_bounded(store_dir, questions):
    again, _ = generate(store_dir, limit_per_doc=None)
    assert [q.question for q in again] == [q.question for q in questions]
    some, _ = generate(store_dir, limit_per_doc=20)
    assert len(some) == 20
    assert {q.source.table for q in some} == {q.source.table for q in questions}   # spread over tables


# -- reading columns and labels ---------------------------------------------------------------------

@pytest.mark.parametrize(("path", "kind", "doc_kind", "skip", "item", "phrase"), [
    ("总计", "支出总表", "预算", "", None, None),
    ("基本支出", "支出总表", "预算", "", None, "{row}的基本支出"),
    ("预算数/基本支出/小计", "一般公共预算支出（功能分类）", "预算", "", None, "{row}的基本支出"),
    ("本年支出/预算数/基本支出/人员经费", "收支总表", "预算", "", None, "{row}的人员经费"),
    ("基本支出/日常公用支出", "一般公共预算支出（功能分类）", "预算", "", None, "{row}的公用经费"),
    ("财政拨款/一般公共预算", "基本支出", "预算", "", None, "一般公共预算安排的{row}"),
    ("2025年执行数/执行数", "一般公共预算支出（功能分类）", "预算", "last_year", None, None),
    ("上年/合计", "三公经费", "预算", "last_year", None, None),
    ("增减变化情况/合计", "三公经费", "预算", "change", None, None),
    ("三公经费预（决）算数（财政拨款）/公务接待费", "三公经费", "预算", "", "公务接待费", None),
    ("“三公”经费预算数/公务用车购置及运行费/运行费", "三公经费", "预算", "", "公务用车运行费", None),
    ("其中：公务用车运行费", "三公经费", "预算", "", "公务用车运行费", None),
    ("本级财政拨款/其中：经费拨款", "收入总表", "预算", "unknown", None, None),
    ("财政拨款“三公”经费/合计/预算数", "三公经费", "决算", "other_kind", None, None),
    ("支出/决算数", "收支总表", "决算", "", None, None),
])
def test_read_column(path, kind, doc_kind, skip, item, phrase):
    got = read_column(path, kind, 2026, load_wording(), doc_kind)
    assert (got.skip, got.item, got.phrase["row"] if got.phrase else None) == (skip, item, phrase)


@pytest.mark.parametrize(("printed", "said"), [
    ("一、本级财政拨款收入", "本级财政拨款收入"),
    ("其中：（一）因公出国（境）支出", "因公出国（境）支出"),
    ("1.公务用车购置费", "公务用车购置费"),
    ("“三公”经费", "三公经费"),
    ("[2010101]行政运行", "行政运行"),
    ("维修(护)费", "维修（护）费"),
])
def test_clean_label(printed, said):
    assert clean_label(printed) == said


# -- strict scoring -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("expected", "unit", "values", "right"), [
    ("2.95", "万元", [{"value": "2.95", "unit": "万元"}], True),
    ("2.95", "万元", [{"value": "29500", "unit": "元"}], True),
    ("123456.78", "元", [{"value": "12.35", "unit": "万元"}], True),
    ("123456.78", "元", [{"value": "12.36", "unit": "万元"}], False),
    ("2.95", "万元", [{"value": "2.96", "unit": "万元"}], False),
    ("2.95", "万元", [], False),
])
def test_headline_match(expected, unit, values, right):
    assert headline_match(expected, unit, values) is right


def test_a_figure_only_in_the_text_does_not_count(questions):
    q = next(q for q in questions if q.expected.values[0] == "104.20")
    text_only = {"answer": "三公经费104.20万元", "found": True, "values": [{"value": "86.25", "unit": "万元"}]}
    assert strict_verdict(q, text_only) == "wrong"
    assert strict_verdict(q, {"answer": "未找到", "found": False, "values": []}) == "refused"
    assert strict_verdict(q, {**text_only, "values": [{"value": "104.20", "unit": "万元"}]}) == "right"


# -- the round trip over the sample ------------------------------------------------------------------

def test_round_trip_gives_no_wrong_figure(outcome):
    tallies, misses = outcome
    t = tallies[DOCUMENT]
    assert t.wrong == 0, [m for m in misses if m["verdict"] == "wrong"]


def test_round_trip_answers_nearly_all_right(outcome):
    tallies, misses = outcome
    t = tallies[DOCUMENT]
    assert t.right / t.n >= 0.98, [(m["question"], m["answer"][:60]) for m in misses]


def test_every_miss_names_where_to_look(outcome):
    _, misses = outcome
    for m in misses:
        assert re.search(r"第?\d+", str(m["source"]["page"]))
        assert m["source"]["table"] and m["source"]["row"] and m["source"]["column"]


def test_short_name_is_the_middle_form_in_a_fixed_order():
    """name_forms orders forms of one length as a set does (it varies with the hash seed): the pick sorts
    them first, so a run gives the same questions in every process."""
    from ingest.store.store import StoredDocument

    doc = StoredDocument(1, "x", "广州市发展和改革委员会2026年部门预算", "广州市发展和改革委员会", 2026, "预算",
                         "a.pdf", 10)
    assert short_name(doc, [doc]) == "广州发改委员会"
    other = StoredDocument(2, "y", "深圳市发展和改革委员会2026年部门预算", "深圳市发展和改革委员会", 2026, "预算",
                           "b.pdf", 10)
    assert short_name(doc, [doc, other]) == "广州市发改委员会"     # the shared short forms left out


# -- the gate (python -m eval.roundtrip --min-right X --max-wrong N) ---------------------------------

@pytest.mark.parametrize(("n", "right", "wrong", "min_right", "max_wrong", "failed"), [
    (10, 9, 0, 0.9, 0, []),
    (10, 9, 1, None, None, []),
    (10, 8, 0, 0.9, 0, ["roundtrip: share right 0.8000 is below --min-right 0.9"]),
    (10, 9, 1, 0.9, 0, ["roundtrip: 1 wrong answer(s), more than --max-wrong 0"]),
    (0, 0, 0, 0.9, None, ["roundtrip: no question was asked --min-right 0.9"]),
])
def test_gate_names_each_figure_outside_its_bound(n, right, wrong, min_right, max_wrong, failed):
    assert gate(Tally(n, right, n - right - wrong, wrong), min_right, max_wrong) == failed


def test_the_round_trip_exits_1_below_min_right_and_0_at_a_reachable_share(store_dir, outcome, capsys):
    t = outcome[0][DOCUMENT]
    share = t.right / t.n
    assert main(["--store", str(store_dir), "--limit-per-doc", "0", "--min-right", str(share + 0.01)]) == 1
    out = capsys.readouterr()
    assert f"roundtrip: {t.n} asked, {t.right} right, {t.refused} refused, {t.wrong} wrong " \
           f"({100 * share:.1f}% right)" in out.out.splitlines()
    assert [line for line in out.err.splitlines() if "--min-right" in line] == [
        f"roundtrip: share right {share:.4f} is below --min-right {share + 0.01}"]
    reachable = math.floor(share * 100) / 100
    assert main(["--store", str(store_dir), "--limit-per-doc", "0", "--min-right", str(reachable),
                 "--max-wrong", "0"]) == 0
    assert "below" not in capsys.readouterr().err


def test_budgetqa_eval_round_trip_prints_its_totals_and_gates_on_them(store_dir, questions, outcome, tmp_path,
                                                                      capsys):
    """`budgetqa eval --round-trip` asks the round trip after the question set: its totals in the summary,
    --min-round-trip gating the exit status, its wrong answers counted by --max-wrong."""
    from chatbot.cli import main as budgetqa

    missed = {m["id"] for m in outcome[1]}
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(next(q for q in questions if q.id not in missed).to_line(), ensure_ascii=False)
                    + "\n", encoding="utf-8")
    args = ["eval", "--store", str(store_dir), "--questions", str(path), "--out", str(tmp_path / "out")]
    assert budgetqa([*args, "--json", "--min-round-trip", "1.01"]) == 1
    out = capsys.readouterr()
    t = outcome[0][DOCUMENT]
    assert json.loads(out.out)["round_trip"] == {"asked": t.n, "right": t.right, "refused": t.refused,
                                                 "wrong": t.wrong, "share_right": t.right / t.n}
    assert "--min-round-trip 1.01" in out.err
    assert budgetqa([*args, "--round-trip", "--min-round-trip", "0.9", "--max-wrong", "0"]) == 0
    assert f"- roundtrip: {t.n} asked, {t.right} right" in capsys.readouterr().out
