"""Mutation fuzzing of the ingest: the sample (PDF excerpt and text form) with random byte ranges
flipped, deleted, inserted, zeroed or duplicated. Every outcome is a Document (that the writer can
turn into records and nodes) or a typed IngestError — never another exception, never a hang."""
from __future__ import annotations

import time

import pytest
from hostile import MUTATIONS, SAMPLE_TXT, check_outcome, mutate, mutate_text, sample_excerpt, table_pdf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.document.sandbox import ParseLimits

LIMITS = ParseLimits(seconds=10, memory_mb=512)
FUZZ = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow],
                print_blob=True)
EXCERPT = sample_excerpt()
SMALL_PDF = table_pdf(pageCompression=0)  # uncompressed: mutations land in text and rulings
TEXT = SAMPLE_TXT.read_bytes()

edits = st.lists(st.tuples(st.sampled_from(MUTATIONS), st.integers(0, 10**7), st.integers(1, 256),
                           st.binary(min_size=1, max_size=64)), min_size=1, max_size=5)


def _run(tmp_path_factory, name: str, data: bytes) -> str:
    path = tmp_path_factory.mktemp("fuzz") / name
    path.write_bytes(data)
    started = time.perf_counter()
    outcome = check_outcome(path, LIMITS)
    assert time.perf_counter() - started < LIMITS.seconds + 6
    return outcome


@pytest.mark.slow
@FUZZ
@given(edits=edits)
def test_a_mutated_sample_pdf_is_a_document_or_a_typed_error(tmp_path_factory, edits):
    _run(tmp_path_factory, "sample.pdf", mutate(EXCERPT, edits))


@pytest.mark.slow
@FUZZ
@given(edits=edits)
def test_a_mutated_small_uncompressed_pdf_is_a_document_or_a_typed_error(tmp_path_factory, edits):
    _run(tmp_path_factory, "small.pdf", mutate(SMALL_PDF, edits))


@FUZZ
@given(edits=edits)
def test_a_mutated_text_form_is_a_document_or_a_typed_error(tmp_path_factory, edits):
    _run(tmp_path_factory, "sample.txt", mutate(TEXT, edits))


# characters a disclosure's text form is built from: cells, headings, numbers, CJK
TEXT_PIECES = st.lists(st.sampled_from(list("\t\n#*-（）()、，。：0123456789.,年表合计支出万元类款项") +
                                      ["\u3000", "\x00", "\ufeff", "%PDF-", "2024年", "\r"]),
                      min_size=1, max_size=40).map("".join)
text_edits = st.lists(st.tuples(st.sampled_from(MUTATIONS), st.integers(0, 10**6), st.integers(1, 400),
                                TEXT_PIECES), min_size=1, max_size=6)


@FUZZ
@given(edits=text_edits)
def test_a_text_form_mutated_by_characters_is_a_document_or_a_typed_error(tmp_path_factory, edits):
    _run(tmp_path_factory, "sample.txt", mutate_text(TEXT.decode("utf-8"), edits).encode("utf-8"))


@settings(max_examples=30, deadline=None)
@given(text=st.text(max_size=400))
def test_arbitrary_text_in_a_txt_file_is_a_document_or_a_typed_error(tmp_path_factory, text):
    _run(tmp_path_factory, "any.txt", text.encode("utf-8", "surrogatepass"))
