"""Stage 2 (clean), steps 4, 5, 10 and 11: what stands below the story on a page.

After an end marker ("Related", "Comments", "About the author") that follows most of the
text, nothing but attribution is kept; a readers' comment thread goes whole; after "Similar
Articles" or "Most Popular", headline lists go (steps 4 and 5, before the headline is picked).
After the line model: teasers of other articles, by their headers or their "Read more" links,
and notes and boxes about the writer (steps 10 and 11, which only the page as a whole shows).
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import Counter
from collections.abc import Sequence

from ..dates import DATE_IN_LINE
from ..models import (
    RemovalRule,
    Role,
)
from ..text import word_count
from ..vocabulary import (
    COMMENTS_HEADING,
    END_MARKER,
    READ_ON_LINK,
    SPEECH_VERBS,
    SPEECH_VERBS_PAST,
    TAIL_MARKER,
    WRITER_QUALIFIERS,
    WRITER_TITLES,
    alternatives,
)
from .headline import MAX_DERIVED_TITLE_WORDS
from .labels import ATTRIBUTION
from .lines import MARKER_EDGES, Line, LineState, is_prose, is_story_paragraph, normalise_line

END_MIN_WORDS = 150

# A comment system heads each comment with the commenter's name and a speech verb, alone
# on a line: "joetoronto says:", "Anhora sagt:". Present tense only, or a past tense with
# the comment's time ("Alex on September 17, 2018 at 6:34 am said:"): an article that
# introduces a quote on a line of its own writes "The commander said:".
_SAYS = alternatives(SPEECH_VERBS)
_SAID = alternatives(SPEECH_VERBS_PAST)
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
_NOTE_NAME = (
    r"(?!(?:He|She|It|They|This|That|The|We|I|There|Here|You)\b)"
    r"(?:[A-Z][\w'’.-]*|[A-Z]\.)"
    r"(?: (?:[A-Z][\w'’.-]*|[A-Z]\.|de|van|von|der|da|del|la|le|bin|al)){0,4},?"
)
_WRITER = f"(?:{alternatives(WRITER_QUALIFIERS)} )*{alternatives(WRITER_TITLES)}s?"
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


def cut_after_end_marker(lines: list[Line]) -> None:
    """Cut everything after a line that closes an article ("Related articles", "Tags:", comments).

    Only once the story has had its say: the marker must follow at least END_MIN_WORDS
    words of prose and be followed by less prose than preceded it, so a share bar or
    a "Most read" box at the top of the page cuts nothing.

    Reads live lines and markers; changes: ``removed_by`` (AFTER_END).
    """
    live = [ln for ln in lines if ln.marks_end]
    prose_words = [word_count(ln.text) if ln.live and is_prose(ln.text) else 0 for ln in live]
    total = sum(prose_words)
    before = 0
    for i, ln in enumerate(live):
        before += prose_words[i]
        if (
            before >= END_MIN_WORDS
            and END_MARKER.match(ln.text.strip(MARKER_EDGES))
            and total - before < before
        ):
            for later in live[i:]:
                if later is ln or not ATTRIBUTION.match(later.text):
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
    return bool(COMMENTS_HEADING.match(text.strip(MARKER_EDGES + "[]()")))


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


def cut_comment_thread(lines: list[Line]) -> None:
    """Cut a readers' comment thread below the story, found by its shape.

    An end marker ("Comments") alone is not trusted when more prose follows it than
    precedes it (``cut_after_end_marker``), yet a thread is often longer than the story.
    Its shape settles it: at least MIN_THREAD_HEADERS comments headed "X says:", or a
    comments heading followed by that many comment time lines ("2 days ago at 07:52 am").
    The thread must start after the story's first paragraph of prose; from there to the
    end of the page nothing belongs to the story.

    Reads live lines and markers; changes: ``removed_by`` (COMMENT_THREAD).
    """
    live = [ln for ln in lines if ln.marks_end]
    found = _thread_start([ln.text.strip() for ln in live])
    if found is None:
        return
    start, comments = found
    if not any(ln.live and is_story_paragraph(ln.text) for ln in live[:start]):
        return
    for ln in live[start:]:
        ln.removed_by = RemovalRule.COMMENT_THREAD
        ln.detail = str(comments)


def cut_tail_lists(lines: list[Line]) -> None:
    """After a 'Most Popular' style heading, drop headline lists until prose resumes.

    Reads live lines and markers; changes: ``removed_by`` (TAIL_LIST).
    """
    cutting = False
    prose_seen = False
    for ln in lines:
        # Only below the story: at the top of a page the same words are menu entries.
        if (
            prose_seen
            and ln.state is LineState.MARKER
            and TAIL_MARKER.match(ln.text.strip(MARKER_EDGES))
        ):
            cutting = True
            continue
        prose_seen = prose_seen or (ln.live and is_story_paragraph(ln.text))
        if cutting:
            if is_story_paragraph(ln.text):
                cutting = False
            elif ln.live:
                ln.removed_by = RemovalRule.TAIL_LIST


def cut_other_articles(lines: Sequence[Line]) -> None:
    """Cut the teasers of other articles on the page, found by their headers.

    A page has one article header (headline, author, date); the same header again and again
    after the page's first paragraph ("Surprise! Report claiming … / Becket Adams / Tuesday
    November 19, 2019 / summary") is a list of other articles. At least MIN_OTHER_HEADERS
    such headers, each with no more than MAX_TEASER_LINES lines of summary under it, go
    from the first headline to the last summary.

    Reads live lines and their roles; changes: ``removed_by`` (OTHER_ARTICLES).
    """
    live = [ln for ln in lines if ln.live]
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


def cut_read_on_teasers(lines: Sequence[Line]) -> None:
    """Cut a list of other articles whose teasers each end with a "Read more" link.

    At least MIN_OTHER_HEADERS such links after the page's first paragraph, each at most
    MAX_READ_ON_GAP lines below the last, close one teaser each: the kept lines between them
    go, and above the first as many lines as the shortest teaser has (a teaser list is
    uniform, and the story above it keeps any line in doubt).

    Reads live lines and every line's text (a link may be removed already); changes:
    ``removed_by`` (OTHER_ARTICLES).
    """
    shown: list[Line] = []
    links: list[tuple[int, int]] = []  # each link's place in ``shown``, as a span of one line
    for ln in lines:
        if READ_ON_LINK.match(ln.text.strip(MARKER_EDGES)):
            links.append((len(shown), len(shown)))
        elif not ln.live:
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
            if ln.live:
                ln.removed_by, ln.detail = RemovalRule.OTHER_ARTICLES, str(len(run))


def _first_story_paragraph(lines: Sequence[Line]) -> int | None:
    """The index of the first kept paragraph of the story: the end rules act only below it."""
    return next(
        (
            i
            for i, ln in enumerate(lines)
            if ln.live and ln.role is Role.PARAGRAPH and is_story_paragraph(ln.text)
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


def cut_author_notes(lines: Sequence[Line]) -> None:
    """Remove notes about the writer below the story's last paragraph.

    Read from the bottom: notes and short lines ("@perrybaconjr") go on, the first paragraph
    of the story stops the search, so a note-shaped sentence inside the story stays.

    Reads the story's blocks; changes: ``removed_by`` (AUTHOR_NOTE).
    """
    live = [ln for ln in lines if ln.in_story]
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
        elif is_story_paragraph(ln.text, n):
            break


def cut_author_box(lines: Sequence[Line]) -> None:
    """Remove a box about the writer below the story: its heading ("About Matthew Humphries",
    "Über den Autor") and the biography under it.

    A heading that names a person counts only when the paragraph under it names them too,
    and either kind only below AUTHOR_NOTE_AFTER of the page's kept words, as for a note.

    Reads the story's blocks and markers; changes: ``removed_by`` (AUTHOR_NOTE).
    """
    # The heading may be gone already as a furniture phrase ("About the author"); its
    # biography is not, and the heading still marks it.
    live = [ln for ln in lines if ln.in_story or ln.state is LineState.MARKER]
    first = _first_story_paragraph(live)
    if first is None:
        return
    words = [word_count(ln.text) if ln.live else 0 for ln in live]
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
                and bio.live
                and bio.role is Role.PARAGRAPH
                and words[i + 1] <= AUTHOR_BOX_MAX_WORDS
                and (writer or any(re.search(rf"\b{re.escape(w)}\b", bio.text) for w in names))
            ):
                for ln in (live[i], bio):
                    if ln.live:
                        ln.removed_by, ln.detail = RemovalRule.AUTHOR_NOTE, "box"
                return
        above += words[i]
