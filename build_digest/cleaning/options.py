"""Stage 2 (clean): the cleaner's options, as ``mkdocs.yml`` may set them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CleanConfig:
    """Thresholds of the cleaner; defaults are what ``benchmarks.evaluate`` was tuned on."""

    chrome_min_sources: int = 3
    """A short line seen in this many sources, with different neighbours each time, is chrome."""
    chrome_max_words: int = 12
    """Only lines this short count as recurring chrome: a long line seen twice is quoted text."""
    heading_max_words: int = 14
    """A short line without a full stop is a section heading up to this length."""
    line_model: bool = True
    """Let the trained line model (``linemodel.py``) drop body lines the rules kept."""
