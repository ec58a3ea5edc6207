"""The package's shape, as a newcomer relies on it: what imports what."""

from __future__ import annotations

import subprocess
import sys


def test_the_pipeline_runs_without_importing_mkdocs() -> None:
    # Any renderer takes the pipeline's output: loading the pipeline must not load MkDocs.
    script = (
        "import sys, build_digest.pipeline;"
        " loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'mkdocs');"
        " print(','.join(loaded))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == ""
