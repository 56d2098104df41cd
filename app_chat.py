"""The 问答 tab's replies: an answer as Markdown, its 「来源」 block, the questions a chat's history
holds, and why a question is not sent."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import gradio as gr

from app_text import escape_cell, escape_text, figure_table
from chatbot.answer import Answer, Citation

MAX_QUESTION_CHARS = 500
EXAMPLE_QUESTIONS = [
    "三公经费是多少？",
    "公车购置费占三公经费多少？",
    "基本支出比项目支出多多少？",
    "会议费预算是多少？",
    "行政运行支出是多少？",
]
SOURCE_HEADERS = ["文档", "表", "页", "行", "列", "数值", "单位"]
SOURCE_FIGURES = (2, 5)  # 页, 数值: right-aligned, on one line


# -- answers ---------------------------------------------------------------------------------------
def format_answer(answer: Answer) -> str:
    """The answer text as Markdown; a refusal (found=false) says plainly that nothing was found."""
    text = escape_text(answer.answer).replace("\n", "  \n")
    if answer.table:
        text += "\n\n" + figure_table(answer.table[0], answer.table[1:])
    if answer.found:
        return text
    return f"**没有找到答案。**\n\n{text}"


def citation_row(c: Citation) -> list[str]:
    """One table citation as the cells 文档, 表, 页, 行, 列, 数值, 单位 (the code follows the row label)."""
    row = c.row or ""
    if c.code:
        row = f"{row}（{c.code}）"
    return [c.document, c.table or "", str(c.page), row, c.column or "", c.value or "", c.unit or ""]




def format_quote(c: Citation, quoted: bool = False) -> str:
    """A narrative citation: the quoted sentence, then where it stands; only where it stands when the
    answer already quotes the sentence (`quoted`)."""
    where = " › ".join(escape_cell(p) for p in (c.document, c.section) if p)
    if quoted:
        return f"> {where}，第 {c.page} 页"
    return f"> 「{escape_cell(c.text or '')}」  \n> —— {where}，第 {c.page} 页"


def quoted_in(answer: Answer, c: Citation) -> bool:
    """Whether the answer text already quotes the citation's sentence (narrative answers do)."""
    text = " ".join((c.text or "").split())
    return bool(text) and text in " ".join(answer.answer.split())


def format_sources(answer: Answer) -> str:
    """The cited rows as a small Markdown table, then the quoted sentences (where they stand only, for
    a sentence the answer quotes already); "" when nothing is cited."""
    rows = [citation_row(c) for c in answer.citations if c.section is None and c.text is None]
    quotes = [format_quote(c, quoted_in(answer, c)) for c in answer.citations
              if c.section is not None or c.text is not None]
    parts = [figure_table(SOURCE_HEADERS, rows, SOURCE_FIGURES)] if rows else []
    parts += quotes
    return "\n\n".join(parts)


def answer_messages(answer: Answer, reading: str = "") -> list[gr.ChatMessage]:
    """The chat reply: the answer (then `reading`, the chips of how it was read, as HTML), then a
    collapsible 「来源」 block when anything is cited."""
    text = format_answer(answer) + (f"\n\n{reading}" if reading else "")
    messages = [gr.ChatMessage(role="assistant", content=text)]
    sources = format_sources(answer)
    if sources:
        messages.append(gr.ChatMessage(role="assistant", content=sources,
                                       metadata={"title": "来源", "log": f"{len(answer.citations)} 处引用"}))
    return messages


def with_options(messages: list[gr.ChatMessage], options: list[dict[str, str]]) -> list[gr.ChatMessage]:
    """The reply with `options` (buttons gradio shows under the last message; a click asks its value)."""
    if options and messages:
        messages[-1].options = list(options)
    return messages


def user_questions(history: Sequence[dict[str, Any]]) -> list[str]:
    """The questions a chat's history holds, in order (a message's content is text or a list of parts)."""
    out = []
    for message in history:
        content = message.get("content") if isinstance(message, dict) else None
        if message.get("role") != "user" or content is None:
            continue
        parts = [content] if isinstance(content, str) else [p.get("text", "") for p in content
                                                              if isinstance(p, dict)] if isinstance(content, list) else []
        out += [p for p in parts if isinstance(p, str) and p.strip()]
    return out


def question_problem(question: str) -> str | None:
    """Why a question is not sent to the chatbot (empty or too long), or None when it is fine."""
    if not question.strip():
        return "请输入问题，例如「三公经费是多少？」"
    if len(question) > MAX_QUESTION_CHARS:
        return (f"问题太长了（{len(question)} 字）。请把问题控制在 {MAX_QUESTION_CHARS} 字以内，"
                "一次问一件事，例如「会议费预算是多少？」")
    return None
