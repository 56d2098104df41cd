"""Funding scopes (全部资金, 财政拨款, 一般公共预算 …) of the figures one computation uses: the same item is
printed under several scopes with different amounts, and a sum, difference or share never mixes them.
The scope of a table kind is data (chatbot/data/lexicon.json → scope_groups)."""
from __future__ import annotations

from collections.abc import Sequence

from chatbot.answer import Answer
from chatbot.lexicon import Lexicon
from chatbot.link.figures import Figure
from chatbot.wording.compose import figure_text, where
from chatbot.wording.refusals import refuse


def scope_of(f: Figure, lexicon: Lexicon) -> str | None:
    """The funding scope of a table figure (None for a figure the narrative states, or an unknown kind)."""
    if f.sentence is not None or not f.records:
        return None
    return lexicon.scope_groups.get(f.kind or "")


def one_scope(figures: Sequence[Figure], lexicon: Lexicon) -> list[Figure] | None:
    """The figures, each taken from one common scope: as they are when they share one, else each
    replaced by its reading in the first scope (in scope_groups order, the broadest first) that every
    figure has among its readings; else as they are when their scopes nest (三公经费 against the whole
    budget). None when the scopes are disjoint."""
    scopes = {s for f in figures if (s := scope_of(f, lexicon)) is not None}
    if len(scopes) <= 1:
        return list(figures)
    order = list(dict.fromkeys(lexicon.scope_groups.values()))
    for scope in order:
        chosen = []
        for f in figures:
            if scope_of(f, lexicon) in (None, scope):
                chosen.append(f)
                continue
            alt = next((a for a in f.alternatives if scope_of(a, lexicon) == scope and not a.secondary), None)
            if alt is None:
                break
            alt.position, alt.end = f.position, f.end
            chosen.append(alt)
        else:
            return chosen
    return list(figures) if nested(scopes, lexicon) else None


def _ancestors(scope: str, lexicon: Lexicon) -> list[str]:
    out = [scope]
    while (up := lexicon.scope_within.get(out[-1])) is not None and up not in out:
        out.append(up)
    return out


def nested(scopes: set[str], lexicon: Lexicon) -> bool:
    """Every two scopes are one within the other (全部资金 ⊇ 财政拨款 ⊇ 一般公共预算 ⊇ 三公经费)."""
    chains = {s: _ancestors(s, lexicon) for s in scopes}
    return all(a in chains[b] or b in chains[a] for a in scopes for b in scopes)


def mixed_scopes(question: str, figures: Sequence[Figure], lexicon: Lexicon, operation: str) -> Answer:
    """The refusal of a computation whose figures stand in tables of different scopes."""
    listed = "；".join(f"{figure_text(f)}（{where(f)}，{scope_of(f, lexicon) or '说明'}口径）" for f in figures)
    return refuse("mixed_scopes", question, operation, listed=listed)
