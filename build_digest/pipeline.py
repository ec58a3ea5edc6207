"""Run the stages in order: gather everything, then link, then write (``STAGES``).

ingest -> clean -> dates and fingerprints -> dedupe -> tag -> translations -> learned topics
-> dates of undated stories -> relate -> events -> figures -> pages -> search records ->
catalog, then a renderer renders the pages and publish adds what no renderer makes. The same
list, with each stage's modules, is ``STAGES`` below, the README's table and the first line
of every stage module's docstring (``tests/test_package.py`` checks that they agree).
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TypeVar

from .cache import DigestCache, content_key
from .catalog import build_catalog
from .cleaning import clean_sources
from .cores import Beside, on_both_cores
from .dates import (
    article_date,
    date_from_json,
    date_key,
    date_to_json,
    date_version,
    resolve_undated,
)
from .dedupe import (
    dedupe,
    fingerprint,
    fingerprint_from_json,
    fingerprint_to_json,
    fingerprint_version,
    stopwords,
)
from .deps import check_dependencies
from .entities import EntityFinder
from .errors import DigestError
from .events import event_words, group_events
from .figures import archive_figures
from .ingest import ingest
from .language import (
    SITE_LANGUAGE,
    LanguageTag,
    article_language,
    article_text,
    detected_together,
    language_version,
    tag_from_json,
    tag_to_json,
)
from .models import (
    CleanedArticle,
    DateTag,
    DigestResult,
    Fingerprint,
    Rejection,
    SearchRecord,
    SourceVersion,
    TaggedStory,
)
from .pages import write_pages
from .relate import related_stories
from .search import draft_records, search_page, search_records
from .settings import DigestSettings
from .tag import tag_stories
from .taxonomy import Taxonomy, load_taxonomy
from .terms import TermCounts, cached_count_terms
from .topics import learn_topics, related_topics
from .translations import fold_translations
from .urls import SEARCH_PAGE

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class Stage:
    """One stage of the build: its name (as ``build-digest build -v`` times it), the modules
    that do it, and what it does."""

    name: str
    modules: tuple[str, ...]
    does: str


STAGES = (
    Stage("ingest", ("ingest",), "reads and decodes every file, or rejects it with a reason"),
    Stage(
        "clean",
        ("cleaning",),
        "cuts site chrome and clutter, labels the furniture, records every removed line",
    ),
    Stage(
        "dates and fingerprints",
        ("language", "dates", "dedupe"),
        "gives each cleaned source its language, its own date and its fingerprint",
    ),
    Stage("dedupe", ("dedupe",), "folds copies, near copies and rewrites into stories"),
    Stage(
        "tag",
        ("tag", "entities", "topics", "taxonomy"),
        "names each story's people, places and organisations, and its topics by phrase",
    ),
    Stage("translations", ("translations",), "folds a translation into the story it translates"),
    Stage(
        "learned topics",
        ("topics", "terms"),
        "adds the topics the archive's own stories teach",
    ),
    Stage(
        "dates of undated stories",
        ("dates",),
        "dates an undated story from its related coverage where it can",
    ),
    Stage(
        "relate",
        ("relate", "topics"),
        "lists each story's related coverage, and gives a story the topic its three most"
        " related stories are all about",
    ),
    Stage("events", ("events",), "groups the reports of one happening into an event"),
    Stage("figures", ("figures",), "reads the figures a reader follows over time"),
    Stage(
        "pages",
        ("pages", "listings", "pagination", "chart", "render"),
        "writes every page as Markdown: stories, listings, events, figures, the home page",
    ),
    Stage("search records", ("search",), "makes one search record per story"),
    Stage("catalog", ("catalog",), "builds catalog.json: what became of every source"),
    Stage(
        "render",
        ("plugin", "incremental", "parallel_render", "markdown_site", "zensical_render"),
        "turns the Markdown into HTML, only what changed: MkDocs through the plugin, or Zensical",
    ),
    Stage(
        "publish",
        ("publish", "feeds", "search"),
        "adds the feeds, catalog.json, the search index and the redirect pages",
    ),
)
"""The stages in the order they run; the last two run with the renderer, outside
``run_pipeline``."""


@dataclass
class StageTimer:
    """Seconds spent per stage, for the build summary and the benchmark."""

    seconds: dict[str, float] = field(default_factory=dict)

    def run(self, name: str, fn: Callable, *args, **kwargs):
        start = time.perf_counter()
        result = fn(*args, **kwargs)
        self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start
        log.info("%s done in %.2f s (peak memory %s)", name, self.seconds[name], peak_memory())
        return result


@dataclass(frozen=True)
class _Settling:
    """The pipeline's stages: each timed by ``timer``, then followed by ``settle``. Only
    inside ``run_pipeline``, which gives the frozen objects back when it returns: a stage
    timed after it (the render, publishing) freezes nothing, so ``mkdocs serve``'s rebuilds
    in one process leave nothing set aside."""

    timer: StageTimer

    def run(self, name: str, fn: Callable, *args, **kwargs):
        result = self.timer.run(name, fn, *args, **kwargs)
        settle()
        return result


def settle() -> None:
    """Between stages: collect what the stage left unreachable, then set every object still
    alive (the sources, the stories, the cached results) aside from later collections.

    Python's collector walks every container object it tracks, and the objects of an archive
    live from the stage that makes them to the end of the build: without this, collections
    walked them again and again, 0.6 s of the 6.4 s the stages take for a rebuild of 1,600
    sources (``gc.freeze``). Collecting first means no garbage is set aside; what a stage frees
    later is still freed when its last reference goes, and ``run_pipeline`` gives the frozen
    objects back to the collector when it returns (``gc.unfreeze``)."""
    gc.collect()
    gc.freeze()


def peak_memory() -> str:
    """The build's peak resident memory so far, its own or a finished helper process's
    (the NER workers): where the memory of a large build goes, stage by stage."""
    import sys

    try:
        import resource
    except ImportError:  # Windows
        return "not known"
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    helpers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    kilobytes = max(own, helpers) / (1024 if sys.platform == "darwin" else 1)  # macOS: bytes
    return f"{kilobytes / 1024 / 1024:.2f} GB"


@dataclass(frozen=True)
class Failure:
    """A per-source step that raised: the source is rejected, the build goes on."""

    error: str

    def rejection(self, article: CleanedArticle, stage: str) -> Rejection:
        source = article.source
        reason = f"failed in the {stage} stage ({self.error})"
        return Rejection(source.path, source.sha256, reason, source.path_bytes)


def attempt(fn: Callable[[CleanedArticle], T], article: CleanedArticle) -> T | Failure:
    """``fn(article)``, or the failure it raised: one bad source never stops the others."""
    try:
        return fn(article)
    except Exception as exc:  # any bug in a stage, on any input, rejects that input only
        return Failure(f"{type(exc).__name__}: {str(exc)[:200]}")


def source_versions(
    articles: Sequence[CleanedArticle], cache: DigestCache, today: dt.date | None = None
) -> tuple[list[SourceVersion], list[Rejection]]:
    """Each article's own date, fingerprint and language, once, as the record later stages carry.

    Fingerprints are cached by body text, languages and dates by what they read; a source
    whose date or fingerprint fails is rejected with the error, and the others go on.
    """
    stopwords()  # loaded (spaCy's list) before a second process forks, not in each
    prints = cache.map(
        "fingerprint",
        fingerprint_version(),
        [(content_key(a.body_text), a) for a in articles],
        lambda todo: on_both_cores(_fingerprinted, todo),
        encode=lambda fp: None if isinstance(fp, Failure) else fingerprint_to_json(fp),
        decode=fingerprint_from_json,
    )
    languages = cache.map(
        "language",
        language_version(),
        [(_language_key(a), a) for a in articles],
        _languages,
        encode=lambda tag: None if isinstance(tag, Failure) else tag_to_json(tag),
        decode=tag_from_json,
    )
    today = today or dt.date.today()
    codes = [lang.code if not isinstance(lang, Failure) else SITE_LANGUAGE for lang in languages]
    dates = cache.map(
        "date",
        date_version(),
        [(date_key(a, code, today), (a, code)) for a, code in zip(articles, codes, strict=True)],
        lambda todo: on_both_cores(partial(_dated, today=today), todo),
        encode=lambda date: None if isinstance(date, Failure) else date_to_json(date),
        decode=date_from_json,
    )
    versions: list[SourceVersion] = []
    rejections: list[Rejection] = []
    for article, fp, lang, date in zip(articles, prints, languages, dates, strict=True):
        if isinstance(fp, Failure):
            rejections.append(fp.rejection(article, "date and fingerprint"))
        elif isinstance(date, Failure):
            rejections.append(date.rejection(article, "date and fingerprint"))
        elif isinstance(lang, Failure):
            rejections.append(lang.rejection(article, "language"))
        else:
            versions.append(SourceVersion(article, date, fp, lang))
    return versions, rejections


def _fingerprinted(article: CleanedArticle) -> Fingerprint | Failure:
    """An article's fingerprint, or the failure that rejects it."""
    return attempt(fingerprint, article)


def _dated(article_and_language: tuple[CleanedArticle, str], today: dt.date) -> DateTag | Failure:
    """An article's own date, read in its language, or the failure that rejects it."""
    article, code = article_and_language
    return attempt(partial(article_date, today=today, language=code), article)


def _languages(articles: Sequence[CleanedArticle]) -> list[LanguageTag | Failure]:
    """Each article's language, or the failure that rejects it; the texts with no stated
    language go to the detector together (``detected_together``)."""
    with detected_together([article_text(a) for a in articles if not a.source.meta.language]):
        return [attempt(article_language, a) for a in articles]


def _language_key(article: CleanedArticle) -> str:
    meta = article.source.meta
    return content_key(article_text(article), meta.language or "", meta.page_language or "")


def _learned_topics(
    tagged: list[TaggedStory], taxonomy: Taxonomy, cache: DigestCache
) -> tuple[list[TaggedStory], TermCounts]:
    """The learned topics, and the stories' term counts handed on to the events: learning
    changes no story's words or names, so they are counted once, and a rebuild counts only
    the stories that changed (the counts are kept in the cache). Only the words events weigh
    are handed on."""
    terms = cached_count_terms(tagged, cache)
    return learn_topics(tagged, taxonomy, terms), event_words(terms)


def run_pipeline(
    settings: DigestSettings,
    today: dt.date | None = None,
    timer: StageTimer | None = None,
    on_records: Callable[[tuple[SearchRecord, ...]], None] | None = None,
    on_drafts: Callable[[tuple[SearchRecord, ...]], None] | None = None,
) -> DigestResult:
    """Everything from the sources folder to generated Markdown and the catalog.
    ``on_drafts``: given the stories' draft search records (``search.draft_records``) as soon
    as the stories are settled, before their topics are learned, so that the search index can
    be written beside the later stages; ``on_records``: given the final search records as soon
    as the stories are final (their topics last of all from related coverage), before events,
    figures and pages (a caller that starts work in either cancels it if the pipeline fails
    after)."""
    try:
        return _run_pipeline(
            settings, today, _Settling(timer or StageTimer()), on_records, on_drafts
        )
    finally:
        gc.unfreeze()  # what the stages set aside (``settle``) is the collector's again


def _run_pipeline(
    settings: DigestSettings,
    today: dt.date | None,
    timer: _Settling,
    on_records: Callable[[tuple[SearchRecord, ...]], None] | None,
    on_drafts: Callable[[tuple[SearchRecord, ...]], None] | None,
) -> DigestResult:
    if not settings.sources_dir.is_dir():
        raise DigestError(f"sources folder {settings.sources_dir} does not exist")
    check_dependencies()  # one clear line now, rather than a traceback from inside a stage
    taxonomy = load_taxonomy(settings.taxonomy)
    cache = DigestCache(settings.cache_dir)
    finder = timer.run("entity finder", EntityFinder, settings.ner_model, taxonomy, cache)
    ingested = timer.run(
        "ingest", ingest, settings.sources_dir, legacy_encoding=settings.legacy_encoding
    )
    log.info("read %d sources, rejected %d", len(ingested.documents), len(ingested.rejections))
    articles, unclean = timer.run("clean", clean_sources, ingested.documents, settings.clean, cache)
    versions, failed = timer.run("dates and fingerprints", source_versions, articles, cache, today)
    rejections = tuple(sorted((*ingested.rejections, *unclean, *failed), key=lambda r: r.path))
    stories = timer.run("dedupe", dedupe, versions, settings.dedupe, cache)
    del versions, articles  # the stories carry them on, without what only folding compares
    tagged = timer.run("tag", tag_stories, stories, taxonomy, finder)
    # Translations share no words with their original, only its names and figures in order:
    # folded once the names are canonical entities, whatever their script.
    tagged = timer.run("translations", fold_translations, tagged)
    # The stories are settled: the search index can read their text while their topics are
    # learned (only labels change from here: ``search.relabel``).
    drafts = timer.run("search drafts", draft_records, tagged)
    if on_drafts is not None:
        on_drafts(drafts)
    # Learned once every version of a story, translations too, is in the story.
    tagged, terms = timer.run("learned topics", _learned_topics, tagged, taxonomy, cache)
    # An undated story takes its year or day from its related coverage, so it needs the tags.
    tagged = timer.run("dates of undated stories", resolve_undated, tagged)
    # Events read the stories' words, names and dates, never their related coverage or
    # topics: a forked copy groups them while this process relates the stories and makes
    # the search records. "events" times the wait for them.
    with Beside(group_events, tagged, terms, items=len(tagged)) as grouping:
        related = timer.run("relate", related_stories, tagged, settings.related_count)
        # A topic its closest related stories all have: read once related coverage is known.
        tagged = timer.run("topics of related coverage", related_topics, tagged, related)
        records = timer.run("search records", search_records, tagged, drafts)
        if on_records is not None:
            on_records(records)
        events = timer.run("events", grouping.result)
    figures = timer.run(
        "figures", archive_figures, tagged, taxonomy.measures, cache, taxonomy.digest
    )
    pages, fragments = timer.run(
        "pages",
        write_pages,
        tagged,
        related,
        taxonomy,
        rejections,
        settings.page_size,
        events,
        figures,
        settings.directory_urls,
        cache,
    )
    pages[SEARCH_PAGE] = search_page(records)
    catalog = timer.run(
        "catalog", build_catalog, tagged, related, rejections, ingested.notes, events, figures
    )
    cache.close()
    return DigestResult(
        stories=tuple(tagged),
        rejections=rejections,
        related=related,
        events=events,
        figures=figures,
        pages=pages,
        fragments=fragments,
        catalog=catalog,
        notes=ingested.notes,
        topic_names={topic.slug: topic.name for topic in taxonomy.topics},
        search_records=records,
        cache_hits=sum(cache.hits.values()),
        cache_lookups=sum(cache.hits.values()) + sum(cache.misses.values()),
    )
