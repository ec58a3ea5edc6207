"""Stage 4 (``dedupe.py``): copies, near copies and rewrites fold into one story; distinct
stories stay apart."""

from __future__ import annotations

import datetime as dt

from build_digest.dedupe import dedupe
from build_digest.models import Dated, DatePrecision, SourceDocument, SourceKind

from .conftest import ROOT, make_project, pipeline_for, story_of, versions_of

SEED_000 = (ROOT / "sources" / "000_6963635469b22089.txt").read_text(encoding="utf-8")


def test_seed_rewrite_001_folds_into_000_with_its_evidence(seed_result):
    story = story_of(seed_result, "000_6963635469b22089.txt").story
    assert [a.source.path for a in story.articles] == [
        "000_6963635469b22089.txt",
        "001_516d2f6b9d0fef85.txt",
    ]
    reason = story.others[0].reason
    assert reason.startswith("rewrite of the same report")
    assert "40%" in reason and "50000" in reason


def test_seeds_003_and_004_on_the_same_subject_stay_two_stories(seed_result):
    assert (
        story_of(seed_result, "003_cc3d00d2144fce69.txt").story.id
        != story_of(seed_result, "004_ab6189689cb6cc35.txt").story.id
    )
    assert len(seed_result.stories) == 4


def test_exact_copy_with_other_chrome_encoding_and_line_endings_is_folded(tmp_path):
    copy = (
        "Most Popular\n\nHome > News > Asia\n\n"
        + SEED_000.replace("Similar Articles", "Related Topics")
    ).replace("\n", "\r\n")
    project = make_project(tmp_path, {"wire/copy.txt": copy.encode("cp1252", errors="replace")})
    story = story_of(pipeline_for(project), "wire/copy.txt").story
    assert story.main.source.path in {"000_6963635469b22089.txt", "wire/copy.txt"}
    reasons = {v.version.article.source.path: v.reason for v in story.others}
    assert len(story.articles) == 3
    assert any("exact copy" in r or "near copy" in r for r in reasons.values())


def test_near_copy_with_a_new_lead_and_a_cut_paragraph_is_folded():
    paragraphs = [p for p in SEED_000.split("\n\n") if len(p.split()) > 12]
    edited = [
        "BANGKOK (Wire) - A new opening paragraph written by another desk for its readers today.",
        *paragraphs[:10],
        *paragraphs[11:],
    ]
    docs = [
        SourceDocument("a.txt", "a" * 64, "\n\n".join(paragraphs), "utf-8", SourceKind.TEXT),
        SourceDocument("b.txt", "b" * 64, "\n\n".join(edited), "utf-8", SourceKind.TEXT),
    ]
    stories = dedupe(versions_of(docs))
    assert len(stories) == 1
    assert stories[0].others[0].reason.startswith(("near copy", "exact copy"))


def test_rewrites_dated_far_apart_are_not_folded():
    seed_001 = (ROOT / "sources" / "001_516d2f6b9d0fef85.txt").read_text(encoding="utf-8")
    docs = [
        SourceDocument("a.txt", "a" * 64, SEED_000, "utf-8", SourceKind.TEXT),
        SourceDocument("b.txt", "b" * 64, seed_001, "utf-8", SourceKind.TEXT),
    ]
    close = [
        Dated(dt.date(2023, 11, 10), DatePrecision.DAY, "test"),
        Dated(dt.date(2023, 11, 12), DatePrecision.DAY, "test"),
    ]
    far = [
        Dated(dt.date(2023, 11, 10), DatePrecision.DAY, "test"),
        Dated(dt.date(2024, 6, 1), DatePrecision.DAY, "test"),
    ]
    assert len(dedupe(versions_of(docs, close))) == 1
    assert len(dedupe(versions_of(docs, far))) == 2


def test_main_version_is_the_fullest_text(seed_result):
    story = story_of(seed_result, "001_516d2f6b9d0fef85.txt").story
    assert story.main.word_count >= max(a.word_count for a in story.articles)


def test_a_sentence_corresponds_when_any_sentence_of_the_other_text_matches_it():
    from build_digest.dedupe import sentence_alignment

    sentence = frozenset(f"w{k}" for k in range(12))
    # Four long sentences share five words each (5/12 < half) and one short sentence
    # shares four of its six words: only the short one corresponds.
    long_ones = [
        frozenset({*(f"w{k}" for k in range(5)), *(f"x{n}_{k}" for k in range(25))})
        for n in range(4)
    ]
    short_one = frozenset({"w5", "w6", "w7", "w8", "y1", "y2"})
    assert sentence_alignment([sentence], [*long_ones, short_one, frozenset({"z"})]) == 1.0


def test_cached_shingles_come_back_sorted_and_unique_however_they_were_stored():
    """A cached fingerprint's shingles are taken as stored when sorted and unique (as the
    cache writes them), and sorted and made unique when not (a value written otherwise)."""
    import base64

    import numpy as np

    from build_digest.dedupe import fingerprint_from_json, fingerprint_to_json, shingle_bytes

    [version] = versions_of([SourceDocument("a.txt", "a" * 64, SEED_000, "utf-8", SourceKind.TEXT)])
    fp = version.fingerprint
    stored = fingerprint_to_json(fp)
    assert fingerprint_from_json(stored).shingles == fp.shingles
    hashes = np.frombuffer(fp.shingles, dtype=np.uint64)
    jumbled = np.concatenate([hashes[::-1], hashes[:3]])  # out of order, three twice
    stored["shingles"] = base64.b64encode(jumbled.tobytes()).decode("ascii")
    assert fingerprint_from_json(stored).shingles == fp.shingles == shingle_bytes(jumbled.tolist())


def test_a_near_copy_is_found_alike_from_the_cached_signature_or_from_the_shingles():
    """The MinHash signature made with the fingerprint (and cached with it) is the one folding
    would make from the shingles: the same pairs either way, and through the cache's JSON."""
    import dataclasses

    import numpy as np

    from build_digest.dedupe import (
        DedupeConfig,
        fingerprint_from_json,
        fingerprint_to_json,
        minhash_values,
        near_copies,
    )

    paragraphs = [p for p in SEED_000.split("\n\n") if len(p.split()) > 12]
    docs = [
        SourceDocument("a.txt", "a" * 64, "\n\n".join(paragraphs), "utf-8", SourceKind.TEXT),
        SourceDocument("b.txt", "b" * 64, "\n\n".join(paragraphs[1:]), "utf-8", SourceKind.TEXT),
    ]
    prints = [v.fingerprint for v in versions_of(docs)]
    config = DedupeConfig()
    made = np.frombuffer(prints[0].minhash, dtype=minhash_values(b"", config.num_perm).dtype)
    assert np.array_equal(made, minhash_values(prints[0].shingles, config.num_perm))
    stored = [fingerprint_from_json(fingerprint_to_json(fp)) for fp in prints]
    unsigned = [dataclasses.replace(fp, minhash=b"") for fp in prints]
    found = near_copies(prints, config)
    assert list(found) == [(0, 1)]
    assert near_copies(stored, config) == found == near_copies(unsigned, config)
    assert near_copies(prints, dataclasses.replace(config, num_perm=64)).keys() == found.keys()


def test_lsh_candidates_are_the_pairs_datasketch_proposes_one_query_at_a_time():
    """The band-at-a-time candidates equal those of inserting each signature into
    datasketch's ``MinHashLSH`` after querying it, duplicated and near rows included."""
    import numpy as np
    from datasketch import MinHash, MinHashLSH

    from build_digest.dedupe import DedupeConfig, lsh_candidates

    config = DedupeConfig()
    rng = np.random.default_rng(7)
    dtype = MinHash(num_perm=config.num_perm).hashvalues.dtype
    signatures = rng.integers(0, 40, size=(300, config.num_perm)).astype(dtype)
    signatures[50] = signatures[10]  # a copy
    signatures[90, :60] = signatures[20, :60]  # a text sharing some bands with another
    lsh = MinHashLSH(threshold=config.lsh_threshold, num_perm=config.num_perm)
    expected = []
    for i, row in enumerate(signatures):
        mh = MinHash(num_perm=config.num_perm)
        mh.hashvalues = row
        expected += [(j, i) for j in sorted(lsh.query(mh))]
        lsh.insert(i, mh)
    found = lsh_candidates(signatures, config)
    assert (10, 50) in found and (20, 90) in found
    assert found == expected


def test_a_fingerprints_sentences_come_back_alike_from_the_cache():
    from build_digest.dedupe import fingerprint_from_json, fingerprint_to_json

    texts = [SEED_000, "Too short.", "One two three four five six words here but no more."]
    docs = [
        SourceDocument(f"{n}.txt", f"{n}" * 64, text, "utf-8", SourceKind.TEXT)
        for n, text in enumerate(texts)
    ]
    for version in versions_of(docs):
        fp = version.fingerprint
        again = fingerprint_from_json(fingerprint_to_json(fp))
        assert again == fp and again.sentences == fp.sentences
    assert versions_of(docs[:1])[0].fingerprint.sentences  # the seed has sentences to align


def test_folding_with_cached_alignments_folds_alike_and_aligns_no_pair_again(tmp_path):
    """A rebuild takes each compared pair's alignment from the cache: the same stories, and
    no sentences decoded for a pair seen before."""
    from build_digest.cache import DigestCache

    seed_001 = (ROOT / "sources" / "001_516d2f6b9d0fef85.txt").read_text(encoding="utf-8")
    docs = [
        SourceDocument("a.txt", "a" * 64, SEED_000, "utf-8", SourceKind.TEXT),
        SourceDocument("b.txt", "b" * 64, seed_001, "utf-8", SourceKind.TEXT),
    ]

    def folded(cache: DigestCache | None) -> list[tuple[str, list[str]]]:
        stories = dedupe(versions_of(docs), cache=cache)
        return [(s.main.source.path, [v.reason for v in s.others]) for s in stories]

    fresh = folded(None)
    first = DigestCache(tmp_path / "cache")
    assert folded(first) == fresh and first.misses["alignment"] == 1
    again = DigestCache(tmp_path / "cache")
    versions = versions_of(docs)
    assert [
        (s.main.source.path, [v.reason for v in s.others]) for s in dedupe(versions, cache=again)
    ] == fresh
    assert again.hits["alignment"] == 1 and again.misses["alignment"] == 0
    assert not any("sentences" in vars(v.fingerprint) for v in versions)  # never decoded
