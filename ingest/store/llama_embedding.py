"""Our embedders as llama-index sees them, made when a search first runs: an ingest never needs this
(ingest.store.embedding keeps llama-index's import, 1.2 s of CPU, out of every ingest)."""
from __future__ import annotations

from typing import Any

from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr


class LlamaEmbedding(BaseEmbedding):
    """One of our embedders (ingest.store.embedding.Embedder) behind llama-index's interface."""

    _inner: Any = PrivateAttr()

    def __init__(self, inner: Any) -> None:
        super().__init__(model_name=inner.model_name, embed_batch_size=inner.embed_batch_size)
        self._inner = inner

    @classmethod
    def class_name(cls) -> str:
        return "LlamaEmbedding"

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._inner.get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._inner.get_text_embedding(text)

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._inner.get_text_embedding_batch(texts)

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    async def _aget_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embedding(text)


def as_llama(embedder: Any) -> BaseEmbedding:
    """The embedder as llama-index takes it: itself when it already is one (a test's own)."""
    return embedder if isinstance(embedder, BaseEmbedding) else LlamaEmbedding(embedder)
