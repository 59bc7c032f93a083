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
from functools import cache
from importlib import resources
from itertools import pairwise, repeat
from typing import Any

__all__ = ["Opinion", "Polarity", "tokens"]

MODEL_FILE = "verdict_model.json.gz"
OPINION_FILE = "opinion_model.json.gz"

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)*|[.,!?;:()\"\n]")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'"})
_BREAKS = frozenset('.,!?;:()"\n')
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
    """`tokens()` of each sentence, in order; sentences end at . ! ? and newlines."""
    out: list[list[str]] = []
    feats: list[str] = []
    clause: list[str] = []
    negated = 0
    for tok in _TOKEN.findall(text.lower().translate(_APOSTROPHES)):
        if tok in _BREAKS:
            negated = 0
            if len(clause) > 1:
                feats += [a + " " + b for a, b in pairwise(clause)]
            clause = []
            if tok in _KEPT_PUNCT:
                feats.append(tok)
            if tok in _SENTENCE_END and feats:
                out.append(feats)
                feats = []
            continue
        word = tok
        if negated:
            word = "NOT_" + tok
            negated -= 1
        if tok in _NEGATORS or tok.endswith("n't"):
            negated = _NEGATION_SCOPE
        feats.append(word)
        clause.append(word)
    if len(clause) > 1:
        feats += [a + " " + b for a, b in pairwise(clause)]
    if feats:
        out.append(feats)
    return out


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def _weights(spec: dict[str, Any]) -> dict[str, float]:
    return {str(k): float(v) for k, v in spec["weights"].items()}


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
        feats: set[str] = set()
        for toks in sents:
            feats.update(toks)
        if not feats:
            return []
        base = sum(map(self._doc_w.get, feats, repeat(0.0))) + self._doc_b
        whole = sum(map(self._sent_w.get, feats, repeat(0.0))) / math.sqrt(len(feats))
        scores = [self._snippet(set(toks)) for toks in sents]
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

    def document(self, text: str) -> float:
        """P(positive) in [0, 1] for a whole review; 0.5 when it has no words."""
        inputs = self.document_inputs(text)
        if not inputs:
            return 0.5
        return _sigmoid(sum(c * x for c, x in zip(self._stack, inputs, strict=True)) + self._stack_b)

    def sentence(self, text: str) -> float:
        """Polarity in [-1, 1] of one sentence or snippet (2 P(positive) - 1); 0 when no words."""
        feats = set(tokens(text))
        if not feats:
            return 0.0
        return math.tanh(self._snippet(feats) / 2.0)


@cache
def _default() -> Polarity:
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
        feats = set(tokens(text))
        if not feats:
            return 0.5
        return _sigmoid(sum(map(self._w.get, feats, repeat(0.0))) + self._b)


@cache
def _default_opinion() -> Opinion:
    raw = resources.files("bot").joinpath("data", OPINION_FILE).read_bytes()
    return Opinion(json.loads(gzip.decompress(raw)))
