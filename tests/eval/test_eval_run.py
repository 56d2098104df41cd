"""The evaluation end to end over a real store built from the sample PDF: golds against the store, the
baseline and budgetqa scored side by side, the reports, and `budgetqa eval`."""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from chatbot.cli import main
from eval.report import write_reports
from eval.runner import DEFAULT_QUESTIONS, ensure_store, load_questions, run_eval, store_is_empty
from eval.score import compact, row_key
from ingest.store.store import Store

TABLE_CATEGORIES = ("lookup", "sum", "difference", "share", "ranking")
LINES = {json.loads(line)["id"]: line for line in DEFAULT_QUESTIONS.read_text(encoding="utf-8").splitlines()}
QUESTIONS = load_questions(DEFAULT_QUESTIONS)


@pytest.fixture(scope="session")
def records(store_dir):
    store = Store(store_dir / "budgetqa.sqlite")
    try:
        yield store.records("r.value IS NOT NULL"), [c.text for c in store.chunks()]
    finally:
        store.close()


def question_file(path: Path, ids: list[str]) -> Path:
    path.write_text("".join(LINES[i] + "\n" for i in ids), encoding="utf-8")
    return path


def table_question_ids(per_category: int = 4) -> list[str]:
    return [q.id for c in TABLE_CATEGORIES for q in [q for q in QUESTIONS if q.category == c][:per_category]]


def matching_records(records, table_key: str, row: str):
    return [r for r in records if any(k in r.table for k in table_key.split("|"))
            and any(row_key(r.row) == row_key(alt) for alt in row.split("|"))]


def test_every_expected_row_is_a_row_of_the_store(records):
    recs, _ = records
    for q in QUESTIONS:
        for row in q.expected.rows:
            assert matching_records(recs, row.table, row.row), (q.id, row)


def test_lookup_golds_are_values_of_their_rows(records):
    recs, _ = records
    for q in (q for q in QUESTIONS if q.category == "lookup"):
        values = {r.value for row in q.expected.rows for r in matching_records(recs, row.table, row.row)}
        assert all(Decimal(g) in values for g in q.expected.values), q.id


def test_narrative_passages_are_chunks_of_the_store(records):
    _, chunks = records
    for q in (q for q in QUESTIONS if q.expected.chunk_contains):
        assert any(compact(q.expected.chunk_contains) in compact(c) for c in chunks), q.id


def test_store_with_the_sample_is_not_empty(store_dir, tmp_path):
    assert store_is_empty(tmp_path / "nothing")
    assert not store_is_empty(store_dir)
    assert ensure_store(store_dir) is False


def test_baseline_run_writes_markdown_and_json_reports(store_dir, tmp_path):
    path = question_file(tmp_path / "small.jsonl", ["lookup-001", "narrative-001", "refusal-001"])
    report = run_eval(store_dir, path, systems=["baseline"])
    md, js = write_reports(report, tmp_path / "reports")
    assert md.exists() and js.exists()
    assert "| 类别 | 题数 | 基线 准确率" in md.read_text(encoding="utf-8")
    data = json.loads(js.read_text(encoding="utf-8"))
    summary = data["systems"]["baseline"]["summary"]
    assert summary["overall"]["n"] == 3
    assert summary["refusal"]["refusal_accuracy"] == 0.0  # the baseline never refuses
    assert summary["narrative"]["hit_at_3"] is not None


def test_budgetqa_beats_the_baseline_on_table_questions(store_dir, tmp_path):
    path = question_file(tmp_path / "tables.jsonl", table_question_ids())
    report = run_eval(store_dir, path)
    budgetqa, baseline = report.accuracy("budgetqa"), report.accuracy("baseline")
    assert budgetqa is not None and baseline is not None
    assert budgetqa > baseline
    md, js = write_reports(report, tmp_path)
    assert "budgetqa 准确率 | 基线 准确率" in md.read_text(encoding="utf-8")


@pytest.mark.parametrize("min_accuracy, status", [("0", 0), ("1.01", 1)])
def test_cli_eval_exits_non_zero_below_min_accuracy(store_dir, tmp_path, capsys, min_accuracy, status):
    path = question_file(tmp_path / "two.jsonl", ["lookup-001", "refusal-020"])
    rc = main(["eval", "--store", str(store_dir), "--questions", str(path), "--out", str(tmp_path / "out"),
               "--json", "--min-accuracy", min_accuracy])
    assert rc == status
    summary = json.loads(capsys.readouterr().out)
    assert set(summary["systems"]) == {"budgetqa", "baseline"}
    assert len(list((tmp_path / "out").glob("two-*.md"))) == 1


@pytest.mark.parametrize("max_wrong, status", [("1", 0), ("0", 1)])
def test_cli_eval_exits_non_zero_above_max_wrong(store_dir, tmp_path, capsys, max_wrong, status):
    line = json.loads(LINES["lookup-001"])
    line["id"], line["expected"]["values"] = "lookup-wrong", ["98765.43"]   # a figure the document never prints
    path = tmp_path / "wrong.jsonl"
    path.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    rc = main(["eval", "--store", str(store_dir), "--questions", str(path), "--out", str(tmp_path / "out"),
               "--max-wrong", max_wrong])
    assert rc == status
    assert ("more than --max-wrong" in capsys.readouterr().err) == bool(status)
    report = next((tmp_path / "out").glob("wrong-*.md")).read_text(encoding="utf-8")
    wrong_line = next(line for line in report.splitlines() if line.startswith("- `lookup-wrong`"))
    assert wrong_line.endswith(" · 理解为 2024、预算"), wrong_line   # how the question was read


@pytest.mark.slow
def test_cli_eval_ingests_the_sample_into_an_empty_store(tmp_path, capsys):
    path = question_file(tmp_path / "one.jsonl", ["lookup-001"])
    rc = main(["eval", "--store", str(tmp_path / "store"), "--questions", str(path), "--out", str(tmp_path)])
    assert rc == 0
    out = capsys.readouterr()
    assert "ingested the bundled sample" in out.err
    assert "| 查单项（lookup） | 1 |" in out.out


def test_the_baseline_answers_from_the_row_of_its_node_that_the_question_names(store_dir):
    """A row node holds every row of one label (行政运行 in several tables); the baseline answers from it
    with the row whose words the question shares and cites that row's table and page, not the first."""
    import time

    from eval.baseline import Baseline

    baseline = Baseline(store_dir)
    try:
        hits = baseline.stores.vectors.retrieve("行政运行", 10, kind="row")
        node = next(h.node for h in hits if len(h.node.metadata["sources"]) > 1)
        sources = node.metadata["sources"]
        last_table, last_page = sources[-1][0], sources[-1][1]
        assert last_table != sources[0][0]                  # the label printed in two tables at least
        answer = baseline.answer_from(node, f"{last_table}中{node.metadata['row']}是多少", time.perf_counter())
        cited = answer.citations[0]
        assert (cited.table, cited.page) == (last_table, last_page)
        assert answer.answer == node.text.split("\n")[-1]
    finally:
        baseline.close()
