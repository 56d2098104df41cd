"""What rewriting a question (eval/variant_rules.py, eval/mutations.py) works with: the context of its
document, the rewritten case, and what the question says (the year it states, the department name it
says, the places in that name). Pure: no store, no model."""
from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

from .score import Expected, Question

_STREET = re.compile(r"([\u4e00-\u9fff]{2,4}?)(?=街道)")


@dataclass(frozen=True)
class Context:
    """What generation needs to know of a question's document and of the store beside it."""

    department: str                       # the stored department name of the question's document
    year: int | None = None               # the document's year
    kind: str = "预算"                     # 预算 | 决算
    level: str = "部门"                    # 部门 | 单位
    departments: tuple[str, ...] = ()     # every stored department (the question's own included)
    years_held: tuple[int, ...] = ()      # the years of the department's stored documents
    row_labels: tuple[str, ...] = ()      # the row labels of the department's documents of that year


@dataclass(frozen=True)
class Case:
    """A rewritten question: a variant (same answer) or a mutation (must be refused)."""

    id: str          # <original id>~<rule>
    origin: str      # the original question's id
    kind: str        # variant | mutation
    rule: str
    form: str        # what the rule put in: 「请问」, 「二〇二六年」, 「北京审计局」, 「2023」, 「金融支出」…
    question: str

    def as_question(self, original: Question) -> Question:
        """The question scored: the original's expectations for a variant, a refusal for a mutation."""
        expected = original.expected if self.kind == "variant" else Expected(found=False)
        return Question(self.id, original.category, self.question, expected, original.document)


def pick(options: Sequence[str], key: str) -> str:
    """One of the options, the same for the same key on every run."""
    return options[zlib.crc32(key.encode("utf-8")) % len(options)]


def year_pattern(year: int) -> re.Pattern[str]:
    """The document's year as the question states it: 「2026年」 or 「2026年度」, not a date's 「2026年1月」."""
    return re.compile(rf"(?<![\d０-９]){year}年(度)?(?![\d０-９])")


def stated_year(question: str, ctx: Context) -> int | None:
    """The year the question asks about: the document's, when the question states it; else the one year
    it states (a refusal's 「2021年」); None when it states none or several."""
    if ctx.year is not None and year_pattern(ctx.year).search(question):
        return ctx.year
    years = {int(m.group(1)) for m in re.finditer(r"(?<![\d０-９])((?:19|20)\d\d)年(?![\d０-９])", question)}
    return years.pop() if len(years) == 1 else None


def mention(question: str, department: str) -> str | None:
    """The longest of the department's names (chatbot.link.names.name_forms) the question says, not as the
    tail of another place's name (「教育局」 of 「岳阳市教育局」 does not name 长沙市教育局)."""
    from chatbot.link.names import name_forms

    for form in name_forms(department):
        if any(m.start() == 0 or question[m.start() - 1] not in "省市区县"
               for m in re.finditer(re.escape(form), question)):
            return form
    return None


def department_places(department: str) -> list[str]:
    """The department's place parts, outermost first (「上海市」「普陀区」), and a street (「万里街道」) after."""
    from chatbot.link.names import place_parts

    parts, rest = place_parts(department)
    if (m := re.match(r"([\u4e00-\u9fff]{1,4}?[区县市])委", rest)) is not None:
        parts.append(m.group(1))
    elif (m := _STREET.search(rest.replace("人民政府", ""))) is not None:
        parts.append(m.group(1) + "街道")
    return parts


def place_stem(place: str) -> str:
    """A place without its ending: 「普陀区」 → 「普陀」, 「万里街道」 → 「万里」 (a two-character name kept)."""
    if place.endswith("街道"):
        return place[:-2]
    return place[:-1] if len(place) > 2 and place[-1] in "省市区县" else place
