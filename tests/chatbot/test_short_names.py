"""Departments asked by the short names people use (发改委, 卫健委, 人社局, 国资委, 医保局, 工信局): the
words of a name shortened by chatbot/data/names.json's core_short_forms, over the real and breadth stores —
the same figures as the printed name, and never another department's."""
from __future__ import annotations

from decimal import Decimal

import pytest

from chatbot.link.names import name_forms


@pytest.mark.parametrize(("printed", "short"), [
    ("广州市发展和改革委员会", "广州发改委"),
    ("深圳市卫生健康委员会", "深圳市卫健委"),
    ("深圳市人力资源和社会保障局", "深圳人社局"),
    ("广州市人民政府国有资产监督管理委员会", "广州市国资委"),
    ("福州市医疗保障局", "福州医保局"),
    ("长沙市工业和信息化局", "长沙工信局"),
    ("北京市住房和城乡建设委员会", "北京住建委"),
    ("上海市文化和旅游局", "上海文旅局"),
])
def test_a_short_name_people_use_is_a_form_of_the_printed_name(printed, short):
    assert short in name_forms(printed)


def test_a_name_without_those_words_gets_no_short_form():
    forms = name_forms("苏州市审计局")
    assert not any(len(f) < len("审计局") for f in forms)
    assert set(forms) == {"苏州市审计局", "苏州审计局", "审计局"}


def headline(answer) -> list[Decimal]:
    return [Decimal(v.value) for v in answer.values]


@pytest.mark.slow
@pytest.mark.parametrize("item", ["三公经费", "基本支出"])
@pytest.mark.parametrize(("store", "printed", "short"), [
    ("breadth", "广州市人民政府国有资产监督管理委员会", "广州国资委"),
    ("real", "福州市医疗保障局", "福州医保局"),
])
def test_the_short_name_answers_the_figures_of_the_printed_name(request, store, printed, short, item):
    svc = request.getfixturevalue(store)
    year = next(d.year for d in svc.documents if d.department == printed)
    full = svc.ask(f"{printed}{year}年{item}是多少？")
    assert full.found, full.answer
    for wording in (f"{short}{year}年{item}是多少", f"{year}年{short}的{item}", f"{short}{item}多少钱"):
        got = svc.ask(wording)
        assert got.found, (wording, got.answer)
        assert headline(got) == headline(full), (wording, got.answer)
        assert {c.document for c in got.citations} == {c.document for c in full.citations}
