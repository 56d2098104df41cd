"""Scoring answers against gold expectations: pure functions, no store, no model.

An answer is anything shaped like `chatbot.answer.Answer` (attributes or a JSON dict): `answer`,
`found`, `values` (label/value/unit), `citations` (table/row or section/text) and `candidates`.

Two scorers of a figure: the strict one (`strict=True`, what `budgetqa eval` uses) wants each expected
figure among the answer's headline values — `answer.values` (or a clarification candidate's value), one
value per expected figure, in any order — and, for a ranking, the expected top as the first value; a
figure only written somewhere in the answer text does not count. The lenient one (`budgetqa eval
--lenient`) also reads every number of the answer text.
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from ingest.document.text import normalize_label

TOLERANCE = Decimal("0.005")  # half a cent of a 万元 figure, or of a percentage point
CATEGORIES = ("lookup", "sum", "difference", "share", "ranking", "count", "change", "narrative", "check",
              "ambiguous", "refusal")
# categories of the real question set (eval/questions/real.jsonl) the sample set does not have:
# jue (决算 against 预算), zero (the document states 0 or prints the table empty)
MORE_CATEGORIES = ("jue", "zero")
VERDICTS = ("right", "refused", "wrong")
ALTERNATIVES = "|"  # 「一致|相等」: either substring will do (in texts, absent, table and row keys)

_NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")
_CODE_AROUND = re.compile(r"^\d{3,7}\s*|[（(]\d{3,7}[)）]$")
_TO_WAN = {"元": Decimal("0.0001"), "万元": Decimal(1), "亿元": Decimal(10000)}
_EMPTY_SAID = ("空表", "无数据", "没有数据", "无发生额", "本部门无", "本单位无", "没有使用", "没有安排", "未安排")


class QuestionError(ValueError):
    """A question line that does not follow the schema (eval/questions/README.md)."""


@dataclass(frozen=True)
class ExpectedRow:
    """A table row the answer should cite: `table` is a substring of the title, `row` its label."""

    table: str
    row: str


@dataclass(frozen=True)
class Expected:
    values: tuple[str, ...] = ()
    unit: str = ""
    texts: tuple[str, ...] = ()
    rows: tuple[ExpectedRow, ...] = ()
    found: bool = True
    chunk_contains: str | None = None
    absent: tuple[str, ...] = ()
    zero: bool = False       # the figure is 0 or the table empty: stating 0, or saying it is empty, is right


@dataclass(frozen=True)
class Question:
    id: str
    category: str
    question: str
    expected: Expected
    document: str = ""       # the file the question was written over (per-document summaries)


@dataclass
class Scored:
    """How one answer to one question scored; None where a metric does not apply to the question."""

    correct: bool
    reasons: list[str] = field(default_factory=list)
    citation_precision: float | None = None
    citation_recall: float | None = None
    retrieval_hit: bool | None = None
    verdict: str = ""        # right | refused (said not found, or asked back) | wrong (a figure or an answer
                             # that is not the expected one); see verdict()


# -- the question schema -------------------------------------------------------------------------

def parse_question(line: Mapping[str, Any]) -> Question:
    """A question from one decoded JSON line; raises QuestionError naming what is wrong."""
    qid = str(line.get("id", "?"))
    for key in ("id", "category", "question", "expected"):
        if key not in line:
            raise QuestionError(f"{qid}: missing field {key!r}")
    if line["category"] not in CATEGORIES + MORE_CATEGORIES:
        raise QuestionError(f"{qid}: unknown category {line['category']!r}")
    exp = line["expected"]
    for key in ("values", "unit", "texts", "rows", "found"):
        if key not in exp:
            raise QuestionError(f"{qid}: expected.{key} missing")
    if not isinstance(exp["found"], bool):
        raise QuestionError(f"{qid}: expected.found must be true or false")
    for v in exp["values"]:
        if not isinstance(v, str) or _decimal(v) is None:
            raise QuestionError(f"{qid}: expected value {v!r} is not a number written as a string")
    rows = []
    for r in exp["rows"]:
        if not isinstance(r, Mapping) or not r.get("table") or not r.get("row"):
            raise QuestionError(f"{qid}: each expected row needs 'table' and 'row'")
        rows.append(ExpectedRow(r["table"], r["row"]))
    if line["category"] == "narrative" and not exp.get("chunk_contains"):
        raise QuestionError(f"{qid}: a narrative question needs expected.chunk_contains")
    return Question(qid, line["category"], line["question"], Expected(
        values=tuple(exp["values"]), unit=exp["unit"], texts=tuple(exp["texts"]), rows=tuple(rows),
        found=exp["found"], chunk_contains=exp.get("chunk_contains"), absent=tuple(exp.get("absent", ())),
        zero=bool(exp.get("zero", False))), str(line.get("document", "")))


# -- reading an answer ---------------------------------------------------------------------------

def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _decimal(s: Any) -> Decimal | None:
    try:
        return Decimal(str(s).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        return None


def compact(text: str) -> str:
    """Text for substring matching: no whitespace or thousands separators, ASCII brackets and colons as
    full-width."""
    s = re.sub(r"\s+", "", text)
    s = re.sub(r"(?<=\d),(?=\d{3})", "", s)      # thousands separators: 「4,013.02」 reads 「4013.02」
    return s.replace("(", "（").replace(")", "）").replace(":", "：")


def numbers_in(text: str) -> list[Decimal]:
    """Every number written in a text (thousands separators allowed), as Decimal, unsigned."""
    return [Decimal(m.replace(",", "")) for m in _NUMBER.findall(text)]


def answer_text(answer: Any) -> str:
    """The text an answer shows: its wording plus any clarification candidates (not its citations)."""
    parts = [str(_get(answer, "answer", "") or "")]
    for c in _get(answer, "candidates", None) or []:
        parts.append(json.dumps(c, ensure_ascii=False, default=str) if not isinstance(c, str) else c)
    return "\n".join(parts)


def _stated(items: Any, unit: str) -> list[Decimal]:
    out = []
    for v in items or []:
        if isinstance(v, str):
            continue
        d = _decimal(_get(v, "value"))
        if d is None:
            continue
        v_unit = _get(v, "unit", "") or ""
        if unit == "万元" and v_unit in _TO_WAN:
            d = d * _TO_WAN[v_unit]
        out.append(abs(d))
    return out


def headline_numbers(answer: Any, unit: str = "") -> list[Decimal]:
    """The figures an answer states as figures: its `values`, in order, then its clarification
    candidates' values (元/亿元 converted when 万元 is expected); not the numbers of its text."""
    return _stated(_get(answer, "values", None), unit) + _stated(_get(answer, "candidates", None), unit)


def answer_numbers(answer: Any, unit: str = "") -> list[Decimal]:
    """Numbers an answer states: its `values` (元/亿元 converted when 万元 is expected) and its text."""
    return _stated(_get(answer, "values", None), unit) + numbers_in(answer_text(answer))


def unmatched(expected: Sequence[str], numbers: Sequence[Decimal], unit: str = "") -> list[str]:
    """The expected figures left without a number of their own: each number stands for one figure
    (「10.00」 twice expected needs two values of 10.00), in any order."""
    left, missing = list(numbers), []
    for v in expected:
        hit = next((i for i, n in enumerate(left) if value_matches(v, [n], unit=unit)), None)
        if hit is None:
            missing.append(v)
        else:
            left.pop(hit)
    return missing


# -- answer accuracy -----------------------------------------------------------------------------

def value_matches(expected: str, numbers: Iterable[Decimal], tolerance: Decimal = TOLERANCE,
                  unit: str = "") -> bool:
    """True if some number is within `tolerance` of the expected one (signs ignored: direction is a text).
    A money figure may be stated in another unit: an expected 元 figure stated in 万元 (to two decimals)
    or an expected 万元 figure stated in 元 matches within half a cent of a 万元."""
    target = abs(Decimal(expected))
    numbers = list(numbers)
    if any(abs(n - target) <= tolerance for n in numbers):
        return True
    other = {"元": "万元", "万元": "元"}.get(unit)
    if other is None or not target:
        return False
    wan, scale = target * _TO_WAN[unit], _TO_WAN[other]
    return any(abs(n * scale - wan) <= tolerance for n in numbers)


def text_present(required: str, text: str) -> bool:
    """True if any of the 「a|b」 alternatives occurs in the text (whitespace ignored)."""
    hay = compact(text)
    return any(compact(alt) in hay for alt in required.split(ALTERNATIVES) if alt)


def score_accuracy(expected: Expected, answer: Any, strict: bool = False, ranking: bool = False
                   ) -> tuple[bool, list[str]]:
    """Correct when `found` agrees and, for an answer, every expected value and text is there and no
    forbidden text is; returns the verdict and the reasons it failed. `strict`: each expected value must
    be one of the answer's headline values (headline_numbers), and with `ranking` the first expected
    value the answer's first; lenient: anywhere among its values or the numbers of its text."""
    reasons = []
    found = bool(_get(answer, "found", False))
    if found != expected.found:
        reasons.append("answered although not in the documents" if found else "said not found")
    text = answer_text(answer)
    if expected.zero and not found and any(w in text for w in _EMPTY_SAID):
        return True, []              # 「…为空表：本部门无政府性基金」 is as right as 「0.00万元」
    if expected.found and strict:
        numbers = headline_numbers(answer, expected.unit)
        missing = unmatched(expected.values, numbers, expected.unit)
        in_text = numbers_in(answer_text(answer))
        reasons += [f"value {v} not among the answer's values"
                    + (" (only in its text)" if value_matches(v, in_text, unit=expected.unit) else "")
                    for v in missing]
        top = expected.values[0] if ranking and expected.values else None
        if top is not None and top not in missing and not value_matches(top, numbers[:1], unit=expected.unit):
            reasons.append(f"value {top} is not the first value (the ranking's top)")
    elif expected.found:
        numbers = answer_numbers(answer, expected.unit)
        reasons += [f"value {v} missing" for v in expected.values
                    if not value_matches(v, numbers, unit=expected.unit)]
    reasons += [f"text 「{t}」 missing" for t in expected.texts if not text_present(t, text)]
    reasons += [f"text 「{t}」 present" for t in expected.absent if text_present(t, text)]
    return not reasons, reasons


def verdict(expected: Expected, answer: Any, correct: bool) -> str:
    """right; refused (an answerable question said not found, or asked back); wrong (a figure that is not
    the expected one, a missing name, or an answer where the documents hold none)."""
    if correct:
        return "right"
    if expected.found and not bool(_get(answer, "found", False)):
        return "refused"
    return "wrong"


def score_refusal(expected: Expected, answer: Any) -> bool | None:
    """For a question the documents cannot answer: did the system say so? None for other questions."""
    if expected.found:
        return None
    return not bool(_get(answer, "found", False))


# -- citations -----------------------------------------------------------------------------------

def row_key(label: str) -> str:
    """A row label for comparison: normalised (no ordinal, no spaces, 「其中：」 dropped), code stripped."""
    return normalize_label(_CODE_AROUND.sub("", normalize_label(label)))


def citation_matches(citation: Any, row: ExpectedRow) -> bool:
    """A table citation matches an expected row if its title contains the table key and its row label
    equals the expected one after normalisation (alternatives allowed in both)."""
    table, label = _get(citation, "table"), _get(citation, "row")
    if not table or not label:
        return False
    table_ok = any(key and key in table for key in row.table.split(ALTERNATIVES))
    return table_ok and any(row_key(label) == row_key(alt) for alt in row.row.split(ALTERNATIVES) if alt)


def citation_precision_recall(expected_rows: Sequence[ExpectedRow], citations: Sequence[Any]
                              ) -> tuple[float, float] | None:
    """Precision (cited table rows that are expected) and recall (expected rows cited). Narrative
    citations are left out; no table citation at all is precision 0. None when no rows are expected."""
    if not expected_rows:
        return None
    cited = [c for c in citations if _get(c, "table") and _get(c, "row")]
    recall = sum(any(citation_matches(c, r) for c in cited) for r in expected_rows) / len(expected_rows)
    if not cited:
        return 0.0, recall
    precision = sum(any(citation_matches(c, r) for r in expected_rows) for c in cited) / len(cited)
    return precision, recall


# -- retrieval -----------------------------------------------------------------------------------

def retrieval_hit(chunk_contains: str, retrieved: Sequence[str], k: int = 3) -> bool:
    """True if the expected passage (a substring, whitespace ignored) is in one of the top-k texts."""
    needle = compact(chunk_contains)
    return any(needle in compact(text) for text in retrieved[:k])


# -- one question, then many ---------------------------------------------------------------------

def score_answer(question: Question, answer: Any, retrieved: Sequence[str] = (), strict: bool = False
                 ) -> Scored:
    """Every metric that applies to one answer; `strict` as score_accuracy (a ranking's top first)."""
    correct, reasons = score_accuracy(question.expected, answer, strict, ranking=question.category == "ranking")
    scored = Scored(correct, reasons, verdict=verdict(question.expected, answer, correct))
    if question.expected.found:
        pr = citation_precision_recall(question.expected.rows, _get(answer, "citations", None) or [])
        if pr is not None:
            scored.citation_precision, scored.citation_recall = pr
    if question.expected.chunk_contains:
        scored.retrieval_hit = retrieval_hit(question.expected.chunk_contains, retrieved)
    return scored


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0–100) by linear interpolation between closest ranks; None if empty."""
    if not values:
        return None
    xs = sorted(values)
    pos = (len(xs) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def _mean(xs: Sequence[float]) -> float | None:
    return sum(xs) / len(xs) if xs else None


@dataclass(frozen=True)
class Outcome:
    """What the summary needs of one answered question."""

    category: str
    expected_found: bool
    found: bool
    scored: Scored
    latency_ms: float
    document: str = ""


def summarize(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    """Metrics for one group of outcomes: n, accuracy, citation P/R, refusal accuracy, false refusals,
    hit@3 and latency p50/p95 (None where nothing applies)."""
    s = [o.scored for o in outcomes]
    refusals = [not o.found for o in outcomes if not o.expected_found]
    answerable = [not o.found for o in outcomes if o.expected_found]
    lat = [o.latency_ms for o in outcomes]
    return {
        "n": len(outcomes),
        "accuracy": _mean([float(x.correct) for x in s]),
        **{v: sum(1 for x in s if (x.verdict or ("right" if x.correct else "wrong")) == v) for v in VERDICTS},
        "citation_precision": _mean([x.citation_precision for x in s if x.citation_precision is not None]),
        "citation_recall": _mean([x.citation_recall for x in s if x.citation_recall is not None]),
        "refusal_accuracy": _mean([float(x) for x in refusals]),
        "false_refusal_rate": _mean([float(x) for x in answerable]),
        "hit_at_3": _mean([float(x.retrieval_hit) for x in s if x.retrieval_hit is not None]),
        "latency_p50_ms": percentile(lat, 50),
        "latency_p95_ms": percentile(lat, 95),
    }


def summarize_by_category(outcomes: Sequence[Outcome]) -> dict[str, dict[str, Any]]:
    """summarize() per category (in CATEGORIES order, unknown ones after) and over all, as "overall"."""
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        groups[o.category].append(o)
    known = CATEGORIES + MORE_CATEGORIES
    order = [c for c in known if c in groups] + sorted(c for c in groups if c not in known)
    out = {c: summarize(groups[c]) for c in order}
    out["overall"] = summarize(outcomes)
    return out


def summarize_by_document(outcomes: Sequence[Outcome]) -> dict[str, dict[str, Any]]:
    """summarize() per document the questions name (none when no question names one)."""
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        if o.document:
            groups[o.document].append(o)
    return {d: summarize(groups[d]) for d in sorted(groups)}
