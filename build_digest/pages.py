"""Stage 5: write every generated page as Markdown (path -> text), deterministically.

Source text is text: everything that came from a source goes through ``md_text``,
so Markdown and HTML characters reach the reader as the characters they are.
Each story page links only to its own neighbours; lists of all stories live on
paginated listing pages, never on every page (which would make the build quadratic).
"""

from __future__ import annotations

import html
import json
import math
import posixpath
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from urllib.parse import quote, urlsplit

import yaml

from .feeds import feed_path
from .models import CleanedArticle, DateTag, Label, Rejection, Role, TaggedStory
from .tag import TYPE_ORDER, Taxonomy
from .text import visible

WORDS_PER_MINUTE = 230
LATEST_ON_HOME = 10
TYPE_TITLES = {"person": "People", "place": "Places", "organisation": "Organisations"}
TYPE_PAGES = {"person": "people", "place": "places", "organisation": "organisations"}
# Characters Python-Markdown gives meaning to and honours a backslash escape for.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")
# Characters that only extensions give meaning to, with no backslash escape: "???" opens
# a details block, ":" emoji and definition lists, "~~", "^^", "==" strike, insert and
# mark. A numeric character reference renders the same character and is never syntax.
_MD_ENTITY = re.compile(r"[?:~^=]")


def md_text(text: str) -> str:
    """Escape source text so Markdown renders exactly these characters and no markup.

    ``<``, ``>`` and ``&`` become entities (no raw HTML can survive); every character
    Python-Markdown reads as syntax gets a backslash, and those only its extensions
    read (``? : ~ ^ =``) become numeric references, so no block ("??? note") or
    inline syntax can start inside source text. Control characters are made visible.
    """
    text = visible(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _MD_ENTITY.sub(lambda m: f"&#{ord(m.group(0))};", text)
    return re.sub(r"\s+", " ", text).strip()


def safe_url(url: str | None) -> str | None:
    """An http(s) URL usable as a link target, or None for anything else (javascript:, data:)."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return quote(url.strip(), safe=":/?#[]@!$&'()*+,;=%~-._")


def rel(target: str, current: str) -> str:
    """Relative link from one generated page to another (both paths relative to docs)."""
    return posixpath.relpath(target, posixpath.dirname(current) or ".")


def story_path(story_id: str) -> str:
    return f"stories/{story_id}.md"


def format_date(tag: DateTag) -> str:
    if tag.value is None:
        return "Undated"
    if tag.precision == "month":
        return tag.value.strftime("%B %Y")
    return f"{tag.value.day} {tag.value.strftime('%B %Y')}"


def time_element(tag: DateTag) -> str:
    """The date as a reader reads it, in a ``<time>`` a machine reads (``2023-11`` for a month)."""
    if tag.value is None:
        return "Undated"
    machine = tag.value.strftime("%Y-%m") if tag.precision == "month" else tag.value.isoformat()
    return f'<time datetime="{machine}">{format_date(tag)}</time>'


def json_for_script(data: object) -> str:
    """JSON that can stand inside ``<script>``: no ``<``, ``>`` or ``&`` to end it early."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def share_metadata(t: TaggedStory, description: str) -> dict:
    """What link previews and search engines read: Open Graph fields and a NewsArticle."""
    main = t.story.main
    day = t.date.value.isoformat() if t.date.value and t.date.precision == "day" else None
    article: dict[str, object] = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": main.title[:110], "description": description}
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


# Front-matter keys the theme prints into HTML without escaping (the <title>, the header,
# <meta name="description">): a source's "<script>" there would be live.
_TEMPLATE_KEYS = ("title", "description")


def front_matter(data: dict) -> str:
    data = {k: html.escape(v, quote=True) if k in _TEMPLATE_KEYS and isinstance(v, str) else v for k, v in data.items()}
    return "---\n" + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000) + "---\n\n"


def chronological(stories: Iterable[TaggedStory]) -> list[TaggedStory]:
    """Dated stories in date order, undated ones after them, ties by id."""
    return sorted(stories, key=lambda t: (t.date.value is None, t.date.value or 0, t.story.id))


def write_pages(
    tagged: Sequence[TaggedStory],
    related: dict[str, tuple[str, ...]],
    taxonomy: Taxonomy,
    rejections: Sequence[Rejection],
    page_size: int = 200,
) -> tuple[dict[str, str], dict[str, str]]:
    """All generated pages, and the fragments that go into the hand-written ones."""
    by_id = {t.story.id: t for t in tagged}
    timeline = chronological(tagged)
    dated = [t for t in timeline if t.date.value]
    neighbours = {t.story.id: (dated[i - 1] if i > 0 else None, dated[i + 1] if i + 1 < len(dated) else None) for i, t in enumerate(dated)}
    pages: dict[str, str] = {}
    for t in tagged:
        prev_story, next_story = neighbours.get(t.story.id, (None, None))
        pages[story_path(t.story.id)] = story_page(t, [by_id[r] for r in related.get(t.story.id, ())], prev_story, next_story)
    pages.update(topic_pages(timeline, taxonomy, page_size))
    pages.update(entity_pages(timeline, page_size))
    pages.update(archive_pages(timeline, page_size))
    pages.update(paginate("timeline.md", "Timeline", "Every story in the order it was published. Undated stories come last.", timeline_entries(timeline, "timeline.md"), page_size))
    fragments = {
        "latest": latest_fragment(timeline),
        "topics": topics_fragment(timeline, taxonomy),
        "stats": stats_fragment(tagged, rejections),
    }
    return dict(sorted(pages.items())), fragments


# --- story pages -------------------------------------------------------------------


def story_page(t: TaggedStory, related: Sequence[TaggedStory], prev_story: TaggedStory | None, next_story: TaggedStory | None) -> str:
    story = t.story
    path = story_path(story.id)
    main = story.main
    blocks = main.blocks
    standfirst = next((b.text for b in blocks if b.role is Role.STANDFIRST), "")
    description = standfirst or next((b.text for b in main.body_blocks if b.role is Role.PARAGRAPH), "")
    fm = {
        "title": main.title,
        "description": description[:300],
        "story_id": story.id,
        "date": t.date.value.isoformat() if t.date.value else None,
        "date_precision": t.date.precision,
        "topics": [lab.name for lab in t.topics],
        "entities": [lab.name for lab in t.entities],
        "sources": [a.source.path for a in story.articles],
        "digest": {"share": share_metadata(t, description[:300])},
    }
    out = [front_matter(fm), f"# {md_text(main.title)}\n"]
    facts = [f"**Published:** {time_element(t.date)} ({md_text(date_note(t.date))})", *source_facts(main)]
    facts.append(f"**Reading time:** {max(1, math.ceil(main.word_count / WORDS_PER_MINUTE))} min")
    if t.topics:
        facts.append("**Topics:** " + ", ".join(f"[{md_text(lab.name)}]({rel(f'topics/{lab.slug}.md', path)})" for lab in t.topics))
    for kind in TYPE_ORDER:
        labels = [lab for lab in t.entities if lab.kind == kind]
        if labels:
            facts.append(f"**{TYPE_TITLES[kind]}:** " + ", ".join(f"[{md_text(lab.name)}]({rel(entity_path(lab), path)})" for lab in labels))
    if standfirst:
        out.append(f"> {md_text(standfirst)}\n{{ .digest-standfirst }}\n")
    out.append('!!! abstract "About this story"\n\n' + "\n".join(f"    - {f}" for f in facts) + "\n")
    out.extend(article_body(blocks, indent=""))
    if story.others:
        out.append("## Other versions\n")
        out.append(
            f"This story arrived {len(story.articles)} times. The text above is the main version: the fullest text "
            "(most words after cleaning), the earliest date on ties. Every other version is kept here in full.\n"
        )
        for n, version in enumerate(story.others, start=2):
            article = version.article
            out.append(f'??? note "Version {n}"\n')
            lines = [f"**Title:** {md_text(article.title)}", f"**Why it was folded:** {md_text(version.reason)}", *source_facts(article)]
            out.append("".join(f"    - {line}\n" for line in lines) + "\n")
            out.extend(article_body(article.blocks, indent="    "))
    if related:
        out.append("## Related coverage\n")
        for other in related:
            shared = shared_labels(t, other)
            note = f" — shares {md_text(', '.join(shared[:4]))}" if shared else ""
            out.append(f"- [{md_text(other.story.main.title)}]({rel(story_path(other.story.id), path)}) ({format_date(other.date)}){note}")
        out.append("")
    if prev_story or next_story:
        out.append("## In time\n")
        if prev_story:
            out.append(f"- Previous: [{md_text(prev_story.story.main.title)}]({rel(story_path(prev_story.story.id), path)}) ({format_date(prev_story.date)})")
        if next_story:
            out.append(f"- Next: [{md_text(next_story.story.main.title)}]({rel(story_path(next_story.story.id), path)}) ({format_date(next_story.date)})")
        out.append("")
    if t.topics or t.entities:
        out.append('??? info "Why these tags"\n')
        for lab in (*t.topics, *t.entities):
            out.append(f"    - **{md_text(lab.name)}** ({lab.kind}): matched {md_text('; '.join(lab.evidence[:8]))}")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def source_facts(article: CleanedArticle) -> list[str]:
    """Outlet, author, dateline, byline, link to the original and file of one version."""
    meta = article.source.meta
    facts = []
    if article.outlet:
        facts.append(f"**Outlet:** {md_text(article.outlet)}")
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
    note = f"from {tag.source}" if tag.value else "no publication date found"
    if tag.precision == "month":
        note += "; only the month is known"
    if tag.value is None and tag.not_before:
        note += f"; published on or after {tag.not_before.isoformat()}, the latest date the text mentions"
    return note


def article_body(blocks, indent: str) -> list[str]:
    """Headings, paragraphs, photo caption/credit and attribution, each labelled."""
    out = []
    for block in blocks:
        text = md_text(block.text)
        if block.role is Role.HEADING:
            out.append(f"{indent}**{text}**\n" if indent else f"## {text}\n")
        elif block.role is Role.PARAGRAPH:
            out.append(f"{indent}{text}\n")
        elif block.role is Role.CAPTION:
            out.append(f"{indent}*Photo caption:* {text}\n{indent}{{ .digest-caption }}\n")
        elif block.role is Role.CREDIT:
            out.append(f"{indent}*Photo credit:* {text}\n{indent}{{ .digest-caption }}\n")
        elif block.role is Role.ATTRIBUTION:
            out.append(f"{indent}*Attribution:* {text}\n{indent}{{ .digest-attribution }}\n")
        elif block.role is Role.STANDFIRST and indent:
            out.append(f"{indent}*Standfirst:* {text}\n")
    return out


def shared_labels(a: TaggedStory, b: TaggedStory) -> list[str]:
    theirs = {(lab.kind, lab.slug) for lab in (*b.topics, *b.entities)}
    return [lab.name for lab in (*a.topics, *a.entities) if (lab.kind, lab.slug) in theirs]


# --- listings ----------------------------------------------------------------------


def entry(t: TaggedStory, current: str) -> str:
    outlet = f" · {md_text(t.story.main.outlet)}" if t.story.main.outlet else ""
    versions = f" · {len(t.story.articles)} versions" if t.story.others else ""
    when = format_date(t.date)
    if t.date.value is None and t.date.not_before:
        when += f" (not before {t.date.not_before.day} {t.date.not_before.strftime('%B %Y')})"
    return f"- {when} — [{md_text(t.story.main.title)}]({rel(story_path(t.story.id), current)}){outlet}{versions}"


def timeline_entries(timeline: Sequence[TaggedStory], current: str) -> list[tuple[str, str]]:
    """(group heading, entry) pairs: stories under their month."""
    return [(t.date.value.strftime("%B %Y") if t.date.value else "Undated", entry(t, current)) for t in timeline]


def paginate(path: str, title: str, intro: str, entries: Sequence[tuple[str, str]] | Sequence[str], page_size: int, meta: dict | None = None) -> dict[str, str]:
    """Split a long listing into pages of ``page_size`` entries, linked in order.

    ``entries`` are lines, or (group, line) pairs shown under a heading per group.
    Links in an entry are written relative to ``path``; later pages sit one folder
    deeper, so their links are rewritten accordingly.
    """
    chunks = [entries[i : i + page_size] for i in range(0, len(entries), page_size)] or [[]]
    base = path[:-3]
    names = [path] + [f"{base}/{n}.md" for n in range(2, len(chunks) + 1)]
    pages = {}
    for n, (name, chunk) in enumerate(zip(names, chunks, strict=True), start=1):
        body = [front_matter({"title": title if n == 1 else f"{title} (page {n})", **(meta or {})}), f"# {md_text(title)}\n", f"{intro}\n" if n == 1 else ""]
        if not chunk:
            body.append("Nothing here yet.\n")
        group = None
        for item in chunk:
            heading, line = item if isinstance(item, tuple) else (None, item)
            if heading != group and heading is not None:
                body.append(f"\n## {md_text(heading)}\n")
                group = heading
            body.append(_relink(line, path, name))
        if len(chunks) > 1:
            pager = " · ".join(f"**{k}**" if k == n else f"[{k}]({rel(names[k - 1], name)})" for k in range(1, len(chunks) + 1))
            body.append(f"\nPages: {pager}\n")
        pages[name] = "\n".join(body).rstrip() + "\n"
    return pages


def _relink(line: str, written_for: str, placed_at: str) -> str:
    if written_for == placed_at:
        return line
    base_from = posixpath.dirname(written_for)

    def fix(m: re.Match[str]) -> str:
        target = posixpath.normpath(posixpath.join(base_from, m.group(1)))
        return f"]({rel(target, placed_at)})"

    return re.sub(r"\]\(([^)<>]+\.md)\)", fix, line)


def topic_pages(timeline: Sequence[TaggedStory], taxonomy: Taxonomy, page_size: int) -> dict[str, str]:
    members: dict[str, list[TaggedStory]] = defaultdict(list)
    for t in timeline:
        for lab in t.topics:
            members[lab.slug].append(t)
    pages = {}
    index = [front_matter({"title": "Topics"}), "# Topics\n", "Topics come from the curated taxonomy file (`taxonomy.yml`); a story is tagged when its text uses the topic's phrases.\n"]
    for topic in taxonomy.topics:
        stories = members.get(topic.slug, [])
        index.append(f"- [{md_text(topic.name)}]({topic.slug}.md) — {len(stories)} {'story' if len(stories) == 1 else 'stories'}. {md_text(topic.description)}")
        path = f"topics/{topic.slug}.md"
        feed = feed_path(topic.slug)
        intro = f"{md_text(topic.description)}\n\n[Follow this topic in a feed reader (Atom)]({rel(feed, path)})\n\nMatched phrases: {md_text(', '.join(topic.aliases))}."
        meta = {"digest": {"feed": {"title": f"{topic.name}: stories", "path": feed}}}
        pages.update(paginate(path, topic.name, intro, timeline_entries(stories, path), page_size, meta))
    pages["topics/index.md"] = "\n".join(index) + "\n"
    return pages


def entity_path(label: Label) -> str:
    return f"entities/{TYPE_PAGES[label.kind]}/{label.slug}.md"


def entity_pages(timeline: Sequence[TaggedStory], page_size: int) -> dict[str, str]:
    members: dict[tuple[str, str], list[TaggedStory]] = defaultdict(list)
    names: dict[tuple[str, str], str] = {}
    for t in timeline:
        for lab in t.entities:
            members[(lab.kind, lab.slug)].append(t)
            names[(lab.kind, lab.slug)] = lab.name
    pages = {}
    for (kind, slug), stories in members.items():
        path = entity_path(Label(slug, names[(kind, slug)], kind, ()))
        intro = f"{TYPE_TITLES[kind][:-1] if kind != 'person' else 'Person'} named in {len(stories)} {'story' if len(stories) == 1 else 'stories'}, found automatically in the text."
        pages.update(paginate(path, names[(kind, slug)], intro, timeline_entries(stories, path), page_size))
    index = [front_matter({"title": "Entities"}), "# Entities\n", "People, places and organisations named in the stories, found by a named-entity recogniser and corrected by the taxonomy file.\n"]
    for kind in TYPE_ORDER:
        keys = sorted((k for k in members if k[0] == kind), key=lambda k: (-len(members[k]), names[k].casefold()))
        type_path = f"entities/{TYPE_PAGES[kind]}.md"
        index.append(f"- [{TYPE_TITLES[kind]}]({TYPE_PAGES[kind]}.md) — {len(keys)}")
        entries = [f"- [{md_text(names[k])}]({rel(entity_path(Label(k[1], names[k], kind, ())), type_path)}) — {len(members[k])}" for k in keys]
        pages.update(paginate(type_path, TYPE_TITLES[kind], f"{TYPE_TITLES[kind]} by number of stories.", entries, page_size))
    pages["entities/index.md"] = "\n".join(index) + "\n"
    return pages


def archive_pages(timeline: Sequence[TaggedStory], page_size: int) -> dict[str, str]:
    months: dict[str, list[TaggedStory]] = defaultdict(list)
    for t in timeline:
        months[t.date.value.strftime("%Y-%m") if t.date.value else "undated"].append(t)
    pages = {}
    index = [front_matter({"title": "Archive"}), "# Archive\n", "Stories by month of publication.\n"]
    for key in sorted(months, key=lambda k: (k == "undated", k)):
        stories = months[key]
        label = "Undated" if key == "undated" else stories[0].date.value.strftime("%B %Y")
        index.append(f"- [{label}]({key}.md) — {len(stories)}")
        path = f"archive/{key}.md"
        pages.update(paginate(path, label, f"{len(stories)} {'story' if len(stories) == 1 else 'stories'}.", [entry(t, path) for t in stories], page_size))
    pages["archive/index.md"] = "\n".join(index) + "\n"
    return pages


# --- fragments for the hand-written pages ------------------------------------------


def latest_fragment(timeline: Sequence[TaggedStory]) -> str:
    latest = [t for t in reversed(timeline) if t.date.value][:LATEST_ON_HOME]
    lines = ["## Latest stories\n"] + [entry(t, "index.md") for t in latest]
    lines.append("\nSee the [timeline](timeline.md) for every story, or browse by [month](archive/index.md).")
    lines.append(f"Follow new stories in a feed reader: [Atom feed of all stories]({feed_path()}); every topic page has its own.")
    return "\n".join(lines) + "\n"


def topics_fragment(timeline: Sequence[TaggedStory], taxonomy: Taxonomy) -> str:
    counts = Counter(lab.slug for t in timeline for lab in t.topics)
    lines = ["## Topics\n"] + [f"- [{md_text(topic.name)}](topics/{topic.slug}.md) — {counts.get(topic.slug, 0)}" for topic in taxonomy.topics]
    return "\n".join(lines) + "\n"


def stats_fragment(tagged: Sequence[TaggedStory], rejections: Sequence[Rejection]) -> str:
    versions = sum(len(t.story.articles) for t in tagged)
    folded = versions - len(tagged)
    precision = Counter(t.date.precision for t in tagged)
    entities = {(lab.kind, lab.slug) for t in tagged for lab in t.entities}
    lines = [
        "## The archive in numbers\n",
        "| | |",
        "|---|---|",
        f"| Source files | {versions + len(rejections)} |",
        f"| Stories published | {len(tagged)} |",
        f"| Versions folded into a story | {folded} |",
        f"| Sources rejected | {len(rejections)} |",
        f"| Dated to the day / month / undated | {precision.get('day', 0)} / {precision.get('month', 0)} / {precision.get('none', 0)} |",
        f"| Entities | {len(entities)} |",
        "",
    ]
    if rejections:
        lines.append("### Rejected sources\n")
        lines.extend(f"- {md_text(r.path)}: {md_text(r.reason)}" for r in rejections)
        lines.append("")
    return "\n".join(lines) + "\n"
