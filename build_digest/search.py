"""Stage 13 (search records) and stage 16 (publish): the static search index, built with
Pagefind from the stories themselves.

Pagefind splits its index into small fragments that a browser loads only for the words
searched and the results shown, so a first search costs a few hundred kilobytes whether
the archive holds 100 stories or 10,000 (Material's built-in search makes every visitor
download the whole index on every first page load).

Records are made from the stories rather than by crawling the rendered site: only story
pages are indexed, never listings, and of a story only what a reader searches for
(headline, standfirst, the main version's body); the provenance block, tags and related
links stay out. One index holds every language: words of scripts that do not space them
(Chinese, Japanese, Thai, Lao, Khmer, Burmese) are cut by ICU before Pagefind reads them,
and the search page cuts queries with the browser's ICU (``Intl.Segmenter``), so both sides
agree and one query ranks stories of all languages together. The index is built on a thread
of its own while the later stages run and MkDocs renders the pages (``BackgroundIndex``):
Pagefind is a separate program, so it uses the second core. It starts from the stories'
drafts, as soon as the stories are settled, and their final topics and dates are put into its
index once known (``relabel``). Each record carries what a result shows (headline, date,
outlet, language) and what a reader filters and sorts by (topic, language, outlet, year,
month; date).
"""

from __future__ import annotations

import gzip
import hashlib
import html
import importlib.util
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote

from .errors import DependencyError
from .models import Dated, Role, SearchRecord, TaggedStory
from .render import date_text, front_matter, month_title
from .segment import spaced_words
from .urls import story_url

log = logging.getLogger(__name__)

INDEX_FOLDER = "pagefind"
"""Where the index is written, under the site folder."""


UNDATED_SORT_KEY = "0000-00-00"


def search_record(t: TaggedStory, text: str | None = None) -> SearchRecord:
    """``t``'s record; ``text``: its indexed text when already made (``draft_records``)."""
    main = t.story.main
    language = t.story.language
    meta = {"title": main.title, "date": date_text(t.date), "lang": language.code}
    if language.direction == "rtl":
        meta["dir"] = "rtl"
    filters: dict[str, list[str]] = {
        "topic": [label.name for label in t.topics],
        "language": [language.name],
    }
    if main.outlet:
        meta["outlet"] = main.outlet
        filters["outlet"] = [main.outlet]
    if t.story.others:
        meta["versions"] = str(len(t.story.articles))
    # Pagefind leaves a record without the sort key out of sorted results: undated stories
    # get a key that puts them last among "newest first".
    sort = {"date": UNDATED_SORT_KEY}
    if isinstance(t.date, Dated):
        filters["year"] = [str(t.date.value.year)]
        filters["month"] = [t.date.value.strftime("%Y-%m")]
        sort["date"] = t.date.value.isoformat()
    content = record_text(t) if text is None else text
    return SearchRecord(story_url(t.story.id), content, meta, filters, sort)


def record_text(t: TaggedStory) -> str:
    """What the index holds of a story: its main version's headline and text, with the words
    of unspaced scripts cut as the search page cuts a query (segment.py)."""
    main = t.story.main
    parts = [main.title] + [
        b.text for b in main.blocks if b.role in (Role.STANDFIRST, Role.HEADING, Role.PARAGRAPH)
    ]
    return "\n\n".join(spaced_words(part) for part in parts)


def search_records(
    tagged: Sequence[TaggedStory], drafts: Sequence[SearchRecord] = ()
) -> tuple[SearchRecord, ...]:
    """Every story's record, in id order (the index and the search page both read these).
    ``drafts``: the stories' ``draft_records``, whose text is taken rather than made again
    (a story's main version is settled by then; only its labels change)."""
    text = {draft.url: draft.content for draft in drafts}
    return tuple(
        search_record(t, text.get(story_url(t.story.id)))
        for t in sorted(tagged, key=lambda t: t.story.id)
    )


PAGE_SORT = "page"
"""The sort key of a draft record (``page_key``): Pagefind's order of the drafts by it tells
``relabel`` which page of the index is which story."""


def page_key(url: str) -> str:
    """A draft's ``PAGE_SORT`` value: letters and digits whatever the URL's script, so that
    Pagefind orders the keys as Python does, and never all numbers (Pagefind would sort them
    as numbers); the same for a story in every build, so a story's draft does not change when
    others are added."""
    return "p" + hashlib.blake2b(url.encode("utf-8"), digest_size=8).hexdigest()


def draft_record(record: SearchRecord) -> SearchRecord:
    """``record`` as Pagefind first reads it (``draft_records``): no filters, the page key as
    its only sort."""
    return SearchRecord(
        record.url, record.content, record.meta, {}, {PAGE_SORT: page_key(record.url)}
    )


def draft_records(tagged: Sequence[TaggedStory]) -> tuple[SearchRecord, ...]:
    """Every story's record as soon as the stories are settled (folded, translations too),
    before their topics are learned and the last undated ones dated: the text and what a
    result shows, without filters, each with its page key (``draft_record``).

    Pagefind indexes these while the topics are learned and related coverage is found; the
    final labels are then put into its index (``relabel``). At 10,000 sources Pagefind takes
    about 21 s for the 7,000 stories' text, and started only once the topics were final it was
    the last thing a one-source rebuild waited for."""
    return tuple(draft_record(record) for record in search_records(tagged))


def search_page(records: Sequence[SearchRecord]) -> str:
    """The search page: a form the theme's digest-search.js brings to life.

    The filter choices are written here, at build time, so the page needs nothing from the
    index to offer them: a filter's part of the index is fetched only once it is used.
    """
    counts: dict[str, Counter[str]] = {name: Counter() for name in FILTERS}
    for record in records:
        for name, values in record.filters.items():
            counts[name].update(values)
    selects = []
    for name, label in FILTERS.items():
        if name == "month":
            ordered = sorted(counts[name], reverse=True)
            options = "".join(
                f'<option value="{v}" data-year="{v[:4]}">{month_title(v)}</option>'
                for v in ordered
            )
        else:
            ordered = (
                sorted(counts[name], reverse=True)
                if name == "year"
                else sorted(counts[name], key=lambda v: (v.casefold(), v))
            )
            options = "".join(
                f'<option value="{html.escape(v)}">{html.escape(v)} ({counts[name][v]})</option>'
                for v in ordered
            )
        # One language needs no language filter.
        few = len(ordered) < 2 if name == "language" else not ordered
        hidden = " hidden" if few or name == "month" else ""
        selects.append(
            f'<select data-filter="{name}" aria-label="{label[0]}"{hidden}><option'
            f' value="">{label[1]}</option>{options}</select>'
        )
    intro = (
        "Search the headlines and texts of every story, in every language and script. Filter by"
        " topic, language, outlet, year and month; order by match or date."
    )
    if not records:
        intro = "The archive has no stories yet, so there is nothing to search."
    form = SEARCH_FORM.replace("<!-- filters -->", "\n".join(selects))
    return (
        front_matter({"title": "Search", "digest": {"search": True}})
        + f"# Search the archive\n\n{intro}\n\n{form}"
    )


FILTERS = {
    "topic": ("Topic", "All topics"),
    "language": ("Language", "All languages"),
    "outlet": ("Outlet", "All outlets"),
    "year": ("Year", "All years"),
    "month": ("Month", "All months"),
}
"""Filter name -> (label, the choice that means no filter)."""

SEARCH_FORM = """<div id="digest-search">
<form class="digest-search__form" role="search" onsubmit="return false">
<input type="search" name="q" placeholder="Search the stories"
 aria-label="Search the stories" autocomplete="off">
<select name="sort" aria-label="Order of results">
<option value="relevance">Best match first</option><option value="newest">Newest first</option>
</select>
<!-- filters -->
</form>
<p class="digest-search__status" aria-live="polite"></p>
<ol class="digest-search__results"></ol>
<button type="button" class="digest-search__more md-button" hidden>More results</button>
</div>
<noscript>Search needs JavaScript; browse by topic, month or the timeline instead.</noscript>
"""


PAGEFIND_FIX = "pip install 'pagefind[extended]>=1.3,<2'"


def write_records(
    records: Sequence[SearchRecord],
    out_dir: Path,
    kept: Path | None = None,
    *,
    yielding: bool = False,
) -> None:
    """Index ``records`` with Pagefind's own program into ``out_dir``; ``yielding``: at the
    lowest priority (``_yield_cores``).

    Each record is written as a minimal HTML document to a folder (``kept``, when the build
    keeps one with its cache: ``pages_for_pagefind``), which Pagefind's command line indexes
    in parallel in one run. Not through its Python API: that service
    answers "files written" while its last writes are still queued (Rust's tokio writes files
    behind the caller's back) and is then terminated, so under load an index came out cut
    short (4 of 40 runs: an empty ``pagefind-entry.json``, a truncated UI script) and search
    failed for every reader. The command line exits only once its writes are done.
    """
    if importlib.util.find_spec("pagefind") is None:
        raise DependencyError(f"the package 'pagefind' cannot be loaded; fix: {PAGEFIND_FIX}")
    if not records:  # an empty archive has nothing to index (Pagefind refuses an empty folder)
        out_dir.mkdir(parents=True, exist_ok=True)
        return
    with pages_for_pagefind(records, kept) as scratch:
        # Run in the scratch folder without PAGEFIND_* settings: a pagefind.yml in the
        # user's folder or their environment must not change what the site's index holds.
        env = {k: v for k, v in os.environ.items() if not k.startswith("PAGEFIND_")}
        command = [sys.executable, "-m", "pagefind", "--site", str(scratch), "--silent"]
        command += ["--output-path", str(out_dir.resolve()), "--force-language", "en"]
        with subprocess.Popen(
            command,
            cwd=scratch,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        ) as done:
            if yielding:
                _yield_cores(done.pid)
            out, err = done.communicate()
    if done.returncode != 0:
        said = (err or out).strip().splitlines() or [f"exit {done.returncode}"]
        raise DependencyError(
            f"Pagefind could not index the stories ({said[-1]}); fix: {PAGEFIND_FIX}"
        )
    in_stable_order(out_dir)


LOW_PRIORITY = 19
"""The niceness Pagefind runs at beside the build (``BackgroundIndex``): the lowest. It then
takes what the build's own processes leave of the cores, and never slows them: started as
soon as the stories are settled, at the normal priority it took a core from the topic
models' two processes (learned topics 22 s instead of 12 s in a one-source rebuild of
10,000 sources), and the build ended no sooner."""


def _yield_cores(pid: int) -> None:
    """Run process ``pid``, and the programs it starts from now on, at ``LOW_PRIORITY``
    (Pagefind's Python package starts its binary, which inherits it). Where the system has no
    such priorities, it runs as it is."""
    try:
        os.setpriority(os.PRIO_PROCESS, pid, LOW_PRIORITY)
    except (AttributeError, OSError) as exc:
        log.debug("Pagefind runs at the normal priority: %s", exc)


PAGES_FOLDER = "search-pages"
"""Under the cache folder: the stories' pages as Pagefind reads them, kept between builds."""


@contextmanager
def pages_for_pagefind(records: Sequence[SearchRecord], kept: Path | None) -> Iterator[Path]:
    """A folder holding exactly one page per record, for Pagefind to read.

    Writing every page afresh cost a build 1.0 s at 1,600 stories, whatever had changed: one
    small file and folder per story, written from a thread that shares the interpreter (and
    its lock) with the stages still running. When the cache keeps
    the folder (``kept``), only the pages that differ from what the folder holds are written
    and the pages of stories gone are deleted, under a lock; without a cache, or while
    another build holds the lock, a temporary folder is written in full.
    """
    if kept is not None:
        try:
            kept.mkdir(parents=True, exist_ok=True)
            lock = open(kept / ".lock", "a+b")  # noqa: SIM115 (held until the index is made)
        except OSError:
            lock = None
        if lock is not None:
            with lock:
                if _try_lock(lock):
                    folder = kept / "pages"
                    sync_pages(records, folder, kept / "pages.json")
                    yield folder
                    return
    with tempfile.TemporaryDirectory(prefix="digest-search-") as tmp:
        sync_pages(records, Path(tmp))
        yield Path(tmp)


def _try_lock(file: BinaryIO) -> bool:
    """An exclusive lock on ``file``, released when it is closed; False when another process
    holds it (or the system has no such locks)."""
    try:
        import fcntl

        fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except (ImportError, OSError):
        return False
    return True


def sync_pages(records: Sequence[SearchRecord], folder: Path, state: Path | None = None) -> int:
    """Make ``folder`` hold the records' pages and nothing else; how many files were written
    or deleted.

    ``state``: where the hash of every page the folder holds is kept between builds. With it,
    only the pages whose hash changed are written and the pages gone deleted, and nothing
    else in the folder is read: at 10,000 sources, walking the folder and reading its 7,000
    pages back took this thread 30 s of a one-source rebuild, each of its small reads waiting
    for the interpreter's lock behind the stages still running. The state is deleted before
    the first write and saved after the last, so a folder an interrupted build left (a page cut
    short) is compared page by page, as a folder without a state is."""
    wanted = {f"{record.url}index.html": record_html(record).encode() for record in records}
    if state is None:  # a temporary folder: nothing is kept, nothing to hash
        return _sync_by_reading(wanted, folder)
    digests = {name: hashlib.sha256(data).hexdigest() for name, data in wanted.items()}
    known = _read_state(state)
    state.unlink(missing_ok=True)  # until this sync is done, nothing vouches for the folder
    if known is None:
        changed = _sync_by_reading(wanted, folder)
    else:
        changed = _sync_by_state(wanted, digests, known, folder)
    scratch = state.with_suffix(".tmp")
    scratch.write_text(json.dumps(digests, sort_keys=True), encoding="utf-8")
    os.replace(scratch, state)
    return changed


def _read_state(state: Path) -> dict[str, str] | None:
    """The pages a kept folder holds and their hashes, None if not known."""
    try:
        data = json.loads(state.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not all(
        isinstance(v, str) and _inside(k) for k, v in data.items()
    ):
        return None  # not a state this code wrote: every page is compared
    return data


def _inside(name: str) -> bool:
    """Whether a page's name stays inside the folder: a state is never trusted to name a file
    elsewhere."""
    parts = name.split("/")
    return not name.startswith("/") and ".." not in parts and "" not in parts


def _sync_by_reading(wanted: dict[str, bytes], folder: Path) -> int:
    """``sync_pages`` without a state: every file in the folder is read and compared."""
    changed = 0
    for path in sorted(folder.rglob("*"), reverse=True):  # a folder after what it holds
        name = path.relative_to(folder).as_posix()
        if path.is_dir() and not path.is_symlink():
            if not any(path.iterdir()):
                path.rmdir()
        elif name not in wanted:
            path.unlink()
            changed += 1
    for name, data in wanted.items():
        path = folder / name
        try:
            if path.read_bytes() == data:
                continue
        except OSError:
            path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        changed += 1
    return changed


def _sync_by_state(
    wanted: dict[str, bytes], digests: dict[str, str], known: dict[str, str], folder: Path
) -> int:
    """``sync_pages`` with the state of the last sync (``known``): only what changed is
    touched."""
    changed = 0
    for name in sorted(set(known) - set(wanted)):
        path = folder / name
        path.unlink(missing_ok=True)
        changed += 1
        for parent in path.parents:  # the folders it leaves empty, up to ``folder``
            if parent == folder or not parent.is_relative_to(folder):
                break
            try:
                parent.rmdir()
            except OSError:  # not empty
                break
    for name, data in wanted.items():
        if known.get(name) == digests[name]:
            continue
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        changed += 1
    return changed


_PAGEFIND_HEADER = b"pagefind_dcd"
"""What every binary file of a Pagefind 1.x index starts with, before its CBOR."""


def in_stable_order(index: Path) -> bool:
    """Rewrite Pagefind's filter files and their list in the index's metadata in a stable order,
    so that the same stories give the same index, byte for byte.

    Pagefind builds filters in Rust hash maps, whose order changes from run to run: two builds
    of the same stories differed in every filter file, the metadata and the entry file (and
    nowhere else). Each filter's values are sorted, the filters by name, and the files renamed
    by a hash of their new content (Pagefind's names are content hashes, which nothing checks).
    An index in a form this code does not know is left as written: False.
    """
    entry_path = index / "pagefind-entry.json"
    try:
        entry = json.loads(entry_path.read_text(encoding="utf-8"))
        languages = entry["languages"]
        for language, about in languages.items():
            meta = _read_cbor(index / f"pagefind.{about['hash']}.pf_meta")
            version, _pages, _chunks, filters, *rest = meta
            renamed = []
            for name, old in filters:
                data = _read_cbor(index / "filter" / f"{old}.pf_filter")
                data = [data[0], sorted(data[1], key=lambda value: value[0]), *data[2:]]
                new = _write_filter(index, language, data)
                if new != old:
                    (index / "filter" / f"{old}.pf_filter").unlink()
                renamed.append([name, new])
            _replace_meta(
                index, language, about, [version, _pages, _chunks, sorted(renamed), *rest]
            )
    except (OSError, KeyError, TypeError, ValueError, IndexError) as exc:
        log.debug("Pagefind's index left in its own order: %s", exc)
        return False
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")))
    return True


def relabel(index: Path, drafts: Sequence[SearchRecord], records: Sequence[SearchRecord]) -> bool:
    """Put the final records' labels into ``index``, which Pagefind wrote from ``drafts``
    (``draft_records``): their filters, their sort keys, and the metadata of any story whose
    metadata changed since its draft (an undated story dated from its related coverage).

    The words and the text are the drafts', which are the records' own: only labels move
    between a story's draft and its record. Each story's page number is read from the drafts'
    sort by page key (``PAGE_SORT``), which is then replaced by the records' sorts. Filters and
    sorts are written as Pagefind writes them (values sorted, page numbers ascending, a sort's
    ties in page order), a changed fragment under a name made from its content. False when
    ``index`` is not in a form this code knows (then nothing is written) or does not hold the
    drafts' stories: the caller discards it and indexes the records afresh."""
    try:
        entry_path = index / "pagefind-entry.json"
        entry = json.loads(entry_path.read_text(encoding="utf-8"))
        ((language, about),) = entry["languages"].items()
        meta_file = index / f"pagefind.{about['hash']}.pf_meta"
        version, pages, chunks, filters, sorts, _ = _read_cbor(meta_file)
        page_of = _page_numbers(drafts, dict(sorts)[PAGE_SORT], len(pages))
        if filters or page_of is None or sorted(r.url for r in records) != sorted(page_of):
            return False
        replaced = _refresh_fragments(index / "fragment", language, pages, page_of, drafts, records)
    except (OSError, KeyError, TypeError, ValueError, IndexError) as exc:
        log.debug("Pagefind's index not relabelled: %s", exc)
        return False
    for old in replaced:
        old.unlink()
    values: dict[str, dict[str, list[int]]] = {}
    keys: dict[str, list[tuple[str, int]]] = {}
    for record in records:
        n = page_of[record.url]
        for name, given in record.filters.items():
            for value in given:
                values.setdefault(name, {}).setdefault(value, []).append(n)
        for name, key in record.sort.items():
            keys.setdefault(name, []).append((key, n))
    (index / "filter").mkdir(exist_ok=True)
    filters = []
    for name in sorted(values):
        packed = [
            name,
            [[value, sorted(numbers)] for value, numbers in sorted(values[name].items())],
        ]
        filters.append([name, _write_filter(index, language, packed)])
    sorts = [[name, [n for _, n in sorted(keys[name])]] for name in sorted(keys)]
    fields = sorted({field for record in records for field in record.meta})
    _replace_meta(index, language, about, [version, pages, chunks, filters, sorts, fields])
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")))
    return True


def _page_numbers(
    drafts: Sequence[SearchRecord], in_key_order: list[int], pages: int
) -> dict[str, int] | None:
    """Each draft's page number in the index, from Pagefind's order of their page keys; None
    when that order is not one of these drafts."""
    keys = sorted((draft.sort[PAGE_SORT], draft.url) for draft in drafts)
    if len({key for key, _ in keys}) != len(keys) or sorted(in_key_order) != list(range(pages)):
        return None  # two stories with one key, or pages that are not the drafts
    if len(keys) != pages:
        return None
    return {url: n for (_, url), n in zip(keys, in_key_order, strict=True)}


def _refresh_fragments(
    folder: Path,
    language: str,
    pages: list[list],
    page_of: dict[str, int],
    drafts: Sequence[SearchRecord],
    records: Sequence[SearchRecord],
) -> list[Path]:
    """Write the fragment of each record whose metadata is not its draft's under a new name,
    renamed in ``pages``; the fragments they replace, to delete once the index is relabelled."""
    drafted = {draft.url: draft.meta for draft in drafts}
    names = {name for name, _ in pages}
    replaced = []
    for record in records:
        if record.meta == drafted[record.url]:
            continue
        n = page_of[record.url]
        old = folder / f"{pages[n][0]}.pf_fragment"
        fragment = json.loads(_read_pagefind(old))
        # Pagefind's URL is the page's path from the site's root, perhaps percent-encoded
        if unquote(str(fragment.get("url"))).strip("/") != unquote(record.url).strip("/"):
            raise ValueError(f"page {n} is not {record.url}")
        fragment["meta"] = dict(sorted(record.meta.items()))
        data = _PAGEFIND_HEADER + json.dumps(
            fragment, ensure_ascii=False, separators=(",", ":")
        ).encode("utf-8")
        name = _fresh_name(language, data, names)
        (folder / f"{name}.pf_fragment").write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
        names.add(name)
        replaced.append(old)
        pages[n] = [name, pages[n][1]]
    return replaced


def _write_filter(index: Path, language: str, data: list) -> str:
    """A filter file as Pagefind writes one, under a name made of its content; the name the
    index's metadata lists it by."""
    return f"{language}_{_write_cbor(index / 'filter', data, 7, language, '.pf_filter')}"


def _replace_meta(index: Path, language: str, about: dict, meta: list) -> None:
    """Write the index's metadata under a name made of its content, in place of the file
    ``about`` (the entry file's record of the language) names, and name it there."""
    old = index / f"pagefind.{about['hash']}.pf_meta"
    about["hash"] = f"{language}_{_write_cbor(index, meta, 10, f'pagefind.{language}', '.pf_meta')}"
    if index / f"pagefind.{about['hash']}.pf_meta" != old:
        old.unlink()


def _fresh_name(language: str, data: bytes, taken: set[str]) -> str:
    """A fragment's name as Pagefind makes one (the language, then the start of a hash of its
    content), longer where the start is another fragment's."""
    digest = hashlib.sha256(data).hexdigest()
    for length in range(7, len(digest) + 1):
        name = f"{language}_{digest[:length]}"
        if name not in taken:
            return name
    raise ValueError("no free fragment name")


def _read_pagefind(path: Path) -> bytes:
    """A Pagefind 1.x file's content after its header."""
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(_PAGEFIND_HEADER):
        raise ValueError(f"{path.name} is not a Pagefind 1.x file")
    return raw[len(_PAGEFIND_HEADER) :]


def _read_cbor(path: Path) -> list:
    import cbor2

    return cbor2.loads(_read_pagefind(path))


def _write_cbor(folder: Path, data: list, digits: int, prefix: str, suffix: str) -> str:
    """Write ``data`` as Pagefind does (header, CBOR, gzip) under a name made of its content's
    hash; returns the hash."""
    import cbor2

    raw = _PAGEFIND_HEADER + cbor2.dumps(data)
    digest = hashlib.sha256(raw).hexdigest()[:digits]
    (folder / f"{prefix}_{digest}{suffix}").write_bytes(
        gzip.compress(raw, compresslevel=9, mtime=0)
    )
    return digest


class BackgroundIndex:
    """Pagefind indexing the stories while the build goes on; ``finish`` puts the index in place.

    Started with the ``draft_records`` as soon as the stories are settled; ``label`` hands it
    the final records once their topics and dates are known, which are then put into the
    index (``relabel``; where that cannot be done, the records are indexed afresh). ``kept``:
    where the cache keeps the pages Pagefind reads (``pages_for_pagefind``).

    The index is written to a scratch folder beside the site folder (MkDocs empties the site
    folder after the digest has started), then moved in with a rename. An error in the
    thread is raised again by ``finish``; ``cancel`` waits for the thread and discards its work.
    """

    def __init__(
        self, drafts: Sequence[SearchRecord], beside: Path, kept: Path | None = None
    ) -> None:
        beside.mkdir(parents=True, exist_ok=True)
        self.scratch = Path(tempfile.mkdtemp(prefix=".digest-search-", dir=beside))
        self.error: BaseException | None = None
        self.records: Sequence[SearchRecord] | None = None
        self.labelled = threading.Event()
        self.thread = threading.Thread(
            target=self._run, args=(drafts, kept), name="digest-search-index", daemon=True
        )
        self.thread.start()

    def label(self, records: Sequence[SearchRecord]) -> None:
        """The final records: their labels go into the index once Pagefind is done."""
        self.records = records
        self.labelled.set()

    def _run(self, drafts: Sequence[SearchRecord], kept: Path | None) -> None:
        index = self.scratch / "index"
        try:
            write_records(drafts, index, kept, yielding=True)
            self.labelled.wait()
            if self.records is None:  # cancelled
                return
            if drafts and not relabel(index, drafts, self.records):
                shutil.rmtree(index)
                write_records(self.records, index)
        except BaseException as exc:  # raised again in the build's own thread by finish()
            self.error = exc

    def finish(self, out_dir: Path) -> None:
        if not self.labelled.is_set():
            raise RuntimeError("the search index was never given the final records")
        self.thread.join()
        try:
            if self.error is not None:
                raise self.error
            if out_dir.exists():
                shutil.rmtree(out_dir)
            out_dir.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(self.scratch / "index", out_dir)
        finally:
            shutil.rmtree(self.scratch, ignore_errors=True)

    def cancel(self) -> None:
        if not self.labelled.is_set():
            self.records = None
            self.labelled.set()
        self.thread.join()
        shutil.rmtree(self.scratch, ignore_errors=True)


def record_html(record: SearchRecord) -> str:
    """One story as Pagefind reads it: the indexed text in the body, what results show and
    filter by in an element Pagefind reads for metadata but leaves out of the index.
    Every value is escaped: source text is text."""
    esc = html.escape
    body = "".join(f"<p>{esc(part)}</p>\n" for part in record.content.split("\n\n"))
    data = [f'<span data-pagefind-meta="{esc(k)}">{esc(v)}</span>' for k, v in record.meta.items()]
    data += [
        f'<span data-pagefind-filter="{esc(k)}">{esc(v)}</span>'
        for k, values in record.filters.items()
        for v in values
    ]
    data += [f'<span data-pagefind-sort="{esc(k)}">{esc(v)}</span>' for k, v in record.sort.items()]
    return (
        '<!doctype html>\n<html lang="en"><head><meta'
        f' charset="utf-8"><title>{esc(record.meta.get("title", ""))}</title></head>\n'
        f"<body data-pagefind-body>\n{body}<div"
        f" data-pagefind-ignore>{''.join(data)}</div>\n</body></html>\n"
    )
