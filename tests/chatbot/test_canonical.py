"""The one written form of a question (chatbot.understand.canonical): every way of writing a year, the width of
digits, chat's lead-ins and particles — generated over several years and bodies, never one sentence."""
from __future__ import annotations

import itertools

import pytest

from chatbot.lexicon import load_patterns
from chatbot.understand.canonical import canonical_question, canonical_years

PAT = load_patterns()
HAN = dict(zip("0123456789", "〇一二三四五六七八九", strict=True))
YEARS = (2019, 2023, 2024, 2026)
BODIES = ("{d}{y}年三公经费是多少", "{y}年{d}基本支出预算多少", "{d}{y}年差旅费和会议费一共多少")
DEPARTMENTS = ("烟台市审计局", "普陀区司法局", "国家信访局")


def year_forms(year: int) -> list[str]:
    digits = str(year)
    return [f"{year}年", f"{year}年度", f"{year} 年", f"{digits[2:]}年",
            "".join(HAN[c] for c in digits) + "年", "".join(HAN[c] for c in digits).replace("〇", "零") + "年",
            digits.translate(str.maketrans("0123456789", "０１２３４５６７８９")) + "年"]


@pytest.mark.parametrize("year", YEARS)
def test_every_form_of_a_year_is_written_one_way(year):
    for form, body, dept in itertools.product(year_forms(year), BODIES, DEPARTMENTS):
        said = body.format(d=dept, y="\0").replace("\0年", form)
        assert canonical_question(said, PAT) == body.format(d=dept, y=year), said


@pytest.mark.parametrize("text", ["近10年支出增长多少", "10年来三公经费变化", "第12年的预算", "2026年12月底共有车辆几辆"])
def test_counts_of_years_and_dates_are_no_year(text):
    assert canonical_years(text) == text


def test_lead_ins_and_particles_are_dropped_wherever_a_clause_starts_or_ends():
    spec = PAT["canonical"]
    for lead, particle, body in itertools.product(spec["lead_ins"][::7], ["", *spec["particles"][:3]], BODIES):
        plain = body.format(d=DEPARTMENTS[0], y=2026)
        said = f"{lead}，{plain}{particle}？"
        assert canonical_question(said, PAT) == f"{plain}？", said
        two = f"{lead}{plain}{particle}。{lead}其中差旅费多少{particle}？"
        assert canonical_question(two, PAT) == f"{plain}。其中差旅费多少？", two


def test_words_that_carry_meaning_are_kept():
    for text in ("请假经费是多少", "查验费用多少", "看护费一共多少"):   # a lead-in's characters inside an item
        assert "费" in canonical_question(text, PAT)
    assert canonical_question("请问", PAT) == "请问"           # nothing left: the words as typed


@pytest.mark.parametrize("scope, kept", [("的预算", ""), ("预算", ""), ("的部门预算", ""), ("的决算", "决算"),
                                         ("的单位预算", "单位预算"), ("部门决算情况", "部门决算")])
def test_a_first_sentence_setting_the_scope_joins_the_question(scope, kept):
    for dept, body in itertools.product(DEPARTMENTS, ("三公经费是多少？", "基本支出和项目支出各是多少？")):
        said = canonical_question(f"{dept}2026年{scope}。{body}", PAT)
        assert said == f"{dept}{kept}2026年{body}", said
    assert canonical_question("三公经费是多少？其中接待费多少？", PAT) == "三公经费是多少？其中接待费多少？"
