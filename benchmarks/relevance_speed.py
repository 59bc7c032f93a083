"""Micro-benchmark of `bot.relevance`: what ranking costs per question, within one film and as a re-ranker.

    python -m benchmarks.relevance_speed [--questions 300]

Films of 300, 1,000 and 3,000 sentences (real Pang & Lee review sentences, `benchmarks.synth`; a film of
many reviews) are prepared once, as the index would at start-up, then asked questions of one to four
content words. "Re-rank a shortlist" is the same ranking over 200 sentences drawn from the whole corpus,
as a second stage after the global inverted index picks them. Times are per question, one core.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Sequence

from benchmarks.synth import review_sentences
from bot.relevance import Relevance

QUESTIONS = (
    "how is the music?",
    "how scary is it?",
    "is it good for kids?",
    "what did you think of the ending?",
    "how is the acting of the lead?",
    "is the dialogue funny or just silly?",
    "are the special effects convincing?",
    "how does it compare to the first one?",
    "is the plot too predictable and slow?",
    "what about the cinematography and the score?",
)


def _ms(samples: Sequence[float]) -> tuple[float, float]:
    s = sorted(samples)
    return statistics.median(s) * 1e3, s[min(len(s) - 1, int(len(s) * 0.99))] * 1e3


def run(questions: int = 300, sizes: Sequence[int] = (300, 1_000, 3_000), shortlist: int = 200) -> list[str]:
    rel = Relevance.default()
    pool = list(review_sentences())
    rng = random.Random(5)
    out = [f"{'case':<36}{'prepare/sentence':>18}{'rank p50':>10}{'rank p99':>10}"]
    for n, size in [*((f"one film, {s:,} sentences", s) for s in sizes), (f"re-rank a shortlist of {shortlist}",
                                                                             shortlist)]:  # fmt: skip
        sents = rng.sample(pool, size)
        t0 = time.perf_counter()
        passage = rel.prepare([sents[i : i + 25] for i in range(0, size, 25)])  # reviews of 25 sentences
        per = (time.perf_counter() - t0) / size
        times = []
        for i in range(questions):
            q = rel.parse(QUESTIONS[i % len(QUESTIONS)])
            t0 = time.perf_counter()
            rel.rank(q, passage, k=3)
            times.append(time.perf_counter() - t0)
        p50, p99 = _ms(times)
        out.append(f"{n:<36}{per * 1e6:15.0f} µs{p50:8.2f} ms{p99:8.2f} ms")
    parse = []
    for i in range(questions):
        t0 = time.perf_counter()
        rel.parse(QUESTIONS[i % len(QUESTIONS)] + f" {i}")
        parse.append(time.perf_counter() - t0)
    p50, p99 = _ms(parse)
    out.append(f"{'parse a question':<36}{'':>18}{p50:8.2f} ms{p99:8.2f} ms")
    fresh = []
    for i in range(questions):
        rel.forget()  # every term's neighbours looked up anew
        t0 = time.perf_counter()
        rel.parse(QUESTIONS[i % len(QUESTIONS)])
        fresh.append(time.perf_counter() - t0)
    p50, p99 = _ms(fresh)
    out.append(f"{'parse a question, words not seen':<36}{'':>18}{p50:8.2f} ms{p99:8.2f} ms")
    return out


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="bot.relevance micro-benchmark")
    ap.add_argument("--questions", type=int, default=300)
    args = ap.parse_args(argv)
    print("\n".join(run(args.questions)))


if __name__ == "__main__":
    main()
