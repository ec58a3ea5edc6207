"""Step 12 (``cleaning/repeats.py``): repeated text."""

from __future__ import annotations

from build_digest.cleaning import clean_document
from build_digest.models import Role

from .common import STORY, doc


def test_the_story_run_together_again_as_one_line_is_removed_and_its_paragraphs_stay():
    paragraphs = [p for p in STORY.split("\n\n") if p]
    page = STORY + "Share this story\n\n" + " ".join(paragraphs) + "\n"
    article = clean_document(doc(page))
    body = [b.text for b in article.blocks if b.role is Role.PARAGRAPH]
    assert body == paragraphs
    (copy,) = [r for r in article.removed if r.rule.value == "repeated-text"]
    assert copy.text == " ".join(paragraphs)
    assert copy.reason.startswith("a copy of text the page already shows")


def test_a_line_printed_again_by_design_is_kept_every_time():
    question = "What do you cook for yourself on a weekday evening when nobody else is home?"
    answers = [
        "Rice and fish curry, the way my grandmother made it in Mandalay, with plenty of lime.",
        "Usually noodles, because they are quick, and I am tired after the night shift at work.",
        "Whatever is left from lunch, warmed up, and a pot of green tea to finish the evening.",
    ]
    page = STORY + "".join(f"{question}\n\n{answer}\n\n" for answer in answers)
    article = clean_document(doc(page))
    assert article.body_text.count(question) == 3
    assert not [r for r in article.removed if r.rule.value == "repeated-text"]


def test_a_line_printed_again_right_below_keeps_only_its_first_copy():
    caption = "Displaced families wait for food at a monastery near Lashio on Tuesday morning."
    paragraphs = [p for p in STORY.split("\n\n") if p]
    page = "\n\n".join([paragraphs[0], caption, caption, "Image 1 of 8", caption, *paragraphs[1:]])
    article = clean_document(doc(page))
    assert article.body_text.count(caption) == 1
    assert [r.rule.value for r in article.removed if r.text == caption] == ["repeated-text"] * 2


def test_a_list_item_repeated_further_down_by_design_is_kept_every_time():
    # A meal plan or an itinerary names the same item on two days: both copies are the story.
    item = (
        "Breakfast: two soft-boiled eggs, one cup of asparagus and half a cup of sweet potato,"
        " with a glass of water"
    )
    paragraphs = [p for p in STORY.split("\n\n") if p]
    page = "\n\n".join([paragraphs[0], "Day 1", item, *paragraphs[1:3], "Day 2", item])
    article = clean_document(doc(page))
    assert article.body_text.count(item) == 2
