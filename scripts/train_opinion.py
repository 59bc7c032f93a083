"""Train the opinion model (review opinion vs plot summary) and write `bot/data/opinion_model.json.gz`.

Run from the repository root with the dev dependencies installed:

    .venv/bin/python scripts/train_opinion.py [--data ../shared/data]

Data (read in place, never copied in): `pang_lee/subjectivity.zip`, 5,000 subjective review
snippets (`quote.tok.gt9.5000`) and 5,000 objective plot sentences (`plot.tok.gt9.5000`). The
model trains on the even-numbered lines of each file only; the odd lines are held out, and the
figures below are on them. `benchmarks/quality.py` draws its opinion-vs-plot trials from the odd
lines too, so the engine is never scored on sentences it trained on.

Method: the verdict model's NB-LR (Wang & Manning 2012) over `bot.sentiment.tokens` features,
binarized, C=0.5, beta=0.25; weights exported as a `{feature: weight}` table so that
`Opinion.probability()` is a dictionary sum.

Credit: Bo Pang and Lillian Lee, "A Sentimental Education: Sentiment Analysis Using Subjectivity
Summarization Based on Minimum Cuts", ACL 2004 (subjectivity data set v1.0), CC BY 4.0.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import sys
import time
import zipfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.sentiment import OPINION_FILE, Opinion, tokens  # noqa: E402
from scripts.train_verdict import Vocab, export, nb_linear, r4  # noqa: E402

OUT = ROOT / "bot" / "data" / OPINION_FILE


def load(data: Path) -> tuple[list[str], list[str]]:
    with zipfile.ZipFile(data / "pang_lee" / "subjectivity.zip") as zf:
        names = zf.namelist()

        def read(word: str) -> list[str]:
            name = next(n for n in names if word in n.lower() and not n.endswith("/"))
            return [s for s in io.TextIOWrapper(zf.open(name), encoding="latin-1").read().splitlines() if s.strip()]

        return read("quote"), read("plot")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = ap.parse_args()
    started = time.perf_counter()
    quotes, plots = load(args.data)
    train = [(s, 1) for s in quotes[0::2]] + [(s, 0) for s in plots[0::2]]
    test = [(s, 1) for s in quotes[1::2]] + [(s, 0) for s in plots[1::2]]
    feats = [set(tokens(s)) for s, _ in train]
    vocab = Vocab(feats)
    y = np.array([label for _, label in train])
    w, bias = nb_linear(vocab.matrix(feats), y, model="lr", c=0.5, beta=0.25, keep=60_000)
    model = {
        "weights": export(vocab.names, w),
        "bias": r4(bias),
        "metadata": {
            "trained_on": "pang_lee/subjectivity.zip even-numbered lines (2,500 + 2,500)",
            "credit": "Pang & Lee, ACL 2004, CC BY 4.0",
        },
    }
    opinion = Opinion(model)
    correct = sum((opinion.probability(s) >= 0.5) == bool(label) for s, label in test)
    model["metadata"]["held_out_accuracy"] = round(correct / len(test), 4)
    OUT.write_bytes(gzip.compress(json.dumps(model, sort_keys=True).encode(), mtime=0))
    print(f"held-out accuracy (odd lines, n={len(test)}): {correct / len(test):.4f}")
    print(f"wrote {OUT} ({OUT.stat().st_size / 1e6:.2f} MB) in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
