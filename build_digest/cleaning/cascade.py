"""Stage 2 (clean): the cascade that runs the steps, and its cache.

``clean_sources`` is the stage's entry point: every source cleaned (or rejected with a
reason), with the whole corpus as evidence for recurring chrome, and a cached cleaning reused
while the source and the evidence it consulted are unchanged.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
import sys
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from types import ModuleType
from typing import Any

from .. import dates, models, text, vocabulary
from ..cache import DigestCache, code_version, content_key
from ..cores import on_both_cores
from ..models import (
    Block,
    CleanedArticle,
    Rejection,
    RemovalRule,
    RemovedLine,
    Role,
    SourceDocument,
    SourceKind,
    TitleSource,
    Wire,
)
from . import linemodel
from .body import cut_outside_body, label_body
from .chrome import apply_chrome_rules, line_signature_counts
from .headline import derived_title, pick_title, take_wire_dateline
from .labels import label_furniture
from .lines import Line
from .markup import scrub_lines, strip_html
from .options import CleanConfig
from .page_end import (
    cut_after_end_marker,
    cut_author_box,
    cut_author_notes,
    cut_comment_thread,
    cut_other_articles,
    cut_read_on_teasers,
    cut_tail_lists,
)
from .repeats import drop_repeated_text

log = logging.getLogger(__name__)


@dataclass
class Cascade:
    """The rules' verdict on a document, before the line model has its say."""

    lines: list[Line]
    title: str
    wire: Wire | None
    removed: list[RemovedLine]
    page_copy: bool


def run_cascade(doc: SourceDocument, config: CleanConfig, recurring: Mapping[str, int]) -> Cascade:
    """Steps 1 to 9 of the module docstring: every line removed with a rule or given a role."""
    removed: list[RemovedLine] = []
    text = strip_html(doc.text, removed)
    lines = [Line(i + 1, raw) for i, raw in enumerate(text.split("\n"))]
    scrub_lines(lines, removed)
    kept = [ln for ln in lines if ln.text]
    apply_chrome_rules(kept, config, recurring)
    cut_after_end_marker(kept)
    cut_comment_thread(kept)
    cut_tail_lists(kept)
    wire = take_wire_dateline(kept)
    title = pick_title(doc, kept)
    label_furniture(kept, title)
    # trafilatura has already cut an HTML page down to its article, using the page's
    # structure and link density; guessing it again from line lengths only loses text
    # (F1 0.940 instead of 0.960 on the extraction benchmark's pages).
    page_copy = doc.kind is not SourceKind.HTML
    if page_copy:
        cut_outside_body(kept)
    label_body(kept, config, drop_link_lists=page_copy)
    return Cascade(kept, title, wire, removed, page_copy)


def clean_document(
    doc: SourceDocument,
    config: CleanConfig | None = None,
    recurring: Mapping[str, int] | None = None,
) -> CleanedArticle:
    """Clean one document; ``recurring`` is corpus evidence from line_signature_counts."""
    config = config or CleanConfig()
    recurring = recurring or {}
    cascade = run_cascade(doc, config, recurring)
    if cascade.page_copy and config.line_model:
        linemodel.judge(cascade.lines, cascade.title, recurring)
    finish(cascade.lines)
    title, wire, removed = cascade.title, cascade.wire, cascade.removed
    blocks = [Block(Role.TITLE, title)] if title else []
    # A dateline cut from the lead's start becomes a block of its own; one that stood on its
    # own line already is one (``take_wire_dateline``).
    if wire and not any(
        ln.live and ln.role is Role.DATELINE and wire.text in ln.text for ln in cascade.lines
    ):
        blocks.append(Block(Role.DATELINE, wire.text))
    for ln in cascade.lines:
        if ln.removed_by is not None:
            removed.append(RemovedLine(ln.number, ln.text, ln.removed_by, ln.detail))
        elif ln.role is not None and ln.role is not Role.TITLE:
            blocks.append(Block(ln.role, ln.text))
    removed.sort(key=lambda r: r.line_number)
    title_source = (
        TitleSource.STATED if doc.meta.title and doc.meta.title.strip() else TitleSource.FIRST_LINE
    )
    if not title:
        title, title_source = derived_title(doc, blocks), TitleSource.DERIVED
    return CleanedArticle(doc, title, tuple(blocks), tuple(removed), title_source, wire)


def finish(lines: Sequence[Line]) -> None:
    """Steps 10 to 12, after the line model: what only the page as a whole shows."""
    cut_other_articles(lines)
    cut_read_on_teasers(lines)
    cut_author_notes(lines)
    cut_author_box(lines)
    drop_repeated_text(lines)


def clean_all(
    documents: Sequence[SourceDocument], config: CleanConfig | None = None
) -> list[CleanedArticle]:
    """Clean every document, using the whole corpus as evidence for recurring chrome."""
    config = config or CleanConfig()
    recurring = line_signature_counts(documents, config.chrome_max_words)
    return [clean_document(doc, config, recurring) for doc in documents]


class _Consulted(Mapping[str, int]):
    """The corpus evidence, recording which lines one document's cleaning looked up: the
    cached result stays valid while those lines recur in as many sources as they did."""

    def __init__(self, counts: Mapping[str, int]) -> None:
        self.counts = counts
        self.seen: dict[str, int] = {}

    def __getitem__(self, key: str) -> int:
        self.seen[key] = self.counts.get(key, 0)
        if not self.seen[key]:
            raise KeyError(key)
        return self.seen[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.counts)

    def __len__(self) -> int:
        return len(self.counts)


def clean_sources(
    documents: Sequence[SourceDocument],
    config: CleanConfig | None = None,
    cache: DigestCache | None = None,
) -> tuple[list[CleanedArticle], list[Rejection]]:
    """Like clean_all, but a source the cleaner fails on is rejected with the error, not fatal.

    With a ``cache``, a source whose text, metadata and consulted corpus evidence are
    unchanged is not cleaned again.
    """
    config = config or CleanConfig()
    recurring = line_signature_counts(documents, config.chrome_max_words)
    # The cleaning depends on this package's modules, its phrase vocabulary, the date patterns,
    # the word count and the records it writes; any edit to them makes every cached cleaning a miss.
    modules = (*_package_modules(), vocabulary, dates, models, text)
    version = code_version(*modules, options=repr(config) + linemodel.model_version())
    keys = {doc.path: _source_key(doc) for doc in documents}
    cache = cache or DigestCache(None)  # without a folder: reads nothing, writes nothing
    stored = cache.get_many("clean", version, keys.values())
    cached = {
        doc.path: _cached_article(doc, stored.get(keys[doc.path]), recurring) for doc in documents
    }
    todo = [doc for doc in documents if cached[doc.path] is None]
    cleaned = dict(
        zip(
            (doc.path for doc in todo),
            on_both_cores(partial(_clean_one, config=config, recurring=recurring), todo),
            strict=True,
        )
    )
    computed: dict[str, object] = {}
    articles, rejections = [], []
    for doc in documents:
        article = cached[doc.path]
        if article is None:
            result = cleaned[doc.path]
            if isinstance(result, str):  # one bad file never stops the others
                log.debug("Could not clean %s: %s", doc.path, result)
                rejections.append(
                    Rejection(
                        doc.path, doc.sha256, f"could not be cleaned ({result})", doc.path_bytes
                    )
                )
                continue
            cleaning, consulted = result
            computed[keys[doc.path]] = {"article": cleaning, "consulted": consulted}
            article = article_from_json(doc, cleaning)
        if not article.body_blocks:
            rejections.append(
                Rejection(
                    doc.path,
                    doc.sha256,
                    "no article text left after cleaning (only site chrome, markup or metadata)",
                    doc.path_bytes,
                )
            )
            continue
        articles.append(article)
    cache.put_many("clean", version, computed)
    return articles, rejections


def _clean_one(
    doc: SourceDocument, config: CleanConfig, recurring: Mapping[str, int]
) -> tuple[dict[str, object], dict[str, int]] | str:
    """One document's cleaning as the cache stores it (its article, and the corpus evidence it
    consulted), or the error that rejects it: plain values, the same from either process of
    ``on_both_cores``."""
    try:
        consulted = _Consulted(recurring)
        article = clean_document(doc, config, consulted)
        return article_to_json(article), consulted.seen
    except Exception as exc:  # any bug in a step, on any input, rejects that input only
        return f"{type(exc).__name__}: {str(exc)[:200]}"


def _package_modules() -> list[ModuleType]:
    """Every module of this package, by name: a step added to the package is covered by the
    cache's code version without being listed anywhere."""
    package = sys.modules[__package__]
    return [
        importlib.import_module(f"{__package__}.{info.name}")
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name)
    ]


def _source_key(doc: SourceDocument) -> str:
    return content_key(doc.path, doc.text, doc.kind, repr(doc.meta))


def _cached_article(
    doc: SourceDocument, value: object, recurring: Mapping[str, int]
) -> CleanedArticle | None:
    """The cached cleaning of ``doc``, if there is one and the corpus evidence it consulted
    is unchanged; None otherwise (also for a value of another shape)."""
    if not isinstance(value, dict):
        return None
    try:
        consulted = value["consulted"]
        if any(recurring.get(key, 0) != count for key, count in consulted.items()):
            return None
        return article_from_json(doc, value["article"])
    except (KeyError, IndexError, TypeError, ValueError, AttributeError):
        return None


def article_to_json(article: CleanedArticle) -> dict[str, object]:
    """A cleaning result as plain JSON values (the source itself is not stored)."""
    wire = article.wire
    return {
        "title": article.title,
        "blocks": [[str(b.role), b.text] for b in article.blocks],
        "removed": [[r.line_number, r.text, str(r.rule), r.detail] for r in article.removed],
        "title_source": str(article.title_source),
        "wire": [wire.text, wire.place, wire.agency, wire.date_text] if wire else None,
    }


_ROLES = {role.value: role for role in Role}
"""A block's role by its value, without Enum's own lookup for each of 120,000 blocks."""


def article_from_json(doc: SourceDocument, data: Mapping[str, Any]) -> CleanedArticle:
    wire = data["wire"]
    return CleanedArticle(
        doc,
        str(data["title"]),
        tuple(Block(_ROLES[role], str(text)) for role, text in data["blocks"]),
        tuple(
            RemovedLine(int(n), str(text), RemovalRule(rule), str(detail))
            for n, text, rule, detail in data["removed"]
        ),
        TitleSource(data["title_source"]),
        Wire(str(wire[0]), str(wire[1]), str(wire[2]), wire[3]) if wire else None,
    )


def removal_counts(articles: Sequence[CleanedArticle]) -> Counter[RemovalRule]:
    """How many lines each rule removed, over the corpus (for ``build-digest check``)."""
    return Counter(r.rule for article in articles for r in article.removed)
