"""Checks that every sum a disclosure promises holds on its printed cells and narrative."""
from __future__ import annotations

from decimal import Decimal

from .aggregates import economic_totals, subject_rows, totals
from .amounts import ZERO, dsum
from .gold import gold_cells
from .model import Disclosure
from .narrative import build_narrative
from .tables import SANGONG_COLUMNS, build_tables


def check_consistency(doc: Disclosure) -> list[str]:
    """Every sum the disclosure promises, checked on the printed cells; returns the broken ones."""
    gold = gold_cells(doc)
    problems: list[str] = []
    def val(number: int, row: str | None = None, code: str | None = None, column: str = "",
            side: str | None = None) -> Decimal:
        title = doc.table_title(number)
        for g in gold:
            if g["table"] == title and g["column"] == column and g["side"] == side and (
                    (code is not None and g["code"] == code) or (code is None and g["row"] == row)):
                return Decimal(g["value"])
        return ZERO
    def same(what: str, a: Decimal, b: Decimal) -> None:
        if a != b:
            problems.append(f"{what}: {a} != {b}")
    t = totals(doc)
    check_subject_sums(doc, problems)
    check_summary_tables(doc, t, val, same)
    check_basic_table(doc, t, val, same)
    check_sangong_table(doc, val, same)
    check_performance_tables(doc, t, gold, same)
    for fact in build_narrative(doc).facts:
        if fact["value"] not in fact["text"].replace(" ", ""):
            problems.append(f"narrative {fact['label']}: {fact['value']} not in the sentence")
    return problems


def check_subject_sums(doc: Disclosure, problems: list[str]) -> None:
    """类 = Σ款, 款 = Σ项, 合计 = Σ类 and 总计 = 基本 + 项目 in tables 2, 3, 5, 8."""
    for fund in (None, "gpb", "gf"):
        rows = subject_rows(doc, fund)
        leaves = [r for r in rows if r.code and len(r.code) == 7]
        for r in rows:
            members = [x for x in leaves if r.code is None or x.code.startswith(r.code)]
            if r.total != dsum(x.total for x in members) or r.total != r.basic + r.project:
                problems.append(f"subject sum {fund} {r.code}")
    for table in build_tables(doc):
        if table.number in (3, 5, 8):
            at = [i for i, c in enumerate(table.columns) if c.path in ("总 计", "基本支出", "项目支出")]
            for row in table.rows:
                total, basic, proj = (Decimal(row.cells[i].text.replace(",", "") or "0") for i in at)
                if total != basic + proj:
                    problems.append(f"table {table.number} {row.code[None]}: 总计 != 基本 + 项目")


def check_summary_tables(doc: Disclosure, t: dict, val, same) -> None:
    """收支总表 and 财政拨款收支总表 balance and agree with the 支出 tables."""
    col = "本年预算" if doc.kind == "预算" else "决算数"
    same("收支总表 收入=支出", val(1, "收入总计", column=col, side="收入"), val(1, "支出总计", column=col, side="支出"))
    same("收支总表 基本支出", val(1, "一、基本支出", column=col, side="支出"), val(3, "合计", column="基本支出"))
    same("收支总表 项目支出", val(1, "二、项目支出", column=col, side="支出"), val(3, "合计", column="项目支出"))
    same("收入表 合计", val(2, "合计", column="合计"), val(3, "合计", column="总 计"))
    same("财政拨款 收=支", val(4, "收 入 总 计", column="金 额", side="收入"), val(4, "支 出 总 计", column="合计", side="支出"))
    same("财政拨款 一般公共预算", val(4, "支 出 总 计", column="一般公共预算", side="支出"), val(5, "合计", column="总 计"))
    same("财政拨款 基金", val(4, "支 出 总 计", column="政府性基金预算", side="支出"), val(8, "合计", column="总 计"))
    same("totals", t["total"], t["basic"] + t["project"])


def check_basic_table(doc: Disclosure, t: dict, val, same) -> None:
    """基本支出表: 人员类 + 公用经费 = 总计, 类 = Σ款, and equal to the 基本支出 of table 3."""
    people = "人员类" if doc.kind == "预算" else "人员经费"
    same("基本支出表 合计", val(6, "合计", column="总计"), val(3, "合计", column="基本支出"))
    same("基本支出表 人员+公用", val(6, "合计", column=people) + val(6, "合计", column="公用经费"), val(6, "合计", column="总计"))
    econ = economic_totals(doc)
    same("基本支出表 Σ类", dsum(v for c, v in econ.items() if len(c) == 3), t["basic"])
    for cls in (c for c in econ if len(c) == 3):
        same(f"基本支出表 {cls}", econ[cls], dsum(v for c, v in econ.items() if len(c) == 5 and c.startswith(cls)))


def check_sangong_table(doc: Disclosure, val, same) -> None:
    """“三公”: 小计 = 接待 + 出国 + 车; 车 = 购置 + 运行; 合计 = Σ units."""
    for name in ["合计"] + [u.name for u in doc.units]:
        v = {c: val(7, name, column=c) for c in SANGONG_COLUMNS}
        same(f"三公 {name} 小计", v["小计"], v["公务接待费"] + v["因公出国（境）费"] + v["公务用车购置及运行费"])
        same(f"三公 {name} 车", v["公务用车购置及运行费"], v["其中：公务用车购置"] + v["其中：公务用车运行费"])
    if doc.style.sangong_by_unit:
        same("三公 合计", val(7, "合计", column="小计"), dsum(val(7, u.name, column="小计") for u in doc.units))


def check_performance_tables(doc: Disclosure, t: dict, gold: list[dict], same) -> None:
    """项目 amounts add up to 项目支出; 整体 per unit 资金总额 = 基本 + 项目, units add up."""
    t9, t10 = doc.table_title(9), doc.table_title(10)
    names = {u.name for u in doc.units}
    projects = [g for g in gold if g["table"] == t9 and g["row"] not in names]
    same("项目表 Σ项目", dsum(Decimal(g["value"]) for g in projects), t["project"])
    units = {}
    for g in (g for g in gold if g["table"] == t10):
        units.setdefault(g["code"], {})[g["column"]] = Decimal(g["value"])
    for code, v in units.items():
        same(f"整体 {code}", v.get("资金总额", ZERO), v.get("基本支出", ZERO) + v.get("项目支出", ZERO))
        same(f"整体 {code} 收入性质", v.get("资金总额", ZERO), v.get("一般公共预算", ZERO) + v.get("政府性基金拨款", ZERO))
    for column, key in (("资金总额", "total"), ("基本支出", "basic"), ("项目支出", "project")):
        same(f"整体 Σ{column}", dsum(v.get(column, ZERO) for v in units.values()), t[key])
