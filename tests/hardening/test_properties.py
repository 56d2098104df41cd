"""Properties (Hypothesis): amounts read and printed round-trip; subject codes keep their hierarchy;
the question service answers any text."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chatbot.answer import Answer
from ingest.tables.codes import SubjectCodeCursor, code_level, parent_code, split_code_cell
from ingest.tables.numbers import format_amount, format_amount_grouped, is_money, parse_amount

amounts = st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=2, allow_nan=False,
                      allow_infinity=False)
TO_FULLWIDTH = str.maketrans("0123456789,.-()", "０１２３４５６７８９，．－（）")
CELL_CHARS = st.sampled_from(list("0123456789,.-+() ") + ["０", "，", "．", "－", "（", "）", "\u2212", "\t", "元", "无"])
cells = st.lists(CELL_CHARS, max_size=16).map("".join)


# -- amounts -------------------------------------------------------------------------------------------
@given(amounts)
def test_printed_amounts_read_back_exactly(value):
    for printed in (format_amount(value), format_amount_grouped(value)):
        assert parse_amount(printed) == value
        assert is_money(printed)
        assert parse_amount(printed.translate(TO_FULLWIDTH)) == value  # full-width digits and commas


@given(amounts.filter(lambda v: v > 0))
def test_parentheses_print_a_negative(value):
    assert parse_amount(f"({format_amount_grouped(value)})") == -value
    assert parse_amount(f"（{format_amount_grouped(value)}）") == -value


@given(amounts, st.lists(st.integers(0, 30), max_size=4), st.sampled_from([" ", "\u3000", "\n", "\t"]))
def test_spaces_inside_a_printed_amount_are_ignored(value, cuts, space):
    printed = format_amount_grouped(value)
    for cut in sorted(set(cuts), reverse=True):
        printed = printed[:cut] + space + printed[cut:]
    assert parse_amount(printed) == value


@given(st.text(alphabet=" \t\u3000\n", max_size=5))
def test_a_blank_cell_is_no_amount(blank):
    assert parse_amount(blank) is None and not is_money(blank)


@given(cells)
def test_whatever_is_money_reads_as_an_amount(cell):
    if is_money(cell):
        assert parse_amount(cell) is not None


@given(cells)
def test_the_sign_of_a_read_amount_is_the_printed_sign(cell):
    value = parse_amount(cell)
    if value is None or value == 0:
        return
    s = re.sub(r"\s+", "", cell).translate(str.maketrans("－（）\u2212", "-()-"))
    wrapped = s.startswith("(") and s.endswith(")")
    assert (value < 0) == (wrapped != s.lstrip("(").startswith("-")), cell


@pytest.mark.parametrize("cell", ["(12.50", "12.50)", "(-12.50)", "((12.50))"])
def test_an_unbalanced_or_doubly_signed_cell_is_no_amount(cell):
    """Before: is_money("(12.50") was True while parse_amount gave None — the record kept neither a
    value nor its text; "(-12.50)" read as +12.50."""
    assert parse_amount(cell) is None and not is_money(cell)


# -- subject codes ----------------------------------------------------------------------------------------
code_cells = st.one_of(st.just(""), st.just(" "), st.from_regex(r"\d{3}", fullmatch=True),
                       st.from_regex(r"\d{2}", fullmatch=True), st.sampled_from(["合计", "**", "1", "2150"]))
rows = st.lists(st.tuples(code_cells, code_cells, code_cells), max_size=25)


@given(rows)
def test_a_code_read_down_the_rows_is_built_from_the_cells_seen(rows):
    """Each code is a 类, 类+款 or 类+款+项; its 类 is the last 类 printed, its 款 the last 款 printed
    under that 类 — never a 款 left over from another 类. A 款 or 项 printed without its leading zero
    (「1」) is the two-digit one (01)."""
    cursor = SubjectCodeCursor()
    lei = kuan = None
    for a, b, c in rows:
        a, b, c = a.strip(), b.strip(), c.strip()
        b, c = (f"0{x}" if re.fullmatch(r"[1-9]", x) else x for x in (b, c))
        if re.fullmatch(r"\d{3}", a):
            kuan = None if a != lei else kuan
            lei = a
        if re.fullmatch(r"\d{2}", b):
            kuan = b
        code = cursor.read(a, b, c)
        if code is None:
            continue
        assert re.fullmatch(r"\d{3}(\d{2}){0,2}", code)
        assert code[:3] == lei
        if len(code) >= 5:
            assert code[3:5] == kuan
        if len(code) == 7:
            assert code[5:] == c


@given(st.from_regex(r"\d{3}", fullmatch=True), st.from_regex(r"\d{2}", fullmatch=True),
       st.from_regex(r"\d{2}", fullmatch=True), st.builds(SubjectCodeCursor, st.none() | st.just("999"),
                                                          st.none() | st.just("99")))
def test_a_fully_printed_row_reads_its_own_code_whatever_came_before(lei, kuan, xiang, cursor):
    assert cursor.read(lei, kuan, xiang) == lei + kuan + xiang


@given(st.from_regex(r"\d{3}(\d{2}){0,2}", fullmatch=True))
def test_parent_codes_climb_the_hierarchy_to_a_class(code):
    levels = ["类", "款", "项"]
    chain = [code]
    while parent_code(chain[-1]) is not None:
        chain.append(parent_code(chain[-1]))
    assert len(chain[-1]) == 3 and code_level(chain[-1]) == "类"
    for child, parent in zip(chain, chain[1:]):
        assert child.startswith(parent) and len(child) == len(parent) + 2
        assert levels.index(code_level(child)) == levels.index(code_level(parent)) + 1


@given(st.lists(st.sampled_from(list("0123456789 \t")), max_size=12).map("".join))
def test_a_code_cell_is_its_digits_or_nothing(cell):
    """The code is the cell's digits, a 款/项 printed without its leading zero (「301 2」) given it."""
    code = split_code_cell(cell)
    parts = cell.split()
    padded = [parts[0], *(f"0{p}" if len(p) == 1 else p for p in parts[1:])] if len(parts) > 1 else parts
    assert code is None or (code in (re.sub(r"\s+", "", cell), "".join(padded)) and len(code) in (3, 5, 7))


# -- the question service ---------------------------------------------------------------------------------
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=200))
def test_any_text_gets_an_answer(bm25_service, text):
    answer = bm25_service.ask(text)
    assert isinstance(answer, Answer) and isinstance(answer.answer, str) and answer.answer
    assert not any("999" in v.value for v in answer.values)


BUDGET_WORDS = st.sampled_from(["三公经费", "会议费", "培训费", "基本支出", "项目支出", "合计", "占", "比", "多少",
                                "2023年", "2024年", "决算", "增长", "为什么", "哪个", "最多", "？", "和", "的",
                                "其他工业和信息产业监管支出", "2150501", "一般公共预算", "长沙市", "万元", "%"])


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.lists(BUDGET_WORDS, min_size=1, max_size=8))
def test_any_mix_of_budget_words_gets_an_answer(service, words):
    answer = service.ask("".join(words))
    assert isinstance(answer, Answer) and answer.answer
    assert not any("999" in v.value for v in answer.values)
