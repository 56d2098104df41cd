"""The question set over many documents: `eval/questions/many.jsonl` and the corpus it is asked of,
`eval/questions/many.corpus.json`. Rerun after a change here (the output is the same on every run):

    python -m eval.derive_many            # writes both files into eval/questions/

The corpus is eight synthetic 部门预算 (eval/synth/) and the bundled sample text — six departments:
长沙市财政局, 长沙市教育局 and 湘潭市应急管理局 with 2023 and 2024, 株洲市财政局 2024 (so that
「财政局」 alone means two departments), 衡阳市民政局 2023 only, and the real 长沙市工业和信息化局 2024.
`budgetqa eval --questions eval/questions/many.jsonl` ingests it into an empty store (eval.runner).

Every question's phrasing is written below by hand; every expected figure is computed in Decimal from
the generator's own figures (synth.aggregates.totals, the units, the previous-year figures its narrative
states) or, for the sample, from the figures sample.jsonl's golds use — never copied from an answer.
"""
from __future__ import annotations

import argparse
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from . import synth
from .runner import SAMPLES_DIR
from .synth.aggregates import totals

QUESTIONS_DIR = Path(__file__).resolve().parent / "questions"
SEED = "many-eval"
SAMPLE_TEXT = "changsha-gxj-2024.txt"
CENT = Decimal("0.01")

# (index in the series, city, bureau, year): all 预算; each index differs, so every document does
CORPUS = [
    (0, "长沙市", "财政局", 2024),
    (1, "长沙市", "财政局", 2023),
    (2, "长沙市", "教育局", 2024),
    (3, "长沙市", "教育局", 2023),
    (4, "湘潭市", "应急管理局", 2024),
    (5, "湘潭市", "应急管理局", 2023),
    (6, "株洲市", "财政局", 2024),
    (7, "衡阳市", "民政局", 2023),
]
CZ, JY, YJ = "长沙市财政局", "长沙市教育局", "湘潭市应急管理局"
ZZ, MZ, GX = "株洲市财政局", "衡阳市民政局", "长沙市工业和信息化局"

# The sample (长沙市工业和信息化局2024年部门预算), 万元, as sample.jsonl's golds have them (main() checks)
SAMPLE = {"sangong": "104.20", "reception": "2.95", "abroad": "15.00", "car_buy": "61.00", "car_run": "25.25",
          "car": "86.25", "basic": "7020.74", "project": "3444.26", "total": "10465.00"}
SAMPLE_SANGONG_UP = Decimal("67.26")   # its narrative: 三公经费较2023年增加67.26万元

# figure key → (what the disclosure calls it, table key of its citation, row of its citation)
ITEMS = {
    "sangong": ("三公经费", "三公", "合计"), "reception": ("公务接待费", "三公", "合计"),
    "abroad": ("因公出国（境）费", "三公", "合计"), "car_buy": ("公务用车购置费", "三公", "合计"),
    "car_run": ("公务用车运行费", "三公", "合计"), "car": ("公务用车购置及运行费", "三公", "合计"),
    "basic": ("基本支出", "收支总体", "基本支出"), "project": ("项目支出", "收支总体", "项目支出"),
    "total": ("支出总计", "收支总体", "支出总计"),
}


# -- the documents' figures ------------------------------------------------------------------------
@dataclass
class Doc:
    """One stored document's gold figures."""

    city: str
    department: str
    year: int
    title: str
    figures: dict[str, Decimal]
    units: dict[str, Decimal] = field(default_factory=dict)   # unit (not the 机关) → 基本支出
    previous: dict[str, Decimal] = field(default_factory=dict)  # last year's figures its narrative states


def synthetic(index: int, city: str, bureau: str, year: int) -> synth.Disclosure:
    return synth.generate(SEED, index, kind="预算", city=city, bureau=bureau, year=year)


def gold_doc(d: synth.Disclosure) -> Doc:
    t = totals(d)
    figures = {k: t[k] for k in ("sangong", "reception", "abroad", "car_buy", "car_run", "basic", "project",
                                 "total", "public")}
    figures["car"] = t["car_buy"] + t["car_run"]
    previous = {"sangong": d.extras["prev_sangong"], "total": d.extras["prev_total"],
                "public": d.extras["prev_running"]}
    return Doc(d.city, d.department, d.year, d.title, figures, {u.name: u.basic for u in d.units if not u.is_office},
               previous)


def sample_doc() -> Doc:
    figures = {k: Decimal(v) for k, v in SAMPLE.items()}
    return Doc("长沙市", GX, 2024, f"{GX}2024年部门预算", figures, previous={"sangong": figures["sangong"] - SAMPLE_SANGONG_UP})


def documents() -> list[Doc]:
    return [gold_doc(synthetic(*spec)) for spec in CORPUS] + [sample_doc()]


def corpus_json() -> list[dict[str, Any]]:
    """The corpus file's entries, as eval.runner.write_corpus reads them."""
    return [{"seed": SEED, "index": i, "city": c, "bureau": b, "year": y, "kind": "预算"} for i, c, b, y in CORPUS] \
        + [{"sample": SAMPLE_TEXT}]


# -- arithmetic ------------------------------------------------------------------------------------
def fmt(d: Decimal) -> str:
    return f"{abs(d).quantize(CENT, rounding=ROUND_HALF_UP)}"


def rate(new: Decimal, old: Decimal) -> Decimal:
    """Percent change, two decimals rounded half up (signed)."""
    return ((new - old) / old * 100).quantize(CENT, rounding=ROUND_HALF_UP)


def direction(diff: Decimal, *amounts: Decimal) -> str:
    """「增加40.80」 or 「减少13.67」: any word that says the direction, then the amount (`diff`, or any
    of `amounts`: a rate, say) — alternatives for `expected.texts`."""
    words = ("增加", "增长", "上升", "多", "高") if diff >= 0 else ("减少", "下降", "降低", "少", "低")
    return "|".join(f"{w}{fmt(a)}" for a in (diff, *amounts) for w in words)


# -- the questions ---------------------------------------------------------------------------------
class Builder:
    """Collects questions; each method computes one kind of gold from the documents."""

    def __init__(self, docs: Sequence[Doc]) -> None:
        self.docs = list(docs)
        self.lines: list[dict[str, Any]] = []
        self.units = {name: doc for doc in self.docs for name in doc.units}

    # documents
    def doc(self, department: str, year: int | None = None) -> Doc:
        """The department's document of the year, or its latest when no year is given."""
        held = [d for d in self.docs if d.department == department and (year is None or d.year == year)]
        if not held:
            raise KeyError(f"no document of {department} {year}")
        return max(held, key=lambda d: d.year)

    def of_year(self, year: int | None) -> list[Doc]:
        """Every department's document of the year (each one's latest when None)."""
        departments = list(dict.fromkeys(d.department for d in self.docs))
        if year is None:
            return [self.doc(dept) for dept in departments]
        return [d for d in self.docs if d.year == year]

    def unit(self, name: str) -> tuple[Doc, Decimal]:
        """A unit printed by one document only (its name without the city printed by no other either)."""
        doc = self.units[name]
        core = name.removeprefix(doc.city)
        others = [u for d in self.docs if d is not doc for u in d.units]
        assert not any(core in u for u in others), f"{name} is printed by another document too"
        assert core not in (SAMPLES_DIR / SAMPLE_TEXT).read_text(encoding="utf-8"), f"{name} is in the sample"
        return doc, doc.units[name]

    # output
    def add(self, category: str, question: str, values: Iterable[Decimal] = (), unit: str = "万元",
            texts: Iterable[str] = (), rows: Iterable[dict[str, str]] = (), found: bool = True,
            absent: Iterable[str] = ()) -> None:
        expected: dict[str, Any] = {"values": [fmt(v) for v in values], "unit": unit if found else "",
                                    "texts": list(texts), "rows": list(rows), "found": found}
        if absent:
            expected["absent"] = list(absent)
        self.lines.append({"category": category, "question": question, "expected": expected})

    @staticmethod
    def rows(item: str, departments: Iterable[str] = ()) -> list[dict[str, str]]:
        """The table row a figure is cited from (a 三公 table by unit prints the department's row)."""
        _, table, row = ITEMS[item]
        alternatives = [row, *departments] if table == "三公" else [row]
        return [{"table": table, "row": "|".join(dict.fromkeys(alternatives))}]

    # kinds of question
    def lookup(self, question: str, department: str, year: int | None, item: str, says_year: bool = False) -> None:
        """One figure of one document; `says_year`: no year asked of a department with two, so the
        answer names the document it answered from."""
        doc = self.doc(department, year)
        self.add("lookup", question, [doc.figures[item]], texts=[doc.title] if says_year else [],
                 rows=self.rows(item, [department]))

    def unit_lookup(self, question: str, name: str) -> None:
        doc, basic = self.unit(name)
        self.add("lookup", question, [basic], rows=[{"table": "整体支出绩效目标", "row": name}])

    def change(self, question: str, department: str, item: str, new_year: int, old_year: int,
               asks: str = "both") -> None:
        """A change read from two stored documents: 增减额 and/or 增减率 (`asks`: amount, rate, both)."""
        new, old = self.doc(department, new_year).figures[item], self.doc(department, old_year).figures[item]
        diff = new - old
        values = {"amount": [diff], "rate": [rate(new, old)], "both": [diff, rate(new, old)]}[asks]
        self.add("change", question, values, texts=[direction(diff, rate(new, old))],
                 rows=self.rows(item, [department]))

    def stated_change(self, question: str, department: str, year: int, item: str) -> None:
        """A change against the year before, which only the document's narrative states."""
        doc = self.doc(department, year)
        diff = doc.figures[item] - doc.previous[item]
        self.add("change", question, [diff], texts=[direction(diff)])

    def last_year(self, question: str, department: str, item: str) -> None:
        """「去年的…」: the figure of the stored document of the year before the latest."""
        latest = self.doc(department)
        self.add("change", question, [self.doc(department, latest.year - 1).figures[item]],
                 rows=self.rows(item, [department]))

    def derived_last_year(self, question: str, department: str, year: int, item: str) -> None:
        """A year not stored, whose figure the next year's narrative gives (as a change)."""
        self.add("change", question, [self.doc(department, year + 1).previous[item]])

    def ranking(self, question: str, year: int | None, item: str, top: int = 1, ascending: bool = False) -> None:
        """The department first by the figure among the 预算 of the year (the latest year when None)."""
        year = year or max(d.year for d in self.docs)
        docs = [d for d in self.of_year(year) if d.figures[item]]   # a zero is not printed: not ranked
        values = [d.figures[item] for d in docs]
        assert len(set(values)) == len(values), f"{question}: ties"
        order = sorted(docs, key=lambda d: d.figures[item], reverse=not ascending)
        self.add("ranking", question, [d.figures[item] for d in order[:top]], texts=[order[0].department],
                 rows=self.rows(item, [d.department for d in order[:top]]))

    def difference(self, question: str, a: str, b: str, item: str, year: int | None = None) -> None:
        """Two departments' figures (each one's latest document when no year) and first minus second."""
        x, y = self.doc(a, year).figures[item], self.doc(b, year).figures[item]
        self.add("difference", question, [x, y, x - y], texts=[direction(x - y)], rows=self.rows(item, [a, b]))

    def listing(self, question: str, year: int | None, item: str, departments: Sequence[str] = (),
                absent: Sequence[str] = ()) -> None:
        """No one department named: every (or each named) department's figure of the year."""
        docs = [d for d in self.of_year(year) if not departments or d.department in departments]
        self.add("ambiguous", question, [d.figures[item] for d in docs], absent=absent,
                 rows=self.rows(item, [d.department for d in docs]))

    def refusal(self, question: str, texts: Sequence[str] = ()) -> None:
        self.add("refusal", question, found=False, texts=texts)


def questions(docs: Sequence[Doc]) -> list[dict[str, Any]]:
    q = Builder(docs)

    # lookup: full name, abbreviation, name without the city, a unit's name; the latest year by default
    q.lookup(f"{CZ}2024年的三公经费是多少", CZ, 2024, "sangong")
    q.lookup("长沙市财政局2023年“三公”经费预算安排了多少？", CZ, 2023, "sangong")
    q.lookup("工信局的三公经费是多少", GX, 2024, "sangong")
    q.lookup("长沙市工信局基本支出多少钱", GX, 2024, "basic")
    q.lookup("长沙工信局2024年基本支出多少", GX, 2024, "basic")
    q.lookup("工业和信息化局的公务接待费", GX, 2024, "reception")
    q.lookup("教育局2023年三公经费预算多少", JY, 2023, "sangong")
    q.lookup("长沙市教育局公务接待费是多少", JY, None, "reception", says_year=True)
    q.lookup("应急局的基本支出是多少", YJ, None, "basic", says_year=True)
    q.lookup("湘潭应急局三公经费", YJ, None, "sangong", says_year=True)
    q.lookup("湘潭市应急管理局2023年公务用车购置费", YJ, 2023, "car_buy")
    q.lookup("长沙市财政局公务用车购置及运行费是多少", CZ, None, "car", says_year=True)
    q.lookup("株洲市财政局2024年部门预算总额是多少", ZZ, 2024, "total")
    q.lookup("株洲财政局的公车运行费多少", ZZ, None, "car_run")
    q.lookup("衡阳市民政局项目支出是多少", MZ, None, "project")
    q.lookup("民政局三公经费", MZ, None, "sangong")
    q.unit_lookup("衡阳市殡葬管理所的基本支出是多少", "衡阳市殡葬管理所")
    q.unit_lookup("非税收入征收管理局基本支出多少", "株洲市非税收入征收管理局")
    q.unit_lookup("教育考试院的基本支出有多少钱", "长沙市教育考试院")
    q.unit_lookup("湘潭市应急管理综合行政执法支队2023年基本支出", "湘潭市应急管理综合行政执法支队")
    q.unit_lookup("应急物资储备中心的基本支出是多少", "湘潭市应急物资储备中心")   # printed in 2023 only

    # change: two stored years (years named, 比上年, 去年, a rate), else the narrative's stated change
    q.change(f"{CZ}2024年比2023年三公经费增加多少", CZ, "sangong", 2024, 2023)
    q.change("长沙市财政局三公经费比上年增加多少", CZ, "sangong", 2024, 2023)
    q.change("长沙市教育局三公经费比上年增长了百分之几", JY, "sangong", 2024, 2023, asks="rate")
    q.change("湘潭市应急管理局三公经费增长率是多少", YJ, "sangong", 2024, 2023, asks="rate")
    q.change("应急局2024年基本支出较2023年变化多少", YJ, "basic", 2024, 2023)
    q.change("长沙市教育局项目支出比去年多了多少", JY, "project", 2024, 2023, asks="amount")
    q.change("教育局2024年和2023年的基本支出对比", JY, "basic", 2024, 2023)
    q.last_year("长沙市财政局去年的三公经费是多少", CZ, "sangong")
    q.last_year("教育局去年的基本支出是多少", JY, "basic")
    q.stated_change("工信局三公经费比上年增加多少", GX, 2024, "sangong")
    q.stated_change("株洲市财政局三公经费比上年增加多少", ZZ, 2024, "sangong")
    q.stated_change("长沙市教育局2023年比2022年三公经费增加多少", JY, 2023, "sangong")
    q.stated_change("株洲市财政局机关运行经费比上年减少了多少", ZZ, 2024, "public")
    q.derived_last_year("衡阳市民政局2022年三公经费是多少", MZ, 2022, "sangong")

    # ranking: across the departments' 预算 of a year (the latest when none is named)
    q.ranking("2024年哪个部门三公经费最多", 2024, "sangong")
    q.ranking("2024年哪个部门三公经费最少", 2024, "sangong", ascending=True)
    q.ranking("2023年三公经费排名前3的部门", 2023, "sangong", top=3)
    q.ranking("三公经费最少的是哪个部门", None, "sangong", ascending=True)
    q.ranking("哪个部门的基本支出最高", None, "basic")
    q.ranking("2023年哪个部门项目支出最多", 2023, "project")
    q.ranking("2023年预算总额排名前两名的部门", 2023, "total", top=2)
    q.ranking("2024年各部门公务接待费排名", 2024, "reception")
    q.ranking("2023年公务接待费前三的部门有哪些", 2023, "reception", top=3)
    q.ranking("2024年公务用车运行费最多的部门", 2024, "car_run")

    # difference: two departments compared
    q.difference("长沙市财政局和长沙市教育局的基本支出相比", CZ, JY, "basic")
    q.difference("长沙市财政局比株洲市财政局三公经费多多少", CZ, ZZ, "sangong")
    q.difference("工信局和教育局的项目支出哪个多", GX, JY, "project")
    q.difference("2023年应急局和民政局的三公经费比较", YJ, MZ, "sangong", 2023)
    q.difference("长沙市教育局2023年基本支出比衡阳市民政局多多少", JY, MZ, "basic", 2023)
    q.difference("株洲市财政局与长沙市工业和信息化局的预算总额差多少", ZZ, GX, "total")
    q.difference("长沙市财政局和湘潭市应急管理局2024年公务接待费对比", CZ, YJ, "reception", 2024)
    q.difference("工信局跟株洲市财政局的公务用车运行费相差多少", GX, ZZ, "car_run")

    # ambiguous: no department named, or 「财政局」 (two cities'): each one's figure
    q.listing("2024年三公经费是多少", 2024, "sangong")
    q.listing("三公经费是多少", None, "sangong")
    q.listing("2023年基本支出是多少", 2023, "basic")
    q.listing("公务接待费有多少", None, "reception")
    q.listing("财政局2024年的三公经费", 2024, "sangong", [CZ, ZZ], absent=[JY, GX])
    q.listing("财政局2024年支出总计", 2024, "total", [CZ, ZZ], absent=[JY, GX])
    q.listing("财政局的基本支出是多少", None, "basic", [CZ, ZZ], absent=[JY, GX])

    # refusal: a department, place, year or kind the store does not hold
    q.refusal("北京市财政局的三公经费是多少", ["北京市财政局"])
    q.refusal("岳阳市教育局的基本支出", ["岳阳市教育局"])
    q.refusal("株洲市交通运输局三公经费是多少", ["株洲市交通运输局"])
    q.refusal("长沙市卫生健康委员会2024年三公经费", ["长沙市卫生健康委员会"])
    q.refusal("长沙市财政局2019年三公经费是多少")
    q.refusal("湘潭市应急管理局2025年的基本支出")
    q.refusal("衡阳市民政局2024年三公经费")
    q.refusal("株洲市财政局2023年的项目支出")
    q.refusal("长沙市财政局2024年决算三公经费")
    q.refusal("2030年哪个部门三公经费最多")

    counts: dict[str, int] = {}
    out = []
    for line in q.lines:
        n = counts[line["category"]] = counts.get(line["category"], 0) + 1
        out.append({"id": f"{line['category']}-{n:03d}", **line})
    return out


# -- output ----------------------------------------------------------------------------------------
def derive() -> tuple[str, str]:
    """The text of many.corpus.json and of many.jsonl."""
    corpus = "[\n" + ",\n".join(json.dumps(e, ensure_ascii=False) for e in corpus_json()) + "\n]\n"
    lines = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in questions(documents()))
    return corpus, lines


def check_sample(sample_questions: Path = QUESTIONS_DIR / "sample.jsonl") -> None:
    """The sample's figures used here are golds of sample.jsonl (derived from the PDF there)."""
    golds = {v for line in sample_questions.read_text(encoding="utf-8").splitlines() if line.strip()
             for v in json.loads(line)["expected"]["values"]}
    missing = [f"{k}={v}" for k, v in SAMPLE.items() if v not in golds]
    if str(SAMPLE_SANGONG_UP) not in golds:
        missing.append(f"三公经费增加={SAMPLE_SANGONG_UP}")
    if missing:
        raise SystemExit(f"sample figures not among sample.jsonl's golds: {', '.join(missing)}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=QUESTIONS_DIR, help="folder for many.jsonl and many.corpus.json")
    args = parser.parse_args(argv)
    check_sample()
    corpus, lines = derive()
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "many.corpus.json").write_text(corpus, encoding="utf-8")
    (args.out / "many.jsonl").write_text(lines, encoding="utf-8")
    print(f"{args.out / 'many.jsonl'}: {lines.count(chr(10))} questions over {len(corpus_json())} documents")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
