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

RERANK = 50
"""How many of the best label matches are re-ranked by text similarity."""


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
    norms = {sid: math.sqrt(sum(v * v for v in fp.content.values())) for sid, fp in prints.items()}
    related = {}
    for t in tagged:
        sid = t.story.id
        scores: Counter[str] = Counter()
        for k in keys[sid]:
            for other in postings.get(k, ()):
                if other != sid:
                    scores[other] += math.log(1 + n / df[k])
        # Text similarity at most doubles a label score, so only the best label matches
        # need it: comparing texts is the costly part.
        shortlist = sorted(scores.items(), key=lambda kv: (-round(kv[1], 9), kv[0]))[: max(RERANK, 10 * count)]
        ranked = [(score * (1 + cosine(prints[sid].content, prints[other].content, norms[sid], norms[other])), other) for other, score in shortlist]
        ranked.sort(key=lambda x: (-round(x[0], 9), x[1]))
        related[sid] = tuple(other for _, other in ranked[:count])
    return related


def cosine(a: Counter[str], b: Counter[str], norm_a: float, norm_b: float) -> float:
    if not norm_a or not norm_b:
        return 0.0
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    return sum(v * large.get(k, 0) for k, v in small.items()) / (norm_a * norm_b)
