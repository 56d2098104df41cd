"""Page images are cached inside the store, keyed by the PDF's hash: a PNG planted where the pages used
to be cached (the shared temp folder, under a name anyone could compute) is never shown as a page."""
from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from PIL import Image

from chatbot.answer import Citation
from chatbot.cli import main
from chatbot.pages import PageShower
from ingest.pdf.render import PAGE_IMAGES_DIR, SCALE, Mark
from ingest.store.store import Store

PAGE = 19


def _planted(path: Path) -> Path:
    """A small all-green PNG at `path`: what an attacker would like shown as a page."""
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (120, 80), (0, 200, 0)).save(path)
    return path


def _old_names(doc_sha: str, marks: list[Mark]) -> list[str]:
    """The names the pages had in the temp folder: the render keyed by the kept PDF's name, the boxed
    copy by the document's hash, the page and its marks."""
    render = hashlib.sha1(f"{doc_sha}.pdf:{PAGE}:{SCALE}".encode()).hexdigest()[:20]
    boxed = hashlib.sha1(repr([(m.bbox, m.label) for m in marks]).encode()).hexdigest()[:12]
    return [f"page-{render}.png", f"budgetqa-page-{doc_sha[:16]}-p{PAGE}-{boxed}.png"]


def _is_a_page(path: Path) -> bool:
    with Image.open(path) as image:
        return image.width > 500 and image.getpixel((5, 5)) != (0, 200, 0)


def test_a_png_planted_at_the_old_temp_location_is_never_shown(store_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # the shared temp folder, for this test
    store = Store(store_dir / "budgetqa.sqlite")
    doc = store.documents()[0]
    sha = doc.tables_file
    assert sha is not None
    out_dir = tmp_path / "budgetqa-app" / "pages"  # where the app wrote its page images
    for name in _old_names(sha, []):
        _planted(out_dir / name)
        _planted(tmp_path / "budgetqa-pages" / name)  # where `budgetqa show` cached them

    shown = tmp_path / "shown.png"
    assert main(["show", "--document", doc.title, "--page", str(PAGE), "--out", str(shown), "--store",
                 str(store_dir)]) == 0
    assert _is_a_page(shown)

    views = PageShower(store, store_dir, out_dir).views([Citation(doc.title, PAGE, document_id=doc.id)])
    assert len(views) == 1 and views[0].image is not None
    assert views[0].image.parent == out_dir and _is_a_page(views[0].image)  # the planted file was written over

    cached = sorted(p.relative_to(store_dir) for p in (store_dir / PAGE_IMAGES_DIR).rglob("*.png"))
    assert Path(PAGE_IMAGES_DIR, sha, f"p{PAGE}@{SCALE:g}.png") in cached  # inside the store, by the file's hash


def test_the_app_shows_pages_from_a_folder_of_its_own(store_dir, tmp_path):
    from app_pages import PagesPanel

    store = Store(store_dir / "budgetqa.sqlite")
    doc = store.documents()[0]
    panel = PagesPanel(store, store_dir, tmp_path / "pages")
    view = panel.shower.views([Citation(doc.title, PAGE, document_id=doc.id)])[0]
    assert view.image is not None and _is_a_page(view.image)
    folder = view.image.parent
    assert folder.parent == tmp_path / "pages" and folder.name.startswith("shown-")
    assert folder.stat().st_mode & 0o077 == 0  # no one else may write (or read) there
