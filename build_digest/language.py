"""Stage 3 (dates and fingerprints): the language of every source, as a BCP 47 tag with its
direction.

A language the source states (``lang:`` in front matter, a ``Language:`` line) wins; a saved
page's own ``<html lang>`` is evidence, kept when the text does not clearly read otherwise
(templates declare ``en`` over Persian text). Otherwise the text decides:

1. the script most of its letters are written in: a script that one language writes
   (Burmese, Thai, Lao, Khmer, Korean, Japanese kana, Georgian, Greek, Hebrew…) names that
   language, and an English story quoting Burmese stays English, since most of it is English;
2. for scripts many languages share (Latin, Cyrillic, Arabic, Han, Devanagari), the
   statistical detector lingua (``lingua-language-detector``), which knows 75 languages but
   none of the first group's Burmese, Lao or Khmer, hence step 1.

Names and directions come from the CLDR data Babel ships, never from a table of our own.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING

import regex
from babel import Locale, UnknownLocaleError

if TYPE_CHECKING:
    from lingua import Language, LanguageDetector

    from .models import CleanedArticle

SITE_LANGUAGE = "en"
"""The language of the site's own words (menus, listings, labels)."""


class LanguageSource(StrEnum):
    """Where a source's language came from, in the audit trail's words."""

    STATED = "stated in the source"
    PAGE = "declared by the saved page"
    SCRIPT = "the script of most of its letters"
    DETECTED = "detected from the text"
    DEFAULT = "too little text to tell: the site's language"


@dataclass(frozen=True)
class LanguageTag:
    """A BCP 47 language tag (``my``, ``zh-Hant``, ``pt-BR``) and how it was found."""

    code: str
    source: LanguageSource = LanguageSource.DETECTED

    @property
    def primary(self) -> str:
        return self.code.split("-")[0]

    @property
    def direction(self) -> str:
        """``rtl`` for scripts written right to left (Arabic, Persian, Urdu, Hebrew…)."""
        return "rtl" if _locale(self.code).character_order == "right-to-left" else "ltr"

    @property
    def name(self) -> str:
        """The language's name in the site's language: "Burmese", "Chinese (Traditional)"."""
        return _display_name(self.code)

    @property
    def native_name(self) -> str:
        """The language's name in itself: "မြန်မာ", "ไทย"."""
        return _locale(self.code).display_name or self.name


@lru_cache(maxsize=512)
def _display_name(code: str) -> str:
    """Babel builds the name afresh at each call (about 25 µs): an event page names its
    reports' languages, so a large archive asks for the same few names many thousand times."""
    return _locale(code).get_display_name(SITE_LANGUAGE) or code


@lru_cache(maxsize=512)
def _locale(code: str) -> Locale:
    try:
        return Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale.parse(SITE_LANGUAGE)


_TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")


def normalise_tag(value: str) -> str | None:
    """A stated language as a BCP 47 tag: ``zh_TW`` → ``zh-TW``, ``Burmese`` → ``my``.

    None when it names no language CLDR knows.
    """
    value = value.strip()
    if _TAG.match(value):
        try:
            Locale.parse(value.replace("-", "_"))  # a language CLDR knows
        except (UnknownLocaleError, ValueError):
            return None
        # as written, in BCP 47's case: "zh_tw" → "zh-TW", "sr_latn" → "sr-Latn"
        first, *rest = value.replace("_", "-").split("-")
        return "-".join([first.lower(), *(_subtag_case(part) for part in rest)])
    english = _LANGUAGE_BY_NAME.get(value.casefold())
    return english


def _subtag_case(part: str) -> str:
    if len(part) == 4 and part.isalpha():
        return part.title()  # a script
    if len(part) == 2 or (len(part) == 3 and part.isdigit()):
        return part.upper()  # a region
    return part.lower()


def _names() -> dict[str, str]:
    names: dict[str, str] = {}
    for code, name in Locale.parse(SITE_LANGUAGE).languages.items():
        if "_" not in code and len(code) <= 3:
            names.setdefault(name.casefold(), code)
    return names


_LANGUAGE_BY_NAME = _names()


# --- 1. the script of most of the letters -------------------------------------------------

SCRIPT_LANGUAGE = {
    "Myanmar": "my",
    "Thai": "th",
    "Lao": "lo",
    "Khmer": "km",
    "Hangul": "ko",
    "Hiragana": "ja",
    "Katakana": "ja",
    "Georgian": "ka",
    "Armenian": "hy",
    "Greek": "el",
    "Hebrew": "he",
    "Ethiopic": "am",
    "Sinhala": "si",
    "Tamil": "ta",
    "Telugu": "te",
    "Kannada": "kn",
    "Malayalam": "ml",
    "Gujarati": "gu",
    "Gurmukhi": "pa",
    "Oriya": "or",
    "Tibetan": "bo",
}
"""Scripts that one language writes (as far as a news archive meets them): the script names
the language. Japanese mixes kana with Han, so its kana decide."""

SHARED_SCRIPTS = ("Latin", "Cyrillic", "Arabic", "Han", "Devanagari", "Bengali")
"""Scripts several languages write: the statistical detector tells them apart."""

_SCRIPTS = tuple(SCRIPT_LANGUAGE) + SHARED_SCRIPTS
_SCRIPT_RUN = regex.compile("|".join(rf"(?P<{s}>\p{{Script={s}}}+)" for s in _SCRIPTS))

KANA_SHARE_FOR_JAPANESE = 0.05
"""Japanese prose writes a kana in every few characters (particles, endings); Chinese
none. A Han text with more than this share of kana is Japanese."""
MIN_LETTERS = 20
"""Fewer letters than this (a headline of two words) say too little to detect from."""
DETECT_CHARS = 400
"""Lingua reads at most this much of a text: a story's language is settled in its first
paragraphs, and the cost grows with the length (on the Media Cloud pages, 400 characters
and 3,000 both read every story right; 400 cost 2.8 ms a story, 1,000 cost 6 ms)."""
SCRIPT_SCAN_CHARS = 2000
"""The letters counted by script: the first this many characters, which settle what most of
a story is written in."""


def script_letters(text: str) -> Counter[str]:
    """Letters per script, for the scripts this module knows."""
    counts: Counter[str] = Counter()
    for m in _SCRIPT_RUN.finditer(text):
        name = m.lastgroup
        if name:
            counts[name] += len(m.group(0))
    return counts


def detect_language(text: str) -> LanguageTag:
    """The language most of ``text`` is written in (see the module's docstring)."""
    if (known := _DETECTED_TOGETHER.get(text)) is not None:
        return known
    step = _by_script(text)
    if isinstance(step, LanguageTag):
        return step
    return _as_detected(_lingua_language(step.letters), step.script, text)


@dataclass(frozen=True)
class _AskDetector:
    """What the script alone cannot settle: the detector reads these letters."""

    letters: str
    script: str


def _by_script(text: str) -> LanguageTag | _AskDetector:
    """Step 1: the language the script names, or what the detector is to read."""
    counts = script_letters(text[:SCRIPT_SCAN_CHARS])
    total = sum(counts.values())
    if total < MIN_LETTERS:
        return LanguageTag(SITE_LANGUAGE, LanguageSource.DEFAULT)
    kana = counts["Hiragana"] + counts["Katakana"]
    if kana and kana >= KANA_SHARE_FOR_JAPANESE * (kana + counts["Han"]):
        counts["Hiragana"], counts["Katakana"] = kana, 0
        counts["Han"] = 0  # Han inside Japanese text is Japanese
    script, _ = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
    if script in SCRIPT_LANGUAGE:
        return LanguageTag(SCRIPT_LANGUAGE[script], LanguageSource.SCRIPT)
    return _AskDetector(_in_script(text[:SCRIPT_SCAN_CHARS], script)[:DETECT_CHARS], script)


def _as_detected(code: str | None, script: str, text: str) -> LanguageTag:
    """Step 2: the detector's answer as a tag (Chinese with its variant)."""
    if code is None:
        return LanguageTag(SITE_LANGUAGE, LanguageSource.DEFAULT)
    if code == "zh" and script == "Han":
        code = f"zh-{han_variant(text)}"
    return LanguageTag(code, LanguageSource.DETECTED)


_DETECTED_TOGETHER: dict[str, LanguageTag] = {}
DETECT_TOGETHER_FROM = 50
"""From this many texts, the detector reads them all in one call on every core (its own
threads): a cold build dates its sources on one core while the other waits for named-entity
recognition. Below it, the threads cost more than they save."""


@contextmanager
def detected_together(texts: Sequence[str]) -> Iterator[None]:
    """Within the block, ``detect_language`` answers these texts from one parallel run of the
    detector: the same answers as one text at a time, in about half the time on two cores."""
    try:
        _detect_together(texts)
    except Exception:
        # Then each text is read alone, and its own error, if any, rejects that source only
        # (``pipeline.attempt``): one bad text never stops the others.
        _DETECTED_TOGETHER.clear()
    try:
        yield
    finally:
        _DETECTED_TOGETHER.clear()


def _detect_together(texts: Sequence[str]) -> None:
    """Each text's script step once; the texts it leaves to the detector in one parallel call
    when there are enough of them (else ``detect_language`` asks for each, as before)."""
    asks: list[tuple[str, _AskDetector]] = []
    for text in texts:
        step = _by_script(text)
        if isinstance(step, LanguageTag):
            _DETECTED_TOGETHER[text] = step  # settled by its script: not counted again
        else:
            asks.append((text, step))
    if len(asks) < DETECT_TOGETHER_FROM:
        return
    found = _detector().detect_languages_in_parallel_of([ask.letters for _, ask in asks])
    for (text, ask), language in zip(asks, found, strict=True):
        _DETECTED_TOGETHER[text] = _as_detected(_code(language), ask.script, text)


def _in_script(text: str, script: str) -> str:
    """The runs of ``text`` in ``script``, spaced, so a quotation in another script does not
    sway the detector (an Arabic story with English names in it)."""
    pattern = regex.compile(
        rf"[\p{{Script={script}}}\p{{Mn}}\p{{Mc}}]+(?:[\s'’-]+[\p{{Script={script}}}\p{{Mn}}\p{{Mc}}]+)*"
    )
    return " ".join(m.group(0) for m in pattern.finditer(text))


# Characters whose simplified and traditional forms differ, most frequent in news text.
_SIMPLIFIED = set("这个们来时为说国会对发经过进现还与东长门问间关军应马点战当总万边区议场产")
_TRADITIONAL = set("這個們來時為說國會對發經過進現還與東長門問間關軍應馬點戰當總萬邊區議場產")
_SIMPLIFIED -= _TRADITIONAL  # the shared ones (为/為 differ, 时 vs 時…) stay apart


def han_variant(text: str) -> str:
    """``Hant`` when a Chinese text writes traditional characters (Taiwan, Hong Kong), else
    ``Hans``: a reader's fonts and a screen reader's voice differ between the two."""
    simplified = sum(1 for ch in text if ch in _SIMPLIFIED)
    traditional = sum(1 for ch in text if ch in _TRADITIONAL)
    return "Hant" if traditional > simplified else "Hans"


@lru_cache(maxsize=1)
def _detector() -> LanguageDetector:
    from lingua import LanguageDetectorBuilder

    # Low-accuracy mode reads trigrams only: as accurate as the full models on texts of a
    # paragraph or more (lingua's own figures), about ten times faster and lighter. Its models
    # are loaded at once (0.5 s, 75 MB) rather than as each language first comes up.
    return (
        LanguageDetectorBuilder.from_all_languages()
        .with_low_accuracy_mode()
        .with_preloaded_language_models()
        .build()
    )


def _lingua_language(text: str) -> str | None:
    return _code(_detector().detect_language_of(text))


def _code(found: Language | None) -> str | None:
    return found.iso_code_639_1.name.lower() if found is not None else None


CONFIDENCE_TO_OVERRULE = 0.9
"""A page's declared language stands unless the detector is this sure of another: templates
declare ``en`` over other languages, but a short or mixed text is no reason to doubt a page."""


def source_language(
    text: str, stated: str | None = None, declared: str | None = None
) -> LanguageTag:
    """The source's language: stated wins, a page's declaration is evidence, else the text."""
    if stated and (code := normalise_tag(stated)):
        return LanguageTag(code, LanguageSource.STATED)
    found = detect_language(text)
    if declared and (code := normalise_tag(declared)):
        page = LanguageTag(code, LanguageSource.PAGE)
        if found.source is LanguageSource.DEFAULT or page.primary == found.primary:
            return page
        if found.source is LanguageSource.DETECTED and not _sure_of(text, found.primary):
            return page
    return found


def article_text(article: CleanedArticle) -> str:
    """What a version's language is read from: its headline and body."""
    return f"{article.title}\n\n{article.body_text}"


def article_language(article: CleanedArticle) -> LanguageTag:
    meta = article.source.meta
    return source_language(article_text(article), meta.language, meta.page_language)


def language_version() -> str:
    """Cache version: this module, the detector's release and Babel's."""
    from importlib.metadata import version

    from . import language
    from .cache import code_version

    return code_version(
        language, options=f"{version('lingua-language-detector')} {version('babel')}"
    )


def tag_to_json(tag: LanguageTag) -> list[str]:
    return [tag.code, tag.source.name]


def tag_from_json(data: object) -> LanguageTag:
    if not isinstance(data, list) or len(data) != 2:
        raise TypeError("a [code, source] pair")
    return LanguageTag(str(data[0]), LanguageSource[str(data[1])])


def _sure_of(text: str, code: str) -> bool:
    values = _detector().compute_language_confidence_values(text[:DETECT_CHARS])
    return any(
        v.language.iso_code_639_1.name.lower() == code and v.value >= CONFIDENCE_TO_OVERRULE
        for v in values[:1]
    )
