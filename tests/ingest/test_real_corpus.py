"""The real corpus (tests/data/real/) through the whole ingest, checked against what the PDFs print.

Nineteen disclosures and the blank national 决算 template are ingested once into a store in a tmp dir;
the store is then read back (documents, tables, chunks, export lines) and compared with
`questions.jsonl` (one meta line per file: department, year, kind, level, table titles) and with
`expected_cells.jsonl` (money cells read by hand from the printed pages: table kind, page, row label,
subject code, column, value, unit; or `"empty": true` for a table printed without figures).

A cell matches an export line of its document when: the table kind is the same and the table title
contains `title_contains`; the page is the same; the row label (spaces and quotes removed, ordinal
prefixes such as 「一、」「（三）」「1.」 ignored on both sides) equals the printed one or ends with it
(a stored 「[2010507]专项普查活动」 or 「30101-基本工资」 matches 「专项普查活动」「基本工资」), or the
cell has no printed row label (one-row tables); the code is the same (None when the row carries none);
the printed column header is a substring of the stored column path (spaces and quotes removed, both
NFKC); the value is the same number (Decimal) and the unit the printed one. A 元 cell also carries its
value in 万元 (`value_wan == value / 10000`).
"""
from __future__ import annotations

import json
import re
import traceback
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from ingest.tables.kinds import all_kinds, mandated_kinds, table_kind

pytestmark = pytest.mark.slow

REAL = Path(__file__).resolve().parents[1] / "data" / "real"
SCANNED = "北京_北京市政务服务和数据管理局_2026_部门预算_情况说明_扫描件.pdf"
TEMPLATE = "模板_部门决算模板_2024.pdf"
WORKBOOK = "上海普陀_上海市普陀区司法局_2026_部门预算.xlsx"
WORKBOOK_PDF = "上海普陀_上海市普陀区司法局_2026_部门预算.pdf"
BEIJING_NARRATIVE = "北京_北京市审计局_2026_部门预算_附件1情况说明.pdf"
BEIJING_TABLES = "北京_北京市审计局_2026_部门预算_附件2报表.pdf"
CORPUS_FILES = sorted(p for p in REAL.iterdir() if p.suffix.lower() in {".pdf", ".xlsx"})
TEXT_LAYER_PDFS = [p.name for p in CORPUS_FILES
                   if p.suffix.lower() == ".pdf" and p.name not in {SCANNED, TEMPLATE}]


# -- the hand-read data ------------------------------------------------------------------------------
def _jsonl(name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (REAL / name).read_text("utf-8").splitlines() if line.strip()]


META = [line for line in _jsonl("questions.jsonl") if "meta" in line]
CELLS = _jsonl("expected_cells.jsonl")
MONEY_CELLS = [c for c in CELLS if not c.get("empty")]
EMPTY_TABLES = [c for c in CELLS if c.get("empty")]


def _doc_keys() -> dict[str, str]:
    """An ASCII key per file for test ids (R-BJSJ-01 → BJSJ), from the question ids."""
    keys: dict[str, str] = {}
    for line in _jsonl("questions.jsonl"):
        if "id" in line:
            keys.setdefault(line["doc"], line["id"].split("-")[1])
    keys[BEIJING_NARRATIVE] = keys.get(BEIJING_NARRATIVE, "BJSJ") + "1"
    keys[BEIJING_TABLES] = keys.get(BEIJING_TABLES, "BJSJ") + "2"
    keys.update({SCANNED: "BJZW-scan", TEMPLATE: "template", WORKBOOK: "PTSF-xlsx"})
    return keys


DOC_KEYS = _doc_keys()


def _key(doc: str) -> str:
    return DOC_KEYS.get(doc, doc)


def _cell_id(cell: dict[str, Any]) -> str:
    return f"{_key(cell['doc'])}-p{cell['page']}-{cell['value']}"


# -- comparing printed text with stored text ---------------------------------------------------------
_SPACE = re.compile(r"\s+")
_QUOTES = str.maketrans("", "", "“”‘’\"'")
_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+、|\d+[、.]|\([一二三四五六七八九十\d]+\))+")


def _norm(text: str | None) -> str:
    return _SPACE.sub("", unicodedata.normalize("NFKC", text or "")).translate(_QUOTES)


def _row_matches(stored: str | None, printed: str) -> bool:
    s, p = _norm(stored), _norm(printed)
    if s == p or s.endswith(p):
        return True
    s, p = _ORDINAL.sub("", s), _ORDINAL.sub("", p)
    return bool(p) and (s == p or s.endswith(p))


def _mismatches(cell: dict[str, Any], line: dict[str, Any]) -> list[str]:
    """The fields of an export line that differ from a hand-read cell (empty: the line is the cell)."""
    wrong = []
    if line["table_kind"] != cell["table_kind"]:
        wrong.append(f"table_kind {line['table_kind']!r}")
    if _norm(cell["title_contains"]) not in _norm(line["table"]):
        wrong.append(f"table {line['table']!r}")
    if line["page"] != cell["page"]:
        wrong.append(f"page {line['page']}")
    if cell["row"] is not None and not _row_matches(line["row"], cell["row"]):
        wrong.append(f"row {line['row']!r}")
    if (line["code"] or None) != cell["code"]:
        wrong.append(f"code {line['code']!r}")
    if _norm(cell["column"]) not in _norm(line["column"]):
        wrong.append(f"column {line['column']!r}")
    if Decimal(line["value"]) != Decimal(cell["value"]):
        wrong.append(f"value {line['value']}")
    if line["unit"] != cell["unit"]:
        wrong.append(f"unit {line['unit']!r}")
    return wrong


def _describe(line: dict[str, Any]) -> str:
    return (f"[{line['table_kind']}] p{line['page']} row={line['row']!r} code={line['code']!r} "
            f"column={line['column']!r} value={line['value']} {line['unit']}")


# -- the one ingest ----------------------------------------------------------------------------------
@dataclass
class Corpus:
    """The corpus ingested once: the summary (or what the ingest raised) and the store to read back."""

    summary: Any = None
    raised: str = ""
    store: Any = None
    documents: list[Any] = field(default_factory=list)
    _lines: dict[int, list[dict[str, Any]]] = field(default_factory=dict)

    def ok(self) -> Corpus:
        if self.raised:
            pytest.fail(f"ingesting the corpus raised:\n{self.raised}")
        return self

    def result(self, name: str) -> Any:
        results = [r for r in self.ok().summary.results if Path(r.path).name == name]
        assert len(results) == 1, f"{name}: {len(results)} results in the summary"
        return results[0]

    def documents_of(self, name: str) -> list[Any]:
        return [d for d in self.ok().documents if name in d.source]

    def document(self, name: str) -> Any:
        docs = self.documents_of(name)
        assert len(docs) == 1, (f"{name}: {len(docs)} stored documents name it in their source; "
                                f"sources: {[d.source for d in self.documents]}")
        return docs[0]

    def tables(self, doc_id: int) -> list[dict[str, Any]]:
        return self.store.tables(doc_id)

    def lines(self, doc_id: int) -> list[dict[str, Any]]:
        """The export lines of one document (the export contract, record by record), read once."""
        from ingest.store.export import export_line

        if doc_id not in self._lines:
            self._lines[doc_id] = [export_line(r) for r in self.store.records("r.document_id = ?", (doc_id,))]
        return self._lines[doc_id]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory):
    from ingest.pipeline import ingest_paths
    from ingest.store.storage import StorePaths
    from ingest.store.store import Store

    store_dir = tmp_path_factory.mktemp("real-corpus-store")
    result = Corpus()
    try:
        result.summary = ingest_paths(CORPUS_FILES, store_dir)
    except Exception:  # reported by test_ingesting_the_corpus_raises_nothing
        result.raised = traceback.format_exc()
    sqlite = StorePaths.at(store_dir).sqlite
    if sqlite.exists():
        result.store = Store(sqlite)
        result.documents = result.store.documents()
    yield result
    if result.store is not None:
        result.store.close()


# -- the hand-read data itself -----------------------------------------------------------------------
def test_hand_read_cells_name_corpus_files_and_canonical_kinds():
    names = {p.name for p in CORPUS_FILES}
    kinds = set(all_kinds())
    for cell in CELLS:
        assert cell["doc"] in names, cell
        assert cell["table_kind"] in kinds, cell
        if not cell.get("empty"):
            assert cell["unit"] in {"元", "万元"}, cell
            assert re.fullmatch(r"-?\d+(\.\d+)?", cell["value"]), cell
    assert {c["doc"] for c in CELLS} == set(TEXT_LAYER_PDFS) - {BEIJING_NARRATIVE}


# -- every file --------------------------------------------------------------------------------------
def test_ingesting_the_corpus_raises_nothing(corpus):
    corpus.ok()
    assert sorted(Path(r.path).name for r in corpus.summary.results) == [p.name for p in CORPUS_FILES]


@pytest.mark.parametrize("name", TEXT_LAYER_PDFS, ids=_key)
def test_every_text_layer_file_is_ingested(name, corpus):
    result = corpus.result(name)
    allowed = {"ingested", "merged"} if name in {BEIJING_NARRATIVE, BEIJING_TABLES} else {"ingested"}
    assert result.status in allowed, f"{name}: {result.status} ({result.reason})"


def test_the_scanned_file_is_refused_as_needing_ocr(corpus):
    result = corpus.result(SCANNED)
    assert result.status == "error", f"{result.status}: {result.reason}"
    assert "ocr" in result.reason.lower(), result.reason
    assert not corpus.documents_of(SCANNED)


@pytest.mark.parametrize("meta", META, ids=lambda m: _key(m["doc"]))
def test_metadata_is_read_from_the_document(meta, corpus):
    doc = corpus.document(meta["doc"])
    expected = {k: meta["meta"][k] for k in ("department", "year", "kind", "level")}
    stored = {"department": doc.department, "year": doc.year, "kind": doc.kind, "level": doc.level}
    assert stored == expected


@pytest.mark.parametrize("meta", [m for m in META if m["meta"]["tables"]], ids=lambda m: _key(m["doc"]))
def test_every_printed_table_is_found_by_its_kind(meta, corpus):
    doc = corpus.document(meta["doc"])
    stored = {t["kind"] for t in corpus.tables(doc.id)}
    printed = {title: table_kind(title) for title in meta["meta"]["tables"]}
    missing = {title: kind for title, kind in printed.items() if kind is not None and kind not in stored}
    assert not missing, (f"kinds not among the stored tables: {missing}; stored: "
                         f"{[(t['title'], t['kind']) for t in corpus.tables(doc.id)]}")


# -- the cells ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("cell", MONEY_CELLS, ids=_cell_id)
def test_hand_read_cell_is_an_export_line(cell, corpus):
    doc = corpus.document(cell["doc"])
    lines = [line for line in corpus.lines(doc.id) if line["kind"] == "money"]
    matches = [line for line in lines if not _mismatches(cell, line)]
    if not matches:
        value = Decimal(cell["value"])
        same_value = [line for line in lines if Decimal(line["value"]) == value]
        same_place = [line for line in lines if line["page"] == cell["page"] and cell["row"] is not None
                      and _row_matches(line["row"], cell["row"])]
        same_page = [line for line in lines if line["page"] == cell["page"]
                     and line["table_kind"] == cell["table_kind"]]
        near, what = next(((found, what) for found, what in ((same_value, "same value"),
                                                              (same_place, "same page and row"),
                                                              (same_page, "same page and table kind"))
                           if found), ([], "nothing on the page"))
        near = sorted(near, key=lambda line: len(_mismatches(cell, line)))[:6]
        hint = "\n".join(f"  {_describe(line)}  ≠ {', '.join(_mismatches(cell, line))}" for line in near)
        pytest.fail(f"no export line for {json.dumps(cell, ensure_ascii=False)}\n"
                    f"{what} ({len(lines)} money lines in the document):\n{hint}")
    if cell["unit"] == "元":
        wan = Decimal(cell["value"]).scaleb(-4)
        assert any(line["value_wan"] is not None and Decimal(line["value_wan"]) == wan for line in matches), (
            f"value_wan of {cell['value']} 元 should be {wan}: {[line['value_wan'] for line in matches]}")


_EMPTY_KIND_IDS = {"政府性基金": "fund", "国有资本经营": "state-capital", "三公经费": "sangong", "上年结转": "carryover"}


@pytest.mark.parametrize("empty", EMPTY_TABLES,
                         ids=lambda c: f"{_key(c['doc'])}-{_EMPTY_KIND_IDS.get(c['table_kind'], 'table')}")
def test_table_printed_without_figures_is_found_and_holds_none(empty, corpus):
    doc = corpus.document(empty["doc"])
    kind = empty["table_kind"]
    assert kind in {t["kind"] for t in corpus.tables(doc.id)}, (
        f"no {kind} table; stored: {[(t['title'], t['kind']) for t in corpus.tables(doc.id)]}")
    money = [line for line in corpus.lines(doc.id) if line["table_kind"] == kind and line["kind"] == "money"]
    assert not money, "\n".join(_describe(line) for line in money[:6])


# -- one disclosure in two files ---------------------------------------------------------------------
def test_beijing_narrative_and_tables_files_become_one_document(corpus):
    doc = corpus.document(BEIJING_TABLES)
    assert corpus.documents_of(BEIJING_NARRATIVE) == [doc], [d.source for d in corpus.documents]
    parts = [Path(p).name for p in doc.source.split(" + ")]
    assert sorted(parts) == sorted([BEIJING_NARRATIVE, BEIJING_TABLES]), doc.source
    assert corpus.tables(doc.id), "the merged document holds no tables"
    assert corpus.store.chunks([doc.id]), "the merged document holds no narrative chunks"


# -- files without figures ---------------------------------------------------------------------------
def test_blank_decision_template_holds_the_national_tables_and_no_figures(corpus):
    result = corpus.result(TEMPLATE)
    if result.status != "ingested":
        assert result.reason, f"{result.status} without a reason"
        return
    doc = corpus.document(TEMPLATE)
    stored = {t["kind"] for t in corpus.tables(doc.id)}
    missing = [k for k in mandated_kinds("决算") if k not in stored]
    assert not missing, f"mandated 决算 kinds missing: {missing}; stored: {sorted(k or '-' for k in stored)}"
    money = [line for line in corpus.lines(doc.id) if line["kind"] == "money"]
    assert not money, "\n".join(_describe(line) for line in money[:6])


def test_review_workbook_prints_no_figures_and_leaves_the_pdf_alone(corpus):
    """The .xlsx beside 司法局's PDF is a 公开情况检查表 (a checklist of the disclosure, with screenshots):
    its only numbers stand in review remarks. Reading it must not raise, must not put money cells in the
    store, and must not replace the PDF's document."""
    result = corpus.result(WORKBOOK)
    assert result.status in {"ingested", "error", "skipped"}, result.status
    if result.status == "error":
        assert result.reason
    assert corpus.document(WORKBOOK_PDF).source.endswith(".pdf")
    for doc in corpus.documents_of(WORKBOOK):
        money = [line for line in corpus.lines(doc.id) if line["kind"] == "money"]
        assert not money, "\n".join(_describe(line) for line in money[:6])
