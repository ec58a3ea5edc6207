"""Stage 7 (learned topics): every story's words and names, counted once for the two stages
that weigh them, the learned topics and the events.

What the model reads of a story is its words (every version's, one and two at a time) and its
entities' canonical names (``story_terms``). They are counted into one matrix of stories by
terms (``TermCounts``), and the matrix is kept in the cache: a rebuild reads the terms of the
stories that changed and takes every other row from the last build (``count_terms``).
"""

from __future__ import annotations

import itertools
import logging
import re
from array import array
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .cache import DigestCache, code_version, content_key
from .dates import ascii_digits
from .models import TaggedStory
from .segment import icu_words
from .text import is_unspaced

log = logging.getLogger("mkdocs.plugins.digest")

if TYPE_CHECKING:
    import numpy as np
    from scipy.sparse import csr_matrix


ENTITY_PREFIX = "@"
"""Marks a named entity's canonical name among the words: a name is one feature, whatever
the script or spelling the text used."""

_WORD = re.compile(r"\w+(?:['’]\w+)*")


def story_terms(t: TaggedStory) -> list[str]:
    """What the model reads of a story: the words of every version (copies, rewrites and
    translations), casefolded, one and two at a time, and its entities' canonical names."""
    terms: list[str] = []
    for article in t.story.articles:
        for text in (article.title, article.body_text):
            words = _words(ascii_digits(text).casefold())
            terms.extend(words)
            terms.extend(f"{a} {b}" for a, b in itertools.pairwise(words))
    terms.extend(ENTITY_PREFIX + lab.name for lab in t.entities)
    return terms


@dataclass(frozen=True)
class TermCounts:
    """Every story's terms (``story_terms``) counted once, in the order of the stories' ids,
    for the two stages that weigh them: learned topics and events. Reading the terms is most
    of either stage's cost when the other results come from the cache."""

    ids: tuple[str, ...]
    """The stories' ids: the rows, sorted."""
    vocabulary: np.ndarray
    """The terms: the columns, sorted (as scikit-learn's vectorizers sort them)."""
    counts: csr_matrix
    """Stories x terms: how often each story uses each term."""
    keys: tuple[str, ...] = ()
    """Per row: the story's ``terms_key``, by which a later build knows the row is still right."""

    def keep(self, columns: np.ndarray) -> TermCounts:
        """Only the terms in ``columns``: what a later stage needs, the rest freed."""
        return TermCounts(
            self.ids, self.vocabulary[columns], self.counts[:, columns].tocsr(), self.keys
        )

    def stories(self, rows: Sequence[int]) -> TermCounts:
        """Only the stories in ``rows`` (in that order): their counts without counting again."""
        return TermCounts(
            tuple(self.ids[r] for r in rows),
            self.vocabulary,
            self.counts[list(rows)].tocsr(),
            tuple(self.keys[r] for r in rows) if self.keys else (),
        )

    def tfidf(
        self, columns: np.ndarray, min_df: int = 1, max_df: float = 1.0
    ) -> tuple[csr_matrix, np.ndarray]:
        """TF-IDF (sublinear, unit rows) of the terms in ``columns`` that between ``min_df``
        stories and a ``max_df`` share of them use, and those terms: what scikit-learn's
        ``TfidfVectorizer`` gives for the same terms and bounds. ValueError when none is left.
        """
        import numpy as np
        from sklearn.feature_extraction.text import TfidfTransformer

        chosen = self.counts[:, columns].tocsr()
        used_by = np.bincount(chosen.indices, minlength=chosen.shape[1])
        kept = np.flatnonzero((used_by >= min_df) & (used_by <= max_df * chosen.shape[0]))
        if not len(kept):
            raise ValueError("no term is left to weigh")
        matrix = TfidfTransformer(sublinear_tf=True).fit_transform(chosen[:, kept])
        return matrix.tocsr(), self.vocabulary[columns][kept]


def terms_key(t: TaggedStory) -> str:
    """What a story's terms are counted from (``story_terms``), as one key: a story whose
    versions and names are unchanged has the same counts, whatever its id."""
    texts = (text for article in t.story.articles for text in (article.title, article.body_text))
    return content_key(*texts, ENTITY_PREFIX, *(lab.name for lab in t.entities))


def count_terms(tagged: Sequence[TaggedStory], previous: TermCounts | None = None) -> TermCounts:
    """Every story's terms, counted once (``TermCounts``): the matrix scikit-learn's
    ``CountVectorizer`` makes of them, each row's entries in the order of their terms.

    ``previous``: the counts of an earlier build. A story whose ``terms_key`` it has keeps its
    row and is not read again: reading the terms was two thirds of the learned topics' cost
    on a rebuild (2.1 s of 3.3 s at 1,600 sources) when one story had changed. The counts are
    the same, entry for entry, with or without ``previous``.
    """
    import numpy as np
    from scipy.sparse import csr_matrix, vstack

    stories = sorted(tagged, key=lambda t: t.story.id)
    keys = tuple(terms_key(t) for t in stories)
    known = {key: row for row, key in enumerate(previous.keys)} if previous is not None else {}
    kept = [n for n, key in enumerate(keys) if key in known]
    fresh = [n for n, key in enumerate(keys) if key not in known]
    earlier = np.array([], dtype=object)
    if previous is not None and kept:
        earlier = previous.vocabulary
    read = _read_terms([stories[n] for n in fresh], earlier)
    vocabulary = np.insert(earlier, read.inserted, read.new_terms)
    # An earlier term's column moves right by the new terms sorted before it.
    moved = np.arange(len(earlier)) + np.searchsorted(
        read.inserted, np.arange(len(earlier)), side="right"
    )
    index_type = np.int32 if len(vocabulary) < np.iinfo(np.int32).max else np.int64
    parts = []
    if kept:
        assert previous is not None
        before = previous.counts[[known[keys[n]] for n in kept]].tocsr()
        parts.append(
            csr_matrix(
                (before.data, moved[before.indices].astype(index_type), before.indptr),
                shape=(len(kept), len(vocabulary)),
            )
        )
    if fresh or not kept:
        is_new = read.columns < 0
        places = np.empty(len(read.columns), dtype=np.int64)
        places[~is_new] = moved[read.columns[~is_new]]
        places[is_new] = read.new_places[-1 - read.columns[is_new]]
        rows = np.repeat(np.arange(len(fresh)), read.sizes)
        order = np.lexsort((places, rows))
        indptr = np.concatenate(([0], np.cumsum(read.sizes)))
        parts.append(
            csr_matrix(
                (read.values[order], places[order].astype(index_type), indptr.astype(index_type)),
                shape=(len(fresh), len(vocabulary)),
            )
        )
    counts = vstack(parts, format="csr") if len(parts) > 1 else parts[0]
    if kept and fresh:  # the rows back in the order of the stories' ids
        position = np.empty(len(stories), dtype=np.int64)
        position[[*kept, *fresh]] = np.arange(len(stories))
        counts = counts[position].tocsr()
    # A term only stories now gone used is dropped: a fresh count never saw it.
    used = np.bincount(counts.indices, minlength=len(vocabulary)) > 0
    if not used.all():
        renumber = (np.cumsum(used) - 1).astype(index_type)
        counts = csr_matrix(
            (counts.data, renumber[counts.indices], counts.indptr),
            shape=(len(stories), int(used.sum())),
        )
        vocabulary = vocabulary[used]
    counts.has_sorted_indices = True
    return TermCounts(tuple(t.story.id for t in stories), vocabulary, counts, keys)


TERMS_KIND = "terms"
"""The term counts of the last build, kept in the cache for the next (``count_terms``)."""
_SEPARATOR = "\x00"
"""Joins the terms when they are stored: no word or name the counts keep contains it."""


def terms_version() -> str:
    """The stored counts are right only for the code that read the terms (words, digits,
    ICU's word breaks) and the ICU it ran with."""
    import sys
    from importlib.metadata import version

    from . import dates, segment, text

    return code_version(sys.modules[__name__], dates, segment, text, options=version("icu4py"))


def cached_count_terms(tagged: Sequence[TaggedStory], cache: DigestCache) -> TermCounts:
    """``count_terms`` from the counts the last build kept in ``cache``, and these kept for the
    next; the file is written again only when a story's terms changed or a story left."""
    version = terms_version()
    previous = load_term_counts(cache, version)
    counts = count_terms(tagged, previous)
    if previous is None or counts.keys != previous.keys:
        store_term_counts(cache, counts, version)
    return counts


def load_term_counts(cache: DigestCache, version: str) -> TermCounts | None:
    """The counts the last build stored, or None (none, another version, damaged)."""
    import numpy as np
    from scipy.sparse import csr_matrix

    arrays = cache.get_arrays(TERMS_KIND, version)
    if arrays is None:
        return None
    try:
        terms = bytes(arrays["vocabulary"]).decode("utf-8")
        keys = bytes(arrays["keys"]).decode("ascii")
        vocabulary = np.empty(int(arrays["shape"][1]), dtype=object)
        vocabulary[:] = terms.split(_SEPARATOR) if len(vocabulary) else []
        counts = csr_matrix(
            (arrays["data"], arrays["indices"], arrays["indptr"]),
            shape=tuple(int(n) for n in arrays["shape"]),
        )
        counts.has_sorted_indices = True
        row_keys = tuple(keys.split(_SEPARATOR)) if counts.shape[0] else ()
        if len(row_keys) != counts.shape[0]:
            raise ValueError("a key per row")
    except (KeyError, ValueError, IndexError, UnicodeDecodeError) as exc:
        log.warning("Stored term counts unreadable (%s): counting again", exc)
        return None
    return TermCounts((), vocabulary, counts, row_keys)


def store_term_counts(cache: DigestCache, counts: TermCounts, version: str) -> None:
    """Keep ``counts`` for the next build; not when a term holds the separator."""
    import numpy as np

    joined = _SEPARATOR.join(counts.vocabulary)
    if joined.count(_SEPARATOR) != max(len(counts.vocabulary) - 1, 0):
        return
    matrix = counts.counts
    cache.put_arrays(
        TERMS_KIND,
        version,
        {
            "vocabulary": np.frombuffer(joined.encode("utf-8"), dtype=np.uint8),
            "keys": np.frombuffer(_SEPARATOR.join(counts.keys).encode("ascii"), dtype=np.uint8),
            "data": matrix.data,
            "indices": matrix.indices,
            "indptr": matrix.indptr,
            "shape": np.array(matrix.shape, dtype=np.int64),
        },
    )


@dataclass(frozen=True)
class _Read:
    """The terms of the stories read afresh, against an earlier build's sorted vocabulary."""

    sizes: np.ndarray
    """Per story: how many different terms it has."""
    columns: np.ndarray
    """Per entry: its term's column in the earlier vocabulary, or ``-1 - n`` for the n-th new
    term (numbered as first seen)."""
    values: np.ndarray
    """Per entry: how often the story uses the term."""
    new_terms: np.ndarray
    """The terms the earlier vocabulary lacks, sorted."""
    inserted: np.ndarray
    """Per new term (sorted): where it goes in the earlier vocabulary (``np.insert``'s places)."""
    new_places: np.ndarray
    """Per new term (as first seen): its column among all the terms."""


FEW_STORIES = 64
"""Up to this many stories read afresh look their terms up in the earlier vocabulary by
bisection; more build a dictionary of it (a tenth of a second per million terms), which pays
for itself past a few dozen stories of a thousand terms each."""


def _read_terms(stories: Sequence[TaggedStory], earlier: np.ndarray) -> _Read:
    """Count each story's terms, one story at a time: all of them at once (a string per word
    pair per story) were the build's largest allocation at 10,000 sources."""
    import bisect

    import numpy as np

    if len(stories) > FEW_STORIES:
        columns_of = {term: column for column, term in enumerate(earlier)}

        def column(term: str) -> int:
            return columns_of.get(term, -1)

    else:

        def column(term: str) -> int:
            at = bisect.bisect_left(earlier, term)
            return at if at < len(earlier) and earlier[at] == term else -1

    seen: dict[str, int] = {}  # the new terms, numbered as first seen
    columns_seen, counts_seen, sizes_seen = array("q"), array("d"), array("q")
    for t in stories:
        counted = Counter(story_terms(t))
        sizes_seen.append(len(counted))
        for term in counted:
            at = column(term)
            columns_seen.append(at if at >= 0 else -1 - seen.setdefault(term, len(seen)))
        counts_seen.extend(counted.values())
    by_seen = list(seen)
    del seen
    alphabetical = sorted(range(len(by_seen)), key=by_seen.__getitem__)
    new_terms = np.empty(len(by_seen), dtype=object)
    new_terms[:] = [by_seen[i] for i in alphabetical]
    inserted = np.searchsorted(earlier, new_terms).astype(np.int64)
    rank = np.empty(len(by_seen), dtype=np.int64)
    rank[alphabetical] = np.arange(len(by_seen))
    # A new term's column: the new terms sorted before it, and the earlier terms before it.
    new_places = rank + inserted[rank]
    return _Read(
        np.frombuffer(sizes_seen, dtype=np.int64),
        np.frombuffer(columns_seen, dtype=np.int64),
        np.frombuffer(counts_seen, dtype=np.float64),
        new_terms,
        inserted,
        new_places,
    )


def _words(text: str) -> list[str]:
    """Words, cut by ICU where a script runs its words together (Chinese, Thai, Burmese)."""
    if not is_unspaced(text):
        return _WORD.findall(text)
    return [w for w in icu_words(text) if any(c.isalnum() for c in w)]
