"""A small slice of every answer-quality benchmark runs on generated data, and its report has every figure.

The data is made up (tests/bench_sample.py), so the figures say nothing about quality; `make bench-quality`
measures that on the reference data.
"""

from __future__ import annotations

import pytest

from tests.bench_sample import sample_data  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("sample_data")

FIGURES = {
    "titles": [
        "top-1 accuracy (present films, typed)",
        "top-1 accuracy, baseline cutoff 80",
        "present film answered with another film",
        "did you mean (present films)",
        "absent film answered with a wrong film (all)",
        "absent with a relative here: relative offered",
    ],
    "verdict": [
        "reviews, 2 classes: accuracy",
        "reviews, 2 classes: macro-F1",
        "snippets, 3 bands: accuracy",
        "snippets, 3 bands: macro-F1",
    ],
    "snippets": [
        "bundled corpus: top snippet answers",
        "Pang & Lee reviews: top snippet answers",
        "opinion outranks plot summary (1 of 3)",
    ],
}


def test_quality_benchmarks_report_every_figure() -> None:
    from benchmarks import intents, quality

    report = quality.run(small=True)
    for section, names in FIGURES.items():
        for name in names:
            fig = report.get(section, name)
            assert 0.0 <= fig.ours <= 1.0 and fig.n > 0, fig
            assert fig.baseline is not None or name.startswith("did you mean"), fig
    categories = {f.name.strip() for f in report.figures if f.name.startswith("  ")}
    assert {"one typo", "two typos", "subtitle alone", "main title only", "short: numbers as words"} <= categories
    for kind in ("numbered sequel", "named sequel", "first film"):
        assert f"absent: franchise, {kind}: wrong film" in categories, categories
    assert any(name.startswith("absent: title with words added") for name in categories)
    text = quality.render(report, markdown=True)
    assert text.count("\n") == len(report.figures) + 1 and text.startswith("| section")
    # The figures of the generated stand-in data mean nothing (only `make bench-quality` measures quality);
    # these bounds only catch a benchmark that has stopped measuring anything.
    assert report.get("titles", "top-1 accuracy (present films, typed)").ours > 0.5
    assert report.get("titles", "absent film answered with a wrong film (all)").ours < 0.5
    for part in intents.PARTS:  # the intent test set: every intent, on every part
        for intent in intents.INTENTS:
            fig = report.get("intents", f"{part}: {intent}")
            assert 0.0 <= fig.ours <= 1.0 and fig.n >= 10, fig
        assert report.get("intents", f"{part}: all").ours > 0.3
