"""The budget-domain vocabulary, loaded from data: aliases, concepts, table kinds and column synonyms.

Pure functions over strings, so every phrasing the lexicon knows is testable without a store.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class TableKind:
    """A kind of disclosure table (三公表, 基本支出表 …): how its title reads and how people name it."""

    key: str
    title: re.Pattern[str]
    synonyms: tuple[str, ...]
    kinds: tuple[str, ...] = ()     # the canonical kinds of ingest (tables.kind) it stands for


@dataclass(frozen=True)
class PartTables:
    """Table kinds printing one part of the spending split by funding scope, and the scopes' words."""

    kinds: tuple[str, ...] = ()
    scopes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Lexicon:
    aliases: dict[str, str]                 # alias -> canonical term
    concepts: dict[str, dict[str, Any]]     # canonical term -> what it means in the tables
    tables: tuple[TableKind, ...]           # in default preference order
    columns: dict[str, str]                 # column synonym -> canonical column
    total_labels: frozenset[str]
    dictionary: tuple[str, ...]
    related: dict[str, tuple[str, ...]] = field(default_factory=dict)
    bare_totals: frozenset[str] = frozenset()
    prior_columns: tuple[str, ...] = ()
    budget_columns: tuple[str, ...] = ()
    function_classes: dict[str, str] = field(default_factory=dict)   # 类 code -> printed name
    economic_code_starts: tuple[str, ...] = ()      # 3, 5: first digits of economic-classification codes
    unit_row: re.Pattern[str] | None = None         # a row naming an organisation (…中心, …分局, …（本级）)
    scope_groups: dict[str, str] = field(default_factory=dict)       # table kind -> funding scope
    scope_within: dict[str, str] = field(default_factory=dict)       # scope -> the scope it is part of
    carry_over_words: tuple[str, ...] = ()          # 结转, 结余: a heading whose rows are not this year's
    broadest_tables: tuple[str, ...] = ()           # table kinds holding all funds, broadest first
    spending_tables: tuple[str, ...] = ()           # table kinds of spending only: no 收入 is read from them
    income_tables: tuple[str, ...] = ()             # table kinds of income only: no 支出 is read from them
    part_tables: PartTables = PartTables()          # tables of one part of the spending, by funding scope
    qualifier_links: frozenset[str] = frozenset()   # 「的」「中的」: between a table's word and a row's name
    table_totals: dict[str, str] = field(default_factory=dict)   # term -> table kind whose 合计 it is, if unprinted
    _alias_lengths: tuple[int, ...] = field(default=(), repr=False)

    @cached_property
    def terms(self) -> frozenset[str]:
        """Every budget term the lexicon knows in its printed form: canonical terms, concepts, dictionary words."""
        return frozenset([*self.aliases.values(), *self.concepts, *self.dictionary])

    def canonical(self, text: str, keep: frozenset[str] | set[str] = frozenset()) -> str:
        """Rewrite the ways people say budget terms into the printed terms, longest match first.

        `keep` holds phrases that must stay as they are (printed row labels such as
        「公务用车运行维护费」 that contain an alias)."""
        out: list[str] = []
        i = 0
        lengths = sorted(set(self._alias_lengths) | {len(k) for k in keep}, reverse=True)
        while i < len(text):
            for n in lengths:
                piece = text[i:i + n]
                if len(piece) < n:
                    continue
                if piece in keep:
                    out.append(piece)
                    break
                if piece in self.aliases:
                    out.append(self.aliases[piece])
                    break
            else:
                out.append(text[i])
                n = 1
            i += n
        return "".join(out)

    def table_key(self, title: str, kind: str | None = None) -> str | None:
        """The chatbot's kind of a table: from its canonical kind (ingest's `tables.kind`) when a kind
        stands for it, else from its printed title (the first kind whose title pattern fits)."""
        if kind:
            for k in self.tables:
                if kind in k.kinds:
                    return k.key
        for k in self.tables:
            if k.title.search(title):
                return k.key
        return None

    def table_hints(self, text: str) -> list[tuple[str, int, int]]:
        """Table kinds a question names (三公表, 经济科目 → 基本支出表 …) as (key, start, end), longest first."""
        found: list[tuple[str, int, int]] = []
        taken = [False] * len(text)
        pairs = sorted(((s, k.key) for k in self.tables for s in k.synonyms), key=lambda p: -len(p[0]))
        for syn, key in pairs:
            for m in re.finditer(re.escape(syn), text):
                if not any(taken[m.start():m.end()]):
                    found.append((key, m.start(), m.end()))
                    for j in range(m.start(), m.end()):
                        taken[j] = True
        return sorted(found, key=lambda f: f[1])

    def named_titles(self, text: str) -> list[str]:
        """The tables a question names by their title (「一般公共预算支出表中…」), each as the words a printed
        title must hold in order (kind words such as 决算/预算/总 left out: 「决算支出总表」 is 支出决算表)."""
        out = []
        for _, start, end in self.table_hints(text):
            if text[start:end].endswith("表") or text[end:end + 1] == "表":
                out.append(re.sub(r"决算|预算|部门|总|情况", "", text[start:end].removesuffix("表")))
        return out

    @staticmethod
    def title_fits(said: str, title: str) -> bool:
        """A printed title holds the words a question named it by, in order."""
        plain = re.sub(r"[\s（）()“”\"]", "", title)
        it = iter(plain)
        return all(ch in it for ch in said)

    def preference(self, key: str | None) -> int:
        """Rank of a table kind in the default order for a bare term (lower is preferred)."""
        for i, kind in enumerate(self.tables):
            if kind.key == key:
                return i
        return len(self.tables)

    def broad_preference(self, key: str | None) -> int:
        """Rank of a table kind for a column's total said bare (「基本支出」): the broadest tables first
        (all funds before one funding scope), then the default order."""
        broad = self.broadest_tables
        return broad.index(key) if key in broad else len(broad) + self.preference(key)

    def column(self, word: str) -> str:
        """Canonical column for a column word (合计/小计/资金总额 → 总计)."""
        return self.columns.get(word, word)


@lru_cache(maxsize=4)
def load_lexicon(path: str | None = None) -> Lexicon:
    """The lexicon from `chatbot/data/lexicon.json` (or `path`)."""
    data = json.loads(Path(path or DATA / "lexicon.json").read_text(encoding="utf-8"))
    aliases: dict[str, str] = {}
    for canon, words in data["aliases"].items():
        aliases[canon] = canon
        for w in words:
            if w in aliases and aliases[w] != canon and w not in data["aliases"]:
                raise ValueError(f"lexicon: alias {w!r} given for both {aliases[w]!r} and {canon!r}")
            aliases.setdefault(w, canon)
    for canon in data["concepts"]:
        aliases.setdefault(canon, canon)
    tables = tuple(TableKind(t["key"], re.compile(t["title"]), tuple(t["synonyms"]), tuple(t.get("kinds", ())))
                   for t in data["tables"])
    columns = {w: canon for canon, words in data["columns"].items() for w in [canon, *words]}
    return Lexicon(aliases=aliases, concepts=data["concepts"], tables=tables, columns=columns,
                   total_labels=frozenset(data["total_labels"]), dictionary=tuple(data["dictionary"]),
                   related={k: tuple(v) for k, v in data.get("related", {}).items() if not k.startswith("_")},
                   bare_totals=frozenset(data.get("bare_totals", ())),
                   table_totals={k: v for k, v in data.get("table_totals", {}).items() if not k.startswith("_")},
                   prior_columns=tuple(data.get("prior_columns", ())),
                   budget_columns=tuple(data.get("budget_columns", ())),
                   function_classes=dict(data.get("function_classes", {})),
                   economic_code_starts=tuple(data.get("economic_code_starts", {}).get("starts", ())),
                   unit_row=re.compile(data["unit_row"]["pattern"]) if "unit_row" in data else None,
                   scope_groups={k: g for g, ks in data.get("scope_groups", {}).items() for k in ks},
                   scope_within={k: v for k, v in data.get("scope_within", {}).items() if not k.startswith("_")},
                   qualifier_links=frozenset(data.get("qualifier_links", ())),
                   broadest_tables=tuple(data.get("broadest_tables", ())),
                   spending_tables=tuple(data.get("spending_tables", ())),
                   income_tables=tuple(data.get("income_tables", ())),
                   part_tables=PartTables(**{k: tuple(v) for k, v in data.get("part_tables", {}).items()
                                             if not k.startswith("_")}),
                   carry_over_words=tuple(data.get("carry_over_words", ())),
                   _alias_lengths=tuple(sorted({len(a) for a in aliases}, reverse=True)))


@lru_cache(maxsize=4)
def load_patterns(path: str | None = None) -> dict[str, Any]:
    """Question patterns from `chatbot/data/patterns.json` (or `path`), regexes compiled."""
    data = json.loads(Path(path or DATA / "patterns.json").read_text(encoding="utf-8"))
    data["operations"] = [(o["op"], [re.compile(p) for p in o["patterns"]]) for o in data["operations"]]
    scope = data["scope"]
    scope["year"] = re.compile(scope["year"])
    scope["org"] = re.compile(scope["org"])
    return data
