"""Shared by the stages: text made safe to show (by the pages, the feeds and the terminal), and
counted."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    """Control characters (an escape sequence in a file name, say) as ``\\xNN`` text.

    A terminal would obey them, XML cannot hold them, and a reader cannot see them.
    """
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text)


_HAN_KANA_HANGUL = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
"""Chinese and Japanese run their words unspaced, about two characters each (Korean spaces its
words, and counts by its spaces)."""
UNSPACED_ALPHABETS = re.compile(r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff]")
"""Thai, Lao, Burmese and Khmer run their words unspaced too (a space ends a phrase), about
three code points each, vowel and tone signs included."""
UNMARKED_SCRIPTS = re.compile(r"[\u0e00-\u0eff\u1780-\u17ff]")
"""Thai, Lao and Khmer mark no sentence end (Burmese writes ။): a space parts their sentences,
so punctuation cannot tell a headline from a sentence."""
_ANY_UNSPACED = re.compile(f"{_HAN_KANA_HANGUL.pattern}|{UNSPACED_ALPHABETS.pattern}")


def is_unspaced(text: str) -> bool:
    """Whether a line is in a script that does not space its words (Chinese, Thai, Burmese)."""
    return not text.isascii() and bool(_ANY_UNSPACED.search(text))


def word_count(text: str) -> int:
    """Words, by spaces, or by characters for scripts that do not space their words: a Burmese
    or Thai paragraph is as long as an English one of the same length in words."""
    spaced = len(text.split())
    if not is_unspaced(text):  # most lines: counting stops here
        return spaced
    by_characters = (
        len(_HAN_KANA_HANGUL.findall(text)) // 2 + len(UNSPACED_ALPHABETS.findall(text)) // 3
    )
    return max(spaced, by_characters)


_RUNS_ON = re.compile(r"\s+(?:of\s+)?[A-Z][a-z]")
_SENTENCE_STARTS = ("The ", "A ", "In ", "On ")


def name_runs_on(text: str, end: int) -> bool:
    """Whether capitalised words go on after ``end``, making what ends there part of a longer
    name ("United States" in "United States Geological Survey"); not when a new sentence or
    clause begins with "The", "A", "In" or "On"."""
    return bool(_RUNS_ON.match(text, end)) and not text[end:].lstrip().startswith(_SENTENCE_STARTS)
