"""Text from documents made safe to show in the app (Markdown syntax neutralised, HTML escaped), and
Markdown tables."""
from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence

# Characters that start Markdown syntax; each is backslash-escaped before HTML escaping.
_MARKDOWN_ACTIVE = re.compile(r"([\\`*_{}\[\]()#+\-!|~=$])")


# -- text from documents, made safe to show ------------------------------------------------------
def escape_text(text: object) -> str:
    """Text from a document, shown literally: Markdown syntax neutralised, then HTML escaped."""
    return html.escape(_MARKDOWN_ACTIVE.sub(r"\\\1", str(text)), quote=True)


def escape_cell(text: object) -> str:
    """escape_text for one Markdown table cell: on one line."""
    return escape_text(" ".join(str(text).split()))


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(escape_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)
