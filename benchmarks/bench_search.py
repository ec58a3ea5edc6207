"""Benchmark of the reader's search in a real browser: what a first query costs at scale.

``python -m benchmarks.bench_search --stories 1000 10000`` builds the shipped site once,
then for each size replaces its search index with one of that many synthetic stories
(seed vocabulary, names, topics, outlets and dates spread over two years; 30 % of them in
the multilingual fixtures' languages, cut into words as the build cuts them) and opens the
search page in headless Chromium, served from localhost with gzip as a static host
serves it. It types each query as a person types it and reports, per size and query:

* what the search page fetched for search before anyone typed (only the UI script);
* the bytes transferred (gzip-compressed, headers included) for the first query;
* the seconds from the last keystroke to the first result on screen;
* the seconds Pagefind took to write the index.

Chromium is Debian's package (``DIGEST_CHROMIUM`` or ``chromium`` on the PATH), driven
by Playwright (installed with the test extras).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import gzip
import http.server
import os
import random
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from benchmarks.bench import ROOT, synthetic_story, vocabulary
from build_digest.models import SearchRecord
from build_digest.search import INDEX_FOLDER, write_records

COMPRESSED_TYPES = (".html", ".js", ".css", ".json", ".xml", ".svg", ".txt", ".map")
"""What a static host (GitHub Pages, nginx's gzip_types) compresses; Pagefind's own index
files are already gzip-compressed on disk and are sent as they are."""

OUTLETS = [
    "Reuters",
    "AP",
    "AFP",
    "The Irrawaddy",
    "Myanmar Now",
    "Frontier Myanmar",
    "Mizzima",
    "BBC",
    "Al Jazeera",
    "Nikkei Asia",
    "RFA",
    "VOA",
    "DVB",
    "The Diplomat",
    "Global Times",
    "Xinhua",
]
TOPICS = [
    "Operation 1027",
    "Brotherhood Alliance",
    "Ceasefire talks",
    "China–Myanmar relations",
    "Displacement",
    "Junta",
]
TOPICS += ["Scam centres", "Border trade", "Resistance", "International response", "Russia–Myanmar"]
DEFAULT_QUERIES = ["Laukkai", "border gate", "停火", "แม่สอด", "လားရှိုး"]
FIRST_RESULT_TIMEOUT_MS = 30_000
KEYSTROKE_MS = 120
"""Time between keystrokes: a quick typist, so Pagefind's debounce runs one search at the end."""


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """A static host: the site under ``prefix``, directory URLs serve index.html, text is
    sent gzip-compressed, and a missing page gets the site's 404.html (as GitHub Pages does)."""

    prefix = "/"

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        url_path = unquote(urlsplit(self.path).path)
        if not url_path.startswith(self.prefix):
            self.send_body(404, b"not found", "text/plain")
            return
        path = Path(self.translate_path("/" + url_path[len(self.prefix) :]))
        if path.is_dir():
            if not url_path.endswith("/"):
                self.send_response(301)
                self.send_header("Location", url_path + "/")
                self.end_headers()
                return
            path = path / "index.html"
        if not path.is_file():
            not_found = Path(self.directory) / "404.html"
            self.send_body(
                404, not_found.read_bytes() if not_found.is_file() else b"not found", "text/html"
            )
            return
        self.send_body(200, path.read_bytes(), self.guess_type(str(path)), path.suffix)

    def send_body(self, status: int, body: bytes, content_type: str, suffix: str = ".html") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if suffix in COMPRESSED_TYPES and "gzip" in self.headers.get("Accept-Encoding", ""):
            body = gzip.compress(body, compresslevel=6, mtime=0)
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def serve(folder: Path, prefix: str = "/") -> Iterator[str]:
    """Serve ``folder`` on localhost under ``prefix`` (a sub-path, as a GitHub project site is)."""
    prefix = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"
    handler = type("Handler", (GzipHandler,), {"prefix": prefix})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(folder))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()


MULTILINGUAL_SHARE = 0.3
"""Share of the synthetic stories in other languages than English: an archive of this war is
as much Burmese, Chinese and Thai as English."""
MULTILINGUAL = ROOT / "tests" / "fixtures" / "multilingual"
EVALDATA = ROOT.parent / "shared" / "evaldata"


def real_texts(evaldata: Path = EVALDATA) -> dict[str, list[str]]:
    """Primary language -> the texts of the Media Cloud pages in it (real news of 2020), when
    ``../shared/evaldata`` is there: a real vocabulary, with its rare words, for the synthetic
    stories in that language."""
    from build_digest.ingest import RejectedSource, decode_bytes, extract_html
    from build_digest.language import detect_language

    from .mediacloud import pages

    if not (evaldata / "htmldate-eval").is_dir():
        return {}
    out: dict[str, list[str]] = {}
    for _, raw in pages(evaldata).values():
        try:
            body, _ = extract_html(decode_bytes(raw)[0])
        except RejectedSource:
            continue
        out.setdefault(detect_language(body).primary, []).append(body)
    return out


def other_vocabularies() -> dict[str, tuple[str, list[str], list[str]]]:
    """Per fixture language: (its name, its words as ICU cuts them, the names in it).

    The words are the fixture's and those of the real pages in that language
    (``real_texts``). Names are the taxonomy's aliases in that language's script, kept out of
    the words: as in the English stories, each story names its own place, so a name is in a
    share of the stories, not in every one."""
    import yaml

    from build_digest.language import detect_language
    from build_digest.segment import icu_words

    taxonomy = yaml.safe_load((ROOT / "taxonomy.yml").read_text(encoding="utf-8"))
    aliases = {a for e in taxonomy["entities"] for a in e.get("aliases") or []}
    real = real_texts()
    out: dict[str, tuple[str, list[str], list[str]]] = {}
    for path in sorted(MULTILINGUAL.glob("*.txt")):
        text = path.read_text(encoding="utf-8").split("---")[-1]
        tag = detect_language(text)
        if tag.primary == "en":
            continue
        names = sorted(a for a in aliases if a in text and not a.isascii())
        words = [
            w
            for w in icu_words("\n".join([text, *real.get(tag.primary, [])]))
            if w.strip() and any(c.isalnum() for c in w) and not any(w in n for n in names)
        ]
        out[tag.code] = (tag.name, words, names or [words[0]])
    return out


def _other_story(
    rng: random.Random, vocabulary: list[str], names: list[str], spaced: bool
) -> tuple[str, list[str]]:
    """A headline and paragraphs of the fixture language's words in a new order, each sentence
    naming the story's place, as ``bench.synthetic_story`` writes the English ones."""
    joiner = " " if spaced else ""
    place = rng.choice(names)

    def sentence() -> str:
        return joiner.join([*(rng.choice(vocabulary) for _ in range(rng.randint(12, 26))), place])

    title = joiner.join([*(rng.choice(vocabulary) for _ in range(rng.randint(4, 8))), place])
    paragraphs = [
        joiner.join(sentence() for _ in range(rng.randint(1, 3))) for _ in range(rng.randint(6, 14))
    ]
    return title, paragraphs


def synthetic_records(count: int, seed: int = 1027) -> list[SearchRecord]:
    """``count`` stories as the index sees them, with the spread of metadata a real archive has,
    MULTILINGUAL_SHARE of them in the fixtures' other languages, cut for the index as the
    build cuts them (``search.search_record``)."""
    from build_digest.segment import spaced_words
    from build_digest.text import is_unspaced

    rng = random.Random(seed)
    words = vocabulary()
    others = other_vocabularies()
    start = dt.date(2023, 1, 1)
    records = []
    for n in range(count):
        language, name = "en", "English"
        if rng.random() < MULTILINGUAL_SHARE:
            language = rng.choice(sorted(others))
            name, vocab, names = others[language]
            spaced = not is_unspaced(vocab[0] + vocab[1])
            title, paragraphs = _other_story(rng, vocab, names, spaced)
        else:
            title, paragraphs = synthetic_story(rng, words, n)
        day = start + dt.timedelta(days=rng.randrange(730))
        outlet = rng.choice(OUTLETS)
        topics = rng.sample(TOPICS, rng.randint(1, 4))
        meta = {"title": title, "date": day.strftime("%-d %B %Y"), "outlet": outlet}
        meta["lang"] = language
        filters = {
            "topic": topics,
            "language": [name],
            "outlet": [outlet],
            "year": [str(day.year)],
            "month": [day.strftime("%Y-%m")],
        }
        url = f"stories/synthetic-{n:06d}/"
        content = "\n\n".join(spaced_words(part) for part in [title, *paragraphs])
        records.append(SearchRecord(url, content, meta, filters, {"date": day.isoformat()}))
    return records


@dataclass(frozen=True)
class QueryCost:
    query: str
    load_requests: list[str]
    """Paths fetched for search while the search page loaded, before typing."""
    load_bytes: int
    query_bytes: int
    query_requests: int
    seconds_to_first_result: float
    results: str


class SearchTimeout(AssertionError):
    """The search page showed no result in time; the message carries its status and console."""


def chromium_path() -> str:
    return os.environ.get("DIGEST_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


def transferred(response) -> int:
    """Bytes on the wire for one response: headers plus the (compressed) body."""
    sizes = response.request.sizes()
    return int(sizes["responseHeadersSize"]) + int(sizes["responseBodySize"])


def measure_query(browser, base_url: str, query: str) -> QueryCost:
    """Open the search page in a fresh context (cold cache) and type ``query`` once."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    context = browser.new_context()
    page = context.new_page()
    responses: list = []
    console: list[str] = []
    page.on("requestfinished", lambda request: responses.append(request.response()))
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: console.append(f"page error: {error}"))
    page.goto(base_url + "search/", wait_until="networkidle")
    at_load = [r for r in responses if r is not None and _is_search(r.url)]
    responses.clear()
    page.locator("#digest-search input[type=search]").click()
    page.keyboard.type(query, delay=KEYSTROKE_MS)
    typed = time.perf_counter()
    try:
        page.locator(".digest-search__result").first.wait_for(timeout=FIRST_RESULT_TIMEOUT_MS)
    except PlaywrightTimeout as exc:  # say what the page said, not only that it was slow
        status = page.locator(".digest-search__status").inner_text()
        context.close()
        raise SearchTimeout(
            f"no result for {query!r} after {FIRST_RESULT_TIMEOUT_MS / 1000:.0f} s; status"
            f" {status!r}; console: {console}"
        ) from exc
    seconds = time.perf_counter() - typed
    page.wait_for_load_state("networkidle")
    status = page.locator(".digest-search__status").inner_text()
    done = [r for r in responses if r is not None]
    cost = QueryCost(
        query,
        [urlsplit(r.url).path for r in at_load],
        sum(transferred(r) for r in at_load),
        sum(transferred(r) for r in done),
        len(done),
        seconds,
        status,
    )
    context.close()
    return cost


def _is_search(url: str) -> bool:
    path = urlsplit(url).path
    return f"/{INDEX_FOLDER}/" in path or "digest-search" in path


def build_shipped_site(site_dir: Path) -> None:
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    mkdocs_build(load_config(str(ROOT / "mkdocs.yml"), site_dir=str(site_dir)))


def index_synthetic(site_dir: Path, count: int) -> float:
    """Replace the site's search index with ``count`` synthetic stories; seconds taken."""
    shutil.rmtree(site_dir / INDEX_FOLDER, ignore_errors=True)
    records = synthetic_records(count)
    start = time.perf_counter()
    write_records(records, site_dir / INDEX_FOLDER)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--stories", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--queries", nargs="+", default=DEFAULT_QUERIES)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="digest-bench-search-") as tmp:
        site = Path(tmp) / "site"
        build_shipped_site(site)
        print(
            "stories  index s  query          at load (search)        first query    requests "
            " first result  results"
        )
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=chromium_path(),
                headless=True,
                args=["--no-sandbox", "--disable-gpu"],
            )
            for count in args.stories:
                seconds = index_synthetic(site, count)
                with serve(site) as url:
                    for query in args.queries:
                        c = measure_query(browser, url, query)
                        print(
                            f"{count:>7}  {seconds:>6.1f}  {query:<13}  {c.load_bytes / 1024:>6.1f}"
                            f" KB ({len(c.load_requests)} file)   {c.query_bytes / 1024:>7.1f} KB "
                            f" {c.query_requests:>8}  {c.seconds_to_first_result:>10.2f} s "
                            f" {c.results}"
                        )
            browser.close()


if __name__ == "__main__":
    main()
