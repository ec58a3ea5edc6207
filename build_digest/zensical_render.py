"""Stage 15 (render), the second renderer: Zensical builds the Markdown site written to disk.

Zensical (PyPI ``zensical``, from Material for MkDocs' authors) reads ``mkdocs.yml`` but runs
no MkDocs plugin and no hooks, so it is given the folder of ``markdown_site.py`` and run as a
command in its own process; ``publish.py`` then adds what no renderer makes. It is optional:
``pip install 'build-digest[zensical]'``.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from .errors import DigestError
from .text import visible

SHOWN_OUTPUT_LINES = 12
"""Zensical's last lines quoted when it fails: its error and what led to it."""


def zensical_version() -> str:
    """The installed Zensical's version, or one line saying how to install it."""
    if importlib.util.find_spec("zensical") is None:
        raise DigestError(
            "the zensical renderer is not installed: pip install 'build-digest[zensical]'"
        )
    try:
        return version("zensical")
    except PackageNotFoundError:
        return "unknown"


def build_with_zensical(config_file: Path, strict: bool = False) -> str:
    """Run ``zensical build`` on a written Markdown site; what it printed. A failure is one
    DigestError quoting Zensical's own last lines."""
    zensical_version()
    command = [sys.executable, "-m", "zensical", "build", "--config-file", str(config_file)]
    if strict:
        command.append("--strict")
    done = subprocess.run(
        command, cwd=config_file.parent, capture_output=True, text=True, check=False
    )
    output = (done.stdout + done.stderr).strip()
    if done.returncode != 0:
        tail = "\n".join(output.splitlines()[-SHOWN_OUTPUT_LINES:])
        shown = " | ".join(visible(line) for line in tail.splitlines())
        raise DigestError(f"zensical build failed (exit {done.returncode}): {shown}")
    return output
