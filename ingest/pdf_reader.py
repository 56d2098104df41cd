"""Reading a disclosure PDF with pdfplumber: table grids with their titles, and narrative paragraphs."""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import (
    CorruptPdf,
    EmptyFile,
    EncryptedPdf,
    IngestError,
    NeedsOcr,
    NoTables,
    NotAPdf,
    TooManyPages,
)
from .grid import cells_to_grid, drop_empty_columns
from .layout import is_table_title
from .metadata import (
    department_from_line,
    document_title,
    read_department,
    read_kind,
    read_year,
    unit_from_line,
)
from .model import Document, Paragraph
from .narrative import heading_level, paragraphs_to_sections, sections_to_chunks
from .tables import PageTable, stitch_continued_tables

TABLE_SETTINGS: dict[str, Any] = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    "snap_tolerance": 3,
    "join_tolerance": 3,
    "intersection_tolerance": 3,
}
_CID = re.compile(r"\(cid:\d+\)")
_ENDS_SENTENCE = re.compile(r"[。；：:！？!?）)]$")
DEFAULT_MAX_PAGES = 2000  # a department's disclosure runs to tens of pages, a whole city's to hundreds


def max_pages() -> int:
    """The most pages a PDF may have (BUDGETQA_MAX_PAGES), read when a PDF is opened."""
    return int(os.environ.get("BUDGETQA_MAX_PAGES", DEFAULT_MAX_PAGES))


def _is_contents_entry(text: str) -> bool:
    """A line of the table of contents (「- 一、部门基本概况」, 「目 录」): not narrative."""
    return text.startswith("- ") or text.replace(" ", "") in ("目录",)


@dataclass
class Line:
    text: str
    page: int
    x0: float
    x1: float
    top: float


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
    if not tables:
        raise NoTables(str(path), "no budget tables recognised (no 「YYYY年…表」 title above a ruled grid)")
    first_table_page = min(t.page for t in tables)
    narrative = [ln for ln in lines if ln.page < first_table_page]
    paragraphs = lines_to_paragraphs(narrative)
    sections = paragraphs_to_sections(paragraphs)
    cover = [ln.text for ln in lines if ln.page == 1]
    head_text = "\n".join(cover) or (tables[0].title if tables else "")
    department = read_department(cover, tables)
    year = read_year(head_text) or read_year(tables[0].title)
    kind = read_kind(head_text + "\n" + tables[0].title)
    return Document(
        title=document_title(department, year, kind), department=department, year=year, kind=kind,
        source=path.name, sha256=hashlib.sha256(data).hexdigest(), pages=n_pages,
        sections=sections, tables=tables, chunks=sections_to_chunks(sections),
    )


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
            page_pieces, page_lines = _read_page(page, number)
        finally:
            page.close()
        pieces.extend(page_pieces)
        lines.extend(page_lines)
    return pieces, lines, len(pdf.pages)


def _read_page(page: Any, number: int) -> tuple[list[PageTable], list[Line]]:
    """One page: its table grids (with the title, 部门名称 and 单位 above each) and its other lines."""
    found = page.find_tables(TABLE_SETTINGS)
    boxes = [t.bbox for t in found]
    outside = page
    for bbox in boxes:
        outside = outside.outside_bbox(bbox)
    raw_lines = outside.extract_text_lines(return_chars=False)
    lines = [Line(_squash(ln["text"]), number, ln["x0"], ln["x1"], ln["top"]) for ln in raw_lines]
    lines = [ln for ln in lines if ln.text]
    pieces = []
    used: set[int] = set()
    for table in sorted(found, key=lambda t: t.bbox[1]):
        boxes_, texts = [], []
        for row, values in zip(table.rows, table.extract()):
            for bbox, text in zip(row.cells, values):
                if bbox is not None:
                    boxes_.append(bbox)
                    texts.append(text)
        if not boxes_:
            continue
        grid = drop_empty_columns(cells_to_grid(boxes_, texts, number))
        piece = PageTable(grid=grid, page=number)
        top = table.bbox[1]
        above = [i for i, ln in enumerate(lines) if ln.top < top and i not in used]
        for i in above:
            text = lines[i].text
            if is_table_title(text):
                piece.title = text.replace(" ", "")
                used.add(i)
            elif department_from_line(text):
                piece.department = department_from_line(text)
                used.add(i)
            elif unit_from_line(text):
                piece.unit = unit_from_line(text)
                used.add(i)
        below = [i for i, ln in enumerate(lines) if ln.top > table.bbox[3] and ln.text.startswith("注")]
        for i in below:
            piece.notes.append(lines[i].text)
            used.add(i)
        pieces.append(piece)
    # a title page whose grid is missing (empty table drawn without rulings) still names a table
    rest = [ln for i, ln in enumerate(lines) if i not in used]
    return pieces, rest


def _squash(text: str) -> str:
    """Drop the spaces a PDF puts between CJK characters and digits (「2024 年」 → 「2024年」)."""
    text = re.sub(r"(?<=[\u4e00-\u9fff）”])\s+(?=[\u4e00-\u9fff\d（“])", "", text)
    text = re.sub(r"(?<=\d)\s+(?=[\u4e00-\u9fff])", "", text)
    return text.strip()


def lines_to_paragraphs(lines: list[Line]) -> list[Paragraph]:
    """Re-join lines into paragraphs: a line that stops short of the right margin ends one,
    a heading or list number starts one; a paragraph may run over a page break."""
    if not lines:
        return []
    right = max(ln.x1 for ln in lines)
    paragraphs: list[Paragraph] = []
    buf: list[str] = []
    page = lines[0].page
    for ln in lines:
        if _is_contents_entry(ln.text):
            continue
        starts_new = heading_level(ln.text) is not None or ln.text.startswith(("■", "注："))
        if buf and starts_new:
            paragraphs.append(Paragraph("".join(buf), page))
            buf = []
        if not buf:
            page = ln.page
        buf.append(ln.text.strip())
        if ln.x1 < right - 15 and (_ENDS_SENTENCE.search(ln.text) or len(ln.text) <= 20):
            paragraphs.append(Paragraph("".join(buf), page))
            buf = []
    if buf:
        paragraphs.append(Paragraph("".join(buf), page))
    return [p for p in paragraphs if p.text]
