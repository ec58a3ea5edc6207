"""Stage 5 (``taxonomy.py``): the taxonomy file, and what its errors say."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from build_digest.dates import ascii_digits
from build_digest.taxonomy import TaxonomyError, _phrase_pattern, load_taxonomy


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


# The phrase patterns try their Latin aliases only where one of their first words starts.
# Whatever the text, that must find exactly what trying every position finds.
_ALIASES = [
    "the regime",
    "Sit-Tat",
    "U.S.",
    "Operation 1027",
    "Ta'ang",
    "Kokang",
    "border trade",
    "1027",
    "#MilkTea",
    "Mong Ko",
    "kyats",
]
_WORDS = [
    *("the", "The", "THE", "regime", "REGİME", "regıme", "sit", "Sit", "Tat", "U", "S", "u"),
    *("operation", "1027", "၁၀၂၇", "Ta", "ang", "TA", "kokang", "\u212aokang", "border"),
    *("trade", "MilkTea", "Mong", "Ko", "kyatſ", "kyats", "_", "é", "ကိုးကန့်", "x", "2"),
]
_BETWEEN = ["", " ", "  ", "\n", "-", " - ", ".", "'", "#", ". "]


@given(
    st.lists(st.tuples(st.sampled_from(_WORDS), st.sampled_from(_BETWEEN)), max_size=30),
    st.sets(st.sampled_from(_ALIASES)),
)
@example([("50", " "), ("kyatſ", ".")], {"kyats"})
@example([("the", " "), ("regıme", "")], {"the regime"})
@settings(max_examples=500, deadline=None)
def test_phrases_are_found_where_a_scan_of_every_position_finds_them(words, aliases):
    pattern = _phrase_pattern(sorted(aliases) or ["kokang"])
    text = ascii_digits("".join(word + between for word, between in words))
    everywhere = [m.span() for m in pattern.latin.finditer(text)]
    assert [m.span() for m in pattern.finditer(text) if m.re is pattern.latin] == everywhere


def test_an_alias_that_starts_with_a_sign_or_beyond_ascii_is_tried_at_every_position():
    assert _phrase_pattern(["#MilkTea", "kokang"]).alias_words is None
    assert _phrase_pattern(["Étienne", "kokang"]).alias_words is None
    assert _phrase_pattern(["Mong Ko", "kokang"]).alias_words is not None
