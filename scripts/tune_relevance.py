"""Fit `bot.relevance.Weights` on SubjQA's tuning domains (never movies) and print them.

Run from the repository root with the dev dependencies installed:

    .venv/bin/python scripts/tune_relevance.py [--data ../shared/data/subjqa]

Data: SubjQA's books, electronics, grocery, restaurants and tripadvisor domains, dev and test files
(Bjerva et al., EMNLP 2020; research data, read in place, never copied in). The movies domain is the
held-out set of `benchmarks/subjqa.py` and is never read here.

Method. For each setting of the near-word knobs (the cosine where a word starts to count, and what a
near word is worth) the sentence features of every answerable question are computed, and the ranking
coefficients are fitted by coordinate ascent on hit@1 itself (the exact-match weight fixed at 1, each
other weight in turn over -1.5..1.5 in steps of 0.1, three rounds), scored by hit@1 with each domain left
out in turn.
The setting with the best left-out hit@1 wins and its coefficients are refitted on all domains. Then
answerability: the reviews are said not to answer when no sentence matches any term of the question,
or when the best sentence's score is under a threshold, the highest at which the pooled wrong
abstention on answerable questions stays at or under 10 %.
"""

from __future__ import annotations

import argparse
import itertools
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


def questions(domains: list[Domain], rel: Relevance) -> list[Question]:
    out = []
    for n, d in enumerate(domains):
        for sp, passages, df in d.splits:
            for case in sp.cases:
                p = passages[case.item]
                feats = rel.features(rel.parse(case.question, df=df), p).astype(np.float64)
                gold = np.array([any(sq.holds(t, a) for a in case.spans) for t in p.texts], dtype=bool)
                out.append(Question(n, feats, gold, case.answerable))
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


GRID = np.round(np.linspace(-1.5, 1.5, 31), 2)


def fit_rank(qs: list[Question], rounds: int = 3) -> F:
    """Coordinate ascent on hit@1 (a step function, so no gradient): the exact-match weight is fixed at 1."""
    pack = Pack(qs)
    w = np.zeros(len(FEATURES))
    w[0] = 1.0
    best = pack.hit(w)
    for _ in range(rounds):
        for j in range(1, len(w)):
            for v in GRID:
                trial = w.copy()
                trial[j] = v
                h = pack.hit(trial)
                if h > best + 1e-9:
                    best, w = h, trial
    return w


def hit1(qs: list[Question], w: F) -> float:
    return Pack(qs).hit(w)


def fit_threshold(qs: list[Question], w: F) -> tuple[float, float, float]:
    """The highest best-score threshold whose pooled wrong abstention (with the no-match rule) stays <= 10 %.

    Returns (threshold, wrong abstention, abstention on unanswerable questions).
    """
    best = np.array([float((w @ q.feats).max()) if q.feats.shape[1] else 0.0 for q in qs])
    matched = np.array([bool(q.feats.shape[1] and q.feats[1].max() > 0) for q in qs])
    y = np.array([q.answerable for q in qs])

    def abstains(t: float) -> npt.NDArray[np.bool_]:
        return np.asarray(~matched | (best < t))

    chosen = float(best.min())
    for t in np.unique(best):
        if np.mean(abstains(t)[y]) <= WRONG_ABSTAIN:
            chosen = float(t)
    a = abstains(chosen)
    return chosen, float(np.mean(a[y])), float(np.mean(a[~y]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=None)
    args = ap.parse_args()
    t0 = time.perf_counter()
    base = Relevance.default()
    domains = load(args.data, base)
    print(f"loaded {len(domains)} domains in {time.perf_counter() - t0:.1f} s")
    best: tuple[float, Weights, F] | None = None
    for near, semantic in itertools.product((0.6, 0.7, 0.8), (0.3, 0.6)):
        weights = replace(base.weights, near=near, semantic=semantic)
        rel = Relevance(base.vectors, base.opinion, base.polarity, weights)
        qs = questions(domains, rel)
        left_out = []
        for n in range(len(domains)):
            w = fit_rank([q for q in qs if q.domain != n])
            left_out.append(hit1([q for q in qs if q.domain == n], w))
        score = float(np.mean(left_out))
        print(f"near {near} semantic {semantic}: left-out hit@1 {score:.3f} ({' '.join(f'{v:.3f}' for v in left_out)})")
        sys.stdout.flush()
        if best is None or score > best[0]:
            best = (score, weights, np.zeros(0))
    assert best is not None
    weights = best[1]
    rel = Relevance(base.vectors, base.opinion, base.polarity, weights)
    qs = questions(domains, rel)
    w = fit_rank(qs)
    threshold, wrong, right = fit_threshold(qs, w)
    weights = replace(weights, rank=tuple(round(float(v), 4) for v in w), threshold=round(threshold - 5e-5, 4))
    for n, d in enumerate(domains):
        mine = [q for q in qs if q.domain == n]
        a = [bool(not (q.feats.shape[1] and q.feats[1].max() > 0) or (w @ q.feats).max() < threshold) for q in mine]
        ans = [x for x, q in zip(a, mine, strict=True) if q.answerable]
        una = [x for x, q in zip(a, mine, strict=True) if not q.answerable]
        print(f"  {d.name}: hit@1 {Pack(mine).hit(w):.3f}, hit@3 {Pack(mine).hit(w, 3):.3f}; abstain "
              f"{np.mean(una):.3f} on unanswerable, {np.mean(ans):.3f} wrongly")  # fmt: skip
    pack = Pack(qs)
    print(f"all tuning domains: hit@1 {pack.hit(w):.3f}, hit@3 {pack.hit(w, 3):.3f}; "
          f"abstain {right:.3f} on unanswerable, {wrong:.3f} wrongly")  # fmt: skip
    print(weights)
    print(f"{time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
