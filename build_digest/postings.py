"""Shared by the stages: the one inverted index the corpus stages share (key -> the items that
carry it, capped).

Folding (rare figures, names, quotes), related coverage (shared names, figures, topics) and
the dating of undated stories (labels shared with dated ones) all find candidates by what
two items have in common. A key carried by very many items is no evidence ("Myanmar",
"50%") and would propose a quadratic number of pairs, so keys carried by more than
``max_df`` items are left out: the work stays linear in the number of items.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import TypeVar

Item = TypeVar("Item")


def capped_postings(
    items: Iterable[tuple[Item, Iterable[str]]], max_df: int
) -> tuple[dict[str, list[Item]], Counter[str]]:
    """Postings of the keys carried by at most ``max_df`` items (in the items' order), and
    every key's document frequency (callers weigh keys by rarity)."""
    postings: dict[str, list[Item]] = defaultdict(list)
    df: Counter[str] = Counter()
    for item, keys in items:
        for key in dict.fromkeys(keys):
            df[key] += 1
            postings[key].append(item)
    return {key: found for key, found in postings.items() if df[key] <= max_df}, df
