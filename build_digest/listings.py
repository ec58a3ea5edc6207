"""Stage 12 (pages): the listing pages (topics, entities, months, timeline, events, figures)
and the home page's parts.

Every listing shows a story the same way: headline, then date, outlet and versions, then
two lines of its lead, so a reader can choose without opening it. Long listings are split
into pages; no page lists every story of the archive (that would make the build quadratic).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import quote

from .chart import ChartPoint, figure_chart, weekly_chart
from .models import (
    Dated,
    DatePrecision,
    Event,
    Figure,
    Label,
    LabelKind,
    Rejection,
    TaggedStory,
    Undated,
)
from .pagination import Entry, day_span, paginate
from .render import (
    TYPE_TITLES,
    byline,
    excerpt,
    front_matter,
    lang_attrs,
    md_text,
    month_title,
    placed_date,
    rel,
    served_rel,
    when,
)
from .taxonomy import TYPE_ORDER, Measure, Taxonomy
from .urls import (
    ARCHIVE_INDEX,
    ENTITIES_INDEX,
    EVENTS_INDEX,
    FIGURES_PAGE,
    SEARCH_PAGE,
    STORIES,
    TIMELINE_PAGE,
    TOPICS,
    TOPICS_INDEX,
    entity_path,
    entity_type_path,
    event_path,
    feed_path,
    month_path,
    story_path,
    topic_path,
)

LATEST_ON_HOME = 10
CO_MENTIONED = 8
"""How many names an entity page lists as often named with it."""


def entry(t: TaggedStory, current: str, quote: str | None = None) -> str:
    """One story in a listing: headline, byline and excerpt (or ``quote``, already Markdown)."""
    link = f"[{md_text(t.story.main.title)}]({rel(story_path(t.story.id), current)})"
    lead = quote if quote is not None else md_text(excerpt(t))
    attrs = lang_attrs(t.story.language)
    if attrs:  # the story's words in its language; the byline in the site's
        link += f"{{ {attrs} }}"
        lead = f"<span {attrs}>{lead}</span>" if lead else lead
    lines = [f"- **{link}**", f'    <span class="digest-meta">{byline(t)}</span>']
    if lead:
        lines.append(f"    {lead}")
    return "  \n".join(lines)


def story_entry(t: TaggedStory, markdown: str, group: str | None = None) -> Entry:
    day = t.date.value if isinstance(t.date, Dated) else None
    return Entry(t.story.id, markdown, group, day)


ONE_FOLDER_DEEP = f"{TOPICS}/index.md"
"""A listing page one folder below the site's root, as a topic's and a month's are: from any
of them a story is at the same relative address."""


@dataclass(frozen=True)
class ListedStory:
    """A story as the listings show it, made from its record alone: a rebuild takes it from the
    cache while the story is unchanged (``pages.cached_story_parts``). At 10,000 sources the
    listings' entries took 1.5 s of a rebuild, most of it for the 32,000 entries of the
    entity pages, each with the sentence that names the entity."""

    entry: str
    """Its entry on a listing page one folder deep (``ONE_FOLDER_DEEP``)."""
    mentions: tuple[str, ...]
    """Its entry on the page of each of its entities (``t.entities``' order)."""


def listed_story(t: TaggedStory) -> ListedStory:
    return ListedStory(
        entry(t, ONE_FOLDER_DEEP),
        tuple(entry(t, entity_path(lab), quote=mention_sentence(t, lab)) for lab in t.entities),
    )


Listed = Mapping[str, ListedStory]
"""Story id -> ``ListedStory``: the entries already made (the listings make any missing)."""


def _entry(t: TaggedStory, current: str, listed: Listed | None) -> str:
    """``entry(t, current)``, the one made already when ``current`` is one folder deep."""
    made = listed.get(t.story.id) if listed else None
    if made is not None and current.count("/") == 1 and not current.startswith(f"{STORIES}/"):
        return made.entry
    return entry(t, current)


_Item = TypeVar("_Item")


def newest_first(items: Sequence[_Item], story: Callable[[_Item], TaggedStory]) -> list[_Item]:
    """Items in chronological order (``chronological``), as a newest-first listing shows them:
    the dated stories newest first, then the undated ones, those that may be newest first. An
    undated story is no news at the top of a topic's page: reversing the chronological order
    put every undated story there, above the newest report."""
    dated = [item for item in items if not isinstance(story(item).date, Undated)]
    undated = [item for item in items if isinstance(story(item).date, Undated)]
    return [*reversed(dated), *reversed(undated)]


def month_of(t: TaggedStory) -> str:
    return t.date.value.strftime("%B %Y") if isinstance(t.date, Dated) else "Undated"


def timeline_entries(timeline: Sequence[TaggedStory], current: str) -> list[Entry]:
    """The stories under their month."""
    return [story_entry(t, entry(t, current), month_of(t)) for t in timeline]


def timeline_page(
    timeline: Sequence[TaggedStory], taxonomy: Taxonomy, page_size: int
) -> dict[str, str]:
    intro = (
        "Every story in the order it was published; undated stories come last, in the order of the"
        " earliest date they can have.\n\n"
    )
    intro += weekly_chart(timeline, {topic.slug: topic.name for topic in taxonomy.topics})
    return paginate(
        TIMELINE_PAGE,
        "Timeline",
        intro,
        timeline_entries(timeline, TIMELINE_PAGE),
        page_size,
        newest_first=False,
    )


def topic_pages(
    timeline: Sequence[TaggedStory],
    taxonomy: Taxonomy,
    page_size: int,
    listed: Listed | None = None,
) -> dict[str, str]:
    members: dict[str, list[TaggedStory]] = defaultdict(list)
    for t in timeline:
        for lab in t.topics:
            members[lab.slug].append(t)
    pages = {}
    index = [
        front_matter({"title": "Topics"}),
        "# Topics\n",
        (
            "Topics come from the curated taxonomy file (`taxonomy.yml`). A story gets a topic when"
            " the topic is a subject of the story: its phrases in the headline or lead, or several"
            " times in the text; or when it reads like the stories that name the topic, in the"
            " words and names they share (each story's *About this story* shows the score and"
            " the phrases, or the words).\n"
        ),
    ]
    for topic in sorted(taxonomy.topics, key=lambda topic: topic.name.casefold()):
        stories = members.get(topic.slug, [])
        index.append(
            f"- **[{md_text(topic.name)}]({topic.slug}.md)** — {len(stories)}"
            f" {'story' if len(stories) == 1 else 'stories'}  \n    {md_text(topic.description)}"
        )
        path = topic_path(topic.slug)
        feed = feed_path(topic.slug)
        intro = (
            f"{md_text(topic.description)}\n\n[Follow this topic in a feed reader"
            f" (Atom)]({rel(feed, path)})"
        )
        meta = {"digest": {"feed": {"title": f"{topic.name}: stories", "path": feed}}}
        pages.update(
            paginate(
                path,
                topic.name,
                intro,
                [
                    story_entry(t, _entry(t, path, listed), month_of(t))
                    for t in newest_first(stories, lambda t: t)
                ],
                page_size,
                meta,
                empty=(
                    "No story is about this topic yet: [search the stories that mention"
                    f" {md_text(topic.name)}]({rel(SEARCH_PAGE, path)}?q={quote(topic.name)})."
                ),
            )
        )
    pages[TOPICS_INDEX] = "\n".join(index) + "\n"
    return pages


_SENTENCE = re.compile(r"(?<=[.!?…])\s+(?=[A-Z“\"‘'(])")


def mention_sentence(t: TaggedStory, label: Label) -> str:
    """The first sentence of the story that names the entity, Markdown-escaped, the name in bold."""
    forms = sorted({e.rsplit(" ×", 1)[0] for e in label.evidence}, key=len, reverse=True)
    for block in t.story.main.body_blocks:
        if not any(f in block.text for f in forms):
            continue  # none of its sentences can name it: not split (most blocks, most names)
        for sentence in _SENTENCE.split(block.text):
            form = next((f for f in forms if f in sentence), None)
            if form:
                escaped, name = md_text(sentence), md_text(form)
                return escaped.replace(name, f"**{name}**", 1) if name in escaped else escaped
    return md_text(excerpt(t))


def entity_pages(
    timeline: Sequence[TaggedStory], page_size: int, listed: Listed | None = None
) -> dict[str, str]:
    # Each story with the name as it has it, and its entry on the name's page if made already.
    members: dict[tuple[LabelKind, str], list[tuple[TaggedStory, Label, str | None]]]
    members = defaultdict(list)
    for t in timeline:
        made = listed.get(t.story.id) if listed else None
        for n, lab in enumerate(t.entities):
            members[(lab.kind, lab.slug)].append((t, lab, made.mentions[n] if made else None))
    names = {key: stories[0][1].name for key, stories in members.items()}
    pages = {}
    for (kind, slug), stories in members.items():
        label = stories[0][1]
        path = entity_path(label)
        with_it: Counter[tuple[LabelKind, str]] = Counter(
            (other.kind, other.slug)
            for t, _, _ in stories
            for other in t.entities
            if (other.kind, other.slug) != (kind, slug)
        )
        common = sorted(with_it.items(), key=lambda kv: (-kv[1], names[kv[0]].casefold()))[
            :CO_MENTIONED
        ]
        kind_name = kind.value.capitalize()
        intro = (
            f"{kind_name} named in {len(stories)} {'story' if len(stories) == 1 else 'stories'}"
            " (found automatically in the text)."
        )
        if common:
            links = ", ".join(
                f"[{md_text(names[k])}]({rel(entity_path(members[k][0][1]), path)}) ({n})"
                for k, n in common
            )
            intro += f"\n\nOften named with it: {links}."
        entries = [
            story_entry(t, made or entry(t, path, quote=mention_sentence(t, lab)), month_of(t))
            for t, lab, made in newest_first(stories, lambda item: item[0])
        ]
        pages.update(paginate(path, label.name, intro, entries, page_size))
    index = [
        front_matter({"title": "Entities"}),
        "# Entities\n",
        (
            "People, places and organisations named in the stories, found by a named-entity"
            " recogniser and corrected by the taxonomy file.\n"
        ),
    ]
    for kind in TYPE_ORDER:
        keys = sorted(
            (k for k in members if k[0] == kind),
            key=lambda k: (-len(members[k]), names[k].casefold()),
        )
        type_path = entity_type_path(kind)
        index.append(
            f"- [{TYPE_TITLES[kind]}]({rel(entity_type_path(kind), ENTITIES_INDEX)}) — {len(keys)}"
        )
        rows = [
            Entry(
                f"{k[0].value}/{k[1]}",
                f"- [{md_text(names[k])}]({rel(entity_path(members[k][0][1]), type_path)}) —"
                f" {len(members[k])}",
                name=names[k],
            )
            for k in keys
        ]
        pages.update(
            paginate(
                type_path,
                TYPE_TITLES[kind],
                f"{TYPE_TITLES[kind]} by number of stories.",
                rows,
                page_size,
                noun="names",
                newest_first=False,
            )
        )
    pages[ENTITIES_INDEX] = "\n".join(index) + "\n"
    return pages


def archive_pages(
    timeline: Sequence[TaggedStory], page_size: int, listed: Listed | None = None
) -> dict[str, str]:
    months: dict[str, list[TaggedStory]] = defaultdict(list)
    for t in timeline:
        months[t.date.value.strftime("%Y-%m") if isinstance(t.date, Dated) else "undated"].append(t)
    keys = sorted(months, key=lambda k: (k == "undated", k))
    labels = {key: "Undated" if key == "undated" else month_title(key) for key in keys}
    pages = {}
    index = [
        front_matter({"title": "Archive"}),
        "# Archive\n",
        "Stories by month of publication.\n",
    ]
    for n, key in enumerate(keys):
        stories = months[key]
        index.append(f"- [{labels[key]}]({key}.md) — {len(stories)}")
        path = month_path(key)
        steps = []
        if n > 0:
            steps.append(f"← [{labels[keys[n - 1]]}]({keys[n - 1]}.md)")
        if n + 1 < len(keys):
            steps.append(f"[{labels[keys[n + 1]]}]({keys[n + 1]}.md) →")
        intro = f"{len(stories)} {'story' if len(stories) == 1 else 'stories'}." + (
            f"\n\n{' · '.join(steps)}" if steps else ""
        )
        pages.update(
            paginate(
                path,
                labels[key],
                intro,
                [story_entry(t, _entry(t, path, listed)) for t in stories],
                page_size,
                newest_first=False,
            )
        )
    pages[ARCHIVE_INDEX] = "\n".join(index) + "\n"
    return pages


# --- events ------------------------------------------------------------------------


def languages_of(reports: Sequence[TaggedStory]) -> list[str]:
    """The languages of an event's reports, by name, in the order they first reported."""
    return list(dict.fromkeys(t.story.language.name for t in reports))


def event_summary(event: Event, reports: Sequence[TaggedStory]) -> str:
    """ "3 reports, 6–9 November 2023, in English and Chinese" (plain text)."""
    languages = languages_of(reports)
    spoken = f", in {in_words(languages)}" if len(languages) > 1 else ""
    return f"{len(reports)} reports, {event_span(event)}{spoken}"


def in_words(items: Sequence[str]) -> str:
    """ "English", "English and Thai", "English, Burmese and Thai"."""
    return " and ".join([", ".join(items[:-1]), items[-1]]) if len(items) > 1 else "".join(items)


def event_span(event: Event) -> str:
    """The days between an event's first and last dated report, as a reader reads them."""
    if event.start is None or event.end is None:
        return "undated"
    return day_span(event.start, event.end)


def event_pages(
    events: Sequence[Event], by_id: dict[str, TaggedStory], page_size: int
) -> dict[str, str]:
    """A page per event of two or more reports, and the Events listing, newest first."""
    pages = {}
    entries = []
    for event in events:
        reports = [by_id[sid] for sid in event.stories]
        path = event_path(event.id)
        pages[path] = event_page(event, reports)
        link = f"[{md_text(event.title)}]({rel(path, 'events/index.md')})"
        attrs = lang_attrs(reports[0].story.language)
        if attrs:
            link += f"{{ {attrs} }}"
        markdown = (
            f"- **{link}**  \n"
            f'    <span class="digest-meta">{md_text(event_summary(event, reports))}</span>'
        )
        entries.append(Entry(event.id, markdown, day=event.end))
    intro = (
        "One happening reported by several outlets, often in several languages: the stories"
        " that share its rare names and words, dated within a week of each other. Newest"
        " first; each event's page shows who reported it, when and in which language, and"
        " the figures each report gives."
    )
    pages.update(paginate(EVENTS_INDEX, "Events", intro, entries, page_size, noun="events"))
    return pages


def event_page(event: Event, reports: Sequence[TaggedStory]) -> str:
    """Headline, date span, coverage timeline, what the reports share and where their figures
    differ, and a link to every report."""
    path = event_path(event.id)
    first = reports[0]
    attrs = lang_attrs(first.story.language)
    out = [
        front_matter({"title": event.title, "hide": ["navigation"]}),
        f"# {md_text(event.title)}" + (f" {{ {attrs} }}" if attrs else "") + "\n",
        f"{md_text(event_summary(event, reports))}\n{{ .digest-byline }}\n",
        "## Coverage\n",
    ]
    for n, t in enumerate(reports, start=1):
        meta = [when(t)]
        if t.story.main.outlet:
            meta.append(md_text(t.story.main.outlet))
        meta.append(md_text(t.story.language.name))
        link = f"[{md_text(t.story.main.title)}]({rel(story_path(t.story.id), path)})"
        story_attrs = lang_attrs(t.story.language)
        lead = md_text(excerpt(t))
        if story_attrs:
            link += f"{{ {story_attrs} }}"
            lead = f"<span {story_attrs}>{lead}</span>" if lead else lead
        out.append(
            f"{n}. **{link}**  \n"
            f'    <span class="digest-meta">{" · ".join(meta)}</span>'
            + (f"  \n    {lead}" if lead else "")
        )
    out.append("")
    names = [{lab.name for lab in t.entities} for t in reports]
    shared = sorted(set.intersection(*names), key=str.casefold) if names else []
    if shared:
        out.append("## What the reports share\n")
        out.append(f"Every report names {md_text(', '.join(shared[:12]))}.\n")
    figures = figure_table(reports, path)
    if figures:
        out.append("## Figures in the reports\n")
        out.append(
            "Each figure a report states, and the reports that state it: where they agree and"
            " where they differ.\n"
        )
        out.extend(figures)
    return "\n".join(out).rstrip() + "\n"


def figure_table(reports: Sequence[TaggedStory], path: str) -> list[str]:
    """A table of the figures the reports state (numbers of two digits or more), with the
    reports that state each; empty when no report states one."""
    stated: dict[str, list[int]] = {}
    for n, t in enumerate(reports, start=1):
        for figure in dict.fromkeys(t.story.main_version.fingerprint.figures):
            stated.setdefault(figure, []).append(n)
    if not stated:
        return []
    rows = sorted(stated.items(), key=lambda kv: (-len(kv[1]), kv[1], kv[0]))
    lines = ["| figure | stated by |", "| --- | --- |"]
    for figure, who in rows[:MAX_EVENT_FIGURES]:
        by = (
            "all reports"
            if len(who) == len(reports)
            else ", ".join(
                f"[report {n}]({rel(story_path(reports[n - 1].story.id), path)})" for n in who
            )
        )
        lines.append(f"| {md_text(figure_text(figure))} | {by} |")
    lines.append("")
    lines.append("Reports are numbered as listed under *Coverage*.\n")
    return lines


def figure_text(figure: str) -> str:
    """A figure as the fingerprint keeps it ("23000", "40%", "2m") as a reader reads it
    ("23,000", "40%", "2 million")."""
    unit = figure[-1] if figure[-1:] in FIGURE_UNITS else ""
    number = figure[: len(figure) - len(unit)]
    shown = f"{int(number):,}" if number.isdigit() else number
    return shown + FIGURE_UNITS.get(unit, "")


FIGURE_UNITS = {"%": "%", "m": " million", "b": " billion"}
"""The units a fingerprint keeps with a figure (``dedupe.fingerprint``), by their letter."""
MAX_EVENT_FIGURES = 20
"""The figures an event page tables at most, the most widely stated first."""


# --- figures -----------------------------------------------------------------------


def figures_page(
    figures: Sequence[Figure],
    measures: Sequence[Measure],
    by_id: dict[str, TaggedStory],
    directory_urls: bool = True,
) -> str:
    """The Figures page: per measure, its figures over time as a chart and as a table, each
    point and each row linked to its story; figures of one week from several stories stand
    side by side."""
    path = FIGURES_PAGE
    out = [
        front_matter({"title": "Figures"}),
        "# Figures\n",
        "The numbers the stories give, measure by measure and over time: each with its"
        " qualifier, who gives it and the story it stands in. A point on a chart, like a row of"
        " its table, leads to its story. Figures of stories that give no date stand apart at"
        " the right of a chart and at the end of each table.\n",
    ]
    if not figures:
        out.append("No story gives a figure of these measures yet.\n")
    for measure in measures:
        own = [f for f in figures if f.measure == measure.slug]
        if not own:
            continue
        out.append(f"## {md_text(measure.name)}\n")
        if len(own) > MAX_FIGURES_SHOWN:
            out.append(
                f"The {MAX_FIGURES_SHOWN} most recent of {len(own)} figures; `catalog.json`"
                " lists them all.\n"
            )
            own = [f for f in own if f.date][-MAX_FIGURES_SHOWN:]
        rows, points = [], []
        for f in own:
            day = dt.date.fromisoformat(f.date) if f.date else None
            t = by_id[f.story]
            if not f.percent:
                when_given = f"{day:%d %B %Y}" if day else "undated story"
                label = f"{f.shown}, {when_given}: {t.story.main.title}"
                href = served_rel(story_path(f.story), path, directory_urls)
                points.append(ChartPoint(day, f.value, label, href))
            week = (
                f"week of {(day - dt.timedelta(days=day.weekday())):%d %b %Y}" if day else "undated"
            )
            story = f"[{md_text(t.story.main.title)}]({rel(story_path(f.story), path)})"
            rows.append(
                f"| {md_text(week)} | {md_text(f.shown)} |"
                f" {md_text(f.source_of_figure) or '—'} | {story} |"
            )
        out.append(figure_chart(measure.slug, measure.name, points))
        out.append("| week | figure | who gives it | story |")
        out.append("| --- | ---: | --- | --- |")
        out.extend(rows)
        out.append("")
    return "\n".join(out).rstrip() + "\n"


MAX_FIGURES_SHOWN = 500
"""Figures per measure the page shows at most: the page must not grow with the archive
(no page lists every story), and a chart of more points than this is a smudge."""


def story_figures_list(figures: Sequence[Figure], measures: Sequence[Measure]) -> str:
    """A story's own figures, as its page lists them; empty when it gives none."""
    if not figures:
        return ""
    names = {m.slug: m.name for m in measures}
    lines = ["## Figures in this story\n"]
    for f in figures:
        who = f" — {md_text(f.source_of_figure)}" if f.source_of_figure else ""
        lines.append(f"- {md_text(names.get(f.measure, f.measure))}: **{md_text(f.shown)}**{who}")
    lines.append("\nAll stories' figures, over time: [Figures](../figures.md).\n")
    return "\n".join(lines)


# --- parts of the hand-written pages -----------------------------------------------


EMPTY_ARCHIVE = """## No stories yet

The archive is empty. Put copies of news articles into the `sources/` folder (text copied
from a web page, Markdown, or a saved HTML page; sub-folders are fine), then build again:
`build-digest build`. Each file may start with a few metadata lines (`Title:`, `Date:`,
`Outlet:`) or YAML front matter; the project's README, *Adding sources*, says more.
"""
"""What the home page says when no source has become a story (none added, or all rejected)."""


def latest_fragment(timeline: Sequence[TaggedStory]) -> str:
    """The newest stories; an undated story stands where its lower bound puts it, and says so."""
    if not timeline:
        return EMPTY_ARCHIVE
    latest = sorted(timeline, key=lambda t: (placed_date(t), t.story.id), reverse=True)[
        :LATEST_ON_HOME
    ]
    lines = ["## Latest stories\n"] + [entry(t, "index.md") for t in latest]
    if any(isinstance(t.date, Undated) for t in latest):
        lines.append(
            "\nAn undated story stands at the earliest date it can have: the latest date its text"
            " mentions."
        )
    lines.append(
        "\nEvery story on the [timeline](timeline.md), by [month](archive/index.md), or"
        " [search](search.md) them."
    )
    lines.append(f"Follow new stories in a feed reader: [Atom feed of all stories]({feed_path()}).")
    return "\n".join(lines) + "\n"


def topics_fragment(timeline: Sequence[TaggedStory], taxonomy: Taxonomy) -> str:
    counts = Counter(lab.slug for t in timeline for lab in t.topics)
    ordered = sorted(
        taxonomy.topics, key=lambda topic: (-counts.get(topic.slug, 0), topic.name.casefold())
    )
    lines = ["## Topics\n"] + [
        f"- [{md_text(topic.name)}](topics/{topic.slug}.md) — {counts.get(topic.slug, 0)}"
        for topic in ordered
    ]
    return "\n".join(lines) + "\n"


def stats_fragment(tagged: Sequence[TaggedStory], rejections: Sequence[Rejection]) -> str:
    versions = sum(len(t.story.articles) for t in tagged)
    folded = versions - len(tagged)
    precision = Counter(t.date.precision for t in tagged)
    entities = {(lab.kind, lab.slug) for t in tagged for lab in t.entities}
    lines = [
        "## The archive in numbers\n",
        "| What | How many |",
        "|---|---:|",
        f"| Source files | {versions + len(rejections)} |",
        f"| Stories published | {len(tagged)} |",
        f"| Versions folded into a story | {folded} |",
        f"| Sources rejected | {len(rejections)} |",
        (
            f"| Dated to the day / month / undated | {precision[DatePrecision.DAY]} /"
            f" {precision[DatePrecision.MONTH]} / {precision[DatePrecision.NONE]} |"
        ),
        f"| People, places and organisations | {len(entities)} |",
        "",
    ]
    if rejections:
        lines.append("### Rejected sources\n")
        lines.extend(f"- {md_text(r.path)}: {md_text(r.reason)}" for r in rejections)
        lines.append("")
    return "\n".join(lines) + "\n"
