"""Stage 1: read every file under the sources folder as text, or reject it with a reason.

Plain text and Markdown are taken as the characters a reader saw (never as
markup); optional YAML front matter or a block of ``Key: value`` lines at the
top supplies metadata. HTML pages go through trafilatura, which extracts the
article body, title and date from the page.
"""

from __future__ import annotations

import codecs
import hashlib
import logging
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml
from charset_normalizer import from_bytes

from .models import Rejection, SourceDocument, SourceMeta

log = logging.getLogger(__name__)

TEXT_SUFFIXES = {".txt": "text", ".md": "markdown", ".markdown": "markdown"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
META_KEYS = ("title", "date", "source_url", "outlet", "author", "tags")
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
}
# Windows-1252 leaves these five bytes undefined; a text containing them is not cp1252.
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")
SHORT_TEXT_BYTES = 512
"""Below this size, encoding detection is a guess: the preferred legacy code page is used."""
# Single-byte code pages that detection on a short English text cannot tell apart.
_LATIN_FAMILY = {"cp1250", "cp1252", "cp1257", "latin_1", "iso8859_15", "iso8859_2", "cp850", "cp852", "cp775", "cp437", "mac_roman", "mac_latin2", "mac_iceland"}


@dataclass(frozen=True)
class IngestResult:
    documents: tuple[SourceDocument, ...]
    rejections: tuple[Rejection, ...]
    notes: dict[str, tuple[str, ...]]
    """Path -> warnings that did not stop the file (e.g. unreadable front matter)."""


class RejectedSource(Exception):
    """Raised inside ingest for a file that cannot become an article."""


def iter_source_files(sources_dir: Path) -> Iterator[Path]:
    """Every file below the folder, in a stable order."""
    return iter(sorted((p for p in sources_dir.rglob("*") if p.is_file()), key=lambda p: p.relative_to(sources_dir).as_posix()))


def ingest(sources_dir: Path, *, legacy_encoding: str = "cp1252") -> IngestResult:
    """Read every file; one bad file never stops the others."""
    documents: list[SourceDocument] = []
    rejections: list[Rejection] = []
    notes: dict[str, tuple[str, ...]] = {}
    paths = list(iter_source_files(sources_dir))
    for n, path in enumerate(paths, start=1):
        if n % 500 == 0:
            log.info("read %d of %d source files", n, len(paths))
        rel = path.relative_to(sources_dir).as_posix()
        try:
            data = path.read_bytes()
        except OSError as exc:
            log.warning("Rejected %s: could not be read", rel)
            rejections.append(Rejection(path=rel, sha256="", reason=f"could not be read: {exc.strerror or exc}"))
            continue
        digest = hashlib.sha256(data).hexdigest()
        warnings: list[str] = []
        try:
            documents.append(read_source(rel, data, digest, legacy_encoding=legacy_encoding, warnings=warnings))
        except RejectedSource as exc:
            log.warning("Rejected %s: %s", rel, exc)
            rejections.append(Rejection(path=rel, sha256=digest, reason=str(exc)))
        if warnings:
            notes[rel] = tuple(warnings)
    return IngestResult(tuple(documents), tuple(rejections), notes)


def read_source(rel: str, data: bytes, digest: str, *, legacy_encoding: str = "cp1252", warnings: list[str] | None = None) -> SourceDocument:
    """Turn one file's bytes into a SourceDocument or raise RejectedSource."""
    warnings = warnings if warnings is not None else []
    name = rel.rsplit("/", 1)[-1]
    if name.startswith("."):
        raise RejectedSource("hidden file (its name starts with '.'), not an article")
    suffix = Path(name).suffix.lower()
    if suffix not in TEXT_SUFFIXES and suffix not in HTML_SUFFIXES:
        raise RejectedSource(f"unsupported file type '{suffix or name}': use .txt, .md or .html")
    text, encoding = decode_bytes(data, legacy_encoding=legacy_encoding, sniff_html=suffix in HTML_SUFFIXES)
    if _control_ratio(text) > 0.05:
        raise RejectedSource(f"binary file (decodes as {encoding} mostly into control characters)")
    text = normalise_text(text)
    if not text.strip():
        raise RejectedSource("empty file (no text after decoding)")
    if suffix in HTML_SUFFIXES:
        body, meta = extract_html(text)
        return SourceDocument(rel, digest, body, encoding, "html", meta)
    meta, body = split_metadata(text, warnings)
    if not body.strip():
        raise RejectedSource("no article text (only metadata)")
    return SourceDocument(rel, digest, body, encoding, TEXT_SUFFIXES[suffix], meta)


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)


def declared_charset(data: bytes) -> str | None:
    """The encoding a saved page declares in a <meta> tag near its top."""
    m = _META_CHARSET.search(data[:4096])
    return m.group(1).decode("ascii").lower() if m else None


def decode_bytes(data: bytes, *, legacy_encoding: str = "cp1252", sniff_html: bool = False) -> tuple[str, str]:
    """Decode UTF-8 (BOM or not), UTF-16/32 with BOM, a page's declared charset, or a detected legacy code page."""
    if not data.strip():
        raise RejectedSource("empty file")
    for bom, encoding in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise RejectedSource(f"starts with a {encoding} byte-order mark but does not decode as {encoding}: {exc.reason} at byte {exc.start}") from exc
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
    # Detection needs material: on a short text it "finds" EBCDIC, Big5 or UTF-16 in a
    # few bytes of Windows-1252. And it cannot tell Windows-1252 from its Central-European
    # and DOS cousins in English text. Archives of copied news are overwhelmingly
    # Windows-1252, so the preferred code page wins when the text is short or detection
    # lands in that family, provided it decodes the bytes at all (cp1252 leaves five
    # bytes undefined). UTF-16/32 are only trusted with a byte-order mark.
    matches = [m for m in from_bytes(data) if not m.encoding.startswith(("utf_16", "utf_32"))]
    best = matches[0] if matches else None
    prefer_legacy = best is None or best.encoding in _LATIN_FAMILY or len(data) < SHORT_TEXT_BYTES
    if prefer_legacy and legacy_encoding and not (legacy_encoding == "cp1252" and _CP1252_UNDEFINED & set(data)):
        try:
            return data.decode(legacy_encoding), legacy_encoding
        except (UnicodeDecodeError, LookupError):
            pass
    if best is None:
        raise RejectedSource("binary or undecodable file: not UTF-8 and no text encoding fits")
    return str(best), best.encoding


def _control_ratio(text: str) -> float:
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f")
    return controls / max(len(text), 1)


def normalise_text(text: str) -> str:
    """NFC, Unix line endings, no BOM or zero-width characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = re.sub("[\ufeff\u200b\u200c\u200d\u2060]", "", text)
    return unicodedata.normalize("NFC", text)


_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_HEADER_LINE = re.compile(r"^([A-Za-z_ ]{2,20}):[ \t]+(\S.*)$")


def split_metadata(text: str, warnings: list[str]) -> tuple[SourceMeta, str]:
    """Take YAML front matter, or a leading block of ``Key: value`` lines, off the text."""
    match = _FRONT_MATTER.match(text)
    if match:
        try:
            data = yaml.safe_load(match.group(1))
        except yaml.YAMLError as exc:
            warnings.append(f"front matter is not valid YAML and was ignored ({str(exc).splitlines()[0]})")
            return SourceMeta(), text[match.end() :]
        if not isinstance(data, dict):
            warnings.append("front matter is not a mapping of keys to values and was ignored")
            return SourceMeta(), text[match.end() :]
        return _meta_from_mapping(data, "front matter", warnings), text[match.end() :]
    return _split_header_block(text, warnings)


def _split_header_block(text: str, warnings: list[str]) -> tuple[SourceMeta, str]:
    lines = text.split("\n")
    found: dict[str, str] = {}
    end = 0
    for i, line in enumerate(lines):
        m = _HEADER_LINE.match(line.strip())
        key = HEADER_ALIASES.get(m.group(1).strip().lower()) if m else None
        if key is None or key in found:
            end = i
            break
        found[key] = m.group(2).strip()
        end = i + 1
    # Two known keys make it a metadata block; one "Source: AP" line may be body text.
    if len(found) < 2:
        return SourceMeta(), text
    return _meta_from_mapping(found, "metadata lines", warnings), "\n".join(lines[end:])


def _meta_from_mapping(data: dict, origin: str, warnings: list[str]) -> SourceMeta:
    values: dict[str, object] = {}
    for key, value in data.items():
        key = HEADER_ALIASES.get(str(key).strip().lower(), str(key))
        if key not in META_KEYS:
            warnings.append(f"unknown {origin} key '{key}' ignored (known: {', '.join(META_KEYS)})")
            continue
        if value is None:
            continue
        if key == "tags":
            items = value if isinstance(value, list) else str(value).split(",")
            values[key] = tuple(str(t).strip() for t in items if str(t).strip())
        else:
            values[key] = str(value).strip()
    return SourceMeta(origin=origin, **values)


def extract_html(html: str) -> tuple[str, SourceMeta]:
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
        raise RejectedSource(f"HTML could not be parsed: {exc}") from exc
    text = getattr(doc, "text", None) if doc is not None else None
    if not text or not text.strip():
        raise RejectedSource("HTML page has no article text that could be extracted")
    meta = SourceMeta(
        title=(doc.title or None),
        date=(doc.date or None),
        source_url=(doc.url or None),
        outlet=(doc.sitename or None),
        author=(doc.author or None),
        tags=tuple(t for t in (doc.tags or []) if t),
        origin="html metadata",
    )
    return normalise_text(text), meta
