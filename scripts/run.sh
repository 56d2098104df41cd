#!/usr/bin/env bash
# The main job: set up, then start the Gradio app (it ingests the bundled sample on first start).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python app.py "$@"
