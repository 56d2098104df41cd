"""The chat's answers handed to gradio so that every client can fetch their files (page images).

The browser's chat gets an answer through the Chatbot, which copies a message's file into gradio's
cache; the chat's API endpoint (`gradio_client`, api_name="/chat") returns the messages as JSON, and
gradio copies into its cache only what is marked as its FileData inside plain dicts. Unmarked, an API
client was handed the page cache's own path, which gradio refuses to serve (403, the server path in the
error). Marked, every page image is served from gradio's cache, to the browser and to API clients alike.
"""
from __future__ import annotations

import dataclasses
import functools
import mimetypes
from collections.abc import Callable, Iterable
from typing import Any

import gradio as gr

FILE_DATA = {"_type": "gradio.FileData"}  # gradio's mark of a file it moves to its cache and serves


def servable(messages: Iterable[Any]) -> list[Any]:
    """The messages as the chat's message dicts, a file content ({"path": …, "alt_text": …}) as the
    chat's file message {"file": FileData, "alt_text": …}; anything else as it is."""
    out = []
    for m in messages:
        if isinstance(m, gr.ChatMessage):
            m = {f.name: getattr(m, f.name) for f in dataclasses.fields(m)}  # shallow: a component stays one
        content = m.get("content") if isinstance(m, dict) else None
        if isinstance(content, list):  # a message of several parts (a crop and a link)
            m = {**m, "content": [_servable_part(part) for part in content]}
        elif isinstance(content, dict):
            m = {**m, "content": _servable_part(content)}
        out.append(m)
    return out


def _servable_part(content: Any) -> Any:
    """A file content ({"path": …, "alt_text": …}) as the chat's file message; anything else as it is."""
    if not (isinstance(content, dict) and isinstance(content.get("path"), str)):
        return content
    path = content["path"]
    file = {"path": path, "mime_type": mimetypes.guess_type(path)[0], "meta": dict(FILE_DATA)}  # shown by type
    return {"file": file, "alt_text": content.get("alt_text")}


def served_chat(chat: Callable[..., Iterable[Any]]) -> Callable[..., list[Any]]:
    """The chat function as the chat box calls it, its answers servable (its signature kept for the API page)."""
    @functools.wraps(chat)
    def answer(message: str, history: list[dict[str, Any]] | None = None) -> list[Any]:
        return servable(chat(message, history))

    return answer
