"""The speed benchmark's machinery, at tiny sizes, on generated data: every figure is measured and reported."""

from __future__ import annotations

import pytest

from benchmarks import speed
from tests.bench_sample import sample_data  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("sample_data")


def test_speed_benchmark_reports_every_figure() -> None:
    stages = speed.run([200, (300, 80)], 2_000, queries=20, baseline_queries=2, fork=False)
    reviews, many, titles = stages
    assert many.name == "300 reviews of 80 films" and many.values["most_reviews"] > 1
    assert {"first_corpus_s", "first_index_s", "restart_s", "restart_corpus_s", "restart_index_s", "rss_mb"} <= set(
        reviews.values
    )
    assert {"build_s", "rss_mb"} <= set(titles.values)
    names = {f.name.split(" (")[0] for s in stages for f in s.figures}
    assert {"ask", "review", "title resolution", "autocomplete", "baseline rank_bm25 BM25Okapi"} <= names
    assert {"baseline rapidfuzz extractOne WRatio", "baseline difflib.get_close_matches"} <= names
    assert all(f.queries > 0 and 0 < f.p50_ms <= f.p99_ms for s in stages for f in s.figures)
    text = "\n".join(speed.report(stages, many.name, 2_000))
    for target in ("ask p99", "warm restart", "peak RSS", "title resolution p99", "autocomplete p99"):
        assert target in text
