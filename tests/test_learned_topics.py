"""Topics learned from the archive: a story that never names its topic gets it from the
stories that do, with the words that weighed most as evidence; a small archive keeps its
phrase topics alone; the result is the same on every run."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from build_digest.models import TopicBasis
from build_digest.pages import topic_reason
from build_digest.pipeline import DigestResult, run_pipeline
from build_digest.settings import DigestSettings
from build_digest.topics import MIN_CONFIDENT_STORIES, related_topics

from .conftest import story_of

TAXONOMY = """\
topics:
  talks:
    name: Peace talks
    aliases: [ceasefire, truce, Truce Commission]
  floods:
    name: Floods
    aliases: [flood, floods, flooding]
entities:
  - name: Truce Commission
    type: organisation
    aliases: []
"""

TOWNS = ["Hsipaw", "Kyaukme", "Namtu", "Mongyai", "Tangyan", "Kutkai", "Hopang", "Mongmit"]
TALKS = (
    "Ceasefire talks resume in Kunming as {town} fighting eases\n\n"
    "Negotiators for the army and the rebel groups met Chinese mediators in Kunming on day"
    " {n}, delegations said, to extend the ceasefire around {town}.\n\n"
    "The mediators asked both delegations to withdraw troops from {town} and to open the"
    " roads. Negotiators said a written agreement could follow within {n} weeks.\n"
)
FLOODS = (
    "Floods swamp villages near {town} after monsoon rain\n\n"
    "Flooding along the river forced families in {town} onto their roofs on day {n}, rescue"
    " workers said, after {n} days of monsoon rain.\n\n"
    "Rescue boats carried the elderly to monasteries on higher ground. The river rose by {n}"
    " metres and washed away rice fields and bridges.\n"
)
OTHER = (
    "{town} market reopens with new stalls\n\n"
    "Traders in {town} reopened the central market on day {n} after repairs to its roof, the"
    " township office said.\n\nStall holders sold vegetables, cloth and phone cards.\n"
)
UNNAMED = (
    "Army and rebels resume talks in Kunming\n\n"
    "Negotiators for the army and the rebel groups met Chinese mediators in Kunming on"
    " Tuesday, delegations said, to extend the pause in the fighting.\n\n"
    "The mediators asked both delegations to withdraw troops and to open the roads."
    " Negotiators said a written agreement could follow.\n"
)

# Two flood stories that bring in the talks by the way, three times in the text: one through
# an organisation of the talks the story names, one through the word alone.
FLOODS_WITH = (
    "Floods swamp villages near Lashio after monsoon rain\n\n"
    "Flooding along the river forced families onto their roofs, rescue workers said, after"
    " ten days of monsoon rain.\n\n"
    "Rescue boats carried the elderly to monasteries on higher ground. {by} sent boats to"
    " help, and {by} sent food. The river rose by four metres and washed away rice fields"
    " and bridges; {by} said more help would follow.\n"
)


def archive(folder: Path, stories_per_topic: int) -> DigestResult:
    sources = folder / "sources"
    sources.mkdir(parents=True)
    for n, town in enumerate(TOWNS[:stories_per_topic], start=1):
        (sources / f"talks-{n}.txt").write_text(TALKS.format(town=town, n=n), encoding="utf-8")
        (sources / f"floods-{n}.txt").write_text(FLOODS.format(town=town, n=n), encoding="utf-8")
        (sources / f"other-{n}.txt").write_text(OTHER.format(town=town, n=n), encoding="utf-8")
    (sources / "unnamed.txt").write_text(UNNAMED, encoding="utf-8")
    for name, by in (("named", "The Truce Commission"), ("word", "A ceasefire team")):
        (sources / f"floods-{name}.txt").write_text(FLOODS_WITH.format(by=by), encoding="utf-8")
    (folder / "taxonomy.yml").write_text(TAXONOMY, encoding="utf-8")
    return run_pipeline(DigestSettings(sources_dir=sources, taxonomy=folder / "taxonomy.yml"))


@pytest.fixture(scope="module")
def learned(tmp_path_factory: pytest.TempPathFactory) -> DigestResult:
    return archive(tmp_path_factory.mktemp("learned"), len(TOWNS))


def test_a_story_that_never_names_its_topic_reads_like_those_that_do(learned):
    story = story_of(learned, "unnamed.txt")
    assert [(lab.slug, lab.basis) for lab in story.topics] == [("talks", TopicBasis.LEARNED)]
    (evidence,) = story.topics[0].evidence
    assert evidence.startswith("reads like the stories that name Peace talks: ")
    assert {"mediators", "delegations", "negotiators"} & set(evidence.split(": ")[1].split(", "))
    assert 0.5 <= story.topics[0].score <= 1.0


def test_a_learned_topic_says_why_in_words_in_about_this_story(learned):
    story = story_of(learned, "unnamed.txt")
    reason = topic_reason(story.topics[0])
    assert reason.startswith("Peace talks — learned (likelihood ")
    assert "reads like the stories that name Peace talks&#58; " in reason
    page = learned.pages[f"stories/{story.story.id}.md"]
    assert "learned (likelihood" in page


def test_stories_of_other_subjects_get_no_learned_topic(learned):
    for n in range(1, len(TOWNS) + 1):
        assert not story_of(learned, f"other-{n}.txt").topics
        floods = story_of(learned, f"floods-{n}.txt").topics
        assert [lab.slug for lab in floods] == ["floods"]


def test_a_second_topic_named_only_in_passing_is_dropped_when_the_story_reads_otherwise(
    learned,
):
    assert [lab.slug for lab in story_of(learned, "floods-word.txt").topics] == ["floods"]


def test_a_second_topic_whose_actor_the_story_names_is_kept(learned):
    story = story_of(learned, "floods-named.txt")
    assert "Truce Commission" in {lab.name for lab in story.entities}
    assert [(lab.slug, lab.basis) for lab in story.topics] == [
        ("floods", TopicBasis.PHRASES),
        ("talks", TopicBasis.PHRASES),
    ]


def test_learned_topics_are_the_same_on_every_run(learned, tmp_path):
    again = archive(tmp_path, len(TOWNS))
    assert [(t.story.id, t.topics) for t in again.stories] == [
        (t.story.id, t.topics) for t in learned.stories
    ]


def test_a_small_archive_learns_nothing_but_reads_related_coverage(tmp_path):
    """Four stories a topic are too few to learn from; the talks story that never names its
    topic still gets it from the three talks stories most related to it, named as evidence."""
    result = archive(tmp_path, MIN_CONFIDENT_STORIES - 1)
    assert all(lab.basis is not TopicBasis.LEARNED for t in result.stories for lab in t.topics)
    (talks,) = story_of(result, "unnamed.txt").topics
    assert talks.slug == "talks" and talks.basis is TopicBasis.RELATED
    assert "Ceasefire talks resume in Kunming" in talks.evidence[0]


def test_term_counts_are_the_matrix_scikit_learns_vectorizer_makes(learned):
    import numpy as np
    from sklearn.feature_extraction.text import CountVectorizer

    from build_digest.terms import count_terms, story_terms

    stories = sorted(learned.stories, key=lambda t: t.story.id)
    vectorizer = CountVectorizer(analyzer=lambda terms: terms, dtype=np.float64)
    expected = vectorizer.fit_transform([story_terms(t) for t in stories]).tocsr()
    expected.sort_indices()  # each row's entries in the order of their terms
    counted = count_terms(stories)
    assert list(counted.vocabulary) == list(vectorizer.get_feature_names_out())
    for part in ("indptr", "indices", "data"):
        assert np.array_equal(getattr(counted.counts, part), getattr(expected, part))


def test_counts_kept_from_an_earlier_build_equal_counting_afresh(learned):
    """A rebuild reads only the stories the earlier counts lack, and drops the terms only
    stories now gone used: entry for entry what counting every story again gives."""
    import numpy as np

    from build_digest.terms import count_terms

    stories = sorted(learned.stories, key=lambda t: t.story.id)
    fresh = count_terms(stories)

    def same(a, b) -> bool:
        return (
            a.ids == b.ids
            and a.keys == b.keys
            and list(a.vocabulary) == list(b.vocabulary)
            and all(
                np.array_equal(getattr(a.counts, p), getattr(b.counts, p))
                for p in ("indptr", "indices", "data")
            )
        )

    added = count_terms(stories, count_terms(stories[::2]))  # half the stories are new
    removed = count_terms(stories[1::3], fresh)  # two thirds are gone
    assert same(added, fresh) and same(removed, count_terms(stories[1::3]))
    assert same(count_terms(stories, count_terms(stories[:1])), fresh)  # one story known


def test_a_word_most_stories_of_one_language_use_is_that_language_s_background_not_evidence():
    """Eight Thai stories among sixty: "และ" (and) is in all of them, so across the archive it
    is as rare as a topic's word; within Thai it is background, and no topic is learned from it."""
    import numpy as np
    from scipy.sparse import csr_matrix

    from build_digest.terms import TermCounts
    from build_digest.topics import _language_background

    vocabulary = np.array(["flood", "the", "และ", "เมียวดี", "的"], dtype=object)
    rows = (
        [[1, 1, 0, 0, 0]] * 3
        + [[0, 1, 0, 0, 0]] * 7  # English: "the" everywhere
        + [[0, 0, 1, 1, 0]]
        + [[0, 0, 1, 0, 0]] * 3  # Thai: "และ" in all four
        + [[0, 0, 0, 0, 1]] * 3  # Chinese: three stories, too few to tell
    )
    counts = TermCounts(tuple(f"s{n:02d}" for n in range(len(rows))), vocabulary, csr_matrix(rows))
    languages = ["en"] * 10 + ["th"] * 4 + ["zh"] * 3
    background = dict(zip(vocabulary, _language_background(counts, languages), strict=True))
    assert background == {"flood": False, "the": True, "และ": True, "เมียวดี": False, "的": False}


@pytest.fixture(scope="module")
def dev_archive() -> DigestResult:
    """The topic dev set built as its evaluation builds it: with the shipped sources and the
    reader set, sixty stories of one war in four languages."""
    from benchmarks.evaluate import READER_SET, TOPIC_DEV, build_archive

    from .conftest import ROOT

    return build_archive(
        [
            *sorted((ROOT / "sources").glob("*.txt")),
            *sorted((READER_SET / "sources").glob("*.txt")),
            *sorted((TOPIC_DEV / "sources").glob("*.txt")),
        ],
        ROOT / "taxonomy.yml",
    )


def test_a_story_does_not_read_like_a_topic_through_words_one_example_alone_has(dev_archive):
    """The one Thai story of the resistance (KNU fighters near Myawaddy) shares its town's name
    with a Thai story of scam victims flown home from Myawaddy: no other example of the
    resistance has those words, so they are no evidence."""
    victims = story_of(dev_archive, "d30-th-repatriation.txt")
    assert "resistance" not in {lab.slug for lab in victims.topics}
    learned = [
        lab for t in dev_archive.stories for lab in t.topics if lab.basis is TopicBasis.LEARNED
    ]
    assert all(lab.evidence[0].startswith("reads like the ") for lab in learned)


def test_a_model_that_finds_its_own_examples_unlikely_does_not_drop_a_second_topic(dev_archive):
    """In sixty stories the model finds Border trade's own examples less than 0.5 likely: it
    cannot say that a story of Mandalay's prices, whose lead names the traders and whose text
    the closed crossings at Muse and Chinshwehaw, is not about trade because China is named more
    often."""
    prices = story_of(dev_archive, "d15-mandalay-prices.txt")
    assert [lab.slug for lab in prices.topics][:2] == ["china-myanmar", "border-trade"]


def test_a_model_of_few_examples_adds_topics_but_takes_none_away(dev_archive):
    """The junta has six examples in the dev set's archive: too few for its model's doubt to
    outweigh a headline about sanctions 'to cut off junta's access to foreign currency'."""
    sanctions = story_of(dev_archive, "d10-us-sanctions-banks.txt")
    assert {"international-response", "junta"} <= {lab.slug for lab in sanctions.topics}


def _about(t, topic):
    """The story ``t`` with ``topic`` (a Label) as its best topic, its own after it."""
    return dataclasses.replace(t, topics=(topic, *[lab for lab in t.topics if lab != topic]))


def test_a_story_gets_the_topic_its_three_most_related_stories_are_all_about(seed_result):
    """A report that never names the offensive, read beside three that are about it: the topic
    comes with those stories' headlines as evidence, and says it came from related coverage."""
    stories = list(seed_result.stories)
    lone, *others = stories
    topic = next(
        lab for t in others for lab in t.topics if lab.slug not in {x.slug for x in lone.topics}
    )
    neighbours = [_about(t, topic) for t in others]
    related = {lone.story.id: tuple(t.story.id for t in neighbours)}
    given = related_topics([lone, *neighbours], related)[0]
    added = given.topics[-1]
    assert added.slug == topic.slug and added.basis is TopicBasis.RELATED
    assert all(t.story.main.title in added.evidence[0] for t in neighbours)
    assert "from related coverage" in topic_reason(added)
    # Read from the neighbours as they were: the same whatever the order of the stories.
    reordered = related_topics([*reversed(neighbours), lone], related)[-1]
    assert reordered.topics == given.topics


def test_two_related_stories_that_agree_are_not_enough(seed_result):
    lone, first, second, third = seed_result.stories
    topic = next(lab for lab in first.topics if lab.slug not in {x.slug for x in lone.topics})
    neighbours = [_about(first, topic), _about(second, topic), third]
    if third.topics and third.topics[0].slug == topic.slug:
        neighbours[2] = dataclasses.replace(third, topics=())
    related = {lone.story.id: tuple(t.story.id for t in neighbours)}
    assert related_topics([lone, *neighbours], related)[0].topics == lone.topics


def test_fits_in_a_second_process_give_the_same_judgements_as_fits_here() -> None:
    """Issue 23: in a large archive half the topics' models are fitted in a second process
    (``_second_process``). Each fit is seeded, so the likelihoods, bars and weights are the
    same, bit for bit, wherever it ran; and a second process that is gone leaves its share
    to be fitted here."""
    import numpy as np
    from scipy.sparse import random as sparse_random

    from build_digest.topics import _judge_all, _second_process, story_folds

    rng = np.random.default_rng(7)
    matrix = sparse_random(120, 400, density=0.05, format="csr", random_state=7)
    folds = story_folds([f"story-{n}" for n in range(120)])
    tasks = [
        (sorted(rng.choice(120, size=20, replace=False).tolist()), rng.choice(400, size=30))
        for _ in range(3)
    ]
    here = _judge_all(matrix, folds, tasks)
    with _second_process(10**9) as pool:
        assert pool is not None
        there = _judge_all(matrix, folds, tasks, pool)
    with _second_process(10**9) as gone:
        assert gone is not None
        gone.shutdown()
        left = _judge_all(matrix, folds, tasks, gone)
    for judged in (there, left):
        for a, b in zip(here, judged, strict=True):
            assert np.array_equal(a.likelihood, b.likelihood)
            assert (a.bar, a.doubt) == (b.bar, b.doubt)
            assert all(np.array_equal(x, y) for x, y in zip(a.weights, b.weights, strict=True))


def test_a_story_added_to_the_archive_moves_no_other_story_to_another_fold() -> None:
    """Issue 23: a story's fold comes from its id, not its place among the others. With folds
    cut in order, one story added at 10,000 sources moved the stories after it into other
    folds: their likelihoods, doubts and the pages of 194 stories changed."""
    from build_digest.topics import FOLDS, story_folds

    ids = [f"report-{n:04d}-{n * 7919 % 10007:012x}" for n in range(500)]
    before = dict(zip(ids, story_folds(ids).tolist(), strict=True))
    grown = sorted([*ids, "aaa-the-new-story-000000000001"])
    after = dict(zip(grown, story_folds(grown).tolist(), strict=True))
    assert all(after[sid] == fold for sid, fold in before.items())
    assert set(before.values()) == set(range(FOLDS))


def test_examples_all_in_one_fold_are_split_so_that_every_model_has_one_to_learn() -> None:
    """Folds drawn from ids can, in a small archive, put every example of a topic in one fold
    (the model trained without that fold would have none) or leave a fold empty (its model
    would judge no story, and scikit-learn refuses to). Then the folds are stratified."""
    import numpy as np

    from build_digest.topics import FOLDS, _fold_rows

    folds = np.arange(40) % FOLDS
    labels = np.zeros(40, dtype=int)
    labels[folds == 0] = 1  # every example in fold 0
    fold_of = _fold_rows(folds, labels)
    assert all(labels[fold_of != k].sum() > 0 for k in range(FOLDS))
    spread = np.zeros(40, dtype=int)
    spread[[1, 2, 3, 4, 6]] = 1  # examples in four folds: every model has some, the folds stay
    assert np.array_equal(_fold_rows(folds, spread), folds)
    empty = np.where(folds == 0, 1, folds)  # no story drew fold 0: its model would judge none
    assert set(_fold_rows(empty, spread).tolist()) == set(range(FOLDS))


def test_a_small_archive_whose_ids_leave_a_fold_empty_is_still_judged() -> None:
    """Twelve stories drawing their folds from their ids often leave one of five folds empty."""
    import numpy as np
    from scipy.sparse import random as sparse_random

    from build_digest.topics import FOLDS, _judge_all, story_folds

    ids = next(
        ids
        for n in range(1000)
        if len(set(story_folds(ids := [f"s{n}-{k}" for k in range(12)]).tolist())) < FOLDS
    )
    matrix = sparse_random(12, 40, density=0.3, format="csr", random_state=3)
    (judged,) = _judge_all(matrix, story_folds(ids), [([0, 1, 2, 3, 4, 5], np.array([0]))])
    assert judged.likelihood.shape == (12,)
