"""The question as read, shown under each answer and correctable: chips for 部门 · 年度 · 预算/决算 · 层级 ·
项目 (what a follow-up borrowed marked as such), and the choices the store offers — the department's other
documents (another year, the 决算 beside the 预算, the 单位 one beside the 部门 one), or the departments a
clarification names — each a question the chat re-asks on one click (gradio's message options)."""
from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chatbot.answer import Answer
from ingest.store.store import StoredDocument

SLOTS = ("部门", "年度", "预算/决算", "层级", "项目")
BORROWED = "沿用上一问"
DEFAULTED = "未指明，按"       # a slot the question left open, filled by the document that answered
MAX_CHOICES = 8
_YEARS = re.compile(r"(?:19|20)\d\d年度?")
_LEADING = re.compile(r"^(?:的|预算|决算|年度|，|,|\s)+")
_ASKING = re.compile(r"(?:是)?(?:多少钱?|几何|为多少)?[？?。！!\s]*$")


@dataclass(frozen=True)
class Chip:
    """One slot of the reading: its value and where it came from (asked, borrowed, or defaulted)."""

    slot: str
    value: str
    source: str = ""   # "", BORROWED, or DEFAULTED


def answered_documents(answer: Answer, documents: list[StoredDocument]) -> list[StoredDocument]:
    """The stored documents the answer cites, in the order first cited."""
    by_id = {d.id: d for d in documents}
    ids = dict.fromkeys(c.document_id for c in answer.citations if c.document_id in by_id)
    return [by_id[i] for i in ids if i is not None]


def effective_question(answer: Answer) -> str:
    """The question answered: a follow-up's completed form, else the question as asked."""
    return str(answer.reading.get("completed") or answer.question)


def item_of(text_without_departments: str, document_words: str) -> str:
    """The item a question asks with its asking words (「三公经费是多少？」), without years and the words
    naming the document."""
    text = _YEARS.sub("", text_without_departments)
    text = re.sub(document_words, "", text)
    return _LEADING.sub("", text).strip()


def item_shown(item: str) -> str:
    """The item as its chip shows it, without the asking words (「三公经费」)."""
    return _ASKING.sub("", item).strip() or item


def reading_chips(answer: Answer, docs: list[StoredDocument], item: str) -> list[Chip]:
    """The chips of an answer: each slot as read, else as the answered documents fill it."""
    reading = answer.reading
    if answer.operation == "greeting":
        return []
    borrowed = reading.get("borrowed") or {}

    def chip(slot: str, asked: list[Any], held: list[Any], shown: Any) -> Chip | None:
        if asked:
            return Chip(slot, "、".join(shown(v) for v in asked), BORROWED if slot in borrowed else "")
        values = list(dict.fromkeys(v for v in held if v))
        return Chip(slot, "、".join(shown(v) for v in values), DEFAULTED) if values else None

    chips = [chip("部门", reading.get("departments", []), [d.department for d in docs], str),
             chip("年度", reading.get("years", []), [d.year for d in docs], lambda y: f"{y}年"),
             chip("预算/决算", reading.get("kinds", []), [d.kind for d in docs], str),
             chip("层级", reading.get("levels", []), [d.level for d in docs], str)]
    if item:
        chips.append(Chip("项目", item_shown(item), BORROWED if "项目" in borrowed else ""))
    return [c for c in chips if c is not None]


def chips_html(chips: list[Chip]) -> str:
    """The chips as one line of small boxes (escaped); "" without chips."""
    if not chips:
        return ""
    spans = []
    for c in chips:
        note = f"（{BORROWED}）" if c.source == BORROWED else "（未指明）" if c.source == DEFAULTED else ""
        spans.append(f'<span class="reading-chip" data-slot="{html.escape(c.slot)}">'
                     f"{html.escape(c.slot)}：{html.escape(c.value)}{html.escape(note)}</span>")
    return '<div class="reading-chips">理解为：' + " ".join(spans) + "</div>"


def document_label(doc: StoredDocument) -> str:
    """「2023年部门决算」: a document as one choice among its department's."""
    year = f"{doc.year}年" if doc.year else ""
    return f"{year}{doc.level}{doc.kind}"


def question_for(department: str, doc: StoredDocument | None, item: str, default: bool) -> str:
    """The question asked again of one department (and one of its documents): its name, the year,
    the document's words unless it is the one a question naming none gets (`default`), the item."""
    year = f"{doc.year}年" if doc is not None and doc.year else ""
    words = f"{doc.level}{doc.kind}的" if doc is not None and not default else ""
    end = "" if re.search(r"[？?]$", item) else "？"
    return f"{department}{year}{words}{item}{end}"


def document_choices(department: str, held: list[StoredDocument], answered: list[StoredDocument],
                     pick: Callable[[int | None], StoredDocument | None], item: str) -> list[dict[str, str]]:
    """The department's other documents, each an option re-asking the item of it (newest first);
    `pick(year)` is the document a question naming the department and year gets."""
    shown = {d.id for d in answered}
    others = sorted((d for d in held if d.id not in shown),
                    key=lambda d: (d.year or 0, d.kind == "预算", d.level == "部门"), reverse=True)
    out: list[dict[str, str]] = []
    for d in others:
        label = document_label(d)
        if label in {o["label"] for o in out}:
            continue
        default = pick(d.year)
        out.append({"label": label, "value": question_for(department, d, item, default is not None and
                                                          default.id == d.id)})
    return out[:MAX_CHOICES]


def department_choices(answer: Answer, item: str) -> list[dict[str, str]]:
    """A clarification's departments, each an option asking the question of it."""
    named = list(dict.fromkeys(str(c["department"]) for c in answer.candidates if c.get("department")))
    if answer.operation != "clarify" or not named:
        return []
    return [{"label": d, "value": question_for(d, None, item, True)} for d in named[:MAX_CHOICES]]


def reading_view(answer: Answer, service: Any) -> tuple[str, list[dict[str, str]]]:
    """The chips line of an answer and its options: a clarification's departments, else — when the
    answer is about one department — its other documents."""
    asked = service.read(effective_question(answer))
    item = item_of(asked.without_departments().text, service.patterns["document_words"]["pattern"])
    docs = answered_documents(answer, service.documents)
    chips = chips_html(reading_chips(answer, docs, item))
    if answer.operation == "greeting" or not item:
        return chips, []
    choices = department_choices(answer, item)
    if choices:
        return chips, choices
    departments = list(dict.fromkeys([*answer.reading.get("departments", []), *(d.department for d in docs)]))
    if len(departments) != 1 or len(asked.parts) > 1:
        return chips, []
    department = departments[0]
    directory = service.directory
    return chips, document_choices(department, directory.documents_of(department), docs,
                                   lambda year: directory.pick(department, [year] if year else []), item)
