"""Stage 5 (tag): date, topics and named entities for every story, each with its evidence.

Dates come from ``dates.py``, topics from the curated taxonomy file (``topics.py``) and
entities from ``entities.py``; this module puts them together, one name per type and slug
across the archive.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

from slugify import slugify

from . import taxonomy as taxonomy_module
from . import topics as topics_module
from .cache import code_version, content_key
from .dates import story_date
from .entities import EntityFinder, Mention
from .models import Label, LabelKind, Story, TaggedStory, TopicBasis
from .taxonomy import (
    TYPE_ORDER,
    Taxonomy,
)
from .topics import match_topics, stated_tags, story_text
from .urls import entity_slugs

if TYPE_CHECKING:  # spaCy is imported only when a model is loaded
    pass


def entity_labels(
    mentions: list[Mention], types: dict[str, LabelKind], slugs: dict[str, str] | None = None
) -> tuple[Label, ...]:
    """Labels for one story; ``types`` settles each name's type corpus-wide, ``slugs`` its URL."""
    surfaces: dict[str, Counter[str]] = defaultdict(Counter)
    for name, _kind, surface in mentions:
        surfaces[name][surface.strip()] += 1
    labels = []
    for name, forms in surfaces.items():
        evidence = tuple(
            f"{form} ×{n}" if n > 1 else form
            for form, n in sorted(forms.items(), key=lambda kv: (-kv[1], kv[0]))
        )
        slug = slugs[name] if slugs else slugify(name) or "entity"
        labels.append(Label(slug, name, types[name], evidence))
    return tuple(sorted(labels, key=lambda lab: (TYPE_ORDER.index(lab.kind), lab.name.casefold())))


def corpus_entity_types(
    all_mentions: Sequence[list[Mention]], taxonomy: Taxonomy
) -> dict[str, LabelKind]:
    """One type per name: the curated one, else the type the model gave most often."""
    votes: dict[str, Counter[LabelKind]] = defaultdict(Counter)
    for mentions in all_mentions:
        for name, kind, _ in mentions:
            votes[name][kind] += 1
    curated = {r.name: r.type for r in taxonomy.entities}
    return {
        name: (
            curated.get(name)
            or sorted(c.items(), key=lambda kv: (-kv[1], TYPE_ORDER.index(kv[0])))[0][0]
        )
        for name, c in votes.items()
    }


# --- the stage ---------------------------------------------------------------------


def tag_stories(
    stories: Sequence[Story], taxonomy: Taxonomy, finder: EntityFinder
) -> list[TaggedStory]:
    """Date each story from its versions, and tag it with topics and named entities."""
    texts = [f"{s.main.title}\n\n{s.main.body_text}" for s in stories]
    all_mentions = finder.find(texts, [s.language.code for s in stories])
    types = corpus_entity_types(all_mentions, taxonomy)
    slugs = entity_slugs(
        types, Counter(name for mentions in all_mentions for name, _, _ in mentions)
    )
    # Cached per story text: scoring every topic's phrases over every story adds up.
    inputs = [(story_text(story), stated_tags(story)) for story in stories]
    keyed = [
        (content_key(text.headline, text.lead, text.body, *stated), (text, stated))
        for text, stated in inputs
    ]
    topics = finder.cache.map(
        "topics",
        code_version(topics_module, taxonomy_module, options=taxonomy.digest),
        keyed,
        lambda todo: [match_topics(t, taxonomy, s) for t, s in todo],
        _encode_labels,
        _decode_labels,
    )
    tagged = []
    for story, mentions, labels in zip(stories, all_mentions, topics, strict=True):
        entities = entity_labels(mentions, types, slugs)
        tagged.append(TaggedStory(story, story_date(story), labels, entities))
    return tagged


def _encode_labels(labels: tuple[Label, ...]) -> list[object]:
    return [
        [lab.slug, lab.name, lab.kind, list(lab.evidence), lab.score, lab.basis] for lab in labels
    ]


def _decode_labels(value: object) -> tuple[Label, ...]:
    if not isinstance(value, list):
        raise TypeError("a list of labels")
    return tuple(
        Label(
            str(slug),
            str(name),
            LabelKind(kind),
            tuple(str(e) for e in evidence),
            float(score),
            TopicBasis(basis),
        )
        for slug, name, kind, evidence, score, basis in value
    )
