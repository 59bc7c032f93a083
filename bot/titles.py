"""Fuzzy title resolution: one clear match, ambiguous, or not found.

Every film is indexed under several normalised keys (full title, main title,
subtitle, aliases). A query is scored against candidate keys with rapidfuzz;
numbers must agree (`Toy Story 2` is not `Toy Story 3`), and a film that is not
in the corpus comes back not found or ambiguous, never as a confident wrong film.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import operator
import re
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cached_property
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.models import Film, Suggestion
from bot.text import clean, fold, normalise, normalise_words, shorten, split_year, title_parts, words

# A confident match needs a high score and some lead over the next film, or a fair score and a
# wide lead (a misspelt title far from every other). Tuned on MovieLens queries: docs/benchmarks.md.
MATCH, MATCH_LEAD = 92.0, 2.0
LIKELY, LIKELY_LEAD = 84.0, 16.0
TYPO, TYPO_LEAD = 75.0, 25.0  # a title misspelt (typos only, nothing missing or extra) far from every other
CLOSE = 6.0  # films within this many points of the best are shown together when unsure
SUGGEST = 55.0  # lowest score worth suggesting
BRUTE_FORCE_MAX = 5_000  # above this many keys, narrow candidates with the trigram index
POOL = 300  # keys sharing the most trigrams with a query, scored by rapidfuzz (trigram index only)
SHORTLIST = 16  # keys per rapidfuzz scorer handed to the full score (trigram index only)
FIND_SPANS = 2  # spans of a question resolved in full when looking for a title in it (trigram index only)
# "main" of a numbered sequel ("Madagascar" of "Madagascar: Escape 2 Africa") rather names the first film;
# a one-word subtitle that other titles also use ("Justice League: Doom") is a weak name for its film.
_KEY_WEIGHT = {"full": 1.0, "alias": 1.0, "main": 0.92, "sub": 0.94, "sequel_main": 0.86, "generic_sub": 0.86}
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


@dataclass(frozen=True, slots=True)
class Resolution:
    outcome: Outcome
    film: Film | None
    suggestions: tuple[Suggestion, ...]
    score: float = 0.0  # of the film matched (0.0 when there is no match)


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
    if n < 4:
        return 0.0
    return 100.0 - edits * (6 if n >= 12 else 8 if n >= 7 else 12)


def _score(
    query: str, key: _Key, year: int | None, film: Film, vocab: frozenset[str] | set[str], weight: float
) -> _Scored:
    """How well `key` matches `query`."""
    edits = _typo_edits(query, key.text)
    base = max(
        fuzz.ratio(query, key.text),
        OSA.normalized_similarity(query, key.text) * 100,  # a swapped pair of letters is one typo
        fuzz.token_sort_ratio(query, key.text) - 18,
        _typo_score(query, key.text, edits),
    )
    typos_only = True
    if len(query) >= 5 and key.text.startswith(query + " ") and base < PREFIX_FLOOR:
        base, typos_only = PREFIX_FLOOR, False  # the first words of a title: worth suggesting, no more
    score = base * weight
    q_nums, k_nums = _numbers(query), _numbers(key.text)
    if q_nums != k_nums:
        score -= NUMBER_MISS  # asking for "Part 2" when only the first film is here is a miss, and the reverse
        typos_only = False
    key_words = key.text.split()
    letters = key.text.replace(" ", "")
    for word in query.split():
        if word in key_words or len(word) < 2:
            continue
        near = any(OSA.normalized_similarity(word, k) >= 0.6 for k in key_words)
        if word in vocab:
            if len(word) <= 3 and any(OSA.distance(word, k) <= 1 for k in key_words):
                score -= SHORT_SLIP  # a slip on a short word ("he" for "the", "is" for "in")
            elif near:
                score -= REAL_WORD_MISS  # another real word where the title has this one ("Bride" for "Pride")
                typos_only = False
            elif edits > 2 or word not in letters:  # not a piece of a title word split by a moved space
                score -= EXTRA_WORD_MISS
                typos_only = False
        elif not near and word not in letters and not _typos_explain(edits, letters):
            score -= EXTRA_WORD_MISS  # a word the title does not have at all, not a misspelling of one of its words
            typos_only = False
    if year is not None and film.year is not None:
        gap = abs(year - film.year)
        score += 3 if gap == 0 else (-4 if gap == 1 else -30)
        typos_only = typos_only and gap == 0
    # A one-word title a typo or two away may be another word as much as a misspelling of this one:
    # "Bobb" for "Cobb", "Cobbler" for "Cooler", "Predators" for "Predator".
    plural = query in (key.text + "s", key.text + "es") or key.text in (query + "s", query + "es")
    short = len(letters) <= 4 or (edits > 1 and len(letters) <= 8)
    sure = not edits or " " in key.text or not (short or plural)
    if edits and len(query.split()) < len(key_words):
        # a title word the query lacks entirely: not a title with typos ("The Apple Dumpling Gang" is not
        # "... Rides Again"), nor a sure name for it when the rest is a typo or so away
        q_words, q_letters = query.split(), query.replace(" ", "")
        if any(
            (len(k) > 2 or (len(k) == 2 and k not in _LINKS))
            and k.isalpha()
            and k not in q_letters
            and all(OSA.normalized_similarity(k, w) < 0.6 for w in q_words)
            for k in key_words
        ):
            typos_only, sure = False, sure and edits > 3
    return _Scored(score, typos_only and weight >= _KEY_WEIGHT["sub"], edits, sure)


class TitleIndex:
    """Resolves what a person typed to a film of the corpus."""

    def __init__(self, films: Sequence[Film]) -> None:
        self.films = tuple(films)
        keys: dict[tuple[str, int], _Key] = {}
        for i, film in enumerate(self.films):
            for kind, raw in self._raw_keys(film):
                for text in {normalise(raw), normalise(raw, keep_article=True)}:
                    if kind == "sub" and (len(text) < 2 or text.isdigit()):
                        continue
                    if kind == "main" and (len(text) < 2 or (text.isdigit() and len(text) < 3)):
                        continue
                    if text and (text, i) not in keys:
                        keys[(text, i)] = _Key(text, i, kind)
        self._keys = list(keys.values())
        self._vocab = {w for k in self._keys for w in k.text.split()}
        self._texts = [k.text for k in self._keys]
        self._exact: dict[str, list[int]] = {}
        for k in self._keys:
            self._exact.setdefault(k.text, []).append(k.film)
        self._sorted = sorted((k.text, k.film) for k in self._keys)
        self._sorted_texts = [t for t, _ in self._sorted]
        self._grams: _Grams | None = _Grams(self._texts) if len(self._keys) > BRUTE_FORCE_MAX else None
        self._first: list[Suggestion] | None = None

    @staticmethod
    def _raw_keys(film: Film) -> Iterable[tuple[str, str]]:
        yield "full", film.title
        for alias in film.aliases:
            yield "alias", alias
        parts = title_parts(film.title)
        if not parts:
            return
        # "The Godfather: Part II" without its "Part II" names the first film, not this one.
        if not any(normalise(p).isdigit() for p in parts[1:]):
            yield "main", parts[0]
        for part in parts[1:]:
            yield "sub", part

    @cached_property
    def _key_weights(self) -> list[float]:
        """How strongly each key names its film (by position in self._keys)."""
        films_with: dict[str, set[int]] = {}
        sequel: set[int] = set()
        for k in self._keys:
            if k.kind == "full":
                for w in set(k.text.split()):
                    films_with.setdefault(w, set()).add(k.film)
            elif k.kind == "sub" and _numbers(k.text):
                sequel.add(k.film)
        out: list[float] = []
        for k in self._keys:
            kind = k.kind
            if kind == "main" and k.film in sequel:
                kind = "sequel_main"
            elif kind == "sub" and " " not in k.text and len(films_with.get(k.text, ())) > 1:
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
        best: dict[int, _Scored] = {}
        for variant, vyear in variants:
            query = normalise(variant)
            if not query:
                continue
            for n in self._candidates(query, max(limit * 2, 30)):
                key = self._keys[n]
                scored = _score(query, key, vyear, self.films[key.film], self._vocab, self._key_weights[n])
                if key.film not in best or scored.score > best[key.film].score:
                    best[key.film] = scored
        ranked = sorted(best.items(), key=lambda kv: (-kv[1].score, self.films[kv[0]].title))
        return [(replace(s, score=min(s.score, 100.0)), i) for i, s in ranked[:limit]]

    def resolve(self, text: str) -> Resolution:
        """One clear match, ambiguous (close candidates) or not found (with up to 3 suggestions)."""
        scored = self._ranked(text, 10)
        if not scored:
            return Resolution(Outcome.NOT_FOUND, None, ())
        best, film = scored[0][0], self.films[scored[0][1]]
        top = best.score
        lead = top - (scored[1][0].score if len(scored) > 1 else 0.0)
        others = min((s.edits for s, _ in scored[1:]), default=4)
        if best.sure and (
            (top >= MATCH and lead >= MATCH_LEAD)
            or (top >= LIKELY and lead >= LIKELY_LEAD)
            # misspelt, and far from every other title: by score, or by typos (two here, four or more elsewhere)
            or (best.typos_only and top >= TYPO and (lead >= TYPO_LEAD or (best.edits <= 2 and others > 3)))
        ):
            return Resolution(Outcome.MATCH, film, (), top)
        ranked = [(s.score, self.films[i]) for s, i in scored]
        close = [r for r in ranked if r[0] >= max(SUGGEST, top - CLOSE)]
        if top >= LIKELY - 4 and len(close) > 1:
            return Resolution(Outcome.AMBIGUOUS, None, _suggestions(close[:5]))
        return Resolution(Outcome.NOT_FOUND, None, _suggestions([r for r in ranked if r[0] >= SUGGEST][:3]))

    def suggest(self, prefix: str, limit: int = 25) -> list[Suggestion]:
        """Ranked titles for autocomplete: prefix matches first, then fuzzy ones."""
        limit = max(0, min(limit, 25))
        query = normalise(clean(prefix, 100))
        if not query:
            if self._first is None:  # computed once: sorting a million titles takes a while
                first = heapq.nsmallest(25, self.films, key=lambda f: fold(f.title))
                self._first = [Suggestion(f.title[:100], 0.0, f.id) for f in first]
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
        return [Suggestion(_label(self.films[i]), round(s, 1), self.films[i].id) for i, s in ranked if s >= 50]

    def _fuzzy_prefix(self, query: str, limit: int) -> list[tuple[float, int]]:
        out: list[tuple[float, int]] = []
        pool = self._grams.closest(query, POOL, prefix=True) if self._grams is not None else range(len(self._keys))
        texts = [self._texts[n][: len(query) + 2] for n in pool]
        pool = list(pool)
        for _, score, j in process.extract(query, texts, scorer=fuzz.ratio, limit=limit, score_cutoff=60):
            out.append((score * 0.9, self._keys[pool[j]].film))
        return out

    def find_in(self, question: str) -> tuple[Film | None, tuple[Suggestion, ...]]:
        """The film a free-text question names, if any, and close alternatives when unsure."""
        for quoted in re.findall(r"[\"“']([^\"”']{2,120})[\"”']", question):
            res = self.resolve(quoted)
            if res.film is not None:
                return res.film, ()
        tokens = words(question)
        if not tokens:
            return None, ()
        spans: list[str] = []
        best: tuple[float, int, Film] | None = None
        for i in range(len(tokens)):
            for j in range(min(len(tokens), i + 10), i, -1):
                part = tokens[i:j]
                glued = part[0] in _GLUE or part[-1] in _GLUE
                if not glued:
                    spans.append(" ".join(part))
                # An exact title may start or end with a question's words ("Now You See Me"), not be all of them.
                elif j - i < 2 or all(t in _GLUE for t in part):
                    continue
                owners = set(self._exact.get(normalise_words(part), ()))
                if len(owners) == 1:  # exact keys first, longest wins; a key two films share names neither
                    span = " ".join(part)
                    cand = (100.0, len(span), self.films[owners.pop()])
                    if len(span) >= 3 and (best is None or cand[:2] > best[:2]):
                        best = cand
        if best is not None:
            return best[2], ()
        worth = [span for span in spans if len(span) >= 6]
        if self._grams is not None:  # at scale: only the few spans spelt most like a title the question could name
            near = self._grams.near(" ".join(tokens))
            alike = [
                (hit[1], len(span), span)
                for span in worth
                if (hit := process.extractOne(span, near, scorer=fuzz.ratio, score_cutoff=55)) is not None
            ]
            worth = [span for _, _, span in sorted(alike, reverse=True)[:FIND_SPANS]]
        for span in worth:
            res = self.resolve(span)
            if res.outcome is Outcome.MATCH and res.film is not None:
                cand = (res.score, len(span), res.film)
                if best is None or cand[:2] > best[:2]:
                    best = cand
        return (best[2], ()) if best else (None, ())

    # --- persistence: `bot.index` saves this state as JSON and .npy files, which cannot run code -----------

    STATE_ARRAYS: ClassVar[dict[str, np.dtype[Any]]] = {
        "key_film": np.dtype(np.int32), "key_weight": np.dtype(np.float64), "sorted": np.dtype(np.int32),
        "gram_ptr": np.dtype(np.int64), "gram_post": np.dtype(np.int32), "gram_sizes": np.dtype(np.int16),
        "gram_rare": np.dtype(np.int16),
    }  # fmt: skip
    _KNOWN = frozenset({"films", "_keys", "_vocab", "_texts", "_exact", "_sorted", "_sorted_texts", "_grams", "_first",
                        "_key_weights", "_recent"})  # fmt: skip

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
        texts, kinds, vocab, exact = meta["texts"], meta["kinds"], meta["vocab"], meta["exact"]
        _expect(_all_str(texts) and _all_str(vocab), "key texts")
        n = len(texts)
        _expect(isinstance(kinds, list) and len(kinds) == n and set(kinds) <= set(_KEY_WEIGHT), "key kinds")
        film_of, weight, order = arrays["key_film"], arrays["key_weight"], arrays["sorted"]
        _expect(len(film_of) == n and _in_range(film_of, n_films), "key films")
        _expect(len(weight) == n and bool(np.isfinite(weight).all()), "key weights")
        _expect(len(order) == n and _in_range(order, n) and bool((np.bincount(order, minlength=n) == 1).all()), "order")
        _expect(isinstance(exact, dict) and set(map(type, exact.values())) <= {list}, "exact keys")
        listed = list(itertools.chain.from_iterable(exact.values()))
        _expect(set(map(type, listed)) <= {int} and (not listed or 0 <= min(listed) <= max(listed) < n_films), "exact")
        films_list = film_of.tolist()
        index = cls.__new__(cls)
        index.films = tuple(films)
        index._keys = [_Key(t, f, k) for t, f, k in zip(texts, films_list, kinds, strict=True)]
        index._vocab = set(vocab)
        index._texts = texts
        index._exact = exact
        index._sorted = [(texts[i], films_list[i]) for i in order.tolist()]
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
            grams = set(_trigrams(text))
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
        ok = np.unique(touched[(shared * 2 >= self.rare[touched]) & (shared >= 2)])
        return [self.texts[n] for n in ok[np.argsort(-counts[ok], kind="stable")][:200].tolist()]


def _label(film: Film) -> str:
    return shorten(f"{film.title} ({film.year})" if film.year else film.title, 100)


def _suggestions(ranked: Sequence[tuple[float, Film]]) -> tuple[Suggestion, ...]:
    return tuple(Suggestion(_label(f), round(s, 1), f.id) for s, f in ranked)


def _expect(ok: bool, what: str) -> None:
    if not ok:
        raise ValueError(f"the saved title index is damaged: {what}")


def _all_str(values: Any) -> bool:
    return isinstance(values, list) and set(map(type, values)) <= {str}


def _in_range(arr: npt.NDArray[Any], size: int) -> bool:
    return len(arr) == 0 or (int(arr.min()) >= 0 and int(arr.max()) < size)
