"""Text from documents made safe to show in the app (Markdown syntax neutralised, HTML escaped), and
Markdown tables."""
from __future__ import annotations

import html
import re
from collections.abc import Collection, Iterable, Sequence
from decimal import Decimal, InvalidOperation

# Characters that start Markdown syntax; each is backslash-escaped before HTML escaping.
_MARKDOWN_ACTIVE = re.compile(r"([\\`*_{}\[\]()#+\-!|~=$])")
# a column head naming the unit its figures are in: 「三公经费（万元）」「占比（%）」
UNIT_HEADER = re.compile(r"（(?:[千万亿]?元|%)）$")


# -- text from documents, made safe to show ------------------------------------------------------
def escape_text(text: object) -> str:
    """Text from a document, shown literally: Markdown syntax neutralised, then HTML escaped."""
    return html.escape(_MARKDOWN_ACTIVE.sub(r"\\\1", str(text)), quote=True)


def escape_cell(text: object) -> str:
    """escape_text for one Markdown table cell: on one line."""
    return escape_text(" ".join(str(text).split()))


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence[object]], right: Collection[int] = ()) -> str:
    """A Markdown table; the columns whose indexes are in `right` right-aligned (figures: the page's
    CSS keeps a right-aligned cell on one line)."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "".join("---:|" if i in right else "---|"
                                                              for i in range(len(headers)))]
    lines += ["| " + " | ".join(escape_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def figure_table(headers: Sequence[str], rows: Sequence[Sequence[object]], figures: Collection[int] = (),
                 right: Collection[int] = ()) -> str:
    """markdown_table in the app's one number style: the `figures` columns (and those whose header
    names a unit, 「三公经费（万元）」) printed by `figure` and right-aligned, as are the `right` ones."""
    figures = set(figures) | {i for i, h in enumerate(headers) if UNIT_HEADER.search(h)}
    shown = [[figure(v) if i in figures else v for i, v in enumerate(row)] for row in rows]
    return markdown_table(headers, shown, figures | set(right))


def figure(value: object, places: int | None = None) -> str:
    """A number in the app's one style: thousands separators, the printed decimals (or `places`);
    text that is not a number as it is, "" for None."""
    if value is None:
        return ""
    try:
        number = Decimal(str(value).replace(",", ""))
    except InvalidOperation:
        return str(value)
    if not number.is_finite():
        return str(value)
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places))
    return f"{number:,f}"
