"""`bot.relevance` over the engine's sentence index: which of a film's sentences answer a question.

`bot.relevance` ranks a `Passage`: sentences with their words, stems and what the models said about them.
Preparing a whole film from its text costs ~200 µs a sentence (two sentiment models, the verdict, the
stemmer), too slow for a film with hundreds of reviews on its first question, and too much memory to
keep for every film of a 100,000-review corpus. So the expensive parts are worked out when the corpus is
indexed (each sentence's polarity and P(opinion), each review's verdict sentence: `bot.reading.Verdicts`;
each stem's Snowball group: `bot.search.SentenceIndex`), and a question is ranked over a *shortlist*:
the film's sentences that have one of its terms, their Snowball relatives, the asked aspect's lexicon
words or a near word by the vectors, found in the index's postings. Every other sentence of the film
matches nothing of the question, so it could never answer it; the shortlist ranks as the whole film
would, but for the review-coverage feature of the reviews left out and the answerability model's
film size, which is given the whole film's. A small film (`SMALL` sentences) is taken whole.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from bot.reading import Verdicts
from bot.relevance import Passage, Query, Ranking, Relevance
from bot.search import _LEXICON, SentenceIndex
from bot.text import snowball

SMALL = 48  # sentences: a film this small is ranked whole, without looking its terms up
CAP = 64  # sentences ranked at most per question (a film with hundreds of reviews): the ones most likely first
_LEXICON_WORDS = {snowball(w): w for strong, weak in _LEXICON.values() for w in f"{strong} {weak}".split()}


@dataclass(frozen=True, slots=True)
class Answered:
    """A question ranked over a film: the ranking, the passage it ranked and each passage sentence's id."""

    ranking: Ranking
    passage: Passage
    sids: Any  # numpy int64: the sentence id of each passage sentence


class IndexRelevance:
    """`Relevance` over one corpus's sentence index and verdicts; also the corpus IDF of a question's words."""

    def __init__(self, relevance: Relevance, sentences: SentenceIndex, verdicts: Verdicts) -> None:
        self.relevance = relevance
        self.sentences = sentences
        self.verdicts = verdicts
        self._idf: dict[str, float] = {}

    def word_idf(self, word: str) -> float:
        """BM25's IDF of the sentences having `word` or a Snowball relative of it (`bot.relevance.Idf`)."""
        found = self._idf.get(word)
        if found is None:
            n = max(self.sentences.size, 1)
            d = min(sum(self.sentences.df(r) for r in self.sentences.rows_like(word)), n)
            found = math.log(1 + (n - d + 0.5) / (d + 0.5))
            if len(self._idf) < 100_000:
                self._idf[word] = found
        return found

    def parse(self, question: str, title: str = "") -> Query:
        return self.relevance.parse(question, title, self)

    def rows(self, query: Query, also: Iterable[str] = ()) -> list[int]:
        """The index rows whose sentences may match a term of `query`: its words, lexicon words, near words
        (and the words `also`)."""
        out: set[int] = {r for w in also for r in self.sentences.rows_like(w)}
        for t in query.terms:
            for w in (t.word, *(_LEXICON_WORDS.get(s, s) for s, _ in t.lexicon), *(w for w, _ in t.near)):
                out.update(self.sentences.rows_like(w))
        return sorted(out)

    def shortlist(self, query: Query, span: range, also: Iterable[str] = ()) -> Any:
        """The sentence ids of `span` (a film's) that may match `query` (or have a word of `also`); the whole
        span when it is small."""
        if len(span) <= SMALL:
            return np.arange(span.start, span.stop, dtype=np.int64)
        parts = [self.sentences.postings(r, span) for r in self.rows(query, also)]
        parts = [p for p in parts if len(p)]
        if not parts:
            return np.zeros(0, dtype=np.int64)
        sids, hits = np.unique(np.concatenate(parts).astype(np.int64), return_counts=True)
        if len(sids) > CAP:  # the sentences with the most of the question's words (and their neighbours) first
            sids = np.sort(sids[np.argsort(-hits, kind="stable")[:CAP]])
        return sids

    def passage(self, sids: Any, total: int = 0) -> Passage:
        """The passage of these sentence ids (in order; a review's sentences contiguous)."""
        sids = np.asarray(sids, dtype=np.int64)
        review = self.sentences.reviews_of(sids)
        place = sids - self.sentences.review_starts(review)
        verdict = place == np.asarray(self.verdicts.quotes)[review]
        opinion = np.asarray(self.verdicts.opinion)[sids]
        strength = np.abs(np.asarray(self.verdicts.polarity)[sids])
        texts = [self.sentences.text(int(s)) for s in sids]
        p = self.relevance.assemble(texts, review.tolist(), place.tolist(), verdict.tolist(), opinion.tolist(),
                                    strength.tolist())  # fmt: skip
        return Passage(p.texts, p.vocab, p.tokens, p.ptr, p.review, p.starts, p.static, p.centroid, p.aspect,
                       p.about, p.stem_ids, p.word_ids, total)  # fmt: skip

    def _strongest(self, span: range) -> Any:
        """A question with no terms ranks the whole film; a large one, its `CAP` most opinionated sentences."""
        sids = np.arange(span.start, span.stop, dtype=np.int64)
        if len(sids) <= CAP:
            return sids
        weight = np.asarray(self.verdicts.opinion)[sids] * np.abs(np.asarray(self.verdicts.polarity)[sids])
        return np.sort(sids[np.argsort(-weight, kind="stable")[:CAP]])

    def rank(self, query: Query, span: range, k: int = 3, also: Iterable[str] = ()) -> Answered:
        """`query` ranked over the film whose sentences are `span` (`also`: words whose sentences to rank too)."""
        sids = self.shortlist(query, span, also) if query.terms else self._strongest(span)
        passage = self.passage(sids, len(span))
        return Answered(self.relevance.rank(query, passage, k), passage, sids)
