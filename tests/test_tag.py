"""Stage 4: dates with provenance and precision, topics and entities with evidence."""

from __future__ import annotations

import datetime as dt

import pytest

from build_digest.models import Undated
from build_digest.taxonomy import TaxonomyError, load_taxonomy
from build_digest.topics import MAX_TOPICS, MIN_TOPIC_SCORE, StoryText, match_topics

from .conftest import ROOT, make_project, pipeline_for, story_of


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
    assert date == Undated(not_before=dt.date(2023, 11, 27))


def test_front_matter_date_wins_over_the_dateline(tmp_path):
    text = (
        "---\ndate: 2023-11-07\n---\nBorder town falls\n\nNovember 6, 2023\n\nRebels captured the"
        " border town of Chinshwehaw on Friday, cutting a key trade route to China.\n"
    )
    project = make_project(tmp_path, {"fm.md": text}, with_seeds=False)
    date = story_of(pipeline_for(project), "fm.md").date
    assert (date.value, date.source) == (dt.date(2023, 11, 7), "front matter (2023-11-07)")


def test_named_entities_are_found_with_types(seed_result):
    names = {(lab.name, lab.kind) for t in seed_result.stories for lab in t.entities}
    assert {
        ("Min Aung Hlaing", "person"),
        ("Laukkai", "place"),
        ("Arakan Army", "organisation"),
        ("Kunming", "place"),
    } <= names


def test_topics_are_backed_by_the_matched_phrases(seed_result):
    topics = {lab.slug: lab for lab in story_of(seed_result, "004_ab6189689cb6cc35.txt").topics}
    assert "ceasefire" in topics
    assert (
        topics["ceasefire"].evidence[0].startswith("lead: ")
        and topics["ceasefire"].score >= MIN_TOPIC_SCORE
    )


def test_a_passing_mention_gives_no_topic_but_a_headline_does():
    taxonomy = load_taxonomy(ROOT / "taxonomy.yml")
    passing = StoryText(
        "Floods close schools in the delta",
        "Heavy rain closed schools across the delta on Monday.",
        "Officials said Russia had sent tents.",
    )
    assert "russia-myanmar" not in {lab.slug for lab in match_topics(passing, taxonomy)}
    headline = StoryText(
        "Russia sends fighter jets to Myanmar",
        "Two jets arrived on Monday.",
        "They were built in Irkutsk.",
    )
    assert [lab.slug for lab in match_topics(headline, taxonomy)] == ["russia-myanmar"]


def test_a_background_topic_gives_way_to_the_subject_of_the_story():
    taxonomy = load_taxonomy(ROOT / "taxonomy.yml")
    text = StoryText(
        "Ceasefire talks resume in Kunming",
        "Ceasefire talks between the two sides resumed on Monday, mediators said.",
        "The truce has held for a week. Both sides said the ceasefire would be extended. The peace"
        " talks will continue. The junta said nothing.",
    )
    labels = match_topics(text, taxonomy)
    assert labels[0].slug == "ceasefire" and "junta" not in {lab.slug for lab in labels}
    assert [lab.score for lab in labels] == sorted((lab.score for lab in labels), reverse=True)


def test_a_story_gets_at_most_five_topics():
    taxonomy = load_taxonomy(ROOT / "taxonomy.yml")
    every = ". ".join(topic.name for topic in taxonomy.topics)
    labels = match_topics(StoryText(every, every, every), taxonomy)
    assert len(labels) == MAX_TOPICS


def test_taxonomy_errors_name_the_file_and_the_key(tmp_path):
    bad = tmp_path / "taxonomy.yml"
    bad.write_text("topics:\n  Bad Slug:\n    name: X\n")
    with pytest.raises(
        TaxonomyError, match=r"taxonomy.yml, topics.Bad Slug: the key must be a slug"
    ):
        load_taxonomy(bad)
    bad.write_text("topics:\n  ok:\n    name: X\n    min_matches: 0\n")
    with pytest.raises(TaxonomyError, match=r"topics.ok.min_matches"):
        load_taxonomy(bad)
    bad.write_text("topics:\n  ok:\n    name: X\n    weak_aliases: the regime\n")
    with pytest.raises(TaxonomyError, match=r"topics.ok.weak_aliases: must be a list"):
        load_taxonomy(bad)
    bad.write_text('topics: {}\nmeasures:\n  "<b>": {name: X, phrases: [killed]}\n')
    with pytest.raises(TaxonomyError, match=r"measures.<b>: the key must be a slug"):
        load_taxonomy(bad)
    bad.write_text("topics: {}\nmeasures:\n  killed: {name: X, phrases: killed}\n")
    with pytest.raises(TaxonomyError, match=r"measures.killed.phrases: must be a list"):
        load_taxonomy(bad)


def test_a_hyphenated_phrase_matches_however_a_copy_spaced_it(tmp_path):
    path = tmp_path / "taxonomy.yml"
    path.write_text(
        "topics:\n  crashes:\n    name: Crashes\n    aliases: [hit-and-run, cross-border trade]\n"
    )
    taxonomy = load_taxonomy(path)
    for headline in (
        "A hit-and-run in Queens",
        "A hit - and - run in Queens",
        "A hit and run in Queens",
        "Cross border  trade halts",
    ):
        assert [lab.slug for lab in match_topics(StoryText(headline, "", ""), taxonomy)] == [
            "crashes"
        ], headline
    assert not match_topics(StoryText("Hitandrun", "", ""), taxonomy)


def test_an_entity_linked_to_a_topic_supports_it_as_a_weak_phrase(tmp_path):
    path = tmp_path / "taxonomy.yml"
    path.write_text(
        "topics:\n  trade:\n    name: Border trade\n    aliases: [border trade]\n"
        "entities:\n  - name: Muse\n    type: place\n    aliases: [木姐]\n    topics: [trade]\n"
    )
    taxonomy = load_taxonomy(path)
    weak_only = StoryText("Muse gate shut", "Trucks wait at Muse.", "木姐 木姐")
    assert not match_topics(weak_only, taxonomy)  # weak phrases cannot make a topic alone
    text = StoryText("Muse gate shut", "Trucks wait at Muse.", "Border trade has stopped.")
    labels = match_topics(text, taxonomy)
    assert [lab.slug for lab in labels] == ["trade"]  # 1.5 + 1 + 1: the names made it
    assert labels[0].evidence[0] == "headline: muse (weak)"
    path.write_text(path.read_text().replace("topics: [trade]", "topics: [trades]"))
    with pytest.raises(TaxonomyError, match=r"entities\[0\].topics: .*'trades' is not one"):
        load_taxonomy(path)


def test_a_phrase_inside_a_longer_name_is_not_the_topics():
    taxonomy = load_taxonomy(ROOT / "taxonomy.yml")
    text = StoryText(
        "Strong earthquake hits central Myanmar",
        "A magnitude 7.7 earthquake struck central Myanmar on Friday.",
        "The epicentre was near Sagaing, the United States Geological Survey said. The United"
        " Nations launched an appeal.",
    )
    assert "international-response" not in {lab.slug for lab in match_topics(text, taxonomy)}
    named = StoryText("", "", "The United States imposed sanctions. The United States said so.")
    assert "international-response" in {lab.slug for lab in match_topics(named, taxonomy)}
    # A headline that capitalises every word keeps its phrases: there every word runs on.
    title_case = StoryText("The Myanmar Junta Is Losing Its Foreign Backers", "", "")
    labels = match_topics(title_case, taxonomy)
    assert labels[0].slug == "junta" and labels[0].evidence[0] == "headline: junta"


def test_a_phrase_two_topics_share_counts_for_each_in_part(tmp_path):
    path = tmp_path / "taxonomy.yml"
    path.write_text(
        "topics:\n"
        "  iran:\n    name: Iran quakes\n    aliases: [earthquake, Iran]\n"
        "  chile:\n    name: Chile quakes\n    aliases: [earthquake, Chile]\n"
    )
    taxonomy = load_taxonomy(path)
    labels = match_topics(StoryText("Earthquake shakes Chile", "", ""), taxonomy)
    # "earthquake" in the headline is 3 / 2 for each; "Chile" is Chile's alone: 4.5 against 1.5
    assert [(lab.slug, lab.score) for lab in labels] == [("chile", 4.5)]
    assert not match_topics(StoryText("", "", "earthquake earthquake earthquake"), taxonomy)


def test_a_name_the_model_leaves_open_on_of_is_completed_or_closed():
    import spacy

    from build_digest.entities import joined_names

    nlp = spacy.blank("en")

    def names(text: str, spans: list[tuple[str, str]]) -> list[tuple[str, str]]:
        doc = nlp(text)
        ents = []
        for surface, label in spans:
            start = text.index(surface)
            ents.append(doc.char_span(start, start + len(surface), label=label))
        doc.ents = ents
        return joined_names(doc)

    text = "Boats in the Bay of Bengal were stopped."
    assert names(text, [("Bay of", "LOC")]) == [("Bay of Bengal", "LOC")]
    assert names(text, [("Bay of", "LOC"), ("Bengal", "PERSON")]) == [("Bay of Bengal", "LOC")]
    assert names("They sailed the Bay of and left.", [("Bay of", "LOC")]) == [("Bay", "LOC")]
    kept = "Duwa Lashi La spoke."  # "La" ends a name; only English joining words leave one open
    assert names(kept, [("Duwa Lashi La", "PERSON")]) == [("Duwa Lashi La", "PERSON")]
    office = "The United Nations Office for the Coordination of Humanitarian Affairs said"
    assert names(
        office,
        [("United Nations Office", "ORG"), ("Coordination of Humanitarian Affairs", "ORG")],
    ) == [("United Nations Office for the Coordination of Humanitarian Affairs", "ORG")]


def test_wire_dateline_gives_the_day_and_related_coverage_the_year(tmp_path):
    text = (
        "Ceasefire talks resume\n\nKUNMING, China, Jan 12 (Reuters) - Myanmar's junta and the Three"
        " Brotherhood Alliance agreed to a ceasefire at talks in Kunming, China's foreign ministry"
        " said, after the fall of Laukkai on the Chinese border.\n"
    )
    project = make_project(tmp_path, {"wire.txt": text})
    date = story_of(pipeline_for(project), "wire.txt").date
    assert (date.value, date.precision) == (dt.date(2024, 1, 12), "day")
    assert date.source.startswith(
        "wire dateline 'KUNMING, China, Jan 12 (Reuters)', year from related coverage"
    )
