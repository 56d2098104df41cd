"""Wording does not matter (issue 20), over every department of the real store: the same question with a
lead-in, a particle, another form of its year, a short name or another order gives the same headline
figures; a year the store lacks, or an item the document does not print, is refused. Questions are
built from the store (its departments, years, printed rows) and templates, never copied from a set."""
from __future__ import annotations

import itertools

import pytest

from chatbot.link.names import name_forms

ITEMS = ("三公经费", "支出总计", "基本支出", "差旅费")
LEADS = ("请问", "帮我查下", "想了解一下，", "我想知道")
HAN = dict(zip("0123456789", "〇一二三四五六七八九", strict=True))


def headline(answer) -> list[tuple[str, str]]:
    return [(v.value, v.unit) for v in answer.values]


def year_forms(year: int) -> list[str]:
    return [f"{year}年度", f"{str(year)[2:]}年", "".join(HAN[c] for c in str(year)) + "年"]


def short_names(real, dept: str) -> list[str]:
    """The department's shorter names that name it alone in this store (「审计局」 names five)."""
    return [f for f in name_forms(dept) if f != dept
            and {n.department for n in real.directory.named(f, ())} == {dept}][:2]


def variants(dept: str, year: int, item: str, short: list[str]) -> list[str]:
    out = [f"{lead}{dept}{year}年{item}是多少" for lead in LEADS]
    out += [f"{dept}{year}年{item}是多少呢", f"{dept}{year}年的{item}是多少？"]
    out += [f"{dept}{form}{item}是多少" for form in year_forms(year)]
    out += [f"{name}{year}年{item}是多少" for name in short]
    out += [f"{year}年{dept}{item}是多少", f"{dept}{year}年{item}多少钱"]
    return out


def documents(real):
    """One 预算 per department (its latest year), with the department and year read from the store."""
    latest = {}
    for d in real.documents:
        if d.kind == "预算" and d.year and d.department and (d.department not in latest
                                                            or d.year > latest[d.department].year):
            latest[d.department] = d
    return sorted(latest.values(), key=lambda d: d.department)


def test_the_same_question_in_other_words_gives_the_same_figures(real):
    checked, changed = 0, []
    for doc, item in itertools.product(documents(real), ITEMS):
        base = real.ask(f"{doc.department}{doc.year}年{item}是多少")
        if not base.found or not base.values:
            continue
        for q in variants(doc.department, doc.year, item, short_names(real, doc.department)):
            got = real.ask(q)
            checked += 1
            if headline(got) != headline(base):
                changed.append((q, headline(base), got.answer[:80]))
    assert checked >= 100, checked
    assert not changed, changed[:10]


def test_a_year_the_store_lacks_is_refused_in_every_form(real):
    for doc in documents(real):
        held = {d.year for d in real.directory.documents_of(doc.department)}
        year = next(y for y in range(doc.year - 3, 2000, -1) if y not in held and y + 1 not in held)
        for form, item in itertools.product([f"{year}年", *year_forms(year)], ITEMS[:2]):
            got = real.ask(f"{doc.department}{form}{item}是多少")
            assert not got.found and not got.values, (doc.department, form, got.answer)


@pytest.mark.parametrize("wording", ["{d}{y}年{i}是多少", "请问{d}{y}年{i}安排了多少？", "{d}{y}年度{i}预算多少钱"])
def test_an_item_the_document_does_not_print_is_refused(real, wording):
    classes = [name for name in real.lexicon.function_classes.values() if name.endswith("支出")]
    asked = 0
    for doc in documents(real):
        printed = {label for (label,) in real.store.execute(
            "SELECT DISTINCT row_label FROM records WHERE document_id = ?", (doc.id,)).fetchall()}
        absent = [c for c in classes if not any(c[:2] in label for label in printed)][:4]
        for item in absent:
            got = real.ask(wording.format(d=doc.department, y=doc.year, i=item))
            asked += 1
            assert not got.values, (doc.department, item, got.answer)
    assert asked >= 20


@pytest.mark.parametrize("word", ["前年", "明年", "大前年"])
def test_a_year_said_relative_to_the_latest_the_store_lacks_is_refused(real, word):
    for doc in documents(real):
        held = {d.year for d in real.directory.documents_of(doc.department)}
        offset = {"前年": -2, "明年": 1, "大前年": -3}[word]
        if max(held) + offset in held:
            continue
        got = real.ask(f"{doc.department}{word}{ITEMS[0]}是多少")
        assert not got.found and not got.values, (doc.department, got.answer)
        assert str(max(held) + offset) in got.answer


@pytest.mark.parametrize("scope", ["的预算", "的部门预算", "预算情况"])
def test_a_scope_said_in_a_sentence_of_its_own_changes_nothing(real, scope):
    changed = []
    for doc, item in itertools.product(documents(real), ITEMS[:2]):
        base = real.ask(f"{doc.department}{doc.year}年{item}是多少")
        if base.found and base.values:
            got = real.ask(f"{doc.department}{doc.year}年{scope}。{item}是多少？")
            if headline(got) != headline(base):
                changed.append((doc.department, item, got.answer[:60]))
    assert not changed, changed
