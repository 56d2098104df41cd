"""绩效: the drawn 绩效指标 rows of projects and units, and the two tables (9, 10) that print them."""
from __future__ import annotations

import random
from decimal import Decimal

from .amounts import ZERO, dsum, plain
from .cells import Cell, Column, Row, TableSpec, header_grid, mcell
from .model import DATA, Disclosure, Indicator, Project, Unit

# How many 三级指标 each 二级指标 gets (low, high); 0 prints the 二级 with blank 三级 cells.
INDICATOR_COUNTS = {"经济成本指标": (1, 1), "社会成本指标": (0, 0), "生态环境成本指标": (0, 0),
                    "数量指标": (1, 3), "质量指标": (1, 2), "时效指标": (1, 1), "经济效益指标": (0, 1),
                    "社会效益指标": (1, 2), "生态效益指标": (0, 0), "可持续影响指标": (0, 1),
                    "服务对象满意度指标": (1, 1)}


def project_indicators(rng: random.Random, amount: Decimal, year: int) -> list[Indicator]:
    """The 绩效指标 rows of a project, in the order 成本 → 产出 → 效益 → 满意度."""
    rows = []
    for level1, seconds in DATA["indicators"].items():
        for level2, templates in seconds.items():
            lo, hi = INDICATOR_COUNTS[level2]
            if lo == 0 and rng.random() < 0.4:
                continue  # some disclosures leave the empty 二级 out
            picked = rng.sample(templates, min(len(templates), rng.randint(lo, hi)))
            if not picked:
                rows.append(Indicator(level1, level2))
            for t in picked:
                value = t[1].format(amount=plain(amount), year=year)
                rows.append(Indicator(level1, level2, t[0], value, t[2], t[3], t[4], t[5], t[6]))
    return rows


def unit_indicators(rng: random.Random, unit: Unit, projects: list[Project], year: int) -> list[Indicator]:
    """The 部门整体支出绩效目标 rows of a unit: cost rows carry its 基本支出 and 项目支出."""
    spent = dsum(p.amount for p in projects if p.unit_code == unit.code)
    cost = "偏离目标40%及以上不得分，偏离10%以内不扣分"
    rows = [Indicator("成本指标", "经济成本指标", "基本支出", plain(unit.basic), "反映基本支出成本控制情况",
                      cost, "万元", "≤", "10")]
    if spent:
        rows.append(Indicator("成本指标", "经济成本指标", "项目支出", plain(spent), "反映项目支出成本控制情况",
                              cost, "万元", "≤", "10"))
    for level1, level2, lo, hi in (("产出指标", "数量指标", 1, 2), ("产出指标", "质量指标", 1, 1),
                                   ("产出指标", "时效指标", 1, 1), ("效益指标", "社会效益指标", 1, 1),
                                   ("满意度指标", "服务对象满意度指标", 1, 1)):
        for t in rng.sample(DATA["indicators"][level1][level2], rng.randint(lo, hi)):
            rows.append(Indicator(level1, level2, t[0], t[1].format(amount="", year=year), t[2], t[3],
                                  t[4], t[5], t[6]))
    return rows


def indicator_block(rows: list[Indicator], fields: list[str], first_col: int, width: int) -> list[list[Cell | None]]:
    """Cells of 绩效指标 rows: 一级 and 二级 merged over the rows they head."""
    out: list[list[Cell | None]] = [[None] * width for _ in rows]
    for level, col in (("level1", first_col), ("level2", first_col + 1)):
        start = 0
        for i in range(1, len(rows) + 1):
            if i == len(rows) or getattr(rows[i], level) != getattr(rows[start], level) or (
                    level == "level2" and rows[i].level1 != rows[start].level1):
                out[start][col] = Cell(getattr(rows[start], level), rowspan=i - start)
                start = i
    for i, ind in enumerate(rows):
        for j, name in enumerate(fields):
            out[i][first_col + 2 + j] = Cell(getattr(ind, name))
    return out


def merge_group(block: list[list[Cell | None]], texts: list[Cell]) -> None:
    """Put `texts` in the first columns of a block, each merged over all its rows."""
    for c, cell in enumerate(texts):
        cell.rowspan = len(block)
        block[0][c] = cell


PROJECT_FIELDS = ["name", "value", "content", "standard", "measure", "kind", "score"]


def project_table(doc: Disclosure) -> TableSpec:
    """9 项目支出绩效目标表: each project's cells merged over its 绩效指标 rows."""
    leaves = ["一级指标", "二级指标", "三级指标", "指标值", "指标值内容", "评（扣）分标准", "度量单位", "指标值类型", "备注"]
    cols = [Column("单位编码", "code"), Column("单位（项目）名称", "label", 1.4), Column("资金总额", "money"),
            Column("绩效目标", "text", 2.2)] + [
            Column(f"绩效指标/{x}", "text", w) for x, w in zip(leaves, [0.8, 1, 1.2, 0.8, 1.3, 1.8, 0.7, 0.7, 0.6])]
    header = header_grid([(x, 2, 1) for x in ("单位编码", "单位（项目）名称", "资金总额", "绩效目标")] + [("绩效指标", 1, 9)],
                         [(4 + i, x) for i, x in enumerate(leaves)], width=13)
    rows: list[Row] = []
    for unit in doc.units:
        mine = [p for p in doc.projects if p.unit_code == unit.code]
        if doc.style.unit_subtotals:
            cells = [Cell(unit.code), Cell(unit.name), mcell(dsum(p.amount for p in mine))] + [Cell()] * 10
            rows.append(Row(cells, {None: unit.name}, {None: unit.code}))
        for p in mine:
            block = indicator_block(p.indicators, PROJECT_FIELDS, 4, 13)
            merge_group(block, [Cell(unit.code), Cell(p.name), mcell(p.amount), Cell(p.goal)])
            rows += [Row(cells, {None: p.name}, {None: unit.code}) for cells in block]
    return TableSpec(9, doc.table_title(9), cols, header, rows, font_size=7.0)


UNIT_FIELDS = ["name", "kind", "value", "measure", "content", "standard", "score"]


def unit_table(doc: Disclosure) -> TableSpec:
    """10 部门整体支出绩效目标表: per unit 资金总额 by 收入性质 and 支出性质, then its 绩效指标."""
    income = ["一般公共预算", "政府性基金拨款", "财政专户管理资金", "其他资金"]
    leaves = ["一级指标", "二级指标", "三级指标", "指标值类型", "指标值", "计量单位", "指标解释", "评（扣）分标准", "备注"]
    a, g = "年度预算申请", "部门整体支出年度绩效目标"
    cols = ([Column("单位编码", "code"), Column("单位名称", "label", 1.3), Column(f"{a}/资金总额", "money")]
            + [Column(f"{a}/按收入性质分/{x}", "money") for x in income]
            + [Column(f"{a}/按支出性质分/{x}", "money") for x in ("基本支出", "项目支出")]
            + [Column("整体绩效目标", "text", 2)]
            + [Column(f"{g}/{x}", "text", w) for x, w in zip(leaves, [0.8, 1, 1.2, 0.7, 0.8, 0.7, 1.3, 1.6, 0.6])])
    header = header_grid([("单位编码", 3, 1), ("单位名称", 3, 1), (a, 1, 7), ("整体绩效目标", 3, 1), (g, 1, 9)],
                         [(2, "资金总额"), (3, "按收入性质分"), (7, "按支出性质分")]
                         + [(10 + i, x) for i, x in enumerate(leaves)],
                         [(3 + i, x) for i, x in enumerate(income)] + [(7, "基本支出"), (8, "项目支出")], width=19)
    header[1][2].rowspan = 2
    header[1][3].colspan = 4
    header[1][7].colspan = 2
    for i in range(9):
        header[1][10 + i].rowspan = 2
    rows: list[Row] = []
    for unit in doc.units:
        mine = [p for p in doc.projects if p.unit_code == unit.code]
        proj = dsum(p.amount for p in mine)
        gf = dsum(p.amount for p in mine if p.fund == "gf")
        values = [unit.basic + proj, unit.basic + proj - gf, gf, ZERO, ZERO, unit.basic, proj]
        block = indicator_block(unit.indicators, UNIT_FIELDS, 10, 19)
        merge_group(block, [Cell(unit.code), Cell(unit.name)] + [mcell(v) for v in values] + [Cell(unit.goal)])
        rows += [Row(cells, {None: unit.name}, {None: unit.code}) for cells in block]
    return TableSpec(10, doc.table_title(10), cols, header, rows, font_size=6.0)
