"""Stage 8: the static search index, built with Pagefind from the stories themselves.

Pagefind splits its index into small fragments that a browser loads only for the words
searched and the results shown, so a first search costs a few hundred kilobytes whether
the archive holds 100 stories or 10,000 (Material's built-in search makes every visitor
download the whole index on every first page load).

Records are added directly (``add_custom_record``) rather than by crawling the HTML:
only story pages are indexed, never listings, and of a story only what a reader searches
for (headline, standfirst, the main version's body); the provenance block, tags and
related links stay out. Each record carries what a result shows (headline, date, outlet)
and what a reader filters and sorts by (topic, outlet, year, month; date).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .catalog import story_url
from .errors import DependencyError
from .models import Role, TaggedStory
from .pages import format_date

INDEX_FOLDER = "pagefind"
"""Where the index is written, under the site folder."""


@dataclass(frozen=True)
class SearchRecord:
    """One story as the search index sees it."""

    url: str
    content: str
    meta: dict[str, str]
    filters: dict[str, list[str]]
    sort: dict[str, str]


def search_record(t: TaggedStory) -> SearchRecord:
    main = t.story.main
    parts = [main.title] + [b.text for b in main.blocks if b.role in (Role.STANDFIRST, Role.HEADING, Role.PARAGRAPH)]
    meta = {"title": main.title, "date": format_date(t.date)}
    filters: dict[str, list[str]] = {"topic": [label.name for label in t.topics]}
    if main.source.meta.outlet:
        meta["outlet"] = main.source.meta.outlet
        filters["outlet"] = [main.source.meta.outlet]
    if t.story.others:
        meta["versions"] = str(len(t.story.articles))
    sort: dict[str, str] = {}
    if t.date.value:
        filters["year"] = [str(t.date.value.year)]
        filters["month"] = [t.date.value.strftime("%Y-%m")]
        sort["date"] = t.date.value.isoformat()
    return SearchRecord(story_url(t.story.id), "\n\n".join(parts), meta, filters, sort)


def write_search_index(tagged: Sequence[TaggedStory], site_dir: Path) -> int:
    """Write the Pagefind index of every story into ``site_dir/pagefind``; returns the record count."""
    try:
        from pagefind.index import IndexConfig, PagefindIndex
    except ImportError as exc:
        raise DependencyError(f"the package 'pagefind' cannot be loaded ({exc}); fix: pip install 'pagefind[extended]>=1.3'") from exc
    records = [search_record(t) for t in sorted(tagged, key=lambda t: t.story.id)]

    async def run() -> None:
        config = IndexConfig(output_path=str(site_dir / INDEX_FOLDER))
        async with PagefindIndex(config=config) as index:
            for record in records:
                await index.add_custom_record(url=record.url, content=record.content, language="en", meta=record.meta, filters=record.filters, sort=record.sort)
            await index.write_files(output_path=str(site_dir / INDEX_FOLDER))

    asyncio.run(run())
    return len(records)
