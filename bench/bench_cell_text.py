"""Benchmark (issue 21, Speed): CPU of the grid cells' texts, pdfplumber's `Table.extract()` against
`ingest.pdf.cell_text.cell_texts` (the same texts: tests/ingest/test_parse_cost.py), over every ruled
table (the reader's TABLE_SETTINGS) of the given PDFs. The pages are read once; only the two text steps
are timed.

Run by hand (prints figures, asserts nothing):
    .venv/bin/python bench/bench_cell_text.py FILE.pdf [FILE.pdf ...]
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main(files: list[str]) -> int:
    import pdfplumber

    from ingest.pdf.cell_text import cell_texts, char_boxes
    from ingest.pdf.page_tables import TABLE_SETTINGS
    from ingest.pdf.quiet_log import quiet_pdfminer_debug

    quiet_pdfminer_debug()
    extract = ours = 0.0
    tables = 0
    for path in files:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                found = page.find_tables(TABLE_SETTINGS)
                if found:
                    chars = page.chars
                    started = time.process_time()
                    for table in found:
                        table.extract()
                    extract += time.process_time() - started
                    started = time.process_time()
                    boxes = char_boxes(chars)
                    for table in found:
                        cell_texts(table, chars, boxes)
                    ours += time.process_time() - started
                    tables += len(found)
                page.close()
    print(f"{len(files)} file(s), {tables} tables: Table.extract() {extract:.2f} s CPU, cell_texts {ours:.2f} s CPU")
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1:]))
