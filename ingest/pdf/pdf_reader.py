"""Reading a disclosure PDF with pdfplumber: table grids with their titles, and narrative paragraphs."""
from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Any

from ..document.identity import read_identity
from ..document.metadata import cover_lines, document_title
from ..document.model import Document, LineBox, Paragraph, Table, round_box
from ..document.narrative import heading_level, paragraphs_to_sections, sections_to_chunks
from ..errors import (
    CorruptPdf,
    EmptyFile,
    EncryptedPdf,
    IngestError,
    NeedsOcr,
    NoTables,
    NotAPdf,
    TooManyPages,
)
from ..tables.numbers import is_money
from ..tables.tables import PageTable, stitch_continued_tables
from .page_tables import TABLE_SETTINGS, grid_name_lines, money_cells, read_page
from .pdf_lines import Line

__all__ = ["TABLE_SETTINGS", "Line", "read_pdf", "lines_to_paragraphs"]

_CID = re.compile(r"\(cid:\d+\)")
_ENDS_SENTENCE = re.compile(r"[。；：:！？!?）)]$")
_PAGE_NUMBER = re.compile(r"^[-—–－\s]*(第\s*)?\d{1,4}(\s*页)?[-—–－\s]*$|^[-—–－]\s*\d+\s*[-—–－]$")
_LEADER = re.compile(r"(\.{4,}|…{2,}|·{4,}|-{6,})\s*\d*\s*$")
DISCLOSURE_WORDS = ("预算", "决算")  # a file with no tables is a disclosure only if its text speaks of them
RUNNING_HEAD_PAGES = 3  # a line printed on this many pages is a running head, not narrative
UNREAD_MIN_MONEY_CELLS = 2  # a grid printing this many money figures is a table that must be read
DEFAULT_MAX_PAGES = 2000  # a department's disclosure runs to tens of pages, a whole city's to hundreds


def max_pages() -> int:
    """The most pages a PDF may have (BUDGETQA_MAX_PAGES), read when a PDF is opened."""
    return int(os.environ.get("BUDGETQA_MAX_PAGES", DEFAULT_MAX_PAGES))


def _is_contents_entry(text: str) -> bool:
    """A line of the table of contents (「- 一、部门基本概况」, 「一、主要职责……2」, 「目 录」): not narrative."""
    return text.startswith("- ") or text.replace(" ", "") in ("目录",) or bool(_LEADER.search(text))


def read_pdf(path: str | Path) -> Document:
    """Read one disclosure PDF into a Document; typed IngestError for input that is not one."""
    path = Path(path)
    data = path.read_bytes()
    check_pdf_bytes(str(path), data)
    import pdfplumber

    try:
        pdf = pdfplumber.open(path)
        try:
            check_page_count(str(path), _declared_pages(pdf))
        except TooManyPages:
            pdf.stream.close()  # not pdf.close(): that builds every page first
            raise
        with pdf:
            pieces, lines, n_pages = _read_pages(pdf, str(path))
    except (IngestError, MemoryError):
        raise  # already typed; running out of memory is the sandbox's to report
    except Exception as exc:  # pdfminer raises many kinds, wrapped by pdfplumber
        if isinstance(_pdfminer_cause(exc), MemoryError):  # a stream that inflates past the limit
            raise MemoryError(f"{path}: out of memory while parsing") from exc
        if not _from_pdfminer(exc):
            raise  # our own bug: the sandbox reports it with its type, never as a corrupt file
        raise _open_error(str(path), exc) from exc
    if not lines and not pieces:
        raise NeedsOcr(str(path), "no text layer (scanned images?): it needs OCR first")
    garbled = sum(1 for ln in lines if _CID.search(ln.text))
    if lines and garbled > len(lines) / 2:
        raise NeedsOcr(str(path), "text is unreadable (fonts without a ToUnicode map): it needs OCR")
    garbled_pages = sorted({p.page for p in pieces if _is_garbled(p)})
    if garbled_pages:  # a figure whose row or column cannot be read must not be stored
        raise NeedsOcr(str(path), f"table text on page {', '.join(map(str, garbled_pages))} is unreadable "
                                  "(fonts without a ToUnicode map): it needs OCR")
    lines = [ln for ln in lines if not _CID.search(ln.text)]  # nor a garbled sentence's figures
    tables = stitch_continued_tables(pieces)
    texts = [ln.text for ln in lines]
    if not tables and not _speaks_of_budgets(texts):
        raise NoTables(str(path), "not a budget disclosure: no budget tables and no 预算/决算 narrative")
    context = [text for p in pieces for text in p.context]
    grid_names = [line for p in pieces[:3] + pieces[-3:] for line in grid_name_lines(p.grid)]
    grid_pages = {p.page for p in pieces}
    doc = _document(path, data, n_pages, tables, lines, context, grid_names, grid_pages)
    doc.unread_pages = unread_grid_pages(pieces, tables)
    return doc


def unread_grid_pages(pieces: list[PageTable], tables: list[Table]) -> list[int]:
    """Pages whose ruled grids print money figures (at least UNREAD_MIN_MONEY_CELLS) of which no
    table row holds one: a table there was found but not read."""
    found: dict[int, int] = {}
    for piece in pieces:
        found[piece.page] = found.get(piece.page, 0) + money_cells(piece.grid)
    read = {row.page for t in tables for row in t.rows if any(map(is_money, row.cells.values()))}
    return sorted(p for p, n in found.items() if n >= UNREAD_MIN_MONEY_CELLS and p not in read)


def _document(path: Path, data: bytes, n_pages: int, tables: list[Table], lines: list[Line],
              context: list[str], grid_names: list[str], grid_pages: set[int]) -> Document:
    """The Document: identity from the cover, the tables, the lines around them, the running head
    and the narrative; narrative from every page."""
    first_pages = [ln.text for ln in lines if ln.page <= min((ln.page for ln in lines), default=1) + 1]
    narrative = narrative_lines(lines)
    kept = {id(ln) for ln in narrative}
    heads = list(dict.fromkeys(ln.text for ln in lines if id(ln) not in kept and not _PAGE_NUMBER.match(ln.text)))
    who = read_identity(cover_lines(first_pages), tables, context, grid_names, heads, [ln.text for ln in narrative])
    sections = paragraphs_to_sections(lines_to_paragraphs(narrative, grid_pages))
    sha = hashlib.sha256(data).hexdigest()
    return Document(
        title=document_title(who.department, who.year, who.kind, who.level), department=who.department,
        year=who.year, kind=who.kind, source=path.name, sha256=sha, pages=n_pages, sections=sections,
        tables=tables, chunks=sections_to_chunks(sections), level=who.level, tables_file=sha, narrative_file=sha,
    )


def _speaks_of_budgets(texts: list[str]) -> bool:
    joined = "".join(texts)
    return sum(joined.count(w) for w in DISCLOSURE_WORDS) >= 3


def narrative_lines(lines: list[Line]) -> list[Line]:
    """Lines that are narrative: not page numbers, running heads or contents entries."""
    pages_of: dict[str, set[int]] = {}
    for ln in lines:
        pages_of.setdefault(_head_key(ln.text), set()).add(ln.page)
    return [ln for ln in lines if not _PAGE_NUMBER.match(ln.text) and not _is_contents_entry(ln.text)
            and len(pages_of[_head_key(ln.text)]) < RUNNING_HEAD_PAGES]


def _head_key(text: str) -> str:
    return re.sub(r"[\d\s]+", "", text)


def _from_pdfminer(exc: BaseException) -> bool:
    """Whether an exception came from reading the file (pdfminer/pdfplumber), not from our code."""
    inner = _pdfminer_cause(exc) if isinstance(exc, Exception) else exc
    for e in (exc, inner):
        module = type(e).__module__ or ""
        if module.startswith(("pdfminer", "pdfplumber")):
            return True
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return tb is not None and "pdfminer" in tb.tb_frame.f_code.co_filename


def _open_error(name: str, exc: Exception) -> Exception:
    """The typed error for what pdfminer raised: encrypted, or corrupt/truncated."""
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    inner = _pdfminer_cause(exc)
    if isinstance(inner, (PDFPasswordIncorrect, PDFEncryptionError)) or "password" in str(inner).lower():
        return EncryptedPdf(name, "encrypted PDF: it needs a password to open")
    return CorruptPdf(name, f"corrupt or truncated PDF ({type(inner).__name__})")


def _pdfminer_cause(exc: Exception) -> BaseException:
    """What pdfminer raised, under pdfplumber's PdfminerException wrapper."""
    return exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc.__cause__ or exc


def check_pdf_bytes(name: str, data: bytes) -> None:
    """Reject what is plainly not a PDF before pdfminer sees it."""
    if not data:
        raise EmptyFile(name, "empty file (0 bytes)")
    if b"%PDF-" not in data[:1024]:
        raise NotAPdf(name, "not a PDF (no %PDF- header)")


def _is_garbled(piece: PageTable) -> bool:
    """Any cell of the table piece printed in a font without a ToUnicode map: (cid:NNN)."""
    return any(_CID.search(cell.text) for row in piece.grid.cells for cell in row)


def _declared_pages(pdf: Any) -> int:
    """The page count the page tree declares (/Count): read at once, where counting the pages
    themselves builds every one of them (a second a thousand)."""
    from pdfminer.pdftypes import resolve1

    try:
        return int(resolve1(resolve1(pdf.doc.catalog["Pages"])["Count"]))
    except Exception:  # a broken tree: the real count decides
        return 0


def check_page_count(name: str, pages: int) -> None:
    """TooManyPages above BUDGETQA_MAX_PAGES."""
    limit = max_pages()
    if pages > limit:
        raise TooManyPages(name, f"{pages} pages, more than the limit of {limit} (BUDGETQA_MAX_PAGES); "
                                 "split the file")


def _read_pages(pdf: Any, name: str) -> tuple[list[PageTable], list[Line], int]:
    check_page_count(name, len(pdf.pages))  # the declared count may lie
    pieces: list[PageTable] = []
    lines: list[Line] = []
    for number, page in enumerate(pdf.pages, start=1):
        try:
            page_pieces, page_lines = read_page(page, number)
        finally:
            page.close()
        pieces.extend(page_pieces)
        lines.extend(page_lines)
    return pieces, lines, len(pdf.pages)


HEADING_LINE_CHARS = 30


def _is_heading_line(text: str) -> bool:
    """A line that is a whole heading (「第二部分 2024年部门预算表」): a paragraph of its own."""
    return (heading_level(text) is not None and len(text) <= HEADING_LINE_CHARS
            and not any(ch in text for ch in "。，；：:"))


def lines_to_paragraphs(lines: list[Line], table_pages: frozenset[int] | set[int] = frozenset()) -> list[Paragraph]:
    """Re-join lines into paragraphs: a line that stops short of the right margin ends one,
    a heading or list number starts one; a paragraph may run over a page break, but not into or out
    of a page that holds a table (what is printed there belongs to it). Each paragraph keeps the
    boxes of its lines."""
    if not lines:
        return []
    rights: dict[int, float] = {}
    for ln in lines:
        rights[ln.page] = max(rights.get(ln.page, 0.0), ln.x1)
    paragraphs: list[Paragraph] = []
    buf: list[Line] = []
    last_page = lines[0].page
    for ln in lines:
        if _is_contents_entry(ln.text):
            continue
        crossing = ln.page != last_page and bool({ln.page, last_page} & table_pages)
        last_page = ln.page
        starts_new = heading_level(ln.text) is not None or ln.text.startswith(("■", "注：")) or crossing
        if buf and starts_new:
            paragraphs.append(_paragraph(buf))
            buf = []
        buf.append(ln)
        if _is_heading_line(ln.text) or (
                ln.x1 < rights[ln.page] - 15 and (_ENDS_SENTENCE.search(ln.text) or len(ln.text) <= 20)):
            paragraphs.append(_paragraph(buf))
            buf = []
    if buf:
        paragraphs.append(_paragraph(buf))
    return [p for p in paragraphs if p.text]


def _paragraph(lines: list[Line]) -> Paragraph:
    """One paragraph of lines: their texts joined, each line's box with the span of the text it printed."""
    text, boxes = "", []
    for ln in lines:
        piece = ln.text.strip()
        boxes.append(LineBox(ln.page, round_box((ln.x0, ln.top, ln.x1, ln.bottom)) or (0, 0, 0, 0),
                             len(text), len(text) + len(piece)))
        text += piece
    return Paragraph(text, lines[0].page, tuple(boxes))
