"""Shared by the stages: a persistent, content-addressed cache of what is computed per source
text.

A CI rebuild after one new source should not run named-entity recognition on the other
9,999 again. Results are stored in one SQLite file (the standard library's ``sqlite3``)
under the project, ``.cache/digest/cache.sqlite3`` by default, keyed by

* ``kind``: what was computed (``ner``, ``fingerprint``);
* ``key``: the SHA-256 of exactly the input it was computed from;
* ``version``: a hash of the code and options that computed it.

A row whose version differs from the running code's is a miss, never an error, so an
older or newer release can share the folder; values are JSON (no pickles: reading a
cache never runs code). A file that is not a readable cache is set aside with a warning
and a fresh one is started; if none can be written the build runs without one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
import sqlite3
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, TypeVar, cast

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger("mkdocs.plugins.digest")
In = TypeVar("In")
Out = TypeVar("Out")

FILE_NAME = "cache.sqlite3"
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS entries (kind TEXT NOT NULL, key TEXT NOT NULL, version TEXT NOT"
    " NULL, value TEXT NOT NULL, PRIMARY KEY (kind, key))"
)


def code_version(*modules: ModuleType, options: str = "") -> str:
    """A version that changes with the source code of ``modules`` and with ``options``: any
    edit to a module that computes a cached result makes its old entries misses."""
    sources = [
        Path(m.__file__).read_text(encoding="utf-8") if m.__file__ else m.__name__ for m in modules
    ]
    return content_key(*sources, options)


def content_key(*parts: str) -> str:
    """SHA-256 of the parts, unambiguously joined."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


DERIVED = "derived"
"""A record field whose metadata marks it ``{DERIVED: True}`` is computed from the record's
other fields (a fingerprint from its article's text): ``record_key`` leaves it out."""


def record_key(record: object) -> str:
    """A digest of a plain record's every value: equal for equal records in any build or
    process (sets are sorted, never taken in hash order), and different when any field is.
    What a stage computes from a whole record is keyed by it, so no field can be left out of
    its key by mistake; a type it does not know raises ``TypeError``."""
    parts: list[str] = []
    _spell(record, parts)
    text = "".join(parts).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(text, digest_size=20).hexdigest()


_FIELDS: dict[type, tuple[str, ...]] = {}
"""Per record class, the fields ``record_key`` reads."""


def _spell(value: object, out: list[str]) -> None:
    """``value`` as text no other value spells: each string with its length, each container
    with its size, each record with its class."""
    names = _FIELDS.get(type(value))
    if names is not None:
        out.append(f"{type(value).__name__}:")
        for name in names:
            _spell(getattr(value, name), out)
    elif isinstance(value, str):  # StrEnum values too: a field's type says which it is
        out.append(f"s{len(value)}:")
        out.append(value)
    elif isinstance(value, (tuple, list)):
        out.append(f"({len(value)}")
        for item in value:
            _spell(item, out)
    elif value is None or isinstance(value, (bool, int, float, dt.date)):
        out.append(f"{type(value).__name__}:{value!r};")
    elif isinstance(value, bytes):
        out.append(f"b{len(value)}:{value.hex()}")
    elif isinstance(value, (set, frozenset)):
        out.append(f"{{{len(value)}")
        for item in sorted(value):
            _spell(item, out)
    elif isinstance(value, dict):
        out.append(f"[{len(value)}")
        for k, v in sorted(value.items()):
            _spell(k, out)
            _spell(v, out)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        cls = type(value)
        _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls) if not f.metadata.get(DERIVED))
        _spell(value, out)
    else:
        raise TypeError(f"record_key cannot key a {type(value).__name__}")


ARRAYS_SUFFIX = ".npz"
"""Whole-archive results are NumPy arrays in files of their own beside the database, read
without pickles (``allow_pickle=False``) like the JSON values."""

_UNREADABLE = (KeyError, IndexError, TypeError, ValueError, AttributeError)
"""What reading a damaged value (ValueError from JSON) or decoding one of another shape
raises: the value counts as missing."""


class DigestCache:
    """Get and put JSON values by (kind, key) for one code version per kind; counts hits."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.hits: Counter[str] = Counter()
        self.misses: Counter[str] = Counter()
        self._db: sqlite3.Connection | None = None
        if folder is not None:
            self._db = self._open(folder / FILE_NAME)

    @property
    def stores(self) -> bool:
        """Whether results are kept for the next build: without, a key made only to look one
        up is wasted work (``pages.cached_story_parts``)."""
        return self._db is not None

    def _open(self, path: Path) -> sqlite3.Connection | None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(path)
            db.execute(SCHEMA)
            db.execute("SELECT kind, key, version, value FROM entries LIMIT 1").fetchall()
            return db
        except sqlite3.DatabaseError as exc:  # not a database, or a table of another shape
            log.warning(
                "Cache %s is unreadable (%s): set aside as %s.corrupt, starting a new one",
                path,
                exc,
                path.name,
            )
            try:
                path.replace(path.with_name(path.name + ".corrupt"))
                db = sqlite3.connect(path)
                db.execute(SCHEMA)
                return db
            except (OSError, sqlite3.DatabaseError):
                return None
        except OSError as exc:
            log.warning(
                "Cache folder %s cannot be used (%s): building without a cache", path.parent, exc
            )
            return None

    def get_many(
        self,
        kind: str,
        version: str,
        keys: Iterable[str],
        decode: Callable[[object], object] | None = None,
    ) -> dict[str, object]:
        """The cached values of ``keys`` computed by this ``version``; missing ones are absent.
        ``decode``: each value as it is read, so that no more than one is held as JSON (a
        value it cannot decode is missing): at 10,000 sources the fingerprints' JSON, all
        held at once, was a quarter of a gigabyte beside what it decoded to."""
        wanted = list(dict.fromkeys(keys))
        found: dict[str, object] = {}
        if self._db is None:
            return found
        try:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    "SELECT key, value FROM entries WHERE kind = ? AND version = ? AND key IN"
                    f" ({marks})",
                    (kind, version, *chunk),
                )
                for key, value in rows:
                    try:
                        loaded = json.loads(value)
                        found[key] = decode(loaded) if decode is not None else loaded
                    except _UNREADABLE:
                        continue  # a damaged value, or one of another shape, is a miss
        except sqlite3.DatabaseError as exc:
            log.warning("Cache read failed (%s): computing instead", exc)
        self.hits[kind] += len(found)
        self.misses[kind] += len(wanted) - len(found)
        return found

    def put_many(self, kind: str, version: str, values: dict[str, object]) -> None:
        if self._db is None or not values:
            return
        rows = [
            (kind, key, version, json.dumps(value, ensure_ascii=False, separators=(",", ":")))
            for key, value in values.items()
        ]
        try:
            with self._db:
                self._db.executemany(
                    "INSERT OR REPLACE INTO entries (kind, key, version, value) VALUES (?, ?,"
                    " ?, ?)",
                    rows,
                )
        except sqlite3.DatabaseError as exc:
            log.warning("Cache write failed (%s): the next build computes these again", exc)

    def map(
        self,
        kind: str,
        version: str,
        inputs: Sequence[tuple[str, In]],
        compute: Callable[[list[In]], list[Out]],
        encode: Callable[[Out], object],
        decode: Callable[[object], Out],
    ) -> list[Out]:
        """``compute`` over the inputs, each (key, input), reading and writing the cache.

        Inputs whose key is cached are decoded; the rest (a value that no longer decodes
        counts as missing) go to ``compute`` in one call, and their results are stored,
        except those ``encode`` turns into None (a failure, to be tried again next build).
        Returns the results in the order of ``inputs``.
        """
        # A value not in the shape this code writes is computed again.
        results = cast(
            "dict[str, Out]", self.get_many(kind, version, (key for key, _ in inputs), decode)
        )
        todo = dict((key, item) for key, item in inputs if key not in results)
        computed = dict(zip(todo, compute(list(todo.values())), strict=True))
        encoded = {key: encode(value) for key, value in computed.items()}
        self.put_many(kind, version, {k: v for k, v in encoded.items() if v is not None})
        results.update(computed)
        return [results[key] for key, _ in inputs]

    def get_arrays(self, kind: str, version: str) -> dict[str, np.ndarray] | None:
        """The arrays last stored under ``kind`` by this ``version``, or None: a whole-archive
        result (a matrix) that a rebuild updates rather than computes again. A file that is
        missing, damaged or of another version is a miss, never an error. Not counted in
        ``hits`` and ``misses``, which count per-source results."""
        import numpy as np

        if self.folder is None:
            return None
        path = self.folder / f"{kind}{ARRAYS_SUFFIX}"
        try:
            with np.load(path, allow_pickle=False) as stored:
                if str(stored["version"]) != version:
                    return None
                return {name: stored[name] for name in stored.files if name != "version"}
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:  # damaged
            log.warning("Cache file %s is unreadable (%s): computing instead", path, exc)
            return None

    def put_arrays(self, kind: str, version: str, arrays: dict[str, np.ndarray]) -> None:
        """Store ``arrays`` under ``kind`` (in place of what was there), written whole or not
        at all: a build stopped halfway leaves the earlier file."""
        import numpy as np

        if self.folder is None or self._db is None:
            return
        path = self.folder / f"{kind}{ARRAYS_SUFFIX}"
        partial = path.with_name(path.name + ".partial")
        try:
            with partial.open("wb") as out:
                named: dict[str, Any] = {"version": np.array(version), **arrays}
                np.savez(out, **named)
            partial.replace(path)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            log.warning("Cache write failed (%s): the next build computes %s again", exc, kind)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


def clear(folder: Path) -> bool:
    """Delete the cache files in ``folder``; whether there were any."""
    path = folder / FILE_NAME
    arrays = sorted(folder.glob(f"*{ARRAYS_SUFFIX}")) if folder.is_dir() else []
    existed = path.exists() or bool(arrays)
    for stale in (path, path.with_name(path.name + ".corrupt"), *arrays):
        stale.unlink(missing_ok=True)
    return existed
