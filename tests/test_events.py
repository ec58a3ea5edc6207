"""Events: the reports of one happening grouped across outlets and languages, with a page,
a link from each story, and their place in catalog.json; other happenings kept apart."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from benchmarks.evaluate import bcubed
from build_digest.events import SUBEVENT_SHARE, SUBEVENT_STORIES, WINDOW_DAYS, _cut
from build_digest.pipeline import DigestResult, run_pipeline
from build_digest.settings import DigestSettings

from .conftest import ROOT, story_of

MULTILINGUAL = ROOT / "tests" / "fixtures" / "multilingual"
BACKGROUND = (
    *sorted((ROOT / "sources").glob("*.txt")),
    *sorted((ROOT / "tests" / "fixtures" / "reader-set" / "sources").glob("*.txt")),
)
"""The shipped sources and the reader set: an archive large enough to have events."""

REPORT_A = """---
title: Kachin fighters seize jade town of Hpakant
outlet: Frontier Desk
date: {date_a}
---
Kachin fighters seize jade town of Hpakant

Fighters of the Kachin Independence Army captured Hpakant, the centre of Myanmar's jade
mining, after a week of clashes with the army, residents and the group said on Sunday.

Residents of Lonkin and Seng Tawng said army posts on the hills above the mines were
abandoned overnight, and that Kachin Independence Army flags flew over the township office.
"""

REPORT_B = """---
title: Army loses Hpakant mines to Kachin rebels
outlet: Northern Wire
date: {date_b}
---
Army loses Hpakant mines to Kachin rebels

The Myanmar army has withdrawn from Hpakant, a spokesman for the Kachin Independence Army
told reporters, leaving the jade mines of Lonkin and Seng Tawng in rebel hands.

Traders in Myitkyina said jade buyers had stopped travelling to Hpakant weeks ago because
of the fighting around the township.
"""


def build(folder: Path, sources: dict[str, str], copies: tuple[Path, ...] = ()) -> DigestResult:
    src = folder / "sources"
    src.mkdir(parents=True)
    for name, text in sources.items():
        (src / name).write_text(text, encoding="utf-8")
    for path in copies:
        shutil.copy(path, src / path.name)
    return run_pipeline(DigestSettings(sources_dir=src, taxonomy=ROOT / "taxonomy.yml"))


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> DigestResult:
    """The background archive with two reports of Myawaddy's fall, in English and in Thai."""
    return build(
        tmp_path_factory.mktemp("events"),
        {},
        (
            *BACKGROUND,
            MULTILINGUAL / "en-reuters-myawaddy.txt",
            MULTILINGUAL / "th-myawaddy-falls.txt",
        ),
    )


def test_reports_of_one_happening_in_two_languages_are_one_event(archive):
    english = story_of(archive, "en-reuters-myawaddy.txt").story.id
    thai = story_of(archive, "th-myawaddy-falls.txt").story.id
    (event,) = [e for e in archive.events if english in e.stories]
    assert {english, thai} <= set(event.stories)
    assert event.id == event.stories[0]  # named after its first report: a stable address
    seeds = {story_of(archive, p.name).story.id for p in (ROOT / "sources").glob("*.txt")}
    assert not seeds & set(event.stories)


def test_an_event_page_shows_who_reported_it_when_and_in_which_language(archive):
    english = story_of(archive, "en-reuters-myawaddy.txt")
    (event,) = [e for e in archive.events if english.story.id in e.stories]
    page = archive.pages[f"events/{event.id}.md"]
    assert f"{len(event.stories)} reports" in page and "in English and Thai" in page
    assert "## Coverage" in page and "· Thai" in page and "· English" in page
    assert page.count("../stories/") >= 2
    story_page = archive.pages[f"stories/{english.story.id}.md"]
    assert (
        "**This event:** [every report of it, in English and Thai]" in story_page
        and f"../events/{event.id}.md" in story_page
    )
    assert f"]({event.id}.md)" in archive.pages["events/index.md"]


def test_the_catalog_lists_each_event_with_its_stories(archive):
    english = story_of(archive, "en-reuters-myawaddy.txt").story.id
    (entry,) = [e for e in archive.catalog["events"] if english in e["stories"]]
    assert entry["url"] == f"events/{entry['id']}/"
    assert entry["start"] <= entry["end"]
    assert archive.catalog["version"] == 4


def test_every_address_an_event_could_have_had_leads_to_it(archive):
    english = story_of(archive, "en-reuters-myawaddy.txt").story.id
    (event,) = [e for e in archive.events if english in e.stories]
    redirects = archive.catalog["redirects"]
    for sid in event.stories[1:]:
        assert redirects[f"events/{sid}/"] == f"events/{event.id}/"
    assert f"events/{event.id}/" not in redirects


def test_reports_a_few_days_apart_are_one_event_and_weeks_apart_two(tmp_path):
    near = build(
        tmp_path / "near",
        {
            "a.md": REPORT_A.format(date_a="2024-03-10"),
            "b.md": REPORT_B.format(date_b="2024-03-11"),
        },
        BACKGROUND,
    )
    hpakant = {story_of(near, "a.md").story.id, story_of(near, "b.md").story.id}
    # the reader set's own report of Hpakant's fall (r12) is the same happening, and joins
    assert len(hpakant) == 2 and any(hpakant <= set(e.stories) for e in near.events)
    far = build(
        tmp_path / "far",
        {
            "a.md": REPORT_A.format(date_a="2024-03-10"),
            "b.md": REPORT_B.format(date_b=f"2024-03-{10 + WINDOW_DAYS + 4}"),
        },
        BACKGROUND,
    )
    a, b = story_of(far, "a.md").story.id, story_of(far, "b.md").story.id
    assert a != b and not any({a, b} <= set(e.stories) for e in far.events)


def test_a_small_archive_has_no_events_and_says_so(seed_result):
    assert seed_result.catalog["events"] == []
    assert "Nothing here yet." in seed_result.pages["events/index.md"]


def test_bcubed_scores_a_clustering_against_its_labels():
    gold = {"a": "x", "b": "x", "c": "y"}
    assert bcubed({"a": 1, "b": 1, "c": 2}, gold)["f1"] == 1.0
    split = bcubed({"a": 1, "b": 2, "c": 3}, gold)
    assert split["precision"] == 1.0 and split["recall"] == round((0.5 + 0.5 + 1) / 3, 3)


def _groups(within: float, across: float, sizes: tuple[int, int], languages: str) -> list[set[int]]:
    """The events ``_cut`` makes of two groups of stories, alike ``within`` each and
    ``across`` them, each story in the language its letter in ``languages`` names."""
    from scipy.cluster.hierarchy import linkage
    from scipy.spatial.distance import squareform

    side = np.array([0] * sizes[0] + [1] * sizes[1])
    similarity = np.where(side[:, None] == side[None, :], within, across)
    distance = 1.0 - similarity
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), method="average")
    return sorted((set(g) for g in _cut(tree, list(languages))), key=min)


def test_two_happenings_of_one_kind_that_each_hang_together_are_two_events():
    # alike enough across to be one event by the threshold alone, far less than within
    across, within = 0.3, 0.3 / SUBEVENT_SHARE + 0.1
    three = SUBEVENT_STORIES
    assert _groups(within, across, (three, three), "e" * 2 * three) == [
        set(range(three)),
        set(range(three, 2 * three)),
    ]
    # as alike across as within: one happening told by several outlets
    assert len(_groups(0.35, 0.3, (three, three), "e" * 2 * three)) == 1


def test_reports_in_two_languages_are_not_parted_for_being_less_alike_across():
    three = SUBEVENT_STORIES
    assert len(_groups(0.8, 0.3, (three, three), "e" * three + "z" * three)) == 1


def test_two_reports_alike_are_no_measure_of_a_group_of_their_own():
    pair = SUBEVENT_STORIES - 1
    assert len(_groups(0.9, 0.3, (pair, 4), "e" * (pair + 4))) == 1


def test_a_name_every_story_shares_is_no_evidence_of_one_event():
    """In one war's archive every story names Myanmar: two stories that share only that name
    are not alike; two that share a rare name (a town) are."""
    from types import SimpleNamespace

    from scipy.sparse import csr_matrix

    from build_digest.events import _Similarity
    from build_digest.terms import TermCounts

    names = [["Myanmar", "Hpakant"], ["Myanmar", "Hpakant"], ["Myanmar", "Lashio"], ["Myanmar"]]
    stories = [
        SimpleNamespace(entities=[SimpleNamespace(name=n) for n in these]) for these in names
    ]
    words = TermCounts(
        tuple(f"s{n}" for n in range(4)), np.array([], dtype=object), csr_matrix((4, 0))
    )
    similarity = _Similarity(stories, [None] * 4, words)  # type: ignore[arg-type]
    block = similarity.block(np.arange(4), np.arange(4))
    assert block[0, 1] > 0.4  # Hpakant: a rare name shared
    assert block[2, 3] == 0.0 and block[0, 3] == 0.0  # Myanmar alone: nothing shared


@pytest.mark.parametrize(
    ("headline", "commentary"),
    [
        ("Opinion | Three years on, the Spring Revolution is winning", True),
        ("Analysis: China's patience with the generals runs out", True),
        ("Why Beijing let the northern offensive happen", True),
        ("How cheap drones changed the war in northern Shan", True),
        ("评论：缅北停火来之不易", True),
        ("บทวิเคราะห์: ไทยกับวิกฤตเมียนมา", True),
        ("Six generals surrender as Kokang capital falls to rebels", False),
        ("Howitzers shell Lashio as truce ends", False),
        ("缅北冲突各方在昆明举行和谈 同意立即停火", False),
    ],
)
def test_commentary_and_explainers_report_no_event(headline, commentary):
    """An analysis discusses the happenings its words come from; it is no report of one."""
    from build_digest.events import is_commentary

    assert is_commentary(headline) is commentary


def test_an_analysis_is_never_grouped_with_the_reports_it_discusses(tmp_path):
    analysis = (
        "---\ntitle: 'Analysis: what the fall of Hpakant means for the army'\ndate: 2024-03-11\n"
        "---\nThe Kachin Independence Army's capture of Hpakant, the centre of Myanmar's jade"
        " mining, takes from the army one of the richest sources of money it had left.\n\n"
        "The jade mines of Lonkin and Seng Tawng paid for the war in Kachin for decades; traders"
        " in Myitkyina now expect the Kachin rebels to tax the stones instead.\n"
    )
    result = build(
        tmp_path,
        {
            "a.md": REPORT_A.format(date_a="2024-03-10"),
            "b.md": REPORT_B.format(date_b="2024-03-11"),
            "analysis.md": analysis,
        },
        BACKGROUND,
    )
    grouped = {sid for e in result.catalog["events"] for sid in e["stories"]}
    assert story_of(result, "a.md").story.id in grouped
    assert story_of(result, "analysis.md").story.id not in grouped


def test_the_distances_are_built_without_the_square_array_and_are_the_same(archive, monkeypatch):
    """The condensed distances, filled a row at a time from the kept pairs, are exactly those
    of the square array they replace (1 - similarity, FAR across the window, the upper
    triangle row by row), so the events do not change with the memory they take."""
    from scipy.spatial.distance import squareform

    from build_digest import events
    from build_digest.terms import count_terms

    stories = sorted(archive.stories, key=lambda t: t.story.id)
    dates = [events._span(t) for t in stories]
    similarity = events._Similarity(stories, dates, events.event_words(count_terms(stories)))
    members = list(range(len(stories)))
    square = 1.0 - similarity.block(np.array(members), np.array(members))
    days = events._days(dates)
    square[events._apart(days, days)] = events.FAR
    np.fill_diagonal(square, 0.0)
    monkeypatch.setattr(events, "BLOCK", 7)  # several blocks, the last one short
    kept = similarity.pairs()
    condensed = events._condensed_distances(members, kept, days)
    assert np.array_equal(condensed, squareform(square, checks=False))
    some = members[::3]  # a group of some stories: positions among them, not in the archive
    condensed = events._condensed_distances(some, kept, days)
    assert np.array_equal(condensed, squareform(square[np.ix_(some, some)], checks=False))


def test_each_pair_is_compared_once_in_reach_and_is_as_alike_as_in_the_square_array(
    archive, monkeypatch
):
    """Rows taken in date order meet only the stories within the window of their days (and
    every undated one), and only those not compared in an earlier block: every pair is kept
    once, with exactly the similarity of comparing every pair (either way round)."""
    import dataclasses

    from build_digest import events
    from build_digest.models import Undated
    from build_digest.terms import count_terms

    stories = sorted(archive.stories, key=lambda t: t.story.id)
    stories[1] = dataclasses.replace(stories[1], date=Undated())  # reaches and is reached by all
    dates = [events._span(t) for t in stories]
    assert sum(d is None for d in dates) >= 1 and len({d for d in dates if d}) > 3
    similarity = events._Similarity(stories, dates, events.event_words(count_terms(stories)))
    everyone = np.arange(len(stories))
    square = similarity.block(everyone, everyone)
    assert np.array_equal(square, square.T)  # alike either way round, to the bit
    monkeypatch.setattr(events, "BLOCK", 7)  # several blocks, the last one short
    kept = similarity.pairs()
    assert np.array_equal(kept.toarray(), np.triu(square, 1))
    assert kept.nnz == np.count_nonzero(np.triu(square, 1))  # no pair held twice
