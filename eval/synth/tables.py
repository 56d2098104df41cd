"""Tables 1–8 of a disclosure, cell for cell (收支总表, 收入/支出 by 功能科目, 财政拨款, 基本支出, “三公”)."""
from __future__ import annotations

import random
from decimal import Decimal

from .aggregates import SANGONG_KEYS, SubjectRow, economic_totals, subject_rows, totals
from .amounts import ZERO
from .cells import Cell, Column, Row, TableSpec, header_grid, mcell, number_row
from .model import DATA, Disclosure
from .performance import project_table, unit_table


def build_tables(doc: Disclosure) -> list[TableSpec]:
    """The ten tables of the disclosure in order."""
    builders = [summary_table, income_table, expense_table, grant_table, gpb_table, basic_table,
                sangong_table, fund_table, project_table, unit_table]
    tables = [b(doc) for b in builders]
    for t in tables:
        t.font_size = min(t.font_size, doc.style.font_size)
    return tables


def summary_table(doc: Disclosure) -> TableSpec:
    """1 部门收支总体情况表: 收入 | 支出 side by side."""
    t = totals(doc)
    col = "本年预算" if doc.kind == "预算" else "决算数"
    cols = [Column("收 入/项 目", "label", 2, "收入"), Column(f"收 入/{col}", "money", 1, "收入"),
            Column("支 出/项 目", "label", 2, "支出"), Column(f"支 出/{col}", "money", 1, "支出")]
    header = header_grid([("收 入", 1, 2), ("支 出", 1, 2)], [(0, "项 目"), (1, col), (2, "项 目"), (3, col)], width=4)
    inc, exp = DATA["summary_rows"]["income"], DATA["summary_rows"]["expense"]
    left = [(inc[0], t["total"])] + [(x, ZERO) for x in inc[1:]] + [
        ("本年收入合计", t["total"]), ("七、上年结转", ZERO), ("", ZERO), ("收入总计", t["total"])]
    right = [(exp[0], t["basic"]), (exp[1], t["project"])] + [(x, ZERO) for x in exp[2:]] + [("", ZERO)] + [
        ("本年支出合计", t["total"]), ("六、结余分配", ZERO), ("七、结转下年", ZERO), ("支出总计", t["total"])]
    rows = [Row([Cell(a), mcell(av), Cell(b), mcell(bv)], {"收入": a, "支出": b})
            for (a, av), (b, bv) in zip(left, right)]
    return TableSpec(1, doc.table_title(1), cols, header, rows, DATA["notes"]["1"])


def code_blanker(doc: Disclosure, number: int):
    """Per-row choice of printing a 项 row's 类 (and 款) in full: most tables leave them blank at random."""
    rng = random.Random(doc.style.layout_seed + number)
    applies = doc.style.code_blanks != "full" and rng.random() < 0.75
    return lambda: not applies or rng.random() < 0.2


def code_cells(doc: Disclosure, code: str | None, print_lei: bool = True) -> list[Cell]:
    """The 科目编码 cells of a row: 类/款/项 (blanks as the style says) or one joined cell."""
    if doc.style.code_layout == "joined":
        return [Cell(code or "")]
    if code is None:
        return [Cell(), Cell(), Cell()]
    if len(code) == 3:
        return [Cell(code), Cell(), Cell()]
    if len(code) == 5:
        return [Cell(), Cell(code[3:]), Cell()]
    blanks = doc.style.code_blanks if not print_lei else "full"
    lei = "" if blanks in ("lei", "lei_kuan") else code[:3]
    kuan = "" if blanks == "lei_kuan" else code[3:5]
    return [Cell(lei), Cell(kuan), Cell(code[5:])]


def code_columns(doc: Disclosure) -> list[Column]:
    """The 科目编码 columns: 类/款/项 or one column."""
    if doc.style.code_layout == "joined":
        return [Column("科目编码", "code")]
    return [Column("科目编码/类", "code"), Column("科目编码/款", "code"), Column("科目编码/项", "code")]


def code_header(doc: Disclosure, rest: list[str], numbered: bool = True) -> list[list[Cell | None]]:
    """Header of a 功能科目 table: 科目编码 over 类/款/项 (or one cell), then the amount columns."""
    n_code = 1 if doc.style.code_layout == "joined" else 3
    width = n_code + 1 + len(rest)
    if n_code == 1:
        rows = header_grid([("科目编码", 1, 1), ("功能科目", 1, 1)] + [(x, 1, 1) for x in rest], width=width)
    else:
        rows = header_grid([("科目编码", 1, 3), ("功能科目", 2, 1)] + [(x, 2, 1) for x in rest],
                           [(0, "类"), (1, "款"), (2, "项")], width=width)
    if numbered:
        rows.append(number_row(width, n_code + 1))
    return rows


def subject_table(doc: Disclosure, number: int, rows: list[SubjectRow], money_cols: list[str],
                  values, note: str) -> TableSpec:
    """A 功能科目 table (支出总表, 一般公共预算支出表, 政府性基金支出表)."""
    cols = code_columns(doc) + [Column("功能科目", "label", 3)] + [Column(c, "money") for c in money_cols]
    header = code_header(doc, money_cols)
    body = []
    blanks = code_blanker(doc, number)
    for r in rows:
        cells = code_cells(doc, r.code, blanks()) + [Cell(r.name)] + [mcell(v) for v in values(r)]
        body.append(Row(cells, {None: r.name}, {None: r.code}))
    return TableSpec(number, doc.table_title(number), cols, header, body, note, numbered=True)


def income_table(doc: Disclosure) -> TableSpec:
    """2 部门收入总体情况表: 合计, 本级财政拨款 (金额, 其中：经费拨款) and empty other sources."""
    others = DATA["income_columns"]
    cols = (code_columns(doc) + [Column("功能科目", "label", 3), Column("合计", "money"),
            Column("本级财政拨款/金额", "money"), Column("本级财政拨款/其中：经费拨款", "money")]
            + [Column(c, "money") for c in others])
    n_code = len(code_columns(doc))
    codes = [("类", 2, 1), ("款", 2, 1), ("项", 2, 1)] if n_code == 3 else [("科目编码", 2, 1)]
    top = codes + [("功能科目", 2, 1), ("合计", 2, 1), ("本级财政拨款", 1, 2)] + [(c, 2, 1) for c in others]
    header = header_grid(top, [(n_code + 2, "金额"), (n_code + 3, "其中：经费拨款")], width=len(cols))
    header.append(number_row(len(cols), n_code + 1))
    rows = []
    blanks = code_blanker(doc, 2)
    for r in subject_rows(doc, None):
        cells = code_cells(doc, r.code, blanks()) + [Cell(r.name), mcell(r.total), mcell(r.total), mcell(r.funded)]
        cells += [Cell(align="right") for _ in others]
        rows.append(Row(cells, {None: r.name}, {None: r.code}))
    return TableSpec(2, doc.table_title(2), cols, header, rows, DATA["notes"]["2"], numbered=True)


def expense_table(doc: Disclosure) -> TableSpec:
    """3 部门支出总体情况表: 总计 = 基本支出 + 项目支出, other columns empty."""
    extra = DATA["expense_columns"]
    return subject_table(doc, 3, subject_rows(doc, None), ["总 计", "基本支出", "项目支出"] + extra,
                         lambda r: [r.total, r.basic, r.project] + [ZERO] * len(extra), DATA["notes"]["3"])


def gpb_table(doc: Disclosure) -> TableSpec:
    """5 一般公共预算支出情况表."""
    rows = subject_rows(doc, "gpb", shuffle=doc.style.shuffle_items)
    return subject_table(doc, 5, rows, ["总 计", "基本支出", "项目支出"],
                         lambda r: [r.total, r.basic, r.project], DATA["notes"]["5"])


def fund_table(doc: Disclosure) -> TableSpec:
    """8 政府性基金预算支出情况表 (header only when the department has no 基金 spending)."""
    rows = subject_rows(doc, "gf") if any(p.fund == "gf" for p in doc.projects) else []
    return subject_table(doc, 8, rows, ["总 计", "基本支出", "项目支出"],
                         lambda r: [r.total, r.basic, r.project], DATA["notes"]["8"])


def grant_table(doc: Disclosure) -> TableSpec:
    """4 财政拨款收支总体情况表: 收入 items | 支出 by the 22 功能类, long, side by side."""
    t = totals(doc)
    by_class = {r.code: r for r in subject_rows(doc, None) if r.code and len(r.code) == 3}
    gf_class = {r.code: r for r in subject_rows(doc, "gf") if r.code and len(r.code) == 3}
    cols = [Column("收 入/项目", "label", 2, "收入"), Column("收 入/金 额", "money", 1, "收入"),
            Column("支 出/项目", "label", 2, "支出"), Column("支 出/合计", "money", 1, "支出"),
            Column("支 出/一般公共预算", "money", 1, "支出"), Column("支 出/政府性基金预算", "money", 1, "支出"),
            Column("支 出/国有资本经营预算", "money", 1, "支出")]
    header = header_grid([("收 入", 1, 2), ("支 出", 1, 5)],
                         [(i, c.leaf) for i, c in enumerate(cols)], width=7)
    left = [("一、本年收入", t["total"]), ("1、一般公共预算拨款收入", t["gpb"]),
            ("2、政府性基金预算拨款收入", t["gf"]), ("3、国有资本经营预算拨款收入", ZERO)]
    right = [("一、本年支出", (t["total"], t["gpb"], t["gf"]))]
    for i, cls in enumerate(DATA["grant_table_classes"], start=1):
        total = by_class[cls].total if cls in by_class else ZERO
        gf = gf_class[cls].total if cls in gf_class else ZERO
        right.append((f"{i}、{DATA['classes'][cls]}", (total, total - gf, gf)))
    left += [("", ZERO)] * (len(right) - len(left))
    left += [("二、上年结转", ZERO), ("收 入 总 计", t["total"])]
    right += [("二、结转下年", (ZERO, ZERO, ZERO)), ("支 出 总 计", (t["total"], t["gpb"], t["gf"]))]
    rows = []
    for (a, av), (b, bv) in zip(left, right):
        cells = [Cell(a), mcell(av), Cell(b)] + [mcell(v) for v in bv] + [mcell(ZERO)]
        rows.append(Row(cells, {"收入": a, "支出": b}))
    return TableSpec(4, doc.table_title(4), cols, header, rows, DATA["notes"]["4"])


def basic_table(doc: Disclosure) -> TableSpec:
    """6 一般公共预算基本支出情况表 by 经济科目: 人员类 (301, 303) | 公用经费 (302)."""
    people = "人员类" if doc.kind == "预算" else "人员经费"
    cols = [Column("经济科目编码", "code"), Column("经济科目名称", "label", 3), Column("总计", "money"),
            Column(people, "money"), Column("公用经费", "money")]
    header = header_grid([(c.path, 1, 1) for c in cols], width=5)
    header.append(number_row(5, 2))
    econ = economic_totals(doc)
    t = totals(doc)
    rows = [Row([Cell(), Cell("合计"), mcell(t["basic"]), mcell(t["personnel"]), mcell(t["public"])],
                {None: "合计"}, {None: None})]
    for code, amount in econ.items():
        cls = DATA["economic"][code[:3]]
        name = cls["name"] if len(code) == 3 else cls["items"][code]
        public = cls["kind"] == "public"
        cells = [Cell(code), Cell(name), mcell(amount), mcell(ZERO if public else amount),
                 mcell(amount if public else ZERO)]
        rows.append(Row(cells, {None: name}, {None: code}))
    width = random.Random(doc.style.layout_seed + 6).choice([0.7, 0.8, 1.0])
    return TableSpec(6, doc.table_title(6), cols, header, rows, DATA["notes"]["6"], numbered=True,
                     width_share=width)


SANGONG_COLUMNS = ["小计", "公务接待费", "因公出国（境）费", "公务用车购置及运行费", "其中：公务用车购置",
                   "其中：公务用车运行费"]


def sangong_values(sg: dict[str, Decimal]) -> list[Decimal]:
    """The six “三公” cells: 小计, 接待, 出国, 车购置及运行, 购置, 运行."""
    car = sg["car_buy"] + sg["car_run"]
    return [sg["reception"] + sg["abroad"] + car, sg["reception"], sg["abroad"], car, sg["car_buy"], sg["car_run"]]


def sangong_table(doc: Disclosure) -> TableSpec:
    """7 “三公”经费支出情况表: 合计 then units (or the department)."""
    group = "三公经费预（决）算数（财政拨款）"
    cols = [Column("部门名称", "label", 3)] + [Column(f"{group}/{c}", "money") for c in SANGONG_COLUMNS]
    header = header_grid([("部门名称", 2, 1), (group, 1, 6)], [(i + 1, c) for i, c in enumerate(SANGONG_COLUMNS)],
                         width=7)
    t = totals(doc)
    entries = [("合计", {k: t[k] for k in SANGONG_KEYS})]
    if doc.style.sangong_by_unit:
        entries += [(u.name, u.sangong) for u in doc.units]
    else:
        entries.append((doc.department, entries[0][1]))
    rows = [Row([Cell(name)] + [mcell(v) for v in sangong_values(sg)], {None: name}) for name, sg in entries]
    return TableSpec(7, doc.table_title(7), cols, header, rows, DATA["notes"]["7"])
