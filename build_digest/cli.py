"""Around the stages: ``build-digest``, to build, check and preview the archive; a thin adapter
over the plugin.

A build renders into a fresh folder beside the target and swaps it in only when
MkDocs succeeded, so a failed build never leaves a half-written site in place.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import click
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import MkDocsException
from mkdocs.utils import yaml_load

from .catalog import status_counts
from .cleaning import removal_counts
from .deps import check_dependencies
from .entities import preload_model
from .errors import DigestError
from .incremental import DirtyModeNotice, Manifest, load_manifest, manifest_path, save_manifest
from .markdown_site import Project, Renderer, write_markdown_site
from .models import REMOVAL_WORDING, DigestResult, TaggedStory
from .pipeline import run_pipeline
from .plugin import DigestPlugin, report, site_address
from .publish import finish_site
from .taxonomy import Taxonomy, load_taxonomy
from .text import visible
from .topics import topics_not_given
from .zensical_render import build_with_zensical, zensical_version

PROGRESS_FROM = 300
"""From this many source files on, a build shows each stage's progress."""


class _ConfigErrors(logging.Handler):
    """MkDocs logs each invalid option and then stops with a bare "Aborted with 1 configuration
    errors!": this keeps what it logged, so the final error line can name the option."""

    OPTION = re.compile(r"^Config value '(\w+)': Plugin '([\w-]+)' option '(\w+)': ")

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        message = self.OPTION.sub(r"\1.\2.\3: ", message)  # plugins.digest.page_size: ...
        self.messages.append(re.sub(r"^Config value '(\w+)': ", r"\1: ", message))

    def summary(self) -> str:
        return "; ".join(self.messages)


def _config(config_file: Path, **overrides: object) -> tuple[MkDocsConfig, DigestPlugin]:
    """The MkDocs config and its digest plugin, or one line saying why not."""
    if not config_file.is_file():
        raise click.ClickException(
            f"{config_file} not found: run from the project folder or pass --config-file"
        )
    errors = _ConfigErrors()
    logging.getLogger("mkdocs.config").addHandler(errors)
    try:
        cfg = load_config(str(config_file), **overrides)  # type: ignore[arg-type]  # MkDocs types its overrides as str
    except MkDocsException as exc:
        raise click.ClickException(f"{config_file}: {errors.summary() or exc}") from exc
    finally:
        logging.getLogger("mkdocs.config").removeHandler(errors)
    plugin = cfg.plugins.get("digest")
    if not isinstance(plugin, DigestPlugin):
        raise click.ClickException(
            f"{config_file} does not enable the 'digest' plugin under plugins:"
        )
    return cfg, plugin


def _load(
    config_file: Path,
    sources: Path | None,
    site_dir: Path | None = None,
    strict: bool = False,
    offline: bool = False,
):
    overrides: dict[str, object] = {"strict": strict}
    if offline:  # every link names its file (story/index.html), as a folder opened from disk needs
        overrides["use_directory_urls"] = False
    if site_dir is not None:
        overrides["site_dir"] = str(site_dir)
    cfg, plugin = _config(config_file, **overrides)
    plugin.sources_override = sources
    plugin.directory_urls = cfg.use_directory_urls
    try:  # a missing package or model is one line here, before anything is built
        check_dependencies()
        preload_model(plugin.config.ner_model)
    except DigestError as exc:
        raise click.ClickException(visible(str(exc))) from exc
    return cfg, plugin


def _configure_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)-7s - %(message)s",
        stream=sys.stderr,
    )
    # The digest's own per-stage progress is worth seeing on large archives.
    logging.getLogger("build_digest").setLevel(logging.INFO if verbose else logging.WARNING)


renderer_option = click.option(
    "--renderer",
    type=click.Choice([r.value for r in Renderer]),
    default=Renderer.MKDOCS.value,
    show_default=True,
    help="What renders the Markdown: MkDocs (through the plugin) or Zensical (from disk).",
)
config_option = click.option(
    "--config-file",
    "-f",
    type=click.Path(path_type=Path),
    default=Path("mkdocs.yml"),
    show_default=True,
)
sources_option = click.option(
    "--sources",
    type=click.Path(path_type=Path, file_okay=False),
    help="Sources folder (default: plugins.digest.sources_dir).",
)


@click.group()
def main() -> None:
    """Turn a folder of copied news articles into a searchable static archive."""


@main.command()
@config_option
@sources_option
@click.option(
    "--site-dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Output folder (default: site_dir of mkdocs.yml).",
)
@click.option("--strict", is_flag=True, help="Fail on any warning.")
@click.option(
    "--no-cache",
    is_flag=True,
    help="Compute everything again; read and write no cache (see `build-digest cache clear`).",
)
@click.option(
    "--offline",
    is_flag=True,
    help=(
        "A site that reads from a folder or zip (file://): links end in .html; search needs a"
        " server."
    ),
)
@renderer_option
@click.option("--verbose", "-v", is_flag=True, help="Show progress of every stage.")
def build(
    config_file: Path,
    sources: Path | None,
    site_dir: Path | None,
    strict: bool,
    no_cache: bool,
    offline: bool,
    renderer: str,
    verbose: bool,
) -> None:
    """Run the pipeline and render the site (with MkDocs, or with Zensical)."""
    started = time.perf_counter()
    cfg, plugin = _load(config_file, sources, strict=strict, offline=offline)
    plugin.use_cache = not no_cache
    plugin.two_cores = True
    sources_dir = sources or Path(cfg.config_file_path).parent / plugin.config.sources_dir
    many = (
        sources_dir.is_dir()
        and sum(1 for _ in zip(range(PROGRESS_FROM), sources_dir.rglob("*"), strict=False))
        >= PROGRESS_FROM
    )
    _configure_logging(verbose or many)
    target = Path(site_dir or cfg.site_dir).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
    cfg.site_dir = str(staging)
    manifest: Path | None = None
    try:
        if Renderer(renderer) is Renderer.ZENSICAL:
            _render_with_zensical(cfg, plugin, staging, strict)
        else:
            manifest = _previous_render(plugin, target)
            # Dirty mode into an empty folder renders everything, but for the pages that
            # say they are unchanged (incremental.py): their old output is linked in.
            build_log = logging.getLogger("mkdocs.commands.build")
            notice = DirtyModeNotice()
            build_log.addFilter(notice)
            try:
                mkdocs_build(cfg, dirty=True)
            finally:
                build_log.removeFilter(notice)
    except (MkDocsException, SystemExit, DigestError) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise click.ClickException(
            visible(f"build failed, {target} left as it was: {plugin.error or exc}")
        ) from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _swap_in(staging, target)
    if manifest is not None and plugin.next_manifest is not None:
        save_manifest(manifest, plugin.next_manifest)
    result = plugin.result
    assert result is not None
    statuses = status_counts(result.catalog)
    click.echo(
        f"Read {sum(statuses.values())} sources: {statuses['published']} stories published, "
        f"{statuses['duplicate']} duplicates folded, {statuses['rejected']} rejected. "
        f"Site in {visible(str(target))} ({time.perf_counter() - started:.1f} s)."
    )
    if result.cache_lookups:
        click.echo(
            f"{result.cache_hits} of {result.cache_lookups} results (per source, story and"
            f" compared pair) came from the cache in {visible(str(plugin.config.cache_dir))}."
        )


def _previous_render(plugin: DigestPlugin, target: Path) -> Path | None:
    """Where the render manifest of the site in ``target`` is kept (None without a cache),
    after telling the plugin what the site there was made of."""
    cache_dir = plugin.run_settings().cache_dir
    if cache_dir is None:
        return None
    path = manifest_path(cache_dir, target)
    plugin.manifest = Manifest()  # an empty one: this build's pages are recorded, none kept
    if target.is_dir():
        plugin.previous_site = target
        plugin.manifest = load_manifest(path) or plugin.manifest
    return path


def _project(cfg: MkDocsConfig) -> Project:
    """The site as mkdocs.yml describes it, for a renderer that reads the file itself."""
    with open(cfg.config_file_path, "rb") as fd:
        written = yaml_load(fd)
    custom_dir = cfg.theme.custom_dir
    site = site_address(cfg)
    return Project(written, Path(cfg.docs_dir), Path(custom_dir) if custom_dir else None, site)


def _run(
    plugin: DigestPlugin, strict: bool = False, index_beside: Path | None = None
) -> DigestResult:
    """The pipeline outside MkDocs, reporting as the plugin does; ``strict``: any warning fails;
    ``index_beside``: the search index is started there (``plugin.index``) as in a build."""
    settings = plugin.run_settings()
    if index_beside is None:
        result = run_pipeline(settings, timer=plugin.timer)
    else:
        result = plugin.run_indexing(settings, index_beside)
    report(result)
    warnings = len(result.rejections) + sum(len(notes) for notes in result.notes.values())
    if strict and warnings:
        raise DigestError(f"--strict: {warnings} warnings about the sources (listed above)")
    plugin.result = result
    return result


def _render_with_zensical(
    cfg: MkDocsConfig, plugin: DigestPlugin, staging: Path, strict: bool
) -> None:
    """The Markdown site written beside the staging folder, built by Zensical into it, then
    published as the plugin publishes after MkDocs."""
    zensical_version()  # before the pipeline's minutes: one line if it is not installed
    try:
        result = _run(plugin, strict, index_beside=staging.parent)
        project = _project(cfg)
        with tempfile.TemporaryDirectory(prefix=".digest-markdown-", dir=staging.parent) as tmp:
            # Zensical builds only into its project folder: the site is moved out after.
            written = write_markdown_site(
                result, project, Path(tmp) / "site-markdown", Renderer.ZENSICAL, Path("site")
            )
            plugin.timer.run("render", build_with_zensical, written, strict)
            staging.rmdir()
            (written.parent / "site").rename(staging)
    except BaseException:
        plugin.cancel_index()
        raise
    index, plugin.index = plugin.index, None
    assert index is not None
    plugin.timer.run("publish", finish_site, staging, result, project.site, index)


def _swap_in(staging: Path, target: Path) -> None:
    """Replace the old site with the new one in two renames. The old one is then deleted by
    a process of its own that the build does not wait for: unlinking its 6,000 files took
    about 0.8 s of a one-source rebuild at 1,600 sources. An old site whose deletion was cut
    short (the machine stopped, the deleting process killed) goes the same way: deleted here,
    the 36,000 files of a site of 10,000 sources took 16 s (5 s of it CPU)."""
    for stale in sorted(target.parent.glob(f".{target.name}.old*")):
        _delete_later(stale)
    # Named so that it cannot be a folder whose deletion is still under way.
    old = target.with_name(f".{target.name}.old-{os.getpid()}-{time.time_ns()}")
    if target.exists():
        target.rename(old)
    staging.rename(target)
    if old.exists():
        _delete_later(old)


_DELETE = "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)"


def _delete_later(folder: Path) -> None:
    """``folder`` deleted in the background, by a process that outlives this one (in a
    session of its own, so that stopping the build's process group does not stop it); here
    and now if no process can be started."""
    _DELETERS[:] = [p for p in _DELETERS if p.poll() is None]  # reap the finished ones
    try:
        _DELETERS.append(
            subprocess.Popen(
                [sys.executable, "-c", _DELETE, str(folder)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        )
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)


_DELETERS: list[subprocess.Popen[bytes]] = []
"""The deleting processes started (kept so that none is collected, and warned about, while it
runs; ``run`` exits without waiting for them)."""


@main.command()
@config_option
@sources_option
@click.argument("out", type=click.Path(path_type=Path, file_okay=False))
@renderer_option
def markdown(config_file: Path, sources: Path | None, out: Path, renderer: str) -> None:
    """Write the archive as Markdown into OUT, for a renderer to build.

    OUT holds docs/ (every page, fragments filled, the feeds and catalog.json), overrides/
    (the theme additions), search-records.json and a mkdocs.yml without the digest plugin:
    `mkdocs build -f OUT/mkdocs.yml` (or zensical, properdocs) builds it into OUT/site.
    """
    _configure_logging(False)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise click.ClickException(f"{visible(str(out))} exists and is not an empty folder")
    cfg, plugin = _load(config_file, sources)
    try:
        result = _run(plugin)
        if out.exists():
            out.rmdir()
        written = write_markdown_site(result, _project(cfg), out, Renderer(renderer), Path("site"))
    except DigestError as exc:
        raise click.ClickException(visible(str(exc))) from exc
    statuses = status_counts(result.catalog)
    click.echo(
        f"Wrote {len(result.pages)} generated pages of {statuses['published']} stories to"
        f" {visible(str(out))}; build them with: {renderer} build -f {visible(str(written))}"
    )


@main.command()
@config_option
@sources_option
@click.option(
    "--removed/--no-removed",
    default=True,
    show_default=True,
    help="List every line the cleaner removed.",
)
def check(config_file: Path, sources: Path | None, removed: bool) -> None:
    """Run the pipeline without rendering; report what became of every source."""
    _configure_logging(False)
    _, plugin = _load(config_file, sources)
    settings = plugin.run_settings()
    try:
        result = run_pipeline(settings)
    except DigestError as exc:
        raise click.ClickException(visible(str(exc))) from exc
    articles = {a.source.path: a for t in result.stories for a in t.story.articles}
    shown_in = {t.story.main.source.path: t for t in result.stories}
    taxonomy = load_taxonomy(settings.taxonomy)
    languages = {
        v.article.source.path: v.language for t in result.stories for v in t.story.versions
    }
    for source in result.catalog["sources"]:
        path, status = source["path"], source["status"]
        shown = visible(path)
        if status == "published":
            click.echo(f"{shown}: published as story {source['article']}")
        elif status == "duplicate":
            click.echo(
                f"{shown}: folded into story {source['article']}: {visible(source['reason'])}"
            )
        else:
            click.echo(f"{shown}: REJECTED: {visible(source['reason'])}")
        for note in result.notes.get(path, ()):
            click.echo(f"    warning: {visible(note)}")
        article = articles.get(path)
        if article is not None:
            lang = languages[path]
            click.echo(
                f"    title: {visible(article.title)} | {article.word_count} words kept,"
                f" {len(article.removed)} lines removed"
            )
            click.echo(f"    language: {lang.code} ({lang.name}; {lang.source})")
            if path in shown_in:
                _echo_topics(shown_in[path], taxonomy)
            if removed:
                for line in article.removed:
                    click.echo(
                        f"    - line {line.line_number} [{line.reason}]: {visible(line.text[:100])}"
                    )
    all_articles = list(articles.values())
    counts = removal_counts(all_articles).most_common()
    summary = [f"{REMOVAL_WORDING[rule].format(detail='N')}: {n}" for rule, n in counts]
    click.echo("\nCleaning: " + (", ".join(summary) or "nothing removed"))
    statuses = status_counts(result.catalog)
    click.echo(
        f"Sources: {sum(statuses.values())}; stories {statuses['published']}, duplicates"
        f" {statuses['duplicate']}, rejected {statuses['rejected']}."
    )


def _echo_topics(tagged: TaggedStory, taxonomy: Taxonomy) -> None:
    """The story's topics and why (its phrases, what it reads like, its related stories, its
    tags), then those its phrases nearly gave: where the curator looks when a topic page
    lacks a story a reader would put there."""
    given = [f"{visible(lab.name)} ({lab.basis})" for lab in tagged.topics]
    click.echo(f"    topics: {', '.join(given) or 'none'}")
    missed = topics_not_given(tagged.story, taxonomy, [lab.slug for lab in tagged.topics])
    if missed:
        click.echo(f"    not given: {visible('; '.join(missed))}")


@main.group()
def cache() -> None:
    """The cache of results computed per source text (``plugins.digest.cache_dir``)."""


@cache.command("clear")
@config_option
def cache_clear(config_file: Path) -> None:
    """Delete the cache; the next build computes everything again."""
    from . import cache as digest_cache
    from .search import PAGES_FOLDER

    cfg, plugin = _config(config_file)
    folder = (Path(cfg.config_file_path).resolve().parent / plugin.config.cache_dir).resolve()
    existed = digest_cache.clear(folder)
    if (folder / PAGES_FOLDER).is_dir():  # the pages Pagefind read, kept for the next build
        shutil.rmtree(folder / PAGES_FOLDER)
        existed = True
    click.echo(f"Cache {'cleared' if existed else 'was already empty'}: {visible(str(folder))}")


@main.command()
@config_option
@click.option("--dev-addr", default="127.0.0.1:8000", show_default=True)
def serve(config_file: Path, dev_addr: str) -> None:
    """Live preview; rebuilds when sources/, docs/, the taxonomy or mkdocs.yml change."""
    from mkdocs.commands.serve import serve as mkdocs_serve

    _configure_logging(False)
    # MkDocs' own lines: the address served, each change detected, each rebuild; and the
    # digest's summary of each build.
    for name in (
        "mkdocs.commands.serve",
        "mkdocs.livereload",
        "mkdocs.commands.build",
        "mkdocs.plugins.digest",
    ):
        logging.getLogger(name).setLevel(logging.INFO)
    mkdocs_serve(config_file=str(config_file), dev_addr=dev_addr, livereload=True)


def run() -> None:
    """The ``build-digest`` command: ``main``, then an exit that skips the interpreter's
    teardown. Freeing a large build's objects one by one took 0.9 s at 1,600 sources, after
    the site was in place; by then everything the build writes is closed (the cache, the
    site, the search index) and the output is flushed here. mypy exits the same way
    (``mypy.util.hard_exit``). In-process callers (tests, scripts) use ``main``."""
    try:
        main()
        code: object = 0
    except SystemExit as done:  # click's standalone mode always ends with one
        code = done.code
    if code is None:
        code = 0
    elif not isinstance(code, int):  # a message, which Python would print and exit 1 for
        print(code, file=sys.stderr)
        code = 1
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        # A reader that closed the pipe, or a closed stream, has nothing left to flush to.
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


if __name__ == "__main__":
    run()
