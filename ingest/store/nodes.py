"""A node of the vector index as ingest makes it: its id, text and flat metadata. Chroma keeps it as
llama-index's node JSON (vectors.chroma_metadata), which llama-index reads back as a TextNode at search;
ingest builds none, so it never imports llama-index."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class IndexNode:
    node_id: str
    text: str
    metadata: dict[str, Any] = field(default_factory=dict)
