"""scripts/tune_relevance.py: the fits behind bot/data/relevance_model.json, on small planted data."""

from __future__ import annotations

import numpy as np

from scripts.tune_relevance import abstentions, fit_answer, fit_softmax, probability, threshold_for


def test_the_listwise_fit_finds_the_feature_that_marks_the_answer() -> None:
    rng = np.random.default_rng(0)
    groups = []
    for _ in range(200):
        x = rng.normal(size=(12, 3))
        gold = np.zeros(12, dtype=bool)
        gold[int(np.argmax(x[:, 1] + 0.3 * rng.normal(size=12)))] = True  # feature 1 marks the answer
        groups.append((x, gold, 1.0))
    w = fit_softmax(groups)
    assert w[1] > 3 * max(abs(w[0]), abs(w[2]))
    hit = np.mean([g[int(np.argmax(x @ w))] for x, g, _ in groups])
    assert hit > 0.6  # chance is 1/12


def test_the_threshold_keeps_wrong_abstention_at_the_rate() -> None:
    rng = np.random.default_rng(1)
    y = rng.random(1000) < 0.6
    p = np.clip(0.5 + 0.3 * (y - 0.5) + 0.25 * rng.normal(size=1000), 0, 1)
    nothing = np.zeros(1000, dtype=bool)
    t = threshold_for(p, y, nothing, 0.10)
    right, wrong = abstentions(p, y, nothing, t)
    assert 0.08 <= wrong <= 0.10 and right > wrong
    nothing[np.flatnonzero(y)[:150]] = True  # a rule that already abstains wrongly on a quarter of them
    assert threshold_for(p, y, nothing, 0.10) == 0.0


def test_the_answer_weights_work_on_raw_features() -> None:
    rng = np.random.default_rng(2)
    x = rng.normal(loc=5.0, scale=3.0, size=(500, 2))
    y = x[:, 0] + rng.normal(size=500) > 5.0
    p = probability(x, fit_answer(x, y))
    assert p[y].mean() > 0.7 > 0.3 > p[~y].mean()
