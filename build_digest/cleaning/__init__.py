"""Stage 2 (clean): clean copied page text into labelled blocks, recording every removed line.

The cascade, in the order ``cascade.clean_document`` runs it, one module per family of steps
(each step's reason is in its code):

1. ``markup``: stray HTML: script/style blocks, comments and their broken halves, tags,
   entities, tab-only lines, lines of code;
2. ``chrome``: fixed chrome rules: the phrase groups of ``vocabulary.py``, the site's
   promotion of its newsletter, app and accounts, breadcrumbs, headline links with a comment
   or view count;
3. ``chrome``: corpus evidence: a short line that recurs in several unrelated sources is chrome;
4. ``page_end``: the article's end: after an end marker ("Related", "Comments", "About the
   author") that follows most of the text, nothing but attribution is kept; a readers'
   comment thread below the story ("joetoronto says:" three times or more) goes whole;
5. ``page_end``: tail link lists: after "Similar Articles", "Most Popular" and the like,
   headline lists go;
6. ``headline``: wire dateline and headline: ``LASHIO, Myanmar, Dec 15 (Reuters) -`` becomes a
   ``Wire`` record; the title is the stated one, else the first line, else derived from the lead;
7. ``labels``: furniture: datelines, bylines, credits and their captions, attribution, the
   standfirst;
8. ``body``: main-body window (copied pages only, not trafilatura's output): the contiguous
   run of lines with the most prose wins, so that navigation above and footers below a copied
   whole page are cut (the body-text extraction idea of Finn et al., on lines); a long line
   without one sentence or clause mark is a menu or tag cloud run together, not prose;
9. ``body``: paragraphs, section headings, and runs of short lines that are link lists.
   (Then, on copied pages, the line model of ``linemodel`` has its say.)
10. ``page_end``: other articles: three or more article headers (headline, then a date) after
    the page's first paragraph are teasers of other articles, cut with their summaries; so are
    three or more short blocks each closed by a "Read more" link;
11. ``page_end``: notes about the writer below the story's last paragraph ("… is a senior
    writer for …"), and a box about them under its own heading ("About Matthew Humphries",
    "Über den Autor");
12. ``repeats``: repeated text: a kept line printed again right below itself, or one that
    runs other kept lines together (the story again as one line), goes.

``lines`` holds what every step shares (the ``Line`` record, the prose tests), ``options``
the thresholds a user may set, ``cascade`` the order above and the stage's cache.

Why our own code: jusText (the library for this) scores 0.76 F1 on the copied-text
benchmark in ``shared/evaldata``; it classifies lines one by one and has no notion
of a news article's furniture (captions, credits, datelines) that we must keep and
label rather than drop. ``benchmarks.evaluate`` measures this package against it.
"""

from .cascade import (
    clean_all,
    clean_document,
    clean_sources,
    removal_counts,
    run_cascade,
)
from .lines import Line, is_prose
from .options import CleanConfig

__all__ = [
    "CleanConfig",
    "Line",
    "clean_all",
    "clean_document",
    "clean_sources",
    "is_prose",
    "removal_counts",
    "run_cascade",
]
