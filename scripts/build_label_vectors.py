"""Build ingest/data/label_vectors.npz: the bundled e5 passage vectors of the texts every department's
disclosure repeats, which a fresh store would otherwise embed again:
- the national subject names (政府收支分类科目 功能分类 类/款/项 and 部门经济分类科目): the labels of the rows
  that print a subject code (3/5/7 digits, outside the performance tables, whose codes are projects');
- the template's words: the embedded texts (a section's heading words, a row's label) printed by the
  documents of at least COMMON_DEPARTMENTS departments (「名词解释」「机关运行经费」「上年结转」「合计」). A
  text one department prints (its units, projects, sentences) is never taken.

A table row is embedded by its label and a narrative chunk by its heading's words
(vectors.document_nodes); embedding them was most of e5's CPU at a fresh store's ingest. The texts are
read from the PDFs and workbooks of tests/data/ and ingest/samples/ (--exclude leaves a folder out, to
measure what the bundle saves on documents it was not built from); their vectors are what the configured
e5 gives for them today (e5's vector of a text is the same alone, in any batch, in any order:
tests/ingest/test_label_vectors.py), and the file records the embedder's identity: a store uses it only
when its embedder's identity is the same (ingest/store/label_vectors.py).

Run by hand after the model, its engine or the embedding of a row or a heading changes:
    .venv/bin/python scripts/build_label_vectors.py [--out ingest/data/label_vectors.npz] [--texts T.json]
                                                    [--exclude tests/data/real]
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


COMMON_DEPARTMENTS = 2  # a text printed by this many departments' documents is the template's


def corpus_files(exclude: list[Path] = ()) -> list[Path]:
    skip = [e.resolve() for e in exclude]
    return sorted(p for d in CORPORA for p in d.rglob("*") if p.suffix.lower() in SUFFIXES
                  and not any(p.resolve().is_relative_to(e) for e in skip))


def embedded_texts(path: Path) -> tuple[str, list[str], list[str]]:
    """A file's department, the embedded texts of its rows that carry a subject code (performance
    tables left out), and all its embedded texts."""
    from ingest.document.reader import read_document
    from ingest.pdf.layout import is_performance_title
    from ingest.store.vectors import document_nodes
    from ingest.tables.records import document_records

    doc = read_document(path)
    nodes, texts = document_nodes(doc, document_records(doc))
    coded = [text for node, text in zip(nodes, texts)
             if node.metadata["kind"] == "row" and SUBJECT_CODE.fullmatch(node.metadata["code"] or "")
             and not is_performance_title(node.metadata["table"])]
    return doc.department or str(path), coded, texts


def collect(exclude: list[Path] = ()) -> list[str]:
    found: dict[str, None] = {}
    departments: dict[str, set[str]] = {}
    for path in corpus_files(exclude):
        try:
            department, coded, texts = embedded_texts(path)
        except Exception as exc:     # a corpus file the reader refuses: said, and the others still read
            print(f"{path.name}: skipped ({exc})", file=sys.stderr)
            continue
        print(f"{path.name}: {len(coded)} coded rows, {len(set(texts))} texts", file=sys.stderr)
        found.update(dict.fromkeys(t for t in coded if t))
        for text in texts:
            departments.setdefault(text, set()).add(department)
    common = sorted(t for t, ds in departments.items() if t and len(ds) >= COMMON_DEPARTMENTS)
    found.update(dict.fromkeys(common))
    print(f"{len(found)} texts, {len(common)} printed by {COMMON_DEPARTMENTS}+ departments", file=sys.stderr)
    return sorted(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "ingest" / "data" / "label_vectors.npz")
    parser.add_argument("--texts", type=Path, help="read the texts from this JSON list (else from the corpora)")
    parser.add_argument("--exclude", type=Path, action="append", default=[],
                        help="leave this folder of the corpora out (repeatable)")
    args = parser.parse_args()
    texts = json.loads(args.texts.read_text("utf-8")) if args.texts else collect(args.exclude)
    from ingest.store.embed_cache import embedder_identity
    from ingest.store.embedding import configured_embedder
    from ingest.store.label_vectors import write_bundle

    embedder = configured_embedder()
    vectors = embedder.get_text_embedding_batch(texts)
    write_bundle(args.out, embedder_identity(embedder), texts, vectors)
    print(f"{args.out}: {len(texts)} texts, {args.out.stat().st_size:,} bytes, {embedder_identity(embedder)}")


if __name__ == "__main__":
    main()
