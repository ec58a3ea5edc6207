"""Stage 2 (clean), step 6: the wire dateline and the headline.

``LASHIO, Myanmar, Dec 15 (Reuters) -`` becomes a ``Wire`` record; the title is the stated
one, else the first line of headline shape, else derived from the lead sentence.
"""

from __future__ import annotations

import bisect
import re
from pathlib import PurePath

from ..dates import MONTH, looks_like_date
from ..models import (
    Block,
    RemovalRule,
    Role,
    SourceDocument,
    Wire,
)
from ..text import UNMARKED_SCRIPTS, word_count
from .labels import DATELINE_MAX_WORDS
from .lines import SENTENCE_END, Line, is_prose, normalise_line

# "LASHIO, Myanmar, Dec 15 (Reuters) - ", "YANGON (AP) — ", "BANGKOK, Jan. 5 (AFP) -", and
# the agencies that write day before month in their own language: "YANGON, 3 ago (EFE).-",
# "BANGKOK, 3 août (AFP) -": a place in capitals, an optional region and date, the agency in
# brackets, a dash. A month in another language is read by dates.py, in the story's language.
_PLACE = (
    r"^(?P<place>[A-Z][A-Z.'’/-]+(?: [A-Z][A-Z.'’/-]+){0,3}(?:,\s[A-Z][A-Za-z.'’-]+(?:"
    r" [A-Z][A-Za-z.'’-]+){0,2})?)"
)
_MONTH_DAY = rf"(?i:{MONTH})\s+\d{{1,2}}(?:,\s*\d{{4}})?"
WIRE_DATELINE = re.compile(
    _PLACE + rf"(?:,?\s+(?P<date>{_MONTH_DAY}"
    r"|\d{1,2}\.?\s+[^\W\d_]{3,10}\.?(?:\s+\d{4})?))?"
    r"\s*\((?P<agency>[A-Z][A-Za-z.&'’ -]{0,30}?)\)\s*\.?\s*[-–—]+\s*(?=\S)"
)


# The same dateline on a line of its own above the lead, as desks paste it: "KUNMING, China,
# Jan 12 (Xinhua, translated by our desk)", "LASHIO, Myanmar, Dec 15 -". The date is required:
# words in capitals with a bracket and no date ("REBELS SEIZE TOWN (VIDEO)") may be a headline.
LONE_DATELINE = re.compile(
    _PLACE + rf",?\s+(?P<date>{_MONTH_DAY})(?:\s*\((?P<agency>[^()]{{1,60}})\))?\s*[-–—]*\s*$"
)
AGENCY_MAX_WORDS = 4
"""A bracket after a dateline names the agency ("Reuters", "Agence France-Presse"); a longer
note ("Xinhua-style report, translated by our desk") says how the copy came, not who sent it."""


def take_wire_dateline(lines: list[Line]) -> Wire | None:
    """A wire dateline opening one of the first lines leaves the text for a dateline of its own;
    one standing on a line of its own before the lead becomes the story's dateline there.

    Reads the first live lines; changes: that line's ``text``, or its ``role`` (DATELINE).
    """
    live = [ln for ln in lines if ln.live]
    for n, ln in enumerate(live[:3]):
        m = WIRE_DATELINE.match(ln.text)
        if m and is_prose(ln.text[m.end() :]):
            ln.text = ln.text[m.end() :]
            return Wire(m.group(0).rstrip(" -–—."), m["place"], m["agency"].strip(), m["date"])
        lone = LONE_DATELINE.match(ln.text)
        if lone and n + 1 < len(live) and is_prose(live[n + 1].text):
            ln.role = Role.DATELINE
            bracket = (lone["agency"] or "").strip()
            agency = (
                bracket if "," not in bracket and word_count(bracket) <= AGENCY_MAX_WORDS else ""
            )
            return Wire(ln.text.strip().rstrip(" -–—."), lone["place"], agency, lone["date"])
    return None


_LEAD_IN = re.compile(r"[:：]\s*$")
"""A line that ends with a colon introduces what follows (a list, a quote): never a headline."""

TITLE_MAX_WORDS = 25
"""A headline is a phrase; a longer line is the story's first paragraph."""
UNMARKED_TITLE_MAX_WORDS = 40
"""Thai, Lao and Khmer headlines run two clauses, counted here by characters (about three a
word), and nothing marks a sentence end there to tell a lead from a headline: the first
line is taken up to this length."""


def pick_title(doc: SourceDocument, lines: list[Line]) -> str:
    """Front matter wins; else the first short non-prose line near the top.

    Later copies of the title line (sites repeat it above and below the photo) are removed.

    Reads live lines and the stated title; changes: ``role`` (TITLE), ``removed_by``
    (REPEATED_TITLE).
    """
    live = [ln for ln in lines if ln.live]
    title = (doc.meta.title or "").strip()
    if not title:
        for ln in live[:3]:
            # A headline reads as a phrase, or as a question or exclamation; a line ending
            # in a full stop or a closing quote is the story's first paragraph. A date line
            # is never the headline; in a script that marks no sentence end (Thai, Lao,
            # Khmer), a line of headline length near the top is.
            n = word_count(ln.text)
            if looks_like_date(ln.text) and n <= DATELINE_MAX_WORDS:
                continue
            # "Notes for the weekly brief:" introduces what follows; a headline says it.
            if _LEAD_IN.search(ln.text):
                continue
            unmarked = bool(UNMARKED_SCRIPTS.search(ln.text)) and not SENTENCE_END.search(ln.text)
            headline_shape = not is_prose(ln.text, n) or ln.text.endswith(("?", "!"))
            if (n <= TITLE_MAX_WORDS and headline_shape) or (
                unmarked and n <= UNMARKED_TITLE_MAX_WORDS
            ):
                title = ln.text
                break
        # "Headline | Site name" or "Headline - Site name" in a copied <title>.
        parts = re.split(r"\s+[|–—-]\s+", title)
        if len(parts) >= 2 and word_count(parts[0]) >= 3 and word_count(parts[-1]) <= 5:
            title = (
                " - ".join(parts[:-1]) if len(parts) > 2 and word_count(parts[-2]) > 4 else parts[0]
            )
    if not title:
        return ""
    key = normalise_line(title)
    seen_first = False
    for ln in live:
        line_key = normalise_line(ln.text)
        if line_key == key or (
            line_key.startswith(key)
            and word_count(ln.text) - word_count(title) <= 5
            and not is_prose(ln.text)
        ):
            if not seen_first and not doc.meta.title:
                ln.role = Role.TITLE
                seen_first = True
            else:
                ln.removed_by = RemovalRule.REPEATED_TITLE
    return title


MAX_DERIVED_TITLE_WORDS = 20
MIN_DERIVED_TITLE_WORDS = 6
"""A derived headline is a clause of 6 to 20 words: shorter reads as a fragment."""
DERIVED_TITLE_SCAN = 400
"""Characters of the lead sentence searched for a derived headline's end: 20 words of any
language fit, and a lead of hostile length (one 20,000-character line) costs no more than a
normal one (each candidate end is counted from the start)."""

# Attribution that closes a lead sentence: ", according to several of the parties involved",
# ", residents said", ", state media reported", ", officials in Mizoram said".
_LEAD_ATTRIBUTION = re.compile(
    r",\s+(?:according to\b[^,]*|(?:[\w’'-]+\s+){0,5}(?:said|says|reported|reports|told [\w"
    r" ]+|announced|added)(?:\s+on\s+\w+)?)(?=[,.;]|$)"
)
_CLAUSE_BREAK = re.compile(
    r"[,،]\s+|[;؛]\s+|\s+[—–]\s+|\s+(?=(?:as|while|after|but|though|although|despite|amid|where|which|when)\s)"
)

# Failing those, a phrase boundary: before "to discuss …", "on Tuesday", "in Naypyidaw".
_PHRASE_BREAK = re.compile(r"\s+(?=(?:to|on|in|at|for|with|near|from|over|during)\s)")

# A list item's marker ("- ", "• ", "1. "): the headline is the item's words.
_LIST_MARKER = re.compile(r"^(?:[-–•*·▪]|\d{1,2}[.)])\s+")

# In scripts that space no words: a Chinese or Japanese comma, or the space that ends a Thai or
# Burmese phrase.
_UNSPACED_CLAUSE_BREAK = re.compile(r"[，、；：]|\s+")

# The end of a lead's first sentence: ". " before a capital, or a Chinese, Japanese, Burmese or
# Khmer full stop.
_FIRST_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"])|(?<=[。！？။។])|(?<=[؟۔।॥])\s+")


def derived_title(doc: SourceDocument, blocks: list[Block]) -> str:
    """A headline for a source without one: the lead sentence's main clause.

    The attribution that ends a lead ("…, according to several of the parties involved",
    "…, residents said") goes; a sentence still over 20 words is cut at the last clause
    boundary (comma, dash, "as", "while" …) within 20 words, else before the last phrase
    that fits ("to discuss …", "on Tuesday"), so the headline is a whole clause, never a
    sentence cut mid-phrase with "…".
    """
    first = next(
        (b.text for b in blocks if b.role is Role.PARAGRAPH and not _LEAD_IN.search(b.text)), ""
    ) or PurePath(doc.path).stem.replace("_", " ")
    first = _LIST_MARKER.sub("", first.strip())
    sentence = _FIRST_SENTENCE.split(first, maxsplit=1)[0].rstrip(".。။។।۔")
    sentence = _LEAD_ATTRIBUTION.sub("", sentence).strip(" ,;")
    if word_count(sentence) <= MAX_DERIVED_TITLE_WORDS:
        return sentence
    head = sentence[:DERIVED_TITLE_SCAN]
    for boundary in (_CLAUSE_BREAK, _PHRASE_BREAK, _UNSPACED_CLAUSE_BREAK):
        cuts = [
            m.start()
            for m in boundary.finditer(head)
            if MIN_DERIVED_TITLE_WORDS <= word_count(head[: m.start()]) <= MAX_DERIVED_TITLE_WORDS
        ]
        if cuts:
            return head[: cuts[-1]].rstrip(" ,;，、；")
    words = head.split()
    if len(words) > MAX_DERIVED_TITLE_WORDS:
        return " ".join(words[:MAX_DERIVED_TITLE_WORDS]).rstrip(",;:")
    # A script that spaces no words: its first phrase, even somewhat long (a Thai headline
    # often is), rather than a word cut in two; only a run without any break is cut, at the
    # longest start that fits (the count only grows with the length: a binary search).
    first_break = _UNSPACED_CLAUSE_BREAK.search(head)
    if first_break and word_count(head[: first_break.start()]) <= 2 * MAX_DERIVED_TITLE_WORDS:
        return head[: first_break.start()]
    fits = bisect.bisect_right(
        range(len(head) + 1), MAX_DERIVED_TITLE_WORDS, key=lambda end: word_count(head[:end])
    )
    return head[: max(1, fits - 1)]
