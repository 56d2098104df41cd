"""The attack table's rows and the helpers its attack groups share: timing an attack (an exception is
a finding, shown in the table, never a stop) and the `budgetqa` CLI run as a user runs it."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for _path in (ROOT / "tests" / "hardening", ROOT / "tests" / "app", ROOT):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

ROWS: list[tuple[str, str, str, str, str]] = []


def row(attack: str, expected: str, outcome: str, seconds: float, held: bool | None) -> None:
    """One line of the table; `held`: whether the outcome is what is expected (None: a measure only)."""
    verdict = "—" if held is None else "yes" if held else "NO"
    ROWS.append((attack, expected, outcome, f"{seconds:.1f} s", verdict))
    print(f"  [{verdict}] {attack}: {outcome} ({seconds:.1f} s)", file=sys.stderr, flush=True)


def timed(fn: Callable[[], str]) -> tuple[str, float]:
    started = time.perf_counter()
    try:
        outcome = fn()
    except Exception as exc:  # a finding: show it in the table rather than stop
        outcome = f"UNEXPECTED {type(exc).__name__}: {exc}"[:160]
    return outcome, time.perf_counter() - started


def run_attack(name: str, expected: str, fn: Callable[[], str], held: Callable[[str], bool] | None) -> str:
    """Run `fn`, add its row (held when `held(outcome)`); the outcome."""
    outcome, seconds = timed(fn)
    row(name, expected, outcome, seconds, None if held is None else (not outcome.startswith("UNEXPECTED")
                                                                    and held(outcome)))
    return outcome


def yes(before: object, after: object) -> str:
    return "yes" if before == after else "NO"


def budgetqa(*args: str, env: dict[str, str] | None = None, stdin: str | None = None,
             timeout: float = 600) -> subprocess.CompletedProcess[bytes]:
    """`python -m chatbot.cli ARGS` in a process of its own, its output as bytes."""
    return subprocess.run([sys.executable, "-m", "chatbot.cli", *args], cwd=ROOT, capture_output=True,
                          env={**os.environ, **(env or {})}, input=stdin.encode() if stdin is not None else None,
                          timeout=timeout)


def err_lines(raw: bytes) -> list[str]:
    """Output lines, a progress bar's carriage-return updates apart."""
    return [p for line in raw.decode("utf-8", "replace").split("\n") for p in line.split("\r") if p.strip()]


def print_table() -> None:
    headers = ("attack", "expected", "outcome", "time", "as expected")
    print("| " + " | ".join(headers) + " |")
    print("|" + "---|" * len(headers))
    for r in ROWS:
        print("| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in r) + " |")
