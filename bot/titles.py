"""Fuzzy title resolution: one sure match, a "did you mean", or not found.

Every film is indexed under normalised keys built from its title's structure (`bot.titleparse`):
full title, aliases and alternative titles, main title, subtitles, main title with its part
number, short names. A query is scored against candidate keys with rapidfuzz plus rules a person
would apply. A contradiction vetoes a match: another sequel number or year ("Shrek 2" is not
Shrek, "Halloween (2018)" is not the 1978 film), query words the title lacks ("Heat Wave" is not
Heat), another real word where the title has a look-alike ("Mommy" is not The Mummy). A vetoed
film may be suggested as a relative of the film asked for, never answered.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import operator
import re
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot import lexicon
from bot.models import Film, Suggestion
from bot.text import ARTICLES, JUDGEMENTS, SPELT, clean, fold, normalise, normalise_words, shorten, split_year, words
from bot.titleparse import LINKS, collapse_initials, common_word, parse, short_names

# A sure match needs a high score and some lead over the next film, or a fair score and a wide
# lead (a misspelt title far from every other). Tuned on MovieLens queries: docs/quality.md.
MATCH, MATCH_LEAD = 92.0, 2.0
LIKELY, LIKELY_LEAD = 84.0, 16.0
TYPO, TYPO_LEAD = 75.0, 25.0  # a title misspelt (typos only, nothing missing or extra) far from every other
CLOSE = 6.0  # films within this many points of the best are shown together when unsure
SUGGEST = 55.0  # lowest score worth suggesting
BRUTE_FORCE_MAX = 5_000  # above this many keys, narrow candidates with the trigram index
POOL = 300  # keys sharing the most trigrams with a query, scored by rapidfuzz (trigram index only)
SHORTLIST = 16  # keys per rapidfuzz scorer handed to the full score (trigram index only)
FIND_SPANS = 2  # spans of a question resolved in full when looking for a title in it (trigram index only)
LABEL_CHARS = 100  # a suggestion names its film in at most this many characters
REAL_WORD = 30_000  # a word this frequent (lexicon rank) is a word of its own, not a misspelling of a title's
# How strongly each kind of key names its film. "sequel_main": the bare main title or first words of a
# sequel, which name the first film ("Madagascar" of "Madagascar: Escape 2 Africa", "Charlie's Angels" of
# "...: Full Throttle"); "common_main": a main title that is one common word, as likely the title of another
# film ("American" of "American: The Bill Hicks Story"); neither makes a sure match. "generic_sub": a one-word
# subtitle that other titles also use ("Justice League: Doom").
_KEY_WEIGHT = {
    "full": 1.0, "alias": 1.0, "numbered": 0.94, "main": 0.92, "short": 0.92, "sub": 0.94,
    "sequel_main": 0.86, "common_main": 0.92, "generic_sub": 0.86,
}  # fmt: skip
_PARTIAL = frozenset({"sequel_main", "common_main"})
_MAIN_KINDS = frozenset({"main", "sequel_main", "common_main", "numbered", "short"})  # keys naming a series
PREFIX_FLOOR = 74.0  # the first words of a title: worth suggesting, never a match on their own
NUMBER_MISS = 20.0  # the query's numbers differ from the title's ("Toy Story" for "Toy Story 2")
REAL_WORD_MISS = 16.0  # a title word where the key has another ("Bride" for "Pride"): another film
SHORT_SLIP = 6.0  # one edit on a word of at most three letters that makes another word ("ad" for "and")
EXTRA_WORD_MISS = 14.0  # a query word the title lacks entirely
_YEAR_IN_QUERY = re.compile(r"(?:^|\s)\(?((?:18[89]|19\d|20[0-4])\d)\)?\s*$")
_DIGITS = re.compile(r"\d+")


class Outcome(StrEnum):
    MATCH = "match"
    AMBIGUOUS = "ambiguous"
    NOT_FOUND = "not_found"


class Veto(StrEnum):
    """Why a candidate cannot be the film asked for."""

    NONE = ""
    NUMBER = "number"  # another sequel number: "Shrek 2" for Shrek
    YEAR = "year"  # another year: "Halloween (2018)" for the 1978 film
    LONGER = "longer"  # words the title lacks: "Heat Wave" for Heat
    WORD = "word"  # another real word where the title has a look-alike: "Mommy" for The Mummy


_RELATED = frozenset({Veto.NUMBER, Veto.YEAR, Veto.LONGER})  # the film asked for is a relative of this one


@dataclass(frozen=True, slots=True)
class Resolution:
    """What a text names: a sure match (with its confidence), close candidates, or none.

    `related`: the suggestions are relatives of the film asked for (the first film of a sequel, another
    year's film of the same title, a shorter title), not spellings of it. `named`: the words of a
    question that name the film (`find_in`), else "".
    """

    outcome: Outcome
    film: Film | None
    suggestions: tuple[Suggestion, ...]
    score: float = 0.0  # of the film matched (0.0 when there is no match)
    confidence: float = 0.0  # how sure the match is, 0-1 (0.0 when there is no match)
    related: bool = False
    named: str = ""


def _match(film: Film, score: float, named: str = "") -> Resolution:
    return Resolution(Outcome.MATCH, film, (), score, round(max(0.0, min(score, 100.0)) / 100, 2), named=named)


_NOTHING = Resolution(Outcome.NOT_FOUND, None, ())


@dataclass(frozen=True, slots=True)
class _Key:
    text: str
    film: int
    kind: str


@dataclass(frozen=True, slots=True)
class _Scored:
    """How well a film's best key matches a query."""

    score: float
    typos_only: bool  # the query differs from the key by typos alone
    edits: int  # typos between query and key, ignoring spaces; 4 stands for more than 3
    sure: bool  # the key may name the film on its own (see `_score`)
    veto: Veto = Veto.NONE
    relative: bool = False  # one title is the other with words or a number more ("Shrek 2" / "Shrek")
    key: str = ""  # the key matched
    kind: str = ""  # ... and its kind


def _numbers(text: str) -> frozenset[str]:
    return frozenset(_DIGITS.findall(text))


def _typo_edits(query: str, key: str) -> int:
    """Edits between query and key ignoring spaces (a moved space costs nothing), capped at 3."""
    return OSA.distance(query.replace(" ", ""), key.replace(" ", ""), score_cutoff=3)


_LINKS = frozenset("of in on to at by or an is it de la le el du vs and".split())  # short words a typist drops


def _typos_explain(edits: int, letters: str) -> bool:
    """Whether `edits` typos explain a word the title lacks (a misspelling, not another word)."""
    return edits <= 1 or (edits == 2 and len(letters) >= 10)


def _typo_score(query: str, key: str, edits: int) -> float:
    """Typos cost about the same on a short title as on a long one."""
    n = max(len(query.replace(" ", "")), len(key.replace(" ", "")))
    if n < 4 or edits > 3:  # 4 stands for "more than 3": no typo score
        return 0.0
    return 100.0 - edits * (6 if n >= 12 else 8 if n >= 7 else 12)


def _real_word(word: str, vocab: frozenset[str] | set[str]) -> bool:
    """Whether `word` is a word of its own: in a title, or a frequent English word."""
    if word in vocab:
        return True
    rank = lexicon.rank(word)
    return rank is not None and rank <= REAL_WORD


def _rarer(word: str, key_words: Sequence[str]) -> bool:
    """Whether `word` is far rarer than the key word it looks like: a typo that happens to make a word ("tory"
    for "story", "bach" for "beach"), not another word of a title ("man" for "woman", "bride" for "pride")."""
    near = max(key_words, key=lambda k: OSA.normalized_similarity(word, k))
    mine, theirs = lexicon.rank(word), lexicon.rank(near)
    return theirs is not None and (mine is None or mine >= 4 * theirs)


def _spelt_numbers(query: str, missing: frozenset[str], vocab: frozenset[str] | set[str]) -> tuple[str, int]:
    """`query` with a misspelt number word read as the number a key has and the query lacks ("tell no oen" ->
    "tell no 1" for Tell No One), and how many such typos there were. A real word is never read so ("tow")."""
    if not missing:
        return query, 0
    out, typos = [], 0
    for word in query.split():
        if word.isalpha() and len(word) >= 3 and not _real_word(word, vocab):
            for digit in missing:
                if digit in SPELT and OSA.distance(word, SPELT[digit], score_cutoff=1) <= 1:
                    word, typos = digit, typos + 1
                    break
        out.append(word)
    return " ".join(out), typos


def _respaced(tokens: list[str], vocab: frozenset[str] | set[str]) -> list[str]:
    """The query's words with a moved space put back where that makes both sides words: "secret life o fpets" is
    "... of pets" (so Pets is read as a word the title lacks), "operation dumb odrop" is "... dumbo drop"."""
    out = list(tokens)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        if a.isdigit() or b.isdigit():
            continue
        # the word that is no word gives its edge letter to its neighbour and is a word of 4 letters or more
        # without it, and the neighbour becomes a title's word ("o fpets" -> "of pets"; not "of tne" -> "oft ne",
        # nor "fire dcon" -> "fired con": a slip inside a short word is just a slip)
        if not _real_word(b, vocab) and len(b) >= 5:
            left, right, grown = a + b[0], b[1:], 0
        elif not _real_word(a, vocab) and len(a) >= 5:
            left, right, grown = a[:-1], a[-1] + b, 1
        else:
            continue
        if (left, right)[grown] in vocab and _real_word((left, right)[1 - grown], vocab):
            out[i], out[i + 1] = left, right
    return out


def _inflected(word: str, key_words: Sequence[str]) -> bool:
    """Whether `word` is a key word with or without a plural or possessive "s" or a past "d" ("reflection",
    "bueller's", "create" for "created")."""
    return any(word in (k + "s", k + "es", k + "d") or k in (word + "s", word + "es", word + "d") for k in key_words)


def _alike(a: str, b: str) -> bool:
    return a == b or a in (b + "s", b + "es") or b in (a + "s", a + "es")


def _relative(query_words: Sequence[str], key_words: Sequence[str]) -> bool:
    """Whether one title is the other with words before or after it, or another number or year: the
    sequel, the remake or the longer title of a film, or the reverse ("Heat Wave" / "Heat", "Shrek 2" / "Shrek")."""
    q = [w for w in query_words if not w.isdigit() and w not in ARTICLES]
    k = [w for w in key_words if not w.isdigit() and w not in ARTICLES]
    short, long = sorted((q, k), key=len)
    if not short or all(w in LINKS for w in short):
        return False
    n = len(short)
    return all(_alike(a, b) for a, b in zip(long[:n], short, strict=True)) or all(
        _alike(a, b) for a, b in zip(long[-n:], short, strict=True)
    )


def _score(
    query: str,
    q_words: Sequence[str],
    key: _Key,
    year: int | None,
    film: Film,
    vocab: frozenset[str] | set[str],
    weight: float,
) -> _Scored:
    """How well `key` matches `query` (whose words are `q_words`, see `_respaced`), and what contradicts it."""
    k_nums = _numbers(key.text)
    query, spelt = _spelt_numbers(query, k_nums - _numbers(query), vocab)
    edits = min(_typo_edits(query, key.text) + spelt, 4)  # 4 stands for more than 3
    base = max(
        fuzz.ratio(query, key.text),
        OSA.normalized_similarity(query, key.text) * 100,  # a swapped pair of letters is one typo
        fuzz.token_sort_ratio(query, key.text) - 18,
        _typo_score(query, key.text, edits),
    )
    if spelt:  # a misspelt number word ("Tell No Oen") is a typo like any other, not an exact match
        base = min(base, _typo_score(query, key.text, edits))
        q_words = query.split()
    typos_only = True
    veto = Veto.NONE
    if len(query) >= 5 and key.text.startswith(query + " ") and base < PREFIX_FLOOR:
        base, typos_only = PREFIX_FLOOR, False  # the first words of a title: worth suggesting, no more
    score = base * weight
    if _numbers(query) != k_nums:
        score -= NUMBER_MISS  # asking for "Part 2" when only the first film is here is a miss, and the reverse
        typos_only, veto = False, Veto.NUMBER
    key_words = key.text.split()
    letters = key.text.replace(" ", "")
    # Words that name the film, shared by query and key: one real word far rarer than the title word it looks like,
    # where another of the title's words agrees, is a typo ("The Tory of the Weeping Camel", "Boyd Shots"); a word about
    # as common, or alone, is another film ("Bride and Prejudice", "Mommy", "Hot Shots").
    named = sum(1 for w in key_words if w not in LINKS and w not in ARTICLES and not w.isdigit())
    agreed = sum(1 for w in set(q_words) if w in key_words and w not in LINKS and w not in ARTICLES and not w.isdigit())
    slips = 0
    for word in q_words:
        if word in key_words or len(word) < 2 or word.isdigit() or _inflected(word, key_words):
            continue
        near = any(OSA.normalized_similarity(word, k) >= 0.6 for k in key_words)
        if _real_word(word, vocab):
            if len(word) <= 3 and any(OSA.distance(word, k) <= 1 for k in key_words):
                score -= SHORT_SLIP  # a slip on a short word ("he" for "the", "is" for "in")
            elif edits <= 2 and word in letters and not any(word in k for k in key_words):
                pass  # letters across two title words, split by a moved space ("Two Girl sand a Guy")
            elif near and agreed >= 1 and named >= 2 and edits <= 2 and not slips and _rarer(word, key_words):
                slips += 1  # a typo that makes a rare word, beside a title word that agrees ("Boyd Shots")
            elif near:
                score -= REAL_WORD_MISS  # another real word where the title has this one ("Bride" for "Pride")
                typos_only, veto = False, veto or Veto.WORD
            elif edits > 2 or word not in letters:  # not a piece of a title word split by a moved space
                score -= EXTRA_WORD_MISS
                typos_only = False
                if word not in LINKS and word not in ARTICLES:  # "Heat Wave" is not "Heat"
                    veto = veto or Veto.LONGER
        elif (
            not near
            and word not in letters
            and (
                not _typos_explain(edits, letters)
                or not _typo_edits(" ".join(w for w in q_words if w != word), key.text)
            )
        ):  # a word the title does not have at all, not a misspelling of one of its words ("O.J.: Made in America")
            score -= EXTRA_WORD_MISS
            typos_only, veto = False, veto or Veto.LONGER
    if year is not None and film.year is not None:
        gap = abs(year - film.year)
        score += 3 if gap == 0 else (-4 if gap == 1 else -30)
        typos_only = typos_only and gap == 0
        if gap > 1:
            veto = Veto.YEAR
    # A one-word title a typo or two away may be another word as much as a misspelling of this one:
    # "Bobb" for "Cobb", "Cobbler" for "Cooler", "Predators" for "Predator".
    plural = query in (key.text + "s", key.text + "es") or key.text in (query + "s", query + "es")
    short = len(letters) <= 4 or (edits > 1 and len(letters) <= 8)
    sure = not veto and key.kind not in _PARTIAL and (not edits or " " in key.text or not (short or plural))
    # a subtitle is often another film's whole title: typed with a slip, it is a "did you mean" ("Last Mna
    # Standing" may be Last Man Standing as much as Undisputed II: Last Man Standing)
    sure = sure and not (edits and key.kind == "sub")
    # a year one off may be the same film (festival and release years) or its remake; typos need letters to hide in
    sure = sure and (year is None or film.year is None or year == film.year) and edits * 4 <= len(letters)
    if edits and len(query.split()) < len(key_words):
        # a title word the query lacks entirely: not a title with typos ("The Apple Dumpling Gang" is not
        # "... Rides Again", "A Christmas Story" is not "... Live!"), nor a sure name for it
        q_words, q_letters = query.split(), query.replace(" ", "")
        if any(
            (
                len(k) > 2
                or (len(k) == 2 and (k not in _LINKS or n == len(key_words) - 1))
                or (len(k) == 1 and k not in "as")
            )
            and k.isalpha()
            and k not in q_letters
            and all(OSA.normalized_similarity(k, w) < 0.6 for w in q_words)
            for n, k in enumerate(key_words)
        ):  # "M. Butterfly"; a title's last word is never a slip ("Dumb and Dumber To")
            typos_only, sure = False, False
    relative = (veto in _RELATED or len(key_words) > len(query.split())) and _relative(query.split(), key_words)
    typos_only = typos_only and weight >= _KEY_WEIGHT["sub"]
    return _Scored(score, typos_only, edits, sure, veto, relative, key.text, key.kind)


def _film_keys(film: Film) -> Iterable[tuple[str, str]]:
    """(kind, raw text) of every key `film` is indexed under, from its title's structure."""
    yield "full", film.title
    for alias in film.aliases:
        yield "alias", alias
    s = parse(film.title)
    core = ": ".join((s.main, *s.subtitles))
    yield "full", core
    for alt in s.alternatives:
        yield "alias", alt
    if s.named_before_or:
        yield "alias", s.main  # "Birdman" of "Birdman or (The Unexpected Virtue of Ignorance)"
    names_first = _names_first_film(film)
    if s.subtitles:
        main_words = normalise(s.main).split()
        if s.number is not None and s.number not in main_words:
            yield "numbered", f"{s.main} {s.number}"  # "Kill Bill 2", "Star Wars 4"
            yield "sequel_main", s.main  # "The Godfather" of "The Godfather: Part II" names the first film
        elif s.number is not None:
            yield "main", s.main  # "Home Alone 2" of "Home Alone 2: Lost in New York"
            yield "sequel_main", s.base
        elif names_first(s.main):  # a sequel's "Charlie's Angels" names the first film, which may be absent
            yield "sequel_main", s.main
        else:  # "Borat", "Laputa" of "Laputa: Castle in the Sky"; one common word ("American", "Henry") is unsure
            yield ("common_main" if common_word(s.main) else "main"), s.main
        for part in s.subtitles:
            yield "sub", part
    elif s.number is not None and s.base:
        yield "sequel_main", s.base  # "Toy Story" of "Toy Story 2" names the first film, or the series
    for name in short_names(s.main):
        yield ("sequel_main" if names_first(name) else "short"), name  # "harry potter" of "... Chamber of Secrets"


def _follows(sequel: Film, film: Film) -> bool:
    """Whether the corpus says `sequel` follows `film` (its `sequel_of` is `film`'s title)."""
    return bool(sequel.sequel_of) and normalise(sequel.sequel_of or "") == normalise(film.title)


def _names_first_film(film: Film) -> Callable[[str], bool]:
    """Whether a part of `film`'s title (its main title, its first words) names the first film of its series
    rather than `film`: only a sequel's do, and when the corpus knows the first film's title (`sequel_of`),
    only those that start it ("Charlie's Angels" of *...: Full Throttle*, not "Book of Shadows" of *Book of
    Shadows: Blair Witch 2*, a sequel of *The Blair Witch Project*)."""
    if not (film.is_sequel or film.sequel_of):
        return lambda part: False
    if not film.sequel_of:
        return lambda part: True  # the review reads as a sequel's: which film it follows is not known
    first = normalise(film.sequel_of).split()
    return lambda part: (
        all(map(_alike, (words := normalise(part).split()), first[: len(words)])) and len(words) <= len(first)
    )


class TitleIndex:
    """Resolves what a person typed to a film of the corpus."""

    def __init__(self, films: Sequence[Film]) -> None:
        self.films = tuple(films)
        keys: dict[tuple[str, int], _Key] = {}
        for i, film in enumerate(self.films):
            for kind, raw in _film_keys(film):
                for text in {normalise(raw), normalise(raw, keep_article=True)}:
                    if kind == "sub" and (len(text) < 2 or text.isdigit()):
                        continue
                    if kind in ("main", "common_main", "sequel_main", "short") and (
                        len(text) < 2 or (text.isdigit() and len(text) < 3)
                    ):
                        continue
                    for variant in dict.fromkeys((text, collapse_initials(text))):  # "m a s h" is also "mash"
                        if variant and (variant, i) not in keys:
                            keys[(variant, i)] = _Key(variant, i, kind)
        self._keys = list(keys.values())
        self._vocab = {w for k in self._keys for w in k.text.split()}
        self._texts = [k.text for k in self._keys]
        self._exact: dict[str, list[int]] = {}
        for k in self._keys:
            self._exact.setdefault(k.text, []).append(k.film)
        self._partial: dict[str, list[int]] = {}  # key text -> films it names only in part (see _PARTIAL)
        for k in self._keys:
            if k.kind in _PARTIAL:
                self._partial.setdefault(k.text, []).append(k.film)
        order = sorted(range(len(self._keys)), key=lambda n: (self._keys[n].text, self._keys[n].film))
        self._sorted = [(self._keys[n].text, self._keys[n].film) for n in order]
        self._sorted_texts = [t for t, _ in self._sorted]
        self._sorted_keys: npt.NDArray[np.int32] = np.asarray(order, dtype=np.int32)  # positions in self._keys
        self._grams: _Grams | None = _Grams(self._texts) if len(self._keys) > BRUTE_FORCE_MAX else None
        self._first: list[Suggestion] | None = None
        self._key_weights = self._weights()

    def _weights(self) -> list[float]:
        """How strongly each key names its film (by position in self._keys)."""
        films_with: dict[str, set[int]] = {}
        for k in self._keys:
            if k.kind == "full":
                for w in set(k.text.split()):
                    films_with.setdefault(w, set()).add(k.film)
        out: list[float] = []
        for k in self._keys:
            kind = k.kind
            if kind == "sub" and " " not in k.text and len(films_with.get(k.text, ())) > 1:
                kind = "generic_sub"
            out.append(_KEY_WEIGHT[kind])
        return out

    def _candidates(self, query: str, limit: int) -> list[int]:
        """Indexes into self._keys worth scoring for `query`."""
        if self._grams is None:
            return self._best_of(query, self._texts, limit)
        cache: dict[tuple[str, int], list[int]] = self.__dict__.setdefault("_recent", {})
        found = cache.get((query, limit))
        if found is None:  # a question's spans are resolved, then ranked again: the same query twice
            pool = self._grams.closest(query, POOL)
            found = [pool[i] for i in self._best_of(query, [self._texts[n] for n in pool], min(limit, SHORTLIST))]
            if len(cache) >= 256:
                cache.clear()
            cache[(query, limit)] = found
        return found

    def _longer(self, query: str, limit: int = 8) -> list[int]:
        """Keys that are `query` and more words ("ant man and the wasp" for "ant man"): relatives to offer."""
        if len(query) < 3:
            return []
        lo = bisect.bisect_left(self._sorted_texts, query + " ")
        n = sum(1 for t in self._sorted_texts[lo : lo + limit] if t.startswith(query + " "))
        return [int(i) for i in self._sorted_keys[lo : lo + n]]

    @staticmethod
    def _best_of(query: str, texts: Sequence[str], limit: int) -> list[int]:
        """Positions of the texts closest to `query` by spelling or by word order."""
        found: dict[int, None] = {}
        for scorer in (fuzz.ratio, fuzz.token_sort_ratio):
            for _, _, i in process.extract(query, texts, scorer=scorer, limit=limit, score_cutoff=40):
                found[i] = None
        return list(found)

    def rank(self, text: str, limit: int = 25) -> list[tuple[float, Film]]:
        """Films ranked by how well their title matches `text`, best first."""
        return [(s.score, self.films[i]) for s, i in self._ranked(text, limit)]

    def _ranked(self, text: str, limit: int) -> list[tuple[_Scored, int]]:
        """The best films for `text` (by position), best first, with their scores capped at 100."""
        raw, year = split_year(clean(text, 200))
        if year is None and (m := _YEAR_IN_QUERY.search(raw)) and len(raw) > len(m.group(0)) + 1:
            variants = [(raw, None), (raw[: m.start()], int(m.group(1)))]
        else:
            variants = [(raw, year)]
        queries: list[tuple[str, int | None]] = []
        for variant, vyear in variants:
            query = normalise(variant)
            queries += [(q, vyear) for q in dict.fromkeys((query, collapse_initials(query))) if q]
        best: dict[int, _Scored] = {}
        for query, vyear in queries:
            q_words = _respaced(query.split(), self._vocab)
            for n in [*self._candidates(query, max(limit * 2, 30)), *self._longer(query)]:
                key = self._keys[n]
                scored = _score(query, q_words, key, vyear, self.films[key.film], self._vocab, self._key_weights[n])
                old = best.get(key.film)
                if old is None or (scored.score, not scored.veto) > (old.score, not old.veto):
                    best[key.film] = scored
        ranked = sorted(best.items(), key=lambda kv: (-kv[1].score, self.films[kv[0]].title))
        return [(replace(s, score=min(s.score, 100.0)), i) for i, s in ranked[:limit]]

    def resolve(self, text: str) -> Resolution:
        """One sure match, ambiguous (close candidates, or one likely but unsure) or not found (up to 3
        suggestions, relatives of the film asked for first)."""
        return self._decide(self._ranked(text, 10))

    def _decide(self, scored: list[tuple[_Scored, int]]) -> Resolution:
        """`resolve` on the films `_ranked` gave."""
        if not scored:
            return _NOTHING
        best, film = scored[0][0], self.films[scored[0][1]]
        top = best.score
        # A sequel matched by the name of its first film names that film: "Homeward Bound" of "Homeward Bound
        # II" is no rival of "Homeward Bound: The Incredible Journey" when the corpus says II follows it.
        rivals = [s for s, i in scored[1:] if s.kind != "sequel_main" or not _follows(self.films[i], film)]
        # a title typed exactly is not read as a typo of another ("Urban Legends" is not Urban Legend)
        exact = best.edits == 0 or not any(s.edits == 0 and not s.veto and s.kind not in _PARTIAL for s in rivals)
        lead = top - (rivals[0].score if rivals else 0.0)
        others = min((s.edits for s in rivals), default=4)
        # The name of a series ("Jurassic Park" of "Jurassic Park III") is a relative of the film asked for,
        # not a title to read past: another film whose subtitle or plural spelling it is does not match.
        series = any(
            s.kind in _PARTIAL
            and not s.veto
            and s.edits <= best.edits
            and (s.key != best.key or best.kind not in ("full", "alias"))
            for s in rivals
        )
        if (
            best.sure
            and exact
            and not series
            and (
                (top >= MATCH and lead >= MATCH_LEAD)
                or (top >= LIKELY and lead >= LIKELY_LEAD)
                # misspelt, and far from every other title: by score, or by typos (two here, four or more elsewhere)
                or (best.typos_only and top >= TYPO and (lead >= TYPO_LEAD or (best.edits <= 2 and others > 3)))
            )
        ):
            return _match(film, top)
        open_ = [(s.score, self.films[i]) for s, i in scored if not s.veto]
        # Relatives of the film asked for: those `_score` marks, and a sequel whose main title is exactly what
        # was typed ("Puppet Master" of Puppet Master II): the film asked for is the first of its series.
        relatives = [(s.score, self.films[i]) for s, i in scored if s.relative or _sequel_named(s)]
        if best.veto not in _RELATED:
            close = [r for r in open_ if r[0] >= max(SUGGEST, top - CLOSE)]
            listed = {f.id for _, f in close}
            kin = [r for r in relatives if r[1].id not in listed][:1]  # "the thin man": The Third Man, or its sequel
            if top >= LIKELY - 4 and len(close) > 1:
                return Resolution(Outcome.AMBIGUOUS, None, _suggestions(close[: 5 - len(kin)] + kin))
            if not best.veto and top >= LIKELY:  # likely, but not sure: "did you mean"
                return Resolution(Outcome.AMBIGUOUS, None, _suggestions((close[:4] or [(top, film)]) + kin))
        near = [
            (s.score, self.films[i]) for s, i in scored if not (s.relative or _sequel_named(s)) and s.score >= SUGGEST
        ]
        return Resolution(Outcome.NOT_FOUND, None, _suggestions((relatives + near)[:3]), related=bool(relatives))

    def lookup(self, text: str) -> Resolution:
        """What a title query names (`/review TEXT`): `resolve`, else a title inside question words only.

        "/review how is celestial symphony" names Celestial Symphony; "Shrek 2" contains "Shrek" but
        names its sequel, so Shrek is a suggestion, never the answer.
        """
        res = self.resolve(text)
        if res.outcome is Outcome.MATCH:
            return res
        # Part by part: "Sin City: A Dame to Kill For" and "Toy Story 3" name relatives of Sin City and Toy Story.
        s = parse(clean(text, 200))
        part = s.base if s.number is not None else s.main if s.subtitles else ""
        ranked = self._ranked(part, 10) if part else []  # ranked once: the film it names, and its series
        parent = self._decide(ranked) if part and normalise(part) != normalise(text) else _NOTHING
        tokens = words(clean(text, 200))
        first: list[_Span] = []  # "Shrek 2", "Heat Wave": a title with more words after it
        last: list[_Span] = []  # "Body Heat": ... or before it
        plain: list[_Span] = []  # those with words around them ("Tape Brother"), not a slip ("sherlock holmss")
        longer: list[_Span] = []
        for span in self._spans(tokens):
            outside = tokens[: span.start] + tokens[span.end :]
            # a question around it, not just "movie": "Killer Movie" is not The Killer
            framed = (
                all(_frame(t, _TITLE_FRAME) for t in outside)
                and all(_frame(t, _AFTER_TITLE) for t in tokens[span.end :])  # "speed racer tell" asks nothing
                and not all(t in _BARE or movie_word(t) for t in outside)
            )
            if span.sure and outside and framed:
                return _match(span.film, span.score, " ".join(tokens[span.start : span.end]))
            if not span.exact or any(
                o.start <= span.start and span.end <= o.end and o.end - o.start > span.end - span.start for o in longer
            ):
                continue  # "sherlock" inside "sherlock holmes" is no reading of its own
            longer.append(span)
            if outside and (span.start == 0 or span.end == len(tokens)):
                (first if span.start == 0 else last).append(span)
                if all(lexicon.rank(t) is not None or self.knows_word(t) for t in outside):
                    plain.append(span)
        # the series the query's main title names: "Star Trek: The Motion Picture" offers Star Trek and its other
        # films, "Shrlock: The Abominable Bride" those of Sherlock
        kin = self._series(ranked)
        if parent.film is None and kin and res.outcome is Outcome.AMBIGUOUS:  # a "did you mean" stays one
            return replace(
                res, suggestions=_distinct(res.suggestions, _suggestions(kin))[: max(3, len(res.suggestions))]
            )
        ahead = _suggestions([(parent.score, parent.film)]) if parent.film is not None else ()
        guesses: tuple[Suggestion, ...] = ()  # the main title misspelt: "Cranj: High Voltage" offers Crank
        if parent.outcome is Outcome.AMBIGUOUS or (parent.outcome is Outcome.NOT_FOUND and not res.suggestions):
            guesses = parent.suggestions[:3]  # ... or a word of its own: "Plans: Fire & Rescue" offers Planes
        if not (ahead or kin or guesses or first or last):
            return res
        # the films that explain most of the query first: its main title, the relatives or near spellings of the
        # whole query, the main title's series or spellings, then titles the query starts or ends with
        whole = (
            [sug for sug in res.suggestions if sug.score >= SUGGEST]
            if res.related or res.outcome is Outcome.AMBIGUOUS
            else []
        )
        starts, ends = _spanned(first), _spanned(last)
        if ahead or kin or guesses:  # the query's own main title explains it best
            found = _distinct(ahead, whole, _suggestions(kin), guesses, starts, res.suggestions, ends)
        else:
            # each reading gets a place before any gets a second: "Syrup Persuasion" offers Syrup, not only films
            # called Persuasion
            heads = [s for s in first if s in plain][:1] + [s for s in last if s in plain][:1]
            found = _distinct(whole[:1], res.suggestions[:1], _spanned(heads), whole, starts, res.suggestions, ends)
        return Resolution(Outcome.NOT_FOUND, None, found[:3], related=True)

    def _series(self, ranked: list[tuple[_Scored, int]]) -> list[tuple[float, Film]]:
        """Films of the series a name names when no film is it (`ranked`: `_ranked` of the name): those whose main
        title it is, or nearly is ("Sherlock - A Study in Pink" for "Shrlock"), and a film it nearly names that
        heads a series here (Alien, whose main title "Alien: Resurrection" also has; not Alice, as close to "Alicen"
        but alone)."""
        out = []
        for s, i in ranked:
            if not s.veto and s.score >= TYPO and (s.kind in _MAIN_KINDS or self._heads(i)):
                out.append((s.score, self.films[i]))
        return out

    def _heads(self, i: int) -> bool:
        """Whether another film's main title is film `i`'s whole title ("alien" of "Alien: Resurrection")."""
        text = normalise(self.films[i].title)
        lo = bisect.bisect_left(self._sorted_texts, text)
        for n in range(lo, min(lo + 50, len(self._sorted))):
            key, film = self._sorted[n]
            if key != text:
                break
            if film != i and self._keys[int(self._sorted_keys[n])].kind in _MAIN_KINDS:
                return True
        return False

    def suggest(self, prefix: str, limit: int = 25) -> list[Suggestion]:
        """Ranked titles for autocomplete: prefix matches first, then fuzzy ones."""
        limit = max(0, min(limit, 25))
        query = normalise(clean(prefix, 100))
        if not query:
            if self._first is None:  # computed once: sorting a million titles takes a while
                first = heapq.nsmallest(25, self.films, key=lambda f: fold(f.title))
                self._first = [Suggestion(f.title[:LABEL_CHARS], 0.0, f.id) for f in first]
            return self._first[:limit]
        seen: dict[int, float] = {}
        lo = bisect.bisect_left(self._sorted_texts, query)
        for text, i in self._sorted[lo : lo + 200]:
            if not text.startswith(query):
                break
            seen.setdefault(i, 100.0 - min(len(text) - len(query), 30) / 10)
        if len(seen) < limit:
            for score, film_idx in self._fuzzy_prefix(query, limit * 2):
                seen.setdefault(film_idx, score)
        ranked = sorted(seen.items(), key=lambda kv: (-kv[1], fold(self.films[kv[0]].title)))[:limit]
        return list(_suggestions([(s, self.films[i]) for i, s in ranked if s >= 50]))

    def _fuzzy_prefix(self, query: str, limit: int) -> list[tuple[float, int]]:
        out: list[tuple[float, int]] = []
        pool = self._grams.closest(query, POOL, prefix=True) if self._grams is not None else range(len(self._keys))
        texts = [self._texts[n][: len(query) + 2] for n in pool]
        pool = list(pool)
        for _, score, j in process.extract(query, texts, scorer=fuzz.ratio, limit=limit, score_cutoff=60):
            out.append((score * 0.9, self._keys[pool[j]].film))
        return out

    def _spans(self, tokens: list[str], spelt: bool = False) -> list[_Span]:
        """Titles named by runs of `tokens`, best first: exact keys (longest first), else (or with `spelt`) the
        spans spelt most like a title, resolved in full."""
        if not tokens:
            return []
        spans: list[tuple[int, int]] = []
        exact: list[_Span] = []
        for i in range(len(tokens)):
            for j in range(min(len(tokens), i + 10), i, -1):
                part = tokens[i:j]
                glued = part[0] in _GLUE or part[-1] in _GLUE
                if not glued or (j - i > 1 and part[0] in _TITLE_LINKS and part[-1] not in _GLUE):
                    spans.append((i, j))  # also "on the waterfwront": a title may start with a link word
                # An exact title may start or end with a question's words ("Now You See Me"), not be all of them.
                elif j - i < 2 or all(t in _GLUE for t in part):
                    continue
                text = normalise_words(part)
                owners = set(self._exact.get(text, ()))
                if 1 < len(owners) <= 5:  # a sequel named by its first film's title names that film
                    partial = self._partial.get(text, ())
                    owners = {
                        f
                        for f in owners
                        if f not in partial or not any(_follows(self.films[f], self.films[g]) for g in owners)
                    }
                if len(owners) == 1 and len(" ".join(part)) >= 3:
                    film = owners.pop()
                    sure = film not in self._partial.get(text, ())
                    exact.append(_Span(i, j, self.films[film], 100.0 if sure else 80.0, True, sure))
                elif 1 < len(owners) <= 5 and len(" ".join(part)) >= 3:  # a key films share names neither for sure
                    year = int(tokens[j]) if j < len(tokens) and tokens[j].isdigit() and len(tokens[j]) == 4 else None
                    dated = [f for f in owners if year is not None and self.films[f].year == year]
                    if len(dated) == 1:  # ... unless a year follows: "halloween 2007"
                        exact.append(_Span(i, j + 1, self.films[dated[0]], 100.0, True, True))
                    else:
                        # the films called that before those also known by it: Frankenstein, then Mary Shelley's
                        named = sorted(owners, key=lambda f: (normalise(self.films[f].title) != text, f))
                        exact += [_Span(i, j, self.films[f], 80.0, True, False) for f in named]
        # "who made guardans?": the film called Made is the question's verb, so it does not stop the fuzzy search
        exact = [s for s in exact if not _question_verb(tokens, s.start, s.end)]
        if exact and not spelt:
            return sorted(exact, key=lambda s: (-(s.end - s.start), -len(" ".join(tokens[s.start : s.end]))))
        worth = [(i, j) for i, j in spans if len(" ".join(tokens[i:j])) >= 6]
        if self._grams is not None:  # at scale: only the few spans spelt most like a title the question could name
            near = self._grams.near(" ".join(tokens))
            alike = []
            for i, j in worth:
                span = " ".join(tokens[i:j])
                if (hit := process.extractOne(span, near, scorer=fuzz.ratio, score_cutoff=55)) is not None:
                    alike.append((hit[1], len(span), i, j))
            worth = [(i, j) for _, _, i, j in sorted(alike, reverse=True)[:FIND_SPANS]]
        found: list[tuple[float, int, _Span]] = []
        for i, j in worth:
            res = self.resolve(" ".join(tokens[i:j]))
            if res.outcome is Outcome.MATCH and res.film is not None:
                found.append((res.score, j - i, _Span(i, j, res.film, res.score, False, True)))
        found.sort(key=lambda t: (-t[0], -t[1]))
        return [s for _, _, s in found]

    def _misspelt_around(self, tokens: list[str], span: _Span) -> _Span | None:
        """A longer title around an exact one, when the question has a word that is no word (a slip): "is knifee
        in the water scary?" names Knife in the Water, not Water; "is love is the devinl scary?" not Love."""
        outside = tokens[: span.start] + tokens[span.end :]
        # a misspelt "movie" is a slip too: "does epic ymovie hold up?" names Epic Movie, not Epic
        if not any((not _frame(t) or movie_word(t)) and not t.isdigit() and lexicon.rank(t) is None for t in outside):
            return None
        for s in self._spans(tokens, spelt=True):
            inside = s.start <= span.start and span.end <= s.end and (s.end - s.start) > (span.end - span.start)
            if inside and s.film.id != span.film.id and not _question_verb(tokens, s.start, s.end):
                return s
        return None

    def knows_word(self, word: str) -> bool:
        """Whether a folded word is one of the titles' words."""
        return word in self._vocab

    def find_in(self, question: str) -> Resolution:
        """The film a free-text question names, if any.

        A title found inside the question counts only when the words next to it do not contradict
        it: "how is the music in shrek 2?" does not name Shrek (a number follows), nor does "is heat wave
        any good?" name Heat (a word the title lacks follows). Such a title comes back as a related
        suggestion, with `named` set to the words that name the film asked for.
        """
        tokens = words(question)
        colons = _colons(question, len(tokens))
        for quoted in re.findall(r"[\"“']([^\"”']{2,120})[\"”']", question):
            res = self.resolve(quoted)
            if res.film is not None and not _quoted_inside(tokens, words(quoted), res.film):
                return replace(res, named=quoted)
        relatives: list[tuple[float, Film]] = []
        unsure: list[tuple[float, Film]] = []
        named = unsure_named = ""
        wide = (0, 0)
        vetoed: list[tuple[int, int, int, int]] = []
        for span in self._spans(tokens):
            if any(lo <= span.start and span.end <= hi and (i, j) != (span.start, span.end) for lo, hi, i, j in vetoed):
                continue  # "toy" inside "toy story 3" (a sequel of Toy Story), or inside "toy story" (a series)
            if _question_verb(tokens, span.start, span.end):
                continue  # "who made jaws?" does not ask about Made, nor "how long does jaws run?" about Run
            reach = _reach(tokens, span, colons)
            vetoed.append((*(reach or (span.start, span.end)), span.start, span.end))  # "toy" inside "toy story"
            if reach is None and span.sure:
                if span.exact and (longer := self._misspelt_around(tokens, span)) is not None:
                    if (outer := _reach(tokens, longer, colons)) is not None:  # "is now you smee me 2 scary?"
                        named = " ".join(tokens[outer[0] : outer[1]])
                        return Resolution(Outcome.NOT_FOUND, None, _suggestions([(longer.score, longer.film)]),
                                          related=True, named=named)  # fmt: skip
                    return _match(longer.film, longer.score, " ".join(tokens[longer.start : longer.end]))
                return _match(span.film, span.score, " ".join(tokens[span.start : span.end]))
            if reach is None:  # a key that names the film only in part ("Charlie's Angels" of its sequel)
                unsure.append((span.score, span.film))
                unsure_named = unsure_named or " ".join(tokens[span.start : span.end])
            else:
                relatives.append((span.score, span.film))
                if reach[1] - reach[0] > wide[1] - wide[0]:  # the widest run of title words names the film asked
                    wide = reach
                    named = " ".join(tokens[reach[0] : reach[1]])
        if relatives:
            # the longer title asked for may be here, typed with a slip: the longest title spelt around the words
            # that name it ("does big trouuble in little china hold up?" is neither Big nor Big Trouble) ...
            around = [s for s in self._spans(tokens, spelt=True) if s.start <= wide[0] and wide[1] <= s.end]
            best = max(around, key=lambda s: s.end - s.start, default=None)
            if best is not None and not _question_verb(tokens, best.start, best.end):
                if (outer := _reach(tokens, best, colons)) is None:
                    return _match(best.film, best.score, " ".join(tokens[best.start : best.end]))
                named = " ".join(tokens[min(outer[0], wide[0]) : max(outer[1], wide[1])])  # it is inside one too
            # ... or those words looked up as `/review` would, vetoes and all ("is tales oaf manhattan scary?")
            whole = self.resolve(named)
            if whole.outcome is Outcome.MATCH and whole.film is not None:
                return replace(whole, named=named)
            return Resolution(Outcome.NOT_FOUND, None, _suggestions(relatives[:3]), related=True, named=named)
        if unsure:
            return Resolution(Outcome.AMBIGUOUS, None, _suggestions(unsure[:3]), named=unsure_named)
        return _NOTHING

    # --- persistence: `bot.index` saves this state as JSON and .npy files, which cannot run code -----------

    STATE_ARRAYS: ClassVar[dict[str, np.dtype[Any]]] = {
        "key_film": np.dtype(np.int32), "key_weight": np.dtype(np.float64), "sorted": np.dtype(np.int32),
        "gram_ptr": np.dtype(np.int64), "gram_post": np.dtype(np.int32), "gram_sizes": np.dtype(np.int16),
        "gram_rare": np.dtype(np.int16),
    }  # fmt: skip
    _KNOWN = frozenset({"films", "_keys", "_vocab", "_texts", "_exact", "_partial", "_sorted", "_sorted_texts",
                        "_sorted_keys", "_grams", "_first", "_key_weights", "_recent"})  # fmt: skip

    def export_state(self) -> tuple[dict[str, Any], dict[str, npt.NDArray[Any]]]:
        """Everything the index computed, as JSON values and arrays (`STATE_ARRAYS`), for `from_state`.

        Raises TypeError if the index holds an attribute this does not know how to save: it would be lost.
        """
        unknown = set(vars(self)) - self._KNOWN
        if unknown:
            raise TypeError(f"TitleIndex.export_state does not save {sorted(unknown)}")
        position = {(k.text, k.film): n for n, k in enumerate(self._keys)}
        meta: dict[str, Any] = {
            "texts": [k.text for k in self._keys],
            "kinds": [k.kind for k in self._keys],
            "vocab": sorted(self._vocab),
            "exact": self._exact,
            "partial": self._partial,
            "grams": None if self._grams is None else self._grams.state["grams"],
        }
        arrays: dict[str, npt.NDArray[Any]] = {
            "key_film": np.array([k.film for k in self._keys], dtype=np.int32),
            "key_weight": np.array(self._key_weights, dtype=np.float64),  # computed now if it was not yet
            "sorted": np.array([position[pair] for pair in self._sorted], dtype=np.int32),
        }
        if self._grams is not None:
            g = self._grams.state
            arrays.update(gram_ptr=g["ptr"], gram_post=g["post"], gram_sizes=g["sizes"], gram_rare=g["rare"])
        return meta, arrays

    @classmethod
    def from_state(cls, films: Sequence[Film], meta: dict[str, Any], arrays: dict[str, npt.NDArray[Any]]) -> TitleIndex:
        """The index `export_state` gave for `films`, checked part by part: ValueError if any is off.

        Arrays must already have their `STATE_ARRAYS` dtype and one dimension.
        """
        n_films = len(films)
        texts, kinds, vocab, exact, partial = (
            meta["texts"],
            meta["kinds"],
            meta["vocab"],
            meta["exact"],
            meta["partial"],
        )
        _expect(_all_str(texts) and _all_str(vocab), "key texts")
        n = len(texts)
        _expect(isinstance(kinds, list) and len(kinds) == n and set(kinds) <= set(_KEY_WEIGHT), "key kinds")
        film_of, weight, order = arrays["key_film"], arrays["key_weight"], arrays["sorted"]
        _expect(len(film_of) == n and _in_range(film_of, n_films), "key films")
        _expect(len(weight) == n and bool(np.isfinite(weight).all()), "key weights")
        _expect(len(order) == n and _in_range(order, n) and bool((np.bincount(order, minlength=n) == 1).all()), "order")
        for name, table in (("exact", exact), ("partial", partial)):
            _expect(isinstance(table, dict) and set(map(type, table.values())) <= {list}, f"{name} keys")
            listed = list(itertools.chain.from_iterable(table.values()))
            _expect(set(map(type, listed)) <= {int} and (not listed or 0 <= min(listed) <= max(listed) < n_films), name)
        films_list = film_of.tolist()
        index = cls.__new__(cls)
        index.films = tuple(films)
        index._keys = [_Key(t, f, k) for t, f, k in zip(texts, films_list, kinds, strict=True)]
        index._vocab = set(vocab)
        index._texts = texts
        index._exact = exact
        index._partial = partial
        index._sorted = [(texts[i], films_list[i]) for i in order.tolist()]
        index._sorted_keys = np.asarray(order, dtype=np.int32)
        index._sorted_texts = [t for t, _ in index._sorted]
        _expect(all(map(operator.le, index._sorted, index._sorted[1:])), "sort order")
        index._grams = None
        if meta["grams"] is not None:
            grams, ptr, post = meta["grams"], arrays["gram_ptr"], arrays["gram_post"]
            sizes, rare = arrays["gram_sizes"], arrays["gram_rare"]
            _expect(_all_str(grams) and len(ptr) == len(grams) + 1 and len(sizes) == n and len(rare) == n, "grams")
            _expect(int(ptr[0]) == 0 and int(ptr[-1]) == len(post) and bool((np.diff(ptr) >= 0).all()), "gram lists")
            _expect(_in_range(post, n) and _in_range(sizes, 1 << 15) and _in_range(rare, 1 << 15), "gram postings")
            state = {"grams": grams, "ptr": ptr, "post": post, "sizes": sizes, "rare": rare}
            index._grams = _Grams(texts, state)
        index._first = None  # computed when first asked for, as after __init__
        index.__dict__["_key_weights"] = weight.tolist()
        return index


@dataclass(frozen=True, slots=True)
class _Span:
    """A run of a question's words that names a film."""

    start: int
    end: int
    film: Film
    score: float
    exact: bool  # the words are one of the film's keys
    sure: bool  # ... and a key that names it on its own


# Words that never start or end a title span inside a question.
_GLUE = frozenset(
    (
        "a an the and or but of in on at to for with about from by is are was were be been it its this that "
        "these those how what whats which who why when where does do did any good bad worth watching watch "
        "see i me my you your tell think review reviews film films movie movies verdict sequel original first "
        "music score soundtrack song songs visuals visual look looks cinematography effects acting actors "
        "cast performances performance characters story plot pacing pace ending script writing and then so "
        "like please vs versus than more less compared compare compares"
    ).split()
)
# Question words around a title that say nothing about which film it is ("how is", "any good", "the review of").
_FRAME = (
    _GLUE
    | frozenset(
        (
            "hows whos wheres isnt wasnt doesnt didnt should would could can will has have had am really actually "
            "overall honestly still ever also just too very much great better worse best worst okay ok fun funny "
            "scary enjoyable interesting summary summarise summarize opinion opinions thoughts rate rating rated "
            "thought liked loved hated enjoy enjoyed recommend recommended tonight today now again "
            "there some anything something know say reviewer critic critics they them their us we our "
            "he she his her him yay nay pls plz lol"
        ).split()
    )
    | JUDGEMENTS
) - {"sequel", "original", "first"}
# After a title, words that name another film of its series ("shrek sequel", "rocky part 4").
_SERIES = frozenset("sequel sequels prequel remake reboot part pt chapter episode vol volume returns too".split())
# After "too", the words of a question about the film ("too scary", "too long for kids").
_TOO_WHAT = frozenset(
    "much many long short scary violent gory bloody graphic dark slow boring sad intense mature adult young old "
    "weird silly cheesy frightening creepy disturbing upsetting explicit complicated confusing loud late".split()
)
_NUMERAL = frozenset(
    "ii iii iv vi vii viii ix xi xii two three four five six seven eight nine ten eleven twelve deux".split()
)


# Words around a title in a title query (`/review how is X`): question and review words, no opinions
# ("a better tomorrow" is not "Tomorrow").
_TITLE_FRAME = frozenset(
    "a an the of on in about for is was are it its this that how hows what whats tell me you i do does did "
    "think review reviews reviewer verdict film movie please summary summarise summarize".split()
)

# ... and those that may follow it: "heat review please", not "speed racer tell" (a longer title)
_AFTER_TITLE = frozenset("the a an film movie please review reviews verdict summary".split())

# Words around a title in `/review` that ask nothing: "Stuck on You" and "Stand by Me" are not Stuck and Stand.
_BARE = frozenset("a an the of on in at by to for and or it its i me you we us my your film movie".split())


# Words that join a title's words: a question's words after them may still be the title's ("the queen of ...").
_TITLE_LINKS = frozenset("of for to at on in from with and the a an by into".split())
# Before a title in a question, these tie what is asked about to the film: "the shark in jaws", "the score on heat".
_TOPIC_LINKS = frozenset("in on at for from with by into".split())
# A question's verb next to a title: after it when an auxiliary before the title asks the question ("does jaws
# live up to the original?"), or before it after the question's subject ("who made jaws?", "can i show jaws to
# my kids?"). Base forms that rarely start a title's subtitle ("Heat Wave", "The Mummy Returns" stay titles).
_AUXILIARIES = frozenset("does do did can could will would should may might must".split())
_SUBJECTS = frozenset("who i you we they kids children people anyone everyone".split())
_VERBS = frozenset(
    "make live hold run last work deserve scare frighten feel look sound compare stack measure end get have need "
    "win stand age deliver show stay keep earn pay drag matter seem made directed wrote shot scored produced".split()
)
# Question words that, before a title, may be part of it or name another film ("a better tomorrow", "the new shrek").
_MODIFIERS = frozenset("better best worse worst great good bad new old last".split())


def movie_word(word: str) -> bool:
    """Whether a folded word is "movie", "film" or "flick", or a typo of one ("movte")."""
    return len(word) >= 4 and any(OSA.distance(word, w, score_cutoff=1) <= 1 for w in ("movie", "film", "flick"))


def _frame(word: str, frame: frozenset[str] = _FRAME) -> bool:
    """Whether a word around a title is a question's own (including a typo of "movie" or "film")."""
    return word in frame or movie_word(word)


def _quoted_inside(tokens: list[str], quoted: list[str], film: Film) -> bool:
    """Whether a quoted title is part of a longer one ("waiting for 'superman'")."""
    n = len(quoted)
    for i in range(len(tokens) - n + 1):
        if tokens[i : i + n] == quoted:
            return _contradiction(tokens, i, i + n, film) is not None
    return False


_TAIL_START = frozenset("in of about for from on".split())


def _reach(tokens: list[str], span: _Span, colons: dict[int, int]) -> tuple[int, int] | None:
    """None when a title found in a question is the one asked, else the run of words naming the film that is."""
    return (
        _contradiction(tokens, span.start, span.end, span.film)
        or _longer_tail(tokens, span)
        or _subtitled(tokens, span, colons)
    )


def _longer_tail(tokens: list[str], span: _Span) -> tuple[int, int] | None:
    """The words a question ends on after "in", "of", "about"... when they name more than the title found in
    them: "how is the music in the town that dreaded sundown?" does not ask about The Town."""
    for p in range(span.start - 1, -1, -1):  # the nearest: "what about the costumes on the mummy?" ends on "the mummy"
        if tokens[p] in _TAIL_START and 1 <= len(tokens) - p - 1 <= 8:
            lo, hi = p + 1, len(tokens)
            outside = tokens[lo : span.start] + tokens[span.end : hi]
            return (lo, hi) if any(not _frame(t) for t in outside) else None
    return None


def _colons(question: str, n: int) -> dict[int, int]:
    """The positions of the words a colon (or a spaced dash) follows ("Ju-on: The Grudge" -> {1: ...}), each with
    how many words after it are written as a title's ("Daria: Is It College Yet?" -> {0: 4}; see `_titled`)."""
    parts = re.split(r"\s*:\s*|\s+[-–—]\s+", question)
    if len(parts) < 2:
        return {}
    ends: dict[int, int] = {}
    at = 0
    cased = not question.istitle() and not question.isupper()  # a question typed all in capitals says nothing
    for part, after in itertools.pairwise(parts):
        at += len(words(part))
        ends[at - 1] = _titled(after) if cased else 0
    at += len(words(parts[-1]))
    return {e: t for e, t in ends.items() if e >= 0} if at == n else {}


_ASKS = frozenset("is are was were does do did can could should would will how what which who whos why".split())
_SMALL = frozenset("a an the of to in on at for and or by with from".split())
_SUB_LEADS = frozenset("a an the i its it my we you".split())  # words a subtitle starts with, a question not


def _titled(text: str) -> int:
    """How many words `text` starts with that are written as a title is (capitals, small words between), when at
    least two are capitalised: "Is It College Yet?" -> 4; "Is it funny?" -> 0."""
    run = capitals = 0
    tokens = text.split()
    for i, tok in enumerate(tokens):
        if tok[:1].isupper() or tok[:1].isdigit():
            capitals += 1
        elif not (tok in _SMALL and i + 1 < len(tokens) and tokens[i + 1][:1].isupper()):
            break
        run += 1
    return run if capitals >= 2 else 0


def _subtitled(tokens: list[str], span: _Span, colons: dict[int, int]) -> tuple[int, int] | None:
    """The words of a longer title when a colon joins the title found to a title's words, not a question's: a
    main title before it ("Ju-on: The Grudge" is not The Grudge) or a subtitle after it ("Goon: Last of the
    Enforcers" is not Goon, "Daria: Is It College Yet?" is not Daria: Is It Fall Yet?, whose main title is
    Daria). "Heat: any good?" and "Jaws: too scary for kids?" still ask about the film."""
    start, end = span.start, span.end
    for colon, titled in colons.items():  # capitals after a colon: a subtitle, whatever its words ...
        if titled < 2 or colon + 1 >= len(tokens):
            continue
        # ... unless they ask ("Heat: Is It Good?"), and the film found has no other subtitle they could be
        asks = tokens[colon + 1] in _ASKS
        if end - 1 <= colon <= end + 1 and not (asks and not parse(span.film.title).subtitles):
            return (start, min(colon + 1 + titled, len(tokens)))  # "Daria: Is It College Yet?", "Doctor Who: A ..."
        if colon < start and end <= colon + 1 + titled and not _frame(tokens[colon]) and not asks:
            return (_title_start(tokens, colon), min(colon + 1 + titled, len(tokens)))  # "Ace Ventura: When ..."
    before = [i for i in range(start - 1, max(start - 4, -1), -1) if not _frame(tokens[i]) and tokens[i] not in _VERBS]
    if start - 1 in colons and before:  # "ju-on: the grudge" ("on" is a link, "ju" is not)
        return (_title_start(tokens, before[-1]), end)
    # further inside a subtitle: "homeward bound ii: lost in san francisco" is not San Francisco
    last = max((c for c in colons if c < start - 1), default=None)
    if last is not None and not _frame(tokens[last]) and start - last - 1 <= 4:
        between = tokens[last + 1 : start]
        if all(not _frame(t) or t in _TITLE_LINKS for t in between) and any(not _frame(t) for t in between):
            return (_title_start(tokens, last), _title_end(tokens, end))
    if end - 1 in colons and end < len(tokens) and not tokens[end].isdigit():
        # after the main title of a film that has a subtitle, an article or a pronoun starts another subtitle
        # ("family guy presents: it's a trap" is not ...: Blue Harvest); a question starts with its own words
        other = tokens[end] in _SUB_LEADS and bool(parse(span.film.title).subtitles)
        if not _frame(tokens[end]) or other:
            hi = end
            while hi < len(tokens) and _frame(tokens[hi]) and tokens[hi] not in _ASKS:
                hi += 1
            while hi < len(tokens) and not _frame(tokens[hi]) and tokens[hi] not in _VERBS:  # "... hold up?"
                hi += 1
            return (start, max(hi, end + 1))
    return None


def _adverb(word: str) -> bool:
    """Whether `word` is an adverb made of a common word ("properly", "roughly", "genuinely", "happily"), which after
    a title in a question is the question's; not "family", "early", "deadly", "lonely" (no common word of five
    letters or more left without the "ly")."""
    if not word.endswith("ly") or len(word) < 6 or lexicon.rank(word) is None:
        return False
    stems = (word[:-2], word[:-3] + "y") if word.endswith("ily") else (word[:-2],)
    return any(len(s) >= 5 and (rank := lexicon.rank(s)) is not None and rank <= REAL_WORD for s in stems)


def _title_start(tokens: list[str], lo: int) -> int:
    """Where the title words that end at `lo` start: back over every word that is not the question's."""
    while lo > 0 and not _frame(tokens[lo - 1]):
        lo -= 1
    return lo


def _title_end(tokens: list[str], hi: int) -> int:
    """Where a subtitle's words from `hi` on end: across link words between its words ("lost in san francisco")."""
    while hi < len(tokens) and (
        not _frame(tokens[hi]) or (tokens[hi] in _TITLE_LINKS and hi + 1 < len(tokens) and not _frame(tokens[hi + 1]))
    ):
        hi += 1
    return hi


def _question_verb(tokens: list[str], start: int, end: int) -> bool:
    """Whether the one word at `start` is the question's verb (see `_VERBS`), not a title: after the subject
    ("who made ..."), or after the title an auxiliary asks about ("does jaws run long?")."""
    if end - start != 1 or tokens[start] not in _VERBS or start == 0:
        return False
    before = tokens[start - 1]
    return before in _SUBJECTS or (
        before not in _TITLE_LINKS and before not in _AUXILIARIES and any(t in _AUXILIARIES for t in tokens[:start])
    )


def _contradiction(tokens: list[str], start: int, end: int, film: Film) -> tuple[int, int] | None:
    """None when the words next to a title found in a question agree with it, else the run of words that
    names the film actually asked for: a number or "sequel" after it ("shrek 2"), or words it lacks, also
    across link words ("heat wave", "the queen of versailles", "the salt of the earth")."""
    lo, hi = start, end
    if end < len(tokens):
        after = tokens[end]
        if after.isdigit() and len(after) == 4 and film.year is not None and abs(int(after) - film.year) <= 1:
            pass  # "halloween 2018" for the 2018 film
        elif after == "too" and end + 1 < len(tokens) and tokens[end + 1] in _TOO_WHAT:
            pass  # "is jaws too scary?" asks how scary Jaws is; "look who's talking too" is a sequel
        elif _adverb(after):
            pass  # "is jaws properly frightening?", "how long is heat roughly?": the question's adverb
        elif after.isdigit() or after in _NUMERAL or after in _SERIES:
            hi = end + 1
        elif after in _VERBS and any(t in _AUXILIARIES for t in tokens[:start]):
            pass  # the question's own verb: "does jaws live up to the original?", "how long does alien run?"
        elif _compares_after(tokens, end):
            pass  # "is jaws a step down from the original?", "is jaws as strong as the first one?"
        else:
            n = end
            while n < len(tokens) and tokens[n] in _TITLE_LINKS:
                n += 1
            if (n < len(tokens) and not _frame(tokens[n])) or (n == len(tokens) and n > end):
                hi = min(n + 1, len(tokens))  # "the queen of versailles"; "dumb and dumber to"
    if hi > end:
        while hi < len(tokens) and not _frame(tokens[hi]):
            hi += 1
    if start >= 1 and tokens[start - 1] in _VERBS and (start == 1 or tokens[start - 2] in _SUBJECTS):
        return None if hi == end else (lo, hi)  # "who made jaws?", "can i show jaws to my kids?"
    n = start - 1
    while n >= 0 and tokens[n] in _TITLE_LINKS:
        if tokens[n] in _TOPIC_LINKS:  # "how is the catering in heat?": a topic of the film, not a longer title
            return None if hi == end else (lo, hi)
        n -= 1
    if n >= 0 and (not _frame(tokens[n]) or tokens[n] in _MODIFIERS):  # "a better tomorrow", "the new shrek"
        lo = _title_start(tokens, n)
        lo -= 1 if lo > 0 and tokens[lo - 1] in ARTICLES else 0  # "the return of the mummy"
    return None if (lo, hi) == (start, end) else (lo, hi)


# Words that name the film a sequel is compared with.
_COMPARED_WITH = frozenset("original originals first sequel sequels prequel predecessor instalment installment".split())


def _compares_after(tokens: list[str], end: int) -> bool:
    """Whether the words after a title found in a question compare it, and are no more of a title: "as strong as
    ...", "weaker than ...", or an article that starts a phrase about the original ("a step down from the
    original", "a worthy sequel"). "heat wave" and "to kill a mockingbird" are still longer titles."""
    rest = tokens[end:]
    if len(rest) >= 3 and rest[0] == "as" and "as" in rest[2:4]:
        return True
    if len(rest) >= 2 and rest[0].endswith("er") and rest[1] == "than" and lexicon.rank(rest[0]) is not None:
        return True
    return bool(rest) and rest[0] in ("a", "an") and not _COMPARED_WITH.isdisjoint(rest[1:])


def _trigrams(text: str) -> list[str]:
    padded = f"  {text} "
    return [padded[i : i + 3] for i in range(len(padded) - 2)]


class _Grams:
    """A trigram index over title keys in numpy arrays: which keys share the most trigrams with a query.

    Grams are read rarest first, up to GRAM_BUDGET postings, so a query made only of common grams
    ("the", "man") costs the same as any other; a key needs to share rare grams to be found, which a
    title spelt with a typo or two still does.
    """

    GRAM_BUDGET = 20_000
    RARE = 5_000  # grams in at most this many keys count for `near`

    def __init__(self, texts: Sequence[str], state: dict[str, Any] | None = None) -> None:
        if state is None:
            state = _Grams.build(texts)
        self.state = state
        self.texts = texts
        self.ids: dict[str, int] = {g: i for i, g in enumerate(state["grams"])}
        self.ptr: npt.NDArray[np.int64] = state["ptr"]
        self.post: npt.NDArray[np.int32] = state["post"]
        self.sizes: npt.NDArray[np.int16] = state["sizes"]  # distinct grams per key
        self.rare: npt.NDArray[np.int16] = state["rare"]  # distinct rare grams per key
        self.df = np.diff(self.ptr)

    @staticmethod
    def build(texts: Sequence[str]) -> dict[str, Any]:
        ids: dict[str, int] = {}
        pairs = array("q")
        sizes = array("h")
        for n, text in enumerate(texts):
            grams = dict.fromkeys(_trigrams(text))  # not a set: gram ids, and so ties, the same in every process
            sizes.append(min(len(grams), 32767))
            for g in grams:
                i = ids.get(g)
                if i is None:
                    i = ids[g] = len(ids)
                pairs.append(i << 32 | n)
        ordered = np.frombuffer(pairs, dtype=np.int64).copy() if len(pairs) else np.zeros(0, dtype=np.int64)
        ordered.sort()
        gram_of = (ordered >> 32).astype(np.int32)
        post = (ordered & 0xFFFFFFFF).astype(np.int32)
        ptr = np.zeros(len(ids) + 1, dtype=np.int64)
        np.cumsum(np.bincount(gram_of, minlength=len(ids)), out=ptr[1:])
        rare_gram = np.diff(ptr)[gram_of] <= _Grams.RARE
        rare = np.bincount(post[rare_gram], minlength=len(texts)).astype(np.int16)
        return {"grams": list(ids), "ptr": ptr, "post": post, "sizes": np.frombuffer(sizes, dtype=np.int16).copy(),
                "rare": rare}  # fmt: skip

    def _counts(self, grams: Iterable[str], budget: int) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int32]]:
        """(keys touched, with repeats; how many of `grams` each key has), reading rarest grams first."""
        rows = sorted((int(self.df[i]), i) for g in set(grams) if (i := self.ids.get(g)) is not None)
        parts: list[npt.NDArray[np.int32]] = []
        total = 0
        for df, i in rows:
            if parts and total + df > budget:
                break
            parts.append(self.post[self.ptr[i] : self.ptr[i + 1]])
            total += df
        if not parts:
            return np.zeros(0, dtype=np.int64), np.zeros(len(self.texts), dtype=np.int32)
        counts = np.zeros(len(self.texts), dtype=np.int32)
        for ids in parts:
            counts[ids] += 1
        return np.concatenate(parts).astype(np.int64), counts

    def closest(self, query: str, size: int, prefix: bool = False) -> list[int]:
        """About `size` keys sharing the most trigrams with `query` (as a prefix: ignoring the key's length)."""
        touched, counts = self._counts(_trigrams(query)[:-1] if prefix else _trigrams(query), self.GRAM_BUDGET)
        if not len(touched):
            return []
        shared = counts[touched].astype(np.float64)
        weight = shared if prefix else shared / (len(query) + 2 + self.sizes[touched])
        if len(touched) > size * 4:
            keep = np.argpartition(-weight, size * 4)[: size * 4]
            touched, weight = touched[keep], weight[keep]
        order = np.argsort(-weight, kind="stable")
        return list(dict.fromkeys(touched[order].tolist()))[:size]

    def near(self, text: str) -> list[str]:
        """Keys most of whose rare trigrams occur in `text`: the titles a question could be naming."""
        rows = [i for g in set(_trigrams(text)) if (i := self.ids.get(g)) is not None and self.df[i] <= self.RARE]
        if not rows:
            return []
        touched, counts = self._counts((self.state["grams"][i] for i in rows), 1 << 62)
        shared = counts[touched]
        ok = np.unique(touched[(shared * 3 >= self.rare[touched]) & (shared >= 2)])  # a third: "foxfrie" is near
        return [self.texts[n] for n in ok[np.argsort(-counts[ok], kind="stable")][:200].tolist()]


def _sequel_named(s: _Scored) -> bool:
    """A sequel matched by its own main title as typed, or with a typo or two ("redator" of Predator 2), with
    nothing against it."""
    return s.kind == "sequel_main" and not s.veto and (s.edits == 0 or (s.edits <= 2 and s.score >= TYPO))


def _suggestions(ranked: Sequence[tuple[float, Film]]) -> tuple[Suggestion, ...]:
    return tuple(Suggestion(shorten(f.label, LABEL_CHARS), round(s, 1), f.id) for s, f in ranked)


def _spanned(spans: Sequence[_Span]) -> tuple[Suggestion, ...]:
    return _suggestions([(s.score, s.film) for s in spans])


def _distinct(*groups: Iterable[Suggestion]) -> tuple[Suggestion, ...]:
    """The suggestions in order, each film once."""
    out: dict[str, Suggestion] = {}
    for sug in itertools.chain(*groups):
        out.setdefault(sug.film_id, sug)
    return tuple(out.values())


def _expect(ok: bool, what: str) -> None:
    if not ok:
        raise ValueError(f"the saved title index is damaged: {what}")


def _all_str(values: Any) -> bool:
    return isinstance(values, list) and set(map(type, values)) <= {str}


def _in_range(arr: npt.NDArray[Any], size: int) -> bool:
    return len(arr) == 0 or (int(arr.min()) >= 0 and int(arr.max()) < size)
