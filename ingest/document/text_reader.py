"""Reading the text form of a disclosure (.txt/.md): markdown-ish narrative and tab-separated tables.

The twin of `pdf_reader`: the same `Document` comes out, built by the same chain (`rows_to_grid` →
`stitch_continued_tables`, `paragraphs_to_sections` → `sections_to_chunks`).

What "page" means for the text form: there are no pages, so the reader counts them the way the
printed disclosure breaks them. Page 1 holds the cover and the narrative (第一部分); each table title
line that follows (「2024年…表」, with or without `##`/`###`/`**`) opens the next page, so a table
continued over three printed pages (its title repeated three times) spans three pages. Page N ≥ 2 is
therefore the (N-1)th table piece, and `Document.pages` is the number of table pieces + 1.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import EmptyFile, NoTables, UnsupportedFile
from ..pdf.grid import Grid, GridCell, rows_to_grid
from ..pdf.layout import is_table_title
from ..tables.tables import PageTable, split_header, stitch_continued_tables
from .metadata import (
    department_from_line,
    department_prefix,
    document_title,
    read_department,
    read_kind,
    read_level,
    read_year,
    unit_from_line,
)
from .model import Document, Paragraph
from .narrative import heading_level, paragraphs_to_sections, sections_to_chunks
from .text import clean_cell

NARRATIVE_PAGE = 1
SHORT_LINE_CHARS = 20  # a line this short (chart caption, list entry) is never cut mid-sentence

_CONTINUED = re.compile(r"(（续）|\(续\))$")
_TABLES_PART = re.compile(r"^第[一二三四五六七八九十]+部分.*表$")
_ENDS_SENTENCE = re.compile(r"[。；：:！？!?]$")
_MARKDOWN_HEADING = re.compile(r"^\s*#+\s*")
_BOLD_LINE = re.compile(r"^\*\*[^*]+\*\*$")


def read_text(path: str | Path) -> Document:
    """Read one disclosure in text form into a Document; typed IngestError for input that is not one."""
    path = Path(path)
    data = path.read_bytes()
    lines = decode_lines(str(path), data)
    start = tables_part_start(lines)
    pieces = pieces_to_page_tables(lines_to_pieces(lines[start:], first_page=NARRATIVE_PAGE + 1))
    tables = stitch_continued_tables(pieces)
    if not tables:
        raise NoTables(str(path), "no budget tables recognised (no 「YYYY年…表」 title above tab-separated rows)")
    narrative = narrative_lines(lines[:start])
    sections = paragraphs_to_sections(lines_to_paragraphs(narrative))
    cover = cover_lines(lines[:start])
    head_text = "\n".join(cover) or tables[0].title
    department = read_department(cover, tables)
    year = read_year(head_text) or read_year(tables[0].title)
    kind = read_kind(head_text + "\n" + tables[0].title)
    level = read_level(cover, department_prefix(cover))
    return Document(
        title=document_title(department, year, kind, level), department=department, year=year, kind=kind,
        source=path.name, sha256=hashlib.sha256(data).hexdigest(), pages=len(pieces) + 1,
        sections=sections, tables=tables, chunks=sections_to_chunks(sections), level=level,
    )


def decode_lines(name: str, data: bytes) -> list[str]:
    """The file's lines as UTF-8 text; EmptyFile for nothing to read, UnsupportedFile for binary data."""
    if not data:
        raise EmptyFile(name, "empty file (0 bytes)")
    if data.startswith(b"%PDF-"):
        raise UnsupportedFile(name, "a PDF, not a text disclosure (name it .pdf)")
    if b"\x00" in data:
        raise UnsupportedFile(name, "binary data (NUL bytes), not a text disclosure")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnsupportedFile(name, f"not UTF-8 text (undecodable byte at offset {exc.start})") from exc
    if not text.strip():
        raise EmptyFile(name, "empty file (only blank lines)")
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def clean_line(raw: str) -> str:
    """A line without its markdown marks (`#` headings, `**` bold) and with CJK spacing squeezed."""
    return clean_cell(_MARKDOWN_HEADING.sub("", raw).replace("**", ""))


def tables_part_start(lines: list[str]) -> int:
    """Index of the line where the tables begin: the 「第二部分 … 预算表」 heading above the first
    table title (the table of contents names it too, so only one after the contents counts), else
    the first table title; len(lines) when there is no table title at all."""
    first_title = next((i for i, ln in enumerate(lines) if "\t" not in ln and is_table_title(clean_line(ln))),
                       len(lines))
    skipped = contents_lines(lines)
    for i in range(first_title):
        if i not in skipped and _TABLES_PART.match(clean_line(lines[i]).replace(" ", "")):
            return i
    return first_title


def _is_contents_entry(raw: str) -> bool:
    return raw.strip().startswith("- ")


def _is_contents_heading(raw: str) -> bool:
    return clean_line(raw).replace(" ", "") == "目录"


def contents_lines(lines: list[str]) -> set[int]:
    """Indexes of the table of contents: the 「目 录」 heading, its 「- …」 entries, the part headings
    that group them and a 「注：」 line under them; it ends at the first line that is none of these."""
    out: set[int] = set()
    for i, raw in enumerate(lines):
        if _is_contents_heading(raw):
            out.add(i)
            out.update(_contents_block(lines, i + 1))
        elif _is_contents_entry(raw):
            out.add(i)
    return out


def _contents_block(lines: list[str], start: int) -> list[int]:
    block = []
    for i in range(start, len(lines)):
        raw = lines[i]
        if not raw.strip() or _is_contents_entry(raw) or clean_line(raw).startswith("注"):
            block.append(i)
            continue
        following = next((ln for ln in lines[i + 1:] if ln.strip()), "")
        if raw.lstrip().startswith("#") and _is_contents_entry(following):
            block.append(i)
            continue
        break
    return block


def cover_lines(lines: list[str]) -> list[str]:
    """The cover: the text lines above the table of contents (or the first six lines without one)."""
    end = next((i for i, raw in enumerate(lines) if _is_contents_heading(raw)), None)
    texts = [clean_line(raw) for raw in (lines[:end] if end is not None else lines)]
    texts = [t for t in texts if t]
    return texts if end is not None else texts[:6]


@dataclass
class NarrativeLine:
    """One non-blank narrative line: its text without markdown, and whether it stands alone
    (a `#` heading or a line printed all in bold is never part of a longer paragraph)."""

    text: str
    standalone: bool


def narrative_lines(lines: list[str]) -> list[NarrativeLine]:
    """The narrative's non-blank lines, the table of contents left out."""
    skipped = contents_lines(lines)
    out = []
    for i, raw in enumerate(lines):
        text = clean_line(raw)
        if i in skipped or not text:
            continue
        standalone = raw.lstrip().startswith("#") or bool(_BOLD_LINE.match(raw.strip()))
        out.append(NarrativeLine(text, standalone))
    return out


def _starts_paragraph(line: NarrativeLine) -> bool:
    return line.standalone or heading_level(line.text) is not None or line.text.startswith(("■", "注："))


def _is_cut(line: NarrativeLine) -> bool:
    """A line that stops mid-sentence: long, not standalone, no closing punctuation."""
    return not line.standalone and len(line.text) > SHORT_LINE_CHARS and not _ENDS_SENTENCE.search(line.text)


def lines_to_paragraphs(lines: list[NarrativeLine], page: int = NARRATIVE_PAGE) -> list[Paragraph]:
    """One paragraph per line, except that a line cut mid-sentence (the page broke it, and the text
    form shows the break as a blank line) is joined with the next line when that one continues it."""
    paragraphs: list[Paragraph] = []
    previous: NarrativeLine | None = None
    for line in lines:
        if paragraphs and previous is not None and _is_cut(previous) and not _starts_paragraph(line):
            paragraphs[-1].text += line.text
        else:
            paragraphs.append(Paragraph(line.text, page))
        previous = line
    return paragraphs


@dataclass
class TextPiece:
    """The lines of one table piece as read: title, 部门名称, 单位, tab-separated rows, 「注：」 lines."""

    page: int
    title: str | None
    department: str | None = None
    unit: str | None = None
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def lines_to_pieces(lines: list[str], first_page: int = NARRATIVE_PAGE + 1) -> list[TextPiece]:
    """The tables part → one piece per title line, holding the 部门名称, 单位, tab-separated rows
    and 「注：」 lines under it. Tab rows before any title form a piece with no title (a continuation).
    Other lines without a tab (the spill of a long cell, part headings) are not table content."""
    pieces: list[TextPiece] = []
    for raw in lines:
        text = clean_line(raw)
        if not text:
            continue
        if "\t" in raw:
            if not pieces:
                pieces.append(TextPiece(first_page, None))
            pieces[-1].rows.append(raw.split("\t"))
            continue
        if is_table_title(text):
            title = _CONTINUED.sub("", text.replace(" ", ""))
            pieces.append(TextPiece(first_page + len(pieces), title))
            continue
        if not pieces:
            continue
        department = department_from_line(text)
        unit = unit_from_line(text)
        if department:
            pieces[-1].department = department
        elif unit:
            pieces[-1].unit = unit
        elif text.startswith("注"):
            pieces[-1].notes.append(text)
    return pieces


def pieces_to_page_tables(pieces: list[TextPiece]) -> list[PageTable]:
    """Each piece as a PageTable whose grid has its header merges inferred. A piece that repeats the
    header of the piece before it (same title, same first row) has as many header rows as that one:
    its label-only rows (「22、其他支出」) would otherwise pass for more header rows."""
    out: list[PageTable] = []
    previous: tuple[str | None, list[str], int] | None = None  # title, first row, header rows
    for piece in pieces:
        rows = trim_trailing_empty_columns(piece.rows)
        n_header = split_header(rows_to_grid(rows, piece.page))[0]
        if previous is not None and piece.title in (None, previous[0]):
            if rows and _squeeze(rows[0]) == previous[1]:
                n_header = min(n_header, previous[2])
        elif rows:
            previous = (piece.title, _squeeze(rows[0]), n_header)
        out.append(PageTable(grid=text_rows_to_grid(rows, piece.page, n_header), page=piece.page,
                             title=piece.title, department=piece.department, unit=piece.unit,
                             notes=piece.notes))
    return out


def _squeeze(row: list[str]) -> list[str]:
    return [re.sub(r"\s+", "", t) for t in row if t.strip()]


def text_rows_to_grid(rows: list[list[str]], page: int, n_header: int | None = None) -> Grid:
    """Tab-separated rows → Grid with the header's merged cells inferred; the header ends where
    `split_header` says unless `n_header` is given."""
    plain = rows_to_grid(rows, page)
    if n_header is None:
        n_header = split_header(plain)[0]
    return infer_header_merges(plain, n_header)


def trim_trailing_empty_columns(rows: list[list[str]]) -> list[list[str]]:
    """Rows cut to the last column that holds text in any row (exports leave stray trailing tabs)."""
    width = max((max((c + 1 for c, t in enumerate(row) if t.strip()), default=0) for row in rows), default=0)
    return [row[:width] for row in rows]


def infer_header_merges(grid: Grid, n_header: int) -> Grid:
    """Merged header cells, which the text form prints as a text cell followed by blanks.

    In the first `n_header` rows, left to right: a blank cell right of a text cell of the same row,
    with sub-headers under the blank, is part of that cell (horizontal merge: 「本级财政拨款 | 」 over
    「金额 | 其中：经费拨款」); a blank cell below the first row with nothing under it is part of the
    cell above (vertical merge: 「功能科目」 over a blank). Other cells, and data rows, stay as they are.
    """
    cells = [list(row) for row in grid.cells]
    for r in range(min(n_header, grid.n_rows)):
        for c in range(grid.n_cols):
            if grid.text(r, c):
                continue
            left = cells[r][c - 1] if c > 0 else None
            below = _has_text_below(grid, r, c, n_header)
            if left is not None and left.text and left.origin[0] == r and below:
                cells[r][c] = GridCell(left.text, left.origin)
            elif r > 0 and not below:
                above = cells[r - 1][c]
                cells[r][c] = GridCell(above.text, above.origin)
    return Grid(cells, grid.page, grid.bbox, grid.col_bounds)


def _has_text_below(grid: Grid, r: int, c: int, n_header: int) -> bool:
    return any(grid.text(k, c) for k in range(r + 1, min(n_header, grid.n_rows)))
