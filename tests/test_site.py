"""End to end: real sites built with real MkDocs into temporary folders, read as readers get
them."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from benchmarks.bench_search import synthetic_records
from build_digest.pipeline import run_pipeline
from build_digest.search import (
    draft_record,
    pages_for_pagefind,
    record_html,
    relabel,
    sync_pages,
    write_records,
)

from .conftest import (
    ROOT,
    build_in_process,
    cli,
    make_project,
    pipeline_for,
    run_cli,
    set_option,
)

HOSTILE = (
    "Cash-only market reopens\n\n"
    "# of trucks waiting at the gate: 40\n"
    "**cash only** and _no receipts_, traders said, pointing to [the notice](javascript:alert(1))"
    " on the wall.\n"
    '<script>alert("pwned")</script> was written on the sign, next to <b>bold</b> claims & a 1.'
    " numbered line.\n"
    "> not a quote, and `not code`, {: .not-an-attribute} | not | a | table |\n"
)


def html_text(page: Path) -> str:
    """What a reader sees: tags removed, entities decoded."""
    import html

    body = page.read_text(encoding="utf-8")
    article = body[body.index("<article") : body.index("</article>")]
    return html.unescape(re.sub(r"<[^>]+>", "", article))


def test_shipped_archive_builds_strict_with_a_page_per_story(built_site):
    catalog = json.loads((built_site / "catalog.json").read_text())
    assert len(catalog["articles"]) == 4
    for article in catalog["articles"]:
        page = built_site / article["url"] / "index.html"
        assert page.is_file(), article["url"]
        assert article["title"] in html_text(page)
    for listing in [
        "index.html",
        "topics/index.html",
        "entities/index.html",
        "archive/index.html",
        "timeline/index.html",
        "about/index.html",
    ]:
        assert (built_site / listing).is_file(), listing


def test_catalog_lists_every_source_file_exactly_once_with_a_checksum(built_site):
    catalog = json.loads((built_site / "catalog.json").read_text())
    paths = [s["path"] for s in catalog["sources"]]
    assert sorted(paths) == sorted(p.name for p in (ROOT / "sources").iterdir())
    for source in catalog["sources"]:
        assert (
            source["sha256"]
            == hashlib.sha256((ROOT / "sources" / source["path"]).read_bytes()).hexdigest()
        )
        assert source["status"] in {"published", "duplicate"}
        assert source["language"] == "en"
    by_path = {s["path"]: s for s in catalog["sources"]}
    assert by_path["001_516d2f6b9d0fef85.txt"]["status"] == "duplicate"
    assert (
        by_path["001_516d2f6b9d0fef85.txt"]["article"]
        == by_path["000_6963635469b22089.txt"]["article"]
    )
    article = next(a for a in catalog["articles"] if a["sources"][0].startswith("003"))
    assert (article["date"], article["date_precision"]) == ("2023-11-06", "day")
    assert set(article) == {
        "id",
        "title",
        "title_source",
        "language",
        "outlet",
        "date",
        "date_precision",
        "date_source",
        "url",
        "topics",
        "entities",
        "sources",
        "related",
    }


def test_story_page_shows_other_versions_related_coverage_and_furniture_labelled_once(built_site):
    catalog = json.loads((built_site / "catalog.json").read_text())
    merged = next(a for a in catalog["articles"] if len(a["sources"]) == 2)
    text = html_text(built_site / merged["url"] / "index.html")
    assert "Other versions" in text and "001_516d2f6b9d0fef85.txt" in text
    assert "rewrite of the same report" in text
    assert (
        "Amidst intense fighting and resistance" in text
    )  # the folded version's text stays reachable
    assert "Related coverage" in text
    assert "With inputs from Reuters." in text
    story_text = text[: text.index("About this story")]
    assert (
        "Similar Articles" not in story_text
    )  # removed chrome: listed in the collapsed audit trail only
    assert "Similar Articles" in text[text.index("About this story") :]
    dated = next(a for a in catalog["articles"] if a["sources"][0].startswith("003"))
    text = html_text(built_site / dated["url"] / "index.html")
    assert "6 November 2023" in text and "dateline" in text
    assert (
        "IMAGE SOURCE: AP" in text
        and "Photo: Assistant Chinese Foreign Minister Nong Rong." in text
    )
    assert "Credit: IMAGE SOURCE" not in text  # a label the source already gives is not given again


def test_navigation_lists_index_pages_never_stories(built_site):
    home = (built_site / "index.html").read_text()
    navs = re.findall(r"<nav class=\"md-(?:tabs|nav md-nav--primary)[^>]*>.*?</nav>", home, re.S)
    assert navs
    links = [href for nav in navs for href in re.findall(r'href="([^"]*)"', nav)]
    assert not [href for href in links if "stories/" in href]
    for target in ["topics/", "entities/", "archive/", "timeline/", "about/"]:
        assert any(href.endswith(target) for href in links), target


def test_site_requests_nothing_from_other_hosts(built_site):
    for page in built_site.rglob("*.html"):
        html = page.read_text()
        assert not re.search(r"<(?:script|img|iframe)[^>]+src=\"(?:https?:)?//", html), page
        assert not re.search(r"<link[^>]+href=\"(?:https?:)?//", html), page
        assert "fonts.googleapis" not in html and "fonts.gstatic" not in html


def test_source_text_reaches_the_page_as_characters_never_as_markup(tmp_path):
    project = make_project(tmp_path, {"hostile.md": HOSTILE}, with_seeds=False)
    result = cli(project, "build", "--strict", "--site-dir", "out")
    assert result.returncode == 0, result.stderr
    catalog = json.loads((project / "out" / "catalog.json").read_text())
    page = project / "out" / catalog["articles"][0]["url"] / "index.html"
    raw = page.read_text()
    article = raw[raw.index("<article") : raw.index("</article>")]
    # Nothing from the source is live: no script, no source-made link, no emphasis, heading,
    # quote or code.
    assert "<script" not in article
    assert not [href for href in re.findall(r'href="([^"]*)"', article) if "javascript" in href]
    for tag in [
        "<b>",
        "<strong>cash",
        "<em>no",
        "<h1>of",
        "<blockquote>\n<p>not",
        "<code>",
        "<ol>",
        "<table>",
        'class="not-an-attribute"',
    ]:
        assert tag not in article, tag
    text = html_text(page)
    for visible in [
        "# of trucks waiting at the gate: 40",
        "**cash only** and _no receipts_",
        "[the notice](javascript:alert(1))",
        "bold claims & a 1. numbered line",
        "> not a quote, and `not code`, {: .not-an-attribute} | not | a | table |",
    ]:
        assert visible in text, visible
    # The cleaner removes stray script blocks from copied text, and says so.
    check = cli(project, "check").stdout
    assert '[HTML script/style block]: <script>alert("pwned")</script>' in check


def test_hostile_metadata_is_text_in_the_title_header_and_meta_tags(tmp_path):
    hostile = (
        '---\ntitle: "<script>alert(1)</script> & [x](javascript:y)"\noutlet: "<img src=x'
        ' onerror=alert(1)>"\nsource_url: "javascript:alert(1)"\n---\n'
    )
    body = (
        'Rebels said on Sunday they had taken the town of Hopang, "a turning point", after a week'
        " of fighting in the north.\n"
    )
    project = make_project(tmp_path, {"h.md": hostile + body}, with_seeds=False)
    assert cli(project, "build", "--strict", "--site-dir", "out").returncode == 0
    for page in (project / "out").rglob("*.html"):
        raw = page.read_text()
        assert "<script>alert" not in raw and "<img src=x" not in raw, page
        assert 'href="javascript' not in raw, page
    story = next((project / "out" / "stories").glob("*/index.html")).read_text()
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt; &amp; [x](javascript:y) - " in story
    assert "javascript:alert(1)" in html_text(
        next((project / "out" / "stories").glob("*/index.html"))
    )


def test_bad_sources_are_rejected_with_reasons_and_the_rest_is_published(tmp_path):
    legacy = (
        "Caf\u00e9 owners in Lashio said on Monday that \u201cnobody\u201d had come since the"
        " fighting began two weeks ago."
    )
    project = make_project(
        tmp_path,
        {
            "empty.txt": b"",
            "blob.txt": bytes(range(256)) * 8,
            "legacy.txt": legacy.encode("cp1252"),
        },
    )
    result = cli(project, "build", "--site-dir", "out")
    assert result.returncode == 0, result.stderr
    assert "3 rejected" not in result.stdout and "2 rejected" in result.stdout
    catalog = json.loads((project / "out" / "catalog.json").read_text())
    status = {s["path"]: (s["status"], s["reason"]) for s in catalog["sources"]}
    assert status["empty.txt"][0] == "rejected" and "empty" in status["empty.txt"][1]
    assert status["blob.txt"][0] == "rejected" and "binary" in status["blob.txt"][1]
    assert status["legacy.txt"][0] == "published"
    legacy = next(a for a in catalog["articles"] if a["sources"] == ["legacy.txt"])
    assert "Café owners in Lashio said on Monday that “nobody”" in html_text(
        project / "out" / legacy["url"] / "index.html"
    )
    about = html_text(project / "out" / "about" / "index.html")
    assert "blob.txt" in about and "binary" in about


def test_same_sources_give_byte_identical_markdown(tmp_path):
    project = make_project(tmp_path)
    first, second = pipeline_for(project), pipeline_for(project)
    assert first.pages == second.pages and first.fragments == second.fragments
    assert json.dumps(first.catalog) == json.dumps(second.catalog)


def test_generated_markdown_does_not_depend_on_the_hash_seed(tmp_path):
    """Two processes with different string-hash seeds (set orders) write the same bytes."""
    from benchmarks.bench import write_corpus

    project = make_project(tmp_path)
    synthetic = project / "sources" / "synthetic"
    synthetic.mkdir()
    write_corpus(synthetic, 80)  # copies, near copies and rewrites exercise every dedupe tier
    script = (
        "import hashlib, json, sys; from pathlib import Path; from build_digest.settings import"
        " DigestSettings; from build_digest.pipeline import run_pipeline; p = Path(sys.argv[1]); r"
        " = run_pipeline(DigestSettings(p / 'sources', p / 'taxonomy.yml'));"
        " print(hashlib.sha256(json.dumps([r.pages, r.fragments, r.catalog],"
        " sort_keys=True).encode()).hexdigest())"
    )
    digests = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run(
            [sys.executable, "-c", script, str(project)],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
        )
        assert out.returncode == 0, out.stderr
        digests.add(out.stdout.strip())
    assert len(digests) == 1


def test_a_story_url_survives_other_sources_being_added(tmp_path, seed_result):
    extra = (
        "Junta loses another town\n\nRebels in Rakhine State said on Tuesday they had captured the"
        " town of Pauktaw after weeks of fighting with the military.\n"
    )
    project = make_project(
        tmp_path, {"zz_new.txt": extra, "aa_new.txt": extra.replace("Pauktaw", "Minbya")}
    )
    grown = pipeline_for(project)
    before = {t.story.id for t in seed_result.stories}
    after = {t.story.id for t in grown.stories}
    assert before <= after and len(after) >= len(before) + 1


def test_failed_build_leaves_the_previous_site_in_place(tmp_path):
    project = make_project(tmp_path)
    assert run_cli(project, "build", "--site-dir", "out").returncode == 0
    before = {
        p.relative_to(project / "out"): p.read_bytes()
        for p in (project / "out").rglob("*")
        if p.is_file()
    }
    (project / "taxonomy.yml").write_text("topics: [not, a, mapping]\n")
    (project / "sources" / "new.txt").write_text(
        "A new story that should not appear because the build fails.\n"
    )
    result = run_cli(project, "build", "--site-dir", "out")
    assert result.returncode != 0
    assert "taxonomy" in result.stderr and "left as it was" in result.stderr
    after = {
        p.relative_to(project / "out"): p.read_bytes()
        for p in (project / "out").rglob("*")
        if p.is_file()
    }
    assert after == before
    assert not [p for p in project.iterdir() if p.name.startswith(".out")]


def test_strict_build_fails_on_warnings(tmp_path):
    project = make_project(tmp_path)
    (project / "docs" / "about.md").write_text("# About\n\n[broken](missing-page.md)\n")
    assert run_cli(project, "build", "--site-dir", "out").returncode == 0
    assert run_cli(project, "build", "--strict", "--site-dir", "out2").returncode != 0
    assert not (project / "out2").exists()


def test_check_reports_the_fate_of_every_source_and_the_removed_lines(tmp_path):
    project = make_project(tmp_path, {"empty.txt": b""})
    result = cli(project, "check")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "001_516d2f6b9d0fef85.txt: folded into story rebel-alliance" in out
    assert "003_cc3d00d2144fce69.txt: published as story" in out
    assert "empty.txt: REJECTED: empty" in out
    assert "[stray HTML comment fragment]: !-- Google tag (gtag.js) -->" in out
    # Each story's topics and why, and the topics its phrases nearly gave.
    assert "    topics: The military junta (phrases), Three Brotherhood Alliance (phrases)" in out
    assert "Operation 1027: 4.5, under 40% of The military junta's 13.5" in out
    assert "Cleaning:" in out


def test_invalid_plugin_option_is_reported_with_its_key(tmp_path):
    project = make_project(tmp_path)
    set_option(project, "page_size", 3)
    result = cli(project, "build", "--site-dir", "out")
    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1] == (
        "Error: mkdocs.yml: plugins.digest.page_size: must be at least 10 (got 3)"
    )


def test_long_listings_are_split_into_pages(tmp_path):
    body = (
        "On the {n}th day residents of town {n} said they had seen {trucks} trucks at the crossing"
        " into China, officials said."
    )
    sources = {
        f"s{n:03d}.txt": (
            f"Report number {n} from the border\n\n" + body.format(n=n, trucks=n * 7) + "\n"
        )
        for n in range(25)
    }
    project = make_project(tmp_path, sources, with_seeds=False)
    set_option(project, "page_size", 10)
    result = cli(project, "build", "--strict", "--site-dir", "out")
    assert result.returncode == 0, result.stderr
    first = html_text(project / "out" / "timeline" / "index.html")
    assert "All 25 stories, page by page" in first
    later = sorted((project / "out" / "timeline").glob("*/index.html"))
    assert len(later) >= 2
    # every story is on one later page, and each links back to the first
    texts = [html_text(page) for page in later]
    assert sum(text.count("Report number") for text in texts) == 25
    assert all("Timeline: all pages" in text for text in texts)


def test_pipeline_runs_without_mkdocs_config(tmp_path):
    project = make_project(tmp_path)
    from build_digest.settings import DigestSettings

    result = run_pipeline(DigestSettings(project / "sources", project / "taxonomy.yml"))
    assert any(path.startswith("stories/") for path in result.pages)


def test_a_story_page_does_not_grow_with_the_archive(tmp_path, built_site):
    """Story pages carry their own neighbours only, never an index of every story."""
    body = (
        "Residents of {town} said on Monday that {n} families had fled fighting between the army"
        " and rebels near the border town."
    )
    extra = {
        f"x{n:02d}.txt": (
            f"Families flee {n}\n\n" + body.format(town=f"Town{n}", n=n * 13 + 7) + "\n"
        )
        for n in range(40)
    }
    project = make_project(tmp_path, extra)
    assert cli(project, "build", "--site-dir", "out").returncode == 0
    catalog = json.loads((built_site / "catalog.json").read_text())
    story = next(a for a in catalog["articles"] if a["sources"] == ["003_cc3d00d2144fce69.txt"])[
        "url"
    ]
    small = len((built_site / story / "index.html").read_bytes())
    large = len((project / "out" / story / "index.html").read_bytes())
    assert large - small < 3000, (small, large)


def test_sources_option_builds_another_folder(tmp_path):
    project = make_project(tmp_path / "project")
    other = tmp_path / "elsewhere"
    other.mkdir()
    (other / "only.txt").write_text(
        "Only story\n\nRebels in northern Shan State said on Sunday they had taken the town of"
        " Hopang after a week of fighting.\n"
    )
    result = cli(project, "build", "--sources", str(other), "--site-dir", "out")
    assert result.returncode == 0, result.stderr
    catalog = json.loads((project / "out" / "catalog.json").read_text())
    assert [s["path"] for s in catalog["sources"]] == ["only.txt"]


def test_offline_build_links_name_files_that_exist(tmp_path):
    """`build --offline` is read from a folder (file://): every link must name a file, not a
    folder."""
    project = make_project(tmp_path / "project")
    exit_code, output, catalog = build_in_process(project, "--offline")
    assert exit_code == 0, output
    site = project / "out"
    assert catalog["articles"] and (site / "search.html").is_file()
    broken: list[str] = []
    for page in site.rglob("*.html"):
        if page.name == "404.html":
            continue  # served by a web server for missing addresses, never opened from disk
        for target in re.findall(r'(?:href|src)="([^"#?]+)', page.read_text(encoding="utf-8")):
            if re.match(r"[a-z][a-z0-9+.-]*:|//", target):
                continue  # absolute URLs (canonical links, sources) are not followed from disk
            if not (page.parent / target).is_file():
                broken.append(f"{page.relative_to(site)} -> {target}")
    assert broken == []


def test_home_lists_the_latest_stories_with_undated_ones_at_their_lower_bound(built_site):
    home = html_text(built_site / "index.html")
    latest = home[home.index("Latest stories") : home.index("Topics", home.index("Latest stories"))]
    assert "Rebel alliance gains ground" in latest and "Undated (not before" in latest
    assert "The Myanmar Junta Is Losing Its Foreign Backers" in latest


def test_neighbours_in_time_are_dated_stories_and_an_undated_story_has_none(seed_result):
    """Neighbours "in time" say what came before and after: an undated story has no place between
    two days, and a dated one is never followed by an undated one put last."""
    from build_digest.models import Dated
    from build_digest.render import chronological
    from build_digest.urls import story_path

    timeline = chronological(seed_result.stories)
    dated = [t for t in timeline if isinstance(t.date, Dated)]
    assert dated and len(dated) < len(timeline)  # the seeds have both kinds
    for t in timeline:
        page = seed_result.pages[story_path(t.story.id)]
        if t not in dated:
            assert "## In time" not in page
            continue
        n = dated.index(t)
        lines = page.split("## In time\n", 1)[1].split("\n\n", 1)[0] if len(dated) > 1 else ""
        before = dated[n - 1] if n > 0 else None
        after = dated[n + 1] if n + 1 < len(dated) else None
        assert ("- Before:" in lines) == (before is not None)
        assert ("- After:" in lines) == (after is not None)
        for other in (before, after):
            if other is not None:
                assert other.story.id in lines


def test_a_topic_with_no_story_offers_a_search_for_the_stories_that_mention_it(built_site):
    """A topic page with nothing on it is a dead end: stories that name the topic only in
    passing are not on it, and the search finds them (the search page runs ``?q=``)."""
    from urllib.parse import parse_qs, urlsplit

    from lxml import html as lxml_html

    empty = 0
    for page in sorted((built_site / "topics").glob("*/index.html")):
        tree = lxml_html.parse(str(page)).getroot()
        article = tree.cssselect("article")[0]
        if article.cssselect("article ul li a[href*='stories/']"):
            continue
        empty += 1
        title = (article.cssselect("h1")[0].text or "").strip()  # not its permalink
        links = [a for a in article.cssselect("a") if "search/" in a.get("href", "")]
        assert [a.text_content() for a in links] == [f"search the stories that mention {title}"]
        target = urlsplit(links[0].get("href"))
        assert parse_qs(target.query) == {"q": [title]}
        assert (page.parent / target.path / "index.html").resolve().is_file()
    assert empty  # the shipped taxonomy has topics none of its five sources is about


def test_the_search_index_is_whole_when_writing_it_returns(tmp_path):
    """Pagefind's Python service said "written" while its last writes were still queued, and
    was then stopped: under load 4 indexes in 40 came out cut short (an empty entry file,
    which breaks search for every reader). Six indexes written three at a time must all be
    whole: the entry file counts every page, and each UI file has one size."""
    records = synthetic_records(60)
    outs = [tmp_path / f"index-{n}" for n in range(6)]
    with ThreadPoolExecutor(3) as pool:
        list(pool.map(lambda out: write_records(records, out), outs))
    for out in outs:
        entry = json.loads((out / "pagefind-entry.json").read_text(encoding="utf-8"))
        assert entry["languages"]["en"]["page_count"] == len(records)
    bundle = [p.name for p in outs[0].iterdir() if p.suffix in (".js", ".css")]
    assert bundle
    for name in bundle:
        assert len({(out / name).stat().st_size for out in outs}) == 1, name


def _index_view(index: Path) -> dict[str, object]:
    """What a search reads of a Pagefind index, by story URL rather than page number: each
    page's text and metadata, each filter value's stories, each sort's keys in order with
    the stories of each key, and the metadata fields."""
    import gzip

    import cbor2

    def read(path: Path) -> bytes:
        return gzip.decompress(path.read_bytes())[len(b"pagefind_dcd") :]

    entry = json.loads((index / "pagefind-entry.json").read_text(encoding="utf-8"))
    ((_, about),) = entry["languages"].items()
    _, pages, _, filters, sorts, fields = cbor2.loads(
        read(index / f"pagefind.{about['hash']}.pf_meta")
    )
    fragments = [json.loads(read(index / "fragment" / f"{name}.pf_fragment")) for name, _ in pages]
    url = [fragment["url"] for fragment in fragments]
    view: dict[str, object] = {
        "pages": {f["url"]: (f["content"], f["meta"], f["word_count"]) for f in fragments},
        "fields": fields,
        "count": about["page_count"],
    }
    for name, file in filters:
        _, values = cbor2.loads(read(index / "filter" / f"{file}.pf_filter"))[:2]
        view[f"filter {name}"] = {
            value: sorted(url[n] for n in numbers) for value, numbers in values
        }
    for name, numbers in sorts:
        view[f"sort {name}"] = len(numbers)
        view[f"sort order {name}"] = [url[n] for n in numbers]
    return view


def test_an_index_of_the_drafts_relabelled_answers_as_one_written_from_the_records(tmp_path):
    """The build indexes the stories' drafts (text and metadata, no filters) while their topics
    are learned, then puts the final labels in (``relabel``): the index must then hold what
    Pagefind makes of the final records in one go, page for page, filter value for filter
    value, in the same date order, a story whose metadata changed since its draft too."""
    records = synthetic_records(40)
    records[3] = dataclasses.replace(records[3], sort={"date": records[5].sort["date"]})  # a tie
    records[7] = dataclasses.replace(records[7], url="stories/လားရှိုး-တိုက်ပွဲ-3f2a/")
    drafts = [draft_record(r) for r in records]
    for n in (7, 9):  # dated since their drafts, a story of a Burmese address among them
        drafts[n] = dataclasses.replace(drafts[n], meta={**drafts[n].meta, "date": "Undated"})
    write_records(drafts, tmp_path / "relabelled")
    assert relabel(tmp_path / "relabelled", drafts, records)
    write_records(records, tmp_path / "direct")
    relabelled, direct = _index_view(tmp_path / "relabelled"), _index_view(tmp_path / "direct")
    assert relabelled["filter topic"] and relabelled["pages"]
    order = relabelled.pop("sort order date"), direct.pop("sort order date")
    assert relabelled == direct
    # Ties may fall in either index's page order; the keys run the same way.
    key = {f"/{r.url}": r.sort["date"] for r in records}
    assert "/stories/လားရှိုး-တိုက်ပွဲ-3f2a/" in key
    assert [key[u] for u in order[0]] == [key[u] for u in order[1]] == sorted(key.values())
    # Nothing of the drafts is left behind: every fragment file is a page's.
    entry = json.loads((tmp_path / "relabelled" / "pagefind-entry.json").read_text())
    assert len(list((tmp_path / "relabelled" / "fragment").iterdir())) == len(records)
    assert len(list((tmp_path / "relabelled").glob("*.pf_meta"))) == 1
    assert entry["languages"]["en"]["page_count"] == len(records)


def test_pagefind_beside_the_build_runs_at_the_lowest_priority():
    """Started while the topics are learned, Pagefind takes only what the build's own
    processes leave of the cores (``search.LOW_PRIORITY``); what it starts inherits that."""
    if not hasattr(os, "getpriority"):
        pytest.skip("no process priorities on this system")
    from build_digest.search import LOW_PRIORITY, _yield_cores

    with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"]) as child:
        try:
            _yield_cores(child.pid)
            assert os.getpriority(os.PRIO_PROCESS, child.pid) == LOW_PRIORITY
        finally:
            child.kill()


def test_an_index_relabel_does_not_know_is_left_alone(tmp_path):
    """An index not written from drafts (no page sort), or holding other stories than the
    records, is not relabelled: the build then indexes the records afresh."""
    records = synthetic_records(12)
    drafts = [draft_record(r) for r in records]
    write_records(records, tmp_path / "direct")
    before = {p: p.read_bytes() for p in (tmp_path / "direct").rglob("*") if p.is_file()}
    assert not relabel(tmp_path / "direct", drafts, records)
    assert before == {p: p.read_bytes() for p in (tmp_path / "direct").rglob("*") if p.is_file()}
    write_records(drafts, tmp_path / "drafts")
    assert not relabel(tmp_path / "drafts", drafts, records[1:])


def test_the_pages_pagefind_reads_are_kept_and_only_what_differs_is_written(tmp_path):
    """Issue 23: the folder of pages Pagefind indexes is kept with the cache; a build writes
    the pages that changed, deletes those of stories gone, and writes again a page an
    interrupted build cut short, leaving every other file as it was."""
    records = synthetic_records(12)
    folder, state = tmp_path / "pages", tmp_path / "pages.json"
    assert sync_pages(records, folder, state) == 12
    untouched = folder / records[1].url / "index.html"
    inode = untouched.stat().st_ino
    state.unlink()  # what an interrupted build leaves: it deletes the state before it writes
    (folder / records[0].url / "index.html").write_text("<html><body>cut sh", encoding="utf-8")
    (folder / "stories" / "gone" / "index.html").parent.mkdir(parents=True)
    (folder / "stories" / "gone" / "index.html").write_text("old story", encoding="utf-8")
    assert sync_pages(records[:-1], folder) == 3  # the cut page, the gone one, the last one
    found = {p.relative_to(folder).as_posix(): p for p in folder.rglob("*") if p.is_file()}
    assert sorted(found) == sorted(f"{r.url}index.html" for r in records[:-1])
    for record in records[:-1]:
        assert found[f"{record.url}index.html"].read_text(encoding="utf-8") == record_html(record)
    assert untouched.stat().st_ino == inode
    assert not (folder / "stories" / "gone").exists()


def test_a_kept_folder_with_its_state_is_not_read_and_only_what_changed_is_written(
    tmp_path, monkeypatch
):
    """Issue 23: with the hashes of the pages the kept folder holds, a rebuild writes the pages
    whose hash changed and deletes those of stories gone, without reading any page back."""
    records = synthetic_records(12)
    folder, state = tmp_path / "pages", tmp_path / "pages.json"
    sync_pages(records, folder, state)
    inodes = {r.url: (folder / r.url / "index.html").stat().st_ino for r in records}
    edited = dataclasses.replace(records[3], content=records[3].content + " More.")
    now = [*records[:3], edited, *records[4:-1]]
    with monkeypatch.context() as patched:
        patched.setattr(Path, "read_bytes", lambda self: pytest.fail(f"{self} read back"))
        assert sync_pages(now, folder, state) == 2  # the edited page, the gone one
    found = {p.relative_to(folder).as_posix(): p for p in folder.rglob("*") if p.is_file()}
    assert sorted(found) == sorted(f"{r.url}index.html" for r in now)
    assert found[f"{edited.url}index.html"].read_text(encoding="utf-8") == record_html(edited)
    for record in now:
        if record is not edited:
            assert found[f"{record.url}index.html"].stat().st_ino == inodes[record.url]
    assert not (folder / records[-1].url).exists()


def test_a_sync_that_fails_leaves_no_state_to_vouch_for_the_folder(tmp_path, monkeypatch):
    records = synthetic_records(4)
    folder, state = tmp_path / "pages", tmp_path / "pages.json"
    sync_pages(records, folder, state)
    edited = dataclasses.replace(records[0], content="Changed.")

    def full_disk(self, data):
        raise OSError("no space left on device")

    with monkeypatch.context() as patched:
        patched.setattr(Path, "write_bytes", full_disk)
        with pytest.raises(OSError):
            sync_pages([edited, *records[1:]], folder, state)
    assert not state.exists()


def test_a_second_build_sharing_the_cache_indexes_from_a_folder_of_its_own(tmp_path):
    """Two builds with one cache folder must not write the same pages at once: while one
    holds the kept folder, the other writes its pages to a temporary folder."""
    records = synthetic_records(3)
    kept = tmp_path / "search-pages"
    with pages_for_pagefind(records, kept) as first:
        assert first == kept / "pages"
        with pages_for_pagefind(records[:1], kept) as second:
            assert not second.is_relative_to(kept)
            assert len(list(second.rglob("*.html"))) == 1
        assert len(list(first.rglob("*.html"))) == 3
    with pages_for_pagefind(records[:2], kept) as again:
        assert again == kept / "pages" and len(list(again.rglob("*.html"))) == 2


def test_every_point_of_the_figures_chart_opens_its_story(built_site):
    """Issue 22: a point on the displacement chart leads to the story that gives it, at the
    address the site serves (the chart is raw HTML, which MkDocs does not rewrite)."""
    page = built_site / "figures" / "index.html"
    charts = re.findall(r"<svg.*?</svg>", page.read_text(encoding="utf-8"), flags=re.S)
    targets = [t for svg in charts for t in re.findall(r'<a href="([^"]+)"', svg)]
    assert len(targets) >= 4  # 23,000, 300,000, 2 million and the undated 50,000 at least
    for target in targets:
        assert target.startswith("../stories/"), target
        assert (page.parent / target / "index.html").is_file(), target


def test_a_state_that_names_a_file_outside_the_folder_is_not_trusted(tmp_path):
    records = synthetic_records(3)
    folder, state = tmp_path / "kept" / "pages", tmp_path / "kept" / "pages.json"
    sync_pages(records, folder, state)
    outside = tmp_path / "precious.txt"
    outside.write_text("keep me", encoding="utf-8")
    state.write_text(json.dumps({"../../precious.txt": "0"}), encoding="utf-8")
    assert sync_pages(records, folder, state) == 0  # every page compared, all as they were
    assert outside.read_text(encoding="utf-8") == "keep me"
