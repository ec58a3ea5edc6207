"""Stage 4: dates with provenance and precision, topics and entities with evidence."""

from __future__ import annotations

import datetime as dt

import pytest

from build_digest.tag import TaxonomyError, load_taxonomy

from .conftest import make_project, pipeline_for, story_of


def test_seed_003_is_dated_from_its_dateline(seed_result):
    date = story_of(seed_result, "003_cc3d00d2144fce69.txt").date
    assert (date.value, date.precision) == (dt.date(2023, 11, 6), "day")
    assert date.source == "dateline 'November 6, 2023'"


def test_seed_004_partial_date_gets_its_year_from_related_coverage_at_month_precision(seed_result):
    date = story_of(seed_result, "004_ab6189689cb6cc35.txt").date
    assert (date.value, date.precision) == (dt.date(2024, 1, 1), "month")
    assert "January 10-11" in date.source


def test_seed_002_is_honestly_undated_with_a_lower_bound(seed_result):
    date = story_of(seed_result, "002_70b53750419f7713.txt").date
    assert date.value is None and date.precision == "none"
    assert date.not_before == dt.date(2023, 11, 27)


def test_front_matter_date_wins_over_the_dateline(tmp_path):
    text = "---\ndate: 2023-11-07\n---\nBorder town falls\n\nNovember 6, 2023\n\nRebels captured the border town of Chinshwehaw on Friday, cutting a key trade route to China.\n"
    project = make_project(tmp_path, {"fm.md": text}, with_seeds=False)
    date = story_of(pipeline_for(project), "fm.md").date
    assert (date.value, date.source) == (dt.date(2023, 11, 7), "front matter (2023-11-07)")


def test_named_entities_are_found_with_types(seed_result):
    names = {(lab.name, lab.kind) for t in seed_result.stories for lab in t.entities}
    assert {("Min Aung Hlaing", "person"), ("Laukkai", "place"), ("Arakan Army", "organisation"), ("Kunming", "place")} <= names


def test_topics_are_backed_by_the_matched_phrases(seed_result):
    topics = {lab.slug: lab for lab in story_of(seed_result, "000_6963635469b22089.txt").topics}
    assert "operation-1027" in topics
    assert any("Operation 1027" in e for e in topics["operation-1027"].evidence)


def test_taxonomy_errors_name_the_file_and_the_key(tmp_path):
    bad = tmp_path / "taxonomy.yml"
    bad.write_text("topics:\n  Bad Slug:\n    name: X\n")
    with pytest.raises(TaxonomyError, match=r"taxonomy.yml, topics.Bad Slug: the key must be a slug"):
        load_taxonomy(bad)
    bad.write_text("topics:\n  ok:\n    name: X\n    min_matches: 0\n")
    with pytest.raises(TaxonomyError, match=r"topics.ok.min_matches"):
        load_taxonomy(bad)


def test_wire_dateline_gives_the_day_and_related_coverage_the_year(tmp_path):
    text = (
        "Ceasefire talks resume\n\nKUNMING, China, Jan 12 (Reuters) - Myanmar's junta and the Three Brotherhood Alliance agreed to a ceasefire "
        "at talks in Kunming, China's foreign ministry said, after the fall of Laukkai on the Chinese border.\n"
    )
    project = make_project(tmp_path, {"wire.txt": text})
    date = story_of(pipeline_for(project), "wire.txt").date
    assert (date.value, date.precision) == (dt.date(2024, 1, 12), "day")
    assert date.source.startswith("wire dateline 'KUNMING, China, Jan 12 (Reuters)', year from related coverage")
