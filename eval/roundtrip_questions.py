"""Round trip from records (eval/roundtrip.py): the fair questions over each stored document.

A question names the department by a short form (chatbot.link.names.name_forms) and the document's year, then
the row and the column in people's words (eval/roundtrip_columns.json): 「长沙工业和信息化局2024年行政运行的
基本支出是多少」. It is generated only when its wording identifies one figure of the document: the same words
over any other record of the document give the same value; when they do not, the table is named
(「一般公共预算基本支出表中公务接待费」), and when that is not enough the question is left out. Blank and zero
figures, last year's columns, change columns, sub-header rows and columns with no known wording are left out.
"""
from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from chatbot.link.names import name_forms
from ingest.store.store import Store, StoredDocument

from .roundtrip_candidates import Candidate, document_candidates
from .roundtrip_wording import TOLERANCE, load_wording
from .score import Expected, ExpectedRow, Question

SQLITE_NAME = "budgetqa.sqlite"
DEFAULT_LIMIT = 150


@dataclass(frozen=True)
class Source:
    """Where the expected figure stands: enough to look a failure up (`budgetqa show`)."""

    document: str
    document_id: int
    table: str
    table_kind: str
    page: int
    row: str
    code: str | None
    column: str
    record_id: int

    def describe(self) -> str:
        code = f"（{self.code}）" if self.code else ""
        return f"{self.document} / {self.table} / 第{self.page}页 / {self.row}{code} / {self.column}"


@dataclass(frozen=True)
class RoundTripQuestion(Question):
    """An eval.score Question with the record it was generated from."""

    source: Source | None = None
    variant: str = "label"   # label | code | total | unit (a unit's row of a 三公 table)

    def to_line(self) -> dict[str, Any]:
        """The question as a line of the question format (eval/questions/README.md), plus `source`."""
        e = self.expected
        return {"id": self.id, "category": self.category, "question": self.question, "document": self.document,
                "expected": {"values": list(e.values), "unit": e.unit, "texts": list(e.texts),
                             "rows": [{"table": r.table, "row": r.row} for r in e.rows], "found": e.found},
                "source": vars(self.source) if self.source else None, "variant": self.variant}



@dataclass
class Skipped:
    """Why a document gave no questions (no department or year read, an ambiguous name)."""

    document: str
    reason: str


def _distinct(values: Iterable[Decimal]) -> list[Decimal]:
    out: list[Decimal] = []
    for v in sorted(values):
        if not out or abs(v - out[-1]) > TOLERANCE:
            out.append(v)
    return out


def fair_candidates(cands: Sequence[Candidate], data: dict[str, Any]) -> list[tuple[Candidate, str]]:
    """The candidates of the main kinds whose wording identifies one figure, each with the table name
    the question must carry ("" when the words alone do); blank and zero figures left out.

    The words alone do when every candidate of the document with the same meaning has the same value
    and the row itself (its total) reads one figure in every table that prints it; else the table's
    name does when within the tables of that kind both hold; else the question is not asked."""
    values: dict[Any, list[Decimal]] = defaultdict(list)
    for c in cands:
        body = meaning(c.body, data)
        values[body].append(c.wan)
        values[(c.kind, body)].append(c.wan)
        if c.plain_row is not None:
            values[("row", meaning(c.plain_row, data))].append(c.wan)
            values[("row", c.kind, meaning(c.plain_row, data))].append(c.wan)

    def one(key: Any) -> bool:
        return len(_distinct(values[key])) <= 1

    out = []
    for c in cands:
        if not c.asked or c.kind not in data["kinds"] or not c.record.value:
            continue
        body, row = meaning(c.body, data), meaning(c.row, data) if c.row else None
        if one(body) and (row is None or one(("row", row))):
            out.append((c, ""))
        elif one((c.kind, body)) and (row is None or one(("row", c.kind, row))):
            out.append((c, data["kinds"][c.kind]["name"]))
    return out


def meaning(body: str, data: dict[str, Any]) -> str:
    """The wording with words people take for the same thing made one (公务用车运行费 and 公务用车运行维护费,
    因公出国（境）费 and 因公出国（境）费用), part by part between 「的」, so that a question is fair only
    when every reading of it gives one figure."""
    same = _same_meaning(json.dumps(data["same_meaning"], ensure_ascii=False))
    return "的".join(same.get(part, part) for part in body.split("的"))


@lru_cache(maxsize=8)
def _same_meaning(groups: str) -> dict[str, str]:
    return {w: words[0] for words in json.loads(groups) for w in words}


def what_is_asked(c: Candidate, table_name: str, data: dict[str, Any]) -> str:
    """The words for the figure, the table named when they alone do not identify it: 「一般公共预算支出表中
    行政运行的基本支出」; a table's own total named 「一般公共预算基本支出表合计」."""
    if not table_name:
        return c.body
    if c.variant == "total" and c.body == data["kinds"][c.kind].get("total"):
        return f"{table_name}合计"
    return f"{table_name}中{c.body}"


def short_name(doc: StoredDocument, others: Sequence[StoredDocument]) -> str | None:
    """A short form of the department people use (the middle one of name_forms, longest first, then in
    code-point order: name_forms orders forms of one length as a set does) that no other department of
    the same year answers to; the printed name when every short form is shared."""
    taken = set()
    for o in others:
        if o.id != doc.id and o.year == doc.year and o.department != doc.department:
            taken |= set(name_forms(o.department)) | {o.department}
    forms = sorted((f for f in name_forms(doc.department) if f not in taken), key=lambda f: (-len(f), f))
    if not forms:
        return None if doc.department in taken else doc.department
    return forms[len(forms) // 2]


def _stable(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def spread(questions: Sequence[RoundTripQuestion], limit: int | None) -> list[RoundTripQuestion]:
    """At most `limit` questions, taken in turn from each table, in a fixed pseudo-random order within
    a table (the same on every run)."""
    by_table: dict[str, list[RoundTripQuestion]] = defaultdict(list)
    for q in questions:
        by_table[q.source.table if q.source else ""].append(q)
    queues = [sorted(qs, key=lambda q: _stable(q.question)) for _, qs in sorted(by_table.items())]
    out: list[RoundTripQuestion] = []
    while queues and (limit is None or len(out) < limit):
        for queue in list(queues):
            if limit is not None and len(out) >= limit:
                break
            out.append(queue.pop(0))
            if not queue:
                queues.remove(queue)
    return out


def document_questions(doc: StoredDocument, store: Store, others: Sequence[StoredDocument],
                       limit: int | None = DEFAULT_LIMIT, data: dict[str, Any] | None = None
                       ) -> list[RoundTripQuestion] | Skipped:
    """The fair questions over one document (at most `limit`), or why it gives none."""
    data = data or load_wording()
    if not doc.department or not doc.year:
        return Skipped(doc.title, "no department or year read from the document")
    same = [o for o in others if o.id != doc.id and o.department == doc.department and o.year == doc.year]
    if any(o.kind == doc.kind and o.level == doc.level for o in same):
        return Skipped(doc.title, "another stored document of the same department, year, kind and level")
    name = short_name(doc, others)
    if name is None:
        return Skipped(doc.title, "no name of the department that another one of the year does not share")
    kind_word = "决算" if doc.kind == "决算" else ""
    if any(o.kind != doc.kind for o in same):
        kind_word = doc.kind
    if any(o.level != doc.level for o in same):
        kind_word = doc.level + doc.kind
    records = store.records("r.document_id = ?", (doc.id,))
    cands = document_candidates(doc, records, store.tables(doc.id), data)
    fair = fair_candidates(cands, data)
    labelled = {c.record.id for c, _ in fair if c.variant == "label"}
    seen: set[str] = set()
    out: list[RoundTripQuestion] = []
    for c, table_name in fair:
        if c.variant == "code" and c.record.id in labelled and int(_stable(c.body)[:4], 16) % 3:
            continue            # the code alone, for a third of the coded rows (and where the label is not fair)
        text = f"{name}{doc.year}年{kind_word}{what_is_asked(c, table_name, data)}是多少"
        if text in seen:
            continue
        seen.add(text)
        r = c.record
        source = Source(doc.title, doc.id, r.table, c.kind, r.page, r.row, r.code, r.column, r.id)
        expected = Expected(values=(f"{r.value:f}",), unit=r.unit, rows=(ExpectedRow(r.table, r.row),))
        qid = f"rt-{doc.id}-{_stable(text)[:10]}"
        out.append(RoundTripQuestion(qid, "lookup", text, expected, doc.title, source, c.variant))
    if not out:
        main = [r for r in records if r.table_kind in data["kinds"] and r.value]
        return Skipped(doc.title, "no figure in the main tables (narrative only, or no table read)" if not main
                       else f"no fair question over the {len(main)} figures of its main tables")
    return spread(out, limit)


def generate(store_dir: str | Path, limit_per_doc: int | None = DEFAULT_LIMIT
             ) -> tuple[list[RoundTripQuestion], list[Skipped]]:
    """Questions over every document of a store (read only), and the documents that gave none."""
    store = Store(Path(store_dir) / SQLITE_NAME)
    try:
        docs = store.documents()
        questions: list[RoundTripQuestion] = []
        skipped: list[Skipped] = []
        for doc in docs:
            got = document_questions(doc, store, docs, limit_per_doc)
            if isinstance(got, Skipped):
                skipped.append(got)
            else:
                questions += got
        return questions, skipped
    finally:
        store.close()
