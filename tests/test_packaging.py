"""Packaging: the wheel holds the data the code loads (lexicon, table kinds, sample, question sets) and
building it prints no setuptools warning (issue 15: ~165 BuildBackendWarning lines opened set-up)."""
from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA_FOLDERS = ("chatbot/data", "ingest/data", "ingest/samples", "eval/questions")
DATA_FILES = ("eval/synth_data.json",)
PACKAGES = ("chatbot", "ingest", "eval")


def _source_copy(dest: Path) -> Path:
    """The packaged parts of the working tree, copied so that building leaves no build/ in it."""
    junk = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in PACKAGES:
        shutil.copytree(ROOT / name, dest / name, ignore=junk)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, dest / name)
    return dest


def _data_files(src: Path) -> set[str]:
    found = {str(p.relative_to(src)) for folder in DATA_FOLDERS for p in (src / folder).iterdir()
             if p.is_file() and p.suffix not in (".py", ".pyc")}
    return found | set(DATA_FILES)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, set[str], str]:
    """(source copy, names in the wheel, pip's output) of `pip wheel --no-build-isolation`: offline, with
    the setuptools of this venv."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = _source_copy(tmp / "src")
    out = tmp / "dist"
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "--no-build-isolation",
                           "--no-index", "-w", str(out)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    [wheel] = out.glob("budgetqa-*.whl")
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
    return src, names, proc.stdout + proc.stderr


@pytest.mark.slow
def test_the_wheel_holds_every_data_file_of_the_packages(built):
    src, names, _ = built
    expected = _data_files(src)
    assert {"chatbot/data/lexicon.json", "ingest/samples/changsha-gxj-2024.pdf",
            "eval/questions/sample.jsonl", "ingest/data/table_kinds.json"} <= expected
    assert expected - names == set()


@pytest.mark.slow
def test_building_the_wheel_prints_no_setuptools_warning(built):
    _, _, output = built
    assert "BuildBackendWarning" not in output and "is absent from the `packages`" not in output, output[-3000:]
    assert "SetuptoolsDeprecationWarning" not in output, output[-3000:]
