"""Stage 3 (dates and fingerprints): publication dates, with their provenance and precision;
and stage 8 (dates of undated stories).

In order of trust: front matter, HTML metadata (htmldate, through trafilatura), a
dateline in the text, a wire dateline ("YANGON, Jan 12 (Reuters) -") whose year comes
from related coverage, then a partial date ("January 10-11") likewise. Other full dates
in the text only bound the answer from below. "Undated" is an honest answer; a guessed
day is not, so a partial date is published with month precision.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from functools import lru_cache

import dateparser
import regex

from .cache import code_version, content_key
from .models import CleanedArticle, Dated, DatePrecision, DateTag, Role, Story, TaggedStory, Undated
from .postings import capped_postings

MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|jun(?:e)?|jul(?:y)?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"  # noqa: E501
"""A month name or its abbreviation; use with re.I."""
DATE_IN_LINE = re.compile(
    rf"\b(?:{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTH},?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})\b",
    re.I,
)
"""A full date: "November 6, 2023", "6 Nov 2023", "2023-11-06"."""
_PARTIAL = re.compile(
    rf"\b({MONTH})\s+(\d{{1,2}})(?:\s*[-–]\s*\d{{1,2}})?\b(?!,?\s*\d{{4}})(?!\d)", re.I
)
_FOUR_DIGITS = re.compile(r"\d{4}")
_MONTH_YEAR = re.compile(rf"\b({MONTH})\s+(\d{{4}})\b", re.I)
_MONTH_NUMBERS = {
    name: n
    for n, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}
_PARSER_SETTINGS = {
    "REQUIRE_PARTS": ["day", "month", "year"],
    "PREFER_DAY_OF_MONTH": "first",
    "RETURN_AS_TIMEZONE_AWARE": False,
}


EARLIEST_YEAR = 1800
"""Dates before this are not publication dates of news we archive (and year 0 does not exist)."""


@lru_cache(maxsize=4096)
def parse_date_text(text: str, language: str = "en") -> tuple[dt.date, DatePrecision] | None:
    """A stated date as (date, precision): ISO day, ISO month, or any full English date.

    None for anything that is not a real date: "2024-02-30", "0000-01", "January 0000",
    a time of "25:00" or a number too long to be a year.
    """
    text = text.strip()
    if len(text) > 100:
        return None
    try:
        found = _parse_date_text(ascii_digits(text))
    except (ValueError, OverflowError):
        return None
    if found is None and (native := native_date(text, language)):
        found = (native[0], DatePrecision.DAY)
    return found


def _parse_date_text(text: str) -> tuple[dt.date, DatePrecision] | None:
    if m := re.fullmatch(
        r"(\d{4})-(\d{2})-(\d{2})(?:[T"
        r" ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?",
        text,
    ):
        when = dt.date(int(m[1]), int(m[2]), int(m[3]))
        if m[4] is not None:
            dt.time(int(m[4]), int(m[5]), int(m[6] or 0))  # "25:00" is no time of day
        return (when, DatePrecision.DAY) if when.year >= EARLIEST_YEAR else None
    if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
        when = dt.date(int(m[1]), int(m[2]), 1)
        return (when, DatePrecision.MONTH) if when.year >= EARLIEST_YEAR else None
    if re.fullmatch(r"[\d\W]*", text) and not re.search(r"\d{1,2}[./]\d{1,2}[./]\d{4}", text):
        return None  # digits alone ("20240112", "1:30") are not a date anyone wrote
    parsed = dateparser.parse(text, languages=["en"], settings=_PARSER_SETTINGS)
    if parsed:
        return (parsed.date(), DatePrecision.DAY) if parsed.year >= EARLIEST_YEAR else None
    if m := _MONTH_YEAR.fullmatch(text):
        when = dt.date(int(m[2]), month_number(m[1]), 1)
        return (when, DatePrecision.MONTH) if when.year >= EARLIEST_YEAR else None
    return None


def article_date(
    article: CleanedArticle, today: dt.date | None = None, language: str = "en"
) -> DateTag:
    """The best date one article states about itself (no corpus context yet), read in its
    language (``language``: a BCP 47 tag) as well as in English."""
    today = today or dt.date.today()
    meta = article.source.meta
    if meta.date:
        parsed = parse_date_text(meta.date, language)
        if parsed and parsed[0] <= today:
            return Dated(parsed[0], parsed[1], f"{meta.origin} ({meta.date})")
    # A saved page's metadata beats its dateline even a day apart: on the Media Cloud pages,
    # preferring the dateline's day gained one page and lost three (benchmarks.mediacloud).
    return _dateline_date(article, language, today) or Undated(
        not_before=latest_mentioned_date(article, today)
    )


def date_version() -> str:
    """Cached dates are right for this module's code and the date parsers it calls."""
    import sys
    from importlib.metadata import version

    parsers = f"dateparser {version('dateparser')}, convertdate {version('convertdate')}"
    return code_version(sys.modules[__name__], options=parsers)


def date_key(article: CleanedArticle, language: str, today: dt.date) -> str:
    """What ``article_date`` reads: the stated date and where it came from, every block with
    its role, the language, and today (a date past it is not taken)."""
    meta = article.source.meta
    blocks = (f"{block.role.value}\t{block.text}" for block in article.blocks)
    return content_key(meta.date or "", meta.origin, language, today.isoformat(), *blocks)


def date_to_json(date: DateTag) -> object:
    if isinstance(date, Dated):
        return ["dated", date.value.isoformat(), date.precision.value, date.source]
    bound = date.not_before.isoformat() if date.not_before else None
    return ["undated", bound]


def date_from_json(value: object) -> DateTag:
    """A cached date; anything of another shape raises (the cache then counts it missing)."""
    if not isinstance(value, list):
        raise TypeError("a date is a list")
    if value[0] == "dated":
        when, precision, source = value[1:]
        return Dated(dt.date.fromisoformat(when), DatePrecision(precision), str(source))
    if value[0] == "undated":
        bound = value[1]
        return Undated(dt.date.fromisoformat(bound) if bound is not None else None)
    raise ValueError(f"not a date: {value[0]!r}")


def _dateline_date(article: CleanedArticle, language: str, today: dt.date) -> Dated | None:
    """The first full date a dateline of the article writes, in English or its language."""
    for block in article.blocks:
        if block.role is not Role.DATELINE:
            continue
        if m := DATE_IN_LINE.search(block.text):
            parsed = parse_date_text(m.group(0))
            if parsed and parsed[0] <= today:
                return Dated(parsed[0], DatePrecision.DAY, f"dateline '{m.group(0)}'")
        if found := native_date(block.text, language):
            when, written = found
            if when <= today:
                return Dated(when, DatePrecision.DAY, f"dateline '{written}'")
    return None


# --- dates in other scripts and calendars ---------------------------------------------------

_LETTERS = r"[\p{L}\p{M}]+"
NATIVE_DATE = regex.compile(
    r"(?P<cjk>\d{4}\s*[年년]\s*\d{1,2}\s*[月월]\s*\d{1,2}\s*[日일号號]?)"
    rf"|(?P<burmese>\d{{4}}\s*ခုနှစ်\s*[,၊]?\s*(?P<bmonth>{_LETTERS}?)လ?\s*(?P<bday>\d{{1,2}})\s*ရက်)"
    rf"|(?P<dmy>\b\d{{1,2}}\.?\s+(?:de\s+)?{_LETTERS}\.?,?\s+(?:de\s+|del\s+)?(?:พ\.ศ\.\s*)?\d{{4}})"
    rf"|(?P<mdy>{_LETTERS}\.?\s+\d{{1,2}},?\s+\d{{4}})"
    rf"|(?P<dwmy>\b\d{{1,2}}\s+{_LETTERS}\s+\d{{1,2}}(?:\s+{_LETTERS})?\s+\d{{4}})",
    regex.V0,
)
"""A written date in another language, once its digits are ASCII: ``2024年01月12日``,
``2024 ခုနှစ် ဩဂုတ်လ 3 ရက်`` (Burmese: year, month, day), ``11 เมษายน 2567``,
``12 de enero de 2024``, ``3 августа 2024``, ``15 دی 1402``, ``3. August 2024``, and a month
by its number between words (Vietnamese ``3 tháng 8 năm 2024``). The month's word is read by
dateparser, in the story's language."""

BUDDHIST_ERA_OFFSET = 543
"""Thai dates count years from the Buddha's death: 2567 BE is 2024 CE."""
BUDDHIST_ERA_FROM = 2400
"""A Thai year this high is of the Buddhist era (2400 BE is 1857 CE; no news is dated 2400 CE)."""
SOLAR_HIJRI_BEFORE = 1500
"""Persian dates count Solar Hijri years (1402 is 2023-24): a year below this in a Persian
text is one."""
_DIGIT = regex.compile(r"(?![0-9])\p{Nd}")
"""A decimal digit other than an ASCII one (those need no change)."""


def ascii_digits(text: str) -> str:
    """Every decimal digit as its ASCII digit, the text otherwise unchanged (and as long):
    Burmese ၂၀၂၄, Thai ๒๕๖๗, Arabic-Indic ٢٠٢٤, Persian ۱۴۰۲, Devanagari २०२४,
    full-width ２０２４."""
    if text.isascii():
        return text
    return _DIGIT.sub(lambda m: str(unicodedata.digit(m.group(0), 0)), text)


def looks_like_date(text: str) -> bool:
    """Whether a line writes a full date in any language (for the cleaner, which reads lines
    before their language is known): a date line is a dateline, never a headline."""
    return bool(DATE_IN_LINE.search(text) or NATIVE_DATE.search(ascii_digits(text)))


def native_date(text: str, language: str = "en") -> tuple[dt.date, str] | None:
    """The first full date written in ``text`` in its language's words, digits, era or
    calendar, as (Gregorian date, as written)."""
    if text.isascii() and language.startswith("en"):
        return None  # English dates are DATE_IN_LINE's
    plain = ascii_digits(text)
    for m in NATIVE_DATE.finditer(plain):
        written = text[m.start() : m.end()]
        when = _read_native(m, language)
        if when is not None and when.year >= EARLIEST_YEAR:
            return when, written
    return None


def _read_native(m: regex.Match[str], language: str) -> dt.date | None:
    primary = language.split("-")[0]
    try:
        if m["cjk"]:
            year, month, day = (int(x) for x in regex.findall(r"\d+", m["cjk"]))
            return dt.date(year, month, day)
        if m["burmese"]:
            year = int(m["burmese"][:4])
            return _dateparser(f"{int(m['bday'])} {m['bmonth']} {year}", "my")
        text = m.group(0)
        if primary == "fa" and (year := int(text[-4:])) < SOLAR_HIJRI_BEFORE:
            return _solar_hijri(text)
        languages = (primary, "en") if primary != "en" else ("en",)
        for lang in languages:
            if when := _dateparser(text.replace("พ.ศ.", " "), lang):
                if lang == "th" and when.year >= BUDDHIST_ERA_FROM:
                    when = when.replace(year=when.year - BUDDHIST_ERA_OFFSET)
                return when
    except (ValueError, OverflowError):
        return None
    return None


@lru_cache(maxsize=4096)
def _dateparser(text: str, language: str) -> dt.date | None:
    try:
        parsed = dateparser.parse(text, languages=[language], settings=_PARSER_SETTINGS)
    except (ValueError, OverflowError, KeyError):
        return None
    return parsed.date() if parsed else None


def _solar_hijri(text: str) -> dt.date | None:
    from dateparser.calendars.jalali import JalaliCalendar

    found = JalaliCalendar(text).get_date()
    return found.date_obj.date() if found and found.date_obj else None


def latest_mentioned_date(article: CleanedArticle, today: dt.date) -> dt.date | None:
    """The latest date the text mentions (a caption's "Nov. 27, 2023", "in February 2021").

    A story is published after the events it reports, so this bounds its date from below.
    A month mention counts as the month's first day: the bound stays a true lower bound.
    """
    found: list[dt.date] = []
    for block in article.blocks:
        if not _FOUR_DIGITS.search(block.text):
            continue  # both patterns need a year: most paragraphs are passed over at once
        for pattern in (DATE_IN_LINE, _MONTH_YEAR):
            for m in pattern.finditer(block.text):
                parsed = parse_date_text(m.group(0))
                if parsed and parsed[0] <= today:
                    found.append(parsed[0])
    return max(found) if found else None


def month_number(name: str) -> int:
    """1-12 for a month name or abbreviation matched by MONTH."""
    return _MONTH_NUMBERS[name[:3].lower()]


def closest_year(
    month: int, day: int, reference: dt.date, not_before: dt.date | None = None
) -> dt.date | None:
    """The month and day in the year nearest the reference (and not before the bound)."""
    options = []
    for year in (reference.year - 1, reference.year, reference.year + 1):
        try:
            when = dt.date(year, month, day)
        except ValueError:
            continue
        if not_before is None or when >= not_before:
            options.append(when)
    return min(options, key=lambda d: (abs((d - reference).days), d)) if options else None


NATIVE_PARTIAL = regex.compile(
    r"(?<![年년]\s*)(?<!\d)(?P<cjk>(?P<cmonth>\d{1,2})\s*[月월]\s*(?P<cday>\d{1,2})\s*[日일号號])"
    r"|(?<!ခုနှစ်\s*[,၊]?\s*)(?<![\p{L}\p{M}])(?P<burmese>(?P<bmonth>\p{Myanmar}[\p{L}\p{M}]*?)လ\s*"
    r"(?P<bday>\d{1,2})\s*ရက်)"
    r"|(?P<thai>(?<!\d)\d{1,2}\s+\p{Thai}[\p{Thai}.]*+)(?!\s*(?:พ\.ศ\.\s*)?\d)",
    regex.V0,
)
"""A month and day without a year in a script that writes them its own way, once its digits
are ASCII: ``8月3日`` (Chinese, Japanese; ``8월 3일`` Korean), ``ဩဂုတ်လ 3 ရက်`` (Burmese: month,
then day), ``3 สิงหาคม`` (Thai, read by dateparser). A full date (``2024年8月3日``) is not one."""


def partial_dates(article: CleanedArticle) -> list[tuple[str, int, int]]:
    """Month-day mentions without a year: (as written, month, last day of the range), in
    English or in the scripts of ``NATIVE_PARTIAL``."""
    out = []
    for block in article.body_blocks:
        for m in _PARTIAL.finditer(block.text):
            last_day = int(re.findall(r"\d{1,2}", m.group(0))[-1])
            if 1 <= last_day <= 31:
                out.append((m.group(0), month_number(m[1]), last_day))
        if block.text.isascii():
            continue
        plain = ascii_digits(block.text)  # as long as the text: spans point into both
        for native in NATIVE_PARTIAL.finditer(plain):
            written = block.text[native.start() : native.end()]
            if native["cjk"]:
                found: tuple[int, int] | None = (int(native["cmonth"]), int(native["cday"]))
            elif native["burmese"]:
                found = _month_day(f"{int(native['bday'])} {native['bmonth']}", "my")
            else:
                found = _month_day(native["thai"], "th")
            if found and 1 <= found[0] <= 12 and 1 <= found[1] <= 31:
                out.append((written, *found))
    return out


def resolve_partial_date(
    article: CleanedArticle, reference: dt.date, origin: str = "related coverage"
) -> Dated | None:
    """Place the latest-mentioned partial date in the year that brings it closest to the reference.

    The reference is the date of related coverage: a report on "January 10-11" filed
    among stories from November 2023 is from January 2024. Month precision, because
    the publication day is only known to be on or after the mentioned day.
    """
    candidates = [
        (when, written)
        for written, month, day in partial_dates(article)
        if (when := closest_year(month, day, reference))
    ]
    if not candidates:
        return None
    when, written = max(candidates)
    return Dated(
        when.replace(day=1),
        DatePrecision.MONTH,
        f"partial date '{written}' in the text, year from {origin} dated {reference.isoformat()}",
    )


def story_date(story: Story) -> DateTag:
    """The main version's date, else the earliest date any version states."""
    own = story.main_version.date
    if isinstance(own, Dated):
        return own
    dates = [v.date for v in story.versions]
    dated = sorted((d for d in dates if isinstance(d, Dated)), key=lambda d: (d.value, d.source))
    if dated:
        first = dated[0]
        return Dated(first.value, first.precision, f"{first.source}, from another version")
    bounds = [d.not_before for d in dates if isinstance(d, Undated) and d.not_before]
    return Undated(not_before=max(bounds) if bounds else None)


def wire_dateline(article: CleanedArticle, language: str = "en") -> tuple[str, int, int] | None:
    """The day a wire dateline states without a year ("LASHIO, Dec 15 (Reuters)", "YANGON,
    3 ago (EFE)"): (text, month, day); a month in another language is read in ``language``."""
    wire = article.wire
    if wire is None or wire.date_text is None or re.search(r"\d{4}", wire.date_text):
        return None
    first, second = wire.date_text.split()[:2]
    if first[:1].isdigit():  # day first, the month in the agency's language
        found = _month_day(wire.date_text, language)
        return (wire.text, *found) if found else None
    month, day = first, second
    return (wire.text, month_number(month.rstrip(".")), int(day)) if 1 <= int(day) <= 31 else None


@lru_cache(maxsize=256)
def _month_day(text: str, language: str) -> tuple[int, int] | None:
    """(month, day) of a day and month written in a language ("3 ago", "3 août")."""
    settings = {**_PARSER_SETTINGS, "REQUIRE_PARTS": ["day", "month"]}
    for lang in dict.fromkeys((language.split("-")[0], "es", "fr", "pt", "it", "de")):
        try:
            parsed = dateparser.parse(text.rstrip("."), languages=[lang], settings=settings)
        except (ValueError, OverflowError, KeyError):
            parsed = None
        if parsed:
            return parsed.month, parsed.day
    return None


_WEEKDAY = re.compile(r"\b(?:on\s+)?(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
WEEKDAY_YEARS_AROUND = 2
"""A named weekday settles a year among this many years either side of the reference."""


def weekday_year(
    month: int, day: int, lead: str, reference: dt.date, not_before: dt.date | None
) -> dt.date | None:
    """The one year near ``reference`` in which month/day falls on the weekday the lead names."""
    named = {m[1] for m in _WEEKDAY.finditer(lead)}
    if len(named) != 1:
        return None
    weekday = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday").index(
        named.pop()
    )
    fits = []
    for year in range(
        reference.year - WEEKDAY_YEARS_AROUND, reference.year + WEEKDAY_YEARS_AROUND + 1
    ):
        try:
            when = dt.date(year, month, day)
        except ValueError:
            continue
        if when.weekday() == weekday and (not_before is None or when >= not_before):
            fits.append(when)
    return fits[0] if len(fits) == 1 else None


def resolve_undated(tagged: list[TaggedStory], max_df: int = 200) -> list[TaggedStory]:
    """Give undated stories with a wire dateline or partial dates a year from related coverage.

    The reference is the median date of the dated stories sharing the most topics and
    entities (labels on more than ``max_df`` stories are skipped, keeping this linear),
    else the median date of the whole archive.
    """
    dated = [t for t in tagged if isinstance(t.date, Dated)]
    days = sorted(t.date.value for t in dated if isinstance(t.date, Dated))
    if not days:
        return tagged
    archive_median = days[len(days) // 2]
    postings, _ = capped_postings(((t, _label_keys(t)) for t in dated), max_df)
    out = []
    for t in tagged:
        if not isinstance(t.date, Undated):
            out.append(t)
            continue
        wire = wire_dateline(t.story.main, t.story.language.code)
        # Partial dates count only where they are the sole evidence: beside a full date
        # in the text ("Nov. 27, 2023"), "October 27" is an event the story recalls.
        partial = wire is None and t.date.not_before is None and partial_dates(t.story.main)
        if wire or partial:
            reference, origin = _reference_date(t, postings)
            if reference is None:
                reference, origin = archive_median, "the archive's median date"
            lead = next((b.text for b in t.story.main.body_blocks), "")
            resolved = (
                resolve_wire_dateline(wire, reference, origin, t.date.not_before, lead)
                if wire
                else resolve_partial_date(t.story.main, reference, origin)
            )
            if resolved:
                t = TaggedStory(t.story, resolved, t.topics, t.entities)
        out.append(t)
    return out


def _label_keys(t: TaggedStory) -> list[str]:
    return [f"{label.kind}:{label.slug}" for label in (*t.topics, *t.entities)]


def _reference_date(
    t: TaggedStory, postings: dict[str, list[TaggedStory]]
) -> tuple[dt.date | None, str]:
    score: Counter[str] = Counter()
    by_id = {}
    for key in _label_keys(t):
        for other in postings.get(key, ()):
            score[other.story.id] += 1
            by_id[other.story.id] = other
    if not score:
        return None, ""
    best = max(score.values())
    nearest = sorted(
        d.value for i, n in score.items() if n == best and isinstance(d := by_id[i].date, Dated)
    )
    return nearest[len(nearest) // 2], "related coverage"


def resolve_wire_dateline(
    wire: tuple[str, int, int],
    reference: dt.date,
    origin: str,
    not_before: dt.date | None,
    lead: str = "",
) -> Dated | None:
    """A wire dateline states the filing day; only its year is inferred, and the provenance says so.

    A weekday the lead names ("on Friday") that fits only one nearby year settles it;
    else the year closest to the reference date of related coverage.
    """
    written, month, day = wire
    if when := weekday_year(month, day, lead, reference, not_before):
        return Dated(
            when,
            DatePrecision.DAY,
            f"wire dateline '{written}', year from the weekday the lead names"
            f" ({when.strftime('%A')})",
        )
    when = closest_year(month, day, reference, not_before)
    if when is None:
        return None
    return Dated(
        when,
        DatePrecision.DAY,
        f"wire dateline '{written}', year from {origin} dated {reference.isoformat()}",
    )
