"""Words as people type them, matched to what they mean: one matcher for every search.

A `Matcher` is built once from `Term`s (an occupation name, a synonym, an English label, a
branch or a place) that each point at keys such as ``ssyk:5321``, ``branch:bygg`` or
``place:1980``. A query is folded (å→a, ä→a, ö→o, é→e, case), cut into words, and each word is
looked up, in falling order of trust:

- exactly, or in the same Snowball stem ("undersköterskor" = "undersköterska");
- as the start of a known word ("svets" → "svetsare") or the end of one ("elektriker" →
  "serviceelektriker");
- split into two known parts ("lastbilschaufför" → "lastbil" + "chaufför"; the second part, the
  head, counts fully, the first narrows);
- with a typing error: one edit in words of five letters or more, two from nine
  ("undersköterka", "elektrikr"), ranked below the exact forms.

Scores run from 0 to 1: the share of the query's words a term answers, weighted by how sure each
word is, and a little by how much of the term the query covers ("svetsare" is a better answer
to "svetsare" than "Svetsare och gasskärare" is). Pure Python, no database: the lexicon is
prepared once per process and a query costs a few dictionary and bisect look-ups.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import snowballstemmer
from rapidfuzz import process
from rapidfuzz.distance import OSA

_STEMMER = snowballstemmer.stemmer("swedish")
_WORD = re.compile(r"[0-9a-z]+")
# Letters NFKD does not take apart.
_UNDECOMPOSED = str.maketrans({"æ": "a", "ø": "o", "ß": "s", "đ": "d", "ł": "l"})
# Words that tell nothing about an occupation, in the languages searched.
STOPWORDS = frozenset(
    "och i att det som en pa ar av for med till den har de inte om ett vi men sa var fran "
    "eller du kan ni inom m fl mfl samt the of and in to for a an or with as at on "
    "jobb jobba jobbar jobbat arbete arbetar arbetat job work worked working".split()
)

EXACT = 1.0
SAME_STEM = 0.95
PREFIX = 0.85
SUFFIX = 0.8
INSIDE = 0.7  # a known word inside the typed one ("bygg" in "byggnads")
TYPO_ONE = 0.75
TYPO_TWO = 0.65
MODIFIER_SHARE = 0.5  # weight of a compound's first part beside its head


def fold(text: str) -> str:
    """Lower case without diacritics: "Undersköterska" and "underskoterska" fold alike."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_UNDECOMPOSED))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def fold_words(text: str) -> list[str]:
    """The folded words of `text` that can mean something, in order, without repeats."""
    return list(dict.fromkeys(w for w in _WORD.findall(fold(text)) if w not in STOPWORDS))


def stem_key(word: str) -> str:
    return str(_STEMMER.stemWord(word))


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance with adjacent swaps counted once (the optimal string alignment
    distance); `limit + 1` once it is past `limit` (enough to rank typo candidates).

    RapidFuzz's C implementation: the Python loop it replaces took 50 µs a pair, and "Did you
    mean …?" compares a word with every known one."""
    return int(OSA.distance(a, b, score_cutoff=limit))


def typo_budget(word: str) -> int:
    """Edits forgiven in a typed word: none below five letters, one from five, two from nine."""
    if len(word) >= 9:
        return 2
    return 1 if len(word) >= 5 else 0


def _deletions(word: str, depth: int) -> set[str]:
    found = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        found |= frontier
    return found


@dataclass(frozen=True)
class Term:
    """A name people use and the keys it means (``ssyk:5321``, ``branch:bygg``, …)."""

    label: str
    keys: frozenset[str]
    source: str = ""


@dataclass(frozen=True)
class WordHit:
    """How one typed word was understood."""

    word: str
    known: str  # the known word it was read as
    quality: float
    how: str  # exact, stem, prefix, suffix, inside, compound, typo


@dataclass
class QueryMatch:
    """What a query means: keys by score, and which typed words nobody knows."""

    query: str
    scores: dict[str, float] = field(default_factory=dict)
    hits: list[WordHit] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    # Per typed word, the keys it reached: a word must be answered by its own keys or by text.
    word_keys: dict[str, set[str]] = field(default_factory=dict)

    def ranked(self, prefix: str = "ssyk:") -> list[tuple[str, float]]:
        """Keys of one kind (without the prefix), best first, then by key."""
        found = [
            (key[len(prefix) :], s) for key, s in self.scores.items() if key.startswith(prefix)
        ]
        return sorted(found, key=lambda pair: (-pair[1], pair[0]))

    @property
    def corrected(self) -> bool:
        """True when a typing error was forgiven to understand the query."""
        return any(hit.how == "typo" for hit in self.hits)


class Matcher:
    """The prepared lexicon. Build once (it takes a fraction of a second), query often."""

    def __init__(self, terms: Iterable[Term]) -> None:
        self.terms: list[Term] = []
        self._term_words: list[tuple[str, ...]] = []
        self._by_word: dict[str, list[int]] = defaultdict(list)
        self._display: dict[str, str] = {}
        for term in terms:
            words = tuple(fold_words(term.label))
            if not words or not term.keys:
                continue
            index = len(self.terms)
            self.terms.append(term)
            self._term_words.append(words)
            for word in words:
                self._by_word[word].append(index)
            if len(words) == 1:
                self._display.setdefault(words[0], term.label.strip().casefold())
        self._known = list(self._display)  # what "Did you mean …?" may suggest
        vocabulary = sorted(self._by_word)
        self._vocabulary = vocabulary
        self._reversed = sorted(word[::-1] for word in vocabulary)
        self._by_stem: dict[str, list[str]] = defaultdict(list)
        for word in vocabulary:
            self._by_stem[stem_key(word)].append(word)
        # A known word's first part, where the rest is a known word too ("lastbils|förare"):
        # what a compound typed by a visitor may start with.
        self._parts = set(vocabulary)
        for word in vocabulary:
            for cut in range(2, len(word) - 3):
                if word[cut:] in self._by_word:
                    head = word[:cut]
                    self._parts.add(head[:-1] if head.endswith("s") and len(head) > 3 else head)
        self._deletes: dict[str, list[str]] = defaultdict(list)
        for word in vocabulary:
            for variant in _deletions(word, typo_budget(word)):
                self._deletes[variant].append(word)

    # Looking words up -------------------------------------------------------------------

    def _prefixed(self, word: str, limit: int = 60) -> list[str]:
        start = bisect_left(self._vocabulary, word)
        found = []
        for known in self._vocabulary[start : start + limit]:
            if not known.startswith(word):
                break
            if known != word:
                found.append(known)
        return found

    def _suffixed(self, word: str, limit: int = 60) -> list[str]:
        backwards = word[::-1]
        start = bisect_left(self._reversed, backwards)
        found = []
        for known in self._reversed[start : start + limit]:
            if not known.startswith(backwards):
                break
            if known != backwards:
                found.append(known[::-1])
        return found

    def _typos(self, word: str, budget: int) -> list[tuple[str, int]]:
        candidates: set[str] = set()
        for variant in _deletions(word, budget):
            candidates.update(self._deletes.get(variant, ()))
        found = []
        for known in candidates:
            distance = edit_distance(word, known, budget)
            if 0 < distance <= min(budget, typo_budget(known)):
                found.append((known, distance))
        return found

    def _split(self, word: str) -> tuple[str, str] | None:
        """The known first part and head of a compound, the longest head first."""
        for cut in range(2, len(word) - 3):
            first, head = word[:cut], word[cut:]
            if head not in self._by_word:
                continue
            if first in self._parts or (first.endswith("s") and first[:-1] in self._parts):
                return first.removesuffix("s") if first not in self._parts else first, head
        return None

    def word_hits(self, word: str) -> list[WordHit]:
        """Every reading of one folded word, best first."""
        hits: dict[str, WordHit] = {}

        def add(known: str, quality: float, how: str) -> None:
            if known not in hits or hits[known].quality < quality:
                hits[known] = WordHit(word=word, known=known, quality=quality, how=how)

        if word in self._by_word:
            add(word, EXACT, "exact")
        for known in self._by_stem.get(stem_key(word), ()):
            add(known, SAME_STEM, "stem")
        if len(word) >= 4:
            for known in self._prefixed(word):
                add(known, PREFIX, "prefix")
        if len(word) >= 5:
            for known in self._suffixed(word):
                add(known, SUFFIX, "suffix")
        if not hits and (budget := typo_budget(word)):
            for known, distance in self._typos(word, budget):
                add(known, TYPO_ONE if distance == 1 else TYPO_TWO, "typo")
        if not hits and len(word) >= 6:
            # A known word at the start of a longer typed one ("byggnads…" → "bygg").
            for cut in range(len(word) - 1, 3, -1):
                if word[:cut] in self._by_word:
                    add(word[:cut], INSIDE, "inside")
                    break
        return sorted(hits.values(), key=lambda hit: (-hit.quality, hit.known))

    # Queries ----------------------------------------------------------------------------

    def match(self, query: str) -> QueryMatch:
        """Keys that `query` means, scored 0–1, and the words nobody knows."""
        result = QueryMatch(query=query)
        words = fold_words(query)
        # Each entry: the typed word, its readings, and its weight in the query.
        readings: list[tuple[str, list[WordHit], float]] = []
        for word in words:
            hits = self.word_hits(word)
            # A near-exact reading beats taking the word apart: "fastighetskötare" is a
            # misspelt "fastighetsskötare", not a kind of "skötare".
            sure = any(hit.quality >= TYPO_ONE and hit.how != "prefix" for hit in hits)
            split = None if sure or len(word) < 7 else self._split(word)
            if split is not None:
                first, head = split
                head_hits = [WordHit(word, head, EXACT, "compound")]
                first_hits = self.word_hits(first) or [WordHit(word, first, PREFIX, "compound")]
                first_hits = [
                    WordHit(word, hit.known, hit.quality, "compound") for hit in first_hits[:20]
                ]
                readings.append((word, head_hits, 1.0))
                readings.append((word, first_hits, MODIFIER_SHARE))
                continue
            if not hits:
                result.unmatched.append(word)
                continue
            readings.append((word, hits, 1.0))
        if not readings:
            return result
        # Which words of each term the query met, over all readings: a term the query
        # covers whole ("svetsare") beats one it covers in part ("svetsare och gasskärare").
        term_met: dict[int, set[str]] = defaultdict(set)
        for _word, hits, _weight in readings:
            for hit in hits:
                for term_index in self._by_word.get(hit.known, ()):
                    term_met[term_index].add(hit.known)
        summed: dict[str, float] = defaultdict(float)
        for word, hits, weight in readings:
            best: dict[str, float] = {}
            for hit in hits:
                for term_index in self._by_word.get(hit.known, ()):
                    coverage = len(term_met[term_index]) / len(self._term_words[term_index])
                    quality = hit.quality * (0.7 + 0.3 * coverage)
                    for key in self.terms[term_index].keys:
                        if best.get(key, 0.0) < quality:
                            best[key] = quality
            for key, quality in best.items():
                summed[key] += quality * weight
                result.word_keys.setdefault(word, set()).add(key)
            result.hits.extend(hits[:1])
        # Each kind of key is scored against the words that reached that kind: in "svetsare
        # Linköping" the place does not halve the occupation's score.
        totals: dict[str, float] = defaultdict(float)
        for word, _hits, weight in readings:
            for kind in {key.split(":", 1)[0] for key in result.word_keys.get(word, ())}:
                totals[kind] += weight
        for key, value in summed.items():
            total = totals[key.split(":", 1)[0]] or 1.0
            result.scores[key] = round(min(1.0, value / total), 4)
        return result

    def suggestions(self, query: str, *, limit: int = 3) -> list[str]:
        """Known words close to the typed ones, for "Did you mean …?" when nothing matched:
        a looser reading (up to three edits) than matching allows."""
        found: list[tuple[int, str]] = []
        for word in fold_words(query):
            if len(word) < 3:
                continue
            budget = 3 if len(word) >= 7 else 2
            # Every known word at most `budget` edits away, compared in C.
            for known, distance, _index in process.extract(
                word, self._known, scorer=OSA.distance, score_cutoff=budget, limit=None
            ):
                found.append((int(distance), known))
        found.sort()
        return list(dict.fromkeys(self._display[known] for _d, known in found))[:limit]
