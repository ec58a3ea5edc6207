"""The live preview rebuilds when a source is added (real `build-digest serve` on localhost)."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
import urllib.request

from .conftest import make_project


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def wait_for(url: str, text: str, seconds: float = 90) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if text in fetch(url):
            return True
        time.sleep(0.5)
    return False


def test_serve_rebuilds_when_a_source_is_added_and_says_so(tmp_path):
    project = make_project(tmp_path)
    port = free_port()
    command = [sys.executable, "-m", "build_digest.cli", "serve", "--dev-addr", f"127.0.0.1:{port}"]
    server = subprocess.Popen(
        command, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    lines: list[str] = []
    assert server.stdout is not None
    threading.Thread(target=lambda: lines.extend(server.stdout), daemon=True).start()
    try:
        timeline = f"http://127.0.0.1:{port}/timeline/"
        assert wait_for(timeline, "China Urges Myanmar")
        (project / "sources" / "new.txt").write_text(
            "Rebels take Hopang\n\nRebels in northern Shan State said on Sunday they had taken the"
            " town of Hopang after a week of fighting.\n"
        )
        assert wait_for(timeline, "Rebels take Hopang")
    finally:
        server.terminate()
        server.wait(timeout=20)
    output = "".join(lines)
    assert f"Serving on http://127.0.0.1:{port}/" in output
    assert "Detected file changes" in output
    assert (
        "Digest: 4 stories from 5 sources" in output
        and "Digest: 5 stories from 6 sources" in output
    )
