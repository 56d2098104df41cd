"""A node of the vector index as ingest makes it: its id, text and flat metadata. Chroma keeps its id,
vector and search keys (vectors.chroma_metadata); a search reads a hit back as llama-index's TextNode
and fills it from the lookup (stored_nodes). Ingest builds no llama-index node, so it never imports it."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class IndexNode:
    node_id: str
    text: str
    metadata: dict[str, Any] = field(default_factory=dict)
