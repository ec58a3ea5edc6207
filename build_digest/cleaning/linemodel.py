"""Stage 2 (cleaning), after step 9: a trained line model drops the clutter the rules keep.

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
from collections.abc import Mapping, Sequence
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


LINE_FEATURES = (
    "log_words",
    "is_prose",
    "sentence_end",
    "ends_colon",
    "ends_ellipsis",
    "label_prefix",
    "stopword_density",
    "punct_density",
    "digit_density",
    "capitalised_share",
    "contact",
    "copyright",
    "separator",
    "date_like",
    "heading_role",
    "cut_by_rules",
    "title_overlap",
    "repeats_in_page",
    "corpus_recurrence",
    "reader_address",
    "story_vocabulary",
)
"""What one line says of itself (and, for the last, how much it shares the story's words)."""

FEATURES = (
    *LINE_FEATURES,
    "position",
    "prose_before_share",
    "in_main_run",
    "lines_from_main_run",
    "words_vs_page_median",
    "prev_prose",
    "next_prose",
    "prev_log_words",
    "next_log_words",
    "around_prose_share",
    "around_short_title_lines",
    "around_removed_chrome",
    "around_removed_after_end",
    "around_removed_outside",
    "after_end_marker_below",
)
"""Everything the first pass weighs: the line and its place in the page."""

SECOND_PASS = (
    "first_pass",
    "around_first_pass_mean",
    "around_first_pass_min",
    "prev_first_pass",
    "next_first_pass",
)
"""What the second pass adds: the first pass's verdict on the line and its neighbours."""


def features(
    lines: Sequence[Line], title: str, recurring: Mapping[str, int]
) -> tuple[list[int], np.ndarray]:
    """The indices of the lines the model judges, and their FEATURES (one row each)."""
    texts = [ln.text for ln in lines]
    n = len(lines)
    words = [word_count(t) for t in texts]
    prose = [is_prose(t, w) for t, w in zip(texts, words, strict=True)]
    live = [not ln.removed_by for ln in lines]
    tokenised = [tokens(t) for t in texts]
    stop = page_stopwords([t for t, p in zip(tokenised, prose, strict=True) if p] or tokenised)
    title_tokens = set(tokens(title))
    keys = [normalise_line(t) for t in texts]
    in_page = Counter(keys)
    short_title = [
        3 <= w <= 15 and not p and t[:1].isupper() and not SENTENCE_END.search(t)
        for t, w, p in zip(texts, words, prose, strict=True)
    ]
    groups = {name: [ln.removed_by in rules for ln in lines] for name, rules in RULE_GROUPS.items()}
    live_prose_words = [w if p and lv else 0 for w, p, lv in zip(words, prose, live, strict=True)]
    total_prose = sum(live_prose_words) or 1
    # The densest run of prose, scored as the rules' main-body window scores it; lines the
    # rules removed count as empty non-prose lines.
    run_start, run_end = best_window(
        [
            w if p and lv else -(3 + (w if lv else 0))
            for w, p, lv in zip(words, prose, live, strict=True)
        ]
    )
    prose_lengths = sorted(w for w, p in zip(words, prose, strict=True) if p) or [1]
    median = prose_lengths[len(prose_lengths) // 2]
    # Where the rules saw the article end; a page without such a line has no marker below
    # any line (defaulting to the page's end made its last six lines look followed by one).
    first_after_end = next((i for i, flag in enumerate(groups["after_end"]) if flag), -1)
    judged = [
        i
        for i, ln in enumerate(lines)
        if (not ln.removed_by and ln.role in BODY_ROLES) or ln.removed_by in RESTORABLE
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
    rows = []
    before = 0
    cumulative = []
    for w in live_prose_words:
        cumulative.append(before)
        before += w
    for i in judged:
        text, w = texts[i], words[i]
        # Densities are read from the line's first sentences: they settle within a few.
        sample = text[:DENSITY_SAMPLE]
        sample_words = tokenised[i][: DENSITY_SAMPLE // 5]
        letters = sum(map(str.isalpha, sample)) or 1
        initials = _WORD_START.findall(sample)  # the first letter of each word
        digits = len(_DIGIT.findall(sample))
        lo, hi = max(0, i - CONTEXT), min(n, i + CONTEXT + 1)
        around = [j for j in range(lo, hi) if j != i]

        def share(flags: list[bool], around: list[int] = around) -> float:
            return sum(flags[j] for j in around) / len(around) if around else 0.0

        distance = 0 if run_start <= i <= run_end else min(abs(i - run_start), abs(i - run_end))
        rows.append(
            [
                math.log1p(w),
                float(prose[i]),
                float(bool(SENTENCE_END.search(text))),
                float(text.rstrip().endswith(":")),
                float(bool(_ELLIPSIS_END.search(text))),
                float(bool(_LABEL_PREFIX.match(text))),
                sum(map(stop.__contains__, sample_words)) / len(sample_words)
                if sample_words
                else 0.0,
                len(_PUNCT.findall(sample)) / letters,
                digits / letters,
                sum(map(str.isupper, initials)) / len(initials) if initials else 0.0,
                float(
                    ("@" in text or "www." in text or "://" in text) and bool(_CONTACT.search(text))
                ),
                float(bool(_COPYRIGHT.search(text))),
                float(bool(_SEPARATOR.search(text))),
                float(digits > 0 and bool(_DATE_LIKE.search(text))),
                float(lines[i].role is Role.HEADING),
                float(lines[i].removed_by in RESTORABLE),
                len(set(tokenised[i]) & title_tokens) / len(title_tokens) if title_tokens else 0.0,
                float(in_page[keys[i]] > 1),
                math.log1p(recurring.get(keys[i], 0)) if w <= 12 else 0.0,
                _reader_address(sample, len(sample.split())),
                _shared_share(
                    content[i], story_words, own=run_start <= i <= run_end and live[i] and prose[i]
                ),
                i / n,
                cumulative[i] / total_prose,
                float(run_start <= i <= run_end),
                math.log1p(distance),
                math.log((w + 1) / (median + 1)),
                float(i > 0 and prose[i - 1]),
                float(i + 1 < n and prose[i + 1]),
                math.log1p(words[i - 1]) if i > 0 else 0.0,
                math.log1p(words[i + 1]) if i + 1 < n else 0.0,
                share(prose),
                share(short_title),
                share(groups["chrome"]),
                share(groups["after_end"]),
                share(groups["outside"]),
                float(first_after_end > i and first_after_end - i <= 2 * CONTEXT),
            ]
        )
    return judged, np.array(rows, dtype=float).reshape(len(rows), len(FEATURES))


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
    rows = []
    m = len(judged)
    for k in range(m):
        around = [first[j] for j in range(max(0, k - CONTEXT), min(m, k + CONTEXT + 1)) if j != k]
        rows.append(
            [
                first[k],
                float(np.mean(around)) if around else first[k],
                float(np.min(around)) if around else first[k],
                first[k - 1] if k > 0 else 1.0,
                first[k + 1] if k + 1 < m else 1.0,
            ]
        )
    return np.array(rows, dtype=float).reshape(m, len(SECOND_PASS))


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


READABLE: dict[str, tuple[str | None, str | None]] = {
    "log_words": (None, "a short line"),
    "is_prose": (None, "does not read as prose"),
    "sentence_end": (None, "does not end as a sentence"),
    "ends_colon": ("ends with a colon", None),
    "ends_ellipsis": ("ends with an ellipsis", None),
    "label_prefix": ("starts with a label (\u201cRead also:\u201d)", None),
    "stopword_density": (None, "few common words"),
    "punct_density": ("much punctuation", None),
    "digit_density": ("many digits", None),
    "capitalised_share": ("many capitalised words", None),
    "contact": ("link, handle or e-mail", None),
    "copyright": ("copyright notice", None),
    "separator": ("separators (| \u00bb \u2022)", None),
    "date_like": ("a date or time", None),
    "heading_role": ("heading shape", None),
    "cut_by_rules": ("cut by the rules as a menu or list", None),
    "title_overlap": (None, "few words of the headline"),
    "repeats_in_page": ("repeated in the page", None),
    "corpus_recurrence": ("recurs in other sources", None),
    "reader_address": ("addresses the reader", None),
    "story_vocabulary": (None, "few of the story's words"),
    "position": ("low on the page", "high on the page"),
    "prose_before_share": ("after most of the story", "before most of the story"),
    "in_main_run": (None, "outside the main run of prose"),
    "lines_from_main_run": ("far from the main run of prose", None),
    "words_vs_page_median": (None, "shorter than the page's paragraphs"),
    "prev_prose": (None, "line above is not prose"),
    "next_prose": (None, "line below is not prose"),
    "prev_log_words": (None, "short line above"),
    "next_log_words": (None, "short line below"),
    "around_prose_share": (None, "little prose around it"),
    "around_short_title_lines": ("headline-like lines around it", None),
    "around_removed_chrome": ("site chrome around it", None),
    "around_removed_after_end": ("end-of-article material around it", None),
    "around_removed_outside": ("menus or lists around it", None),
    "after_end_marker_below": ("an end-of-article heading just below", None),
    "first_pass": (None, "first reading of the line"),
    "around_first_pass_mean": (None, "clutter around it"),
    "around_first_pass_min": (None, "clutter next to it"),
    "prev_first_pass": (None, "line above read as clutter"),
    "next_first_pass": (None, "line below read as clutter"),
}
"""How the audit trail names a feature, as (when the line's value is high, when it is low).
None where that side is no reason a reader would accept: features that move together (a line's
length and its length against the page's paragraphs) can weigh against a line on a side that
only makes sense beside the other, and naming them would state the opposite of what a curator
sees ("reads as prose" as a reason for clutter)."""


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
    sample = "".join(ln.text for ln in lines if not ln.removed_by)[:SCRIPT_SAMPLE]
    letters = sum(map(str.isalpha, sample))
    return len(UNSPACED_ALPHABETS.findall(sample)) < MAX_UNSPACED_SHARE * max(letters, 1)


def judge(
    lines: Sequence[Line],
    title: str,
    recurring: Mapping[str, int],
    model: LineModel | None = None,
) -> None:
    """Remove the body lines the model reads as clutter, with the weightiest reasons, and
    give back the lines cut as menus or lists that it reads as the story."""
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
