"""Identity: the department and the year the cover, the part titles, the table titles and headers and
the dated sentences (截至YYYY年12月31日) print agree with the document's own (`identity` in
`ingest/data/checks.json`): a table header naming another department, or a title of another year, is
a table of another disclosure."""
from __future__ import annotations

import re
from decimal import Decimal

from ..store.store import StoredChunk, StoredDocument
from .check import Check, spec

_YEAR = re.compile(r"(?<!\d)(20\d{2})年")
_BRACKETED = re.compile(r"[（(][^）)]*[）)]")


def _rules() -> dict:
    return spec()["identity"]


def _offsets(table: str, kind: str) -> list[int]:
    rules = _rules()[table]
    return rules.get(kind, rules["default"])


def same_department(printed: str, department: str) -> bool:
    """One name within the other, brackets aside (「深圳市气象局」 and 「深圳市气象局（本级）」), the short
    form's characters in order (「省人大办公厅」 for 「江苏省人大常委会办公厅」)."""
    a, b = _BRACKETED.sub("", printed), _BRACKETED.sub("", department)
    short, long = sorted((a, b), key=len)
    rest = iter(long)
    return bool(short) and all(ch in rest for ch in short)  # 「省检察院」 within 「江苏省人民检察院」


def name_in(text: str) -> str | None:
    """The department a title prints before its year or its closing words (「上海市普陀区财政局2024年度
    部门决算」, 「第一部分上海市普陀区财政局概况」), when it ends like a body's name."""
    text = re.sub(_rules()["part_title"], "", text.strip())
    m = _YEAR.search(text)
    head = text[:m.start()] if m else text
    for words in _rules()["title_after_name"]:
        if not m and head.endswith(words):
            head = head[: -len(words)]
            break
    else:
        if not m:
            return None
    head = head.strip("：: ")
    ok = len(head) >= 4 and _BRACKETED.sub("", head).endswith(tuple(_rules()["name_endings"]))
    return head if ok else None


def _year_check(where: str, text: str, doc: StoredDocument, offsets: list[int], quote: StoredChunk | None,
                tables: tuple[str, ...] = ()) -> list[Check]:
    out = []
    for m in _YEAR.finditer(text):
        printed = int(m.group(1))
        allowed = [doc.year + o for o in offsets]  # type: ignore[operator]
        nearest = min(allowed, key=lambda y: abs(y - printed))
        out.append(Check("身份", f"{where}「{text[:60]}」的年份 {printed} = 文档年份 {nearest}", Decimal(nearest),
                         Decimal(printed), [], quote, allowance=Decimal(0), about=tables))
    return out


def _department_check(where: str, text: str, doc: StoredDocument, quote: StoredChunk | None,
                      tables: tuple[str, ...] = (), name: str | None = None) -> list[Check]:
    name = name or name_in(text)
    if not name or not doc.department:
        return []
    same = same_department(name, doc.department)
    return [Check("身份", f"{where}「{text[:60]}」的部门「{name}」= 文档部门「{doc.department}」", Decimal(1),
                  Decimal(1 if same else 0), [], quote, allowance=Decimal(0), about=tables)]


def _titles(chunks: list[StoredChunk]) -> dict[str, StoredChunk]:
    """The cover (the text before the first heading) and each part title, with a chunk that prints it."""
    out: dict[str, StoredChunk] = {}
    for c in chunks:
        if not c.section and c.text.strip() and len(c.text) <= 80:
            out.setdefault(c.text.strip(), c)
        part = c.section.split(" › ")[0]
        if part and re.match(_rules()["part_title"], part):
            out.setdefault(part, c)
    return out


def identity_checks(doc: StoredDocument, tables: list[dict], chunks: list[StoredChunk]) -> list[Check]:
    """Every department and year the document prints about itself, against its own."""
    out: list[Check] = []
    for text, chunk in _titles(chunks).items():
        if doc.year:
            out += _year_check("标题", text, doc, _offsets("title_year_offsets", doc.kind), chunk)
        out += _department_check("标题", text, doc, chunk)
    for t in tables:
        title = t["title"]
        if doc.year:
            out += _year_check("表标题", title, doc, _offsets("title_year_offsets", doc.kind), None, (title,))
        out += _department_check("表标题", title, doc, None, (title,))
        if t.get("department"):  # the 「部门：…」 line printed over (or under) the table's grid
            where = f"第{t['pages'][0]}页表「{title}」的表头" if t.get("pages") else f"表「{title}」的表头"
            out += _department_check(where, f"部门：{t['department']}", doc, None, (title,), t["department"])
    if doc.year:
        for c in chunks:
            for m in re.finditer(_rules()["dated_pattern"], c.text):
                out += _year_check("日期", m.group(0), doc, _offsets("dated_year_offsets", doc.kind), c)
    return out
