"""Related coverage: the stories a reader of one story should see next.

Scored by shared topics and entities (IDF-weighted) and the similarity of the texts'
content words. Candidates come from an inverted index of labels; labels on more than
``max_df`` stories propose none, which keeps the cost linear in the number of stories.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence

from .dedupe import Fingerprint
from .models import TaggedStory


def related_stories(tagged: Sequence[TaggedStory], prints: dict[str, Fingerprint], count: int = 5, max_df: int = 200) -> dict[str, tuple[str, ...]]:
    """Top related stories by shared topics and entities (IDF-weighted) and text similarity.

    Candidates come from an inverted index of labels; labels on more than ``max_df``
    stories are too common to propose candidates, which keeps the cost linear.
    """
    n = len(tagged)
    df: Counter[str] = Counter()
    keys = {}
    for t in tagged:
        keys[t.story.id] = {f"{lab.kind}:{lab.slug}" for lab in (*t.topics, *t.entities)}
        df.update(keys[t.story.id])
    postings: dict[str, list[str]] = defaultdict(list)
    for sid, ks in keys.items():
        for k in ks:
            if df[k] <= max_df:
                postings[k].append(sid)
    related = {}
    for t in tagged:
        sid = t.story.id
        scores: Counter[str] = Counter()
        for k in keys[sid]:
            for other in postings.get(k, ()):
                if other != sid:
                    scores[other] += math.log(1 + n / df[k])
        ranked = []
        for other, label_score in scores.items():
            ranked.append((label_score * (1 + cosine(prints[sid].content, prints[other].content)), other))
        ranked.sort(key=lambda x: (-round(x[0], 9), x[1]))
        related[sid] = tuple(other for _, other in ranked[:count])
    return related


def cosine(a: Counter[str], b: Counter[str]) -> float:
    if not a or not b:
        return 0.0
    dot = sum(v * b.get(k, 0) for k, v in a.items())
    return dot / (math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values())))
