#!/usr/bin/env bash
# The test job: set up, then run the whole test suite (real PDF, SQLite, Chroma, browser).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m pytest "$@"
