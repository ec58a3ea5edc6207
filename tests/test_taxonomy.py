"""Stage 5 (``taxonomy.py``): the taxonomy file, and what its errors say."""

from __future__ import annotations

import pytest

from build_digest.taxonomy import TaxonomyError, load_taxonomy


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
