"""Stage 15 (render), for a renderer that runs no MkDocs plugin: the Markdown site on disk.

Inside MkDocs the plugin hands the generated pages over in memory. Zensical (and any other
renderer that reads ``mkdocs.yml``) takes only files, so this writes the whole site as a
project folder: ``docs/`` (the hand-written pages with their ``<!-- digest:NAME -->`` markers
filled, every generated page, the site's assets, the feeds and ``catalog.json``),
``overrides/`` (the digest's theme additions under the site's own), ``search-records.json``
(what the search index holds, for indexing after the render) and a ``mkdocs.yml`` that is the
site's own without the digest plugin. The Markdown is the same the plugin renders.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import re
import shutil
from collections.abc import Mapping
from pathlib import Path

import yaml

from .errors import DigestError
from .models import DigestResult
from .publish import SiteAddress, site_files

THEME_DIR = Path(__file__).parent / "theme"
MARKER = re.compile(r"<!--\s*digest:(\w+)\s*-->")
"""Where a hand-written page takes a generated fragment: ``<!-- digest:recent -->``."""
RECORDS_FILE = "search-records.json"


class Renderer(enum.StrEnum):
    """What turns the Markdown into HTML."""

    MKDOCS = "mkdocs"
    """MkDocs with Material, through the plugin (the default; also ProperDocs)."""
    ZENSICAL = "zensical"
    """Zensical, from the Markdown written to disk: it reads ``mkdocs.yml``, runs no plugin."""


MATERIAL_ONLY_OVERRIDES = frozenset({"partials/header.html"})
"""Theme files that are Material's own partials with one change of the digest's: Zensical's
partials differ from Material's (its header has other markup), so it keeps its own and the
header's magnifier is not turned into a link to the Search page there."""


@dataclasses.dataclass(frozen=True)
class Project:
    """The site as its ``mkdocs.yml`` describes it."""

    config: Mapping[str, object]
    """The configuration as written (environment variables resolved), not MkDocs' defaults."""
    docs_dir: Path
    custom_dir: Path | None
    site: SiteAddress


def fill_markers(markdown: str, fragments: Mapping[str, str], page: str) -> str:
    """A hand-written page with each ``<!-- digest:NAME -->`` marker replaced by its fragment."""

    def fill(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in fragments:
            raise DigestError(
                f"{page}: unknown marker digest:{name} (known: {', '.join(sorted(fragments))})"
            )
        return fragments[name]

    return MARKER.sub(fill, markdown)


def hand_written_clash(page: str) -> str:
    """Why a hand-written page under ``docs/`` cannot stand where a generated one does."""
    return f"docs/{page} is hand-written but the digest generates that page: rename or remove it"


def write_markdown_site(
    result: DigestResult, project: Project, out: Path, renderer: Renderer, site_dir: Path
) -> Path:
    """Write the site's Markdown project into ``out`` (which must not exist) for ``renderer``
    to build into ``site_dir``; the path of the ``mkdocs.yml`` written."""
    out.mkdir(parents=True)
    docs = out / "docs"
    shutil.copytree(project.docs_dir, docs)
    for page in sorted(docs.rglob("*.md")):
        name = page.relative_to(docs).as_posix()
        if name in result.pages:
            raise DigestError(hand_written_clash(name))
        text = page.read_text(encoding="utf-8")
        page.write_text(fill_markers(text, result.fragments, f"docs/{name}"), encoding="utf-8")
    for name, markdown in result.pages.items():
        _write(docs / name, markdown.encode("utf-8"))
    for name, data in site_files(result, project.site).items():
        _write(docs / name, data)
    _write_overrides(out / "overrides", project.custom_dir, renderer)
    records = [dataclasses.asdict(r) for r in result.search_records]
    _write(out / RECORDS_FILE, json.dumps(records, ensure_ascii=False, indent=1).encode("utf-8"))
    config_file = out / "mkdocs.yml"
    config = renderer_config(project.config, project.site, renderer, site_dir)
    try:
        text = yaml.safe_dump(config, sort_keys=False, allow_unicode=True, width=1000)
    except yaml.YAMLError as exc:  # a !!python/name: value, which only MkDocs can load
        raise DigestError(
            f"mkdocs.yml holds a value only MkDocs can read, which {renderer} cannot take: {exc}"
        ) from exc
    config_file.write_text(text, encoding="utf-8")
    return config_file


def renderer_config(
    config: Mapping[str, object], site: SiteAddress, renderer: Renderer, site_dir: Path
) -> dict[str, object]:
    """The site's ``mkdocs.yml`` for the Markdown on disk: its docs and theme overrides from
    the folder written, and no digest plugin (the pages are already there)."""
    written = dict(config)
    written["docs_dir"] = "docs"
    written["site_dir"] = str(site_dir)
    written["site_url"] = site.url
    written["use_directory_urls"] = site.directory_urls
    theme = written.get("theme") or {}
    theme = {"name": theme} if isinstance(theme, str) else dict(theme)  # type: ignore[call-overload]
    theme["custom_dir"] = "overrides"
    written["theme"] = theme
    plugins = [p for p in _plugin_entries(written.get("plugins")) if _plugin_name(p) != "digest"]
    if renderer is Renderer.ZENSICAL and "search" not in map(_plugin_name, plugins):
        # Zensical searches by default, with an index of every page that each visitor
        # downloads whole; the archive's search is its Pagefind index.
        plugins.append({"search": {"enabled": False}})
    written["plugins"] = plugins
    return written


def _plugin_entries(value: object) -> list[object]:
    if isinstance(value, Mapping):
        return [{name: options} for name, options in value.items()]
    return list(value) if isinstance(value, list) else []


def _plugin_name(entry: object) -> str:
    if isinstance(entry, Mapping):
        return str(next(iter(entry), ""))
    return str(entry)


def _write_overrides(out: Path, custom_dir: Path | None, renderer: Renderer) -> None:
    """The digest's theme files, then the site's own ``custom_dir`` over them (a site's own
    template wins, as it does in the plugin)."""
    for path in sorted(THEME_DIR.rglob("*")):
        name = path.relative_to(THEME_DIR).as_posix()
        if path.is_file() and not (
            renderer is Renderer.ZENSICAL and name in MATERIAL_ONLY_OVERRIDES
        ):
            _write(out / name, path.read_bytes())
    if custom_dir is not None and custom_dir.is_dir():
        shutil.copytree(custom_dir, out, dirs_exist_ok=True)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
