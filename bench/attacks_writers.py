"""Two writers and a forged version (issue 22): two `budgetqa ingest` processes into one store at once,
and a forged PDF of the same department, year and kind ingested by staff beside the genuine one."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from attack_kit import ROOT, run_attack
from hostile import forged_pdf, sample_excerpt
from storecheck import consistency

from ingest.pipeline import ingest_paths
from ingest.store.storage import StorePaths, Stores


def _expected(files: list[Path]) -> tuple[int, int]:
    """The records and vector nodes the distinct files make, read again here."""
    from ingest.document.reader import read_document
    from ingest.store.vectors import document_nodes
    from ingest.tables.records import document_records

    records = nodes = 0
    for f in dict.fromkeys(files):
        doc = read_document(f)
        got = document_records(doc)
        records, nodes = records + len(got), nodes + len(document_nodes(doc, got)[0])
    return records, nodes


def two_writers(work: Path) -> None:
    """Two `budgetqa ingest` processes into one store, started together: the same file, then two files;
    each ends as one complete document (its records, its vectors, its kept PDF)."""
    first, second = work / "writers" / "a.pdf", work / "writers" / "b.pdf"
    first.parent.mkdir(parents=True, exist_ok=True)
    first.write_bytes(sample_excerpt((1, 9, 10, 19)))
    second.write_bytes(sample_excerpt((1, 9, 10)))
    for name, runs in (("same file", [[first], [first]]), ("different files", [[first], [second]])):
        store = work / f"writers-{name.replace(' ', '-')}"

        def run(runs: list[list[Path]] = runs, store: Path = store) -> str:
            procs = [subprocess.Popen([sys.executable, "-m", "chatbot.cli", "ingest", *map(str, files), "--store",
                                       str(store)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                      text=True) for files in runs]
            errs = [p.communicate()[1] for p in procs]
            records, nodes = _expected([f for files in runs for f in files])
            c = consistency(store)
            stores = Stores(StorePaths.at(store))
            try:
                docs = stores.sql.documents()
                kept = sum(stores.paths.page_file(d.tables_file).is_file() for d in docs if d.tables_file)
                stored = sum(n for _, n in stores.sql.document_counts().values())
                vectors = stores.vectors.count()
            finally:
                stores.close()
            return (f"exit {[p.returncode for p in procs]}; {sum('Traceback' in e for e in errs)} tracebacks; "
                    f"{len(docs)} documents; records {stored}/{records}, vectors {vectors}/{nodes}; "
                    f"{len(c.orphans)} orphaned; {kept}/{len(docs)} kept PDFs")

        docs = len({f for files in runs for f in files})
        run_attack(f"two `budgetqa ingest` at once ({name})",
               f"{docs} complete document(s): vectors = records' nodes, kept PDFs present", run,
               lambda out, docs=docs: out.startswith(f"exit [0, 0]; 0 tracebacks; {docs} documents")
               and _whole(out) and f"0 orphaned; {docs}/{docs} kept PDFs" in out)


def _whole(outcome: str) -> bool:
    """「records a/b, vectors c/d」 with a == b and c == d."""
    found = re.search(r"records (\d+)/(\d+), vectors (\d+)/(\d+)", outcome)
    return bool(found) and found[1] == found[2] and found[3] == found[4]


def forged_version(work: Path) -> None:
    """A forged 2-page PDF of the same department, year and kind, ingested by staff under the genuine
    file name and under another: a new version beside the genuine one, the answer saying which version
    it uses; the genuine figures back once the forgery is removed."""
    from chatbot.service import open_service
    from ingest.store.removal import remove_version
    from ingest.store.store import Store

    genuine = work / "genuine" / "changsha-gxj-2024.pdf"
    genuine.parent.mkdir(parents=True, exist_ok=True)
    genuine.write_bytes(sample_excerpt((1, 9, 10, 19)))
    question = "长沙市工业和信息化局2024年的“三公”经费合计多少"
    for name in (genuine.name, "notice.pdf"):
        forged = work / f"forged-{name}" / name
        forged.parent.mkdir(parents=True, exist_ok=True)
        forged.write_bytes(forged_pdf("长沙市工业和信息化局"))
        store = work / f"versions-store-{name}"
        ingest_paths([genuine], store, by="财务科")

        def answer(store: Path = store) -> str:
            service = open_service(store, use_vectors=False)
            try:
                return service.ask(question).answer.replace("\n", " ")
            finally:
                service.close()

        def run(forged: Path = forged, store: Path = store, answer=answer) -> str:
            ingest_paths([forged], store, by="staff")
            sql = Store(StorePaths.at(store).sqlite)
            docs = sql.documents()
            kept = sum(StorePaths.at(store).page_file(d.tables_file).is_file() for d in docs if d.tables_file)
            told = answer()
            version = told[told.find("（采用"):][:34] if "（采用" in told else "no version said"
            remove_version(store, docs[-1].sha256[:8])
            return (f"{len(docs)} versions, {kept} kept PDFs; answer {told[:12]}… {version} | "
                    f"after remove: {answer()[:14]}")

        run_attack(f"forged PDF ingested by staff as {name}", "a 2nd version beside the genuine; the answer says "
               "第2版; genuine 104.20 back after removal", run,
               lambda out: out.startswith("2 versions, 2 kept PDFs") and "999.00" in out and "采用第2版" in out
               and "after remove: 三公经费104.20" in out)
