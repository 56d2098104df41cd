"""Real PDFs for the geometry tests (issue 14), and a /Rotate 90 copy made of one of them."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "tests" / "data" / "real"
SAMPLE = ROOT / "ingest" / "samples" / "changsha-gxj-2024.pdf"
LANDSCAPE = REAL / "重庆_重庆市水利局_2026_部门预算.pdf"  # every page drawn landscape
FILES = {
    "sample-portrait": SAMPLE,
    "landscape": LANDSCAPE,
    "two-tables-a-page": REAL / "江苏省级_江苏省高级人民法院_2019_部门预算.pdf",
    "digits-below-the-ruling": REAL / "上海普陀_上海市普陀区财政局_2024_部门决算.pdf",  # figures overhang their cells
    "yuan-integers-landscape": REAL / "上海普陀_上海市普陀区人民政府万里街道办事处_2024_部门预算.pdf",
}


def rotated_copy(src: Path, dest: Path) -> Path:
    """The PDF with every page stored portrait-wise and turned back by /Rotate 90, as scanners and some
    exports store landscape pages: the same page as displayed, in other page-space coordinates."""
    import pypdfium2 as pdfium

    source, out = pdfium.PdfDocument(str(src)), pdfium.PdfDocument.new()
    for i in range(len(source)):
        width, height = source[i].get_size()
        form = source.page_as_xobject(i, out).as_pageobject()
        form.transform(pdfium.PdfMatrix(0, 1, -1, 0, height, 0))  # a quarter turn anticlockwise
        page = out.new_page(height, width)
        page.insert_obj(form)
        page.gen_content()
        page.set_rotation(90)
    out.save(str(dest))
    return dest
