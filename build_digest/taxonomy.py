"""Stage 5 (tag): the taxonomy file: topics with their phrases, entity corrections, names to
ignore.

Read and validated once per build; every error names the file and the key. The phrases
become ``PhrasePattern``s, matched in any script and with any digits.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from slugify import slugify

from .cache import content_key
from .dates import ascii_digits
from .errors import DigestError
from .models import LabelKind
from .text import is_unspaced
from .urls import RESERVED_SLUGS

TYPE_ORDER = (LabelKind.PLACE, LabelKind.ORGANISATION, LabelKind.PERSON)


class TaxonomyError(DigestError, ValueError):
    """The taxonomy file is missing or malformed; the message names the file and key."""


_BEYOND_LATIN = re.compile(r"[^\x00-\u024f\u1e00-\u1eff\u2000-\u206f\u20a0-\u20cf]")
"""A character of a script other than Latin (punctuation, currency and Latin letters aside)."""


@dataclass(frozen=True)
class PhrasePattern:
    """Aliases as two patterns: those in the Latin script, tried on every text, and those in
    other scripts, tried only on a text that has a letter of another script. One alternation
    of every alias is tried at every position of every text: with the aliases in Burmese,
    Chinese, Thai and six other scripts, that made the tag stage half as slow again on English
    archives (400 sources: 21 s -> 31 s, ``python -m benchmarks.bench --stages``).

    The Latin pattern is tried only where one of its aliases' first words starts, and only
    for the aliases whose every word the text has (``alias_words``); the matches are the
    ones a scan of every position finds. Each story's text is read for every topic, part and
    pattern, and most topics' phrases are in few stories: at 1,600 sources the scans were
    three quarters of finding topics by phrases."""

    latin: re.Pattern[str]
    other: re.Pattern[str] | None
    alias_words: tuple[tuple[str, frozenset[str]], ...] | None = None
    """Per Latin alias, its first word and all its words, as ``_text_words`` folds a text's
    words; None when a first word is not ASCII (case-blind matching beyond ASCII is not
    followed here) or an alias starts with a sign: then every position is tried."""

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        if self.alias_words is None:
            yield from self.latin.finditer(text)
        else:
            yield from self._latin_at_words(text)
        if self.other is not None and _text_words(text).beyond_latin:
            yield from self.other.finditer(text)

    def _latin_at_words(self, text: str) -> Iterator[re.Match[str]]:
        """The Latin pattern's matches, left to right without overlaps as ``finditer``'s,
        tried only at the starts of the words that can begin one."""
        assert self.alias_words is not None
        starts = _text_words(text).starts
        firsts = {first for first, words in self.alias_words if words <= starts.keys()}
        end = 0
        for at in sorted(at for first in firsts for at in starts[first]):
            if at >= end and (match := self.latin.match(text, at)):
                end = match.end()
                yield match


_WORD_RUN = re.compile(r"\w+")
_WORD_SPLIT = re.compile(r"(\w+)")
_LOOKALIKES = {"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"}
"""The only characters beyond ASCII that a case-blind pattern takes for an ASCII letter or
digit (İ, ı, ſ and the Kelvin sign: found by trying every code point against ``[a-z0-9_]``
with ``re.I``)."""
_ASCII_LOOKALIKES = str.maketrans(_LOOKALIKES)


@dataclass(frozen=True)
class _TextWords:
    """What ``PhrasePattern`` reads of a text before it tries a pattern, once per text."""

    starts: dict[str, list[int]]
    """Where each run of word characters starts, by the run in lower case with the four
    look-alikes in ASCII (``_LOOKALIKES``)."""
    beyond_latin: bool
    """Whether the text has a letter of a script other than Latin (``_BEYOND_LATIN``)."""


@lru_cache(maxsize=64)
def _text_words(text: str) -> _TextWords:
    """The words of ``text`` and where they start (``_TextWords``); kept for the last texts,
    as one story's text is read for every topic.

    Each word of an alias is a whole run of word characters wherever the alias matches: the
    pattern puts ``(?<!\\w)`` before it and ``(?!\\w)`` after it, and spaces, hyphens or
    signs between its words. So an alias can start only where a run folds to its first word,
    and not at all in a text that lacks one of its words."""
    # Folded whole, in one pass: folding keeps every character's place and whether it is a
    # word character (checked over every code point), once İ, whose lower case is two, is i.
    folded = text.translate(_ASCII_LOOKALIKES) if any(c in text for c in _LOOKALIKES) else text
    pieces = _WORD_SPLIT.split(folded.lower())  # between words, a word, between words, …
    ends = list(itertools.accumulate(map(len, pieces), initial=0))
    starts: dict[str, list[int]] = defaultdict(list)
    for word, at in zip(pieces[1::2], ends[1:-1:2], strict=True):
        starts[word].append(at)
    return _TextWords(dict(starts), bool(_BEYOND_LATIN.search(text)))


def _alias_words(aliases: Sequence[str]) -> tuple[tuple[str, frozenset[str]], ...] | None:
    """``PhrasePattern.alias_words`` of the Latin aliases, each as its pattern reads it."""
    out = []
    for alias in aliases:
        plain = ascii_digits(alias)
        words = _WORD_RUN.findall(plain)
        if not _WORD_RUN.match(plain) or not words[0].isascii():
            return None  # it starts with a sign, or beyond ASCII
        out.append((words[0].lower(), frozenset(w.lower() for w in words if w.isascii())))
    return tuple(out)


NOTHING = re.compile(r"(?!)")


@dataclass(frozen=True)
class Topic:
    slug: str
    name: str
    description: str
    aliases: tuple[str, ...]
    min_matches: int = 1
    pattern: PhrasePattern = field(
        compare=False, repr=False, default_factory=lambda: PhrasePattern(NOTHING, None)
    )
    weak_pattern: PhrasePattern = field(
        compare=False, repr=False, default_factory=lambda: PhrasePattern(NOTHING, None)
    )
    """Phrases that support the topic but also occur as background ("the regime", "trade")."""
    shared_by: dict[str, int] = field(compare=False, repr=False, default_factory=dict)
    """Its phrases that other topics have too (``lookup_key`` -> how many topics): such a phrase
    cannot tell them apart, so it counts for each in part ("earthquake" in two topics)."""
    weak_meaning: dict[str, str] = field(compare=False, repr=False, default_factory=dict)
    """Its weak phrases (``lookup_key``) -> what they name: the forms of one entity ("Muse",
    "木姐") or of one date ("October 27", "27 Oct") are one piece of evidence, not several."""


@dataclass(frozen=True)
class EntityRule:
    name: str
    type: LabelKind
    aliases: tuple[str, ...]
    topics: tuple[str, ...] = ()
    """Topics the entity belongs to (Muse is a border crossing): its names support them."""


@dataclass(frozen=True)
class Measure:
    """A figure a reader follows over time (people displaced, soldiers surrendered), and the
    phrases that stand beside its numbers, in any language."""

    slug: str
    name: str
    phrases: tuple[str, ...]
    pattern: PhrasePattern = field(
        compare=False, repr=False, default_factory=lambda: PhrasePattern(NOTHING, None)
    )


@dataclass(frozen=True)
class Taxonomy:
    topics: tuple[Topic, ...]
    entities: tuple[EntityRule, ...]
    ignore: frozenset[str]
    digest: str = field(compare=False, default="")
    """SHA-256 of the file it was read from: cached tags are valid for this taxonomy only."""
    measures: tuple[Measure, ...] = ()

    @property
    def entity_lookup(self) -> dict[str, EntityRule]:
        """Casefolded surface form (digits in ASCII) -> the entity it means."""
        lookup = {}
        for rule in self.entities:
            for form in (rule.name, *rule.aliases):
                lookup[lookup_key(form)] = rule
        return lookup


ARABIC_PROCLITICS = r"(?:و|ف|ب|ل|ك|ال|وال|بال|فال|كال|لل|ولل)?"
"""Arabic writes "and", "by", "for", "the" as one word with the name after them (وجيش أراكان,
"and the Arakan Army"): a name in Arabic script is found behind them."""
_ARABIC = re.compile(r"[\u0600-\u06ff]")


_JOINER_PATTERN = r"\s*[-\u2010\u2011]\s*|\s+"
"""What joins the words of a name: a hyphen with or without spaces round it, or spaces."""
_JOINER = re.compile(_JOINER_PATTERN)


_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_MONTH_DAY = re.compile(
    rf"^(?:(?P<month>{'|'.join(_MONTHS)})\s+(?P<day>\d{{1,2}})"
    rf"|(?P<day2>\d{{1,2}})\s+(?P<month2>{'|'.join(_MONTHS)}))$",
    re.I,
)


def date_forms(phrases: Sequence[str]) -> list[str]:
    return [form for forms in _date_variants(phrases).values() for form in forms]


def _date_variants(phrases: Sequence[str]) -> dict[str, list[str]]:
    """Each phrase -> it and, for a day of the year ("October 27"), the other ways English writes
    it ("27 October", "Oct. 27", "Oct 27", "27 Oct"): a British report of the offensive says
    "27 October", an American one "Oct. 27". ``date_forms`` lists them all, without repeats."""
    out: dict[str, list[str]] = {}
    seen: set[str] = set()
    for phrase in phrases:
        forms = [phrase]
        m = _MONTH_DAY.match(phrase.strip())
        if m:
            month = (m["month"] or m["month2"]).capitalize()
            day = str(int(m["day"] or m["day2"]))
            short = month[:3]
            forms += [f"{month} {day}", f"{day} {month}"]
            if short != month:  # "May" has no shorter form
                forms += [f"{short}. {day}", f"{short} {day}", f"{day} {short}"]
        new = [f for f in dict.fromkeys(forms) if f not in seen]
        seen.update(new)
        if new:
            out.setdefault(phrase, []).extend(new)
    return out


def lookup_key(form: str) -> str:
    """A name as the entity lookup keys it: casefolded, digits in ASCII, and a hyphen or any
    run of spaces as one space ("Sit-Tat" and "Sit Tat" are one name, as ``_literal`` finds)."""
    return _JOINER.sub(" ", ascii_digits(form).casefold()).strip()


def _literal(alias: str) -> str:
    """An alias as a pattern of its words: a space matches any run of spaces or a line break,
    a hyphen a hyphen with or without spaces round it, or a space ("cross-border trade",
    "cross border trade", "hit - and - run" as a copy's tokeniser left it)."""
    escaped = re.escape(ascii_digits(alias))
    return escaped.replace("\\ ", r"\s+").replace("\\-", f"(?:{_JOINER_PATTERN})")


def _alternative(alias: str) -> str:
    """One alias as a pattern: whole words, except where a script joins its words."""
    escaped = _literal(alias)
    if is_unspaced(alias):
        return escaped  # Chinese, Thai, Burmese … run words together: no word edges to find
    if _ARABIC.search(alias[:1]):
        return rf"(?<!\w){ARABIC_PROCLITICS}{escaped}(?!\w)"
    return rf"(?<!\w){escaped}(?!\w)"


def _phrase_pattern(aliases: Sequence[str]) -> PhrasePattern:
    """Any of the aliases, longest first, matched in ``ascii_digits`` of a text (an alias may
    be written in any script and with any digits: ၁၀၂၇ and 1027 are one number)."""

    def compiled(group: Sequence[str]) -> re.Pattern[str]:
        alternatives = sorted({_alternative(a) for a in group}, key=lambda a: (-len(a), a))
        return re.compile("(?:" + "|".join(alternatives) + ")", re.I) if alternatives else NOTHING

    other: list[str] = []
    latin_aliases: list[str] = []
    for alias in aliases:
        (other if _BEYOND_LATIN.search(ascii_digits(alias)) else latin_aliases).append(alias)
    latin = sorted({_literal(a) for a in latin_aliases}, key=lambda a: (-len(a), a))
    # Latin aliases under one pair of word edges, as one alternation of literals, which the
    # regular expression engine scans far faster than alternatives that each carry their own.
    whole_words = (
        re.compile(r"(?<!\w)(?:" + "|".join(latin) + r")(?!\w)", re.I) if latin else NOTHING
    )
    return PhrasePattern(
        whole_words, compiled(other) if other else None, _alias_words(latin_aliases)
    )


def load_taxonomy(path: Path) -> Taxonomy:
    """Read and validate the taxonomy file, naming the file and key in every error."""
    try:
        source = path.read_text(encoding="utf-8")
        data = yaml.safe_load(source)
    except FileNotFoundError as exc:
        raise TaxonomyError(f"taxonomy file {path} does not exist") from exc
    except yaml.YAMLError as exc:
        raise TaxonomyError(f"taxonomy file {path} is not valid YAML: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("topics"), dict):
        raise TaxonomyError(
            f"taxonomy file {path}: expected a mapping with a 'topics' mapping at the top"
        )
    specs: list[tuple[str, dict, tuple[str, ...], dict[str, list[str]], int]] = []
    for slug, spec in sorted(data["topics"].items()):
        where = f"taxonomy file {path}, topics.{slug}"
        if not isinstance(spec, dict) or not spec.get("name"):
            raise TaxonomyError(f"{where}: needs at least a 'name'")
        if str(slug) in RESERVED_SLUGS or str(slug).isdigit():
            raise TaxonomyError(
                f"{where}: '{slug}' is the name of a listing page; choose another key"
            )
        if slugify(str(slug)) != str(slug):
            raise TaxonomyError(
                f"{where}: the key must be a slug (lowercase letters, digits, hyphens), e.g."
                f" '{slugify(str(slug))}'"
            )
        aliases = spec.get("aliases") or []
        if not isinstance(aliases, list) or not all(
            isinstance(a, str) and a.strip() for a in aliases
        ):
            raise TaxonomyError(f"{where}.aliases: must be a list of phrases")
        min_matches = spec.get("min_matches", 1)
        if not isinstance(min_matches, int) or min_matches < 1:
            raise TaxonomyError(f"{where}.min_matches: must be a whole number of at least 1")
        weak = spec.get("weak_aliases") or []
        if not isinstance(weak, list) or not all(isinstance(a, str) and a.strip() for a in weak):
            raise TaxonomyError(f"{where}.weak_aliases: must be a list of phrases")
        phrases = tuple(dict.fromkeys(date_forms([str(spec["name"]), *aliases])))
        specs.append(
            (str(slug), spec, phrases, _date_variants([str(a) for a in weak]), min_matches)
        )
    entities = []
    for n, spec in enumerate(data.get("entities") or []):
        where = f"taxonomy file {path}, entities[{n}]"
        if not isinstance(spec, dict) or not spec.get("name"):
            raise TaxonomyError(f"{where}: needs a 'name'")
        if spec.get("type") not in TYPE_ORDER:
            raise TaxonomyError(f"{where}.type: must be one of {', '.join(TYPE_ORDER)}")
        linked = spec.get("topics") or []
        unknown = [
            t
            for t in (linked if isinstance(linked, list) else [])
            if t not in {s[0] for s in specs}
        ]
        if not isinstance(linked, list) or unknown:
            raise TaxonomyError(
                f"{where}.topics: must be a list of topic keys of this file"
                + (f" ('{unknown[0]}' is not one)" if unknown else "")
            )
        entities.append(
            EntityRule(
                str(spec["name"]),
                LabelKind(spec["type"]),
                tuple(str(a) for a in spec.get("aliases") or []),
                tuple(str(t) for t in linked),
            )
        )
    topics = []
    linked = {
        slug: [
            form
            for rule in entities
            if slug in rule.topics
            for form in (rule.name, *rule.aliases)
            if len(form) > 2 or is_unspaced(form)
        ]
        for slug, *_ in specs
    }
    # A phrase two topics list is ambiguous and counts for each in part; an entity's name is
    # not: MNDAA is of the alliance and of the offensive it fights, wholly each.
    holders: dict[str, set[str]] = {}
    for slug, _spec, phrases, weak_forms, _min in specs:
        for form in (*phrases, *(f for forms in weak_forms.values() for f in forms)):
            holders.setdefault(lookup_key(form), set()).add(slug)
    for slug, spec, phrases, weak_forms, min_matches in specs:
        # An entity's names support the topics it belongs to, as weak phrases: "Muse" says a
        # story may be about border trade, it cannot say so alone.
        strong = {a.casefold() for a in phrases}
        weak = [form for forms in weak_forms.values() for form in forms]
        meaning = {
            lookup_key(form): lookup_key(alias)
            for alias, forms in weak_forms.items()
            for form in forms
        }
        for rule in entities:
            if slug in rule.topics:
                for form in (rule.name, *rule.aliases):
                    meaning.setdefault(lookup_key(form), "@" + lookup_key(rule.name))
        weak += [form for form in linked[slug] if form.casefold() not in strong]
        shared = {
            lookup_key(form): len(holders[lookup_key(form)])
            for form in (*phrases, *weak)
            if len(holders.get(lookup_key(form), ())) > 1
        }
        topics.append(
            Topic(
                slug,
                str(spec["name"]),
                str(spec.get("description", "")),
                phrases,
                min_matches,
                _phrase_pattern(phrases),
                _phrase_pattern(weak),
                shared,
                meaning,
            )
        )
    ignore = data.get("ignore") or []
    if not isinstance(ignore, list):
        raise TaxonomyError(f"taxonomy file {path}, ignore: must be a list of names")
    return Taxonomy(
        tuple(topics),
        tuple(entities),
        frozenset(str(i).casefold() for i in ignore),
        content_key(source),
        _measures(data.get("measures") or {}, path),
    )


def _measures(data: object, path: Path) -> tuple[Measure, ...]:
    """The ``measures:`` mapping: key -> name and phrases."""
    if not isinstance(data, dict):
        raise TaxonomyError(f"taxonomy file {path}, measures: must be a mapping of keys")
    measures = []
    for slug, spec in sorted(data.items()):
        where = f"taxonomy file {path}, measures.{slug}"
        if slugify(str(slug)) != str(slug):
            raise TaxonomyError(
                f"{where}: the key must be a slug (lowercase letters, digits, hyphens), e.g."
                f" '{slugify(str(slug))}'"
            )
        phrases = spec.get("phrases") if isinstance(spec, dict) else None
        if not isinstance(spec, dict) or not spec.get("name"):
            raise TaxonomyError(f"{where}: needs a 'name'")
        if not isinstance(phrases, list) or not all(isinstance(a, str) and a for a in phrases):
            raise TaxonomyError(f"{where}.phrases: must be a list of phrases")
        measures.append(
            Measure(str(slug), str(spec["name"]), tuple(phrases), _phrase_pattern(phrases))
        )
    return tuple(measures)
