"""Stage 2 (clean), step 7: furniture, labelled rather than dropped.

Datelines, bylines, credits and their captions, attribution and the standfirst are kept with
their roles, so the page can show them in their place.
"""

from __future__ import annotations

import re

from ..dates import looks_like_date
from ..models import (
    RemovalRule,
    Role,
)
from ..text import word_count
from ..vocabulary import CREDIT_LABELS, PHOTO_AGENCIES, alternatives
from .lines import Line, is_prose

_DATELINE_WORDS = re.compile(
    r"^(?:published|updated|posted|last updated|first published|date)\b:?", re.I
)
_BYLINE = re.compile(r"^(?:by|written by|words by|story by|von|por|par)\s+\S", re.I)
_CREDIT = re.compile(
    rf"^{alternatives(CREDIT_LABELS)}\s*[:：]\s*\S.{{0,120}}$"
    r"|^\(?(?:photo|image|picture)s?\s+(?:by|courtesy of|via)\s.{1,80}\)?$|^.{0,60}\b(?:getty"
    r" images|afp|reuters|ap photo|epa|shutterstock)(?:/[\w .-]+)?\)?$",
    re.I,
)
_CAPTION_CUE = re.compile(
    r"^(?:in this (?:photo|picture|image|file photo|handout)|above:|pictured:?|file"
    r" photo|photo:|caption:|this (?:photo|picture|image) (?:shows|taken))",
    re.I,
)

# A caption that ends with its own credit: "… in Madrid. (Manu Fernandez/AP)", "(AP Photo/Alan
# Diaz, File)", "© Reuters / David Mercado", "Jaafar ASHTIYEH / AFP", "(Image: GETTY )",
# "Credit: ESA". A story's paragraph ends with a full stop or a quote, not with whose picture
# it is.
_PHOTO_AGENCY = alternatives(PHOTO_AGENCIES)
_TRAILING_CREDIT = re.compile(
    r"(?:\((?=[^()]*(?:\b(?:photos?|images?|pictures?|credit|file)\b|©|[A-Z][\w.'’ -]*/\s*[A-Z]"
    rf"|\bvia {_PHOTO_AGENCY}\b))[^()]{{2,80}}\)"
    r"|©\s*[^.©]{2,60}"
    rf"|\b{_PHOTO_AGENCY}\s*/\s*[\w .'’-]{{2,40}}"
    rf"|[\w.'’-]+(?: [\w.'’-]+){{0,3}}\s*/\s*{_PHOTO_AGENCY}"
    r"|\b(?:photo(?:graph)?|image|picture|credit|foto|bild)s?(?: credit)?\s*[:：]\s*"
    r"[^.:]{2,60})\.?\s*$",
    re.I,
)
TRAILING_CREDIT_SPAN = 160
"""Characters at a line's end searched for its credit: the longest form, "(… 80 characters …)",
fits, and trying the pattern at every position of a long paragraph cost 4 s per 1,600 sources."""
ATTRIBUTION = re.compile(
    r"^\(?(?:with inputs? from|additional reporting|reporting by|editing by|edited by|written"
    r" by|compiled by|writing by|(?:this|the) (?:story|article|report) "
    r"(?:was|has been|first)|originally published|first published|source:|sources:|\(?with"
    r" (?:agency|wire) inputs?)",
    re.I,
)
CREDIT_MAX_WORDS = 20
"""A photo credit is a name and an agency ("Photo: Reuters/Stringer"), never a paragraph."""
DATELINE_MAX_WORDS = 14
"""A dateline or date line is a place and a date; a sentence that mentions a date is prose."""
BYLINE_MAX_WORDS = 10
""""By Ann Wang and Reuters staff in Bangkok": a byline names people, briefly."""
ATTRIBUTION_MAX_WORDS = 40
""""Additional reporting by ..., editing by ...": at most a couple of sentences."""
CAPTION_MAX_WORDS = 80
"""A line cued as a caption ("In this photo", "Pictured:") may describe a scene at length."""
SHORT_CAPTION_WORDS = 12
"""Beside a credit, any line this short is the credited image's caption."""
LEAD_CAPTION_MAX_WORDS = 60
"""Above the first paragraph, a longer line beside a credit is still its caption."""
FIRST_PROSE_MIN_WORDS = 12
"""Where the story proper starts: the first prose line at least this long."""
STANDFIRST_WORDS = range(6, 51)
"""A standfirst is one summary sentence: more than a label, less than a paragraph."""


def is_date_line(text: str) -> bool:
    """Whether a short line is a date and no sentence ("19 March 2024", "Published: 2024年3月19日"):
    the date the story gives itself."""
    return word_count(text) <= DATELINE_MAX_WORDS and looks_like_date(text) and not is_prose(text)


def label_furniture(lines: list[Line], title: str) -> None:
    """Datelines, bylines, credits, captions, standfirst and attribution.

    Reads unlabelled lines; changes: ``role`` (dateline, byline, credit, caption,
    attribution, standfirst).
    """
    live = [ln for ln in lines if ln.unlabelled]
    _classify_furniture(live)
    _pair_captions_with_credits(live)
    _find_standfirst(lines, live, title)


def _classify_furniture(live: list[Line]) -> None:
    """Lines that say by their own shape and words what they are."""
    for ln in live:
        text = ln.text
        n = word_count(text)
        if _CREDIT.match(text) and n <= CREDIT_MAX_WORDS:
            ln.role = Role.CREDIT
        elif n <= CAPTION_MAX_WORDS and _ends_with_credit(text):
            ln.role = Role.CAPTION
        elif is_date_line(text) or (n <= DATELINE_MAX_WORDS and _DATELINE_WORDS.match(text)):
            ln.role = Role.DATELINE
        elif n <= BYLINE_MAX_WORDS and _BYLINE.match(text):
            ln.role = Role.BYLINE
        elif n <= ATTRIBUTION_MAX_WORDS and ATTRIBUTION.match(text):
            ln.role = Role.ATTRIBUTION
        elif _CAPTION_CUE.match(text) and n <= CAPTION_MAX_WORDS:
            ln.role = Role.CAPTION


def _ends_with_credit(text: str) -> bool:
    """Whether a line ends with a photo credit ("… (AP Photo/Alan Diaz)", "… Credit: ESA")."""
    tail = text[-TRAILING_CREDIT_SPAN:]
    # Every form has one of these marks; most paragraphs end without any.
    return any(mark in tail for mark in "()©/:：") and bool(_TRAILING_CREDIT.search(tail))


def _pair_captions_with_credits(live: list[Line]) -> None:
    """A caption stands next to its credit: before it ("In this photo ... Credit: AP") or
    after it ("IMAGE SOURCE: AP / Minister Nong Rong.")."""
    first_prose = next(
        (
            i
            for i, ln in enumerate(live)
            if is_prose(ln.text) and word_count(ln.text) >= FIRST_PROSE_MIN_WORDS
        ),
        len(live),
    )
    for i, ln in enumerate(live):
        if ln.role is not Role.CREDIT:
            continue
        for j in (i - 1, i + 1):
            if 0 <= j < len(live) and live[j].role is None:
                neighbour = live[j]
                words = word_count(neighbour.text)
                if (
                    _CAPTION_CUE.match(neighbour.text)
                    or words <= SHORT_CAPTION_WORDS
                    or (j < first_prose and words <= LEAD_CAPTION_MAX_WORDS)
                ):
                    neighbour.role = Role.CAPTION
                    break


def _find_standfirst(lines: list[Line], live: list[Line], title: str) -> None:
    """A one-sentence summary right under the title, set apart from the body by the dateline,
    a photo or a repeated title before the story proper begins."""
    lead = next((ln for ln in live if ln.role is None), None)
    if lead is None or not title or word_count(lead.text) not in STANDFIRST_WORDS:
        return
    after = lines[lines.index(lead) + 1 :]
    nxt = next((ln for ln in after if ln.removed_by is not RemovalRule.TAB_ONLY), None)
    if nxt is not None and (
        nxt.role in (Role.DATELINE, Role.BYLINE, Role.CAPTION, Role.CREDIT)
        or nxt.removed_by is RemovalRule.REPEATED_TITLE
    ):
        lead.role = Role.STANDFIRST
