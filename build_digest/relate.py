"""Stage 9 (relate): related coverage, the stories a reader of one story should see next.

Scored by shared topics and entities (IDF-weighted) and the similarity of the texts'
content words. Candidates come from an inverted index of labels; labels on more than
``max_df`` stories propose none, which keeps the cost linear in the number of stories.
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
from collections import defaultdict
from collections.abc import Sequence

import numpy as np
from scipy.sparse import csr_matrix

from .dedupe import Fingerprint
from .models import Dated, TaggedStory
from .postings import capped_postings

RERANK = 50
"""How many of the best label matches are re-ranked by text similarity."""
TOPIC_WEIGHT = 0.5
"""A shared topic counts half a shared name of the same rarity: topics are broad by design
(a story has up to five, from a list of a dozen), names and figures are specific."""
FIGURE_WEIGHT = 1.0
"""A figure both texts state ("23,000", "29 civilians") is as specific as a shared name."""
COSINE_BLOCK = 16
"""Stories whose text cosines are computed in one product, against the stories of their
shortlists (at most 16 x ``RERANK`` columns): a smaller block meets fewer columns it does not
need. In the benchmark's 10,000 sources the cosines took 1.2 s at 16 against 3.6 s at 128 and
8.9 s for the whole archive at 128; 4 gained little more (1.1 s) for four times the products."""
DATE_SCALE_DAYS = 60
"""Stories two months apart count half as related as stories of the same day (dated ones only)."""


def related_stories(
    tagged: Sequence[TaggedStory],
    count: int = 5,
    max_df: int = 200,
    topic_weight: float = TOPIC_WEIGHT,
    figure_weight: float = FIGURE_WEIGHT,
) -> dict[str, tuple[str, ...]]:
    """Top related stories by shared names, figures and topics (IDF-weighted), text similarity
    and, between dated stories, nearness in time.

    Candidates come from an inverted index of labels; labels on more than ``max_df``
    stories are too common to propose candidates, which keeps the cost linear.
    """
    n = len(tagged)
    prints = {t.story.id: t.story.main_version.fingerprint for t in tagged}
    keys = {}
    weight: dict[str, float] = {}
    for t in tagged:
        sid = t.story.id
        keys[sid] = {f"{lab.kind}:{lab.slug}" for lab in (*t.topics, *t.entities)}
        keys[sid] |= {f"figure:{x}" for x in prints[sid].figures} if figure_weight else set()
    postings, df = capped_postings(keys.items(), max_df)
    for k in df:
        weight[k] = (
            topic_weight
            if k.startswith("topic:")
            else figure_weight
            if k.startswith("figure:")
            else 1.0
        )
    dates = {t.story.id: t.date.value if isinstance(t.date, Dated) else None for t in tagged}
    texts = TextVectors([t.story.id for t in tagged], prints)
    shared_weight = {k: weight[k] * math.log(1 + n / df[k]) for k in postings}
    shortlists = {}
    for t in tagged:
        sid = t.story.id
        scores: dict[str, float] = defaultdict(float)
        for k in keys[sid]:
            for other in postings.get(k, ()):
                if other != sid:
                    scores[other] += shared_weight[k]
        # Text similarity at most doubles a label score, so only the best label matches
        # need it: comparing texts is the costly part. (The best, not all sorted: a story of
        # 10,000 has 70 candidates on average, and sorting them all took 0.7 s.)
        shortlists[sid] = heapq.nsmallest(
            max(RERANK, 10 * count), scores.items(), key=lambda kv: (-round(kv[1], 9), kv[0])
        )
    similarities = texts.shortlist_cosines(
        {sid: [other for other, _ in shortlist] for sid, shortlist in shortlists.items()}
    )
    related = {}
    for sid, shortlist in shortlists.items():
        ranked = [
            (score * (1 + cos) * nearness(dates[sid], dates[other]), other)
            for (other, score), cos in zip(shortlist, similarities[sid], strict=True)
        ]
        ranked.sort(key=lambda x: (-round(x[0], 9), x[1]))
        related[sid] = tuple(other for _, other in ranked[:count])
    return related


class TextVectors:
    """The stories' content-word counts as unit rows of one sparse matrix: a story's cosine
    with its shortlist is one sparse product instead of a dictionary walk per pair."""

    def __init__(self, ids: Sequence[str], prints: dict[str, Fingerprint]) -> None:
        self.row = {sid: i for i, sid in enumerate(ids)}
        vocabulary: dict[str, int] = {}
        rows, cols, values = [], [], []
        for i, sid in enumerate(ids):
            content = prints[sid].content
            norm = math.sqrt(sum(v * v for v in content.values()))
            for word, count in content.items():
                rows.append(i)
                cols.append(vocabulary.setdefault(word, len(vocabulary)))
                values.append(count / norm)
        self.matrix = csr_matrix(
            (np.array(values, dtype=np.float64), (rows, cols)),
            shape=(len(ids), max(len(vocabulary), 1)),
        )

    def shortlist_cosines(self, shortlists: dict[str, list[str]]) -> dict[str, list[float]]:
        """Each story's cosine with every story of its shortlist, in the shortlist's order.
        Computed ``COSINE_BLOCK`` stories at a time against the stories of their shortlists
        only: one sparse product per block instead of one row selection per story, and each
        product as small as the shortlists (a product against the whole archive was most of
        this stage's time at 10,000 sources). A pair's cosine is the same number whatever else
        is in the product."""
        ids = list(shortlists)
        out: dict[str, list[float]] = {}
        for start in range(0, len(ids), COSINE_BLOCK):
            block = ids[start : start + COSINE_BLOCK]
            rows = self.matrix[[self.row[sid] for sid in block]]
            columns = sorted({self.row[o] for sid in block for o in shortlists[sid]})
            place = {column: n for n, column in enumerate(columns)}
            products = (rows @ self.matrix[columns].T).toarray()
            for k, sid in enumerate(block):
                chosen = [place[self.row[o]] for o in shortlists[sid]]
                out[sid] = [float(x) for x in products[k, chosen]]
        return out


def nearness(a: dt.date | None, b: dt.date | None) -> float:
    """1 for the same day, ½ two months apart; 1 when either story is undated (no evidence)."""
    if a is None or b is None:
        return 1.0
    return 1.0 / (1.0 + abs((a - b).days) / DATE_SCALE_DAYS)
