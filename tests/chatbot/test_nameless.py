"""One document whose department could not be read never breaks answers about the others: a ranking, a
question naming the other department and one naming none all answer over a store holding it."""
from __future__ import annotations

from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parents[2] / "ingest/samples/changsha-gxj-2024"
DEPARTMENT = "长沙市工业和信息化局"


@pytest.fixture(scope="module")
def with_nameless(tmp_path_factory, store_dir, writable_copy):
    """The sample PDF beside a twin naming no department: a copy of the session's sample store, the twin
    ingested into it."""

    from chatbot.service import open_service
    from ingest.pipeline import ingest_paths

    folder = tmp_path_factory.mktemp("nameless")
    text = SAMPLE.with_suffix(".txt").read_text(encoding="utf-8")
    nameless = folder / "nameless-2024.txt"
    nameless.write_text(text.replace(DEPARTMENT, "").replace("工业和信息化局", ""), encoding="utf-8")
    root = writable_copy(store_dir, tmp_path_factory.mktemp("nameless-store") / "store", [SAMPLE.with_suffix(".pdf")])
    summary = ingest_paths([nameless], root)
    assert [r.status for r in summary.results] == ["ingested"], summary.line()
    svc = open_service(root)
    assert any(not d.department for d in svc.documents), [d.department for d in svc.documents]
    yield svc
    svc.close()


@pytest.mark.parametrize("question", ["哪个部门三公经费最多？", "三公经费最少的部门是哪个", "哪个部门2024年基本支出最多"])
def test_a_ranking_over_a_store_with_a_nameless_document_answers(with_nameless, question):
    answer = with_nameless.ask(question)
    assert answer.answer and (answer.found or "未找到" in answer.answer)


def test_the_named_department_is_answered_beside_a_nameless_one(with_nameless):
    answer = with_nameless.ask(f"{DEPARTMENT}2024年三公经费是多少？")
    assert answer.found and [v.value for v in answer.values] == ["104.20"], answer.answer
