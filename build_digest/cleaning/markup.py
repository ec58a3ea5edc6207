"""Stage 2 (clean), step 1: stray HTML.

Script and style blocks, comments and their broken halves, tags, entities, tab-only lines and
lines of code go first, each recorded as a removed line.
"""

from __future__ import annotations

import html
import re

from ..models import (
    RemovalRule,
    RemovedLine,
)
from .lines import Line

_HTML_BLOCK = re.compile(
    r"<(script|style|noscript|template|iframe)\b[^>]*>.*?</\1\s*>", re.S | re.I
)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_COMMENT_FRAGMENT = re.compile(
    r"^\s*(?:<?!--|-->|<!\[CDATA\[|\]\]>|\*/\?>|<\?php|\?>)|(?:-->|--!>)\s*$"
)
_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9-]*(?:\s[^<>]*)?/?>")
_CODE_LINE = re.compile(
    r"^\s*(?:function\s*\(|window\.|document\.|var |const |let"
    r" |gtag\(|dataLayer|\(function|\}\)?\(?\)?;?$|\{$|@media|@import|[.#][\w-]+\s*\{)"
)


def strip_html(text: str, removed: list[RemovedLine]) -> str:
    """Drop script/style blocks and comments whole, recording each dropped line.

    Reads the raw text; changes: the text (blocks and comments blanked), the removed-line
    record.
    """

    def drop(match: re.Match[str], rule: RemovalRule) -> str:
        start_line = text.count("\n", 0, match.start()) + 1
        for offset, line in enumerate(match.group(0).split("\n")):
            if line.strip():
                removed.append(RemovedLine(start_line + offset, line.strip()[:300], rule))
        return "\n" * match.group(0).count("\n")

    text = _HTML_BLOCK.sub(lambda m: drop(m, RemovalRule.HTML_BLOCK), text)
    return _HTML_COMMENT.sub(lambda m: drop(m, RemovalRule.HTML_COMMENT), text)


def scrub_lines(lines: list[Line], removed: list[RemovedLine]) -> None:
    """Per line: broken HTML fragments, tags, entities, tab-only lines, code.

    Reads every line's raw text; changes: ``text`` (tags, entities, spaces), the removed-
    line record.
    """
    for ln in lines:
        raw = ln.text
        if not raw.strip():
            if raw and "\t" in raw:
                removed.append(RemovedLine(ln.number, repr(raw)[:80], RemovalRule.TAB_ONLY))
            ln.text = ""
            continue
        if _COMMENT_FRAGMENT.search(raw):
            removed.append(RemovedLine(ln.number, raw.strip()[:300], RemovalRule.COMMENT_FRAGMENT))
            ln.text = ""
            continue
        if _CODE_LINE.match(raw):
            removed.append(RemovedLine(ln.number, raw.strip()[:300], RemovalRule.CODE))
            ln.text = ""
            continue
        text = _TAG.sub(" ", raw)
        text = html.unescape(text).replace("\u00a0", " ").replace("\t", " ")
        text = re.sub(r"[ \u2000-\u200a\u202f\u205f\u3000]+", " ", text).strip()
        if not text:
            removed.append(RemovedLine(ln.number, raw.strip()[:300], RemovalRule.TAGS_ONLY))
        ln.text = text
