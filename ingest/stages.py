"""A file's ingest told as it goes, by one callback: `stage(file, name, done, total)`, called with the
names of STAGES in their order — parse (started: 0, 0; done: pages, pages), records (built: n, n),
embed (texts embedded so far of those to embed: after each batch, from 0), store (0, 1) and ready
(1, 1: the document is stored). A file skipped or refused before its parse gets none; a file that
fails stops where it failed (the run's `progress` callback says how it ended). An unchanged file whose
vectors are being rebuilt reports embed only."""
from __future__ import annotations

from collections.abc import Callable

from .bounds import print_embed_progress

Stage = Callable[[str, str, int, int], None]  # (file, stage name, done, total)
STAGES = ("parse", "records", "embed", "store", "ready")


def print_stage(path: str, name: str, done: int, total: int) -> None:
    """The CLI's lines while a file is ingested: the embedding's progress (bounds.print_embed_progress)."""
    if name == "embed" and done:
        print_embed_progress(path, done, total)
