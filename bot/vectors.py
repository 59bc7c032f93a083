"""Word vectors: which words mean nearly the same ("scary" / "frightening", "kids" / "children").

A pruned, quantised GloVe 6B table (Pennington, Socher and Manning, EMNLP 2014; Stanford NLP, PDDL 1.0,
public domain) built by `scripts/build_vectors.py`: the most frequent lower-case alphabetic words, in
GloVe's frequency order (row 0 is the commonest word), each a unit vector stored as int8. Shipped in
`bot/data/word_vectors.npz` and read offline from the package data; nothing in it can run code.
"""

from __future__ import annotations

import io
import threading
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

VECTORS_FILE = "word_vectors.npz"
SCALE = 127.0  # int8 code of a unit vector's coordinate: round(x * SCALE)

Matrix = npt.NDArray[np.float32]


class WordVectors:
    """Unit word vectors with a word -> row index; rows are in frequency order."""

    def __init__(self, words: list[str], codes: npt.NDArray[Any]) -> None:
        if codes.ndim != 2 or len(words) != codes.shape[0]:
            raise ValueError("word list and vector table differ in size")
        self.words = words
        self.index = {w: i for i, w in enumerate(words)}
        m = codes.astype(np.float32)
        norms = np.sqrt(np.einsum("ij,ij->i", m, m))[:, None]
        self.matrix: Matrix = m / np.maximum(norms, 1e-6)

    @classmethod
    def from_bytes(cls, raw: bytes) -> WordVectors:
        """A table from the bytes of a `.npz` written by `scripts/build_vectors.py` (no pickles allowed)."""
        with np.load(io.BytesIO(raw), allow_pickle=False) as z:
            words = bytes(z["words"]).decode("utf-8").split("\n")
            codes = z["vectors"]
        return cls(words, codes)

    @classmethod
    def default(cls) -> WordVectors:
        """The shipped table, read from the package data once per process."""
        return _default()

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: object) -> bool:
        return word in self.index

    def similarity(self, a: str, b: str) -> float:
        """Cosine similarity of two words; 0 when either has no vector."""
        i, j = self.index.get(a), self.index.get(b)
        if i is None or j is None:
            return 0.0
        return float(self.matrix[i] @ self.matrix[j])

    def similarities(self, word: str) -> Matrix | None:
        """The cosine of `word` with every word of the table, or None when it has no vector."""
        i = self.index.get(word)
        return None if i is None else self.matrix @ self.matrix[i]

    def neighbours(self, word: str, k: int = 10) -> list[tuple[str, float]]:
        """The `k` words nearest `word` (itself excluded), nearest first."""
        sims = self.similarities(word)
        if sims is None:
            return []
        k = min(k, len(sims) - 1)
        top = np.argpartition(-sims, k)[: k + 1]
        top = top[np.argsort(-sims[top], kind="stable")]
        return [(self.words[int(i)], float(sims[i])) for i in top if self.words[int(i)] != word][:k]


_LOADING = threading.Lock()  # read once, also when a preloading thread and the engine ask at the same time


def _default() -> WordVectors:
    with _LOADING:
        return _read_default()


@cache
def _read_default() -> WordVectors:
    return WordVectors.from_bytes(resources.files("bot").joinpath("data", VECTORS_FILE).read_bytes())
