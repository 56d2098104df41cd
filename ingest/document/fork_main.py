"""Imported first by the parse fork server: its children must not run the caller's script again.

A child of a fork server re-imports the parent's `__main__` script (multiprocessing's preparation) unless
the process it is forked from already has that script as its `__main__` file: under the app, each parse
then imported Gradio and llama-index again (about 4 s of CPU per file). The parse children need only the
reader, which the server has imported; the parent names its script in BUDGETQA_FORK_MAIN (sandbox), and
the server's `__main__` takes that name, so the children skip it."""
from __future__ import annotations

import os
import sys

MAIN_ENV = "BUDGETQA_FORK_MAIN"

if os.environ.get(MAIN_ENV):
    sys.modules["__main__"].__file__ = os.environ[MAIN_ENV]
