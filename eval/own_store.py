"""A question set's own store: its corpus (`<stem>.corpus.json`, else the bundled sample) ingested into a
store of its own under a cache folder, so an evaluation never runs against a user's store, whatever it
holds. The store is named after the content of its corpus and of the ingest code, built once (under a
lock, marked ready last) and reused while both are unchanged."""
from __future__ import annotations

import fcntl
import hashlib
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import ingest

from .runner import SAMPLE_PDF, corpus_file, ensure_store, write_corpus

READY = "corpus-ready.json"  # written last: a store without it is half built and is built again
INGEST_DIR = Path(ingest.__file__).resolve().parent


@dataclass(frozen=True)
class Corpus:
    """The documents a question set is about."""

    questions: Path
    spec: Path | None  # the corpus file, or None: the bundled sample PDF

    def name(self) -> str:
        """「内置示例 changsha-gxj-2024.pdf」 or 「many.corpus.json（9 份文档）」, as the app says it."""
        if self.spec is None:
            return f"内置示例 {SAMPLE_PDF.name}"
        return f"{self.spec.name}（{len(json.loads(self.spec.read_text(encoding='utf-8')))} 份文档）"

    def key(self) -> str:
        """A digest of the corpus's documents as they are ingested and of the ingest code and data."""
        digest = hashlib.sha256()
        with tempfile.TemporaryDirectory(prefix="budgetqa-corpus-key-") as tmp:
            files = write_corpus(self.spec, tmp) if self.spec else [SAMPLE_PDF]
            for path in files:
                digest.update(path.name.encode() + b"\0" + path.read_bytes())
        for path in sorted(INGEST_DIR.rglob("*")):
            if path.suffix in (".py", ".json") and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(INGEST_DIR)).encode() + b"\0" + path.read_bytes())
        return digest.hexdigest()[:16]


def corpus_of(questions_path: str | Path) -> Corpus:
    return Corpus(Path(questions_path), corpus_file(questions_path))


def own_store(corpus: Corpus, root: str | Path) -> tuple[Path, bool]:
    """The corpus's store under `root` and whether it was built now (False: reused). Built under a lock
    file, so two apps sharing `root` build it once; a half-built one (no READY mark) is built again."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    key = corpus.key()
    store = root / key
    with (root / f"{key}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (store / READY).is_file():
            return store, False
        shutil.rmtree(store, ignore_errors=True)
        ensure_store(store, corpus.questions)
        (store / READY).write_text(json.dumps({"questions": corpus.questions.name, "corpus": corpus.name()},
                                              ensure_ascii=False), encoding="utf-8")
    return store, True
