"""Stage 14 (catalog): the machine-readable catalog written to ``site/catalog.json``.

Every file under the sources folder appears in ``sources`` exactly once: published
(the main version of a story), duplicate (folded into one) or rejected (with why).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from .models import Dated, Event, Figure, Rejection, TaggedStory
from .urls import event_url, former_ids, story_url

CATALOG_VERSION = 4
"""2: ``redirects``; ``outlet`` on articles; ``warnings`` and ``path_bytes`` on sources;
12-digit story hashes. 3: ``language`` (BCP 47) on articles and sources."""


def event_redirects(events: Sequence[Event]) -> dict[str, str]:
    """An event is named after its first report, so every address it could have had is one of
    its reports' ids: each of those leads to it. When a report earlier than the first arrives,
    or two events merge, the old addresses still lead to the event."""
    return {
        event_url(sid): event_url(event.id)
        for event in events
        for sid in event.stories
        if sid != event.id
    }


def story_redirects(tagged: Sequence[TaggedStory]) -> dict[str, str]:
    """Former story id -> current story id, for every id no live story has and only one claims."""
    live = {t.story.id for t in tagged}
    claims: dict[str, set[str]] = {}
    for t in tagged:
        for old in former_ids(t.story):
            claims.setdefault(old, set()).add(t.story.id)
    return {
        old: next(iter(ids))
        for old, ids in sorted(claims.items())
        if old not in live and len(ids) == 1
    }


def _source_entry(
    path: str,
    path_bytes: str | None,
    sha256: str,
    status: str,
    article: str | None,
    reason: str,
    notes: Mapping[str, Sequence[str]],
    language: str | None = None,
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "path": path,
        "sha256": sha256,
        "status": status,
        "article": article,
        "reason": reason,
        "language": language,
    }
    if path_bytes:
        entry["path_bytes"] = path_bytes
    if notes.get(path):
        entry["warnings"] = list(notes[path])
    return entry


def build_catalog(
    tagged: Sequence[TaggedStory],
    related: dict[str, tuple[str, ...]],
    rejections: Sequence[Rejection],
    notes: Mapping[str, Sequence[str]] | None = None,
    events: Sequence[Event] = (),
    figures: Sequence[Figure] = (),
) -> dict[str, Any]:
    notes = notes or {}
    articles = []
    sources = []
    for t in sorted(tagged, key=lambda t: t.story.id):
        story = t.story
        articles.append(
            {
                "id": story.id,
                "title": story.main.title,
                "outlet": story.main.outlet,
                "title_source": story.main.title_source.value,
                "language": story.language.code,
                "date": t.date.value.isoformat() if isinstance(t.date, Dated) else None,
                "date_precision": str(t.date.precision),
                "date_source": t.date.source,
                "url": story_url(story.id),
                "topics": [lab.slug for lab in t.topics],
                "entities": [lab.slug for lab in t.entities],
                "sources": [a.source.path for a in story.articles],
                "related": list(related.get(story.id, ())),
            }
        )
        main = story.main.source
        sources.append(
            _source_entry(
                main.path,
                main.path_bytes,
                main.sha256,
                "published",
                story.id,
                "main version of the story",
                notes,
                story.language.code,
            )
        )
        for folded in story.others:
            source = folded.version.article.source
            sources.append(
                _source_entry(
                    source.path,
                    source.path_bytes,
                    source.sha256,
                    "duplicate",
                    story.id,
                    folded.reason,
                    notes,
                    folded.version.language.code,
                )
            )
    for rejection in rejections:
        sources.append(
            _source_entry(
                rejection.path,
                rejection.path_bytes,
                rejection.sha256,
                "rejected",
                None,
                rejection.reason,
                notes,
            )
        )
    sources.sort(key=lambda s: s["path"])
    redirects = {story_url(old): story_url(new) for old, new in story_redirects(tagged).items()}
    redirects.update(event_redirects(events))
    return {
        "version": CATALOG_VERSION,
        "articles": articles,
        "sources": sources,
        "redirects": redirects,
        "events": [
            {
                "id": event.id,
                "title": event.title,
                "url": event_url(event.id),
                "start": event.start.isoformat() if event.start else None,
                "end": event.end.isoformat() if event.end else None,
                "stories": list(event.stories),
            }
            for event in events
        ],
        "figures": [
            {
                "measure": f.measure,
                "value": f.value,
                "percent": f.percent,
                "qualifier": f.qualifier,
                "text": f.text,
                "source_of_figure": f.source_of_figure,
                "date": f.date,
                "story": f.story,
            }
            for f in figures
        ],
    }


def status_counts(catalog: dict) -> Counter[str]:
    """How many sources were published, folded as duplicates and rejected."""
    return Counter(source["status"] for source in catalog["sources"])
