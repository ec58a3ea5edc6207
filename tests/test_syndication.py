"""Feeds and share metadata, read back from real builds as a feed reader and a link preview
would."""

from __future__ import annotations

import json
import re
from pathlib import Path

import feedparser
import pytest

from .conftest import build_in_process, make_project

SITE_URL = "https://example.org/digest/"


def build(project: Path, env: dict[str, str] | None = None) -> dict:
    code, output, catalog = build_in_process(project, "--strict", env=env)
    assert code == 0, output
    return catalog


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """The shipped archive built as the Pages workflow builds it: with SITE_URL set."""
    project = make_project(tmp_path_factory.mktemp("published"))
    return project / "out", build(project, {"SITE_URL": SITE_URL})


def test_the_archive_feed_holds_every_story_dated_to_the_day_newest_first(published):
    site, catalog = published
    feed = feedparser.parse((site / "feeds" / "all.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    expected = sorted(
        (a for a in catalog["articles"] if a["date_precision"] == "day"),
        key=lambda a: (a["date"], a["id"]),
        reverse=True,
    )
    assert [e.link for e in feed.entries] == [SITE_URL + a["url"] for a in expected]
    for entry, article in zip(feed.entries, expected, strict=True):
        assert entry.title == article["title"]
        assert entry.published.startswith(article["date"])
        assert {tag.term for tag in entry.tags} == set(article["topics"])
    assert feed.feed.links[0].href == SITE_URL + "feeds/all.xml"


def test_every_topic_has_a_feed_of_its_own_stories(published):
    site, catalog = published
    for topic_feed in (site / "feeds" / "topics").glob("*.xml"):
        slug = topic_feed.stem
        feed = feedparser.parse(topic_feed.read_bytes())
        assert not feed.bozo, (slug, feed.bozo_exception)
        members = {
            SITE_URL + a["url"]
            for a in catalog["articles"]
            if slug in a["topics"] and a["date_precision"] == "day"
        }
        assert {e.link for e in feed.entries} == members
    assert (site / "feeds" / "topics" / "ceasefire.xml").is_file()


def test_pages_announce_their_feeds_and_home_and_topic_pages_link_them_visibly(published):
    site, _ = published
    home = (site / "index.html").read_text()
    assert re.search(
        r'<link rel="alternate" type="application/atom\+xml"[^>]+href="feeds/all.xml"', home
    )
    assert 'href="feeds/all.xml">Atom feed of all stories</a>' in home
    topic = (site / "topics" / "ceasefire" / "index.html").read_text()
    assert 'href="../../feeds/topics/ceasefire.xml"' in topic
    assert topic.count("application/atom+xml") == 2


def test_story_pages_carry_share_and_structured_metadata(published):
    site, catalog = published
    article = next(a for a in catalog["articles"] if a["date_precision"] == "day")
    page = (site / article["url"] / "index.html").read_text()
    assert f'<link rel="canonical" href="{SITE_URL}{article["url"]}">' in page
    assert f'<meta property="og:url" content="{SITE_URL}{article["url"]}">' in page
    assert '<meta property="og:type" content="article">' in page
    assert f'<meta property="article:published_time" content="{article["date"]}">' in page
    assert f'<time datetime="{article["date"]}">' in page
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    )
    assert (
        data["@type"] == "NewsArticle"
        and data["headline"] == article["title"]
        and data["datePublished"] == article["date"]
    )
    description = re.search(r'<meta property="og:description" content="([^"]*)"', page).group(1)
    assert (
        "Published" not in description and len(description) > 40
    )  # the lead, not the metadata box


def test_undated_and_month_dated_stories_claim_no_day(published):
    site, catalog = published
    for article in catalog["articles"]:
        if article["date_precision"] != "day":
            page = (site / article["url"] / "index.html").read_text()
            assert "article:published_time" not in page and "datePublished" not in page


def test_hostile_metadata_is_text_in_feeds_share_tags_and_json_ld(tmp_path):
    hostile = (
        '---\ntitle: "</script><script>alert(1)</script> & \\"quoted\\""\ndate: 2024-01-05\noutlet:'
        ' "<img src=x onerror=alert(1)>"\n---\n'
    )
    body = (
        "Rebels said on Sunday they had taken the town of Hopang after a week of fighting in the"
        " north of Shan State, residents said.\n"
    )
    project = make_project(tmp_path, {"h.md": hostile + body}, with_seeds=False)
    catalog = build(project, {"SITE_URL": SITE_URL})
    page = (project / "out" / catalog["articles"][0]["url"] / "index.html").read_text()
    assert "<script>alert" not in page and "<img src=x" not in page
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    )
    assert data["headline"] == '</script><script>alert(1)</script> & "quoted"'
    assert data["publisher"]["name"] == "<img src=x onerror=alert(1)>"
    feed = feedparser.parse((project / "out" / "feeds" / "all.xml").read_bytes())
    assert feed.entries[0].title == '</script><script>alert(1)</script> & "quoted"'
    assert "<script>" not in (project / "out" / "feeds" / "all.xml").read_text()


def test_without_site_url_feed_links_are_relative_to_the_feed(tmp_path):
    project = make_project(tmp_path)
    catalog = build(project, {"SITE_URL": ""})
    feed = feedparser.parse((project / "out" / "feeds" / "all.xml").read_bytes())
    dated = [a for a in catalog["articles"] if a["date_precision"] == "day"]
    assert [e.link for e in feed.entries] == [f"../{a['url']}" for a in dated]
