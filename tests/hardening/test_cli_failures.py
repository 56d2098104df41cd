"""Every failure is one line and a batch goes on, driving the real `budgetqa` CLI in a subprocess: file
names that are not UTF-8 or hold newlines and terminal escapes (printed escaped), a full disk during an
ingest (a small tmpfs; skipped where mounting is not allowed — RLIMIT_FSIZE is no stand-in: SQLite
reports its EFBIG as a bare 「disk I/O error」), malformed citation JSON given to `show`, and a file's size
read before any byte of it."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hostile import ROOT, SAMPLE_TXT, tiny_text
from storecheck import consistency, snapshot

CONTROL = [chr(c) for c in range(32)] + ["\x7f"]


def budgetqa(*args: str, env: dict[str, str] | None = None, stdin: str | None = None
             ) -> subprocess.CompletedProcess[bytes]:
    """The CLI as a user runs it."""
    return subprocess.run([sys.executable, "-m", "chatbot.cli", *args], cwd=ROOT, capture_output=True,
                          env={**os.environ, **(env or {})}, input=stdin.encode() if stdin is not None else None,
                          timeout=600)


def _lines(raw: bytes) -> list[str]:
    """stderr's lines, the progress bar's carriage-return updates apart."""
    return [p for line in raw.decode("utf-8", "replace").split("\n") for p in line.split("\r") if p.strip()]


def _no_traceback(out: subprocess.CompletedProcess[bytes]) -> None:
    assert b"Traceback" not in out.stderr and b"Traceback" not in out.stdout, out.stderr.decode(errors="replace")


@pytest.fixture(scope="module")
def odd_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("odd-names")
    (folder / "a.txt").write_text(tiny_text("测试市审计局"), "utf-8")
    (folder / os.fsdecode(b"b\xff\xfe.txt")).write_text(tiny_text("测试市财政局"), "utf-8")
    (folder / "c\nerror: forged.txt").write_text(tiny_text("测试市教育局"), "utf-8")
    (folder / "d\x1b[31mred.pdf").write_bytes(b"not a pdf")
    return folder


@pytest.fixture(scope="module")
def odd_ingest(odd_folder, tmp_path_factory):
    store = tmp_path_factory.mktemp("odd-store")
    return store, budgetqa("ingest", str(odd_folder), "--store", str(store))


def test_a_name_that_is_not_utf8_stops_nothing(odd_ingest):
    store, out = odd_ingest
    _no_traceback(out)
    assert out.returncode == 1                        # the bad PDF
    lines = _lines(out.stderr)
    assert lines[-1] == "4 file(s): 3 ingested, 0 unchanged, 1 failed; 12 records", lines
    assert any(line.startswith("ingested: ") and "b\\xff\\xfe.txt" in line for line in lines), lines
    listed = budgetqa("list", "--store", str(store))
    assert listed.returncode == 0 and "b\\xff\\xfe.txt" in listed.stdout.decode("utf-8"), listed


def test_newlines_and_terminal_escapes_in_names_are_printed_escaped(odd_ingest):
    store, out = odd_ingest
    text = out.stderr.decode("utf-8")
    assert "\x1b" not in text and "\\x1b[31mred.pdf" in text and "c\\nerror: forged.txt" in text
    assert [line for line in text.split("\n") if line.startswith("error:")] == [
        next(line for line in text.split("\n") if "red.pdf" in line and line.startswith("error:"))]  # no forged line
    listed = budgetqa("list", "--store", str(store)).stdout.decode("utf-8")
    assert not any(c in line for line in listed.splitlines() for c in CONTROL), listed
    assert "c\\nerror: forged.txt" in listed and len(listed.splitlines()) == 4   # 3 documents and the total


@pytest.mark.parametrize("given", [
    "{", '{"document": 1, "page": "x"}', '{"citations": 5}', '{"document": "a", "page": 1e999}',
    '{"document": "a", "page": 2, "bbox": "abc"}', '{"document": "a", "page": 2, "bbox": [1, 2]}',
    "[" * 100_000, '{"document": "a", "page": true}', '{"document": "a", "page": 2, "row": 5}',
    '{"document": "a", "page": 2, "document_id": "x"}', '"text"', "[1, 2]", "",
])
def test_malformed_citation_json_gives_one_line(text_store, given):
    out = budgetqa("show", "--citation", "-", "--store", str(text_store), stdin=given)
    _no_traceback(out)
    lines = _lines(out.stderr)
    assert out.returncode == 1 and len(lines) == 1 and lines[0].startswith("error: "), lines


def test_a_document_name_with_escapes_in_a_citation_is_shown_escaped(text_store):
    out = budgetqa("show", "--citation", '{"document": "x\\u001b[2J\\nerror: y", "page": 1}', "--store",
                   str(text_store))
    lines = _lines(out.stderr)
    assert out.returncode == 1 and len(lines) == 1 and "x\\x1b[2J\\nerror: y" in lines[0], lines


def test_a_file_is_measured_before_it_is_read(tmp_path):
    """A 400 MB file (sparse: no disk) is hashed a block at a time, then refused by its header; one
    over BUDGETQA_MAX_FILE_MB is refused by its size alone. The CLI's memory stays far below the file."""
    big = tmp_path / "big.pdf"
    with big.open("wb") as f:
        f.truncate(400 * 1024 * 1024)
    code = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:], capture_output=True); "
            "sys.stderr.buffer.write(r.stderr); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    cli = [sys.executable, "-m", "chatbot.cli", "ingest", str(big), "--store", str(tmp_path / "s")]
    out = subprocess.run([sys.executable, "-c", code, *cli], cwd=ROOT, capture_output=True, timeout=600)
    assert "not a PDF" in _lines(out.stderr)[-2], out.stderr
    assert int(out.stdout) < 300 * 1024, f"{int(out.stdout) // 1024} MB resident for a 400 MB file"
    capped = budgetqa("ingest", str(big), "--store", str(tmp_path / "s"), env={"BUDGETQA_MAX_FILE_MB": "100"})
    assert "more than the limit of 100 MB" in _lines(capped.stderr)[-2], capped.stderr


# -- a full disk -----------------------------------------------------------------------------------------
def _small_disk(where: Path, mb: int) -> bool:
    """A tmpfs of `mb` MB mounted at `where` (root only); False where mounting is not allowed."""
    where.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={mb}m", "tmpfs", str(where)], capture_output=True)
    return done.returncode == 0


@pytest.fixture
def small_disk(tmp_path):
    where = tmp_path / "disk"
    if not _small_disk(where, 12):
        pytest.skip("mounting a small tmpfs needs root")
    yield where
    subprocess.run(["umount", "-l", str(where)], check=True)   # lazy: this process may still hold Chroma open


def _fill(where: Path, leave_kb: int) -> Path:
    filler = where / "filler"
    st = os.statvfs(where)
    with filler.open("wb") as f:
        f.write(b"\0" * max(0, st.f_bavail * st.f_frsize - leave_kb * 1024))
    return filler


@pytest.mark.slow
@pytest.mark.parametrize("leave_kb", [64, 600, 2500])   # SQLite, the embedding cache, Chroma run out first
def test_a_full_disk_fails_the_file_in_one_line_and_keeps_the_store(small_disk, tmp_path, leave_kb):
    where = small_disk
    store, first, big = where / "store", tmp_path / "first.txt", tmp_path / "big.txt"
    first.write_text(tiny_text("测试市审计局"), "utf-8")
    big.write_text(SAMPLE_TXT.read_text("utf-8"), "utf-8")
    assert budgetqa("ingest", str(first), "--store", str(store)).returncode == 0
    before = snapshot(store)
    filler = _fill(where, leave_kb)
    out = budgetqa("ingest", str(big), str(first), "--store", str(store))
    _no_traceback(out)
    lines = _lines(out.stderr)
    errors = [line for line in lines if line.startswith("error:")]
    assert out.returncode == 1 and len(errors) == 1 and str(big) in errors[0] and "磁盘已满" in errors[0], lines
    assert lines[-1] == "2 file(s): 0 ingested, 1 unchanged, 1 failed; 0 records", lines   # the batch went on
    filler.unlink()
    assert snapshot(store) == before and consistency(store).ok
    again = budgetqa("ingest", str(big), "--store", str(store))
    assert again.returncode == 0 and "1 ingested" in _lines(again.stderr)[-1], again.stderr
