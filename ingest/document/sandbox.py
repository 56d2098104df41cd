"""Parse a file (or render a page) in a child process with a time and memory limit, so a hostile file
can neither hang nor exhaust the caller. The child sends back the Document or the typed error it raised."""
from __future__ import annotations

import gc
import multiprocessing as mp
import os
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import CorruptPdf, IngestError, ParseOutOfMemory, ParseTimeout
from ..pdf.quiet_log import quiet_pdfminer_debug
from .model import Document
from .reader import read_document


@dataclass(frozen=True)
class ParseLimits:
    """Wall-clock seconds for one parse — `seconds`, and `seconds_per_page` more for each page the file
    has, up to `most_seconds` — and the memory (MB) the parse may take on top of what the process it is
    forked from already maps. A 262-page disclosure on a busy machine needs minutes; a file that spins
    is still stopped."""

    seconds: float = float(os.environ.get("BUDGETQA_PARSE_SECONDS", "120"))
    memory_mb: int = int(os.environ.get("BUDGETQA_PARSE_MEMORY_MB", "2048"))
    seconds_per_page: float = float(os.environ.get("BUDGETQA_PARSE_SECONDS_PER_PAGE", "1.0"))
    most_seconds: float = float(os.environ.get("BUDGETQA_PARSE_MOST_SECONDS", "900"))

    def for_pages(self, pages: int) -> float:
        """The limit for a file of that many pages."""
        return max(self.seconds, min(self.most_seconds, self.seconds + self.seconds_per_page * pages))


def _page_count(path: str) -> int:
    """Pages of a PDF as its page tree says (pdfium, quick); 0 for another kind of file or a tree that
    cannot be read (the parse then says why)."""
    if not path.lower().endswith(".pdf"):
        return 0
    try:
        import pypdfium2

        pdf = pypdfium2.PdfDocument(path)
        try:
            return len(pdf)
        finally:
            pdf.close()
    except Exception:  # noqa: BLE001 — a broken file: the parse itself says what is wrong
        return 0


# The parse child's garbage collector runs its young pass after 50,000 new objects, not 700: pdfminer makes
# millions of small objects a page, most of them kept until the page is done, and the default walked the
# survivors again and again — 5–10% of the parse's CPU over the breadth corpus (gc.freeze spares the
# server's modules as well). A child reads one file and exits; the largest breadth file peaked at 77 MB
# against 76 MB with the default.
PARSE_GC_THRESHOLDS = (50_000, 20, 20)


def _mapped_bytes() -> int:
    """Address space this process maps now (0 where /proc is missing)."""
    try:
        return int(Path("/proc/self/statm").read_text().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


def _child(path: str, memory_mb: int, conn: Any, settings: dict[str, str]) -> None:
    os.environ.update(settings)  # the caller's BUDGETQA_* settings as they are now, not as the server began
    try:
        # RLIMIT_AS caps the whole address space, and a fork inherits the parent's (the app, with
        # Chroma, the embedder and their thread arenas, maps gigabytes it never touches): the limit
        # is set above that, or every parse in a large parent would fail as out of memory.
        limit = _mapped_bytes() + memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        quiet_pdfminer_debug()                     # ~10 million calls over tests/data/real, ~3 s of CPU
        gc.freeze()                                # the fork server's modules: never scanned again here
        gc.set_threshold(*PARSE_GC_THRESHOLDS)
        conn.send(("pages", _page_count(path)))   # the parent's time limit grows with them
        conn.send(("ok", read_document(path)))
    except IngestError as exc:
        conn.send(("error", exc))
    except MemoryError:
        conn.send(("error", ParseOutOfMemory(path, f"parsing needed more than {memory_mb} MB")))
    except Exception as exc:  # a parser bug on a strange file must not crash the caller
        conn.send(("error", CorruptPdf(path, f"could not be parsed ({type(exc).__name__}: {exc})")))
    finally:
        conn.close()


def _context() -> Any:
    """Children forked from a fork server: a fresh single-threaded process that has imported the
    reader once. Forking the caller itself (the app, the test run: Chroma's, the embedder's and
    Gradio's threads) can hand the child a lock some thread held, and the child then hangs."""
    global _CONTEXT
    if _CONTEXT is None:
        from multiprocessing import spawn

        from .fork_main import MAIN_ENV

        main = spawn.get_preparation_data("parse").get("init_main_from_path")
        if main:  # the caller's script, which the children then do not run again (fork_main)
            os.environ[MAIN_ENV] = main
        _CONTEXT = mp.get_context("forkserver")
        _CONTEXT.set_forkserver_preload(PRELOAD)
    return _CONTEXT


_CONTEXT: Any = None
# What the fork server imports once for all its children. The PDF reader imports pdfplumber and pdfminer
# (and with them cryptography, numpy) only when it reads, and the child counts pages with pypdfium2
# (_page_count): preloaded here, a child forked with them in memory does not import them again, which
# cost each parse ~0.2 s of CPU (4-5 s over tests/data/real).
# fork_main first: the children must not run the caller's script again.
PRELOAD = ["ingest.document.fork_main", "ingest.document.reader", "ingest.pdf.pdf_reader", "pdfplumber",
           "pdfminer.pdfdocument", "numpy", "pypdfium2"]


def start_fork_server() -> None:
    """Start the fork server (and its resource tracker) now: long-lived helpers, not parse children."""
    from multiprocessing import forkserver

    _context()
    forkserver.ensure_running()


def parse_isolated(path: str | Path, limits: ParseLimits | None = None) -> Document:
    """read_document(path) in a forked child; ParseTimeout / ParseOutOfMemory when it oversteps."""
    limits = limits or ParseLimits()
    ctx = _context()
    recv, send = ctx.Pipe(duplex=False)
    settings = {k: v for k, v in os.environ.items() if k.startswith("BUDGETQA_")}
    proc = ctx.Process(target=_child, args=(str(path), limits.memory_mb, send, settings), daemon=True)
    proc.start()
    send.close()
    try:
        started, seconds, said = time.monotonic(), limits.seconds, f"{limits.seconds:g} s"
        while True:
            if not recv.poll(max(0.0, started + seconds - time.monotonic())):
                raise ParseTimeout(str(path), f"parsing took longer than {said}; stopped")
            try:
                status, payload = recv.recv()
            except EOFError:
                status, payload = "died", None
            if status != "pages":
                break
            seconds = limits.for_pages(payload)
            if seconds > limits.seconds:
                said += f" (+{seconds - limits.seconds:g} s for its {payload} pages)"
        if status == "died":
            proc.join(5)
            if proc.exitcode and proc.exitcode < 0:
                raise ParseOutOfMemory(str(path), f"the parser was killed (signal {-proc.exitcode}); "
                                                  f"memory limit {limits.memory_mb} MB") from None
            raise CorruptPdf(str(path), "the parser died without an answer") from None
    finally:
        _stop(proc, recv)
    if status == "error":
        raise payload
    return payload  # type: ignore[no-any-return]


def _stop(proc: Any, recv: Any) -> None:
    """The child killed if it is still running, reaped, and its pipe closed."""
    if proc.is_alive():
        proc.kill()
    proc.join(5)
    recv.close()


def _call_child(func: Callable[..., Any], args: tuple, memory_mb: int, conn: Any) -> None:
    try:
        limit = _mapped_bytes() + memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        conn.send(("ok", func(*args)))
    except MemoryError:
        conn.send(("memory", ""))
    except Exception as exc:  # what the function raised, by name: the caller decides what it means
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


class Overstepped(Exception):
    """A bounded call ran out of time or memory, or died; the message says which."""


def call_isolated(func: Callable[..., Any], args: tuple, seconds: float, memory_mb: int) -> Any:
    """func(*args) in a child forked from the fork server, with a time and memory limit (func must be
    importable by name); what it returns comes back pickled. Overstepped when it hangs, needs too
    much memory or dies; RuntimeError with the child's exception when it raised one."""
    ctx = _context()
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_call_child, args=(func, args, memory_mb, send), daemon=True)
    proc.start()
    send.close()
    try:
        if not recv.poll(seconds):
            raise Overstepped(f"took longer than {seconds:g} s; stopped")
        try:
            status, payload = recv.recv()
        except EOFError:
            raise Overstepped(f"the child died without an answer (memory limit {memory_mb} MB?)") from None
    finally:
        _stop(proc, recv)
    if status == "memory":
        raise Overstepped(f"needed more than {memory_mb} MB")
    if status == "error":
        raise RuntimeError(payload)
    return payload


def file_name(path: str | Path) -> str:
    return Path(path).name
