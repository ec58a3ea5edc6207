"""Step 7 (``cleaning/labels.py``): furniture labelled, not dropped."""

from __future__ import annotations

import pytest

from build_digest.cleaning import clean_document
from build_digest.models import Role

from .common import STORY, doc, roles


@pytest.mark.parametrize(
    "caption",
    [
        "Displaced families wait near Lashio, Myanmar, Tuesday, Nov. 14, 2023. (AP Photo/Stringer)",
        "Smoke rises over the town after the attack on Monday. © Reuters / Stringer",
        "Soldiers of the alliance stand guard at a checkpoint near the border. Photo: AFP",
        "A damaged bridge on the road to the border town, seen from a hill (Image: GETTY )",
    ],
)
def test_a_caption_that_ends_with_its_credit_is_a_caption_not_a_paragraph(caption):
    article = clean_document(doc(STORY + caption + "\n\n" + STORY.split("\n\n")[0] + "\n"))
    assert roles(article, Role.CAPTION) == [caption]
    assert caption not in article.body_text
