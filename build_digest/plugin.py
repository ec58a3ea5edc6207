"""Stage 15 (render), with MkDocs: the plugin, a thin adapter from MkDocs events to the
pipeline.

on_config runs the pipeline; on_files adds the generated pages, the feeds and catalog.json
(in memory, marked generated, never written into docs/); on_page_markdown fills the
hand-written pages' ``<!-- digest:NAME -->`` markers; on_post_build publishes what follows
the render (``publish.py``: the search index, the redirect pages of former story URLs);
on_serve watches the sources folder and the taxonomy so ``mkdocs serve`` rebuilds when they
change.

Strict mode: everything the digest reports goes through the ``mkdocs.plugins.digest``
logger, which MkDocs counts. A rejected source and a warning about a source's metadata
are warnings, so ``--strict`` fails on them; unknown front-matter keys are kept as
extra metadata and are not warnings.
"""

from __future__ import annotations

import dataclasses
import gc
import logging
from pathlib import Path

from jinja2 import Environment
from mkdocs.commands.build import _build_page
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import Files, InclusionLevel
from mkdocs.structure.nav import Navigation

from .config import DigestPluginConfig
from .errors import DigestError
from .incremental import GeneratedFile, Manifest, link_previous_output, page_key, shared_key
from .markdown_site import THEME_DIR, fill_markers, hand_written_clash
from .models import DigestResult, SearchRecord
from .parallel_render import Converted, SecondConverter, log_again, put_in_place
from .parallel_render import start as start_converter
from .pipeline import StageTimer, run_pipeline
from .publish import BackgroundWrites, SiteAddress, finish_site, site_files, start_redirects
from .search import PAGES_FOLDER, BackgroundIndex
from .settings import DigestSettings
from .text import visible

log = logging.getLogger("mkdocs.plugins.digest")


class DigestPlugin(BasePlugin[DigestPluginConfig]):
    def __init__(self) -> None:
        self.result: DigestResult | None = None
        self.settings: DigestSettings | None = None
        self.timer = StageTimer()
        self.sources_override: Path | None = None
        self.use_cache = True
        """False for ``build --no-cache``: compute everything, read and write no cache."""
        self.directory_urls = True
        """The site's ``use_directory_urls``, read with its configuration."""
        self.index: BackgroundIndex | None = None
        self.error: str | None = None
        """The digest's own message when it stopped the build (MkDocs only says "Aborted")."""
        self.previous_site: Path | None = None
        """The site the last build put where this one goes (``build-digest build`` sets it):
        the pages that did not change are taken from it rather than rendered again."""
        self.manifest: Manifest | None = None
        """What the previous site's pages were made of (``incremental.py``); None when no
        manifest is kept (``mkdocs build``, ``mkdocs serve``, ``--no-cache``): nothing is
        tracked then, and every page is rendered."""
        self.next_manifest: Manifest | None = None
        """What this build's pages are made of, saved once the new site is in place."""
        self.kept: list[GeneratedFile] = []
        self.writes: BackgroundWrites | None = None
        """The files written beside the render: redirect pages, and the unchanged pages
        linked from the last site."""
        self.two_cores = False
        """Whether some of the pages may be rendered in a second process (``parallel_render``):
        ``build-digest build`` says so; ``mkdocs build`` and ``mkdocs serve`` render them all
        in their own."""
        self.converter: SecondConverter | None = None
        self.nav: Navigation | None = None
        self.files: Files | None = None
        self.env: Environment | None = None
        """What writing a page the second process left unwritten takes (``write_left``)."""
        self.converted: dict[str, Converted] = {}
        """Pages the second process converted, waiting for MkDocs' ``on_page_content``."""

    def run_settings(self) -> DigestSettings:
        """The options the pipeline runs with: mkdocs.yml's, with the command line's
        ``--sources`` and ``--no-cache``."""
        settings = self.config.to_settings()
        if self.sources_override is not None:
            settings = dataclasses.replace(settings, sources_dir=self.sources_override.resolve())
        if not self.use_cache:
            settings = dataclasses.replace(settings, cache_dir=None)
        return dataclasses.replace(settings, directory_urls=self.directory_urls)

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        # The digest's template additions (feed links, share metadata) come with the
        # package, after the site's own custom_dir so that a site can still override them.
        if str(THEME_DIR) not in config.theme.dirs:
            config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(THEME_DIR))
        self.error = None
        self.directory_urls = config.use_directory_urls
        self.settings = settings = self.run_settings()
        try:
            self.result = self.run_indexing(settings, Path(config.site_dir).resolve().parent)
        except DigestError as exc:
            self.error = str(exc)
            raise PluginError(str(exc)) from exc
        report(self.result)
        return config

    def run_indexing(self, settings: DigestSettings, beside: Path) -> DigestResult:
        """The pipeline, with the search index started (in ``beside``) as soon as the stories
        are settled, so that Pagefind runs beside the later stages and the render, and handed
        the final records once their topics are known; the index is cancelled if the
        pipeline fails."""
        self.cancel_index()  # a rebuild by `serve` that failed before post-build left one

        kept = settings.cache_dir / PAGES_FOLDER if settings.cache_dir is not None else None

        def start_index(drafts: tuple[SearchRecord, ...]) -> None:
            self.index = BackgroundIndex(drafts, beside=beside, kept=kept)

        def label_index(records: tuple[SearchRecord, ...]) -> None:
            if self.index is not None:
                self.index.label(records)

        try:
            return run_pipeline(
                settings, timer=self.timer, on_records=label_index, on_drafts=start_index
            )
        except BaseException:
            self.cancel_index()
            raise

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.result is not None
        for path, content in self.result.pages.items():
            if files.get_file_from_path(path) is not None:
                raise PluginError(hand_written_clash(path))
            files.append(GeneratedFile.generated(config, path, content=content))
        for path, data in site_files(self.result, site_address(config)).items():
            files.append(GeneratedFile.generated(config, path, content=data))
        owners: dict[str, str] = {}
        for file in files.documentation_pages():
            other = owners.setdefault(file.url, file.src_uri)
            if other != file.src_uri:
                raise PluginError(
                    f"two pages would be published at the same address '{file.url}': {other} and"
                    f" {file.src_uri}"
                )
        return files

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        """Which generated pages are unchanged since the site in ``previous_site`` was built:
        those are neither read nor rendered (``incremental.py``), their old output is linked
        in, and the redirect pages are written, beside the render."""
        assert self.result is not None
        # The archive's objects live to the end of the build: set aside from the collector,
        # which the render's many small objects would otherwise have walk them again and again.
        gc.freeze()
        self.kept = self.unchanged_pages(config, nav, files)
        self.cancel_writes()  # a rebuild by `serve` that failed before post-build left some
        self.close_converter()
        if self.two_cores:  # forked before the writes' copy (``BackgroundWrites``)
            to_render = [
                f
                for f in files.documentation_pages()
                if isinstance(f, GeneratedFile) and not f.unchanged
            ]
            self.converter = start_converter(config, files, nav, to_render, self)
            self.nav, self.files = nav, files
        self.writes = writes = BackgroundWrites()
        site_dir = Path(config.site_dir)
        for file in self.kept:
            writes.submit(link_previous_output, self.previous_site, site_dir, file.dest_uri)
        taken = {file.dest_uri for file in files}
        start_redirects(
            writes, site_dir, self.result, site_address(config), taken, self.previous_site
        )
        writes.flush()  # the last few start now, not when the render is done
        return nav

    def unchanged_pages(
        self, config: MkDocsConfig, nav: Navigation, files: Files
    ) -> list[GeneratedFile]:
        """The generated pages whose inputs are those of the previous site's (marked
        ``unchanged``: MkDocs neither reads nor renders them); none without a manifest."""
        assert self.result is not None
        if self.manifest is None:
            return []
        custom = [Path(config.theme.custom_dir)] if config.theme.custom_dir else []
        shared = shared_key(config, nav, [THEME_DIR, *custom])
        pages = {path: page_key(text) for path, text in self.result.pages.items()}
        self.next_manifest = Manifest(shared, pages)
        previous, site = self.manifest, self.previous_site
        if site is None or previous.shared != shared:
            return []
        kept = []
        for file in files.documentation_pages():
            if (
                isinstance(file, GeneratedFile)
                and previous.pages.get(file.src_uri) == pages.get(file.src_uri)
                and (site / file.dest_uri).is_file()
            ):
                file.unchanged = True
                kept.append(file)
        log.info("%d of %d generated pages unchanged: not rendered again", len(kept), len(pages))
        return kept

    def on_page_read_source(self, *, page, config: MkDocsConfig) -> str | None:
        if self.converter is not None:
            converted = self.converter.take(page.file.src_uri)
            if converted is not None:  # nothing to read or convert here (``on_page_content``)
                self.converted[page.file.src_uri] = converted
                return ""
        return None

    def on_page_markdown(self, markdown: str, *, page, config: MkDocsConfig, files: Files) -> str:
        assert self.result is not None
        if page.file.src_uri in self.converted:
            return markdown
        try:
            return fill_markers(markdown, self.result.fragments, page.file.src_uri)
        except DigestError as exc:
            raise PluginError(str(exc)) from exc

    def on_page_content(self, html: str, *, page, config: MkDocsConfig, files: Files) -> str:
        converted = self.converted.pop(page.file.src_uri, None)
        if converted is None:
            return html
        page.file.written_beside = True  # by the second process, or else by ``write_left``
        return put_in_place(page, converted, files)

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        self.env = env
        return env

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        assert self.result is not None and self.index is not None
        self.write_left(config)
        index, self.index = self.index, None
        writes, self.writes = self.writes, None
        # What is left of indexing and writing once the pages are rendered: both ran beside.
        site = site_address(config)
        try:
            self.timer.run(
                "publish", finish_site, Path(config.site_dir), self.result, site, index, writes
            )
        finally:
            gc.unfreeze()  # what on_nav set aside is the collector's again

    def on_build_error(self, *, error: Exception) -> None:
        gc.unfreeze()
        self.cancel_index()
        self.cancel_writes()
        self.close_converter()

    def write_left(self, config: MkDocsConfig) -> None:
        """Wait for the second process to write its pages, log what it logged doing so, and
        write those it left (it failed) as MkDocs would have."""
        converter, self.converter = self.converter, None
        if converter is None:
            return
        written = converter.written()
        assert self.files is not None and self.nav is not None and self.env is not None
        doc_files = self.files.documentation_pages(inclusion=InclusionLevel.is_included)
        for file in doc_files:
            if not (isinstance(file, GeneratedFile) and file.written_beside):
                continue
            file.written_beside = False
            if file.src_uri in written:
                log_again(written[file.src_uri])
            else:
                assert file.page is not None
                excluded = file.inclusion.is_excluded()
                _build_page(file.page, config, doc_files, self.nav, self.env, excluded=excluded)

    def close_converter(self) -> None:
        """Stop the second process, and forget what it converted."""
        if self.converter is not None:
            converter, self.converter = self.converter, None
            converter.close()
        self.converted = {}

    def cancel_writes(self) -> None:
        """Stop the writes of a build that will not be published."""
        if self.writes is not None:
            writes, self.writes = self.writes, None
            writes.cancel()

    def cancel_index(self) -> None:
        """Stop a search index that a failed build will not publish."""
        if self.index is not None:
            index, self.index = self.index, None
            index.cancel()

    def on_serve(self, server, *, config: MkDocsConfig, builder):
        assert self.settings is not None
        server.watch(str(self.settings.sources_dir))
        server.watch(str(self.settings.taxonomy))
        return server


def report(result: DigestResult) -> None:
    """Every rejection and warning about a source, where ``--strict`` counts them."""
    for rejection in result.rejections:
        log.warning("Rejected %s: %s", visible(rejection.path), visible(rejection.reason))
    for path, notes in sorted(result.notes.items()):
        for note in notes:
            log.warning("%s: %s", visible(path), visible(note))


def site_address(config: MkDocsConfig) -> SiteAddress:
    return SiteAddress(config.site_name, config.site_url or "", config.use_directory_urls)
