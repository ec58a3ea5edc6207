"""Stage 12 (pages): what every generated page shares: source text made safe for Markdown,
links, dates, front matter.

Source text is text: everything that came from a source goes through ``md_text``, so
Markdown and HTML characters reach the reader as the characters they are.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import json
import re
from collections.abc import Iterable
from urllib.parse import quote, urlsplit

import yaml

from .language import SITE_LANGUAGE, LanguageTag
from .models import (
    Dated,
    DatePrecision,
    DateTag,
    LabelKind,
    Role,
    TaggedStory,
    TitleSource,
    Undated,
)
from .text import visible

WORDS_PER_MINUTE = 230
TYPE_TITLES = {
    LabelKind.PERSON: "People",
    LabelKind.PLACE: "Places",
    LabelKind.ORGANISATION: "Organisations",
}
# Characters Python-Markdown gives meaning to and honours a backslash escape for.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")
# Characters that only extensions give meaning to, with no backslash escape: "???" opens
# a details block, ":" emoji and definition lists, "~~", "^^", "==" strike, insert and
# mark. A numeric character reference renders the same character and is never syntax.
_MD_ENTITY = re.compile(r"[?:~^=]")
_SPACES = re.compile(r"\s+")
MD_TEXT_CACHE = 1 << 16
"""Escaped texts kept for reuse: a title is escaped on its own page and again in every
listing, related list and neighbour link that names it (about 90 calls per story)."""


@functools.lru_cache(maxsize=MD_TEXT_CACHE)
def md_text(text: str) -> str:
    """Escape source text so Markdown renders exactly these characters and no markup.

    ``<``, ``>`` and ``&`` become entities (no raw HTML can survive); every character
    Python-Markdown reads as syntax gets a backslash, and those only its extensions
    read (``? : ~ ^ =``) become numeric references, so no block ("??? note") or
    inline syntax can start inside source text. Control characters are made visible.
    """
    text = visible(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _MD_ENTITY.sub(lambda m: f"&#{ord(m.group(0))};", text)
    return _SPACES.sub(" ", text).strip()


def md_paragraph(text: str) -> str:
    """``md_text`` for a story's paragraphs, each escaped once per page: kept out of
    ``md_text``'s cache, where at 10,000 stories they filled it (about 0.1 GB) for no reuse."""
    return md_text.__wrapped__(text)


def lang_attrs(tag: LanguageTag) -> str:
    """attr_list attributes for text in ``tag``'s language ("" in the site's own): its
    ``lang``, and ``dir`` for right-to-left scripts."""
    if tag.code == SITE_LANGUAGE:
        return ""
    direction = ' dir="rtl"' if tag.direction == "rtl" else ""
    return f'lang="{tag.code}"{direction}'


def safe_url(url: str | None) -> str | None:
    """An http(s) URL usable as a link target, or None for anything else (javascript:, data:)."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return quote(url.strip(), safe=":/?#[]@!$&'()*+,;=%~-._")


def rel(target: str, current: str) -> str:
    """Relative link from one generated page to another (both paths relative to docs).

    The same as ``posixpath.relpath`` for such paths (no ``..``, no leading ``/``), without
    its calls to the file system's idea of the current folder: a build makes ~20 per story.
    """
    here = current.split("/")[:-1]
    there = target.split("/")
    common = 0
    while common < min(len(here), len(there) - 1) and here[common] == there[common]:
        common += 1
    return "/".join([".."] * (len(here) - common) + there[common:])


def served_rel(target: str, current: str, directory_urls: bool = True) -> str:
    """Relative address from one generated page to another as the renderer serves them, for
    links in raw HTML (an SVG chart's), which no renderer rewrites as it does Markdown's:
    ``stories/x.md`` from ``figures.md`` is ``../stories/x/``, or ``stories/x.html``
    when every link names its file."""

    def served(path: str) -> str:
        stem = path.removesuffix(".md")
        if not directory_urls:
            return stem + ".html"
        if stem == "index" or stem.endswith("/index"):
            return stem.removesuffix("index")
        return stem + "/"

    # ``rel`` reads a path's folder as all before its last "/": "figures/" is in "figures".
    return rel(served(target), served(current)) or "./"


def format_date(tag: Dated) -> str:
    if tag.precision is DatePrecision.MONTH:
        return tag.value.strftime("%B %Y")
    return f"{tag.value.day} {tag.value.strftime('%B %Y')}"


def date_text(tag: DateTag) -> str:
    """A date as a reader reads it, or "Undated"."""
    return format_date(tag) if isinstance(tag, Dated) else "Undated"


def time_element(tag: DateTag) -> str:
    """The date as a reader reads it, in a ``<time>`` a machine reads (``2023-11`` for a month)."""
    if not isinstance(tag, Dated):
        return "Undated"
    machine = (
        tag.value.strftime("%Y-%m")
        if tag.precision is DatePrecision.MONTH
        else tag.value.isoformat()
    )
    return f'<time datetime="{machine}">{format_date(tag)}</time>'


def json_for_script(data: object) -> str:
    """JSON that can stand inside ``<script>``: no ``<``, ``>`` or ``&`` to end it early."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# Front-matter keys the theme prints into HTML without escaping (the <title>, the header,
# <meta name="description">): a source's "<script>" there would be live.
_TEMPLATE_KEYS = ("title", "description")


_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
"""libyaml's emitter where PyYAML was built with it (the wheels are): the same YAML, several
times faster than the pure-Python one, which showed up in the profile of a 1,600-page build."""


def front_matter(data: dict) -> str:
    data = {
        k: html.escape(v, quote=True) if k in _TEMPLATE_KEYS and isinstance(v, str) else v
        for k, v in data.items()
    }
    return (
        "---\n"
        + yaml.dump(data, Dumper=_DUMPER, sort_keys=False, allow_unicode=True, width=1000)
        + "---\n\n"
    )


def month_title(key: str) -> str:
    """ "2024-03" as a reader reads it: "March 2024"."""
    return dt.date(int(key[:4]), int(key[5:7]), 1).strftime("%B %Y")


def placed_date(t: TaggedStory) -> dt.date:
    """Where a story stands in time: its date, else the earliest date it can have, else the
    start."""
    if isinstance(t.date, Dated):
        return t.date.value
    return t.date.not_before or dt.date.min


def chronological(stories: Iterable[TaggedStory]) -> list[TaggedStory]:
    """Dated stories in date order, then undated ones in the order of their lower bound, ties
    by id."""
    return sorted(stories, key=lambda t: (isinstance(t.date, Undated), placed_date(t), t.story.id))


def when(t: TaggedStory) -> str:
    """The date as a listing shows it: "6 November 2023", "January 2024", "Undated (not
    before …)"."""
    if isinstance(t.date, Undated) and t.date.not_before:
        bound = t.date.not_before
        return f"Undated (not before {bound.day} {bound.strftime('%B %Y')})"
    return time_element(t.date)


EXCERPT_WORDS = 32
"""A listing's excerpt: about two lines of the standfirst or lead."""


def excerpt(t: TaggedStory, words: int = EXCERPT_WORDS) -> str:
    """The opening words of the standfirst or first paragraph, cut at a word with "…"."""
    main = t.story.main
    text = next((b.text for b in main.blocks if b.role is Role.STANDFIRST), "") or next(
        (b.text for b in main.body_blocks if b.role is Role.PARAGRAPH), ""
    )
    if (
        main.title_source is TitleSource.DERIVED
    ):  # the headline is the lead's own opening: go on from there
        text = next((b.text for b in main.body_blocks[1:] if b.role is Role.PARAGRAPH), text)
    tokens = text.split()
    return " ".join(tokens[:words]).rstrip(",;:") + ("…" if len(tokens) > words else "")


def byline(t: TaggedStory, date: str | None = None) -> str:
    """Date, outlet and the number of versions, as one line of Markdown (escaped)."""
    parts = [date if date is not None else when(t)]
    if t.story.main.outlet:
        parts.append(md_text(t.story.main.outlet))
    if t.story.others:
        parts.append(f"{len(t.story.articles)} versions")
    return " · ".join(parts)
