"""Arithmetic, sentence splitting, the staff look-up and the CLI contract."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from chatbot.execute.compute import percent, ranked, share, total
from chatbot.link.narrative import sections_to_sentences
from ingest.store.store import StoredChunk


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
                         input="基本支出是多少\n2022年三公经费\n", capture_output=True, text=True, timeout=120)
    lines = [json.loads(x) for x in out.stdout.splitlines() if x.startswith("{")]
    assert [x["found"] for x in lines] == [True, False]


@pytest.mark.parametrize("store,env", [(None, None), (None, "/tmp/somewhere"), ("/tmp/x", "/tmp/y")])
def test_cli_store_root_resolves_like_store_paths(monkeypatch, store, env):
    from chatbot.cli import store_root
    from ingest.store.storage import StorePaths

    if env is None:
        monkeypatch.delenv("BUDGETQA_STORE", raising=False)
    else:
        monkeypatch.setenv("BUDGETQA_STORE", env)
    assert store_root(store) == StorePaths.at(store).root


def test_cli_ask_table_question_does_not_import_the_vector_stack(store_dir: Path):
    code = ("import sys, contextlib, io\nfrom chatbot.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            f"    main(['ask', '三公经费是多少', '--store', {str(store_dir)!r}])\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'llama_index', 'chromadb', 'torch'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"


# -- pure parts added with the narrative operands, thresholds and listed items -------------------------
def _sentence(text: str, section: str = "六、其他 › （四）政府采购情况", index: int = 0):
    from chatbot.link.narrative import Sentence

    return Sentence(1, "D", section, 7, text, {1}, index)


def test_narrative_amounts_label_each_amount_by_its_clause():
    from chatbot.link.narrative import narrative_amounts

    s = _sentence("2024年本部门政府采购预算总额180.982万元，其中，货物类采购预算113.572万元；"
                  "比上年预算减少36.45万元，因公出国（境）费15.00万元")
    got = [(a.label, a.core, a.value) for a in narrative_amounts([s])]
    assert got == [("政府采购预算总额", "政府采购预算总额", "180.982"), ("货物类采购预算", "货物类采购", "113.572"),
                   ("因公出国（境）费", "因公出国（境）费", "15.00")]


@pytest.mark.parametrize("phrase,label,quality", [
    ("会议费", "会议费预算", 3), ("服务类", "服务类采购预算", 2), ("货物类采购预算", "货物类采购预算", 3), ("采购总额", "政府采购预算总额", 1),
    ("招商引资经费", "产业研究和招商引资重点工作经费", 1), ("火星探测", "会议费预算", 0), ("单位", "会议费预算", 0),
])
def test_amount_match(phrase, label, quality):
    from chatbot.link.narrative import NarrativeAmount, amount_match

    assert amount_match(phrase, NarrativeAmount(label, "1.00", "万元", _sentence(label))) == quality


def test_amount_keeps_the_narratives_third_decimal():
    from chatbot.execute.compute import amount

    assert amount(Decimal("180.982")) == "180.982" and amount(Decimal("46.1620")) == "46.162"
    assert amount(Decimal("104.2")) == "104.20" and amount(Decimal("7")) == "7.00"


@pytest.mark.parametrize("text,kept", [
    ("超过100万元的有几个", ["b"]), ("不到1万元的科目", ["c"]), ("100万元以上的", ["a", "b"]), ("有几个", ["a", "b", "c"]),
    ("低于5000元的", ["c"]),
])
def test_within_threshold(text, kept):
    from chatbot.execute.operations import within_threshold
    from chatbot.link.figures import Figure

    items = [Figure(n, Decimal(v), "万元", [], None, "T") for n, v in (("a", "100"), ("b", "805.28"), ("c", "0.10"))]
    words = {"above": ["超过", "以上"], "below": ["不到", "低于", "以下"]}
    assert [f.label for f in within_threshold(text, items, "科目", words)[0]] == kept


def test_listed_items_are_the_numbered_run_of_the_named_section():
    from chatbot.link.narrative import listed_items

    section = "一、部门基本概况 › （一）职能职责"
    sentences = [_sentence("1. 拟订发展战略；", section), _sentence("承担综合管理；", section),
                 _sentence("2. 负责运行调节。", section), _sentence("3. 完成交办任务。", section),
                 _sentence("5. 不连续的编号。", section), _sentence("1. 别的小节。", "二、预算单位构成")]
    title, items = listed_items("部门职责一共几条", sentences, ["部门"])
    assert title == "职能职责" and [s.text[:2] for s in items] == ["1.", "2.", "3."]
    assert listed_items("三公经费有几条", sentences, []) is None
