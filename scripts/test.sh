#!/usr/bin/env bash
# The test job: set up, then run the whole test suite (real PDF, SQLite, Chroma, browser).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "setup: 运行测试 / running the test suite (about 20 minutes on 2 cores; pytest shows its progress," \
  "screenshots go to test-artifacts/) …" >&2
exec .venv/bin/python -m pytest "$@"
