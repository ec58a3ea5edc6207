"""Stage 2 (clean), after step 9: a trained line model drops the clutter the rules keep.

On a copied whole page, what survives the rules is mostly the story, but also long
lines of clutter that sit inside the run of prose: teasers of other stories, comment
threads, author boxes, newsletter and cookie prose, "Read also:" links. The rules look
at a line alone; the model weighs what a person sees around it: how the line reads
(length, sentence shape, stopwords of the page's language, punctuation, capitals), where
it stands (position, distance from the densest run of prose, the shape of its
neighbours, a list of headlines), whether it repeats (in the page, across the corpus),
how like the headline it is, and what the rules said of it and its neighbours.

It is a logistic regression in two passes (the second also sees the first pass's verdict
on the neighbouring lines), so each decision is a sum of named contributions: a removed
line records the features that weighed most against it. The weights live in
``linemodel.json``; ``benchmarks/train_cleaner.py`` makes that file from the trafilatura
evaluation pages only (see its docstring for the data recipe), and ``benchmarks.evaluate
clean`` measures it on pages it never saw.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import math
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..models import RemovalRule, Role
from ..text import UNSPACED_ALPHABETS, word_count
from .lines import SENTENCE_END, Line, best_window, is_prose, normalise_line

MODEL_FILE = Path(__file__).with_name("linemodel.json")
BODY_ROLES = (Role.PARAGRAPH,)
"""The lines the model judges: what the rules kept as the story's text."""
RESTORABLE = frozenset({RemovalRule.OUTSIDE_BODY, RemovalRule.LINK_LIST})
"""Lines the rules cut by their shape and place alone, which the model may give back."""
LANGUAGE_SAMPLE = 600
"""Words of a page's prose that tell its language: a few sentences suffice."""
MIN_PAGE_FURNITURE = 3
"""Lines the rules removed as site chrome, menus or lists that make a source a whole page."""
DENSITY_SAMPLE = 400
"""Characters of a line its densities (stopwords, punctuation, capitals...) are read from."""
CONTEXT = 3
"""Lines either side that make a line's neighbourhood (a teaser block is a few lines)."""

SCRIPT_SAMPLE = 3000
"""Characters of a page's kept text that tell its script."""
MAX_UNSPACED_SHARE = 0.5
"""A page at least half in scripts that space no words is left to the rules (an English page
quoting a Thai name is not)."""

_WORD = re.compile(r"\w+", re.UNICODE)
_LABEL_PREFIX = re.compile(r"^[\w ’'-]{1,30}:\s+\S")  # "Read also: …", "Lea más: …"
_ELLIPSIS_END = re.compile(r"(?:\.\.\.|…)\s*$")
_CONTACT = re.compile(r"https?://|www\.|@\w|\b[\w.-]+@[\w-]+\.\w")
_COPYRIGHT = re.compile(r"©|\(c\)\s*\d{4}|copyright", re.I)
_SEPARATOR = re.compile(r"\s[|»›•·]\s")
_DATE_LIKE = re.compile(r"\b(?:19|20)\d\d\b|\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b|\b\d{1,2}:\d\d\b")
_DIGIT = re.compile(r"\d")
_WORD_START = re.compile(r"(?<!\S)[^\W\d_]")
_PUNCT = re.compile(r"[^\w\s]")

RULE_GROUPS = {
    "chrome": {
        RemovalRule.CHROME_PHRASE,
        RemovalRule.PROMOTION,
        RemovalRule.BREADCRUMB,
        RemovalRule.COUNTED_LINK,
        RemovalRule.CORPUS_CHROME,
        RemovalRule.REPEATED_TITLE,
    },
    "after_end": {RemovalRule.AFTER_END, RemovalRule.TAIL_LIST, RemovalRule.COMMENT_THREAD},
    "outside": {RemovalRule.OUTSIDE_BODY, RemovalRule.LINK_LIST},
}
"""The rules' verdicts, grouped as the model sees them on a neighbouring line."""
PAGE_FURNITURE = frozenset().union(*RULE_GROUPS.values())


READER_ADDRESS = frozenset(
    {"you", "your", "yours", "yourself", "you're", "you'll", "you've"}
    | {"vous", "votre", "vos", "usted", "ustedes"}
)
"""Words that address the reader: newsletter, app, cookie and donation prose does, a news
report seldom does. English, French and Spanish in any case, German's formal forms below."""
READER_ADDRESS_CASED = frozenset(["Sie", "Ihnen", "Ihre", "Ihr", "Ihren", "Ihrem", "Ihrer"])
"""German's formal "you": only capitalised inside a sentence ("sie" is also "she", "they")."""


_ADDRESS = re.compile(
    r"(?<![\w'’])(?:" + "|".join(sorted(map(re.escape, READER_ADDRESS))) + r")(?![\w'’])", re.I
)
_ADDRESS_CASED = re.compile(
    r"(?<=\S\s)(?:" + "|".join(sorted(READER_ADDRESS_CASED)) + r")(?![\w'’])"
)


def _reader_address(text: str, words: int) -> float:
    """Share of a line's words that address the reader."""
    if not words:
        return 0.0
    return (len(_ADDRESS.findall(text)) + len(_ADDRESS_CASED.findall(text))) / words


@dataclass(frozen=True)
class _Stoplists:
    names: tuple[str, ...]
    lists: tuple[frozenset[str], ...]
    index: dict[str, int]
    """Row of each word in ``matrix``."""
    matrix: Any
    """Words by languages: 1 where the language's stoplist has the word."""


@functools.cache
def _stoplists() -> _Stoplists:
    """jusText's stoplists (about 100 languages), with a word-by-language matrix to score a
    page against all of them at once."""
    import justext
    from scipy import sparse

    names = tuple(sorted(justext.get_stoplists()))
    lists = tuple(frozenset(justext.get_stoplist(name)) for name in names)
    index: dict[str, int] = {}
    rows, cols = [], []
    for col, words in enumerate(lists):
        for word in sorted(words):
            rows.append(index.setdefault(word, len(index)))
            cols.append(col)
    matrix = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(index), len(names)))
    return _Stoplists(names, lists, index, matrix)


def page_stopwords(tokenised: Sequence[Sequence[str]]) -> frozenset[str]:
    """The stoplist of the page's language: the one covering most of its (lower-cased) words,
    the first by name on a tie."""
    stoplists = _stoplists()
    sample = itertools.islice(itertools.chain.from_iterable(tokenised), LANGUAGE_SAMPLE)
    rows = [row for row in map(stoplists.index.get, sample) if row is not None]
    if not rows:
        return frozenset()
    scores = np.asarray(stoplists.matrix[rows].sum(axis=0)).ravel()
    return stoplists.lists[int(np.argmax(scores))]


def tokens(text: str) -> list[str]:
    """A line's words, lower-cased, as the features count them."""
    return _WORD.findall(text.casefold())


@dataclass
class _Page:
    """What every feature may read of the page: computed once per page, in ``features``."""

    lines: Sequence[Line]
    texts: list[str]
    words: list[int]
    prose: list[bool]
    live: list[bool]
    tokenised: list[list[str]]
    stop: frozenset[str]
    title_tokens: set[str]
    keys: list[str]
    in_page: Counter[str]
    short_title: list[bool]
    groups: dict[str, list[bool]]
    recurring: Mapping[str, int]
    run_start: int
    run_end: int
    median: int
    first_after_end: int
    content: list[set[str]]
    story_words: Counter[str]
    prose_before: list[int]
    total_prose: int


@dataclass
class _At:
    """One judged line, with the samples its densities are read from (they settle within a
    few sentences)."""

    i: int
    text: str
    words: int
    sample: str
    sample_words: list[str]
    letters: int
    initials: list[str]
    """The first letter of each word."""
    digits: int
    around: list[int]
    """The lines within CONTEXT of it, itself left out."""
    in_run: bool

    def share(self, flags: list[bool]) -> float:
        return sum(flags[j] for j in self.around) / len(self.around) if self.around else 0.0


@dataclass(frozen=True)
class Feature:
    """One column of the model: its name (as ``linemodel.json`` stores it), how the audit
    trail names it when the line's value is high and when it is low (``READABLE``), and how it
    is read. The feature row is built from this table, so names and values cannot drift."""

    name: str
    high: str | None
    low: str | None
    value: Callable[[_Page, _At], float]


def _stopword_density(p: _Page, at: _At) -> float:
    if not at.sample_words:
        return 0.0
    return sum(map(p.stop.__contains__, at.sample_words)) / len(at.sample_words)


def _contact(p: _Page, at: _At) -> float:
    text = at.text
    return float(("@" in text or "www." in text or "://" in text) and bool(_CONTACT.search(text)))


def _distance(p: _Page, at: _At) -> float:
    i = at.i
    return math.log1p(0 if at.in_run else min(abs(i - p.run_start), abs(i - p.run_end)))


FIRST_PASS: tuple[Feature, ...] = (
    # What one line says of itself (and, for the last, how much it shares the story's words).
    Feature("log_words", None, "a short line", lambda p, at: math.log1p(at.words)),
    Feature("is_prose", None, "does not read as prose", lambda p, at: float(p.prose[at.i])),
    Feature(
        "sentence_end",
        None,
        "does not end as a sentence",
        lambda p, at: float(bool(SENTENCE_END.search(at.text))),
    ),
    Feature(
        "ends_colon", "ends with a colon", None, lambda p, at: float(at.text.rstrip().endswith(":"))
    ),
    Feature(
        "ends_ellipsis",
        "ends with an ellipsis",
        None,
        lambda p, at: float(bool(_ELLIPSIS_END.search(at.text))),
    ),
    Feature(
        "label_prefix",
        "starts with a label (\u201cRead also:\u201d)",
        None,
        lambda p, at: float(bool(_LABEL_PREFIX.match(at.text))),
    ),
    Feature("stopword_density", None, "few common words", _stopword_density),
    Feature(
        "punct_density",
        "much punctuation",
        None,
        lambda p, at: len(_PUNCT.findall(at.sample)) / at.letters,
    ),
    Feature("digit_density", "many digits", None, lambda p, at: at.digits / at.letters),
    Feature(
        "capitalised_share",
        "many capitalised words",
        None,
        lambda p, at: sum(map(str.isupper, at.initials)) / len(at.initials) if at.initials else 0.0,
    ),
    Feature("contact", "link, handle or e-mail", None, _contact),
    Feature(
        "copyright",
        "copyright notice",
        None,
        lambda p, at: float(bool(_COPYRIGHT.search(at.text))),
    ),
    Feature(
        "separator",
        "separators (| \u00bb \u2022)",
        None,
        lambda p, at: float(bool(_SEPARATOR.search(at.text))),
    ),
    Feature(
        "date_like",
        "a date or time",
        None,
        lambda p, at: float(at.digits > 0 and bool(_DATE_LIKE.search(at.text))),
    ),
    Feature(
        "heading_role",
        "heading shape",
        None,
        lambda p, at: float(p.lines[at.i].role is Role.HEADING),
    ),
    Feature(
        "cut_by_rules",
        "cut by the rules as a menu or list",
        None,
        lambda p, at: float(p.lines[at.i].removed_by in RESTORABLE),
    ),
    Feature(
        "title_overlap",
        None,
        "few words of the headline",
        lambda p, at: (
            len(set(p.tokenised[at.i]) & p.title_tokens) / len(p.title_tokens)
            if p.title_tokens
            else 0.0
        ),
    ),
    Feature(
        "repeats_in_page",
        "repeated in the page",
        None,
        lambda p, at: float(p.in_page[p.keys[at.i]] > 1),
    ),
    Feature(
        "corpus_recurrence",
        "recurs in other sources",
        None,
        lambda p, at: math.log1p(p.recurring.get(p.keys[at.i], 0)) if at.words <= 12 else 0.0,
    ),
    Feature(
        "reader_address",
        "addresses the reader",
        None,
        lambda p, at: _reader_address(at.sample, len(at.sample.split())),
    ),
    Feature(
        "story_vocabulary",
        None,
        "few of the story's words",
        lambda p, at: _shared_share(
            p.content[at.i], p.story_words, own=at.in_run and p.live[at.i] and p.prose[at.i]
        ),
    ),
    # The line's place in the page.
    Feature("position", "low on the page", "high on the page", lambda p, at: at.i / len(p.lines)),
    Feature(
        "prose_before_share",
        "after most of the story",
        "before most of the story",
        lambda p, at: p.prose_before[at.i] / p.total_prose,
    ),
    Feature("in_main_run", None, "outside the main run of prose", lambda p, at: float(at.in_run)),
    Feature("lines_from_main_run", "far from the main run of prose", None, _distance),
    Feature(
        "words_vs_page_median",
        None,
        "shorter than the page's paragraphs",
        lambda p, at: math.log((at.words + 1) / (p.median + 1)),
    ),
    Feature(
        "prev_prose",
        None,
        "line above is not prose",
        lambda p, at: float(at.i > 0 and p.prose[at.i - 1]),
    ),
    Feature(
        "next_prose",
        None,
        "line below is not prose",
        lambda p, at: float(at.i + 1 < len(p.lines) and p.prose[at.i + 1]),
    ),
    Feature(
        "prev_log_words",
        None,
        "short line above",
        lambda p, at: math.log1p(p.words[at.i - 1]) if at.i > 0 else 0.0,
    ),
    Feature(
        "next_log_words",
        None,
        "short line below",
        lambda p, at: math.log1p(p.words[at.i + 1]) if at.i + 1 < len(p.lines) else 0.0,
    ),
    Feature("around_prose_share", None, "little prose around it", lambda p, at: at.share(p.prose)),
    Feature(
        "around_short_title_lines",
        "headline-like lines around it",
        None,
        lambda p, at: at.share(p.short_title),
    ),
    Feature(
        "around_removed_chrome",
        "site chrome around it",
        None,
        lambda p, at: at.share(p.groups["chrome"]),
    ),
    Feature(
        "around_removed_after_end",
        "end-of-article material around it",
        None,
        lambda p, at: at.share(p.groups["after_end"]),
    ),
    Feature(
        "around_removed_outside",
        "menus or lists around it",
        None,
        lambda p, at: at.share(p.groups["outside"]),
    ),
    Feature(
        "after_end_marker_below",
        "an end-of-article heading just below",
        None,
        lambda p, at: float(p.first_after_end > at.i and p.first_after_end - at.i <= 2 * CONTEXT),
    ),
)
"""Everything the first pass weighs, in the order of its row and of ``linemodel.json``."""

FEATURES = tuple(f.name for f in FIRST_PASS)


@dataclass(frozen=True)
class SecondPassFeature:
    """A column the second pass adds: the first pass's verdict on the line (``own``, at
    ``k`` of the judged lines) and on the judged lines around it."""

    name: str
    high: str | None
    low: str | None
    value: Callable[[np.ndarray, int, list[float]], float]


SECOND_PASS_TABLE: tuple[SecondPassFeature, ...] = (
    SecondPassFeature("first_pass", None, "first reading of the line", lambda f, k, a: f[k]),
    SecondPassFeature(
        "around_first_pass_mean",
        None,
        "clutter around it",
        lambda f, k, a: float(np.mean(a)) if a else f[k],
    ),
    SecondPassFeature(
        "around_first_pass_min",
        None,
        "clutter next to it",
        lambda f, k, a: float(np.min(a)) if a else f[k],
    ),
    SecondPassFeature(
        "prev_first_pass",
        None,
        "line above read as clutter",
        lambda f, k, a: f[k - 1] if k > 0 else 1.0,
    ),
    SecondPassFeature(
        "next_first_pass",
        None,
        "line below read as clutter",
        lambda f, k, a: f[k + 1] if k + 1 < len(f) else 1.0,
    ),
)
"""What the second pass adds: the first pass's verdict on the line and its neighbours."""

SECOND_PASS = tuple(f.name for f in SECOND_PASS_TABLE)

READABLE: dict[str, tuple[str | None, str | None]] = {
    **{f.name: (f.high, f.low) for f in FIRST_PASS},
    **{f.name: (f.high, f.low) for f in SECOND_PASS_TABLE},
}
"""How the audit trail names a feature, as (when the line's value is high, when it is low).
None where that side is no reason a reader would accept: features that move together (a line's
length and its length against the page's paragraphs) can weigh against a line on a side that
only makes sense beside the other, and naming them would state the opposite of what a curator
sees ("reads as prose" as a reason for clutter)."""


def features(
    lines: Sequence[Line], title: str, recurring: Mapping[str, int]
) -> tuple[list[int], np.ndarray]:
    """The indices of the lines the model judges, and their FEATURES (one row each)."""
    texts = [ln.text for ln in lines]
    n = len(lines)
    words = [word_count(t) for t in texts]
    prose = [is_prose(t, w) for t, w in zip(texts, words, strict=True)]
    live = [ln.live for ln in lines]
    tokenised = [tokens(t) for t in texts]
    stop = page_stopwords([t for t, p in zip(tokenised, prose, strict=True) if p] or tokenised)
    short_title = [
        3 <= w <= 15 and not p and t[:1].isupper() and not SENTENCE_END.search(t)
        for t, w, p in zip(texts, words, prose, strict=True)
    ]
    groups = {name: [ln.removed_by in rules for ln in lines] for name, rules in RULE_GROUPS.items()}
    live_prose_words = [w if p and lv else 0 for w, p, lv in zip(words, prose, live, strict=True)]
    # The densest run of prose, scored as the rules' main-body window scores it; lines the
    # rules removed count as empty non-prose lines.
    run_start, run_end = best_window(
        [
            w if p and lv else -(3 + (w if lv else 0))
            for w, p, lv in zip(words, prose, live, strict=True)
        ]
    )
    prose_lengths = sorted(w for w, p in zip(words, prose, strict=True) if p) or [1]
    judged = [
        i
        for i, ln in enumerate(lines)
        if (ln.live and ln.role in BODY_ROLES) or ln.removed_by in RESTORABLE
    ]
    content = [
        set(tokens) - stop if needed else set()
        for tokens, needed in zip(
            tokenised, _needs_content(n, judged, run_start, run_end), strict=True
        )
    ]
    story_words: Counter[str] = Counter()
    for i in range(run_start, run_end + 1):
        if live[i] and prose[i]:
            story_words.update(content[i])
    keys = [normalise_line(t) for t in texts]
    page = _Page(
        lines=lines,
        texts=texts,
        words=words,
        prose=prose,
        live=live,
        tokenised=tokenised,
        stop=stop,
        title_tokens=set(tokens(title)),
        keys=keys,
        in_page=Counter(keys),
        short_title=short_title,
        groups=groups,
        recurring=recurring,
        run_start=run_start,
        run_end=run_end,
        median=prose_lengths[len(prose_lengths) // 2],
        # Where the rules saw the article end; a page without such a line has no marker
        # below any line (defaulting to the page's end made its last six lines look
        # followed by one).
        first_after_end=next((i for i, flag in enumerate(groups["after_end"]) if flag), -1),
        content=content,
        story_words=story_words,
        prose_before=list(itertools.accumulate(live_prose_words, initial=0))[:-1],
        total_prose=sum(live_prose_words) or 1,
    )
    rows = []
    for i in judged:
        text = texts[i]
        sample = text[:DENSITY_SAMPLE]
        at = _At(
            i=i,
            text=text,
            words=words[i],
            sample=sample,
            sample_words=tokenised[i][: DENSITY_SAMPLE // 5],
            letters=sum(map(str.isalpha, sample)) or 1,
            initials=_WORD_START.findall(sample),
            digits=len(_DIGIT.findall(sample)),
            around=[j for j in range(max(0, i - CONTEXT), min(n, i + CONTEXT + 1)) if j != i],
            in_run=run_start <= i <= run_end,
        )
        rows.append([feature.value(page, at) for feature in FIRST_PASS])
    return judged, np.array(rows, dtype=float).reshape(len(rows), len(FIRST_PASS))


def _needs_content(n: int, judged: list[int], start: int, end: int) -> list[bool]:
    """Lines whose content words count: the judged ones and the main run's."""
    needed = [start <= i <= end for i in range(n)]
    for i in judged:
        needed[i] = True
    return needed


def _shared_share(words: set[str], story: Counter[str], own: bool) -> float:
    """Share of a line's distinct content words found in the main run's other prose lines."""
    if not words:
        return 0.0
    floor = 1 if own else 0  # a line of the main run counts its own words once
    return sum(1 for t in words if story.get(t, 0) > floor) / len(words)


def second_pass_features(judged: list[int], first: np.ndarray) -> np.ndarray:
    """The first pass's verdicts around each judged line (judged lines only, in page order)."""
    m = len(judged)
    rows = []
    for k in range(m):
        around = [first[j] for j in range(max(0, k - CONTEXT), min(m, k + CONTEXT + 1)) if j != k]
        rows.append([feature.value(first, k, around) for feature in SECOND_PASS_TABLE])
    return np.array(rows, dtype=float).reshape(m, len(SECOND_PASS_TABLE))


@dataclass(frozen=True)
class Layer:
    """One logistic regression over standardised features."""

    names: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def contributions(self, x: np.ndarray) -> np.ndarray:
        return (x - self.mean) / self.scale * self.coef

    def probability(self, x: np.ndarray) -> np.ndarray:
        z = self.contributions(x).sum(axis=1) + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    @classmethod
    def from_json(cls, data: dict) -> Layer:
        return cls(
            tuple(data["names"]),
            np.array(data["mean"], dtype=float),
            np.array(data["scale"], dtype=float),
            np.array(data["coef"], dtype=float),
            float(data["intercept"]),
        )

    def to_json(self) -> dict:
        return {
            "names": list(self.names),
            "mean": [round(float(v), 6) for v in self.mean],
            "scale": [round(float(v), 6) for v in self.scale],
            "coef": [round(float(v), 6) for v in self.coef],
            "intercept": round(self.intercept, 6),
        }


@dataclass(frozen=True)
class LineModel:
    """Two passes; a line the rules kept goes when its probability of being the story is
    below ``drop_below``, a line they cut comes back when it reaches ``restore_from``."""

    first: Layer
    second: Layer
    drop_below: float
    restore_from: float

    def probabilities(self, x: np.ndarray, judged: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """Content probability per judged line, and the second pass's inputs (for reasons)."""
        p1 = self.first.probability(x)
        x2 = np.hstack([x, second_pass_features(judged, p1)])
        return self.second.probability(x2), x2

    def to_json(self) -> dict:
        return {
            "first": self.first.to_json(),
            "second": self.second.to_json(),
            "drop_below": self.drop_below,
            "restore_from": self.restore_from,
        }


@functools.cache
def load(path: Path = MODEL_FILE) -> LineModel | None:
    """The shipped model, or None when there is none (the rules alone then decide)."""
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return LineModel(
        Layer.from_json(data["first"]),
        Layer.from_json(data["second"]),
        data["drop_below"],
        data["restore_from"],
    )


def model_version(path: Path = MODEL_FILE) -> str:
    """Changes with the model's weights: part of the cleaning cache's version."""
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "none"


def looks_like_a_whole_page(lines: Sequence[Line]) -> bool:
    """A copied whole page shows itself by its furniture; an article's text pasted alone is
    left to the rules (the model, trained on whole pages, would read its short lines as
    clutter)."""
    return sum(ln.removed_by in PAGE_FURNITURE for ln in lines) >= MIN_PAGE_FURNITURE


def reads_its_words(lines: Sequence[Line]) -> bool:
    """Whether the page is written in words the model can read: not mostly in Thai, Lao,
    Burmese or Khmer, which run their words together (Thai marks no sentence end either), so
    that its word-based features mean nothing there and a Thai story read to it as clutter.
    Such a page is left to the rules. (Leaving Japanese, Korean and Russian pages, also
    unseen in training, to the rules cost the benchmark's recall 0.002: the model reads them.)"""
    sample = "".join(ln.text for ln in lines if ln.live)[:SCRIPT_SAMPLE]
    letters = sum(map(str.isalpha, sample))
    return len(UNSPACED_ALPHABETS.findall(sample)) < MAX_UNSPACED_SHARE * max(letters, 1)


def judge(
    lines: Sequence[Line],
    title: str,
    recurring: Mapping[str, int],
    model: LineModel | None = None,
) -> None:
    """Remove the body lines the model reads as clutter, with the weightiest reasons, and
    give back the lines cut as menus or lists that it reads as the story.

    Reads body lines and lines cut as menus or lists; changes: ``removed_by`` (LINE_MODEL,
    or none again), ``role`` of a line given back.
    """
    model = model or load()
    if model is None or not looks_like_a_whole_page(lines) or not reads_its_words(lines):
        return
    judged, x = features(lines, title, recurring)
    if not judged:
        return
    probability, x2 = model.probabilities(x, judged)
    contributions = model.first.contributions(x)
    for row, i in enumerate(judged):
        line = lines[i]
        if line.removed_by in RESTORABLE:
            if probability[row] >= model.restore_from:
                line.removed_by, line.detail = None, ""
                if line.role is None:
                    line.role = Role.PARAGRAPH if is_prose(line.text) else Role.HEADING
        elif probability[row] < model.drop_below:
            line.removed_by = RemovalRule.LINE_MODEL
            line.detail = f"{probability[row]:.2f}: {reasons(model, contributions[row], x2[row])}"


def reasons(model: LineModel, first: np.ndarray, x2: np.ndarray) -> str:
    """The two features of the line that weighed most against it, in words that fit the
    line's side of each (``READABLE``), and its neighbours' verdict when that weighed more
    than the line's own reading."""
    against: list[str] = []
    for k in np.argsort(first):
        if first[k] >= 0 or len(against) == 2:
            break
        high, low = READABLE[model.first.names[k]]
        phrase = high if first[k] * model.first.coef[k] > 0 else low  # the value's side
        if phrase:
            against.append(phrase)
    second = model.second.contributions(x2[None, :])[0]
    own = second[model.second.names.index("first_pass")]
    around = min(
        second[model.second.names.index(name)] for name in SECOND_PASS if name != "first_pass"
    )
    if around < own:
        against.insert(0, "clutter around it")
    return ", ".join(against[:2]) or "overall shape"
