"""Stage 6 (translations): a translation of a story, in another language, folded into it.

Folding (``dedupe.py``) compares words, which two languages do not share. What a translation
keeps of its original is its figures and its names, in the same order: the same casualty
count, the same towns and groups, one after another. Names are compared as the taxonomy's
canonical entities, which its aliases reach in any script (``tag.py``), and figures with
their digits in ASCII. Two independent reports of one event share a few of them, in another
order; only a long run in order is a translation (else they stay related coverage).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Sequence
from difflib import SequenceMatcher
from itertools import combinations

from .dates import ascii_digits, story_date
from .language import SITE_LANGUAGE
from .models import Dated, FoldedVersion, FoldKind, Story, TaggedStory

MIN_FIGURES_IN_ORDER = 3
"""Three figures in the same order (300,000 displaced, 12 towns, 5 January) rarely coincide
between two reports written apart."""
MIN_NAMES_IN_ORDER = 3
"""And three names in the same order: figures alone could be one official statement quoted."""
IN_ORDER_SHARE = 0.8
"""Of the shorter text's figures, and of its names, this share must be matched in order."""
WINDOW_DAYS = 3
"""A translation appears within days of its original; dated further apart, two texts are two
reports (an anniversary piece repeats the figures)."""
_FIGURE = re.compile(r"\d(?<![\w.]\d)[\d,.]*\d")
"""A figure of two digits or more, not inside a word or after a point. The digit comes first
and the look behind after it: the regex engine then skips to digits, where a pattern opening
with the look behind tried it at every character (at 10,000 sources 1.3 s of the stage, now
0.3 s; the same figures, checked on the benchmark's 6,996 texts and 200,000 random strings)."""
_THOUSANDS = re.compile(r"[,.](?=\d{3}\b)")


def figure_sequence(text: str) -> list[str]:
    """The text's figures in order, digits in ASCII, separators dropped (300,000 → 300000)."""
    figures = []
    for figure in _FIGURE.findall(ascii_digits(text)):
        if "," in figure or "." in figure:  # most figures have none: no substitution to run
            if len(figure.replace(",", "").replace(".", "")) < 2:
                continue
            figure = _THOUSANDS.sub("", figure)
        figures.append(figure)
    return figures


def name_sequence(t: TaggedStory) -> list[str]:
    """The story's entities in the order its main text first names them."""
    text = f"{t.story.main.title}\n\n{t.story.main.body_text}"
    first: dict[str, int] = {}
    for label in t.entities:
        positions = [text.find(form.rsplit(" ×", 1)[0]) for form in label.evidence]
        found = [p for p in positions if p >= 0]
        if found:
            first[label.slug] = min(found)
    return sorted(first, key=lambda slug: (first[slug], slug))


def in_order(a: Sequence[str], b: Sequence[str]) -> int:
    """How many items of ``a`` and ``b`` match in the same order (longest common subsequence,
    as difflib's matching blocks count it)."""
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks())


def translation_evidence(a: TaggedStory, b: TaggedStory) -> str | None:
    """Why ``b`` is a translation of ``a`` (or ``a`` of ``b``), in words; None if it is not."""
    if a.story.language.primary == b.story.language.primary or _too_far_apart(a, b):
        return None
    figures_a, figures_b = (
        figure_sequence(a.story.main.body_text),
        figure_sequence(b.story.main.body_text),
    )
    names_a, names_b = name_sequence(a), name_sequence(b)
    figures, names = in_order(figures_a, figures_b), in_order(names_a, names_b)
    shorter_figures = min(len(figures_a), len(figures_b))
    shorter_names = min(len(names_a), len(names_b))
    if (
        figures >= MIN_FIGURES_IN_ORDER
        and names >= MIN_NAMES_IN_ORDER
        and figures >= IN_ORDER_SHARE * shorter_figures
        and names >= IN_ORDER_SHARE * shorter_names
    ):
        return (
            f"translation of the same report ({b.story.language.name} and"
            f" {a.story.language.name}: {figures} of {shorter_figures} figures and {names} of"
            f" {shorter_names} names in the same order)"
        )
    return None


def _across_languages(holders: list[int], languages: Sequence[str]) -> list[tuple[int, int]]:
    """The pairs of ``holders`` (each in order) written in two languages: only those can be a
    translation, and most stories that share a figure share their language too (at 10,000
    sources in one language, every pair was built, sorted and turned down one by one)."""
    by_language: dict[str, list[int]] = defaultdict(list)
    for n in holders:
        by_language[languages[n]].append(n)
    return [
        (min(i, j), max(i, j))
        for first, second in combinations(by_language.values(), 2)
        for i in first
        for j in second
    ]


def _too_far_apart(a: TaggedStory, b: TaggedStory) -> bool:
    if isinstance(a.date, Dated) and isinstance(b.date, Dated):
        return abs((a.date.value - b.date.value).days) > WINDOW_DAYS
    return False


def _original_first(t: TaggedStory) -> tuple:
    """Which of a translated pair the story shows: the site's language, else the earlier."""
    day = t.date.value if isinstance(t.date, Dated) else dt.date.max
    return (t.story.language.primary != SITE_LANGUAGE, day, t.story.id)


def fold_translations(tagged: list[TaggedStory]) -> list[TaggedStory]:
    """Stories with their translations folded in (kind ``translated version``, with the
    evidence); candidates share a figure, so the cost follows the figures, not all pairs."""
    figures = {t.story.id: figure_sequence(t.story.main.body_text) for t in tagged}
    postings: dict[str, list[int]] = defaultdict(list)
    for n, t in enumerate(tagged):
        for figure in set(figures[t.story.id]):
            postings[figure].append(n)
    languages = [t.story.language.primary for t in tagged]
    pairs: set[tuple[int, int]] = set()
    for holders in postings.values():
        if len(holders) <= 50:  # a figure in every story ("2024") proposes nothing
            pairs.update(_across_languages(holders, languages))
    into: dict[int, tuple[int, str]] = {}
    keepers: set[int] = set()
    for i, j in sorted(pairs):
        if i in into or j in into:
            continue
        if reason := translation_evidence(tagged[i], tagged[j]):
            keep, fold = sorted((i, j), key=lambda n: _original_first(tagged[n]))
            if fold in keepers:
                continue  # it shows translations of its own: one level of folding
            into[fold] = (keep, reason)
            keepers.add(keep)
    if not into:
        return tagged
    gained: dict[int, list[FoldedVersion]] = defaultdict(list)
    for fold, (keep, reason) in sorted(into.items()):
        story = tagged[fold].story
        gained[keep].append(FoldedVersion(story.main_version, reason, FoldKind.TRANSLATION))
        gained[keep].extend(story.others)
    out = []
    for n, t in enumerate(tagged):
        if n in into:
            continue
        if n in gained:
            story = Story(t.story.id, t.story.main_version, (*t.story.others, *gained[n]))
            t = TaggedStory(story, story_date(story), t.topics, t.entities)
        out.append(t)
    return out
