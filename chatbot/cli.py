"""The `budgetqa` command: a thin layer over `ingest` and `chatbot` (see DESIGN.md for the contract)."""
from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from chatbot.chat import add_chat_parser, cmd_chat
from chatbot.cli_repair import add_repair_parser, cmd_repair, index_gaps
from chatbot.remove import add_remove_parser, cmd_remove
from ingest.errors import shown_name

DEFAULT_STORE = "budgetqa-store"   # as ingest.store.storage.DEFAULT_STORE (test_parts checks they agree)
SQLITE_NAME = "budgetqa.sqlite"    # as ingest.store.storage.StorePaths names it (test_listing checks they agree)
EPILOG_INGEST = """Example:
  budgetqa ingest ingest/samples/changsha-gxj-2024.pdf --store ./budgetqa-store
  budgetqa ingest disclosures/ --store ./budgetqa-store     (every .pdf/.txt/.md below the folder)
  budgetqa ingest new.pdf --by 张三     (other content for a disclosure already held is stored as a new
                                      version beside it; another ingest running waits for the store)"""
EPILOG_EXPORT = """Example:
  budgetqa export --store ./budgetqa-store > cells.jsonl"""
EPILOG_CHECK = """Completeness (完整性) comes first: each table a disclosure of its kind must publish is present,
present but empty (○, not a failure: e.g. no 政府性基金), or missing (✗).

Example:
  budgetqa check --store ./budgetqa-store
  budgetqa check --failed --json"""
EPILOG_LIST = """Example:
  budgetqa list --store ./budgetqa-store
  budgetqa list --json | jq -c 'select(.lacks != []) | {source, lacks}'"""
EPILOG_ASK = """Optional language model (wording only; every number stays the code's): set BUDGETQA_LLM_BASE_URL
(an OpenAI-compatible endpoint, e.g. http://127.0.0.1:8000/v1), BUDGETQA_LLM_MODEL, BUDGETQA_LLM_API_KEY.

Example:
  budgetqa ask "三公经费是多少？"
  budgetqa ask "公车购置费占三公经费多少？" --json
  printf '基本支出是多少\\n项目支出是多少\\n' | budgetqa ask --json
  budgetqa ask "三公经费是多少？" --show pages/     (the cited pages, cells boxed, as PNG files)"""
EPILOG_SHOW = """The page is rendered from the PDF the store kept at ingest; each cited cell (or the quoted
sentence's lines) is boxed in red with its figure beside it. A computed answer boxes every operand,
one image per page (FILE-2.png … for the further pages). Text (.txt/.md) and .xlsx documents have no pages.

Example:
  budgetqa ask "三公经费是多少？" --json | jq -c '.citations[0]' > c.json
  budgetqa show --citation "$(cat c.json)" --out sangong.png
  budgetqa ask "公车购置费占三公经费多少？" --json | budgetqa show --citation - --out share.png
  budgetqa show --document changsha-gxj-2024.pdf --page 19 --out p19.png"""


def _paths(store: str | None) -> Any:
    """The store's paths (`ingest.store.storage.StorePaths`), imported on use: that module pulls in the vector
    stack (llama-index, chromadb), which `budgetqa ask` does not need before a narrative question."""
    from ingest.store.storage import StorePaths

    return StorePaths.at(store)


def store_root(store: str | None) -> Path:
    """The store directory as `StorePaths.at` resolves it (--store, else $BUDGETQA_STORE, else
    ./budgetqa-store), without importing ingest.store.storage: `budgetqa ask` starts faster without it."""
    return Path(store) if store else Path(os.environ.get("BUDGETQA_STORE", DEFAULT_STORE))


def _store_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--store", metavar="DIR", default=None,
                   help="store directory (default: $BUDGETQA_STORE or ./budgetqa-store)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="budgetqa", description="Question answering over Chinese budget "
                                     "disclosures (部门预算/决算公开), citing the table rows.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("ingest", help="read disclosure PDFs (or text form) into the store",
                       epilog=EPILOG_INGEST, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--workers", type=int, default=1, help="parse this many files at once (default 1)")
    p.add_argument("--by", metavar="NAME", default=None, help="who adds the files, as list shows it "
                   "(default: the OS user)")
    _store_arg(p)
    p = sub.add_parser("export", help="print every table cell as a JSON line", epilog=EPILOG_EXPORT,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    _store_arg(p)
    p = sub.add_parser("ask", help="answer a question (or one per stdin line)", epilog=EPILOG_ASK,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("question", nargs="?")
    p.add_argument("--json", action="store_true", help="one JSON object per answer")
    p.add_argument("--show", metavar="DIR", help="write the cited pages, cells boxed, as PNG files into DIR")
    _store_arg(p)
    add_chat_parser(sub, _store_arg)
    p = sub.add_parser("show", help="a cited page as an image, the cited cells boxed", epilog=EPILOG_SHOW,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--citation", metavar="JSON", help="a citation, a list of them or a whole answer "
                       "(`ask --json` output); - reads it from stdin")
    which.add_argument("--document", metavar="D", help="a document's title, source file name or sha256")
    p.add_argument("--page", type=int, metavar="N", help="with --document: the page (1-based)")
    p.add_argument("--out", metavar="FILE.png", default="page.png", help="the image to write (default page.png)")
    _store_arg(p)
    p = sub.add_parser("check", help="completeness and consistency checks (完整性, 勾稽关系)",
                       epilog=EPILOG_CHECK, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--json", action="store_true", help="one JSON object per check")
    p.add_argument("--failed", action="store_true", help="show only the checks that failed")
    _store_arg(p)
    add_repair_parser(sub, _store_arg)
    p = sub.add_parser("list", help="the documents held, their tables and the mandated tables they lack",
                       epilog=EPILOG_LIST, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--json", action="store_true", help="one JSON object per document (DESIGN.md document line)")
    _store_arg(p)
    add_remove_parser(sub, _store_arg)
    add_eval_parser(sub)
    return parser


def cmd_check(args: argparse.Namespace) -> int:
    from ingest.checks import run_checks
    from ingest.store.store import Store

    paths = _paths(args.store)
    if not Store.exists(paths.sqlite):
        print(f"error: {paths.root}: no store here (run `budgetqa ingest` first)", file=sys.stderr)
        return 1
    store = Store(paths.sqlite)
    gaps = {g.document.id: g for g in index_gaps(paths)}
    failed = sum(not g.complete for g in gaps.values())
    for doc in store.documents():
        checks = run_checks(store, doc.id, completeness=True)
        failed += sum(not c.passed for c in checks)
        gap = gaps.get(doc.id)
        if gap is not None and not (args.failed and gap.complete):  # the index first: without it, no narrative
            print(json.dumps({"document": doc.title, **gap.to_json()}, ensure_ascii=False) if args.json
                  else gap.line())
        for c in checks:
            if args.failed and c.passed:
                continue
            if args.json:
                print(json.dumps({"document": doc.title, **c.to_json()}, ensure_ascii=False))
            else:
                print(shown_name(_check_line(c)))
        if not args.json:
            print(shown_name(_check_summary(doc.title, checks)))
    return 1 if failed else 0


def _check_line(c: Any) -> str:
    """「✓ [表内] …」; a failed consistency check with its figures; a mandated table ✓ / ○ (empty) / ✗."""
    status = getattr(c, "status", None)  # completeness checks (ingest.checks.completeness.TableCheck)
    mark = "○" if status == "empty" else "✓" if c.passed else "✗"
    diff = "" if c.passed or status else f"  (表格 {c.expected:f}，计算/陈述 {c.actual:f}，差额 {c.difference:f})"
    return f"{mark} [{c.category}] {c.name}{diff}"


def _check_summary(title: str, checks: list[Any]) -> str:
    """「…: 161 项检查，161 项通过，0 项不一致；必需表齐全（空表：政府性基金）」."""
    tables = [c for c in checks if getattr(c, "status", None)]
    missing = [c.kind for c in tables if c.status == "missing"]
    empty = [c.kind for c in tables if c.status == "empty"]
    inconsistent = sum(not c.passed for c in checks if not getattr(c, "status", None))
    line = f"{title}: {len(checks)} 项检查，{sum(c.passed for c in checks)} 项通过，{inconsistent} 项不一致"
    if tables:
        line += f"；缺少必需表 {len(missing)} 张：{'、'.join(missing)}" if missing else "；必需表齐全"
    return line + (f"（空表：{'、'.join(empty)}）" if empty else "")


def cmd_list(args: argparse.Namespace) -> int:
    from ingest.store.listing import list_documents, summary_line
    from ingest.store.store import Store

    root = store_root(args.store)  # not _paths: listing needs no vector stack (seconds to import)
    if not Store.exists(root / SQLITE_NAME):
        print(f"error: {root}: no store here (run `budgetqa ingest` first)", file=sys.stderr)
        return 1
    entries = list_documents(Store(root / SQLITE_NAME))
    for e in entries:
        print(json.dumps(e.to_json(), ensure_ascii=False) if args.json else shown_name(e.render_text()))
    if not args.json:
        print(summary_line(entries))
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from ingest.errors import disk_full_reason, is_disk_full
    from ingest.pipeline import ingest_paths, print_progress
    from ingest.stages import print_stage

    root = _paths(args.store).root
    try:
        summary = ingest_paths(args.paths, root, progress=print_progress, workers=args.workers, by=args.by,
                               stage=print_stage)
    except Exception as exc:      # the store itself cannot be written (opening it, before any file)
        if not is_disk_full(exc):
            raise
        print(f"\nerror: {shown_name(root)}: {disk_full_reason(exc)}", file=sys.stderr)
        return 1
    for r in summary.results:
        print(r.line(), file=sys.stderr)     # with what could not be read (部门未能读出, 第N页的表格未能读取)
    print(summary.line(), file=sys.stderr)
    return 1 if summary.failed else 0


def cmd_export(args: argparse.Namespace) -> int:
    from ingest.store.export import export_lines
    from ingest.store.store import Store

    paths = _paths(args.store)
    if not Store.exists(paths.sqlite):
        print(f"error: {paths.root}: no store here (run `budgetqa ingest` first)", file=sys.stderr)
        return 1
    out = sys.stdout
    for line in export_lines(Store(paths.sqlite)):
        out.write(json.dumps(line, ensure_ascii=False) + "\n")
    return 0


def open_store_service(store: str | None) -> Any:
    """The question service over the store, or None after one line saying there is no store."""
    from chatbot.service import StoreMissing, open_service

    try:
        return open_service(store_root(store))
    except StoreMissing as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None


def cmd_ask(args: argparse.Namespace) -> int:
    service = open_store_service(args.store)
    if service is None:
        return 1
    questions = [args.question] if args.question else (line.strip() for line in sys.stdin)
    for q in questions:
        if not q:
            continue
        answer = service.ask(q)
        if args.json:
            print(json.dumps(answer.to_json(), ensure_ascii=False), flush=True)
        else:
            print(answer.render_text(), flush=True)
        if args.show:
            _write_answer_pages(args.store, answer.citations, Path(args.show), q)
    return 0


def _write_answer_pages(store: str | None, citations: list[Any], out_dir: Path, question: str) -> None:
    from chatbot.pages import PageShower
    from ingest.store.store import Store

    shower = PageShower(Store(store_root(store) / SQLITE_NAME), store_root(store), out_dir)
    for view in shower.views(citations, out_dir):
        print(f"page: {view.image}" if view.image else f"page: {view.caption}: {view.note}", file=sys.stderr)
        if view.crop:
            print(f"crop: {view.crop}", file=sys.stderr)


def cmd_show(args: argparse.Namespace) -> int:
    from chatbot.pages import PageShower, ShowError, citations_from_text
    from ingest.store.store import Store

    root = store_root(args.store)
    if not Store.exists(root / SQLITE_NAME):
        print(f"error: {root}: no store here (run `budgetqa ingest` first)", file=sys.stderr)
        return 1
    out = Path(args.out)
    shower = PageShower(Store(root / SQLITE_NAME), root, out.parent)
    try:
        if args.document is not None:
            if args.page is None:
                raise ShowError("--document needs --page N")
            views = [shower.page(args.document, args.page, out)]
        else:
            text = sys.stdin.read() if args.citation == "-" else args.citation
            views = shower.views(citations_from_text(text), out.parent)
            views = _name_outputs(views, out)
    except ShowError as exc:
        print(f"error: {shown_name(str(exc))}", file=sys.stderr)
        return 1
    for view in views:
        print(view.image if view.image else shown_name(f"{view.caption}: {view.note}"),
              file=sys.stdout if view.image else sys.stderr)
    return 0 if any(v.image for v in views) else 1


def _name_outputs(views: list[Any], out: Path) -> list[Any]:
    """The images moved to the name asked for: FILE.png, then FILE-2.png … for further pages."""
    n = 0
    for view in views:
        if view.image is None:
            continue
        n += 1
        target = out if n == 1 else out.with_name(f"{out.stem}-{n}{out.suffix or '.png'}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(view.image.read_bytes())
        view.image = target
        if view.crop is not None:  # the region around the boxes, readable, beside it: FILE-crop.png
            view.crop = view.crop.replace(target.with_name(f"{target.stem}-crop.png"))
            print(f"crop: {view.crop}", file=sys.stderr)
    return views


COMMANDS = {"ingest": cmd_ingest, "export": cmd_export, "ask": cmd_ask, "check": cmd_check, "list": cmd_list,
            "show": cmd_show, "chat": cmd_chat, "remove": cmd_remove, "repair": cmd_repair}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


EPILOG_EVAL = """Scoring: strict by default (each expected figure must be one of the answer's headline values,
`values`; a ranking's top the first); --lenient also accepts a figure written anywhere in the answer text.
--variants also asks each question reworded (lead-ins, particles, full-width digits, year forms, short
names, word order, 是多少 → 多少钱, two sentences: the same figures are expected) and mutated (another year,
department or item the store does not hold: a refusal is expected); see eval/variants.py.
--round-trip also asks the questions generated from every stored document's table rows, each expecting
the figure of its record (scored strictly; see eval/roundtrip.py), and prints their totals.

Example:
  budgetqa eval                     (an empty store gets the bundled sample ingested first)
  budgetqa eval --store ./budgetqa-store --questions eval/questions/sample.jsonl --out /tmp/reports
  budgetqa eval --min-accuracy 0.8 --json
  budgetqa eval --questions eval/questions/real.jsonl --variants --min-invariance 0.95 --max-wrong 0
  budgetqa eval --round-trip --min-round-trip 0.9 --max-wrong 0"""


def add_eval_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("eval", help="score budgetqa and a naive RAG baseline on a question set",
                       epilog=EPILOG_EVAL, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--questions", metavar="FILE", help="JSON-lines questions (default: eval/questions/sample.jsonl)")
    p.add_argument("--json", action="store_true", help="print the per-category summary as JSON")
    p.add_argument("--min-accuracy", type=float, metavar="X", help="exit 1 if budgetqa's accuracy is below X (0–1)")
    p.add_argument("--max-wrong", type=int, metavar="N", help="exit 1 if budgetqa gives more than N wrong answers "
                   "(with --variants: over the questions, their variants and their mutations; with "
                   "--round-trip: the round trip's wrong answers too)")
    p.add_argument("--out", metavar="DIR", help="where the Markdown and JSON reports go (default: eval/reports/)")
    p.add_argument("--lenient", action="store_true", help="the old scorer: an expected figure may stand anywhere "
                   "in the answer text, not only among its values")
    p.add_argument("--variants", action="store_true", help="also ask each question's rewordings (same figures "
                   "expected) and mutations (a refusal expected) of budgetqa; report the invariance rate")
    p.add_argument("--min-invariance", type=float, metavar="X", help="exit 1 if the share of variants holding "
                   "(of questions answered right) is below X (0–1); implies --variants")
    p.add_argument("--round-trip", action="store_true", help="also ask the round trip over the store: questions "
                   "generated from every document's table rows, scored strictly (eval/roundtrip.py)")
    p.add_argument("--min-round-trip", type=float, metavar="X", help="exit 1 if the share of the round trip's "
                   "questions answered right is below X (0–1); implies --round-trip")
    _store_arg(p)


def cmd_eval(args: argparse.Namespace) -> int:
    import contextlib

    from eval.report import (
        eval_progress,
        headline,
        summary_json,
        summary_table,
        variants_headline,
        write_reports,
    )
    from eval.roundtrip import round_trip
    from eval.runner import DEFAULT_QUESTIONS, corpus_file, ensure_store, run_eval
    from eval.score import QuestionError

    root = _paths(args.store).root
    variants = args.variants or args.min_invariance is not None
    try:
        questions = args.questions or DEFAULT_QUESTIONS
        if ensure_store(root, questions):
            corpus = corpus_file(questions)
            print(f"ingested {f'the documents of {corpus.name}' if corpus else 'the bundled sample'} into {root}",
                  file=sys.stderr)
        report = run_eval(root, questions, progress=eval_progress, strict=not args.lenient, variants=variants)
        rt = None
        if args.round_trip or args.min_round_trip is not None:
            with contextlib.redirect_stdout(sys.stderr):   # llama-index notices; stdout is the summary
                rt, rt_report = round_trip(root, progress=lambda i, n: eval_progress("round trip", i, n))
            print(rt_report, file=sys.stderr)
    except (QuestionError, OSError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    md, js = write_reports(report, args.out)
    rt_line = f"- {rt.totals_line()}" if rt is not None else ""
    text = "\n".join(s for s in (headline(report), variants_headline(report), rt_line) if s)
    summary = summary_json(report)
    if rt is not None:
        summary["round_trip"] = {"asked": rt.n, "right": rt.right, "refused": rt.refused, "wrong": rt.wrong,
                                 "share_right": rt.share_right()}
    print(json.dumps(summary, ensure_ascii=False, indent=1) if args.json else f"{text}\n\n{summary_table(report)}")
    print(f"reports: {md} {js}", file=sys.stderr)
    accuracy = report.accuracy()
    status = 0
    if args.min_accuracy is not None and (accuracy is None or accuracy < args.min_accuracy):
        print(f"error: budgetqa accuracy {accuracy if accuracy is None else round(accuracy, 4)} is below "
              f"--min-accuracy {args.min_accuracy}", file=sys.stderr)
        status = 1
    invariance = report.invariance()
    if args.min_invariance is not None and (invariance is None or invariance < args.min_invariance):
        print(f"error: budgetqa invariance {invariance if invariance is None else round(invariance, 4)} is below "
              f"--min-invariance {args.min_invariance} (each changed answer is listed in {md})", file=sys.stderr)
        status = 1
    share = rt.share_right() if rt is not None else None
    if args.min_round_trip is not None and (share is None or share < args.min_round_trip):
        print(f"error: budgetqa round trip share right {share if share is None else round(share, 4)} is below "
              f"--min-round-trip {args.min_round_trip}", file=sys.stderr)
        status = 1
    wrong = report.wrong()
    wrong = wrong + rt.wrong if wrong is not None and rt is not None else wrong
    if args.max_wrong is not None and (wrong is None or wrong > args.max_wrong):
        where = f"each is listed in {md}" if rt is None else \
            f"the round trip's {rt.wrong} counted by kind above, the others listed in {md}"
        print(f"error: budgetqa gave {wrong} wrong answer(s), more than --max-wrong {args.max_wrong} ({where})",
              file=sys.stderr)
        status = 1
    return status


COMMANDS["eval"] = cmd_eval


if __name__ == "__main__":
    sys.exit(main())
