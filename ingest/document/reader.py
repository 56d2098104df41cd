"""Pick the reader for a file by its kind: PDF, or the text form (.txt/.md)."""
from __future__ import annotations

from pathlib import Path

from ..errors import UnsupportedFile
from ..tables.kinds import assign_kinds
from .model import Document

TEXT_SUFFIXES = {".txt", ".md"}


def read_document(path: str | Path) -> Document:
    """Read a disclosure from a PDF, a workbook or its text form into a Document, tables kinded."""
    doc = _read(Path(path))
    assign_kinds(doc.tables)
    return doc


def _read(path: Path) -> Document:
    if path.suffix.lower() in TEXT_SUFFIXES:
        from .text_reader import read_text

        return read_text(path)
    if path.suffix.lower() == ".xlsx":
        from ..xlsx.xlsx_reader import read_xlsx

        return read_xlsx(path)
    if path.suffix.lower() == ".pdf" or path.suffix == "":
        from ..pdf.pdf_reader import read_pdf

        return read_pdf(path)
    raise UnsupportedFile(str(path), f"unsupported file type {path.suffix!r} (expected .pdf, .xlsx, .txt or .md)")
