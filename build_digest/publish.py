"""Stage 16 (publish): what the digest adds to a rendered site, whichever renderer made it.

The renderer (MkDocs through the plugin, or Zensical from the Markdown on disk) turns the
pages into HTML; around them the digest publishes files no renderer makes: ``catalog.json``,
the Atom feeds, the redirect pages of former story and event addresses, and the Pagefind
index of the stories. Nothing here knows which renderer ran.
"""

from __future__ import annotations

import html
import json
import logging
import os
import posixpath
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

from .catalog import status_counts
from .cores import Beside
from .feeds import render_feeds
from .models import DigestResult
from .search import INDEX_FOLDER, BackgroundIndex

log = logging.getLogger("mkdocs.plugins.digest")
"""MkDocs counts the warnings of this logger for ``--strict``; other renderers print them."""


@dataclass(frozen=True)
class SiteAddress:
    """What the published files need to know of the site: its name, its address and its
    URL scheme, as the renderer's configuration states them."""

    name: str
    url: str = ""
    """The published address (``site_url``), "" when unknown: links are then relative."""
    directory_urls: bool = True


def site_files(result: DigestResult, site: SiteAddress) -> dict[str, bytes]:
    """Path under the site root -> content, for the files a renderer copies as they are:
    the catalog and every feed."""
    files = render_feeds(result.stories, site.name, result.topic_names, site.url)
    catalog = json.dumps(result.catalog, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
    files["catalog.json"] = catalog.encode("utf-8")
    return files


def finish_site(
    site_dir: Path,
    result: DigestResult,
    site: SiteAddress,
    index: BackgroundIndex,
    writes: BackgroundWrites | None = None,
) -> None:
    """After the renderer: the search index moved in, the redirect pages written (``writes``:
    already under way beside the render, ``start_redirects``)."""
    if writes is None:
        writes = BackgroundWrites()
        start_redirects(writes, site_dir, result, site)
    writes.finish()
    index.finish(site_dir / INDEX_FOLDER)
    statuses = status_counts(result.catalog)
    log.info(
        "Digest: %d stories from %d sources (%d folded, %d rejected)",
        statuses["published"],
        sum(statuses.values()),
        statuses["duplicate"],
        statuses["rejected"],
    )


class BackgroundWrites:
    """File writes that need nothing from the render (redirect pages, unchanged pages taken
    from the last site), done by a forked copy of the build beside it (``cores.Beside``):
    ``submit`` collects them, ``flush`` hands those collected so far to a copy, ``finish``
    waits and raises the first error.

    Four threads of the build did them before: each of their file operations waited for the
    interpreter's lock behind the render, and at 10,000 sources the 28,000 links and redirect
    pages of a one-source rebuild took 13 s, 8 s of them after the render was done. A copy
    shares no lock with the render. If it fails, the writes are done again here, each of
    them harmless to repeat (``write_redirect`` leaves a file in place, ``link_previous_output``
    a link to the same file)."""

    def __init__(self) -> None:
        self.pending: list[tuple[Callable[..., None], tuple[object, ...]]] = []
        self.started: list[Beside[None]] = []

    def submit(self, fn: Callable[..., None], *args: object) -> None:
        """Write later: handed to a copy with the others (``flush``)."""
        self.pending.append((fn, args))

    def flush(self) -> None:
        """Hand the writes not yet handed over to a copy (here, at ``finish``, if they are
        too few to be worth one)."""
        if self.pending:
            self.started.append(Beside(_write_all, self.pending, items=len(self.pending)))
            self.pending = []

    def finish(self) -> None:
        self.flush()
        try:
            for started in self.started:
                started.result()
        finally:
            self.cancel()

    def cancel(self) -> None:
        """Stop: the files of a failed build are not published."""
        self.pending = []
        for started in self.started:
            started.close()
        self.started = []


def _write_all(calls: list[tuple[Callable[..., None], tuple[object, ...]]]) -> None:
    for fn, args in calls:
        fn(*args)


def start_redirects(
    writes: BackgroundWrites,
    site_dir: Path,
    result: DigestResult,
    site: SiteAddress,
    taken: Collection[str] = (),
    previous_site: Path | None = None,
) -> None:
    """A redirect page at every former address of a story or an event, written by
    ``writes``; never at a path in ``taken`` (the pages the render writes). A page that
    ``previous_site`` holds as it is now is linked from there, not written again."""
    titles = {a["url"]: a["title"] for a in result.catalog["articles"]}
    titles.update({e["url"]: e["title"] for e in result.catalog["events"]})
    for old, new in result.catalog["redirects"].items():
        if redirect_file(old, site.directory_urls) not in taken:
            title = titles.get(new, "")
            writes.submit(
                write_redirect,
                site_dir,
                old,
                new,
                title,
                site.directory_urls,
                site.url,
                previous_site,
            )


def redirect_file(url: str, directory_urls: bool) -> str:
    """The file a page at ``url`` is served from, under the site folder."""
    return f"{url}index.html" if directory_urls else f"{url.rstrip('/')}.html"


def write_redirect(
    site_dir: Path,
    old_url: str,
    new_url: str,
    title: str,
    directory_urls: bool,
    site_url: str = "",
    previous_site: Path | None = None,
) -> None:
    """A page at a story's (or an event's) former address that sends readers and search
    engines on. Most of them are the same from build to build (at 1,600 sources about 3,000,
    two for every story): one ``previous_site`` holds with the same bytes is hard-linked from
    there, as unchanged pages are, which costs a tenth of creating the file (0.05 ms against
    0.45 ms on this project's machine)."""
    old_file, new_file = (
        redirect_file(old_url, directory_urls),
        redirect_file(new_url, directory_urls),
    )
    here = posixpath.dirname(old_file)
    # The refresh names the page's file, not its folder: a site opened from disk (file://)
    # shows a folder as a file listing, and a server gives the same page either way.
    target = posixpath.relpath(new_file, here)
    address = posixpath.relpath(new_url, here) + "/" if directory_urls else target
    path = site_dir / old_file
    if path.exists():
        return  # never overwrite a real page
    path.parent.mkdir(parents=True, exist_ok=True)
    href, text = html.escape(target, quote=True), html.escape(title or "the page")
    served = new_url if directory_urls else new_file
    canonical = html.escape(
        site_url.rstrip("/") + "/" + served if site_url else address, quote=True
    )
    page = (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Moved:'
        f' {text}</title><meta name="robots" content="noindex"><link rel="canonical"'
        f' href="{canonical}"><meta http-equiv="refresh" content="0;'
        f' url={href}"></head>\n<body><p>This page has moved: <a'
        f' href="{href}">{text}</a>.</p></body></html>\n'
    ).encode()
    if previous_site is not None:
        try:
            if (previous_site / old_file).read_bytes() == page:
                os.link(previous_site / old_file, path)
                return
        except OSError:
            pass  # not in the last site, or not linkable there: written afresh
    path.write_bytes(page)
