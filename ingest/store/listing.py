"""The documents a store holds (`budgetqa list`), for staff and tools: source, department, year, kind,
level, pages, tables by kind, records, chunks, the mandated tables each lacks or prints empty, the
pages whose tables were not read, and its file hash, version, when and by whom it was added —
every figure counted by SQL, so a store of a thousand documents lists at once."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from ..checks.completeness import empty_kinds, kind_counts, lacking
from ..document.identity import reading_notes
from ..document.metadata import document_title
from ..tables.kinds import all_kinds, mandated_kinds
from .store import Store
from .versions import short_sha, versions


@dataclass(frozen=True)
class DocumentEntry:
    """One document as `list --json` prints it: the DESIGN.md document line, then `empty`, `chunks` and
    `unread_pages`."""

    source: str
    sha256: str
    department: str
    year: int | None
    kind: str
    level: str
    pages: int
    tables: dict[str, int]  # canonical kind (or the printed title of a table no rule knows) → tables
    records: int
    lacks: list[str]  # mandated kinds not held
    empty: list[str]  # kinds held whose tables hold no figure other than zero
    chunks: int
    unread_pages: list[int] = field(default_factory=list)  # pages whose grid of figures ended in no table
    added_at: str | None = None  # when it was added (UTC)
    added_by: str | None = None  # who added it
    version: int = 1  # of its disclosure's versions, in the order added (ingest.store.versions)
    versions: int = 1

    def to_json(self) -> dict:
        return asdict(self)

    def render_text(self) -> str:
        """One line in Chinese: 「来源  部门  2024年 部门预算  39页  表10张：…  记录1438条  说明35段  sha256 ab12cd34
        2026-12-06 09:30 由 alice 添加  必需表齐全…」;
        what could not be read is said at its end (「部门未能读出」, 「第3页的表格未能读取」), never printed
        in place of a name or a year."""
        year = f"{self.year}年 " if self.year is not None else ""
        fields = [self.source, self.department, year + document_title("", None, self.kind, self.level), f"{self.pages}页", self._tables_text(),
                  f"记录{self.records}条", f"说明{self.chunks}段", self.version_text(), self._lacks_text(),
                  "；".join(reading_notes(self.department, self.year, self.unread_pages))]
        return "  ".join(f for f in fields if f)

    def version_text(self) -> str:
        """「sha256 ab12cd34  第2版（共2版，答案采用此版）  2026-12-06 09:30 由 alice 添加」."""
        version = ""
        if self.versions > 1:
            used = "，答案采用此版" if self.version == self.versions else ""
            version = f"第{self.version}版（共{self.versions}版{used}）"
        when = (self.added_at or "")[:16]
        added = f"{when} 由 {self.added_by} 添加" if self.added_by else f"{when} 添加" if when else ""
        return "  ".join(f for f in (f"sha256 {short_sha(self.sha256)}", version, added) if f)

    def _tables_text(self) -> str:
        if not self.tables:
            return "表0张"
        known = set(all_kinds())
        names = [(k if k in known else f"「{k}」") + (f"×{n}" if n > 1 else "") for k, n in self.tables.items()]
        return f"表{sum(self.tables.values())}张：" + "、".join(names)

    def _lacks_text(self) -> str:
        mandated = mandated_kinds(self.kind)
        if not mandated:
            text = f"无{self.kind}必需表清单"
        elif not self.tables:
            text = f"无表格（仅说明文字），缺少全部{len(mandated)}张必需表"
        elif self.lacks:
            text = f"缺少必需表{len(self.lacks)}张：" + "、".join(self.lacks)
        else:
            text = "必需表齐全"
        return text + ("；空表：" + "、".join(self.empty) if self.empty else "")


def list_documents(store: Store) -> list[DocumentEntry]:
    """Every stored document, in the order ingested, with its counts (a few grouped queries, whatever the number of records)."""
    docs = store.documents()
    kinds = kind_counts(store)
    records = {d: n for d, (_, n) in store.document_counts().items()}
    chunks = dict(store.execute("SELECT document_id, COUNT(*) FROM chunks GROUP BY document_id").fetchall())
    held = versions(docs)
    out = []
    for d in docs:
        counts = kinds.get(d.id, {})
        out.append(DocumentEntry(d.source, d.sha256, d.department, d.year, d.kind, d.level, d.pages,
                                 {k: c.tables for k, c in counts.items()}, records.get(d.id, 0),
                                 lacking(d.kind, counts), empty_kinds(counts), int(chunks.get(d.id, 0)),
                                 json.loads(d.unread_pages or "[]"), d.ingested_at, d.added_by,
                                 held[d.id].number, held[d.id].count))
    return out


def summary_line(entries: list[DocumentEntry]) -> str:
    """「共3份文档；1份缺少必需表」, and how many have tables that were not read (「1份有3页表格未能读取」)."""
    lacking_docs = sum(bool(e.lacks) for e in entries)
    line = f"共{len(entries)}份文档；" + (f"{lacking_docs}份缺少必需表" if lacking_docs else "必需表均齐全")
    unread = [e for e in entries if e.unread_pages]
    if unread:
        line += f"；{len(unread)}份有{sum(len(e.unread_pages) for e in unread)}页表格未能读取"
    return line
