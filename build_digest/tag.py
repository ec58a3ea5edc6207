"""Stage 4: date, topics and named entities for every story, each with its evidence.

Dates are taken in order of trust: front matter, HTML metadata (htmldate, through
trafilatura), a dateline, then a partial date ("January 10-11") whose year comes
from related coverage. Other full dates in the text only bound the answer from
below. "Undated" is an honest answer; a guessed day is not, so a partial date is
published with month precision.

Topics come from the curated taxonomy file; entities from spaCy's statistical NER,
corrected and merged by the taxonomy's entity list.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import dateparser
import yaml
from slugify import slugify

from .clean import _DATE_IN_LINE, _MONTH
from .dedupe import Fingerprint
from .models import CleanedArticle, DateTag, Label, Role, Story, TaggedStory

ENTITY_TYPES = {"PERSON": "person", "GPE": "place", "LOC": "place", "FAC": "place", "ORG": "organisation"}
TYPE_ORDER = ("place", "organisation", "person")
UNDATED = DateTag(None, "none", "undated")
PARALLEL_NER_FROM = 400
_PARTIAL = re.compile(rf"\b({_MONTH})\s+(\d{{1,2}})(?:\s*[-–]\s*\d{{1,2}})?\b(?!,?\s*\d{{4}})(?!\d)", re.I)
_WIRE_DATELINE = re.compile(
    rf"^[A-Z][A-Z .'’/-]{{1,30}}(?:,\s[A-Z][A-Za-z .'’-]{{1,30}})?,?\s+((?i:{_MONTH}))\s+(\d{{1,2}})\s*\((?:Reuters|AP|AFP|Xinhua|Bloomberg|dpa|ANI|PTI|IANS|Kyodo|AAP|UPI|RFA|VOA)\)\s*[-–—]",
)
_MONTH_YEAR = re.compile(rf"\b({_MONTH})\s+(\d{{4}})\b", re.I)
_PARSER_SETTINGS = {"REQUIRE_PARTS": ["day", "month", "year"], "PREFER_DAY_OF_MONTH": "first", "RETURN_AS_TIMEZONE_AWARE": False}


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
    alternatives = sorted({re.escape(a) for a in aliases}, key=len, reverse=True)
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


@lru_cache(maxsize=4096)
def parse_date_text(text: str) -> tuple[dt.date, str] | None:
    """A stated date as (date, precision): ISO day, ISO month, or any full English date."""
    text = text.strip()
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?", text):
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3])), "day"
        except ValueError:
            return None
    if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
        return (dt.date(int(m[1]), int(m[2]), 1), "month") if 1 <= int(m[2]) <= 12 else None
    parsed = dateparser.parse(text, languages=["en"], settings=_PARSER_SETTINGS)
    if parsed:
        return parsed.date(), "day"
    if m := _MONTH_YEAR.fullmatch(text):
        parsed = dateparser.parse(f"1 {m[1]} {m[2]}", languages=["en"])
        return (parsed.date(), "month") if parsed else None
    return None


def article_date(article: CleanedArticle, today: dt.date | None = None) -> DateTag:
    """The best date one article states about itself (no corpus context yet)."""
    today = today or dt.date.today()
    meta = article.source.meta
    if meta.date:
        parsed = parse_date_text(meta.date)
        if parsed and parsed[0] <= today:
            return DateTag(parsed[0], parsed[1], f"{meta.origin} ({meta.date})")
    for block in article.blocks:
        if block.role is Role.DATELINE and (m := _DATE_IN_LINE.search(block.text)):
            parsed = parse_date_text(m.group(0))
            if parsed and parsed[0] <= today:
                return DateTag(parsed[0], "day", f"dateline '{m.group(0)}'")
    return DateTag(None, "none", "undated", not_before=latest_mentioned_date(article, today))


def latest_mentioned_date(article: CleanedArticle, today: dt.date) -> dt.date | None:
    """The latest date the text mentions (a caption's "Nov. 27, 2023", "in February 2021").

    A story is published after the events it reports, so this bounds its date from below.
    A month mention counts as the month's first day: the bound stays a true lower bound.
    """
    found: list[dt.date] = []
    for block in article.blocks:
        for pattern in (_DATE_IN_LINE, _MONTH_YEAR):
            for m in pattern.finditer(block.text):
                parsed = parse_date_text(m.group(0))
                if parsed and parsed[0] <= today:
                    found.append(parsed[0])
    return max(found) if found else None


def partial_dates(article: CleanedArticle) -> list[tuple[str, int, int]]:
    """Month-day mentions without a year: (as written, month, last day of the range)."""
    out = []
    for block in article.body_blocks:
        for m in _PARTIAL.finditer(block.text):
            parsed = dateparser.parse(f"{m[1]} 1 2000", languages=["en"])
            day_range = re.findall(r"\d{1,2}", m.group(0))
            if parsed and 1 <= int(day_range[-1]) <= 31:
                out.append((m.group(0), parsed.month, int(day_range[-1])))
    return out


def resolve_partial_date(article: CleanedArticle, reference: dt.date, origin: str = "related coverage") -> DateTag | None:
    """Place the latest-mentioned partial date in the year that brings it closest to the reference.

    The reference is the date of related coverage: a report on "January 10-11" filed
    among stories from November 2023 is from January 2024. Month precision, because
    the publication day is only known to be on or after the mentioned day.
    """
    candidates = []
    for written, month, day in partial_dates(article):
        options = []
        for year in (reference.year - 1, reference.year, reference.year + 1):
            try:
                options.append(dt.date(year, month, day))
            except ValueError:
                continue
        if options:
            candidates.append((min(options, key=lambda d: (abs((d - reference).days), d)), written))
    if not candidates:
        return None
    when, written = max(candidates)
    return DateTag(when.replace(day=1), "month", f"partial date '{written}' in the text, year from {origin} dated {reference.isoformat()}")


# --- topics and entities -----------------------------------------------------------


def match_topics(text: str, taxonomy: Taxonomy) -> tuple[Label, ...]:
    labels = []
    for topic in taxonomy.topics:
        hits = Counter(m.group(0) for m in topic.pattern.finditer(text))
        if sum(hits.values()) >= topic.min_matches:
            evidence = tuple(f"{phrase} ×{n}" if n > 1 else phrase for phrase, n in sorted(hits.items(), key=lambda kv: (-kv[1], kv[0])))
            labels.append(Label(topic.slug, topic.name, "topic", evidence))
    return tuple(labels)


class EntityFinder:
    """spaCy NER, loaded once; the taxonomy's entity list corrects names and types."""

    def __init__(self, model: str, taxonomy: Taxonomy) -> None:
        import spacy

        try:
            self.nlp = spacy.load(model, exclude=["parser", "lemmatizer", "tagger", "attribute_ruler", "senter"])
        except OSError as exc:
            raise RuntimeError(f"spaCy model '{model}' is not installed: pip install it or set ner_model in mkdocs.yml") from exc
        self.taxonomy = taxonomy
        self.lookup = taxonomy.entity_lookup
        self.alias_pattern = _phrase_pattern([f for r in taxonomy.entities for f in (r.name, *r.aliases) if len(f) > 2 or f.isupper()])

    def find(self, texts: Sequence[str]) -> list[list[tuple[str, str, str]]]:
        """Per text: (canonical name, type, surface form) for every mention."""
        results = []
        # Both cores for a large archive; below that, starting a second process costs more.
        n_process = 2 if len(texts) >= PARALLEL_NER_FROM else 1
        for text, doc in zip(texts, self.nlp.pipe(texts, batch_size=32, n_process=n_process), strict=True):
            lines = {re.sub(r"^the\s+", "", line.strip().casefold()) for line in text.split("\n") if line.strip()}
            mentions = []
            for ent in doc.ents:
                kind = ENTITY_TYPES.get(ent.label_)
                name = _normalise_entity(ent.text)
                # A whole headline or subheading read as one name is a model error.
                if kind and name and name.casefold() not in self.taxonomy.ignore and name.casefold() not in lines:
                    rule = self.lookup.get(name.casefold())
                    mentions.append((rule.name, rule.type, ent.text) if rule else (name, kind, ent.text))
            # Curated names are found even where the statistical model misses them.
            for m in self.alias_pattern.finditer(text):
                rule = self.lookup.get(m.group(0).casefold())
                if rule and (m.group(0).isupper() or not m.group(0).islower()):
                    mentions.append((rule.name, rule.type, m.group(0)))
            results.append(_merge_short_names(mentions))
        return results


def _merge_short_names(mentions: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """Within one text, "Nong" after "Nong Rong" and "Qin" after "Qin Gang" are the same person."""
    people = sorted({name for name, kind, _ in mentions if kind == "person"}, key=lambda n: -len(n))
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


def story_date(story: Story, dates: dict[str, DateTag]) -> DateTag:
    """The main version's date, else the earliest date any version states."""
    own = dates[story.main.source.path]
    if own.value is not None:
        return own
    dated = sorted((dates[a.source.path] for a in story.articles if dates[a.source.path].value), key=lambda d: (d.value, d.source))
    if dated:
        first = dated[0]
        return DateTag(first.value, first.precision, f"{first.source}, from another version")
    bounds = [dates[a.source.path].not_before for a in story.articles if dates[a.source.path].not_before]
    return DateTag(None, "none", "undated", not_before=max(bounds) if bounds else None)


def wire_dateline(article: CleanedArticle) -> tuple[str, int, int] | None:
    """A wire service's dateline opening the story: "YANGON, Jan 12 (Reuters) -" gives (text, month, day)."""
    first = next((b.text for b in article.body_blocks if b.role is Role.PARAGRAPH), "")
    m = _WIRE_DATELINE.match(first)
    if not m:
        return None
    parsed = dateparser.parse(f"{m[1]} 1 2000", languages=["en"])
    return (m.group(0).rstrip(" -–—"), parsed.month, int(m[2])) if parsed and 1 <= int(m[2]) <= 31 else None


def resolve_undated(tagged: list[TaggedStory], max_df: int = 200) -> list[TaggedStory]:
    """Give undated stories with a wire dateline or partial dates a year from related coverage.

    The reference is the median date of the dated stories sharing the most topics and
    entities (labels on more than ``max_df`` stories are skipped, keeping this linear),
    else the median date of the whole archive.
    """
    dated = [t for t in tagged if t.date.value]
    if not dated:
        return tagged
    archive_median = sorted(t.date.value for t in dated)[len(dated) // 2]
    postings: dict[str, list[TaggedStory]] = defaultdict(list)
    for t in dated:
        for label in (*t.topics, *t.entities):
            postings[f"{label.kind}:{label.slug}"].append(t)
    out = []
    for t in tagged:
        wire = wire_dateline(t.story.main) if t.date.value is None else None
        # Partial dates count only where they are the sole evidence: beside a full date
        # in the text ("Nov. 27, 2023"), "October 27" is an event the story recalls.
        partial = t.date.value is None and wire is None and t.date.not_before is None and partial_dates(t.story.main)
        if wire or partial:
            reference, origin = _reference_date(t, postings, max_df)
            if reference is None:
                reference, origin = archive_median, "the archive's median date"
            resolved = resolve_wire_dateline(wire, reference, origin, t.date.not_before) if wire else resolve_partial_date(t.story.main, reference, origin)
            if resolved:
                t = TaggedStory(t.story, resolved, t.topics, t.entities)
        out.append(t)
    return out


def _reference_date(t: TaggedStory, postings: dict[str, list[TaggedStory]], max_df: int) -> tuple[dt.date | None, str]:
    score: Counter[str] = Counter()
    by_id = {}
    for label in (*t.topics, *t.entities):
        stories = postings.get(f"{label.kind}:{label.slug}", ())
        if len(stories) > max_df:
            continue
        for other in stories:
            score[other.story.id] += 1
            by_id[other.story.id] = other
    if not score:
        return None, ""
    best = max(score.values())
    nearest = sorted(by_id[i].date.value for i, n in score.items() if n == best)
    return nearest[len(nearest) // 2], "related coverage"


def resolve_wire_dateline(wire: tuple[str, int, int], reference: dt.date, origin: str, not_before: dt.date | None) -> DateTag | None:
    """A wire dateline states the filing day; only its year is inferred, and the provenance says so."""
    written, month, day = wire
    options = []
    for year in (reference.year - 1, reference.year, reference.year + 1):
        try:
            when = dt.date(year, month, day)
        except ValueError:
            continue
        if not_before is None or when >= not_before:
            options.append(when)
    if not options:
        return None
    when = min(options, key=lambda d: (abs((d - reference).days), d))
    return DateTag(when, "day", f"wire dateline '{written}', year from {origin} dated {reference.isoformat()}")


def related_stories(tagged: Sequence[TaggedStory], prints: dict[str, Fingerprint], count: int = 5, max_df: int = 200) -> dict[str, tuple[str, ...]]:
    """Top related stories by shared topics and entities (IDF-weighted) and text similarity.

    Candidates come from an inverted index of labels; labels on more than ``max_df``
    stories are too common to propose candidates, which keeps the cost linear.
    """
    n = len(tagged)
    df: Counter[str] = Counter()
    keys = {}
    for t in tagged:
        keys[t.story.id] = {f"{lab.kind}:{lab.slug}" for lab in (*t.topics, *t.entities)}
        df.update(keys[t.story.id])
    postings: dict[str, list[str]] = defaultdict(list)
    for sid, ks in keys.items():
        for k in ks:
            if df[k] <= max_df:
                postings[k].append(sid)
    related = {}
    for t in tagged:
        sid = t.story.id
        scores: Counter[str] = Counter()
        for k in keys[sid]:
            for other in postings.get(k, ()):
                if other != sid:
                    scores[other] += math.log(1 + n / df[k])
        ranked = []
        for other, label_score in scores.items():
            ranked.append((label_score * (1 + cosine(prints[sid].content, prints[other].content)), other))
        ranked.sort(key=lambda x: (-round(x[0], 9), x[1]))
        related[sid] = tuple(other for _, other in ranked[:count])
    return related


def cosine(a: Counter[str], b: Counter[str]) -> float:
    if not a or not b:
        return 0.0
    dot = sum(v * b.get(k, 0) for k, v in a.items())
    return dot / (math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values())))


def evaluate_htmldate(folder: Path, limit: int | None = None) -> dict[str, float]:
    """Exact-day accuracy of the HTML date path (trafilatura + htmldate) on the htmldate set."""
    import json
    import tarfile

    from .ingest import RejectedSource, decode_bytes, extract_html

    truth = json.loads((folder / "ground-truth.json").read_text())
    wanted = {v["file"]: v["date"] for v in truth.values()}
    tp = fp = fn = tn = 0
    with tarfile.open(folder / "pages.tar.xz", "r:xz") as tar:
        members = [m for m in tar.getmembers() if m.isfile()][:limit]
        for member in members:
            name = member.name.split("/", 1)[-1]
            if name not in wanted:
                continue
            gold = wanted[name]
            try:
                text, _ = decode_bytes(tar.extractfile(member).read())
                _, meta = extract_html(text)
                found = parse_date_text(meta.date)[0].isoformat() if meta.date and parse_date_text(meta.date) else None
            except RejectedSource:
                found = None
            if found is None:
                tn += gold is None
                fn += gold is not None
            elif found == gold:
                tp += 1
            else:
                fp += 1
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    total = tp + fp + fn + tn
    return {
        "pages": total,
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "accuracy": round((tp + tn) / total, 3),
        "f1": round(2 * precision * recall / (precision + recall), 3) if precision + recall else 0.0,
    }
