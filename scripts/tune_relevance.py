"""Fit `bot.relevance.Weights` on SubjQA's tuning domains (never movies) and print them.

Run from the repository root with the dev dependencies installed:

    .venv/bin/python scripts/tune_relevance.py [--data ../shared/data/subjqa] [--grid]

Data: SubjQA's books, electronics, grocery, restaurants and tripadvisor domains, dev and test files
(Bjerva et al., EMNLP 2020; research data, read in place, never copied in). The movies domain is the
held-out set of `benchmarks/subjqa.py` and is never read here. Also: the snippet benchmark's tuning
questions (`python -m benchmarks.quality --tune`: 400 Pang & Lee reviews of folds 0-7, aspect
questions); its reported folds 8-9 are never read here.

Method. Two sets of ranking weights: `rank` for any question, fitted on SubjQA alone, and `aspect_rank`
for a question naming one of the lexicon's film aspects ("how is the music?"), fitted on the SubjQA
questions that name one and the Pang & Lee ones together, over a wider range. Weights are fitted by
coordinate ascent on hit@1 itself (a step function: no gradient), the exact-match weight fixed at 1,
each other weight in turn over a grid (0..1.5 by 0.1; 0..4 by 0.2 for `aspect_rank`; never negative, so
matching more of the question or reading more as an opinion never costs), three rounds; the general
weights are also scored with each SubjQA domain left out in turn. `--grid` also searches the near-word
knobs (where a word starts to count as near, and what it is worth): the left-out hit@1 moved by under a
point across 0.5-0.8 x 0.3-1.0, so the default runs 0.6 / 1.0 only, the setting that gives a near word
the most credit within that flat range ("kids" / "children"). Answerability: the reviews are said not to
answer when no sentence covers enough of the question (the best `soft` feature under a threshold), the
highest threshold at which the pooled wrong abstention on answerable SubjQA questions stays at or under
10 %. (A threshold on the best ranking score abstained about as often, 24.5 % against 23.2 %, but moves
with every reweighting; coverage means one thing.)
"""

from __future__ import annotations

import argparse
import itertools
import math
import random
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import numpy.typing as npt

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import subjqa as sq  # noqa: E402
from bot.relevance import FEATURES, Frequencies, Passage, Relevance, Weights  # noqa: E402

F = npt.NDArray[np.float64]
WRONG_ABSTAIN = 0.10
PANG_LEE = -1  # the domain number of the Pang & Lee snippet questions


@dataclass
class Domain:
    name: str
    splits: list[tuple[sq.Split, dict[str, Passage], Frequencies]]


def load(folder: Path | None, rel: Relevance) -> list[Domain]:
    out = []
    for d in sq.TUNING:
        splits = []
        for s in ("dev", "test"):
            sp = sq.load(d, s, folder)
            passages = {item: rel.prepare(sents, sp.positions[item]) for item, sents in sp.items.items()}
            splits.append((sp, passages, rel.document_frequencies(passages.values())))
        out.append(Domain(d, splits))
    return out


@dataclass
class Question:
    domain: int
    feats: F  # features x sentences
    gold: npt.NDArray[np.bool_]  # per sentence: holds an answer
    answerable: bool
    named: bool  # the question names one of the lexicon's aspects (ranked by Weights.aspect_rank)


def questions(domains: list[Domain], rel: Relevance) -> list[Question]:
    out = []
    for n, d in enumerate(domains):
        for sp, passages, df in d.splits:
            for case in sp.cases:
                p = passages[case.item]
                query = rel.parse(case.question, df=df)
                feats = rel.features(query, p).astype(np.float64)
                gold = np.array([any(sq.holds(t, a) for a in case.spans) for t in p.texts], dtype=bool)
                out.append(Question(n, feats, gold, case.answerable, bool(query.aspects)))
    return out


class Pack:
    """Every sentence of many questions in one matrix, for a quick hit@k of any weights."""

    def __init__(self, qs: list[Question]) -> None:
        qs = [q for q in qs if q.answerable]
        self.x = np.concatenate([q.feats for q in qs], axis=1).T
        self.gold = np.concatenate([q.gold for q in qs])
        sizes = np.array([q.feats.shape[1] for q in qs])
        self.starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        self.seg = np.repeat(np.arange(len(qs)), sizes)
        self.pos = np.arange(len(self.seg)) - self.starts[self.seg]

    def hit(self, w: F, k: int = 1) -> float:
        """The share of questions whose `k` best sentences (ties: the earlier) hold an answer."""
        s = self.x @ w - 1e-7 * self.pos
        if k == 1:
            top = np.maximum.reduceat(s, self.starts)[self.seg]
            first = np.minimum.reduceat(np.where(s >= top, np.arange(len(s)), len(s)), self.starts)
            return float(np.mean(self.gold[first]))
        order = np.lexsort((-s, self.seg))
        rank = np.empty_like(order)
        rank[order] = np.arange(len(order)) - self.starts[self.seg[order]]
        held = (self.gold & (rank < k)).astype(np.int64)
        return float(np.mean(np.add.reduceat(held, self.starts) > 0))


# Weights are kept >= 0, so a sentence that matches more of the question, or reads more as an opinion, never
# scores lower: on this noisy data, negative weights fitted flat hit@1 differences, not meaning.
GRID = np.round(np.linspace(0.0, 1.5, 16), 2)
WIDE = np.round(np.linspace(0.0, 4.0, 21), 2)  # for the aspect weights: opinions about the aspect weigh more


def fit_rank(qs: list[Question], rounds: int = 3, grid: npt.NDArray[np.float64] | None = None) -> F:
    """Coordinate ascent on hit@1 (a step function, so no gradient): the exact-match weight is fixed at 1.

    The objective is the sum of hit@1 over the SubjQA questions and over the Pang & Lee ones (domain PANG_LEE).
    """
    packs = [Pack(part) for part in ([q for q in qs if q.domain != PANG_LEE], [q for q in qs if q.domain == PANG_LEE])
             if any(q.answerable for q in part)]  # fmt: skip

    def objective(w: F) -> float:
        return sum(p.hit(w) for p in packs)

    w = np.zeros(len(FEATURES))
    w[0] = 1.0
    best = objective(w)
    for _ in range(rounds):
        for j in range(1, len(w)):
            for v in GRID if grid is None else grid:
                trial = w.copy()
                trial[j] = v
                h = objective(trial)
                if h > best + 1e-9:
                    best, w = h, trial
    return w


def hit1(qs: list[Question], w: F) -> float:
    return Pack(qs).hit(w)


def fit_threshold(qs: list[Question]) -> tuple[float, float, float]:
    """The highest coverage threshold whose pooled wrong abstention stays <= 10 %.

    Returns (threshold, wrong abstention, abstention on unanswerable questions).
    """
    coverage = np.array([float(q.feats[1].max()) if q.feats.shape[1] else 0.0 for q in qs])
    y = np.array([q.answerable for q in qs])
    chosen = 0.0
    for t in np.unique(coverage):
        if np.mean(coverage[y] < t) <= WRONG_ABSTAIN:
            chosen = float(t)
    a = coverage < chosen
    return chosen, float(np.mean(a[y])), float(np.mean(a[~y]))


def pang_lee(rel: Relevance) -> list[Question]:
    """The snippet benchmark's tuning questions (400 Pang & Lee reviews of folds 0-7), as `--tune` asks them."""
    from benchmarks import quality
    from bot.text import sentences

    rng = random.Random(3)
    _, subj, _ = quality.snippet_labeller(rng)
    films, cases = quality.pang_lee_films(rng, subj, tune=True)
    passages = {f.id: rel.prepare(sentences(f.text)) for f in films}
    df = rel.document_frequencies(passages.values())
    out = []
    for case in cases:
        p = passages[case.film.id]
        query = rel.parse(quality.QUESTIONS[case.aspect].format(t=case.film.title), case.film.title, df)
        gold = np.array([t in case.answers for t in p.texts], dtype=bool)
        out.append(Question(PANG_LEE, rel.features(query, p).astype(np.float64), gold, True, bool(query.aspects)))
    return out


def hits(qs: list[Question], general: F, aspect: F, k: int = 1) -> float:
    """hit@k with each question ranked by the weights of its regime."""
    named = [q for q in qs if q.named and q.answerable]
    other = [q for q in qs if not q.named and q.answerable]
    total = len(named) + len(other)
    if not total:
        return 0.0
    parts = [(Pack(g).hit(w, k), len(g)) for g, w in ((named, aspect), (other, general)) if g]
    return sum(h * n for h, n in parts) / total


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--grid", action="store_true", help="also search the near-word knobs (slow; the result is flat)")
    args = ap.parse_args()
    t0 = time.perf_counter()
    base = Relevance.default()
    domains = load(args.data, base)
    print(f"loaded {len(domains)} domains in {time.perf_counter() - t0:.1f} s")
    settings = list(itertools.product((0.5, 0.6, 0.7), (0.6, 1.0))) if args.grid else [(0.6, 1.0)]
    best: tuple[float, Weights] | None = None
    for near, semantic in settings:
        weights = replace(base.weights, near=near, semantic=semantic)
        rel = Relevance(base.vectors, base.opinion, base.polarity, weights)
        qs = questions(domains, rel)
        left_out = []
        for n in range(len(domains)):
            w = fit_rank([q for q in qs if q.domain != n])
            left_out.append(hit1([q for q in qs if q.domain == n], w))
        score = float(np.mean(left_out))
        print(f"near {near} semantic {semantic}: general weights, left-out hit@1 {score:.3f} "
              f"({' '.join(f'{v:.3f}' for v in left_out)})")  # fmt: skip
        sys.stdout.flush()
        if best is None or score > best[0]:
            best = (score, weights)
    assert best is not None
    weights = best[1]
    rel = Relevance(base.vectors, base.opinion, base.polarity, weights)
    qs = questions(domains, rel)
    pl = pang_lee(rel)
    general = fit_rank(qs)
    named = [q for q in qs if q.named]
    aspect = fit_rank(named + pl, grid=WIDE)
    print(f"aspect weights: {len([q for q in named if q.answerable])} answerable SubjQA questions name an aspect, "
          f"hit@1 {hit1(named, aspect):.3f} (general weights {hit1(named, general):.3f}); Pang & Lee folds 0-7 "
          f"top-1 {hit1(pl, aspect):.3f} (general weights {hit1(pl, general):.3f})")  # fmt: skip
    threshold, wrong, right = fit_threshold(qs)
    weights = replace(
        weights,
        rank=tuple(round(float(v), 4) for v in general),
        aspect_rank=tuple(round(float(v), 4) for v in aspect),
        threshold=math.floor(threshold * 1000) / 1000,  # rounded down: never abstains more than fitted
    )
    for n, d in enumerate(domains):
        mine = [q for q in qs if q.domain == n]
        a = [bool(not q.feats.shape[1] or q.feats[1].max() < threshold) for q in mine]
        ans = [x for x, q in zip(a, mine, strict=True) if q.answerable]
        una = [x for x, q in zip(a, mine, strict=True) if not q.answerable]
        print(f"  {d.name}: hit@1 {hits(mine, general, aspect):.3f}, hit@3 {hits(mine, general, aspect, 3):.3f}; "
              f"abstain {np.mean(una):.3f} on unanswerable, {np.mean(ans):.3f} wrongly")  # fmt: skip
    print(f"all tuning domains: hit@1 {hits(qs, general, aspect):.3f}, hit@3 {hits(qs, general, aspect, 3):.3f}; "
          f"abstain {right:.3f} on unanswerable, {wrong:.3f} wrongly")  # fmt: skip
    print(weights)
    print(f"{time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
