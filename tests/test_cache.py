"""The persistent cache: a warm or partly emptied cache gives the same site as none at all."""

from __future__ import annotations

import dataclasses
import gc
import pickle
import sqlite3
import weakref
from pathlib import Path

import pytest

from build_digest.cache import ARRAYS_SUFFIX, FILE_NAME, clear, record_key
from build_digest.entities import clear_entity_cache
from build_digest.pipeline import StageTimer, run_pipeline, settle
from build_digest.settings import DigestSettings
from build_digest.terms import TERMS_KIND

from .conftest import ROOT, build_in_process, make_project, run_cli


def cached_settings(project: Path, cache: Path) -> DigestSettings:
    """The project's own sources and taxonomy, with the persistent cache in ``cache``."""
    return DigestSettings(
        sources_dir=project / "sources", taxonomy=project / "taxonomy.yml", cache_dir=cache
    )


def build(settings: DigestSettings):
    clear_entity_cache()  # a new process: only the persistent cache survives
    result = run_pipeline(settings)
    return result, (result.pages, result.fragments, result.catalog)


def test_cold_warm_and_half_cached_builds_are_identical(tmp_path):
    project = make_project(tmp_path / "project")
    settings = cached_settings(project, tmp_path / "cache")
    _, uncached = build(dataclasses.replace(settings, cache_dir=None))
    cold, cold_output = build(settings)
    assert cold.cache_hits == 0 and cold.cache_lookups > 0
    warm, warm_output = build(settings)
    assert warm.cache_hits == warm.cache_lookups
    with sqlite3.connect(tmp_path / "cache" / FILE_NAME) as db:
        db.execute("DELETE FROM entries WHERE rowid % 2 = 0")
    half, half_output = build(settings)
    assert 0 < half.cache_hits < half.cache_lookups
    assert uncached == cold_output == warm_output == half_output


def test_a_damaged_file_of_term_counts_is_counted_again_with_a_warning(tmp_path, caplog):
    project = make_project(tmp_path / "project")
    settings = cached_settings(project, tmp_path / "cache")
    _, first = build(settings)
    stored = tmp_path / "cache" / f"{TERMS_KIND}{ARRAYS_SUFFIX}"
    assert stored.is_file()
    stored.write_bytes(b"PK\x03\x04 not a whole zip")
    _, again = build(settings)
    assert again == first and "unreadable" in caplog.text
    assert clear(tmp_path / "cache") and not stored.exists()


def test_the_term_counts_are_written_again_only_when_a_story_s_terms_changed(tmp_path):
    project = make_project(tmp_path / "project")
    settings = cached_settings(project, tmp_path / "cache")
    build(settings)
    stored = tmp_path / "cache" / f"{TERMS_KIND}{ARRAYS_SUFFIX}"
    written = stored.stat().st_mtime_ns
    build(settings)
    assert stored.stat().st_mtime_ns == written
    (project / "sources" / "added.txt").write_text("Lashio talks\n\nTalks on Lashio resumed.\n")
    build(settings)
    assert stored.stat().st_mtime_ns != written


def test_entries_of_another_code_version_are_misses_not_errors(tmp_path):
    project = make_project(tmp_path / "project")
    settings = cached_settings(project, tmp_path / "cache")
    _, first = build(settings)
    with sqlite3.connect(tmp_path / "cache" / FILE_NAME) as db:
        db.execute("UPDATE entries SET version = 'written by another release', value = '{not json'")
    result, again = build(settings)
    assert result.cache_hits == 0 and again == first
    with sqlite3.connect(
        tmp_path / "cache" / FILE_NAME
    ) as db:  # this version's key, a value of another shape
        db.execute("UPDATE entries SET value = '[1, 2, {\"x\": 3}]'")
    _, shapeless = build(settings)
    assert shapeless == first


def test_a_date_read_before_the_day_it_states_is_read_again_on_that_day(tmp_path):
    """A source's date past the day it is read on is not taken: the cached reading of an
    earlier day must not outlive that day."""
    import datetime as dt

    source = "Title: Truce talks resume\nDate: 2024-03-05\n\nTalks resumed in Kunming on Tuesday."
    project = make_project(tmp_path / "project", {"talks.txt": source}, with_seeds=False)
    settings = cached_settings(project, tmp_path / "cache")
    clear_entity_cache()
    before = run_pipeline(settings, today=dt.date(2024, 3, 1))
    clear_entity_cache()
    after = run_pipeline(settings, today=dt.date(2024, 3, 9))
    (early,), (late,) = before.stories, after.stories
    assert early.date.precision == "none" and late.date.value == dt.date(2024, 3, 5)


def test_a_corrupt_cache_is_set_aside_with_a_warning(tmp_path, caplog):
    project = make_project(tmp_path / "project")
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / FILE_NAME).write_bytes(b"this is not a database" * 100)
    settings = DigestSettings(
        sources_dir=project / "sources",
        taxonomy=ROOT / "taxonomy.yml",
        cache_dir=tmp_path / "cache",
    )
    result, _ = build(settings)
    assert len(result.stories) == 4
    assert "unreadable" in caplog.text and (tmp_path / "cache" / f"{FILE_NAME}.corrupt").exists()


def test_no_cache_option_and_cache_clear_command(tmp_path):
    project = make_project(tmp_path / "project")
    exit_code, output, _ = build_in_process(project, "--no-cache")
    assert exit_code == 0, output
    assert not (project / ".cache").exists() and "from the cache" not in output
    exit_code, output, _ = build_in_process(project)
    assert exit_code == 0 and "came from the cache" in output
    assert (project / ".cache" / "digest" / FILE_NAME).exists()
    assert (project / ".cache" / "digest" / "search-pages").is_dir()
    cleared = run_cli(project, "cache", "clear")
    assert cleared.returncode == 0 and "Cache cleared" in cleared.stdout
    assert not (project / ".cache" / "digest" / FILE_NAME).exists()
    assert not (project / ".cache" / "digest" / "search-pages").exists()


def test_a_changed_taxonomy_retags_stories_from_a_warm_cache(tmp_path):
    project = make_project(tmp_path / "project")
    settings = cached_settings(project, tmp_path / "cache")
    build(settings)
    text = (project / "taxonomy.yml").read_text(encoding="utf-8")
    added = (
        "topics:\n  harbour-news:\n    name: Harbour news\n    aliases: [Myanmar, junta, Laukkai]\n"
    )
    (project / "taxonomy.yml").write_text(text.replace("topics:\n", added, 1), encoding="utf-8")
    warm, warm_output = build(settings)
    _, uncached = build(dataclasses.replace(settings, cache_dir=None))
    assert warm_output == uncached
    assert any(label.slug == "harbour-news" for t in warm.stories for label in t.topics)


def test_a_build_that_fails_after_the_digest_ran_leaves_no_search_scratch(tmp_path, caplog):
    project = make_project(tmp_path / "project")
    (project / "docs" / "search.md").write_text(
        "# A hand-written page where the digest writes its search page\n", encoding="utf-8"
    )
    code, _, _ = build_in_process(project)
    assert code != 0 and "docs/search.md is hand-written" in caplog.text
    assert not list(project.glob(".digest-search-*")) and not (project / "out").exists()


def test_a_cached_cleaning_is_redone_when_its_lines_start_recurring_elsewhere(tmp_path):
    """Corpus chrome: a short line in three sources is removed from all of them. A cached
    cleaning of the first two must not survive the third source's arrival."""
    story = (
        "{title}\n\nMyanmar Border Desk\n\n{body} residents said on {day}, as traders waited at the"
        " crossing for news of the talks.\n"
    )
    days = ("Monday", "Tuesday", "Wednesday")
    texts = [
        story.format(
            title=f"Report {n} from the border", body=f"Shops in town {n} stayed shut,", day=d
        )
        for n, d in enumerate(days)
    ]
    project = make_project(tmp_path / "project", {"a.txt": texts[0], "b.txt": texts[1]}, False)
    settings = cached_settings(project, tmp_path / "cache")
    build(settings)
    (project / "sources" / "c.txt").write_text(texts[2], encoding="utf-8")
    warm, warm_output = build(settings)
    _, uncached = build(dataclasses.replace(settings, cache_dir=None))
    assert warm_output == uncached
    removed = [r.reason for t in warm.stories for r in t.story.main.removed]
    assert removed.count("recurs in 3 sources (corpus chrome)") == 3


def test_a_source_whose_fingerprint_fails_is_rejected_and_retried_next_build(tmp_path, monkeypatch):
    """Fault injection: a bug in one source's fingerprint rejects that source alone, with the
    error, and no failure is cached (the next build, with the bug fixed, publishes it)."""
    import build_digest.pipeline as pipeline

    real = pipeline.fingerprint

    def broken_on_seed_003(article):
        if article.source.path.startswith("003_"):
            raise ValueError("injected")
        return real(article)

    project = make_project(tmp_path / "project")
    settings = cached_settings(project, tmp_path / "cache")
    monkeypatch.setattr(pipeline, "fingerprint", broken_on_seed_003)
    broken, _ = build(settings)
    (rejection,) = broken.rejections
    assert rejection.path.startswith("003_")
    assert rejection.reason == ("failed in the date and fingerprint stage (ValueError: injected)")
    assert len(broken.stories) == 3
    monkeypatch.setattr(pipeline, "fingerprint", real)
    fixed, _ = build(settings)
    assert not fixed.rejections and len(fixed.stories) == 4


def test_two_builds_of_the_same_sources_give_the_same_site_byte_for_byte(tmp_path):
    # the search index included: Pagefind writes its filters in hash-map order, which the
    # build puts in a stable one (search.in_stable_order)
    from .conftest import cli

    project = make_project(tmp_path / "p")
    first = cli(project, "build", "--site-dir", "one")
    second = cli(project, "build", "--site-dir", "two", "--no-cache")
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr

    def files(root: Path) -> dict[str, bytes]:
        return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}

    one, two = files(project / "one"), files(project / "two")
    assert sorted(one) == sorted(two)
    assert [name for name in one if one[name] != two[name]] == []
    assert any(name.startswith("pagefind/filter/") for name in one)


def test_search_records_reach_the_index_before_events_figures_and_pages(tmp_path):
    """The search index is written beside the later stages, not after them: it is handed the
    final records (the topics of related coverage included) before events, figures and pages
    run."""
    project = make_project(tmp_path / "project")
    timer = StageTimer()
    handed: list[tuple[tuple, list[str]]] = []

    def on_records(records: tuple) -> None:
        handed.append((records, list(timer.seconds)))

    result = run_pipeline(
        cached_settings(project, tmp_path / "cache"), timer=timer, on_records=on_records
    )
    assert len(handed) == 1
    records, stages_done = handed[0]
    assert records == result.search_records and records
    assert "topics of related coverage" in stages_done
    assert not {"events", "figures", "pages"} & set(stages_done)


def test_the_index_gets_the_stories_text_before_their_topics_are_learned(tmp_path):
    """Pagefind reads the stories' drafts while the topics are learned: their text and
    metadata as the final records have them, no filters, a sort by URL; the final records'
    text is the drafts' and equals records made afresh from the finished stories."""
    from build_digest.search import PAGE_SORT, page_key, search_records

    project = make_project(tmp_path / "project")
    timer = StageTimer()
    handed: list[tuple[tuple, list[str]]] = []
    result = run_pipeline(
        cached_settings(project, tmp_path / "cache"),
        timer=timer,
        on_drafts=lambda drafts: handed.append((drafts, list(timer.seconds))),
    )
    assert len(handed) == 1
    drafts, stages_done = handed[0]
    assert "translations" in stages_done and "learned topics" not in stages_done
    assert result.search_records == search_records(result.stories)
    assert [(d.url, d.content) for d in drafts] == [
        (r.url, r.content) for r in result.search_records
    ]
    assert all(d.filters == {} and d.sort == {PAGE_SORT: page_key(d.url)} for d in drafts)
    assert sum(d.meta == r.meta for d, r in zip(drafts, result.search_records, strict=True)) > 0


def test_a_record_key_changes_with_any_field_but_not_with_set_order_or_derived_fields(tmp_path):
    project = make_project(tmp_path / "project")
    result, _ = build(cached_settings(project, tmp_path / "cache"))
    story = max(result.stories, key=lambda t: len(t.topics) + len(t.entities))
    key = record_key(story)
    assert record_key(pickle.loads(pickle.dumps(story))) == key  # new objects, same values
    first = story.topics[0]
    retold = dataclasses.replace(first, evidence=(*first.evidence, "one more"))
    assert record_key(dataclasses.replace(story, topics=(retold, *story.topics[1:]))) != key
    assert record_key(frozenset(f"w{n}" for n in range(50))) == record_key(
        frozenset(f"w{n}" for n in reversed(range(50)))
    )
    main = story.story.main_version
    recounted = dataclasses.replace(main.fingerprint, exact="another digest")
    moved = dataclasses.replace(
        story.story, main_version=dataclasses.replace(main, fingerprint=recounted)
    )
    assert record_key(dataclasses.replace(story, story=moved)) == key  # computed from the text
    with pytest.raises(TypeError):
        record_key(object())


def test_story_pages_made_from_cached_parts_equal_pages_made_afresh(tmp_path):
    project = make_project(tmp_path / "project")
    settings = cached_settings(project, tmp_path / "cache")
    cold, cold_output = build(settings)
    with sqlite3.connect(tmp_path / "cache" / FILE_NAME) as db:
        kept = db.execute("SELECT COUNT(*) FROM entries WHERE kind = 'story page'").fetchone()
    assert kept == (len(cold.stories),)
    assert any(t.story.others for t in cold.stories)  # "Other versions" is one of the parts
    _, warm_output = build(settings)
    _, uncached = build(dataclasses.replace(settings, cache_dir=None))
    assert warm_output == cold_output == uncached


def test_a_stage_s_garbage_is_collected_and_what_lives_is_given_back_to_the_collector(tmp_path):
    """Between stages the living objects are set aside from collections (``settle``): a
    reference cycle dropped before is collected first, never set aside for good; when the
    pipeline returns, and after a whole build (whose render and publishing are timed as
    stages too), nothing is left frozen: ``mkdocs serve`` builds again in one process."""

    class Node:
        other: object = None

    a, b = Node(), Node()
    a.other, b.other = b, a  # a cycle only the collector frees
    dropped = weakref.ref(a)
    del a, b
    try:
        settle()
        assert dropped() is None and gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
    project = make_project(tmp_path / "project")
    seen: list[int] = []
    run_pipeline(
        cached_settings(project, tmp_path / "cache"),
        on_records=lambda records: seen.append(gc.get_freeze_count()),
    )
    assert seen and seen[0] > 0
    assert gc.get_freeze_count() == 0
    exit_code, output, _ = build_in_process(project)
    assert exit_code == 0, output
    assert gc.get_freeze_count() == 0
