"""The store's tables held in memory, indexed for question words: rows by printed label and code,
columns by their last header, tables by kind. Built once per Engine from its documents' records."""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import lru_cache

from chatbot.lexicon import Lexicon
from chatbot.link.names import place_fits
from ingest.document.text import normalize_label
from ingest.store.store import Store, StoredDocument, StoredRecord

_PLACE = re.compile(r"^(?:[\u4e00-\u9fff]{1,3}?省)?(?:[\u4e00-\u9fff]{1,3}?市)?(?:[\u4e00-\u9fff]{1,3}?[县区])?")
PLACE_HEAD = re.compile(r"^([\u4e00-\u9fff]{2,3}?)(?:省|市|县|区)")
_QUOTES = re.compile(r"[“”\"‘’'「」]")


@lru_cache(maxsize=65536)
def label_key(label: str) -> str:
    """Matching key of a printed label or header: no ordinal, 其中, quotes or spaces."""
    return _QUOTES.sub("", normalize_label(label))


_FIRST_LEVEL = re.compile(r"^[一二三四五六七八九十]+、")
_SECOND_LEVEL = re.compile(r"^[（(][一二三四五六七八九十]+[)）]")


def column_name(column: str, totals: frozenset[str] | set[str]) -> str:
    """What a column is called in an answer: its last header, or the header above a 小计/合计
    (「基本支出/小计」 → 基本支出)."""
    parts = column.split("/")
    if len(parts) > 1 and label_key(parts[-1]) in totals:
        return re.sub(r"^(?:19|20)\d\d年度?", "", label_key(parts[-2]))
    return column_leaf(column)


def column_leaf(column: str) -> str:
    """Last header of a column path, as a key: 「三公经费预（决）算数（财政拨款）/小计」 → 「小计」."""
    return label_key(column.split("/")[-1])


def strip_place(name: str) -> str:
    """Name without its leading place (「长沙市制造业发展促进中心」 → 「制造业发展促进中心」)."""
    rest = _PLACE.sub("", name)
    return rest if len(rest) >= 2 else name


def abbreviates(org: str, department: str) -> bool:
    """「工信局」「长沙市工信局」「长沙工信局」 abbreviate 「长沙市工业和信息化局」: the same place (or none,
    or the place without 市/县/区), the core's characters in order, the same first and last character
    (「委办公厅」 drops the head of 「人大常委会办公厅」: another department's name, not a short one), or the
    core is the tail of the name cut at 和 (「信息化局」)."""
    core, dept_core = strip_place(org), strip_place(department)
    place, dept_place = org[:len(org) - len(core)], department[:len(department) - len(dept_core)]
    if place and place != dept_place and not place_fits(place, department):
        return False
    if not place and (head := PLACE_HEAD.match(department)) and org.startswith(head.group(1)) \
            and len(org) - len(head.group(1)) >= 2:
        core = org[len(head.group(1)):]     # 「长沙工信局」: 长沙 is the place without 市
    head_kept = core[:1] == dept_core[:1] or dept_core.endswith(core)
    return head_kept and core[-1:] == dept_core[-1:] and subsequence(core, dept_core)


def subsequence(short: str, long: str) -> bool:
    """The characters of `short` appear in `long` in order."""
    it = iter(long)
    return all(ch in it for ch in short)


@dataclass
class Row:
    """One printed row of a table with its money cells by column path."""

    document_id: int
    table: str
    kind: str | None
    label: str
    key: str
    code: str | None
    row_number: int
    cells: dict[str, StoredRecord] = field(default_factory=dict)
    is_total: bool = False
    is_subtotal: bool = False
    section: str = ""        # the 「一、…」 row above a 「（一）…」 row on its side of the table (「二、上年结转」)

    @property
    def page(self) -> int:
        return next(iter(self.cells.values())).page


@dataclass
class TableInfo:
    document_id: int
    document: str
    title: str
    kind: str | None
    page: int
    rows: list[Row] = field(default_factory=list)

    def total_row(self, side: str | None = None) -> Row | None:
        """The table's 合计/总计 row (of one side for 收入|支出 tables)."""
        totals = [r for r in self.rows if r.is_total and (side is None or _side(r) == side)]
        return totals[0] if totals else None


def _adds_up(first: Row, rest: list[Row]) -> bool:
    """The first row's first figure is the sum of the rows below (their 类 rows, where coded)."""
    col = next((c for c, r in first.cells.items() if r.value is not None), None)
    if col is None:
        return False
    classes = [r for r in rest if r.code and len(r.code) == 3]
    values = [r.cells[col].value for r in classes or rest if col in r.cells and r.cells[col].value is not None]
    return bool(values) and abs(sum(values, Decimal(0)) - first.cells[col].value) <= Decimal("0.05")


def _side(row: Row) -> str | None:
    return next(iter(row.cells.values())).side


class Catalog:
    """Rows, columns and tables of every stored document, indexed for matching question words."""

    def __init__(self, documents: list[StoredDocument], records: list[StoredRecord],
                 tables: list[dict], lexicon: Lexicon) -> None:
        self.documents = documents
        self.lexicon = lexicon
        self.tables: dict[tuple[int, str], TableInfo] = {}
        for t in tables:
            doc = next((d for d in documents if d.id == t["document_id"]), None)
            self.tables[(t["document_id"], t["title"])] = TableInfo(
                t["document_id"], doc.title if doc else "", t["title"], lexicon.table_key(t["title"], t.get("kind")),
                t["pages"][0] if t["pages"] else 0)
        self.rows: list[Row] = []
        by_key: dict[tuple, Row] = {}
        for r in records:
            if r.value is None:
                continue
            k = (r.document_id, r.table, r.row_number, r.row)
            row = by_key.get(k)
            if row is None:
                info = self.tables.get((r.document_id, r.table))
                row = Row(r.document_id, r.table, info.kind if info else None, r.row, label_key(r.row), r.code,
                          r.row_number, is_total=label_key(r.row) in lexicon.total_labels)
                by_key[k] = row
                self.rows.append(row)
                if info:
                    info.rows.append(row)
            row.cells.setdefault(r.column, r)
        self._mark_subtotals()
        self._mark_department_totals()
        self._mark_lone_rows()
        self._mark_sections()
        self.by_label: dict[str, list[Row]] = defaultdict(list)
        self.by_code: dict[str, list[Row]] = defaultdict(list)
        self.by_column: dict[str, list[tuple[TableInfo, str]]] = defaultdict(list)
        for row in self.rows:
            self.by_label[row.key].append(row)
            if row.code:
                self.by_code[row.code].append(row)
        for info in self.tables.values():
            if info.total_row() is None:
                continue
            for col in dict.fromkeys(c for row in info.rows for c in row.cells):
                self.by_column[column_leaf(col)].append((info, col))
                if (name := column_name(col, lexicon.total_labels)) != column_leaf(col):
                    self.by_column[name].append((info, col))   # 「基本支出/小计」 is 基本支出
                if (term := _joined_term(col, lexicon)) is not None:
                    self.by_column[term].append((info, col))   # 「公务用车购置及运行费/购置费」 is 公务用车购置
        self.phrases = frozenset(k for k in [*self.by_label, *self.by_column] if len(k) >= 2)

    @classmethod
    def from_store(cls, store: Store, lexicon: Lexicon, documents: list[StoredDocument]) -> Catalog:
        """The catalog of the given documents, read through the store's document index."""
        ids = tuple(d.id for d in documents)
        if not ids:
            return cls([], [], [], lexicon)
        marks = ",".join("?" * len(ids))
        records = store.records(f"r.document_id IN ({marks}) AND r.value IS NOT NULL", ids)
        years = store.records(f"r.document_id IN ({marks}) AND r.value IS NULL AND r.text IS NOT NULL "
                              "AND r.column_path IN ('年度', '年份', '年 度')", ids)
        return cls(list(documents), year_rows(records, years, documents), store.tables(ids), lexicon)

    def _mark_subtotals(self) -> None:
        """A row whose amount is the sum of the other rows with its code is a unit's subtotal
        (the unit line above its projects in a 项目支出绩效目标表), not a project."""
        groups: dict[tuple, list[Row]] = defaultdict(list)
        for row in self.rows:
            if row.code and row.kind == "项目绩效表":
                groups[(row.document_id, row.table, row.code)].append(row)
        for rows in groups.values():
            for row in rows:
                others = [o for o in rows if o is not row]
                if others and _amount(row) == sum((_amount(o) for o in others), Decimal(0)):
                    row.is_subtotal = True

    def _mark_department_totals(self) -> None:
        """A table printing no 合计 row whose first row is the department itself (「深圳市信访局」 over its
        classes or units) and the sum of the rows below it (of its 类 where coded) has that row as its
        total — never the department's own unit (机关本级) beside its other units."""
        names = {d.id: {label_key(d.department), strip_place(label_key(d.department))}
                 for d in self.documents if d.department}
        for info in self.tables.values():
            if info.rows and info.total_row() is None and info.rows[0].key in names.get(info.document_id, ()) \
                    and _adds_up(info.rows[0], info.rows[1:]):
                info.rows[0].is_total = True

    def _mark_lone_rows(self) -> None:
        """A table of one unlabelled row (a 三公 table printing its figures under the headers alone) has
        that row as its total: there is nothing else it could be the figures of."""
        for info in self.tables.values():
            if len(info.rows) == 1 and not info.rows[0].key and info.total_row() is None:
                info.rows[0].is_total = True

    def _mark_sections(self) -> None:
        """Each 「（一）…」 row's 「一、…」 heading row on the same side (first header of its columns), so
        that 「（一）一般公共预算拨款」 under 「二、上年结转」 is known as carried over, not this year's."""
        heading: dict[tuple, str] = {}
        for row in sorted(self.rows, key=lambda r: (r.document_id, r.table, r.row_number)):
            sides = {c.split("/")[0] for c in row.cells}
            if _FIRST_LEVEL.match(row.label):
                for side in sides:
                    heading[(row.document_id, row.table, side)] = row.label
            elif _SECOND_LEVEL.match(row.label):
                row.section = next((h for side in sides if (h := heading.get((row.document_id, row.table, side)))), "")

    def table_of(self, row: Row) -> TableInfo:
        return self.tables[(row.document_id, row.table)]

    def tables_of_kind(self, kind: str, document_ids: set[int] | None = None) -> list[TableInfo]:
        return [t for t in self.tables.values() if t.kind == kind
                and (document_ids is None or t.document_id in document_ids)]

    def own_unit_rows(self) -> list[Row]:
        """Each department's own unit (机关本级): the 整体绩效 row whose name is the department's."""
        departments = {d.id: strip_place(label_key(d.department)) for d in self.documents}
        return [r for t in self.tables.values() if t.kind == "整体绩效表" for r in t.rows
                if strip_place(r.key) == departments.get(r.document_id)]

    def names(self) -> list[str]:
        """Every department, unit and row label: what an organisation named in a question may be."""
        return [d.department for d in self.documents] + [r.label for r in self.rows]


_YEAR_TEXT = re.compile(r"^((?:19|20)\d\d)年?度?$")


def year_rows(records: list[StoredRecord], years: list[StoredRecord], documents: list[StoredDocument]
              ) -> list[StoredRecord]:
    """Records of tables printed a row per year under each unit (「年度」 2025年 / 2026年 / 增减变化金额,
    the unit's name on its first row only): the document's own year's row takes its unit's name (the
    department's own row is the table's 合计); the rows of another year or of the change are left out,
    like another year's column — so a unit's figure is its own year's, never last year's."""
    if not years:
        return records
    year_of = {d.id: d.year for d in documents}
    department = {d.id: label_key(d.department) for d in documents if d.department}
    said = {(y.document_id, y.table, y.row_number): y.text.strip() for y in years if y.text}
    named: dict[int, str | None] = {}
    last: dict[tuple[int, str], str] = {}
    for r in sorted(records, key=lambda r: (r.document_id, r.table, r.row_number)):
        text = said.get((r.document_id, r.table, r.row_number))
        if text is None:
            continue
        if label_key(r.row):
            last[(r.document_id, r.table)] = r.row
        m = _YEAR_TEXT.match(text.replace(" ", ""))
        own = m is not None and year_of.get(r.document_id) == int(m.group(1))
        name = r.row if label_key(r.row) else last.get((r.document_id, r.table), r.row)
        if own and label_key(name) == department.get(r.document_id):
            name = "合计"      # the department's own row is the table's total (its units follow)
        named[r.id] = name if own else None
    return [replace(r, row=named[r.id]) if r.id in named else r for r in records
            if named.get(r.id, "") is not None]


def _joined_term(column: str, lexicon: Lexicon) -> str | None:
    """The term a short header names with the head of the header above it, when the lexicon knows the
    joined words: 「公务用车购置及运行费/购置费」 → 公务用车购置 (公务用车 + 购置费)."""
    parts = [label_key(p) for p in column.split("/")]
    if len(parts) < 2 or parts[-1] in lexicon.total_labels or len(parts[-1]) > 4:
        return None
    parent, leaf = parts[-2], parts[-1]
    for cut in range(len(parent) - 1, 1, -1):
        term = lexicon.canonical(parent[:cut] + leaf)
        if term in lexicon.terms and term != parent and term != leaf:
            return term
    return None


def _amount(row: Row) -> Decimal:
    values = [c.value for c in row.cells.values() if c.value is not None]
    return values[0] if values else Decimal(0)
