"""Shared by the stages: the plain data passed between them.

Each stage (``pipeline.STAGES``) takes and returns these dataclasses and nothing else, so a
stage can be tested alone.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import ClassVar, TypeAlias

from .cache import DERIVED
from .language import SITE_LANGUAGE, LanguageTag
from .text import word_count


@dataclass(frozen=True)
class SourceMeta:
    """Metadata a source states about itself (front matter or HTML metadata)."""

    title: str | None = None
    date: str | None = None
    """As written: ``2023-11-06``, ``2023-11`` or any parseable date text."""
    source_url: str | None = None
    outlet: str | None = None
    author: str | None = None
    tags: tuple[str, ...] = ()
    language: str | None = None
    """The language the source states (``lang: my``, ``Language: Burmese``), as written."""
    page_language: str | None = None
    """A saved page's own ``<html lang>``: evidence, not a statement (templates say ``en``)."""
    extra: tuple[tuple[str, str], ...] = ()
    """Other keys the source states (``subtitle``, ``section`` ...), kept as typed."""
    origin: str = "none"
    """Where the metadata came from: ``front matter``, ``html metadata`` or ``none``."""


class SourceKind(StrEnum):
    """What a source file holds, by its suffix: copied text, Markdown, or a saved page."""

    TEXT = "text"
    MARKDOWN = "markdown"
    HTML = "html"


@dataclass(frozen=True)
class SourceDocument:
    """One source file that could be read as text."""

    path: str
    """Path relative to the sources folder, with forward slashes; always valid Unicode
    (bytes of a name that are not UTF-8 are shown as ``\\xNN``, see ``path_bytes``)."""
    sha256: str
    text: str
    """Decoded text with normalised line endings, front matter removed."""
    encoding: str
    kind: SourceKind
    meta: SourceMeta = field(default_factory=SourceMeta)
    path_bytes: str | None = None
    """Hex of the path's raw bytes, only when they are not valid UTF-8 (so it can be found
    again)."""


@dataclass(frozen=True)
class Rejection:
    """A source file that could not become an article, and why."""

    path: str
    sha256: str
    reason: str
    path_bytes: str | None = None


class Role(StrEnum):
    """What a kept block of a cleaned article is."""

    TITLE = "title"
    STANDFIRST = "standfirst"
    DATELINE = "dateline"
    BYLINE = "byline"
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    CAPTION = "caption"
    CREDIT = "credit"
    ATTRIBUTION = "attribution"


BODY_ROLES = frozenset({Role.HEADING, Role.PARAGRAPH})


class TitleSource(StrEnum):
    """Where a story's headline came from, so a reader knows whether a newsroom wrote it."""

    STATED = "stated"
    """The source's metadata (front matter, HTML title)."""
    FIRST_LINE = "first line"
    """The headline line that opens the copied text."""
    DERIVED = "derived"
    """No headline in the source: the lead sentence's main clause, shortened."""


@dataclass(frozen=True)
class Wire:
    """A wire agency's dateline that opened the story: "LASHIO, Myanmar, Dec 15 (Reuters) -"."""

    text: str
    """The dateline as written, without the dash."""
    place: str
    """"LASHIO, Myanmar" as written; "Lashio, Myanmar" is ``place_name``."""
    agency: str
    date_text: str | None
    """"Dec 15" as written, or None when the dateline names no date ("YANGON (AP) —")."""

    @property
    def place_name(self) -> str:
        first, _, rest = self.place.partition(",")
        return first.title() + (f",{rest}" if rest else "")


@dataclass(frozen=True)
class Block:
    """One labelled line of cleaned text."""

    role: Role
    text: str


class RemovalRule(StrEnum):
    """Which of the cleaner's rules removed a line (its wording for people: ``REMOVAL_WORDING``)."""

    HTML_BLOCK = "html-block"
    HTML_COMMENT = "html-comment"
    TAB_ONLY = "tab-only"
    COMMENT_FRAGMENT = "comment-fragment"
    CODE = "code"
    TAGS_ONLY = "tags-only"
    CHROME_PHRASE = "chrome-phrase"
    PROMOTION = "promotion"
    BREADCRUMB = "breadcrumb"
    COUNTED_LINK = "counted-link"
    CORPUS_CHROME = "corpus-chrome"
    AFTER_END = "after-end"
    TAIL_LIST = "tail-list"
    COMMENT_THREAD = "comment-thread"
    REPEATED_TEXT = "repeated-text"
    OTHER_ARTICLES = "other-articles"
    AUTHOR_NOTE = "author-note"
    REPEATED_TITLE = "repeated-title"
    OUTSIDE_BODY = "outside-body"
    LINK_LIST = "link-list"
    LINE_MODEL = "line-model"


REMOVAL_WORDING = {
    RemovalRule.HTML_BLOCK: "HTML script/style block",
    RemovalRule.HTML_COMMENT: "HTML comment",
    RemovalRule.TAB_ONLY: "tab-only line",
    RemovalRule.COMMENT_FRAGMENT: "stray HTML comment fragment",
    RemovalRule.CODE: "script or style code",
    RemovalRule.TAGS_ONLY: "HTML tags only",
    RemovalRule.CHROME_PHRASE: "site chrome phrase",
    RemovalRule.PROMOTION: "the site's promotion of its newsletter, app, accounts or subscription",
    RemovalRule.BREADCRUMB: "breadcrumb or menu",
    RemovalRule.COUNTED_LINK: "headline link with a comment or view count",
    RemovalRule.CORPUS_CHROME: "recurs in {detail} sources (corpus chrome)",
    RemovalRule.AFTER_END: "after the end of the article (related links, tags, comments)",
    RemovalRule.TAIL_LIST: "link list after a 'related/popular' heading",
    RemovalRule.COMMENT_THREAD: "a readers' comment thread below the story ({detail} comments)",
    RemovalRule.OTHER_ARTICLES: "teasers of other articles, each with its headline and date"
    " ({detail} of them)",
    RemovalRule.AUTHOR_NOTE: "a note about the writer, below the story",
    RemovalRule.REPEATED_TEXT: "a copy of text the page already shows ({detail} of its words)",
    RemovalRule.REPEATED_TITLE: "repeated title",
    RemovalRule.OUTSIDE_BODY: "outside the article body (menu, list or footer)",
    RemovalRule.LINK_LIST: "list of short links inside the page",
    RemovalRule.LINE_MODEL: "read as clutter by the line model (score {detail})",
}
"""What the audit trail (``About this story``, ``build-digest check``) says for each rule."""


@dataclass(frozen=True)
class RemovedLine:
    """A line the cleaner dropped, kept for the curator's audit."""

    line_number: int
    text: str
    rule: RemovalRule
    detail: str = ""
    """What the rule's wording needs besides the rule (how many sources a line recurs in)."""

    @property
    def reason(self) -> str:
        return REMOVAL_WORDING[self.rule].format(detail=self.detail or "several")


@dataclass(frozen=True)
class CleanedArticle:
    """A source after cleaning: labelled blocks plus the audit trail."""

    source: SourceDocument
    title: str
    blocks: tuple[Block, ...]
    removed: tuple[RemovedLine, ...]
    title_source: TitleSource = TitleSource.FIRST_LINE
    wire: Wire | None = None

    @property
    def outlet(self) -> str | None:
        """The outlet the source states, else the wire agency of its dateline."""
        return self.source.meta.outlet or (self.wire.agency if self.wire else None)

    @property
    def body_blocks(self) -> tuple[Block, ...]:
        return tuple(b for b in self.blocks if b.role in BODY_ROLES)

    @property
    def body_text(self) -> str:
        return "\n\n".join(b.text for b in self.body_blocks)

    @cached_property
    def word_count(self) -> int:
        """Counted once: folding sorts every source by it, and one pass over 10,000 sources
        takes 0.9 s."""
        return sum(word_count(b.text) for b in self.body_blocks)


class FoldKind(StrEnum):
    """How a folded version relates to the story, in a reader's words."""

    COPY = "copy"
    EDITED_COPY = "edited copy"
    REWRITE = "rewritten version of the same report"
    LINKED = "version matched through another copy"
    TRANSLATION = "translated version"


class DatePrecision(StrEnum):
    """How much of a date the evidence gives: a day, only a month, or nothing."""

    DAY = "day"
    MONTH = "month"
    NONE = "none"


@dataclass(frozen=True)
class Dated:
    """A publication date with its evidence: a day, or only a month (``value`` is then the
    1st)."""

    value: dt.date
    precision: DatePrecision
    source: str
    """Provenance, e.g. ``front matter (2023-11-06)``, ``dateline 'November 6, 2023'``."""

    def __post_init__(self) -> None:
        if self.precision is DatePrecision.NONE:
            raise ValueError("a dated date is precise to the day or the month; use Undated")

    @property
    def day(self) -> dt.date | None:
        """The date when the day is known (feeds and share previews need a day, not a month)."""
        return self.value if self.precision is DatePrecision.DAY else None


@dataclass(frozen=True)
class Undated:
    """No publication date found: only, perhaps, the latest date the text mentions."""

    not_before: dt.date | None = None
    """A lower bound from dates mentioned in the text, shown for undated stories."""
    precision: ClassVar[DatePrecision] = DatePrecision.NONE
    source: ClassVar[str] = "undated"


DateTag: TypeAlias = Dated | Undated
"""A story's or a version's date. A page formats a ``Dated`` only: ``isinstance`` first."""


@dataclass(frozen=True)
class Fingerprint:
    """What dedupe and related coverage know of an article's text (``dedupe.fingerprint``)."""

    exact: str
    shingles: bytes
    """The text's 5-word shingles as sorted unsigned 64-bit hashes, eight bytes each
    (``dedupe.shingle_array`` reads them): a set of Python ints costs about nine times as
    much, and an archive of 10,000 sources holds six million of them. Empty, like
    ``sentence_words``, in the versions stories carry (``dedupe.carried_version``): only folding
    compares them."""
    figures: frozenset[str]
    names: frozenset[str]
    quotes: frozenset[str]
    sentence_words: str
    """Each sentence's content words, space-separated, each sentence ending with a line break
    (``sentences`` reads them): held packed because folding aligns the sentences of candidate
    pairs only, and decoding every source's sentences was 3 s of a rebuild at 10,000 sources."""
    content: Counter[str] = field(default_factory=Counter)
    minhash: bytes = b""
    """The shingles' MinHash signature (``dedupe.minhash_values``), as datasketch's array holds
    it: made with the fingerprint and cached with it, so that folding does not hash every shingle
    of every source again on each build. Empty, like ``shingles``, in the versions stories
    carry."""

    @cached_property
    def sentences(self) -> tuple[frozenset[str], ...]:
        """Each sentence's content words (``dedupe.content_words``), decoded on first use and
        interned: the texts of an archive share most of their words."""
        lines = self.sentence_words.split("\n")[:-1]
        return tuple(frozenset(map(sys.intern, line.split())) for line in lines)

    @property
    def anchors(self) -> frozenset[str]:
        return frozenset(
            {f"#{x}" for x in self.figures}
            | {f"@{x}" for x in self.names}
            | {f'"{x}' for x in self.quotes}
        )


@dataclass(frozen=True)
class SourceVersion:
    """One source as every stage after cleaning knows it, made once and carried by its story:
    the cleaned article, the date it states itself, and its text's fingerprint."""

    article: CleanedArticle
    date: DateTag
    """The version's own date; the story's date (``TaggedStory.date``) may come from another."""
    fingerprint: Fingerprint = field(metadata={DERIVED: True})
    language: LanguageTag = field(default_factory=lambda: LanguageTag(SITE_LANGUAGE))
    """The language the version is written in (``language.source_language``)."""


@dataclass(frozen=True)
class FoldedVersion:
    """A source folded into a story, and the evidence for folding it."""

    version: SourceVersion
    reason: str
    """Human-readable: ``exact copy after cleaning``, ``near copy (containment 0.93)`` ..."""
    kind: FoldKind = FoldKind.COPY


@dataclass(frozen=True)
class Story:
    """One news story: the version it shows and every other version of it."""

    id: str
    """Stable slug; depends only on the main version, never on other stories."""
    main_version: SourceVersion
    """The version the story page shows (``dedupe.main_version_key``)."""
    others: tuple[FoldedVersion, ...]

    @property
    def main(self) -> CleanedArticle:
        """The shown version's article: its headline, text and source."""
        return self.main_version.article

    @property
    def versions(self) -> tuple[SourceVersion, ...]:
        return (self.main_version, *(v.version for v in self.others))

    @property
    def articles(self) -> tuple[CleanedArticle, ...]:
        return tuple(v.article for v in self.versions)

    @property
    def language(self) -> LanguageTag:
        """The shown version's language: the story page's ``lang``."""
        return self.main_version.language


class LabelKind(StrEnum):
    """What a label names: a topic of the taxonomy, or a person, place or organisation."""

    TOPIC = "topic"
    PERSON = "person"
    PLACE = "place"
    ORGANISATION = "organisation"


class TopicBasis(StrEnum):
    """Why a story has a topic: its source says so, it names the topic, it reads like the
    stories that do, or the stories most related to it are all about it."""

    STATED = "stated"
    PHRASES = "phrases"
    LEARNED = "learned"
    RELATED = "related"


@dataclass(frozen=True)
class Label:
    """A topic or entity assigned to a story, with the phrases that matched."""

    slug: str
    name: str
    kind: LabelKind
    evidence: tuple[str, ...]
    score: float = 0.0
    """For a topic given by its phrases: how much the story is about it (see
    ``topics.topic_score``); learned: the likelihood the story is about it; entities: 0."""
    basis: TopicBasis = TopicBasis.PHRASES
    """For a topic: why it was given (entities: unused)."""


@dataclass(frozen=True)
class TaggedStory:
    story: Story
    date: DateTag
    topics: tuple[Label, ...]
    entities: tuple[Label, ...]


@dataclass(frozen=True)
class SearchRecord:
    """One story as the search index sees it."""

    url: str
    content: str
    meta: dict[str, str]
    filters: dict[str, list[str]]
    sort: dict[str, str]


@dataclass(frozen=True)
class Event:
    """One happening and its reports, earliest first."""

    id: str
    """The id of its first report: an event's address does not change when reports join."""
    title: str
    """The headline of its earliest report."""
    start: dt.date | None
    end: dt.date | None
    stories: tuple[str, ...]
    """Story ids, in the order of their dates (undated last)."""


@dataclass(frozen=True)
class Figure:
    """One figure of one story: what it measures, its value, and where it stands."""

    measure: str
    """The measure's key in the taxonomy (``displaced``, ``surrendered`` …)."""
    value: float
    """The number, normalised: 2.6 million is 2600000, 3.1万 is 31000; a share in percent."""
    percent: bool
    qualifier: str
    """"about", "more than", "at least", "up to" or "" (as stated)."""
    text: str
    """The sentence it stands in, as the source has it."""
    source_of_figure: str
    """Who the story says gives it ("the United Nations"), or ""."""
    story: str
    date: str | None
    """The story's date (``YYYY-MM-DD``), when it has one."""

    @property
    def shown(self) -> str:
        """The value as a reader reads it: "more than 300,000", "about 80%"."""
        number = f"{self.value:,.0f}" if self.value == int(self.value) else f"{self.value:,}"
        value = f"{number}%" if self.percent else number
        return f"{self.qualifier} {value}" if self.qualifier else value


@dataclass(frozen=True)
class DigestResult:
    """Everything the pipeline learned, before anything is written."""

    stories: tuple[TaggedStory, ...]
    rejections: tuple[Rejection, ...]
    related: dict[str, tuple[str, ...]]
    """Story id -> ids of related stories, best first."""
    pages: dict[str, str]
    """Generated Markdown: path relative to docs -> content."""
    fragments: dict[str, str]
    """Generated Markdown put into the hand-written pages at ``<!-- digest:NAME -->``."""
    catalog: dict
    notes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Source path -> warnings that did not stop it."""
    topic_names: dict[str, str] = field(default_factory=dict)
    """Every topic of the taxonomy: slug -> name (each has a page and a feed)."""
    search_records: tuple[SearchRecord, ...] = ()
    """What the search index holds, one record per story (written after MkDocs built the site)."""
    events: tuple[Event, ...] = ()
    """The events of two or more stories, newest first (``events.group_events``)."""
    figures: tuple[Figure, ...] = ()
    """Every story's figures, by date (``figures.archive_figures``)."""
    cache_hits: int = 0
    """Per-source results (names, fingerprints) read from the persistent cache, not computed."""
    cache_lookups: int = 0
