"""Build ingest/data/label_vectors.npz: the bundled e5 passage vectors of the national subject names
(政府收支分类科目 功能分类 类/款/项 and 部门经济分类科目), the row labels every department's tables repeat.

A table row is embedded by its label (vectors.document_nodes: strip_ordinal(label)); the same names recur
in every province's disclosure, and embedding them was about half of e5's CPU at a fresh store's ingest.
The texts are taken from the rows that print a subject code (3/5/7 digits, outside the performance
tables, whose codes are projects'), never from unit or project names, in the PDFs and workbooks of
tests/data/ and ingest/samples/; their vectors are what the configured e5 gives for them today (e5's
vector of a text is the same alone, in any batch, in any order: tests/ingest/test_label_vectors.py), and
the file records the embedder's identity: a store uses it only when its embedder's identity is the same
(ingest/store/label_vectors.py).

Run by hand after the model, its engine or the embedding of a row changes:
    .venv/bin/python scripts/build_label_vectors.py [--out ingest/data/label_vectors.npz] [--texts T.json]
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CORPORA = [ROOT / "tests" / "data", ROOT / "ingest" / "samples"]
SUFFIXES = {".pdf", ".xlsx"}
# 功能分类 类 2xx, 款 2xxxx, 项 2xxxxxx; 部门经济分类 3xx, 3xxxx; 政府经济分类 5xx, 5xxxx. A unit's code
# (「024」「117001」 beside its name in a 收入总表) is none of these.
SUBJECT_CODE = re.compile(r"2\d{2}(?:\d{2}){0,2}|[35]\d{2}(?:\d{2})?")


def corpus_files() -> list[Path]:
    return sorted(p for d in CORPORA for p in d.rglob("*") if p.suffix.lower() in SUFFIXES)


def subject_texts(path: Path) -> list[str]:
    """The embedded texts of a file's rows that carry a subject code (performance tables left out)."""
    from ingest.document.reader import read_document
    from ingest.pdf.layout import is_performance_title
    from ingest.store.vectors import document_nodes
    from ingest.tables.records import document_records

    doc = read_document(path)
    nodes, texts = document_nodes(doc, document_records(doc))
    return [text for node, text in zip(nodes, texts)
            if node.metadata["kind"] == "row" and SUBJECT_CODE.fullmatch(node.metadata["code"] or "")
            and not is_performance_title(node.metadata["table"])]


def collect() -> list[str]:
    found: dict[str, None] = {}
    for path in corpus_files():
        try:
            texts = subject_texts(path)
        except Exception as exc:     # a corpus file the reader refuses: said, and the others still read
            print(f"{path.name}: skipped ({exc})", file=sys.stderr)
            continue
        print(f"{path.name}: {len(texts)} coded rows", file=sys.stderr)
        found.update(dict.fromkeys(t for t in texts if t))
    return sorted(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "ingest" / "data" / "label_vectors.npz")
    parser.add_argument("--texts", type=Path, help="read the texts from this JSON list (else from the corpora)")
    args = parser.parse_args()
    texts = json.loads(args.texts.read_text("utf-8")) if args.texts else collect()
    from ingest.store.embed_cache import embedder_identity
    from ingest.store.embedding import configured_embedder
    from ingest.store.label_vectors import write_bundle

    embedder = configured_embedder()
    vectors = embedder.get_text_embedding_batch(texts)
    write_bundle(args.out, embedder_identity(embedder), texts, vectors)
    print(f"{args.out}: {len(texts)} texts, {args.out.stat().st_size:,} bytes, {embedder_identity(embedder)}")


if __name__ == "__main__":
    main()
