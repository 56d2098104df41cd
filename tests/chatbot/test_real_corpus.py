"""Issue 13 behaviours over the real disclosures of tests/data/real/, all in one store (routing is part of
every test): the `real` fixture of tests/chatbot/conftest.py, built once per session."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest


def figures(text: str) -> list[Decimal]:
    return [Decimal(n.replace(",", "")) for n in re.findall(r"\d+(?:,\d{3})*(?:\.\d+)?", text)]


def states(answer, *values: str) -> bool:
    got = figures(answer.answer) + [Decimal(v.value) for v in answer.values]
    return all(any(abs(g - Decimal(v)) <= Decimal("0.005") for g in got) for v in values)


@pytest.mark.parametrize("question, value", [
    ("2026年度普陀区司法局公共安全支出安排了多少", "8726.73"),                       # place cut down (上海市 left out)
    ("普陀区商务委2025年科学技术支出预算是多少？", "1720.00"),                      # 委员会 → 委
    ("普陀区万里街道2024年基本支出是多少？", "9970.60"),                            # 人民政府 and 办事处 left out
    ("苏州审计局2026年“三公”经费预算是多少？", "10.00"),                            # 苏州 without 市
])
def test_a_department_is_found_by_the_names_people_use(real, question, value):
    answer = real.ask(question)
    assert answer.found and states(answer, value), answer.answer


def test_a_date_before_a_name_is_not_part_of_it(real):
    answer = real.ask("截至2025年12月底，重庆市水利局所属预算单位一共有几辆车")
    assert answer.found and states(answer, "43"), answer.answer


def test_a_yuan_table_is_answered_in_wan_with_the_printed_figure_beside(real):
    answer = real.ask("2026年度普陀区司法局公共安全支出安排了多少")
    assert "8,726.73万元（87,267,272.44元）" in answer.answer
    assert any(c.value == "87267272.44" for c in answer.citations)


def test_six_decimal_wan_is_shown_to_two_decimals_and_cited_as_printed(real):
    answer = real.ask("北京市审计局26年社会保障和就业支出的预算数")
    assert "2,559.32万元" in answer.answer and "2,559.323508" in answer.answer, answer.answer


@pytest.mark.parametrize("question, value", [
    ("江苏省高级人民法院2019年“三公”经费预算多少？", "513.75"),     # the 合计 adds 会议费 and 培训费: not 三公
    ("西安市审计局2026年“三公”经费预算是多少？", "10.20"),          # 当年, not 上年 (52.60 with 会议/培训费)
])
def test_sangong_is_the_three_items_not_a_total_with_meetings_and_training(real, question, value):
    answer = real.ask(question)
    assert answer.found and states(answer, value), answer.answer


def test_a_column_of_the_document_year_before_last_years(real):
    answer = real.ask("西安市审计局2026年公务用车运行维护费预算是多少？")
    assert answer.found and answer.answer.startswith("公务用车运行维护费8.20万元"), answer.answer


def test_a_code_is_answered_from_its_row_or_refused(real):
    answer = real.ask("北京市审计局2026年一般公共预算基本支出里的办公费（30201）有多少")
    if answer.found:      # the reader gives the row its 部门经济分类 code 30201
        assert states(answer, "89.40") and any(c.code == "30201" for c in answer.citations), answer.answer
    else:                 # no row carries the code: refused, never another row's figure
        assert "30201" in answer.answer


def test_a_blank_cell_of_the_document_year_is_not_answered_with_last_years(real):
    answer = real.ask("请问国家信访局2026年度行政单位医疗（2101101）的预算")
    assert not answer.found or not answer.answer.startswith("行政单位医疗（2101101）218.91"), answer.answer
    assert not answer.found or states(answer, "0"), answer.answer


def test_a_question_with_two_asks_answers_both(real):
    answer = real.ask("万里街道2024年三公经费一共多少？公务用车购置费又是多少？")
    assert answer.found and states(answer, "47.91", "25"), answer.answer


@pytest.mark.parametrize("question, name", [
    ("按功能分类，北京市审计局2026年支出最多的是哪一类", "一般公共服务支出"),   # 类 printed without codes
    ("福州市医疗保障局26年支出前三类（按功能分类）", "卫生健康支出"),
])
def test_rankings_by_class_name_the_class(real, question, name):
    answer = real.ask(question)
    assert answer.found and name in answer.answer, answer.answer


def test_a_difference_takes_both_figures_from_one_scope(real):
    answer = real.ask("2026年重庆水利局的项目支出比基本支出多了多少")
    assert answer.found and states(answer, "103711.43"), answer.answer


def test_figures_of_disjoint_scopes_are_not_computed_together(real):
    from chatbot.execute.scopes import nested
    from chatbot.lexicon import load_lexicon

    lexicon = load_lexicon()
    assert nested({"三公经费", "全部资金"}, lexicon)
    assert not nested({"政府性基金", "一般公共预算"}, lexicon)


def test_other_departments_and_years_are_still_refused(real):
    assert not real.ask("北京审计局2021年度三公经费").found
    assert not real.ask("上海市审计局23年决算支出总计多少").found


# -- 决算: stage amounts the narrative states (chatbot.execute.stages) ------------------------------------------
@pytest.mark.parametrize("question, values", [
    ("普陀区财政局2024年度财政委托业务支出（2010608）年初预算数、决算数分别是多少", ("450.52", "449.52")),
    ("2024年普陀区委社会工作部一般公共预算财政拨款支出，全年预算数和决算数分别多少", ("321.02", "307.82")),
    ("普陀区财政局24年行政运行（2010601）的决算与年初预算相比少多少", ("48.16",)),
    ("2024年普陀区委社会工作部行政运行（2013901）决算数比全年预算数少了多少", ("0.68",)),
    ("普陀区财政局2024年一般公共预算财政拨款支出完成了年初预算的百分之几", ("98.20",)),
])
def test_final_accounts_stage_amounts_come_from_the_item_passage(real, question, values):
    answer = real.ask(question)
    assert answer.found and states(answer, *values), answer.answer
    assert all(c.section for c in answer.citations), answer.citations


@pytest.mark.parametrize("question, values", [
    ("普陀区财政局2024年三公经费决算比预算少多少？", ("0.95",)),                 # the one stage its passage states
    ("普陀区委社会工作部2024年行政运行（2013901）决算比预算少多少？", ("0.68",)),
])
def test_a_bare_budget_set_against_the_final_is_the_one_stage_the_passage_states(real, question, values):
    answer = real.ask(question)
    assert answer.found and states(answer, *values), answer.answer
    assert "比年初预算" in answer.answer or "比全年预算" in answer.answer    # says which stage it used


def test_a_bare_budget_is_refused_when_the_passage_states_two_stages(real):
    answer = real.ask("普陀区委社会工作部2024年一般公共预算财政拨款支出决算比预算少多少？")
    assert not answer.found, answer.answer
    assert "年初预算0.00万元" in answer.answer and "全年预算321.02万元" in answer.answer


def test_a_stage_the_document_does_not_state_is_refused_not_read_from_the_final_column(real):
    answer = real.ask("普陀区财政局2024年行政运行（2010601）的全年预算是多少？")
    assert not answer.found, answer.answer
    assert "年初预算1,560.05万元" in answer.answer      # what the passage does state


# -- counts the narrative states (chatbot.execute.counts) --------------------------------------------------
@pytest.mark.parametrize("question, value", [
    ("截至2025年12月31日杭州市气象局共有几辆车？", "5"),                  # 「共有车辆5辆，其中…」: the total
    ("截至2025年7月31日国家信访局实有多少辆车？", "15"),
    ("北京市审计局2026年有几个预算单位", "2"),                 # not a count of table rows
    ("上海市审计局设有多少个内设机构？", "20"),
    ("2026年烟台市审计局纳入部门预算编制范围的二级预算单位共几个", "4"),   # a numbered list 1.…4.
])
def test_counts_are_read_where_the_narrative_states_them(real, question, value):
    answer = real.ask(question)
    assert answer.found and [v.value for v in answer.values] == [value], answer.answer


def test_a_purchase_is_not_the_fleet(real):
    answer = real.ask("杭州市气象局2026年预算安排购置几辆车？")
    assert "5辆" not in answer.answer, answer.answer


# -- items named the way people name them ----------------------------------------------------------
@pytest.mark.parametrize("question, values", [
    ("上海市审计局2026年的机关运行经费安排了多少", ("2180.26",)),          # 审计局 + 机关运行经费, not 局机关
    ("万里街道办事处24年机关运行经费是多少", ("443.18",)),          # the sentence saying it, before a
                                                                          # section merely titled with it
    ("国家信访局2026年度机关运行经费财政拨款预算有多少", ("2376.26",)),     # 「2,376.26万元」 whole, not 376.26
    ("烟台市审计局2026年一般公共预算基本支出里，对个人和家庭的补助有多少", ("214.73",)),   # not 其他对个人…
    ("普陀区财政局2024年基本支出中人员经费合计、公用经费合计各是多少", ("2152.26", "184.65")),
    ("杭州市气象局2026年一般公共预算基本支出、项目支出各多少", ("3745.07", "2008.00")),  # 基本支出/小计
    ("广州市统计局2026年项目支出的差旅费是多少？", ("19.45",)),            # the 项目支出 table's row
    ("广州市统计局2026年一般公共预算差旅费，基本支出和项目支出合起来是多少", ("31.49",)),
    ("北京市审计局2026年一般公共预算基本支出中人员经费占多少比例", ("93.37",)),
    ("江苏高院2019年的住房保障支出较上年增加多少", ("2627.95",)),         # the class's own sentence
    ("在西安市审计局2026年部门综合预算收支总表里，金额最大的功能支出是哪一类", ("3172.29",)),
])
def test_items_are_read_from_the_row_or_sentence_that_names_them(real, question, values):
    answer = real.ask(question)
    assert answer.found and states(answer, *values), answer.answer


def test_wrong_near_misses_are_not_given(real):
    assert "9,375.01" not in real.ask("重庆市水利局2026年一般公共预算财政拨款有多少").answer   # 上年结转's row
    assert [v.value for v in real.ask("国家信访局2026年度机关运行经费财政拨款预算有多少").values] == ["2376.26"]
    rank = real.ask("在西安市审计局2026年部门综合预算收支总表里，金额最大的功能支出是哪一类")
    assert "一般公共服务支出" in rank.answer and "（117）" not in rank.answer


@pytest.mark.parametrize("question, values", [
    ("杭州市气象局2026年收入预算较上年执行数增加多少", ("48.92",)),       # 执行数 of last year, in this budget
    ("普陀区司法局2026年信息化建设预算与2025年预算执行数相比增长多少", ("277.22",)),  # subject two sentences up
    ("杭州气象局2026年因公出国（境）费用的年初预算", ("0",)),          # 「年初不编制…预算」: none
    ("普陀区财政局2024年三公经费实际支出决算多少", ("0.00",)),   # the passage's 支出决算
    ("2026年度重庆水利局部门收入预算合计", ("186549.30",)),             # one total, not a sum
    ("普陀区万里街道办事处2024年支出最大的前三个功能类别有哪些", ("11938.53",)),
])
def test_changes_nones_and_totals_are_read_as_printed(real, question, values):
    answer = real.ask(question)
    assert answer.found and states(answer, *values), answer.answer


# -- a question read once (chatbot.understand.question) -----------------------------------------------------------
@pytest.fixture
def no_second_reading(monkeypatch):
    """Engines that fail when they read a question's text again: what the service read must serve."""
    from chatbot.understand.reading import QuestionReader

    def read_again(self, question):
        raise AssertionError(f"the engine read the question again: {question}")
    monkeypatch.setattr(QuestionReader, "read", read_again)
    monkeypatch.setattr(QuestionReader, "read_part", read_again)


@pytest.mark.parametrize("question, values", [
    ("万里街道2024年三公经费一共多少？公务用车购置费又是多少？", ("47.91", "25")),   # two asks
    ("哪个部门2026年三公经费最多？", ("308.00",)),                                                # a ranking
    ("普陀区司法局和苏州审计局2026年三公经费哪个多？", ("10.81", "10.00", "0.81")),                  # two departments
    ("苏州审计局2026年单位预算的三公经费是多少", ("10.00",)),                                      # a level
    ("普陀区财政局24年行政运行（2010601）的决算与年初预算相比少多少", ("48.16",)),             # 决算 stages
    ("2026年度重庆水利局部门收入预算合计", ("186549.30",)),
])
def test_a_routed_question_is_answered_from_the_services_one_reading(real, no_second_reading, question, values):
    answer = real.ask(question)
    assert answer.found and states(answer, *values), answer.answer


def test_the_reading_says_how_the_question_was_read(real):
    answer = real.ask("万里街道2024年三公经费一共多少？公务用车购置费又是多少？")
    assert answer.reading == {
        "departments": ["上海市普陀区人民政府万里街道办事处"], "years": [2024],
        "parts": ["万里街道2024年三公经费一共多少", "2024年公务用车购置费又是多少"],
        "plan": "rows_else_narrative+rows_else_narrative"}
    assert answer.to_json()["reading"] == answer.reading
    level = real.ask("苏州审计局2026年单位预算的三公经费是多少")
    assert level.reading["levels"] == ["单位"] and level.reading["departments"] == ["苏州市审计局"]


def test_a_routed_reading_and_the_engines_own_give_one_answer(real):
    question = "截至2025年12月底，重庆市水利局所属预算单位一共有几辆车"
    asked = real.read(question)
    doc = real.directory.pick(asked.named[0].department, asked.scope.years, asked.scope.kinds)
    engine = real.engine([doc])
    assert engine.ask(asked).answer == engine.ask(question).answer == real.ask(question).answer


@pytest.mark.parametrize("question", [
    "2026年度重庆水利局部门收入预算合计",                              # a sum read as one total
    "2024年普陀区委社会工作部一般公共预算财政拨款支出，全年预算数和决算数分别多少",  # stages, table fallback
    "普陀区财政局2024年度财政委托业务支出（2010608）年初预算数、决算数分别是多少",
])
def test_an_ask_is_resolved_once(real, monkeypatch, question):
    from chatbot.link.resolve import Resolver

    calls = []
    resolve = Resolver.resolve

    def counted(self, query, document_ids):
        calls.append(query.text)
        return resolve(self, query, document_ids)
    monkeypatch.setattr(Resolver, "resolve", counted)
    answer = real.ask(question)
    assert answer.found, answer.answer
    assert len(calls) == 1, calls


def test_a_comparison_with_a_department_lacking_the_year_names_what_it_has(real):
    answer = real.ask("普陀区司法局和普陀区商务委2026年三公经费哪个多？")
    assert not answer.found
    assert answer.answer == "未找到上海市普陀区商务委员会2026年的数据；库中该部门只有：2025年预算。"


# -- a term is never read as a neighbour's -------------------------------------------------------------
def test_a_purchase_column_under_a_joined_header_is_the_purchase(real):
    answer = real.ask("普陀区万里街道公车购置费占三公经费的比例是多少？")    # 「公务用车购置及运行费/购置费」
    assert answer.found and states(answer, "25.00", "47.91", "52.18"), answer.answer
    assert "公务接待费" not in answer.answer
    assert any(c.column == "购置费" and c.value == "25.00" for c in answer.citations), answer.citations


@pytest.mark.parametrize("question", [
    "国家信访局公车购置费占三公经费的比例是多少？",      # its 三公 table prints only 运行费; the narrative the pair
    "国家信访局2026年公务用车购置费预算多少？",
])
def test_a_term_the_document_states_only_joined_to_another_is_refused(real, question):
    answer = real.ask(question)
    assert not answer.found, answer.answer
    assert "38.60万元占" not in answer.answer and not answer.answer.startswith("公务"), answer.answer
    assert "5.51" not in answer.answer           # 公务接待费 is no part of 公务用车购置


def test_a_part_of_the_asked_term_reads_no_amount_on_its_own(real):
    answer = real.ask("普陀区财政局2024年政府采购金额是多少？")   # not 「…小微企业…，采购金额0万元」
    assert answer.found and states(answer, "251.25"), answer.answer
    assert answer.values[0].value == "251.25"


def test_carry_overs_are_one_item_not_a_sum(real):
    answer = real.ask("普陀区财政局2024年年初结转结余是多少？")
    assert answer.found and states(answer, "49.14") and answer.operation != "sum", answer.answer
    absent = real.ask("普陀区委社会工作部2024年年初结转和结余是多少？")   # its tables print no such row
    assert not absent.found and "「年初结转」" not in absent.answer, absent.answer


def test_a_table_per_project_is_not_counted_by_its_rows(real):
    answer = real.ask("福州市医保局2026年绩效目标涉及几个项目？")   # 11 tables, each 资金总额/财政拨款…
    assert not answer.found or "资金总额、财政拨款" not in answer.answer, answer.answer
    assert "22" not in answer.answer
    listed = real.ask("杭州市气象局2026年绩效目标涉及几个项目？")      # one table, a row per project
    assert listed.found and states(listed, "3"), listed.answer


def test_a_change_of_another_item_under_the_title_is_not_the_asked_ones(real):
    answer = real.ask("江苏高院三公经费比上年增加还是减少？")   # only 因公出国（境）费's change is stated
    assert not answer.found and "10万元" not in answer.answer, answer.answer
    item = real.ask("江苏高院2019年因公出国费比上年减少多少？")
    assert item.found and states(item, "10"), item.answer


def test_a_part_blank_this_year_is_not_read_from_last_years_column(real):
    answer = real.ask("烟台市审计局公务接待费占三公经费的比重是多少？")   # 2026: 3.40 of 3.40; 2025 printed beside
    assert answer.found and states(answer, "3.40", "100.00"), answer.answer
    assert "11.90" not in answer.answer and "8.50" not in answer.answer


def test_a_column_printed_in_another_form_of_a_term_is_named_by_the_term(real):
    answer = real.ask("北京市审计局因公出国（境）费和公务接待费合计多少？")   # printed 「因公出国（境）费用」
    assert answer.found and states(answer, "173.52", "6.00", "179.52"), answer.answer


@pytest.mark.parametrize("question, never", [
    ("广州市统计局财政拨款收入是多少？", ("8,401.67", "19.86")),   # a 基本支出表 column; a 三公 sentence
    ("福州市医保局财政拨款收入是多少？", ("118.00", "745.00")),    # a line of every project's 绩效目标表
    ("苏州市审计局财政拨款收入是多少？", ("0万元",)),               # 「政府性基金预算拨款收入0万元」
    ("重庆市水利局财政拨款收入是多少？", ("44134.59",)),            # 政府性基金预算's
])
def test_income_is_read_where_income_is_printed_or_refused(real, question, never):
    answer = real.ask(question)
    assert not any(n in answer.answer.split("。")[0] for n in never), answer.answer


def test_an_item_of_words_the_tokenizer_splits_is_read_as_asked(real):
    answer = real.ask("长沙市信访局2026年事业收入多少？")     # 事业 + 收入, not 「收入预算1935.36万元」
    assert answer.found and answer.values[0].value == "0.00", answer.answer


def test_the_largest_share_is_a_ranking_not_one_share(real):
    answer = real.ask("杭州市气象局2026年三公经费占比最大的是哪一项")
    assert answer.found and answer.operation == "rank" and states(answer, "18.00"), answer.answer


@pytest.mark.parametrize("question, value", [
    ("国家信访局上年结转是多少？", "2254.12"),       # 上年结转 is an item, not 「比上年」
    ("重庆市水利局上年结转是多少？", "53509.60"),
])
def test_last_years_carry_over_is_an_item_not_a_change(real, question, value):
    answer = real.ask(question)
    assert answer.found and answer.operation != "change" and states(answer, value), answer.answer
