"""Department totals and 功能科目 rows summed from the units and projects: what every table agrees on."""
from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from .amounts import ZERO, dsum
from .model import Disclosure

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
