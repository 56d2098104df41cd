"""Drawing a disclosure from a seed: department, units, 经济科目 amounts, “三公”, layout style."""
from __future__ import annotations

import random
from decimal import Decimal

from .aggregates import totals
from .amounts import ZERO, money
from .model import DATA, Disclosure, Style, Unit
from .performance import unit_indicators
from .subjects import basic_subjects, make_fund_projects, make_projects


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
