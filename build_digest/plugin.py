"""The MkDocs plugin: a thin adapter from MkDocs events to the pipeline.

on_config runs the pipeline; on_files adds the generated pages (in memory, marked
generated, never written into docs/); on_page_markdown fills the hand-written pages'
``<!-- digest:NAME -->`` markers; on_post_build writes catalog.json; on_serve watches
the sources folder and the taxonomy so ``mkdocs serve`` rebuilds when they change.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from .config import DigestPluginConfig, DigestSettings
from .models import DigestResult
from .pipeline import StageTimer, run_pipeline
from .tag import TaxonomyError

log = logging.getLogger("mkdocs.plugins.digest")
_MARKER = re.compile(r"<!--\s*digest:(\w+)\s*-->")


class DigestPlugin(BasePlugin[DigestPluginConfig]):
    def __init__(self) -> None:
        self.result: DigestResult | None = None
        self.settings: DigestSettings | None = None
        self.timer = StageTimer()
        self.sources_override: Path | None = None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        config_dir = Path(config.config_file_path or ".").resolve().parent
        try:
            settings = self.config.to_settings(config_dir)
        except ValueError as exc:
            raise PluginError(f"{config.config_file_path}: {exc}") from exc
        if self.sources_override is not None:
            settings = DigestSettings(**{**settings.__dict__, "sources_dir": self.sources_override.resolve()})
        self.settings = settings
        try:
            self.result = run_pipeline(settings, timer=self.timer)
        except (TaxonomyError, FileNotFoundError, RuntimeError) as exc:
            raise PluginError(str(exc)) from exc
        for path, notes in sorted(self.result.notes.items()):
            for note in notes:
                log.warning("%s: %s", path, note)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.result is not None
        for path, content in self.result.pages.items():
            if files.get_file_from_path(path) is not None:
                raise PluginError(f"docs/{path} is hand-written but the digest generates that page: rename or remove it")
            files.append(File.generated(config, path, content=content))
        return files

    def on_page_markdown(self, markdown: str, *, page, config: MkDocsConfig, files: Files) -> str:
        assert self.result is not None
        fragments = self.result.fragments

        def fill(m: re.Match[str]) -> str:
            name = m.group(1)
            if name not in fragments:
                raise PluginError(f"{page.file.src_uri}: unknown marker digest:{name} (known: {', '.join(sorted(fragments))})")
            return fragments[name]

        return _MARKER.sub(fill, markdown)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        assert self.result is not None
        out = Path(config.site_dir) / "catalog.json"
        out.write_text(json.dumps(self.result.catalog, ensure_ascii=False, indent=2, sort_keys=False) + "\n", encoding="utf-8")

    def on_serve(self, server, *, config: MkDocsConfig, builder):
        assert self.settings is not None
        server.watch(str(self.settings.sources_dir))
        server.watch(str(self.settings.taxonomy))
        return server
