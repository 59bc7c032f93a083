"""Fuzzy title resolution: one clear match, ambiguous, or not found.

Every film is indexed under several normalised keys (full title, main title,
subtitle, aliases). A query is scored against candidate keys with rapidfuzz;
numbers must agree (`Toy Story 2` is not `Toy Story 3`), and a film that is not
in the corpus comes back not found or ambiguous, never as a confident wrong film.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.models import Film, Suggestion
from bot.text import clean, fold, normalise, split_year, title_parts, words

# A confident match needs a high score and some lead over the next film, or a fair score and a
# wide lead (a misspelt title far from every other). Tuned on MovieLens queries: docs/benchmarks.md.
MATCH, MATCH_LEAD = 92.0, 2.0
LIKELY, LIKELY_LEAD = 84.0, 16.0
CLOSE = 6.0  # films within this many points of the best are shown together when unsure
SUGGEST = 55.0  # lowest score worth suggesting
BRUTE_FORCE_MAX = 50_000  # above this many keys, narrow candidates with the trigram index
_KEY_WEIGHT = {"full": 1.0, "alias": 1.0, "main": 0.96, "sub": 0.94}
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


@dataclass(frozen=True, slots=True)
class _Key:
    text: str
    film: int
    kind: str


def _numbers(text: str) -> frozenset[str]:
    return frozenset(_DIGITS.findall(text))


def _typo_score(query: str, key: str) -> float:
    """Typos cost about the same on a short title as on a long one; a moved space costs nothing."""
    q, k = query.replace(" ", ""), key.replace(" ", "")
    n = max(len(q), len(k))
    if n < 4:
        return 0.0
    edits = OSA.distance(q, k, score_cutoff=3)
    return 100.0 - edits * (6 if n >= 12 else 8 if n >= 7 else 12)


def _score(query: str, key: _Key, year: int | None, film: Film, vocab: frozenset[str] | set[str]) -> float:
    base = max(
        fuzz.ratio(query, key.text),
        OSA.normalized_similarity(query, key.text) * 100,  # a swapped pair of letters is one typo
        fuzz.token_sort_ratio(query, key.text) - 18,
        _typo_score(query, key.text),
    )
    if len(query) >= 5 and key.text.startswith(query + " "):  # the first words of a title: worth suggesting
        base = max(base, 82.0)
    score = base * _KEY_WEIGHT[key.kind]
    q_nums, k_nums = _numbers(query), _numbers(key.text)
    if q_nums != k_nums:
        score -= 20 if q_nums else 12  # asking for "Part 2" when only the first film is here is a miss
    key_words = key.text.split()
    for word in query.split():
        if word in key_words or len(word) < 2:
            continue
        if word in vocab:  # a real word where the title has another ("Bride" for "Pride"): another film
            score -= 16
        elif not any(OSA.normalized_similarity(word, k) >= 0.6 for k in key_words):
            score -= 10  # a word the title does not have at all, not a misspelling of one of its words
    if year is not None and film.year is not None:
        gap = abs(year - film.year)
        score += 3 if gap == 0 else (-4 if gap == 1 else -30)
    return score


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
        self._grams: dict[str, list[int]] | None = None
        if len(self._keys) > BRUTE_FORCE_MAX:
            self._grams = {}
            for n, text in enumerate(self._texts):
                for g in set(_trigrams(text)):
                    self._grams.setdefault(g, []).append(n)

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

    def _candidates(self, query: str, limit: int) -> list[int]:
        """Indexes into self._keys worth scoring for `query`."""
        if self._grams is None:
            return self._best_of(query, self._texts, limit)
        counts: dict[int, int] = {}
        for g in set(_trigrams(query)):
            for n in self._grams.get(g, ()):
                counts[n] = counts.get(n, 0) + 1
        pool = sorted(counts, key=counts.__getitem__, reverse=True)[:1000]
        return [pool[i] for i in self._best_of(query, [self._texts[n] for n in pool], limit)]

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
        raw, year = split_year(clean(text, 200))
        if year is None and (m := _YEAR_IN_QUERY.search(raw)) and len(raw) > len(m.group(0)) + 1:
            variants = [(raw, None), (raw[: m.start()], int(m.group(1)))]
        else:
            variants = [(raw, year)]
        best: dict[int, float] = {}
        for variant, vyear in variants:
            query = normalise(variant)
            if not query:
                continue
            for n in self._candidates(query, max(limit * 2, 30)):
                key = self._keys[n]
                score = _score(query, key, vyear, self.films[key.film], self._vocab)
                if score > best.get(key.film, -1.0):
                    best[key.film] = score
        ranked = sorted(best.items(), key=lambda kv: (-kv[1], self.films[kv[0]].title))
        return [(min(score, 100.0), self.films[i]) for i, score in ranked[:limit]]

    def resolve(self, text: str) -> Resolution:
        """One clear match, ambiguous (close candidates) or not found (with up to 3 suggestions)."""
        ranked = self.rank(text, 10)
        if not ranked:
            return Resolution(Outcome.NOT_FOUND, None, ())
        top, film = ranked[0]
        lead = top - (ranked[1][0] if len(ranked) > 1 else 0.0)
        if (top >= MATCH and lead >= MATCH_LEAD) or (top >= LIKELY and lead >= LIKELY_LEAD):
            return Resolution(Outcome.MATCH, film, ())
        close = [r for r in ranked if r[0] >= max(SUGGEST, top - CLOSE)]
        if top >= LIKELY - 4 and len(close) > 1:
            return Resolution(Outcome.AMBIGUOUS, None, _suggestions(close[:5]))
        return Resolution(Outcome.NOT_FOUND, None, _suggestions([r for r in ranked if r[0] >= SUGGEST][:3]))

    def suggest(self, prefix: str, limit: int = 25) -> list[Suggestion]:
        """Ranked titles for autocomplete: prefix matches first, then fuzzy ones."""
        limit = max(0, min(limit, 25))
        query = normalise(clean(prefix, 100))
        if not query:
            return [
                Suggestion(f.title[:100], 0.0, f.id) for f in sorted(self.films, key=lambda f: fold(f.title))[:limit]
            ]
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
        pool = self._candidates(query, limit * 4) if self._grams is not None else range(len(self._keys))
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
        spans = [
            " ".join(tokens[i:j])
            for i in range(len(tokens))
            for j in range(min(len(tokens), i + 10), i, -1)
            if tokens[i] not in _GLUE and tokens[j - 1] not in _GLUE
        ]
        best: tuple[float, int, Film] | None = None
        for span in spans:  # exact keys first, longest wins; a key two films share names neither
            owners = set(self._exact.get(normalise(span), ()))
            if len(owners) == 1 and len(span) >= 3:
                cand = (100.0, len(span), self.films[owners.pop()])
                if best is None or cand[:2] > best[:2]:
                    best = cand
        if best is not None:
            return best[2], ()
        for span in spans:
            if len(span) < 6:
                continue
            res = self.resolve(span)
            if res.outcome is Outcome.MATCH and res.film is not None:
                score = self.rank(span, 1)[0][0]
                cand = (score, len(span), res.film)
                if best is None or cand[:2] > best[:2]:
                    best = cand
        return (best[2], ()) if best else (None, ())


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


def _label(film: Film) -> str:
    label = f"{film.title} ({film.year})" if film.year else film.title
    return label if len(label) <= 100 else label[:99] + "…"


def _suggestions(ranked: Sequence[tuple[float, Film]]) -> tuple[Suggestion, ...]:
    return tuple(Suggestion(_label(f), round(s, 1), f.id) for s, f in ranked)
