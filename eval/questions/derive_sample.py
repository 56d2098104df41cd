"""How the golds of sample.jsonl were derived: each question's phrasing is written by hand below, its
expected figures computed in Decimal from the sample's figures (transcribed from
ingest/samples/changsha-gxj-2024.txt), which are checked for internal consistency and, with --store,
against a store built from the PDF.

    python eval/questions/derive_sample.py --store /tmp/eval-store > eval/questions/sample.jsonl
"""
import argparse
import json
import re
import sys
from collections import Counter
from decimal import ROUND_HALF_UP
from decimal import Decimal as D

# ---- facts (万元) -----------------------------------------------------------------------------
T6 = {  # 2024年一般公共预算基本支出情况表: code -> (name, 总计)
    "301": ("工资福利支出", D("4583.09")), "30101": ("基本工资", D("805.28")), "30102": ("津贴补贴", D("294.99")),
    "30103": ("奖金", D("1411.41")), "30107": ("绩效工资", D("394.72")),
    "30108": ("机关事业单位基本养老保险缴费", D("381.21")), "30109": ("职业年金缴费", D("196.20")),
    "30110": ("职工基本医疗保险缴费", D("126.94")), "30111": ("公务员医疗补助缴费", D("269.30")),
    "30112": ("其他社会保障缴费", D("36.01")), "30113": ("住房公积金", D("418.95")),
    "30199": ("其他工资福利支出", D("248.08")),
    "302": ("商品和服务支出", D("494.25")), "30201": ("办公费", D("10.00")), "30202": ("印刷费", D("1.20")),
    "30203": ("咨询费", D("1.00")), "30207": ("邮电费", D("10.00")), "30211": ("差旅费", D("0.10")),
    "30213": ("维修（护）费", D("1.90")), "30216": ("培训费", D("4.83")), "30217": ("公务接待费", D("0.10")),
    "30226": ("劳务费", D("4.41")), "30227": ("委托业务费", D("6.30")), "30228": ("工会经费", D("19.09")),
    "30229": ("福利费", D("3.42")), "30231": ("公务用车运行维护费", D("9.64")), "30239": ("其他交通费用", D("73.50")),
    "30299": ("其他商品和服务支出", D("348.76")),
    "303": ("对个人和家庭的补助", D("1943.40")), "30301": ("离休费", D("59.98")), "30302": ("退休费", D("1530.67")),
    "30305": ("生活补助", D("0.30")), "30309": ("奖励金", D("0.16")), "30399": ("其他对个人和家庭的补助", D("352.29")),
}
T6_TOTAL, T6_PERSONNEL, T6_PUBLIC = D("7020.74"), D("6526.49"), D("494.25")
FN = {"2150501": ("行政运行", D("2466.28"), "基本"), "2150502": ("一般行政管理事务", D("321.24"), "项目"),
      "2150517": ("产业发展", D("1804.00"), "项目"), "2150550": ("事业运行", D("4554.46"), "基本"),
      "2150599": ("其他工业和信息产业监管支出", D("1319.02"), "项目")}
TOTAL, BASIC, PROJECT, GRANT_FUNDS = D("10465.00"), D("7020.74"), D("3444.26"), D("10450.93")
SG = {"合计": D("104.20"), "公务接待费": D("2.95"), "因公出国（境）费": D("15.00"),
      "公务用车购置及运行费": D("86.25"), "公务用车购置": D("61.00"), "公务用车运行费": D("25.25")}
PROJECTS = {  # 2024年项目支出绩效目标表: unit code -> {project: 资金总额}
    "501001": {"长沙市纺织工业研究所运转经费": D("8.66"), "工业和信息化工作经费": D("151.95"),
               "派驻纪检监察组办公经费": D("3.00"), "无线电管理经费": D("14.07"),
               "下属两家已改制事业单位独生子女父母奖励金": D("7.35"), "项目前期工作经费": D("143.56")},
    "501006": {"常规业务经费": D("255.00"), "大院运行经费": D("49.00"), "工发资金切块业务工作专项经费": D("1500.00")},
    "501009": {"长沙市企业服务中心工作经费": D("184.00"), "公共服务平台运维和项目评审室工作经费": D("110.00"),
               "离退休人员工作经费": D("17.67"), "中小企业公共服务专项活动经费": D("1000.00")},
}
UNIT_SUBTOTAL = {"长沙市制造业发展促进中心": D("1804.00"), "长沙市企业服务中心": D("1311.67")}  # rows of the project table
UNITS = {  # 2024年部门整体支出绩效目标表: name -> (资金总额, 基本支出, 项目支出)
    "长沙市工业和信息化局": (D("2794.87"), D("2466.28"), D("328.59")),
    "湖南省无线电管理委员会办公室长沙市无线电监测站": (D("309.30"), D("309.30"), D("0")),
    "长沙市制造业发展促进中心": (D("5046.15"), D("3242.15"), D("1804.00")),
    "长沙市企业服务中心": (D("2314.68"), D("1003.01"), D("1311.67")),
}
N = {  # narrative figures
    "income_up": D("1198.78"), "income_up_pct": D("12.94"), "center_project_up": D("1454.95"),
    "running": D("494.25"), "running_down": D("36.45"), "running_down_pct": D("6.87"),
    "sg_up": D("67.26"), "cars_bureau": D("43"), "cars_center": D("18"),
    "meeting": D("8.36"), "meeting_people": 1200, "training": D("4.83"), "training_people": 162,
    "procurement": D("180.982"), "goods": D("113.572"), "works": D("0"), "services": D("67.41"),
    "cars": 9, "cars_emergency": 2, "cars_special": 3, "cars_other": 4, "new_cars": 3,
    "routine": D("255.00"), "compound": D("49.00"), "cut": D("1500.00"), "cut_research": D("800.00"),
    "cut_chain": D("600.00"), "cut_events": D("100.00"), "esc_work": D("184"), "retirees": D("17.67"),
    "platform": D("110.00"), "sme": D("1000.00"), "divisions": 19, "units": 4, "duties": 16,
}


def check_facts():
    assert sum(v for k, (_, v) in T6.items() if k.startswith("301") and len(k) == 5) == T6["301"][1]
    assert sum(v for k, (_, v) in T6.items() if k.startswith("302") and len(k) == 5) == T6["302"][1]
    assert sum(v for k, (_, v) in T6.items() if k.startswith("303") and len(k) == 5) == T6["303"][1]
    assert T6["301"][1] + T6["302"][1] + T6["303"][1] == T6_TOTAL == T6_PERSONNEL + T6_PUBLIC == BASIC
    assert T6["301"][1] + T6["303"][1] == T6_PERSONNEL and T6["302"][1] == T6_PUBLIC == N["running"]
    assert sum(v for _, v, k in FN.values() if k == "基本") == BASIC
    assert sum(v for _, v, k in FN.values() if k == "项目") == PROJECT and BASIC + PROJECT == TOTAL
    assert SG["公务接待费"] + SG["因公出国（境）费"] + SG["公务用车购置及运行费"] == SG["合计"]
    assert SG["公务用车购置"] + SG["公务用车运行费"] == SG["公务用车购置及运行费"]
    assert sum(PROJECTS["501001"].values()) == UNITS["长沙市工业和信息化局"][2]
    assert sum(PROJECTS["501006"].values()) == UNITS["长沙市制造业发展促进中心"][2] == UNIT_SUBTOTAL["长沙市制造业发展促进中心"]
    assert sum(PROJECTS["501009"].values()) == UNITS["长沙市企业服务中心"][2] == UNIT_SUBTOTAL["长沙市企业服务中心"]
    assert sum(u[0] for u in UNITS.values()) == TOTAL and sum(u[1] for u in UNITS.values()) == BASIC
    assert all(u[0] == u[1] + u[2] for u in UNITS.values())
    assert N["goods"] + N["works"] + N["services"] == N["procurement"]
    assert N["cars_emergency"] + N["cars_special"] + N["cars_other"] == N["cars"]
    assert N["cut_research"] + N["cut_chain"] + N["cut_events"] == N["cut"]
    assert N["routine"] + N["compound"] + N["cut"] == D("1804.00")
    assert N["esc_work"] + N["retirees"] + N["platform"] + N["sme"] == D("1311.67")


def check_store(store_dir):
    from ingest.store.store import Store

    s = Store(f"{store_dir}/budgetqa.sqlite")
    recs = s.records("r.value IS NOT NULL")
    have = {(r.table, r.row, r.code, r.column, r.value) for r in recs}

    def has(table_part, row, column_part, value, code=None):
        ok = any(table_part in t and row == rw and column_part in c and v == value and (code is None or cd == code)
                 for t, rw, cd, c, v in have)
        assert ok, (table_part, row, column_part, value)
    for code, (name, v) in T6.items():
        has("基本支出情况", name, "总计", v, code)
    has("基本支出情况", "合计", "人员类", T6_PERSONNEL)
    has("基本支出情况", "合计", "公用经费", T6_PUBLIC)
    for code, (name, v, _) in FN.items():
        for t in ("支出总体", "一般公共预算支出", "收入总体"):
            has(t, name, "计", v, code)
    has("收入总体", "合计", "经费拨款", GRANT_FUNDS)
    for col, v in SG.items():
        has("三公", "合计", "" if col == "合计" else col, v)
    for unit in PROJECTS.values():
        for p, v in unit.items():
            has("项目支出绩效", p, "资金总额", v)
    for u, v in UNIT_SUBTOTAL.items():
        has("项目支出绩效", u, "资金总额", v)
    for u, (tot, basic, proj) in UNITS.items():
        has("整体支出绩效", u, "资金总额", tot)
        has("整体支出绩效", u, "基本支出", basic)
        if proj:
            has("整体支出绩效", u, "项目支出", proj)
    return [c.text for c in s.chunks()]


def share(a, b):
    return (D(a) / D(b) * 100).quantize(D("0.01"), ROUND_HALF_UP)


def s(v):
    return v if isinstance(v, str) else (f"{v:f}" if isinstance(v, D) else str(v))


# ---- question builder ------------------------------------------------------------------------
QUESTIONS = []
FN_T = "支出总体|一般公共预算支出|收入总体"
T6_T = "基本支出情况"
SG_T = "三公"
SG_R = "合计|长沙市工业和信息化局"
PJ_T = "项目支出绩效"
UN_T = "整体支出绩效"
TOTAL_R = ("收支总体|支出总体|一般公共预算支出|财政拨款收支", "支出总计|本年支出合计|合计|本年支出")
BASIC_R = ("收支总体|支出总体|一般公共预算支出|基本支出情况", "基本支出|合计")
PROJECT_R = ("收支总体|支出总体|一般公共预算支出", "项目支出|合计")
YES = dict(texts=["一致|相等|等于|相符|吻合|符合|对得上"], absent=["不一致|不相等|不等于|不相符|不符|对不上"])
NO = dict(texts=["不一致|不相等|不等于|不相符|不符|对不上|不是|并非|差异|不同"])


def q(category, question, values=(), unit="万元", texts=(), rows=(), found=True, chunk=None, absent=()):
    exp = {"values": [s(v) for v in values], "unit": unit if found else "", "texts": list(texts),
           "rows": [{"table": t, "row": r} for t, r in rows], "found": found}
    if chunk:
        exp["chunk_contains"] = chunk
    if absent:
        exp["absent"] = list(absent)
    n = sum(1 for x in QUESTIONS if x["category"] == category) + 1
    QUESTIONS.append({"id": f"{category}-{n:03d}", "category": category, "question": question, "expected": exp})


def t6(code):
    return T6[code][1]


def t6r(*codes):
    return [(T6_T, T6[c][0]) for c in codes]


def fn(code):
    return FN[code][1]


def pj(name):
    for unit in PROJECTS.values():
        if name in unit:
            return unit[name]
    raise KeyError(name)


# lookup -------------------------------------------------------------------------------------------
L = "lookup"
q(L, "请问2024年“三公”经费预算总共是多少？", [SG["合计"]], rows=[(SG_T, SG_R)])
q(L, "公车购置费今年预算多少钱？", [SG["公务用车购置"]], rows=[(SG_T, SG_R)])
q(L, "帮我查一下公务用车运行费", [SG["公务用车运行费"]], rows=[(SG_T, SG_R)])
q(L, "出国经费安排了多少", [SG["因公出国（境）费"]], rows=[(SG_T, SG_R)])
q(L, "三公里面公务用车购置及运行费一共是多少", [SG["公务用车购置及运行费"]], rows=[(SG_T, SG_R)])
q(L, "三公经费中的公务接待费是多少钱", [SG["公务接待费"]], rows=[(SG_T, SG_R)])
q(L, "2150501是多少？", [fn("2150501")], rows=[(FN_T, "行政运行")])
q(L, "科目2150550事业运行的预算数", [fn("2150550")], rows=[(FN_T, "事业运行")])
q(L, "产业发展（2150517）安排了多少钱", [fn("2150517")], rows=[(FN_T, "产业发展")])
q(L, "一般行政管理事务这一项支出多少？", [fn("2150502")], rows=[(FN_T, "一般行政管理事务")])
q(L, "其他工业和信息产业监管支出是多少万元", [fn("2150599")], rows=[(FN_T, "其他工业和信息产业监管支出")])
q(L, "30113是什么科目，金额多少？", [t6("30113")], texts=["住房公积金"], rows=t6r("30113"))
q(L, "公积金一年交多少", [t6("30113")], rows=t6r("30113"))
q(L, "基本工资预算是多少", [t6("30101")], rows=t6r("30101"))
q(L, "津贴补贴多少钱？", [t6("30102")], rows=t6r("30102"))
q(L, "你好，想问下奖金预算有多少", [t6("30103")], rows=t6r("30103"))
q(L, "绩效工资安排了多少呀", [t6("30107")], rows=t6r("30107"))
q(L, "机关事业单位养老保险缴费是多少", [t6("30108")], rows=t6r("30108"))
q(L, "职业年金缴费多少", [t6("30109")], rows=t6r("30109"))
q(L, "职工医保缴费预算是多少？", [t6("30110")], rows=t6r("30110"))
q(L, "30111多少钱", [t6("30111")], texts=["公务员医疗补助"], rows=t6r("30111"))
q(L, "退休费全年预算多少", [t6("30302")], rows=t6r("30302"))
q(L, "离休费是多少？", [t6("30301")], rows=t6r("30301"))
q(L, "办公费给了多少预算", [t6("30201")], rows=t6r("30201"))
q(L, "请问邮电费安排了多少？", [t6("30207")], rows=t6r("30207"))
q(L, "工会经费是多少", [t6("30228")], rows=t6r("30228"))
q(L, "其他交通费用有多少", [t6("30239")], rows=t6r("30239"))
q(L, "30231公务用车运行维护费是多少", [t6("30231")], rows=t6r("30231"))
q(L, "委托业务费预算多少钱", [t6("30227")], rows=t6r("30227"))
q(L, "差旅费才多少？", [t6("30211")], rows=t6r("30211"))
q(L, "人员经费是多少", [T6_PERSONNEL], rows=[(T6_T, "合计")])
q(L, "公用经费一共多少钱", [T6_PUBLIC], rows=[(T6_T, "合计|商品和服务支出")])
q(L, "今年基本支出预算数是多少？", [BASIC],
  rows=[("收支总体|支出总体|一般公共预算支出|基本支出情况", "基本支出|合计")])
q(L, "项目支出多少钱", [PROJECT], rows=[("收支总体|支出总体|一般公共预算支出", "项目支出|合计")])
q(L, "工信局2024年收入预算总额是多少", [TOTAL],
  rows=[("收支总体|收入总体|财政拨款收支", "本年收入合计|收入总计|合计|本级财政拨款收入|本年收入")])
q(L, "本级财政拨款里面经费拨款是多少？", [GRANT_FUNDS], rows=[("收入总体", "合计")])
q(L, "长沙市企业服务中心全年的资金总额是多少", [UNITS["长沙市企业服务中心"][0]], rows=[(UN_T, "长沙市企业服务中心")])
q(L, "无线电监测站的预算申请了多少？", [UNITS["湖南省无线电管理委员会办公室长沙市无线电监测站"][0]],
  rows=[(UN_T, "湖南省无线电管理委员会办公室长沙市无线电监测站")])
q(L, "工发资金切块业务工作专项经费是多少钱", [pj("工发资金切块业务工作专项经费")],
  rows=[(PJ_T, "工发资金切块业务工作专项经费")])
q(L, "中小企业公共服务专项活动经费有多少", [pj("中小企业公共服务专项活动经费")],
  rows=[(PJ_T, "中小企业公共服务专项活动经费")])
q(L, "派驻纪检监察组办公经费安排了多少", [pj("派驻纪检监察组办公经费")], rows=[(PJ_T, "派驻纪检监察组办公经费")])
q(L, "纺织工业研究所的运转经费是多少？", [pj("长沙市纺织工业研究所运转经费")],
  rows=[(PJ_T, "长沙市纺织工业研究所运转经费")])
q(L, "下属改制单位独生子女父母奖励金预算多少", [pj("下属两家已改制事业单位独生子女父母奖励金")],
  rows=[(PJ_T, "下属两家已改制事业单位独生子女父母奖励金")])
q(L, "项目前期工作经费多少钱", [pj("项目前期工作经费")], rows=[(PJ_T, "项目前期工作经费")])
q(L, "制造业发展促进中心的基本支出是多少", [UNITS["长沙市制造业发展促进中心"][1]],
  rows=[(UN_T, "长沙市制造业发展促进中心")])

# sum ----------------------------------------------------------------------------------------------
S = "sum"
q(S, "公务接待费和出国经费加起来多少？", [SG["公务接待费"] + SG["因公出国（境）费"]], rows=[(SG_T, SG_R)])
q(S, "基本工资、津贴补贴和奖金三项合计是多少", [t6("30101") + t6("30102") + t6("30103")],
  rows=t6r("30101", "30102", "30103"))
q(S, "养老保险和职业年金一共交多少钱", [t6("30108") + t6("30109")], rows=t6r("30108", "30109"))
q(S, "离休费加退休费总共多少", [t6("30301") + t6("30302")], rows=t6r("30301", "30302"))
q(S, "行政运行和事业运行两项加一起是多少？", [fn("2150501") + fn("2150550")],
  rows=[(FN_T, "行政运行"), (FN_T, "事业运行")])
q(S, "办公费、印刷费、邮电费三项加起来多少", [t6("30201") + t6("30202") + t6("30207")],
  rows=t6r("30201", "30202", "30207"))
q(S, "会议费和培训费预算一共是多少", [N["meeting"] + N["training"]])
q(S, "帮我算一下工会经费和福利费的合计", [t6("30228") + t6("30229")], rows=t6r("30228", "30229"))
q(S, "住房公积金加上养老保险缴费是多少钱", [t6("30113") + t6("30108")], rows=t6r("30113", "30108"))
q(S, "工信局机关本级那6个项目的钱加在一起是多少？", [sum(PROJECTS["501001"].values())],
  rows=[(PJ_T, p) for p in PROJECTS["501001"]])
q(S, "常规业务经费、大院运行经费和工发资金切块业务工作专项经费合计多少", [sum(PROJECTS["501006"].values())],
  rows=[(PJ_T, p) for p in PROJECTS["501006"]])
q(S, "常规业务经费和大院运行经费加起来是多少", [pj("常规业务经费") + pj("大院运行经费")],
  rows=[(PJ_T, "常规业务经费"), (PJ_T, "大院运行经费")])
q(S, "2150501和2150502合计多少", [fn("2150501") + fn("2150502")],
  rows=[(FN_T, "行政运行"), (FN_T, "一般行政管理事务")])
q(S, "职工基本医疗保险缴费和公务员医疗补助缴费加在一起是多少", [t6("30110") + t6("30111")],
  rows=t6r("30110", "30111"))
q(S, "企业服务中心工作经费加上公共服务平台运维和项目评审室工作经费一共多少",
  [pj("长沙市企业服务中心工作经费") + pj("公共服务平台运维和项目评审室工作经费")],
  rows=[(PJ_T, "长沙市企业服务中心工作经费"), (PJ_T, "公共服务平台运维和项目评审室工作经费")])
q(S, "产业发展和其他工业和信息产业监管支出合计是多少？", [fn("2150517") + fn("2150599")],
  rows=[(FN_T, "产业发展"), (FN_T, "其他工业和信息产业监管支出")])
q(S, "工发资金里产业研究和招商引资经费加产业链群工作经费一共多少", [N["cut_research"] + N["cut_chain"]])
q(S, "工信局机关和无线电监测站的资金总额加起来多少", [UNITS["长沙市工业和信息化局"][0] +
  UNITS["湖南省无线电管理委员会办公室长沙市无线电监测站"][0]],
  rows=[(UN_T, "长沙市工业和信息化局"), (UN_T, "湖南省无线电管理委员会办公室长沙市无线电监测站")])
q(S, "咨询费、劳务费、委托业务费总共是多少", [t6("30203") + t6("30226") + t6("30227")],
  rows=t6r("30203", "30226", "30227"))
q(S, "生活补助和奖励金一共多少？", [t6("30305") + t6("30309")], rows=t6r("30305", "30309"))
q(S, "工发资金里产业链群工作经费和产业链系列活动经费加起来是多少", [N["cut_chain"] + N["cut_events"]])

# difference ----------------------------------------------------------------------------------------
F = "difference"
q(F, "基本支出比项目支出多多少？", [BASIC - PROJECT], rows=[BASIC_R, PROJECT_R])
q(F, "公车购置费比公车运行费多出多少", [SG["公务用车购置"] - SG["公务用车运行费"]], rows=[(SG_T, SG_R)])
q(F, "事业运行比行政运行多多少钱", [fn("2150550") - fn("2150501")], rows=[(FN_T, "事业运行"), (FN_T, "行政运行")])
q(F, "人员经费和公用经费相差多少", [T6_PERSONNEL - T6_PUBLIC], rows=[(T6_T, "合计")])
q(F, "本级财政拨款和其中的经费拨款差了多少？", [TOTAL - GRANT_FUNDS], rows=[("收入总体", "合计")])
q(F, "制造业发展促进中心和企业服务中心的资金总额差多少",
  [UNITS["长沙市制造业发展促进中心"][0] - UNITS["长沙市企业服务中心"][0]],
  rows=[(UN_T, "长沙市制造业发展促进中心"), (UN_T, "长沙市企业服务中心")])
q(F, "工发资金切块专项经费比中小企业公共服务专项活动经费多多少",
  [pj("工发资金切块业务工作专项经费") - pj("中小企业公共服务专项活动经费")],
  rows=[(PJ_T, "工发资金切块业务工作专项经费"), (PJ_T, "中小企业公共服务专项活动经费")])
q(F, "奖金比基本工资高多少？", [t6("30103") - t6("30101")], rows=t6r("30103", "30101"))
q(F, "退休费比离休费多了多少钱", [t6("30302") - t6("30301")], rows=t6r("30302", "30301"))
q(F, "货物类采购预算比服务类多多少", [N["goods"] - N["services"]])
q(F, "会议费比培训费多多少", [N["meeting"] - N["training"]])
q(F, "产业发展比2150599多多少", [fn("2150517") - fn("2150599")],
  rows=[(FN_T, "产业发展"), (FN_T, "其他工业和信息产业监管支出")])
q(F, "出国经费和公务接待费之间差多少？", [SG["因公出国（境）费"] - SG["公务接待费"]], rows=[(SG_T, SG_R)])
q(F, "工资福利支出和对个人和家庭的补助差额是多少", [t6("301") - t6("303")], rows=t6r("301", "303"))
q(F, "住房公积金比养老保险缴费多多少", [t6("30113") - t6("30108")], rows=t6r("30113", "30108"))
q(F, "工信局机关的基本支出比项目支出多多少", [UNITS["长沙市工业和信息化局"][1] - UNITS["长沙市工业和信息化局"][2]],
  rows=[(UN_T, "长沙市工业和信息化局")])
q(F, "促进中心基本支出和项目支出差多少？", [UNITS["长沙市制造业发展促进中心"][1] - UNITS["长沙市制造业发展促进中心"][2]],
  rows=[(UN_T, "长沙市制造业发展促进中心")])
q(F, "公用经费比三公经费多多少", [T6_PUBLIC - SG["合计"]], rows=[(T6_T, "合计|商品和服务支出"), (SG_T, SG_R)])

# share ---------------------------------------------------------------------------------------------
H = "share"
q(H, "基本支出占总支出的比例是多少？", [share(BASIC, TOTAL)], "%", rows=[BASIC_R, TOTAL_R])
q(H, "项目支出占全部支出的百分之几", [share(PROJECT, TOTAL)], "%", rows=[PROJECT_R, TOTAL_R])
q(H, "公车购置费占三公经费的比重", [share(SG["公务用车购置"], SG["合计"])], "%", rows=[(SG_T, SG_R)])
q(H, "出国经费在三公经费里占多少", [share(SG["因公出国（境）费"], SG["合计"])], "%", rows=[(SG_T, SG_R)])
q(H, "请问接待费占三公经费的比例", [share(SG["公务接待费"], SG["合计"])], "%", rows=[(SG_T, SG_R)])
q(H, "公务用车购置及运行费占三公的百分比是多少", [share(SG["公务用车购置及运行费"], SG["合计"])], "%",
  rows=[(SG_T, SG_R)])
q(H, "人员经费占基本支出的比重是多少", [share(T6_PERSONNEL, T6_TOTAL)], "%", rows=[(T6_T, "合计"), BASIC_R])
q(H, "公用经费占基本支出多少比例？", [share(T6_PUBLIC, T6_TOTAL)], "%",
  rows=[(T6_T, "合计|商品和服务支出"), BASIC_R])
q(H, "住房公积金占工资福利支出的比例", [share(t6("30113"), t6("301"))], "%", rows=t6r("30113", "301"))
q(H, "退休费在对个人和家庭的补助中占比多少", [share(t6("30302"), t6("303"))], "%", rows=t6r("30302", "303"))
q(H, "行政运行占一般公共预算支出的比例是多少", [share(fn("2150501"), TOTAL)], "%",
  rows=[(FN_T, "行政运行"), TOTAL_R])
q(H, "事业运行支出占总支出的比例", [share(fn("2150550"), TOTAL)], "%",
  rows=[(FN_T, "事业运行"), TOTAL_R])
q(H, "产业发展占项目支出的百分之多少？", [share(fn("2150517"), PROJECT)], "%",
  rows=[(FN_T, "产业发展"), PROJECT_R])
q(H, "工发资金切块专项经费占项目支出的比例是多少", [share(pj("工发资金切块业务工作专项经费"), PROJECT)], "%",
  rows=[(PJ_T, "工发资金切块业务工作专项经费"), PROJECT_R])
q(H, "制造业发展促进中心的预算占整个部门的比例", [share(UNITS["长沙市制造业发展促进中心"][0], TOTAL)], "%",
  rows=[(UN_T, "长沙市制造业发展促进中心"), TOTAL_R])
q(H, "三公经费占部门总预算的比例是多少？", [share(SG["合计"], TOTAL)], "%", rows=[(SG_T, SG_R), TOTAL_R])
q(H, "货物类采购占政府采购总额的比例", [share(N["goods"], N["procurement"])], "%")
q(H, "经费拨款占本级财政拨款的比例", [share(GRANT_FUNDS, TOTAL)], "%",
  rows=[("收入总体", "合计"), ("收支总体|收入总体|财政拨款收支", "本级财政拨款收入|合计|一般公共预算拨款收入")])
q(H, "公车运行费占公务用车购置及运行费的比例是多少", [share(SG["公务用车运行费"], SG["公务用车购置及运行费"])], "%",
  rows=[(SG_T, SG_R)])
q(H, "奖金占工资福利支出的比重", [share(t6("30103"), t6("301"))], "%", rows=t6r("30103", "301"))
q(H, "中小企业公共服务专项活动经费占企业服务中心项目支出的百分之几",
  [share(pj("中小企业公共服务专项活动经费"), UNITS["长沙市企业服务中心"][2])], "%",
  rows=[(PJ_T, "中小企业公共服务专项活动经费"), (PJ_T + "|" + UN_T, "长沙市企业服务中心")])

# ranking -------------------------------------------------------------------------------------------
R = "ranking"
items = sorted(FN.values(), key=lambda x: -x[1])
q(R, "五个项级功能科目里哪个预算最多？", [items[0][1]], texts=[items[0][0]], rows=[(FN_T, items[0][0])])
q(R, "功能科目中金额最小的是哪一个", [items[-1][1]], texts=[items[-1][0]], rows=[(FN_T, items[-1][0])])
sg3 = sorted([(k, SG[k]) for k in ("公务接待费", "因公出国（境）费", "公务用车购置及运行费")], key=lambda x: -x[1])
q(R, "三公经费里哪一项花钱最多", [sg3[0][1]], texts=["公务用车购置及运行费|公务用车"], rows=[(SG_T, SG_R)])
q(R, "三公经费三项中最少的是哪项？", [sg3[-1][1]], texts=["公务接待费|接待"], rows=[(SG_T, SG_R)])
wages = sorted([(n, v) for k, (n, v) in T6.items() if k.startswith("301") and len(k) == 5], key=lambda x: -x[1])
q(R, "工资福利支出下面哪个科目最多", [wages[0][1]], texts=[wages[0][0]], rows=[(T6_T, wages[0][0])])
q(R, "工资福利支出里排第二的是什么", [wages[1][1]], texts=[wages[1][0]], rows=[(T6_T, wages[1][0])])
goods = sorted([(n, v) for k, (n, v) in T6.items() if k.startswith("302") and len(k) == 5], key=lambda x: -x[1])
q(R, "商品和服务支出中金额最大的是哪项", [goods[0][1]], texts=[goods[0][0]], rows=[(T6_T, goods[0][0])])
q(R, "商品和服务支出里除了“其他商品和服务支出”，最多的是什么？", [goods[1][1]], texts=[goods[1][0]],
  rows=[(T6_T, goods[1][0])])
fam = sorted([(n, v) for k, (n, v) in T6.items() if k.startswith("303") and len(k) == 5], key=lambda x: -x[1])
q(R, "对个人和家庭的补助中哪一项最多", [fam[0][1]], texts=[fam[0][0]], rows=[(T6_T, fam[0][0])])
projects = sorted([(p, v) for u in PROJECTS.values() for p, v in u.items()], key=lambda x: -x[1])
q(R, "哪个项目的资金最多？", [projects[0][1]], texts=["工发资金切块"], rows=[(PJ_T, projects[0][0])])
q(R, "资金最少的项目是哪个", [projects[-1][1]], texts=["派驻纪检监察组"], rows=[(PJ_T, projects[-1][0])])
units = sorted(UNITS.items(), key=lambda x: -x[1][0])
q(R, "四家预算单位里谁的预算最多", [units[0][1][0]], texts=["制造业发展促进中心"], rows=[(UN_T, units[0][0])])
q(R, "预算最少的是哪个单位？", [units[-1][1][0]], texts=["无线电监测站"], rows=[(UN_T, units[-1][0])])
q(R, "金额排前三的项目是哪几个", [v for _, v in projects[:3]], texts=["工发资金切块", "中小企业公共服务专项活动经费",
  "常规业务经费"], rows=[(PJ_T, p) for p, _ in projects[:3]])
bureau = sorted(PROJECTS["501001"].items(), key=lambda x: -x[1])
q(R, "局机关本级的项目里哪个钱最多", [bureau[0][1]], texts=[bureau[0][0]], rows=[(PJ_T, bureau[0][0])])
esc = sorted(PROJECTS["501009"].items(), key=lambda x: -x[1])
q(R, "企业服务中心的几个项目里金额最小的是？", [esc[-1][1]], texts=[esc[-1][0]], rows=[(PJ_T, esc[-1][0])])
proj_fn = sorted([x for x in FN.values() if x[2] == "项目"], key=lambda x: -x[1])
q(R, "项目支出的三个功能科目按金额从高到低排一下", [x[1] for x in proj_fn], texts=[x[0] for x in proj_fn],
  rows=[(FN_T, x[0]) for x in proj_fn])

# count ---------------------------------------------------------------------------------------------
C = "count"
q(C, "本部门预算由几个预算单位组成？", [N["units"]], "个")
q(C, "工信局内设多少个处室", [N["divisions"]], "个")
q(C, "工信局的职能职责一共列了几条？", [N["duties"]], "条")
n301 = sum(1 for k in T6 if k.startswith("301") and len(k) == 5)
n302 = sum(1 for k in T6 if k.startswith("302") and len(k) == 5)
n303 = sum(1 for k in T6 if k.startswith("303") and len(k) == 5)
q(C, "工资福利支出下有几个明细科目", [n301], "个")
q(C, "商品和服务支出下面列了多少个科目？", [n302], "个")
q(C, "对个人和家庭的补助包括几项", [n303], "个")
q(C, "基本支出表里一共有多少个款级经济科目", [n301 + n302 + n303], "个")
q(C, "一般公共预算支出表里有几个项级科目？", [len(FN)], "个")
q(C, "项目支出绩效目标表里一共有多少个项目", [sum(len(u) for u in PROJECTS.values())], "个")
q(C, "制造业发展促进中心有几个项目", [len(PROJECTS["501006"])], "个")
q(C, "企业服务中心安排了几个项目？", [len(PROJECTS["501009"])], "个")
q(C, "局机关本级有多少个项目", [len(PROJECTS["501001"])], "个")
q(C, "现在一共有多少辆公务用车", [N["cars"]], "辆")
q(C, "2024年打算新增几辆公车？", [N["new_cars"]], "辆")
q(C, "基本支出中金额超过100万元的明细科目有几个",
  [sum(1 for k, (_, v) in T6.items() if len(k) == 5 and v > 100)], "个")
q(C, "有几个功能科目是用于项目支出的", [sum(1 for x in FN.values() if x[2] == "项目")], "个")
q(C, "商品和服务支出中不到1万元的科目有几个？", [sum(1 for k, (_, v) in T6.items()
  if k.startswith("302") and len(k) == 5 and v < 1)], "个")

# change --------------------------------------------------------------------------------------------
G = "change"
q(G, "今年收入预算比去年增加了多少？", [N["income_up"]], texts=["增加|增长|上升"])
q(G, "收入增长了百分之多少", [N["income_up_pct"]], "%")
q(G, "去年的收入预算是多少", [TOTAL - N["income_up"]])
q(G, "支出预算较上年变化了多少？", [N["income_up"]], texts=["增加|增长|上升"])
q(G, "支出预算的增幅是多少", [N["income_up_pct"]], "%")
q(G, "2023年本部门支出预算是多少？", [TOTAL - N["income_up"]])
q(G, "机关运行经费比上年是增加还是减少了？变了多少", [N["running_down"]], texts=["减少|下降|降低"])
q(G, "机关运行经费同比下降了百分之几", [N["running_down_pct"]], "%")
q(G, "上年机关运行经费预算是多少", [N["running"] + N["running_down"]])
q(G, "三公经费比2023年多了多少", [N["sg_up"]], texts=["增加|增长|上升"])
q(G, "2023年的三公经费预算是多少？", [SG["合计"] - N["sg_up"]])
q(G, "三公经费比上年增长了百分之几", [share(N["sg_up"], SG["合计"] - N["sg_up"])], "%")
q(G, "促进中心今年增加了多少项目经费", [N["center_project_up"]])
q(G, "三公经费为什么比去年多那么多？", [N["cars_bureau"], N["cars_center"]], texts=["采购"])
q(G, "机关运行经费为什么比上年少了", [], "", texts=["厉行节约|减少非必要支出"])
q(G, "收入比去年增加的主要原因是什么", [N["center_project_up"]], texts=["制造业发展促进中心"])

# narrative -----------------------------------------------------------------------------------------
X = "narrative"
q(X, "政府采购预算总额是多少？", [N["procurement"]], chunk="政府采购预算总额180.982万元")
q(X, "服务类采购预算有多少", [N["services"]], chunk="服务类采购预算67.41万元")
q(X, "工程类采购安排了预算吗", [N["works"]], chunk="工程类采购预算0万元")
q(X, "今年会议费预算多少钱？", [N["meeting"]], chunk="会议费预算8.36万元")
q(X, "开会预计有多少人参加", [N["meeting_people"]], "人", chunk="人数1200人")
q(X, "培训计划培训多少人？", [N["training_people"]], "人", chunk="人数162人")
q(X, "今年有没有举办节庆、晚会之类的活动", [], "", texts=["未举办|没有举办|不举办"], chunk="未举办节庆、晚会、论坛、赛事等活动")
q(X, "机关运行经费是什么意思？", [], "", texts=["公用经费"], chunk="是指各部门的公用经费")
q(X, "三公经费指的是哪些费用", [], "", texts=["公务接待费", "因公出国"], chunk="是指用一般公共预算拨款安排的公务接待费")
q(X, "基本支出主要是干什么用的", [], "", texts=["正常运转"], chunk="为保障部门正常运转")
q(X, "项目支出主要包括哪些内容？", [], "", texts=["专项业务费"], chunk="有关事业发展专项、专项业务费、基本建设支出")
q(X, "工发资金切块专项工作经费具体包括哪几块", [N["cut_research"], N["cut_chain"], N["cut_events"]],
  chunk="产业研究和招商引资重点工作经费800.00万元")
q(X, "产业链群工作经费是多少？", [N["cut_chain"]], chunk="产业链群工作经费600.00万元")
q(X, "企业服务中心工作经费主要用在哪些方面", [N["esc_work"]], texts=["政策宣讲"], chunk="企业服务中心工作经费支出184万元")
q(X, "离退休人员工作经费主要拿来干嘛？", [N["retirees"]], texts=["慰问"], chunk="离退休人员工作经费支出17.67万元")
q(X, "中小企业服务专项经费主要做什么", [N["sme"]], texts=["培训"], chunk="中小企业服务专项经费1000.00万元")
q(X, "公共服务平台是什么时候验收完成的？", [], "", texts=["2023年6月"], chunk="公共服务平台于2023年6月份验收完成")
q(X, "项目评审室什么时候建成的", [], "", texts=["11月"], chunk="11月份建成并运行")
q(X, "部门预算包括哪些预算单位？", [], "", texts=["机关", "无线电监测站", "制造业发展促进中心", "企业服务中心"],
  chunk="纳入2024年部门预算编制范围的预算单位包括")
q(X, "工信局负责联系哪些通讯部门的驻长机构", [], "", texts=["中国电信", "中国铁塔"],
  chunk="中国电信、中国移动、中国联通、中国铁塔")
q(X, "工信局在无线电管理方面有什么职责？", [], "", texts=["频谱"], chunk="管理无线电频谱资源")
q(X, "单位价值50万元以上的设备有几台", [0], "台", chunk="单位价值50万元以上设备0台")
q(X, "现有的应急保障用车有几辆？", [N["cars_emergency"]], "辆", chunk="应急保障用车2辆")
q(X, "纳入部门整体支出绩效目标的金额是多少", [TOTAL], chunk="纳入2024年部门整体支出绩效目标的金额为10465.00万元")
q(X, "大院运行费是多少钱", [N["compound"]], chunk="大院运行费49.00万元")
q(X, "一般公共预算拨款支出中资源勘探信息等支出占多少？", [D("100.00")], "%", chunk="占100.00%")
q(X, "在中小企业发展方面，工信局承担什么职能", [], "", texts=["中小企业"], chunk="促进全市非公有制经济和中小企业发展")
q(X, "公务用车购置及运行费反映的是什么支出", [], "", texts=["车辆购置"], chunk="公务用车购置及运行费反映单位公务用车车辆购置支出")

# check ---------------------------------------------------------------------------------------------
K = "check"
q(K, "基本支出加项目支出是不是等于支出总计？", [TOTAL], **YES)
q(K, "三公经费表里三项加起来和合计一致吗", [SG["合计"]], rows=[(SG_T, SG_R)], **YES)
q(K, "公车购置费加运行费，等于公务用车购置及运行费吗？", [SG["公务用车购置及运行费"]], rows=[(SG_T, SG_R)], **YES)
q(K, "说明里写的三公经费104.20万元和三公经费表对得上吗", [SG["合计"]], rows=[(SG_T, SG_R)], **YES)
q(K, "人员类和公用经费相加是否等于基本支出合计", [T6_TOTAL], rows=[(T6_T, "合计"), BASIC_R], **YES)
q(K, "工资福利、商品和服务、对个人和家庭的补助三类加起来等于基本支出吗", [T6_TOTAL], **YES)
q(K, "收入总计和支出总计是否相等？", [TOTAL], **YES)
q(K, "机关运行经费494.25万元跟基本支出表里的公用经费一致吗", [T6_PUBLIC], rows=[(T6_T, "合计|商品和服务支出")], **YES)
q(K, "说明中培训费预算4.83万元与基本支出表的培训费是否一致？", [t6("30216")], rows=t6r("30216"), **YES)
q(K, "政府采购的货物、工程、服务三类加起来等于采购总额吗", [N["procurement"]], **YES)
q(K, "三公表的公务接待费和基本支出表的公务接待费一样吗？", [SG["公务接待费"], t6("30217")], **NO)
q(K, "三公表里的公务用车运行费和基本支出表的公务用车运行维护费相等吗", [SG["公务用车运行费"], t6("30231")], **NO)
q(K, "基本支出是不是7000万？", [BASIC], **NO)
q(K, "项目支出是3444.26万元吗", [PROJECT], **YES)
q(K, "三个单位的项目支出加起来等于部门的项目支出吗？", [PROJECT], **YES)
q(K, "四家单位的资金总额之和与部门预算总额一致吗", [TOTAL], **YES)
q(K, "行政运行在收入表和支出表里的金额一致吗", [fn("2150501")], rows=[("收入总体", "行政运行"),
  ("支出总体|一般公共预算支出", "行政运行")], **YES)
q(K, "公务用车购置费是不是60万", [SG["公务用车购置"]], rows=[(SG_T, SG_R)], **NO)
q(K, "经费拨款是否等于本级财政拨款？", [GRANT_FUNDS, TOTAL], rows=[("收入总体", "合计")], **NO)
q(K, "各项目的资金总额加起来跟项目支出对得上吗", [sum(v for u in PROJECTS.values() for v in u.values())], **YES)
q(K, "三公经费比去年增加67.26万元，和拟购公车的43万加18万一致吗？", [N["sg_up"], N["cars_bureau"] + N["cars_center"]],
  **NO)

# ambiguous -----------------------------------------------------------------------------------------
A = "ambiguous"
q(A, "公务接待费是多少？", [SG["公务接待费"], t6("30217")])
q(A, "公车运行维护费是多少", [SG["公务用车运行费"], t6("30231")])
q(A, "促进中心的预算有多少", [UNITS["长沙市制造业发展促进中心"][0], UNITS["长沙市制造业发展促进中心"][2]])
q(A, "工资是多少", [t6("301"), t6("30101")])
q(A, "无线电的预算是多少？", [pj("无线电管理经费"), UNITS["湖南省无线电管理委员会办公室长沙市无线电监测站"][0]])
q(A, "奖励金多少钱", [t6("30309"), pj("下属两家已改制事业单位独生子女父母奖励金")])
q(A, "医疗方面的缴费是多少", [t6("30110"), t6("30111")])
q(A, "离退休的钱有多少？", [t6("30301"), t6("30302"), pj("离退休人员工作经费")])
q(A, "养老缴费多少", [t6("30108"), t6("30109")])
q(A, "行政方面的支出是多少", [fn("2150501"), fn("2150502")])
q(A, "工信局的预算是多少？", [TOTAL, UNITS["长沙市工业和信息化局"][0]])
q(A, "运行支出是多少", [fn("2150501"), fn("2150550")])

# refusal -------------------------------------------------------------------------------------------
Z = "refusal"
for text in ["长沙市教育局2024年三公经费是多少？", "株洲市工信局的基本支出有多少", "帮我查下长沙市财政局的项目支出",
             "湖南省工业和信息化厅的部门预算总额是多少？", "长沙市科技局公务接待费多少",
             "2022年的三公经费预算是多少？", "2025年工信局基本支出预算是多少", "2021年项目支出多少钱",
             "2023年行政运行科目的预算是多少", "2019年的收入预算有多少？",
             "2024年三公经费决算数是多少", "2023年决算中公务接待费实际支出了多少", "工信局2024年基本支出的决算是多少？",
             "去年实际花了多少钱（决算数）",
             "政府性基金预算支出是多少？", "政府性基金预算里的行政运行是多少", "政府性基金安排的项目支出有多少",
             "国有资本经营预算支出多少",
             "今天长沙天气怎么样？", "给我写一首关于预算的诗", "asdfghjkl", "工信局局长叫什么名字？",
             "水电费预算是多少？", "火星探测经费有多少", "物业管理费安排了多少钱", "资本性支出（310）是多少？"]:
    q(Z, text, found=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", metavar="DIR", help="check figures and passages against this store")
    args = parser.parse_args()
    check_facts()
    if args.store:
        chunks = [re.sub(r"\s+", "", t) for t in check_store(args.store)]
        for x in QUESTIONS:
            needle = x["expected"].get("chunk_contains")
            assert not needle or any(re.sub(r"\s+", "", needle) in c for c in chunks), (x["id"], needle)
    assert len({x["question"] for x in QUESTIONS}) == len(QUESTIONS), "duplicate question"
    for x in QUESTIONS:
        sys.stdout.write(json.dumps(x, ensure_ascii=False) + "\n")
    print(dict(Counter(x["category"] for x in QUESTIONS)), len(QUESTIONS), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
