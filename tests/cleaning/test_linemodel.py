"""The cleaner's trained line model: what it removes, what it keeps, and what it says."""

from __future__ import annotations

import json

import numpy as np
import pytest

from build_digest.cleaning import CleanConfig, clean_all, linemodel
from build_digest.models import RemovalRule, Role, SourceDocument, SourceKind

from ..conftest import cli, make_project

PARAGRAPH = (
    "The army said on {day} that fighters of the alliance had taken the border town of {town}"
    " after a week of clashes, and that thousands of residents had fled across the river into"
    " China as shelling continued near the main road out of the town."
)
TEASERS = [
    "Thailand Reopens Mae Sot Crossing As Traders Count Losses From Months Of Closure ...",
    "Opinion: Why The West Keeps Getting Myanmar Wrong, And What It Should Do Instead ...",
    "Watch: Inside The Scam Compounds Of Myawaddy Where Thousands Were Held Against Their Will ...",
    "Explainer: Who Are The Three Brotherhood Alliance Groups And What Do They Want ...",
]


MENU = ["Home | News | World | Asia", "Share on Facebook", "Share on Twitter"]
FOOTER = ["Comments (12)", "© 2024 The Example Times. All rights reserved."]
"""Site furniture the rules remove: what makes a source a copied whole page."""


def page_with_teasers() -> str:
    days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
    towns = ["Laukkai", "Chinshwehaw", "Kunlong", "Hsenwi", "Namhkan"]
    story = [PARAGRAPH.format(day=d, town=t) for d, t in zip(days, towns, strict=True)]
    return "\n\n".join(
        [
            "Rebels take border town after week of fighting",
            *MENU,
            *story,
            "More on this",
            *TEASERS,
            *FOOTER,
        ]
    )


def doc(text: str, path: str = "x.txt") -> SourceDocument:
    return SourceDocument(path, path, text, "utf-8", SourceKind.TEXT)


def test_teasers_below_the_story_are_removed_by_the_model_with_its_reasons():
    """What the model removes are teasers, never the story. How many of the four go depends
    on the thresholds the trainer picks on a plateau of its data (at 0.52 all four, at 0.40
    the two it reads most surely as clutter): this pins the kind, not the count."""
    article = clean_all([doc(page_with_teasers())])[0]
    body = article.body_text
    assert all(town in body for town in ["Laukkai", "Chinshwehaw", "Kunlong", "Hsenwi"])
    by_model = [r for r in article.removed if r.rule is RemovalRule.LINE_MODEL]
    assert by_model and {r.text for r in by_model} <= set(TEASERS)
    # The audit trail names the weightiest reasons in words, with the model's score.
    assert all(r.reason.startswith("read as clutter by the line model (score 0.") for r in by_model)
    assert any("ellipsis" in r.reason or "clutter around it" in r.reason for r in by_model)


@pytest.mark.parametrize(
    ("feature", "phrase"),
    [
        ("sentence_end", "does not end as a sentence"),  # weighs for a line when it is 1
        ("capitalised_share", "many capitalised words"),  # weighs against a line when high
        ("prose_before_share", "after most of the story"),
    ],
)
def test_a_reason_says_which_side_of_a_feature_the_line_is_on(feature, phrase):
    """A feature weighing against a line is named for the line's own side of it: a line that
    lacks a full stop "does not end as a sentence" (it used to read "ends as a sentence")."""
    model = linemodel.load()
    k = model.first.names.index(feature)
    against = np.zeros(len(model.first.names))
    against[k] = -1.0  # this feature alone weighed against the line
    neutral_neighbours = model.second.mean  # the second pass adds nothing
    assert linemodel.reasons(model, against, neutral_neighbours) == phrase


def test_the_rules_alone_keep_those_teasers():
    article = clean_all([doc(page_with_teasers())], CleanConfig(line_model=False))[0]
    assert all(teaser[:30] in article.body_text for teaser in TEASERS)


GERMAN = [
    "Die Armee teilte am Dienstag mit, dass Kämpfer der Allianz die Grenzstadt Laukkai nach einer"
    " Woche heftiger Gefechte eingenommen hätten und Tausende Bewohner über den Fluss nach China"
    " geflohen seien.",
    "Nach Angaben von Hilfsorganisationen sind seit Beginn der Offensive im Oktober mehr als"
    " eine halbe Million Menschen im Norden des Landes vertrieben worden, viele von ihnen leben"
    " in Klöstern und Schulen.",
    "Die Militärregierung sprach von einem vorübergehenden Rückzug und kündigte Verhandlungen"
    " unter chinesischer Vermittlung an, die in der kommenden Woche in Kunming beginnen sollen.",
    "Beobachter in Bangkok halten den Verlust der Stadt für die schwerste Niederlage der Armee"
    " seit dem Putsch, weil über Laukkai ein großer Teil des Grenzhandels mit China läuft.",
]
SPANISH = [
    "El ejército informó el martes que los combatientes de la alianza habían tomado la ciudad"
    " fronteriza de Laukkai tras una semana de enfrentamientos, y que miles de vecinos huyeron a"
    " China.",
    "Según las organizaciones humanitarias, más de medio millón de personas han sido desplazadas"
    " en el norte del país desde el comienzo de la ofensiva en octubre, muchas de ellas en"
    " monasterios.",
    "La junta militar habló de una retirada temporal y anunció conversaciones con mediación china"
    " que deberían comenzar la próxima semana en la ciudad de Kunming, según la prensa oficial.",
]


def test_articles_in_other_languages_keep_every_paragraph():
    for paragraphs in (GERMAN, SPANISH):
        page = "\n\n".join(["Laukkai gefallen", *MENU, *paragraphs, *FOOTER])
        article = clean_all([doc(page)])[0]
        assert [b.text for b in article.blocks if b.role is Role.PARAGRAPH] == paragraphs
        assert not [r for r in article.removed if r.rule is RemovalRule.LINE_MODEL]


def test_the_shipped_model_weighs_exactly_the_features_the_code_computes():
    """A feature added or reordered without retraining (python -m benchmarks.train_cleaner)
    would silently weigh the wrong numbers."""
    data = json.loads(linemodel.MODEL_FILE.read_text(encoding="utf-8"))
    assert data["first"]["names"] == list(linemodel.FEATURES)
    assert data["second"]["names"] == [*linemodel.FEATURES, *linemodel.SECOND_PASS]
    assert 0 < data["drop_below"] < 1 and 0 < data["restore_from"] <= 1.01
    assert set(linemodel.READABLE) >= set(data["second"]["names"])


def test_each_feature_of_the_table_fills_its_own_column_and_names_a_reason():
    """The row is built from one table of (name, reasons, function): each column holds its
    feature's value, and each feature can be named in the audit trail."""
    from build_digest.cleaning import run_cascade

    lines = run_cascade(doc(page_with_teasers()), CleanConfig(line_model=False), {}).lines
    judged, x = linemodel.features(lines, "Headline", {})
    assert x.shape == (len(judged), len(linemodel.FIRST_PASS))
    words = x[:, linemodel.FEATURES.index("log_words")]
    expected = [np.log1p(linemodel.word_count(lines[i].text)) for i in judged]
    assert np.allclose(words, expected)
    for feature in (*linemodel.FIRST_PASS, *linemodel.SECOND_PASS_TABLE):
        assert feature.high or feature.low, feature.name
    assert len(set(linemodel.FEATURES + linemodel.SECOND_PASS)) == len(linemodel.READABLE)


def test_check_lists_the_lines_the_model_removed_with_its_reasons(tmp_path):
    project = make_project(tmp_path, {"teasers.txt": page_with_teasers()}, with_seeds=False)
    result = cli(project, "check")
    assert result.returncode == 0, result.stderr
    assert "[read as clutter by the line model (score 0." in result.stdout
    assert any(teaser[:40] in result.stdout for teaser in TEASERS)


def test_an_article_pasted_without_page_furniture_is_left_to_the_rules():
    """The model was trained on whole pages; on a clean paste it would read short story lines
    (a one-line quote, a closing sentence) as clutter."""
    text = "\n\n".join(
        ["Rebels take border town", PARAGRAPH.format(day="Monday", town="Laukkai"), "I felt safe."]
    )
    with_model = clean_all([doc(text)])[0]
    rules_only = clean_all([doc(text)], CleanConfig(line_model=False))[0]
    assert with_model.blocks == rules_only.blocks


def test_no_line_is_said_to_have_an_end_marker_below_on_a_page_without_one():
    from build_digest.cleaning import run_cascade

    text = page_with_teasers().replace("Comments (12)", "").replace("More on this", "")
    cascade = run_cascade(doc(text), CleanConfig(), {})
    assert not any(ln.removed_by is RemovalRule.AFTER_END for ln in cascade.lines)
    _, x = linemodel.features(cascade.lines, cascade.title, {})
    below = x[:, linemodel.FEATURES.index("after_end_marker_below")]
    assert not below.any()
