"""A naive RAG baseline over the same store: nearest nodes, first sentence, first number.

It retrieves the top 3 nodes (narrative chunks and table rows alike) for the question, answers with
the best node's first sentence (of a row node, which holds each row of one label a line each, the
first sentence of the row sharing the most characters with the question) and the first amount in it,
cites that node (that row), and never refuses. It
exists so the report can show what budgetqa's understanding and arithmetic add over plain retrieval.
"""
from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

from chatbot.answer import Answer, Citation, Value
from ingest.store.storage import StorePaths, Stores

TOP_K = 3
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])")
# the first amount: a number not followed by 年/月 (years, dates) and not a subject code in brackets
_AMOUNT = re.compile(r"(?<![\d.（(])(\d+(?:,\d{3})*(?:\.\d+)?)(?![\d.,]*[年月）)])\s*(万元|元|%|个|辆|人|台|次)?")


def first_sentence(text: str) -> str:
    """The text up to and including its first 。！？； (the whole text if there is none)."""
    for part in _SENTENCE_END.split(text.strip()):
        if part.strip():
            return part.strip()
    return text.strip()


def closest_line(text: str, question: str) -> int:
    """Which line of a text shares the most distinct characters with the question (the first of those
    that tie)."""
    asked = set(question)
    lines = text.split("\n")
    return max(range(len(lines)), key=lambda i: (len(asked & set(lines[i])), -i))


def first_amount(sentence: str) -> tuple[str, str] | None:
    """The first number in a sentence that is not a year, date or code, with the unit after it."""
    m = _AMOUNT.search(sentence)
    if m is None:
        return None
    return m.group(1).replace(",", ""), m.group(2) or ""


def node_citation(node: Any, sentence: str, value: str | None, line: int = 0) -> Citation:
    """A citation built from a retrieved node's metadata: a table row (of a row node, the row on that
    line), or a narrative passage."""
    md = node.metadata
    if md.get("kind") == "row":
        sources = md.get("sources") or [[md.get("table"), md.get("page"), md.get("row"), md.get("code")]]
        table, page, row, code = sources[min(line, len(sources) - 1)]
        return Citation(document=md.get("document", ""), page=int(page or 0), table=table, row=row,
                        code=code or None, value=value)
    return Citation(document=md.get("document", ""), page=int(md.get("page") or 0),
                    section=md.get("section", ""), text=sentence)


class Baseline:
    """Vector top-k over chunks and rows; `last_retrieved` keeps the texts of the last question's nodes."""

    name = "baseline"

    def __init__(self, store_dir: str | Path) -> None:
        self.stores = Stores(StorePaths.at(store_dir))
        self.last_retrieved: list[str] = []

    def retrieve(self, question: str) -> list[Any]:
        return self.stores.vectors.retrieve(question, TOP_K)

    def ask(self, question: str) -> Answer:
        started = time.perf_counter()
        nodes = self.retrieve(question)
        self.last_retrieved = [n.node.get_content() for n in nodes if n.node.metadata.get("kind") == "chunk"]
        if not nodes:
            return Answer(question, "没有检索到相关内容。", True, elapsed_ms=_ms(started))
        return self.answer_from(nodes[0].node, question, started)

    def answer_from(self, best: Any, question: str, started: float) -> Answer:
        """The answer a retrieved node gives: its first sentence (a row node's: of the row the question
        names), the first amount in it, and the node (the row) cited."""
        content = best.get_content()
        is_row = best.metadata.get("kind") == "row"
        line = closest_line(content, question) if is_row else 0
        sentence = first_sentence(content.split("\n")[line] if is_row else content)
        amount = first_amount(sentence)
        values = [Value("检索结果", amount[0], amount[1])] if amount else []
        citation = node_citation(best, sentence, amount[0] if amount else None, line)
        return Answer(question, sentence, True, values, [citation], elapsed_ms=_ms(started))

    def retrieved_texts(self, question: str, answer: Answer) -> list[str]:
        """The narrative chunks among the top-3 nodes of the last question, best first."""
        return list(self.last_retrieved)

    def close(self) -> None:
        self.stores.close()


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000
