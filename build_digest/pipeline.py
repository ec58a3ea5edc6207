"""Run the stages in order: gather everything, then link, then write.

ingest -> clean -> date each version -> dedupe -> tag -> relate -> pages -> catalog.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from .cache import DigestCache, content_key
from .catalog import build_catalog
from .clean import clean_sources
from .config import DigestSettings
from .dates import article_date, resolve_undated
from .dedupe import (
    Fingerprint,
    dedupe,
    fingerprint,
    fingerprint_from_json,
    fingerprint_to_json,
    fingerprint_version,
)
from .deps import check_dependencies
from .errors import DigestError
from .ingest import ingest
from .models import CleanedArticle, DateTag, DigestResult, Rejection
from .pages import write_pages
from .relate import related_stories
from .search import search_page, search_records
from .tag import EntityFinder, load_taxonomy, tag_stories

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class StageTimer:
    """Seconds spent per stage, for the build summary and the benchmark."""

    seconds: dict[str, float] = field(default_factory=dict)

    def run(self, name: str, fn: Callable, *args, **kwargs):
        start = time.perf_counter()
        result = fn(*args, **kwargs)
        self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start
        log.info("%s done in %.2f s", name, self.seconds[name])
        return result


def per_source(
    articles: Sequence[CleanedArticle], fn: Callable[[CleanedArticle], T], stage: str
) -> tuple[list[CleanedArticle], list[T], list[Rejection]]:
    """Run one per-source step inside its own guard: a failure rejects that source only.

    Returns the articles that passed, their results (aligned), and the rejections.
    """
    kept: list[CleanedArticle] = []
    results: list[T] = []
    rejections: list[Rejection] = []
    for article in articles:
        try:
            result = fn(article)
        except Exception as exc:  # one bad source never stops the others
            source = article.source
            rejections.append(
                Rejection(
                    source.path,
                    source.sha256,
                    f"failed in the {stage} stage ({type(exc).__name__}: {str(exc)[:200]})",
                    source.path_bytes,
                )
            )
            continue
        kept.append(article)
        results.append(result)
    return kept, results, rejections


def run_pipeline(
    settings: DigestSettings, today: dt.date | None = None, timer: StageTimer | None = None
) -> DigestResult:
    """Everything from the sources folder to generated Markdown and the catalog."""
    timer = timer or StageTimer()
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
    version = fingerprint_version()
    keys = {a.source.path: content_key(a.body_text) for a in articles}
    stored = cache.get_many("fingerprint", version, keys.values())
    computed: set[str] = set()

    def date_and_fingerprint(a: CleanedArticle) -> tuple[DateTag, Fingerprint]:
        try:
            fp = fingerprint_from_json(stored[keys[a.source.path]])  # type: ignore[arg-type]
        except (KeyError, TypeError, ValueError, AttributeError):
            fp = fingerprint(a)  # not cached, or not in the shape this code writes
            computed.add(keys[a.source.path])
        return article_date(a, today), fp

    articles, facts, failed = timer.run(
        "dates and fingerprints", per_source, articles, date_and_fingerprint, "date and fingerprint"
    )
    cache.put_many(
        "fingerprint",
        version,
        {
            keys[a.source.path]: fingerprint_to_json(fp)
            for a, (_, fp) in zip(articles, facts, strict=True)
            if keys[a.source.path] in computed
        },
    )
    dates = [date for date, _ in facts]
    prints = [print_ for _, print_ in facts]
    rejections = tuple(sorted((*ingested.rejections, *unclean, *failed), key=lambda r: r.path))
    stories = timer.run("dedupe", dedupe, articles, dates, settings.dedupe, prints)
    by_path = {a.source.path: d for a, d in zip(articles, dates, strict=True)}
    tagged = timer.run("tag", tag_stories, stories, by_path, taxonomy, finder, today)
    # An undated story takes its year or day from its related coverage, so it needs the tags.
    tagged = timer.run("dates of undated stories", resolve_undated, tagged)
    print_by_path = {a.source.path: p for a, p in zip(articles, prints, strict=True)}
    print_by_story = {t.story.id: print_by_path[t.story.main.source.path] for t in tagged}
    related = timer.run("relate", related_stories, tagged, print_by_story, settings.related_count)
    pages, fragments = timer.run(
        "pages", write_pages, tagged, related, taxonomy, rejections, settings.page_size
    )
    records = search_records(tagged)
    pages["search.md"] = search_page(records)
    catalog = build_catalog(tagged, related, rejections, ingested.notes)
    cache.close()
    return DigestResult(
        stories=tuple(tagged),
        rejections=rejections,
        related=related,
        pages=pages,
        fragments=fragments,
        catalog=catalog,
        notes=ingested.notes,
        topic_names={topic.slug: topic.name for topic in taxonomy.topics},
        search_records=records,
        cache_hits=sum(cache.hits.values()),
        cache_lookups=sum(cache.hits.values()) + sum(cache.misses.values()),
    )
