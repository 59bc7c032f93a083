"""`sample_data`: the benchmarks read a tiny generated data set (benchmarks/synth.py), with or without ../shared."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks import data, synth


def _clear_caches() -> None:
    synth.review_sentences.cache_clear()
    synth._title_words.cache_clear()


@pytest.fixture
def sample_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """benchmarks.data reads files generated in a tmp folder instead of ../shared/data (fast, always there)."""
    folder = synth.write_sample_data(tmp_path / "shared-data")
    monkeypatch.setattr(data, "DATA", folder)
    _clear_caches()
    yield folder
    _clear_caches()
