"""The ingest tests' helpers (pdf_fixtures.py) importable by name."""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))  # pdf_fixtures.py
