"""The lexicon and question understanding: pure functions, no store."""
from __future__ import annotations

import pytest

from chatbot.lexicon import load_lexicon, load_patterns
from chatbot.understand.query import detect_n, normalize_question, understand

LEX = load_lexicon()
PAT = load_patterns()


@pytest.mark.parametrize("said,printed", [
    ("公车购置费占三公多少", "公务用车购置占三公经费多少"),
    ("公车", "公务用车购置及运行费"),
    ("出国经费", "因公出国（境）费"),
    ("出国费", "因公出国（境）费"),
    ("接待费", "公务接待费"),
    ("人员经费", "人员类"),
    ("社保", "社会保障缴费"),
    ("公积金", "住房公积金"),
    ("养老保险", "机关事业单位基本养老保险缴费"),
    ("医保", "职工基本医疗保险缴费"),
    ("三公", "三公经费"),
    ("三公经费", "三公经费"),
    ("总支出", "支出总计"),
    ("财政拨款", "本级财政拨款收入"),
    ("公车运行费", "公务用车运行费"),
])
def test_lexicon_rewrites_everyday_words(said, printed):
    assert LEX.canonical(said) == printed


def test_lexicon_keeps_printed_labels_that_contain_an_alias():
    assert LEX.canonical("公务用车运行维护费", keep={"公务用车运行维护费"}) == "公务用车运行维护费"


@pytest.mark.parametrize("title,key", [
    ("2024年部门收支总体情况表", "收支总表"),
    ("2024年部门收入总体情况表", "收入表"),
    ("2024年部门支出总体情况表", "支出表"),
    ("2024年财政拨款收支总体情况表", "财政拨款表"),
    ("2024年一般公共预算支出情况表", "一般公共预算支出表"),
    ("2024年一般公共预算基本支出情况表", "基本支出表"),
    ("2024年一般公共预算“三公”经费支出情况表", "三公表"),
    ("2024年政府性基金预算支出情况表", "政府性基金表"),
    ("2024年项目支出绩效目标表", "项目绩效表"),
    ("2024年部门整体支出绩效目标表", "整体绩效表"),
])
def test_table_kind_from_title(title, key):
    assert LEX.table_key(title) == key


@pytest.mark.parametrize("text,keys", [
    ("三公表的合计", ["三公表"]),
    ("基本支出表里前三的经济科目", ["基本支出表", "基本支出表"]),
    ("经济科目公务接待费", ["基本支出表"]),
    ("整体绩效目标表里", ["整体绩效表"]),
    ("绩效目标表有几个项目", ["项目绩效表"]),
])
def test_table_hints(text, keys):
    assert [k for k, _, _ in LEX.table_hints(text)] == keys


@pytest.mark.parametrize("question,op", [
    ("三公经费是多少？", "lookup"),
    ("公务接待费和出国费一共多少", "sum"),
    ("基本工资加津贴补贴", "sum"),
    ("基本支出比项目支出多多少", "difference"),
    ("两者相差多少", "difference"),
    ("公车购置费占三公经费多少", "share"),
    ("人员经费的比重", "share"),
    ("占比是百分之几", "share"),
    ("项级支出最多的是", "rank"),
    ("前三的经济科目", "rank"),
    ("有几个项目", "count"),
    ("多少项", "count"),
    ("收入比上年增长多少", "change"),
    ("较去年增加了多少", "change"),
    ("基本支出加项目支出是否等于支出总计", "check"),
    ("对不对", "check"),
    ("为什么三公经费增加", "lookup"),
])
def test_operation(question, op):
    assert understand(question, LEX, PAT).operation == op


def test_operation_words_inside_labels_are_not_operations():
    q = understand("对个人和家庭的补助是多少", LEX, PAT, keep={"对个人和家庭的补助"})
    assert q.operation == "lookup"


@pytest.mark.parametrize("text,n", [("前三", 3), ("前5名", 5), ("最多的两个项目", 2), ("最多的", None)])
def test_n(text, n):
    assert detect_n(text) == n


@pytest.mark.parametrize("question,level,domain", [
    ("项级支出最多的是", "项", "function"),
    ("款级支出最多的", "款", "function"),
    ("类级经济科目哪个最多", "类", "economic"),
    ("哪个项目资金最多", None, "project"),
    ("哪个单位预算最多", None, "unit"),
    ("哪个单位项目支出最多", None, "unit"),
])
def test_level_and_domain(question, level, domain):
    q = understand(question, LEX, PAT)
    assert (q.level, q.domain) == (level, domain)


@pytest.mark.parametrize("question,years,compared,kinds,orgs", [
    ("长沙市教育局2024年三公经费", (2024,), (), (), ("长沙市教育局",)),
    ("2023年三公经费", (2023,), (), (), ()),
    ("三公经费较2023年增加多少", (), (2023,), (), ()),
    ("截至2023年底公务用车几辆", (), (2023,), (), ()),
    ("2024年三公经费决算数", (2024,), (), ("决算",), ()),
])
def test_scope(question, years, compared, kinds, orgs):
    s = understand(question, LEX, PAT).scope
    assert (s.years, s.compared_years, s.kinds, s.orgs) == (years, compared, kinds, orgs)


@pytest.mark.parametrize("question,narrative", [
    ("为什么三公经费增加", True), ("什么是机关运行经费", True), ("项目支出主要用于哪些方面", True),
    ("三公经费是多少", False), ("行政运行", False),
])
def test_narrative_cues(question, narrative):
    assert understand(question, LEX, PAT).narrative is narrative


def test_measure_word_marks_a_count_the_tables_do_not_hold():
    assert understand("公务用车有几辆", LEX, PAT).measure == "辆"
    assert understand("有几个项目", LEX, PAT).measure is None


def test_normalize_question():
    assert normalize_question(" “三公”经费 是多少？") == "三公经费是多少"
    assert normalize_question("因公出国(境)费２０２４") == "因公出国（境）费2024"


@pytest.mark.parametrize("question,op", [
    ("本级财政拨款和经费拨款差了多少", "difference"),
    ("工资福利支出里排第二的是什么", "rank"),
    ("奖金在工资福利支出中排第几", "rank"),
    ("勾稽关系有没有问题", "check"),
    ("表格数据有错吗", "check"),
    ("报表之间的数据准确吗", "check"),
])
def test_operation_of_new_phrasings(question, op):
    assert understand(question, LEX, PAT).operation == op


@pytest.mark.parametrize("question,position,rank_of", [
    ("工资福利支出里排第二的是什么", 2, False), ("第3大的项目", 3, False), ("奖金排第几", None, True),
    ("最多的是哪个", None, False),
])
def test_rank_position(question, position, rank_of):
    q = understand(question, LEX, PAT)
    assert (q.position, q.rank_of) == (position, rank_of)
