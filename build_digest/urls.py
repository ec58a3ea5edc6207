"""Shared by the stages: every address the site has, in one place (pages as paths under
``docs/``, their served URLs, the feeds, and the slugs no label may take).

A story's address depends on its id alone and an event's on its first report's, so neither
moves when other sources are added. Pages, listings, feeds, search, the catalog and the
redirects all take their addresses from here.
"""

from __future__ import annotations

from .models import Label, LabelKind

STORIES = "stories"
TOPICS = "topics"
ENTITIES = "entities"
ARCHIVE = "archive"
EVENTS = "events"
FEEDS = "feeds"

TOPICS_INDEX = f"{TOPICS}/index.md"
ENTITIES_INDEX = f"{ENTITIES}/index.md"
ARCHIVE_INDEX = f"{ARCHIVE}/index.md"
EVENTS_INDEX = f"{EVENTS}/index.md"
TIMELINE_PAGE = "timeline.md"
FIGURES_PAGE = "figures.md"
SEARCH_PAGE = "search.md"

TYPE_PAGES = {
    LabelKind.PERSON: "people",
    LabelKind.PLACE: "places",
    LabelKind.ORGANISATION: "organisations",
}
"""The folder of each kind of entity under ``entities/``."""

RESERVED_SLUGS = frozenset({"index"})
"""Slugs a topic or entity may not take: its page would stand where a listing's index does.
(All-digit slugs are refused too: they are the listings' later pages.)"""


def story_path(story_id: str) -> str:
    return f"{STORIES}/{story_id}.md"


def story_url(story_id: str) -> str:
    """Site-relative URL of a story page; depends on the story id alone."""
    return f"{STORIES}/{story_id}/"


def event_path(event_id: str) -> str:
    return f"{EVENTS}/{event_id}.md"


def event_url(event_id: str) -> str:
    """Site-relative URL of an event page: the id of the event's first report."""
    return f"{EVENTS}/{event_id}/"


def topic_path(slug: str) -> str:
    return f"{TOPICS}/{slug}.md"


def entity_type_path(kind: LabelKind) -> str:
    """The listing of every entity of one kind (people, places, organisations)."""
    return f"{ENTITIES}/{TYPE_PAGES[kind]}.md"


def entity_path(label: Label) -> str:
    return f"{ENTITIES}/{TYPE_PAGES[label.kind]}/{label.slug}.md"


def month_path(key: str) -> str:
    """A month of the archive, by its key ("2024-03")."""
    return f"{ARCHIVE}/{key}.md"


def feed_path(topic_slug: str | None = None) -> str:
    """The Atom feed of every story, or of one topic's."""
    return f"{FEEDS}/{TOPICS}/{topic_slug}.xml" if topic_slug else f"{FEEDS}/all.xml"
