"""Stage 15 (render), with MkDocs: the later half of the pages to render converted from
Markdown in a second process, while MkDocs converts the first half in its own.

MkDocs converts every page's Markdown to HTML on one core, and that conversion is most of a
render (7 of the 8.5 ms a story page costs at 1,600 sources; the template is the rest); the
other core meanwhile has only the search index to make, and that is done early. Before
MkDocs reads the pages (``on_nav``), a forked copy of the build converts the later pages as
MkDocs itself would (its ``_populate_page``: the same configuration, extensions, plugin and
link checks) and hands back what a conversion leaves on a page: its HTML, table of contents,
title and anchors, and what it logged. When MkDocs reaches one of those pages, the plugin
gives it nothing to read or convert (its front matter is a tenth of the cost) and puts the
second process's result in place (``DigestPlugin.on_page_read_source``, ``on_page_content``),
its messages logged then, where ``--strict`` counts them. The site is the same, byte for
byte (``tests/test_render.py``).

Only where that holds: on a system that forks, with no plugin but the digest's watching the
pages (another's hooks would not see the later half), and for enough pages to repay the fork.
If the second process fails, the pages it has not handed back are converted here.
"""

from __future__ import annotations

import bisect
import gc
import itertools
import logging
import multiprocessing
import os
import threading
from collections.abc import MutableMapping, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from mkdocs.commands.build import _populate_page
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import TableOfContents

log = logging.getLogger("mkdocs.plugins.digest")

PARALLEL_PAGES_FROM = 64
"""Fewer pages to render are converted here alone: forking a build of 10,000 sources costs
about 0.1 s, what MkDocs takes for a dozen pages."""
PAGE_EVENTS = ("pre_page", "page_read_source", "page_markdown", "page_content")
"""The plugin events that see a page as it is converted."""
SECOND_SHARE = 0.6
"""The share of the Markdown to convert (by length) handed to the second process: a little
more than half, for every page it converts still costs this one a little (its record is put
in place, its front matter taken as read). Of a full render at 1,600 sources the conversions
took 12.4 and 16.1 s at half, 11.6 and 11.9 s at 0.6, 11.3 and 13.6 s at 0.7, where this
process began to wait for the second."""
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
    """A forked copy of the build converting ``share`` (``src_uri``s, in MkDocs' order);
    ``take`` gives each page's result as MkDocs reaches it. A thread of this process receives
    the results as they come, so the second process never waits for this one to read."""

    def __init__(
        self, config: MkDocsConfig, files: Files, share: Sequence[str], owner: BasePlugin
    ) -> None:
        global _FORKED
        self.share = set(share)
        self.ready: dict[str, Converted] = {}
        self.gone = False
        self.arrived = threading.Condition()
        context = multiprocessing.get_context("fork")
        reader, writer = context.Pipe(duplex=False)
        _FORKED = (config, files, tuple(share), owner)
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
            while (batch := reader.recv()) is not None:
                with self.arrived:
                    self.ready.update(batch)
                    self.arrived.notify_all()
        except (EOFError, OSError):  # the second process ended, or died mid-batch
            pass
        finally:
            reader.close()
            with self.arrived:
                self.gone = True
                self.arrived.notify_all()

    def take(self, src_uri: str) -> Converted | None:
        """The page's result, waiting for it; None when the page is not the second process's
        or the process stopped before it (the page is then converted here)."""
        if src_uri not in self.share:
            return None
        self.share.discard(src_uri)
        with self.arrived:
            while src_uri not in self.ready and not self.gone:
                self.arrived.wait()
            return self.ready.pop(src_uri, None)

    def close(self) -> None:
        """Stop the second process, whatever it is doing."""
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()
        self.receiver.join()


def start(
    config: MkDocsConfig, files: Files, to_render: Sequence[File], owner: BasePlugin
) -> SecondConverter | None:
    """A second process converting the later half of ``to_render`` (MkDocs' order), by the
    length of their Markdown; None where it would not pay or not be safe (see the module)."""
    if not hasattr(os, "fork") or len(to_render) < PARALLEL_PAGES_FROM:
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
        converter = SecondConverter(config, files, [f.src_uri for f in to_render[first:]], owner)
    except OSError:  # no process can be started here: every page is converted in this one
        return None
    log.info(
        "%d of %d pages to render converted in a second process",
        len(to_render) - first,
        len(to_render),
    )
    return converter


_FORKED: tuple[MkDocsConfig, Files, tuple[str, ...], BasePlugin] | None = None
"""What the second process converts, as the build held it when it forked."""


def _convert(results: Connection) -> None:
    """In the second process: convert the share, hand back the results a batch at a time,
    and None when stopping early (a page failed: the build converts it, and says why)."""
    assert _FORKED is not None
    config, files, share, owner = _FORKED
    gc.freeze()  # the build's objects, inherited: never walked here, so never copied
    owner.converter = None  # type: ignore[attr-defined]  # here every page is converted
    logged: list[logging.LogRecord] = []

    def keep(_logger: logging.Logger, record: logging.LogRecord) -> None:
        logged.append(record)  # handed back, logged by the build (``put_in_place``)

    logging.Logger.callHandlers = keep  # type: ignore[method-assign,assignment]
    batch: list[tuple[str, Converted]] = []
    for src_uri in share:
        file = files.get_file_from_path(src_uri)
        if file is None:
            break
        page = file.page if file.page is not None else Page(None, file, config)
        logged.clear()
        try:
            _populate_page(page, config, files)
        except Exception:
            break
        batch.append((src_uri, _converted(page, logged)))
        if len(batch) >= BATCH:
            results.send(dict(batch))
            batch = []
    else:
        results.send(dict(batch))
        return
    results.send(dict(batch))
    results.send(None)


def _converted(page: Page, logged: list[logging.LogRecord]) -> Converted:
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
        tuple((r.name, r.levelno, r.getMessage()) for r in logged),
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
    for name, level, message in converted.messages:
        logging.getLogger(name).log(level, "%s", message)
    return converted.content
