"""Stage 12 (pages): write every generated page as Markdown (path -> text), deterministically.

A story page reads as a news page: headline, one byline line, the standfirst, the story;
then its topics and names, other versions, related coverage and its neighbours in time.
The audit trail (where the date came from, why each tag, what the cleaner removed) is one
click away at the end, collapsed, and left out of printed pages. Listings are built in
``listings.py``; each story page links only to its own neighbours.
"""

from __future__ import annotations

import dataclasses
import math
import re
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from .cache import DigestCache, code_version, record_key
from .cores import on_both_cores
from .language import LanguageTag
from .listings import (
    ListedStory,
    archive_pages,
    entity_pages,
    event_pages,
    figures_page,
    in_words,
    languages_of,
    latest_fragment,
    listed_story,
    stats_fragment,
    story_figures_list,
    timeline_page,
    topic_pages,
    topics_fragment,
)
from .models import (
    Block,
    CleanedArticle,
    Dated,
    DatePrecision,
    DateTag,
    Event,
    Figure,
    FoldedVersion,
    Label,
    LabelKind,
    Rejection,
    Role,
    TaggedStory,
    TitleSource,
    TopicBasis,
)
from .render import (
    TYPE_TITLES,
    WORDS_PER_MINUTE,
    chronological,
    date_text,
    front_matter,
    json_for_script,
    lang_attrs,
    md_paragraph,
    md_text,
    rel,
    safe_url,
    time_element,
    when,
)
from .settings import DEFAULTS
from .taxonomy import TYPE_ORDER, Taxonomy
from .topics import weights_in_words
from .urls import FIGURES_PAGE, entity_path, event_path, story_path
from .vocabulary import CREDIT_LABELS, alternatives

MAX_REMOVED_SHOWN = 60
"""Removed lines listed in "About this story"; ``build-digest check`` lists them all."""


def share_metadata(t: TaggedStory, description: str) -> dict:
    """What link previews and search engines read: Open Graph fields and a NewsArticle."""
    main = t.story.main
    day = t.date.day.isoformat() if isinstance(t.date, Dated) and t.date.day else None
    article: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": main.title[:110],
        "description": description,
        "inLanguage": t.story.language.code,
    }
    if day:
        article["datePublished"] = day
    if main.outlet:
        article["publisher"] = {"@type": "Organization", "name": main.outlet}
    if main.source.meta.author:
        article["author"] = {"@type": "Person", "name": main.source.meta.author}
    if url := safe_url(main.source.meta.source_url):
        article["isBasedOn"] = url
    if t.topics:
        article["keywords"] = [label.name for label in t.topics]
    return {
        "title": main.title,
        "description": description,
        "published": day,
        "tags": [label.name for label in t.topics],
        "jsonld": json_for_script(article),
    }


def write_pages(
    tagged: Sequence[TaggedStory],
    related: dict[str, tuple[str, ...]],
    taxonomy: Taxonomy,
    rejections: Sequence[Rejection],
    page_size: int = DEFAULTS.page_size,
    events: Sequence[Event] = (),
    figures: Sequence[Figure] = (),
    directory_urls: bool = True,
    cache: DigestCache | None = None,
) -> tuple[dict[str, str], dict[str, str]]:
    """All generated pages, and the fragments that go into the hand-written ones. With a
    ``cache``, what a story page says of the story alone (``story_parts``) is kept by the
    story's record key: a rebuild writes only the related coverage, event and neighbours in
    time of a story that did not change."""
    by_id = {t.story.id: t for t in tagged}
    figures_of: dict[str, list[Figure]] = {}
    for f in figures:
        figures_of.setdefault(f.story, []).append(f)
    event_of = {sid: event for event in events for sid in event.stories}
    timeline = chronological(tagged)
    frequency = Counter((lab.kind, lab.slug) for t in tagged for lab in (*t.topics, *t.entities))
    pages: dict[str, str] = {}
    own = cached_story_parts(timeline, cache or DigestCache(None))
    # Neighbours in time are dated stories only: an undated one has no place between two
    # days ("Before: January 2024" on a story of 2023 placed last), and none is put there.
    dated = sum(isinstance(t.date, Dated) for t in timeline)  # the timeline's first stories
    for i, t in enumerate(timeline):
        prev_story = timeline[i - 1] if 0 < i < dated else None
        next_story = timeline[i + 1] if i + 1 < dated else None
        event = event_of.get(t.story.id)
        pages[story_path(t.story.id)] = story_page(
            t,
            [by_id[r] for r in related.get(t.story.id, ())],
            prev_story,
            next_story,
            frequency,
            (event, [by_id[sid] for sid in event.stories]) if event else None,
            story_figures_list(figures_of.get(t.story.id, []), taxonomy.measures),
            own[i],
        )
    listed = {t.story.id: parts.listed for t, parts in zip(timeline, own, strict=True)}
    pages.update(topic_pages(timeline, taxonomy, page_size, listed))
    pages.update(entity_pages(timeline, page_size, listed))
    pages.update(archive_pages(timeline, page_size, listed))
    pages.update(timeline_page(timeline, taxonomy, page_size))
    pages.update(event_pages(events, by_id, page_size))
    pages[FIGURES_PAGE] = figures_page(figures, taxonomy.measures, by_id, directory_urls)
    fragments = {
        "latest": latest_fragment(timeline),
        "topics": topics_fragment(timeline, taxonomy),
        "stats": stats_fragment(tagged, rejections),
    }
    return dict(sorted(pages.items())), fragments


# --- story pages -------------------------------------------------------------------


@dataclass(frozen=True)
class StoryParts:
    """What a story page says of the story alone, made from its record and nothing else: the
    parts a rebuild keeps while the story is unchanged (``cached_story_parts``)."""

    head: str
    """Front matter, headline, byline, the text and its topic and name chips."""
    others: str
    """"Other versions", every folded version in full; empty for a story of one version."""
    about: str
    """"About this story", the audit trail."""
    listed: ListedStory
    """The story as the topic, month and entity listings show it."""


def cached_story_parts(stories: Sequence[TaggedStory], cache: DigestCache) -> list[StoryParts]:
    """Each story's ``StoryParts``, from the cache where its record is unchanged: most of a
    story page's Markdown, and at 10,000 sources most of this stage's time. Without a cache
    that stores them, no key is made (0.7 s at 10,000 sources)."""
    if not cache.stores:
        return on_both_cores(story_parts, stories)
    from . import language, listings, models, render, taxonomy, topics, urls, vocabulary

    version = code_version(
        sys.modules[__name__],
        render,
        listings,
        language,
        models,
        taxonomy,
        topics,
        urls,
        vocabulary,
    )
    return cache.map(
        "story page",
        version,
        [(record_key(t), t) for t in stories],
        lambda todo: on_both_cores(story_parts, todo),
        encode=dataclasses.astuple,
        decode=_decode_parts,
    )


def _decode_parts(value: object) -> StoryParts:
    if not isinstance(value, list) or len(value) != 4:
        raise TypeError("three strings and a listed story")
    head, others, about, (entry, mentions) = value
    if not all(isinstance(part, str) for part in (head, others, about, entry, *mentions)):
        raise TypeError("three strings and a listed story")
    return StoryParts(head, others, about, ListedStory(entry, tuple(mentions)))


def story_parts(t: TaggedStory) -> StoryParts:
    """The parts of ``t``'s page that depend on ``t`` alone."""
    story = t.story
    path = story_path(story.id)
    main = story.main
    standfirst = next((b.text for b in main.blocks if b.role is Role.STANDFIRST), "")
    description = standfirst or next(
        (b.text for b in main.body_blocks if b.role is Role.PARAGRAPH), ""
    )
    fm: dict[str, Any] = {
        "title": main.title,
        "description": description[:300],
        "hide": ["navigation"],  # a story has no section navigation; its outline is on the right
        "story_id": story.id,
        "date": t.date.value.isoformat() if isinstance(t.date, Dated) else None,
        "date_precision": str(t.date.precision),
        "topics": [lab.name for lab in t.topics],
        "entities": [lab.name for lab in t.entities],
        "sources": [a.source.path for a in story.articles],
        "digest": {"share": share_metadata(t, description[:300])},
    }
    # The page is in the story's language (the theme writes it into <html lang>); every text
    # from a source carries its language, the site's own words the site's.
    language = story.language
    attrs = lang_attrs(language)
    if attrs:
        fm["digest"]["lang"] = language.code
        fm["digest"]["dir"] = language.direction
    out = [
        front_matter(fm),
        f"# {md_text(main.title)}{_attr_suffix(attrs)}\n",
        f"{story_byline(t)}\n{{ .digest-byline }}\n",
    ]
    if standfirst:
        extra = f" {attrs}" if attrs else ""
        out.append(f"{md_text(standfirst)}\n{{ .digest-standfirst{extra} }}\n")
    out.extend(article_body(main.blocks, indent="", attrs=attrs))
    out.append(chips(t, path))
    others = []
    if story.others:
        others.append("## Other versions\n")
        others.append(
            f"This story arrived {len(story.articles)} times; the text above is the fullest"
            " version. Every other version is kept in full:\n"
        )
        others.extend(other_version(folded) for folded in story.others)
    return StoryParts("\n".join(out), "\n".join(others), about_story(t), listed_story(t))


def story_page(
    t: TaggedStory,
    related: Sequence[TaggedStory],
    prev_story: TaggedStory | None,
    next_story: TaggedStory | None,
    frequency: Counter[tuple[LabelKind, str]] | None = None,
    event: tuple[Event, Sequence[TaggedStory]] | None = None,
    figure_list: str = "",
    parts: StoryParts | None = None,
) -> str:
    """A story page: ``parts`` (``story_parts(t)`` unless given), with the story's event,
    figures, related coverage and neighbours in time between them."""
    path = story_path(t.story.id)
    language = t.story.language
    parts = parts or story_parts(t)
    out = [parts.head]
    if event:
        happening, reports = event
        out.append(
            f"**This event:** [{md_text(event_link_text(reports))}]"
            f"({rel(event_path(happening.id), path)})\n{{ .digest-event }}\n"
        )
    if figure_list:
        out.append(figure_list)
    if parts.others:
        out.append(parts.others)
    if related:
        out.append("## Related coverage\n")
        for other in related:
            shared = shared_labels(t, other, frequency or Counter())
            note = f" — both name {md_text(', '.join(shared[:3]))}" if shared else ""
            out.append(
                f"- {story_link(other, path)} · {date_text(other.date)}"
                f"{_language_note(other, language)}{note}"
            )
        out.append("")
    if prev_story or next_story:
        out.append("## In time\n")
        if prev_story:
            out.append(f"- Before: {story_link(prev_story, path)} · {date_text(prev_story.date)}")
        if next_story:
            out.append(f"- After: {story_link(next_story, path)} · {date_text(next_story.date)}")
        out.append("")
    out.append(parts.about)
    return "\n".join(out).rstrip() + "\n"


def _attr_suffix(attrs: str) -> str:
    return f" {{ {attrs} }}" if attrs else ""


def story_link(t: TaggedStory, path: str) -> str:
    """A link to a story under its headline, marked with the headline's language."""
    attrs = lang_attrs(t.story.language)
    link = f"[{md_text(t.story.main.title)}]({rel(story_path(t.story.id), path)})"
    return f"{link}{{ {attrs} }}" if attrs else link


def _language_note(other: TaggedStory, language: LanguageTag) -> str:
    """ " · in Thai" after a related story in another language than this one's."""
    theirs = other.story.language
    return "" if theirs.primary == language.primary else f" · in {md_text(theirs.name)}"


def story_byline(t: TaggedStory) -> str:
    """One line: the date with its precision, outlet, author, reading time, versions. No links."""
    main = t.story.main
    parts = [when(t)]
    if main.outlet:
        parts.append(md_text(main.outlet))
    if main.source.meta.author:
        parts.append(f"By {md_text(main.source.meta.author)}")
    parts.append(f"{max(1, math.ceil(main.word_count / WORDS_PER_MINUTE))} min read")
    if t.story.others:
        parts.append(f"{len(t.story.articles)} versions")
    return " · ".join(parts)


def chips(t: TaggedStory, path: str) -> str:
    """Topics, then places, organisations and people, as compact links after the story."""
    rows = []
    if t.topics:
        rows.append(
            "Topics: "
            + " ".join(
                f"[{md_text(lab.name)}]({rel(f'topics/{lab.slug}.md', path)})" for lab in t.topics
            )
        )
    for kind in TYPE_ORDER:
        labels = [lab for lab in t.entities if lab.kind == kind]
        if labels:
            rows.append(
                f"{TYPE_TITLES[kind]}: "
                + " ".join(
                    f"[{md_text(lab.name)}]({rel(entity_path(lab), path)})" for lab in labels
                )
            )
    return "".join(f"{row}\n{{ .digest-chips }}\n\n" for row in rows)


def other_version(folded: FoldedVersion) -> str:
    """A folded version: a summary a reader understands, the evidence and full text inside."""
    article = folded.version.article
    stated_date = article.source.meta.date
    summary = " · ".join(
        part
        for part in (article.outlet or article.source.path, stated_date, folded.kind.value)
        if part
    )
    language = folded.version.language
    attrs = lang_attrs(language)
    lines = [
        f"**Headline:** {md_text(article.title)}",
        *source_facts(article),
        f"**Why it was folded:** {md_text(folded.reason)}",
    ]
    if attrs:
        lines.insert(1, f"**Language:** {md_text(language.name)}")
    body = (
        "".join(f"    - {line}\n" for line in lines)
        + "\n"
        + "".join(article_body(article.blocks, indent="    ", attrs=attrs))
    )
    return f'??? note "{_title_attr(summary)}"\n\n{body}'


def _title_attr(text: str) -> str:
    """Text for the quoted title of a collapsible block: escaped, without a closing quote."""
    return md_text(text).replace('"', "&quot;")


def event_link_text(reports: Sequence[TaggedStory]) -> str:
    """What a story page says of its event: not how many reports it has nor their days (on the
    event's page), which change with every report that joins it and would change the page of
    every other report (275 of 369 story pages rendered again for one source added to
    10,000); its languages, which change only when a report in another one joins."""
    languages = languages_of(reports)
    if len(languages) == 1:
        return "every report of it, by day and outlet"
    return f"every report of it, in {in_words(languages)}"


def topic_reason(label: Label) -> str:
    """Why a story has a topic, in the reader's words, Markdown-escaped."""
    evidence = md_text("; ".join(label.evidence))
    if label.basis is TopicBasis.LEARNED:
        return f"{md_text(label.name)} — learned (likelihood {label.score:.0%}): {evidence}"
    if label.basis is TopicBasis.RELATED:
        return f"{md_text(label.name)} — from related coverage: {evidence}"
    return f"{md_text(label.name)} — {label.score:g}: {evidence}"


def about_story(t: TaggedStory) -> str:
    """The audit trail, collapsed: date evidence, provenance, why each tag, what was removed."""
    main = t.story.main
    facts = [f"**Date:** {time_element(t.date)} — {md_text(date_note(t.date))}"]
    if main.title_source is TitleSource.DERIVED:
        facts.append(
            "**Headline:** derived from the text (the source has no headline): the lead sentence's"
            " main clause"
        )
    elif main.title_source is TitleSource.STATED:
        facts.append("**Headline:** as the source's metadata states it")
    facts.extend(source_facts(main))
    lines = [f"- {fact}" for fact in facts]
    if t.topics:
        lines.append(
            f"- **Why these topics** (score: {weights_in_words()} per mention; see the Topics"
            " page):"
        )
        lines.extend(f"    - {topic_reason(lab)}" for lab in t.topics)
    if t.entities:
        lines.append("- **Names found in the text** (as written):")
        lines.extend(
            f"    - {md_text(lab.name)} ({lab.kind}): {md_text('; '.join(lab.evidence[:6]))}"
            for lab in t.entities
        )
    for article in t.story.articles:
        if article.removed:
            lines.append(
                f"- **Removed from {md_text(article.source.path)}** ({len(article.removed)} lines):"
            )
            lines.extend(
                f"    - line {r.line_number} ({md_text(r.reason)}): {md_text(r.text[:120])}"
                for r in article.removed[:MAX_REMOVED_SHOWN]
            )
            if len(article.removed) > MAX_REMOVED_SHOWN:
                lines.append(
                    f"    - … {len(article.removed) - MAX_REMOVED_SHOWN} more (`build-digest check`"
                    " lists them all)"
                )
    return (
        '??? info digest-about "About this story"\n\n'
        + "\n".join(f"    {line}" for line in lines)
        + "\n"
    )


def source_facts(article: CleanedArticle) -> list[str]:
    """Outlet, author, dateline, byline, link to the original and file of one version."""
    meta = article.source.meta
    facts = []
    if article.outlet:
        via = " (the wire agency of its dateline)" if not meta.outlet else ""
        facts.append(f"**Outlet:** {md_text(article.outlet)}{via}")
    if meta.author:
        facts.append(f"**Author:** {md_text(meta.author)}")
    for block in article.blocks:
        if block.role in (Role.DATELINE, Role.BYLINE):
            facts.append(f"**{block.role.value.capitalize()}:** {md_text(block.text)}")
    url = safe_url(meta.source_url)
    if url:
        facts.append(f"**Original:** [{md_text(urlsplit(url).netloc)}](<{url}>)")
    elif meta.source_url:
        facts.append(f"**Original address (not a web link):** {md_text(meta.source_url)}")
    if meta.tags:
        facts.append("**Tags in the source:** " + ", ".join(md_text(tag) for tag in meta.tags))
    for key, value in meta.extra:
        facts.append(f"**{md_text(key)}** (stated in the source): {md_text(value)}")
    facts.append(f"**Source file:** {md_text(article.source.path)}")
    return facts


def date_note(tag: DateTag) -> str:
    if isinstance(tag, Dated):
        note = f"from {tag.source}"
        return note + "; only the month is known" if tag.precision is DatePrecision.MONTH else note
    note = "no publication date found"
    if tag.not_before:
        note += (
            f"; published on or after {tag.not_before.isoformat()}, the latest date the text"
            " mentions"
        )
    return note


# A caption or credit that already names itself ("Credit: AP", "IMAGE SOURCE: AP", "Photo: …").
_SELF_LABELLED = re.compile(rf"^\(?{alternatives((*CREDIT_LABELS, 'caption'))}\b\s*[:：]", re.I)


def article_body(blocks: Sequence[Block], indent: str, attrs: str = "") -> list[str]:
    """Headings, paragraphs, photo caption and credit, and credits lines, each labelled once;
    ``attrs`` (``lang_attrs``) marks each with the text's language."""
    out = []
    own = f"{indent}{{ {attrs} }}\n" if attrs else ""
    extra = f" {attrs}" if attrs else ""
    for block in blocks:
        text = md_paragraph(block.text)
        labelled = bool(_SELF_LABELLED.match(block.text))
        if block.role is Role.HEADING:
            out.append(
                f"{indent}**{text}**\n{own}" if indent else f"## {text}{_attr_suffix(attrs)}\n"
            )
        elif block.role is Role.PARAGRAPH:
            out.append(f"{indent}{text}\n{own}")
        elif block.role is Role.CAPTION:
            out.append(
                f"{indent}{text if labelled else '*Photo:* ' + text}\n{indent}{{ .digest-caption"
                f"{extra} }}\n"
            )
        elif block.role is Role.CREDIT:
            out.append(
                f"{indent}{text if labelled else '*Credit:* ' + text}\n{indent}{{ .digest-caption"
                f"{extra} }}\n"
            )
        elif block.role is Role.ATTRIBUTION:
            out.append(f"{indent}{text}\n{indent}{{ .digest-attribution{extra} }}\n")
        elif block.role is Role.STANDFIRST and indent:
            out.append(f"{indent}*{text}*\n{own}")
    return out


def shared_labels(
    a: TaggedStory, b: TaggedStory, frequency: Counter[tuple[LabelKind, str]]
) -> list[str]:
    """Names and topics both stories carry, the rarest in the archive first (the most telling)."""
    theirs = {(lab.kind, lab.slug) for lab in (*b.topics, *b.entities)}
    shared = [lab for lab in (*a.entities, *a.topics) if (lab.kind, lab.slug) in theirs]
    return [
        lab.name
        for lab in sorted(
            shared,
            key=lambda lab: (
                lab.kind is LabelKind.TOPIC,
                frequency[(lab.kind, lab.slug)],
                lab.name.casefold(),
            ),
        )
    ]
