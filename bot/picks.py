"""Across films: films ranked by what their reviews say about something, and films to recommend.

Everything here reads flat arrays worked out when the corpus was indexed (`bot.search.SentenceIndex`'s
postings and aspect features, `bot.reading.Verdicts`' per-sentence polarity and P(opinion), per-review
labels and ratings), so a question over 100,000 reviews costs a few numpy passes, never a model run.

- `rank`: a sentence's relevance to the topic r (its aspect score for one of the lexicon's aspects;
  else 1 for the topic word or a Snowball relative, and the vectors' worth for a near word), times its
  P(opinion) o and polarity p. A film's score is sum(r o p) / (sum(r o) + PRIOR) over all its reviews'
  sentences: the mean opinion of what they say about it, pulled towards 0 when they say little.
- `rated`: a film's goodness, the Wilson lower bound (z = 1) of its reviews' positive share (mixed
  counting half), plus a quarter of how far its mean rating is above one half, where rated; a film
  whose share is below `bot.reading.POSITIVE_AT` (its aggregate is not positive) is never picked.
- `genre`: the films whose reviews name the genre, best rated first.
- `like`: the films whose reviews talk like a film's (Lucene's "more like this"): the film's most
  distinctive stems by tf-idf are a BM25 query over films, each film's reviews one document.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np

from bot.intents import family
from bot.models import Aspect, Label
from bot.passages import IndexRelevance
from bot.reading import POSITIVE_AT, Verdicts
from bot.search import STOPWORDS, SentenceIndex, tokens

PRIOR = 1.0
NEAR_FLOOR = 0.3  # a near word counts for ranking films from this worth on (cosine 0.65)
MIN_RELEVANCE = 0.5  # a sentence counts as a mention of the topic from this relevance on
MAX_DF_SHARE = 0.05  # "like X": stems in more than this share of sentences (and 100) say nothing about X
LIKE_TERMS = 25
LIKE_SENTENCES = 1_500  # "like X": X's first sentences read for its distinctive stems
TALLIES_KEPT = 8  # topics whose per-film tallies are kept: 3 floats a film each (5 MB at 25k films)
POSTINGS_CAP = 50_000  # a near word with more sentences than this is too common to rank films by
_BM25_K1, _BM25_B = 1.2, 0.75
_POSITIVE = list(Label).index(Label.POSITIVE)
_NEGATIVE = list(Label).index(Label.NEGATIVE)
Array = Any


@dataclass(frozen=True, slots=True)
class Scored:
    film: int  # position of the film in the index
    score: float
    mentions: int
    sentence: int  # the sentence id that says it best (-1 for none)


class Across:
    """Answers about the whole corpus, from the indexes of one corpus."""

    def __init__(self, sentences: SentenceIndex, verdicts: Verdicts, relevance: IndexRelevance) -> None:
        self.sentences = sentences
        self.verdicts = verdicts
        self.relevance = relevance
        self._goodness: tuple[Array, Array] | None = None
        self._tallies: dict[tuple[str, Aspect | None], tuple[Array, Array, Array]] = {}

    # ---- ranking films on a topic ----------------------------------------------------------------------------

    def _topic(self, topic: str, aspect: Aspect | None, within: range | None = None) -> tuple[Array, Array]:
        """The sentences about `topic` (of one film's span, with `within`) and how relevant each is (0..1)."""
        si = self.sentences
        if aspect is not None:
            sids = si.postings(si.aspect_row(aspect), within).astype(np.int64)
            return sids, si.aspect_scores(sids, aspect) / 4.0
        parts: list[Array] = []
        worth: list[Array] = []
        feel = family(topic)  # a feel's family ("scary": frightening, creepy...), else the vectors' near words
        words = [(w, 1.0) for w in sorted(feel or topic.split())]
        if not feel:
            for w, _ in list(words):
                words += [(n, v) for n, v in self.relevance.relevance.near(w) if v >= NEAR_FLOOR]
        for w, near in words:
            for r in si.rows_like(w):
                if si.df(r) <= POSTINGS_CAP:
                    ids = si.postings(r, within)
                    parts.append(ids.astype(np.int64))
                    worth.append(np.full(len(ids), near, dtype=np.float32))
        if not parts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        found: Array = np.concatenate(parts)
        value: Array = np.concatenate(worth)
        order = np.lexsort((-value, found))
        found, value = found[order], value[order]
        first = np.concatenate(([True], found[1:] != found[:-1]))
        return found[first], value[first]  # each sentence's best match

    def tallies(self, topic: str, aspect: Aspect | None) -> tuple[Array, Array, Array]:
        """Per film: sum(r o p) and sum(r o) over its sentences about `topic`, and how many mention it.

        The corpus does not change under an index, so the last few topics' tallies are kept: the
        common questions ("which film has the best acting?") then cost a pass over films, not sentences.
        """
        key = ("" if aspect is not None else topic, aspect)  # an aspect's sentences do not depend on its wording
        if (hit := self._tallies.pop(key, None)) is not None:
            self._tallies[key] = hit  # most recent last
            return hit
        sids, r = self._topic(topic, aspect)
        n = len(self.sentences.film_reviews()) - 1
        out: tuple[Array, Array, Array]
        if len(sids):
            o = np.asarray(self.verdicts.opinion)[sids]
            p = np.asarray(self.verdicts.polarity)[sids]
            film = self.sentences.films_of(sids)
            ro = r * o
            out = (
                np.bincount(film, weights=ro * p, minlength=n),
                np.bincount(film, weights=ro, minlength=n),
                np.bincount(film, weights=(r >= MIN_RELEVANCE).astype(np.float64), minlength=n),
            )
        else:
            out = (np.zeros(n), np.zeros(n), np.zeros(n))
        self._tallies[key] = out
        while len(self._tallies) > TALLIES_KEPT:
            del self._tallies[next(iter(self._tallies))]
        return out

    def rank(self, topic: str, aspect: Aspect | None, worst: bool = False, k: int = 3) -> list[Scored]:
        """The `k` films whose reviews speak best (or worst) of `topic`, each with its best sentence."""
        num, den, mentions = self.tallies(topic, aspect)
        sign = -1.0 if worst else 1.0
        score = sign * num / (den + PRIOR)
        ok = np.flatnonzero((score > 0) & (mentions > 0))
        if not len(ok):  # they talk about it, none warmly: still the films compared, the least cold first
            ok = np.flatnonzero(mentions > 0)
        top = ok[np.lexsort((ok, -score[ok]))][:k]
        out = []
        for f in top.tolist():
            sids, r = self._topic(topic, aspect, self.sentences.span(f))
            p = np.asarray(self.verdicts.polarity)[sids] * sign
            v = r * np.asarray(self.verdicts.opinion)[sids] * p
            best = int(sids[int(np.argmax(v))])
            out.append(Scored(f, round(float(score[f]), 4), int(mentions[f]), best))
        return out

    # ---- films the reviews rate well -------------------------------------------------------------------------

    def goodness(self) -> tuple[Array, Array]:
        """Per film: its goodness (see the module) and its most confident positive review (-1 for none)."""
        if self._goodness is None:
            ptr = np.asarray(self.sentences.film_reviews())
            count = np.diff(ptr)
            owner = np.repeat(np.arange(len(count)), count)
            label = np.asarray(self.verdicts.labels)
            n = len(count)
            pos = np.bincount(owner, weights=(label == _POSITIVE).astype(np.float64), minlength=n)
            neg = np.bincount(owner, weights=(label == _NEGATIVE).astype(np.float64), minlength=n)
            total = np.maximum(count, 1).astype(np.float64)
            share = (pos + 0.5 * (count - pos - neg)) / total
            wilson = (share + 0.5 / total - np.sqrt(share * (1 - share) / total + 0.25 / total**2)) / (1 + 1 / total)
            rating = np.asarray(self.verdicts.rating, dtype=np.float64)
            rated = ~np.isnan(rating)
            rsum = np.bincount(owner, weights=np.where(rated, rating, 0.0), minlength=n)
            rn = np.bincount(owner, weights=rated.astype(np.float64), minlength=n)
            mean = np.where(rn > 0, rsum / np.maximum(rn, 1), 0.5)
            good = wilson + 0.25 * (mean - 0.5)
            good[share < POSITIVE_AT] = -1.0  # a film its reviews do not rate well is never a pick
            confidence = np.asarray(self.verdicts.arrays["confidence"], dtype=np.float64)
            key = np.where(label == _POSITIVE, confidence, -1.0)
            best = np.full(n, -1, dtype=np.int64)
            order = np.lexsort((-key, owner))  # by film, most confident positive first
            firsts = order[np.concatenate(([True], owner[order][1:] != owner[order][:-1]))] if len(order) else order
            for r in firsts.tolist():
                if key[r] >= 0:
                    best[owner[r]] = r
            self._goodness = (good, best)
        return self._goodness

    def verdict_sentence(self, review: int) -> int:
        """The sentence id of a review's verdict sentence (-1 for none)."""
        at = int(np.asarray(self.verdicts.quotes)[review])
        return -1 if at < 0 else self.sentences.review_start(review) + at

    def rated(self, k: int = 3, among: Array | None = None, exclude: set[int] | None = None) -> list[int]:
        """The `k` best-rated films with a positive review (of `among`, when given), best first."""
        good, best = self.goodness()
        ok = (best >= 0) & (good >= 0)
        pool = np.flatnonzero(ok) if among is None else np.asarray(among)[ok[np.asarray(among)]]
        if exclude:
            pool = pool[~np.isin(pool, list(exclude))]
        out: list[int] = pool[np.lexsort((pool, -good[pool]))][:k].tolist()
        return out

    def genre(self, words: tuple[str, ...], k: int = 3) -> list[Scored]:
        """The best-rated films whose reviews name the genre, each with its warmest sentence naming it."""
        si = self.sentences
        parts = [si.postings(r).astype(np.int64) for w in words for r in si.rows_like(w)]
        if not parts:
            return []
        sids = np.unique(np.concatenate(parts))
        film = si.films_of(sids)
        films, mentions = np.unique(film, return_counts=True)
        good, _ = self.goodness()
        polarity = np.asarray(self.verdicts.polarity)
        out = []
        for f in self.rated(k, among=films):
            mine = sids[film == f]
            best = mine[int(np.argmax(polarity[mine]))]
            out.append(Scored(f, round(float(good[f]), 4), int(mentions[films == f][0]), int(best)))
        return out

    # ---- films like a film -----------------------------------------------------------------------------------

    def like(self, film: int, texts: list[str], skip: set[str], k: int = 3) -> list[Scored]:
        """The films whose reviews talk most like `texts` (film `film`'s sentences), rated well, best first."""
        si = self.sentences
        counts: Counter[int] = Counter()
        for text in texts[:LIKE_SENTENCES]:
            counts.update({r for t in tokens(text) if t not in skip and (r := si.row(t)) is not None})
        n = max(si.size, 1)
        mine = si.span(film)
        weights = {}
        for r, c in counts.items():
            df = si.df(r)
            if df > max(MAX_DF_SHARE * n, 100) or df <= len(si.postings(r, mine)) or si.terms[r] in STOPWORDS:
                continue  # too common, or said of this film only
            weights[r] = c * math.log(1 + (n - df + 0.5) / (df + 0.5))
        terms = sorted(weights, key=lambda r: (-weights[r], r))[:LIKE_TERMS]
        if not terms:
            return []
        lengths = si.film_sentences().astype(np.float64)
        avg = float(lengths.mean()) or 1.0
        score: Array = np.zeros(len(lengths))
        sids_all: list[Array] = []
        w_all: list[Array] = []
        for r in terms:
            ids = si.postings(r).astype(np.int64)
            tf = np.bincount(si.films_of(ids), minlength=len(lengths)).astype(np.float64)
            idf = math.log(1 + (n - len(ids) + 0.5) / (len(ids) + 0.5))
            saturated = tf * (_BM25_K1 + 1) / (tf + _BM25_K1 * (1 - _BM25_B + _BM25_B * lengths / avg))
            score += weights[r] / weights[terms[0]] * idf * saturated
            sids_all.append(ids)
            w_all.append(np.full(len(ids), weights[r], dtype=np.float64))
        score[film] = 0.0
        good, best = self.goodness()
        candidates = np.flatnonzero((score > 0) & (best >= 0) & (good >= 0))
        top = candidates[np.lexsort((candidates, -score[candidates]))][:k]
        sids, w = np.concatenate(sids_all), np.concatenate(w_all)
        order = np.argsort(sids, kind="stable")
        sids, w = sids[order], w[order]
        uniq, start = np.unique(sids, return_index=True)
        shared = np.add.reduceat(w, start) if len(start) else w
        owner = si.films_of(uniq)
        polarity = np.asarray(self.verdicts.polarity)[uniq]
        out = []
        for f in top.tolist():
            at = np.flatnonzero(owner == f)
            pick = at[int(np.argmax(shared[at] * (1.5 + polarity[at])))]
            out.append(Scored(f, round(float(score[f]), 4), len(at), int(uniq[pick])))
        return out
