"""The stored PDFs opened in the browser: `/budgetqa/pdf/<document id>` serves the PDF a document's
tables were read from (its kept copy in the store, found by the document's content hash: never a path
the request names), and a link opens it at a page (`#page=N`, which browsers' PDF viewers follow).
Also a PDF's declared page count, read in a bounded child (the file is untrusted) for the upload's
progress line. Kept light: the count's child imports this module."""
from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROUTE = "/budgetqa/pdf/{document_id}"
PAGE_COUNT_SECONDS = 10.0
PAGE_COUNT_MB = 512
_SHA = re.compile(r"[0-9a-f]{64}")


def pdf_url(document_id: int, page: int | None = None) -> str:
    """The document's PDF, at `page` when given (relative: works behind a proxy's root path too)."""
    return f"budgetqa/pdf/{int(document_id)}" + (f"#page={int(page)}" if page else "")


def pdf_link(document_id: int, title: str, page: int | None = None) -> str:
    """An HTML link opening the document's PDF at `page` in a new tab (the title escaped)."""
    at = f"第 {int(page)} 页" if page else "首页"
    return (f'<a href="{html.escape(pdf_url(document_id, page))}" target="_blank" rel="noopener" '
            f'class="pdf-link">打开《{html.escape(title)}》原文 PDF（{at}）</a>')


def kept_pdf_of(documents: list[Any], store_root: Path, document_id: int) -> Path | None:
    """The kept PDF of the stored document `document_id` (its tables' file, else its narrative's), or None."""
    from ingest.pdf.render import kept_pdf

    for d in documents:
        if d.id != document_id:
            continue
        for sha in (d.tables_file, d.narrative_file):
            if sha and _SHA.fullmatch(sha):
                path = kept_pdf(store_root, sha)
                if path.is_file():
                    return path
    return None


def add_pdf_route(fastapi_app: Any, documents: Callable[[], list[Any]], store_root: Path) -> None:
    """GET ROUTE on the running app: the document's kept PDF, or 404 with one Chinese line."""
    from starlette.responses import FileResponse, PlainTextResponse

    def serve(document_id: str) -> Any:
        path = kept_pdf_of(documents(), store_root, int(document_id)) if document_id.isdigit() else None
        if path is None:
            return PlainTextResponse("没有这份文档的 PDF 原文（文档不存在，或它不是从 PDF 读入的）。", status_code=404)
        return FileResponse(path, media_type="application/pdf",
                            headers={"Content-Disposition": "inline", "X-Content-Type-Options": "nosniff"})

    fastapi_app.add_api_route(ROUTE, serve, methods=["GET"], include_in_schema=False)


def declared_pages(path: str) -> int:
    """The page count a PDF's page tree declares (/Count), read without building the pages."""
    import pdfplumber
    from pdfminer.pdftypes import resolve1

    pdf = pdfplumber.open(path)
    try:
        return int(resolve1(resolve1(pdf.doc.catalog["Pages"])["Count"]))
    finally:
        pdf.stream.close()  # not pdf.close(): that builds every page first


def page_count(path: Path) -> int | None:
    """A PDF's declared page count, or None when it cannot be read within a few seconds."""
    from ingest.document.sandbox import Overstepped, call_isolated

    if path.suffix.lower() != ".pdf":
        return None
    try:
        n = call_isolated(declared_pages, (str(path),), PAGE_COUNT_SECONDS, PAGE_COUNT_MB)
    except (Overstepped, RuntimeError):
        return None
    return n if isinstance(n, int) and n > 0 else None
