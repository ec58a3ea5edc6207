"""Step 6 (``cleaning/headline.py``): the headline."""

from __future__ import annotations

from build_digest.cleaning import clean_document

from .common import doc


def test_a_short_first_paragraph_ending_in_a_quote_is_body_not_title():
    a = clean_document(
        doc(
            "“We will not give up the town,” a rebel commander told reporters in Laukkai on"
            " Sunday.”\n\nFighting went on for a third week, residents said."
        )
    )
    assert a.body_text.startswith("“We will not give up the town,”")
