"""Benchmark (issue 21, Speed): CPU of Chroma's `add` for a store's nodes, by what it keeps of each node
beside its id and vector: llama-index's node JSON and its keys (what ingest wrote before), the search
keys alone (kind, doc_sha: what it writes now), or nothing. The store's own vectors are added, 500 at
a time as ingest adds them, to fresh collections in turn; each node's JSON is rebuilt from the lookup.

Run by hand (prints figures, asserts nothing):
    .venv/bin/python bench/bench_chroma_keys.py STORE [--rounds 2]
"""
from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)  # Chroma's own threads included
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    import chromadb

    from ingest.store.index_check import expected_nodes
    from ingest.store.storage import StorePaths, Stores

    stores = Stores(StorePaths.at(args.store))
    got = stores.vectors.collection.get(include=["embeddings"])
    vectors = dict(zip(got["ids"], got["embeddings"]))
    nodes = [n for doc in stores.sql.documents() for n in expected_nodes(stores.sql, doc)[0] if n.node_id in vectors]

    def node_json(n):
        sha = n.metadata["doc_sha"]
        content = {"id_": n.node_id, "metadata": n.metadata, "text": n.text, "relationships": {"1": {"node_id": sha}}}
        return {"_node_content": json.dumps(content, ensure_ascii=False, separators=(",", ":")),
                "_node_type": "TextNode", "document_id": sha, "kind": n.metadata["kind"], "doc_sha": sha}

    kinds = {"node JSON and keys (before)": node_json,
             "kind, doc_sha (now)": lambda n: {"kind": n.metadata["kind"], "doc_sha": n.metadata["doc_sha"]},
             "nothing": None}
    print(f"{len(nodes)} nodes of {args.store}")
    for _ in range(args.rounds):
        for label, keep in kinds.items():
            collection = chromadb.PersistentClient(tempfile.mkdtemp()).create_collection(
                "bench", metadata={"hnsw:space": "cosine"}, embedding_function=None)
            started = cpu()
            for i in range(0, len(nodes), 500):
                part = nodes[i:i + 500]
                collection.add(ids=[n.node_id for n in part], embeddings=[vectors[n.node_id] for n in part],
                               metadatas=[keep(n) for n in part] if keep else None)
            print(f"  {label:28s} add {cpu() - started:6.2f} s CPU", flush=True)
    stores.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
