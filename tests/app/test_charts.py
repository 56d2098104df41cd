"""The chart beside a comparison: which answers get one, what is drawn (cited figures only), the labels,
a line over years, the CSV of exact decimals and the PNG."""
from __future__ import annotations

import csv
from decimal import Decimal

from PIL import Image

import app_charts
from chatbot.answer import Answer, Citation, Value
from ingest.store.store import StoredDocument

T = "2024年一般公共预算“三公”经费支出情况表"


def _doc(i: int, department: str, year: int, kind: str = "预算") -> StoredDocument:
    return StoredDocument(id=i, title=f"{department}{year}年部门{kind}", department=department, year=year, kind=kind,
                          source=f"{i}.pdf", sha256=str(i) * 64, pages=20)


DOCS = {1: _doc(1, "甲市工信局", 2024), 2: _doc(2, "乙市财政局", 2024), 3: _doc(3, "乙市财政局", 2023)}


def _cite(doc: int, value: str, page: int = 9) -> Citation:
    return Citation(document=DOCS[doc].title, page=page, table=T, row="合计", column="小计", value=value,
                    document_id=doc)


def _chart(answer: Answer):
    return app_charts.answer_chart(answer, lambda c: DOCS.get(c.document_id))


def test_a_ranking_draws_one_bar_per_department_naming_its_cell():
    answer = Answer("q", "…", True, [Value("甲市工信局三公经费", "104.20", "万元"), Value("乙市财政局三公经费", "27.93", "万元")],
                    [_cite(1, "104.20", 19), _cite(2, "27.93", 10)], operation="rank")
    chart = _chart(answer)
    assert chart is not None and not chart.line
    assert chart.labels == ["甲市工信局", "乙市财政局"] and chart.title == "三公经费" and chart.unit == "万元"
    frame = chart.frame()
    assert list(frame["金额"]) == ["104.20万元", "27.93万元"]
    assert frame["出处"][0] == f"甲市工信局2024年部门预算 › {T} › 第19页 › 合计 › 小计"


def test_a_difference_draws_the_two_cited_figures_not_the_computed_one():
    answer = Answer("q", "…", True, [Value("甲市工信局三公经费", "104.20", "万元"), Value("乙市财政局三公经费", "27.93", "万元"),
                                    Value("差额", "76.27", "万元")],
                    [_cite(1, "104.20"), _cite(2, "27.93")], operation="difference")
    assert [p.amount for p in _chart(answer).points] == [Decimal("104.20"), Decimal("27.93")]


def test_one_departments_figure_over_years_is_a_line_in_year_order():
    answer = Answer("q", "…", True, [Value("2024年三公经费", "27.93", "万元"), Value("2023年三公经费", "37.74", "万元"),
                                    Value("增减额", "-9.81", "万元"), Value("增减率", "-25.99", "%")],
                    [_cite(2, "27.93"), _cite(3, "37.74")], operation="change")
    chart = _chart(answer)
    assert chart.line and chart.labels == ["2023年", "2024年"] and chart.title == "三公经费"
    assert [p.amount for p in chart.points] == [Decimal("37.74"), Decimal("27.93")]


def test_no_chart_for_one_figure_a_refusal_a_count_or_mixed_units():
    one = Answer("q", "…", True, [Value("三公经费", "104.20", "万元")], [_cite(1, "104.20")], operation="lookup")
    refused = Answer("q", "…", False, [], [_cite(1, "104.20"), _cite(2, "27.93")], operation="refusal")
    values = [Value("a", "104.20", "万元"), Value("b", "27.93", "元")]
    mixed = Answer("q", "…", True, values, [_cite(1, "104.20"), _cite(2, "27.93")], operation="lookup")
    counted = Answer("q", "…", True, values, [_cite(1, "104.20"), _cite(2, "27.93")], operation="count")
    assert [_chart(a) for a in (one, refused, mixed, counted)] == [None] * 4


def test_a_value_without_a_cited_cell_is_not_drawn():
    answer = Answer("q", "…", True, [Value("基本支出", "7020.74", "万元"), Value("项目支出", "3444.26", "万元"),
                                    Value("合计", "10465.00", "万元")],
                    [_cite(1, "7020.74"), _cite(1, "3444.26")], operation="sum")
    assert _chart(answer).labels == ["基本支出", "项目支出"]


def test_the_chart_downloads_exact_decimals_and_a_png(tmp_path):
    answer = Answer("q", "…", True, [Value("基本支出", "7020.74", "万元"), Value("项目支出", "3444.26", "万元")],
                    [_cite(1, "7020.74"), _cite(1, "3444.26")], operation="lookup")
    chart = _chart(answer)
    path = app_charts.chart_csv(chart, tmp_path)
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == app_charts.CSV_HEADERS
    assert rows[1][:4] == ["基本支出", "7020.74", "万元", DOCS[1].title] and rows[1][5] == "9"
    png = app_charts.chart_png(chart, tmp_path)
    with Image.open(png) as image:
        assert image.size == app_charts.PNG_SIZE
        # the taller bar is drawn in the bar colour, about twice as tall as the other
        column = [image.getpixel((x, y)) for x in (300, 700) for y in range(60, 480)]
        tall = sum(p == app_charts.BAR_COLOUR for p in column[:420])
        short = sum(p == app_charts.BAR_COLOUR for p in column[420:])
        assert tall > 1.8 * short > 0, (tall, short)
