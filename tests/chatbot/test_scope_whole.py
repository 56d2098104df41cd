"""A funding scope said bare (「一般公共预算」「财政拨款」「政府性基金」) asks its whole: never the scope's column
in the total row of a table of one part of the spending (基本支出表, 项目支出表, 三公表 …: the part that scope
pays). Refused when only such parts print it; 「政府性基金支出」 is spending, not the 收入总表's column."""
from __future__ import annotations

SCOPES = ("一般公共预算", "财政拨款", "政府性基金", "政府性基金预算")


def _read_from_a_part(engine, answer) -> list[str]:
    """The cited cells that are a scope's column in a part table's total row."""
    parts = engine.lexicon.part_tables
    out = []
    for c in answer.citations:
        info = next((t for t in engine.catalog.tables.values() if t.title == c.table), None)
        if info is not None and info.kind in parts.kinds and c.row in ("合计", "总计") and c.column in parts.scopes:
            out.append(f"{c.table}/{c.row}/{c.column}")
    return out


def test_a_scope_said_bare_is_never_read_from_a_parts_scope_column(breadth, real):
    answered = 0
    for svc in (breadth, real):
        for doc in svc.documents:
            engine = svc.engine([doc])
            for scope in SCOPES:
                for ask in (f"{doc.department}{doc.year}年{scope}", f"{doc.department}{scope}是多少"):
                    answer = svc.ask(ask)
                    if answer.found and answer.operation == "lookup":
                        assert not _read_from_a_part(engine, answer), (ask, answer.answer)
                        answered += 1
    assert answered >= 20, answered


def test_spending_of_a_fund_is_read_from_spending(breadth, real):
    checked = 0
    for svc in (breadth, real):
        for doc in svc.documents:
            engine = svc.engine([doc])
            if not any(t.kind == "政府性基金表" and t.rows for t in engine.catalog.tables.values()):
                continue
            answer = svc.ask(f"{doc.department}{doc.year}年政府性基金支出是多少")
            if not answer.found:
                continue
            kinds = {t.kind for t in engine.catalog.tables.values() for c in answer.citations if t.title == c.table}
            assert kinds and not kinds & set(engine.lexicon.income_tables), answer.answer
            checked += 1
    assert checked >= 3, checked


def test_a_departments_figure_is_never_a_projects_line(breadth, real):
    """「财政拨款」「资金总额」 said bare: a 绩效目标表's line of one project (其中：财政拨款) is not the
    department's figure while any other table prints one; asked about projects, it may be."""
    answered = 0
    for svc in (breadth, real):
        for doc in svc.documents:
            engine = svc.engine([doc])
            performance = {t.title for t in engine.catalog.tables.values() if t.kind in ("项目绩效表", "整体绩效表")}
            if not performance:
                continue
            for term in ("财政拨款", "资金总额", "其中：财政拨款", "一般公共预算"):
                answer = svc.ask(f"{doc.department}{doc.year}年{term}是多少")
                if answer.found and answer.operation == "lookup":
                    assert not {c.table for c in answer.citations} & performance, answer.answer
                    answered += 1
    assert answered >= 10, answered
