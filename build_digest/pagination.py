"""Stage 12 (pages): long listings cut into pages. A listing's first page shows its newest
entries and links pages that hold every entry, cut where the entries' keys say, so that an
added story changes its own page and the first, never every page after it."""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .render import front_matter, md_text, rel
from .urls import key_hash, later_page


@dataclass(frozen=True)
class Entry:
    """One item of a listing, and what decides the page it lands on."""

    key: str
    """What names the item in every build (a story's id): pages are cut where keys say."""
    markdown: str
    """The item, with its links relative to the listing's first page."""
    group: str | None = None
    """The heading it stands under ("March 2024"), if the listing has headings."""
    day: dt.date | None = None
    """Its date, which labels the page it is on."""
    name: str = ""
    """Labels the page it is on when the listing has no dates (an entity's name)."""


MIN_PAGE_SHARE = 2
"""A later page holds at least ``page_size / MIN_PAGE_SHARE`` entries, and is cut after an
entry whose key's hash is a multiple of that number (so about ``page_size`` on average),
or after ``2 * page_size`` at most."""


def paginate(
    path: str,
    title: str,
    intro: str,
    entries: Sequence[Entry],
    page_size: int,
    meta: dict | None = None,
    *,
    noun: str = "stories",
    newest_first: bool = True,
    empty: str = "Nothing here yet.",
) -> dict[str, str]:
    """A listing as pages: the first ``page_size`` entries on the listing's own page, and,
    when there are more, every entry on later pages linked from it and from each other.

    Later pages are cut where the entries' keys say (a hash, as rsync cuts files), counted
    from the end that does not grow (the oldest, when ``newest_first``), so an added story
    changes its own page and the first, and a story leaving a topic its own page and its
    neighbours: never every page after it, as pages of a fixed size counted from the newest
    did (59 topic pages rendered again for one source added to 10,000). A later page's
    address and title come from its entries, so a link to it keeps showing the same stories.
    Links in an entry are written relative to ``path``; later pages sit one folder deeper,
    so their links are rewritten accordingly. ``empty``: what the page says with no entries.
    """
    first = entries[:page_size]
    later = _later_pages(entries, page_size, newest_first) if len(entries) > page_size else []
    base = path[:-3]
    names = _page_names(base, later, newest_first)
    labels = [_page_label(chunk) for chunk in later]
    body = [front_matter({"title": title, **(meta or {})}), f"# {md_text(title)}\n", f"{intro}\n"]
    if not first:
        body.append(f"{empty}\n")
    body += _items(first, path, path)
    if later:
        body.append(f"\n## All {len(entries):,} {noun}, page by page\n")
        body += [
            f"- [{md_text(label)}]({rel(name, path)}) — {len(chunk)}"
            for name, label, chunk in zip(names, labels, later, strict=True)
        ]
    pages = {path: "\n".join(body).rstrip() + "\n"}
    for n, (name, chunk) in enumerate(zip(names, later, strict=True)):
        steps = [f"[{md_text(title)}: all pages]({rel(path, name)})"]
        if n > 0:
            steps.insert(0, f"← [{md_text(labels[n - 1])}]({rel(names[n - 1], name)})")
        if n + 1 < len(later):
            steps.append(f"[{md_text(labels[n + 1])}]({rel(names[n + 1], name)}) →")
        body = [
            front_matter({"title": f"{title}: {labels[n]}", **(meta or {})}),
            f"# {md_text(title)}: {md_text(labels[n])}\n",
            " · ".join(steps) + "\n",
            *_items(chunk, path, name),
            "\n" + " · ".join(steps),
        ]
        pages[name] = "\n".join(body).rstrip() + "\n"
    return pages


def _items(chunk: Sequence[Entry], written_for: str, placed_at: str) -> list[str]:
    """The entries as Markdown, a heading wherever their group changes."""
    out, group = [], None
    for item in chunk:
        if item.group != group and item.group is not None:
            out.append(f"\n## {md_text(item.group)}\n")
            group = item.group
        out.append(_relink(item.markdown, written_for, placed_at))
    return out


def _later_pages(entries: Sequence[Entry], page_size: int, newest_first: bool) -> list[list[Entry]]:
    """The entries cut into pages by their keys, in the listing's order."""
    least = max(1, page_size // MIN_PAGE_SHARE)
    stable = list(reversed(entries)) if newest_first else list(entries)
    chunks: list[list[Entry]] = [[]]
    for item in stable:
        chunks[-1].append(item)
        size = len(chunks[-1])
        if (size >= least and key_hash(item.key) % least == 0) or size >= 2 * page_size:
            chunks.append([])
    chunks = [chunk for chunk in chunks if chunk]
    if newest_first:
        chunks = [list(reversed(chunk)) for chunk in reversed(chunks)]
    return chunks


def _page_names(base: str, later: Sequence[Sequence[Entry]], newest_first: bool) -> list[str]:
    """The later pages' paths, from the entry each cut starts at (the oldest, when the listing
    is newest first): its date when it has one, and its key's hash; the whole hash for a page
    whose short name another page of the listing already has."""
    names: list[str] = []
    for chunk in later:
        start = chunk[-1] if newest_first else chunk[0]
        name = later_page(base, start.day, key_hash(start.key))
        if name in names:
            name = later_page(base, start.day, key_hash(start.key), whole=True)
        names.append(name)
    return names


def _page_label(chunk: Sequence[Entry]) -> str:
    """What a later page holds, as a reader reads it: its stories' days ("2–9 March 2024"),
    or its first and last names."""
    days = [item.day for item in chunk if item.day is not None]
    if days:
        label = day_span(min(days), max(days))
        return label if len(days) == len(chunk) else f"{label}, and undated"
    names = [item.name or item.key for item in chunk]
    return names[0] if len(names) == 1 else f"{names[0]} … {names[-1]}"


def _relink(line: str, written_for: str, placed_at: str) -> str:
    if written_for == placed_at:
        return line
    base_from = posixpath.dirname(written_for)

    def fix(m: re.Match[str]) -> str:
        target = posixpath.normpath(posixpath.join(base_from, m.group(1)))
        return f"]({rel(target, placed_at)})"

    return re.sub(r"\]\(([^)<>]+\.md)\)", fix, line)


def day_span(start: dt.date, end: dt.date) -> str:
    """ "2–9 March 2024", "30 March – 2 April 2024", "9 March 2024"."""
    if start == end:
        return f"{end.day} {end.strftime('%B %Y')}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {end.strftime('%B %Y')}"
    if start.year == end.year:
        return f"{start.day} {start.strftime('%B')} – {end.day} {end.strftime('%B %Y')}"
    return f"{start.day} {start.strftime('%B %Y')} – {end.day} {end.strftime('%B %Y')}"
