"""Stage 5 (tag): the people, places and organisations each story names, found by spaCy's
statistical NER and corrected by the taxonomy's entity list.

The model is loaded once per process, texts are given to it in pieces and on both cores for
large archives, and its raw results are cached per text (in memory for ``mkdocs serve``'s
rebuilds, on disk with the digest's cache). A name the model split ("Bay of" + "Bengal") is
joined, one it runs on is cut back, and the taxonomy's names, aliases and types win.
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from . import taxonomy as taxonomy_module
from .cache import DigestCache, code_version, content_key
from .dates import ascii_digits
from .deps import load_spacy_model
from .models import LabelKind
from .taxonomy import (
    _ARABIC,
    EntityRule,
    Taxonomy,
    _phrase_pattern,
    lookup_key,
)
from .text import is_unspaced, name_runs_on

if TYPE_CHECKING:  # spaCy is imported only when a model is loaded
    from spacy.language import Language
    from spacy.tokens import Doc

ENTITY_TYPES = {
    "PERSON": LabelKind.PERSON,
    "GPE": LabelKind.PLACE,
    "LOC": LabelKind.PLACE,
    "FAC": LabelKind.PLACE,
    "ORG": LabelKind.ORGANISATION,
}
Mention = tuple[str, LabelKind, str]
"""One name found in a text: (canonical name, type, the words the text used)."""
PARALLEL_NER_FROM = 150
"""From this many texts to recognise, both cores: measured 17,579 words/s on two processes
against 9,990 on one (batch 32; larger batches were slower), which repays the workers' start
(each loads the model, about 2 s) from about 150 news texts."""
NER_WORKERS = 2
"""Worker processes for a large batch: the machine this is built on has two cores."""
NER_TASK_TEXTS = 256
"""Texts handed to a worker at a time (eight of the model's batches of 32): enough to keep
the pipe between the processes from costing, few enough to share the work evenly."""


NER_CHUNK_CHARS = 10_000
"""Texts are given to the model in pieces of at most this many characters (cut between
paragraphs): spaCy refuses texts over its ``max_length`` (1,000,000) and its memory grows
with the length of one text (a 1 MB text in 100,000-character pieces peaked at 3.2 GB,
in 10,000-character pieces at 1.2 GB), while entities never span paragraphs."""
MAX_NER_CHARS = 200_000
"""Names are looked for in the first this many characters of a story (about 30,000 words,
seven seconds of NER): a news story is far shorter, and a text past this is a dump whose
opening names what it is about."""


# --- entities ---------------------------------------------------------------------


def ner_chunks(text: str, limit: int = NER_CHUNK_CHARS) -> list[str]:
    """The text in pieces of at most ``limit`` characters, cut between paragraphs where possible."""
    if len(text) <= limit:
        return [text]
    chunks: list[str] = []
    current = ""
    for paragraph in text.split("\n\n"):
        while len(paragraph) > limit:  # one huge paragraph: cut at the last space before the limit
            cut = paragraph.rfind(" ", 1, limit)
            cut = cut if cut > 0 else limit
            if current:
                chunks.append(current)
                current = ""
            chunks.append(paragraph[:cut])
            paragraph = paragraph[cut:].lstrip()
        if current and len(current) + 2 + len(paragraph) > limit:
            chunks.append(current)
            current = ""
        current = f"{current}\n\n{paragraph}" if current else paragraph
    if current:
        chunks.append(current)
    return chunks


# Loaded models and the model's raw entities per text, kept for the life of the process:
# `mkdocs serve` rebuilds in the same process, and NER is most of a large build's cost,
# so a rebuild after one changed source runs the model on that source only.
_MODELS: dict[str, Language] = {}
_RAW_ENTITIES: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {}
RAW_CACHE_LIMIT = 200_000


def clear_entity_cache() -> None:
    """Forget cached NER results (the benchmark measures cold runs)."""
    _RAW_ENTITIES.clear()


class EntityFinder:
    """spaCy NER, loaded once per process; the taxonomy's entity list corrects names and types."""

    def __init__(self, model: str, taxonomy: Taxonomy, cache: DigestCache | None = None) -> None:
        self.model = model
        self.taxonomy = taxonomy
        self.cache = cache or DigestCache(None)
        """Without a cache folder it reads and writes nothing: every result is computed."""
        self.version = ner_version(model)
        self.lookup = taxonomy.entity_lookup
        self.alias_pattern = _phrase_pattern(
            [
                f
                for r in taxonomy.entities
                for f in (r.name, *r.aliases)
                if len(f) > 2 or f.isupper() or (len(f) == 2 and is_unspaced(f))
            ]
        )

    def raw_entities(self, texts: Sequence[str]) -> list[tuple[tuple[str, str], ...]]:
        """(surface text, spaCy label) per entity per text, from the cache or the model."""
        keys = [(self.model, hashlib.sha256(text.encode()).hexdigest()) for text in texts]
        todo = {
            key: text for key, text in zip(keys, texts, strict=True) if key not in _RAW_ENTITIES
        }  # each new text once
        if len(_RAW_ENTITIES) + len(todo) > RAW_CACHE_LIMIT:
            _RAW_ENTITIES.clear()
        found = self.cache.map(
            "ner",
            self.version,
            [(key[1], text) for key, text in todo.items()],
            self._recognise,
            lambda entities: [list(e) for e in entities],
            _decode_raw,
        )
        _RAW_ENTITIES.update(zip(todo, found, strict=True))
        return [_RAW_ENTITIES[key] for key in keys]

    def _recognise(self, texts: list[str]) -> list[tuple[tuple[str, str], ...]]:
        """The model's entities in texts found in no cache."""
        # Both cores for a large batch; below that, starting the workers costs more.
        parallel = len(texts) >= PARALLEL_NER_FROM
        pieces = [
            (n, chunk) for n, text in enumerate(texts) for chunk in ner_chunks(text[:MAX_NER_CHARS])
        ]
        found: list[list[tuple[str, str]]] = [[] for _ in texts]
        # The model is loaded only when a text is not in the cache: a rebuild after one new
        # source loads it for that source alone, and one with every text cached not at all.
        if pieces:
            nlp = _load_model(self.model)  # here too: a model that cannot load fails in one line
            chunks = [chunk for _, chunk in pieces]
            if parallel:
                names = _names_in_workers(self.model, chunks)
            else:
                names = [joined_names(doc) for doc in nlp.pipe(chunks, batch_size=32)]
            for (n, _), entities in zip(pieces, names, strict=True):
                found[n].extend(entities)
        return [tuple(entities) for entities in found]

    def find(
        self, texts: Sequence[str], languages: Sequence[str] | None = None
    ) -> list[list[Mention]]:
        """Per text: (canonical name, type, surface form) for every mention.

        ``languages`` (BCP 47, one per text; the model's own when not given): the model reads
        only texts in its language, never Chinese or Thai with English eyes; in the others,
        the taxonomy's names in any script are found (a gazetteer).
        Cached per text: they depend on the model's raw entities, the taxonomy and this module.
        """
        version = content_key(
            self.version,
            code_version(sys.modules[__name__], taxonomy_module, options=self.taxonomy.digest),
        )
        readable = (
            [lang.split("-")[0] == self.language for lang in languages]
            if languages is not None
            else [True] * len(texts)
        )
        return self.cache.map(
            "mentions",
            version,
            [(content_key(t, str(r)), (t, r)) for t, r in zip(texts, readable, strict=True)],
            self._find,
            lambda m: [list(x) for x in m],
            _decode_mentions,
        )

    @property
    def language(self) -> str:
        """The language the NER model reads: spaCy's packages are named ``{lang}_core_…``."""
        prefix = Path(self.model).name.split("_")[0]
        return prefix if 2 <= len(prefix) <= 3 and prefix.isalpha() else "en"

    def _mention(self, text: str, lines: set[str], surface: str, label: str) -> Mention | None:
        """The mention one of the model's entities in ``text`` makes, or None: not a name
        (``lines``: the text's lines, casefolded, without a leading "the")."""
        kind = ENTITY_TYPES.get(label)
        name = _normalise_entity(surface)
        # A whole headline or subheading read as one name is a model error.
        if (
            not kind
            or not name
            or name.casefold() in self.taxonomy.ignore
            or name.casefold() in lines
        ):
            return None
        if kind is LabelKind.PERSON and _ATTRIBUTIVE.search(
            text.split(surface, 1)[1][:40] if surface in text else ""
        ):
            return None  # "the Biden administration" names a government, not the person
        if kind is LabelKind.PERSON and _after_place_cue(text, surface):
            # "the border town of Mae Sot": a place the model took for a name
            kind = LabelKind.PLACE
        rule = self.lookup.get(lookup_key(name))
        return (rule.name, rule.type, surface) if rule else (name, kind, surface)

    def _find(self, items: list[tuple[str, bool]]) -> list[list[Mention]]:
        readable = [text for text, ok in items if ok]
        raw = iter(self.raw_entities(readable))
        results = []
        for text, ok in items:
            entities = next(raw) if ok else ()
            lines = {
                re.sub(r"^the\s+", "", line.strip().casefold())
                for line in text.split("\n")
                if line.strip()
            }
            mentions: list[Mention] = []
            longer_names = list(
                dict.fromkeys(surface for surface, label in entities if label in ENTITY_TYPES)
            )
            # A name the model found many times in one text is judged once there.
            judged: dict[tuple[str, str], Mention | None] = {}
            for surface, label in entities:
                if (surface, label) not in judged:
                    judged[surface, label] = self._mention(text, lines, surface, label)
                if (mention := judged[surface, label]) is not None:
                    mentions.append(mention)
            # Curated names are found even where the statistical model misses them, but not
            # inside a longer name ("United States" in "United States Institute of Peace").
            # In a text the model cannot read, they are the only names (a gazetteer).
            for m in self.alias_pattern.finditer(ascii_digits(text)):
                surface = text[m.start() : m.end()]
                rule = _rule_for(self.lookup, surface)
                if not rule or (surface.islower() and not surface.isupper()):
                    continue
                if _inside_longer_name(m, text, longer_names):
                    continue
                mentions.append((rule.name, rule.type, surface))
            results.append(_merge_short_names(mentions))
        return results


NAME_JOINS = frozenset({" of ", " of the ", " for ", " for the "})
"""What joins two halves of one long name the model reads as two ("United Nations Office" +
"for the" + "Coordination of Humanitarian Affairs"; "Global New Light" + "of" + "Myanmar")."""
_JOINABLE = {"ORG", "FAC", "LOC", "GPE"}
_OPEN_END = re.compile(r"\s+(?:of|for|and|of the|for the|on the)$", re.I)
"""A name cannot end on a word that joins it to more ("Bay of"): the model stopped early. The
model reads English: "La" and "De" end names (Duwa Lashi La) and are not joining words."""
_RUN_ON = re.compile(r"(?:\s+(?:[A-Z][\w’'.-]*))+")
"""Capitalised words that go on from a name left open ("Bay of" + " Bengal")."""
MAX_RUN_ON_WORDS = 4


def joined_names(doc: Doc) -> list[tuple[str, str]]:
    """(text, label) of the model's entities, with names it split joined again.

    Two names with "of"/"for the" between them are one ("United Nations Office for the
    Coordination of Humanitarian Affairs"): an organisation when its first half was one,
    else a place. A name the model left open on a joining word ("Bay of") takes the name
    that follows it, whatever its label, or the capitalised words that do; else it loses
    the joining word.
    """
    spans: list[tuple[int, int, str]] = []
    text = doc.text
    for ent in doc.ents:
        start, end, label = ent.start_char, ent.end_char, ent.label_
        if spans:
            p_start, p_end, p_label = spans[-1]
            between = text[p_end:start]
            open_end = bool(_OPEN_END.search(text[p_start:p_end]))
            joins = between in NAME_JOINS and p_label in _JOINABLE and label in _JOINABLE
            if joins or (open_end and between.isspace() and "\n" not in between):
                spans[-1] = (p_start, end, "ORG" if p_label == "ORG" else p_label)
                continue
        spans.append((start, end, label))
    out = []
    for start, end, label in spans:
        if _OPEN_END.search(text[start:end]):
            run_on = _RUN_ON.match(text, end)
            words = run_on.group(0).split() if run_on else []
            if words and len(words) <= MAX_RUN_ON_WORDS:
                end = run_on.end() if run_on else end
            else:
                end = start + _OPEN_END.search(text[start:end]).start()  # type: ignore[union-attr]
        out.append((text[start:end], label))
    return out


_ATTRIBUTIVE = re.compile(
    r"^[’']?s?\s+(?:administration|government|cabinet|era|presidency|camp|doctrine)\b"
)
_PLACE_CUES = r"town of|city of|village of|township of|district of|border town of|in|near|outside"
_PLACE_CUE_ENDS = re.compile(rf"\b(?:{_PLACE_CUES})\Z")
_PLACE_CUE_REACH = 1 + max(len(cue) for cue in _PLACE_CUES.split("|"))


def _after_place_cue(text: str, surface: str) -> bool:
    r"""Whether ``surface`` stands in ``text`` after a place cue and spaces, and ends a word
    there ("the border town of Mae Sot"): what ``\b(?:cues)\s+surface\b`` finds, without
    compiling that pattern for every name (at 1,600 sources that was 3 s of the stage)."""
    at = text.find(surface)
    while at != -1:
        end = at + len(surface)
        cue_end = at
        while cue_end > 0 and text[cue_end - 1].isspace():
            cue_end -= 1
        if (
            cue_end < at
            and _word_char(text, end - 1) != _word_char(text, end)
            and _PLACE_CUE_ENDS.search(text, max(0, cue_end - _PLACE_CUE_REACH), cue_end)
        ):
            return True
        at = text.find(surface, at + 1)
    return False


def _word_char(text: str, at: int) -> bool:
    r"""Whether ``text[at]`` is there and a word character as patterns read ``\w``."""
    return 0 <= at < len(text) and (text[at].isalnum() or text[at] == "_")


def _rule_for(lookup: dict[str, EntityRule], surface: str) -> EntityRule | None:
    """The entity a matched alias stands for: as written (digits in ASCII), else without the
    Arabic proclitic it was found behind."""
    plain = lookup_key(surface)
    if rule := lookup.get(plain):
        return rule
    if _ARABIC.search(plain[:1]):
        for cut in (1, 2, 3):
            if rule := lookup.get(plain[cut:]):
                return rule
    return None


def _inside_longer_name(match: re.Match[str], text: str, names: Sequence[str]) -> bool:
    """Whether a curated alias found in ``text`` is part of a longer name: a longer name the
    model found contains it at that place, or capitalised words run on ("United States Geological").
    """
    start, end = match.span()
    for name in names:
        if len(name) > len(match.group(0)) and match.group(0) in name:
            offset = name.index(match.group(0))
            if text[start - offset : start - offset + len(name)] == name:
                return True
    return name_runs_on(text, end)


def ner_version(model: str) -> str:
    """What the raw entities of a text depend on: the model and its version, spaCy's version,
    and the code that cuts texts into pieces and joins split names. A change to any of them
    makes every cached result a miss."""
    import importlib.metadata
    import inspect

    try:
        model_version = importlib.metadata.version(model)
    except (importlib.metadata.PackageNotFoundError, ValueError):
        meta = Path(model) / "meta.json"  # a model given as a folder
        model_version = (
            meta.read_text(encoding="utf-8", errors="replace") if meta.is_file() else "unknown"
        )
    code = (inspect.getsource(ner_chunks), inspect.getsource(joined_names))
    options = str((NER_CHUNK_CHARS, MAX_NER_CHARS, sorted(NAME_JOINS)))
    return content_key(model, model_version, importlib.metadata.version("spacy"), *code, options)


def _names_in_workers(model: str, chunks: list[str]) -> list[list[tuple[str, str]]]:
    """``joined_names`` of every text, recognised by ``NER_WORKERS`` fresh processes, in order.

    Started fresh (spawned), not forked as spaCy's own ``n_process`` forks them: a forked
    worker shares the build's memory, and its garbage collector touches every object and
    so copies it, so each worker grew as large as the build (at 10,000 sources about 1.5 GB
    each). A spawned one holds the model and its texts alone."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    tasks = [chunks[i : i + NER_TASK_TEXTS] for i in range(0, len(chunks), NER_TASK_TEXTS)]
    with ProcessPoolExecutor(
        NER_WORKERS,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_load_model,
        initargs=(model,),
    ) as pool:
        done = pool.map(_worker_names, [(model, task) for task in tasks])
        return [names for task in done for names in task]


def _worker_names(task: tuple[str, list[str]]) -> list[list[tuple[str, str]]]:
    """In a worker: the names of a few texts."""
    model, texts = task
    return [joined_names(doc) for doc in _load_model(model).pipe(texts, batch_size=32)]


def _load_model(model: str) -> Language:
    if model not in _MODELS:
        _MODELS[model] = load_spacy_model(model)
    return _MODELS[model]


def preload_model(model: str) -> None:
    """Check that the NER model is installed (raises DependencyError), so a build fails before
    it starts; it is loaded only when a text needs it (see ``EntityFinder.raw_entities``)."""
    import importlib.util

    if Path(model).is_dir():
        return
    try:
        found = importlib.util.find_spec(model) is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        _load_model(model)  # raises the DependencyError that names the fix


def _decode_raw(value: object) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, list):
        raise TypeError("a list of (text, label)")
    return tuple((str(text), str(label)) for text, label in value)


_KINDS = {kind.value: kind for kind in LabelKind}
"""A cached kind by its value: ``LabelKind(value)`` goes through Enum's own lookup, 1.4 s for the
half million mentions of 10,000 sources; an unknown value raises KeyError (a damaged entry)."""


def _decode_mentions(value: object) -> list[Mention]:
    if not isinstance(value, list):
        raise TypeError("a list of mentions")
    kinds = _KINDS
    return [(str(name), kinds[kind], str(surface)) for name, kind, surface in value]


def _merge_short_names(mentions: list[Mention]) -> list[Mention]:
    """Within one text, "Nong" after "Nong Rong" and "Qin" after "Qin Gang" are the same person."""
    people = sorted(
        {name for name, kind, _ in mentions if kind is LabelKind.PERSON}, key=lambda n: (-len(n), n)
    )
    longer: dict[str, str] = {}
    for name in people:
        words = name.split()
        for full in people:
            full_words = full.split()
            if len(full_words) > len(words) and (
                full_words[: len(words)] == words or full_words[-len(words) :] == words
            ):
                longer[name] = full
                break
    return [
        (longer.get(name, name), kind, surface)
        if kind is LabelKind.PERSON
        else (name, kind, surface)
        for name, kind, surface in mentions
    ]


@lru_cache(maxsize=65536)
def _normalise_entity(text: str) -> str:
    if "\n" in text.strip():
        return ""  # spans a heading and the next paragraph: not one name
    text = re.sub(r"\s+", " ", text).strip(" \"“”‘’',;:()[]")
    text = text.rstrip(".") if not re.search(r"\b[A-Z]\.$", text) else text
    text = re.sub(r"^(?:the|The)\s+", "", text)
    text = re.sub(r"[’']s$", "", text).strip()
    if len(text) < 2 or not text[:1].isupper() or any(c.isdigit() for c in text):
        # "Su-30", "G20", "1027": models, codes and numbers, not people, places or organisations
        return ""
    return text
