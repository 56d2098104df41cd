"""Every refusal the chatbot words, from one data file (chatbot/data/refusals.json): a refusal is made
where the reason is known, by its key and the facts that fill it, and worded here — so that each says
what was not found and what the store holds in one voice, and a new refusal is a data entry."""
from __future__ import annotations

import json
import string
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from chatbot.answer import Answer, Citation

DATA = Path(__file__).parents[1] / "data" / "refusals.json"


@lru_cache(maxsize=1)
def templates() -> dict[str, str]:
    """The refusal templates by key (the file's `_doc` left out)."""
    spec = json.loads(DATA.read_text(encoding="utf-8"))
    return {k: v for k, v in spec.items() if not k.startswith("_")}


def slots_of(key: str) -> set[str]:
    """The slots a template names (「{holdings}」 …)."""
    return {name for _, name, _, _ in string.Formatter().parse(templates()[key]) if name}


def refusal_text(key: str, **slots: object) -> str:
    """The refusal's words; a slot the template names and the caller does not give is a bug."""
    missing = slots_of(key) - set(slots)
    if missing:
        raise KeyError(f"refusal {key!r} needs {sorted(missing)}")
    return templates()[key].format(**slots)


def refuse(key: str, question: str, operation: str = "", citations: Sequence[Citation] = (),
           **slots: object) -> Answer:
    """A not-found answer worded from its key: what was not found, what the store holds."""
    return Answer(question=question, answer=refusal_text(key, **slots), found=False, operation=operation,
                  citations=list(citations))
