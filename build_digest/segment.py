"""Shared by the stages: words in scripts that do not space them, cut by ICU's dictionary-based
word breaker.

Chinese, Japanese, Thai, Lao, Khmer and Burmese run their words together. The search index
and the search page must cut them the same way, or a word typed finds nothing
(Pagefind's own issue #1237: its index cut Chinese with jieba, its queries with the
browser's ``Intl.Segmenter``). Browsers' ``Intl.Segmenter`` *is* ICU's word break iterator,
so the index is cut here with ICU too (through ``icu4py``, which ships ICU), and the search
page cuts queries with ``Intl.Segmenter``: the same dictionaries on both sides.
"""

from __future__ import annotations

import re

import regex

_UNSPACED = (
    r"\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}"
    r"\p{Script=Khmer}\p{Script=Myanmar}ー々〆"
)
_UNSPACED_RUN = regex.compile(rf"[{_UNSPACED}]+")
"""A run of characters in a script that does not space its words (marks included: they
belong to the script of their letter)."""

_MAYBE_UNSPACED = re.compile(r"[\u0e00-\u1fff\u2070-\U0010ffff]")
"""Where a run of ``_UNSPACED_RUN`` can be: every letter of those scripts is at U+0E00 or after,
and none is among General Punctuation's (U+2000-U+206F, the curly quotes and dashes of an
English text). Searched first: the script classes read a text at about 80 ns a character,
this at 12 (1.3 s of a rebuild at 10,000 sources went to finding no Thai in English)."""

_TIGHT = regex.compile(rf"[{_UNSPACED}\u3000-\u303f\uff00-\uffef]")
"""A character written without a space beside its neighbours: an unspaced script's, or CJK
punctuation (，。「」). The search page's ``tight`` class is the same set."""

WORD_MARK = "\u2060"
"""WORD JOINER, written before a space the source itself had beside an unspaced script, so
that the search page can tell the spaces the source had from those the index adds between
words: it removes one kind and keeps the other (Pagefind drops it from the words)."""


def icu_words(text: str) -> list[str]:
    """``text`` cut into ICU's words (spaces and punctuation are segments of their own)."""
    from icu4py.breakers import WordBreaker

    return list(WordBreaker(text, "und"))


def spaced_words(text: str) -> str:
    """The text with a space at every word boundary that touches an unspaced script, as the
    search index reads it. The source's own spaces beside such a script are marked with
    WORD_MARK before them, so that the search page can show the text as written.

    "掸邦停火，昆明" → "掸 邦 停火 ， 昆明"; "ชายแดน ที่แม่สอด" → "ชายแดน⁠ ที่ แม่สอด".
    """
    if text.isascii() or not _MAYBE_UNSPACED.search(text) or not _UNSPACED_RUN.search(text):
        return text
    out: list[str] = []
    for segment in icu_words(text):
        previous = out[-1] if out else ""
        if segment.isspace():
            if previous and _TIGHT.match(previous[-1]):
                out[-1] = previous + WORD_MARK
            out.append(segment)
        elif previous.isspace():
            if _TIGHT.match(segment[0]) and len(out) > 1 and not out[-2].endswith(WORD_MARK):
                out[-2] += WORD_MARK
            out.append(segment)
        else:
            if previous and (_TIGHT.match(previous[-1]) or _TIGHT.match(segment[0])):
                out.append(" ")
            out.append(segment)
    return "".join(out)


def cut_at_word(text: str, limit: int) -> str:
    """At most ``limit`` characters of ``text``, ending at a word's end (never mid-word)."""
    if len(text) <= limit:
        return text
    end = 0
    position = 0
    for segment in icu_words(text):
        position += len(segment)
        if position > limit:
            break
        end = position
    return text[: end or limit]
