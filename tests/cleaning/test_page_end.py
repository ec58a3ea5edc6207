"""Steps 4, 5, 10 and 11 (``cleaning/page_end.py``): comment threads, teasers of other
articles, notes and boxes about the writer."""

from __future__ import annotations

import pytest

from build_digest.cleaning import clean_document

from .common import STORY, doc, numbered, teasers


def test_a_comment_thread_longer_than_the_story_is_cut_by_its_shape():
    comments = "".join(
        f"{name} says:\n\nI have followed this for months and the reporting here is the only"
        f" place that explains what is happening on the ground, thank you for it.\n\nReply\n\n"
        for name in ("thelastfan", "joe toronto", "Ti Kim", "Daniel Lemire")
    )
    article = clean_document(doc("34 Comments\n\n" + STORY + "34 Comments\n\n" + comments))
    assert "Fighting spread to three more townships" in article.body_text
    assert "reporting here is the only place" not in article.body_text
    thread = [r for r in article.removed if r.rule.value == "comment-thread"]
    assert thread[0].text == "34 Comments" and thread[1].text == "thelastfan says:"
    assert thread[0].reason == "a readers' comment thread below the story (4 comments)"


def test_comments_dated_in_their_header_or_under_a_comments_heading_are_a_thread():
    dated = "".join(
        f"Reader {n} on September {n}, 2018 at 4:4{n} pm said:\n\nA long reply that reads"
        f" like prose, with a full stop at the end of it, as comments usually do.\n\n"
        for n in range(1, 4)
    )
    timed = "[ 167 comments ]\n\nTop Rated Comments\n\n(View all)\n\n" + "".join(
        f"Woyzeck{n}\n{n} days ago at 07:5{n} am\nIt is good to see this finally reported in"
        f" full, and I hope the coverage continues as the fighting goes on.\nRating: 3{n} Votes\n"
        for n in range(1, 4)
    )
    for thread in (dated, timed):
        article = clean_document(doc(STORY + thread))
        assert "fled towards the Chinese frontier overnight" in article.body_text
        assert "A long reply" not in article.body_text
        assert "good to see this finally" not in article.body_text


def test_quotes_introduced_on_their_own_line_are_not_a_comment_thread():
    quotes = "".join(
        f"The {who} said:\n\n“We will not give up {what}, whatever it costs us, and we ask the"
        f" world to hear what is happening here.”\n\n"
        for who, what in (("commander", "the town"), ("spokesman", "the road"), ("mayor", "hope"))
    )
    article = clean_document(doc(STORY + quotes))
    assert article.body_text.count("We will not give up") == 3


def test_teasers_of_other_articles_each_with_headline_and_date_are_cut():
    article = clean_document(doc(STORY + teasers(4)))
    assert "Neither side gave figures for the dead or wounded" in article.body_text
    assert "another writer's column" not in article.body_text
    assert "Opinion number" not in article.body_text
    reasons = {r.reason for r in article.removed if r.rule.value == "other-articles"}
    assert reasons == {"teasers of other articles, each with its headline and date (4 of them)"}


def test_teasers_each_closed_by_a_read_more_link_are_cut():
    blocks = numbered(
        "Another post about a different subject, number {n}\n\nA short summary of that other"
        " post, which is about something else entirely and was written by another reporter"
        " for the same site last month, number {n}.\n\nRead More\n\n",
        4,
    )
    article = clean_document(doc(STORY + "Keep Reading\n\n" + blocks))
    assert "Neither side gave figures for the dead or wounded" in article.body_text
    assert "Another post" not in article.body_text
    assert "short summary of that other" not in article.body_text


def test_a_long_story_expanded_by_read_more_links_keeps_its_paragraphs():
    paragraphs = [p for p in STORY.split("\n\n") if p]
    # Each "Read more" expands six more paragraphs: too far apart for a list of teasers.
    more = ["Read more", *(paragraphs[1:] * 2)]
    page = "\n\n".join([paragraphs[0], *more, *more, "Read more", paragraphs[1]])
    article = clean_document(doc(page))
    assert not [r for r in article.removed if r.rule.value == "other-articles"]


def test_two_dated_sections_are_not_a_list_of_other_articles():
    article = clean_document(doc(STORY + teasers(2)))
    assert "another writer's column" in article.body_text


def test_a_live_blog_whose_entries_carry_a_headline_and_a_time_keeps_them():
    entries = numbered(
        "Update {n}: the alliance reports progress near the town\n\n5 January 2024, 1{n}:30\n\n"
        "Fighters said they had reached the outskirts of the town, entry number {n} of the"
        " live coverage.\n\n",
        4,
    )
    article = clean_document(doc(STORY + entries))
    assert article.body_text.count("live coverage") == 4


NOTE = "Nang Seng is a senior reporter for Example News, covering Shan State. @nangseng"


def test_a_note_about_the_writer_below_the_story_is_removed_with_its_reason():
    article = clean_document(doc(STORY + NOTE + "\n\nJane Roe writes about aid and refugees.\n"))
    assert "Neither side gave figures" in article.body_text
    assert NOTE not in article.body_text
    assert "Jane Roe" not in article.body_text
    reasons = {r.reason for r in article.removed if r.rule.value == "author-note"}
    assert reasons == {"a note about the writer, below the story"}


BIO = (
    "Before joining Example News, Nang Seng spent ten years at a radio station in Taunggyi,"
    " and she studied law in Yangon."
)


@pytest.mark.parametrize(
    "heading", ["About Nang Seng", "About the author", "Über den Autor", "Sobre el autor"]
)
def test_a_box_about_the_writer_below_the_story_goes_with_its_heading(heading):
    article = clean_document(doc(STORY + f"{heading}\n\n{BIO}\n"))
    assert "Neither side gave figures" in article.body_text
    assert BIO not in article.body_text
    assert heading not in article.body_text
    assert "a note about the writer, below the story" in {r.reason for r in article.removed}


LASHIO = (
    "Lashio is the largest town in northern Shan State, and the army's regional command has"
    " its headquarters there."
)


ROAD = "The road to the border was reopened on Friday after traders paid the fees asked for."


@pytest.mark.parametrize(
    ("page", "paragraph"),
    [
        # A one-word subject heads a section of the story, not a person's box.
        (STORY + f"About Lashio\n\n{LASHIO}\n", LASHIO),
        # The paragraph under a person's name is not about them.
        (STORY + f"About Nang Seng\n\n{ROAD}\n", ROAD),
        # A section about a person in the story's first half.
        (f"About Nang Seng\n\n{BIO}\n\n" + STORY, BIO),
    ],
)
def test_a_heading_that_only_looks_like_a_writer_box_keeps_its_paragraph(page, paragraph):
    assert paragraph in clean_document(doc(page)).body_text


def test_a_sentence_shaped_like_a_note_inside_the_story_stays():
    # The story is about the reporter: the sentence introduces her, above its last paragraph.
    first, *rest = [p for p in STORY.split("\n\n") if p]
    article = clean_document(doc("\n\n".join(["Reporter held in Lashio", first, NOTE, *rest])))
    assert NOTE in article.body_text
