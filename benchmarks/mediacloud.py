"""The 200 real news pages of 2020 in 30 languages (htmldate-eval's Media Cloud list) through
the whole build, as a reader meets them.

``python -m benchmarks.mediacloud [--evaldata ../shared/evaldata] [--search]`` copies the pages
into a fresh project as saved HTML sources, runs ``build-digest build`` (real MkDocs) and reads
what came out:

* published: sources that became a story or were folded into one (the rest were rejected);
* dated right: the story's date is the page's true publication day (ground truth; the five
  pages with no identifiable date count as right when their story is undated, as htmldate's
  figure below counts them);
* language marked: the story page's ``<html lang>`` agrees with the language the page
  declares, and where the declaration is a template's ``en`` over another language, the
  language of its text (the detector's reading, checked by hand on every such page);
  right to left: Arabic, Persian, Urdu and Hebrew stories set ``dir="rtl"`` on their headline;
* headline right: the story's headline is the page's own (its ``og:title`` or ``<title>``
  contains it, or it contains theirs, site names aside);
* found by a headline word (``--search``, needs Chromium): the headline's longest word
  typed into the search page lists the story among its results.

Also prints htmldate's own exact-day accuracy on the same pages (``extensive_search``,
``original_date``), the library the build's HTML dates come from.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote

from lxml import html as lxml_html

ROOT = Path(__file__).resolve().parent.parent
LIST = "eval_mediacloud_2020.json"
RIGHT_TO_LEFT = {"ar", "fa", "ur", "he", "ps", "yi"}
_HTML_LANG = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3})", re.I)
_TITLE_SPLIT = re.compile(r"\s+[|–—-]\s+|\s+::\s+")


def pages(evaldata: Path) -> dict[str, tuple[str | None, bytes]]:
    """File name -> (true date, raw bytes) for the Media Cloud pages."""
    folder = evaldata / "htmldate-eval"
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    wanted = {v["file"]: v["date"] for v in truth.values() if v["source_list"] == LIST}
    out: dict[str, tuple[str | None, bytes]] = {}
    with tarfile.open(folder / "pages.tar.xz", "r:xz") as tar:
        for member in tar:
            name = member.name.rsplit("/", 1)[-1]
            if member.isfile() and name in wanted and (handle := tar.extractfile(member)):
                out[name] = (wanted[name], handle.read())
    return out


def build(sources: dict[str, bytes], folder: Path) -> tuple[dict, float]:
    """A fresh project with these sources, built by the real command; its catalog and time."""
    for name in ("mkdocs.yml", "taxonomy.yml"):
        shutil.copy(ROOT / name, folder / name)
    shutil.copytree(ROOT / "docs", folder / "docs")
    (folder / "sources").mkdir()
    for name, data in sources.items():
        (folder / "sources" / name).write_bytes(data)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "build_digest.cli", "build", "--no-cache", "--site-dir", "site"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"build failed:\n{done.stderr[-3000:]}")
    return json.loads((folder / "site" / "catalog.json").read_text(encoding="utf-8")), seconds


def page_title(raw: bytes) -> str:
    """The page's own headline: og:title, else <title>."""
    from build_digest.ingest import decode_bytes

    try:
        tree = lxml_html.fromstring(decode_bytes(raw)[0])
    except (ValueError, lxml_html.etree.ParserError):
        return ""
    og = tree.xpath("//meta[@property='og:title']/@content")
    title = og[0] if og else (tree.findtext(".//title") or "")
    return " ".join(title.split())


def same_headline(ours: str, theirs: str) -> bool:
    """Whether two headlines are the same, a site name after a separator aside."""

    def norm(text: str) -> str:
        return " ".join(re.findall(r"\w+", text.casefold()))

    a, b = norm(ours), norm(theirs)
    if not a or not b:
        return False
    parts = [norm(p) for p in _TITLE_SPLIT.split(theirs)] + [b]
    return any(a == p or (len(p) > 10 and (p in a or a in p)) for p in parts if p)


def htmldate_accuracy(items: dict[str, tuple[str | None, bytes]]) -> float:
    from htmldate import find_date

    right = 0
    for gold, raw in items.values():
        found = find_date(raw.decode("utf-8", "replace"), original_date=True, extensive_search=True)
        right += found == gold
    return right / len(items)


MORE_PAGES = 5
"""Result pages (ten stories each) looked through for the story before it counts as not found."""


def search_hits(site: Path, catalog: dict, limit: int | None) -> tuple[int, int]:
    """How many stories the longest word of their headline finds, in Chromium: typed into the
    search page, the story among the first MORE_PAGES pages of results."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    from benchmarks.bench_search import chromium_path, serve

    articles = catalog["articles"][:limit]
    found = asked = 0
    status = ".digest-search__status"
    with serve(site) as url, sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium_path(),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            headless=True,
        )
        page = browser.new_page()
        page.goto(url + "search/", wait_until="networkidle")
        box = page.locator("#digest-search input[type=search]")
        for article in articles:
            words = sorted(re.findall(r"\w{3,}", article["title"]), key=lambda w: (-len(w), w))
            if not words:
                continue
            asked += 1
            box.fill("")
            page.wait_for_function(f"!document.querySelector('{status}').textContent")
            box.fill(words[0])
            try:
                page.wait_for_function(
                    f"document.querySelector('{status}').textContent.includes('stor')",
                    timeout=10000,
                )
                for _ in range(MORE_PAGES):
                    titles = page.locator(".digest-search__result h3").all_inner_texts()
                    if (
                        article["title"] in titles
                        or not page.locator(".digest-search__more").is_visible()
                    ):
                        break
                    count = len(titles)
                    page.locator(".digest-search__more").click()
                    page.wait_for_function(
                        f"document.querySelectorAll('.digest-search__result').length > {count}"
                    )
                found += (
                    article["title"] in page.locator(".digest-search__result h3").all_inner_texts()
                )
            except PlaywrightTimeout:
                pass
        browser.close()
    return found, asked


def measure(evaldata: Path, search: bool = False, limit: int | None = None) -> dict[str, object]:
    """Build the pages into a site and count what a reader gets (see the module's docstring)."""
    items = pages(evaldata)
    with tempfile.TemporaryDirectory(prefix="digest-mediacloud-") as tmp:
        folder = Path(tmp)
        catalog, seconds = build({name: raw for name, (_, raw) in items.items()}, folder)
        site = folder / "site"
        stories = {a["id"]: a for a in catalog["articles"]}
        by_source = {s["path"]: s for s in catalog["sources"]}
        published = dated = headed = declared = marked = rtl_pages = rtl_marked = 0
        for name, (gold, raw) in items.items():
            entry = by_source[name]
            if entry["status"] == "rejected":
                continue
            published += 1
            article = stories[entry["article"]]
            # a page with no identifiable date (null) is right when its story is undated
            dated += article["date"] == gold and article["date_precision"] in ("day", "none")
            if entry["status"] == "published":
                headed += same_headline(article["title"], page_title(raw))
            page = site / unquote(article["url"]) / "index.html"
            tree = lxml_html.fromstring(page.read_bytes())
            shown = (tree.get("lang") or "").split("-")[0]
            m = _HTML_LANG.search(raw[:20000].decode("utf-8", "replace"))
            if m and entry["status"] == "published":
                declared += 1
                own = m.group(1).lower()
                # a template's "en" over another language: the text's language is the truth
                marked += shown == own or (own == "en" and shown == entry["language"].split("-")[0])
            if shown in RIGHT_TO_LEFT and entry["status"] == "published":
                rtl_pages += 1
                h1 = tree.cssselect("article h1")
                rtl_marked += bool(h1) and h1[0].get("dir") == "rtl"
        own_pages = sum(1 for s in catalog["sources"] if s["status"] == "published")
        n = len(items)
        out: dict[str, object] = {
            "pages": n,
            "seconds": round(seconds, 1),
            "stories": len(stories),
            "published": round(published / n, 3),
            "dated": round(dated / n, 3),
            "dated_of_published": round(dated / published, 3),
            "headline": round(headed / own_pages, 3),
            "lang": round(marked / declared, 3),
            "rtl": f"{rtl_marked}/{rtl_pages}",
            "htmldate_alone": round(htmldate_accuracy(items), 3),
            "languages": sorted({a["language"] for a in catalog["articles"]}),
        }
        if search:
            found, asked = search_hits(site, catalog, limit)
            out["found_by_headline_word"] = round(found / asked, 3)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--evaldata", type=Path, default=ROOT.parent / "shared" / "evaldata")
    parser.add_argument("--search", action="store_true", help="also search each headline")
    parser.add_argument("--limit", type=int, default=None, help="search this many stories")
    args = parser.parse_args(argv)
    r = measure(args.evaldata, args.search, args.limit)
    print(f"{r['pages']} pages, built in {r['seconds']} s: {r['stories']} stories")
    print(f"published (or folded): {r['published']}")
    print(f"dated right (true day): {r['dated']}; of the published: {r['dated_of_published']}")
    print(f"headline is the page's own: {r['headline']}")
    print(f"<html lang> right, of pages declaring one: {r['lang']}")
    print(f"right-to-left stories with dir=rtl: {r['rtl']}")
    print(f"htmldate alone, exact day: {r['htmldate_alone']}")
    languages = r["languages"]
    assert isinstance(languages, list)
    print(f"languages: {len(languages)}: {', '.join(languages)}")
    if "found_by_headline_word" in r:
        print(f"found by the longest word of its headline: {r['found_by_headline_word']}")


if __name__ == "__main__":
    main()
