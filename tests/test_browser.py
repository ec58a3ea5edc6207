"""The built site in a real headless Chromium (Debian's package), served from localhost."""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = os.environ.get("DIGEST_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]

if not Path(CHROMIUM).exists():
    # .ci/run installs Chromium and sets DIGEST_REQUIRE_BROWSER, so there a missing browser fails.
    if os.environ.get("DIGEST_REQUIRE_BROWSER"):
        raise RuntimeError("Chromium is required for the browser checks: apt-get install chromium")
    pytest.skip("Chromium not installed (apt-get install chromium)", allow_module_level=True)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site_url(built_site: Path) -> Iterator[str]:
    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    handler = functools.partial(QuietHandler, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


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
    assert not [path for path in requests if "/pagefind/" in path]  # nothing for search before the reader types
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
    page.wait_for_function("document.querySelector('.digest-search__status').textContent.startsWith('1 ')", timeout=15000)
    assert page.locator(".digest-search__result").count() == 1 < everything


def test_dark_palette_toggle_switches_the_colour_scheme(browser, site_url):
    page = browser.new_page()
    page.goto(site_url, wait_until="networkidle")
    before = page.locator("body").get_attribute("data-md-color-scheme")
    page.locator("label.md-header__button[for^='__palette']:visible").first.click()
    assert page.locator("body").get_attribute("data-md-color-scheme") != before


def test_story_page_fits_a_phone_screen(browser, site_url, built_site):
    catalog = json.loads((built_site / "catalog.json").read_text())
    page = browser.new_page(viewport={"width": 375, "height": 740})
    page.goto(site_url + catalog["articles"][0]["url"], wait_until="networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= 376
    page.screenshot(path=str(built_site.parent / "phone.png"))


def test_print_view_hides_site_navigation(browser, site_url, built_site):
    catalog = json.loads((built_site / "catalog.json").read_text())
    page = browser.new_page()
    page.goto(site_url + catalog["articles"][0]["url"], wait_until="networkidle")
    page.emulate_media(media="print")
    assert not page.locator(".md-header").is_visible()
    assert page.locator("article h1").is_visible()
