"""Plants known errors into stored copies of real disclosures and reports, per class, how many
`budgetqa check` finds; and over the unaltered documents, how many checks fail (false alarms).

    .venv/bin/python bench/plant_errors.py --stores /tmp/realstore /tmp/breadthstore [--per-class 30]

Each mutation is written inside a transaction of a copy of the store's SQLite file, checked, and rolled
back. A planted error is found when a check of its class fails that passed before on that document.
Classes: narrative_figure (a 万元 figure of the narrative), comparison_word (增加↔减少, 大于↔小于 …),
header_department (a table's 「部门：…」 header line, the tables.department column, names another
department), title_department (a table title, the cover or a part title names another department),
title_year (a table title's year),
dropped_table (a mandated table gone), altered_total (a total cell changed)."""
from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ingest.checks import Check, run_checks  # noqa: E402
from ingest.checks.check import spec  # noqa: E402
from ingest.checks.identity import same_department  # noqa: E402
from ingest.store.store import Store, StoredDocument  # noqa: E402
from ingest.tables.kinds import mandated_kinds  # noqa: E402

FLIPS = {"增加": "减少", "减少": "增加", "增长": "下降", "下降": "增长", "上升": "下降", "大于": "小于", "小于": "大于",
         "持平": "小于", "等于": "小于", "高于": "低于", "低于": "高于"}
Mutation = Callable[[Store], str]  # writes the error, returns the category that should catch it


def _key(c: Check) -> tuple:
    return (c.category, c.name, tuple(r.id for r in c.cells))


def _failing(store: Store, doc: StoredDocument) -> set[tuple]:
    return {_key(c) for c in run_checks(store, doc.id, completeness=True) if not c.passed}


def _wrong_figure(text: str) -> str:
    value = Decimal(text.replace(",", ""))
    places = -value.as_tuple().exponent if isinstance(value.as_tuple().exponent, int) else 0
    return f"{value * Decimal('1.1') + 7:.{max(places, 0)}f}"


def narrative_figure(c: Check) -> Mutation | None:
    m = re.search(r"说明「(.+?)」", c.name)
    if c.category != "说明与表格" or not m or c.quote is None:
        return None
    said = m.group(1)
    figure = re.search(r"(\d[\d,]*(?:\.\d+)?)\s*万元$", said)
    if not figure:
        return None
    wrong = said[:figure.start(1)] + _wrong_figure(figure.group(1)) + said[figure.end(1):]
    chunk_id = c.quote.id
    return lambda s: (s.execute("UPDATE chunks SET text = replace(text, ?, ?) WHERE id = ?", (said, wrong, chunk_id)),
                      "说明与表格")[1]


def comparison_word(c: Check) -> Mutation | None:
    m = re.search(r"说明「(?:[^」]*…)?(.+?)」", c.name)
    if c.category != "比较用语" or not m or c.quote is None:
        return None
    said = m.group(1)
    word = next((w for w in sorted(FLIPS, key=len, reverse=True) if w in said), None)
    if word is None:
        return None
    flipped = said.replace(word, FLIPS[word], 1)
    chunk_id = c.quote.id
    return lambda s: (s.execute("UPDATE chunks SET text = replace(text, ?, ?) WHERE id = ?",
                                (said, flipped, chunk_id)), "比较用语")[1]


def header_department(doc: StoredDocument, table: dict, other: str) -> Mutation | None:
    """The table's header line names `other` (only where the table prints one and the document names
    its own department: nothing to compare else)."""
    if not (table.get("department") and doc.department and other):
        return None
    return lambda s: (s.execute("UPDATE tables SET department = ? WHERE id = ?", (other, table["id"])), "身份")[1]


def title_department(c: Check, other: str) -> Mutation | None:
    m = re.search(r"的部门「(.+?)」", c.name)
    if c.category != "身份" or not m or not other or "表头" in c.name:
        return None
    name, doc_id = m.group(1), c.quote.document_id if c.quote else None

    def plant(s: Store) -> str:
        if c.about:
            s.execute("UPDATE tables SET title = replace(title, ?, ?) WHERE title = ?", (name, other, c.about[0]))
        elif doc_id is not None:
            s.execute("UPDATE chunks SET section = replace(section, ?, ?), text = replace(text, ?, ?) "
                      "WHERE document_id = ?", (name, other, name, other, doc_id))
        return "身份"
    return plant


def title_year(doc: StoredDocument, table: dict) -> Mutation | None:
    m = re.search(r"20\d{2}", table["title"])
    if not m:
        return None
    wrong = table["title"].replace(m.group(0), str(int(m.group(0)) - 1), 1)
    return lambda s: (s.execute("UPDATE tables SET title = ? WHERE id = ?", (wrong, table["id"])),
                      s.execute("UPDATE records SET table_title = ? WHERE table_id = ?", (wrong, table["id"])),
                      "身份")[2]


def dropped_table(doc: StoredDocument, table: dict) -> Mutation | None:
    if table["kind"] not in mandated_kinds(doc.kind):
        return None
    return lambda s: (s.execute("DELETE FROM records WHERE table_id IN (SELECT id FROM tables WHERE document_id = ? "
                                "AND kind = ?)", (doc.id, table["kind"])),
                      s.execute("DELETE FROM tables WHERE document_id = ? AND kind = ?", (doc.id, table["kind"])),
                      "完整性")[2]


def altered_total(c: Check) -> Mutation | None:
    if c.category not in ("表内", "合计行", "科目层级") or not c.cells or c.relation != "=":
        return None
    head = c.cells[0]
    if head.value is None or head.value == 0:
        return None
    wrong = head.value + Decimal(1).scaleb(max(-2, head.value.as_tuple().exponent)) * 37  # type: ignore[arg-type]
    return lambda s: (s.execute("UPDATE records SET value = ?, value_wan = NULL WHERE id = ?", (f"{wrong:f}", head.id)),
                      None)[1] or c.category


def candidates(store: Store, doc: StoredDocument, checks: list[Check], other: str) -> dict[str, list[Mutation]]:
    """Every error that can be planted in this document, by class."""
    passed = [c for c in checks if c.passed]
    tables = store.tables(doc.id)
    out: dict[str, list[Mutation]] = {
        "narrative_figure": [m for m in map(narrative_figure, passed) if m],
        "comparison_word": [m for m in map(comparison_word, passed) if m],
        "header_department": [m for m in (header_department(doc, t, other) for t in tables) if m],
        "title_department": [m for m in (title_department(c, other) for c in passed) if m],
        "title_year": [m for m in (title_year(doc, t) for t in tables) if m],
        "dropped_table": [m for m in (dropped_table(doc, t) for t in tables) if m],
        "altered_total": [m for m in map(altered_total, passed) if m],
    }
    return out


def other_department(docs: list[StoredDocument], doc: StoredDocument) -> str:
    """A department of the store that is not `doc`'s, not even by abbreviation (「上海市司法局」 reads
    as 「上海市普陀区司法局」 shortened, so it is not planted as another one)."""
    return next((d.department for d in docs if d.department and not same_department(d.department, doc.department)),
                "")


def run(stores: list[Path], per_class: int, seed: int) -> None:
    rng = random.Random(seed)
    found: Counter = Counter()
    planted: Counter = Counter()
    clean_total = clean_failed = 0
    for root in stores:
        with tempfile.TemporaryDirectory() as tmp:
            shutil.copy(root / "budgetqa.sqlite", Path(tmp) / "budgetqa.sqlite")
            store = Store(Path(tmp) / "budgetqa.sqlite")
            docs = store.documents()
            pool: dict[str, list[tuple[StoredDocument, Mutation]]] = {}
            for doc in docs:
                checks = run_checks(store, doc.id)
                clean_total += len(checks)
                clean_failed += sum(not c.passed for c in checks)
                other = other_department(docs, doc)
                for cls, muts in candidates(store, doc, checks, other).items():
                    pool.setdefault(cls, []).extend((doc, m) for m in muts)
            for cls, items in pool.items():
                for doc, mutate in rng.sample(items, min(per_class, len(items))):
                    before = _failing(store, doc)
                    category = mutate(store)
                    after = run_checks(store, doc.id, completeness=True)
                    store.db.rollback()
                    planted[cls] += 1
                    found[cls] += any(not c.passed and c.category == category and _key(c) not in before for c in after)
            store.close()
    print(f"{'class':20} planted  found  rate")
    for cls in planted:
        print(f"{cls:20} {planted[cls]:7d} {found[cls]:6d}  {found[cls] / planted[cls]:.1%}")
    print(f"clean documents: {clean_total - clean_failed}/{clean_total} checks passed "
          f"({(clean_total - clean_failed) / max(clean_total, 1):.2%}), {clean_failed} false alarms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stores", nargs="+", type=Path, default=[Path("/tmp/realstore"), Path("/tmp/breadthstore")])
    parser.add_argument("--per-class", type=int, default=30, help="errors planted per class and store")
    parser.add_argument("--seed", type=int, default=21)
    args = parser.parse_args()
    _ = spec()
    run(args.stores, args.per_class, args.seed)


if __name__ == "__main__":
    main()
