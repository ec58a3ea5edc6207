"""Stage 2 (clean), step 12: repeated text.

A kept line printed again right below itself, or one that runs other kept lines together
(the story again as one line), goes.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

from ..models import (
    RemovalRule,
)
from .lines import Line, normalise_line

REPEAT_GRAM = 4
REPEAT_SHARE = 0.8
"""Share of a line's word 4-grams found in other lines of the page that makes it a copy.
The story run together as one line shares all but the 4-grams spanning its paragraph breaks
(about 0.93 for paragraphs of 40 words); two paragraphs of one story share next to none."""
MAX_SINGLE_SOURCE = 0.5
"""A copy runs several lines together: when one line holds more than half of it, the two
are variants of each other (a recipe's steps, a quote set out again), not a copy."""
MIN_REPEAT_SHINGLES = 5
"""Lines of under eight words are left to the other rules."""
MAX_GRAM_HOLDERS = 20
"""A 4-gram in more lines than this is template text, not a sign of one line's copy (and a
line of them is compared with every other line: the comparison is kept for real copies)."""


def drop_repeated_text(lines: Sequence[Line]) -> None:
    """Remove a kept line that repeats the line just above it or runs other kept lines
    together: an image's alt text printed again as its caption, the whole story again as one
    line (a page's structured data, its print or app copy).

    A line printed again right below itself goes (lines too short to be compared do not
    part the two): one thing shown twice, not a refrain, which has something between.

    A line goes when REPEAT_SHARE of its word 4-grams are in other kept lines and no one of
    them holds more than MAX_SINGLE_SOURCE of it, longest first, so the run-together copy
    goes and the paragraphs stay. A line that repeats one other line (a question put to
    each interviewee, a recipe's step, a pull quote) is printed twice by design, and stays.

    Reads the story's blocks; changes: ``removed_by`` (REPEATED_TEXT).
    """
    copies: defaultdict[str, list[Line]] = defaultdict(list)
    previous = ""
    for ln in lines:
        if not ln.in_story:
            continue
        key = normalise_line(ln.text)
        if len(key.split()) - REPEAT_GRAM + 1 < MIN_REPEAT_SHINGLES:
            continue  # short lines between two copies ("Image 1 of 8") do not part them
        if key == previous:
            ln.removed_by, ln.detail = RemovalRule.REPEATED_TEXT, "100%"
        else:
            copies[key].append(ln)
        previous = key
    grams = {key: _shingles(key) for key in copies}
    held: Counter[tuple[str, ...]] = Counter()  # how many lines hold each 4-gram
    for key_grams in grams.values():
        held.update(key_grams)
    holders: defaultdict[tuple[str, ...], list[str]] | None = None
    for key in sorted(grams, key=lambda k: (-len(grams[k]), k)):
        own = grams[key]
        if len(own) < MIN_REPEAT_SHINGLES:
            continue
        # A 4-gram in many lines is the page's template, no sign of a copy.
        covered = {gram for gram in own if 1 < held[gram] <= MAX_GRAM_HOLDERS}
        if len(covered) < REPEAT_SHARE * len(own):
            continue
        if holders is None:  # built on the first line worth attributing: most pages have none
            holders = defaultdict(list)
            multi = {gram for gram, n in held.items() if 1 < n <= MAX_GRAM_HOLDERS}
            for other, other_grams in grams.items():
                for gram in other_grams & multi:
                    holders[gram].append(other)
        by_line = Counter(other for gram in covered for other in holders[gram] if other != key)
        largest = max((n for other, n in by_line.items() if grams[other]), default=0)
        if largest <= MAX_SINGLE_SOURCE * len(own):
            held.subtract(own)
            grams[key] = set()
            share = f"{len(covered) / len(own):.0%}"
            for ln in copies[key]:
                ln.removed_by, ln.detail = RemovalRule.REPEATED_TEXT, share


def _shingles(key: str) -> set[tuple[str, ...]]:
    """The word 4-grams of a line's key (``normalise_line``: lower case, words and spaces)."""
    words = key.split()
    return set(zip(*(words[i:] for i in range(REPEAT_GRAM)), strict=False))
