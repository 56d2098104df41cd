"""`budgetqa remove SHA`: take one stored document (one version of a disclosure) out of the store,
named by its file hash as `budgetqa list` shows it; a thin layer over ingest.store.removal."""
from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

EPILOG_REMOVE = """The document's numbers, its vectors and the PDF kept for its pages go; the other versions of
the same disclosure stay, and answers read the newest of them again. Waits while another process
writes the store (BUDGETQA_LOCK_TIMEOUT seconds, default 600).

Example:
  budgetqa list --store ./budgetqa-store          (each document's sha256, version, when and by whom)
  budgetqa remove 3f2a9c1e --store ./budgetqa-store"""


def add_remove_parser(sub: argparse._SubParsersAction, store_arg: Callable[[argparse.ArgumentParser], None]) -> None:
    p = sub.add_parser("remove", help="remove one stored document (one version), named by its file hash",
                       epilog=EPILOG_REMOVE, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("sha", metavar="SHA", help="the document's sha256, or its first 8 characters as list shows")
    store_arg(p)


def cmd_remove(args: argparse.Namespace) -> int:
    from ingest.errors import IngestError
    from ingest.store.removal import RemoveError, remove_version
    from ingest.store.storage import StorePaths
    from ingest.store.store import Store
    from ingest.store.versions import short_sha

    paths = StorePaths.at(args.store)
    if not Store.exists(paths.sqlite):
        print(f"error: {paths.root}: no store here (run `budgetqa ingest` first)", file=sys.stderr)
        return 1
    try:
        doc = remove_version(paths.root, args.sha)
    except (RemoveError, IngestError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"removed: {doc.source}  {doc.title}  sha256 {short_sha(doc.sha256)}", file=sys.stderr)
    return 0
