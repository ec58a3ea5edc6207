"""Step 1 (``cleaning/markup.py``): stray HTML."""

from __future__ import annotations

from build_digest.cleaning import clean_document

from .common import doc


def test_stray_html_entities_scripts_and_tags_are_removed_or_decoded():
    a = clean_document(
        doc(
            "Headline here\n\n<script>var x = 1;\nalert('x')</script>\n<!-- a comment"
            " -->\n<p>Fighting spread to Lashio &amp; Hsenwi,&nbsp;residents said on Monday, as"
            " rebels advanced.</p>\n\nAdvertisement\n\nShare on Facebook\n"
        )
    )
    assert (
        a.body_text
        == "Fighting spread to Lashio & Hsenwi, residents said on Monday, as rebels advanced."
    )
    assert {r.reason for r in a.removed} >= {
        "HTML script/style block",
        "HTML comment",
        "site chrome phrase",
    }
