"""The `Check` every auditor's check returns, the check vocabulary (`ingest/data/checks.json`) and the
small record groupings the checks share."""
from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from ..document.text import normalize_label
from ..store.store import StoredChunk, StoredRecord

_SPEC = Path(__file__).resolve().parents[1] / "data" / "checks.json"
ZERO = Decimal("0")
EQUAL, AT_MOST = "=", "≤"


@lru_cache(maxsize=1)
def spec() -> dict:
    """The words and rules of the checks: data, so a template's phrasing is a data change."""
    return json.loads(_SPEC.read_text(encoding="utf-8"))


@dataclass
class Check:
    """One check: what was compared, the expected (printed total, table figure) and actual (sum,
    stated figure) values, the cells and the sentence it read.

    `relation` "≤" is a part against its whole (an 其中 item is at most its parent); `allowance`
    replaces the rounding tolerance where the check knows its own (percentages, words)."""

    category: str  # 表内 / 科目层级 / 合计行 / 表间 / 说明与表格 / 比较用语 / 身份 / 完整性
    name: str
    expected: Decimal
    actual: Decimal
    cells: list[StoredRecord] = field(default_factory=list)
    quote: StoredChunk | None = None
    relation: str = EQUAL
    allowance: Decimal | None = None
    about: tuple[str, ...] = ()  # titles of the tables it is about as a whole (a title's year, a header's 部门)

    @property
    def passed(self) -> bool:
        if self.relation == AT_MOST:
            return self.difference <= self.tolerance
        return abs(self.difference) <= self.tolerance

    @property
    def tolerance(self) -> Decimal:
        """Rounding: each printed figure may be off by half its last place, so a total may differ from
        the sum of n parts by up to ⌈(n+1)/2⌉ of that place (0.01 万元, 1 元)."""
        if self.allowance is not None:
            return self.allowance
        values = [v for v in (getattr(c, "value", None) for c in self.cells) if v is not None]
        if len(values) < 2 or self.quote is not None:
            return ZERO
        place = min((v.as_tuple().exponent for v in values if isinstance(v.as_tuple().exponent, int)),
                    default=0)
        return Decimal(1).scaleb(min(place, 0)) * ((len(values) + 1) // 2)

    @property
    def difference(self) -> Decimal:
        return self.actual - self.expected

    def to_json(self) -> dict:
        out = {"category": self.category, "name": self.name, "passed": self.passed,
               "expected": f"{self.expected:f}", "actual": f"{self.actual:f}", "difference": f"{self.difference:f}",
               "cells": [{"table": c.table, "page": c.page, "row": c.row, "code": c.code, "column": c.column,
                          "value": f"{c.value:f}" if c.value is not None else None} for c in self.cells]}
        if self.relation != EQUAL:
            out["relation"] = self.relation
        if self.about:
            out["about_tables"] = list(self.about)
        if self.quote:
            out["quote"] = {"section": self.quote.section, "page": self.quote.page, "text": self.quote.text}
        return out


def leaf(column: str) -> str:
    """The last level of a column path, normalised (「本年预算/基本支出」 → 「基本支出」)."""
    return normalize_label(column.split("/")[-1])


def is_subset(column: str) -> bool:
    """An 「其中：…」 column: a part of the column before it."""
    return column.split("/")[-1].startswith(spec()["subset_prefix"])


def money(records: Iterable[StoredRecord]) -> list[StoredRecord]:
    return [r for r in records if r.value is not None]


def by_table(records: list[StoredRecord]) -> dict[str, list[StoredRecord]]:
    tables: dict[str, list[StoredRecord]] = defaultdict(list)
    for r in records:
        tables[r.table].append(r)
    return tables


def rows(records: list[StoredRecord]) -> dict[int, list[StoredRecord]]:
    out: dict[int, list[StoredRecord]] = defaultdict(list)
    for r in records:
        out[r.row_number].append(r)
    return out


def total(cells: Iterable[StoredRecord]) -> Decimal:
    return sum((c.value or ZERO for c in cells), ZERO)
