"""Which sentences of a film's reviews answer a question about any aspect, and whether any does.

A question becomes weighted *terms*: its content words (not the title's, not stop words, not the
item's own words such as "film"), each weighted by its IDF and by how likely it is the question's
*head*, the thing asked about ("the ending" in "is the ending of the film sad?"; `HEAD_FEATURES`, a
small learned classifier over the word's place and its word vector). Each term is *expanded* to its
own Snowball stem (match 1), the lexicon words of an aspect the question names ("music" asked,
"soundtrack" said) and its nearest neighbours by the GloVe vectors of `bot.vectors` ("scary" /
"frightening", "kids" / "children"), each worth less the further it is.

Per film, `prepare` precomputes every sentence's distinct words, its stems and what does not depend
on the question (P(opinion), |polarity|, place in its review, whether it is its review's verdict
sentence, ...). `rank` builds the `FEATURES` of every sentence with a few numpy operations and scores
them with a linear ranker; the film is judged to answer from `ANSWER_FEATURES` of the question and its
best sentences by a logistic classifier. A *generic* question ("how is the movie?", "is it any good?")
has no term: it is ranked by how much a sentence evaluates the film and is always answered.

Everything learned (`Model`, in `bot/data/relevance_model.json`) is fitted by
`scripts/tune_relevance.py` on SubjQA's books, electronics, grocery, restaurants and tripadvisor
domains and Pang & Lee folds 0-7, never on SubjQA movies; see docs/quality.md.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from itertools import pairwise
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from bot.models import Aspect, Review
from bot.reading import judge
from bot.search import _LEXICON, _RELATED, LEAD_WORDS, RELATED_SHARE, STOPWORDS, WEAK_SCORE, is_concluding
from bot.sentiment import Opinion, Polarity
from bot.text import snowball, snowball_all, without, words
from bot.vectors import WordVectors

__all__ = [
    "ANSWER_FEATURES",
    "FEATURES",
    "HEAD_FEATURES",
    "ITEM_WORDS",
    "Frequencies",
    "Idf",
    "Model",
    "Passage",
    "Query",
    "Ranking",
    "Relevance",
    "Term",
    "stem",
    "topic_of",
]

F32 = npt.NDArray[np.float32]
I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
MODEL_FILE = "relevance_model.json"

# Words that name the reviewed thing itself: a question made of them and asking words only is generic.
ITEM_WORDS = frozenset("film films movie movies picture flick flicks".split())
# Words of a question that say how it asks, not what about (on top of bot.search.STOPWORDS). Valence words
# ("great", "awesome") are here too: "is the soundtrack great?" asks about the soundtrack.
_ASKING_WORDS = frozenset(
    (
        "what whats how hows why who whom whose which when where is are was were am do does did done be have has "
        "had having isnt arent "
        "wasnt dont doesnt didnt think thought thoughts feel felt opinion opinions say said saying tell talk talks "
        "know please describe explain overall general generally anybody everyone people reviewer reviewers critic "
        "critics guys ok okay yes kind sort thing things lot bit really actually would it its nice great best worst "
        "awesome amazing excellent fantastic wonderful terrible awful horrible perfect decent fine cool lovely"
    ).split()
)
_QUESTION_STOP = STOPWORDS | _ASKING_WORDS
_FIRST_PERSON = frozenset("i me my mine myself we us our".split())
_DETERMINERS = frozenset("the a an this that these those its his her their your my our of".split())
_ADJECTIVE_END = re.compile(r"(?:ly|ful|ous|ive|able|ible|ic|al|ish|less|est|y)$")
_ASPECT_ROW = {a: j for j, a in enumerate(Aspect)}
# bot.search._NAMES_NOTHING as words (it holds that module's stems): weak words that hint at no aspect.
_NAMES_NOTHING_WORDS = "long eye beautiful gorgeous played plays earlier first visual special".split()

FEATURES = (
    "exact",  # the IDF-weighted share of terms whose stem the sentence has
    "soft",  # the same with expansions counted by their worth (its coverage of the question)
    "head_exact",  # the same for the head (each term weighted by P(head))
    "head_soft",
    "modifier_soft",  # the same for the other terms (weighted by 1 - P(head))
    "centroid",  # cosine of its content words' mean vector with the question's
    "opinion",  # P(opinion) by bot.sentiment.Opinion
    "strength",  # |polarity| by bot.sentiment.Polarity
    "length",  # log(1 + its distinct words)
    "lead",  # 1 / (1 + its place in its review)
    "verdict",  # it is its review's verdict sentence (bot.reading.judge)
    "concluding",  # "overall", "I recommend", "worth seeing" (bot.search.is_concluding)
    "first_person",  # says "I", "my", "we"
    "item",  # names the reviewed thing ("film", "movie")
    "review",  # the share of terms its review has anywhere, less the best review's
    "soft_opinion",  # soft x opinion: an opinion about what is asked
    "aspect",  # for a question naming a lexicon aspect: bot.search's own-aspect score over its maximum
    "aspect_opinion",  # for such a question: opinion, soft x opinion, and a strong word of it in an opinion
    "aspect_soft_opinion",
    "aspect_opinionated",  # (P(opinion) >= 0.5, as bot.search's bonus)
    "generic_opinion",  # for a generic question: opinion, strength, verdict, item, lead, concluding, first_person
    "generic_strength",
    "generic_verdict",
    "generic_item",
    "generic_lead",
    "generic_concluding",
    "generic_first_person",
)
_STATIC = ("opinion", "strength", "length", "lead", "verdict", "concluding", "first_person", "item")
_QUESTION_TYPES = ("how", "what", "is", "do", "where", "who", "when", "why", "which")
_TYPE_OF = {
    **dict.fromkeys("how hows".split(), "how"),
    **dict.fromkeys("what whats".split(), "what"),
    **dict.fromkeys("is are was were isnt arent wasnt am".split(), "is"),
    **dict.fromkeys("do does did dont doesnt didnt can could will would should has have had".split(), "do"),
    "where": "where",
    **dict.fromkeys("who whom whose".split(), "who"),
    "when": "when",
    "why": "why",
    "which": "which",
}
ANSWER_FEATURES = (
    "best_exact",  # the most of the question one sentence has (exact, soft; for the head)
    "best_soft",
    "best_head_exact",
    "best_head_soft",
    "head_sentences",  # log(1 + sentences whose head match is at least 0.5)
    "top_score",  # the best ranking score and its margin over the second
    "margin",
    "terms",  # how many terms, and their IDF (mean, highest, lowest; / 10)
    "idf_mean",
    "idf_max",
    "idf_min",
    "unknown",  # terms without a word vector (typos, names, gibberish)
    "sentences",  # log(1 + the film's sentences)
    "you",  # asks about "you" / "your" (the reviewer, not the film)
    "quantity",  # "how many", "how much"
    *(f"type_{t}" for t in _QUESTION_TYPES),  # the question's first asking word
)
HEAD_FEATURES = (
    "last",  # the last term of the question
    "first",  # the first term
    "after_determiner",  # follows "the", "its", "of" ...
    "before_of",  # followed by "of" ("the quality of the sound": the head is "sound")
    "before_term",  # followed by another term ("the vanilla flavor": English compounds end in their head)
    "adjective_ending",  # ends like an adjective or adverb ("-ly", "-ous", "-ful", "-y" ...)
    "idf",  # its IDF / 10
    "no_vector",
)  # followed by the word's unit vector (noun-ness, learned)


stem = snowball  # the Snowball (Porter 2) English stem: "acting" -> "act", "ending" -> "end"


@dataclass(frozen=True, slots=True)
class Model:
    """What `scripts/tune_relevance.py` fitted: the expansion knobs and three linear models."""

    near: float  # cosine at which a neighbour starts to count
    neighbours: int  # how many nearest words of a term are candidates
    lexicon_weak: float  # the worth of a weak lexicon word of the asked aspect ("tone" for "music")
    rank: tuple[float, ...]  # score = rank . FEATURES
    aspect_rank: tuple[float, ...]  # the same for a question naming one of the lexicon's aspects ("the music")
    answer: tuple[float, ...]  # P(answerable) = sigmoid(answer[0] + answer[1:] . ANSWER_FEATURES)
    threshold: float  # P(answerable) below which the reviews are said not to answer
    head: tuple[float, ...]  # P(head) = softmax over the terms of head . (HEAD_FEATURES, vector)
    idf: tuple[float, float] = (0.0, 1.0)  # without corpus frequencies, IDF ~ idf[0] + idf[1] log(1 + vector row)

    def __post_init__(self) -> None:
        if (
            len(self.rank) != len(FEATURES)
            or len(self.aspect_rank) != len(FEATURES)
            or len(self.answer) != len(ANSWER_FEATURES) + 1
        ):
            raise ValueError("relevance model does not match the features of this version")

    @classmethod
    def from_json(cls, raw: str | bytes, dims: int) -> Model:
        """A model from the JSON `scripts/tune_relevance.py` writes (plain numbers only)."""
        spec: dict[str, Any] = json.loads(raw)
        model = cls(
            near=float(spec["near"]),
            neighbours=int(spec["neighbours"]),
            lexicon_weak=float(spec["lexicon_weak"]),
            rank=tuple(float(spec["rank"][f]) for f in FEATURES),
            aspect_rank=tuple(float(spec["aspect_rank"][f]) for f in FEATURES),
            answer=(float(spec["answer"]["bias"]), *(float(spec["answer"][f]) for f in ANSWER_FEATURES)),
            threshold=float(spec["threshold"]),
            head=(*(float(spec["head"][f]) for f in HEAD_FEATURES), *map(float, spec["head"]["vector"])),
            idf=(float(spec["idf"][0]), float(spec["idf"][1])),
        )
        if len(model.head) != len(HEAD_FEATURES) + dims:
            raise ValueError("relevance model's head weights do not match the word vectors")
        return model

    def to_json(self) -> str:
        n = len(HEAD_FEATURES)
        spec = {
            "near": self.near,
            "neighbours": self.neighbours,
            "lexicon_weak": self.lexicon_weak,
            "rank": dict(zip(FEATURES, self.rank, strict=True)),
            "aspect_rank": dict(zip(FEATURES, self.aspect_rank, strict=True)),
            "answer": {"bias": self.answer[0], **dict(zip(ANSWER_FEATURES, self.answer[1:], strict=True))},
            "threshold": self.threshold,
            "head": {**dict(zip(HEAD_FEATURES, self.head[:n], strict=True)), "vector": list(self.head[n:])},
            "idf": list(self.idf),
        }
        return json.dumps(spec, indent=1)

    @classmethod
    def default(cls, dims: int = 50) -> Model:
        """The shipped model."""
        return cls.from_json(resources.files("bot").joinpath("data", MODEL_FILE).read_bytes(), dims)


@dataclass(frozen=True, slots=True)
class Term:
    word: str
    stem: str
    weight: float  # its IDF
    head: float  # P(it is what the question is about)
    lexicon: tuple[tuple[str, float], ...]  # (stem, worth) of the asked aspect's lexicon words it stands for
    near: tuple[tuple[str, float], ...]  # (word, worth) of its nearest words by the vectors


@dataclass(frozen=True, slots=True)
class Query:
    text: str
    terms: tuple[Term, ...]
    aspects: tuple[Aspect, ...]  # the lexicon's aspects the question names
    kind: str  # its first asking word's type ("how", "is", "where", ...; "" for none)
    generic: bool  # about the film as a whole: asking and item words only ("how is the movie?")
    topic: str  # "the ending", "how scary it is": what it is about, for a reply
    centroid: F32  # the weighted mean of its terms' vectors (zeros when none has one)
    you: bool = False  # asks about "you" / "your"
    quantity: bool = False  # "how many" / "how much"


class Idf(Protocol):
    """Where a question's words get their IDF: `Frequencies`, or the engine's sentence index."""

    def word_idf(self, word: str) -> float: ...


@dataclass(frozen=True, slots=True)
class Frequencies:
    """How many sentences of the whole corpus have each stem (the IDF of a term)."""

    df: dict[str, int]
    sentences: int

    def idf(self, s: str) -> float:
        n, d = self.sentences, self.df.get(s, 0)
        return math.log(1 + (n - d + 0.5) / (d + 0.5))

    def word_idf(self, word: str) -> float:
        return self.idf(stem(word))


@dataclass(frozen=True, slots=True, eq=False)
class Passage:
    """A film's sentences (all its reviews, in order) with what ranking needs precomputed.

    `vocab` holds the distinct words of all sentences, `word_ids` the id of each and `stem_ids` the ids of
    each stem; `tokens[ptr[i]:ptr[i + 1]]` are sentence i's distinct words as vocab ids, followed by one pad
    id (`len(vocab)`), so no sentence is empty. `review[i]` is the review sentence i belongs to (reviews are
    contiguous, `starts` their first sentences). `static` holds the `_STATIC` features per sentence,
    `centroid` its content words' mean unit vector, `aspect`/`about` bot.search's aspect scores and flags.
    """

    texts: tuple[str, ...]
    vocab: tuple[str, ...]
    tokens: I32
    ptr: I64
    review: I64
    starts: I64
    static: F32
    centroid: F32
    aspect: F32
    about: npt.NDArray[np.bool_]
    stem_ids: dict[str, list[int]] = field(repr=False)
    word_ids: dict[str, int] = field(repr=False)
    total: int = 0  # the film's sentences, when this is a shortlist of them (0: these are all)

    def __len__(self) -> int:
        return len(self.texts)


@dataclass(frozen=True, slots=True)
class Ranking:
    order: tuple[int, ...]  # sentence positions, best first
    scores: tuple[float, ...]
    answerable: bool  # some sentence answers: always for a generic question, never when nothing matches
    confidence: float  # P(answerable) by the model (1 for a generic question)
    generic: bool
    topic: str
    matched: tuple[bool, ...] = ()  # per sentence of `order`: it has a term, a lexicon word or a near word


def _aspect_words() -> dict[Aspect, tuple[frozenset[str], frozenset[str]]]:
    out = {}
    for a, (strong, weak) in _LEXICON.items():
        s = frozenset(stem(w) for w in strong.split())
        out[a] = (s, frozenset(stem(w) for w in weak.split()) - s)
    return out


class Relevance:
    """Ranks a film's sentences for a question and decides whether any answers it."""

    def __init__(
        self,
        vectors: WordVectors,
        opinion: Opinion | None = None,
        polarity: Polarity | None = None,
        model: Model | None = None,
        item_words: Iterable[str] = ITEM_WORDS,
    ) -> None:
        self.vectors = vectors
        self.opinion = opinion
        self.polarity = polarity
        self._dims = int(vectors.matrix.shape[1])
        self.model = model or Model.default(self._dims)
        self.item_words = frozenset(item_words)
        self._aspects = _aspect_words()
        # Per stem of any aspect: a row of which aspects it is a strong / weak word of (row 0: none), for passages.
        listed = sorted({w for pair in self._aspects.values() for ws in pair for w in ws})
        self._aspect_row = {w: n + 1 for n, w in enumerate(listed)}
        self._strong_of = np.zeros((len(listed) + 1, len(Aspect)), dtype=np.int32)
        self._weak_of = np.zeros((len(listed) + 1, len(Aspect)), dtype=np.int32)
        for j, a in enumerate(Aspect):
            strong_set, weak_set = self._aspects[a]
            for w in strong_set:
                self._strong_of[self._aspect_row[w], j] = 1
            for w in weak_set:
                self._weak_of[self._aspect_row[w], j] = 1
        # A question names an aspect with one of its strong words, two of its weak ones ("special effects") or,
        # for the sequel, one ("the original"); one weak word only hints at it ("ending" at the story: the
        # plot is near the question, its "themes" are not). "long" or "eye" hints at nothing, as in bot.search.
        skip = {stem(w) for w in _NAMES_NOTHING_WORDS}
        self._hinting = {a: w - skip for a, (_, w) in self._aspects.items()}
        self._stop = _QUESTION_STOP | self.item_words
        # rows of the vector table that may be a term's neighbour: not stop, asking or item words
        self._candidate = np.array([w not in self._stop for w in vectors.words], dtype=bool)
        self._expanded: dict[str, tuple[tuple[str, float], ...]] = {}

    @classmethod
    def default(cls, model: Model | None = None, item_words: Iterable[str] = ITEM_WORDS) -> Relevance:
        """The shipped vectors, opinion, polarity and relevance models."""
        return cls(WordVectors.default(), Opinion.default(), Polarity.default(), model, item_words)

    def forget(self) -> None:
        """Drop the cached neighbours of the words seen so far."""
        self._expanded.clear()

    # ---- per film, at index time -----------------------------------------------------------------------------

    def prepare(self, reviews: Sequence[Sequence[str]]) -> Passage:
        """Precompute the features of a film's sentences, given as its reviews' sentences, in order."""
        texts = [s for review in reviews for s in review]
        owner = [n for n, review in enumerate(reviews) for _ in review]
        place = [k for review in reviews for k in range(len(review))]
        verdict: list[bool] = []
        strength: list[float] = []
        for review in reviews:
            polarity, quote_at = self._judge(review)
            verdict += [k == quote_at for k in range(len(review))]
            strength += [abs(p) for p in polarity]
        opinion = [self.opinion.probability(t) if self.opinion else 0.5 for t in texts]
        return self.assemble(texts, owner, place, verdict, opinion, strength)

    def assemble(
        self,
        texts: Sequence[str],
        review: Sequence[int],
        place: Sequence[int],
        verdict: Sequence[bool],
        opinion: Sequence[float],
        strength: Sequence[float],
    ) -> Passage:
        """A passage of any sentences whose models' outputs are known (a film's, or a shortlist of them).

        Per sentence: the review it is in (any numbers, the same for a review's sentences, which are
        contiguous), its place in that review, whether it is its review's verdict sentence, P(opinion)
        and |polarity|. A shortlist of a film's sentences ranks its sentences as the whole film would,
        but for the review-coverage feature of the reviews left out (no term of the question in them).
        """
        new_review = np.array([i == 0 or review[i] != review[i - 1] for i in range(len(texts))], dtype=bool)
        vocab: dict[str, int] = {}
        tokens: list[int] = []
        ptr = [0]
        for text in texts:
            seen = [vocab.setdefault(w, len(vocab)) for w in dict.fromkeys(words(text))]
            tokens.extend(seen)
            tokens.append(-1)  # pad, renumbered below
            ptr.append(len(tokens))
        toks = np.array(tokens, dtype=np.int32)
        toks[toks < 0] = len(vocab)
        words_ = tuple(vocab)
        stems = snowball_all(words_)
        stem_ids: dict[str, list[int]] = {}
        for i, s in enumerate(stems):
            stem_ids.setdefault(s, []).append(i)
        n = len(texts)
        centroid = self._centroids(words_, toks, ptr)
        static = np.zeros((len(_STATIC), n), dtype=np.float32)
        starts = np.asarray(ptr[:-1], dtype=np.int64)
        first = np.array([w in _FIRST_PERSON for w in words_] + [False])[toks]
        item = np.array([w in self.item_words for w in words_] + [False])[toks]
        static[:, :] = (
            opinion,
            strength,
            np.log1p(np.diff(ptr) - 1),  # its distinct words, without the pad
            1 / (1 + np.asarray(place, dtype=np.float64)),
            verdict,
            [is_concluding(text) for text in texts],
            np.add.reduceat(first, starts) > 0 if n else [],
            np.add.reduceat(item, starts) > 0 if n else [],
        )
        aspect, about = self._aspect_scores(stems, toks, ptr)
        return Passage(
            texts=tuple(texts),
            vocab=words_,
            tokens=toks,
            ptr=np.array(ptr, dtype=np.int64),
            review=np.cumsum(new_review) - 1,
            starts=np.flatnonzero(new_review),
            static=static,
            centroid=centroid,
            aspect=aspect,
            about=about,
            stem_ids=stem_ids,
            word_ids=vocab,
        )

    def _judge(self, review: Sequence[str]) -> tuple[list[float], int]:
        """Each sentence's polarity and which sentence is the review's verdict, as bot.reading reads a review."""
        if self.polarity is None or not review:
            return [0.0] * len(review), -1
        judged = judge(Review("", "", " ".join(review)), review, self.polarity)
        return judged.polarity, judged.quote_at

    def _centroids(self, vocab: Sequence[str], toks: npt.NDArray[np.int32], ptr: list[int]) -> F32:
        """Per sentence, the unit sum of its content words' vectors (zero for none); `toks` as in `_aspect_scores`."""
        centroid = np.zeros((len(ptr) - 1, self._dims), dtype=np.float32)
        if len(ptr) < 2:
            return centroid
        row = np.array([-1 if w in self._stop else self.vectors.index.get(w, -1) for w in vocab] + [-1])[toks]
        keep = row >= 0
        if not keep.any():
            return centroid
        sentence = np.repeat(np.arange(len(ptr) - 1), np.diff(ptr))[keep]  # sorted: a sentence's words are together
        found, at = np.unique(sentence, return_index=True)
        centroid[found] = np.add.reduceat(self.vectors.matrix[row[keep]], at, axis=0)
        norm = np.linalg.norm(centroid, axis=1, keepdims=True)
        out: F32 = centroid / np.maximum(norm, 1e-6)
        return out

    def _aspect_scores(
        self, stems: Sequence[str], toks: npt.NDArray[np.int32], ptr: list[int]
    ) -> tuple[F32, npt.NDArray[np.bool_]]:
        """Per aspect and sentence, bot.search's own-aspect score (see `_aspect_score` there) and its strong flag.

        `toks` are the sentences' distinct word ids, each sentence's closed by the pad id len(stems).
        """
        aspects = list(Aspect)
        if len(ptr) < 2:
            return np.zeros((len(aspects), 0), dtype=np.float32), np.zeros((len(aspects), 0), dtype=bool)
        rows = np.array([self._aspect_row.get(s, 0) for s in stems] + [0], dtype=np.int64)[toks]  # the pad: none
        starts = np.asarray(ptr[:-1], dtype=np.int64)
        place = np.arange(len(toks)) - np.repeat(starts, np.diff(ptr))
        strong_hits = self._strong_of[rows]
        weak = np.add.reduceat(self._weak_of[rows], starts, axis=0).T
        strong = np.minimum(np.add.reduceat(strong_hits, starts, axis=0).T + weak // 2, 3)
        lead = np.add.reduceat(strong_hits * (place < LEAD_WORDS)[:, None], starts, axis=0).T > 0
        about = strong > 0
        score = np.where(about, 2.5 + 0.5 * np.minimum(strong - 1, 2) + 0.5 * lead, np.where(weak > 0, WEAK_SCORE, 0.0))
        return score.astype(np.float32), about

    @staticmethod
    def document_frequencies(passages: Iterable[Passage]) -> Frequencies:
        """Sentence frequencies of every stem over a corpus of passages."""
        df: Counter[str] = Counter()
        n = 0
        for p in passages:
            n += len(p)
            stem_of = {i: s for s, ids in p.stem_ids.items() for i in ids}
            for a, b in zip(p.ptr[:-1].tolist(), p.ptr[1:].tolist(), strict=True):
                df.update({stem_of[i] for i in p.tokens[a : b - 1].tolist()})
        return Frequencies(dict(df), n)

    # ---- per question ----------------------------------------------------------------------------------------

    def candidates(
        self, question: str, title: str = "", df: Idf | None = None
    ) -> tuple[list[str], list[str], list[int], list[float]]:
        """The question's words (the title's left out), its term words, each one's first place and IDF."""
        seq = _without_title(words(question), words(title))
        places: dict[str, int] = {}
        for i, w in enumerate(seq):
            if w not in self._stop and not w.isdigit():
                places.setdefault(w, i)
        picked = list(places)
        return seq, picked, [places[w] for w in picked], [self._weight(w, df) for w in picked]

    def parse(self, question: str, title: str = "", df: Idf | None = None) -> Query:
        """The question's terms (with P(head) and expansions), aspects, kind, topic and centroid."""
        seq, picked, places, weights = self.candidates(question, title, df)
        heads = self._heads(seq, picked, places, weights)
        stems = {stem(w) for w in picked}
        aspects = tuple(a for a in Aspect if self._names(a, stems))
        hints = tuple(a for a in Aspect if a not in aspects and stems & self._hinting[a])
        terms = tuple(
            Term(w, stem(w), wt, h, self._lexicon(w, aspects, hints), self._neighbours(w))
            for w, wt, h in zip(picked, weights, heads, strict=True)
        )
        centroid = np.zeros(self._dims, dtype=np.float32)
        for t in terms:
            row = self.vectors.index.get(t.word)
            if row is not None:
                centroid += t.weight * self.vectors.matrix[row]
        norm = float(np.linalg.norm(centroid))
        if norm > 0:
            centroid /= norm
        kind = next((_TYPE_OF[w] for w in seq[:3] if w in _TYPE_OF), "")
        return Query(
            text=question,
            terms=terms,
            aspects=aspects,
            kind=kind,
            generic=not terms and bool(seq),
            topic=topic_of(question, title),
            centroid=centroid,
            you=bool({"you", "your"} & set(seq)),
            quantity=any(a == "how" and b in ("many", "much") for a, b in pairwise(seq)),
        )

    def head_features(self, seq: Sequence[str], picked: Sequence[str], places: Sequence[int],
                      weights: Sequence[float]) -> npt.NDArray[np.float32]:  # fmt: skip
        """The `HEAD_FEATURES` and word vector of each picked term (rows)."""
        out = np.zeros((len(picked), len(HEAD_FEATURES) + self._dims), dtype=np.float32)
        terms = set(picked)
        for j, (w, i, wt) in enumerate(zip(picked, places, weights, strict=True)):
            row = self.vectors.index.get(w)
            out[j, : len(HEAD_FEATURES)] = (
                j == len(picked) - 1,
                j == 0,
                i > 0 and seq[i - 1] in _DETERMINERS,
                i + 1 < len(seq) and seq[i + 1] == "of",
                i + 1 < len(seq) and seq[i + 1] in terms,
                bool(_ADJECTIVE_END.search(w)) and len(w) > 4,
                wt / 10,
                row is None,
            )
            if row is not None:
                out[j, len(HEAD_FEATURES) :] = self.vectors.matrix[row]
        return out

    def _heads(self, seq: Sequence[str], picked: Sequence[str], places: Sequence[int],
               weights: Sequence[float]) -> list[float]:  # fmt: skip
        if not picked:
            return []
        z = self.head_features(seq, picked, places, weights) @ np.asarray(self.model.head, dtype=np.float32)
        p = np.exp(z - z.max())
        return [float(v) for v in p / p.sum()]

    def _names(self, aspect: Aspect, stems: set[str]) -> bool:
        strong, weak = self._aspects[aspect]
        return bool(stems & strong) or len(stems & weak) >= 2 or (aspect is Aspect.SEQUEL and bool(stems & weak))

    def _weight(self, word: str, df: Idf | None) -> float:
        if df is not None:
            return df.word_idf(word)
        # the table is in frequency order, so a word's row stands in for its frequency (Zipf), fitted to IDF
        rank = self.vectors.index.get(word, len(self.vectors))
        return max(self.model.idf[0] + self.model.idf[1] * math.log1p(rank), 0.1)

    def _lexicon(self, word: str, aspects: Sequence[Aspect], hints: Sequence[Aspect]) -> tuple[tuple[str, float], ...]:
        """The lexicon stems a term also matches, with their worth: the words of the named aspects it is a word of
        (strong 1, weak `Model.lexicon_weak`), or of the aspects it hints at (strong 0.4)."""
        own = stem(word)
        out: dict[str, float] = {}
        for a in (*aspects, *hints):
            strong, weak = self._aspects[a]
            if own not in strong | weak:
                continue
            groups = ((strong, 1.0), (weak, self.model.lexicon_weak)) if a in aspects else ((strong, 0.4),)
            for group, value in groups:
                for s in group:
                    if value > 0:
                        out[s] = max(out.get(s, 0.0), value)
        out.pop(own, None)
        return tuple(sorted(out.items()))

    def near(self, word: str) -> tuple[tuple[str, float], ...]:
        """The words near `word` by the vectors that a term matches, with their worth (0..1)."""
        return self._neighbours(word)

    def _neighbours(self, word: str) -> tuple[tuple[str, float], ...]:
        """A term's `Model.neighbours` nearest content words at cosine `Model.near` or more, each worth
        (cos - near) / (1 - near); as words, not stems (stemming them would cost more than finding them)."""
        found = self._expanded.get(word)
        if found is not None:
            return found
        sims = self.vectors.similarities(word)
        out: list[tuple[str, float]] = []
        if sims is not None:
            m = self.model
            sims = np.where(self._candidate, sims, -1.0)
            k = min(m.neighbours, len(sims) - 1)
            for i in np.argpartition(-sims, k)[: k + 1].tolist():
                near = self.vectors.words[i]
                # an adverb is near its adjective in the vectors, not in meaning ("funny" / "wonderfully")
                adverb = near.endswith("ly") and not word.endswith("ly")
                if sims[i] >= m.near and near != word and not adverb:
                    out.append((near, round((float(sims[i]) - m.near) / (1 - m.near), 4)))
        found = tuple(sorted(out))
        if len(self._expanded) < 100_000:
            self._expanded[word] = found
        return found

    # ---- ranking ---------------------------------------------------------------------------------------------

    def matches(self, query: Query, passage: Passage) -> tuple[F32, F32]:
        """Per term (rows) and sentence (columns): whether it has the term's stem, and how well it matches it."""
        n_vocab = len(passage.vocab)
        exact = np.zeros((len(query.terms), len(passage)), dtype=np.float32)
        soft = np.zeros_like(exact)
        if not len(passage):
            return exact, soft
        starts = passage.ptr[:-1]
        for j, t in enumerate(query.terms):
            m = np.zeros(n_vocab + 1, dtype=np.float32)
            for s, value in t.lexicon:
                ids = passage.stem_ids.get(s)
                if ids:
                    m[ids] = np.maximum(m[ids], value)
            for w, value in t.near:
                i = passage.word_ids.get(w)
                if i is not None:
                    m[i] = max(m[i], value)
            same = np.zeros(n_vocab + 1, dtype=np.float32)
            same[passage.stem_ids.get(t.stem, [])] = 1.0
            np.maximum(m, same, out=m)
            exact[j] = np.maximum.reduceat(same[passage.tokens], starts)
            soft[j] = np.maximum.reduceat(m[passage.tokens], starts)
        return exact, soft

    def features(self, query: Query, passage: Passage) -> F32:
        """The FEATURES (rows) of every sentence (columns)."""
        n = len(passage)
        out = np.zeros((len(FEATURES), n), dtype=np.float32)
        if not n:
            return out
        f = {name: i for i, name in enumerate(FEATURES)}
        st = {name: passage.static[i] for i, name in enumerate(_STATIC)}
        weight = np.array([t.weight for t in query.terms], dtype=np.float32)
        if weight.sum() > 0:
            exact, soft = self.matches(query, passage)
            head = np.array([t.head for t in query.terms], dtype=np.float32) * weight
            rest = weight - head
            out[f["exact"]] = weight @ exact / weight.sum()
            out[f["soft"]] = weight @ soft / weight.sum()
            out[f["head_exact"]] = head @ exact / max(float(head.sum()), 1e-6)
            out[f["head_soft"]] = head @ soft / max(float(head.sum()), 1e-6)
            if rest.sum() > 1e-6:
                out[f["modifier_soft"]] = rest @ soft / rest.sum()
            has = np.maximum.reduceat(exact, passage.starts, axis=1) if len(passage.starts) else exact
            cover = weight @ has / weight.sum()
            out[f["review"]] = (cover - cover.max())[passage.review]
        out[f["centroid"]] = passage.centroid @ query.centroid
        for name in _STATIC:
            out[f[name]] = st[name]
        out[f["soft_opinion"]] = out[f["soft"]] * st["opinion"]
        if query.aspects:
            rows = [_ASPECT_ROW[a] for a in query.aspects]
            own = passage.aspect[rows].max(axis=0)
            related = [
                _ASPECT_ROW[_RELATED[a]] for a in query.aspects if a in _RELATED and _RELATED[a] not in query.aspects
            ]
            if related:  # as bot.search: a share of a related aspect's score ("effects" when visuals are asked)
                own = np.maximum(own, RELATED_SHARE * passage.aspect[related].max(axis=0))
            near = {*query.aspects, *(_RELATED[a] for a in query.aspects if a in _RELATED), Aspect.SEQUEL}
            other = [j for a, j in _ASPECT_ROW.items() if a not in near]
            others = passage.about[other].sum(axis=0)
            out[f["aspect"]] = np.where(own > 0, own - 0.6 * np.minimum(others, 2), 0.0) / 3.5
            out[f["aspect_opinion"]] = st["opinion"]
            out[f["aspect_soft_opinion"]] = out[f["soft_opinion"]]
            out[f["aspect_opinionated"]] = passage.about[rows].any(axis=0) & (st["opinion"] >= 0.5)
        if query.generic:
            for name in ("opinion", "strength", "verdict", "item", "lead", "concluding", "first_person"):
                out[f[f"generic_{name}"]] = st[name]
        return out

    def scores(self, query: Query, features: F32) -> F32:
        """The ranking score of every sentence (columns of `features`)."""
        weights = self.model.aspect_rank if query.aspects else self.model.rank
        out: F32 = np.asarray(weights, dtype=np.float32) @ features
        return out

    def answer_features(
        self, query: Query, features: F32, scores: F32, sentences: int | None = None
    ) -> npt.NDArray[np.float64]:
        """The ANSWER_FEATURES of a question over a film, from its sentences' features and scores
        (`sentences`: the film's, when these are a shortlist of them)."""
        f = {name: i for i, name in enumerate(FEATURES)}
        n = features.shape[1]
        idf = [t.weight for t in query.terms] or [0.0]
        best = np.sort(scores)[::-1] if n else np.zeros(1, dtype=np.float32)
        row = [
            *(float(features[f[k]].max()) if n else 0.0 for k in ("exact", "soft", "head_exact", "head_soft")),
            math.log1p(int((features[f["head_soft"]] >= 0.5).sum())),
            float(best[0]),
            float(best[0] - best[1]) if len(best) > 1 else 0.0,
            len(query.terms),
            sum(idf) / len(idf) / 10,
            max(idf) / 10,
            min(idf) / 10,
            sum(1 for t in query.terms if t.word not in self.vectors.index),
            math.log1p(sentences or n),
            query.you,
            query.quantity,
            *(query.kind == t for t in _QUESTION_TYPES),
        ]
        return np.array(row, dtype=np.float64)

    def confidence(self, answer_features: npt.NDArray[np.float64]) -> float:
        """P(answerable) of a question by the answerability model."""
        w = self.model.answer
        z = w[0] + float(np.dot(w[1:], answer_features))
        return 1 / (1 + math.exp(-max(min(z, 50.0), -50.0)))

    def rank(self, query: Query, passage: Passage, k: int = 3) -> Ranking:
        """The best `k` sentences of `passage` for `query`, and whether any answers it."""
        n = len(passage)
        if not n:
            return Ranking((), (), False, 0.0, query.generic, query.topic)
        feats = self.features(query, passage)
        score = self.scores(query, feats)
        k = min(k, n)
        top = np.argpartition(-score, k - 1)[:k] if k < n else np.arange(n)
        top = top[np.lexsort((top, -score[top]))]
        if query.generic:
            p, answerable = 1.0, True
        else:
            p = self.confidence(self.answer_features(query, feats, score, passage.total or None))
            # an answer has to be about the question: some sentence has a term, its lexicon words or a near word
            answerable = p >= self.model.threshold and float(feats[1].max()) > 0
        return Ranking(
            tuple(int(i) for i in top),
            tuple(round(float(score[i]), 4) for i in top),
            answerable,
            round(p, 4),
            query.generic,
            query.topic,
            tuple(bool(feats[1, i] > 0) for i in top),
        )


# ---- the topic of a question, for "The reviews of Jaws don't talk about the ending." ------------------------

_LEAD = re.compile(
    r"^(?:so |and |but |ok |okay |hey |please |)"
    r"(?:can you |could you |would you |will you |)(?:tell me |say |)"
)
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(
            r"^(?:what|how) (?:did|do|does|would) (?:you|the reviews?|the reviewers?|critics|people|they|"
            r"the critic|reviewers|it) (?:think|feel|say|thought) (?:of|about) (?P<x>.+)$"
        ),
        "{x}",
    ),
    (re.compile(r"^(?:what|how) about (?P<x>.+)$"), "{x}"),
    (re.compile(r"^(?:anything |something |)(?:about|on) (?P<x>.+)$"), "{x}"),
    (re.compile(r"^(?:what|how) (?:is|was|are|were) (?P<x>(?:the|its|his|her|their|this|that) .+)$"), "{x}"),
    (re.compile(r"^(?:what|how) (?:is|was|are|were) (?P<x>.+?) (?:like|in it)$"), "{x}"),
    (re.compile(r"^how (?P<a>\w+) (?:is|was|are|were) (?:it|this|that|the film|the movie)$"), "how {a} it is"),
    (re.compile(r"^(?:is|was) (?:it|this|that|the film|the movie) (?P<x>.+)$"), "whether it is {x}"),
    (re.compile(r"^(?:does|did) (?:it|this|the film|the movie) have (?P<x>.+)$"), "{x}"),
    (re.compile(r"^(?:is|are|was|were) (?:there|the) (?P<x>.+)$"), "{x}"),
]
_TRAIL = re.compile(r"\s+(?:in it|at all|in the film|in the movie|in this film|in this movie|overall)$")


def _without_title(tokens: list[str], title: list[str]) -> list[str]:
    """`tokens` without the title's words: the run that spells it, else each title word once. Only the title goes:
    "is scary movie scary?" still asks whether it is scary."""
    if (rest := without(tokens, title)) != tokens:
        return rest
    left = list(title)
    out = []
    for w in tokens:
        if w in left:
            left.remove(w)
        else:
            out.append(w)
    return out


def topic_of(question: str, title: str = "") -> str:
    """What `question` asks about, worded to follow "don't talk about": "the ending", "how scary it is"."""
    text = " ".join(re.sub(r"[^\w' -]", " ", question.lower()).split())
    if title:
        t = " ".join(re.sub(r"[^\w' -]", " ", title.lower()).split())
        if t:
            text = re.sub(rf"\b(?:the )?{re.escape(t)}\b", "it", text)
    text = _LEAD.sub("", text).strip()
    text = _TRAIL.sub("", text).strip()
    for pattern, form in _PATTERNS:
        m = pattern.match(text)
        if m:
            out = form.format(**m.groupdict())
            out = re.sub(r"\b(?:in|of|for) it$", "", out).strip()
            if out and out not in ("it", "whether it is"):
                return out
    content = [w for w in words(text) if w not in _QUESTION_STOP and w != "it"]
    return " ".join(content) if content else "that"
