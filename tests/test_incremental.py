"""Stage 15 (``incremental.py``): a rebuild renders only the pages that changed, and after any
sequence of rebuilds the site is byte-identical to a clean build of the same sources."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import cli, make_project, needs_fork

FIXTURES = Path(__file__).parent / "fixtures" / "multilingual"


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def _inodes(site: Path) -> dict[str, int]:
    return {p.relative_to(site).as_posix(): p.stat().st_ino for p in site.rglob("*.html")}


def _is_redirect(page: Path) -> bool:
    return 'http-equiv="refresh"' in page.read_text(encoding="utf-8")


def _build(project: Path, *args: str) -> None:
    done = cli(project, "build", *args)
    assert done.returncode == 0, done.stdout + done.stderr


def _add(project: Path) -> None:
    shutil.copy(FIXTURES / "en-reuters-myawaddy.txt", project / "sources" / "added.txt")


def _change(project: Path) -> None:
    path = project / "sources" / "th-myawaddy-falls.txt"
    path.write_text(path.read_text(encoding="utf-8") + "\nข่าวเพิ่มเติมจากชายแดน\n", "utf-8")


def _delete(project: Path) -> None:
    (project / "sources" / "ru-lashio.txt").unlink()


def _edit_taxonomy(project: Path) -> None:
    path = project / "taxonomy.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("name: Border crossings and trade", "name: Border trade"), "utf-8")


def _edit_config(project: Path) -> None:
    path = project / "mkdocs.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("primary: indigo", "primary: teal"), "utf-8")


STEPS: list[tuple[str, Callable[[Path], None], bool]] = [
    # (what changes, how, whether most pages are still taken from the last build)
    ("a source added", _add, True),
    ("a source changed", _change, True),
    ("a source deleted", _delete, True),
    ("the taxonomy edited", _edit_taxonomy, True),
    ("mkdocs.yml edited", _edit_config, False),
]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    sources = {
        p.name: p.read_bytes()
        for p in FIXTURES.glob("*.txt")
        if p.name != "en-reuters-myawaddy.txt"
    }
    folder = make_project(tmp_path_factory.mktemp("incremental"), sources)
    _build(folder)
    return folder


def test_after_every_kind_of_change_the_rebuilt_site_equals_a_clean_build(project: Path) -> None:
    for what, change, mostly_kept in STEPS:
        before = _inodes(project / "site")
        change(project)
        _build(project)
        after = _inodes(project / "site")
        kept = {page for page, inode in after.items() if before.get(page) == inode}
        clean = project / f"clean-{len(kept)}"
        _build(project, "--no-cache", "--site-dir", str(clean))
        assert _files(project / "site") == _files(clean), what
        if mostly_kept:
            assert len(kept) > len(after) / 2, what
        else:  # every page rendered again; only redirect pages, which no theme touches, kept
            assert all(_is_redirect(project / "site" / page) for page in kept), what
        shutil.rmtree(clean)


def test_a_build_without_the_cache_renders_every_page(project: Path) -> None:
    before = _inodes(project / "site")
    _build(project, "--no-cache")
    after = _inodes(project / "site")
    assert not {page for page, inode in after.items() if before.get(page) == inode}


def test_a_page_missing_from_the_last_site_is_rendered_again(project: Path) -> None:
    _build(project)
    site = project / "site"
    story = next((site / "stories").iterdir()) / "index.html"
    expected = story.read_bytes()
    story.unlink()
    _build(project)
    assert story.read_bytes() == expected


def test_redirect_pages_the_last_site_holds_unchanged_are_linked_not_written(
    project: Path,
) -> None:
    """Most redirect pages (a story's former addresses, an event's reports) are the same from
    build to build: they are hard-linked from the last site, and a changed one is written."""
    site = project / "site"
    _build(project)
    redirects = {page: inode for page, inode in _inodes(site).items() if _is_redirect(site / page)}
    assert redirects
    changed = sorted(redirects)[0]
    (site / changed).write_text("an edited copy", encoding="utf-8")
    _build(project)
    after = _inodes(site)
    assert {page for page in redirects if after[page] != redirects[page]} == {changed}
    assert _is_redirect(site / changed)


def test_unchanged_pages_are_kept_by_a_new_process_with_another_hash_seed(project: Path) -> None:
    """What all pages share is keyed the same in every process (no set order in the key)."""
    for seed in ("1", "2"):
        before = _inodes(project / "site")
        done = subprocess.run(
            [sys.executable, "-m", "build_digest.cli", "build"],
            cwd=project,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            timeout=600,
        )
        assert done.returncode == 0, done.stderr
    after = _inodes(project / "site")
    assert sum(before.get(page) == inode for page, inode in after.items()) > len(after) / 2


def test_the_replaced_site_is_deleted_after_the_build_returns(project: Path) -> None:
    """The old site goes in the background (``cli._swap_in``): the new one is whole when the
    build returns, and nothing of the old one is left beside it soon after."""
    import time

    before = _files(project / "site")
    _build(project)
    assert _files(project / "site") == before
    deadline = time.monotonic() + 30
    while [p for p in project.iterdir() if p.name.startswith(".site.old")]:
        assert time.monotonic() < deadline, "the old site was not deleted"
        time.sleep(0.1)


def test_an_old_site_whose_deletion_was_cut_short_is_deleted_in_the_background(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder left by a deletion that was stopped is handed to a deleting process with the
    site just replaced (it can be a whole site: not deleted in the build's time), and a new
    old site never takes its name."""
    from build_digest import cli as digest_cli

    target, staging = tmp_path / "site", tmp_path / ".site.building"
    stale = tmp_path / f".site.old-{os.getpid()}"  # as an earlier build of this pid named it
    for folder, page in ((target, "old"), (staging, "new"), (stale, "stale")):
        folder.mkdir()
        (folder / "index.html").write_text(page, encoding="utf-8")
    handed: list[Path] = []
    monkeypatch.setattr(digest_cli, "_delete_later", handed.append)
    digest_cli._swap_in(staging, target)
    assert (target / "index.html").read_text(encoding="utf-8") == "new"
    assert handed[0] == stale and len(handed) == 2
    assert (handed[1] / "index.html").read_text(encoding="utf-8") == "old"


def test_a_write_beside_the_render_that_fails_fails_the_publish_step(tmp_path):
    from build_digest.publish import BackgroundWrites

    def full_disk(path: Path) -> None:
        raise OSError(28, "No space left on device", str(path))

    writes = BackgroundWrites()
    writes.submit(Path.write_text, tmp_path / "fine.html", "ok")
    writes.submit(full_disk, tmp_path / "full.html")
    with pytest.raises(OSError, match="No space left"):
        writes.finish()
    assert (tmp_path / "fine.html").read_text() == "ok"


@needs_fork
def test_writes_beside_the_render_are_done_by_a_copy_and_all_done(tmp_path):
    from build_digest.cores import BOTH_CORES_FROM
    from build_digest.publish import BackgroundWrites

    writes = BackgroundWrites()
    count = BOTH_CORES_FROM + 5
    for n in range(count):
        writes.submit(Path.write_text, tmp_path / f"{n}.html", str(n))
    assert not writes.started and len(writes.pending) == count  # collected until a flush
    writes.flush()
    assert len(writes.started) == 1 and not writes.pending
    assert writes.started[0]._process is not None, "not handed to a copy"
    writes.finish()
    assert sorted(int(p.stem) for p in tmp_path.iterdir()) == list(range(count))


def test_an_unchanged_page_linked_again_stays_a_link_to_the_same_file(tmp_path):
    """A copy that failed part way leaves links its writes, done again, find in place: the
    last site's file must never be written through them."""
    from build_digest.incremental import link_previous_output

    previous, site = tmp_path / "previous", tmp_path / "site"
    (previous / "stories" / "a").mkdir(parents=True)
    (previous / "stories" / "a" / "index.html").write_text("page", encoding="utf-8")
    for _ in range(2):
        link_previous_output(previous, site, "stories/a/index.html")
    assert (site / "stories/a/index.html").samefile(previous / "stories/a/index.html")
    assert (previous / "stories/a/index.html").read_text(encoding="utf-8") == "page"


def test_a_cancelled_build_drops_the_writes_not_yet_handed_over(tmp_path):
    from build_digest.publish import BackgroundWrites

    writes = BackgroundWrites()
    writes.submit(Path.write_text, tmp_path / "late.html", "late")
    writes.cancel()
    assert not (tmp_path / "late.html").exists()


def test_no_redirect_page_is_written_where_the_render_writes_a_page(tmp_path):
    from types import SimpleNamespace

    from build_digest.publish import BackgroundWrites, SiteAddress, start_redirects

    result = SimpleNamespace(
        catalog={
            "articles": [{"url": "stories/new/", "title": "New"}],
            "events": [],
            "redirects": {"stories/old/": "stories/new/", "stories/reused/": "stories/new/"},
        }
    )
    writes = BackgroundWrites()
    start_redirects(writes, tmp_path, result, SiteAddress("Site"), {"stories/reused/index.html"})
    writes.finish()
    assert "url=../new/index.html" in (tmp_path / "stories/old/index.html").read_text()
    assert not (tmp_path / "stories/reused").exists()


def _build_serially(project: Path, site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from build_digest import parallel_render

    with monkeypatch.context() as patched:
        patched.setattr(parallel_render, "PARALLEL_PAGES_FROM", 10**9)
        _build(project, "--no-cache", "--site-dir", str(site))


@needs_fork
def test_pages_converted_in_a_second_process_make_the_same_site_as_one_process(
    project: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Issue 23: ``build-digest build`` hands the later half of the pages to convert to a
    forked copy of itself (``parallel_render``); the site is the same, byte for byte."""
    import logging

    from build_digest import parallel_render

    serial, parallel = project / "one-process", project / "two-processes"
    _build_serially(project, serial, monkeypatch)
    with monkeypatch.context() as patched, caplog.at_level(logging.INFO):
        patched.setattr(parallel_render, "PARALLEL_PAGES_FROM", 1)  # this small site too
        _build(project, "--no-cache", "--site-dir", str(parallel))
    assert any("rendered in a second process" in r.getMessage() for r in caplog.records)
    assert _files(parallel) == _files(serial)
    shutil.rmtree(serial)
    shutil.rmtree(parallel)


@pytest.mark.parametrize("dies_in", ["_convert", "_write_page"])
def test_pages_a_second_process_that_died_left_are_made_here(
    project: Path, monkeypatch: pytest.MonkeyPatch, dies_in: str
) -> None:
    """Before converting any page, or after converting its pages and before writing them:
    the build converts and writes what it did not, and the site is the same."""
    from build_digest import parallel_render

    serial, parallel = project / "one-process", project / "died"
    _build_serially(project, serial, monkeypatch)
    with monkeypatch.context() as patched:
        patched.setattr(parallel_render, "PARALLEL_PAGES_FROM", 1)
        patched.setattr(parallel_render, dies_in, lambda *args: os._exit(3))
        _build(project, "--no-cache", "--site-dir", str(parallel))
    assert _files(parallel) == _files(serial)
    shutil.rmtree(serial)
    shutil.rmtree(parallel)


def test_what_a_second_process_logged_is_logged_by_the_build(caplog) -> None:
    """MkDocs counts warnings for ``--strict`` in its own process: a page's messages are
    logged there when the page is put in place."""
    import logging

    from mkdocs.structure.toc import TableOfContents

    from build_digest.parallel_render import Converted, put_in_place

    class Page:
        markdown = meta = toc = _title_from_render = present_anchor_ids = None
        links_to_anchors = None

    message = ("mkdocs.structure.pages", logging.WARNING, "a link to 'gone.md' is not found")
    converted = Converted(
        {"title": "T"},
        "# T",
        "<h1>T</h1>",
        TableOfContents([]),
        "T",
        frozenset({"t"}),
        None,
        (message,),
    )
    page = Page()
    with caplog.at_level(logging.INFO):
        html = put_in_place(page, converted, files=None)  # type: ignore[arg-type]
    assert html == "<h1>T</h1>" and page.meta == {"title": "T"} and page.markdown == "# T"
    assert page.present_anchor_ids == {"t"} and page._title_from_render == "T"
    assert [(r.name, r.levelno, r.getMessage()) for r in caplog.records] == [message]


def test_no_second_process_where_another_plugin_watches_the_pages(project: Path) -> None:
    """Another plugin's page hooks would see only the first half of the pages: then every page
    is converted in the build's own process."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import File, Files
    from mkdocs.structure.nav import get_navigation

    from build_digest.parallel_render import PARALLEL_PAGES_FROM, start

    config = load_config(str(project / "mkdocs.yml"), plugins=["digest", "material/tags"])
    pages = [File(f"p{n}.md", None, config.site_dir, True) for n in range(PARALLEL_PAGES_FROM)]
    for page in pages:
        page.content_string = "# A page"
    nav = get_navigation(Files(pages), config)
    assert start(config, Files(pages), nav, pages, config.plugins["digest"]) is None
    alone = load_config(str(project / "mkdocs.yml"), plugins=["digest"])
    converter = start(alone, Files(pages), nav, pages, alone.plugins["digest"])
    assert converter is not None
    converter.close()
