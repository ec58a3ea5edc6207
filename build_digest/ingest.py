"""Stage 1 (ingest): read every file under the sources folder as text, or reject it with a
reason.

Plain text and Markdown are taken as the characters a reader saw (never as
markup); optional YAML front matter or a block of ``Key: value`` lines at the
top supplies metadata. HTML pages go through trafilatura, which extracts the
article body, title and date from the page.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

import yaml
from charset_normalizer import from_bytes

from .cores import on_both_cores
from .dates import parse_date_text
from .language import normalise_tag
from .models import Rejection, SourceDocument, SourceKind, SourceMeta

TEXT_SUFFIXES = {
    ".txt": SourceKind.TEXT,
    ".md": SourceKind.MARKDOWN,
    ".markdown": SourceKind.MARKDOWN,
}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
META_KEYS = ("title", "date", "source_url", "outlet", "author", "tags", "language")
# Keys accepted in a leading "Key: value" block of a note, mapped to META_KEYS.
HEADER_ALIASES = {
    "title": "title",
    "headline": "title",
    "date": "date",
    "published": "date",
    "source": "source_url",
    "url": "source_url",
    "source_url": "source_url",
    "link": "source_url",
    "outlet": "outlet",
    "publication": "outlet",
    "author": "author",
    "by": "author",
    "tags": "tags",
    "lang": "language",
    "language": "language",
}
MAX_SOURCE_BYTES = 8 * 1024 * 1024
"""Larger files are rejected unread. The longest news articles are well under 1 MB even as
saved pages; past this size a file is a dump or a mistake, and cleaning and NER would
need gigabytes of memory for it."""
MAX_FRONT_MATTER_CHARS = 64 * 1024
"""Front matter longer than this is ignored: metadata is a few lines, and YAML parsing cost
grows with size."""
MAX_META_VALUE_CHARS = 2000
"""A metadata value (title, outlet, URL...) longer than this is ignored with a warning."""
MAX_TAGS = 50
# Windows-1252 leaves these five bytes undefined; a text containing them is not cp1252.
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")
SHORT_TEXT_BYTES = 512
"""Below this size, encoding detection is a guess: the preferred legacy code page is used."""
# Single-byte code pages that detection on a short English text cannot tell apart.
_LATIN_FAMILY = {
    "cp1250",
    "cp1252",
    "cp1257",
    "latin_1",
    "iso8859_15",
    "iso8859_2",
    "cp850",
    "cp852",
    "cp775",
    "cp437",
    "mac_roman",
    "mac_latin2",
    "mac_iceland",
}
# A well-formed UTF-8 sequence of two to four bytes. Legacy single-byte text almost never
# forms one by accident, so a file with such sequences is UTF-8 even if some bytes are not.
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]"
    rb"|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)


@dataclass(frozen=True)
class IngestResult:
    documents: tuple[SourceDocument, ...]
    rejections: tuple[Rejection, ...]
    notes: dict[str, tuple[str, ...]]
    """Path -> warnings that did not stop the file (e.g. unreadable front matter)."""


class RejectedSource(Exception):
    """Raised inside ingest for a file that cannot become an article."""


@dataclass(frozen=True)
class SourceEntry:
    """One name found under the sources folder: a file to read, or why it is not read."""

    rel: str
    """Display path relative to the folder (valid Unicode)."""
    path: Path
    problem: str | None = None
    path_bytes: str | None = None


def display_path(rel: str) -> tuple[str, str | None]:
    """A path as valid Unicode, and the hex of its raw bytes when those are not UTF-8.

    File names on Linux are bytes; Python keeps undecodable ones as lone surrogates,
    which cannot be written to JSON or HTML. They are shown as ``\\xNN`` instead.
    """
    raw = os.fsencode(rel)
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError:
        return raw.decode("utf-8", "backslashreplace"), raw.hex()


def list_sources(sources_dir: Path) -> list[SourceEntry]:
    """Every name below the folder, in a stable order, each a regular file or a reason.

    Symbolic links are read only when they lead to a regular file inside the folder:
    a link to ``/etc/passwd`` or a private note must never be published. Links to
    folders are not followed (no loops); FIFOs, sockets and devices are never opened.
    """
    root = sources_dir.resolve()
    entries: list[SourceEntry] = []

    def add(full: str, problem: str | None, target: Path | None = None) -> None:
        rel, raw = display_path(os.path.relpath(full, root).replace(os.sep, "/"))
        entries.append(SourceEntry(rel, target or Path(full), problem, raw))

    def unreadable(err: OSError) -> None:
        add(err.filename or str(root), f"folder could not be read: {err.strerror or err}")

    for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable, followlinks=False):
        for name in list(dirnames):
            full = os.path.join(dirpath, name)
            if os.path.islink(full):
                dirnames.remove(name)
                add(full, "symbolic link to a folder: links to folders are not followed")
            elif name.startswith("."):
                dirnames.remove(name)
                add(full, "hidden folder (its name starts with '.'): not read")
        dirnames.sort()
        for name in filenames:
            full = os.path.join(dirpath, name)
            add(*_classify(full, root))
    entries.sort(key=lambda e: e.rel)
    return entries


def _classify(full: str, root: Path) -> tuple[str, str | None, Path | None]:
    try:
        info = os.lstat(full)
    except OSError as exc:
        return full, f"could not be read: {exc.strerror or exc}", None
    if stat.S_ISLNK(info.st_mode):
        try:
            target = Path(full).resolve(strict=True)
        except (OSError, RuntimeError):
            return full, "broken symbolic link (its target does not exist, or it loops)", None
        if not target.is_relative_to(root):
            return full, "symbolic link to a file outside the sources folder: not read", None
        if not target.is_file():
            return full, "symbolic link to something that is not a regular file: not read", None
        return full, None, target
    if not stat.S_ISREG(info.st_mode):
        kind = (
            "FIFO"
            if stat.S_ISFIFO(info.st_mode)
            else "socket"
            if stat.S_ISSOCK(info.st_mode)
            else "device or special file"
        )
        return full, f"not a regular file ({kind}): not read", None
    return full, None, None


def read_limited(path: Path, limit: int = MAX_SOURCE_BYTES) -> bytes:
    """The file's bytes, refusing anything that is not a regular file or is over the limit.

    Opened non-blocking and checked after opening, so a file swapped for a FIFO between
    listing and reading cannot hang the build.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise RejectedSource("not a regular file: not read")
        if info.st_size > limit:
            raise RejectedSource(
                f"larger than the {limit // (1024 * 1024)} MB a source may be ({info.st_size:,}"
                " bytes): not read"
            )
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise RejectedSource(
            f"larger than the {limit // (1024 * 1024)} MB a source may be: not read"
        )
    return data


def ingest(sources_dir: Path, *, legacy_encoding: str = "cp1252") -> IngestResult:
    """Read every file; one bad file never stops the others, and every name is accounted for.
    Files are read and decoded on both cores when there are many (``cores.on_both_cores``)."""
    documents: list[SourceDocument] = []
    rejections: list[Rejection] = []
    notes: dict[str, tuple[str, ...]] = {}
    entries = list_sources(sources_dir)
    read = on_both_cores(partial(_read_entry, legacy_encoding=legacy_encoding), entries)
    for entry, (document, rejection, warnings) in zip(entries, read, strict=True):
        if document is not None:
            documents.append(document)
        if rejection is not None:
            rejections.append(rejection)
        if warnings:
            notes[entry.rel] = warnings
    return IngestResult(tuple(documents), tuple(rejections), notes)


def _read_entry(
    entry: SourceEntry, legacy_encoding: str
) -> tuple[SourceDocument | None, Rejection | None, tuple[str, ...]]:
    """One name found under the folder: its document or the rejection that says why not, and
    the warnings about it."""
    if entry.problem:
        return None, Rejection(entry.rel, "", entry.problem, entry.path_bytes), ()
    try:
        data = read_limited(entry.path)
    except RejectedSource as exc:
        return None, Rejection(entry.rel, "", str(exc), entry.path_bytes), ()
    except OSError as exc:
        reason = f"could not be read: {exc.strerror or exc}"
        return None, Rejection(entry.rel, "", reason, entry.path_bytes), ()
    digest = hashlib.sha256(data).hexdigest()
    warnings: list[str] = []
    try:
        document = read_source(
            entry.rel, data, digest, legacy_encoding=legacy_encoding, warnings=warnings
        )
        return replace(document, path_bytes=entry.path_bytes), None, tuple(warnings)
    except RejectedSource as exc:
        return None, Rejection(entry.rel, digest, str(exc), entry.path_bytes), tuple(warnings)
    except Exception as exc:  # any other failure on one file is that file's problem only
        reason = f"could not be read as an article ({type(exc).__name__}: {str(exc)[:200]})"
        return None, Rejection(entry.rel, digest, reason, entry.path_bytes), tuple(warnings)


def read_source(
    rel: str,
    data: bytes,
    digest: str,
    *,
    legacy_encoding: str = "cp1252",
    warnings: list[str] | None = None,
) -> SourceDocument:
    """Turn one file's bytes into a SourceDocument or raise RejectedSource."""
    warnings = warnings if warnings is not None else []
    name = rel.rsplit("/", 1)[-1]
    if name.startswith("."):
        raise RejectedSource("hidden file (its name starts with '.'), not an article")
    suffix = Path(name).suffix.lower()
    if suffix not in TEXT_SUFFIXES and suffix not in HTML_SUFFIXES:
        raise RejectedSource(f"unsupported file type '{suffix or name}': use .txt, .md or .html")
    if len(data) > MAX_SOURCE_BYTES:
        raise RejectedSource(
            f"larger than the {MAX_SOURCE_BYTES // (1024 * 1024)} MB a source may be: not read"
        )
    text, encoding = decode_bytes(
        data, legacy_encoding=legacy_encoding, sniff_html=suffix in HTML_SUFFIXES, warnings=warnings
    )
    if _control_ratio(text) > 0.05:
        raise RejectedSource(f"binary file (decodes as {encoding} mostly into control characters)")
    text = normalise_text(text)
    if not text.strip():
        raise RejectedSource("empty file (no text after decoding)")
    if suffix in HTML_SUFFIXES:
        body, meta = extract_html(text, warnings)
        return SourceDocument(rel, digest, body, encoding, SourceKind.HTML, meta)
    meta, body = split_metadata(text, warnings)
    if not body.strip():
        raise RejectedSource("no article text (only metadata)")
    return SourceDocument(rel, digest, body, encoding, TEXT_SUFFIXES[suffix], meta)


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)


def declared_charset(data: bytes) -> str | None:
    """The encoding a saved page declares in a <meta> tag near its top."""
    m = _META_CHARSET.search(data[:4096])
    return m.group(1).decode("ascii").lower() if m else None


def decode_bytes(
    data: bytes,
    *,
    legacy_encoding: str = "cp1252",
    sniff_html: bool = False,
    warnings: list[str] | None = None,
) -> tuple[str, str]:
    """Decode UTF-8 (BOM or not), UTF-16/32 with BOM, a page's declared charset, or a detected
    legacy code page."""
    warnings = warnings if warnings is not None else []
    if not data.strip():
        raise RejectedSource("empty file")
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise RejectedSource(
                    f"starts with a {encoding} byte-order mark but does not decode as {encoding}:"
                    f" {exc.reason} at byte {exc.start}"
                ) from exc
    if b"\x00" in data:
        raise RejectedSource("binary file (contains NUL bytes and no UTF-16 byte-order mark)")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    declared = declared_charset(data) if sniff_html else None
    if declared:
        try:
            return data.decode(declared), declared
        except (UnicodeDecodeError, LookupError):
            pass  # the page lies about its encoding; detect it instead
    # A UTF-8 text with a few stray bytes (a paste from elsewhere, a cut multi-byte
    # character) is still UTF-8: reading it as Windows-1252 would turn every "é" into
    # "Ã©". Its well-formed multi-byte sequences give it away.
    valid = len(_UTF8_MULTIBYTE.findall(data))
    if valid:
        text = data.decode("utf-8", "replace")
        invalid = text.count("\ufffd") - data.decode("utf-8", "ignore").count("\ufffd")
        if valid >= invalid:
            warnings.append(
                f"{invalid} invalid UTF-8 byte sequence{'s were' if invalid != 1 else ' was'}"
                " replaced with '\ufffd' (the rest of the file is UTF-8)"
            )
            return text, "utf-8 (with replacements)"
    text, encoding = _decode_legacy(data, legacy_encoding)
    if valid:
        warnings.append(
            f"mixes UTF-8 with another encoding; read as {encoding}, so its {valid} UTF-8"
            " characters may show as two or three wrong ones"
        )
    return text, encoding


def _decode_legacy(data: bytes, legacy_encoding: str) -> tuple[str, str]:
    # Detection needs material: on a short text it "finds" EBCDIC, Big5 or UTF-16 in a
    # few bytes of Windows-1252. And it cannot tell Windows-1252 from its Central-European
    # and DOS cousins in English text. Archives of copied news are overwhelmingly
    # Windows-1252, so the preferred code page wins when the text is short or detection
    # lands in that family, provided it decodes the bytes at all (cp1252 leaves five
    # bytes undefined). UTF-16/32 are only trusted with a byte-order mark.
    matches = [m for m in from_bytes(data) if not m.encoding.startswith(("utf_16", "utf_32"))]
    best = matches[0] if matches else None
    prefer_legacy = best is None or best.encoding in _LATIN_FAMILY or len(data) < SHORT_TEXT_BYTES
    if (
        prefer_legacy
        and legacy_encoding
        and not (legacy_encoding == "cp1252" and _CP1252_UNDEFINED & set(data))
    ):
        try:
            return data.decode(legacy_encoding), legacy_encoding
        except (UnicodeDecodeError, LookupError):
            pass
    if best is None:
        raise RejectedSource("binary or undecodable file: not UTF-8 and no text encoding fits")
    return str(best), best.encoding


_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
"""Control characters (Unicode category Cc) other than tab, newline, form feed and return."""


def _control_ratio(text: str) -> float:
    return len(_CONTROL.findall(text)) / max(len(text), 1)


def normalise_text(text: str) -> str:
    """NFC, Unix line endings, no BOM or zero-width characters."""
    text = (
        text.replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\u2028", "\n")
        .replace("\u2029", "\n\n")
    )
    text = re.sub("[\ufeff\u200b\u200c\u200d\u2060]", "", text)
    return unicodedata.normalize("NFC", text)


_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_HEADER_LINE = re.compile(r"^([A-Za-z_ ]{2,20}):[ \t]+(\S.*)$")
_NULL_SCALARS = frozenset({"", "~", "null", "Null", "NULL"})


def split_metadata(text: str, warnings: list[str]) -> tuple[SourceMeta, str]:
    """Take YAML front matter, or a leading block of ``Key: value`` lines, off the text."""
    match = _FRONT_MATTER.match(text)
    if match:
        return _front_matter_meta(match.group(1), warnings), text[match.end() :]
    return _split_header_block(text, warnings)


def _front_matter_meta(source: str, warnings: list[str]) -> SourceMeta:
    """Front matter as the person typed it.

    Loaded with PyYAML's ``BaseLoader``, which resolves no types: ``title: 1:30`` stays
    "1:30" (YAML 1.1 reads 90), ``outlet: NO`` stays "NO" (not False), a 5000-digit
    number or an impossible date stays text. Only the composed node tree is walked,
    never constructed, so an alias "bomb" is never expanded: an alias where a single
    value belongs is a list or mapping, and is ignored with a warning.
    """
    if len(source) > MAX_FRONT_MATTER_CHARS:
        warnings.append(
            f"front matter is longer than {MAX_FRONT_MATTER_CHARS:,} characters and was ignored"
        )
        return SourceMeta()
    try:
        node = yaml.compose(source, Loader=yaml.BaseLoader)
    except yaml.YAMLError as exc:
        warnings.append(
            f"front matter is not valid YAML and was ignored ({str(exc).splitlines()[0]})"
        )
        return SourceMeta()
    except RecursionError:
        warnings.append("front matter is nested too deeply and was ignored")
        return SourceMeta()
    if not isinstance(node, yaml.MappingNode):
        warnings.append("front matter is not a mapping of keys to values and was ignored")
        return SourceMeta()
    values: dict[str, str | list[str]] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            warnings.append("a front matter key that is not a plain name was ignored")
            continue
        key = key_node.value
        if key in values:
            warnings.append(
                f"front matter key '{_short(key)}' is given twice: the first value is used"
            )
            continue
        if isinstance(value_node, yaml.ScalarNode):
            if value_node.style is None and value_node.value in _NULL_SCALARS:
                continue
            values[key] = value_node.value
        elif isinstance(value_node, yaml.SequenceNode) and all(
            isinstance(item, yaml.ScalarNode) for item in value_node.value[: MAX_TAGS + 1]
        ):
            values[key] = [item.value for item in value_node.value[: MAX_TAGS + 1]]
        else:
            warnings.append(
                f"front matter key '{_short(key)}' holds a nested structure, not a value: ignored"
            )
    return _meta_from_mapping(values, "front matter", warnings)


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _split_header_block(text: str, warnings: list[str]) -> tuple[SourceMeta, str]:
    lines = text.split("\n")
    found: dict[str, str | list[str]] = {}
    end = 0
    for i, line in enumerate(lines):
        m = _HEADER_LINE.match(line.strip())
        key = HEADER_ALIASES.get(m.group(1).strip().lower()) if m else None
        if m is None or key is None or key in found:
            end = i
            break
        found[key] = m.group(2).strip()
        end = i + 1
    # Two known keys make it a metadata block; one "Source: AP" line may be body text.
    if len(found) < 2:
        return SourceMeta(), text
    return _meta_from_mapping(found, "metadata lines", warnings), "\n".join(lines[end:])


def _meta_from_mapping(
    data: dict[str, str | list[str]], origin: str, warnings: list[str]
) -> SourceMeta:
    """Known keys become fields, other keys are kept as extra metadata; every value is text."""
    values: dict[str, str] = {}
    tags: tuple[str, ...] = ()
    extra: list[tuple[str, str]] = []
    for raw_key, value in data.items():
        key = HEADER_ALIASES.get(raw_key.strip().lower(), raw_key.strip())
        if key == "tags":
            items = value if isinstance(value, list) else value.split(",")
            kept = [t.strip() for t in items if t.strip() and len(t.strip()) <= 100]
            if len(kept) > MAX_TAGS or len(kept) < len([t for t in items if t.strip()]):
                warnings.append(
                    f"tags: only the first {MAX_TAGS} tags of at most 100 characters are used"
                )
            tags = tuple(dict.fromkeys(kept[:MAX_TAGS]))
            continue
        if isinstance(value, list):
            if key in META_KEYS:
                warnings.append(
                    f"{origin} key '{_short(key)}' should be a single value, not a list: ignored"
                )
                continue
            value = ", ".join(value)
        value = value.strip()
        if len(value) > MAX_META_VALUE_CHARS:
            warnings.append(
                f"{origin} key '{_short(key)}' is longer than {MAX_META_VALUE_CHARS:,} characters:"
                " ignored"
            )
            continue
        if not value:
            continue
        if key not in META_KEYS:
            if len(extra) < MAX_TAGS and len(key) <= 100:
                extra.append((key, value))
            continue
        if key == "language" and normalise_tag(value) is None:
            warnings.append(
                f"language '{_short(value)}' is not a language tag or name (e.g. my, zh-Hant,"
                " Burmese): ignored"
            )
            continue
        if key == "date" and parse_date_text(value) is None:
            warnings.append(
                f"date '{_short(value)}' is not a date that can be read (e.g. 2024-01-12, 2024-01"
                " or 12 January 2024): ignored"
            )
            continue
        values[key] = value
    return SourceMeta(
        title=values.get("title"),
        date=values.get("date"),
        source_url=values.get("source_url"),
        outlet=values.get("outlet"),
        author=values.get("author"),
        tags=tags,
        language=values.get("language"),
        extra=tuple(extra),
        origin=origin,
    )


def extract_html(html: str, warnings: list[str] | None = None) -> tuple[str, SourceMeta]:
    """Article text and metadata from a saved page, by trafilatura."""
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(
            html,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            date_extraction_params={"original_date": True, "extensive_search": True},
        )
    except Exception as exc:  # trafilatura raises many lxml errors on broken pages
        raise RejectedSource(f"HTML could not be parsed: {str(exc)[:200]}") from exc
    text = getattr(doc, "text", None) if doc is not None else None
    if doc is None or isinstance(doc, dict) or not text or not text.strip():
        raise RejectedSource("HTML page has no article text that could be extracted")
    read, date = page_date(html)
    found: dict[str, str | list[str]] = {
        key: value
        for key, value in (
            ("title", doc.title),
            ("date", date if read else doc.date),
            ("source_url", doc.url),
            ("outlet", doc.sitename),
            ("author", doc.author),
        )
        if isinstance(value, str) and value.strip()
    }
    tags = [t for t in doc.tags or [] if isinstance(t, str) and t.strip()]
    if tags:
        found["tags"] = tags
    meta = _meta_from_mapping(found, "html metadata", warnings if warnings is not None else [])
    return normalise_text(text), replace(meta, page_language=declared_language(html))


def page_date(html: str) -> tuple[bool, str | None]:
    """The page's publication date by htmldate, read from the page as saved: (whether htmldate
    could read the page, the date or None).

    Not the date trafilatura passes on: it hands htmldate the page's own address as well, and
    a date in an address is often the section's or the first version's (on the htmldate set,
    exact day 0.904 without it against 0.901 with it; on its 200 news pages of 2020 in 30
    languages, 0.895 against 0.880: ``python -m benchmarks.mediacloud``).
    """
    from htmldate import find_date

    try:
        found = find_date(html, original_date=True, extensive_search=True)
        # A bare year (a copyright line, "2016") comes back from the extensive search as its
        # 1 January: a 1 January that only that search finds is no publication day. On the
        # htmldate set this turns 7 wrong days into no date (2 of them right: the page has
        # none) and no right one: exact day 0.904 -> 0.906, Media Cloud 0.895 -> 0.905.
        bare_year = found is not None and found.endswith("-01-01")
        if bare_year and find_date(html, original_date=True, extensive_search=False) is None:
            return True, None
        return True, found
    except Exception:  # htmldate raises lxml's errors on broken pages; trafilatura's date stands
        return False, None


_HTML_LANG = re.compile(
    r"<html\b[^>]*?\blang\s*=\s*[\"']?\s*([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*)", re.I
)
_CONTENT_LANGUAGE = re.compile(
    r"<meta\b[^>]*?http-equiv\s*=\s*[\"']?content-language[\"']?[^>]*?content\s*=\s*[\"']?"
    r"\s*([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*)",
    re.I,
)
LANGUAGE_SCAN_CHARS = 20_000
"""A page declares its language in its first tag or its head."""


def declared_language(html: str) -> str | None:
    """The language a saved page declares (``<html lang>``, else ``Content-Language``)."""
    head = html[:LANGUAGE_SCAN_CHARS]
    m = _HTML_LANG.search(head) or _CONTENT_LANGUAGE.search(head)
    return normalise_tag(m.group(1)) if m else None
