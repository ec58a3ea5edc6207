"""Step 6 (``cleaning/headline.py``): the headline."""

from __future__ import annotations

from build_digest.cleaning import clean_document
from build_digest.models import Role

from .common import STORY, doc, roles


def test_a_short_first_paragraph_ending_in_a_quote_is_body_not_title():
    a = clean_document(
        doc(
            "“We will not give up the town,” a rebel commander told reporters in Laukkai on"
            " Sunday.”\n\nFighting went on for a third week, residents said."
        )
    )
    assert a.body_text.startswith("“We will not give up the town,”")


def test_a_site_menu_above_the_headline_is_never_the_headline():
    """Seven menu entries make fourteen "words" with their bars: the bars are not words."""
    a = clean_document(
        doc(
            "Home | News | North East | Mizoram | Opinion | Sports | E-Paper\n\n"
            "Over 5,000 cross into Mizoram as fighting rages across the border\n\n" + STORY
        )
    )
    assert a.title == "Over 5,000 cross into Mizoram as fighting rages across the border"
    assert any(r.text.startswith("Home | News") for r in a.removed)


def test_a_dateline_on_its_own_line_is_the_wire_dateline_not_the_headline():
    a = clean_document(
        doc(
            "KUNMING, China, Jan 12 (Xinhua report, translated by our desk)\n\n"
            "Myanmar's military and three armed groups agreed to an immediate halt to hostilities"
            " after two days of talks, China's foreign ministry said on Friday.\n\n" + STORY
        )
    )
    assert a.wire is not None and a.wire.date_text == "Jan 12"
    assert a.wire.agency == ""  # a note on how the copy came is not an agency's name
    assert roles(a, Role.DATELINE) == [
        "KUNMING, China, Jan 12 (Xinhua report, translated by our desk)"
    ]
    assert a.title.startswith("Myanmar's military and three armed groups agreed")


def test_a_headline_in_capitals_with_a_bracket_is_no_dateline():
    a = clean_document(doc("REBELS SEIZE BORDER TOWN (VIDEO)\n\n" + STORY))
    assert a.wire is None and a.title == "REBELS SEIZE BORDER TOWN (VIDEO)"


def test_a_line_that_introduces_a_list_is_no_headline_and_the_list_item_gives_one():
    a = clean_document(
        doc(
            "Notes for the weekly brief:\n\n"
            "- Since hostilities escalated in northern Shan on 27 October, more than 90,000"
            " people have been newly displaced across 12 townships.\n\n"
            "- Roads to the border are blocked and the Lashio–Muse road is closed.\n"
        )
    )
    assert a.title == (
        "Since hostilities escalated in northern Shan on 27 October, more than 90,000 people"
        " have been newly displaced across 12 townships"
    )
    assert "Notes for the weekly brief:" in a.body_text  # the source's words stay
