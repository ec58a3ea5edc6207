"""Stage 11 (figures): the figures a reader follows over time (people displaced, killed,
arrested, surrendered; towns captured; trade lost), each with the sentence it stands in, its
value normalised, its qualifier, who says so and its story's date.

A figure is a number (digits in any script, "2.6 million", "3.1万", "a dozen", "six") that a
measure's phrase stands beside in the same sentence ("more than 90,000 people have been
newly displaced"); the measure whose phrase is nearest wins. The taxonomy names the measures
and their phrases in any language (``measures:`` in ``taxonomy.yml``).
"""

from __future__ import annotations

import dataclasses
import re
import sys
from collections.abc import Sequence
from functools import partial

from . import dates
from .cache import DigestCache, code_version, content_key
from .cores import on_both_cores
from .dates import ascii_digits
from .models import CleanedArticle, Dated, Figure, TaggedStory
from .taxonomy import Measure

MAX_GAP = 80
"""A measure's phrase stands at most this many characters from its number, in one sentence:
"six brigadier generals were among more than 2,000 soldiers who laid down their arms" is 60."""

SHARE_MEASURES = frozenset({"trade"})
"""Measures whose figures are shares or sums of money ("fell by 80%", "$1 billion"); every
other measure counts people or places, and takes no share and no sum of money."""
_MONEY_BEFORE = re.compile(r"(?:[$€£¥]|US\$|USD|Rs\.?)\s*$")
_MONEY_AFTER = re.compile(
    r"^\s*(?:(?:million|billion)\s+)?(?:dollars|yuan|kyat|baht|rupees|euros|元|美元|บาท|ကျပ်)",
    re.I,
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+|(?<=[。！？။])\s*|\n+")
"""Sentence ends: Latin marks before a space ("3.1 million" is one number), CJK and Burmese
marks with or without one."""
_QUALIFIER_BEFORE = [
    (re.compile(r"(?:more than|over|upwards of|超过|逾|กว่า)\s*$", re.I), "more than"),
    (re.compile(r"(?:at least|不少于|อย่างน้อย)\s*$", re.I), "at least"),
    (
        re.compile(
            r"(?:about|around|nearly|almost|approaching|close to|some|roughly|approximately"
            r"|an estimated"
            r"|约|近|ประมาณ|เกือบ)\s*$",
            re.I,
        ),
        "about",
    ),
    (re.compile(r"(?:up to|as many as|多达|มากถึง)\s*$", re.I), "up to"),
]
_QUALIFIER_AFTER = [
    (re.compile(r"^\s*(?:余|多|ကျော်|กว่า|-plus)", re.I), "more than"),
    (re.compile(r"^\s*(?:ခန့်|左右)"), "about"),
]
_SCALE = {
    "hundred": 100,
    "million": 1_000_000,
    "billion": 1_000_000_000,
    "thousand": 1_000,
    "万": 10_000,
    "萬": 10_000,
    "亿": 100_000_000,
    "千": 1_000,
    "ล้าน": 1_000_000,
    "แสน": 100_000,
    "หมื่น": 10_000,
    "သိန်း": 100_000,
    "သောင်း": 10_000,
}
_WORDS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "a dozen": 12,
    "two dozen": 24,
    "three dozen": 36,
    "a hundred": 100,
    "a million": 1_000_000,
    "half a million": 500_000,
}
_NUMBER = re.compile(
    r"(?<![A-Za-z0-9.,])(?P<digits>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
    r"(?P<scale>\s*(?:million|billion|thousand)\b|\s*(?:万|萬|亿|千|ล้าน|แสน|หมื่น|သိန်း|သောင်း))?"
    r"(?P<percent>\s*(?:%|per ?cent\b|ရာခိုင်နှုန်း))?"
    r"|(?P<word>\b(?:" + "|".join(sorted(_WORDS, key=len, reverse=True)) + r")\b)"
    r"(?P<word_scale>\s+(?:hundred|thousand|million|billion)\b)?"
    r"|(?P<thai_percent>ร้อยละ\s*(?P<thai_value>\d+(?:\.\d+)?))",
    re.I,
)
_NOT_A_COUNT = re.compile(
    r"^\s*(?:-|–)?\s*(?:days?|weeks?|months?|years?|hours?|km|kilomet\w*|miles?|metres?|kyat|"
    r"rounds?|times|st\b|nd\b|rd\b|th\b|January|February|March|April|May|June|July|August|"
    r"September|October|November|December|月|日|年|ปี|เดือน|วัน|ရက်|လ\b|နှစ်)",
    re.I,
)
_MONTH_BEFORE = re.compile(
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?\s*$",
    re.I,
)
_ACCORDING = re.compile(
    r"(?:according to|said|says|figures from|data from)\s+(?:the\s+)?"
    r"(?P<who>[A-Z][\w’'-]*(?:\s+(?:of|for|the|[A-Z][\w’'-]*))*)"
)
_SAID_BY = re.compile(r"(?P<who>(?:the\s+)?[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*)\s+(?:said|says)\b")


def story_figures(t: TaggedStory, measures: Sequence[Measure]) -> list[Figure]:
    """The figures of a story's shown version, in the order they stand."""
    return article_figures(t.story.main, measures, t.story.id, _date_of(t))


def article_figures(
    article: CleanedArticle, measures: Sequence[Measure], story: str = "", date: str | None = None
) -> list[Figure]:
    """The figures of one version's text, in the order they stand."""
    if not measures:
        return []
    figures = []
    for block in article.body_blocks:
        for sentence in _SENTENCE.split(block.text):
            figures.extend(sentence_figures(sentence, measures, story, date))
    return figures


def sentence_figures(
    sentence: str, measures: Sequence[Measure], story: str = "", date: str | None = None
) -> list[Figure]:
    """The figures one sentence gives: each number with the measure whose phrase is nearest."""
    plain = ascii_digits(sentence)  # as long as the sentence: spans point into both
    phrases = [
        (m.start(), m.end(), measure.slug)
        for measure in measures
        for m in measure.pattern.finditer(plain)
    ]
    if not phrases:
        return []
    out = []
    for number in _NUMBER.finditer(plain):
        value, percent = _value(number)
        if value is None or _is_not_a_count(plain, number, percent):
            continue
        start, end = number.span()
        if _counts_something_else(plain, start, end, phrases):
            continue
        share_or_money = percent or _is_money(plain, start, end)
        gaps = [
            (max(p_start - end, start - p_end, 0), slug)
            for p_start, p_end, slug in phrases
            if max(p_start - end, start - p_end, 0) <= MAX_GAP
            and (slug in SHARE_MEASURES) == share_or_money
        ]
        if not gaps:
            continue
        _, measure = min(gaps)
        out.append(
            Figure(
                measure,
                value,
                percent,
                _qualifier(plain, start, end, phrases),
                sentence.strip(),
                _who(sentence),
                story,
                date,
            )
        )
    return out


_QUALIFIED = r"(?:(?:more than|over|about|nearly|almost|some|around|at least|up to)\s+)?"
_PLACE_BEFORE = re.compile(
    r"\b(?:across|in|inside|at|on|from|into|within|throughout|between)\s+" + _QUALIFIED + "$",
    re.I,
)
"""A number after a preposition of place counts where something happened, not who: "newly
displaced across 12 townships", "took part in more than 300 battles"."""
_REFERENCE_BEFORE = re.compile(r"\bthe\s+$", re.I)
"""A number after "the" names a set the reader already knows ("the two countries", "the three
groups"), not a figure the story gives."""
NEXT_TO = 2
"""Characters of space at most between a number and a measure's phrase that follows it at
once ("in 29 deaths"): the number counts the measure itself, whatever stands before it."""


def _counts_something_else(
    text: str, start: int, end: int, phrases: Sequence[tuple[int, int, str]]
) -> bool:
    """Whether what stands before a number says it counts places or a known set, and no
    measure's phrase follows it at once. English word order: elsewhere the nearest phrase
    alone decides."""
    if any(0 <= p_start - end <= NEXT_TO for p_start, _, _ in phrases):
        return False
    before = text[max(0, start - 40) : start]
    return bool(_PLACE_BEFORE.search(before) or _REFERENCE_BEFORE.search(before))


def _is_money(text: str, start: int, end: int) -> bool:
    return bool(
        _MONEY_BEFORE.search(text[max(0, start - 4) : start]) or _MONEY_AFTER.match(text, end)
    )


def _value(number: re.Match[str]) -> tuple[float | None, bool]:
    if number.group("word"):
        scale = (number.group("word_scale") or "").strip().casefold()
        return float(_WORDS[number.group("word").casefold()] * _SCALE.get(scale, 1)), False
    if number.group("thai_percent"):
        return float(number.group("thai_value")), True
    value = float(number.group("digits").replace(",", ""))
    scale = (number.group("scale") or "").strip().casefold()
    if scale:
        value *= _SCALE[scale]
    return value, bool(number.group("percent"))


def _is_not_a_count(text: str, number: re.Match[str], percent: bool) -> bool:
    """Years, dates, durations, distances and money in kyat are not the figures followed."""
    if percent:
        return False
    digits = number.group("digits") or ""
    if re.fullmatch(r"(19|20)\d\d", digits) and not number.group("scale"):
        return True
    after = text[number.end() :]
    return bool(_NOT_A_COUNT.match(after) or _MONTH_BEFORE.search(text[: number.start()]))


def _qualifier(
    text: str, start: int, end: int, phrases: Sequence[tuple[int, int, str]] = ()
) -> str:
    """About, more than, at least, up to, or none; a word of a measure's phrase is none ("the
    army was handing over 31,000 people": no "over 31,000")."""
    offset = max(0, start - 20)
    before, after = text[offset:start], text[end : end + 6]
    for pattern, name in _QUALIFIER_BEFORE:
        found = pattern.search(before)
        if found and not any(
            p_start <= offset + found.start() < p_end for p_start, p_end, _ in phrases
        ):
            return name
    for pattern, name in _QUALIFIER_AFTER:
        if pattern.search(after):
            return name
    return ""


def _who(sentence: str) -> str:
    """Who the sentence says gives the figure: "according to X", "X said"."""
    found = _ACCORDING.search(sentence) or _SAID_BY.search(sentence)
    return found.group("who").strip() if found else ""


def archive_figures(
    tagged: Sequence[TaggedStory],
    measures: Sequence[Measure],
    cache: DigestCache | None = None,
    taxonomy_key: str = "",
) -> tuple[Figure, ...]:
    """Every story's figures, by date (undated last), then story and order of appearance.

    With a ``cache``, a story whose id, date and shown text are unchanged is not read again
    (``taxonomy_key``: the taxonomy's digest, which holds the measures' phrases)."""
    cache = cache or DigestCache(None)
    version = code_version(sys.modules[__name__], dates, options=taxonomy_key)
    keyed = [(_story_key(t), t) for t in tagged]
    per_story = cache.map(
        "figures",
        version,
        keyed,
        lambda todo: on_both_cores(partial(story_figures, measures=measures), todo),
        lambda found: [dataclasses.astuple(f) for f in found],
        _decode_figures,
    )
    figures = [f for found in per_story for f in found]
    return tuple(
        sorted(
            figures,
            key=lambda f: (f.date is None, f.date or "", f.story),
        )
    )


def _date_of(t: TaggedStory) -> str | None:
    """The story's date as its figures carry it (``YYYY-MM-DD``), when it has one."""
    return t.date.value.isoformat() if isinstance(t.date, Dated) else None


def _story_key(t: TaggedStory) -> str:
    """What a story's figures are read from: its id, date and shown text."""
    date = _date_of(t) or ""
    return content_key(t.story.id, date, *(b.text for b in t.story.main.body_blocks))


def _decode_figures(value: object) -> list[Figure]:
    if not isinstance(value, list):
        raise TypeError("a list of figures")
    return [
        Figure(str(m), float(v), bool(pc), str(q), str(text), str(who), str(story), date)
        for m, v, pc, q, text, who, story, date in value
    ]
