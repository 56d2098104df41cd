"""Characters → text lines, grouped by vertical overlap rather than a fixed tolerance.

Real disclosures set digits in a second font a few points lower than the CJK text around them; a
fixed `y_tolerance` puts every figure of a sentence on a line of its own. Two characters share a
line when their vertical extents overlap by at least half of the smaller one.
"""
from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

BBox = tuple[float, float, float, float]
MIN_OVERLAP = 0.5  # share of the smaller character's height two characters of one line overlap by
SPACE_GAP = 0.3  # a gap wider than this share of the font size is a space between words


@dataclass
class Line:
    """One printed line of a page: its text and where it stands (PDF points, top-down)."""

    text: str
    page: int
    x0: float
    x1: float
    top: float
    bottom: float = 0.0


def dedupe_chars(chars: list[dict[str, Any]], tolerance: float = 1) -> list[dict[str, Any]]:
    """pdfplumber's `dedupe_chars` (same text, font and size within `tolerance` points: one character
    printed twice, as bold is faked), with the same result in the same order, without its quadratic
    last step (`sorted(..., key=chars.index)`: a scan of the page per character, most of a dense
    page's reading time) and without building a cluster per character that stands alone (most of
    them: its cost was a tenth of the parse). Each kept character goes where the first character
    equal to it stood."""
    key = itemgetter("upright", "text", "fontname", "size")
    doctop, x0 = itemgetter("doctop"), itemgetter("x0")
    position: dict[int, int] = {}
    for i, ch in enumerate(chars):
        position.setdefault(id(ch), i)
    kept: list[tuple[int, dict[str, Any]]] = []
    for _, same in itertools.groupby(sorted(chars, key=key), key=key):
        group = list(same)
        for y_cluster in _chain_clusters(group, doctop, tolerance):
            for x_cluster in _chain_clusters(y_cluster, x0, tolerance):
                if len(x_cluster) == 1:
                    kept.append((position[id(x_cluster[0])], x_cluster[0]))
                    continue
                first = min(x_cluster, key=lambda c: (c["doctop"], c["x0"]))
                kept.append((min(position[id(c)] for c in x_cluster if c is first or c == first), first))
    return [ch for _, ch in sorted(kept, key=itemgetter(0))]


def _chain_clusters(items: list[dict[str, Any]], value: Any, tolerance: float) -> list[list[dict[str, Any]]]:
    """pdfplumber's `cluster_objects`, the same clusters in the same order: the distinct values
    sorted, a value within `tolerance` of the one before it joins its cluster, and each cluster keeps
    its items in their order in `items`."""
    if len(items) == 1:
        return [items]
    values = sorted(set(map(value, items)))
    cluster_of: dict[Any, int] = {}
    last, n = values[0], 0
    for v in values:
        if v > last + tolerance:
            n += 1
        cluster_of[v] = n
        last = v
    if n == 0:
        return [items]
    clusters: list[list[dict[str, Any]]] = [[] for _ in range(n + 1)]
    for item in items:
        clusters[cluster_of[value(item)]].append(item)
    return clusters


def inside_any(ch: dict[str, Any], boxes: Iterable[BBox], margin: float = 1.0) -> bool:
    """Whether a character's centre lies in one of `boxes`."""
    cx, cy = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
    return any(b[0] - margin <= cx <= b[2] + margin and b[1] - margin <= cy <= b[3] + margin for b in boxes)


def _overlap(a_top: float, a_bottom: float, b_top: float, b_bottom: float) -> float:
    return min(a_bottom, b_bottom) - max(a_top, b_top)


def chars_to_lines(chars: list[dict[str, Any]], page: int) -> list[Line]:
    """Lines of a page's characters, top to bottom, each read left to right."""
    groups: list[list[dict[str, Any]]] = []
    extents: list[list[float]] = []  # [top, bottom] of each group
    for ch in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        if not ch["text"].strip():
            continue
        height = max(ch["bottom"] - ch["top"], 0.1)
        for i in range(len(groups) - 1, max(len(groups) - 4, -1), -1):  # the few lines just above
            top, bottom = extents[i]
            if _overlap(top, bottom, ch["top"], ch["bottom"]) >= MIN_OVERLAP * min(height, bottom - top):
                groups[i].append(ch)
                extents[i] = [min(top, ch["top"]), max(bottom, ch["bottom"])]
                break
        else:
            groups.append([ch])
            extents.append([ch["top"], ch["bottom"]])
    lines = [_line(g, page) for g in groups]
    return sorted((ln for ln in lines if ln.text), key=lambda ln: (ln.top, ln.x0))


def _line(chars: list[dict[str, Any]], page: int) -> Line:
    chars = sorted(chars, key=lambda c: c["x0"])
    parts: list[str] = []
    last_x1: float | None = None
    for ch in chars:
        size = ch.get("size") or (ch["bottom"] - ch["top"])
        if last_x1 is not None and ch["x0"] - last_x1 > SPACE_GAP * size:
            parts.append(" ")
        parts.append(ch["text"])
        last_x1 = ch["x1"]
    return Line(squash_cjk_spaces("".join(parts)), page, chars[0]["x0"], max(c["x1"] for c in chars),
                min(c["top"] for c in chars), max(c["bottom"] for c in chars))


def squash_cjk_spaces(text: str) -> str:
    """Drop the spaces a PDF puts between CJK characters and digits (「2024 年」 → 「2024年」)."""
    text = re.sub(r"(?<=[\u4e00-\u9fff）”])\s+(?=[\u4e00-\u9fff\d（“])", "", text)
    text = re.sub(r"(?<=\d)\s+(?=[\u4e00-\u9fff])", "", text)
    return text.strip()
