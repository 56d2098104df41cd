"""A store of many documents: the service finds the department(s) a question names, picks the
document by year (the latest 预算 when none is named, and says so), answers across documents
(rankings, two departments compared, a change between two stored years, a table when no department
is named) and refuses places and years the store does not hold. Every expected figure is computed
from the synthetic disclosures (eval/synth/), never copied from an answer.

The store: 长沙市财政局 2024 and 2023, 株洲市财政局 2024 (「财政局」 alone is ambiguous), 长沙市教育局
2024, 湘潭市应急管理局 2023 only, and the real sample 长沙市工业和信息化局 2024 in text form."""
from __future__ import annotations

from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from eval import synth
from eval.synth.aggregates import totals
from eval.synth.model import Unit

SAMPLE_TXT = Path(__file__).resolve().parents[2] / "ingest/samples/changsha-gxj-2024.txt"
SAMPLE_DEPARTMENT = "长沙市工业和信息化局"
SAMPLE_SANGONG = Decimal("104.20")        # the sample's 三公经费 合计 小计, as published
SEED = "many-docs"

# key → (index in the series, city, bureau, year); all 预算, each index different so contents differ
SPECS = {
    "A2024": (0, "长沙市", "财政局", 2024),
    "A2023": (1, "长沙市", "财政局", 2023),
    "B2024": (2, "株洲市", "财政局", 2024),
    "C2024": (3, "长沙市", "教育局", 2024),
    "D2023": (4, "湘潭市", "应急管理局", 2023),
}
A, B, C, D = "长沙市财政局", "株洲市财政局", "长沙市教育局", "湘潭市应急管理局"


# -- the documents and their gold figures --------------------------------------------------------
@pytest.fixture(scope="module")
def docs() -> dict[str, synth.Disclosure]:
    out = {}
    for key, (index, city, bureau, year) in SPECS.items():
        out[key] = synth.generate(SEED, index, kind="预算", city=city, bureau=bureau, year=year)
    return out


def sangong(doc: synth.Disclosure) -> Decimal:
    """Gold 三公经费 of a synthetic document: the 三公 table's 合计 小计."""
    return totals(doc)["sangong"]


def rate(new: Decimal, old: Decimal) -> Decimal:
    """Gold 增减率 in percent, two decimals rounded half up (signed)."""
    return ((new - old) / old * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def golds_2024(docs: dict[str, synth.Disclosure]) -> dict[str, Decimal]:
    """Department → 三公经费 over the 2024 预算 documents stored (the sample's included)."""
    out = {d.department: sangong(d) for d in docs.values() if d.year == 2024}
    out[SAMPLE_DEPARTMENT] = SAMPLE_SANGONG
    return out


def core(name: str, city: str) -> str:
    """A unit's name without its city (「长沙市学生资助管理中心」 → 「学生资助管理中心」)."""
    return name[len(city):] if name.startswith(city) else name


def unit_only_in(docs: dict[str, synth.Disclosure], key: str) -> Unit:
    """A unit (not the 机关) printed by document `key` and by no other stored document."""
    others = " ".join(core(u.name, d.city) for k, d in docs.items() if k != key for u in d.units)
    sample = SAMPLE_TXT.read_text(encoding="utf-8")
    doc = docs[key]
    for unit in doc.units:
        name = core(unit.name, doc.city)
        if not unit.is_office and name not in others and name not in sample:
            return unit
    raise AssertionError(f"{doc.title}: every unit's name is printed by another document too")


# -- the store and the service ------------------------------------------------------------------
@pytest.fixture(scope="module")
def many_store(tmp_path_factory: pytest.TempPathFactory, docs) -> Path:
    from ingest.pipeline import ingest_paths

    src = tmp_path_factory.mktemp("many-src")
    for key, doc in docs.items():
        synth.render_text(doc, src / f"{key}.txt")
    (src / SAMPLE_TXT.name).write_text(SAMPLE_TXT.read_text(encoding="utf-8"), encoding="utf-8")
    root = tmp_path_factory.mktemp("many-store")
    summary = ingest_paths([src], root)
    assert not summary.failed, summary.line()
    assert len(summary.results) == len(docs) + 1, summary.line()
    return root


@pytest.fixture(scope="module")
def svc(many_store: Path) -> Iterator:
    from chatbot.service import open_service

    service = open_service(many_store)
    yield service
    service.close()


def values_of(answer) -> dict[str, Decimal]:
    return {v.label: Decimal(v.value) for v in answer.values}


def cited_documents(answer) -> set[str]:
    return {c.document for c in answer.citations}


def stored(service, title: str):
    return next(d for d in service.documents if d.title == title)


def test_store_holds_every_document(svc, docs):
    """The fixture's premise: six documents, five departments, titles as the generator wrote them."""
    titles = {d.title for d in svc.documents}
    assert {d.title for d in docs.values()} <= titles
    assert len(svc.documents) == 6 and len(svc.directory.departments) == 5
    assert not svc.single


# -- one department, one document ---------------------------------------------------------------
@pytest.mark.parametrize("key", list(SPECS))
def test_full_name_and_year_answer_from_that_document(svc, docs, key):
    """Department and year named: that document's figure, cited to it alone."""
    doc = docs[key]
    answer = svc.ask(f"{doc.department}{doc.year}年的三公经费是多少")
    assert answer.found, answer.answer
    assert Decimal(answer.values[0].value) == sangong(doc), answer.answer
    assert answer.citations and cited_documents(answer) == {doc.title}


@pytest.mark.parametrize("question", ["工信局的三公经费是多少", "长沙市工信局三公经费是多少",
                                      "长沙市工业和信息化局三公经费是多少"])
def test_abbreviation_finds_the_sample_among_other_documents(svc, question):
    """「工信局」 abbreviates only 长沙市工业和信息化局, however many other departments are stored."""
    answer = svc.ask(question)
    assert answer.found, answer.answer
    assert Decimal(answer.values[0].value) == SAMPLE_SANGONG
    assert cited_documents(answer) == {f"{SAMPLE_DEPARTMENT}2024年部门预算"}


def test_no_year_answers_from_the_latest_and_says_so(svc, docs):
    """No year named for a department with two: the 2024 预算, and the answer says so and names 2023."""
    answer = svc.ask(f"{A}的三公经费是多少")
    assert answer.found, answer.answer
    assert Decimal(answer.values[0].value) == sangong(docs["A2024"])
    assert cited_documents(answer) == {docs["A2024"].title}
    assert answer.answer.startswith("（未指明年份"), answer.answer
    head = answer.answer.split("）")[0]
    assert docs["A2024"].title in head and "2023年预算" in head


def test_department_with_only_an_older_year_answers_from_it(svc, docs):
    """湘潭市应急管理局 has 2023 only: a question without a year is answered from it, no year note."""
    answer = svc.ask(f"{D}的三公经费是多少")
    assert answer.found and Decimal(answer.values[0].value) == sangong(docs["D2023"])
    assert cited_documents(answer) == {docs["D2023"].title}
    assert "未指明年份" not in answer.answer


# -- a change between two stored years ----------------------------------------------------------
@pytest.mark.parametrize("question", [f"{A}2024年比2023年三公经费增加多少", f"{A}三公经费比上年增加多少",
                                      f"{A}三公经费比2023年增加多少"])   # the latest against the year named
def test_year_change_reads_both_stored_documents(svc, docs, question):
    """Both years' documents are stored: each year's figure read from its own document (not the
    narrative's stated change), the difference and rate computed."""
    new, old = sangong(docs["A2024"]), sangong(docs["A2023"])
    answer = svc.ask(question)
    assert answer.found and answer.operation == "change", answer.answer
    got = values_of(answer)
    assert got["2024年三公经费"] == new and got["2023年三公经费"] == old
    assert got["增减额"] == new - old
    assert got["增减率"] == rate(new, old)
    assert {docs["A2024"].title, docs["A2023"].title} <= cited_documents(answer)


def test_last_year_figure_comes_from_the_stored_2023_document(svc, docs):
    """「去年的三公经费」 with the 2023 document stored: its figure is read from that document (not
    derived from the 2024 narrative), with a citation of the 2023 document printing it."""
    gold = sangong(docs["A2023"])
    answer = svc.ask(f"{A}去年的三公经费是多少")
    assert answer.found, answer.answer
    assert gold in [Decimal(v.value) for v in answer.values], answer.answer
    assert "推算" not in answer.answer
    assert any(c.document == docs["A2023"].title and c.value and Decimal(c.value) == gold
               for c in answer.citations), answer.citations


def test_last_year_level_question_answers_the_level_only(svc, docs):
    """「去年的三公经费是多少」 asks one figure: the 2023 one, cited to the 2023 document only."""
    gold = sangong(docs["A2023"])
    answer = svc.ask(f"{A}去年的三公经费是多少")
    assert answer.found, answer.answer
    assert Decimal(answer.values[0].value) == gold, answer.values
    assert "增减额" not in values_of(answer)
    assert cited_documents(answer) == {docs["A2023"].title}


# -- across departments -------------------------------------------------------------------------
@pytest.mark.parametrize("word,descending", [("最多", True), ("最少", False)])
def test_ranking_over_the_2024_documents(svc, docs, word, descending):
    """「2024年哪个部门三公经费最多/最少」: every 2024 预算 department, ordered; the first is said."""
    golds = golds_2024(docs)
    assert len(set(golds.values())) == len(golds), "ties would make the order ambiguous"
    order = sorted(golds, key=golds.__getitem__, reverse=descending)
    answer = svc.ask(f"2024年哪个部门三公经费{word}")
    assert answer.found and answer.operation == "rank", answer.answer
    assert [v.label for v in answer.values] == [f"{d}三公经费" for d in order]
    assert [Decimal(v.value) for v in answer.values] == [golds[d] for d in order]
    assert f"{word}的部门是{order[0]}" in answer.answer
    assert D not in answer.answer                   # 2023 only: not in a 2024 ranking


@pytest.mark.parametrize("question", [f"{A}和{C}2024年的三公经费相比", f"{A}比{C}三公经费多多少"])
def test_two_departments_compared(svc, docs, question):
    """Two departments named: both figures and their difference (first named minus second)."""
    a, c = sangong(docs["A2024"]), sangong(docs["C2024"])
    answer = svc.ask(question)
    assert answer.found, answer.answer
    got = values_of(answer)
    assert got[f"{A}三公经费"] == a and got[f"{C}三公经费"] == c
    assert got["差额"] == a - c
    assert cited_documents(answer) == {docs["A2024"].title, docs["C2024"].title}


def test_no_department_named_lists_each_departments_figure(svc, docs):
    """「2024年三公经费是多少」 names no department: each 2024 department's figure, and a request to
    say which; no one figure is chosen."""
    golds = golds_2024(docs)
    answer = svc.ask("2024年三公经费是多少")
    assert answer.operation == "clarify", answer.answer
    assert answer.found and "请指明" in answer.answer
    got = values_of(answer)
    assert got == {f"{d}三公经费": g for d, g in golds.items()}
    assert {c["department"] for c in answer.candidates} == set(golds)


def test_bureau_without_place_lists_only_those_bureaus(svc, docs):
    """「财政局」 is 长沙市财政局 or 株洲市财政局: both listed (2024), 长沙市教育局 not."""
    answer = svc.ask("财政局2024年的三公经费")
    assert answer.operation == "clarify", answer.answer
    assert C not in answer.answer and SAMPLE_DEPARTMENT not in answer.answer
    assert values_of(answer) == {f"{A}三公经费": sangong(docs["A2024"]), f"{B}三公经费": sangong(docs["B2024"])}


def test_bureau_without_place_or_year_lists_each_ones_latest(svc, docs):
    """「财政局的三公经费是多少」 (the name matched once per department, at one place in the question):
    both 财政局 listed, each from its latest document — the question keeps its words."""
    answer = svc.ask("财政局的三公经费是多少")
    assert answer.operation == "clarify" and answer.found, answer.answer
    assert values_of(answer) == {f"{A}三公经费": sangong(docs["A2024"]), f"{B}三公经费": sangong(docs["B2024"])}


@pytest.mark.parametrize("name", ["长沙财政局", "长沙市财政局"])
def test_city_without_shi_before_the_name(svc, docs, name):
    """「长沙财政局」: the city written without 市 still names 长沙市财政局, in routing and in the engine."""
    answer = svc.ask(f"{name}2024年三公经费是多少")
    assert answer.found, answer.answer
    assert Decimal(answer.values[0].value) == sangong(docs["A2024"])


# -- refusals -----------------------------------------------------------------------------------
def test_place_not_stored_is_refused(svc):
    """北京市财政局 is no stored department; 「财政局」 in it must not match 长沙/株洲's."""
    answer = svc.ask("北京市财政局的三公经费是多少")
    assert not answer.found and not answer.values, answer.answer
    assert "北京市财政局" in answer.answer


def test_year_not_stored_is_refused_naming_the_years_held(svc):
    answer = svc.ask(f"{A}2019年三公经费是多少")
    assert not answer.found and not answer.values, answer.answer
    assert "2023年" in answer.answer and "2024年" in answer.answer


def test_year_not_stored_for_a_single_document_department_is_refused(svc):
    answer = svc.ask(f"{D}2024年三公经费是多少")
    assert not answer.found and not answer.values, answer.answer
    assert "2023年" in answer.answer


# -- routing by a printed name ------------------------------------------------------------------
@pytest.mark.parametrize("with_city", [False, True])
def test_unit_printed_by_one_document_routes_to_it(svc, docs, with_city):
    """A unit only 长沙市教育局 prints, asked without the department: answered from that document."""
    doc = docs["C2024"]
    unit = unit_only_in(docs, "C2024")
    name = unit.name if with_city else core(unit.name, doc.city)
    answer = svc.ask(f"{name}的基本支出是多少")
    assert answer.found, answer.answer
    assert Decimal(answer.values[0].value) == unit.basic, answer.answer
    assert cited_documents(answer) == {doc.title}


# -- engines ------------------------------------------------------------------------------------
def test_engine_cache_evicts_and_answers_stay_right(many_store, docs):
    """With room for two engines, three departments asked: the oldest engine is dropped, and asking
    it again rebuilds it with the same answer."""
    from chatbot.service import open_service

    service = open_service(many_store, cache_size=2)
    try:
        asked = [(f"{A}2024年三公经费是多少", sangong(docs["A2024"])),
                 (f"{C}2024年三公经费是多少", sangong(docs["C2024"])),
                 ("工信局2024年三公经费是多少", SAMPLE_SANGONG)]
        for question, gold in asked:
            answer = service.ask(question)
            assert answer.found and Decimal(answer.values[0].value) == gold, answer.answer
            assert len(service._engines) <= 2
        a2024 = stored(service, docs["A2024"].title)
        assert (a2024.id,) not in service._engines      # the first engine was evicted
        again = service.ask(asked[0][0])
        assert Decimal(again.values[0].value) == asked[0][1]
        assert cited_documents(again) == {docs["A2024"].title}
        assert len(service._engines) <= 2 and (a2024.id,) in service._engines
    finally:
        service.close()


def test_engine_holds_only_the_document_asked_about(many_store, docs):
    """A question about 长沙市财政局 2024 builds the engine of that one document and no other."""
    from chatbot.service import open_service

    service = open_service(many_store)
    try:
        answer = service.ask(f"{A}2024年三公经费是多少")
        assert answer.found
        a2024 = stored(service, docs["A2024"].title)
        assert list(service._engines) == [(a2024.id,)]
        engine = service.engine([a2024])
        assert [d.title for d in engine.documents] == [docs["A2024"].title]
        assert list(service._engines) == [(a2024.id,)]   # served from the cache, not built again
    finally:
        service.close()


def test_warm_prebuilds_an_engine_per_document_in_the_background(many_store):
    """With many documents, warm() builds the routing index now and every document's engine in a
    daemon thread, so questions after start-up find their engine built."""
    from chatbot.service import open_service

    service = open_service(many_store)
    try:
        thread = service.warm()
        assert thread is not None and thread.daemon
        thread.join(timeout=60)
        assert not thread.is_alive()
        assert {k for k in service._engines} == {(d.id,) for d in service.documents}
        assert all(e._narrative is not None for e in service._engines.values())   # BM25 built too
    finally:
        service.close()


def test_staff_lookup_across_documents_reads_only_those_printing_the_words(svc, docs):
    """The look-up over every document asks the store which documents print the words first: a unit
    only one document prints is found there and nowhere else."""
    unit = unit_only_in(docs, "C2024")
    name = core(unit.name, docs["C2024"].city)
    printing = svc._documents_printing(name, svc.documents)
    assert [d.title for d in printing] == [docs["C2024"].title]
    records = svc.search_records(name)
    assert records and {r.document for r in records} == {docs["C2024"].title}


def test_a_replaced_service_stops_building_engines(many_store):
    """stop_prebuild() (the app calls it when a new upload replaces the service) ends the background
    building early; the service still answers."""
    from chatbot.service import open_service

    service = open_service(many_store)
    try:
        service.stop_prebuild()
        assert service.prebuild() == 0
        assert service.ask("长沙市财政局2024年三公经费是多少").found
    finally:
        service.close()


@pytest.mark.parametrize("question", [
    "长沙市财政局近三年三公经费", "长沙市财政局近两年的三公经费是多少", "长沙市财政局2023年和2024年三公经费",
    "长沙市财政局2022年到2024年三公经费", "长沙财政局历年三公经费", "2023、2024年长沙市财政局三公经费各是多少",
])
def test_a_series_of_years_reads_each_stored_years_document(svc, docs, question):
    """Several years asked (listed, a range, 近N年, 历年): each stored year's own figure, oldest first, each
    cited from its own document; a year the store lacks is said, never filled in."""
    answer = svc.ask(question)
    assert answer.found, answer.answer
    assert [Decimal(v.value) for v in answer.values[:2]] == [sangong(docs["A2023"]), sangong(docs["A2024"])]
    assert {c.document for c in answer.citations} == {"长沙市财政局2023年部门预算", "长沙市财政局2024年部门预算"}
    if "2022" in question:
        assert "库中没有2022年的文件" in answer.answer


def test_a_series_with_a_change_asked_says_the_change_of_its_ends(svc, docs):
    answer = svc.ask("长沙市财政局近两年三公经费逐年变化情况")
    new, old = sangong(docs["A2024"]), sangong(docs["A2023"])
    assert [Decimal(v.value) for v in answer.values] == [old, new, new - old]


def test_a_series_of_a_department_with_one_year_says_the_store_holds_only_it(svc, docs):
    answer = svc.ask("湘潭市应急管理局近三年三公经费")
    assert [Decimal(v.value) for v in answer.values] == [sangong(docs["D2023"])]
    assert "只有2023年" in answer.answer


def test_a_series_is_drawn_as_a_line_over_its_years(svc, docs):
    """The app draws the series as one department's figure over its years, each point its cited cell."""
    import app_charts

    answer = svc.ask("长沙市财政局近两年三公经费")
    stored = {d.id: d for d in svc.documents}
    chart = app_charts.answer_chart(answer, lambda c: stored.get(c.document_id))
    assert chart is not None and chart.line and chart.labels == ["2023年", "2024年"]
    assert [p.amount for p in chart.points] == [sangong(docs["A2023"]), sangong(docs["A2024"])]
