"""The plain data a synthetic disclosure is made of, and the vocabulary (synth_data.json) it draws from."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .amounts import ZERO, dsum

DATA: dict = json.loads((Path(__file__).parents[1] / "synth_data.json").read_text(encoding="utf-8"))


KINDS = ("预算", "决算")


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
