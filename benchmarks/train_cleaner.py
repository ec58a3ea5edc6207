"""Train the cleaner's line model (``build_digest/cleaning/linemodel.json``) from public data.

``python -m benchmarks.train_cleaner`` (needs the ``train`` extra: scikit-learn,
html-text, inscriptis) rebuilds the model file and prints its cross-validated figures.

Data recipe, all from ``../shared/evaldata/trafilatura-eval-subset`` (200 annotated pages,
130 English, 40 German, 30 in other languages; Apache-2.0, see its README). Nothing from the
article-extraction benchmark, on which ``benchmarks.evaluate clean`` measures the model.

1. Each page's HTML is decoded and rendered to the text a person gets by copying the whole
   page, twice: with html-text and with inscriptis (the two renderings differ in how they
   break lines and lay out lists, and sources will come from both kinds of copy).
2. The cleaner's rules run on each copy as they do in a build (corpus evidence from all the
   copies of the same rendering); the model judges the lines they keep as body text.
3. Labels, per judged line: a line holding one of the page's ``with`` segments (or held in
   one) is the story, one holding a ``without`` segment is clutter. Those hand labels cover a
   few lines a page; every other line takes its label from trafilatura's extraction of the
   same HTML (the story if its text is in trafilatura's output). Hand labels weigh
   ``GOLD_WEIGHT`` times more; every line weighs by the square root of its words, as the
   evaluation's shingles count words.
4. The first pass is a logistic regression on ``linemodel.FEATURES``; the second sees the
   first's out-of-fold verdicts on each line's neighbours (five folds grouped by page, so no
   page's own labels leak into its neighbours' verdicts).
5. The threshold is the one that maximises word-weighted F1 of the story's lines on the
   out-of-fold predictions, with the story's recall held at ``MIN_RECALL`` or more.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import html
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from build_digest.cleaning import CleanConfig, linemodel
from build_digest.cleaning.cascade import Cascade, finish, run_cascade
from build_digest.cleaning.chrome import line_signature_counts
from build_digest.models import Role, SourceDocument, SourceKind, SourceMeta

GOLD_WEIGHT = 20.0
"""A hand label is the truth; a label taken from trafilatura's extraction only fills the gaps
between them (chosen on the subset's cross-validated segment F1: 5 gave 0.822, 20 0.840)."""
DOUBTFUL_SILVER_WEIGHT = 0.1
"""Where trafilatura missed a hand-labelled story segment or kept a clutter one, its labels
for the page's other lines count for little."""
MIN_RECALL = 1.0
"""Of the recall the rules alone have on the training pages, the model may give up none: a
reader misses a lost paragraph more than a stray teaser."""
F1_RESOLUTION = 0.001
"""Threshold pairs whose out-of-fold F1 differs by less than this are taken as equally good,
and the one keeping most of the story wins. F1 is averaged over 400 copies, so 0.001 is one
copy's F1 moving by 0.4: below what the pick can tell apart (a rule that removed three
comment threads moved the best pair from restoring at 0.55 to 0.65 for a gain of 0.0009,
at a cost of 1 point of recall)."""
FOLDS = 5
C = 1.0
"""Inverse regularisation strength of both passes (scikit-learn's default)."""

_SPACE = re.compile(r"\s+")


def squash(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


@dataclass
class Page:
    key: str
    lang: str
    html: str
    with_segments: list[str]
    without_segments: list[str]
    extracted: str

    @property
    def extraction_agrees(self) -> bool:
        """trafilatura's output holds every hand-labelled story segment and no clutter one:
        only then are its labels for the other lines worth learning from."""
        return all(s in self.extracted for s in self.with_segments) and not any(
            s in self.extracted for s in self.without_segments
        )


def load_pages(folder: Path) -> list[Page]:
    import trafilatura
    from trafilatura.utils import decode_file

    items = json.loads((folder / "evaldata-subset.json").read_text(encoding="utf-8"))
    pages = []
    for key in sorted(items):
        item = items[key]
        html = decode_file(gzip.decompress((folder / item["stored_file"]).read_bytes()))
        extracted = trafilatura.extract(html, include_comments=False, include_tables=True) or ""
        pages.append(
            Page(
                key,
                item.get("lang_guess", "other"),
                html,
                [squash(s) for s in item.get("with", []) if squash(s)],
                [squash(s) for s in item.get("without", []) if squash(s)],
                squash(extracted),
            )
        )
    return pages


def render(page: Page, renderer: str) -> str:
    if renderer == "html-text":
        import html_text

        return html_text.extract_text(page.html)
    from inscriptis import get_text

    return get_text(page.html)


def label(text: str, page: Page) -> tuple[int, float]:
    """(1 story / 0 clutter, weight) of one line."""
    line = squash(text)
    for segment in page.with_segments:
        if segment in line or (len(line) >= 30 and line in segment):
            return 1, GOLD_WEIGHT
    for segment in page.without_segments:
        if segment in line or (len(line) >= 30 and line in segment):
            return 0, GOLD_WEIGHT
    silver = 1.0 if page.extraction_agrees else DOUBTFUL_SILVER_WEIGHT
    return int(bool(line) and line in page.extracted), silver


@dataclass
class Copy:
    """One page in one rendering, after the rules."""

    page: int
    renderer: str
    cascade: Cascade
    recurring: Mapping[str, int]
    judged: list[int]


@dataclass
class Rows:
    """The judged lines of a list of copies, in order, with their labels."""

    x: np.ndarray
    y: np.ndarray
    weight: np.ndarray
    words: np.ndarray
    group: np.ndarray
    """The page a line comes from (for folds: both renderings of a page stay together)."""
    copy: np.ndarray
    """The copy a line comes from (its index in ``copies``)."""
    copies: list[Copy]

    @property
    def cut(self) -> np.ndarray:
        """Judged lines the rules had cut (the model may restore them)."""
        return self.x[:, linemodel.FEATURES.index("cut_by_rules")] > 0

    @property
    def judged(self) -> list[list[int]]:
        return [c.judged for c in self.copies]

    def select(self, pages: set[int]) -> Rows:
        """The rows of the copies of ``pages`` only."""
        keep = [k for k, c in enumerate(self.copies) if c.page in pages]
        mask = np.isin(self.copy, keep)
        renumber = np.full(len(self.copies), -1)
        renumber[keep] = np.arange(len(keep))
        return Rows(
            self.x[mask],
            self.y[mask],
            self.weight[mask],
            self.words[mask],
            self.group[mask],
            renumber[self.copy[mask]],
            [self.copies[k] for k in keep],
        )


def dataset(pages: list[Page], renderers: tuple[str, ...]) -> Rows:
    xs, ys, ws, words, groups, owners = [], [], [], [], [], []
    copies: list[Copy] = []
    config = CleanConfig(line_model=False)
    for renderer in renderers:
        docs = [
            SourceDocument(
                f"{renderer}/{p.key}.txt",
                "",
                render(p, renderer),
                "utf-8",
                SourceKind.TEXT,
                SourceMeta(),
            )
            for p in pages
        ]
        recurring = line_signature_counts(docs, config.chrome_max_words)
        for number, (page, doc) in enumerate(zip(pages, docs, strict=True)):
            cascade = run_cascade(doc, config, recurring)
            if linemodel.looks_like_a_whole_page(cascade.lines):
                judged, x = linemodel.features(cascade.lines, cascade.title, recurring)
            else:  # the model never judges it in a build either
                judged, x = [], np.empty((0, len(linemodel.FEATURES)))
            for i in judged:
                y, w = label(cascade.lines[i].text, page)
                n = linemodel.word_count(cascade.lines[i].text)
                ys.append(y)
                ws.append(w * math.sqrt(n))
                words.append(n)
                groups.append(number)
                owners.append(len(copies))
            xs.append(x)
            copies.append(Copy(number, renderer, cascade, recurring, judged))
    return Rows(
        np.vstack(xs),
        np.array(ys),
        np.array(ws, dtype=float),
        np.array(words),
        np.array(groups),
        np.array(owners),
        copies,
    )


def fit_layer(x: np.ndarray, y: np.ndarray, w: np.ndarray, names: tuple[str, ...]):
    from sklearn.linear_model import LogisticRegression

    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=C, max_iter=2000)
    model.fit((x - mean) / scale, y, sample_weight=w)
    return linemodel.Layer(names, mean, scale, model.coef_[0], float(model.intercept_[0]))


def second_inputs(rows: Rows, p1: np.ndarray) -> np.ndarray:
    parts, start = [], 0
    for judged in rows.judged:
        end = start + len(judged)
        parts.append(linemodel.second_pass_features(judged, p1[start:end]))
        start = end
    return np.hstack([rows.x, np.vstack(parts)])


def out_of_fold(rows: Rows) -> tuple[np.ndarray, np.ndarray]:
    """Both passes trained on four fifths of the pages, applied to the fifth: the second
    pass's probabilities and the first pass's (which the final second pass learns from)."""
    from sklearn.model_selection import GroupKFold

    p1 = np.zeros(len(rows.y))
    for train, test in GroupKFold(FOLDS).split(rows.x, rows.y, rows.group):
        layer = fit_layer(rows.x[train], rows.y[train], rows.weight[train], linemodel.FEATURES)
        p1[test] = layer.probability(rows.x[test])
    x2 = second_inputs(rows, p1)
    p2 = np.zeros(len(rows.y))
    names = (*linemodel.FEATURES, *linemodel.SECOND_PASS)
    for train, test in GroupKFold(FOLDS).split(x2, rows.y, rows.group):
        layer = fit_layer(x2[train], rows.y[train], rows.weight[train], names)
        p2[test] = layer.probability(x2[test])
    return p2, p1


def kept(p: np.ndarray, cut: np.ndarray, drop_below: float, restore_from: float) -> np.ndarray:
    """Which judged lines the story keeps: those the rules kept unless the model reads them
    as clutter, and those the rules cut that the model reads as the story."""
    return np.where(cut, p >= restore_from, p >= drop_below)


def word_scores(rows: Rows, keep: np.ndarray) -> tuple[float, float, float]:
    """Precision, recall and F1 of the story's words among the labelled judged lines, averaged
    over pages as the evaluation averages over documents (a short story's lost paragraph
    counts as much as a long one's)."""
    labelled = rows.weight > 0
    story = (rows.y == 1) & labelled
    tp = np.bincount(rows.copy, rows.words * (keep & story))
    fp = np.bincount(rows.copy, rows.words * (keep & ~story & labelled))
    fn = np.bincount(rows.copy, rows.words * (~keep & story))
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = np.nanmean(np.where(tp + fp > 0, tp / (tp + fp), np.nan))
        recall = np.nanmean(np.where(tp + fn > 0, tp / (tp + fn), np.nan))
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return float(precision), float(recall), float(f1)


def pick_thresholds(p: np.ndarray, rows: Rows) -> tuple[float, float]:
    """Of the (drop below, restore from) pairs that keep MIN_RECALL of the recall the rules
    alone have and come within F1_RESOLUTION of the best F1, the one with the best recall."""
    _, rules_recall, _ = word_scores(rows, ~rows.cut)
    scored = []
    for drop in np.arange(0.02, 0.80, 0.01):
        for restore in (*np.arange(0.50, 1.0, 0.05), 1.01):
            _, recall, f1 = word_scores(rows, kept(p, rows.cut, drop, restore))
            if recall >= MIN_RECALL * rules_recall:
                scored.append((f1, recall, round(float(drop), 2), round(float(restore), 2)))
    if not scored:
        return 0.0, 1.01
    best_f1 = max(f1 for f1, *_ in scored)
    _, _, drop, restore = max(
        (s for s in scored if s[0] >= best_f1 - F1_RESOLUTION), key=lambda s: (s[1], s[0])
    )
    return drop, restore


def train_model(rows: Rows) -> tuple[linemodel.LineModel, np.ndarray]:
    """The model for ``rows`` and its out-of-fold probabilities (which chose its thresholds)."""
    p, p1 = out_of_fold(rows)
    drop, restore = pick_thresholds(p, rows)
    first = fit_layer(rows.x, rows.y, rows.weight, linemodel.FEATURES)
    second = fit_layer(
        second_inputs(rows, p1), rows.y, rows.weight, (*linemodel.FEATURES, *linemodel.SECOND_PASS)
    )
    return linemodel.LineModel(first, second, drop, restore), p


STORY_ROLES = frozenset(Role) - {Role.TITLE, Role.DATELINE, Role.BYLINE}
"""What a story page shows as the story: bylines and datelines stand with the source's facts,
and the title line is shown as the headline cut from it."""


def story_text(copy: Copy, model: linemodel.LineModel | None) -> str:
    """What a reader sees of a copy: its headline (as the cleaner cuts it from a "Headline | Site"
    line) and what stands below it, after the rules (and the model)."""
    lines = [dataclasses.replace(ln) for ln in copy.cascade.lines]
    if model is not None:
        linemodel.judge(lines, copy.cascade.title, copy.recurring, model)
    finish(lines)
    kept = [ln.text for ln in lines if not ln.removed_by and ln.role in STORY_ROLES]
    return "\n".join([copy.cascade.title, *kept])


def justext_text(copy: Copy) -> str:
    """jusText's reading of the same copied text (each line a paragraph), with the stoplist
    of the page's language as the cleaner picks it."""
    import justext

    text = "\n".join(ln.text for ln in copy.cascade.lines)
    markup = "".join(f"<p>{html.escape(line)}</p>" for line in text.split("\n") if line.strip())
    stoplist = linemodel.page_stopwords([linemodel.tokens(line) for line in text.split("\n")])
    paragraphs = justext.justext(f"<html><body>{markup}</body></html>", stoplist or frozenset())
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


SegmentCounts = Counter[str]


def segment_counts(output: str, page: Page) -> SegmentCounts:
    """The trafilatura evaluation's counts for one page (its tests/evaluate.py)."""
    text = squash(output)
    counts: SegmentCounts = Counter()
    for segment in page.with_segments:
        counts["tp" if segment in text else "fn"] += 1
    for segment in page.without_segments:
        counts["fp" if segment in text else "tn"] += 1
    return counts


def segment_prf(counts: SegmentCounts) -> tuple[float, float, float]:
    tp, fp, fn = counts["tp"], counts["fp"], counts["fn"]
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def segment_report(pages: list[Page], rows: Rows, renderer: str = "html-text") -> dict:
    """Segment P/R/F1 per language group on ``renderer``'s copies: the rules alone, the rules
    and a model trained without the page (five folds), and jusText."""
    from sklearn.model_selection import GroupKFold

    counts: dict[tuple[str, str], SegmentCounts] = defaultdict(Counter)
    numbers = np.arange(len(pages))
    for train, test in GroupKFold(FOLDS).split(numbers, groups=numbers):
        model, _ = train_model(rows.select(set(train.tolist())))
        for copy in rows.copies:
            if copy.page not in set(test.tolist()) or copy.renderer != renderer:
                continue
            page = pages[copy.page]
            outputs = {
                "rules": story_text(copy, None),
                "rules + model": story_text(copy, model),
                "jusText": justext_text(copy),
            }
            for tool, output in outputs.items():
                found = segment_counts(output, page)
                counts[(tool, page.lang)] += found
                counts[(tool, "all")] += found
    return {key: segment_prf(value) for key, value in counts.items()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--evaldata", type=Path, default=Path("../shared/evaldata"))
    parser.add_argument("--out", type=Path, default=linemodel.MODEL_FILE)
    parser.add_argument(
        "--segments", action="store_true", help="also score segments with five-fold models"
    )
    args = parser.parse_args(argv)
    pages = load_pages(args.evaldata / "trafilatura-eval-subset")
    rows = dataset(pages, ("html-text", "inscriptis"))
    agreeing = sum(p.extraction_agrees for p in pages)
    print(
        f"{len(pages)} pages ({agreeing} where trafilatura agrees with the hand labels),"
        f" {len(rows.y)} judged lines, {Counter(rows.y.tolist())} (1 = story)"
    )
    model, p = train_model(rows)
    drop, restore = model.drop_below, model.restore_from
    for name, keep in (
        ("rules alone", ~rows.cut),
        ("with the model", kept(p, rows.cut, drop, restore)),
    ):
        precision, recall, f1 = word_scores(rows, keep)
        print(f"out-of-fold, story words, {name}: P {precision:.3f} R {recall:.3f} F1 {f1:.3f}")
    args.out.write_text(json.dumps(model.to_json(), indent=1) + "\n", encoding="utf-8")
    print(f"drop below {drop}, restore from {restore}; wrote {args.out}")
    first = model.first
    order = np.argsort(-np.abs(first.coef))
    print(
        "weightiest features of the first pass:",
        ", ".join(f"{first.names[k]} {first.coef[k]:+.2f}" for k in order[:12]),
    )
    if args.segments:
        print_segments(segment_report(pages, rows))


def print_segments(report: dict) -> None:
    print("trafilatura subset, segments in the html-text copy (model out-of-fold):")
    for group in ("en", "de", "other", "all"):
        cells = [
            f"{tool} P {p:.3f} R {r:.3f} F1 {f:.3f}"
            for tool in ("rules", "rules + model", "jusText")
            for p, r, f in [report[(tool, group)]]
        ]
        print(f"  {group:5} " + " | ".join(cells))


if __name__ == "__main__":
    main()
