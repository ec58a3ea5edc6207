"""Golden pages: the Markdown the shipped sources give, pinned page by page.

Any change to what a reader of the shipped archive gets shows up as a diff of one file in
``tests/golden/`` per page. After a deliberate change, regenerate and review them:
``DIGEST_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py``.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from build_digest.pipeline import run_pipeline
from build_digest.settings import DigestSettings

from .conftest import ROOT

GOLDEN = Path(__file__).parent / "golden"
UPDATE = bool(os.environ.get("DIGEST_UPDATE_GOLDEN"))
TODAY = dt.date(2026, 1, 1)
"""Dates are judged against "today" (nothing may be dated after it): fixed, so pages are too."""


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    settings = DigestSettings(
        sources_dir=ROOT / "sources", taxonomy=ROOT / "taxonomy.yml", cache_dir=None
    )
    result = run_pipeline(settings, today=TODAY)
    out = dict(result.pages)
    out.update({f"fragments/{name}.md": text for name, text in result.fragments.items()})
    if UPDATE:
        for old in GOLDEN.rglob("*.md"):
            old.unlink()
        for path, text in out.items():
            (GOLDEN / path).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / path).write_text(text, encoding="utf-8")
    return out


def golden_files() -> list[str]:
    return sorted(str(p.relative_to(GOLDEN)) for p in GOLDEN.rglob("*.md"))


def test_the_shipped_sources_give_exactly_the_pinned_set_of_pages(pages):
    assert sorted(pages) == golden_files(), "pages added or gone: DIGEST_UPDATE_GOLDEN=1 to repin"


@pytest.mark.parametrize("path", golden_files())
def test_page_is_as_pinned(pages, path):
    assert pages.get(path) == (GOLDEN / path).read_text(encoding="utf-8"), (
        f"{path} changed: review, then DIGEST_UPDATE_GOLDEN=1 to repin"
    )
