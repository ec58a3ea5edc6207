"""The pieces every generated page is made of: escaping, links, pagination, related coverage."""

from __future__ import annotations

import datetime as dt
import html
import posixpath
import re
import zlib
from collections import Counter
from pathlib import Path

import markdown
from hypothesis import given
from hypothesis import strategies as st

from build_digest import pagination
from build_digest.dedupe import dedupe
from build_digest.models import (
    Dated,
    DatePrecision,
    Label,
    LabelKind,
    SourceDocument,
    SourceKind,
    TaggedStory,
)
from build_digest.pagination import Entry, paginate
from build_digest.relate import related_stories
from build_digest.render import md_text, rel, safe_url
from build_digest.text import visible
from build_digest.urls import entity_slugs

from .conftest import versions_of

# The Markdown extensions of the shipped mkdocs.yml: each gives more characters a meaning.
EXTENSIONS = ["admonition", "attr_list", "tables", "toc", "pymdownx.details"]


def rendered_text(source: str) -> str:
    """What a reader sees of a line of Markdown: the HTML's text, entities decoded."""
    out = markdown.markdown(source, extensions=EXTENSIONS)
    return html.unescape(re.sub(r"<[^>]+>", "", out)).strip()


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80))
def test_escaped_source_text_renders_as_exactly_its_characters(text):
    expected = " ".join(visible(text).split())
    assert rendered_text(md_text(text)) == expected


def test_markdown_syntax_in_source_text_never_becomes_markup():
    hostile = "# Title **bold** [link](javascript:alert(1)) <script>x</script> ??? note ~~s~~ ==m=="
    out = markdown.markdown(md_text(hostile), extensions=EXTENSIONS)
    assert "<script" not in out and "<a " not in out and "<strong" not in out
    assert "<h1" not in out and "<details" not in out


def test_only_web_addresses_become_links():
    assert safe_url("https://example.org/a b") == "https://example.org/a%20b"
    assert safe_url("http://example.org/?q=1&x=2") == "http://example.org/?q=1&x=2"
    for unsafe in (
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "data:text/html,x",
        "/local",
        "",
        None,
    ):
        assert safe_url(unsafe) is None


segments = st.lists(
    st.sampled_from(["a", "b", "stories", "topics", "2024"]), min_size=0, max_size=3
)


@given(
    segments,
    segments,
    st.sampled_from(["x.md", "index.md", "2.md"]),
    st.sampled_from(["y.md", "index.md"]),
)
def test_relative_links_match_posixpath(target_dirs, current_dirs, target_name, current_name):
    target = "/".join([*target_dirs, target_name])
    current = "/".join([*current_dirs, current_name])
    assert rel(target, current) == posixpath.relpath(target, posixpath.dirname(current) or ".")


def _listing(numbers: range | list[int]) -> list[Entry]:
    """Stories ``numbers``, newest first, story n dated n // 10 days into March."""
    return [
        Entry(f"s{n}", f"- [Story {n}](../stories/s{n}.md)", None, dt.date(2024, 3, 1 + n // 10))
        for n in sorted(numbers, reverse=True)
    ]


def test_a_long_listing_shows_its_newest_and_links_pages_that_hold_every_entry():
    pages = paginate("topics/border.md", "Border", "About the border.", _listing(range(60)), 10)
    first = pages.pop("topics/border.md")
    assert first.count("[Story") == 10 and "[Story 59](../stories/s59.md)" in first
    assert "## All 60 stories, page by page" in first
    later = sorted(pages, key=lambda path: first.index(path.removeprefix("topics/")))
    shown = [int(n) for page in later for n in re.findall(r"\[Story (\d+)\]", pages[page])]
    assert shown == sorted(range(60), reverse=True)  # each once, newest first
    assert all(path.startswith("topics/border/2024-03-") for path in later), later
    # a later page sits one folder deeper: its links climb one more level
    assert "[Story 0](../../stories/s0.md)" in pages[later[-1]]
    assert "[Border: all pages](../border.md)" in pages[later[-1]]


def test_a_story_added_at_the_top_of_a_listing_leaves_its_older_pages_as_they_were():
    before = paginate("topics/border.md", "Border", "", _listing(range(200)), 10)
    after = paginate("topics/border.md", "Border", "", _listing(range(201)), 10)
    changed = {path for path in after if before.get(path) != after[path]}
    assert len(after) > 10
    # the first page, the newest later page and the link to it from the one before
    assert len(changed) <= 3 and "topics/border.md" in changed


def test_a_story_leaving_the_middle_of_a_listing_changes_only_the_pages_near_it():
    before = paginate("topics/border.md", "Border", "", _listing(range(200)), 10)
    after = paginate(
        "topics/border.md", "Border", "", _listing([*range(100), *range(101, 200)]), 10
    )
    changed = {path for path in after if before.get(path) != after[path]}
    # the first page lists every page; then the story's page and the links to it
    assert len(changed) <= 4, sorted(changed)


def test_an_entity_named_like_a_listing_page_gets_a_page_of_its_own():
    """Entity pages share their folder with their kind's listing, whose later pages are named by
    a day and a hash: an entity whose name slugs to that shape must not take one's place."""
    names = {
        "1f0c9a7e": LabelKind.PERSON,
        "2024-03-02-1f0c9a7e": LabelKind.PERSON,
        "42": LabelKind.PERSON,
    }
    slugs = entity_slugs(names, Counter(list(names)))
    assert all(slug != name and slug.startswith(f"{name}-") for name, slug in slugs.items())


def test_later_pages_whose_short_names_collide_are_named_by_the_whole_hash(monkeypatch):
    # every key's hash starting with the same eight digits: the short names all collide
    same_start = lambda key: (0xABCDEF12 << 32) | zlib.crc32(key.encode())  # noqa: E731
    monkeypatch.setattr(pagination, "key_hash", same_start)
    entries = [Entry(f"p{n}", f"- P{n}") for n in range(500)]
    pages = paginate("entities/people.md", "People", "", entries, 10)
    later = [page for name, page in pages.items() if name != "entities/people.md"]
    assert len(later) > 2 and sum(page.count("- P") for page in later) == 500


def _story(path: str, text: str, entities: tuple[str, ...], day: int) -> TaggedStory:
    (story,) = dedupe(
        versions_of([SourceDocument(path, path.ljust(64, "0"), text, "utf-8", SourceKind.TEXT)])
    )
    labels = tuple(
        Label(name.lower().replace(" ", "-"), name, LabelKind.PLACE, ()) for name in entities
    )
    date = Dated(dt.date(2024, 1, day), DatePrecision.DAY, "test")
    return TaggedStory(story, date, (), labels)


def test_related_coverage_prefers_a_rare_shared_name_and_ignores_a_name_on_every_story():
    body = (
        "Traders waited at the crossing for a second day as officials gave no word on trade.\n\n"
        * 3
    )
    stories = [
        _story("a.txt", "Crossing shut at Chinshwehaw\n\n" + body, ("Chinshwehaw", "Myanmar"), 1),
        _story("b.txt", "Chinshwehaw gate stays closed\n\n" + body, ("Chinshwehaw", "Myanmar"), 2),
        _story(
            "c.txt", "Rains flood Yangon streets\n\nHeavy rain flooded streets.\n", ("Myanmar",), 2
        ),
        _story("d.txt", "Fuel prices rise in Mandalay\n\nPrices rose again.\n", ("Myanmar",), 3),
    ]
    tagged = stories
    related = related_stories(tagged, count=5, max_df=2)  # "Myanmar" is on all four
    a, b = tagged[0].story.id, tagged[1].story.id
    assert related[a] == (b,) and related[b] == (a,)
    assert related[tagged[2].story.id] == ()


def test_shortlist_cosines_are_those_of_each_pair_alone(seed_result, monkeypatch):
    """Each block of stories is multiplied only by its shortlists' stories: every cosine is
    still the one the two texts give alone, in the shortlist's order."""
    import numpy as np

    from build_digest import relate

    prints = {t.story.id: t.story.main_version.fingerprint for t in seed_result.stories}
    ids = sorted(prints)
    texts = relate.TextVectors(ids, prints)
    shortlists = {sid: [o for o in reversed(ids) if o != sid][:3] for sid in ids}
    monkeypatch.setattr(relate, "COSINE_BLOCK", 2)  # several blocks, the last one short
    cosines = texts.shortlist_cosines(shortlists)
    for sid, others in shortlists.items():
        row = texts.matrix[texts.row[sid]]
        alone = [float((row @ texts.matrix[texts.row[o]].T).toarray()[0, 0]) for o in others]
        assert np.allclose(cosines[sid], alone, rtol=0, atol=1e-12)


def test_listings_made_from_the_cached_entries_equal_those_made_afresh(seed_result):
    """A rebuild takes each unchanged story's listing entries from the cache (``ListedStory``,
    with its page's parts): the topic, entity and month pages made from them are the ones the
    listings make from the stories themselves."""
    from build_digest.listings import archive_pages, entity_pages, listed_story, topic_pages
    from build_digest.render import chronological
    from build_digest.taxonomy import load_taxonomy

    taxonomy = load_taxonomy(Path(__file__).resolve().parent.parent / "taxonomy.yml")
    timeline = chronological(seed_result.stories)
    listed = {t.story.id: listed_story(t) for t in timeline}
    assert any(made.mentions for made in listed.values())
    assert topic_pages(timeline, taxonomy, 2, listed) == topic_pages(timeline, taxonomy, 2)
    assert entity_pages(timeline, 2, listed) == entity_pages(timeline, 2)
    assert archive_pages(timeline, 2, listed) == archive_pages(timeline, 2)


def test_a_topics_and_a_names_page_list_undated_stories_after_the_dated_ones(seed_result):
    """Newest first means the dated stories newest first: an undated story (the shipped
    "Rebel alliance gains ground") is listed after them, under its own heading, not above
    the newest report."""
    from build_digest.listings import entity_pages, topic_pages
    from build_digest.models import Undated
    from build_digest.render import chronological
    from build_digest.taxonomy import load_taxonomy

    taxonomy = load_taxonomy(Path(__file__).resolve().parent.parent / "taxonomy.yml")
    timeline = chronological(seed_result.stories)
    undated = [t for t in timeline if isinstance(t.date, Undated)]
    assert undated, "the shipped sources have an undated story"
    lone = undated[0]
    pages = {**topic_pages(timeline, taxonomy, 50), **entity_pages(timeline, 50)}
    listing_pages = [
        page for page in pages.values() if lone.story.main.title in page and "## " in page
    ]
    assert listing_pages
    for page in listing_pages:
        headings = re.findall(r"^## (.+)$", page, flags=re.M)
        assert headings[-1] == "Undated" and headings.count("Undated") == 1, headings
