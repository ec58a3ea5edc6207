"""Stage 6: the machine-readable catalog written to ``site/catalog.json``.

Every file under the sources folder appears in ``sources`` exactly once: published
(the main version of a story), duplicate (folded into one) or rejected (with why).
"""

from __future__ import annotations

from collections.abc import Sequence

from .models import Rejection, TaggedStory

CATALOG_VERSION = 1


def story_url(story_id: str) -> str:
    """Site-relative URL of a story page; depends on the story id alone."""
    return f"stories/{story_id}/"


def build_catalog(tagged: Sequence[TaggedStory], related: dict[str, tuple[str, ...]], rejections: Sequence[Rejection]) -> dict:
    articles = []
    sources = []
    for t in sorted(tagged, key=lambda t: t.story.id):
        story = t.story
        articles.append(
            {
                "id": story.id,
                "title": story.main.title,
                "date": t.date.value.isoformat() if t.date.value else None,
                "date_precision": t.date.precision,
                "date_source": t.date.source,
                "url": story_url(story.id),
                "topics": [lab.slug for lab in t.topics],
                "entities": [lab.slug for lab in t.entities],
                "sources": [a.source.path for a in story.articles],
                "related": list(related.get(story.id, ())),
            }
        )
        sources.append({"path": story.main.source.path, "sha256": story.main.source.sha256, "status": "published", "article": story.id, "reason": "main version of the story"})
        for version in story.others:
            sources.append({"path": version.article.source.path, "sha256": version.article.source.sha256, "status": "duplicate", "article": story.id, "reason": version.reason})
    for rejection in rejections:
        sources.append({"path": rejection.path, "sha256": rejection.sha256, "status": "rejected", "article": None, "reason": rejection.reason})
    sources.sort(key=lambda s: s["path"])
    return {"version": CATALOG_VERSION, "articles": articles, "sources": sources}
