"""Synthetic budget disclosures (部门预算/决算公开) for round-trip tests and benchmarks of the ingest.

`generate(seed, index)` builds a `Disclosure` (plain data, money as Decimal, every total consistent);
`tables.build_tables(doc)` lays it out as the ten tables of a disclosure, cell by cell as printed;
`render_pdf` / `render_text` write the PDF and the text form; `gold_cells` lists every money cell
written. Deterministic from the seed, offline, a document in a fraction of a second.

    python -m eval.synth OUTDIR --count N --seed S [--format pdf|txt|both] [--kind 预算|决算|mixed]

The entry points are exported here; the rest is imported from the module that does it.
"""
from .generation import corpus, generate
from .gold import gold_cells
from .model import Disclosure
from .pdf import render_pdf
from .text import render_text

__all__ = ["Disclosure", "corpus", "generate", "gold_cells", "render_pdf", "render_text"]
