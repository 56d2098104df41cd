"""An ingest embeds and writes the vector index without importing llama-index (its import was 1.2 s of
every ingest's CPU); the first search then reads what it wrote through llama-index, as before."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REAL = Path(__file__).resolve().parents[1] / "data" / "real"
FILE = REAL / "重庆_重庆市水利局_2026_部门预算.pdf"


def test_an_ingest_does_not_import_llama_index_and_a_search_reads_what_it_wrote(tmp_path: Path):
    code = (
        "import sys, json, contextlib, io\nfrom chatbot.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
        f"    rc = main(['ingest', {str(FILE)!r}, '--store', {str(tmp_path)!r}])\n"
        "before = sorted({m.split('.')[0] for m in sys.modules} & {'llama_index', 'chromadb'})\n"
        "from ingest.store.storage import StorePaths, Stores\n"
        f"stores = Stores(StorePaths.at({str(tmp_path)!r}))\n"
        "rows = stores.vectors.retrieve('一般公共服务支出', 3, kind='row')\n"
        "chunks = stores.vectors.retrieve('部门主要职责', 3, kind='chunk')\n"
        "print(json.dumps({'rc': rc, 'before': before, 'rows': [n.node.metadata['row'] for n in rows],\n"
        "    'row_text': rows[0].node.text if rows else '', 'chunks': [n.node.metadata['section'] for n in chunks],\n"
        "    'after': 'llama_index' in sys.modules, 'count': stores.vectors.count()}, ensure_ascii=False))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["rc"] == 0 and got["before"] == ["chromadb"]          # Chroma written, llama-index never loaded
    assert got["after"] and got["count"] > 50                          # a search wraps the embedder for llama-index
    assert "一般公共服务支出" in got["rows"][0] and "万元" in got["row_text"]
    assert len(got["chunks"]) == 3
