"""The archive as a reader meets it: the shipped sources plus the reader set (wire copy,
untitled pastes, photo credits, tricky names), built with the real MkDocs and read as HTML."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import lxml.html
import pytest

from .conftest import build_in_process, make_project

READER_SET = Path(__file__).parent / "fixtures" / "reader-set" / "sources"
MAX_LINKS_BEFORE_STORY = 12


@pytest.fixture(scope="module")
def reader_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    sources = {path.name: path.read_bytes() for path in sorted(READER_SET.glob("*.txt"))}
    project = make_project(tmp_path_factory.mktemp("reader"), sources)
    exit_code, output, catalog = build_in_process(project, "--strict")
    assert exit_code == 0, output
    return project / "out", catalog


def story(catalog: dict, source: str) -> dict:
    return next(a for a in catalog["articles"] if source in a["sources"])


def page(site: Path, article: dict) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((site / article["url"] / "index.html").read_bytes())


def test_story_text_comes_before_any_long_list_of_links(reader_site):
    site, catalog = reader_site
    for article in catalog["articles"]:
        content = page(site, article).cssselect("article.md-content__inner")[0]
        first = next(
            p for p in content.iter("p") if not p.get("class") and p.text_content().strip()
        )
        before = [
            a
            for a in content.iter("a")
            if a.sourceline < first.sourceline
            or (a.sourceline == first.sourceline and a in first.itersiblings(preceding=True))
        ]
        links = [a for a in before if "headerlink" not in (a.get("class") or "")]
        assert len(links) <= MAX_LINKS_BEFORE_STORY, (article["id"], len(links))
        assert not [
            ul
            for ul in content.iter("ul", "ol")
            if ul.sourceline < first.sourceline and len(ul.findall(".//a")) > MAX_LINKS_BEFORE_STORY
        ]


def test_provenance_is_collapsed_at_the_end_and_left_out_of_print(reader_site):
    site, catalog = reader_site
    content = page(site, story(catalog, "003_cc3d00d2144fce69.txt")).cssselect(
        "article.md-content__inner"
    )[0]
    about = content.cssselect("details.digest-about")
    assert len(about) == 1 and about[0].get("open") is None
    assert (
        "Why these topics" in about[0].text_content() and "Source file" in about[0].text_content()
    )
    assert about[0] is content.cssselect("details")[-1]
    css = (site / "assets" / "digest.css").read_text()
    assert ".digest-about" in css.split("@media print", 1)[1]


def test_untitled_sources_get_a_whole_clause_as_headline(reader_site):
    site, catalog = reader_site
    seed = story(catalog, "004_ab6189689cb6cc35.txt")
    assert (
        seed["title"]
        == "Negotiations brokered by China have resulted in a ceasefire between the ruling military"
        " and a rebel coalition in northern Myanmar"
    )
    assert seed["title_source"] == "derived"
    envoy = story(catalog, "r16-china-envoy.txt")
    assert (
        envoy["title"]
        == "China's special envoy Deng Xijun met Myanmar's junta leader Min Aung Hlaing in"
        " Naypyidaw on Tuesday"
    )
    for article in catalog["articles"]:
        assert ("…" not in article["title"] and len(article["title"].split()) <= 20) or article[
            "title_source"
        ] != "derived"
    assert "derived from the text" in page(site, seed).text_content()
    assert {
        story(catalog, "r04-refugees-mizoram.txt")["title_source"],
        story(catalog, "002_70b53750419f7713.txt")["title_source"],
    } == {"stated", "first line"}


def test_wire_dateline_gives_place_date_and_agency_and_leaves_headline_and_lead(reader_site):
    site, catalog = reader_site
    lashio = story(catalog, "r01-wire-lashio.txt")
    assert (
        lashio["title"]
        == "Myanmar's military carried out air strikes near the northern town of Lashio on Friday"
    )
    assert lashio["outlet"] == "Reuters"
    assert (lashio["date"], lashio["date_precision"]) == (
        "2023-12-15",
        "day",
    )  # Dec 15 was a Friday in 2023, not 2022 or 2024
    assert "weekday" in lashio["date_source"]
    yangon = story(catalog, "r02-wire-yangon-ceasefire.txt")
    assert yangon["outlet"] == "AP" and not yangon["title"].startswith("YANGON")
    html = page(site, lashio)
    first = next(p for p in html.cssselect("article.md-content__inner p") if not p.get("class"))
    assert first.text_content().startswith("Myanmar's military carried out air strikes")
    assert "(Reporting by Reuters Staff; Editing by Martin Petty)" in " ".join(
        p.text_content() for p in html.cssselect("p.digest-attribution")
    )


def test_names_are_whole_and_of_the_right_kind(reader_site):
    _, catalog = reader_site
    entities = {a["sources"][0]: set(a["entities"]) for a in catalog["articles"]}
    assert (
        "bay-of-bengal" in entities["r09-rakhine-arakan.txt"]
        and not {"bay-of", "bengal"} & entities["r09-rakhine-arakan.txt"]
    )
    assert "united-states-institute-of-peace" in entities["r03-untitled-us-policy.txt"]
    assert "biden" not in entities["r03-untitled-us-policy.txt"]  # "the Biden administration"
    assert (
        "united-states" not in entities["r11-earthquake.txt"]
    )  # only "United States Geological Survey"
    assert (
        "lashio" in entities["r01-wire-lashio.txt"]
        and "martin-petty" not in entities["r01-wire-lashio.txt"]
    )


def test_town_and_dateline_place_are_places_not_people_or_organisations(reader_site):
    site, _ = reader_site
    assert (site / "entities" / "places" / "mae-sot" / "index.html").exists()
    assert not (site / "entities" / "people" / "mae-sot" / "index.html").exists()
    assert not (site / "entities" / "organisations" / "yangon" / "index.html").exists()
    assert not (site / "entities" / "organisations" / "lashio" / "index.html").exists()


def test_topics_discriminate(reader_site):
    _, catalog = reader_site
    topic_sets = [set(a["topics"]) for a in catalog["articles"]]
    assert len(topic_sets) > 10
    assert all(len(topics) <= 5 for topics in topic_sets)
    assert not set.intersection(*topic_sets)  # no topic on every story
    assert story(catalog, "r11-earthquake.txt")["topics"] == []


def test_listings_show_date_outlet_excerpt_and_versions(reader_site):
    site, _ = reader_site
    timeline = lxml.html.fromstring((site / "timeline" / "index.html").read_bytes())
    items = [li for li in timeline.cssselect("article li") if li.cssselect(".digest-meta")]
    assert len(items) >= 20
    lashio = next(
        li.text_content()
        for li in items
        if "air strikes near the northern town of Lashio" in li.text_content()
    )
    assert (
        "15 December 2023 · Reuters" in lashio and "Three Brotherhood Alliance" in lashio
    )  # the excerpt: the next paragraph
    merged = next(
        li.text_content() for li in items if "Rebel alliance gains ground" in li.text_content()
    )
    assert "2 versions" in merged


def test_timeline_chart_is_valid_svg_with_a_text_alternative(reader_site):
    site, _ = reader_site
    html = (site / "timeline" / "index.html").read_text(encoding="utf-8")
    chart = html.index('<figure class="digest-chart">')
    svg_text = html[html.index("<svg", chart) : html.index("</svg>", chart) + len("</svg>")]
    svg = ET.fromstring(svg_text)
    ns = "{http://www.w3.org/2000/svg}"
    assert (
        svg.get("role") == "img"
        and svg.find(f"{ns}title") is not None
        and svg.find(f"{ns}desc") is not None
    )
    assert len(svg.findall(f"{ns}rect")) >= 5
    assert "The chart as a table" in html


def test_month_pages_link_to_the_months_either_side(reader_site):
    site, _ = reader_site
    december = lxml.html.fromstring((site / "archive" / "2023-12" / "index.html").read_bytes())
    links = {a.text_content() for a in december.cssselect("article a")}
    assert {"November 2023", "January 2024"} <= links


def test_entity_page_quotes_the_sentence_and_names_companions(reader_site):
    site, _ = reader_site
    text = lxml.html.fromstring(
        (site / "entities" / "places" / "laukkai" / "index.html").read_bytes()
    ).text_content()
    assert "Often named with it" in text
    assert (
        "The Chinshwehaw crossing near Laukkai, another important trading outpost, has been closed"
        " since the fighting began." in text
    )
