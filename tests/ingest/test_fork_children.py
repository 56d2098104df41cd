"""Parse children do not run the caller's script again (issue 21, Speed): under the app (`python app.py`)
each parse child re-imported app.py, Gradio and llama-index, about 4 s of CPU per file."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PDF = ROOT / "tests" / "data" / "real" / "江苏苏州_苏州市审计局_2026_部门预算.pdf"


def test_a_parse_child_does_not_import_the_callers_script(tmp_path):
    """A script standing for app.py notes each time it is run; it parses a real PDF in the sandbox twice
    (as the app's uploads do, through ingest_paths' parse) and the fork server's children must not run it.
    It also notes the parse child's view of sys.modules: the script's own heavy import is not there."""
    marks = tmp_path / "marks.txt"
    script = tmp_path / "app_like.py"
    script.write_text(textwrap.dedent(f"""
        import json
        from pathlib import Path
        import sys

        import wave  # noqa: F401 — stands for the app's own imports (Gradio, llama-index)
        with open({str(marks)!r}, "a") as f:
            f.write(__name__ + "\\n")

        if __name__ == "__main__":
            from ingest.document.sandbox import call_isolated, parse_isolated
            for _ in range(2):
                doc = parse_isolated({str(PDF)!r})
            print(json.dumps({{"tables": len(doc.tables),
                              "child_modules": call_isolated(eval, ("sorted(__import__('sys').modules)",), 60, 512)}}))
        """), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["tables"] > 5
    assert marks.read_text().split() == ["__main__"]
    assert "ingest.document.reader" in out["child_modules"] and "wave" not in out["child_modules"]


def test_a_parse_child_starts_with_the_pdf_readers_imports_in_memory():
    """The fork server imports the PDF reader's lazy imports once: a child that had to import pdfplumber,
    pdfminer (and cryptography) itself spent ~0.2 s of CPU per parsed file on it."""
    from ingest.document.sandbox import call_isolated

    modules = set(call_isolated(eval, ("sorted(__import__('sys').modules)",), 60, 512))
    assert {"ingest.pdf.pdf_reader", "pdfplumber", "pdfminer.pdfdocument", "cryptography",
            "pypdfium2"} <= modules
