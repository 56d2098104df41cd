"""Benchmark: ingest the sample PDF into a fresh store and compare with a bare pdfplumber pass.

Prints pages/s, tables, records, chunks, embedding time, peak memory, and the time of a bare
pdfplumber pass (extract_text + extract_tables on every page) in the same run.
Run: .venv/bin/python bench/bench_ingest.py [PDF]
"""
from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "ingest" / "samples" / "changsha-gxj-2024.pdf"
sys.path.insert(0, str(ROOT / "bench"))  # its sibling modules

from grid_cells import bare_pass  # noqa: E402  (the one bare pass every bench compares with)


def main() -> None:
    pdf_path = Path(sys.argv[1]) if len(sys.argv) > 1 else SAMPLE
    from ingest.document.sandbox import parse_isolated
    from ingest.store.storage import StorePaths, Stores
    from ingest.store.vectors import document_nodes
    from ingest.tables.records import document_records

    bare = bare_pass(pdf_path)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        stores = Stores(StorePaths.at(tmp))
        _ = stores.vectors  # open Chroma and the embedder
        t_open = time.perf_counter()
        doc = parse_isolated(pdf_path)
        t_parse = time.perf_counter()
        records = document_records(doc)
        nodes, embed_texts = document_nodes(doc, records)
        t_records = time.perf_counter()
        unique = list(dict.fromkeys(embed_texts))
        stores.vectors.add(nodes, embed_texts)
        t_embed = time.perf_counter()
        with stores.sql.transaction() as tx:
            stores.sql.write_document(tx, doc, records)
        t_store = time.perf_counter()
        stores.close()
    total = t_store - t0
    self_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"file                 {pdf_path.name} ({doc.pages} pages)")
    print(f"bare pdfplumber pass {bare:6.2f} s  (extract_text + extract_tables, every page)")
    print(f"ingest total         {total:6.2f} s  = {total / bare:.2f}x the bare pass  ({doc.pages / total:.1f} pages/s)")
    print(f"  open stores        {t_open - t0:6.2f} s")
    print(f"  parse (child)      {t_parse - t_open:6.2f} s  ({doc.pages / (t_parse - t_open):.1f} pages/s)")
    print(f"  records + nodes    {t_records - t_parse:6.2f} s")
    print(f"  embed + Chroma add {t_embed - t_records:6.2f} s  ({len(nodes)} nodes, {len(unique)} distinct "
          f"texts, {sum(map(len, unique))} chars)")
    print(f"  write SQLite       {t_store - t_embed:6.2f} s")
    print(f"tables {len(doc.tables)}, records {len(records)} "
          f"({sum(r.value is not None for r in records)} money), chunks {len(doc.chunks)}, nodes {len(nodes)}")
    print(f"peak memory          parent {self_mb:.0f} MB, parse child {child_mb:.0f} MB")


if __name__ == "__main__":
    main()
