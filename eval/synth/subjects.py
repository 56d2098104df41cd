"""Charging spending to 功能科目 (类/款/项): 基本支出 by subject and the projects with their codes."""
from __future__ import annotations

import random
from decimal import Decimal

from .amounts import ZERO, money
from .model import DATA, Project, Unit
from .performance import project_indicators


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
