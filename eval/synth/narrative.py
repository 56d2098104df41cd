"""第一部分 of a disclosure: cover, contents and the 说明 sections, with the figures they state."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .aggregates import economic_totals, subject_rows, totals
from .amounts import ZERO, percent, plain
from .model import DATA, Disclosure


@dataclass
class Block:
    """A narrative block: cover | h1 | h2 | h3 | p | item | toc | pagebreak."""

    kind: str
    text: str = ""


class Narrative:
    """Collects narrative blocks and the figures they state (for checks and question sets)."""

    def __init__(self, doc: Disclosure):
        self.doc = doc
        self.blocks: list[Block] = []
        self.facts: list[dict] = []
        self.section = ""

    def add(self, kind: str, text: str = "") -> None:
        """Append a block; a h2 opens a section."""
        if kind == "h2":
            self.section = text
        self.blocks.append(Block(kind, text))

    def num(self, value: Decimal | int | str) -> str:
        """A figure inside a sentence, with spaces around it when the style says so."""
        text = plain(value) if isinstance(value, Decimal) else str(value)
        return f" {text} " if self.doc.style.spaced_numbers else text

    def fact(self, label: str, value: Decimal, sentence: str) -> None:
        """Record that the current section states `label` = `value` in `sentence`."""
        self.facts.append({"section": self.section, "label": label, "value": plain(value), "text": sentence})


def change_words(now: Decimal, before: Decimal) -> tuple[str, Decimal, str, Decimal]:
    """(增加|减少, difference, 上升|下降, percent) of `now` against `before`."""
    diff = now - before
    up = diff >= 0
    return ("增加" if up else "减少", abs(diff), "上升" if up else "下降", percent(abs(diff), before))


def build_narrative(doc: Disclosure) -> Narrative:
    """第一部分 of the disclosure: cover, contents and the 说明 sections with their figures."""
    n = Narrative(doc)
    y, w = doc.year, doc.kind
    n.add("cover", doc.department)
    n.add("cover", f"{y}{' ' if doc.style.spaced_numbers else ''}年部门{w}公开")
    n.add("pagebreak")
    narrative_contents(n)
    n.add("pagebreak")
    n.add("h1", f"第一部分 部门{w}公开说明")
    narrative_profile(n)
    narrative_totals(n)
    narrative_other(n)
    narrative_terms(n)
    return n


SECTIONS = ["一、部门基本概况", "二、部门{w}单位构成", "三、部门收支总体情况", "四、一般公共预算拨款支出",
            "五、政府性基金预算支出", "六、其他重要事项的情况说明", "七、名词解释"]


def narrative_contents(n: Narrative) -> None:
    """目 录."""
    w, y = n.doc.kind, n.doc.year
    n.add("h1", "目 录")
    n.add("h2", f"第一部分 {y}年部门{w}说明")
    for s in SECTIONS:
        n.add("toc", s.format(w=w))
    n.add("h2", f"第二部分 {y}年部门{w}表")
    for i in range(1, 11):
        n.add("toc", f"{i}、{DATA['contents'][str(i)]}")
    n.add("p", f"注：以上部门{w}报表中，空表表示本部门无相关收支情况")


def narrative_profile(n: Narrative) -> None:
    """一、部门基本概况 and 二、单位构成."""
    doc = n.doc
    n.add("h2", SECTIONS[0])
    n.add("h3", "（一）职能职责")
    for i, duty in enumerate(doc.duties, start=1):
        n.add("item", f"{i}. {duty}")
    n.add("h3", "（二）机构设置")
    n.add("p", f"{doc.department}内设科室{n.num(len(doc.offices))}个，分别是{'、'.join(doc.offices)}。"
               f"下属单位{n.num(len(doc.units) - 1)}个。")
    n.add("h2", SECTIONS[1].format(w=doc.kind))
    n.add("p", f"本部门{doc.kind}为汇总{doc.kind}，纳入{n.num(doc.year)}年部门{doc.kind}编制范围的{doc.kind}单位包括：")
    for i, u in enumerate(doc.units, start=1):
        n.add("item", f"{i}. {u.name}")


def narrative_totals(n: Narrative) -> None:
    """三、收支总体情况, 四、一般公共预算拨款支出, 五、政府性基金预算支出."""
    doc, t, w, y = n.doc, totals(n.doc), n.doc.kind, n.num(n.doc.year)
    n.add("h2", SECTIONS[2])
    more, diff, rise, pct = change_words(t["total"], doc.extras["prev_total"])
    gf = f"，政府性基金预算拨款{n.num(t['gf'])}万元" if t["gf"] else ""
    s = (f"（一）收入{w}：{y}年本部门收入{w}{n.num(t['total'])}万元，其中，一般公共预算拨款{n.num(t['gpb'])}万元{gf}。"
         f"收入较去年{more}{n.num(diff)}万元，{rise}{n.num(pct)}%。")
    n.add("p", s)
    n.fact("收入合计", t["total"], s)
    classes = [r for r in subject_rows(doc, None) if r.code and len(r.code) == 3]
    s = (f"（二）支出{w}：{y}年本部门支出{w}{n.num(t['total'])}万元，其中："
         + "；".join(f"{r.name}{n.num(r.total)}万元" for r in classes) + "。")
    n.add("p", s)
    n.fact("支出合计", t["total"], s)
    n.add("h2", SECTIONS[3])
    gpb = [r for r in subject_rows(doc, "gpb") if r.code and len(r.code) == 3]
    s = (f"{y}年本部门一般公共预算拨款支出{n.num(t['gpb'])}万元，其中："
         + "；".join(f"{r.name}{n.num(r.total)}万元，占{n.num(percent(r.total, t['gpb']))}%" for r in gpb)
         + "。具体情况如下：")
    n.add("p", s)
    n.fact("一般公共预算拨款支出", t["gpb"], s)
    s = (f"（一）基本支出：{y}年本部门基本支出{w}数{n.num(t['basic'])}万元，主要是为保障部门正常运转、"
         f"完成日常工作任务而发生的各项支出，包括用于基本工资、津贴补贴等人员经费{n.num(t['personnel'])}万元，"
         f"以及办公费、印刷费、水电费、办公设备购置等公用经费{n.num(t['public'])}万元。")
    n.add("p", s)
    n.fact("基本支出", t["basic"], s)
    gpb_projects = [p for p in doc.projects if p.fund == "gpb"]
    units = {u.code: u.name for u in doc.units}
    s = (f"（二）项目支出：{y}年本部门项目支出{w}{n.num(t['gpb_project'])}万元，主要是部门为完成特定行政工作任务或"
         f"事业发展目标而发生的支出，主要用于：" + "；".join(
             f"{i}.{units[p.unit_code]}{p.name}{n.num(p.amount)}万元" for i, p in enumerate(gpb_projects, 1)) + "。")
    n.add("p", s)
    n.fact("一般公共预算项目支出", t["gpb_project"], s)
    n.add("h2", SECTIONS[4])
    fund = [p for p in doc.projects if p.fund == "gf"]
    if fund:
        s = (f"{y}年本部门政府性基金预算拨款支出{n.num(t['gf'])}万元，主要用于："
             + "；".join(f"{p.name}{n.num(p.amount)}万元" for p in fund) + "。")
        n.fact("政府性基金预算支出", t["gf"], s)
    else:
        s = f"{y}年本部门无政府性基金安排的支出。"
    n.add("p", s)


def narrative_other(n: Narrative) -> None:
    """六、其他重要事项: 机关运行经费, “三公”经费, 会议费/培训费, 政府采购, 资产, 绩效目标."""
    doc, t, w, y, x = n.doc, totals(n.doc), n.doc.kind, n.num(n.doc.year), n.doc.extras
    econ = economic_totals(doc)
    n.add("h2", SECTIONS[5])
    more, diff, rise, pct = change_words(t["public"], x["prev_running"])
    s = (f"（一）机关运行经费：{y}年本部门机关运行经费{n.num(t['public'])}万元，比上年{w}{more}{n.num(diff)}万元，"
         f"{rise}{n.num(pct)}%。主要是厉行节约，严控一般性支出。")
    n.add("p", s)
    n.fact("机关运行经费", t["public"], s)
    s = (f"（二）“三公”经费{w}：{y}年本部门“三公”经费{w}数为{n.num(t['sangong'])}万元，其中，"
         f"公务接待费{n.num(t['reception'])}万元，公务用车购置及运行费{n.num(t['car_buy'] + t['car_run'])}万元"
         f"（其中，公务用车购置费{n.num(t['car_buy'])}万元，公务用车运行费{n.num(t['car_run'])}万元），"
         f"因公出国（境）费{n.num(t['abroad'])}万元。")
    if x["prev_sangong"]:
        more, diff, _, _ = change_words(t["sangong"], x["prev_sangong"])
        s += f"{y}年“三公”经费{w}较{n.num(doc.year - 1)}年{more}{n.num(diff)}万元。"
    n.add("p", s)
    for label, key in (("三公经费", "sangong"), ("公务接待费", "reception"), ("因公出国（境）费", "abroad"),
                       ("公务用车购置费", "car_buy"), ("公务用车运行费", "car_run")):
        n.fact(label, t[key], s)
    meeting, training = econ.get("30215", ZERO), econ.get("30216", ZERO)
    plan = "拟" if w == "预算" else ""
    s = (f"（三）一般性支出情况：{y}年本部门会议费{w}{n.num(meeting)}万元，{plan}召开会议{n.num(x['meetings'])}次，"
         f"人数{n.num(x['meeting_people'])}人；培训费{w}{n.num(training)}万元，{plan}开展培训{n.num(x['trainings'])}次，"
         f"人数{n.num(x['training_people'])}人；未举办节庆、晚会、论坛、赛事等活动。")
    n.add("p", s)
    n.fact("会议费", meeting, s)
    n.fact("培训费", training, s)
    buy = x["goods"] + x["works"] + x["services"]
    n.add("p", f"（四）政府采购情况：{y}年本部门政府采购{w}总额{n.num(buy)}万元，其中，货物类采购{w}{n.num(x['goods'])}万元；"
               f"工程类采购{w}{n.num(x['works'])}万元；服务类采购{w}{n.num(x['services'])}万元。")
    n.add("p", f"（五）国有资产占用使用及新增资产配置情况：截至{n.num(doc.year - 1)}年12月底，本部门共有公务用车"
               f"{n.num(x['cars'])}辆；单位价值50万元以上设备0台。")
    s = (f"（六）{w}绩效目标说明：本部门所有支出实行绩效目标管理。纳入{y}年部门整体支出绩效目标的金额为"
         f"{n.num(t['total'])}万元，其中，基本支出{n.num(t['basic'])}万元，项目支出{n.num(t['project'])}万元，"
         f"具体绩效目标详见报表。")
    n.add("p", s)
    n.fact("整体支出绩效目标金额", t["total"], s)


def narrative_terms(n: Narrative) -> None:
    """七、名词解释."""
    n.add("h2", SECTIONS[6])
    n.add("item", "1. 机关运行经费：是指各部门的公用经费，包括办公及印刷费、邮电费、差旅费、会议费、福利费、日常维修费、"
                  "专用资料及一般设备购置费、办公用房水电费、办公用房取暖费、办公用房物业管理费、公务用车运行维护费以及其他费用。")
    n.add("item", "2. “三公”经费：是指用一般公共预算拨款安排的公务接待费、公务用车购置及运行维护费和因公出国（境）费。")
