"""Stage 2 (clean), steps 8 and 9: the main-body window and the body's blocks.

On copied pages (not trafilatura's output) the contiguous run of lines with the most prose
wins, so navigation above and footers below a copied whole page are cut (the body-text
extraction idea of Finn et al., on lines); then paragraphs, section headings, and runs of
short lines that are link lists.
"""

from __future__ import annotations

import re

from ..models import (
    RemovalRule,
    Role,
)
from ..text import word_count
from .lines import Line, best_window, is_prose
from .options import CleanConfig

MIN_CUT_LINES = 3
_HEADING_BAD_END = re.compile(r"[.,;:]\s*$")


def cut_outside_body(lines: list[Line]) -> None:
    """Keep the contiguous stretch of lines with the most prose; cut the rest.

    Prose lines score their word count, other lines a penalty, so long menus and
    footers fall outside the best-scoring window while a subheading inside stays.
    Labelled furniture above the window (title, dateline, photo) is kept.

    Reads unlabelled lines and labelled furniture; changes: ``removed_by`` (OUTSIDE_BODY).
    """
    candidates = [ln for ln in lines if ln.unlabelled]
    if len(candidates) < 4:
        return
    scores = [
        word_count(ln.text) if is_prose(ln.text) else -(3 + word_count(ln.text))
        for ln in candidates
    ]
    best_start, best_end = best_window(scores)
    if best_end < 0:
        return
    # A lone line before or after the window is more often a lead or a closing line
    # than a menu: only runs of several lines are cut.
    outside = [range(0, best_start), range(best_end + 1, len(candidates))]
    for region in outside:
        if len(region) >= MIN_CUT_LINES:
            for i in region:
                candidates[i].removed_by = RemovalRule.OUTSIDE_BODY
    # Furniture below the body is only kept if it is attribution.
    last_body = candidates[best_end]
    for ln in lines[lines.index(last_body) + 1 :]:
        if ln.live and ln.role in (Role.DATELINE, Role.BYLINE, Role.CAPTION, Role.CREDIT):
            ln.removed_by = RemovalRule.OUTSIDE_BODY


def label_body(lines: list[Line], config: CleanConfig, drop_link_lists: bool = True) -> None:
    """Paragraphs, section headings, and runs of short lines that are link lists.

    Reads unlabelled lines; changes: ``role`` (paragraph, heading), ``removed_by``
    (LINK_LIST).
    """
    live = [ln for ln in lines if ln.unlabelled]
    i = 0
    while i < len(live):
        j = i
        while j < len(live) and not is_prose(live[j].text):
            j += 1
        run = live[i:j]
        if (
            drop_link_lists
            and len(run) >= 3
            and sum(word_count(ln.text) for ln in run) / len(run) <= 8
        ):
            for ln in run:
                ln.removed_by = RemovalRule.LINK_LIST
        else:
            for ln in run:
                ln.role = Role.HEADING if _looks_like_heading(ln.text, config) else Role.PARAGRAPH
        if j < len(live):
            live[j].role = Role.PARAGRAPH
        i = j + 1


def _looks_like_heading(text: str, config: CleanConfig) -> bool:
    n = word_count(text)
    return (
        1 <= n <= config.heading_max_words
        and not _HEADING_BAD_END.search(text)
        and not text[:1].islower()
        and not text.endswith(".")
    )
