"""Grid → header paths → rows → stitched tables, on tiny hand-written grids (no PDF needed)."""
from __future__ import annotations

import pytest

from ingest.pdf.grid import Grid, GridCell, cells_to_grid, rows_to_grid
from ingest.tables.codes import SubjectCodeCursor, parent_code
from ingest.tables.tables import (
    PageTable,
    grid_to_header_paths,
    is_column_number_row,
    split_header,
    stitch_continued_tables,
)


def test_cells_to_grid_spreads_a_merged_cell_over_its_span():
    boxes = [(0, 0, 20, 10), (20, 0, 40, 10), (0, 10, 10, 20), (10, 10, 20, 20), (20, 10, 40, 20)]
    grid = cells_to_grid(boxes, ["本级财政拨款", "合计", "金额", "其中：经费拨款", "1"])
    assert grid.n_rows == 2 and grid.n_cols == 3
    assert grid.row_texts(0) == ["本级财政拨款", "本级财政拨款", "合计"]
    assert grid.is_origin(0, 0) and not grid.is_origin(0, 1)


def _grid(rows: list[list[tuple[str, tuple[int, int]]]]) -> Grid:
    return Grid([[GridCell(text, origin) for text, origin in row] for row in rows])


def test_header_paths_join_merged_parents_with_their_children():
    grid = _grid([
        [("功能科目", (0, 0)), ("本级财政拨款", (0, 1)), ("本级财政拨款", (0, 1)), ("上年结转", (0, 3))],
        [("功能科目", (0, 0)), ("金额", (1, 1)), ("其中：经费拨款", (1, 2)), ("上年结转", (0, 3))],
    ])
    assert grid_to_header_paths(grid, 2) == ["功能科目", "本级财政拨款/金额", "本级财政拨款/其中：经费拨款",
                                             "上年结转"]


def test_an_overhanging_lower_cell_does_not_join_the_next_column():
    """pdfplumber#79-style: a missing rule lets 「其中：经费拨款」 run under the next header."""
    grid = _grid([
        [("本级财政拨款", (0, 0)), ("本级财政拨款", (0, 0)), ("财政专户管理事业收入", (0, 2))],
        [("金额", (1, 0)), ("其中：经费拨款", (1, 1)), ("其中：经费拨款", (1, 1))],
    ])
    assert grid_to_header_paths(grid, 2)[2] == "财政专户管理事业收入"


def test_known_group_with_merged_leaves_gets_its_standard_children():
    grid = _grid([
        [("按支出性质分", (0, 0)), ("按支出性质分", (0, 0))],
        [("基本支出", (1, 0)), ("基本支出", (1, 0))],
    ])
    assert grid_to_header_paths(grid, 2) == ["按支出性质分/基本支出", "按支出性质分/项目支出"]


@pytest.mark.parametrize("texts,expected", [
    (["", "", "", "", "1", "2", "3"], True),
    (["**", "**", "1", "2", "3"], True),
    (["", "合计", "7,020.74", "6,526.49", "494.25"], False),
    (["1", "3"], False),
    (["", ""], False),
])
def test_column_number_row_is_decoration(texts, expected):
    assert is_column_number_row(texts) is expected


def test_split_header_stops_at_the_column_number_row_or_first_figures():
    grid = rows_to_grid([["项目", "金额"], ["", "1"], ["合计", "10.00"]])
    assert split_header(grid) == (1, 2)
    grid = rows_to_grid([["项目", "金额"], ["合计", "10.00"]])
    assert split_header(grid) == (1, 1)


@pytest.mark.parametrize("cells,expected", [
    (("215", "", ""), "215"),
    (("", "05", ""), "21505"),         # 类 not repeated on the 款 row
    (("215", "05", "01"), "2150501"),
    (("", "", "02"), "2150502"),        # neither 类 nor 款 repeated
    (("", "06", "01"), "2150601"),
    (("", "", ""), None),
])
def test_subject_code_cursor_carries_class_and_section_down(cells, expected):
    cursor = SubjectCodeCursor()
    for previous in [("215", "", ""), ("", "05", "")]:
        cursor.read(*previous)
    assert cursor.read(*cells) == expected


@pytest.mark.parametrize("code,parent", [("2150501", "21505"), ("21505", "215"), ("215", None),
                                         ("30101", "301"), (None, None)])
def test_parent_code(code, parent):
    assert parent_code(code) == parent


HEADER = [["科目编码", "", "", "功能科目", "总计"], ["类", "款", "项", "", ""], ["", "", "", "", "1"]]


def test_pieces_with_the_same_title_or_no_title_are_stitched_and_headers_dropped():
    first = PageTable(rows_to_grid(HEADER + [["", "", "", "合计", "30.00"], ["215", "", "", "工业", "30.00"]], 1),
                      1, title="2024年支出表")
    repeated = PageTable(rows_to_grid(HEADER + [["", "05", "", "监管", "30.00"]], 2), 2, title="2024年支出表")
    bare = PageTable(rows_to_grid([["215", "05", "01", "行政运行", "30.00"]], 3), 3)
    other = PageTable(rows_to_grid([["项目", "金额"], ["合计", "5.00"]], 4), 4, title="2024年三公表")
    tables = stitch_continued_tables([first, repeated, bare, other])
    assert [t.title for t in tables] == ["2024年支出表", "2024年三公表"]
    assert tables[0].pages == [1, 2, 3]
    assert [(r.label, r.code, r.page) for r in tables[0].rows] == [
        ("合计", None, 1), ("工业", "215", 1), ("监管", "21505", 2), ("行政运行", "2150501", 3)]
