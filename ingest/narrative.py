"""Narrative: paragraphs → section tree by the document's own headings → retrieval chunks."""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from .model import Chunk, Paragraph, Section

_HEADINGS = Path(__file__).with_name("data") / "headings.json"
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
            current.paragraphs.append(Paragraph(body, para.page))
    if current.paragraphs or current.path:
        sections.append(current)
    return [s for s in sections if s.paragraphs or s.path]


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s.strip()]


def sections_to_chunks(sections: list[Section], max_chars: int = CHUNK_CHARS) -> list[Chunk]:
    """Group each section's sentences into chunks of about `max_chars`, never across sections."""
    chunks: list[Chunk] = []
    for section in sections:
        label = " › ".join(section.path)
        buf: list[str] = []
        page = section.page
        for para in section.paragraphs:
            for sentence in split_sentences(para.text):
                if buf and sum(map(len, buf)) + len(sentence) > max_chars:
                    chunks.append(Chunk(label, page, "".join(buf), len(chunks)))
                    buf = []
                if not buf:
                    page = para.page
                buf.append(sentence)
            if buf and sum(map(len, buf)) > max_chars // 2:
                chunks.append(Chunk(label, page, "".join(buf), len(chunks)))
                buf = []
        if buf:
            chunks.append(Chunk(label, page, "".join(buf), len(chunks)))
        elif not section.paragraphs and section.path:
            continue
    return chunks
