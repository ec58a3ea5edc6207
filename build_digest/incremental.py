"""Stage 15 (render), with MkDocs: render only the pages whose inputs changed since the last
build of the same site.

MkDocs renders every generated page on every build, and ``mkdocs build --dirty`` trusts file
times, which generated pages do not have, and leaves the navigation stale. Here, a manifest
kept with the cache records what every generated page of the last site built into a folder
was made of: its Markdown, and the inputs every page shares (the configuration as MkDocs
resolved it, the navigation, the digest's and the site's theme overrides, and the versions of
MkDocs, Material, Markdown and the digest). On the next build into that folder, a page whose
Markdown and shared inputs are unchanged says it is not modified, so MkDocs' dirty mode
neither reads nor renders it, and its previous output is linked into the new site; when a
shared input changed, every page is rendered. The new site is still built in a fresh staging
folder, so a page that disappeared is simply not there, and the result is byte-identical to a
clean build of the same sources (``tests/test_incremental.py``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File
from mkdocs.structure.nav import Link, Navigation, Section
from mkdocs.structure.pages import Page

from .cache import content_key

MANIFEST_VERSION = 1
"""Changes with the manifest's shape: an older one is ignored (everything is rendered)."""
RENDERING_PACKAGES = (
    "mkdocs",
    "mkdocs-material",
    "markdown",
    "pymdown-extensions",
    "jinja2",
    "pygments",
    "build-digest",
)
"""What turns a page's Markdown into its HTML besides the configuration: a new version of any
of them may change every page."""
CONFIG_KEYS = (
    "site_name",
    "site_url",
    "site_description",
    "site_author",
    "copyright",
    "repo_url",
    "repo_name",
    "edit_uri",
    "use_directory_urls",
    "extra",
    "extra_css",
    "extra_javascript",
    "markdown_extensions",
    "mdx_configs",
    "strict",
)
"""Options as MkDocs resolved them (environment variables, command-line overrides such as
``--offline``), besides the bytes of ``mkdocs.yml`` itself."""
_DIRTY_WARNING = "A 'dirty' build is being performed"


class GeneratedFile(File):
    """A page or file the digest generated, which can say it is unchanged since the last
    build: then MkDocs' dirty mode neither reads nor renders it (a file that never says so,
    a feed, is written every time); or, once converted, that another process writes it
    (``parallel_render``): then MkDocs does not write it."""

    unchanged: bool = False
    written_beside: bool = False

    def is_modified(self) -> bool:
        return not (self.unchanged or self.written_beside)


@dataclass
class Manifest:
    """What the generated pages of one built site were made of."""

    shared: str = ""
    """The key of every input all pages share."""
    pages: dict[str, str] = field(default_factory=dict)
    """Page (path under docs/) -> the key of its Markdown."""


def page_key(markdown: str) -> str:
    return hashlib.sha256(markdown.encode("utf-8", "surrogatepass")).hexdigest()


def manifest_path(cache_dir: Path, site_dir: Path) -> Path:
    """Where the manifest of the site built into ``site_dir`` is kept: one per site folder."""
    name = hashlib.sha256(str(site_dir.resolve()).encode("utf-8")).hexdigest()[:16]
    return cache_dir / "render" / f"{name}.json"


def load_manifest(path: Path) -> Manifest | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != MANIFEST_VERSION:
            return None
        return Manifest(str(data["shared"]), {str(k): str(v) for k, v in data["pages"].items()})
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # no manifest, or one of another shape: render everything


def save_manifest(path: Path, manifest: Manifest) -> None:
    """Written when the site it describes is in place: a failed build leaves the old one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"version": MANIFEST_VERSION, "shared": manifest.shared, "pages": manifest.pages}
    scratch = path.with_suffix(".tmp")
    scratch.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
    os.replace(scratch, path)


def shared_key(config: MkDocsConfig, nav: Navigation, theme_dirs: list[Path]) -> str:
    """The key of every input a generated page's HTML depends on besides its own Markdown."""
    parts = [Path(config.config_file_path).read_bytes().decode("utf-8", "replace")]
    parts.append(
        json.dumps({k: config.get(k) for k in CONFIG_KEYS}, sort_keys=True, default=_plain)
    )
    parts.append(json.dumps(dict(config.theme), sort_keys=True, default=_plain))
    parts.append(json.dumps(_nav_outline(nav.items)))
    for name in RENDERING_PACKAGES:
        try:
            parts.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            parts.append(f"{name} none")
    for folder in theme_dirs:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            parts.append(f"{path.relative_to(folder).as_posix()} {digest}")
    return content_key(*parts)


def _plain(value: object) -> object:
    """A value JSON cannot hold, the same in every process (a set in sorted order)."""
    if isinstance(value, set | frozenset):
        return sorted(map(str, value))
    return str(value)


def _nav_outline(items: list) -> list:
    """The navigation as every page shows it: titles and addresses, in order."""
    outline: list = []
    for item in items:
        if isinstance(item, Section):
            outline.append([item.title, _nav_outline(item.children)])
        elif isinstance(item, (Page, Link)):
            outline.append([item.title, item.url])
    return outline


def link_previous_output(previous_site: Path, site_dir: Path, dest_path: str) -> None:
    """The page's output of the last build, in the new site: a hard link (the old site is
    replaced, never written into), or a copy where the two folders cannot share files. Done
    again (``publish.BackgroundWrites``), it leaves a link to the same file as it is."""
    source, target = previous_site / dest_path, site_dir / dest_path
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except FileExistsError:
        if not os.path.samefile(source, target):  # never written through: it may be a link
            target.unlink()
            link_previous_output(previous_site, site_dir, dest_path)
    except OSError:
        shutil.copy2(source, target)


class DirtyModeNotice(logging.Filter):
    """MkDocs warns that a dirty build may leave navigation stale; this one renders every
    page whose navigation changed, so its warning would only fail ``--strict``."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(_DIRTY_WARNING)
