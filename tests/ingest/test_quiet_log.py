"""pdfminer's debug calls are no-ops in the parse children (issue 21, Speed: ~10 million Logger calls
over tests/data/real), only while DEBUG is off for pdfminer; its warnings still reach the logger, and a
document parsed in a child is the document read in this process. Real PDF, real fork server."""
from __future__ import annotations

import dataclasses
import json
import logging
import sys
from pathlib import Path

import pdfminer.psparser

from ingest.document.sandbox import parse_isolated
from ingest.pdf.quiet_log import quiet_pdfminer_debug

PDF = Path(__file__).resolve().parents[1] / "data" / "real" / "江苏苏州_苏州市审计局_2026_部门预算.pdf"


def pdfminer_logs(monkeypatch) -> None:
    """Restore every pdfminer module's `log` after the test."""
    for name, module in list(sys.modules.items()):
        if name.startswith("pdfminer.") and hasattr(module, "log"):
            monkeypatch.setattr(module, "log", module.log)


def test_debug_is_a_no_op_and_warnings_still_reach_the_logger(monkeypatch, caplog):
    pdfminer_logs(monkeypatch)
    quiet_pdfminer_debug()
    log = pdfminer.psparser.log
    assert not isinstance(log, logging.Logger)
    with caplog.at_level(logging.DEBUG, logger="pdfminer.psparser"):   # enabled after quieting: still quiet
        log.debug("nexttoken: %r", b"BT")
        log.warning("a strange token %r", b"\x00")
    assert [r.levelname for r in caplog.records if r.name == "pdfminer.psparser"] == ["WARNING"]


def test_nothing_is_quieted_when_pdfminer_logs_debug(monkeypatch):
    pdfminer_logs(monkeypatch)
    root = logging.getLogger("pdfminer")
    level = root.level
    root.setLevel(logging.DEBUG)
    try:
        quiet_pdfminer_debug()
    finally:
        root.setLevel(level)
    assert isinstance(pdfminer.psparser.log, logging.Logger)


def test_a_document_parsed_in_a_child_is_the_one_read_here(read_once):
    def as_json(doc) -> str:
        return json.dumps(dataclasses.asdict(doc), default=str, ensure_ascii=False, sort_keys=True)

    assert as_json(parse_isolated(PDF)) == as_json(read_once(PDF))
