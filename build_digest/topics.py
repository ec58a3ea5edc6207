"""Topics from the taxonomy's phrases: each mention weighed by where it stands.

A topic is given when it is a subject of the story, not when one of its phrases passes by.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from .dates import ascii_digits
from .models import Label, LabelKind, Role, Story, TitleSource
from .taxonomy import Taxonomy, Topic, lookup_key

STATED = "stated in the source"
"""Evidence of a topic the source's own ``tags:`` name."""

# A topic is given when it is a subject of the story, not when one of its phrases passes
# by once. Each mention is weighed by where it stands; the score is their sum.
HEADLINE_WEIGHT = 3.0
"""A phrase in the headline says what the story is about."""
LEAD_WEIGHT = 2.0
"""The standfirst and the first paragraph say what the story is about, too."""
BODY_WEIGHT = 1.0
BODY_CAP = 4
"""One phrase counts at most this many times in the body: a word repeated down a long text
is one subject, and "China" twenty times in a story about the border is still context."""
WEAK_SHARE = 0.5
"""A weak alias counts half: it supports a topic, it cannot make one alone."""
MIN_TOPIC_SCORE = 3.0
"""Enough for the headline alone, the lead and one more mention, or three passing mentions:
one passing mention (1.0) or a lead mention alone (2.0) is never enough."""
RELATIVE_TOPIC_SCORE = 0.45
"""A topic scoring under this share of the story's best topic is background to it (a story
about Chinese mediation that mentions the junta's air strikes is not about the junta).
Chosen with MIN_TOPIC_SCORE and BODY_CAP on the reader-labelled set in tests/fixtures/
reader-set: ``python -m benchmarks.evaluate topics``."""
MAX_TOPICS = 5
"""At most this many topics per story, best first: a story about everything is about nothing."""


@dataclass(frozen=True)
class StoryText:
    """A story's text in the parts that weigh differently as evidence of a topic."""

    headline: str
    lead: str
    body: str


def topic_score(topic: Topic, text: StoryText) -> tuple[float, tuple[str, ...], int]:
    """The weighted count of the topic's phrases in headline, lead and body, the evidence, and
    how many (strong) mentions there are."""
    score = 0.0
    mentions = 0
    evidence = []
    for part, weight, cap in (
        ("headline", HEADLINE_WEIGHT, 1),
        ("lead", LEAD_WEIGHT, 2),
        ("text", BODY_WEIGHT, BODY_CAP),
    ):
        passage = getattr(text, "body" if part == "text" else part)
        plain = ascii_digits(passage)  # as long as the passage: spans point into both
        hits = Counter(
            passage[m.start() : m.end()].casefold() for m in topic.pattern.finditer(plain)
        )
        weak = Counter(
            passage[m.start() : m.end()].casefold() for m in topic.weak_pattern.finditer(plain)
        )
        score += weight * (
            sum(min(n, cap) / _sharing(topic, p) for p, n in hits.items())
            + WEAK_SHARE * sum(min(n, cap) / _sharing(topic, p) for p, n in weak.items())
        )
        mentions += sum(hits.values())
        found = [
            *(
                f"{p} ×{n}" if n > 1 else p
                for p, n in sorted(hits.items(), key=lambda kv: (-kv[1], kv[0]))
            )
        ]
        found += [
            f"{p} ×{n} (weak)" if n > 1 else f"{p} (weak)"
            for p, n in sorted(weak.items(), key=lambda kv: (-kv[1], kv[0]))
        ]
        if found:
            evidence.append(f"{part}: {', '.join(found)}")
    return score, tuple(evidence), mentions


def _sharing(topic: Topic, phrase: str) -> int:
    """How many topics have this phrase (1: only this one)."""
    return topic.shared_by.get(lookup_key(phrase), 1) if topic.shared_by else 1


def match_topics(
    text: StoryText | str, taxonomy: Taxonomy, stated_tags: Sequence[str] = ()
) -> tuple[Label, ...]:
    """The topics the story is about, best first, with score and evidence; and those its tags state.

    Topics the source's own tags name are always kept (a curator said so); the others
    need ``MIN_TOPIC_SCORE`` and ``RELATIVE_TOPIC_SCORE`` of the best; ``MAX_TOPICS`` at most.
    """
    if isinstance(text, str):
        text = StoryText("", "", text)
    stated = {tag.casefold() for tag in stated_tags}
    scored = []
    for topic in taxonomy.topics:
        score, evidence, mentions = topic_score(topic, text)
        if topic.slug in stated or topic.name.casefold() in stated:
            scored.append(
                (
                    True,
                    score,
                    Label(topic.slug, topic.name, LabelKind.TOPIC, (STATED, *evidence), score),
                )
            )
        elif score >= MIN_TOPIC_SCORE and mentions >= topic.min_matches:
            scored.append(
                (False, score, Label(topic.slug, topic.name, LabelKind.TOPIC, evidence, score))
            )
    best = max((score for _, score, _ in scored), default=0.0)
    kept = [
        (s, score, lab) for s, score, lab in scored if s or score >= RELATIVE_TOPIC_SCORE * best
    ]
    kept.sort(key=lambda x: (not x[0], -x[1], x[2].name.casefold()))
    return tuple(lab for _, _, lab in kept[:MAX_TOPICS])


def story_text(story: Story) -> StoryText:
    """Headline, lead (standfirst and first paragraph) and the rest of the main version."""
    main = story.main
    standfirst = [b.text for b in main.blocks if b.role is Role.STANDFIRST]
    paragraphs = [b.text for b in main.body_blocks]
    lead_count = 1 if paragraphs else 0
    # A headline derived from the lead is the lead again, not a newsroom's word on the subject.
    headline = "" if main.title_source is TitleSource.DERIVED else main.title
    return StoryText(
        headline,
        "\n\n".join([*standfirst, *paragraphs[:lead_count]]),
        "\n\n".join(paragraphs[lead_count:]),
    )


def stated_tags(story: Story) -> tuple[str, ...]:
    """The tags every version of the story states, in order, without repeats."""
    return tuple(
        dict.fromkeys(tag for article in story.articles for tag in article.source.meta.tags)
    )
