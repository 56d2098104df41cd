"""Arithmetic, sentence splitting, the staff look-up and the CLI contract."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from chatbot.compute import percent, ranked, share, total
from chatbot.narrative import sections_to_sentences
from ingest.store import StoredChunk


@pytest.mark.parametrize("part,whole,pct", [
    ("61.00", "104.20", "58.54"), ("2.95", "104.20", "2.83"), ("15.00", "104.20", "14.40"),
    ("1", "8", "12.50"), ("1", "3", "33.33"), ("2", "3", "66.67"), ("0.125", "1", "12.50"),
])
def test_share_rounds_half_up_to_two_decimals(part, whole, pct):
    assert share(Decimal(part), Decimal(whole)) == Decimal(pct)


def test_share_of_zero_whole_is_none():
    assert share(Decimal(1), Decimal(0)) is None


def test_total_is_exact_decimal():
    assert total([Decimal("0.1")] * 3) == Decimal("0.3")


def test_percent_text():
    assert percent(Decimal("58.5412")) == "58.54%"


def test_ranked_keeps_printed_order_on_ties():
    items = [("a", Decimal(1)), ("b", Decimal(2)), ("c", Decimal(2))]
    assert ranked(items, key=lambda x: x[1], n=2) == [("b", Decimal(2)), ("c", Decimal(2))]
    assert ranked(items, key=lambda x: x[1], n=1, ascending=True) == [("a", Decimal(1))]


def test_sentences_join_chunks_cut_mid_sentence():
    chunks = [StoredChunk(1, 1, "D", "三、收支 › (二) 支出预算", 5, "支出增加1198.78万元，主要为”工发资金切"),
              StoredChunk(2, 1, "D", "三、收支 › (二) 支出预算", 6, "块专项工作经费“。第二句；第三句")]
    sentences = sections_to_sentences(chunks)
    assert [s.text for s in sentences] == ["支出增加1198.78万元，主要为”工发资金切块专项工作经费“。", "第二句；", "第三句"]
    assert sentences[0].page == 5 and sentences[0].chunk_ids == {1, 2}
    assert sentences[1].page == 6


def test_search_records_by_code_prefix(service):
    codes = {r.code for r in service.search_records("21505")}
    assert codes == {"21505", "2150501", "2150502", "2150517", "2150550", "2150599"}


def test_search_records_by_everyday_word_and_table(service):
    records = service.search_records("公积金", table="基本支出表")
    assert {r.row for r in records} == {"住房公积金"} and records[0].value == Decimal("418.95")


def test_search_records_by_partial_unit_name(service):
    tables = {r.table for r in service.search_records("制造业发展促进中心")}
    assert any("整体支出绩效" in t for t in tables) and any("项目支出绩效" in t for t in tables)


def test_retrieve_chunks_finds_the_meeting_budget(service):
    assert any("会议费预算8.36万元" in t for t in service.retrieve_chunks("会议费预算是多少", 3))


def test_cli_ask_json_contract(store_dir: Path):
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    out = subprocess.run([sys.executable, "-m", "chatbot.cli", "ask", "三公经费是多少？", "--json",
                          "--store", str(store_dir)], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout.strip().splitlines()[-1])
    assert {"question", "answer", "found", "values", "citations", "elapsed_ms"} <= set(data)
    assert data["found"] is True and data["values"][0] == {"label": "三公经费", "value": "104.20", "unit": "万元"}
    c = data["citations"][0]
    assert c["table"] == "2024年一般公共预算“三公”经费支出情况表" and c["row"] == "合计"
    assert c["column"] == "小计" and c["value"] == "104.20" and c["page"] == 19 and "section" not in c


def test_cli_ask_reads_questions_from_stdin(store_dir: Path):
    out = subprocess.run([sys.executable, "-m", "chatbot.cli", "ask", "--json", "--store", str(store_dir)],
                         input="基本支出是多少\n2023年三公经费\n", capture_output=True, text=True, timeout=120)
    lines = [json.loads(x) for x in out.stdout.splitlines() if x.startswith("{")]
    assert [x["found"] for x in lines] == [True, False]
