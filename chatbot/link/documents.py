"""Which stored documents a question is about. Departments are found by full name, by name without
the place (「工业和信息化局」) or by abbreviation (「工信局」); a unit or project named without its
department leads to the documents that print it; a year and a kind (预算/决算) pick among one
department's documents, the latest 预算 when the question names none."""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from chatbot.link.catalog import abbreviates, label_key, strip_place
from chatbot.link.names import name_forms, place_fits, place_parts, place_suffixes
from chatbot.understand.query import normalize_question
from chatbot.understand.question import Named
from ingest.store.store import Store, StoredDocument
from ingest.store.versions import from_pdf

DISCLOSURE_KINDS = ("预算", "决算")   # the yearly disclosures; 绩效自评, 绩效评价, 绩效目标 documents stand beside them
MIN_ROUTING_LABEL = 4   # shorter printed names (行政运行 is 4) only route when few departments print them


class Directory:
    """The stored documents by department, year and kind, with the names that lead to them."""

    def __init__(self, documents: list[StoredDocument], store: Store) -> None:
        self.documents = documents
        self.store = store
        self.by_department: dict[str, list[StoredDocument]] = defaultdict(list)
        for d in documents:
            self.by_department[d.department].append(d)
        self.departments = list(self.by_department)
        self._variants = {dept: [v for v in dict.fromkeys([*(normalize_question(f) for f in name_forms(dept)),
                                                            normalize_question(strip_place(dept))]) if len(v) >= 2]
                          for dept in self.departments}
        self._labels: dict[str, set[str]] | None = None

    # -- departments named ---------------------------------------------------------------------
    def named(self, text: str, orgs: tuple[str, ...]) -> list[Named]:
        """Departments the (normalized) question names, in order; where names overlap the longest
        wins (「长沙市财政局」 is one department, 「财政局」 alone is every city's)."""
        hits: list[Named] = []
        for dept, variants in self._variants.items():
            for v in variants:
                i = text.find(v)
                if i >= 0 and not _other_place(text, i, i + len(v), dept):
                    hits.append(Named(dept, i, i + len(v)))
                    break
        for org in orgs:
            i = text.find(org)
            if i < 0 or any(h.start <= i < h.end for h in hits):
                continue
            end = i + len(org)
            for dept in self.departments:
                # the org may be the tail of the department's longer name cut at 和 (「信息化局」 of
                # 「宝鸡市工业和信息化局」): the place is read before that name
                start = min(i, _form_start(text, end, self._variants[dept]))
                if abbreviates(org, dept) and not _other_place(text, start, end, dept):
                    hits.append(Named(dept, i, end))
        kept = [h for h in hits if not any(o.end - o.start > h.end - h.start and o.start < h.end and h.start < o.end
                                           for o in hits)]
        out: dict[str, Named] = {}
        for h in sorted(kept, key=lambda h: h.start):
            out.setdefault(h.department, h)
        return list(out.values())

    def unknown_orgs(self, text: str, named: list[Named], orgs: tuple[str, ...]) -> list[str]:
        """Organisations the question names that are no stored department and no printed row."""
        labels = self.labels
        out = []
        for org in orgs:
            i = text.find(org)
            if any(n.start <= i < n.end or (i <= n.start and n.end <= i + len(org)) for n in named):
                continue
            org = self._whole_name(text, org, i)
            core = strip_place(org)
            wanted = org if core != org else core     # a place named must be the place printed
            if wanted not in labels and not any(wanted in key for key in labels):
                out.append(org)
        return out

    def _whole_name(self, text: str, org: str, i: int) -> str:
        """The organisation as named, when a pattern cut it at 和 (「信息化局」 of 「宝鸡市工业和信息化局」): the
        longest stored name form ending where it ends, with the place said before it."""
        end = i + len(org)
        start = _form_start(text, end, [v for vs in self._variants.values() for v in vs])
        if start >= i:
            return org
        return _BEFORE_NAME.split(text[max(0, start - 8):start])[-1] + text[start:end]

    # -- documents of a department -------------------------------------------------------------
    def documents_of(self, department: str) -> list[StoredDocument]:
        return self.by_department.get(department, [])

    def pick(self, department: str, years: Iterable[int] = (), kinds: Iterable[str] = (),
             exact_kind: bool = False, within: Iterable[StoredDocument] | None = None,
             levels: Iterable[str] = ()) -> StoredDocument | None:
        """The department's document for the year and kind named: the latest year when none is named,
        a 预算 before a 决算 unless 决算 is named (`exact_kind`: a 预算 only, then — so that a ranking
        never sets one department's 决算 against another's 预算), the 部门 one before the unit's own
        单位 one unless `levels` asks 单位; of one disclosure stored as a PDF and as a workbook, the PDF
        (it has pages to cite)."""
        docs = self.documents_of(department)
        if within is not None:          # only these (the documents that print the unit asked about)
            allowed = {d.id for d in within}
            docs = [d for d in docs if d.id in allowed]
        years, kinds = set(years), set(kinds)
        if years:
            docs = [d for d in docs if d.year in years]
        if "决算" in kinds and "预算" not in kinds:
            docs = [d for d in docs if d.kind == "决算"]
        elif exact_kind:
            docs = [d for d in docs if d.kind == "预算"]
        # a 绩效自评/绩效评价/绩效目标 document answers only when the department has no budget or accounts
        docs = [d for d in docs if d.kind in DISCLOSURE_KINDS] or docs
        if not docs:
            return None
        wanted = set(levels) or {"部门"}
        return max(docs, key=lambda d: (d.year or 0, d.kind == "预算", d.level in wanted, is_pdf(d), d.id))

    # -- routing by printed names --------------------------------------------------------------
    @property
    def labels(self) -> dict[str, set[int]]:
        """Printed row names (and their forms without place) → the documents printing them.
        Read once from the store, on the first question that needs it."""
        if self._labels is None:
            labels: dict[str, set[int]] = defaultdict(set)
            for label, doc_id in self.store.execute(
                    "SELECT DISTINCT row_label, document_id FROM records WHERE value IS NOT NULL").fetchall():
                key = normalize_question(label_key(label))
                for k in {key, strip_place(key)}:
                    if len(k) >= 2:
                        labels[k].add(int(doc_id))
            self._labels = dict(labels)
        return self._labels

    def routed(self, text: str) -> list[StoredDocument]:
        """Documents a question names only through a unit or project they print (「制造业发展促进中心
        的基本支出」): the printed names in the question that some departments print and others do
        not, the longest first; the documents printing all of them. Empty when nothing narrows."""
        everyone = len(self.departments)
        labels = self.labels
        department = {d.id: d.department for d in self.documents}
        lengths = sorted({len(k) for k in labels if len(k) >= MIN_ROUTING_LABEL}, reverse=True)
        found: list[set[int]] = []
        i = 0
        while i < len(text):
            for n in lengths:
                piece = text[i:i + n]
                if len(piece) == n and piece in labels and \
                        len({department.get(d) for d in labels[piece]}) < everyone:
                    found.append(labels[piece])
                    i += n - 1
                    break
            i += 1
        if not found:
            return []
        common = set.intersection(*found)
        return [d for d in self.documents if d.id in common]

    def holdings(self, limit: int = 8) -> str:
        """What the store holds, in a line: every document when few, else a count and some names."""
        if len(self.documents) <= limit:
            return document_list(self.documents)
        years = sorted({d.year for d in self.documents if d.year})
        span = f"{years[0]}–{years[-1]}年" if years else ""
        some = "、".join(self.departments[:limit])
        return f"{len(self.documents)}份文件（{len(self.departments)}个部门，{span}），如{some}等"


_BEFORE_NAME = re.compile(r"[年的在和与及里中对为是占比较跟同有，,。？?；;：:、\d\s]")


def _form_start(text: str, end: int, forms: Iterable[str]) -> int:
    """Where the longest of the name forms ending at `end` starts (`end` when none ends there)."""
    return min((end - len(v) for v in forms if text.endswith(v, 0, end)), default=end)


def _other_place(text: str, start: int, end: int, department: str) -> bool:
    """The name found stands right after a place that is not the department's: 「财政局」 in
    「北京市财政局」 or 「珠海财政局」, 「工业和信息化局」 in 「宝鸡市工业和信息化局」 is not 长沙市's. Only the
    words just before the name count (back to a word such as 年/的/和 or a mark), and only when the name
    found says no place of its own; the question's other words never make it another department's."""
    parts, _ = place_parts(department)
    says_place = any(text.startswith(p, start) or text.startswith(p[:-1], start) for p in parts)
    head = text[max(0, start - 8):start]
    before = _BEFORE_NAME.split(head)[-1]
    if len(before) < 2 or (says_place and before[-1] not in place_suffixes()):
        return False
    return not any(place_fits(before[k:], department) for k in range(len(before) - 1))




def document_list(documents: Iterable[StoredDocument]) -> str:
    """「长沙市工业和信息化局 2024年 部门预算」 for each document, joined by 「；」."""
    return "；".join(dict.fromkeys(f"{d.department} {d.year}年 部门{d.kind}" for d in documents))


def is_pdf(doc: StoredDocument) -> bool:
    """The document was read from a PDF (every file of a disclosure in two files)."""
    return from_pdf(doc.source)


def same_disclosure(a: StoredDocument, b: StoredDocument) -> bool:
    """Two stored forms of one disclosure (its PDF and its workbook): same department, year, kind, level."""
    return (a.department, a.year, a.kind, a.level) == (b.department, b.year, b.kind, b.level)
