"""Which sentences of a film's reviews answer a question about any aspect, and whether any does.

A question becomes weighted *terms* (its content words, IDF-weighted; the film's title, stop words and
valence words such as "good" are left out). Every sentence gets, per term, a match in [0, 1]: 1 for
the same Snowball stem ("acting" / "acted", "ending" / "end") or a strong lexicon word of an aspect
the question names ("music" asked, "soundtrack" said), 0.4 for a weak one, and for any other word
its nearness by the GloVe vectors of `bot.vectors` ("scary" / "frightening", "kids" / "children").
A sentence's *coverage* is the weighted share of the terms it matches. Its score is a weighted sum of
`FEATURES` (coverage, exact overlap, opinion about what is asked, place in its review, ...), with
its own weights for a question naming one of the lexicon's aspects. The film is judged to answer
when some sentence's coverage reaches `Weights.threshold`; `topic_of` words the question's topic
for the reply when it does not.

Per film, `prepare` precomputes everything per sentence (word ids, stems, vectors, P(opinion),
|polarity|, aspect scores), so `rank` is a few numpy operations over the film's distinct words and
tokens. `Weights` were fitted by `scripts/tune_relevance.py` on SubjQA's books, electronics, grocery,
restaurants and tripadvisor domains and Pang & Lee folds 0-7, never on SubjQA movies; see
docs/quality.md.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import numpy.typing as npt
import snowballstemmer

from bot.models import Aspect
from bot.search import _LEXICON, LEAD_WORDS, STOPWORDS, WEAK_SCORE
from bot.sentiment import Opinion, Polarity
from bot.text import words
from bot.vectors import WordVectors

__all__ = ["Frequencies", "Passage", "Query", "Ranking", "Relevance", "Term", "Weights", "stem"]

F32 = npt.NDArray[np.float32]
I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]

# Words of a question that say how it asks, not what about (on top of bot.search.STOPWORDS).
_ASKING_WORDS = frozenset(
    (
        "what whats how hows why who whom whose which when where is are was were am do does did done be "
        "think thought thoughts feel felt opinion opinions view views say said saying tell talk talks know "
        "please describe explain overall general generally anybody everyone people reviewer reviewers critic "
        "critics guys ok okay yes kind sort thing things way lot bit really actually would it its it's isnt "
        "nice great best worst awesome amazing excellent fantastic wonderful terrible awful horrible perfect decent "
        "fine cool lovely"
    ).split()
)
_QUESTION_STOP = STOPWORDS | _ASKING_WORDS
_ASPECT_ROW = {a: j for j, a in enumerate(Aspect)}
# bot.search._NAMES_NOTHING as words (it holds that module's stems): weak words that hint at no aspect.
_NAMES_NOTHING_WORDS = "long eye beautiful gorgeous played plays earlier first visual special".split()


@cache
def _stemmer() -> Callable[[str], str]:
    st = snowballstemmer.stemmer("english")
    return cache(st.stemWord)


def stem(word: str) -> str:
    """The Snowball (Porter 2) English stem of a lower-case word: "acting" -> "act", "ending" -> "end"."""
    out: str = _stemmer()(word)
    return out


FEATURES = ("exact", "soft", "centroid", "opinion", "strength", "length", "lead", "about", "aspect")
"""Per sentence: the weighted share of the question's terms it has (same stem), the same with near words counted
by how near, the cosine of its words' mean vector with the question's, P(opinion), how strongly it says
something (|polarity|), log(1 + its distinct words), 1 / (1 + its place in its review) times soft (1 for a
review's first sentence that has every term, 0 for no match), soft x opinion (an opinion about what is asked),
and, when the question names one of the lexicon's aspects, bot.search's aspect score of the sentence (strong
words, a lead word, weak hints, less for being about other aspects) over its maximum."""


@dataclass(frozen=True, slots=True)
class Weights:
    """The ranking's knobs, fitted on the SubjQA tuning domains (`scripts/tune_relevance.py`), never on movies."""

    near: float = 0.6  # cosine at which a word starts to count as near
    semantic: float = 1.0  # the match of a word at cosine 1 that is not the same stem
    lexicon_strong: float = 1.0  # a strong word of the asked aspect ("soundtrack" for "music")
    lexicon_weak: float = 0.4  # a weak word of it ("tone")
    rank: tuple[float, ...] = (1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.7, 0.2, 0.7)  # score = rank . features
    # for a question naming one of the lexicon's aspects ("how is the music?"): the film-aspect answers people
    # expect there are the reviewer's opinions about that aspect, so opinion and aspect weigh more
    aspect_rank: tuple[float, ...] = (1.0, 1.6, 2.4, 2.2, 0.0, 0.0, 0.0, 2.6, 1.0)
    threshold: float = 0.165  # the best coverage (`soft`) below which the reviews are said not to answer


@dataclass(frozen=True, slots=True)
class Term:
    word: str
    stem: str
    weight: float


@dataclass(frozen=True, slots=True)
class Query:
    text: str
    terms: tuple[Term, ...]
    aspects: tuple[Aspect, ...]  # the lexicon's aspects the question names
    hints: tuple[Aspect, ...]  # those it only hints at, with one weak word
    topic: str  # "the ending", "music", "how scary it is": what the question is about, for a reply
    centroid: F32  # the weighted mean of its terms' vectors (zeros when none has one)


@dataclass(frozen=True, slots=True)
class Frequencies:
    """How many sentences of the whole corpus have each stem (the IDF of a term)."""

    df: dict[str, int]
    sentences: int

    def idf(self, s: str) -> float:
        n, d = self.sentences, self.df.get(s, 0)
        return math.log(1 + (n - d + 0.5) / (d + 0.5))


@dataclass(frozen=True, slots=True, eq=False)
class Passage:
    """A film's sentences with what ranking needs precomputed.

    `vocab` holds the distinct words of all sentences, `stems` their stems and `rows` their vector rows
    (-1 for none); `tokens[ptr[i]:ptr[i + 1]]` are sentence i's distinct words as vocab ids, followed by
    one pad id (`len(vocab)`), so no sentence is empty. Per sentence: `static` holds the features that
    do not depend on the question (opinion, strength, length) and `centroid` its content words' mean
    unit vector.
    """

    texts: tuple[str, ...]
    vocab: tuple[str, ...]
    stems: tuple[str, ...]
    rows: I32
    tokens: I32
    ptr: I64
    static: F32
    centroid: F32
    vectors: F32  # the unit vectors of the vocab words that have one (rows >= 0), in vocab order
    aspect: F32  # per aspect (rows, in Aspect order) and sentence: bot.search's score for being about it
    about: npt.NDArray[np.bool_]  # per aspect and sentence: has a strong word of it
    stem_ids: dict[str, list[int]] = field(repr=False)

    def __len__(self) -> int:
        return len(self.texts)


@dataclass(frozen=True, slots=True)
class Ranking:
    order: tuple[int, ...]  # sentence positions, best first
    scores: tuple[float, ...]
    coverage: float  # the most of the question's weighted terms one sentence matches (`soft`, 0..1)
    answerable: bool  # coverage reaches Weights.threshold
    topic: str


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
        opinion: Callable[[str], float] | None = None,
        polarity: Callable[[str], float] | None = None,
        weights: Weights | None = None,
    ) -> None:
        self.vectors = vectors
        self.opinion = opinion
        self.polarity = polarity
        self.weights = weights or Weights()
        self._aspects = _aspect_words()
        # A question names an aspect with one of its strong words, two of its weak ones ("special effects") or,
        # for the sequel, one ("the original"); one weak word only hints at it ("ending" at the story: the
        # plot is near the question, its "themes" are not). "long" or "eye" hints at nothing, as in bot.search.
        skip = {stem(w) for w in _NAMES_NOTHING_WORDS}
        self._hinting = {a: w - skip for a, (_, w) in self._aspects.items()}
        self._dims = vectors.matrix.shape[1]

    @classmethod
    def default(cls, weights: Weights | None = None) -> Relevance:
        """The shipped vectors, opinion and polarity models."""
        return cls(WordVectors.default(), Opinion.default().probability, Polarity.default().sentence, weights)

    # ---- per film, at index time -----------------------------------------------------------------------------

    def prepare(self, sentences: Sequence[str], positions: Sequence[int] | None = None) -> Passage:
        """Precompute the features of a film's sentences; `positions`: each one's place in its review (from 0)."""
        vocab: dict[str, int] = {}
        tokens: list[int] = []
        ptr = [0]
        content: list[list[int]] = []
        for text in sentences:
            seen: dict[int, None] = {}
            for w in words(text):
                seen[vocab.setdefault(w, len(vocab))] = None
            tokens.extend(seen)
            tokens.append(-1)  # pad, renumbered below
            ptr.append(len(tokens))
            content.append(list(seen))
        toks = np.array(tokens, dtype=np.int32)
        toks[toks < 0] = len(vocab)
        words_ = tuple(vocab)
        stems = tuple(stem(w) for w in words_)
        stem_ids: dict[str, list[int]] = {}
        for i, s in enumerate(stems):
            stem_ids.setdefault(s, []).append(i)
        rows = np.array([self.vectors.index.get(w, -1) for w in words_], dtype=np.int32)
        centroid = np.zeros((len(sentences), self._dims), dtype=np.float32)
        for n, ids in enumerate(content):
            r = [int(rows[i]) for i in ids if rows[i] >= 0 and words_[i] not in _QUESTION_STOP]
            if r:
                v = self.vectors.matrix[r].sum(axis=0)
                centroid[n] = v / max(float(np.linalg.norm(v)), 1e-6)
        static = np.zeros((4, len(sentences)), dtype=np.float32)
        for n, text in enumerate(sentences):
            static[0, n] = self.opinion(text) if self.opinion else 0.5
            static[1, n] = abs(self.polarity(text)) if self.polarity else 0.0
            static[2, n] = math.log1p(len(content[n]))
            static[3, n] = 1 / (1 + (positions[n] if positions is not None else n))
        aspect, about = self._aspect_scores(stems, content)
        return Passage(
            texts=tuple(sentences),
            vocab=words_,
            stems=stems,
            rows=rows,
            tokens=toks,
            ptr=np.array(ptr, dtype=np.int64),
            static=static,
            centroid=centroid,
            vectors=self.vectors.matrix[rows[rows >= 0]],
            aspect=aspect,
            about=about,
            stem_ids=stem_ids,
        )

    def _aspect_scores(self, stems: Sequence[str], content: list[list[int]]) -> tuple[F32, npt.NDArray[np.bool_]]:
        """Per aspect and sentence, bot.search's own-aspect score (see `_aspect_score` there) and its strong flag."""
        aspects = list(Aspect)
        score = np.zeros((len(aspects), len(content)), dtype=np.float32)
        about = np.zeros((len(aspects), len(content)), dtype=bool)
        for j, a in enumerate(aspects):
            strong_set, weak_set = self._aspects[a]
            for n, ids in enumerate(content):
                strong = sum(1 for i in ids if stems[i] in strong_set)
                weak = sum(1 for i in ids if stems[i] in weak_set)
                strong = min(strong + weak // 2, 3)
                if strong:
                    lead = any(stems[i] in strong_set for i in ids[:LEAD_WORDS])
                    score[j, n] = 2.5 + 0.5 * min(strong - 1, 2) + 0.5 * lead
                    about[j, n] = True
                elif weak:
                    score[j, n] = WEAK_SCORE
        return score, about

    @staticmethod
    def document_frequencies(passages: Iterable[Passage]) -> Frequencies:
        """Sentence frequencies of every stem over a corpus of passages."""
        df: Counter[str] = Counter()
        n = 0
        for p in passages:
            n += len(p)
            for a, b in zip(p.ptr[:-1].tolist(), p.ptr[1:].tolist(), strict=True):
                df.update({p.stems[i] for i in p.tokens[a : b - 1].tolist()})
        return Frequencies(dict(df), n)

    # ---- per question ----------------------------------------------------------------------------------------

    def parse(self, question: str, title: str = "", df: Frequencies | None = None) -> Query:
        """The question's weighted terms, aspects, topic and centroid; the title's words are not terms."""
        skip = set(words(title))
        ws = [w for w in words(question) if w not in skip]
        picked = list(dict.fromkeys(w for w in ws if w not in _QUESTION_STOP and not w.isdigit()))
        terms = tuple(Term(w, stem(w), self._weight(w, df)) for w in picked)
        stems = {t.stem for t in terms}
        aspects = tuple(a for a in Aspect if self._names(a, stems))
        hints = tuple(a for a in Aspect if a not in aspects and stems & self._hinting[a])
        centroid = np.zeros(self._dims, dtype=np.float32)
        for t in terms:
            row = self.vectors.index.get(t.word)
            if row is not None:
                centroid += t.weight * self.vectors.matrix[row]
        norm = float(np.linalg.norm(centroid))
        if norm > 0:
            centroid /= norm
        return Query(question, terms, aspects, hints, topic_of(question, title), centroid)

    def _names(self, aspect: Aspect, stems: set[str]) -> bool:
        strong, weak = self._aspects[aspect]
        return bool(stems & strong) or len(stems & weak) >= 2 or (aspect is Aspect.SEQUEL and bool(stems & weak))

    def _weight(self, word: str, df: Frequencies | None) -> float:
        if df is not None:
            return df.idf(stem(word))
        rank = self.vectors.index.get(word, len(self.vectors))
        return math.log(1 + (rank + 1) / 200)

    def matches(self, query: Query, passage: Passage) -> tuple[F32, F32]:
        """Per term (rows) and sentence (columns): whether it has the term's stem, and how well it matches it."""
        w = self.weights
        n_vocab = len(passage.vocab)
        exact = np.zeros((len(query.terms), len(passage)), dtype=np.float32)
        soft = np.zeros_like(exact)
        if not n_vocab or not len(passage):
            return exact, soft
        have = passage.rows >= 0
        local = passage.vectors
        starts = passage.ptr[:-1]
        for j, t in enumerate(query.terms):
            m = np.zeros(n_vocab + 1, dtype=np.float32)
            row = self.vectors.index.get(t.word)
            if row is not None and len(local):
                sims = local @ self.vectors.matrix[row]
                m[:n_vocab][have] = w.semantic * np.clip((sims - w.near) / (1 - w.near), 0.0, 1.0)
            for a in (*query.aspects, *query.hints):
                strong, weak = self._aspects[a]
                if t.stem not in strong | weak:
                    continue
                lexicon = [(strong, w.lexicon_strong), (weak, w.lexicon_weak)] if a in query.aspects else []
                for group, value in lexicon or [(strong, w.lexicon_weak)]:
                    for s in group:
                        for i in passage.stem_ids.get(s, ()):
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
        weight = np.array([t.weight for t in query.terms], dtype=np.float32)
        total = float(weight.sum())
        if total > 0 and n:
            exact, soft = self.matches(query, passage)
            out[0] = (weight @ exact) / total
            out[1] = (weight @ soft) / total
        if n:
            out[2] = passage.centroid @ query.centroid
            out[3:7] = passage.static
            out[6] *= out[1]  # a place early in a review counts for a sentence that matches, as much as it does
            out[7] = out[1] * out[3]
            if query.aspects:
                rows = [_ASPECT_ROW[a] for a in query.aspects]
                own = passage.aspect[rows].max(axis=0)
                other = [j for a, j in _ASPECT_ROW.items() if a not in query.aspects and a is not Aspect.SEQUEL]
                others = passage.about[other].sum(axis=0)
                out[8] = np.where(own > 0, own - 0.6 * np.minimum(others, 2), 0.0) / 3.5
        return out

    def rank(self, query: Query, passage: Passage, k: int = 3) -> Ranking:
        """The best `k` sentences of `passage` for `query`, and whether the best answers it."""
        n = len(passage)
        if not n:
            return Ranking((), (), 0.0, False, query.topic)
        feats = self.features(query, passage)
        weights = self.weights.aspect_rank if query.aspects else self.weights.rank
        score = np.asarray(weights, dtype=np.float32) @ feats
        k = min(k, n)
        top = np.argpartition(-score, k - 1)[:k] if k < n else np.arange(n)
        top = top[np.lexsort((top, -score[top]))]
        coverage = float(feats[1].max())
        return Ranking(
            tuple(int(i) for i in top),
            tuple(round(float(score[i]), 4) for i in top),
            round(coverage, 4),
            coverage >= self.weights.threshold,
            query.topic,
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
