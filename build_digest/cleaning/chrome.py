"""Stage 2 (clean), steps 2 and 3: site chrome, by fixed rules and by corpus evidence.

The phrase groups of ``vocabulary.py``, the site's promotion of its newsletter, app and
accounts, breadcrumbs, headline links with a comment or view count; and a short line that
recurs in several unrelated sources (never a date line: each day's stories share theirs).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence

from ..models import (
    RemovalRule,
    SourceDocument,
)
from ..text import word_count
from ..vocabulary import (
    CHROME_LINE,
    CONSENT_NOTICE,
    CONTACT_LINE,
    CONTACT_LINE_MAX_WORDS,
    LINK_OUT,
    LINK_OUT_MAX_WORDS,
    PROMOTION_MAX_WORDS,
    SITE_NOTICE,
    is_promotion,
)
from .labels import is_date_line
from .lines import MARKER_EDGES, SENTENCE_END, Line, normalise_line
from .options import CleanConfig

# Whole-line phrases of site furniture: vocabulary.py (CHROME_LINE, TAIL_MARKER, END_MARKER).
_BREADCRUMB_SEP = re.compile(r"\s*(?:\||>|»|›|/|·|•|→|::)\s*")

# "Vikings come back to beat the Broncos (145)": a headline list with comment counts.
_COUNTED_LINK = re.compile(r"^[^.!?]{10,160}\s\(\d{1,6}\)$")


def line_signature_counts(documents: Sequence[SourceDocument], max_words: int) -> dict[str, int]:
    """For each short line: in how many sources it stands before a different next line.

    Counting distinct neighbours, not sources, keeps five copies of one wire story
    from turning its subheadings into "chrome": there the neighbour is always the same.
    """
    contexts: dict[str, set[str]] = defaultdict(set)
    for doc in documents:
        lines = [ln.strip() for ln in doc.text.split("\n") if ln.strip()]
        seen_here: set[str] = set()
        for i, line in enumerate(lines):
            if word_count(line) <= max_words:
                key = normalise_line(line)
                if key and key not in seen_here:
                    seen_here.add(key)  # a title repeated within one page is not corpus evidence
                    following = normalise_line(lines[i + 1])[:80] if i + 1 < len(lines) else ""
                    contexts[key].add(following)
    return {key: len(ctx) for key, ctx in contexts.items() if len(ctx) > 1}


def _is_breadcrumb(text: str) -> bool:
    """ "Home | News | Mizoram", "World > Asia > Myanmar": short entries between separators. A
    table's row ("| 1 | Kyle Busch | 5040 |", as trafilatura writes tables) is the story's."""
    if text.lstrip().startswith("|"):
        return False
    parts = [p for p in _BREADCRUMB_SEP.split(text) if p]
    if len(parts) < 2 or len(parts) > 8 or len(text) == len(parts[0]):
        return False
    return all(word_count(p) <= 4 and not SENTENCE_END.search(p.rstrip(")")) for p in parts)


def apply_chrome_rules(
    lines: list[Line], config: CleanConfig, recurring: Mapping[str, int]
) -> None:
    """Site chrome by fixed phrases and shapes, and by recurrence across the corpus.

    Reads live lines' text and the corpus evidence; changes: ``removed_by`` (chrome,
    promotion, breadcrumb, counted link, corpus chrome).
    """
    for position, ln in enumerate(lines):
        text = ln.text
        n = word_count(text)
        if (
            (n <= 15 and CHROME_LINE.match(text.strip(MARKER_EDGES)))
            or CONSENT_NOTICE.match(text)
            or SITE_NOTICE.match(text)
            or (n <= LINK_OUT_MAX_WORDS and LINK_OUT.match(text))
            or (n <= CONTACT_LINE_MAX_WORDS and CONTACT_LINE.match(text))
        ):
            ln.removed_by = RemovalRule.CHROME_PHRASE
        elif n <= PROMOTION_MAX_WORDS and is_promotion(text):
            ln.removed_by = RemovalRule.PROMOTION
        elif _is_breadcrumb(text) and word_count(_BREADCRUMB_SEP.sub(" ", text)) <= 12:
            ln.removed_by = RemovalRule.BREADCRUMB
        elif n <= 20 and _COUNTED_LINK.match(text):
            ln.removed_by = RemovalRule.COUNTED_LINK
        # The first line is the source's own headline candidate: other sources repeating
        # it (as a teaser or a related link) must not make it vanish from its own page.
        elif position > 0 and n <= config.chrome_max_words:
            sources = recurring.get(normalise_line(text), 0)
            # A date line recurs in every source of that day: it is the stories' own date, and
            # taking it for chrome left three reports of one day undated.
            if sources >= config.chrome_min_sources and not is_date_line(text):
                ln.removed_by = RemovalRule.CORPUS_CHROME
                ln.detail = str(sources)
