"""Verdict model: positive / negative polarity of reviews and sentences.

Pure-Python inference over linear weights trained by `scripts/train_verdict.py`
(NB-weighted logistic regression, Wang & Manning 2012, on Pang & Lee's movie
reviews and Rotten Tomatoes snippets). The weights live in
`bot/data/verdict_model.json.gz`: one `{feature: weight}` table per task, so a
score is a dictionary sum over the features of `tokens(text)`.
"""

from __future__ import annotations

import gzip
import json
import math
import re
import threading
from collections.abc import Callable, Sequence
from functools import cache
from importlib import resources
from itertools import pairwise, repeat
from typing import Any

from bot.text import sentences as split_sentences

__all__ = ["Opinion", "Polarity", "tokens"]

MODEL_FILE = "verdict_model.json.gz"
OPINION_FILE = "opinion_model.json.gz"

_WORDS = re.compile(r"[a-z0-9]+(?:'[a-z]+)*")
_CLAUSES = re.compile(r'([.,!?;:()"\n])')  # punctuation ends a clause; never part of a word
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'"})
_PARAGRAPHS = re.compile(r"\n\s*\n")  # as in bot.text.sentences
_SPACED = " ".join
_SENTENCE_END = frozenset(".!?\n")
_KEPT_PUNCT = frozenset("!?")
_NEGATORS = frozenset(
    {"not", "no", "never", "cannot", "nothing", "nobody", "none", "nor", "neither", "nowhere", "hardly"}
)
_NEGATION_SCOPE = 3


def tokens(text: str) -> list[str]:
    """Features of `text`: lowercased words, `!`/`?`, and in-clause word bigrams.

    Up to three words after a negator ("not", "no", "never", "...n't") and
    before the next punctuation mark get a `NOT_` prefix. Bigrams are two
    adjacent words of one clause joined by a space: "isn't NOT_funny".
    """
    return [f for sentence in _sentences(text) for f in sentence]


def _sentences(text: str) -> list[list[str]]:
    """`tokens()` of each sentence, in order; sentences end at . ! ? and newlines.

    Works clause by clause (text between two punctuation marks): a clause without a negator needs
    no per-word loop, and features come out in the same order as a token-by-token pass.
    """
    out: list[list[str]] = []
    feats: list[str] = []
    text = text.lower()
    if not text.isascii() or "`" in text:  # translate() is slow; most text has nothing to map
        text = text.translate(_APOSTROPHES)
    parts = _CLAUSES.split(text)
    for n in range(0, len(parts), 2):
        clause = _WORDS.findall(parts[n])
        if clause:
            if "n't" in parts[n] or not _NEGATORS.isdisjoint(clause):
                clause = _negated(clause)
            feats += clause
            if len(clause) > 1:
                feats += map(_SPACED, pairwise(clause))
        if n + 1 < len(parts):
            mark = parts[n + 1]
            if mark in _KEPT_PUNCT:
                feats.append(mark)
            if mark in _SENTENCE_END and feats:
                out.append(feats)
                feats = []
    if feats:
        out.append(feats)
    return out


def _negated(clause: list[str]) -> list[str]:
    """Up to three words after a negator get a `NOT_` prefix."""
    out: list[str] = []
    negated = 0
    for tok in clause:
        word = tok
        if negated:
            word = "NOT_" + tok
            negated -= 1
        if tok in _NEGATORS or tok.endswith("n't"):
            negated = _NEGATION_SCOPE
        out.append(word)
    return out


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def _weights(spec: dict[str, Any]) -> dict[str, float]:
    weights: dict[str, float] = spec["weights"]  # JSON: str keys, numbers; the shipped file is trusted
    return weights


class Polarity:
    """Sentiment scorer for whole reviews (`document`) and snippets (`sentence`).

    `mixed` is the half-width of the neutral band of `sentence()`: a value with
    `abs(v) <= mixed` reads as mixed/neutral, above as positive, below as negative.
    """

    def __init__(self, model: dict[str, Any]) -> None:
        doc, sent = model["document"], model["sentence"]
        self._doc_w = _weights(doc)
        self._doc_b = float(doc["bias"])
        self._stack = [float(c) for c in doc["stack"]["coef"]]
        self._stack_b = float(doc["stack"]["intercept"])
        self._sent_w = _weights(sent)
        self._sent_b = float(sent["bias"]) - float(sent["centre"])
        self.mixed = float(sent["mixed"])
        self.metadata: dict[str, Any] = dict(model.get("metadata", {}))

    @classmethod
    def default(cls) -> Polarity:
        """The shipped model, read from the package data once per process."""
        return _default()

    def _snippet(self, feats: set[str]) -> float:
        return sum(map(self._sent_w.get, feats, repeat(0.0))) + self._sent_b

    def document_inputs(self, text: str) -> list[float]:
        """The combiner's inputs: review-model score, then snippet-model summaries ([] if no words)."""
        sents = _sentences(text)
        return self._inputs(sents, [self._snippet(set(toks)) for toks in sents])

    def _inputs(
        self, sents: list[list[str]], scores: list[float], weights: Callable[[str], float] | None = None
    ) -> list[float]:
        """`document_inputs()` from each sentence's features and snippet score (`weights`: snippet weights)."""
        feats: set[str] = set()
        for toks in sents:
            feats.update(toks)
        if not feats:
            return []
        base = sum(map(self._doc_w.get, feats, repeat(0.0))) + self._doc_b
        snippet = map(weights, feats) if weights else map(self._sent_w.get, feats, repeat(0.0))
        whole = sum(snippet) / math.sqrt(len(feats))
        pol = [math.tanh(s / 2.0) for s in scores]
        n = len(pol)
        return [
            base,
            whole,
            sum(pol) / n,
            sum(pol[-3:]) / len(pol[-3:]),
            sum(1 for s in scores if s > 0) / n,
            sum(pol[:3]) / len(pol[:3]),
        ]

    def _combine(self, inputs: list[float]) -> float:
        if not inputs:
            return 0.5
        return _sigmoid(sum(c * x for c, x in zip(self._stack, inputs, strict=True)) + self._stack_b)

    def document(self, text: str) -> float:
        """P(positive) in [0, 1] for a whole review; 0.5 when it has no words."""
        return self._combine(self.document_inputs(text))

    def sentence(self, text: str) -> float:
        """Polarity in [-1, 1] of one sentence or snippet (2 P(positive) - 1); 0 when no words."""
        feats = set(tokens(text))
        if not feats:
            return 0.0
        return math.tanh(self._snippet(feats) / 2.0)

    def review(
        self, sentences: Sequence[str], text: str | None = None, keep: list[set[str]] | None = None
    ) -> tuple[list[float], float | None]:
        """`sentence()` of each of `sentences`, and `document(text)` when `text` is given.

        Each sentence is tokenised once. When `sentences` are the review's own (as `bot.text.sentences`
        splits `text`) and each ends where the tokeniser ends one, the review's features are theirs
        in order, so `text` is not tokenised again. `keep` gets each sentence's features (for
        `Opinion.of_features`, which then needs no tokenising of its own).
        """
        sents: list[list[str]] = []  # the tokeniser's sentences, in order
        scores: list[float] = []  # and their snippet scores
        polarity: list[float] = []
        seen: dict[str, float] = {}  # snippet weight of each feature met: the review needs them again
        get = self._sent_w.get
        for sentence in sentences:
            parts = _sentences(sentence)
            for toks in parts:
                feats = set(toks)
                weights = list(map(get, feats, repeat(0.0)))
                seen.update(zip(feats, weights, strict=True))
                scores.append(sum(weights) + self._sent_b)
            if len(parts) == 1:
                polarity.append(math.tanh(scores[-1] / 2.0))
                if keep is not None:
                    keep.append(feats)
            elif not parts:
                polarity.append(0.0)
                if keep is not None:
                    keep.append(set())
            else:
                flat = set([f for toks in parts for f in toks])  # from a list, as `sentence()` sums it
                polarity.append(math.tanh((sum(map(seen.__getitem__, flat)) + self._sent_b) / 2.0))
                if keep is not None:
                    keep.append(flat)
            sents += parts
        if text is None:
            return polarity, None
        if not _tiles(text, sentences):
            return polarity, self.document(text)
        return polarity, self._combine(self._inputs(sents, scores, seen.__getitem__))


def _tiles(text: str, sentences: Sequence[str]) -> bool:
    """Whether `_sentences(text)` is the `_sentences()` of each of `sentences` one after another.

    True when they are `split_sentences(text)`, no paragraph holds a newline (a break for the
    tokeniser, a space for the splitter) and none ends in "…" (a break for the splitter only):
    every other break between two sentences ends a tokeniser sentence too.
    """
    if any(s.endswith("…") for s in sentences):
        return False
    if any("\n" in para.strip() for para in _PARAGRAPHS.split(text)):
        return False
    return list(sentences) == split_sentences(text)


_LOADING = threading.Lock()  # each model read once, also when bot.engine.preload and the engine ask together


def _default() -> Polarity:
    with _LOADING:
        return _read_default()


@cache
def _read_default() -> Polarity:
    raw = resources.files("bot").joinpath("data", MODEL_FILE).read_bytes()
    return Polarity(json.loads(gzip.decompress(raw)))


class Opinion:
    """How much a sentence reads as the reviewer's opinion rather than plot summary.

    Weights trained by `scripts/train_opinion.py` on Pang & Lee's subjectivity data.
    """

    def __init__(self, model: dict[str, Any]) -> None:
        self._w = _weights(model)
        self._b = float(model["bias"])

    @classmethod
    def default(cls) -> Opinion:
        """The shipped model, read from the package data once per process."""
        return _default_opinion()

    def probability(self, text: str) -> float:
        """P(opinion) in [0, 1]; 0.5 when the text has no words."""
        return self.of_features(set(tokens(text)))

    def of_features(self, feats: set[str]) -> float:
        """P(opinion) of a sentence from its features (`tokens(text)` as a set)."""
        if not feats:
            return 0.5
        return _sigmoid(sum(map(self._w.get, feats, repeat(0.0))) + self._b)


def _default_opinion() -> Opinion:
    with _LOADING:
        return _read_opinion()


@cache
def _read_opinion() -> Opinion:
    raw = resources.files("bot").joinpath("data", OPINION_FILE).read_bytes()
    return Opinion(json.loads(gzip.decompress(raw)))
