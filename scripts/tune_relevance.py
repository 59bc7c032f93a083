"""Fit `bot.relevance.Weights` on SubjQA's tuning domains (never movies) and print them.

Run from the repository root with the dev dependencies installed:

    .venv/bin/python scripts/tune_relevance.py [--data ../shared/data/subjqa]

Data: SubjQA's books, electronics, grocery, restaurants and tripadvisor domains, dev and test files
(Bjerva et al., EMNLP 2020; research data, read in place, never copied in). The movies domain is the
held-out set of `benchmarks/subjqa.py` and is never read here.

Method. For each setting of the near-word knobs (the cosine where a word starts to count, and what a
near word is worth) the sentence features of every answerable question are computed, and the ranking
coefficients are fitted by a listwise softmax (the question's answer sentences should get the most
probability among its item's sentences; L2 penalty), scored by hit@1 with each domain left out in turn.
The setting with the best left-out hit@1 wins and its coefficients are refitted on all domains. Then
answerability: a logistic regression of "answerable" on the best sentence's inputs
(`Relevance.answer_inputs`) over every question, and the threshold the highest at which the pooled
wrong abstention on answerable questions stays at or under 10 %.
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
            passages = {item: rel.prepare(sents) for item, sents in sp.items.items()}
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


def fit_rank(qs: list[Question], l2: float = 0.1, steps: int = 300) -> F:
    """Listwise softmax: maximise the log of the probability mass on each question's answer sentences."""
    usable = [q for q in qs if q.answerable and q.gold.any()]
    k = len(FEATURES)
    w = np.zeros(k)
    lr = 0.5
    for _ in range(steps):
        grad = l2 * w
        for q in usable:
            s = w @ q.feats
            e = np.exp(s - s.max())
            p = e / e.sum()
            pg = p * q.gold
            pg /= pg.sum()
            grad -= (q.feats @ pg - q.feats @ p) / len(usable)
        w -= lr * grad
    return w


def hit1(qs: list[Question], w: F) -> float:
    ans = [q for q in qs if q.answerable]
    return sum(bool(q.gold[int(np.argmax(w @ q.feats))]) for q in ans) / max(len(ans), 1)


def fit_answer(qs: list[Question], rel: Relevance, w: F) -> tuple[tuple[float, ...], float, float, float]:
    from sklearn.linear_model import LogisticRegression

    x = np.array([rel.answer_inputs(q.feats.astype(np.float32), (w @ q.feats).astype(np.float32))[:-1] for q in qs])
    y = np.array([q.answerable for q in qs])
    clf = LogisticRegression(C=1.0).fit(x, y)
    coef = (*(float(c) for c in clf.coef_[0]), float(clf.intercept_[0]))
    p = clf.predict_proba(x)[:, 1]
    best = 0.0
    for t in np.unique(p):
        if np.mean(p[y] < t) <= WRONG_ABSTAIN:
            best = float(t)
    return coef, best, float(np.mean(p[y] < best)), float(np.mean(p[~y] < best))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=None)
    args = ap.parse_args()
    t0 = time.perf_counter()
    base = Relevance.default()
    domains = load(args.data, base)
    print(f"loaded {len(domains)} domains in {time.perf_counter() - t0:.1f} s")
    best: tuple[float, Weights, F] | None = None
    for near, semantic in itertools.product((0.6, 0.65, 0.7, 0.75, 0.8), (0.3, 0.5, 0.7)):
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
    coef, threshold, wrong, right = fit_answer(qs, rel, w)
    weights = replace(weights, rank=tuple(round(float(v), 4) for v in w), answer=tuple(round(c, 4) for c in coef),
                      threshold=round(threshold, 4))  # fmt: skip
    print(f"all tuning domains: hit@1 {hit1(qs, w):.3f}; abstain {right:.3f} on unanswerable, {wrong:.3f} wrongly")
    print(weights)
    print(f"{time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
