"""Printed amounts → Decimal, and back."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.document.text import clean_cell, normalize_label
from ingest.tables.numbers import format_amount, format_amount_grouped, is_money, parse_amount


@pytest.mark.parametrize("cell,value", [
    ("10,465.00", Decimal("10465.00")),
    ("0.10", Decimal("0.10")),
    ("１２３.４５", Decimal("123.45")),
    ("(12.50)", Decimal("-12.50")),
    ("-12.50", Decimal("-12.50")),
    (" 2,466.28 ", Decimal("2466.28")),
    ("", None), (None, None), ("-", None), ("无", None), ("12,34.00", None), ("1.2.3", None),
])
def test_parse_amount(cell, value):
    assert parse_amount(cell) == value


@pytest.mark.parametrize("cell,money", [("10,465.00", True), ("8.66", True), ("95", False), ("2024年", False),
                                        ("", False), ("3-4", False)])
def test_is_money(cell, money):
    assert is_money(cell) is money


@given(st.decimals(min_value=Decimal("-1e9"), max_value=Decimal("1e9"), places=2, allow_nan=False))
def test_grouped_formatting_round_trips(value):
    assert parse_amount(format_amount_grouped(value)) == value
    assert parse_amount(format_amount(value)) == value


@pytest.mark.parametrize("raw,clean", [
    ("资源勘探工业\n信息等支出", "资源勘探工业信息等支出"),
    ("收 入 总 计", "收入总计"),
    ("事业单位经\n营 服务收入", "事业单位经营服务收入"),
    (None, ""),
])
def test_clean_cell_joins_wrapped_text(raw, clean):
    assert clean_cell(raw) == clean


@pytest.mark.parametrize("label,key", [("一、本级财政拨款收入", "本级财政拨款收入"), ("1、一般公共预算拨款收入", "一般公共预算拨款收入"),
                                       ("其中：公务用车购置", "公务用车购置"), ("维修(护)费", "维修（护）费"),
                                       ("1.一般公共预算拨款", "一般公共预算拨款"), ("2．事业收入", "事业收入"),
                                       ("①基本工资", "基本工资"), ("2.5G网络建设", "2.5G网络建设"), ("12.5", "12.5")])
def test_normalize_label(label, key):
    assert normalize_label(label) == key
