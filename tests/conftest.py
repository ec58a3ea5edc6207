"""Shared helpers: real projects in temporary folders, built with the real MkDocs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from build_digest.cache import DigestCache
from build_digest.cleaning import clean_all
from build_digest.cores import can_fork
from build_digest.models import DateTag, DigestResult, SourceDocument, SourceVersion
from build_digest.pipeline import run_pipeline, source_versions
from build_digest.settings import DigestSettings

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "sources").glob("*.txt"))


needs_fork = pytest.mark.skipif(not can_fork(), reason="one core, or no fork here")
"""For tests of work shared with a forked second process: it runs only on a second core."""


def make_project(
    folder: Path, sources: dict[str, bytes | str] | None = None, with_seeds: bool = True
) -> Path:
    """A copy of this project's config and docs with the given source files."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "mkdocs.yml", folder / "mkdocs.yml")
    shutil.copy(ROOT / "taxonomy.yml", folder / "taxonomy.yml")
    shutil.copytree(ROOT / "docs", folder / "docs", dirs_exist_ok=True)
    src = folder / "sources"
    src.mkdir(exist_ok=True)
    if with_seeds:
        for seed in SEEDS:
            shutil.copy(seed, src / seed.name)
    for name, content in (sources or {}).items():
        path = src / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return folder


def run_cli(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real command, as a user runs it, from the project folder."""
    return subprocess.run(
        [sys.executable, "-m", "build_digest.cli", *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=600,
    )


def cli(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`build-digest ARGS` in this process, from the project folder (the NER model loads once
    per session): exit code, standard output and error as a subprocess would give them."""
    from click.testing import CliRunner

    from build_digest.cli import main

    before = Path.cwd()
    os.chdir(project)
    try:
        result = CliRunner().invoke(main, list(args))
    finally:
        os.chdir(before)
    return subprocess.CompletedProcess(list(args), result.exit_code, result.stdout, result.stderr)


def build_in_process(
    project: Path, *args: str, env: dict[str, str] | None = None
) -> tuple[int, str, dict]:
    """`build-digest build` in this process (the NER model loads once per session): exit code,
    output, catalog."""
    from click.testing import CliRunner

    from build_digest.cli import main

    out = project / "out"
    result = CliRunner().invoke(
        main, ["build", "-f", str(project / "mkdocs.yml"), "--site-dir", str(out), *args], env=env
    )
    catalog = (
        json.loads((out / "catalog.json").read_text(encoding="utf-8"))
        if (out / "catalog.json").exists()
        else {}
    )
    return result.exit_code, result.output, catalog


def pipeline_for(project: Path) -> DigestResult:
    return run_pipeline(
        DigestSettings(sources_dir=project / "sources", taxonomy=project / "taxonomy.yml")
    )


@pytest.fixture(scope="session")
def seed_result() -> DigestResult:
    """The pipeline over the shipped sources, once per test session."""
    return run_pipeline(
        DigestSettings(sources_dir=ROOT / "sources", taxonomy=ROOT / "taxonomy.yml")
    )


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped archive built with `build-digest build --strict` into a temporary folder."""
    project = make_project(tmp_path_factory.mktemp("project"))
    result = run_cli(project, "build", "--strict", "--site-dir", "out")
    assert result.returncode == 0, result.stderr + result.stdout
    return project / "out"


def versions_of(
    docs: list[SourceDocument], dates: list[DateTag] | None = None
) -> list[SourceVersion]:
    """Documents cleaned, dated and fingerprinted as a build does (or with the given dates)."""
    versions, rejected = source_versions(clean_all(docs), DigestCache(None))
    assert not rejected
    if dates is not None:
        versions = [replace(v, date=d) for v, d in zip(versions, dates, strict=True)]
    return versions


def story_of(result: DigestResult, path: str):
    """The tagged story a source file ended up in."""
    return next(t for t in result.stories if any(a.source.path == path for a in t.story.articles))


def set_option(project: Path, key: str, value: object) -> None:
    """Give the digest plugin one option in the project's mkdocs.yml."""
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    assert "  - digest\n" in config
    config = config.replace("  - digest\n", f"  - digest:\n      {key}: {value}\n", 1)
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
