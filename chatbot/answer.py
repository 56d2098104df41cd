"""The answer contract (see DESIGN.md): text, found, values, citations, elapsed_ms."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Citation:
    """Where a number (or a quoted sentence) stands in a disclosure.

    Table citations carry table/page/row/code/column/value; narrative citations carry section and
    text (the sentence quoted) instead of row/column.
    """

    document: str
    page: int
    table: str | None = None
    row: str | None = None
    code: str | None = None
    column: str | None = None
    value: str | None = None
    section: str | None = None
    text: str | None = None
    bbox: tuple[float, float, float, float] | None = None  # the cell's box on `page` (PDF points)
    document_id: int | None = None  # the stored document, to show the page (`budgetqa show`)
    header: str | None = None       # the cell's whole header path (「基本支出/人员支出」) when longer than `column`
    unit: str | None = None         # the unit the cell's value is printed in (元 or 万元)

    @property
    def is_quote(self) -> bool:
        return self.section is not None or self.text is not None

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        if not self.is_quote:
            d.pop("section")
            d.pop("text")
            d["bbox"] = list(self.bbox) if self.bbox is not None else None
        else:
            d.pop("bbox")
        if self.document_id is None:
            d.pop("document_id")
        if self.header is None or self.header == self.column:
            d.pop("header")
        if self.unit is None:
            d.pop("unit")
        return d


@dataclass(frozen=True)
class Value:
    """A figure the answer states: read from a record or computed from records by code."""

    label: str
    value: str
    unit: str


@dataclass
class Answer:
    question: str
    answer: str
    found: bool
    values: list[Value] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    elapsed_ms: float = 0.0
    operation: str = ""
    candidates: list[dict[str, Any]] = field(default_factory=list)
    llm_used: bool = False   # the text was worded (or the question reworded) by the optional language model
    table: list[list[str]] = field(default_factory=list)   # an answer across documents: header row, then rows
    reading: dict[str, Any] = field(default_factory=dict)  # how the question was read (chatbot.understand.question)

    def to_json(self) -> dict[str, Any]:
        out = {
            "question": self.question, "answer": self.answer, "found": self.found,
            "values": [asdict(v) for v in self.values],
            "citations": [c.to_json() for c in self.citations],
            "elapsed_ms": round(self.elapsed_ms, 1),
        }
        if self.operation:
            out["operation"] = self.operation
        if self.candidates:
            out["candidates"] = self.candidates
        if self.llm_used:
            out["llm_used"] = True
        if self.table:
            out["table"] = self.table
        if self.reading:
            out["reading"] = self.reading
        return out

    def render_text(self) -> str:
        """The answer for a terminal: text, then one line per citation."""
        lines = [self.answer]
        lines += ["  " + " | ".join(row) for row in self.table]
        for c in self.citations:
            if c.section is not None:
                lines.append(f"  来源：{c.document} › {c.section}（第{c.page}页）「{c.text}」")
            else:
                code = f" {c.code}" if c.code else ""
                lines.append(f"  来源：{c.document} › {c.table}（第{c.page}页）› {c.row}{code} › {c.column} = {c.value}")
        return "\n".join(lines)
