"""Around the stages: the digest's options as the MkDocs plugin reads them from ``mkdocs.yml``,
validated.

They are written under the ``digest`` plugin. MkDocs validates them with its own option
types (paths relative to mkdocs.yml) and the two below (ranges, encodings), so every error
names the key; ``to_settings`` hands them on as the plain record of ``settings.py``, where
their defaults are.
"""

from __future__ import annotations

import codecs
import operator
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.base import ValidationError

from .cleaning import CleanConfig
from .dedupe import DedupeConfig
from .settings import DEFAULT_CACHE_DIR, DEFAULTS, DigestSettings


class Number(c.Type[float]):
    """A number option with a range, checked by MkDocs like its own options, so the error
    names the key: ``Plugin 'digest' option 'page_size': must be at least 10 (got 3)``."""

    def __init__(
        self,
        kind: type[int] | type[float],
        default: float,
        *,
        at_least: float | None = None,
        above: float | None = None,
        at_most: float | None = None,
    ) -> None:
        # A float option takes an int as written ("containment: 1"); an int option takes no
        # float, and neither takes a bool (YAML's "yes").
        super().__init__((int, float), default=default)
        self.kind = kind
        self.at_least, self.above, self.at_most = at_least, above, at_most

    def run_validation(self, value: object) -> float:
        if (
            isinstance(value, bool)  # YAML's "yes" is a bool, and a bool is an int
            or not isinstance(value, (int, float))
            or (self.kind is int and isinstance(value, float))
        ):
            kind = "a whole number" if self.kind is int else "a number"
            raise ValidationError(f"must be {kind} (got {value!r})")
        number = self.kind(value)
        limits = {
            "more than": (self.above, operator.gt),
            "at least": (self.at_least, operator.ge),
            "at most": (self.at_most, operator.le),
        }
        stated = [
            (f"{words} {bound:g}", test(number, bound))
            for words, (bound, test) in limits.items()
            if bound is not None
        ]
        if all(holds for _, holds in stated):
            return number
        raise ValidationError(f"must be {' and '.join(w for w, _ in stated)} (got {value!r})")


class Encoding(c.Type[str]):
    """The name of a text encoding Python knows (``cp1252``, ``cp874``, ``gb18030`` ...)."""

    def __init__(self, default: str) -> None:
        super().__init__(str, default=default)

    def run_validation(self, value: object) -> str:
        name = super().run_validation(value)
        try:
            codecs.lookup(name)
        except LookupError:
            raise ValidationError(f"unknown encoding {name!r}") from None
        return name


class DigestPluginConfig(base.Config):
    sources_dir = c.Dir(default=str(DEFAULTS.sources_dir))
    """Folder of source files, relative to mkdocs.yml. Its existence is checked when the
    pipeline runs, since ``--sources`` may name another."""
    taxonomy = c.File(exists=True, default=str(DEFAULTS.taxonomy))
    """Topic taxonomy and entity corrections, relative to mkdocs.yml."""
    ner_model = c.Type(str, default=DEFAULTS.ner_model)
    """Installed spaCy pipeline used to find people, places and organisations."""
    legacy_encoding = Encoding(default=DEFAULTS.legacy_encoding)
    """Code page preferred for text that is not UTF-8 when detection is unsure."""
    chrome_min_sources = Number(int, DEFAULTS.clean.chrome_min_sources, at_least=2)
    """A short line recurring in this many sources (with different neighbours) is chrome."""
    near_copy_containment = Number(float, DEFAULTS.dedupe.containment, above=0, at_most=1)
    """Share of 5-word shingles of the shorter text found in the longer: near copy."""
    rewrite_alignment = Number(float, DEFAULTS.dedupe.rewrite_alignment, above=0, at_most=1)
    """Share of sentences with a counterpart, together with shared figures: rewrite."""
    date_window_days = Number(int, DEFAULTS.dedupe.window_days, at_least=0)
    """Versions of one report dated further apart than this are never folded as rewrites."""
    related_count = Number(int, DEFAULTS.related_count, at_least=0)
    """How many related stories a story page lists."""
    page_size = Number(int, DEFAULTS.page_size, at_least=10)
    """Entries per page of a listing (topic, entity, month, timeline) before it is split."""
    cache_dir = c.Dir(default=DEFAULT_CACHE_DIR)
    """Where results computed per source text are kept between builds, relative to mkdocs.yml."""

    def to_settings(self) -> DigestSettings:
        """The validated options as the pipeline takes them (MkDocs made the paths absolute,
        relative to mkdocs.yml, and checked types and ranges)."""
        return DigestSettings(
            sources_dir=Path(self.sources_dir),
            taxonomy=Path(self.taxonomy),
            ner_model=self.ner_model,
            legacy_encoding=self.legacy_encoding,
            clean=CleanConfig(chrome_min_sources=int(self.chrome_min_sources)),
            dedupe=DedupeConfig(
                containment=self.near_copy_containment,
                rewrite_alignment=self.rewrite_alignment,
                window_days=int(self.date_window_days),
            ),
            related_count=int(self.related_count),
            page_size=int(self.page_size),
            cache_dir=Path(self.cache_dir),
        )
