"""One disclosure stored twice — its PDF and its workbook — is one source for answering: the PDF is
used (it has pages to cite) and the user is never asked to choose between the two."""
from __future__ import annotations

from pathlib import Path

import pytest

PUTUO_JUSTICE_PDF = Path(__file__).resolve().parents[1] / "data" / "real" / "上海普陀_上海市普陀区司法局_2026_部门预算.pdf"


@pytest.fixture(scope="module")
def both_forms(tmp_path_factory: pytest.TempPathFactory, putuo_justice_store: Path, writable_copy):
    from chatbot.service import open_service
    from ingest.pipeline import ingest_paths
    from tests.ingest.test_xlsx_reader import _published_workbook

    root = tmp_path_factory.mktemp("two-forms")
    book = _published_workbook(root / "上海普陀_上海市普陀区司法局_2026_部门预算_报表.xlsx")
    store = writable_copy(putuo_justice_store, root / "store", [PUTUO_JUSTICE_PDF])   # the PDF, stored first
    ingest_paths([book], store)          # the workbook last: the newest is not the one to use
    svc = open_service(store)
    yield svc
    svc.close()


def test_both_forms_are_stored_as_one_department_year_and_kind(both_forms):
    docs = both_forms.documents
    assert len(docs) == 2 and len({(d.department, d.year, d.kind, d.level) for d in docs}) == 1, docs


@pytest.mark.parametrize("question, printed", [
    ("2026年度普陀区司法局公共安全支出安排了多少", "8,726.73万元"),
    ("上海市普陀区司法局2026年住房公积金是多少？", "万元"),
])
def test_the_pdf_answers_with_its_page_and_no_choice_is_asked(both_forms, question, printed):
    answer = both_forms.ask(question)
    assert answer.found and printed in answer.answer, answer.answer
    assert answer.operation != "clarify" and "还有" not in answer.answer, answer.answer
    pdf = [d for d in both_forms.documents if d.source.endswith(".pdf")]
    from_pdf = both_forms.engine(pdf).ask(question)          # the same question over the PDF alone
    assert [(c.table, c.page) for c in answer.citations] == [(c.table, c.page) for c in from_pdf.citations]
