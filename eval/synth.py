"""Synthetic budget disclosures (部门预算/决算公开) for round-trip tests and benchmarks of the ingest.

`generate(seed, index)` builds a `Disclosure` (plain data, money as Decimal, every total consistent);
`build_tables(doc)` lays it out as the ten tables of a disclosure, cell by cell as printed;
`render_pdf` / `render_text` write the PDF and the text form; `gold_cells` lists every money cell
written. Deterministic from the seed, offline, a document in a fraction of a second.

    python -m eval.synth OUTDIR --count N --seed S [--format pdf|txt|both] [--kind 预算|决算|mixed]
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path

DATA: dict = json.loads((Path(__file__).with_name("synth_data.json")).read_text(encoding="utf-8"))
CENT = Decimal("0.01")
ZERO = Decimal("0.00")
KINDS = ("预算", "决算")


# ---------------------------------------------------------------------------------------------
# Money
# ---------------------------------------------------------------------------------------------

def money(cents: int) -> Decimal:
    """Decimal 万元 with two decimals from integer hundredths (`123456` → 1234.56)."""
    return (Decimal(cents) / 100).quantize(CENT)


def grouped(value: Decimal | None) -> str:
    """A money cell as the tables print it: `10,465.00`; zero or None print blank."""
    return "" if not value else f"{value.quantize(CENT):,f}"


def plain(value: Decimal) -> str:
    """An amount as the narrative prints it: `10465.00`."""
    return f"{value.quantize(CENT):f}"


def percent(part: Decimal, whole: Decimal) -> Decimal:
    """Share of `part` in `whole` in percent, two decimals."""
    return (part * 100 / whole).quantize(CENT) if whole else ZERO


def dsum(values) -> Decimal:
    """Sum of Decimals (ZERO for none)."""
    return sum(values, ZERO)


# ---------------------------------------------------------------------------------------------
# The model of what is generated
# ---------------------------------------------------------------------------------------------

@dataclass
class Indicator:
    """One row of a 绩效指标 block: 一级/二级 always, the 三级 fields blank for an empty 二级."""

    level1: str
    level2: str
    name: str = ""
    value: str = ""
    content: str = ""
    standard: str = ""
    measure: str = ""
    kind: str = ""
    score: str = ""


@dataclass
class Project:
    """A 项目 of a unit: amount, 功能科目 (7 digits), fund 'gpb' (一般公共预算) or 'gf' (政府性基金)."""

    unit_code: str
    name: str
    amount: Decimal
    subject: str
    fund: str = "gpb"
    nontax: Decimal = ZERO
    goal: str = ""
    indicators: list[Indicator] = field(default_factory=list)


@dataclass
class Unit:
    """A 预算单位: 基本支出 by 经济科目 (5 digits) and by 功能科目, “三公” amounts, 整体绩效 rows."""

    code: str
    name: str
    is_office: bool
    economic: dict[str, Decimal] = field(default_factory=dict)
    basic_by_subject: dict[str, Decimal] = field(default_factory=dict)
    sangong: dict[str, Decimal] = field(default_factory=dict)
    goal: str = ""
    indicators: list[Indicator] = field(default_factory=list)

    @property
    def basic(self) -> Decimal:
        return dsum(self.economic.values())


@dataclass
class Style:
    """Layout quirks chosen at generation, so rendering is a pure function of the document."""

    code_layout: str = "split"         # split: 类/款/项 columns; joined: one 科目编码 column
    code_blanks: str = "full"          # on 项 rows: full | lei (类 blank) | lei_kuan (类 and 款 blank)
    shuffle_items: bool = False        # 一般公共预算支出表 lists 项 out of code order
    sangong_by_unit: bool = True       # “三公” table: a row per unit, else one department row
    unit_subtotals: bool = False       # 项目支出绩效目标表: a unit row with its total before its projects
    repeat_groups: bool = True         # a project/unit cell cut by a page break is printed again
    continuation: str = "mixed"        # repeat | header | bare | mixed: what a continued page shows
    tables_on_new_page: bool = True
    dept_unit_same_line: bool = False  # 「部门名称：X」 and 「单位：万元」 on one line
    page_numbers: bool = True
    spaced_numbers: bool = False       # narrative 「2024 年」「104.20 万元」
    font_size: float = 9.0
    cell_padding: float = 1.0          # × 0.3 em around cell text: roomier cells make longer tables
    text_split_rows: int = 30          # text form: continue a table after this many rows
    text_heading: str = "## "
    layout_seed: int = 0


@dataclass
class Disclosure:
    """One department's disclosure for one year: everything the renderers print comes from here."""

    city: str
    bureau: dict
    year: int
    kind: str
    units: list[Unit]
    projects: list[Project]
    names: dict[str, str]              # 功能科目 code (3/5/7 digits) → name
    offices: list[str]
    duties: list[str]
    extras: dict                       # previous-year figures, procurement, assets … (narrative only)
    style: Style

    @property
    def department(self) -> str:
        return self.city + self.bureau["name"]

    @property
    def title(self) -> str:
        return f"{self.department}{self.year}年部门{self.kind}"

    def table_title(self, number: int) -> str:
        return f"{self.year}年{DATA['tables'][self.kind][str(number)]}"


# ---------------------------------------------------------------------------------------------
# Generation
# ---------------------------------------------------------------------------------------------

def generate(seed: int | str = 0, index: int = 0, *, kind: str | None = None, city: str | None = None,
             bureau: str | None = None, year: int | None = None) -> Disclosure:
    """The disclosure number `index` of the series `seed`; `kind` 预算/决算 (default: mostly 预算).
    `city`, `bureau` (its name, 「财政局」) and `year` set the department and year instead of drawing
    them (drawn either way, so the rest of the document stays the same): one department's years."""
    rng = random.Random(f"budgetqa-synth:{seed}:{index}")
    drawn_city = rng.choice(DATA["cities"])
    drawn_bureau = rng.choice(DATA["bureaus"])
    city = city or drawn_city
    bureau_data = next(b for b in DATA["bureaus"] if b["name"] == bureau) if bureau else drawn_bureau
    drawn_year = rng.randint(2021, 2026)
    drawn = "决算" if rng.random() < 0.2 else "预算"
    kind = kind or drawn  # drawn either way, so a given kind does not change the rest of the document
    if year is None:
        year = min(drawn_year, 2025) if kind == "决算" else drawn_year  # a 决算 is published after its year ends
    bureau = bureau_data
    names = {bureau["class"]: DATA["classes"][bureau["class"]]}
    split_social = rng.random() < 0.6
    units = make_units(rng, city, bureau)
    for unit in units:
        unit.economic = make_economic(rng, unit)
        unit.basic_by_subject = basic_subjects(unit, bureau, split_social, names)
        unit.sangong = make_sangong(rng, unit)
    projects = make_projects(rng, units, bureau, names, year)
    if rng.random() < 0.25:
        projects += make_fund_projects(rng, units, names, year, bureau)
    for unit in units:
        unit.goal = rng.choice(DATA["unit_goals"]).format(field=bureau["field"])
        unit.indicators = unit_indicators(rng, unit, projects, year)
    doc = Disclosure(city=city, bureau=bureau, year=year, kind=kind, units=units, projects=projects,
                     names=names, offices=rng.sample(DATA["offices"], rng.randint(4, 9)),
                     duties=make_duties(rng, bureau, city), extras={}, style=make_style(rng))
    doc.extras = make_extras(rng, doc)
    return doc


def corpus(seed: int | str, count: int) -> list[Disclosure]:
    """`count` disclosures of the series `seed` as a city's publications are: no two of one department,
    year and kind (a drawn repeat is skipped), so departments recur across years."""
    out: list[Disclosure] = []
    seen: set[tuple[str, int, str]] = set()
    index = 0
    while len(out) < count:
        doc = generate(seed, index)
        index += 1
        key = (doc.department, doc.year, doc.kind)
        if key not in seen:
            seen.add(key)
            out.append(doc)
    return out


def make_style(rng: random.Random) -> Style:
    """Random layout quirks of one document."""
    return Style(
        code_layout="joined" if rng.random() < 0.2 else "split",
        code_blanks=rng.choice(["full", "full", "lei", "lei_kuan"]),
        shuffle_items=rng.random() < 0.3,
        sangong_by_unit=rng.random() < 0.7,
        unit_subtotals=rng.random() < 0.4,
        repeat_groups=rng.random() < 0.7,
        continuation=rng.choice(["repeat", "bare", "header", "mixed", "mixed"]),
        tables_on_new_page=rng.random() < 0.75,
        dept_unit_same_line=rng.random() < 0.3,
        page_numbers=rng.random() < 0.7,
        spaced_numbers=rng.random() < 0.3,
        font_size=rng.choice([8.5, 9.0, 9.0, 9.5, 10.0]),
        cell_padding=rng.choice([1.0, 1.0, 1.5, 2.2]),
        text_split_rows=rng.randint(18, 40),
        text_heading=rng.choice(["## ", "## ", "## ", "### ", ""]),
        layout_seed=rng.randint(0, 2**31),
    )


def make_units(rng: random.Random, city: str, bureau: dict) -> list[Unit]:
    """2–5 units: the 机关 (code …001) and centres with increasing 6-digit codes."""
    prefix = rng.randint(100, 799)
    centres = rng.sample(bureau["centres"], rng.randint(1, min(4, len(bureau["centres"]))))
    units = [Unit(code=f"{prefix}001", name=f"{city}{bureau['name']}机关", is_office=True)]
    seq = 1
    for centre in centres:
        seq += rng.randint(1, 3)
        units.append(Unit(code=f"{prefix}{seq:03d}", name=city + centre, is_office=False))
    return units


def make_economic(rng: random.Random, unit: Unit) -> dict[str, Decimal]:
    """基本支出 of a unit by 经济科目: wages by headcount, contributions as shares, 公用经费 items."""
    n = rng.randint(25, 160) if unit.is_office else rng.randint(8, 90)
    c: dict[str, int] = {"30101": n * rng.randint(300, 460), "30102": n * rng.randint(150, 450)}
    if unit.is_office or rng.random() < 0.5:
        c["30103"] = n * rng.randint(30, 250)
    if not unit.is_office:
        c["30107"] = n * rng.randint(200, 600)
    wages = sum(c.values())
    c["30108"] = wages * 16 // 100
    c["30109"] = wages * 8 // 100
    c["30110"] = wages * rng.randint(70, 90) // 1000
    if unit.is_office:
        c["30111"] = wages * 3 // 100
    if rng.random() < 0.6:
        c["30112"] = wages * rng.randint(5, 15) // 1000
    c["30113"] = wages * 12 // 100
    for code, chance in (("30114", 0.2), ("30199", 0.5)):
        if rng.random() < chance:
            c[code] = n * rng.randint(5, 100)
    public = list(DATA["economic"]["302"]["items"])
    must = {"30201", "30228"} | ({"30215", "30216", "30217"} if unit.is_office else set())
    for code in public:
        if code in must or rng.random() < 0.55:
            c[code] = n * rng.randint(5, 50) if code != "30228" else wages * 2 // 100
    retirees = rng.randint(0, n // 2)
    if retirees:
        c["30302"] = retirees * rng.randint(300, 600)
    for code, chance in (("30301", 0.1), ("30305", 0.4), ("30307", 0.2), ("30309", 0.5), ("30399", 0.4)):
        if rng.random() < chance:
            c[code] = n * rng.randint(2, 50)
    return {code: money(v) for code, v in sorted(c.items()) if v > 0}


def basic_subjects(unit: Unit, bureau: dict, split_social: bool, names: dict[str, str]) -> dict[str, Decimal]:
    """基本支出 of a unit by 功能科目: 行政运行/事业运行, and 养老/医疗/住房公积金 when split out."""
    cls, main = bureau["class"], bureau["main"]
    run = (main["code"], "01") if unit.is_office else tuple(bureau["inst_basic"])
    run_code = register(names, cls, *run, bureau)
    social = DATA["social"]
    out: dict[str, Decimal] = {}
    for econ, amount in unit.economic.items():
        code = run_code
        if split_social:
            target = social_target(econ, unit.is_office)
            if target:
                part, item = target
                s = social[part]
                code = s["class"] + s["kuan"] + item
                names.setdefault(s["class"], DATA["classes"][s["class"]])
                names.setdefault(s["class"] + s["kuan"], s["kuan_name"])
                names.setdefault(code, s["items"][item])
        out[code] = out.get(code, ZERO) + amount
    return out


def social_target(econ: str, is_office: bool) -> tuple[str, str] | None:
    """Where an 经济科目 goes when social-security items get their own 功能科目 (2080505 …)."""
    if econ == "30108":
        return "pension", "05"
    if econ == "30109":
        return "pension", "06"
    if econ == "30110":
        return "medical", "01" if is_office else "02"
    if econ == "30111":
        return "medical", "03"
    if econ == "30113":
        return "housing", "01"
    if econ.startswith("303"):
        return "pension", "01" if is_office else "02"
    return None


def kuan_of(bureau: dict, kuan: str) -> dict:
    """The 款 entry (main or extra) of a bureau by its two digits."""
    for k in [bureau["main"], *bureau["extra"]]:
        if k["code"] == kuan:
            return k
    raise KeyError(kuan)


def register(names: dict[str, str], cls: str, kuan: str, item: str, bureau: dict) -> str:
    """Record the names of 类/款/项 of the bureau's own class and return the 7-digit code."""
    k = kuan_of(bureau, kuan)
    item_names = dict(DATA["common_items"]) if k is bureau["main"] else {}
    item_names.update(k["items"])
    names.setdefault(cls, DATA["classes"][cls])
    names.setdefault(cls + kuan, k["name"])
    code = cls + kuan + item
    names.setdefault(code, item_names[item])
    return code


def project_subjects(rng: random.Random, bureau: dict) -> list[tuple[str, str]]:
    """(款, 项) pairs a department's projects are charged to: 1–3 款, 2–5 项 each."""
    main = bureau["main"]
    running = tuple(bureau["inst_basic"])
    pairs = [(main["code"], "02")] + [(main["code"], i) for i in main["items"] if (main["code"], i) != running]
    extras = rng.sample(bureau["extra"], rng.randint(0, min(2, len(bureau["extra"]))))
    chosen = [(main["code"], "02")] + rng.sample(pairs[1:], min(len(pairs) - 1, rng.randint(1, 4)))
    for k in extras:
        items = list(k["items"])
        chosen += [(k["code"], i) for i in rng.sample(items, rng.randint(min(2, len(items)), min(5, len(items))))]
    return chosen


def amount_cents(rng: random.Random) -> int:
    """A project amount: mostly tens to hundreds of 万元, sometimes a few or over a thousand."""
    lo, hi = rng.choice([(300, 5000), (5000, 50000), (5000, 50000), (50000, 200000)])
    return rng.randint(lo, hi)


def make_projects(rng: random.Random, units: list[Unit], bureau: dict, names: dict[str, str],
                  year: int) -> list[Project]:
    """1–4 一般公共预算 projects per unit, each charged to one 项 of the bureau's class."""
    subjects = project_subjects(rng, bureau)
    pool = list(bureau["projects"]) + ["离退休人员工作经费", "党建工作经费", "信息化运维经费", "档案数字化经费"]
    projects = []
    for unit in units:
        for name in rng.sample(pool, rng.randint(1, 4)):
            code = register(names, bureau["class"], *rng.choice(subjects), bureau)
            amount = money(amount_cents(rng))
            nontax = money(int(amount * 100) * rng.randint(10, 60) // 100) if rng.random() < 0.2 else ZERO
            projects.append(project(rng, unit, name, amount, code, "gpb", nontax, bureau, year))
    return projects


def make_fund_projects(rng: random.Random, units: list[Unit], names: dict[str, str], year: int,
                       bureau: dict) -> list[Project]:
    """1–2 政府性基金 projects of one 基金 款, charged to random units."""
    fund = rng.choice(DATA["funds"])
    names.setdefault(fund["class"], DATA["classes"][fund["class"]])
    names.setdefault(fund["class"] + fund["kuan"], fund["kuan_name"])
    out = []
    for name in rng.sample(fund["projects"], rng.randint(1, min(2, len(fund["projects"])))):
        item = rng.choice(list(fund["items"]))
        code = fund["class"] + fund["kuan"] + item
        names.setdefault(code, fund["items"][item])
        out.append(project(rng, rng.choice(units), name, money(amount_cents(rng)), code, "gf", ZERO, bureau, year))
    return out


def project(rng: random.Random, unit: Unit, name: str, amount: Decimal, code: str, fund: str,
            nontax: Decimal, bureau: dict, year: int) -> Project:
    """A project with its 绩效目标 and 绩效指标 rows."""
    goal = rng.choice(DATA["goals"]).format(name=name, field=bureau["field"])
    return Project(unit_code=unit.code, name=name, amount=amount, subject=code, fund=fund, nontax=nontax,
                   goal=goal, indicators=project_indicators(rng, amount, year))


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


def make_sangong(rng: random.Random, unit: Unit) -> dict[str, Decimal]:
    """“三公” amounts of a unit; zero where the unit has no such spending."""
    scale = 1 if unit.is_office else 2
    def maybe(chance: float, lo: int, hi: int) -> Decimal:
        return money(rng.randint(lo, hi) // scale) if rng.random() < chance / scale else ZERO
    return {"reception": maybe(1.0, 50, 800), "abroad": maybe(0.3, 300, 2000),
            "car_buy": maybe(0.25, 1500, 6000), "car_run": maybe(0.7, 200, 3000)}


def make_duties(rng: random.Random, bureau: dict, city: str) -> list[str]:
    """职能职责 sentences for the narrative."""
    level = "区" if city.endswith("区") else "市"
    first, *middle, last = DATA["duties"]
    picked = [first] + rng.sample(middle, rng.randint(3, len(middle))) + [last]
    return [d.format(field=bureau["field"], level=level) for d in picked]


def make_extras(rng: random.Random, doc: Disclosure) -> dict:
    """Figures only the narrative prints: last year's totals, procurement, assets, meetings."""
    t = totals(doc)
    def previous(value: Decimal) -> Decimal:
        return money(int(value * 100) * rng.randint(80, 120) // 100) or money(100)
    goods, works, services = (money(rng.randint(0, 30000)) for _ in range(3))
    return {"prev_total": previous(t["total"]), "prev_running": previous(t["public"]),
            "prev_sangong": previous(t["sangong"]) if t["sangong"] else ZERO,
            "goods": goods, "works": works, "services": services,
            "cars": rng.randint(0, 12), "meetings": rng.randint(2, 20), "meeting_people": rng.randint(50, 1500),
            "trainings": rng.randint(1, 10), "training_people": rng.randint(20, 600)}


# ---------------------------------------------------------------------------------------------
# Aggregates
# ---------------------------------------------------------------------------------------------

SANGONG_KEYS = ("reception", "abroad", "car_buy", "car_run")


def totals(doc: Disclosure) -> dict[str, Decimal]:
    """Department totals every table and the narrative agree on."""
    basic = dsum(u.basic for u in doc.units)
    gf = dsum(p.amount for p in doc.projects if p.fund == "gf")
    project_total = dsum(p.amount for p in doc.projects)
    econ = economic_totals(doc)
    sg = {k: dsum(u.sangong[k] for u in doc.units) for k in SANGONG_KEYS}
    return {"basic": basic, "project": project_total, "total": basic + project_total, "gf": gf,
            "gpb": basic + project_total - gf, "gpb_project": project_total - gf,
            "personnel": dsum(v for c, v in econ.items() if len(c) == 3 and c != "302"),
            "public": econ.get("302", ZERO), "sangong": dsum(sg.values()), **sg}


def economic_totals(doc: Disclosure) -> dict[str, Decimal]:
    """基本支出 of the department by 经济科目, with the 3-digit 类 sums."""
    out: dict[str, Decimal] = {}
    for unit in doc.units:
        for code, amount in unit.economic.items():
            out[code] = out.get(code, ZERO) + amount
            out[code[:3]] = out.get(code[:3], ZERO) + amount
    return dict(sorted(out.items()))


@dataclass
class SubjectRow:
    """A 功能科目 row of the 收入/支出 tables: code of 3, 5 or 7 digits and its amounts."""

    code: str | None
    name: str
    basic: Decimal = ZERO
    project: Decimal = ZERO
    funded: Decimal = ZERO  # 其中：经费拨款

    @property
    def total(self) -> Decimal:
        return self.basic + self.project


def subject_rows(doc: Disclosure, fund: str | None, shuffle: bool = False) -> list[SubjectRow]:
    """合计, then 类 → 款 → 项 rows with amounts; `fund` 'gpb'/'gf' keeps one source, None all."""
    items: dict[str, SubjectRow] = {}
    def add(code: str, basic: Decimal = ZERO, proj: Decimal = ZERO, funded: Decimal = ZERO) -> None:
        row = items.setdefault(code, SubjectRow(code, doc.names[code]))
        row.basic += basic
        row.project += proj
        row.funded += funded
    if fund in (None, "gpb"):
        for unit in doc.units:
            for code, amount in unit.basic_by_subject.items():
                add(code, basic=amount, funded=amount)
    for p in doc.projects:
        if fund in (None, p.fund):
            add(p.subject, proj=p.amount, funded=(p.amount - p.nontax) if p.fund == "gpb" else ZERO)
    rows = [SubjectRow(None, "合计")]
    for cls in sorted({c[:3] for c in items}):
        rows.append(SubjectRow(cls, doc.names[cls]))
        for kuan in sorted({c[:5] for c in items if c.startswith(cls)}):
            rows.append(SubjectRow(kuan, doc.names[kuan]))
            leaves = sorted(c for c in items if c.startswith(kuan))
            if shuffle:
                random.Random(doc.style.layout_seed + len(kuan)).shuffle(leaves)
            rows += [items[c] for c in leaves]
    for row in rows:
        if row.code is None or len(row.code) < 7:
            members = [r for c, r in items.items() if row.code is None or c.startswith(row.code)]
            row.basic = dsum(r.basic for r in members)
            row.project = dsum(r.project for r in members)
            row.funded = dsum(r.funded for r in members)
    return rows


# ---------------------------------------------------------------------------------------------
# Tables as printed
# ---------------------------------------------------------------------------------------------

@dataclass
class Column:
    """A column of a table: its header path as printed, what it holds, its share of the width."""

    path: str
    kind: str = "text"        # code | label | money | text
    weight: float = 1.0
    side: str | None = None   # 收入 | 支出 in side-by-side tables

    @property
    def leaf(self) -> str:
        return self.path.split("/")[-1]


@dataclass
class Cell:
    """A printed cell; a merged cell covers rowspan × colspan positions (the others are None)."""

    text: str = ""
    rowspan: int = 1
    colspan: int = 1
    align: str = "left"


@dataclass
class Row:
    """A body row: its cells, and its label and code for each side (None key: the only side)."""

    cells: list[Cell | None]
    label: dict[str | None, str]
    code: dict[str | None, str | None] = field(default_factory=dict)


@dataclass
class TableSpec:
    """One table of the disclosure, cell for cell, before it is laid out on pages or in text."""

    number: int
    title: str
    columns: list[Column]
    header: list[list[Cell | None]]
    rows: list[Row]
    note: str = ""
    numbered: bool = False     # the last header row is the column-number row (1 2 3 …)
    font_size: float = 9.0
    width_share: float = 1.0


def hcell(text: str, rowspan: int = 1, colspan: int = 1) -> Cell:
    """A header cell (centered)."""
    return Cell(text, rowspan, colspan, "center")


def mcell(value: Decimal | None) -> Cell:
    """A money cell: `10,465.00`, blank for zero."""
    return Cell(grouped(value), align="right")


def header_grid(top: list[tuple[str, int, int]], *lower: list[tuple[int, str]], width: int) -> list[list[Cell | None]]:
    """Header rows from (text, rowspan, colspan) of the top row and (column, text) of the rows below."""
    rows: list[list[Cell | None]] = [[None] * width for _ in range(1 + len(lower))]
    col = 0
    for text, rs, cs in top:
        rows[0][col] = hcell(text, rs, cs)
        col += cs
    for r, cells in enumerate(lower, start=1):
        for c, text in cells:
            rows[r][c] = hcell(text)
    return rows


def number_row(width: int, first: int) -> list[Cell | None]:
    """The column-number row: blank up to `first`, then 1, 2, 3 …"""
    return [hcell("" if c < first else str(c - first + 1)) for c in range(width)]


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


# ---------------------------------------------------------------------------------------------
# Gold cells
# ---------------------------------------------------------------------------------------------

def table_gold(table: TableSpec, doc: Disclosure) -> list[dict]:
    """Every non-blank money cell of a table as a gold record."""
    out = []
    for row in table.rows:
        for col, cell in zip(table.columns, row.cells):
            if col.kind != "money" or cell is None or not cell.text:
                continue
            out.append({"document": doc.title, "department": doc.department, "year": doc.year,
                        "table": table.title, "row": row.label.get(col.side, ""),
                        "code": row.code.get(col.side), "column": col.leaf, "path": col.path, "side": col.side,
                        "value": cell.text.replace(",", ""), "unit": "万元"})
    return out


def gold_cells(doc: Disclosure) -> list[dict]:
    """Every money cell the generator wrote, in table order: table, row, code, column, value …"""
    return [g for table in build_tables(doc) for g in table_gold(table, doc)]


def gold_jsonl(doc: Disclosure) -> str:
    """The gold cells as JSON lines (stable key order, UTF-8 text)."""
    return "".join(json.dumps(g, ensure_ascii=False) + "\n" for g in gold_cells(doc))


# ---------------------------------------------------------------------------------------------
# Narrative
# ---------------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------------
# Consistency
# ---------------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------------
# Text form (markdown headings, tab-separated rows, as the sample's .txt)
# ---------------------------------------------------------------------------------------------

TEXT_PREFIX = {"h1": "# ", "h2": "## ", "h3": "### ", "toc": "- "}


def render_text(doc: Disclosure, path: str | Path) -> None:
    """Write the text form of the disclosure (UTF-8)."""
    Path(path).write_text(text_form(doc), encoding="utf-8")


def text_form(doc: Disclosure) -> str:
    """The whole disclosure as text: narrative blocks, then every table."""
    lines = ["", ""]
    for block in build_narrative(doc).blocks:
        if block.kind == "cover":
            lines += [f"**{block.text}**", ""]
        elif block.kind == "toc":
            lines += [TEXT_PREFIX["toc"] + block.text]
        elif block.kind != "pagebreak":
            if lines[-1].startswith(TEXT_PREFIX["toc"]):
                lines.append("")
            lines += [TEXT_PREFIX.get(block.kind, "") + block.text, ""]
    lines += [f"## 第二部分 {doc.year}年部门{doc.kind}表", ""]
    for table in build_tables(doc):
        lines += text_table(table, doc)
    return "\n".join(lines) + "\n"


def covering(cells: list[list[Cell | None]], r: int, c: int) -> Cell | None:
    """The merged cell whose area covers position (r, c), if it starts on an earlier row."""
    for up in range(r - 1, -1, -1):
        cell = cells[up][c]
        if cell is not None:
            return cell if up + cell.rowspan > r else None
    return None


def text_table(table: TableSpec, doc: Disclosure) -> list[str]:
    """A table in text form, continued under a repeated title and header every few rows."""
    rng = random.Random(doc.style.layout_seed + 100 + table.number)
    cells = [row.cells for row in table.rows]
    chunks, start = [], 0
    while start < len(cells) or not chunks:
        size = doc.style.text_split_rows + rng.randint(-5, 5)
        chunks.append(range(start, min(len(cells), start + size)))
        start += size
    out = []
    for chunk in chunks:
        out += [doc.style.text_heading + table.title, "", f"部门名称：{doc.department}", "", "单位：万元", ""]
        for i, hrow in enumerate(table.header):
            blank = "**" if table.numbered and i == len(table.header) - 1 else ""
            out.append("\t".join((c.text or blank) if c is not None else "" for c in hrow))
        for r in chunk:
            texts = []
            for c, cell in enumerate(cells[r]):
                if cell is None and r == chunk.start and doc.style.repeat_groups:
                    cell = covering(cells, r, c)
                texts.append(cell.text if cell is not None else "")
            out.append("\t".join(texts))
        out.append("")
    if table.note:
        out += [table.note, ""]
    return out


# ---------------------------------------------------------------------------------------------
# PDF (reportlab, A4 portrait, CID font STSong-Light: no font file needed, text extracts cleanly)
# ---------------------------------------------------------------------------------------------

FONT = "STSong-Light"
PAGE_W, PAGE_H = 595.2756, 841.8898
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 50.0, 30.0, 40.0, 45.0
ASCENT = 0.729            # STSong-Light glyph box above the baseline, as pdfminer reports it
LEADING = 1.25            # line height / font size in cells
LINE_WIDTH = 0.6
_TOKEN = re.compile(r"[A-Za-z0-9.,%/+\-~≥≤=<>]+|\s+|.")
_NO_LINE_START = set("，。；：、）》」”’！？%,.;:)")


@lru_cache(maxsize=1)
def register_font() -> str:
    """Register the CID font once; returns its name."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


@cache
def char_width(ch: str) -> float:
    """Advance of one character at size 1."""
    from reportlab.pdfbase import pdfmetrics
    return pdfmetrics.stringWidth(ch, register_font(), 1)


def text_width(text: str, size: float) -> float:
    """Advance of a string at `size`."""
    return sum(char_width(ch) for ch in text) * size


def fit_chars(token: str, width: float, size: float) -> int:
    """How many leading characters of `token` fit in `width` (at least one)."""
    used = 0.0
    for i, ch in enumerate(token):
        used += char_width(ch) * size
        if used > width:
            return max(1, i)
    return len(token)


def wrap(text: str, width: float, size: float, first_width: float | None = None) -> list[str]:
    """Lines of `text` within `width`: CJK breaks anywhere, ASCII runs stay whole when they fit."""
    lines: list[str] = []
    for para in text.split("\n"):
        line, used = "", 0.0
        for tok in _TOKEN.findall(para):
            limit = first_width if first_width is not None and not lines else width
            tw = text_width(tok, size)
            if used + tw <= limit + 0.01:
                line, used = line + tok, used + tw
                continue
            if tok.isspace():
                lines.append(line)
                line, used = "", 0.0
                continue
            if tok[0] in _NO_LINE_START and len(tok) == 1 and len(line) > 1:
                lines.append(line[:-1])
                line = line[-1] + tok
                used = text_width(line, size)
                continue
            if line:
                lines.append(line.rstrip())
            while text_width(tok, size) > width and len(tok) > 1:
                k = fit_chars(tok, width, size)
                lines.append(tok[:k])
                tok = tok[k:]
            line, used = tok, text_width(tok, size)
        lines.append(line.rstrip())
    return lines


@dataclass
class Grid:
    """Column edges and type metrics of a table on the page."""

    xs: list[float]
    size: float
    padding: float = 1.0

    @property
    def pad(self) -> float:
        return max(1.5, self.size * 0.3 * self.padding)

    @property
    def lead(self) -> float:
        return self.size * LEADING

    def width(self, c: int, span: int = 1) -> float:
        return self.xs[c + span] - self.xs[c]

    def lines(self, cell: Cell, c: int) -> list[str]:
        return wrap(cell.text, self.width(c, cell.colspan) - 2 * self.pad, self.size) if cell.text else []

    def need(self, cell: Cell, c: int) -> float:
        return max(1, len(self.lines(cell, c))) * self.lead + 2 * self.pad


def grid_for(table: TableSpec, padding: float = 1.0) -> Grid:
    """Column widths: money and code columns as wide as their widest cell, the rest by weight."""
    size = table.font_size
    total = (PAGE_W - MARGIN_LEFT - MARGIN_RIGHT) * table.width_share
    while True:
        pad = max(1.5, size * 0.3 * padding)
        widths: list[float | None] = []
        for i, col in enumerate(table.columns):
            if col.kind in ("money", "code"):
                texts = [row.cells[i].text for row in table.rows if row.cells[i] is not None]
                least = "0000.00" if col.kind == "money" else "0"
                widths.append(max(text_width(t, size) for t in texts + [least, "类"]) + 2 * pad + 1)
            else:
                widths.append(None)
        rest = total - sum(w for w in widths if w)
        weights = sum(col.weight for col, w in zip(table.columns, widths) if w is None)
        least = 2 * size + 2 * pad
        if size <= 5 or all(rest * col.weight / weights >= least for col, w in zip(table.columns, widths) if w is None):
            break
        size -= 0.5
    xs = [MARGIN_LEFT]
    for col, w in zip(table.columns, widths):
        xs.append(xs[-1] + (w if w is not None else rest * col.weight / weights))
    return Grid(xs, size, padding)


def row_heights(cells: list[list[Cell | None]], grid: Grid) -> list[float]:
    """Height of each row; a merged cell too tall for its rows stretches the last of them."""
    heights = [grid.lead + 2 * grid.pad for _ in cells]
    spans = []
    for r, row in enumerate(cells):
        for c, cell in enumerate(row):
            if cell is None:
                continue
            need = grid.need(cell, c)
            if cell.rowspan == 1:
                heights[r] = max(heights[r], need)
            else:
                spans.append((r, r + cell.rowspan - 1, need))
    for r0, r1, need in sorted(spans, key=lambda s: s[1] - s[0]):
        short = need - sum(heights[r0:r1 + 1])
        if short > 0:
            heights[r1] += short
    return heights


@dataclass
class Span:
    """A body cell merged over rows r0..r1 (in column c) and the height its text needs."""

    r0: int
    r1: int
    c: int
    cell: Cell
    need: float


def body_spans(cells: list[list[Cell | None]], grid: Grid) -> list[Span]:
    """The merged cells of a table body."""
    return [Span(r, r + cell.rowspan - 1, c, cell, grid.need(cell, c))
            for r, row in enumerate(cells) for c, cell in enumerate(row) if cell is not None and cell.rowspan > 1]


@dataclass
class PdfReport:
    """What `render_pdf` laid out: the page count and the pages of each table (1-based)."""

    pages: int
    tables: dict[str, list[int]]


class PdfWriter:
    """Flows narrative and tables onto A4 pages with a reportlab canvas (top-down y coordinates)."""

    def __init__(self, path: str | Path, doc: Disclosure):
        from reportlab.pdfgen import canvas
        register_font()
        self.doc = doc
        self.style = doc.style
        self.rng = random.Random(doc.style.layout_seed)
        self.canvas = canvas.Canvas(str(path), pagesize=(PAGE_W, PAGE_H), invariant=1, pageCompression=1)
        self.canvas.setTitle(doc.title)
        self.page = 1
        self.y = MARGIN_TOP
        self.segments: set[tuple[float, float, float, float]] = set()
        self.tables: dict[str, list[int]] = {}

    @property
    def bottom(self) -> float:
        return PAGE_H - MARGIN_BOTTOM

    def new_page(self) -> None:
        """Finish the page (footer) and start the next."""
        if self.style.page_numbers:
            self.canvas.setFont(FONT, 9)
            self.canvas.drawCentredString(PAGE_W / 2, 22, f"- {self.page} -")
        self.canvas.showPage()
        self.page += 1
        self.y = MARGIN_TOP

    def save(self) -> PdfReport:
        """Finish the last page and write the file."""
        self.new_page()
        self.canvas.save()
        return PdfReport(self.page - 1, self.tables)

    def string(self, text: str, size: float, x: float, top: float, align: str = "left", lead: float | None = None) -> None:
        """Draw one line whose line box starts at `top`, aligned at x (left/center/right)."""
        lead = lead or size * LEADING
        base = PAGE_H - (top + (lead - size) / 2 + ASCENT * size)
        self.canvas.setFont(FONT, size)
        if align == "center":
            self.canvas.drawCentredString(x, base, text)
        elif align == "right":
            self.canvas.drawRightString(x, base, text)
        else:
            self.canvas.drawString(x, base, text)

    # narrative ---------------------------------------------------------------------------------

    def block(self, block: Block) -> None:
        """Draw one narrative block, breaking pages as needed."""
        width = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT
        if block.kind == "pagebreak":
            self.new_page()
        elif block.kind == "cover":
            self.y = max(self.y, 220)
            self.paragraph(block.text, 22, width, align="center", after=30)
        elif block.kind == "h1":
            self.paragraph(block.text, 16, width, align="center", before=8, after=10)
        elif block.kind == "h2":
            self.paragraph(block.text, 13, width, before=6, after=4)
        elif block.kind == "h3":
            self.paragraph(block.text, 11.5, width, indent=10, after=2)
        elif block.kind == "toc":
            self.paragraph(block.text, 10.5, width - 24, indent=24, after=1)
        else:
            first = 21 if block.kind == "p" else 0
            self.paragraph(block.text, 10.5, width, first_indent=first, after=4)

    def paragraph(self, text: str, size: float, width: float, *, indent: float = 0, first_indent: float = 0,
                  align: str = "left", before: float = 0, after: float = 0) -> None:
        """Wrapped text lines from the cursor down; a page break wherever the next line does not fit."""
        lead = size * 1.6
        self.y += before
        for i, line in enumerate(wrap(text, width, size, width - first_indent)):
            if self.y + lead > self.bottom:
                self.new_page()
            x = MARGIN_LEFT + indent + (first_indent if i == 0 else 0)
            if align == "center":
                x = PAGE_W / 2
            self.string(line, size, x, self.y, align, lead)
            self.y += lead
        self.y += after

    # tables ------------------------------------------------------------------------------------

    def table(self, table: TableSpec) -> None:
        """Draw a table: title, 部门名称/单位 lines, ruled grid, continued on as many pages as it needs."""
        grid = grid_for(table, self.style.cell_padding if table.number <= 8 else 1.0)
        cells = [row.cells for row in table.rows]
        heights = row_heights(cells, grid)
        head_h = row_heights(table.header, grid)
        spans = body_spans(cells, grid)
        first = self.title_height() + sum(head_h) + (heights[0] if heights else 0)
        if self.y > MARGIN_TOP and (self.style.tables_on_new_page or self.y + 20 + first > self.bottom):
            self.new_page()
        elif self.y > MARGIN_TOP:
            self.y += 20
        self.tables[table.title] = [self.page]
        top = self.slice_start(table, grid, head_h, "first")
        self.paginate(table, grid, heights, head_h, spans, top)
        if table.note:
            self.paragraph(table.note, 9, PAGE_W - MARGIN_LEFT - MARGIN_RIGHT, before=4, after=6)

    def title_height(self) -> float:
        """Height of the title and the 部门名称/单位 lines."""
        return 15 * 1.8 + 10 * 1.8 * (1 if self.style.dept_unit_same_line else 2) + 4

    def slice_start(self, table: TableSpec, grid: Grid, head_h: list[float], mode: str) -> float:
        """Draw what a page of the table starts with (title, lines, header, per `mode`); returns the body top."""
        if mode in ("first", "repeat"):
            self.string(table.title, 15, PAGE_W / 2, self.y, "center", 15 * 1.8)
            self.y += 15 * 1.8
            dept, unit = f"部门名称：{self.doc.department}", "单位：万元"
            if self.style.dept_unit_same_line:
                self.string(dept, 10, MARGIN_LEFT, self.y, lead=18)
                self.string(unit, 10, grid.xs[-1], self.y, "right", 18)
                self.y += 18
            else:
                self.string(dept, 10, MARGIN_LEFT, self.y, lead=18)
                self.string(unit, 10, MARGIN_LEFT, self.y + 18, lead=18)
                self.y += 36
            self.y += 4
        if mode != "bare":
            self.draw_rows(table.header, list(range(len(table.header))), head_h, grid, self.y, header=True)
            self.y += sum(head_h)
            self.flush_lines()
        return self.y

    def paginate(self, table: TableSpec, grid: Grid, heights: list[float], head_h: list[float],
                 spans: list[Span], top: float) -> None:
        """Place body rows page by page; a merged cell cut by a break gets room for its text on each page."""
        starts: dict[int, list[Span]] = {}
        ends: dict[int, list[Span]] = {}
        for sp in spans:
            starts.setdefault(sp.r0, []).append(sp)
            ends.setdefault(sp.r1, []).append(sp)
        rows: list[int] = []
        y = top
        for r in range(len(heights)):
            first_need = max((sp.need for sp in starts.get(r, [])), default=0.0)
            if rows and y + max(heights[r], first_need) > self.bottom:
                y = self.stretch_at_break(spans, rows, top, y, r, heights)
                self.draw_slice(table, grid, rows, heights, spans, top)
                mode = self.style.continuation
                if mode == "mixed":
                    mode = self.rng.choice(["repeat", "bare", "header"])
                self.new_page()
                self.tables[table.title].append(self.page)
                top = y = self.slice_start(table, grid, head_h, mode)
                rows = []
            first_row = rows[0] if rows else r
            for sp in ends.get(r, []):
                if sp.r0 < first_row and self.style.repeat_groups:
                    heights[r] = max(heights[r], sp.need - (y - top))
            rows.append(r)
            y += heights[r]
        if rows:
            self.draw_slice(table, grid, rows, heights, spans, top)
        self.y = y

    def stretch_at_break(self, spans: list[Span], rows: list[int], top: float, y: float, r: int,
                         heights: list[float]) -> float:
        """Before breaking at row r, lengthen the page's last row so every cut merged cell fits its text."""
        short = 0.0
        for sp in spans:
            if sp.r0 < r <= sp.r1 and sp.r0 <= rows[-1]:
                first = max(sp.r0, rows[0])
                piece_top = top + sum(heights[rows[0]:first])
                need = sp.need if (sp.r0 >= rows[0] or self.style.repeat_groups) else 0.0
                short = max(short, need - (y - piece_top))
        if short > 0:
            heights[rows[-1]] += short
            y += short
        return y

    def draw_slice(self, table: TableSpec, grid: Grid, rows: list[int], heights: list[float],
                   spans: list[Span], top: float) -> None:
        """Draw the body rows of one page, merged cells cut to the page (text repeated or blank)."""
        cells = [row.cells for row in table.rows]
        self.draw_rows(cells, rows, heights, grid, top, header=False)
        ys = {r: top + sum(heights[rows[0]:r]) for r in rows}
        for sp in spans:
            if sp.r1 < rows[0] or sp.r0 > rows[-1]:
                continue
            a, b = max(sp.r0, rows[0]), min(sp.r1, rows[-1])
            text = sp.cell.text if (sp.r0 == a or self.style.repeat_groups) else ""
            piece = Cell(text, 1, sp.cell.colspan, sp.cell.align)
            self.draw_cell(piece, sp.c, grid, ys[a], ys[b] + heights[b] - ys[a])
        self.flush_lines()

    def draw_rows(self, cells: list[list[Cell | None]], rows: list[int], heights: list[float], grid: Grid,
                  top: float, header: bool) -> None:
        """Draw the cells of `rows` that start there (header cells with their merges)."""
        y = top
        for r in rows:
            for c, cell in enumerate(cells[r]):
                if cell is None or (not header and cell.rowspan > 1):
                    continue
                height = sum(heights[r:r + cell.rowspan]) if header else heights[r]
                self.draw_cell(cell, c, grid, y, height)
            y += heights[r]

    def draw_cell(self, cell: Cell, c: int, grid: Grid, top: float, height: float) -> None:
        """Borders of a cell (collected, drawn per page) and its wrapped text, centered vertically."""
        x0, x1 = grid.xs[c], grid.xs[c + cell.colspan]
        y0, y1 = PAGE_H - top, PAGE_H - top - height
        for seg in ((x0, y0, x1, y0), (x0, y1, x1, y1), (x0, y0, x0, y1), (x1, y0, x1, y1)):
            self.segments.add(tuple(round(v, 2) for v in seg))  # type: ignore[arg-type]
        lines = grid.lines(cell, c)
        line_top = top + (height - len(lines) * grid.lead) / 2
        x = {"left": x0 + grid.pad, "right": x1 - grid.pad, "center": (x0 + x1) / 2}[cell.align]
        for line in lines:
            self.string(line, grid.size, x, line_top, cell.align, grid.lead)
            line_top += grid.lead

    def flush_lines(self) -> None:
        """Stroke the collected cell borders as one path."""
        if self.segments:
            self.canvas.setLineWidth(LINE_WIDTH)
            self.canvas.lines(sorted(self.segments))
            self.segments.clear()


def render_pdf(doc: Disclosure, path: str | Path) -> PdfReport:
    """Write the disclosure as an A4 PDF with ruled tables; returns the pages each table is on."""
    writer = PdfWriter(path, doc)
    for block in build_narrative(doc).blocks:
        writer.block(block)
    writer.new_page()
    writer.paragraph(f"第二部分 {doc.year}年部门{doc.kind}表", 16, PAGE_W - MARGIN_LEFT - MARGIN_RIGHT,
                     align="center", before=8, after=10)
    for table in build_tables(doc):
        writer.table(table)
    return writer.save()


# ---------------------------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------------------------

def write_document(doc: Disclosure, outdir: Path, stem: str, fmt: str) -> int:
    """Write one document's files (PDF and/or text, and gold); returns its PDF page count."""
    pages = 0
    if fmt in ("pdf", "both"):
        pages = render_pdf(doc, outdir / f"{stem}.pdf").pages
    if fmt in ("txt", "both"):
        render_text(doc, outdir / f"{stem}.txt")
    (outdir / f"{stem}.gold.jsonl").write_text(gold_jsonl(doc), encoding="utf-8")
    return pages


def main(argv: list[str] | None = None) -> int:
    """python -m eval.synth OUTDIR --count N --seed S [--format pdf|txt|both]."""
    parser = argparse.ArgumentParser(
        prog="python -m eval.synth",
        description="Write synthetic budget disclosures (PDF and/or text) with the gold money cells of each.",
        epilog="Example:\n  python -m eval.synth /tmp/synth --count 100 --seed 7 --format both\n"
               "  → synth-7-0000.pdf, synth-7-0000.txt, synth-7-0000.gold.jsonl, …",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--count", type=int, default=1, help="documents to write (default 1)")
    parser.add_argument("--seed", default="0", help="series seed (default 0)")
    parser.add_argument("--format", choices=["pdf", "txt", "both"], default="both")
    parser.add_argument("--kind", choices=["预算", "决算", "mixed"], default="mixed",
                        help="预算 or 决算 disclosures, or mostly 预算 with some 决算 (default)")
    args = parser.parse_args(argv)
    args.outdir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    pages = cells = 0
    for i in range(args.count):
        doc = generate(args.seed, i, kind=None if args.kind == "mixed" else args.kind)
        pages += write_document(doc, args.outdir, f"synth-{args.seed}-{i:04d}", args.format)
        cells += len(gold_cells(doc))
    seconds = time.perf_counter() - started
    print(f"synth: {args.count} documents ({args.format}) in {args.outdir}: {cells} gold cells, "
          f"{pages} PDF pages, {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
