"""Stage 4 (dedupe): fold copies, near-copies and rewrites of one report into a story (and, in
stage 3, each version's fingerprint).

Three tiers, each cheaper than the next is precise:

(a) exact copies: the same body after cleaning and normalisation (case, punctuation,
    spacing), so another outlet's chrome or encoding does not hide a copy;
(b) near copies: MinHash/LSH over word 5-shingles (datasketch) proposes candidates in
    near-linear time; containment of the smaller shingle set in the larger confirms,
    so a cut paragraph or a new lead still folds;
(c) rewrites: paraphrases share almost no 5-shingles (the two seed rewrites: Jaccard 0.04)
    but keep their figures ("100 military outposts", "40%", "50,000"), names and quotes.
    An inverted index over those rare anchors proposes candidates (anchors found in
    more than ``max_anchor_df`` sources are skipped, which keeps the cost linear); a
    sentence-by-sentence alignment of content words confirms; known dates further
    apart than ``window_days`` veto.

Nothing is dropped: every folded source stays in its story with the reason.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations
from pathlib import Path

import numpy as np
from datasketch import MinHash, MinHashLSH

from .cache import DigestCache
from .dates import ascii_digits
from .models import (
    CleanedArticle,
    Dated,
    DateTag,
    Fingerprint,
    FoldedVersion,
    FoldKind,
    SourceVersion,
    Story,
)
from .postings import capped_postings
from .urls import story_id

_WORD = re.compile(r"\w+")
_FIGURE = re.compile(
    r"(?<![\w.])(\$?\d[\d,]*(?:\.\d+)?)(\s?(?:%|per ?cent|percent|million|billion|bn|m\b))?", re.I
)
_NAME = re.compile(r"\b([A-Z][\w’'-]+(?:\s+(?:of|the|de|del|van|von|al|bin)?\s*[A-Z][\w’'-]+)+)")
_QUOTE = re.compile(r"[“\"]([^”\"]{20,400})[”\"]")
_SENTENCE = re.compile(r"(?<=[.!?”\"])\s+(?=[“\"A-Z0-9])")
NEWS_FILLER = frozenset(
    {"according", "amid", "said", "says", "told", "mr", "ms", "new", "percent", "cent"}
    | {"day", "days", "week", "month", "months", "year", "years", "having", "theirs"}
)
"""Words every news report is full of (reporting verbs, honorifics, time words): like stop
words, they say nothing about which report a text is."""


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """spaCy's English stop words and the news filler. Imported on first use, not with this
    module: spaCy is checked (one clear line if it cannot load) before any stage runs."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS) | NEWS_FILLER


NUM_PERM = 128
"""MinHash permutations: the signature every fingerprint carries is made with this many."""


@dataclass(frozen=True)
class DedupeConfig:
    """Thresholds of the three tiers; ``benchmarks.evaluate dedupe`` measures them."""

    num_perm: int = NUM_PERM
    lsh_threshold: float = 0.3
    """Jaccard on 5-shingles above which LSH proposes a pair (recall side)."""
    containment: float = 0.7
    """Share of the smaller text's shingles found in the larger that confirms a near copy."""
    rewrite_alignment: float = 0.45
    """Share of the shorter text's sentences with a counterpart in the other text."""
    min_shared_anchors: int = 3
    min_shared_figures: int = 2
    """Rare figures both texts state: the signal of one report that paraphrase keeps."""
    max_anchor_df: int = 50
    window_days: int = 14


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A crude suffix-stripping stem: enough to match "displaced" with "displacement"."""
    word = word.casefold()
    for suffix in (
        "ations",
        "ation",
        "ments",
        "ment",
        "ings",
        "ing",
        "ies",
        "ied",
        "ed",
        "es",
        "s",
        "ly",
    ):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)][:7]
    return word[:7]


def content_words(text: str) -> list[str]:
    stop = stopwords()
    return [
        stem(w)
        for w in _WORD.findall(text)
        if w.casefold() not in stop and not w.isdigit() and len(w) > 2
    ]


def fingerprint(article: CleanedArticle) -> Fingerprint:
    # A source that is only a headline is its headline: two different headlines alone are
    # not two identical empty texts.
    text = article.body_text or article.title
    tokens = [t.casefold() for t in _WORD.findall(text)]
    shingles = {
        int.from_bytes(
            hashlib.blake2b(" ".join(tokens[i : i + 5]).encode(), digest_size=8).digest(), "big"
        )
        for i in range(max(len(tokens) - 4, 1))
    }
    figures = set()
    for number, unit in _FIGURE.findall(ascii_digits(text)):  # ၁၀၂၇ and 1027 are one figure
        value = number.replace(",", "").lstrip("$")
        if len(value.replace(".", "")) < 2 and not unit:
            continue  # "3", "5": too common to say anything
        if re.fullmatch(r"(19|20)\d\d", value) and not unit:
            continue  # years date the story, they do not identify the report
        figures.add(
            value
            + (
                "%"
                if unit and unit.strip().lower() in {"%", "per cent", "percent"}
                else (unit or "").strip().lower()[:1]
            )
        )
    names = {
        re.sub(r"[’']s$", "", m).casefold() for m in _NAME.findall(text) if len(m.split()) >= 2
    }
    quotes = {" ".join(_WORD.findall(q.casefold())[:8]) for q in _QUOTE.findall(text)}
    sentences = [set(content_words(s)) for s in _SENTENCE.split(text) if len(s.split()) >= 5]
    packed = shingle_bytes(shingles)
    return Fingerprint(
        exact=hashlib.sha256(" ".join(tokens).encode()).hexdigest(),
        shingles=packed,
        figures=frozenset(figures),
        names=frozenset(names),
        quotes=frozenset(quotes),
        sentence_words="".join(" ".join(sorted(words)) + "\n" for words in sentences),
        content=Counter(content_words(text)),
        minhash=minhash_values(packed, NUM_PERM).tobytes(),
    )


@lru_cache(maxsize=4)
def _empty_minhash(num_perm: int) -> MinHash:
    """A MinHash with no values yet: its permutations are made once, then copied."""
    return MinHash(num_perm=num_perm, seed=1, hashfunc=_as_hash)


def minhash_values(shingles: bytes, num_perm: int) -> np.ndarray:
    """The MinHash signature of packed shingles (datasketch's, seed 1). The shingles are
    already uniform 64-bit hashes (BLAKE2b): their low 32 bits serve as MinHash's input hash,
    sparing a SHA-1 per shingle."""
    mh = _empty_minhash(num_perm).copy()
    mh.update_batch((shingle_array(shingles) & 0xFFFFFFFF).tolist())
    return mh.hashvalues


def _signature(fp: Fingerprint, num_perm: int) -> np.ndarray:
    """The fingerprint's MinHash values: its cached signature when made with ``num_perm``
    permutations, else made now."""
    dtype = _empty_minhash(num_perm).hashvalues.dtype
    if len(fp.minhash) == num_perm * dtype.itemsize:
        return np.frombuffer(fp.minhash, dtype=dtype)
    return minhash_values(fp.shingles, num_perm)


def fingerprint_to_json(fp: Fingerprint) -> dict:
    """A fingerprint as plain JSON values, for the persistent cache (sets as sorted lists)."""
    return {
        "exact": fp.exact,
        # As Base64 of the eight-byte hashes: a list of 20-digit numbers was most of the time
        # it took JSON to read a cached fingerprint (0.35 s for 1,375 of them, now 0.11 s).
        "shingles": base64.b64encode(fp.shingles).decode("ascii"),
        "figures": sorted(fp.figures),
        "names": sorted(fp.names),
        "quotes": sorted(fp.quotes),
        "sentences": fp.sentence_words,
        "content": dict(sorted(fp.content.items())),
        "minhash": base64.b64encode(fp.minhash).decode("ascii"),
    }


def fingerprint_from_json(data: object) -> Fingerprint:
    """A cached fingerprint; a value not in the shape ``fingerprint_to_json`` writes raises."""
    if not isinstance(data, dict):
        raise TypeError("a fingerprint is a JSON object")
    content = data["content"]
    return Fingerprint(
        exact=str(data["exact"]),
        shingles=_sorted_unique(base64.b64decode(data["shingles"], validate=True)),
        figures=frozenset(data["figures"]),
        names=frozenset(data["names"]),
        quotes=frozenset(data["quotes"]),
        sentence_words=_text(data["sentences"]),
        # Interned: an archive's texts share most of their words, and each decoded word
        # would otherwise be a string of its own, thousands of times over.
        content=Counter(
            dict(zip(map(sys.intern, content), map(int, content.values()), strict=True))
        ),
        minhash=base64.b64decode(data["minhash"], validate=True),
    )


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError("expected a string")
    return value


def _sorted_unique(packed: bytes) -> bytes:
    """Cached shingles as ``Fingerprint.shingles`` keeps them: as they are when sorted and
    unique, as ``fingerprint_to_json`` writes them (checked in one pass: sorting them again
    took 0.4 s of a rebuild at 10,000 sources), else sorted and made unique."""
    hashes = np.frombuffer(packed, dtype=np.uint64)
    if bool(np.all(hashes[1:] > hashes[:-1])):
        return packed
    return np.unique(hashes).tobytes()


def shingle_bytes(shingles: Iterable[int]) -> bytes:
    """Shingle hashes as ``Fingerprint.shingles`` keeps them: sorted, unique, eight bytes each."""
    return np.unique(np.fromiter(shingles, dtype=np.uint64)).tobytes()


def shingle_array(shingles: bytes) -> np.ndarray:
    """``Fingerprint.shingles`` as the sorted array of hashes it holds."""
    return np.frombuffer(shingles, dtype=np.uint64)


def fingerprint_version() -> str:
    """Fingerprints depend on this module's code and on datasketch's (the MinHash signature's
    scheme): any change to either makes cached ones misses."""
    from importlib.metadata import version

    code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    return f"{code}/datasketch-{version('datasketch')}"


def containment(a: bytes, b: bytes) -> float:
    """Share of the smaller text's shingles found in the larger."""
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    if not small:
        return 0.0
    shared = np.intersect1d(shingle_array(small), shingle_array(large), assume_unique=True)
    return len(shared) / (len(small) // 8)


def sentence_alignment(a: Sequence[frozenset[str]], b: Sequence[frozenset[str]]) -> float:
    """Share of the shorter text's sentences whose content words mostly recur in one sentence
    of the other."""
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if not short or not long_:
        return 0.0
    index: dict[str, list[int]] = defaultdict(list)
    for j, sent in enumerate(long_):
        for word in sent:
            index[word].append(j)
    scored = [sent for sent in short if len(sent) >= 3]
    matched = 0
    for sent in scored:
        overlap: Counter[int] = Counter(j for word in sent for j in index.get(word, ()))
        # Every candidate is checked: taking the "top 3" would let ties, whose order
        # follows set iteration and so the hash seed, decide the answer.
        if any(n >= 3 and n / min(len(sent), len(long_[j])) >= 0.5 for j, n in overlap.items()):
            matched += 1
    return matched / len(scored) if scored else 0.0


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> bool:
        ri, rj = self.find(i), self.find(j)
        if ri == rj:
            return False
        self.parent[max(ri, rj)] = min(ri, rj)
        return True


@dataclass(frozen=True)
class PairReason:
    """Why two versions are one report: the tier that found them and its evidence."""

    kind: FoldKind
    evidence: str
    """As the story page's "other versions" block shows it."""


Pair = tuple[int, int]


def find_pairs(
    versions: Sequence[SourceVersion], config: DedupeConfig, cache: DigestCache | None = None
) -> dict[Pair, PairReason]:
    """Pairs of indexes into ``versions`` that are versions of one report, each with its
    reason; the cheaper, surer tier decides a pair first."""
    prints = [v.fingerprint for v in versions]
    reasons = exact_copies(prints)
    for pair, reason in near_copies(prints, config).items():
        reasons.setdefault(pair, reason)
    reasons.update(rewrites(versions, config, known=reasons.keys(), cache=cache))
    return reasons


def exact_copies(prints: Sequence[Fingerprint]) -> dict[Pair, PairReason]:
    """Texts identical after cleaning, each paired with the first of its kind."""
    by_exact: dict[str, list[int]] = defaultdict(list)
    for i, fp in enumerate(prints):
        by_exact[fp.exact].append(i)
    return {
        (group[0], j): PairReason(FoldKind.COPY, "exact copy after cleaning")
        for group in by_exact.values()
        for j in group[1:]
    }


def near_copies(prints: Sequence[Fingerprint], config: DedupeConfig) -> dict[Pair, PairReason]:
    """Texts whose 5-word shingles mostly recur in another: candidates from MinHash LSH,
    confirmed by the exact containment. Exact copies after the first are left to that tier."""
    reasons: dict[Pair, PairReason] = {}
    firsts: dict[str, int] = {}
    for i, fp in enumerate(prints):
        firsts.setdefault(fp.exact, i)
    kept = sorted(firsts.values())
    if not kept:
        return reasons
    signatures = np.stack([_signature(prints[i], config.num_perm) for i in kept])
    for a, b in lsh_candidates(signatures, config):
        j, i = kept[a], kept[b]
        c = containment(prints[i].shingles, prints[j].shingles)
        if c >= config.containment:
            evidence = f"near copy ({c:.0%} of the shorter text's 5-word shingles are in the other)"
            reasons[(j, i)] = PairReason(FoldKind.EDITED_COPY, evidence)
    return reasons


def lsh_candidates(signatures: np.ndarray, config: DedupeConfig) -> list[Pair]:
    """The pairs of rows (earlier, later) that datasketch's ``MinHashLSH`` would propose had
    each row queried the rows before it and then been inserted: those equal in every value
    of at least one band. Found a band at a time over the whole array, sorted by the later
    row: inserting and querying 10,000 signatures one by one took 3 s of each build."""
    bands = MinHashLSH(threshold=config.lsh_threshold, num_perm=config.num_perm).hashranges
    pairs: set[Pair] = set()
    for start, end in bands:
        band = np.ascontiguousarray(signatures[:, start:end])
        _, group, size = np.unique(band, axis=0, return_inverse=True, return_counts=True)
        group = group.ravel()
        shared = np.flatnonzero(size[group] > 1)  # rows whose band another row has too
        rows = shared[np.argsort(group[shared], kind="stable")]
        bounds = np.flatnonzero(np.diff(group[rows])) + 1
        for members in np.split(rows, bounds):
            pairs.update(combinations(members.tolist(), 2))
    return sorted(pairs, key=lambda pair: (pair[1], pair[0]))


def rewrites(
    versions: Sequence[SourceVersion],
    config: DedupeConfig,
    known: Iterable[Pair] = (),
    cache: DigestCache | None = None,
) -> dict[Pair, PairReason]:
    """Reworded versions of one report: texts sharing rare anchors (figures, names, quotes)
    whose sentences correspond, within the date window. Pairs in ``known`` are skipped.
    ``cache``: where the alignment of each pair of texts is kept, so that a rebuild aligns
    only pairs it has not seen (most of this tier's time, and the only reader of sentences)."""
    known = set(known)
    prints = [v.fingerprint for v in versions]
    # An anchor is evidence only while it is rare: in a large archive "50%" or "Myanmar"
    # tie nothing together. The cap also bounds the pairs, keeping this tier linear.
    df_limit = max(3, min(config.max_anchor_df, len(prints) // 50))
    postings, anchor_df = capped_postings(
        ((i, sorted(fp.anchors)) for i, fp in enumerate(prints)), df_limit
    )
    shared: Counter[Pair] = Counter()
    for docs in postings.values():
        for i, j in combinations(docs, 2):
            shared[(i, j)] += 1
    # Most pairs share one anchor (220,000 pairs at 10,000 sources, 4,300 sharing three):
    # dropped before sorting.
    enough = sorted((pair, n) for pair, n in shared.items() if n >= config.min_shared_anchors)
    candidates = [
        (pair, n)
        for pair, n in enough
        if pair not in known
        and not _too_far_apart(versions[pair[0]].date, versions[pair[1]].date, config.window_days)
    ]
    alignments = pair_alignments(prints, [pair for pair, _ in candidates], cache)
    reasons: dict[Pair, PairReason] = {}
    for ((i, j), n), alignment in zip(candidates, alignments, strict=True):
        if alignment < config.rewrite_alignment:
            continue
        a, b = prints[i], prints[j]
        figures = sorted(f for f in a.figures & b.figures if anchor_df[f"#{f}"] <= df_limit)
        quotes = a.quotes & b.quotes
        # Paraphrase keeps a report's figures, quotes and names. Any of these three
        # combinations, beside the sentence alignment, made no false pair between
        # different events of one topic on ECB+ (python -m benchmarks.evaluate dedupe).
        if (
            len(figures) >= config.min_shared_figures
            or (figures and quotes)
            or n >= config.min_shared_anchors + 1
        ):
            evidence = [f"{alignment:.0%} of sentences correspond"]
            if figures:
                evidence.append("shared figures " + ", ".join(figures[:5]))
            if quotes:
                evidence.append(f"{len(quotes)} shared {'quote' if len(quotes) == 1 else 'quotes'}")
            evidence.append(f"{n} rare names, figures or quotes in common")
            reasons[(i, j)] = PairReason(
                FoldKind.REWRITE, f"rewrite of the same report ({'; '.join(evidence)})"
            )
    return reasons


def pair_alignments(
    prints: Sequence[Fingerprint], pairs: Sequence[Pair], cache: DigestCache | None
) -> list[float]:
    """``sentence_alignment`` of each pair (in its order: the measure is not symmetric when
    both texts have as many sentences), from ``cache`` where it holds the pair's texts."""
    digests: dict[int, str] = {}

    def digest(i: int) -> str:
        if i not in digests:
            words = prints[i].sentence_words.encode()
            digests[i] = hashlib.blake2b(words, digest_size=16).hexdigest()
        return digests[i]

    def align(todo: list[Pair]) -> list[float]:
        return [sentence_alignment(prints[i].sentences, prints[j].sentences) for i, j in todo]

    if cache is None:
        return align(list(pairs))
    return cache.map(
        "alignment",
        fingerprint_version(),
        [(digest(i) + digest(j), (i, j)) for i, j in pairs],
        align,
        encode=float,
        decode=_fraction,
    )


def _fraction(value: object) -> float:
    if not isinstance(value, float) or not 0.0 <= value <= 1.0:
        raise ValueError("an alignment is a share between 0 and 1")
    return value


def _as_hash(value: int) -> int:
    return value


def _too_far_apart(a: DateTag, b: DateTag, window_days: int) -> bool:
    """Both versions dated to the day, further apart than the window: not the same report."""
    first = a.day if isinstance(a, Dated) else None
    second = b.day if isinstance(b, Dated) else None
    if first is None or second is None:
        return False
    return abs((first - second).days) > window_days


def main_version_key(version: SourceVersion) -> tuple:
    """The rule for the version a story shows: the fullest text, earliest date on ties, then
    path."""
    article, date = version.article, version.date
    day = date.value.isoformat() if isinstance(date, Dated) else "9999-99-99"
    return (-article.word_count, day, article.source.path)


def dedupe(
    versions: Sequence[SourceVersion],
    config: DedupeConfig | None = None,
    cache: DigestCache | None = None,
) -> list[Story]:
    """Group the versions into stories; each version lands in exactly one. ``cache``: where
    pair comparisons are kept between builds (``rewrites``)."""
    config = config or DedupeConfig()
    reasons = find_pairs(versions, config, cache)
    uf = _UnionFind(len(versions))
    for i, j in sorted(reasons):
        uf.union(i, j)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(versions)):
        groups[uf.find(i)].append(i)
    pairs_of: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for pair in reasons:
        pairs_of[pair[0]].append(pair)
        pairs_of[pair[1]].append(pair)
    carried = [carried_version(v) for v in versions]
    stories = []
    for members in groups.values():
        members.sort(key=lambda k: main_version_key(versions[k]))
        main = members[0]
        others = tuple(
            FoldedVersion(carried[k], *_reason_for(k, main, pairs_of[k], reasons, versions))
            for k in members[1:]
        )
        stories.append(Story(story_id(versions[main].article), carried[main], others))
    # Same title and same hash prefix: the story whose file hashes lowest keeps the id
    # (a crafted file cannot take it over without a full SHA-256 preimage), the others
    # take the whole hash.
    owner: dict[str, Story] = {}
    for s in sorted(stories, key=lambda s: s.main.source.sha256):
        owner.setdefault(s.id, s)
    stories = [
        s if owner[s.id] is s else Story(story_id(s.main, 64), s.main_version, s.others)
        for s in stories
    ]
    stories.sort(key=lambda s: s.id)
    return stories


def carried_version(version: SourceVersion) -> SourceVersion:
    """The version as the stories carry it on: its fingerprint without the shingles and the
    sentences, which only the comparisons above read. At 10,000 sources they were a third of
    a gigabyte held to the end of the build."""
    fp = version.fingerprint
    return dataclasses.replace(
        version, fingerprint=dataclasses.replace(fp, shingles=b"", sentence_words="", minhash=b"")
    )


def _reason_for(
    k: int,
    main: int,
    pairs: list[Pair],
    reasons: dict[Pair, PairReason],
    versions: Sequence[SourceVersion],
) -> tuple[str, FoldKind]:
    """The evidence that tied this version in, naming the version it matched (the main one if
    it can)."""
    if not pairs:
        return "joined through another version of this story", FoldKind.LINKED
    i, j = min(pairs, key=lambda pair: (main not in pair, pair))
    reason = reasons[(i, j)]
    matched = versions[j if i == k else i].article.source.path
    return f"{reason.evidence}; matched {matched}", reason.kind
