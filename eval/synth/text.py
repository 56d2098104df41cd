"""The text form of a disclosure: markdown headings, tab-separated rows, as the sample's .txt."""
from __future__ import annotations

import random
from pathlib import Path

from .cells import Cell, TableSpec
from .model import Disclosure
from .narrative import build_narrative
from .tables import build_tables

TEXT_PREFIX = {"h1": "# ", "h2": "## ", "h3": "### ", "toc": "- "}


def render_text(doc: Disclosure, path: str | Path) -> None:
    """Write the text form of the disclosure (UTF-8)."""
    Path(path).write_text(text_form(doc), encoding="utf-8")


def text_form(doc: Disclosure) -> str:
    """The whole disclosure as text: narrative blocks, then every table."""
    lines = ["", ""]
    for block in build_narrative(doc).blocks:
        if block.kind == "cover":
            lines += [f"**{block.text}**", ""]
        elif block.kind == "toc":
            lines += [TEXT_PREFIX["toc"] + block.text]
        elif block.kind != "pagebreak":
            if lines[-1].startswith(TEXT_PREFIX["toc"]):
                lines.append("")
            lines += [TEXT_PREFIX.get(block.kind, "") + block.text, ""]
    lines += [f"## 第二部分 {doc.year}年部门{doc.kind}表", ""]
    for table in build_tables(doc):
        lines += text_table(table, doc)
    return "\n".join(lines) + "\n"


def covering(cells: list[list[Cell | None]], r: int, c: int) -> Cell | None:
    """The merged cell whose area covers position (r, c), if it starts on an earlier row."""
    for up in range(r - 1, -1, -1):
        cell = cells[up][c]
        if cell is not None:
            return cell if up + cell.rowspan > r else None
    return None


def text_table(table: TableSpec, doc: Disclosure) -> list[str]:
    """A table in text form, continued under a repeated title and header every few rows."""
    rng = random.Random(doc.style.layout_seed + 100 + table.number)
    cells = [row.cells for row in table.rows]
    chunks, start = [], 0
    while start < len(cells) or not chunks:
        size = doc.style.text_split_rows + rng.randint(-5, 5)
        chunks.append(range(start, min(len(cells), start + size)))
        start += size
    out = []
    for chunk in chunks:
        out += [doc.style.text_heading + table.title, "", f"部门名称：{doc.department}", "", "单位：万元", ""]
        for i, hrow in enumerate(table.header):
            blank = "**" if table.numbered and i == len(table.header) - 1 else ""
            out.append("\t".join((c.text or blank) if c is not None else "" for c in hrow))
        for r in chunk:
            texts = []
            for c, cell in enumerate(cells[r]):
                if cell is None and r == chunk.start and doc.style.repeat_groups:
                    cell = covering(cells, r, c)
                texts.append(cell.text if cell is not None else "")
            out.append("\t".join(texts))
        out.append("")
    if table.note:
        out += [table.note, ""]
    return out
