"""Text made safe to show: shared by the pages, the feeds and the terminal."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    """Control characters (an escape sequence in a file name, say) as ``\\xNN`` text.

    A terminal would obey them, XML cannot hold them, and a reader cannot see them.
    """
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text)
