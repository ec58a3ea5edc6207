"""The built site in a real headless Chromium (Debian's package), served from localhost."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from benchmarks.bench_search import chromium_path, index_synthetic, measure_query, serve

from .conftest import build_in_process, make_project

CHROMIUM = chromium_path()
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

if not Path(CHROMIUM).exists():
    # .ci/run installs Chromium and sets DIGEST_REQUIRE_BROWSER, so there a missing browser fails.
    if os.environ.get("DIGEST_REQUIRE_BROWSER"):
        raise RuntimeError("Chromium is required for the browser checks: apt-get install chromium")
    pytest.skip("Chromium not installed (apt-get install chromium)", allow_module_level=True)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site_url(built_site: Path) -> Iterator[str]:
    with serve(built_site) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield browser
        browser.close()


def test_pages_load_without_requests_to_other_hosts(browser, site_url, built_site):
    page = browser.new_page()
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).hostname or ""))
    catalog = json.loads((built_site / "catalog.json").read_text())
    for path in ["", "topics/", "timeline/", catalog["articles"][0]["url"]]:
        page.goto(site_url + path, wait_until="networkidle")
    assert hosts == {"127.0.0.1"}


def test_search_finds_a_story_by_a_place_named_only_in_it(browser, site_url):
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(urlsplit(request.url).path))
    page.goto(site_url + "search/", wait_until="networkidle")
    assert not [
        path for path in requests if "/pagefind/" in path
    ]  # nothing for search before the reader types
    statuses: list[int] = []
    page.on("response", lambda response: statuses.append(response.status))
    page.locator("#digest-search input[type=search]").click()
    page.keyboard.type("Laukkai", delay=30)  # as a reader types
    page.locator(".digest-search__result").first.wait_for(timeout=15000)
    results = page.locator(".digest-search__results").inner_text()
    assert "Negotiations brokered by China" in results and "Laukkai" in results
    assert page.locator(".digest-search__result mark").count() >= 1
    assert page.locator("select[data-filter=topic]").is_visible()
    assert 404 not in statuses


def test_search_filters_narrow_the_results(browser, site_url):
    page = browser.new_page()
    page.goto(site_url + "search/", wait_until="networkidle")
    page.locator("#digest-search input[type=search]").fill("Myanmar")
    page.locator(".digest-search__result").first.wait_for(timeout=15000)
    everything = page.locator(".digest-search__result").count()
    page.locator("select[data-filter=year]").select_option("2023")
    page.wait_for_function(
        "document.querySelector('.digest-search__status').textContent.startsWith('1 ')",
        timeout=15000,
    )
    assert page.locator(".digest-search__result").count() == 1 < everything


SEARCH_BUDGET_AT_1000 = 200 * 1024
"""Bytes (gzip-compressed, as a static host sends them) a first query may cost at 1,000 stories."""
SEARCH_UI_BUDGET = 50 * 1024
"""Bytes a page load may fetch for search: the search UI's own script and style, nothing else."""


def test_first_query_at_a_thousand_stories_stays_within_budget(browser, built_site, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    index_synthetic(site, 1000)  # the shipped site with an index of 1,000 synthetic stories
    with serve(site) as url:
        cost = measure_query(browser, url, "border gate")
    assert cost.results.endswith("stories") and not cost.results.startswith("0 ")
    assert all("/pagefind/" not in path for path in cost.load_requests), cost.load_requests
    assert cost.load_bytes <= SEARCH_UI_BUDGET
    assert cost.query_bytes <= SEARCH_BUDGET_AT_1000, f"{cost.query_bytes / 1024:.1f} KB"


def test_search_results_show_hostile_source_text_as_text(browser, tmp_path):
    # Tags in a text copy are stray markup the cleaner removes; escaped ones are the text a
    # reader saw.
    hostile = (
        "Zyxwv report\n\nThe zyxwv militia wrote &lt;img src=x onerror=window.pwned=1&gt; and"
        " &lt;mark&gt;x&lt;/mark&gt; on a wall in Lashio.\n"
    )
    project = make_project(tmp_path / "project", {"hostile.txt": hostile}, with_seeds=False)
    exit_code, output, _ = build_in_process(project)
    assert exit_code == 0, output
    with serve(project / "out") as url:
        page = browser.new_page()
        page.goto(url + "search/", wait_until="networkidle")
        page.locator("#digest-search input[type=search]").click()
        page.keyboard.type("zyxwv", delay=30)
        page.locator(".digest-search__result").first.wait_for(timeout=15000)
        results = page.locator(".digest-search__results")
        assert results.locator("img, script").count() == 0
        assert "<img src=x onerror=window.pwned=1>" in results.inner_text()
        assert "<mark>x</mark>" in results.inner_text()
        assert [m.lower() for m in results.locator("mark").all_inner_texts()] == ["zyxwv"] * len(
            results.locator("mark").all_inner_texts()
        )
        assert page.evaluate("window.pwned") is None


def test_not_found_page_renders_under_a_project_sub_path(browser, tmp_path):
    """A GitHub project site lives at user.github.io/repo/: its 404 page must load its styles
    from there."""
    project = make_project(tmp_path / "project")
    exit_code, output, _ = build_in_process(project, env={"SITE_URL": "https://example.org/repo/"})
    assert exit_code == 0, output
    with serve(project / "out", prefix="/repo/") as url:
        page = browser.new_page()
        failed: list[str] = []
        page.on(
            "response",
            lambda r: (
                failed.append(r.url) if r.status >= 400 and "/no-such-story/" not in r.url else None
            ),
        )
        response = page.goto(url + "no-such-story/", wait_until="networkidle")
        assert response is not None and response.status == 404
        assert failed == []
        assert page.locator(".md-header").is_visible() and page.locator("article h1").is_visible()
        assert page.locator("link[rel=stylesheet][href*='/repo/assets/']").count() >= 1
        logo = page.locator(".md-header .md-logo").bounding_box()
        assert (
            logo is not None and logo["height"] < 100
        )  # not the full-screen logo of an unstyled page


def test_dark_palette_toggle_switches_the_colour_scheme(browser, site_url):
    page = browser.new_page()
    page.goto(site_url, wait_until="networkidle")
    before = page.locator("body").get_attribute("data-md-color-scheme")
    page.locator("label.md-header__button[for^='__palette']:visible").first.click()
    assert page.locator("body").get_attribute("data-md-color-scheme") != before


ARTIFACTS = Path(
    os.environ.get("DIGEST_ARTIFACT_DIR")
    or Path(__file__).resolve().parent.parent / "test-artifacts"
)
"""Screenshots a reviewer can look at (CI uploads the folder); never committed."""


def test_story_page_opens_with_story_text_on_a_phone(browser, site_url, built_site):
    catalog = json.loads((built_site / "catalog.json").read_text())
    lead = next(
        a for a in catalog["articles"] if len(a["sources"]) == 2
    )  # the archive's lead, two-version story
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(site_url + lead["url"], wait_until="networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= 391
    first = page.locator("article.md-content__inner > p:not([class])").first
    box = first.bounding_box()
    assert box is not None and box["y"] + 40 < 844, "no story text on the first screen"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "story-phone-390x844.png"))


def test_print_view_hides_site_navigation(browser, site_url, built_site):
    catalog = json.loads((built_site / "catalog.json").read_text())
    page = browser.new_page()
    page.goto(site_url + catalog["articles"][0]["url"], wait_until="networkidle")
    page.emulate_media(media="print")
    assert not page.locator(".md-header").is_visible()
    assert page.locator("article h1").is_visible()


def test_offline_site_reads_from_a_folder_and_search_says_it_needs_a_server(browser, tmp_path):
    project = make_project(tmp_path / "project")
    exit_code, output, catalog = build_in_process(project, "--offline")
    assert exit_code == 0, output
    site = (project / "out").resolve()
    page = browser.new_page()
    page.goto((site / "index.html").as_uri())
    story_file = (
        catalog["articles"][0]["url"].rstrip("/") + ".html"
    )  # an offline build names each page's file
    page.locator(f"a[href$='{story_file.split('/')[-1]}']").first.click()
    page.wait_for_load_state()
    assert page.url == (site / story_file).as_uri()
    assert page.locator(".md-header").evaluate("e => getComputedStyle(e).position") in (
        "sticky",
        "fixed",
    )  # styled
    page.goto((site / "search.html").as_uri())
    page.locator("#digest-search input[type=search]").fill("Laukkai")
    page.wait_for_function(
        "document.querySelector('.digest-search__status').textContent.includes('served')",
        timeout=10000,
    )


MULTILINGUAL = Path(__file__).parent / "fixtures" / "multilingual"
WORDS_IN_THEIR_SCRIPT = {
    # a word typed: (the story's file, a phrase its excerpt shows as the source writes it)
    "掸邦": ("zh-kunming-talks.txt", "掸邦北部的冲突"),
    "昆明": ("zh-kunming-talks.txt", "昆明举行和谈"),
    "ชายแดน": ("th-myawaddy-falls.txt", "ชายแดน และ"),
    "แม่สอด": ("th-myawaddy-falls.txt", "อำเภอแม่สอด"),
    "လားရှိုး": ("my-lashio-falls.txt", "လားရှိုးမြို့"),
    "制圧": ("ja-offensive.txt", "制圧"),
    "повстанцы": ("ru-lashio.txt", "повстанцы"),
    "शरणार्थी": ("hi-mizoram-refugees.txt", "शरणार्थी"),
    "راخين": ("ar-rakhine.txt", "راخين"),
    "لائوکای": ("fa-laukkai.txt", "لائوکای"),
}


@pytest.fixture(scope="module")
def multilingual_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict]]:
    sources = {p.name: p.read_bytes() for p in MULTILINGUAL.glob("*.txt")}
    project = make_project(tmp_path_factory.mktemp("multilingual"), sources)
    exit_code, output, catalog = build_in_process(project)
    assert exit_code == 0, output
    with serve(project / "out") as url:
        yield url, catalog


@pytest.mark.parametrize("word", sorted(WORDS_IN_THEIR_SCRIPT))
def test_search_finds_a_story_by_a_word_of_its_own_script(browser, multilingual_site, word):
    url, catalog = multilingual_site
    source, phrase = WORDS_IN_THEIR_SCRIPT[word]
    article = next(a for a in catalog["articles"] if source in a["sources"])
    page = browser.new_page()
    page.goto(url + "search/", wait_until="networkidle")
    page.locator("#digest-search input[type=search]").click()
    page.keyboard.type(word, delay=30)
    first = page.locator(".digest-search__result").first
    first.wait_for(timeout=15000)
    assert first.locator("h3").inner_text() == article["title"]
    assert first.locator("h3").get_attribute("lang") == article["language"]
    excerpt = first.locator("p").last
    assert excerpt.get_attribute("lang") == article["language"]
    # the excerpt reads as the story is written: no spaces the index put between words
    assert phrase in excerpt.inner_text()
    assert first.locator("mark").count() >= 1
    page.close()


def test_search_filters_by_language_across_one_index(browser, multilingual_site):
    url, _ = multilingual_site
    page = browser.new_page()
    page.goto(url + "search/", wait_until="networkidle")
    language = page.locator("select[data-filter=language]")
    assert language.is_visible()
    language.select_option(
        label=next(o for o in language.locator("option").all_inner_texts() if o.startswith("Thai"))
    )
    page.wait_for_function(
        "document.querySelector('.digest-search__status').textContent.startsWith('1 ')",
        timeout=15000,
    )
    assert page.locator(".digest-search__result h3").inner_text().startswith("กองกำลัง")
    assert not page.locator(".digest-search__more").is_visible()  # one story: nothing more
    # an English word then finds the Thai story only within the filter (it names the KNU too)
    page.locator("#digest-search input[type=search]").fill("KNU")
    page.wait_for_function(
        "document.querySelector('.digest-search__status').textContent.startsWith('1 ')",
        timeout=15000,
    )
    page.close()


def test_a_right_to_left_story_reads_right_to_left_on_a_phone(browser, multilingual_site):
    url, catalog = multilingual_site
    article = next(a for a in catalog["articles"] if "ar-rakhine.txt" in a["sources"])
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(url + article["url"], wait_until="networkidle")
    assert page.evaluate("document.documentElement.lang") == "ar"
    headline = page.locator("article h1")
    assert headline.evaluate("e => getComputedStyle(e).direction") == "rtl"
    byline = page.locator("article p.digest-byline")
    assert byline.evaluate("e => e.closest('[lang]').lang") == "en"
    paragraph = page.locator("article p[lang=ar]").first
    box = paragraph.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390  # nothing runs off the screen
    page.close()
