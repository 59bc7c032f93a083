"""How common an English word is: its frequency rank in a bundled word list (`scripts/build_lexicon.py`).

The list is the 50,000 most frequent plain words of the GloVe 6B vocabulary (Wikipedia and news
text), read once on first use. Rank 1 is "the"; a word outside the list has no rank.
"""

from __future__ import annotations

import gzip
from functools import cache
from pathlib import Path

FILE = Path(__file__).parent / "data" / "lexicon.txt.gz"


@cache
def _ranks() -> dict[str, int]:
    with gzip.open(FILE, "rt", encoding="utf-8") as fh:
        listed = [line.strip() for line in fh if line.strip() and not line.startswith("#")]
    return {word: n for n, word in enumerate(listed, 1)}


def rank(word: str) -> int | None:
    """The frequency rank of a folded word (1 = most frequent), or None when it is not in the list."""
    return _ranks().get(word)


def size() -> int:
    """How many words the list has."""
    return len(_ranks())
