"""The cleaning stage as a whole: the seeds, a source left empty, what a line's state says, and
paragraphs that only look like furniture."""

from __future__ import annotations

import pytest

from build_digest.cleaning import clean_all, clean_document
from build_digest.ingest import ingest
from build_digest.models import Role

from ..conftest import ROOT
from .common import STORY, doc, roles


@pytest.fixture(scope="module")
def cleaned():
    docs = ingest(ROOT / "sources").documents
    return {a.source.path[:3]: a for a in clean_all(docs)}


def test_seed_000_loses_its_trailing_site_lists_and_keeps_the_attribution(cleaned):
    a = cleaned["000"]
    assert (
        a.title
        == "Rebel alliance gains ground in northern Myanmar, posing major challenge to Junta"
    )
    assert "Similar Articles" not in a.body_text and "Most Popular" not in a.body_text
    assert roles(a, Role.ATTRIBUTION) == ["With inputs from Reuters."]
    assert a.body_text.startswith("Facing its most significant challenge since the 2021 coup")
    assert "“If not, this will be seen as a sign of historic weakness.”" in a.body_text


def test_seed_002_loses_breadcrumbs_and_repeated_titles_and_labels_photo(cleaned):
    a = cleaned["002"]
    assert a.title == "The Myanmar Junta Is Losing Its Foreign Backers"
    assert "Recent Features" not in a.body_text
    assert "Diplomacy" not in a.body_text
    assert a.body_text.count("Losing Its Foreign Backers") == 0
    assert roles(a, Role.STANDFIRST) == [
        "Increasingly, the junta has no one to lean on except for a distracted Russia."
    ]
    assert roles(a, Role.CREDIT) == ["Credit: The Military True News Information Team via AP"]
    assert roles(a, Role.CAPTION)[0].startswith(
        "In this photo released from Myanmar Military True News Information Team"
    )
    assert roles(a, Role.HEADING) == [
        "The Junta Looks for Support",
        "The 2023 Turning Point",
        "The Rise and Fall of the Junta?",
    ]
    assert a.body_text.endswith(
        "Operation 1027 has created the best opportunity to internationally isolate it into"
        " extinction."
    )
    rules = {r.reason for r in a.removed}
    assert {"site chrome phrase", "breadcrumb or menu", "repeated title"} <= rules


def test_seed_003_loses_the_gtag_fragment_and_labels_dateline_credit_and_caption(cleaned):
    a = cleaned["003"]
    assert (
        a.title
        == "China Urges Myanmar to Cooperate in Maintaining Stability on Border Amid Escalating"
        " Violence"
    )
    assert "gtag" not in a.body_text and "!--" not in a.body_text
    assert roles(a, Role.DATELINE) == ["November 6, 2023"]
    assert roles(a, Role.CREDIT) == ["IMAGE SOURCE: AP"]
    assert roles(a, Role.CAPTION) == ["Assistant Chinese Foreign Minister Nong Rong."]
    assert roles(a, Role.STANDFIRST)[0].startswith(
        "Last week, an alliance of ethnic minority armies"
    )
    assert roles(a, Role.HEADING) == ["Overview", "Latest Conflict", "China Calls for Ceasefire"]
    assert a.body_text.endswith(
        "settle differences peacefully through dialogue and consultation, and avoid escalation.”"
    )
    removed = {r.reason: r.text for r in a.removed}
    assert removed["stray HTML comment fragment"] == "!-- Google tag (gtag.js) -->"
    assert "tab-only line" in removed and "repeated title" in removed


@pytest.mark.parametrize("seed", ["001", "004"])
def test_seeds_without_chrome_keep_every_paragraph(cleaned, seed):
    a = cleaned[seed]
    source_paragraphs = [line.strip() for line in a.source.text.split("\n") if line.strip()]
    assert [b.text for b in a.body_blocks] == source_paragraphs
    assert a.removed == ()


def test_a_source_that_is_only_chrome_is_rejected_with_a_reason_and_the_rest_is_cleaned():
    from build_digest.cleaning import clean_sources

    good = doc(
        "Rebels take Hopang\n\nRebels said on Sunday they had taken the town of Hopang after a week"
        " of fighting.",
        "good.txt",
    )
    chrome = doc("Most Popular\n\nAdvertisement\n\nShare on Facebook\n", "chrome.txt")
    articles, rejections = clean_sources([good, chrome])
    assert [a.source.path for a in articles] == ["good.txt"]
    assert [(r.path, r.reason) for r in rejections] == [
        ("chrome.txt", "no article text left after cleaning (only site chrome, markup or metadata)")
    ]


@pytest.mark.parametrize(
    "paragraph",
    [
        "He said the photo was taken in Lashio on the morning the town fell to the alliance.",
        "The statement was posted on the army's channel and shared widely (via Telegram).",
        "Rice prices rose by a third since October, the trade ministry said (source: Reuters).",
        "Related to this, the ministry said it would reopen the border crossing next week.",
        "Also on Saturday, a military spokesman said a convoy had been attacked near the town.",
        "Regulators said the site had used cookies to track readers without their consent, and"
        " fined the company 40 million euros on Tuesday.",
        "The ministry urged residents to download the app and register for food aid there.",
        "Officials said they would follow the talks on Twitter, where both sides post updates.",
        "He was a major contributor to the party's campaign, according to its own accounts.",
        "The army's Telegram channel said on Sunday that the town had been retaken.",
        "The warning reached everyone with an email inbox, a phone or a radio in the town.",
    ],
)
def test_a_paragraph_that_only_looks_like_furniture_stays_a_paragraph(paragraph):
    # A photo or a source named in a sentence, an opening like a link out, a story about cookies,
    # an app, another's channel or a contributor.
    article = clean_document(doc(STORY + paragraph + "\n"))
    assert paragraph in article.body_text


def test_a_line_s_state_says_what_later_steps_may_read_of_it():
    from build_digest.cleaning.lines import Line, LineState
    from build_digest.models import RemovalRule, Role

    fresh = Line(1, "Text")
    assert fresh.state is LineState.UNLABELLED and fresh.live and fresh.marks_end
    headline = Line(2, "Headline", role=Role.TITLE)
    assert headline.state is LineState.KEPT and not headline.in_story
    paragraph = Line(3, "Body", role=Role.PARAGRAPH)
    assert paragraph.in_story
    related = Line(4, "Related", removed_by=RemovalRule.CHROME_PHRASE)
    assert related.state is LineState.MARKER and not related.live and related.marks_end
    gone = Line(5, "Menu", removed_by=RemovalRule.LINK_LIST)
    assert gone.state is LineState.REMOVED and not gone.marks_end and not gone.in_story
