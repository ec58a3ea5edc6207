"""Hostile and unlucky sources: each is published, folded or rejected with a reason, and
never stops the build or reads anything outside the sources folder.

Every odd file (bad names, links, FIFOs, big files) is made by the test, never committed.
Builds run in-process (click's CliRunner) so the NER model loads once per session.
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from build_digest.cli import main
from build_digest.models import Undated
from build_digest.urls import STORY_HASH_DIGITS, story_id

from .conftest import build_in_process as build
from .conftest import make_project, pipeline_for, set_option, story_of

ORDINARY = (
    "Rebels take a border town\n\nFighters of an ethnic armed group said on Monday they had taken"
    " the border town of Hpakant after a week of clashes with the army, and residents said hundreds"
    " of families had fled north.\n"
)
SECRET = "TOP-SECRET-LINE-7f3a: the curator's private note must never be published"


def statuses(catalog: dict) -> dict[str, dict]:
    return {s["path"]: s for s in catalog["sources"]}


def site_text(project: Path) -> str:
    """Every file of the built site, as text."""
    return "\n".join(
        p.read_text(encoding="utf-8", errors="replace")
        for p in (project / "out").rglob("*")
        if p.is_file()
    )


# --- 2. one source must never stop the build ---------------------------------------------

BAD_METADATA = {
    "feb30.md": "---\ntitle: Impossible day\ndate: 2024-02-30\n---\n" + ORDINARY,
    "month13.md": (
        "---\ntitle: Impossible month\npublished: 2024-13-45\n---\n"
        + ORDINARY.replace("Hpakant", "Lonkin")
    ),
    "hour25.md": (
        "---\ntitle: Impossible hour\ndate: 2024-01-01 25:00:00\n---\n"
        + ORDINARY.replace("Hpakant", "Seikmu")
    ),
    "bignum.md": "---\ntitle: " + "9" * 5000 + "\n---\n" + ORDINARY.replace("Hpakant", "Namti"),
    "deep.md": (
        "---\ntitle: "
        + "[" * 3000
        + "]" * 3000
        + "\n---\n"
        + ORDINARY.replace("Hpakant", "Mogaung")
    ),
    "year0.txt": (
        "Title: Year zero\nDate: 0000-01\n\n"
        + ORDINARY.replace("Hpakant", "Waingmaw")
        + "It happened in January 0000.\n"
    ),
    "bomb.md": (
        "---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c"
        " [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e"
        " [*d, *d, *d, *d, *d, *d, *d, *d, *d]\ntitle: *e\n---\n"
        + ORDINARY.replace("Hpakant", "Tanai")
    ),
}


def test_impossible_dates_huge_numbers_deep_yaml_and_alias_bombs_are_warnings_not_crashes(tmp_path):
    project = make_project(tmp_path, BAD_METADATA)
    result = pipeline_for(project)
    by_path = statuses(result.catalog)
    for name in BAD_METADATA:
        assert by_path[name]["status"] in {"published", "duplicate"}, (name, by_path[name])
        assert by_path[name].get("warnings") or name == "month13.md", name
    assert (
        "2024-02-30" in by_path["feb30.md"]["warnings"][0]
        and "ignored" in by_path["feb30.md"]["warnings"][0]
    )
    assert "longer than" in by_path["bignum.md"]["warnings"][0]
    assert "nested too deeply" in by_path["deep.md"]["warnings"][0]
    assert "nested structure" in " ".join(by_path["bomb.md"]["warnings"])
    assert len(story_of(result, "bomb.md").story.main.title) < 200
    assert isinstance(story_of(result, "year0.txt").date, Undated)
    # An unknown key with an impossible date is kept as the text it is, not parsed.
    month13 = story_of(result, "month13.md").story.main.source.meta
    assert ("published", "2024-13-45") in month13.extra or month13.date is None
    assert {p for p, s in by_path.items() if s["status"] == "rejected"} == set()


def test_a_file_name_that_is_not_utf8_is_published_and_stored_reversibly(tmp_path):
    project = make_project(tmp_path)
    raw = os.fsencode(project / "sources") + b"/bad\xff-name.txt"
    with open(raw, "wb") as handle:
        handle.write(ORDINARY.encode())
    code, output, catalog = build(project)
    assert code == 0, output
    entry = statuses(catalog)["bad\\xff-name.txt"]
    assert entry["status"] == "published"
    assert bytes.fromhex(entry["path_bytes"]) == b"bad\xff-name.txt"


def test_an_article_over_spacys_limit_is_tagged_in_pieces(tmp_path):
    sentence = (
        "Fighters of the Ta'ang National Liberation Army said they had taken an outpost near"
        " Lashio, and {n} families fled."
    )
    huge = "A very long report\n\n" + "\n\n".join(sentence.format(n=n) for n in range(9500))
    assert len(huge) > 1_000_000
    result = pipeline_for(make_project(tmp_path, {"huge.txt": huge}))
    tagged = story_of(result, "huge.txt")
    assert "Lashio" in {label.name for label in tagged.entities}


def test_a_source_over_the_size_limit_is_rejected_unread(tmp_path):
    project = make_project(tmp_path)
    with open(project / "sources" / "dump.txt", "wb") as handle:
        handle.truncate(9 * 1024 * 1024)
    by_path = statuses(pipeline_for(project).catalog)
    assert by_path["dump.txt"]["status"] == "rejected"
    assert "larger than the 8 MB" in by_path["dump.txt"]["reason"]
    assert by_path["003_cc3d00d2144fce69.txt"]["status"] == "published"


# --- 3. nothing from outside the sources folder -------------------------------------------


def test_links_out_of_the_folder_loops_dangling_links_and_fifos_are_rejected_and_never_read(
    tmp_path,
):
    project = make_project(tmp_path / "project")
    private = tmp_path / "private-note.txt"
    private.write_text(SECRET + "\n" + ORDINARY)
    sources = project / "sources"
    (sources / "outside.txt").symlink_to(private)
    (sources / "etc.txt").symlink_to("/etc/passwd")
    (sources / "dangling.txt").symlink_to(tmp_path / "missing.txt")
    (sources / "loop.txt").symlink_to(sources / "loop.txt")
    (sources / "folder-link").symlink_to(tmp_path)
    os.mkfifo(sources / "pipe.txt")
    (sources / "inside.txt").symlink_to(sources / "003_cc3d00d2144fce69.txt")
    code, output, catalog = build(project)
    assert code == 0, output
    by_path = statuses(catalog)
    assert "outside the sources folder" in by_path["outside.txt"]["reason"]
    assert "outside the sources folder" in by_path["etc.txt"]["reason"]
    assert "broken symbolic link" in by_path["dangling.txt"]["reason"]
    assert "broken symbolic link" in by_path["loop.txt"]["reason"]
    assert "links to folders are not followed" in by_path["folder-link"]["reason"]
    assert "FIFO" in by_path["pipe.txt"]["reason"]
    assert (
        by_path["inside.txt"]["status"] == "duplicate"
    )  # a link inside the folder is read: an exact copy
    text = site_text(project)
    assert "TOP-SECRET-LINE" not in text and "root:x:0:0" not in text


# --- 4. metadata as written ------------------------------------------------------------------


def test_front_matter_values_are_the_strings_typed_and_stated_tags_assign_topics(tmp_path):
    sources = {
        "typed.md": (
            "---\ntitle: 1:30\noutlet: NO\ntags: [ceasefire, Local Politics]\nsubtitle: A"
            " note\n---\n" + ORDINARY
        ),
        "set.md": (
            "---\ntitle: !!set {a: null, b: null}\n---\n" + ORDINARY.replace("Hpakant", "Bhamo")
        ),
    }
    project = make_project(tmp_path, sources, with_seeds=False)
    result = pipeline_for(project)
    typed = story_of(result, "typed.md")
    assert typed.story.main.title == "1:30"
    assert typed.story.main.source.meta.outlet == "NO"
    assert typed.story.main.source.meta.extra == (("subtitle", "A note"),)
    ceasefire = next(label for label in typed.topics if label.slug == "ceasefire")
    assert ceasefire.evidence[0] == "stated in the source"
    assert (
        "Tags in the source:** ceasefire, Local Politics"
        in result.pages[f"stories/{typed.story.id}.md"]
    )
    assert "nested structure" in " ".join(result.notes["set.md"])
    assert pipeline_for(project).catalog == result.catalog


def test_utf8_with_a_few_stray_bytes_is_not_read_as_a_legacy_code_page(tmp_path):
    text = (
        "Café owners in Lashio said “nobody” had come since the fighting began — two weeks ago.\n"
    )
    data = text.encode() + b"Stray \xff byte.\n"
    result = pipeline_for(make_project(tmp_path, {"stray.txt": data}, with_seeds=False))
    article = story_of(result, "stray.txt").story.main
    assert "Café owners" in article.body_text and "Ã" not in article.body_text
    (warning,) = statuses(result.catalog)["stray.txt"]["warnings"]
    assert "replaced" in warning


# --- 5. URLs and generated names --------------------------------------------------------------


def test_a_fuller_copy_moves_the_story_and_its_former_address_redirects(tmp_path):
    first = make_project(tmp_path / "one")
    code, _, before = build(first)
    assert code == 0
    story = next(a for a in before["articles"] if a["sources"] == ["003_cc3d00d2144fce69.txt"])
    fuller = (
        (first / "sources" / "003_cc3d00d2144fce69.txt").read_text()
        + "\nOfficials in Kunming added on Tuesday that border trade through Chinshwehaw had been"
        " suspended until further notice, and that traders had been told to wait for a new"
        " announcement about the crossing.\n"
    )
    second = make_project(tmp_path / "two", {"zzz-fuller-copy.txt": fuller})
    code, _, after = build(second)
    assert code == 0
    moved = next(a for a in after["articles"] if "003_cc3d00d2144fce69.txt" in a["sources"])
    assert moved["url"] != story["url"]
    assert after["redirects"][story["url"]] == moved["url"]
    redirect = (second / "out" / story["url"] / "index.html").read_text()
    assert f"url=../{moved['id']}/" in redirect
    # It names the page's file, so that a site opened from disk lands on the story, not on a
    # folder listing; search engines are given the served address.
    assert f"url=../{moved['id']}/index.html" in redirect
    assert f'rel="canonical" href="../{moved["id"]}/"' in redirect


def test_a_headline_repeated_as_a_short_line_in_other_sources_keeps_the_story_address(
    tmp_path, seed_result
):
    headline = (
        "China Urges Myanmar to Cooperate in Maintaining Stability on Border Amid Escalating"
        " Violence"
    )
    teasers = {
        f"teaser{n}.txt": (
            f"Another story {n}\n\nResidents of town {n} said on Friday that {n * 17} trucks were"
            f" waiting.\n{headline}\nAnd {n} more.\n"
        )
        for n in range(4)
    }
    grown = pipeline_for(make_project(tmp_path, teasers))
    assert (
        story_of(grown, "003_cc3d00d2144fce69.txt").story.id
        == story_of(seed_result, "003_cc3d00d2144fce69.txt").story.id
    )


def test_story_ids_carry_twelve_hash_digits_and_a_colliding_id_never_moves_the_first(seed_result):
    tagged = story_of(seed_result, "003_cc3d00d2144fce69.txt")
    assert tagged.story.id == story_id(tagged.story.main)
    assert re.search(rf"-[0-9a-f]{{{STORY_HASH_DIGITS}}}$", tagged.story.id)


def test_an_entity_named_index_never_replaces_a_listing_page(tmp_path):
    project = make_project(
        tmp_path,
        {
            "index.txt": (
                "Index fund sued\n\nThe INDEX group said on Monday that INDEX would sue the junta"
                " in Naypyitaw over the seizure.\n"
            )
        },
    )
    taxonomy = project / "taxonomy.yml"
    taxonomy.write_text(
        taxonomy.read_text().replace(
            "entities:\n",
            "entities:\n  - name: INDEX\n    type: organisation\n    aliases: []\n",
            1,
        )
    )
    code, output, _ = build(project)
    assert code == 0, output
    listing = (project / "out" / "entities" / "organisations" / "index.html").read_text()
    assert "<h1" in listing and "Organisations" in listing
    assert list((project / "out" / "entities" / "organisations").glob("index-*/index.html"))


def test_block_syntax_in_source_text_is_never_live(tmp_path):
    tail = (
        " was painted on the wall of the checkpoint by the bridge, residents of the town told"
        " reporters on Monday."
    )
    body = (
        f'??? note "Click me"{tail}\n\n!!! warning "Live?"{tail}\n\n:smile: ~~struck~~ ==marked=='
        f" ^^inserted^^{tail}\n\n" + ORDINARY
    )
    project = make_project(tmp_path, {"blocks.txt": "Block syntax\n\n" + body}, with_seeds=False)
    code, output, catalog = build(project)
    assert code == 0, output
    page = (project / "out" / catalog["articles"][0]["url"] / "index.html").read_text()
    article = page[page.index("<article") : page.index("</article>")]
    assert "Click me</summary>" not in article and "admonition warning" not in article
    assert "<del>" not in article and "<mark>" not in article and "<ins>" not in article
    shown = html.unescape(re.sub(r"<[^>]+>", "", article))
    assert (
        '??? note "Click me" was' in shown
        and ":smile: ~~struck~~ ==marked== ^^inserted^^ was" in shown
    )


def test_terminal_output_shows_control_characters_escaped(tmp_path):
    project = make_project(
        tmp_path, {"evil\x1b[2Jname.txt": "\x1b]0;pwned\x07Title\n\n" + ORDINARY}
    )
    result = CliRunner().invoke(main, ["check", "-f", str(project / "mkdocs.yml")])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "evil\\x1b[2Jname.txt" in result.output


# --- 6. strict mode ---------------------------------------------------------------------------


def test_a_rejected_source_fails_a_strict_build_but_not_a_normal_one(tmp_path):
    project = make_project(tmp_path, {"empty.txt": b""})
    code, output, _ = build(project)
    assert code == 0, output
    code, output, _ = build(project, "--strict")
    assert code != 0 and "left as it was" in output


def test_unknown_front_matter_keys_do_not_fail_a_strict_build(tmp_path):
    project = make_project(
        tmp_path,
        {"extra.md": "---\ntitle: A subtitle\nsubtitle: kept as extra metadata\n---\n" + ORDINARY},
    )
    code, output, _ = build(project, "--strict")
    assert code == 0, output


# --- 1. dependencies fail at once, with one line ------------------------------------------------


@pytest.mark.parametrize(
    ("broken", "package"),
    [
        # The failure a plain install of lxml 6 without lxml_html_clean gives.
        ("lxml.html.clean", "trafilatura"),
        # spaCy is imported by no module at import time: the check reaches it and names it.
        ("spacy", "spacy"),
    ],
)
def test_a_package_that_cannot_load_fails_the_build_with_one_line_naming_it(
    tmp_path, broken, package
):
    project = make_project(
        tmp_path,
        {"page.html": "<html><body><article><p>" + ORDINARY + "</p></article></body></html>"},
    )
    script = (
        f"import sys; sys.modules[{broken!r}] = None; from build_digest.cli import main; main()"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, "build", "--site-dir", "out"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode != 0
    assert "Traceback" not in out.stderr
    assert (
        f"the package '{package}' cannot be loaded" in out.stderr
        and "fix: pip install" in out.stderr
    )
    assert not (project / "out").exists()


def test_a_missing_ner_model_fails_the_build_with_one_line_naming_the_fix(tmp_path):
    project = make_project(tmp_path)
    set_option(project, "ner_model", "no_such_model")
    config = project / "mkdocs.yml"
    result = CliRunner().invoke(
        main, ["build", "-f", str(config), "--site-dir", str(project / "out")]
    )
    assert result.exit_code != 0
    assert (
        "spaCy model 'no_such_model' cannot be loaded" in result.output and "fix:" in result.output
    )
    assert not (project / "out").exists()


@pytest.mark.parametrize("name", ["index", "2"])
def test_a_topic_slug_that_names_a_listing_page_is_a_taxonomy_error(tmp_path, name):
    from build_digest.taxonomy import TaxonomyError, load_taxonomy

    path = tmp_path / "taxonomy.yml"
    path.write_text(f"topics:\n  '{name}':\n    name: Listing\n")
    with pytest.raises(TaxonomyError, match="listing page"):
        load_taxonomy(path)


# --- fuzzing: ingest -> clean -> dates on random input ------------------------------------------

yaml_values = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "2024-02-30",
            "0000-01",
            "1:30",
            "NO",
            "~",
            "!!set {a, b}",
            "&a [1, 2]",
            "*a",
            "[[[",
            "{x: [y]}",
            "9" * 400,
            "2024-01-01 25:00:00",
        ]
    ),
)
front_matter = st.dictionaries(
    st.sampled_from(
        ["title", "date", "outlet", "tags", "source_url", "author", "subtitle", "published"]
    ),
    yaml_values,
    max_size=6,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    head=st.one_of(
        st.binary(max_size=300),
        front_matter.map(
            lambda d: ("---\n" + "".join(f"{k}: {v}\n" for k, v in d.items()) + "---\n").encode(
                "utf-8", "surrogatepass"
            )
        ),
    ),
    body=st.one_of(
        st.binary(max_size=400),
        st.text(max_size=400).map(lambda t: t.encode("utf-8", "surrogatepass")),
    ),
    suffix=st.sampled_from([".txt", ".md", ".html"]),
)
def test_random_bytes_and_front_matter_never_escape_ingest_clean_or_dates(head, body, suffix):
    from build_digest.cleaning import clean_document
    from build_digest.dates import article_date
    from build_digest.ingest import RejectedSource, read_source

    warnings: list[str] = []
    try:
        document = read_source(f"fuzz{suffix}", head + body, "0" * 64, warnings=warnings)
    except RejectedSource as exc:
        assert str(exc)  # rejected, with a reason
        return
    article = clean_document(document)
    article_date(article)


def test_a_file_crafted_to_share_a_story_id_never_takes_the_address_over():
    from build_digest.dedupe import dedupe, fingerprint
    from build_digest.models import (
        Block,
        CleanedArticle,
        Role,
        SourceDocument,
        SourceKind,
        SourceVersion,
    )

    def article(sha: str, town: str, body: str) -> SourceVersion:
        source = SourceDocument(f"{town}.txt", sha, body, "utf-8", SourceKind.TEXT)
        cleaned = CleanedArticle(source, "Market shelled", (Block(Role.PARAGRAPH, body),), ())
        return SourceVersion(cleaned, Undated(), fingerprint(cleaned))

    genuine = article(
        "abcdef123456" + "0" * 52,
        "Lashio",
        "Residents of Lashio said on Monday that the army had shelled the market twice.",
    )
    crafted = article(
        "abcdef123456" + "f" * 52,
        "Hsenwi",
        "A crafted file about something else entirely, written to take an address over.",
    )
    alone = {s.main.source.path: s.id for s in dedupe([genuine])}
    together = {s.main.source.path: s.id for s in dedupe([crafted, genuine])}
    assert together["Lashio.txt"] == alone["Lashio.txt"] == "market-shelled-abcdef123456"
    assert together["Hsenwi.txt"] == "market-shelled-abcdef123456" + "f" * 52


def test_an_empty_archive_builds_a_site_that_says_how_to_add_sources(tmp_path):
    project = make_project(tmp_path / "empty", with_seeds=False)
    exit_code, output, catalog = build(project, "--strict")
    assert exit_code == 0, output
    assert catalog["articles"] == [] and catalog["sources"] == []
    home = (project / "out" / "index.html").read_text(encoding="utf-8")
    assert "No stories yet" in home and "sources/" in home
    search = (project / "out" / "search" / "index.html").read_text(encoding="utf-8")
    assert "no stories yet" in search


@pytest.mark.parametrize(
    ("args", "code", "stream", "words"),
    [
        (["--help"], 0, "stdout", "Commands:"),
        (["build", "-f", "missing.yml"], 1, "stderr", "missing.yml not found"),
        (["no-such-command"], 2, "stderr", "No such command"),
    ],
)
def test_the_command_exits_with_its_status_and_all_its_output(tmp_path, args, code, stream, words):
    """``build-digest`` skips the interpreter's teardown (``cli.run``): its exit status and
    every line it wrote must still reach the caller."""
    done = subprocess.run(
        [sys.executable, "-m", "build_digest.cli", *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == code
    assert words in getattr(done, stream)
