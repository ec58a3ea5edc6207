"""Stage 4: date, topics and named entities for every story, each with its evidence.

Dates come from ``dates.py``. Topics come from the curated taxonomy file; entities
from spaCy's statistical NER, corrected and merged by the taxonomy's entity list.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from slugify import slugify

from .dates import resolve_undated, story_date
from .models import DateTag, Label, Story, TaggedStory

ENTITY_TYPES = {"PERSON": "person", "GPE": "place", "LOC": "place", "FAC": "place", "ORG": "organisation"}
TYPE_ORDER = ("place", "organisation", "person")
PARALLEL_NER_FROM = 400


class TaxonomyError(ValueError):
    """The taxonomy file is missing or malformed; the message names the file and key."""


@dataclass(frozen=True)
class Topic:
    slug: str
    name: str
    description: str
    aliases: tuple[str, ...]
    min_matches: int = 1
    pattern: re.Pattern[str] = field(compare=False, repr=False, default=re.compile(r"(?!)"))


@dataclass(frozen=True)
class EntityRule:
    name: str
    type: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Taxonomy:
    topics: tuple[Topic, ...]
    entities: tuple[EntityRule, ...]
    ignore: frozenset[str]

    @property
    def entity_lookup(self) -> dict[str, EntityRule]:
        """Casefolded surface form -> the entity it means."""
        lookup = {}
        for rule in self.entities:
            for form in (rule.name, *rule.aliases):
                lookup[form.casefold()] = rule
        return lookup


def _phrase_pattern(aliases: Sequence[str]) -> re.Pattern[str]:
    alternatives = sorted({re.escape(a) for a in aliases}, key=lambda a: (-len(a), a))
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.I)


def load_taxonomy(path: Path) -> Taxonomy:
    """Read and validate the taxonomy file, naming the file and key in every error."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise TaxonomyError(f"taxonomy file {path} does not exist") from exc
    except yaml.YAMLError as exc:
        raise TaxonomyError(f"taxonomy file {path} is not valid YAML: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("topics"), dict):
        raise TaxonomyError(f"taxonomy file {path}: expected a mapping with a 'topics' mapping at the top")
    topics = []
    for slug, spec in sorted(data["topics"].items()):
        where = f"taxonomy file {path}, topics.{slug}"
        if not isinstance(spec, dict) or not spec.get("name"):
            raise TaxonomyError(f"{where}: needs at least a 'name'")
        if slugify(str(slug)) != str(slug):
            raise TaxonomyError(f"{where}: the key must be a slug (lowercase letters, digits, hyphens), e.g. '{slugify(str(slug))}'")
        aliases = spec.get("aliases") or []
        if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
            raise TaxonomyError(f"{where}.aliases: must be a list of phrases")
        min_matches = spec.get("min_matches", 1)
        if not isinstance(min_matches, int) or min_matches < 1:
            raise TaxonomyError(f"{where}.min_matches: must be a whole number of at least 1")
        phrases = tuple(dict.fromkeys([str(spec["name"]), *aliases]))
        topics.append(Topic(str(slug), str(spec["name"]), str(spec.get("description", "")), phrases, min_matches, _phrase_pattern(phrases)))
    entities = []
    for n, spec in enumerate(data.get("entities") or []):
        where = f"taxonomy file {path}, entities[{n}]"
        if not isinstance(spec, dict) or not spec.get("name"):
            raise TaxonomyError(f"{where}: needs a 'name'")
        if spec.get("type") not in TYPE_ORDER:
            raise TaxonomyError(f"{where}.type: must be one of {', '.join(TYPE_ORDER)}")
        entities.append(EntityRule(str(spec["name"]), spec["type"], tuple(str(a) for a in spec.get("aliases") or [])))
    ignore = data.get("ignore") or []
    if not isinstance(ignore, list):
        raise TaxonomyError(f"taxonomy file {path}, ignore: must be a list of names")
    return Taxonomy(tuple(topics), tuple(entities), frozenset(str(i).casefold() for i in ignore))


# --- dates -------------------------------------------------------------------------


# --- topics and entities -----------------------------------------------------------


def match_topics(text: str, taxonomy: Taxonomy) -> tuple[Label, ...]:
    labels = []
    for topic in taxonomy.topics:
        hits = Counter(m.group(0) for m in topic.pattern.finditer(text))
        if sum(hits.values()) >= topic.min_matches:
            evidence = tuple(f"{phrase} ×{n}" if n > 1 else phrase for phrase, n in sorted(hits.items(), key=lambda kv: (-kv[1], kv[0])))
            labels.append(Label(topic.slug, topic.name, "topic", evidence))
    return tuple(labels)


# Loaded models and the model's raw entities per text, kept for the life of the process:
# `mkdocs serve` rebuilds in the same process, and NER is most of a large build's cost,
# so a rebuild after one changed source runs the model on that source only.
_MODELS: dict[str, object] = {}
_RAW_ENTITIES: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {}
RAW_CACHE_LIMIT = 200_000


def clear_entity_cache() -> None:
    """Forget cached NER results (the benchmark measures cold runs)."""
    _RAW_ENTITIES.clear()


class EntityFinder:
    """spaCy NER, loaded once per process; the taxonomy's entity list corrects names and types."""

    def __init__(self, model: str, taxonomy: Taxonomy) -> None:
        self.model = model
        self.nlp = _load_model(model)
        self.taxonomy = taxonomy
        self.lookup = taxonomy.entity_lookup
        self.alias_pattern = _phrase_pattern([f for r in taxonomy.entities for f in (r.name, *r.aliases) if len(f) > 2 or f.isupper()])

    def raw_entities(self, texts: Sequence[str]) -> list[tuple[tuple[str, str], ...]]:
        """(surface text, spaCy label) per entity per text, from the cache or the model."""
        keys = [(self.model, hashlib.sha256(text.encode()).hexdigest()) for text in texts]
        todo = {key: text for key, text in zip(keys, texts, strict=True) if key not in _RAW_ENTITIES}  # each new text once
        # Both cores for a large batch; below that, starting a second process costs more.
        n_process = 2 if len(todo) >= PARALLEL_NER_FROM else 1
        if len(_RAW_ENTITIES) + len(todo) > RAW_CACHE_LIMIT:
            _RAW_ENTITIES.clear()
        for key, doc in zip(todo, self.nlp.pipe(list(todo.values()), batch_size=32, n_process=n_process), strict=True):
            _RAW_ENTITIES[key] = tuple((ent.text, ent.label_) for ent in doc.ents)
        return [_RAW_ENTITIES[key] for key in keys]

    def find(self, texts: Sequence[str]) -> list[list[tuple[str, str, str]]]:
        """Per text: (canonical name, type, surface form) for every mention."""
        results = []
        for text, entities in zip(texts, self.raw_entities(texts), strict=True):
            lines = {re.sub(r"^the\s+", "", line.strip().casefold()) for line in text.split("\n") if line.strip()}
            mentions = []
            for surface, label in entities:
                kind = ENTITY_TYPES.get(label)
                name = _normalise_entity(surface)
                # A whole headline or subheading read as one name is a model error.
                if kind and name and name.casefold() not in self.taxonomy.ignore and name.casefold() not in lines:
                    rule = self.lookup.get(name.casefold())
                    mentions.append((rule.name, rule.type, surface) if rule else (name, kind, surface))
            # Curated names are found even where the statistical model misses them.
            for m in self.alias_pattern.finditer(text):
                rule = self.lookup.get(m.group(0).casefold())
                if rule and (m.group(0).isupper() or not m.group(0).islower()):
                    mentions.append((rule.name, rule.type, m.group(0)))
            results.append(_merge_short_names(mentions))
        return results


def _load_model(model: str):
    if model not in _MODELS:
        import spacy

        try:
            _MODELS[model] = spacy.load(model, exclude=["parser", "lemmatizer", "tagger", "attribute_ruler", "senter"])
        except OSError as exc:
            raise RuntimeError(f"spaCy model '{model}' is not installed: pip install it or set ner_model in mkdocs.yml") from exc
    return _MODELS[model]


def _merge_short_names(mentions: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """Within one text, "Nong" after "Nong Rong" and "Qin" after "Qin Gang" are the same person."""
    people = sorted({name for name, kind, _ in mentions if kind == "person"}, key=lambda n: (-len(n), n))
    longer: dict[str, str] = {}
    for name in people:
        words = name.split()
        for full in people:
            full_words = full.split()
            if len(full_words) > len(words) and (full_words[: len(words)] == words or full_words[-len(words) :] == words):
                longer[name] = full
                break
    return [(longer.get(name, name), kind, surface) if kind == "person" else (name, kind, surface) for name, kind, surface in mentions]


def _normalise_entity(text: str) -> str:
    if "\n" in text.strip():
        return ""  # spans a heading and the next paragraph: not one name
    text = re.sub(r"\s+", " ", text).strip(" \"“”‘’',;:()[]")
    text = text.rstrip(".") if not re.search(r"\b[A-Z]\.$", text) else text
    text = re.sub(r"^(?:the|The)\s+", "", text)
    text = re.sub(r"[’']s$", "", text).strip()
    if len(text) < 2 or not text[:1].isupper() or text.isdigit():
        return ""
    return text


def entity_labels(mentions: list[tuple[str, str, str]], types: dict[str, str]) -> tuple[Label, ...]:
    """Labels for one story; ``types`` settles each name's type corpus-wide."""
    surfaces: dict[str, Counter[str]] = defaultdict(Counter)
    for name, _kind, surface in mentions:
        surfaces[name][surface.strip()] += 1
    labels = []
    for name, forms in surfaces.items():
        evidence = tuple(f"{form} ×{n}" if n > 1 else form for form, n in sorted(forms.items(), key=lambda kv: (-kv[1], kv[0])))
        slug = slugify(name) or "entity"
        labels.append(Label(slug, name, types[name], evidence))
    return tuple(sorted(labels, key=lambda lab: (TYPE_ORDER.index(lab.kind), lab.name.casefold())))


def corpus_entity_types(all_mentions: Sequence[list[tuple[str, str, str]]], taxonomy: Taxonomy) -> dict[str, str]:
    """One type per name: the curated one, else the type the model gave most often."""
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for mentions in all_mentions:
        for name, kind, _ in mentions:
            votes[name][kind] += 1
    curated = {r.name: r.type for r in taxonomy.entities}
    return {name: curated.get(name) or sorted(c.items(), key=lambda kv: (-kv[1], TYPE_ORDER.index(kv[0])))[0][0] for name, c in votes.items()}


# --- the stage ---------------------------------------------------------------------


def tag_stories(
    stories: Sequence[Story],
    dates: dict[str, DateTag],
    taxonomy: Taxonomy,
    finder: EntityFinder,
    today: dt.date | None = None,
) -> list[TaggedStory]:
    """Tag each story; ``dates`` maps a source path to its own date."""
    today = today or dt.date.today()
    texts = [f"{s.main.title}\n\n{s.main.body_text}" for s in stories]
    all_mentions = finder.find(texts)
    types = corpus_entity_types(all_mentions, taxonomy)
    tagged = []
    for story, text, mentions in zip(stories, texts, all_mentions, strict=True):
        tagged.append(TaggedStory(story, story_date(story, dates), match_topics(text, taxonomy), entity_labels(mentions, types)))
    return resolve_undated(tagged)
