"""Golden questions over the sample disclosure: values and cited rows, every operation and phrasing."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest

from ingest.document.text import normalize_label

SG = "三公"                      # 2024年一般公共预算“三公”经费支出情况表
T1 = "部门收支总体"
T2 = "部门收入总体"
T5 = "一般公共预算支出情况"
T6 = "基本支出情况"
PJ = "项目支出绩效"
UN = "整体支出绩效"


def numbers(answer) -> list[Decimal]:
    return [abs(Decimal(v.value)) for v in answer.values]


def plain_text(text: str) -> str:
    """An answer's text with the thousands separators of its figures taken out (「10,465.00」 → 「10465.00」)."""
    return re.sub(r"(?<=\d),(?=\d{3})", "", text)


def cited(answer, table: str, row: str) -> bool:
    return any(c.table and table in c.table and c.row and normalize_label(c.row) == normalize_label(row)
               for c in answer.citations)


def check(answer, values, rows) -> None:
    assert answer.found, answer.answer
    got = numbers(answer)
    for v in values:
        assert Decimal(v) in got, f"{v} not in {got}: {answer.answer}"
    for table, row in rows:
        assert cited(answer, table, row), f"{table}/{row} not cited: {answer.citations}"


LOOKUP = [
    ("三公经费是多少？", ["104.20"], [(SG, "合计")]),
    ("三公预算多少钱", ["104.20"], [(SG, "合计")]),
    ("“三公”经费预算数是多少", ["104.20"], [(SG, "合计")]),
    ("今年三公经费安排了多少", ["104.20"], [(SG, "合计")]),
    ("长沙市工业和信息化局的三公经费是多少", ["104.20"], [(SG, "合计")]),
    ("工信局三公经费", ["104.20"], [(SG, "合计")]),
    ("公车购置费是多少", ["61.00"], [(SG, "合计")]),
    ("买车的钱有多少", ["61.00"], [(SG, "合计")]),
    ("公务用车运行费多少", ["25.25"], [(SG, "合计")]),
    ("公车费用是多少", ["86.25"], [(SG, "合计")]),
    ("出国经费多少", ["15.00"], [(SG, "合计")]),
    ("因公出国(境)费是多少", ["15.00"], [(SG, "合计")]),
    ("行政运行是多少", ["2466.28"], [(T5, "行政运行")]),
    ("2150501", ["2466.28"], [(T5, "行政运行")]),
    ("2150501科目预算多少", ["2466.28"], [(T5, "行政运行")]),
    ("事业运行支出", ["4554.46"], [(T5, "事业运行")]),
    ("产业发展的预算", ["1804.00"], [(T5, "产业发展")]),
    ("一般行政管理事务", ["321.24"], [(T5, "一般行政管理事务")]),
    ("其他工业和信息产业监管支出", ["1319.02"], [(T5, "其他工业和信息产业监管支出")]),
    ("2150599是多少", ["1319.02"], [(T5, "其他工业和信息产业监管支出")]),
    ("21505", ["10465.00"], [(T5, "工业和信息产业监管")]),
    ("资源勘探工业信息等支出", ["10465.00"], [(T5, "资源勘探工业信息等支出")]),
    ("行政运行的基本支出", ["2466.28"], [(T5, "行政运行")]),
    ("一般行政管理事务的项目支出", ["321.24"], [(T5, "一般行政管理事务")]),
    ("30113", ["418.95"], [(T6, "住房公积金")]),
    ("公积金是多少", ["418.95"], [(T6, "住房公积金")]),
    ("住房公积金预算", ["418.95"], [(T6, "住房公积金")]),
    ("人员经费", ["6526.49"], [(T6, "合计")]),
    ("人员经费有多少", ["6526.49"], [(T6, "合计")]),
    ("公用经费", ["494.25"], [(T6, "合计")]),
    ("基本工资", ["805.28"], [(T6, "基本工资")]),
    ("奖金多少", ["1411.41"], [(T6, "奖金")]),
    ("绩效工资", ["394.72"], [(T6, "绩效工资")]),
    ("养老保险缴费", ["381.21"], [(T6, "机关事业单位基本养老保险缴费")]),
    ("医保", ["126.94"], [(T6, "职工基本医疗保险缴费")]),
    ("职业年金", ["196.20"], [(T6, "职业年金缴费")]),
    ("退休费", ["1530.67"], [(T6, "退休费")]),
    ("30217", ["0.10"], [(T6, "公务接待费")]),
    ("培训费是多少", ["4.83"], [(T6, "培训费")]),
    ("差旅费", ["0.10"], [(T6, "差旅费")]),
    ("工资福利支出是多少", ["4583.09"], [(T6, "工资福利支出")]),
    ("商品和服务支出", ["494.25"], [(T6, "商品和服务支出")]),
    ("对个人和家庭的补助是多少", ["1943.40"], [(T6, "对个人和家庭的补助")]),
    ("办公费", ["10.00"], [(T6, "办公费")]),
    ("其他交通费用", ["73.50"], [(T6, "其他交通费用")]),
    ("公务用车运行维护费是多少", ["9.64"], [(T6, "公务用车运行维护费")]),
    ("基本支出是多少", ["7020.74"], []),
    ("项目支出是多少", ["3444.26"], []),
    ("收入总计", ["10465.00"], []),
    ("总支出是多少", ["10465.00"], []),
    ("财政拨款收入多少", ["10465.00"], []),
    ("经费拨款是多少", ["10450.93"], [(T2, "合计")]),
    ("一般公共预算拨款收入是多少", ["10465.00"], []),
    ("部门预算总额", ["10465.00"], []),
    ("制造业发展促进中心的项目支出", ["1804.00"], [(UN, "长沙市制造业发展促进中心")]),
    ("企业服务中心的基本支出", ["1003.01"], [(UN, "长沙市企业服务中心")]),
    ("无线电监测站的资金总额", ["309.30"], [(UN, "湖南省无线电管理委员会办公室长沙市无线电监测站")]),
    ("长沙市企业服务中心的项目支出", ["1311.67"], [(UN, "长沙市企业服务中心")]),
    ("工发资金切块业务工作专项经费是多少", ["1500.00"], [(PJ, "工发资金切块业务工作专项经费")]),
    ("大院运行经费", ["49.00"], [(PJ, "大院运行经费")]),
    ("纺织研究所运转经费多少", ["8.66"], [(PJ, "长沙市纺织工业研究所运转经费")]),
    ("中小企业公共服务专项活动经费", ["1000.00"], [(PJ, "中小企业公共服务专项活动经费")]),
    ("离退休人员工作经费有多少", ["17.67"], [(PJ, "离退休人员工作经费")]),
    ("项目前期工作经费", ["143.56"], [(PJ, "项目前期工作经费")]),
]

SHARE = [
    ("公车购置费占三公经费多少", ["61.00", "104.20", "58.54"], [(SG, "合计")]),
    ("公务接待费占三公经费的比例", ["2.95", "104.20", "2.83"], [(SG, "合计")]),
    ("出国费占三公经费百分之几", ["15.00", "14.40"], [(SG, "合计")]),
    ("人员经费占基本支出的比重", ["6526.49", "7020.74", "92.96"], [(T6, "合计")]),
    ("行政运行占一般公共预算支出的比重", ["2466.28", "10465.00", "23.57"], [(T5, "行政运行"), (T5, "合计")]),
    ("公用经费占基本支出的比例", ["494.25", "7.04"], [(T6, "合计")]),
    ("项目支出占支出总计的比例", ["3444.26", "32.91"], []),
    ("行政运行占工业和信息产业监管的比例", ["23.57"], [(T5, "行政运行"), (T5, "工业和信息产业监管")]),
]

DIFFERENCE = [
    ("基本支出比项目支出多多少", ["7020.74", "3444.26", "3576.48"], []),
    ("项目支出比基本支出少多少", ["3576.48"], []),
    ("公车购置费和公车运行费相差多少", ["35.75"], [(SG, "合计")]),
    ("人员经费比公用经费多多少", ["6032.24"], [(T6, "合计")]),
    ("事业运行比行政运行多多少", ["2088.18"], [(T5, "事业运行"), (T5, "行政运行")]),
    ("公务用车购置及运行费与出国费的差额", ["71.25"], [(SG, "合计")]),
]

SUM = [
    ("公务接待费和出国费一共多少", ["2.95", "15.00", "17.95"], [(SG, "合计")]),
    ("基本工资加津贴补贴一共多少", ["1100.27"], [(T6, "基本工资"), (T6, "津贴补贴")]),
    ("离休费和退休费加起来", ["1590.65"], [(T6, "离休费"), (T6, "退休费")]),
    ("离退休费是多少", ["1590.65"], [(T6, "离休费"), (T6, "退休费")]),
    ("社保缴费多少", ["1009.66"], [(T6, "职业年金缴费"), (T6, "其他社会保障缴费")]),
    ("行政运行和事业运行总共多少", ["7020.74"], [(T5, "行政运行"), (T5, "事业运行")]),
]

RANK = [
    ("项级支出最多的是", ["4554.46"], [(T5, "事业运行")]),
    ("哪个项级科目支出最少", ["321.24"], [(T5, "一般行政管理事务")]),
    ("款级支出最多的", ["10465.00"], [(T5, "工业和信息产业监管")]),
    ("基本支出表里前三的经济科目", ["1530.67", "1411.41", "805.28"], [(T6, "退休费"), (T6, "奖金"), (T6, "基本工资")]),
    ("类级经济科目哪个最多", ["4583.09"], [(T6, "工资福利支出")]),
    ("哪个项目资金最多", ["1500.00"], [(PJ, "工发资金切块业务工作专项经费")]),
    ("资金最少的项目", ["3.00"], [(PJ, "派驻纪检监察组办公经费")]),
    ("哪个单位预算最多", ["5046.15"], [(UN, "长沙市制造业发展促进中心")]),
    ("哪个单位项目支出最多", ["1804.00"], [(UN, "长沙市制造业发展促进中心")]),
    ("三公经费中哪项最多", ["86.25"], [(SG, "合计")]),
    ("工资福利支出中哪项最多", ["1411.41"], [(T6, "奖金")]),
    ("公用经费里哪项最多", ["348.76"], [(T6, "其他商品和服务支出")]),
    ("前三大项目", ["1500.00", "1000.00", "255.00"], [(PJ, "常规业务经费")]),
]

COUNT = [
    ("有几个项目", ["13"], [(PJ, "大院运行经费")]),
    ("项目支出绩效目标表有多少个项目", ["13"], []),
    ("有几个预算单位", ["4"], [(UN, "长沙市企业服务中心")]),
    ("项级科目有几个", ["5"], [(T5, "事业运行")]),
]

CHECK = [
    ("基本支出加项目支出是否等于支出总计？", ["10465.00"], []),
    ("三公经费各项加起来对不对", ["104.20"], [(SG, "合计")]),
    ("人员类和公用经费相加是否等于基本支出", ["7020.74"], []),
    ("收入总计和支出总计是否相等", ["10465.00"], []),
    ("21505的合计对不对", ["10465.00"], [(T5, "工业和信息产业监管"), (T5, "事业运行")]),
]

CHANGE = [
    ("收入比上年增长多少", ["1198.78", "12.94"], "收入预算"),
    ("支出较去年增加了多少", ["1198.78", "12.94"], "支出预算"),
    ("三公经费比上年增加多少", ["67.26"], "三公"),
    ("机关运行经费比上年减少多少", ["36.45", "6.87"], "机关运行经费"),
]

NARRATIVE = [
    ("会议费预算", ["8.36"], "会议费预算8.36万元"),
    ("会议费预算是多少？", ["8.36"], "会议费预算8.36万元"),
    ("内设几个处室", ["19"], "内设处室19个"),
    ("公务用车有几辆", ["9"], "公务用车9辆"),
    ("政府采购预算多少", ["180.982"], "政府采购预算总额"),
    ("机关运行经费是多少", ["494.25"], "机关运行经费494.25万元"),
    ("为什么三公经费增加", [], "拟采购"),
    ("什么是机关运行经费", [], "是指各部门的公用经费"),
    ("预算单位有哪些", [], "长沙市制造业发展促进中心"),
    ("“三公”经费是指什么", [], "公务接待费"),
]

REFUSAL = [
    ("长沙市教育局2024年三公经费", "长沙市工业和信息化局 2024年 部门预算"),
    ("株洲市工信局的基本支出有多少", "库中只有"),
    ("湖南省工业和信息化厅的部门预算总额是多少？", "库中只有"),
    ("2023年行政运行是多少", "2024年"),
    ("2022年的三公经费预算是多少？", "2024年"),
    ("2024年三公经费决算数是多少", "预算"),
    ("政府性基金预算支出是多少", "无政府性基金"),
    ("政府性基金预算里的行政运行是多少", "空表"),
    ("今天天气怎么样", "未找到"),
    ("火星探测经费有多少", "未找到"),
    ("水电费预算是多少？", "未找到"),
    ("asdfghjkl", "未找到"),
]


@pytest.mark.parametrize("question,values,rows", LOOKUP)
def test_lookup(service, question, values, rows):
    check(service.ask(question), values, rows)


@pytest.mark.parametrize("question,values,rows", SHARE)
def test_share(service, question, values, rows):
    answer = service.ask(question)
    check(answer, values, rows)
    assert answer.operation == "share" and "÷" in answer.answer and "%" in answer.answer


@pytest.mark.parametrize("question,values,rows", DIFFERENCE)
def test_difference(service, question, values, rows):
    answer = service.ask(question)
    check(answer, values, rows)
    assert answer.operation == "difference" and "−" in answer.answer


@pytest.mark.parametrize("question,values,rows", SUM)
def test_sum(service, question, values, rows):
    check(service.ask(question), values, rows)


@pytest.mark.parametrize("question,values,rows", RANK)
def test_rank(service, question, values, rows):
    answer = service.ask(question)
    check(answer, values, rows)
    assert answer.operation == "rank"


@pytest.mark.parametrize("question,values,rows", COUNT)
def test_count(service, question, values, rows):
    answer = service.ask(question)
    check(answer, values, rows)
    assert answer.operation == "count"


@pytest.mark.parametrize("question,values,rows", CHECK)
def test_check_says_consistent(service, question, values, rows):
    answer = service.ask(question)
    check(answer, values, rows)
    assert answer.operation == "check" and "一致" in answer.answer and "不一致" not in answer.answer


def test_check_says_inconsistent_when_figures_differ(service):
    answer = service.ask("三公表的公务接待费和基本支出表的公务接待费是否一致？")
    assert answer.operation == "check" and "不一致" in answer.answer
    assert {Decimal("2.95"), Decimal("0.10")} <= set(numbers(answer))


@pytest.mark.parametrize("question,values,section", CHANGE)
def test_change_quotes_the_narrative(service, question, values, section):
    answer = service.ask(question)
    assert answer.found and answer.operation == "change", answer.answer
    assert [Decimal(v) for v in values] == numbers(answer)[:len(values)]
    assert any(c.section and section in c.section and c.text for c in answer.citations)


@pytest.mark.parametrize("question,values,quote", NARRATIVE)
def test_narrative_quotes_a_sentence(service, question, values, quote):
    answer = service.ask(question)
    assert answer.found, answer.answer
    for v in values:
        assert Decimal(v) in numbers(answer), answer.answer
    assert any(c.section and quote in c.text.replace(" ", "") for c in answer.citations), answer.citations


@pytest.mark.parametrize("question,says", REFUSAL)
def test_refusal(service, question, says):
    answer = service.ask(question)
    assert not answer.found, answer.answer
    assert says in answer.answer and not answer.values


def test_ambiguous_term_names_table_and_other_candidate(service):
    answer = service.ask("公务接待费是多少？")
    check(answer, ["2.95"], [(SG, "合计")])
    assert "三公" in answer.answer and "0.10" in answer.answer and "30217" in answer.answer
    assert {c["value"] for c in answer.candidates} == {"2.95", "0.10"}
    assert not cited(answer, T6, "公务接待费")  # the alternative is mentioned, not cited as used


def test_economic_wording_picks_the_economic_item(service):
    answer = service.ask("经济科目里的公务接待费是多少")
    check(answer, ["0.10"], [(T6, "公务接待费")])
    assert "2.95" in answer.answer


def test_related_term_is_mentioned(service):
    answer = service.ask("公车运行维护费是多少")
    assert "25.25" in answer.answer and "9.64" in answer.answer


def test_longer_name_containing_the_term_is_mentioned(service):
    answer = service.ask("奖励金多少钱")
    assert "0.16" in answer.answer and "7.35" in answer.answer


def test_bare_total_lists_the_tables(service):
    answer = service.ask("合计是多少")
    assert answer.operation == "clarify" and len(answer.candidates) >= 5
    assert "104.20" in answer.answer and "7020.74" in plain_text(answer.answer)


def test_every_number_in_a_table_answer_is_a_value_or_cited(service):
    for q in ["公车购置费占三公经费多少", "基本支出比项目支出多多少", "社保缴费多少", "前三大项目"]:
        answer = service.ask(q)
        known = {Decimal(v.value) for v in answer.values} | {Decimal(c.value) for c in answer.citations if c.value}
        known |= {Decimal(c.code) for c in answer.citations if c.code}
        for n in re.findall(r"\d+(?:\.\d+)?", plain_text(answer.answer).split("（")[0]):
            assert Decimal(n) in known or n in {"1", "2", "3"}, (q, n, answer.answer)


def test_elapsed_ms_is_filled(service):
    assert service.ask("三公经费是多少").elapsed_ms > 0


# -- figures only the narrative states, as operands (each cited with its sentence) ---------------------
NARRATIVE_OPERANDS = [
    ("培训费和会议费合计多少", "sum", ["4.83", "8.36", "13.19"], ["会议费预算8.36万元"]),
    ("会议费预算减去培训费预算是多少", "difference", ["3.53"], ["会议费预算8.36万元"]),
    ("服务类采购比工程类采购多多少", "difference", ["67.41", "0", "67.41"], ["服务类采购预算67.41万元"]),
    ("政府采购里货物类和服务类一共多少", "sum", ["113.572", "67.41", "180.982"], ["货物类采购预算113.572万元"]),
    ("服务类采购占采购总额的百分之几", "share", ["67.41", "180.982", "37.25"], ["政府采购预算总额180.982万元"]),
    ("产业链群工作经费比产业链系列活动经费多多少", "difference", ["600.00", "100.00", "500.00"],
     ["产业链群工作经费600.00万元"]),
    ("货物、工程、服务三类采购之和与政府采购预算总额一致吗", "check", ["180.982"], ["服务类采购预算67.41万元"]),
]


@pytest.mark.parametrize("question,operation,values,quotes", NARRATIVE_OPERANDS)
def test_narrative_figures_are_operands(service, question, operation, values, quotes):
    answer = service.ask(question)
    check(answer, values, [])
    assert answer.operation == operation, answer.answer
    quoted = "".join(c.text or "" for c in answer.citations if c.section).replace(" ", "")
    for quote in quotes:
        assert quote in quoted, answer.citations
    if operation == "check":
        assert "一致" in answer.answer and "不一致" not in answer.answer


def test_figure_said_to_be_the_narratives_is_compared_with_the_table(service):
    answer = service.ask("说明中写的公务接待费和三公表里的一致吗")
    assert answer.operation == "check" and "一致" in answer.answer and "不一致" not in answer.answer
    assert any(c.section and "公务接待费2.95万元" in c.text.replace(" ", "") for c in answer.citations)
    assert cited(answer, SG, "合计")


@pytest.mark.parametrize("question,missing", [("火星探测经费和三公经费加起来多少", "火星探测经费"),
                                              ("水电费和会议费一共多少", "水电费")])
def test_sum_with_an_operand_the_store_lacks_is_not_found(service, question, missing):
    answer = service.ask(question)
    assert not answer.found and missing in answer.answer and not answer.values


@pytest.mark.parametrize("question,values,says", [
    ("拟购公车43万加18万，等于三公经费增加的67.26万吗", ["61.00", "67.26"], "不一致"),
    ("会议费8.36万加培训费4.83万是不是13.19万", ["13.19"], "一致"),
])
def test_stated_numbers_are_added_and_compared(service, question, values, says):
    answer = service.ask(question)
    check(answer, values, [])
    assert answer.operation == "check" and says in answer.answer


# -- a unit, its projects, its columns -------------------------------------------------------------------
OWN_UNIT = [
    ("机关本级有几个项目", "count", ["6"], [(PJ, "工业和信息化工作经费")]),
    ("局机关的项目中哪个最少", "rank", ["3.00"], [(PJ, "派驻纪检监察组办公经费")]),
    ("局机关本级项目加起来多少", "sum", ["328.59"], [(PJ, "项目前期工作经费")]),
    ("局机关资金总额是多少", "lookup", ["2794.87"], [(UN, "长沙市工业和信息化局")]),
    ("企业服务中心的基本支出和项目支出相差多少", "difference", ["1003.01", "1311.67", "308.66"],
     [(UN, "长沙市企业服务中心")]),
    ("制造业发展促进中心项目支出占其资金总额的比例", "share", ["1804.00", "5046.15", "35.75"],
     [(UN, "长沙市制造业发展促进中心")]),
    ("中小企业公共服务专项活动经费在企业服务中心项目支出里占多少", "share", ["76.24"], [(UN, "长沙市企业服务中心")]),
]


@pytest.mark.parametrize("question,operation,values,rows", OWN_UNIT)
def test_units_projects_and_columns(service, question, operation, values, rows):
    answer = service.ask(question)
    check(answer, values, rows)
    assert answer.operation == operation, answer.answer


def test_department_named_alone_gives_its_total_and_its_own_units_amount(service):
    answer = service.ask("长沙市工信局今年的预算有多少")
    check(answer, ["10465.00"], [])
    assert "2794.87" in plain_text(answer.answer)


# -- within a group: children, thresholds, places, exclusions ---------------------------------------------
GROUPS = [
    ("对个人和家庭的补助下面有几个科目", "count", ["5"], [(T6, "退休费")]),
    ("商品和服务支出里超过10万元的有几项", "count", ["3"], [(T6, "工会经费")]),
    ("基本支出中有几个科目低于1万元", "count", ["4"], [(T6, "奖励金")]),
    ("对个人和家庭的补助中第二多的是哪项", "rank", ["352.29"], [(T6, "其他对个人和家庭的补助")]),
    ("除了事业运行，哪个项级科目最多", "rank", ["2466.28"], [(T5, "行政运行")]),
    ("企业服务中心的项目里第二多的是哪个", "rank", ["184.00"], [(PJ, "长沙市企业服务中心工作经费")]),
    ("奖金在工资福利支出中排第几", "rank", ["1411.41", "1"], [(T6, "奖金")]),
]


@pytest.mark.parametrize("question,operation,values,rows", GROUPS)
def test_groups(service, question, operation, values, rows):
    answer = service.ask(question)
    check(answer, values, rows)
    assert answer.operation == operation, answer.answer


def test_count_names_the_parts_of_a_concept(service):
    answer = service.ask("三公经费有几项")
    assert answer.values[0].value == "3" and "公务接待费、因公出国（境）费、公务用车购置及运行费" in answer.answer


@pytest.mark.parametrize("question,name,value", [("30239是什么科目", "其他交通费用", "73.50"),
                                                 ("2150517对应哪个科目", "产业发展", "1804.00")])
def test_code_name(service, question, name, value):
    answer = service.ask(question)
    assert answer.found and f"是「{name}」" in answer.answer and Decimal(value) in numbers(answer)


@pytest.mark.parametrize("question,values,rows", [
    ("本级财政拨款比经费拨款多多少", ["14.07"], [(T2, "合计")]),
    ("公车购置费和运行费一共多少", ["61.00", "25.25", "86.25"], [(SG, "合计")]),
    ("离退休方面花了多少钱", ["59.98", "1530.67", "17.67"], [(T6, "离休费"), (T6, "退休费")]),
])
def test_columns_ellipsis_and_partial_concepts(service, question, values, rows):
    answer = service.ask(question)
    assert answer.found, answer.answer
    got = numbers(answer) + [Decimal(n) for n in re.findall(r"\d+\.\d+", plain_text(answer.answer))]
    for v in values:
        assert Decimal(v) in got, (v, answer.answer)
    for table, row in rows:
        assert cited(answer, table, row), answer.citations


# -- narrative: the right sentence is picked, filler words do not count, unrelated ones refuse -----------
@pytest.mark.parametrize("question,quote", [
    ("有没有举办论坛赛事之类的活动", "未举办"),
    ("工信局在中小企业方面有哪些职责", "中小企业"),
    ("无线电方面工信局负责些什么", "无线电频谱"),
    ("收入为什么比上年多", "制造业发展促进中心增加了项目经费"),
])
def test_narrative_sentence_is_found(service, question, quote):
    answer = service.ask(question)
    assert answer.found, answer.answer
    assert any(c.section and quote in c.text for c in answer.citations), answer.citations


@pytest.mark.parametrize("question", ["工信局办公室主任是谁", "局长叫什么名字", "部门的办公地址在哪里"])
def test_unrelated_question_is_not_answered(service, question):
    assert not service.ask(question).found


def test_listed_items_are_counted(service):
    answer = service.ask("部门职能一共几条")
    assert answer.found and answer.values[0].value == "16"
    assert any(c.section and c.text.startswith("16.") for c in answer.citations)


@pytest.mark.parametrize("question,operation,values", [
    ("退休费是离休费的多少倍", "share", ["1530.67", "59.98", "25.52"]),
    ("政府采购总额里货物类占多少", "share", ["113.572", "180.982", "62.75"]),
    ("基本工资比津贴补贴高出多少", "difference", ["510.29"]),
    ("一般行政管理事务在功能科目里排第几", "rank", ["321.24", "5"]),
    ("大院运行经费在项目里排第几", "rank", ["49.00", "8"]),
])
def test_ratios_places_and_containers(service, question, operation, values):
    answer = service.ask(question)
    check(answer, values, [])
    assert answer.operation == operation, answer.answer


@pytest.mark.parametrize("question", ["部门各表之间有没有对不上的地方", "这份公开材料里数字有没有算错"])
def test_more_consistency_phrasings(service, question):
    answer = service.ask(question)
    assert answer.found and answer.operation == "check" and "全部一致" in answer.answer


def test_code_named_with_this_subject_is_what(service):
    answer = service.ask("30216这个科目是什么")
    assert answer.found and "是「培训费」" in answer.answer
