"""Bounds on the work of ingesting one file after its parse: how many records and texts to embed a
document may bring, and how long the whole ingest of a file may take (the parse included). A
200,000-row workbook parses within the parse limits, then would embed for most of an hour; a file that
oversteps ends in one line naming it, with nothing of it stored, and the writer (the CLI, the app's
single ingest slot) is free again within the limit.

The limits are read from the environment when an ingest starts, not at import: a server keeps running
while its settings are changed for the next upload, and a test sets them low."""
from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import IngestTimeout, TooMuchToEmbed

# The biggest real disclosures have a few thousand records and fewer rows; these leave room ten
# times over and still stop a workbook of a hundred thousand rows before its records are built.
DEFAULT_SECONDS = 300.0
DEFAULT_MAX_TEXTS = 20_000
DEFAULT_MAX_RECORDS = 200_000
EMBED_BATCH = 256  # texts embedded between two looks at the clock (a few seconds on a busy CPU)

EmbedProgress = Callable[[str, int, int], None]  # (file, texts embedded, texts to embed)


@dataclass(frozen=True)
class IngestLimits:
    """Wall-clock seconds for a file's whole ingest (BUDGETQA_INGEST_SECONDS), texts to embed per
    document (BUDGETQA_MAX_EMBED_TEXTS: its table rows and narrative chunks) and records per document
    (BUDGETQA_MAX_RECORDS)."""

    seconds: float = DEFAULT_SECONDS
    max_texts: int = DEFAULT_MAX_TEXTS
    max_records: int = DEFAULT_MAX_RECORDS
    seconds_per_page: float = 0.0   # more for each page, as the parse's own limit grows (sandbox.ParseLimits)

    @classmethod
    def from_env(cls) -> IngestLimits:
        return cls(_env_number("BUDGETQA_INGEST_SECONDS", DEFAULT_SECONDS, float),
                   _env_number("BUDGETQA_MAX_EMBED_TEXTS", DEFAULT_MAX_TEXTS, int),
                   _env_number("BUDGETQA_MAX_RECORDS", DEFAULT_MAX_RECORDS, int),
                   _env_number("BUDGETQA_PARSE_SECONDS_PER_PAGE", 1.0, float))


def _env_number(name: str, default: Any, kind: type) -> Any:
    """A positive number from the environment; the default when unset or not a positive number."""
    try:
        value = kind(os.environ[name])
    except (KeyError, ValueError):
        return default
    return value if value > 0 else default


class Deadline:
    """The moment a file's ingest must be over; `check` raises IngestTimeout once it has passed."""

    def __init__(self, path: str | Path, limits: IngestLimits, spent: float = 0.0, pages: int = 0) -> None:
        self.path = str(path)
        self.limits = limits
        self.at = time.monotonic() + limits.seconds + limits.seconds_per_page * pages - spent

    def remaining(self) -> float:
        return self.at - time.monotonic()

    def check(self, stage: str) -> None:
        if self.remaining() <= 0:
            raise timeout(self.path, self.limits, stage)


def timeout(path: str, limits: IngestLimits, stage: str) -> IngestTimeout:
    return IngestTimeout(path, f"入库超时，已停止，未存入任何内容 / the ingest took longer than {limits.seconds:g} s "
                               f"(BUDGETQA_INGEST_SECONDS) while {stage}; stopped, nothing stored")


def check_size(path: str, rows: int, chunks: int, limits: IngestLimits) -> None:
    """Before the records are built: a document whose table rows and narrative chunks (one embedded
    text each) pass the limit is stopped."""
    if rows + chunks > limits.max_texts:
        raise TooMuchToEmbed(path, f"文件过大，未入库 / {rows + chunks:,} texts to embed ({rows:,} table rows, "
                                   f"{chunks:,} narrative chunks), more than the limit of {limits.max_texts:,} "
                                   "(BUDGETQA_MAX_EMBED_TEXTS); nothing stored")


def check_records(path: str, records: int, limits: IngestLimits) -> None:
    if records > limits.max_records:
        raise TooMuchToEmbed(path, f"文件过大，未入库 / {records:,} records, more than the limit of "
                                   f"{limits.max_records:,} (BUDGETQA_MAX_RECORDS); nothing stored")


def embed_within(vectors: Any, path: str, texts: list[str], deadline: Deadline | None,
                 progress: EmbedProgress | None = None) -> None:
    """Embed the texts the store's cache lacks, a batch at a time, into that cache (the vector index
    then takes them from there), saying how far it got and stopping at the deadline."""
    distinct = list(dict.fromkeys(texts))
    for start in range(0, len(distinct), EMBED_BATCH):
        if deadline is not None:
            deadline.check(f"embedding ({start:,}/{len(distinct):,} texts embedded)")
        vectors.embeddings(distinct[start:start + EMBED_BATCH])
        if progress is not None:
            progress(path, min(start + EMBED_BATCH, len(distinct)), len(distinct))
    if deadline is not None:
        deadline.check(f"embedding ({len(distinct):,}/{len(distinct):,} texts embedded)")


def print_embed_progress(path: str, done: int, total: int) -> None:
    """「  texts embedded 512/1,359  file.pdf」 on stderr: in place on a terminal, else a line per tenth."""
    if total < EMBED_BATCH * 2:
        return  # a few seconds' work: no progress to show
    line = f"  texts embedded {done:,}/{total:,}  {Path(path).name}"
    if sys.stderr.isatty():
        print(f"\r{line}", end="\n" if done == total else "", file=sys.stderr, flush=True)
    elif done == total or done * 10 // total != (done - EMBED_BATCH) * 10 // total:
        print(line, file=sys.stderr, flush=True)
