"""Wording answers and building their citations: every number in the text comes from a record or
from a computation over records, and every record used is cited."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from chatbot.answer import Answer, Citation, Value
from chatbot.execute.compute import amount, shown
from chatbot.link.figures import Figure
from chatbot.link.narrative import Sentence
from ingest.store.store import StoredRecord


def cite(rec: StoredRecord) -> Citation:
    """A table citation: document, table title, page, row, code, column (its last header), value."""
    return Citation(document=rec.document, page=rec.page, table=rec.table, row=rec.row, code=rec.code,
                    column=rec.column.split("/")[-1],
                    value=None if rec.value is None else amount(rec.value), bbox=rec.bbox,
                    document_id=rec.document_id, header=rec.column, unit=rec.unit or None)


def cite_sentence(s: Sentence) -> Citation:
    return Citation(document=s.document, page=s.page, section=s.section, text=s.text, document_id=s.document_id)


def with_narrative_note(answer: Answer) -> Answer:
    """A found answer whose figures rest on quoted narrative alone (no table cell cited) says so in a line
    under it: the tables, the disclosure's source of figures, do not print them."""
    from chatbot.lexicon import load_patterns

    figures = [v for v in answer.values if v.unit]
    if not answer.found or not figures or not answer.citations or not all(c.is_quote for c in answer.citations):
        return answer
    note = load_patterns()["narrative_only_note"]["one" if len({(v.value, v.unit) for v in figures}) == 1 else "several"]
    if note not in answer.answer:
        answer.answer += "\n" + note
    return answer


def citations(figures: Sequence[Figure], extra: Sequence[StoredRecord] = ()) -> list[Citation]:
    """One citation per record (or narrative sentence) used, in order of use."""
    seen: dict[object, Citation] = {}
    for f in figures:
        if f.sentence is not None:
            seen.setdefault((f.sentence.section, f.sentence.text), cite_sentence(f.sentence))
        for rec in [*f.records, *f.placed_by]:      # and the 类/款 row the question placed it under
            seen.setdefault(rec.id, cite(rec))
    for rec in extra:
        seen.setdefault(rec.id, cite(rec))
    return list(seen.values())


def where(f: Figure) -> str:
    """「2024年一般公共预算支出情况表，第15页」"""
    return f"{f.table}，第{f.page}页"


def figure_text(f: Figure) -> str:
    """「行政运行（2150501）2,466.28万元」, 「长沙市企业服务中心（501009）基本支出1,003.01万元」; a cell printed
    in 元 (or with more decimals) has the printed figure beside: 「37,151.47万元（371,514,655.00元）」. A
    figure the narrative states is said as written."""
    if f.sentence is not None:
        return f"{name(f)}{amount(f.value)}{f.unit}"
    return f"{name(f)}{shown(f.value)}{f.unit}" + (f"（{f.printed}）" if f.printed else "")


def name(f: Figure) -> str:
    code = f.row.code if f.row and f.row.code and f.row.code not in f.label else None
    return f"{f.label}{f'（{code}）' if code else ''}{f.qualifier}"


def value(f: Figure) -> Value:
    return Value(f.label + f.qualifier, amount(f.value), f.unit)


def candidate(f: Figure) -> dict[str, Any]:
    rec = f.records[0]
    return {"label": f.label, "value": amount(f.value), "unit": f.unit, "table": f.table,
            "row": rec.row, "code": rec.code, "column": rec.column.split("/")[-1], "page": rec.page}


def alternatives_note(figures: Sequence[Figure]) -> tuple[str, list[dict[str, Any]]]:
    """A sentence naming the other tables' figures for the same words, and the candidates list."""
    notes, cands = [], []
    used = {rec.id for f in figures for rec in f.records}
    for f in figures:
        alts = [a for a in f.alternatives if not {r.id for r in a.records} <= used]
        if not alts:
            continue
        cands.append(candidate(f))
        for alt in alts:
            cands.append(candidate(alt))
            notes.append(f"另：{alt.table}中{figure_text(alt)}（第{alt.page}页）")
    if not notes:
        return "", []
    chosen = "；".join(dict.fromkeys(f"「{f.label}」取自{f.table}" for f in figures if f.alternatives))
    return f"（{chosen}。{'；'.join(notes)}。）", cands


def table_answer(question: str, text: str, figures: Sequence[Figure], operation: str,
                 extra_values: Sequence[Value] = (), extra_records: Sequence[StoredRecord] = ()) -> Answer:
    note, cands = alternatives_note(figures)
    cites = citations(figures, extra_records)
    return Answer(question, text + note, True, [value(f) for f in figures] + list(extra_values), cites,
                  operation=operation, candidates=cands)
