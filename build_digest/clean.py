"""Stage 2: clean copied page text into labelled blocks, recording every removed line.

The cascade, in the order ``clean_document`` runs it (each step's reason is in its code):

1. stray HTML: script/style blocks, comments and their broken halves, tags, entities,
   tab-only lines, lines of code;
2. fixed chrome rules: the phrase groups of ``vocabulary.py``, the site's promotion of its
   newsletter, app and accounts, breadcrumbs, headline links with a comment or view count;
3. corpus evidence: a short line that recurs in several unrelated sources is chrome;
4. the article's end: after an end marker ("Related", "Comments", "About the author")
   that follows most of the text, nothing but attribution is kept; a readers' comment
   thread below the story ("joetoronto says:" three times or more) goes whole;
5. tail link lists: after "Similar Articles", "Most Popular" and the like, headline lists go;
6. wire dateline and headline: ``LASHIO, Myanmar, Dec 15 (Reuters) -`` becomes a ``Wire``
   record; the title is the stated one, else the first line, else derived from the lead;
7. furniture: datelines, bylines, credits and their captions, attribution, the standfirst;
8. main-body window (copied pages only, not trafilatura's output): the contiguous run of
   lines with the most prose wins, so that navigation above and footers below a copied
   whole page are cut (the body-text extraction idea of Finn et al., on lines); a long line
   without one sentence or clause mark is a menu or tag cloud run together, not prose;
9. body: paragraphs, section headings, and runs of short lines that are link lists.
   (Then, on copied pages, the line model of ``linemodel.py`` has its say.)
10. other articles: three or more article headers (headline, then a date) after the page's
    first paragraph are teasers of other articles, cut with their summaries; so are three or
    more short blocks each closed by a "Read more" link;
11. notes about the writer below the story's last paragraph ("… is a senior writer for …"),
    and a box about them under its own heading ("About Matthew Humphries", "Über den Autor");
12. repeated text: a kept line printed again right below itself, or one that runs other
    kept lines together (the story again as one line), goes.

Why our own code: jusText (the library for this) scores 0.76 F1 on the copied-text
benchmark in ``shared/evaldata``; it classifies lines one by one and has no notion
of a news article's furniture (captions, credits, datelines) that we must keep and
label rather than drop. ``benchmarks.evaluate`` measures this module against it.
"""

from __future__ import annotations

import bisect
import html
import itertools
import logging
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePath

from . import dates, linemodel, models, text, vocabulary
from .cache import DigestCache, code_version, content_key
from .dates import DATE_IN_LINE, MONTH, looks_like_date
from .models import (
    Block,
    CleanedArticle,
    Rejection,
    RemovalRule,
    RemovedLine,
    Role,
    SourceDocument,
    SourceKind,
    TitleSource,
    Wire,
)
from .text import UNMARKED_SCRIPTS, is_unspaced, word_count
from .vocabulary import (
    CHROME_LINE,
    COMMENTS_HEADING,
    CONSENT_NOTICE,
    CONTACT_LINE,
    CONTACT_LINE_MAX_WORDS,
    END_MARKER,
    LINK_OUT,
    LINK_OUT_MAX_WORDS,
    PROMOTION_MAX_WORDS,
    READ_ON_LINK,
    SITE_NOTICE,
    TAIL_MARKER,
    is_promotion,
)

# --- 1. stray HTML -----------------------------------------------------------------
log = logging.getLogger(__name__)

_HTML_BLOCK = re.compile(
    r"<(script|style|noscript|template|iframe)\b[^>]*>.*?</\1\s*>", re.S | re.I
)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_COMMENT_FRAGMENT = re.compile(
    r"^\s*(?:<?!--|-->|<!\[CDATA\[|\]\]>|\*/\?>|<\?php|\?>)|(?:-->|--!>)\s*$"
)
_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9-]*(?:\s[^<>]*)?/?>")
_CODE_LINE = re.compile(
    r"^\s*(?:function\s*\(|window\.|document\.|var |const |let"
    r" |gtag\(|dataLayer|\(function|\}\)?\(?\)?;?$|\{$|@media|@import|[.#][\w-]+\s*\{)"
)

# --- 2. fixed chrome rules ---------------------------------------------------------
# Whole-line phrases of site furniture: vocabulary.py (CHROME_LINE, TAIL_MARKER, END_MARKER).
_BREADCRUMB_SEP = re.compile(r"\s*(?:\||>|»|›|/|·|•|→|::)\s*")
END_MIN_WORDS = 150
STORY_PARAGRAPH_WORDS = 25
"""Words of prose that make a line a paragraph of a story, not a teaser or a menu entry: the
end rules act only below one, and a list below the story ends at the next."""
_MARKER_EDGES = " :|-–—•·*#"
"""Punctuation around a marker line ("— Related —", "| Comments |") ignored when matching it."""
# "Vikings come back to beat the Broncos (145)": a headline list with comment counts.
_COUNTED_LINK = re.compile(r"^[^.!?]{10,160}\s\(\d{1,6}\)$")

# --- 4. comment threads ------------------------------------------------------------
# A comment system heads each comment with the commenter's name and a speech verb, alone
# on a line: "joetoronto says:", "Anhora sagt:". Present tense only, or a past tense with
# the comment's time ("Alex on September 17, 2018 at 6:34 am said:"): an article that
# introduces a quote on a line of its own writes "The commander said:".
_SAYS = (
    r"(?:says|writes|sagt|schreibt|dit|écrit|dice|escribe|diz|escreve|zegt|schrijft|scrive"
    r"|pisze)"
)
_SAID = (
    r"(?:said|wrote|schrieb|a dit|a écrit|dijo|escribió|disse|escreveu|zei|schreef|ha detto"
    r"|ha scritto|napisał)"
)
_CLOCK = r"\b\d{1,2}[:.h]\d\d\b"
_AGO = (
    r"\b\d+\s+(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)\s+ago\b"
    r"|\b(?:vor|hace|il y a|há)\s+\d+\s+\w+"
)
_COMMENT_TIME = re.compile(rf"{_AGO}|{_CLOCK}", re.I)
_COMMENT_HEADER = re.compile(
    rf"^(?P<who>[^.!?]{{1,80}}?)\s+(?:(?P<says>{_SAYS})|{_SAID})\s*:$", re.I
)
MAX_COMMENTER_WORDS = 4
"""A commenter's name or handle: "Catherine (GiveWell)", "Daniel Lemire", "Ti Kim"."""
MAX_COMMENT_TIME_WORDS = 8
"""A comment's time line: "2 days ago at 07:52 am", "06.01.2020 um 9:16"."""
MIN_THREAD_HEADERS = 3
"""Comments counted before a page is said to carry a thread: one or two "X says:" lines
are within what an interview or a listicle might print."""
THREAD_HEADING_REACH = 6
"""Lines between a "Comments" heading and its first comment ("Top Rated Comments",
"(View all)", the commenter's name) still read as one thread."""

# --- 6. labels ---------------------------------------------------------------------
_DATELINE_WORDS = re.compile(
    r"^(?:published|updated|posted|last updated|first published|date)\b:?", re.I
)
_BYLINE = re.compile(r"^(?:by|written by|words by|story by|von|por|par)\s+\S", re.I)
_CREDIT = re.compile(
    r"^(?:image source|image credit|images?|photo(?:graph)?s?(?:"
    r" credit)?|picture|pic|credits?|source|illustration|video|file"
    r" photo|foto)\s*[:：]\s*\S.{0,120}$"
    r"|^\(?(?:photo|image|picture)s?\s+(?:by|courtesy of|via)\s.{1,80}\)?$|^.{0,60}\b(?:getty"
    r" images|afp|reuters|ap photo|epa|shutterstock)(?:/[\w .-]+)?\)?$",
    re.I,
)
_CAPTION_CUE = re.compile(
    r"^(?:in this (?:photo|picture|image|file photo|handout)|above:|pictured:?|file"
    r" photo|photo:|caption:|this (?:photo|picture|image) (?:shows|taken))",
    re.I,
)
# A caption that ends with its own credit: "… in Madrid. (Manu Fernandez/AP)", "(AP Photo/Alan
# Diaz, File)", "© Reuters / David Mercado", "Jaafar ASHTIYEH / AFP", "(Image: GETTY )",
# "Credit: ESA". A story's paragraph ends with a full stop or a quote, not with whose picture
# it is.
_PHOTO_AGENCY = (
    r"(?:AP|AFP|Reuters|EPA(?:-EFE)?|Getty(?: Images)?|Xinhua|Bloomberg|Shutterstock|Anadolu|dpa"
    r"|Sipa|PA|IANS|PTI|ANI|Yonhap|Kyodo|TASS|Sputnik|Alamy|iStock|NurPhoto)"
)
_TRAILING_CREDIT = re.compile(
    r"(?:\((?=[^()]*(?:\b(?:photos?|images?|pictures?|credit|file)\b|©|[A-Z][\w.'’ -]*/\s*[A-Z]"
    rf"|\bvia {_PHOTO_AGENCY}\b))[^()]{{2,80}}\)"
    r"|©\s*[^.©]{2,60}"
    rf"|\b{_PHOTO_AGENCY}\s*/\s*[\w .'’-]{{2,40}}"
    rf"|[\w.'’-]+(?: [\w.'’-]+){{0,3}}\s*/\s*{_PHOTO_AGENCY}"
    r"|\b(?:photo(?:graph)?|image|picture|credit|foto|bild)s?(?: credit)?\s*[:：]\s*"
    r"[^.:]{2,60})\.?\s*$",
    re.I,
)
TRAILING_CREDIT_SPAN = 160
"""Characters at a line's end searched for its credit: the longest form, "(… 80 characters …)",
fits, and trying the pattern at every position of a long paragraph cost 4 s per 1,600 sources."""
_ATTRIBUTION = re.compile(
    r"^\(?(?:with inputs? from|additional reporting|reporting by|editing by|edited by|written"
    r" by|compiled by|writing by|(?:this|the) (?:story|article|report) "
    r"(?:was|has been|first)|originally published|first published|source:|sources:|\(?with"
    r" (?:agency|wire) inputs?)",
    re.I,
)
# "LASHIO, Myanmar, Dec 15 (Reuters) - ", "YANGON (AP) — ", "BANGKOK, Jan. 5 (AFP) -", and
# the agencies that write day before month in their own language: "YANGON, 3 ago (EFE).-",
# "BANGKOK, 3 août (AFP) -": a place in capitals, an optional region and date, the agency in
# brackets, a dash. A month in another language is read by dates.py, in the story's language.
WIRE_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'’/-]+(?: [A-Z][A-Z.'’/-]+){0,3}(?:,\s[A-Z][A-Za-z.'’-]+(?:"
    r" [A-Z][A-Za-z.'’-]+){0,2})?)"
    rf"(?:,?\s+(?P<date>(?i:{MONTH})\s+\d{{1,2}}(?:,\s*\d{{4}})?"
    r"|\d{1,2}\.?\s+[^\W\d_]{3,10}\.?(?:\s+\d{4})?))?"
    r"\s*\((?P<agency>[A-Z][A-Za-z.&'’ -]{0,30}?)\)\s*\.?\s*[-–—]+\s*(?=\S)"
)
MAX_DERIVED_TITLE_WORDS = 20
MIN_DERIVED_TITLE_WORDS = 6
"""A derived headline is a clause of 6 to 20 words: shorter reads as a fragment."""
DERIVED_TITLE_SCAN = 400
"""Characters of the lead sentence searched for a derived headline's end: 20 words of any
language fit, and a lead of hostile length (one 20,000-character line) costs no more than a
normal one (each candidate end is counted from the start)."""
# Attribution that closes a lead sentence: ", according to several of the parties involved",
# ", residents said", ", state media reported", ", officials in Mizoram said".
_LEAD_ATTRIBUTION = re.compile(
    r",\s+(?:according to\b[^,]*|(?:[\w’'-]+\s+){0,5}(?:said|says|reported|reports|told [\w"
    r" ]+|announced|added)(?:\s+on\s+\w+)?)(?=[,.;]|$)"
)
_CLAUSE_BREAK = re.compile(
    r"[,،]\s+|[;؛]\s+|\s+[—–]\s+|\s+(?=(?:as|while|after|but|though|although|despite|amid|where|which|when)\s)"
)
# Failing those, a phrase boundary: before "to discuss …", "on Tuesday", "in Naypyidaw".
_PHRASE_BREAK = re.compile(r"\s+(?=(?:to|on|in|at|for|with|near|from|over|during)\s)")
# In scripts that space no words: a Chinese or Japanese comma, or the space that ends a Thai or
# Burmese phrase.
_UNSPACED_CLAUSE_BREAK = re.compile(r"[，、；：]|\s+")
# The end of a lead's first sentence: ". " before a capital, or a Chinese, Japanese, Burmese or
# Khmer full stop.
_FIRST_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"])|(?<=[。！？။។])|(?<=[؟۔।॥])\s+")
SENTENCE_END = re.compile(r"[.!?…。！？။។؟۔।॥\"”’)\]]\s*$")
"""A line that ends a sentence (Burmese ends one with ။, Khmer with ។, Arabic a question with
؟, Urdu with ۔, Hindi with ।; Thai marks none)."""
_HEADING_BAD_END = re.compile(r"[.,;:]\s*$")
MIN_CUT_LINES = 3

# --- 10. other articles ------------------------------------------------------------
MIN_OTHER_HEADERS = 3
"""Article headers (headline, then a date within two lines) after the first paragraph that
make a list of other articles: one or two may be the story's own sections."""
MAX_TEASER_LINES = 3
"""Lines a teaser's summary may run to between one header and the next."""
MAX_OTHER_HEADLINE_WORDS = 20
"""A teaser's headline, like the story's (MAX_DERIVED_TITLE_WORDS), is a clause."""
MAX_READ_ON_GAP = 5
"""Lines between two "Read more" links of a teaser list: headline, byline, date, summary,
image credit. Farther apart, two such links are expanders of one long story."""

# --- 11. notes about the writer ----------------------------------------------------
_NOTE_NAME = (
    r"(?!(?:He|She|It|They|This|That|The|We|I|There|Here|You)\b)"
    r"(?:[A-Z][\w'’.-]*|[A-Z]\.)"
    r"(?: (?:[A-Z][\w'’.-]*|[A-Z]\.|de|van|von|der|da|del|la|le|bin|al)){0,4},?"
)
_WRITER = (
    r"(?:(?:senior|staff|contributing|freelance|chief|deputy|managing|executive|investigative"
    r"|political|national|foreign|news|associate|assistant|features?|special|data|general"
    r"|assignment) )*(?:writer|reporter|journalist|editor|correspondent|columnist|contributor"
    r"|blogger|author|producer|photographer|photojournalist|(?:co-?)?founder|intern"
    r"|editor-in-chief)s?"
)
_AUTHOR_NOTE = re.compile(
    rf"^{_NOTE_NAME} (?:is|was|has been|serves as) (?:a|an|the|our)\b.{{0,60}}?\b{_WRITER}\b"
    rf"|^{_NOTE_NAME} (?:writes|covers|reports) (?:about|on|for)\b"
    rf"|^{_NOTE_NAME} (?:ist|war) (?:seit \d{{4}} )?(?:freie[rn]? |leitende[rn]? )?"
    r"(?:Journalist|Autor|Redakteur|Korrespondent|Reporter)"
    rf"|^{_NOTE_NAME} (?:es|fue) (?:periodista|redactor|corresponsal|editor)"
    rf"|^{_NOTE_NAME} (?:est|était) (?:journaliste|rédact|correspondant|éditeur)"
)
"""A note about the writer: a name, then what they write ("Perry Bacon Jr. is a senior
writer for FiveThirtyEight.", "Evan Halper writes about …"). Case matters: a name is
capitalised, and "He was a major contributor to …" is the story's sentence."""
_ABOUT_THE_WRITER = re.compile(
    r"^(?:about (?:the (?:author|writer|reporter)s?|me)|über (?:den autor|die autorin|mich)"
    r"|sobre (?:o autor|a autora|el autor|la autora|mí)|acerca del? (?:autor|autora|mí)"
    r"|à propos de (?:l'auteur|l’auteur|moi))\b(?:[\s:–—-]+.{0,40})?$",
    re.I,
)
"""The heading of a box about the writer, named as such ("About the author – Florina
Ionescu", "Über den Autor", "About me")."""
_ABOUT_PERSON = re.compile(
    r"^(?:About|ABOUT|Über|Sobre|Acerca de|À propos de) "
    r"(?P<name>(?!(?:The|Us|Our|This|These)\b)[A-ZÀ-ÖØ-Þ][\w'’.-]*"
    r"(?: (?:[A-ZÀ-ÖØ-Þ][\w'’.-]*|de|van|von|der|da|del|dos|la|le)){1,3})$"
)
"""The heading of a box about a person, by name ("About Matthew Humphries", "Über Moritz
Bachmann"): two to four capitalised words, so "About Python" or "About Us" is not one."""
AUTHOR_BOX_MAX_WORDS = 120
"""A writer's biography under such a heading is a paragraph; a longer one is a section of
the story about the person."""
AUTHOR_NOTE_MAX_WORDS = 70
"""Longer than a note about a writer: a paragraph of the story about one."""
AUTHOR_NOTE_AFTER = 0.5
"""A note stands below the story: at least this share of the page's kept words is above it.
A story introduces a reporter it is about in its first half ("Smith is a reporter for …
who was detained"), and below its last paragraph nothing of the story is left to cut."""

# --- 12. repeated text -------------------------------------------------------------
REPEAT_GRAM = 4
REPEAT_SHARE = 0.8
"""Share of a line's word 4-grams found in other lines of the page that makes it a copy.
The story run together as one line shares all but the 4-grams spanning its paragraph breaks
(about 0.93 for paragraphs of 40 words); two paragraphs of one story share next to none."""
MAX_SINGLE_SOURCE = 0.5
"""A copy runs several lines together: when one line holds more than half of it, the two
are variants of each other (a recipe's steps, a quote set out again), not a copy."""
MIN_REPEAT_SHINGLES = 5
"""Lines of under eight words are left to the other rules."""
MAX_GRAM_HOLDERS = 20
"""A 4-gram in more lines than this is template text, not a sign of one line's copy (and a
line of them is compared with every other line: the comparison is kept for real copies)."""


@dataclass(frozen=True)
class CleanConfig:
    """Thresholds of the cleaner; defaults are what ``benchmarks.evaluate`` was tuned on."""

    chrome_min_sources: int = 3
    """A short line seen in this many sources, with different neighbours each time, is chrome."""
    chrome_max_words: int = 12
    """Only lines this short count as recurring chrome: a long line seen twice is quoted text."""
    heading_max_words: int = 14
    """A short line without a full stop is a section heading up to this length."""
    line_model: bool = True
    """Let the trained line model (``linemodel.py``) drop body lines the rules kept."""


UNPUNCTUATED_MAX_WORDS = 40
"""A line of this many words without one sentence or clause mark is a menu, a tag cloud or an
archive list run together, not prose: a sentence that long has a comma. On the trafilatura
subset's html-text copies 18 lines are that long and unmarked: none hand-labelled as the story
(one as clutter), and trafilatura's extraction keeps one, an infobox run together. In ECB+'s
982 news texts, none (at 20 words, real sentences turn up there). Scripts written without
spaces are left alone (Thai parts its sentences with spaces, not marks)."""
_CLAUSE_MARK = re.compile(r"[.,;:!?。，、；：！？،؛؟।॥။၊]")


def is_prose(text: str, words: int | None = None) -> bool:
    """A line that reads like article prose rather than a link, label or headline
    (``words``: its word count, when the caller has already counted it)."""
    n = word_count(text) if words is None else words
    if n >= UNPUNCTUATED_MAX_WORDS and not _CLAUSE_MARK.search(text) and not is_unspaced(text):
        return False
    return n >= 20 or (n >= 8 and bool(SENTENCE_END.search(text)))


def best_window(scores: Sequence[int]) -> tuple[int, int]:
    """The contiguous stretch with the highest positive sum, as (first, last) index; (0, -1)
    when no stretch scores above zero (the maximum-subarray scan)."""
    best, best_start, best_end = 0, 0, -1
    run, run_start = 0, 0
    for i, score in enumerate(scores):
        if run <= 0:
            run, run_start = score, i
        else:
            run += score
        if run > best:
            best, best_start, best_end = run, run_start, i
    return best_start, best_end


_NON_WORD = re.compile(r"\W+")


def normalise_line(text: str) -> str:
    """The key under which two lines count as the same line."""
    return _NON_WORD.sub(" ", text.casefold()).strip()


@dataclass
class Line:
    """One line of a source as the cascade sees it: text, and what it was found to be."""

    number: int
    text: str
    role: Role | None = None
    removed_by: RemovalRule | None = None
    detail: str = ""


def strip_html(text: str, removed: list[RemovedLine]) -> str:
    """Drop script/style blocks and comments whole, recording each dropped line."""

    def drop(match: re.Match[str], rule: RemovalRule) -> str:
        start_line = text.count("\n", 0, match.start()) + 1
        for offset, line in enumerate(match.group(0).split("\n")):
            if line.strip():
                removed.append(RemovedLine(start_line + offset, line.strip()[:300], rule))
        return "\n" * match.group(0).count("\n")

    text = _HTML_BLOCK.sub(lambda m: drop(m, RemovalRule.HTML_BLOCK), text)
    return _HTML_COMMENT.sub(lambda m: drop(m, RemovalRule.HTML_COMMENT), text)


def line_signature_counts(documents: Sequence[SourceDocument], max_words: int) -> dict[str, int]:
    """For each short line: in how many sources it stands before a different next line.

    Counting distinct neighbours, not sources, keeps five copies of one wire story
    from turning its subheadings into "chrome": there the neighbour is always the same.
    """
    contexts: dict[str, set[str]] = defaultdict(set)
    for doc in documents:
        lines = [ln.strip() for ln in doc.text.split("\n") if ln.strip()]
        seen_here: set[str] = set()
        for i, line in enumerate(lines):
            if word_count(line) <= max_words:
                key = normalise_line(line)
                if key and key not in seen_here:
                    seen_here.add(key)  # a title repeated within one page is not corpus evidence
                    following = normalise_line(lines[i + 1])[:80] if i + 1 < len(lines) else ""
                    contexts[key].add(following)
    return {key: len(ctx) for key, ctx in contexts.items() if len(ctx) > 1}


def clean_all(
    documents: Sequence[SourceDocument], config: CleanConfig | None = None
) -> list[CleanedArticle]:
    """Clean every document, using the whole corpus as evidence for recurring chrome."""
    config = config or CleanConfig()
    recurring = line_signature_counts(documents, config.chrome_max_words)
    return [clean_document(doc, config, recurring) for doc in documents]


class _Consulted(Mapping[str, int]):
    """The corpus evidence, recording which lines one document's cleaning looked up: the
    cached result stays valid while those lines recur in as many sources as they did."""

    def __init__(self, counts: Mapping[str, int]) -> None:
        self.counts = counts
        self.seen: dict[str, int] = {}

    def __getitem__(self, key: str) -> int:
        self.seen[key] = self.counts.get(key, 0)
        if not self.seen[key]:
            raise KeyError(key)
        return self.seen[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.counts)

    def __len__(self) -> int:
        return len(self.counts)


def clean_sources(
    documents: Sequence[SourceDocument],
    config: CleanConfig | None = None,
    cache: DigestCache | None = None,
) -> tuple[list[CleanedArticle], list[Rejection]]:
    """Like clean_all, but a source the cleaner fails on is rejected with the error, not fatal.

    With a ``cache``, a source whose text, metadata and consulted corpus evidence are
    unchanged is not cleaned again.
    """
    config = config or CleanConfig()
    recurring = line_signature_counts(documents, config.chrome_max_words)
    # The cleaning depends on this module, its phrase vocabulary, the date patterns, the word
    # count and the records it writes; any edit to them makes every cached cleaning a miss.
    modules = (sys.modules[__name__], vocabulary, dates, models, linemodel, text)
    version = code_version(*modules, options=repr(config) + linemodel.model_version())
    keys = {doc.path: _source_key(doc) for doc in documents}
    cache = cache or DigestCache(None)  # without a folder: reads nothing, writes nothing
    stored = cache.get_many("clean", version, keys.values())
    computed: dict[str, object] = {}
    articles, rejections = [], []
    for doc in documents:
        try:
            article = _cached_article(doc, stored.get(keys[doc.path]), recurring)
            if article is None:
                consulted = _Consulted(recurring)
                article = clean_document(doc, config, consulted)
                computed[keys[doc.path]] = {
                    "article": article_to_json(article),
                    "consulted": consulted.seen,
                }
        except Exception as exc:  # one bad file never stops the others
            log.debug("Could not clean %s: %s", doc.path, exc)
            rejections.append(
                Rejection(
                    doc.path,
                    doc.sha256,
                    f"could not be cleaned ({type(exc).__name__}: {str(exc)[:200]})",
                    doc.path_bytes,
                )
            )
            continue
        if not article.body_blocks:
            rejections.append(
                Rejection(
                    doc.path,
                    doc.sha256,
                    "no article text left after cleaning (only site chrome, markup or metadata)",
                    doc.path_bytes,
                )
            )
            continue
        articles.append(article)
    cache.put_many("clean", version, computed)
    return articles, rejections


def _source_key(doc: SourceDocument) -> str:
    return content_key(doc.path, doc.text, doc.kind, repr(doc.meta))


def _cached_article(
    doc: SourceDocument, value: object, recurring: Mapping[str, int]
) -> CleanedArticle | None:
    """The cached cleaning of ``doc``, if there is one and the corpus evidence it consulted
    is unchanged; None otherwise (also for a value of another shape)."""
    if not isinstance(value, dict):
        return None
    try:
        consulted = value["consulted"]
        if any(recurring.get(key, 0) != count for key, count in consulted.items()):
            return None
        return article_from_json(doc, value["article"])
    except (KeyError, IndexError, TypeError, ValueError, AttributeError):
        return None


def article_to_json(article: CleanedArticle) -> dict[str, object]:
    """A cleaning result as plain JSON values (the source itself is not stored)."""
    wire = article.wire
    return {
        "title": article.title,
        "blocks": [[str(b.role), b.text] for b in article.blocks],
        "removed": [[r.line_number, r.text, str(r.rule), r.detail] for r in article.removed],
        "title_source": str(article.title_source),
        "wire": [wire.text, wire.place, wire.agency, wire.date_text] if wire else None,
    }


def article_from_json(doc: SourceDocument, data: dict) -> CleanedArticle:
    wire = data["wire"]
    return CleanedArticle(
        doc,
        str(data["title"]),
        tuple(Block(Role(role), str(text)) for role, text in data["blocks"]),
        tuple(
            RemovedLine(int(n), str(text), RemovalRule(rule), str(detail))
            for n, text, rule, detail in data["removed"]
        ),
        TitleSource(data["title_source"]),
        Wire(str(wire[0]), str(wire[1]), str(wire[2]), wire[3]) if wire else None,
    )


@dataclass
class Cascade:
    """The rules' verdict on a document, before the line model has its say."""

    lines: list[Line]
    title: str
    wire: Wire | None
    removed: list[RemovedLine]
    page_copy: bool


def run_cascade(doc: SourceDocument, config: CleanConfig, recurring: Mapping[str, int]) -> Cascade:
    """Steps 1 to 9 of the module docstring: every line removed with a rule or given a role."""
    removed: list[RemovedLine] = []
    text = strip_html(doc.text, removed)
    lines = [Line(i + 1, raw) for i, raw in enumerate(text.split("\n"))]
    _scrub_lines(lines, removed)
    kept = [ln for ln in lines if ln.text]
    _apply_chrome_rules(kept, config, recurring)
    _cut_after_end_marker(kept)
    _cut_comment_thread(kept)
    _cut_tail_lists(kept)
    wire = _take_wire_dateline(kept)
    title = _pick_title(doc, kept)
    _label_furniture(kept, title)
    # trafilatura has already cut an HTML page down to its article, using the page's
    # structure and link density; guessing it again from line lengths only loses text
    # (F1 0.940 instead of 0.960 on the extraction benchmark's pages).
    page_copy = doc.kind is not SourceKind.HTML
    if page_copy:
        _cut_outside_body(kept)
    _label_body(kept, config, drop_link_lists=page_copy)
    return Cascade(kept, title, wire, removed, page_copy)


def clean_document(
    doc: SourceDocument,
    config: CleanConfig | None = None,
    recurring: Mapping[str, int] | None = None,
) -> CleanedArticle:
    """Clean one document; ``recurring`` is corpus evidence from line_signature_counts."""
    config = config or CleanConfig()
    recurring = recurring or {}
    cascade = run_cascade(doc, config, recurring)
    if cascade.page_copy and config.line_model:
        linemodel.judge(cascade.lines, cascade.title, recurring)
    finish(cascade.lines)
    title, wire, removed = cascade.title, cascade.wire, cascade.removed
    blocks = [Block(Role.TITLE, title)] if title else []
    if wire:
        blocks.append(Block(Role.DATELINE, wire.text))
    for ln in cascade.lines:
        if ln.removed_by:
            removed.append(RemovedLine(ln.number, ln.text, ln.removed_by, ln.detail))
        elif ln.role is not None and ln.role is not Role.TITLE:
            blocks.append(Block(ln.role, ln.text))
    removed.sort(key=lambda r: r.line_number)
    title_source = (
        TitleSource.STATED if doc.meta.title and doc.meta.title.strip() else TitleSource.FIRST_LINE
    )
    if not title:
        title, title_source = derived_title(doc, blocks), TitleSource.DERIVED
    return CleanedArticle(doc, title, tuple(blocks), tuple(removed), title_source, wire)


def finish(lines: Sequence[Line]) -> None:
    """Steps 10 to 12, after the line model: what only the page as a whole shows."""
    _cut_other_articles(lines)
    _cut_read_on_teasers(lines)
    _cut_author_notes(lines)
    _cut_author_box(lines)
    drop_repeated_text(lines)


def drop_repeated_text(lines: Sequence[Line]) -> None:
    """Remove a kept line that repeats the line just above it or runs other kept lines
    together: an image's alt text printed again as its caption, the whole story again as one
    line (a page's structured data, its print or app copy).

    A line printed again right below itself goes (lines too short to be compared do not
    part the two): one thing shown twice, not a refrain, which has something between.

    A line goes when REPEAT_SHARE of its word 4-grams are in other kept lines and no one of
    them holds more than MAX_SINGLE_SOURCE of it, longest first, so the run-together copy
    goes and the paragraphs stay. A line that repeats one other line (a question put to
    each interviewee, a recipe's step, a pull quote) is printed twice by design, and stays.
    """
    copies: defaultdict[str, list[Line]] = defaultdict(list)
    previous = ""
    for ln in lines:
        if ln.removed_by or ln.role in (None, Role.TITLE):
            continue
        key = normalise_line(ln.text)
        if len(key.split()) - REPEAT_GRAM + 1 < MIN_REPEAT_SHINGLES:
            continue  # short lines between two copies ("Image 1 of 8") do not part them
        if key == previous:
            ln.removed_by, ln.detail = RemovalRule.REPEATED_TEXT, "100%"
        else:
            copies[key].append(ln)
        previous = key
    grams = {key: _shingles(key) for key in copies}
    held: Counter[tuple[str, ...]] = Counter()  # how many lines hold each 4-gram
    for key_grams in grams.values():
        held.update(key_grams)
    holders: defaultdict[tuple[str, ...], list[str]] | None = None
    for key in sorted(grams, key=lambda k: (-len(grams[k]), k)):
        own = grams[key]
        if len(own) < MIN_REPEAT_SHINGLES:
            continue
        # A 4-gram in many lines is the page's template, no sign of a copy.
        covered = {gram for gram in own if 1 < held[gram] <= MAX_GRAM_HOLDERS}
        if len(covered) < REPEAT_SHARE * len(own):
            continue
        if holders is None:  # built on the first line worth attributing: most pages have none
            holders = defaultdict(list)
            multi = {gram for gram, n in held.items() if 1 < n <= MAX_GRAM_HOLDERS}
            for other, other_grams in grams.items():
                for gram in other_grams & multi:
                    holders[gram].append(other)
        by_line = Counter(other for gram in covered for other in holders[gram] if other != key)
        largest = max((n for other, n in by_line.items() if grams[other]), default=0)
        if largest <= MAX_SINGLE_SOURCE * len(own):
            held.subtract(own)
            grams[key] = set()
            share = f"{len(covered) / len(own):.0%}"
            for ln in copies[key]:
                ln.removed_by, ln.detail = RemovalRule.REPEATED_TEXT, share


def _shingles(key: str) -> set[tuple[str, ...]]:
    """The word 4-grams of a line's key (``normalise_line``: lower case, words and spaces)."""
    words = key.split()
    return set(zip(*(words[i:] for i in range(REPEAT_GRAM)), strict=False))


def _take_wire_dateline(lines: list[Line]) -> Wire | None:
    """A wire dateline opening one of the first lines leaves the text for a dateline of its own."""
    for ln in [ln for ln in lines if not ln.removed_by][:3]:
        m = WIRE_DATELINE.match(ln.text)
        if m and is_prose(ln.text[m.end() :]):
            ln.text = ln.text[m.end() :]
            return Wire(m.group(0).rstrip(" -–—."), m["place"], m["agency"].strip(), m["date"])
    return None


def _scrub_lines(lines: list[Line], removed: list[RemovedLine]) -> None:
    """Per line: broken HTML fragments, tags, entities, tab-only lines, code."""
    for ln in lines:
        raw = ln.text
        if not raw.strip():
            if raw and "\t" in raw:
                removed.append(RemovedLine(ln.number, repr(raw)[:80], RemovalRule.TAB_ONLY))
            ln.text = ""
            continue
        if _COMMENT_FRAGMENT.search(raw):
            removed.append(RemovedLine(ln.number, raw.strip()[:300], RemovalRule.COMMENT_FRAGMENT))
            ln.text = ""
            continue
        if _CODE_LINE.match(raw):
            removed.append(RemovedLine(ln.number, raw.strip()[:300], RemovalRule.CODE))
            ln.text = ""
            continue
        text = _TAG.sub(" ", raw)
        text = html.unescape(text).replace("\u00a0", " ").replace("\t", " ")
        text = re.sub(r"[ \u2000-\u200a\u202f\u205f\u3000]+", " ", text).strip()
        if not text:
            removed.append(RemovedLine(ln.number, raw.strip()[:300], RemovalRule.TAGS_ONLY))
        ln.text = text


def _is_breadcrumb(text: str) -> bool:
    parts = [p for p in _BREADCRUMB_SEP.split(text) if p]
    if len(parts) < 2 or len(parts) > 8 or len(text) == len(parts[0]):
        return False
    return all(word_count(p) <= 4 and not SENTENCE_END.search(p.rstrip(")")) for p in parts)


def _apply_chrome_rules(
    lines: list[Line], config: CleanConfig, recurring: Mapping[str, int]
) -> None:
    for position, ln in enumerate(lines):
        text = ln.text
        n = word_count(text)
        if (
            (n <= 15 and CHROME_LINE.match(text.strip(_MARKER_EDGES)))
            or CONSENT_NOTICE.match(text)
            or SITE_NOTICE.match(text)
            or (n <= LINK_OUT_MAX_WORDS and LINK_OUT.match(text))
            or (n <= CONTACT_LINE_MAX_WORDS and CONTACT_LINE.match(text))
        ):
            ln.removed_by = RemovalRule.CHROME_PHRASE
        elif n <= PROMOTION_MAX_WORDS and is_promotion(text):
            ln.removed_by = RemovalRule.PROMOTION
        elif n <= 12 and _is_breadcrumb(text):
            ln.removed_by = RemovalRule.BREADCRUMB
        elif n <= 20 and _COUNTED_LINK.match(text):
            ln.removed_by = RemovalRule.COUNTED_LINK
        # The first line is the source's own headline candidate: other sources repeating
        # it (as a teaser or a related link) must not make it vanish from its own page.
        elif position > 0 and n <= config.chrome_max_words:
            sources = recurring.get(normalise_line(text), 0)
            if sources >= config.chrome_min_sources:
                ln.removed_by = RemovalRule.CORPUS_CHROME
                ln.detail = str(sources)


def _is_story_paragraph(text: str, words: int | None = None) -> bool:
    """A line that reads as a paragraph of a story: prose of STORY_PARAGRAPH_WORDS or more
    (``words``: its word count, when the caller has already counted it)."""
    n = word_count(text) if words is None else words
    return n >= STORY_PARAGRAPH_WORDS and is_prose(text, n)


def _cut_after_end_marker(lines: list[Line]) -> None:
    """Cut everything after a line that closes an article ("Related articles", "Tags:", comments).

    Only once the story has had its say: the marker must follow at least END_MIN_WORDS
    words of prose and be followed by less prose than preceded it, so a share bar or
    a "Most read" box at the top of the page cuts nothing.
    """
    live = [ln for ln in lines if not ln.removed_by or ln.removed_by is RemovalRule.CHROME_PHRASE]
    prose_words = [
        word_count(ln.text) if not ln.removed_by and is_prose(ln.text) else 0 for ln in live
    ]
    total = sum(prose_words)
    before = 0
    for i, ln in enumerate(live):
        before += prose_words[i]
        if (
            before >= END_MIN_WORDS
            and END_MARKER.match(ln.text.strip(_MARKER_EDGES))
            and total - before < before
        ):
            for later in live[i:]:
                if later is ln or not _ATTRIBUTION.match(later.text):
                    later.removed_by = later.removed_by or RemovalRule.AFTER_END
            return


def _is_comment_header(text: str) -> bool:
    """Whether a line heads a comment: "joetoronto says:", "Al on 17 May 2018 at 6:34 am said:"."""
    match = _COMMENT_HEADER.match(text)
    if not match:
        return False
    timed = bool(_COMMENT_TIME.search(text) or DATE_IN_LINE.search(text))
    if match.group("says"):
        return timed or len(match.group("who").split()) <= MAX_COMMENTER_WORDS
    return timed


def _is_comment_time(text: str) -> bool:
    """Whether a line is a comment's time and little else: "3 hours ago", "14/04/2020 3:00 pm"."""
    return len(text.split()) <= MAX_COMMENT_TIME_WORDS and bool(_COMMENT_TIME.search(text))


def _is_comments_heading(text: str) -> bool:
    """Whether a line heads comments: "Comments", "[ 167 comments ]", "34 responses to “…”"."""
    return bool(COMMENTS_HEADING.match(text.strip(_MARKER_EDGES + "[]()")))


def _thread_start(texts: Sequence[str]) -> tuple[int, int] | None:
    """Where a comment thread starts, and how many comments it shows, if the page has one."""
    headers = [i for i, t in enumerate(texts) if _is_comment_header(t)]
    if len(headers) >= MIN_THREAD_HEADERS:
        start, comments = headers[0], len(headers)
    else:
        times = [i for i, t in enumerate(texts) if _is_comment_time(t)]
        for i, t in enumerate(texts):
            below = bisect.bisect_right(times, i)
            if (
                len(times) - below >= MIN_THREAD_HEADERS
                and times[below] - i <= THREAD_HEADING_REACH
                and _is_comments_heading(t)
            ):
                start, comments = i, len(times) - below
                break
        else:
            return None
    while start > 0 and _is_comments_heading(texts[start - 1]):
        start -= 1
    return start, comments


def _cut_comment_thread(lines: list[Line]) -> None:
    """Cut a readers' comment thread below the story, found by its shape.

    An end marker ("Comments") alone is not trusted when more prose follows it than
    precedes it (``_cut_after_end_marker``), yet a thread is often longer than the story.
    Its shape settles it: at least MIN_THREAD_HEADERS comments headed "X says:", or a
    comments heading followed by that many comment time lines ("2 days ago at 07:52 am").
    The thread must start after the story's first paragraph of prose; from there to the
    end of the page nothing belongs to the story.
    """
    live = [ln for ln in lines if not ln.removed_by or ln.removed_by is RemovalRule.CHROME_PHRASE]
    found = _thread_start([ln.text.strip() for ln in live])
    if found is None:
        return
    start, comments = found
    if not any(not ln.removed_by and _is_story_paragraph(ln.text) for ln in live[:start]):
        return
    for ln in live[start:]:
        ln.removed_by = RemovalRule.COMMENT_THREAD
        ln.detail = str(comments)


def _cut_other_articles(lines: Sequence[Line]) -> None:
    """Cut the teasers of other articles on the page, found by their headers.

    A page has one article header (headline, author, date); the same header again and again
    after the page's first paragraph ("Surprise! Report claiming … / Becket Adams / Tuesday
    November 19, 2019 / summary") is a list of other articles. At least MIN_OTHER_HEADERS
    such headers, each with no more than MAX_TEASER_LINES lines of summary under it, go
    from the first headline to the last summary.
    """
    live = [ln for ln in lines if not ln.removed_by]
    first = _first_story_paragraph(live)
    if first is None:
        return
    headers: list[tuple[int, int]] = []  # (headline, date line)
    for i in range(first + 1, len(live)):
        if live[i].role is not Role.DATELINE:
            continue
        for j in (i - 1, i - 2):
            if (
                j > first
                and live[j].role in (Role.PARAGRAPH, Role.HEADING, Role.BYLINE)
                and 3 <= word_count(live[j].text) <= MAX_OTHER_HEADLINE_WORDS
                and not is_prose(live[j].text)
                and not DATE_IN_LINE.search(live[j].text)
            ):
                headers.append((j, i))
                break
    for run in _runs(headers, MAX_TEASER_LINES):
        timed = sum(bool(re.search(_CLOCK, live[d].text)) for _, d in run)
        # A live blog's entries are dated to the minute ("5 January 2024, 14:32"); a list of
        # other articles gives the day.
        if len(run) < MIN_OTHER_HEADERS or timed * 2 > len(run):
            continue
        # The last teaser's summary is as long as the others' at most: the line after its
        # date may be the story's own lead when the teasers stand above it.
        summaries = [live[d + 1 : h] for (_, d), (h, _) in itertools.pairwise(run)]
        end = run[-1][1]
        if all(summaries):
            longest = max(word_count(ln.text) for summary in summaries for ln in summary)
            for ln in live[end + 1 : end + 1 + min(map(len, summaries))]:
                if word_count(ln.text) > longest:
                    break
                end += 1
        for ln in live[run[0][0] : end + 1]:
            ln.removed_by, ln.detail = RemovalRule.OTHER_ARTICLES, str(len(run))


def _cut_read_on_teasers(lines: Sequence[Line]) -> None:
    """Cut a list of other articles whose teasers each end with a "Read more" link.

    At least MIN_OTHER_HEADERS such links after the page's first paragraph, each at most
    MAX_READ_ON_GAP lines below the last, close one teaser each: the kept lines between them
    go, and above the first as many lines as the shortest teaser has (a teaser list is
    uniform, and the story above it keeps any line in doubt).
    """
    shown: list[Line] = []
    links: list[tuple[int, int]] = []  # each link's place in ``shown``, as a span of one line
    for ln in lines:
        if READ_ON_LINK.match(ln.text.strip(_MARKER_EDGES)):
            links.append((len(shown), len(shown)))
        elif ln.removed_by:
            continue
        shown.append(ln)
    first = _first_story_paragraph(shown)
    if first is None:
        return
    for run in _runs([link for link in links if link[0] > first], MAX_READ_ON_GAP):
        # Each teaser closes with the same link; one worded otherwise at the top ("Keep
        # Reading" above a list closed by "Read More") heads the list, and nothing above it
        # is a teaser.
        closer = Counter(normalise_line(shown[a].text) for a, _ in run).most_common(1)[0][0]
        top = first + 1
        while run and normalise_line(shown[run[0][0]].text) != closer:
            top = run.pop(0)[0] + 1
        if len(run) < MIN_OTHER_HEADERS:
            continue
        shortest = min(b - a - 1 for (a, _), (b, _) in itertools.pairwise(run))
        for ln in shown[max(top, run[0][0] - shortest) : run[-1][0]]:
            if not ln.removed_by:
                ln.removed_by, ln.detail = RemovalRule.OTHER_ARTICLES, str(len(run))


def _first_story_paragraph(lines: Sequence[Line]) -> int | None:
    """The index of the first kept paragraph of the story: the end rules act only below it."""
    return next(
        (
            i
            for i, ln in enumerate(lines)
            if not ln.removed_by and ln.role is Role.PARAGRAPH and _is_story_paragraph(ln.text)
        ),
        None,
    )


def _runs(spans: Sequence[tuple[int, int]], max_gap: int) -> list[list[tuple[int, int]]]:
    """Spans (first line, last line) in page order, grouped where at most ``max_gap`` lines
    part one from the next: the entries of one list."""
    runs: list[list[tuple[int, int]]] = []
    for span in spans:
        if runs and span[0] - runs[-1][-1][1] - 1 <= max_gap:
            runs[-1].append(span)
        else:
            runs.append([span])
    return runs


def _cut_author_notes(lines: Sequence[Line]) -> None:
    """Remove notes about the writer below the story's last paragraph.

    Read from the bottom: notes and short lines ("@perrybaconjr") go on, the first paragraph
    of the story stops the search, so a note-shaped sentence inside the story stays.
    """
    live = [ln for ln in lines if not ln.removed_by and ln.role not in (None, Role.TITLE)]
    words = [word_count(ln.text) for ln in live]
    total = sum(words)
    above = total
    for ln, n in zip(reversed(live), reversed(words), strict=True):
        above -= n
        if (
            n <= AUTHOR_NOTE_MAX_WORDS
            and above >= AUTHOR_NOTE_AFTER * total
            and _AUTHOR_NOTE.match(ln.text)
        ):
            ln.removed_by = RemovalRule.AUTHOR_NOTE
        elif _is_story_paragraph(ln.text, n):
            break


def _cut_author_box(lines: Sequence[Line]) -> None:
    """Remove a box about the writer below the story: its heading ("About Matthew Humphries",
    "Über den Autor") and the biography under it.

    A heading that names a person counts only when the paragraph under it names them too,
    and either kind only below AUTHOR_NOTE_AFTER of the page's kept words, as for a note.
    """
    # The heading may be gone already as a furniture phrase ("About the author"); its
    # biography is not, and the heading still marks it.
    live = [
        ln
        for ln in lines
        if (not ln.removed_by and ln.role not in (None, Role.TITLE))
        or ln.removed_by is RemovalRule.CHROME_PHRASE
    ]
    first = _first_story_paragraph(live)
    if first is None:
        return
    words = [0 if ln.removed_by else word_count(ln.text) for ln in live]
    total = sum(words)
    above = sum(words[: first + 1])
    for i in range(first + 1, len(live) - 1):
        heading = live[i].text.strip()
        if above >= AUTHOR_NOTE_AFTER * total and words[i] <= MAX_DERIVED_TITLE_WORDS:
            bio = live[i + 1]
            writer = _ABOUT_THE_WRITER.match(heading)
            person = _ABOUT_PERSON.match(heading)
            names = [w for w in person["name"].split() if len(w) > 2] if person else []
            if (
                (writer or names)
                and not bio.removed_by
                and bio.role is Role.PARAGRAPH
                and words[i + 1] <= AUTHOR_BOX_MAX_WORDS
                and (writer or any(re.search(rf"\b{re.escape(w)}\b", bio.text) for w in names))
            ):
                for ln in (live[i], bio):
                    if not ln.removed_by:
                        ln.removed_by, ln.detail = RemovalRule.AUTHOR_NOTE, "box"
                return
        above += words[i]


def _cut_tail_lists(lines: list[Line]) -> None:
    """After a 'Most Popular' style heading, drop headline lists until prose resumes."""
    cutting = False
    prose_seen = False
    for ln in lines:
        # Only below the story: at the top of a page the same words are menu entries.
        if (
            prose_seen
            and ln.removed_by is RemovalRule.CHROME_PHRASE
            and TAIL_MARKER.match(ln.text.strip(_MARKER_EDGES))
        ):
            cutting = True
            continue
        prose_seen = prose_seen or (not ln.removed_by and _is_story_paragraph(ln.text))
        if cutting:
            if _is_story_paragraph(ln.text):
                cutting = False
            elif not ln.removed_by:
                ln.removed_by = RemovalRule.TAIL_LIST


TITLE_MAX_WORDS = 25
"""A headline is a phrase; a longer line is the story's first paragraph."""
UNMARKED_TITLE_MAX_WORDS = 40
"""Thai, Lao and Khmer headlines run two clauses, counted here by characters (about three a
word), and nothing marks a sentence end there to tell a lead from a headline: the first
line is taken up to this length."""


def _pick_title(doc: SourceDocument, lines: list[Line]) -> str:
    """Front matter wins; else the first short non-prose line near the top.

    Later copies of the title line (sites repeat it above and below the photo) are removed.
    """
    live = [ln for ln in lines if not ln.removed_by]
    title = (doc.meta.title or "").strip()
    if not title:
        for ln in live[:3]:
            # A headline reads as a phrase, or as a question or exclamation; a line ending
            # in a full stop or a closing quote is the story's first paragraph. A date line
            # is never the headline; in a script that marks no sentence end (Thai, Lao,
            # Khmer), a line of headline length near the top is.
            n = word_count(ln.text)
            if looks_like_date(ln.text) and n <= DATELINE_MAX_WORDS:
                continue
            unmarked = bool(UNMARKED_SCRIPTS.search(ln.text)) and not SENTENCE_END.search(ln.text)
            headline_shape = not is_prose(ln.text, n) or ln.text.endswith(("?", "!"))
            if (n <= TITLE_MAX_WORDS and headline_shape) or (
                unmarked and n <= UNMARKED_TITLE_MAX_WORDS
            ):
                title = ln.text
                break
        # "Headline | Site name" or "Headline - Site name" in a copied <title>.
        parts = re.split(r"\s+[|–—-]\s+", title)
        if len(parts) >= 2 and word_count(parts[0]) >= 3 and word_count(parts[-1]) <= 5:
            title = (
                " - ".join(parts[:-1]) if len(parts) > 2 and word_count(parts[-2]) > 4 else parts[0]
            )
    if not title:
        return ""
    key = normalise_line(title)
    seen_first = False
    for ln in live:
        line_key = normalise_line(ln.text)
        if line_key == key or (
            line_key.startswith(key)
            and word_count(ln.text) - word_count(title) <= 5
            and not is_prose(ln.text)
        ):
            if not seen_first and not doc.meta.title:
                ln.role = Role.TITLE
                seen_first = True
            else:
                ln.removed_by = RemovalRule.REPEATED_TITLE
    return title


CREDIT_MAX_WORDS = 20
"""A photo credit is a name and an agency ("Photo: Reuters/Stringer"), never a paragraph."""
DATELINE_MAX_WORDS = 14
"""A dateline or date line is a place and a date; a sentence that mentions a date is prose."""
BYLINE_MAX_WORDS = 10
""""By Ann Wang and Reuters staff in Bangkok": a byline names people, briefly."""
ATTRIBUTION_MAX_WORDS = 40
""""Additional reporting by ..., editing by ...": at most a couple of sentences."""
CAPTION_MAX_WORDS = 80
"""A line cued as a caption ("In this photo", "Pictured:") may describe a scene at length."""
SHORT_CAPTION_WORDS = 12
"""Beside a credit, any line this short is the credited image's caption."""
LEAD_CAPTION_MAX_WORDS = 60
"""Above the first paragraph, a longer line beside a credit is still its caption."""
FIRST_PROSE_MIN_WORDS = 12
"""Where the story proper starts: the first prose line at least this long."""
STANDFIRST_WORDS = range(6, 51)
"""A standfirst is one summary sentence: more than a label, less than a paragraph."""


def _label_furniture(lines: list[Line], title: str) -> None:
    """Datelines, bylines, credits, captions, standfirst and attribution."""
    live = [ln for ln in lines if not ln.removed_by and ln.role is None]
    _classify_furniture(live)
    _pair_captions_with_credits(live)
    _find_standfirst(lines, live, title)


def _classify_furniture(live: list[Line]) -> None:
    """Lines that say by their own shape and words what they are."""
    for ln in live:
        text = ln.text
        n = word_count(text)
        if _CREDIT.match(text) and n <= CREDIT_MAX_WORDS:
            ln.role = Role.CREDIT
        elif n <= CAPTION_MAX_WORDS and _ends_with_credit(text):
            ln.role = Role.CAPTION
        elif n <= DATELINE_MAX_WORDS and (
            _DATELINE_WORDS.match(text) or (looks_like_date(text) and not is_prose(text))
        ):
            ln.role = Role.DATELINE
        elif n <= BYLINE_MAX_WORDS and _BYLINE.match(text):
            ln.role = Role.BYLINE
        elif n <= ATTRIBUTION_MAX_WORDS and _ATTRIBUTION.match(text):
            ln.role = Role.ATTRIBUTION
        elif _CAPTION_CUE.match(text) and n <= CAPTION_MAX_WORDS:
            ln.role = Role.CAPTION


def _ends_with_credit(text: str) -> bool:
    """Whether a line ends with a photo credit ("… (AP Photo/Alan Diaz)", "… Credit: ESA")."""
    tail = text[-TRAILING_CREDIT_SPAN:]
    # Every form has one of these marks; most paragraphs end without any.
    return any(mark in tail for mark in "()©/:：") and bool(_TRAILING_CREDIT.search(tail))


def _pair_captions_with_credits(live: list[Line]) -> None:
    """A caption stands next to its credit: before it ("In this photo ... Credit: AP") or
    after it ("IMAGE SOURCE: AP / Minister Nong Rong.")."""
    first_prose = next(
        (
            i
            for i, ln in enumerate(live)
            if is_prose(ln.text) and word_count(ln.text) >= FIRST_PROSE_MIN_WORDS
        ),
        len(live),
    )
    for i, ln in enumerate(live):
        if ln.role is not Role.CREDIT:
            continue
        for j in (i - 1, i + 1):
            if 0 <= j < len(live) and live[j].role is None:
                neighbour = live[j]
                words = word_count(neighbour.text)
                if (
                    _CAPTION_CUE.match(neighbour.text)
                    or words <= SHORT_CAPTION_WORDS
                    or (j < first_prose and words <= LEAD_CAPTION_MAX_WORDS)
                ):
                    neighbour.role = Role.CAPTION
                    break


def _find_standfirst(lines: list[Line], live: list[Line], title: str) -> None:
    """A one-sentence summary right under the title, set apart from the body by the dateline,
    a photo or a repeated title before the story proper begins."""
    lead = next((ln for ln in live if ln.role is None), None)
    if lead is None or not title or word_count(lead.text) not in STANDFIRST_WORDS:
        return
    after = lines[lines.index(lead) + 1 :]
    nxt = next((ln for ln in after if ln.removed_by is not RemovalRule.TAB_ONLY), None)
    if nxt is not None and (
        nxt.role in (Role.DATELINE, Role.BYLINE, Role.CAPTION, Role.CREDIT)
        or nxt.removed_by is RemovalRule.REPEATED_TITLE
    ):
        lead.role = Role.STANDFIRST


def _cut_outside_body(lines: list[Line]) -> None:
    """Keep the contiguous stretch of lines with the most prose; cut the rest.

    Prose lines score their word count, other lines a penalty, so long menus and
    footers fall outside the best-scoring window while a subheading inside stays.
    Labelled furniture above the window (title, dateline, photo) is kept.
    """
    candidates = [ln for ln in lines if not ln.removed_by and ln.role is None]
    if len(candidates) < 4:
        return
    scores = [
        word_count(ln.text) if is_prose(ln.text) else -(3 + word_count(ln.text))
        for ln in candidates
    ]
    best_start, best_end = best_window(scores)
    if best_end < 0:
        return
    # A lone line before or after the window is more often a lead or a closing line
    # than a menu: only runs of several lines are cut.
    outside = [range(0, best_start), range(best_end + 1, len(candidates))]
    for region in outside:
        if len(region) >= MIN_CUT_LINES:
            for i in region:
                candidates[i].removed_by = RemovalRule.OUTSIDE_BODY
    # Furniture below the body is only kept if it is attribution.
    last_body = candidates[best_end]
    for ln in lines[lines.index(last_body) + 1 :]:
        if ln.role in (Role.DATELINE, Role.BYLINE, Role.CAPTION, Role.CREDIT) and not ln.removed_by:
            ln.removed_by = RemovalRule.OUTSIDE_BODY


def _label_body(lines: list[Line], config: CleanConfig, drop_link_lists: bool = True) -> None:
    """Paragraphs, section headings, and runs of short lines that are link lists."""
    live = [ln for ln in lines if not ln.removed_by and ln.role is None]
    i = 0
    while i < len(live):
        j = i
        while j < len(live) and not is_prose(live[j].text):
            j += 1
        run = live[i:j]
        if (
            drop_link_lists
            and len(run) >= 3
            and sum(word_count(ln.text) for ln in run) / len(run) <= 8
        ):
            for ln in run:
                ln.removed_by = RemovalRule.LINK_LIST
        else:
            for ln in run:
                ln.role = Role.HEADING if _looks_like_heading(ln.text, config) else Role.PARAGRAPH
        if j < len(live):
            live[j].role = Role.PARAGRAPH
        i = j + 1


def _looks_like_heading(text: str, config: CleanConfig) -> bool:
    n = word_count(text)
    return (
        1 <= n <= config.heading_max_words
        and not _HEADING_BAD_END.search(text)
        and not text[:1].islower()
        and not text.endswith(".")
    )


def derived_title(doc: SourceDocument, blocks: list[Block]) -> str:
    """A headline for a source without one: the lead sentence's main clause.

    The attribution that ends a lead ("…, according to several of the parties involved",
    "…, residents said") goes; a sentence still over 20 words is cut at the last clause
    boundary (comma, dash, "as", "while" …) within 20 words, else before the last phrase
    that fits ("to discuss …", "on Tuesday"), so the headline is a whole clause, never a
    sentence cut mid-phrase with "…".
    """
    first = next((b.text for b in blocks if b.role is Role.PARAGRAPH), "") or PurePath(
        doc.path
    ).stem.replace("_", " ")
    sentence = _FIRST_SENTENCE.split(first.strip(), maxsplit=1)[0].rstrip(".。။។।۔")
    sentence = _LEAD_ATTRIBUTION.sub("", sentence).strip(" ,;")
    if word_count(sentence) <= MAX_DERIVED_TITLE_WORDS:
        return sentence
    head = sentence[:DERIVED_TITLE_SCAN]
    for boundary in (_CLAUSE_BREAK, _PHRASE_BREAK, _UNSPACED_CLAUSE_BREAK):
        cuts = [
            m.start()
            for m in boundary.finditer(head)
            if MIN_DERIVED_TITLE_WORDS <= word_count(head[: m.start()]) <= MAX_DERIVED_TITLE_WORDS
        ]
        if cuts:
            return head[: cuts[-1]].rstrip(" ,;，、；")
    words = head.split()
    if len(words) > MAX_DERIVED_TITLE_WORDS:
        return " ".join(words[:MAX_DERIVED_TITLE_WORDS]).rstrip(",;:")
    # A script that spaces no words: its first phrase, even somewhat long (a Thai headline
    # often is), rather than a word cut in two; only a run without any break is cut, at the
    # longest start that fits (the count only grows with the length: a binary search).
    first_break = _UNSPACED_CLAUSE_BREAK.search(head)
    if first_break and word_count(head[: first_break.start()]) <= 2 * MAX_DERIVED_TITLE_WORDS:
        return head[: first_break.start()]
    fits = bisect.bisect_right(
        range(len(head) + 1), MAX_DERIVED_TITLE_WORDS, key=lambda end: word_count(head[:end])
    )
    return head[: max(1, fits - 1)]


def removal_counts(articles: Sequence[CleanedArticle]) -> Counter[RemovalRule]:
    """How many lines each rule removed, over the corpus (for ``build-digest check``)."""
    return Counter(r.rule for article in articles for r in article.removed)
