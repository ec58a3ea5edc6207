"""Stage 16 (publish): Atom feeds for the whole archive and for each topic, written with
feedgen.

Dates come from our own metadata and are never made up: a feed entry needs a day, so
only stories dated to the day are syndicated (newest first, ``FEED_SIZE`` per feed).
Stories dated to the month or undated stay in the archive's listings but not in feeds;
each feed's subtitle says so. Entry ids are ``tag:`` URIs built from the story id, so
they survive a change of ``site_url``; links are absolute under ``site_url`` when it is
set, and relative to the feed otherwise (feed readers resolve them against the feed).
"""

from __future__ import annotations

import datetime as dt
import posixpath
from collections.abc import Sequence
from dataclasses import dataclass

from feedgen.feed import FeedGenerator
from lxml import etree

from .language import SITE_LANGUAGE
from .models import Dated, Role, TaggedStory
from .text import visible
from .urls import feed_path, story_url

FEED_SIZE = 50
"""Entries per feed: enough for a reader who checks weekly on a busy archive."""
TAG_AUTHORITY = "build-digest,2023"
"""Authority of the ``tag:`` URIs that identify feeds and entries (RFC 4151)."""
SUMMARY_CHARS = 400


@dataclass(frozen=True)
class FeedSpec:
    """One feed: where it is written and what it holds."""

    path: str
    """Path under the site root, e.g. ``feeds/all.xml``."""
    title: str
    stories: tuple[TaggedStory, ...]


def publication_day(t: TaggedStory) -> dt.date | None:
    """The day a story was published, when known to the day (a feed entry needs one)."""
    return t.date.day if isinstance(t.date, Dated) else None


def feed_specs(
    tagged: Sequence[TaggedStory], site_name: str, topic_names: dict[str, str]
) -> list[FeedSpec]:
    """The archive feed and one per topic, newest day-dated stories first."""
    dated = sorted(
        (t for t in tagged if publication_day(t)),
        key=lambda t: (publication_day(t), t.story.id),
        reverse=True,
    )
    specs = [FeedSpec(feed_path(), site_name, tuple(dated[:FEED_SIZE]))]
    for slug, name in sorted(topic_names.items()):
        members = tuple(t for t in dated if any(label.slug == slug for label in t.topics))[
            :FEED_SIZE
        ]
        specs.append(FeedSpec(feed_path(slug), f"{site_name}: {name}", members))
    return specs


def summary(t: TaggedStory) -> str:
    """The standfirst, else the lead paragraph, shortened at a word."""
    blocks = t.story.main.blocks
    text = next((b.text for b in blocks if b.role is Role.STANDFIRST), "") or next(
        (b.text for b in blocks if b.role is Role.PARAGRAPH), ""
    )
    if len(text) <= SUMMARY_CHARS:
        return text
    return text[:SUMMARY_CHARS].rsplit(" ", 1)[0] + "…"


def _day_time(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def render_feed(spec: FeedSpec, site_url: str) -> bytes:
    """One Atom document; the same stories always give the same bytes."""
    base = site_url.rstrip("/") + "/" if site_url else ""

    def link(url: str) -> str:
        if base:
            return base + url
        return posixpath.relpath(url, posixpath.dirname(spec.path)) + (
            "/" if url.endswith("/") else ""
        )

    fg = FeedGenerator()
    fg.id(f"tag:{TAG_AUTHORITY}:{spec.path}")
    fg.title(visible(spec.title))
    fg.subtitle(
        "Stories dated to the day, newest first. Stories dated only to the month, or undated, are"
        " in the archive but not in this feed."
    )
    fg.link(href=link(spec.path), rel="self", type="application/atom+xml")
    fg.link(
        href=base or posixpath.relpath(".", posixpath.dirname(spec.path)) + "/",
        rel="alternate",
        type="text/html",
    )
    fg.language(SITE_LANGUAGE)
    fg.generator("build-digest")
    fg.author({"name": visible(spec.title)})
    newest = publication_day(spec.stories[0]) if spec.stories else None
    fg.updated(_day_time(newest) if newest else dt.datetime(1970, 1, 1, tzinfo=dt.UTC))
    for t in reversed(spec.stories):  # feedgen prepends: add oldest first
        day = publication_day(t)
        assert day is not None  # feed_specs keeps day-dated stories only
        entry = fg.add_entry()
        entry.id(f"tag:{TAG_AUTHORITY}:stories/{t.story.id}")
        entry.title(visible(t.story.main.title))
        entry.link(href=link(story_url(t.story.id)), rel="alternate", type="text/html")
        entry.published(_day_time(day))
        entry.updated(_day_time(day))
        entry.summary(visible(summary(t)))
        outlet = t.story.main.outlet
        if outlet:
            entry.author({"name": visible(outlet)})
        for label in t.topics:
            entry.category(term=label.slug, label=visible(label.name))
    return with_entry_languages(
        fg.atom_str(pretty=True),
        {f"tag:{TAG_AUTHORITY}:stories/{t.story.id}": t.story.language.code for t in spec.stories},
    )


_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_ATOM = "{http://www.w3.org/2005/Atom}"


def with_entry_languages(document: bytes, languages: dict[str, str]) -> bytes:
    """The feed with ``xml:lang`` on each entry in another language than the feed's (feedgen
    writes a language for the whole feed only), so a reader shows and speaks it right."""
    if all(code == SITE_LANGUAGE for code in languages.values()):
        return document
    root = etree.fromstring(document)
    for entry in root.iter(f"{_ATOM}entry"):
        code = languages.get(entry.findtext(f"{_ATOM}id") or "", SITE_LANGUAGE)
        if code != SITE_LANGUAGE:
            entry.set(_XML_LANG, code)
    return etree.tostring(root, pretty_print=True, xml_declaration=True, encoding="UTF-8")


EMPTY_SITEMAP = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<urlset'
    b' xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>\n'
)
"""Material's script fetches ``sitemap.xml`` beside every ``<link rel="alternate">`` of a
page (meant for language versions); an empty one beside the feeds spares a 404 per visit."""


def render_feeds(
    tagged: Sequence[TaggedStory], site_name: str, topic_names: dict[str, str], site_url: str
) -> dict[str, bytes]:
    """Path under the site root -> Atom document, for every feed (and the feed folders' empty
    sitemaps)."""
    feeds = {
        spec.path: render_feed(spec, site_url)
        for spec in feed_specs(tagged, site_name, topic_names)
    }
    for folder in sorted({posixpath.dirname(path) for path in feeds}):
        feeds[f"{folder}/sitemap.xml"] = EMPTY_SITEMAP
    return feeds
