"""Sentence search: which review sentences answer a question, by aspect and terms.

Stage one scores sentences by BM25 over the question's terms plus the asked
aspect's vocabulary (strong words, weak hints, a related aspect at a discount),
from an inverted index. Stage two re-ranks the best few by how opinionated they
are, most of all opinions about the asked aspect, so they outrank plot summary.
"""

from __future__ import annotations

import re
import sys
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from bot.models import Aspect, Film
from bot.text import _INITIALISM, _WORD, sentences, snowball, stem, words

# Per aspect, the words that say a sentence is about it ("strong") and words that only hint at it
# ("weak": "look", "character", "original" are as often about something else). Two hints make one word.
_LEXICON: dict[Aspect, tuple[str, str]] = {
    Aspect.MUSIC: (
        "music musical score scores soundtrack soundtracks composer composed melody melodies song songs orchestral "
        "orchestra tune tunes",
        "tone tones sound audio",
    ),
    Aspect.VISUALS: (
        "visual visuals visually cinematography cinematographer imagery landscapes costumes camera photography "
        "photographed",
        "look looks looking image images shot shots production design beautiful gorgeous eye lighting colour colours "
        "color colors",
    ),
    Aspect.EFFECTS: ("cgi vfx animation stunts", "effects effect special visual creature creatures"),
    Aspect.ACTING: (
        "acting acted actor actors actress actresses cast casting performance performances performer portrayal "
        "portrays portrayed",
        "played plays role roles character characters characterization",
    ),
    Aspect.STORY: (
        "story stories plot plots narrative script screenplay storytelling twist twists dialogue premise storyline",
        "writing written ending themes",
    ),
    Aspect.PACING: (
        "pacing pace paced slow slowly drags dragging tedious boring rushed brisk momentum runtime overlong plodding",
        "long length tight",
    ),
    Aspect.SEQUEL: ("sequel sequels predecessor continuation installment franchise", "original first previous earlier"),
}
STRONG: dict[Aspect, frozenset[str]] = {a: frozenset(stem(w) for w in ws[0].split()) for a, ws in _LEXICON.items()}
WEAK: dict[Aspect, frozenset[str]] = {
    a: frozenset(stem(w) for w in ws[1].split()) - STRONG[a] for a, ws in _LEXICON.items()
}
ASPECT_STEMS: dict[Aspect, frozenset[str]] = {a: STRONG[a] | WEAK[a] for a in Aspect}
# Words that name an aspect in a question (a subset: "long" or "eye" in a question names nothing).
_NAMES_NOTHING = frozenset(
    stem(w) for w in "long eye beautiful gorgeous played plays earlier first visual special".split()
)
_ASKING: dict[Aspect, frozenset[str]] = {a: STRONG[a] | (WEAK[a] - _NAMES_NOTHING) for a in Aspect}
STOPWORDS = frozenset(
    (
        "a an the and or but of in on at to for with about from by is are was were be been being it its this "
        "that these those how what whats which who whom why when where does do did doing any some good bad "
        "worth i me my you your tell think review reviews film films movie movies there their they them he "
        "she his her we our as so if then than too very just also into out up down over more most much many "
        "such can could would should will shall may might must not no nor only own same other again here once "
        "all both each few anyone anything something say says said like well get gets got really quite better worse "
        "compare compared comparison"
    ).split()
)
_RELATED = {
    Aspect.VISUALS: Aspect.EFFECTS, Aspect.EFFECTS: Aspect.VISUALS,
    Aspect.STORY: Aspect.PACING, Aspect.PACING: Aspect.STORY,
}  # fmt: skip
# Ranking weights, tuned on Pang & Lee folds 0-7 (`python -m benchmarks.quality --tune`), reported on folds 8-9.
OPINION_WEIGHT = 4.0  # times P(opinion): about as much as a strong aspect word
ABOUT_BONUS = 4.0  # an opinion (P >= 0.5) with a strong word of the asked aspect: what the question wants
WEAK_SCORE = 1.25  # a sentence with only a hint of the asked aspect
RELATED_SHARE = 0.3  # the share of a related aspect's score a sentence gets ("effects" when visuals are asked)
_BM25_K1 = 1.2
_BM25_B = 0.75


def aspects_in(question: str) -> tuple[Aspect, ...]:
    """The aspects a question asks about, in a stable order."""
    stems = {stem(w) for w in words(question)}
    found = [a for a in Aspect if stems & _ASKING[a]]
    if "first" in words(question) and Aspect.SEQUEL not in found and "original" in words(question):
        found.append(Aspect.SEQUEL)
    return tuple(found)


def terms_of(question: str, exclude: Iterable[str] = ()) -> list[str]:
    """Content terms of a question, stemmed, without stopwords or the excluded words."""
    skip = STOPWORDS | {stem(w) for w in exclude} | set(exclude)
    return [s for s in (stem(w) for w in words(question) if w not in STOPWORDS) if s not in skip]


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    film: int  # position of its film in the index
    review: int  # position of its review in the index (reviews are numbered film by film)
    id: int = -1  # its sentence id


LEAD_WORDS = 5
# Global search reads every posting of a term in at most RARE_DF sentences; postings of commoner terms
# (and of the asked aspects) only for the first sentences of the corpus, as many as BUDGET postings
# allow. Below BUDGET postings in all (a corpus of a few thousand reviews) the search is exhaustive.
RARE_DF = 1_000
BUDGET = 6_000

Array = npt.NDArray[Any]
_ORDER = {a: j for j, a in enumerate(Aspect)}
_SLOT = {a: 4 * j for j, a in enumerate(Aspect)}  # feature bits of an aspect: strong 0-1, weak 2, lead 3


@dataclass(frozen=True, slots=True)
class Hit:
    sentence: Sentence
    score: float
    aspect: Aspect | None


def tokens(text: str, cache: dict[str, str] | None = None) -> list[str]:
    """The stems of `text`, as `[stem(w) for w in words(text)]` (faster on ASCII text)."""
    if text.isascii():
        folded = text.lower().replace("&", " and ").replace("'", "")
        if "." in folded:
            folded = _INITIALISM.sub(lambda m: m.group(0).replace(".", ""), folded)
        found = _WORD.findall(folded)
    else:
        found = words(text)
    if cache is None:
        return [stem(w) for w in found]
    out: list[str] = []
    for w in found:
        s = cache.get(w)
        if s is None:
            s = cache[w] = stem(w)
        out.append(s)
    return out


def _stem_bits(term: str) -> int:
    """The aspects (bit j) a stem is a strong word of, and those (bit 8 + j) it is a weak word of."""
    strong = sum(1 << j for j, a in enumerate(Aspect) if term in STRONG[a])
    return strong | sum(1 << (8 + j) for j, a in enumerate(Aspect) if term in WEAK[a])


def _opinion_bonus(p: float, about: bool) -> float:
    """What being an opinion adds: more for an opinion about the asked aspect itself."""
    return OPINION_WEIGHT * p + (ABOUT_BONUS if about and p >= 0.5 else 0.0)


def _aspect_score(feat: Array, aspect: Aspect) -> Array:
    """How much each sentence is about `aspect`, from its packed features."""
    f = feat >> _SLOT[aspect]
    strong, weak, lead = f & 3, (f >> 2) & 1, (f >> 3) & 1
    return np.where(strong > 0, 2.5 + 0.5 * np.minimum(strong - 1, 2) + 0.5 * lead, WEAK_SCORE * weak)


class SentenceIndex:
    """An inverted index over every sentence of every review, in flat numpy arrays.

    Reviews are numbered film by film: film `f` has reviews `reviews[f]` to `reviews[f + 1] - 1`, and
    sentence `sid` of review `r` is `start[r] + i`. Per sentence: its length in words and `feat`, its
    aspect features packed in four bits per aspect (strong words up to 3, two weak words counting
    as one; any weak word; a strong word among the first LEAD_WORDS words). Per stem and per aspect,
    the sentences that have it, in order (`post_ptr`, `post_ids`; aspects after stems).
    Sentence texts are kept as one UTF-8 blob (`text`, cut at `text_ptr`), cheap to persist and map.
    `groups[t]` is the first stem with the same Snowball stem as stem `t` (its group: "act" and "acting"
    are one), so `bot.relevance`'s Snowball matching can find its sentences here (`rows_like`).
    """

    ARRAYS = ("reviews", "start", "length", "feat", "post_ptr", "post_ids", "text", "text_ptr", "groups")

    def __init__(
        self, films: Sequence[Film], arrays: dict[str, Array] | None = None, terms: Sequence[str] = ()
    ) -> None:
        self.films = films
        if arrays is None:
            arrays, terms = _build(films)
        self.terms: list[str] = list(terms)
        self.arrays = arrays
        self._vocab = {t: i for i, t in enumerate(self.terms)}
        self._reviews: Array = arrays["reviews"]
        self._start: Array = arrays["start"]
        self._length: Array = arrays["length"]
        self._feat: Array = arrays["feat"]
        self._post_ptr: Array = arrays["post_ptr"]
        self._post_ids: Array = arrays["post_ids"]
        self._text: Array = arrays["text"]
        self._text_ptr: Array = arrays["text_ptr"]
        self._groups: Array = arrays["groups"]
        self._members: tuple[Array, Array] | None = None  # group -> its stems (CSR), worked out on first use
        self._review_film: Array | None = None
        self.size = len(self._length)
        n = max(self.size, 1)
        self._df: Array = np.diff(self._post_ptr).astype(np.float64)
        df = self._df[: len(self.terms)]
        self._idf: Array = np.log(1 + (n - df + 0.5) / (df + 0.5))
        self._avg_len = float(self._length.sum()) / n

    def idf(self, term: str) -> float:
        i = self._vocab.get(term)
        return 0.0 if i is None else float(self._idf[i])

    def row(self, term: str) -> int | None:
        """The row of a stem (its postings), if the corpus has it."""
        return self._vocab.get(term)

    def rows_like(self, word: str) -> list[int]:
        """The rows of every stem Snowball-equivalent to `word` ("ending" finds "end", "ends" and "ending")."""
        if self._members is None:
            order = np.argsort(self._groups, kind="stable")
            bounds = np.searchsorted(self._groups[order], np.arange(len(self.terms) + 1))
            self._members = (order, bounds)
        order, bounds = self._members
        seeds = {self._vocab.get(t) for t in (stem(word), snowball(word), stem(snowball(word)))}
        out: set[int] = set()
        for r in seeds - {None}:
            g = int(self._groups[r])
            out.update(order[bounds[g] : bounds[g + 1]].tolist())
        return sorted(out)

    def df(self, row: int) -> int:
        """How many sentences have the stem (or aspect) of `row`."""
        return int(self._df[row])

    def postings(self, row: int, within: range | None = None) -> Array:
        """The sentence ids of a row, optionally only those in `within` (a film's span)."""
        ids = self._postings(row)
        if within is None:
            return ids
        lo, hi = np.searchsorted(ids, (within.start, within.stop))
        return ids[lo:hi]

    def aspect_row(self, aspect: Aspect) -> int:
        """The row of an aspect's posting list (its sentences with any of its words)."""
        return len(self.terms) + _ORDER[aspect]

    def aspect_scores(self, sids: Array, aspect: Aspect) -> Array:
        """How much each sentence is about `aspect` (0 for none, up to 4 for strong words early on)."""
        return _aspect_score(self._feat[sids].astype(np.int64), aspect)

    def films_of(self, sids: Array) -> Array:
        """The film (position in the index) of each sentence id."""
        if self._review_film is None:  # one film number per review: a lookup, not a second search
            counts = np.diff(self._reviews)
            self._review_film = np.repeat(np.arange(len(counts), dtype=np.int32), counts)
        review = np.searchsorted(self._start, sids, side="right") - 1
        return self._review_film[review]

    def reviews_of(self, sids: Array) -> Array:
        """The review (position in the index) of each sentence id."""
        return np.searchsorted(self._start, sids, side="right") - 1

    def film_sentences(self) -> Array:
        """How many sentences each film has."""
        return np.diff(self._start[self._reviews])

    def film_reviews(self) -> Array:
        """The first review of each film, and one past the last film's: film `f` has `[out[f], out[f + 1])`."""
        return self._reviews

    def span(self, film: int) -> range:
        """The sentence ids of one film (all its reviews)."""
        return range(int(self._start[self._reviews[film]]), int(self._start[self._reviews[film + 1]]))

    def review_starts(self, reviews: Array) -> Array:
        """The id of each review's first sentence."""
        out: Array = self._start[reviews]
        return out

    def review_start(self, review: int) -> int:
        """The id of a review's first sentence."""
        return int(self._start[review])

    def text(self, sid: int) -> str:
        """The text of one sentence (a damaged saved index shows U+FFFD rather than failing)."""
        return bytes(self._text[self._text_ptr[sid] : self._text_ptr[sid + 1]]).decode("utf-8", "replace")

    def sentence(self, sid: int) -> Sentence:
        """One sentence, its review and its film."""
        review = int(np.searchsorted(self._start, sid, side="right")) - 1
        film = int(np.searchsorted(self._reviews, review, side="right")) - 1
        return Sentence(self.text(sid), film, review, sid)

    def _postings(self, row: int) -> Array:
        return self._post_ids[self._post_ptr[row] : self._post_ptr[row + 1]]

    def _pool(self, rows: Sequence[int]) -> Array:
        """Sentence ids worth scoring: every sentence with a rare term, the first ones with a common term."""
        common = [r for r in rows if self._df[r] > RARE_DF]
        total = float(self._df[common].sum()) if common else 0.0
        horizon = self.size if total <= BUDGET else int(self.size * BUDGET / total)
        parts = []
        for r in rows:
            ids = self._postings(r)
            if r in common and horizon < self.size:
                ids = ids[: int(np.searchsorted(ids, horizon))]
            parts.append(ids)
        if not parts:
            return np.zeros(0, dtype=np.int64)
        ids = np.concatenate(parts).astype(np.int64)
        ids.sort()
        return ids[np.concatenate(([True], ids[1:] != ids[:-1]))] if len(ids) else ids

    def search(
        self,
        terms: Sequence[str],
        aspects: Sequence[Aspect],
        *,
        film: int | None = None,
        k: int = 3,
        opinion: Array | None = None,
    ) -> list[Hit]:
        """The best `k` sentences for `terms` and `aspects`, optionally within one film.

        `opinion`: each sentence's P(opinion) by sentence id; an opinion then ranks above a fact.
        """
        asked = list(dict.fromkeys(aspects))
        wanted = list(dict.fromkeys(self._vocab[t] for t in terms if t in self._vocab))
        related = {a: _RELATED[a] for a in asked if a in _RELATED and _RELATED[a] not in asked}
        near = set(asked) | set(related.values()) | {Aspect.SEQUEL}
        if film is not None:
            span = self.span(film)
            pool: Array = np.arange(span.start, span.stop, dtype=np.int64)
        else:
            rows = {len(self.terms) + _ORDER[a] for a in [*asked, *related.values()]}
            pool = self._pool(sorted(set(wanted) | rows))
        if not len(pool):
            return []
        m = len(pool)
        score = np.zeros(m)
        if wanted:
            matched = np.zeros(m)
            for t in wanted:
                ids = self._postings(t)
                at = np.minimum(np.searchsorted(ids, pool), len(ids) - 1)
                matched += np.where(ids[at] == pool, self._idf[t], 0.0)
            norm = _BM25_K1 * (1 - _BM25_B + _BM25_B * self._length[pool] / self._avg_len)
            score += matched * (_BM25_K1 + 1) / (1 + norm)
        best = np.full(m, -1)
        strong = np.zeros(m, dtype=bool)
        if asked:
            feat = self._feat[pool].astype(np.int64)
            for n, a in enumerate(asked):
                own = _aspect_score(feat, a)
                if a in related:
                    own = np.maximum(own, RELATED_SHARE * _aspect_score(feat, related[a]))
                score += own
                strong |= (feat >> _SLOT[a]) & 3 > 0
                best = np.where((best < 0) & (own > 0), n, best)
            others = sum(((feat >> _SLOT[a]) & 3 > 0).astype(np.int64) for a in Aspect if a not in near)
            score -= np.where(best >= 0, 0.6 * np.minimum(others, 2), 0.0)
        found = np.flatnonzero(score > 0)
        size = max(k * 8, 24)
        if len(found) > size:  # the best `size`, ties broken by sentence order as a full sort would
            cut = np.partition(-score[found], size - 1)[size - 1]
            found = found[-score[found] <= cut]
        order = sorted(found.tolist(), key=lambda j: (-score[j], j))[:size]
        shortlist = [(float(score[j]), int(pool[j]), asked[int(best[j])] if best[j] >= 0 else None) for j in order]
        if opinion is not None:
            shortlist = [
                (s + _opinion_bonus(float(opinion[sid]), bool(strong[j])), sid, a)
                for (s, sid, a), j in zip(shortlist, order, strict=True)
            ]
            shortlist.sort(key=lambda x: (-x[0], x[1]))
        return [Hit(self.sentence(sid), round(s, 3), a) for s, sid, a in shortlist[:k]]


def _build(films: Sequence[Film]) -> tuple[dict[str, Array], list[str]]:
    """The index arrays and stem list of `films`."""
    vocab: dict[str, int] = {}
    bits: list[int] = []
    cache: dict[str, str] = {}
    reviews = array("q", [0])
    start = array("q", [0])
    length = array("i")
    feat = array("i")
    pairs = array("q")  # stem id << 32 | sentence id
    blob = bytearray()
    text_ptr = array("q", [0])
    naspects = len(Aspect)
    for film in films:
        for review in film.reviews:
            for text in sentences(review.text):
                toks = tokens(text, cache)
                sid = len(length)
                strong = [0] * naspects
                weak = [0] * naspects
                lead = 0
                for t in dict.fromkeys(toks):
                    i = vocab.get(t)
                    if i is None:
                        i = vocab[t] = len(vocab)
                        bits.append(_stem_bits(t))
                    pairs.append(i << 32 | sid)
                    b = bits[i]
                    if b:
                        for j in range(naspects):
                            strong[j] += b >> j & 1
                            weak[j] += b >> (8 + j) & 1
                for t in toks[:LEAD_WORDS]:
                    i = vocab[t]
                    lead |= bits[i] & 0xFF
                f = 0
                for j in range(naspects):
                    count = min(strong[j] + weak[j] // 2, 3)
                    f |= (count | (weak[j] > 0) << 2 | (lead >> j & 1) << 3) << (4 * j)
                length.append(len(toks))
                feat.append(f)
                blob += text.encode("utf-8")
                text_ptr.append(len(blob))
            start.append(len(length))
        reviews.append(len(start) - 1)
    # Sorted in place and cut without 64-bit temporaries: at 2.5M sentences these arrays are ~350 MB.
    ordered = np.frombuffer(pairs, dtype=np.int64) if len(pairs) else np.zeros(0, dtype=np.int64)
    ordered.sort()
    bounds = np.searchsorted(ordered, np.arange(len(vocab) + 1, dtype=np.int64) << 32)
    low = ordered.view(np.int32)[0 if sys.byteorder == "little" else 1 :: 2]
    post_ids = low.copy()
    del ordered, low, pairs
    counts = np.diff(bounds)
    feats = np.frombuffer(feat, dtype=np.int32).copy() if len(feat) else np.zeros(0, dtype=np.int32)
    group_ids = [np.flatnonzero(feats & (7 << (4 * j))).astype(np.int32) for j in range(naspects)]
    post_ptr = np.zeros(len(vocab) + naspects + 1, dtype=np.int64)
    first: dict[str, int] = {}
    groups = np.array([first.setdefault(snowball(t), i) for i, t in enumerate(vocab)], dtype=np.int32)
    np.cumsum(np.concatenate([counts, [len(ids) for ids in group_ids]]), out=post_ptr[1:])
    arrays: dict[str, Array] = {
        "reviews": np.frombuffer(reviews, dtype=np.int64).copy(),
        "start": np.frombuffer(start, dtype=np.int64).copy(),
        "length": np.frombuffer(length, dtype=np.int32).copy() if len(length) else np.zeros(0, dtype=np.int32),
        "feat": feats,
        "post_ptr": post_ptr,
        "post_ids": np.concatenate([post_ids, *group_ids]),
        "text": np.frombuffer(blob, dtype=np.uint8) if blob else np.zeros(0, dtype=np.uint8),
        "text_ptr": np.frombuffer(text_ptr, dtype=np.int64).copy(),
        "groups": groups,
    }
    return arrays, list(vocab)


_CONTRAST = re.compile(r"\b(but|however|although|though|while|yet|despite|unfortunately)\b", re.I)
_CONCLUDING = re.compile(
    r"^\W*(overall|in the end|all in all|ultimately|in short|in conclusion|to sum up|bottom line|in sum|on the whole"
    r"|simply put|in summary)\b|must[- ]see|\brecommend|\bdon'?t miss\b|\bskip (it|this)\b|\bavoid\b"
    r"|\bworth (it|the|seeing|watching)",
    re.I,
)


# Every match of _CONCLUDING contains one of these: most sentences are ruled out without the regex.
_CONCLUDING_KEYS = (
    "overall", "in the end", "all in all", "ultimately", "in short", "conclusion", "sum", "bottom line", "whole",
    "simply put", "must", "recommend", "miss", "skip", "avoid", "worth",
)  # fmt: skip


def is_concluding(text: str) -> bool:
    low = text.lower()
    return any(k in low for k in _CONCLUDING_KEYS) and bool(_CONCLUDING.search(text))


def has_contrast(text: str) -> bool:
    return bool(_CONTRAST.search(text))
