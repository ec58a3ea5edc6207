"""Stage 2 (clean), shared by every step: a source's lines and the prose tests.

A ``Line`` is what the cascade passes from step to step; ``is_prose``, ``normalise_line`` and
``best_window`` are the tests the rules and the line model (``linemodel.py``) both use.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..models import (
    RemovalRule,
    Role,
)
from ..text import is_unspaced, word_count

STORY_PARAGRAPH_WORDS = 25
"""Words of prose that make a line a paragraph of a story, not a teaser or a menu entry: the
end rules act only below one, and a list below the story ends at the next."""
MARKER_EDGES = " :|-–—•·*#"
"""Punctuation around a marker line ("— Related —", "| Comments |") ignored when matching it."""
SENTENCE_END = re.compile(r"[.!?…。！？။។؟۔।॥\"”’)\]]\s*$")
"""A line that ends a sentence (Burmese ends one with ။, Khmer with ។, Arabic a question with
؟, Urdu with ۔, Hindi with ।; Thai marks none)."""
UNPUNCTUATED_MAX_WORDS = 40
"""A line of this many words without one sentence or clause mark is a menu, a tag cloud or an
archive list run together, not prose: a sentence that long has a comma. On the trafilatura
subset's html-text copies 18 lines are that long and unmarked: none hand-labelled as the story
(one as clutter), and trafilatura's extraction keeps one, an infobox run together. In ECB+'s
982 news texts, none (at 20 words, real sentences turn up there). Scripts written without
spaces are left alone (Thai parts its sentences with spaces, not marks)."""
_CLAUSE_MARK = re.compile(r"[.,;:!?。，、；：！？،؛؟।॥။၊]")


def is_prose(text: str, words: int | None = None) -> bool:
    """A line that reads like article prose rather than a link, label or headline
    (``words``: its word count, when the caller has already counted it)."""
    n = word_count(text) if words is None else words
    if n >= UNPUNCTUATED_MAX_WORDS and not _CLAUSE_MARK.search(text) and not is_unspaced(text):
        return False
    return n >= 20 or (n >= 8 and bool(SENTENCE_END.search(text)))


def best_window(scores: Sequence[int]) -> tuple[int, int]:
    """The contiguous stretch with the highest positive sum, as (first, last) index; (0, -1)
    when no stretch scores above zero (the maximum-subarray scan)."""
    best, best_start, best_end = 0, 0, -1
    run, run_start = 0, 0
    for i, score in enumerate(scores):
        if run <= 0:
            run, run_start = score, i
        else:
            run += score
        if run > best:
            best, best_start, best_end = run, run_start, i
    return best_start, best_end


_NON_WORD = re.compile(r"\W+")


def normalise_line(text: str) -> str:
    """The key under which two lines count as the same line."""
    return _NON_WORD.sub(" ", text.casefold()).strip()


class LineState(enum.Enum):
    """Where a line stands in the cascade: what the next step may read of it."""

    UNLABELLED = "unlabelled"
    """Kept, and no step has yet said what it is: steps 7 to 9 give it a role."""
    KEPT = "kept"
    """Kept with a role: the title, furniture or the body."""
    MARKER = "marker"
    """Removed as a chrome phrase ("Related", "Comments", "Most Popular"), yet read by the
    steps that find where the article ends (4, 5 and 11) as the marker it is."""
    REMOVED = "removed"


@dataclass
class Line:
    """One line of a source as the cascade sees it: text, and what it was found to be. Steps
    read its ``state``; they change only ``role``, ``removed_by`` and ``detail`` (the wire
    dateline also ``text``)."""

    number: int
    text: str
    role: Role | None = None
    removed_by: RemovalRule | None = None
    detail: str = ""

    @property
    def state(self) -> LineState:
        if self.removed_by is RemovalRule.CHROME_PHRASE:
            return LineState.MARKER
        if self.removed_by is not None:
            return LineState.REMOVED
        return LineState.UNLABELLED if self.role is None else LineState.KEPT

    @property
    def live(self) -> bool:
        """Still kept: not removed by any step so far."""
        return self.removed_by is None

    @property
    def unlabelled(self) -> bool:
        return self.state is LineState.UNLABELLED

    @property
    def in_story(self) -> bool:
        """Kept with a role below the headline: a block of the story as it stands."""
        return self.state is LineState.KEPT and self.role is not Role.TITLE

    @property
    def marks_end(self) -> bool:
        """Live, or a removed chrome phrase that still marks where the article ends."""
        return self.state is not LineState.REMOVED


def is_story_paragraph(text: str, words: int | None = None) -> bool:
    """A line that reads as a paragraph of a story: prose of STORY_PARAGRAPH_WORDS or more
    (``words``: its word count, when the caller has already counted it)."""
    n = word_count(text) if words is None else words
    return n >= STORY_PARAGRAPH_WORDS and is_prose(text, n)
