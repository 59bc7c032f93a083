"""Sentence search: which review sentences answer a question, by aspect and terms.

Stage one scores sentences by BM25 over the question's terms plus the asked
aspect's vocabulary, from an inverted index. Stage two re-ranks the best few by
how opinionated they are, so verdict-bearing sentences outrank plot summary.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from bot.models import Aspect, Film
from bot.text import sentences, stem, words

_LEXICON: dict[Aspect, str] = {
    Aspect.MUSIC: "music musical score scores soundtrack soundtracks composer composed melody melodies song songs "
    "tone tones orchestral orchestra sound audio tune tunes",
    Aspect.VISUALS: "visual visuals visually cinematography imagery image images look looks looking landscapes "
    "costumes shot shots camera photography colour colours color colors production design beautiful gorgeous eye",
    Aspect.EFFECTS: "effects effect cgi vfx special creatures creature animation",
    Aspect.ACTING: "acting acted actor actors actress actresses cast performance performances performer portrayal "
    "played plays role roles character characters characterization",
    Aspect.STORY: "story stories plot narrative script screenplay writing written storytelling ending twist twists "
    "dialogue themes premise storyline",
    Aspect.PACING: "pacing pace paced slow slowly drags dragging tight length runtime long boring tedious rushed "
    "brisk momentum",
    Aspect.SEQUEL: "sequel sequels original first predecessor continuation installment franchise previous earlier",
}
ASPECT_STEMS: dict[Aspect, frozenset[str]] = {a: frozenset(stem(w) for w in ws.split()) for a, ws in _LEXICON.items()}
# Words that name an aspect in a question (a subset: "long" or "eye" in a question names nothing).
_ASKING: dict[Aspect, frozenset[str]] = {
    a: ASPECT_STEMS[a] - {stem(w) for w in "long eye beautiful gorgeous played plays earlier first".split()}
    for a in Aspect
}
STOPWORDS = frozenset(
    (
        "a an the and or but of in on at to for with about from by is are was were be been being it its this "
        "that these those how what whats which who whom why when where does do did doing any some good bad "
        "worth i me my you your tell think review reviews film films movie movies there their they them he "
        "she his her we our as so if then than too very just also into out up down over more most much many "
        "such can could would should will shall may might must not no nor only own same other again here once "
        "all both each few anyone anything something say says said like well get gets got really quite"
    ).split()
)
_RELATED = {
    Aspect.VISUALS: Aspect.EFFECTS, Aspect.EFFECTS: Aspect.VISUALS,
    Aspect.STORY: Aspect.PACING, Aspect.PACING: Aspect.STORY,
}  # fmt: skip
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
    film: int
    position: float  # 0.0 first … 1.0 last in its review
    stems: frozenset[str]
    length: int
    lead: frozenset[str]  # stems of the first words: what the sentence is about


LEAD_WORDS = 5


@dataclass(frozen=True, slots=True)
class Hit:
    sentence: Sentence
    score: float
    aspect: Aspect | None


class SentenceIndex:
    """An inverted index over every sentence of every review."""

    def __init__(self, films: Sequence[Film]) -> None:
        self.sentences: list[Sentence] = []
        self.by_film: list[range] = []
        postings: dict[str, list[int]] = {}
        for f, film in enumerate(films):
            start = len(self.sentences)
            sents = sentences(film.text)
            for i, text in enumerate(sents):
                toks = [stem(w) for w in words(text)]
                sid = len(self.sentences)
                position = i / max(len(sents) - 1, 1)
                self.sentences.append(
                    Sentence(text, f, position, frozenset(toks), len(toks), frozenset(toks[:LEAD_WORDS]))
                )
                for tok in set(toks):
                    postings.setdefault(tok, []).append(sid)
            self.by_film.append(range(start, len(self.sentences)))
        self._postings = postings
        total = sum(s.length for s in self.sentences)
        self._avg_len = total / max(len(self.sentences), 1)
        n = max(len(self.sentences), 1)
        self._idf = {t: math.log(1 + (n - len(p) + 0.5) / (len(p) + 0.5)) for t, p in postings.items()}

    def idf(self, term: str) -> float:
        return self._idf.get(term, 0.0)

    def search(
        self,
        terms: Sequence[str],
        aspects: Sequence[Aspect],
        *,
        film: int | None = None,
        k: int = 3,
        opinion: Callable[[str], float] | None = None,
    ) -> list[Hit]:
        """The best `k` sentences for `terms` and `aspects`, optionally within one film."""
        wanted = {t: self.idf(t) for t in terms if t in self._idf}
        aspect_terms = {a: ASPECT_STEMS[a] | ASPECT_STEMS.get(_RELATED.get(a, a), frozenset()) for a in aspects}
        near = set(aspects) | {_RELATED[a] for a in aspects if a in _RELATED} | {Aspect.SEQUEL}
        others = [ASPECT_STEMS[a] for a in Aspect if a not in near] if aspects else []
        if film is not None:
            pool: Iterable[int] = self.by_film[film]
        else:
            ids: set[int] = set()
            for t in wanted:
                ids.update(self._postings.get(t, ()))
            for stems in aspect_terms.values():
                for t in stems:
                    ids.update(self._postings.get(t, ()))
            pool = ids
        scored: list[tuple[float, int, Aspect | None]] = []
        for sid in pool:
            sent = self.sentences[sid]
            score = 0.0
            norm = _BM25_K1 * (1 - _BM25_B + _BM25_B * sent.length / self._avg_len)
            for t, idf in wanted.items():
                if t in sent.stems:
                    score += idf * (_BM25_K1 + 1) / (1 + norm)
            best_aspect: Aspect | None = None
            for a, stems in aspect_terms.items():
                hits = len(sent.stems & stems)
                if hits:
                    score += 2.5 + 0.5 * min(hits - 1, 2) + 0.5 * bool(sent.lead & stems)
                    best_aspect = best_aspect or a
            if best_aspect is not None:  # a sentence about the asked aspect beats one that only mentions it
                score -= 0.6 * min(sum(1 for stems in others if sent.stems & stems), 2)
            if score > 0:
                scored.append((score, sid, best_aspect))
        scored.sort(key=lambda x: (-x[0], x[1]))
        shortlist = scored[: max(k * 8, 24)]
        if opinion is not None:
            shortlist = [(s + 1.2 * abs(opinion(self.sentences[sid].text)), sid, a) for s, sid, a in shortlist]
            shortlist.sort(key=lambda x: (-x[0], x[1]))
        return [Hit(self.sentences[sid], round(s, 3), a) for s, sid, a in shortlist[:k]]


_CONTRAST = re.compile(r"\b(but|however|although|though|while|yet|despite|unfortunately)\b", re.I)
_CONCLUDING = re.compile(
    r"^\W*(overall|in the end|all in all|ultimately|in short|in conclusion|to sum up|bottom line|in sum|on the whole"
    r"|simply put|in summary)\b|must[- ]see|\brecommend|\bdon'?t miss\b|\bskip (it|this)\b|\bavoid\b"
    r"|\bworth (it|the|seeing|watching)",
    re.I,
)


def is_concluding(text: str) -> bool:
    return bool(_CONCLUDING.search(text))


def has_contrast(text: str) -> bool:
    return bool(_CONTRAST.search(text))
