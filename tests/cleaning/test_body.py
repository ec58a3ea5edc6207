"""Steps 8 and 9 (``cleaning/body.py``, ``cleaning/lines.py``): the main-body window and what
reads as prose."""

from __future__ import annotations

import pytest

from build_digest.cleaning import clean_document, is_prose

from .common import doc

TAG_CLOUD = " ".join(
    f"{topic} {place}"
    for topic in ("Health", "Roads", "Schools", "Water", "Markets", "Transport", "Police")
    for place in ("Lashio", "Muse", "Hsenwi", "Kutkai")
)


def test_a_tag_cloud_run_into_one_line_does_not_take_the_storys_place():
    # A sidebar's 56 topics copied as one line outweighed a one-paragraph story below it.
    menu = "".join(f"Section {n}\n" for n in range(1, 30))
    story = (
        "The health office in Lashio said on Friday that its mobile clinic had been broken"
        " into overnight, and that medicines and a generator had been taken from the van"
        " parked outside the hospital; the clinic will resume its visits on Monday."
    )
    page = f"Clinic van broken into\n\n{menu}\n{TAG_CLOUD}\n\n{menu}\n{story}\n\nShare\n"
    article = clean_document(doc(page))
    assert story in article.body_text
    assert TAG_CLOUD not in article.body_text


@pytest.mark.parametrize(
    ("line", "prose"),
    [
        (TAG_CLOUD, False),
        # The same words with one comma are a (long) sentence.
        (TAG_CLOUD.replace("Muse ", "Muse, ", 1), True),
        # A Thai paragraph parts its sentences with spaces, not marks.
        (" ".join(["ทหารถอนกำลังออกจากเมือง"] * 45), True),
    ],
)
def test_a_long_line_without_a_sentence_mark_is_not_prose(line, prose):
    assert is_prose(line) is prose
