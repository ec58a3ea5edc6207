"""Shared by the stages: every address the site has, in one place (pages as paths under
``docs/``, their served URLs, the feeds, and the slugs no label may take).

It also makes what the addresses are made of: a story's id (its title's slug and its main
file's hash), the ids its versions had before (for redirects) and the entities' slugs. A
story's address depends on its id alone and an event's on its first report's, so neither
moves when other sources are added. Pages, listings, feeds, search, the catalog and the
redirects all take their addresses from here.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import unicodedata
from collections import Counter, defaultdict

import regex
from slugify import slugify

from .models import CleanedArticle, Label, LabelKind, Story
from .segment import cut_at_word
from .text import is_unspaced

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
(Slugs shaped like a listing's later pages are refused too: ``LATER_PAGE``.)"""
LATER_PAGE = regex.compile(r"(?:\d{4}-\d{2}-\d{2}-)?(?:[0-9a-f]{8}|[0-9a-f]{16})|\d+")
"""How a listing's later pages are named (``later_page``), and the listings of earlier releases
(digits): an entity's page shares its folder with its kind's listing, so no entity slug may
look like one."""


def key_hash(key: str) -> int:
    """A number drawn from a story's (or an entry's) key alone: what groups stories by it (a
    listing's page cuts, the learned topics' folds) then holds in every archive that has the
    story, whatever was added before or after it."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "big")


def later_page(base: str, day: dt.date | None, key_hash: int, whole: bool = False) -> str:
    """A listing's later page: under the listing's folder, by the day and the 64-bit hash of the
    entry it starts at (its first eight hex digits, or all sixteen when ``whole``), the shapes
    ``LATER_PAGE`` reserves."""
    digest = f"{key_hash:016x}"[: 16 if whole else 8]
    return f"{base}/{day.isoformat()}-{digest}.md" if day else f"{base}/{digest}.md"


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


# --- story ids and label slugs: what the addresses are made of -------------------------

STORY_HASH_DIGITS = 12
"""Hex digits of the main file's SHA-256 in a story id: 48 bits, so a file crafted to take
over another story's URL needs ~10^14 tries (6 digits, before 0.2, needed 10^7)."""
LEGACY_HASH_DIGITS = 6


SLUG_MAX_CHARS = 60
"""A title's slug stops at the last word that fits in this many characters."""
UNSPACED_SLUG_MAX_CHARS = 24
"""Chinese, Japanese, Thai or Burmese carry a word in two or three characters, and each
takes nine in a percent-encoded address: a shorter slug says as much."""
TRANSLITERATED_SCRIPTS = ("Latin", "Cyrillic", "Greek")
"""Scripts whose titles are slugged in ASCII (``société`` → ``societe``, ``Лашо`` → ``lasho``),
as their readers' own sites do; other scripts keep their letters, percent-encoded in the
address as Hugo does, since their romanisation without vowels or tones spells nothing."""
_KEEP_IN_SLUG = regex.compile(r"[^\p{L}\p{M}\p{N}]+")
_ASCII_SCRIPTS = regex.compile("|".join(rf"\p{{Script={s}}}" for s in TRANSLITERATED_SCRIPTS))
_ANY_LETTER = regex.compile(r"\p{L}")


def title_slug(title: str) -> str:
    """A readable slug in the title's own script (see TRANSLITERATED_SCRIPTS)."""
    letters = _ANY_LETTER.findall(title)
    if not letters or 2 * len(_ASCII_SCRIPTS.findall(title)) >= len(letters):
        return slugify(title, max_length=SLUG_MAX_CHARS, word_boundary=True)
    slug = _KEEP_IN_SLUG.sub("-", unicodedata.normalize("NFC", title).casefold()).strip("-")
    limit = UNSPACED_SLUG_MAX_CHARS if is_unspaced(slug) else SLUG_MAX_CHARS
    if len(slug) > limit:
        cut = slug.rfind("-", 0, limit + 1)
        slug = slug[:cut] if cut > limit // 2 else cut_at_word(slug, limit)
    return slug.strip("-")


def story_id(main: CleanedArticle, digits: int = STORY_HASH_DIGITS, legacy: bool = False) -> str:
    """Slug of the title plus a hash of the main file: stable when other sources arrive.

    ``legacy``: the ASCII slug releases before 0.3 gave every title (``m-n-maa-…`` for a
    Burmese one), kept as a redirect."""
    return f"{_story_slug(main.title, legacy)}-{main.source.sha256[:digits]}"


@functools.lru_cache(maxsize=1 << 16)
def _story_slug(title: str, legacy: bool) -> str:
    """Kept per title: a story's former ids slug each of its titles four times, and the stages
    ask for every story's id again (47,000 slugs, 1.5 s, at 10,000 sources)."""
    if legacy:
        return slugify(title, max_length=SLUG_MAX_CHARS, word_boundary=True) or "story"
    return title_slug(title) or "story"


def former_ids(story: Story) -> set[str]:
    """Ids this story's versions had, or would have had, as stories of their own.

    When a fuller copy arrives it becomes the main version and the story's id changes;
    the old main version is still a member, so its id (and the 6-digit ids of earlier
    releases) can redirect to the new one.
    """
    return {
        story_id(a, digits, legacy)
        for a in story.articles
        for digits in (STORY_HASH_DIGITS, LEGACY_HASH_DIGITS)
        for legacy in (False, True)
    } - {story.id}


def entity_slugs(types: dict[str, LabelKind], frequency: Counter[str]) -> dict[str, str]:
    """One URL slug per entity name, unique within its type's folder.

    Names that slugify alike ("Ta'ang", "Taang") or to a reserved name ("Index", "2")
    would overwrite each other's page or a listing page. The most mentioned name keeps
    the plain slug; the others get a suffix made from their own text, so it does not
    depend on which other names the archive holds.
    """
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for name, kind in types.items():
        groups[(kind, slugify(name) or "entity")].append(name)
    slugs = {}
    for (_kind, base), names in groups.items():
        names.sort(key=lambda n: (-frequency[n], n))
        for rank, name in enumerate(names):
            taken = rank > 0 or base in RESERVED_SLUGS or bool(LATER_PAGE.fullmatch(base))
            slugs[name] = (
                f"{base}-{hashlib.sha256(name.encode()).hexdigest()[:6]}" if taken else base
            )
    return slugs
