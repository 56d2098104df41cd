"""Narrative: paragraphs → section tree by the document's own headings → retrieval chunks."""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from .model import Chunk, LineBox, Paragraph, Section

_HEADINGS = Path(__file__).resolve().parents[1] / "data" / "headings.json"
_SENTENCE = re.compile(r"(?<=[。；！？!?])")
CHUNK_CHARS = 220


@lru_cache(maxsize=1)
def _patterns() -> tuple[list[re.Pattern[str]], int, int]:
    spec = json.loads(_HEADINGS.read_text(encoding="utf-8"))
    return [re.compile(p) for p in spec["levels"]], spec["max_heading_chars"], spec["max_run_in_heading_chars"]


def heading_level(text: str) -> int | None:
    """Level (0 = outermost) of the heading pattern a paragraph starts with, or None."""
    levels, _, _ = _patterns()
    for level, pattern in enumerate(levels):
        if pattern.match(text):
            return level
    return None


def split_heading(text: str) -> tuple[int, str, str] | None:
    """(level, heading, body) when a paragraph is a heading or starts with a run-in heading."""
    level = heading_level(text)
    if level is None:
        return None
    levels, max_chars, max_run_in = _patterns()
    stripped = text.strip().replace("*", "")
    head, sep, body = stripped.partition("：")
    if not sep:
        head, sep, body = stripped.partition(":")
    if sep and len(head) <= max_run_in and "。" not in head and "，" not in head:
        return level, head.strip(), body.strip()
    if level == len(levels) - 1:
        return None  # a numbered item is a heading only when run-in (「1. 机关运行经费：…」)
    if len(stripped) <= max_chars and not re.search(r"[。；]$", stripped) and "。" not in stripped:
        return level, stripped, ""
    return None


def paragraphs_to_sections(paragraphs: list[Paragraph]) -> list[Section]:
    """Build the section tree: each heading opens a section whose path holds its ancestors."""
    sections: list[Section] = []
    stack: list[tuple[int, str]] = []
    current = Section(path=(), page=paragraphs[0].page if paragraphs else 1)
    for para in paragraphs:
        found = split_heading(para.text)
        if found is None:
            current.paragraphs.append(para)
            continue
        level, heading, body = found
        if current.paragraphs or current.path:
            sections.append(current)
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, heading))
        current = Section(path=tuple(h for _, h in stack), page=para.page)
        if body:
            current.paragraphs.append(Paragraph(body, para.page, spans_within(para.lines, para.text.find(body),
                                                                              len(body))))
    if current.paragraphs or current.path:
        sections.append(current)
    return [s for s in sections if s.paragraphs or s.path]


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s.strip()]


def sections_to_chunks(sections: list[Section], max_chars: int = CHUNK_CHARS) -> list[Chunk]:
    """Group each section's sentences into chunks of about `max_chars`, never across sections; each
    chunk keeps the boxes of the lines its sentences were printed on."""
    chunks: list[Chunk] = []
    for section in sections:
        chunks += _section_chunks(section, max_chars, len(chunks))
    return chunks


def _section_chunks(section: Section, max_chars: int, first: int) -> list[Chunk]:
    label = " › ".join(section.path)
    out: list[Chunk] = []
    buf: list[str] = []
    lines: list[LineBox] = []
    page = section.page

    def close() -> None:
        out.append(Chunk(label, page, "".join(buf), first + len(out), tuple(lines)))
        buf.clear()
        lines.clear()

    for para in section.paragraphs:
        for sentence, start in sentence_spans(para.text):
            if buf and sum(map(len, buf)) + len(sentence) > max_chars:
                close()
            if not buf:
                page = para.page
            for line in spans_within(para.lines, start, len(sentence), at=sum(map(len, buf))):
                if lines and lines[-1].bbox == line.bbox and lines[-1].page == line.page:
                    line = LineBox(line.page, line.bbox, lines.pop().start, line.end)  # a line two sentences share
                lines.append(line)
            buf.append(sentence)
        if buf and sum(map(len, buf)) > max_chars // 2:
            close()
    if buf:
        close()
    return out


def sentence_spans(text: str) -> list[tuple[str, int]]:
    """Each sentence of `text` (as split_sentences gives it) with where it starts in `text`."""
    out, pos = [], 0
    for sentence in split_sentences(text):
        start = text.find(sentence, pos)
        start = pos if start < 0 else start
        out.append((sentence, start))
        pos = start + len(sentence)
    return out


def spans_within(lines: tuple[LineBox, ...], start: int, length: int, at: int = 0) -> list[LineBox]:
    """The lines printing text[start:start+length], their spans cut to it and moved to begin at `at`."""
    if start < 0:
        return []
    end = start + length
    return [LineBox(ln.page, ln.bbox, max(ln.start, start) - start + at, min(ln.end, end) - start + at)
            for ln in lines if ln.start < end and ln.end > start]
