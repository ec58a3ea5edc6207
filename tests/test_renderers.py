"""The Markdown site on disk, and the second renderer: the same archive built by MkDocs through
the plugin, by MkDocs from the written Markdown, and by Zensical, gives the same story pages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest
from lxml import html as lxml_html

from .conftest import cli, make_project

FIXTURES = Path(__file__).parent / "fixtures" / "multilingual"


def _story(site: Path, url: str) -> tuple[str, str, str | None]:
    """A story page as a reader meets it: headline, story text, and the page's language."""
    page = lxml_html.fromstring((site / unquote(url) / "index.html").read_bytes())
    article = page.xpath("//article")[0]
    headline = " ".join(article.xpath(".//h1")[0].text_content().split()).rstrip("¶ ")
    return headline, " ".join(article.text_content().split()), page.get("lang")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped seeds and the multilingual fixtures, built once by MkDocs into ``out``."""
    sources = {p.name: p.read_bytes() for p in FIXTURES.glob("*.txt")}
    folder = make_project(tmp_path_factory.mktemp("renderers"), sources)
    done = cli(folder, "build", "--site-dir", "out")
    assert done.returncode == 0, done.stdout + done.stderr
    return folder


@pytest.fixture(scope="module")
def zensical_site(project: Path) -> Path:
    pytest.importorskip("zensical")
    done = cli(project, "build", "--renderer", "zensical", "--site-dir", "zensical-out")
    assert done.returncode == 0, done.stdout + done.stderr
    return project / "zensical-out"


def test_zensical_builds_every_story_page_with_the_headline_and_text_mkdocs_gives(
    project: Path, zensical_site: Path
) -> None:
    catalog = json.loads((project / "out" / "catalog.json").read_text(encoding="utf-8"))
    assert len(catalog["articles"]) >= 10
    for article in catalog["articles"]:
        assert _story(zensical_site, article["url"]) == _story(project / "out", article["url"])


def test_zensical_site_carries_what_the_digest_publishes(
    project: Path, zensical_site: Path
) -> None:
    mkdocs_site = project / "out"
    for name in ("catalog.json", "feeds/all.xml"):
        assert (zensical_site / name).read_bytes() == (mkdocs_site / name).read_bytes()
    assert (zensical_site / "pagefind" / "pagefind.js").is_file()
    catalog = json.loads((mkdocs_site / "catalog.json").read_text(encoding="utf-8"))
    for old in catalog["redirects"]:
        assert (zensical_site / unquote(old) / "index.html").is_file()
    # Its own search index of every page, which each visitor would download whole, is off.
    index = zensical_site / "search.json"
    assert not index.exists() or json.loads(index.read_text(encoding="utf-8"))["items"] == []


def test_markdown_command_writes_a_project_mkdocs_builds_without_the_plugin(
    project: Path, tmp_path: Path
) -> None:
    out = tmp_path / "markdown"
    done = cli(project, "markdown", str(out))
    assert done.returncode == 0, done.stdout + done.stderr
    config = (out / "mkdocs.yml").read_text(encoding="utf-8")
    assert "digest" not in config.split("plugins:")[1]
    assert (out / "search-records.json").is_file()
    assert "digest:" not in (out / "docs" / "index.md").read_text(encoding="utf-8")  # filled
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(out / "mkdocs.yml")],
        check=True,
        capture_output=True,
    )
    catalog = json.loads((out / "docs" / "catalog.json").read_text(encoding="utf-8"))
    for article in catalog["articles"]:
        assert _story(out / "site", article["url"]) == _story(project / "out", article["url"])


def test_markdown_command_refuses_a_folder_that_holds_files(project: Path, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    done = cli(project, "markdown", str(tmp_path))
    assert done.returncode != 0
    assert "not an empty folder" in done.stdout + done.stderr
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_a_failed_zensical_build_leaves_the_previous_site(project: Path) -> None:
    pytest.importorskip("zensical")
    target = project / "zensical-fails"
    target.mkdir()
    (target / "index.html").write_text("previous", encoding="utf-8")
    broken = project / "docs" / "broken.md"
    broken.write_text("<!-- digest:no_such_fragment -->\n", encoding="utf-8")
    try:
        done = cli(project, "build", "--renderer", "zensical", "--site-dir", str(target))
    finally:
        broken.unlink()
    assert done.returncode != 0
    assert "unknown marker digest:no_such_fragment" in done.stdout + done.stderr
    assert (target / "index.html").read_text(encoding="utf-8") == "previous"
    assert not [p for p in project.iterdir() if p.name.startswith(".zensical-fails")]
