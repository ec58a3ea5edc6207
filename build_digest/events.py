"""Stage 10 (events): the reports of one happening, by several outlets, in several languages,
grouped.

Folding asks "is this the same report?"; related coverage lists the most alike stories. An
event is the happening itself: Laukkai's capture, the Kunming talks. Stories are grouped by
what a reader would accept as evidence of one happening: the rare names and words they share
(TF-IDF of their words and canonical names, so that reports in two languages meet on their
names) and, between dated stories, dates within ``WINDOW_DAYS``; never by topic alone. The
grouping is average-linkage clustering: a story joins an event when it is, on average, close
enough to every report already in it, so that a chain of look-alikes does not make one event.
Two groups that each hang together much better than they do with each other stay two events
(``SUBEVENT_SHARE``): two title fights of one boxer, two patches for one browser share the
words of their kind, not their happening. Commentary and explainers ("Opinion | …", "Why
Beijing let …") report no happening and join none. A story belongs to at most one event; an
event has at least two stories.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

import numpy as np
from scipy.sparse import csr_matrix

from .dedupe import stopwords
from .models import Dated, DatePrecision, Event, TaggedStory
from .render import chronological
from .terms import TermCounts, count_terms

MIN_SIMILARITY = 0.15
"""Two groups of stories are one event when their stories' mean similarity reaches this
(similarity: the mean of their texts' TF-IDF cosine and the IDF-weighted share of their
names). Chosen on ECB+'s odd-numbered texts left undated, where it gave B-cubed precision
0.90 and recall 0.92; dated as the build dates them (the evaluation's measure since), the
same texts give 0.96 and 0.80 (``python -m benchmarks.evaluate events --half dev``): dates
part reports a week apart that words alone join. The even-numbered ones are held out."""
WINDOW_DAYS = 7
"""Dated reports more than a week apart are not one event: the same headline on other days
is a new happening (a second round of talks, a second attack). An undated report has no
date to hold against any other: its words and names alone decide. (Giving pairs with an
undated report a lower similarity raised precision and lowered recall more on ECB+'s
odd-numbered texts dated as the build dates them.)"""
MAX_SHARE = 0.5
"""Words in more than half the stories are the archive's background, not an event's."""
MIN_STORIES = 10
"""An archive of fewer stories has no events: in four or five stories on one war, the
archive's own words (the junta, the border, the alliance) cannot be told from an event's."""
SUBEVENT_STORIES = 3
"""Groups of at least this many reports each are tested as two happenings (``SUBEVENT_SHARE``):
how alike two reports are says as much about their outlets and lengths as about their event,
so a pair is no measure of a group's cohesion. On ECB+'s odd-numbered texts (undated) 2 split
more true events apart (B-cubed F1 0.896 against 0.909 with 3)."""
SUBEVENT_SHARE = 0.75
"""Two groups of one language stay two events when they are less alike to each other (their
mean similarity) than this share of the less cohesive group's mean similarity within: each is
one happening, and what joins them is the kind of happening. Groups in different languages
are never parted so: their reports meet on names alone, and words make any group of one
language look more alike within. Chosen on ECB+'s odd-numbered texts undated, where it raised
B-cubed precision from 0.900 to 0.918 at the same F1 (0.909; 0.7 gave 0.914 and 0.906, 0.8 0.918
and 0.906); the even-numbered ones are held out (``python -m benchmarks.evaluate events
--half dev``)."""
FAR = 10.0
"""The distance given to two stories that cannot be one event (too far apart in time):
enough to keep any average of their group above the threshold."""


def group_events(
    tagged: Sequence[TaggedStory], words: TermCounts | None = None
) -> tuple[Event, ...]:
    """The events of two or more stories, newest first; deterministic for the same stories.
    ``words``: the stories' ``event_words``, when already counted."""
    stories = sorted(tagged, key=lambda t: t.story.id)
    if len(stories) < MIN_STORIES:
        return ()
    if words is None or words.ids != tuple(t.story.id for t in stories):
        words = event_words(count_terms(stories))
    reports = [n for n, t in enumerate(stories) if not is_commentary(t.story.main.title)]
    if len(reports) < len(stories):  # the counts already made, without commentary's rows
        stories, words = [stories[n] for n in reports], words.stories(reports)
    dates = [_span(t) for t in stories]
    languages = [t.story.language.code.split("-")[0] for t in stories]
    kept = _Similarity(stories, dates, words).pairs()
    days = _days(dates)
    events = []
    for members in _components(kept >= MIN_SIMILARITY):
        for group in _average_linkage(members, kept, days, languages):
            if len(group) >= 2:
                events.append(_event([stories[i] for i in group]))
    return tuple(sorted(events, key=lambda e: (e.end or dt.date.min, e.id), reverse=True))


COMMENTARY = re.compile(
    r"^\s*(?:(?:opinion|analysis|commentary|comment|editorial|explainer|column|perspective|"
    r"op-ed|评论|社论|分析|观点|บทวิเคราะห์|บทบรรณาธิการ|ทัศนะ|သုံးသပ်ချက်|အယ်ဒီတာ့အာဘော်)"
    r"\s*[:|：｜–—-]|(?:why|how|what)\s)",
    re.I,
)
"""A headline that says the story is commentary ("Opinion | …", "Analysis: …", 评论：…) or
explains ("Why Beijing let …", "How cheap drones …"): it looks back on happenings, it reports
none, and its words are those of every report it discusses."""


def is_commentary(headline: str) -> bool:
    return bool(COMMENTARY.match(headline))


BLOCK = 512
"""Stories compared at a time, in date order, with the stories within reach of their days
(``_Similarity.reach``): a block's similarities are one dense array of at most BLOCK x n (20 MB
at 5,000 stories), never the archive's n x n. In the benchmark's 10,000 sources, all of one
month, comparing each block with its reach alone halved the stage (18.7 s to 9.8 s, the same
events); an archive of a year's reports is compared week by week."""
KEEP_FROM = 0.05
"""Similarities under this are kept as 0: they cannot make an event, and in an average they
weigh as little as 0 does; keeping them would keep most pairs of the archive."""


class _Similarity:
    """Pairwise similarity of the stories: the mean of text cosine and name overlap (both
    IDF-weighted; single words only, stopwords left out), 0 for pairs too far apart in time
    and under ``KEEP_FROM``. Computed block by block, never as one square array: at 10,000
    stories of one war most pairs pass ``KEEP_FROM``, and the archive's n x n took more memory
    than any other stage; only the pairs kept are held (``pairs``)."""

    def __init__(
        self, stories: Sequence[TaggedStory], dates: Sequence[Span | None], words: TermCounts
    ) -> None:
        from scipy.sparse import csr_matrix, diags

        n = len(stories)
        try:
            self.text, _ = words.tfidf(np.arange(len(words.vocabulary)), max_df=MAX_SHARE)
        except ValueError:  # no word left to tell the stories apart
            self.text = csr_matrix((n, 1))
        self.text.sort_indices()  # each row's words in one order: a pair sums them alike
        self.names = _name_matrix(stories)
        idf = np.asarray(self.names.sum(axis=0)).ravel()
        # A name every story shares tells no event from another (Myanmar, in one war's archive,
        # or Shan State): it weighs nothing, and the rarer a name the more it weighs.
        idf = np.log((1 + n) / (1 + idf))
        self.weighted = (self.names @ diags(idf)).tocsr()
        self.totals = np.asarray(self.weighted.sum(axis=1)).ravel()
        self.days = _days(dates)
        self.count = n
        self._by_start = np.argsort(self.days[:, 0], kind="stable")  # undated (NaN) last
        self._starts = self.days[self._by_start, 0]
        self._undated = np.flatnonzero(np.isnan(self.days[:, 0]))

    def block(self, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
        """The similarities of ``rows`` to ``columns`` (story indexes), dense; a story's own 0."""
        cosine = (self.text[rows] @ self.text[columns].T).toarray()
        shared = (self.weighted[rows] @ self.names[columns].T).toarray()
        union = self.totals[rows, None] + self.totals[None, columns] - shared
        overlap = np.divide(shared, union, out=np.zeros_like(shared), where=union > 0)
        block = (cosine + overlap) / 2
        apart = _apart(self.days[rows], self.days[columns])
        block[apart | (block < KEEP_FROM)] = 0.0
        block[rows[:, None] == columns[None, :]] = 0.0
        return block

    def reach(self, rows: np.ndarray) -> np.ndarray:
        """The stories (sorted indexes) that may be within ``WINDOW_DAYS`` of any of ``rows``:
        every other pair is apart, its similarity 0 unread. Rows taken in date order span a few
        days, so a block is compared with the weeks around it, not the archive; an undated row
        reaches every story, an undated story every row."""
        days = self.days[rows]
        if np.isnan(days).any() or not len(rows):
            return np.arange(self.count)
        first, last = days[:, 0].min() - WINDOW_DAYS, days[:, 1].max() + WINDOW_DAYS
        before = self._by_start[: np.searchsorted(self._starts, last, side="right")]
        near = before[self.days[before, 1] >= first]
        return np.sort(np.concatenate([near, self._undated]))

    def pairs(self) -> csr_matrix:
        """Every pair's similarity above 0 (at least ``KEEP_FROM``, within the window), once,
        in the upper triangle (the lower story index first), sparse: the links and the
        distances of the events are both read from it. Rows are taken ``BLOCK`` at a time in
        date order, each block against the stories in its ``reach`` from its own on in date
        order: a pair is compared in the block of whichever of its stories comes first, once
        (a pair's similarity is the same either way round, to the bit: the products it sums
        are the same, in the order of the words). At 10,000 sources the distances computed
        every block a second time, and each block compared its pairs with earlier blocks
        again (together 5 s of the stage's 11.6 s); the kept pairs take 0.1 GB there, and a
        pair under ``KEEP_FROM`` or too far apart is not held."""
        from scipy.sparse import csr_matrix

        order = self._by_start
        position = np.empty(self.count, dtype=np.intp)
        position[order] = np.arange(self.count)
        found_rows, found_columns, found_values = [], [], []
        for start in range(0, self.count, BLOCK):
            rows = np.sort(order[start : start + BLOCK])
            columns = self.reach(rows)
            columns = columns[position[columns] >= start]  # earlier blocks compared these
            block = self.block(rows, columns)
            # A pair of two stories of this block is compared both ways round: once is kept.
            inside = np.flatnonzero(position[columns] < start + BLOCK)
            twice_rows, twice = np.nonzero(rows[:, None] >= columns[None, inside])
            block[twice_rows, inside[twice]] = 0.0
            hit_rows, hit_columns = np.nonzero(block)
            r, c = rows[hit_rows], columns[hit_columns]
            found_rows.append(np.minimum(r, c).astype(np.int32))  # half the memory of intp
            found_columns.append(np.maximum(r, c).astype(np.int32))
            found_values.append(block[hit_rows, hit_columns])
        r = np.concatenate(found_rows) if found_rows else np.zeros(0, dtype=np.int32)
        c = np.concatenate(found_columns) if found_columns else np.zeros(0, dtype=np.int32)
        v = np.concatenate(found_values) if found_values else np.zeros(0)
        return csr_matrix((v, (r, c)), shape=(self.count, self.count))


def event_words(terms: TermCounts) -> TermCounts:
    """The terms events weigh: single words, stopwords left out (names are weighed apart).
    The build keeps these alone once topics are learned: the pairs of words are most of the
    counts' memory (about 0.5 GB at 10,000 sources)."""
    stop = stopwords()
    single = [i for i, term in enumerate(terms.vocabulary) if " " not in term and term not in stop]
    return terms.keep(np.array(single, dtype=np.intp))


Span = tuple[dt.date, dt.date]
"""The first and last day a story may be of: one day, or a whole month when only the month is
known ("8月3日" with its year from related coverage)."""


def _span(t: TaggedStory) -> Span | None:
    if not isinstance(t.date, Dated):
        return None
    day = t.date.value
    if t.date.precision is DatePrecision.MONTH:
        first = day.replace(day=1)
        following = (first + dt.timedelta(days=32)).replace(day=1)
        return first, following - dt.timedelta(days=1)
    return day, day


def _days(dates: Sequence[Span | None]) -> np.ndarray:
    """Each span as its first and last day numbers, NaN when undated (an undated story is apart
    from none)."""
    return np.array(
        [(s[0].toordinal(), s[1].toordinal()) if s else (np.nan, np.nan) for s in dates],
        dtype=float,
    ).reshape(len(dates), 2)


def _apart(rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """Which pairs are more than ``WINDOW_DAYS`` apart: the gap between their spans (a story
    dated to the month is within the window of any day of that month; NaN compares false).
    Compared one side at a time, the days moved by the window first: two boolean arrays,
    not the float arrays of each gap (0.8 s of the stage at 10,000 sources)."""
    after = rows[:, None, 0] - WINDOW_DAYS > columns[None, :, 1]
    after |= columns[None, :, 0] - WINDOW_DAYS > rows[:, None, 1]
    return after


def _name_matrix(stories: Sequence[TaggedStory]) -> csr_matrix:
    """Stories x canonical names, 1 where the story names it."""
    from scipy.sparse import csr_matrix

    column: dict[str, int] = {}
    rows, cols = [], []
    for i, t in enumerate(stories):
        for name in sorted({lab.name for lab in t.entities}):
            rows.append(i)
            cols.append(column.setdefault(name, len(column)))
    return csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(stories), max(len(column), 1)))


def _components(links: csr_matrix) -> list[list[int]]:
    """Stories linked by any pair that could be one event: average linkage never joins across
    two of these, so each is clustered on its own."""
    from scipy.sparse.csgraph import connected_components

    _, labels = connected_components(links, directed=False)
    groups: dict[int, list[int]] = {}
    for i, label in enumerate(labels):
        groups.setdefault(int(label), []).append(i)
    return [g for g in groups.values() if len(g) >= 2]


def _average_linkage(
    members: list[int],
    kept: csr_matrix,
    days: np.ndarray,
    languages: Sequence[str],
) -> list[list[int]]:
    """Average-linkage clusters of ``members`` cut at ``MIN_SIMILARITY`` and where two groups
    are two happenings (``_cut``); two stories too far apart in time are ``FAR`` apart, so no
    group holds both."""
    from scipy.cluster.hierarchy import linkage

    if len(members) == 2:
        return [members]  # the pair passed the threshold and the window
    tree = linkage(_condensed_distances(members, kept, days), method="average")
    return [[members[i] for i in group] for group in _cut(tree, [languages[i] for i in members])]


def _condensed_distances(members: list[int], kept: csr_matrix, days: np.ndarray) -> np.ndarray:
    """The distances of every pair of ``members`` (ascending story indexes; 1 - similarity,
    ``FAR`` when too far apart in time) as scipy's condensed vector (``squareform``'s), from
    the kept pairs (``_Similarity.pairs``; a pair not kept is 1 apart), a row at a time:
    never the square array, nor a square temporary. A group of 7,000 linked stories costs
    the vector's 0.2 GB (and scipy's copy of it); the square array and its temporaries took
    1.1 GB, the build's peak at 10,000 sources."""
    chosen = np.array(members, dtype=np.intp)
    m = len(chosen)
    # The members' own pairs, still the upper triangle (members are ascending); all of them
    # when one group holds every story, as in an archive of one war's month.
    own = kept if m == kept.shape[0] else kept[chosen][:, chosen].tocsr()
    spans = days[chosen]
    condensed = np.ones(m * (m - 1) // 2)
    start = 0
    for a in range(m - 1):
        segment = condensed[start : start + m - a - 1]  # the pairs (a, b) for b after a
        low, high = own.indptr[a], own.indptr[a + 1]
        segment[own.indices[low:high] - a - 1] = 1.0 - own.data[low:high]
        segment[_apart(spans[a : a + 1], spans[a + 1 :])[0]] = FAR
        start += m - a - 1
    return condensed


def _cut(tree: np.ndarray, languages: Sequence[str]) -> list[list[int]]:
    """The groups of a linkage tree (scipy's): a merge stands when its groups are on average
    ``MIN_SIMILARITY`` alike, unless they are two happenings of one language
    (``SUBEVENT_SHARE``). Cohesion is summed up the tree from the merges' own distances, so the
    test costs nothing per pair."""
    n = len(languages)
    size = [1] * n + [int(row[3]) for row in tree]
    within = [0.0] * (2 * n - 1)  # the sum of similarities over a group's pairs
    language: list[str | None] = [*languages, *([None] * (n - 1))]
    for k, (left, right, distance, _) in enumerate(tree):
        a, b, node = int(left), int(right), n + k
        within[node] = within[a] + within[b] + size[a] * size[b] * (1.0 - distance)
        language[node] = language[a] if language[a] == language[b] else None

    def cohesion(node: int) -> float:
        return within[node] / (size[node] * (size[node] - 1) / 2)

    def two_happenings(k: int) -> bool:
        a, b = int(tree[k, 0]), int(tree[k, 1])
        return (
            min(size[a], size[b]) >= SUBEVENT_STORIES
            and language[a] is not None
            and language[a] == language[b]
            and 1.0 - tree[k, 2] < SUBEVENT_SHARE * min(cohesion(a), cohesion(b))
        )

    groups: list[list[int]] = []
    todo = [2 * n - 2]
    while todo:
        node = todo.pop()
        k = node - n
        if k >= 0 and (tree[k, 2] > 1.0 - MIN_SIMILARITY or two_happenings(k)):
            todo += [int(tree[k, 1]), int(tree[k, 0])]
            continue
        groups.append(_leaves(tree, node, n))
    return groups


def _leaves(tree: np.ndarray, node: int, n: int) -> list[int]:
    """The stories under a node of the tree, in the tree's order."""
    leaves, todo = [], [node]
    while todo:
        node = todo.pop()
        if node < n:
            leaves.append(node)
        else:
            todo += [int(tree[node - n, 1]), int(tree[node - n, 0])]
    return leaves


def _event(reports: Sequence[TaggedStory]) -> Event:
    ordered = chronological(reports)
    dated = [t.date.value for t in ordered if isinstance(t.date, Dated)]
    first = ordered[0]
    return Event(
        first.story.id,
        first.story.main.title,
        min(dated) if dated else None,
        max(dated) if dated else None,
        tuple(t.story.id for t in ordered),
    )
