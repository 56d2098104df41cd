"""`budgetqa repair`, and the vector index's lines of `budgetqa check`: the index compared with the
numeric lookup document by document, and what it lacks rebuilt from the lookup (ingest.store.index_check)."""
from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

EPILOG_REPAIR = """Rebuilds what the vector index (chroma/) lacks from the numeric lookup (SQLite): each document's
table rows and narrative chunks, embedded again (the store's embedding cache spares most of the work),
with the same ids a fresh ingest gives them. `budgetqa check` says what is missing.

Example:
  budgetqa check --store ./budgetqa-store      (✗ [索引] 向量索引缺少 …)
  budgetqa repair --store ./budgetqa-store"""


def add_repair_parser(sub: argparse._SubParsersAction, store_arg: Callable[[argparse.ArgumentParser], None]) -> None:
    p = sub.add_parser("repair", help="rebuild the vectors the index lacks from the numeric lookup",
                       epilog=EPILOG_REPAIR, formatter_class=argparse.RawDescriptionHelpFormatter)
    store_arg(p)


def index_gaps(paths: Any) -> list[Any]:
    """Each document's vectors against the lookup (ingest.store.index_check)."""
    from ingest.store.index_check import compare_index
    from ingest.store.storage import open_stores

    stores = open_stores(paths)
    try:
        return compare_index(stores)
    finally:
        stores.close()


def cmd_repair(args: argparse.Namespace) -> int:
    from ingest.errors import IngestError
    from ingest.store.index_check import repair_index
    from ingest.store.storage import StorePaths, open_stores
    from ingest.store.store import Store

    paths = StorePaths.at(args.store)
    if not Store.exists(paths.sqlite):
        print(f"error: {paths.root}: no store here (run `budgetqa ingest` first)", file=sys.stderr)
        return 1
    stores = open_stores(paths)
    try:
        with stores.writing():        # one writer at a time: the store lock every writer takes
            repaired = repair_index(stores, progress=_progress)
    except IngestError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        stores.close()
    for gap, added in repaired:
        print(f"repaired: {gap.document.title}: {added} vector(s) rebuilt ({gap.counts()} before)", file=sys.stderr)
    total = sum(added for _, added in repaired)
    print(f"向量索引完整 / the vector index is complete: {total} vector(s) rebuilt for {len(repaired)} document(s)",
          file=sys.stderr)
    return 0


def _progress(title: str, done: int, total: int) -> None:
    """「repairing: 标题: texts embedded 256/1,359」 on stderr, a line per batch (in place on a terminal)."""
    line = f"repairing: {title}: texts embedded {done:,}/{total:,}"
    if sys.stderr.isatty():
        print(f"\r{line}", end="\n" if done == total else "", file=sys.stderr, flush=True)
    else:
        print(line, file=sys.stderr, flush=True)
