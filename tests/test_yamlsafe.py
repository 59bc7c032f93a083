"""Front matter and config YAML: aliases and deep nesting are refused before anything is built."""

from __future__ import annotations

import time
import tracemalloc

import pytest
import yaml

from bot import yamlsafe


def _bomb(levels: int = 9) -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        name, prev = chr(97 + i), chr(96 + i)
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_refused_within_a_second_and_a_few_mb() -> None:
    text = _bomb()
    assert len(text) < 1024
    tracemalloc.start()
    start = time.perf_counter()
    with pytest.raises(yamlsafe.UnsafeYAML) as caught:
        yamlsafe.load(text)
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert elapsed < 1.0 and peak < 5_000_000
    assert caught.value.problem_mark is not None and caught.value.problem_mark.line == 1  # 0-based: line 2


def test_deep_nesting_is_refused() -> None:
    with pytest.raises(yamlsafe.UnsafeYAML, match="nested more than"):
        yamlsafe.load("x: " + "[" * 900 + "]" * 900)


def test_plain_documents_load() -> None:
    assert yamlsafe.load("title: Heat\nyear: 1995\naliases: [A, B]\n") == {
        "title": "Heat",
        "year": 1995,
        "aliases": ["A", "B"],
    }
    assert yamlsafe.load("") is None


def test_an_anchor_without_alias_is_harmless() -> None:
    assert yamlsafe.load("a: &x 1\n") == {"a": 1}


def test_syntax_errors_are_yaml_errors() -> None:
    with pytest.raises(yaml.YAMLError):
        yamlsafe.load("a: [")


def test_python_tags_are_not_objects() -> None:
    with pytest.raises(yaml.YAMLError):
        yamlsafe.load("!!python/object/apply:os.system ['true']")
