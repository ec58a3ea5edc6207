"""Stage 15 (render), with MkDocs: the later pages to render made in a second process, while
MkDocs makes the others in its own.

MkDocs renders every page on one core: it converts each page's Markdown to HTML, then puts
it in the theme's template (9.8 and 2.7 ms of a page, in a full render of 1,600 sources);
the other core meanwhile has at most the search index to make. Before MkDocs reads the pages
(``on_nav``), a forked copy of the build converts the later pages as MkDocs itself would
(its ``_populate_page``: the same configuration, extensions, plugin and link checks) and hands
back what a conversion leaves on a page: its HTML, table of contents, title and anchors, and
what it logged. When MkDocs reaches one of those pages, the plugin gives it nothing to read
or convert and puts the second process's result in place (``DigestPlugin.on_page_read_source``,
``on_page_content``), its messages logged then, where ``--strict`` counts them. The second
process then writes those pages with the theme's templates (MkDocs' ``_build_page``, every
page of the navigation converted first, as MkDocs' would be), and MkDocs, told they are
written, skips them; the build waits for it before publishing. The site is the same, byte for
byte (``tests/test_incremental.py``).

Only where that holds: on a system that forks and has a second core (on one core the two
processes would take turns), with no plugin but the digest's watching the pages (another's
hooks would not see the later ones), and for enough pages to repay the fork.
If the second process fails, the pages it has not handed back are converted here, and those
it has not written are written here.
"""

from __future__ import annotations

import bisect
import gc
import itertools
import logging
import multiprocessing
import threading
from collections.abc import MutableMapping, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from jinja2 import Environment
from mkdocs.commands.build import _build_page, _populate_page
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import TableOfContents

from .cores import can_fork

log = logging.getLogger("mkdocs.plugins.digest")

PARALLEL_PAGES_FROM = 64
"""Fewer pages to render (a rebuild that changed a few stories) are rendered here alone:
under a second of MkDocs' work (12.5 ms a page at 1,600 sources) is not worth a fork, a
pipe and a thread to read it."""
PAGE_EVENTS = (
    "pre_page",
    "page_read_source",
    "page_markdown",
    "page_content",
    "page_context",
    "post_page",
)
"""The plugin events that see a page as it is converted or written."""
SECOND_SHARE = 0.6
"""The share of the pages to render (by the length of their Markdown) handed to the second
process: more than half, for every page it makes still costs this one a little (its record
is put in place, its front matter taken as read). In full renders of 1,600 sources this
process waited for the second's pages 0 s at 0.6, 0.7 to 1.5 s at 0.7 and 2.8 to 4.1 s at 0.8
(the second writing its pages after converting them all; converting alone, half made this one
the slower: 12.4 and 16.1 s of conversions at half, 11.6 and 11.9 s at 0.6)."""
BATCH = 16
"""Pages handed back at a time: few enough that the first arrive early."""


@dataclass(frozen=True)
class Converted:
    """What converting one page left on it (``Page.render``) and what it logged."""

    meta: MutableMapping[str, Any]
    """The page's front matter, read (``Page.read_source``)."""
    markdown: str
    """The page's Markdown, without its front matter."""
    content: str
    toc: TableOfContents
    title: str | None
    anchors: frozenset[str]
    links: dict[str, dict[str, str]] | None
    """Links to anchors of other pages, by the linked page's ``src_uri``."""
    messages: tuple[tuple[str, int, str], ...]
    """(logger, level, message) of every record logged while converting it."""


class SecondConverter:
    """A forked copy of the build converting and writing ``share`` (``src_uri``s, in MkDocs'
    order); ``take`` gives each page's conversion as MkDocs reaches it, ``written`` the pages
    it wrote. A thread of this process receives the results as they come, so the
    second process never waits for this one to read."""

    def __init__(
        self,
        config: MkDocsConfig,
        files: Files,
        nav: Navigation,
        share: Sequence[str],
        owner: BasePlugin,
    ) -> None:
        global _FORKED
        self.share = set(share)
        self.ready: dict[str, Converted] = {}
        self.pages_written: dict[str, tuple[tuple[str, int, str], ...]] = {}
        self.stopped = False
        """No more conversions will come."""
        self.gone = False
        """Nothing more will come."""
        self.arrived = threading.Condition()
        context = multiprocessing.get_context("fork")
        reader, writer = context.Pipe(duplex=False)
        _FORKED = (config, files, nav, tuple(share), owner)
        try:
            self.process = context.Process(
                target=_convert, args=(writer,), name="digest-convert", daemon=True
            )
            self.process.start()
        finally:
            _FORKED = None
            writer.close()  # the second process's end alone stays open: its exit ends the pipe
        self.receiver = threading.Thread(
            target=self._receive, args=(reader,), name="digest-receive", daemon=True
        )
        self.receiver.start()

    def _receive(self, reader: Connection) -> None:
        try:
            while True:
                kind, value = reader.recv()
                with self.arrived:
                    if kind == CONVERTED:
                        self.ready.update(value)
                    elif kind == WRITTEN:
                        self.pages_written.update(value)
                    else:
                        self.stopped = True
                    self.arrived.notify_all()
        except (EOFError, OSError):  # the second process ended, or died mid-message
            pass
        finally:
            reader.close()
            with self.arrived:
                self.stopped = self.gone = True
                self.arrived.notify_all()

    def take(self, src_uri: str) -> Converted | None:
        """The page's conversion, waiting for it; None when the page is not the second
        process's or the process stopped before it (the page is then converted here)."""
        if src_uri not in self.share:
            return None
        self.share.discard(src_uri)
        with self.arrived:
            while src_uri not in self.ready and not self.stopped:
                self.arrived.wait()
            return self.ready.pop(src_uri, None)

    def written(self) -> dict[str, tuple[tuple[str, int, str], ...]]:
        """Waiting for the second process to end: the pages it wrote, each with what it
        logged meanwhile."""
        with self.arrived:
            while not self.gone:
                self.arrived.wait()
        self.close()
        return self.pages_written

    def close(self) -> None:
        """Stop the second process, whatever it is doing."""
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()
        self.receiver.join()


CONVERTED, STOPPED, WRITTEN = "converted", "stopped", "written"
"""What the second process sends: pages converted, that it converts no more, pages written."""


def start(
    config: MkDocsConfig,
    files: Files,
    nav: Navigation,
    to_render: Sequence[File],
    owner: BasePlugin,
) -> SecondConverter | None:
    """A second process rendering the later pages of ``to_render`` (MkDocs' order), a
    ``SECOND_SHARE`` of their Markdown; None where it would not pay or not be safe (see the
    module)."""
    if not can_fork() or len(to_render) < PARALLEL_PAGES_FROM:
        return None
    if any(
        getattr(hook, "__self__", None) is not owner
        for event in PAGE_EVENTS
        for hook in config.plugins.events[event]
    ):
        return None
    sizes = list(itertools.accumulate(len(file.content_string) for file in to_render))
    first = bisect.bisect_left(sizes, sizes[-1] * (1 - SECOND_SHARE)) + 1  # converted here
    try:
        share = [f.src_uri for f in to_render[first:]]
        converter = SecondConverter(config, files, nav, share, owner)
    except OSError:  # no process can be started here: every page is converted in this one
        return None
    log.info(
        "%d of %d pages to render are rendered in a second process",
        len(to_render) - first,
        len(to_render),
    )
    return converter


_FORKED: tuple[MkDocsConfig, Files, Navigation, tuple[str, ...], BasePlugin] | None = None
"""What the second process converts, as the build held it when it forked."""


def _convert(results: Connection) -> None:
    """In the second process: convert the share's pages and write each at once (holding one
    page's HTML at a time), handing the results back a batch at a time. A page that fails to
    convert stops the conversions (the build converts it, and says why); one that fails to
    be written stops the writing (the build writes what is left)."""
    assert _FORKED is not None
    config, files, nav, share, owner = _FORKED
    gc.freeze()  # the build's objects, inherited: never walked here, so never copied
    owner.converter = None  # type: ignore[attr-defined]  # here every page is converted
    logged: list[logging.LogRecord] = []

    def keep(_logger: logging.Logger, record: logging.LogRecord) -> None:
        logged.append(record)  # handed back, logged by the build (``put_in_place``)

    logging.Logger.callHandlers = keep  # type: ignore[method-assign,assignment]
    said: dict[str, tuple[tuple[str, int, str], ...]] = {}
    writing = _ready_to_write(config, files, nav, set(share), said, logged)
    converted: list[tuple[str, Converted]] = []
    written: list[tuple[str, tuple[tuple[str, int, str], ...]]] = []

    def hand_back() -> None:
        results.send((CONVERTED, dict(converted)))
        results.send((WRITTEN, dict(written)))
        converted.clear()
        written.clear()

    for src_uri in share:
        page = _page(files, src_uri, config)
        if page.content is None:  # (a page of the navigation is converted already)
            logged.clear()
            try:
                _populate_page(page, config, files)
            except Exception:
                break
            said[src_uri] = _said(logged)
        converted.append((src_uri, _converted(page, said.pop(src_uri, ()))))
        if writing is not None:
            logged.clear()
            try:
                _write_page(page, config, nav, *writing)
                written.append((src_uri, _said(logged)))
            except Exception:
                writing = None
        page.content = page.markdown = None  # handed back and written: not held here
        if len(converted) >= BATCH:
            hand_back()
    hand_back()
    results.send((STOPPED, None))


def _ready_to_write(
    config: MkDocsConfig,
    files: Files,
    nav: Navigation,
    share: set[str],
    said: dict[str, tuple[tuple[str, int, str], ...]],
    logged: list[logging.LogRecord],
) -> tuple[Sequence[File], Environment] | None:
    """What writing a page takes (MkDocs' documentation pages and the theme's templates), once
    the pages of the navigation, which every page shows, are converted as MkDocs' own loop
    leaves them (dirty mode: the modified ones); what the share's of them logged goes in
    ``said``. None when that fails: the build writes every page then."""
    try:
        for page in nav.pages:
            if page.content is None:
                logged.clear()
                _populate_page(page, config, files, dirty=True)
                if page.file.src_uri in share and page.content is not None:
                    said[page.file.src_uri] = _said(logged)
        env = config.plugins.on_env(config.theme.get_env(), config=config, files=files)
    except Exception:
        return None
    return files.documentation_pages(inclusion=InclusionLevel.is_included), env


def _write_page(
    page: Page, config: MkDocsConfig, nav: Navigation, pages: Sequence[File], env: Environment
) -> None:
    """The page in the theme's templates, written, as MkDocs' own loop does."""
    _build_page(page, config, pages, nav, env, excluded=page.file.inclusion.is_excluded())


def _said(logged: list[logging.LogRecord]) -> tuple[tuple[str, int, str], ...]:
    return tuple((r.name, r.levelno, r.getMessage()) for r in logged)


def _page(files: Files, src_uri: str, config: MkDocsConfig) -> Page:
    file = files.get_file_from_path(src_uri)
    assert file is not None
    return file.page if file.page is not None else Page(None, file, config)


def _converted(page: Page, said: tuple[tuple[str, int, str], ...]) -> Converted:
    links = page.links_to_anchors
    assert page.content is not None
    return Converted(
        page.meta,
        page.markdown or "",
        page.content,
        page.toc,
        page._title_from_render,
        frozenset(page.present_anchor_ids or ()),
        None if links is None else {f.src_uri: dict(v) for f, v in links.items()},
        said,
    )


def put_in_place(page: Page, converted: Converted, files: Files) -> str:
    """Leave on ``page`` what reading and converting it would have (``Page.read_source``,
    ``Page.render``), log what the conversion logged, and return its HTML."""
    page.meta = converted.meta
    page.markdown = converted.markdown
    page.toc = converted.toc
    page._title_from_render = converted.title
    page.present_anchor_ids = set(converted.anchors)
    if converted.links is not None:
        linked = {uri: files.get_file_from_path(uri) for uri in converted.links}
        page.links_to_anchors = {
            file: dict(converted.links[uri]) for uri, file in linked.items() if file is not None
        }
    log_again(converted.messages)
    return converted.content


def log_again(messages: Sequence[tuple[str, int, str]]) -> None:
    """Log here what the second process logged (logger, level, message)."""
    for name, level, message in messages:
        logging.getLogger(name).log(level, "%s", message)
