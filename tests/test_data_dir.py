"""What the bot reads back from data_dir (corpus cache, search indexes) cannot run code or break answers.

Each damaged file is well-formed enough to get past a naive loader: valid JSON with a wrong length,
a `.npy` of the wrong dtype, pointers out of order. Every time, the bot warns once, answers from the
files themselves, and writes a good cache or index again.
"""

from __future__ import annotations

import json
import logging
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from adapters import cli
from bot import index as persisted
from bot.answers import Note, Notice
from bot.corpus import CACHE_NAME, MAGIC, load_corpus
from bot.engine import Engine
from bot.models import Film, Intent, Question
from bot.render import text as shown
from tests.conftest import CORPUS, write


def crafted_pickle(marker: Path) -> bytes:
    """A pickle that creates `marker` when it is loaded."""

    class Payload:
        def __reduce__(self) -> tuple[Any, ...]:
            return (open, (str(marker), "w"))

    return pickle.dumps({"format": "x", "films": Payload()})


def test_the_crafted_pickle_would_run(tmp_path: Path) -> None:
    """The payload the next tests plant does run code when unpickled: their check that nothing ran can fail."""
    marker = tmp_path / "ran"
    pickle.loads(crafted_pickle(marker))
    assert marker.exists()


def settled(folder: Path) -> None:
    then = os.stat(folder).st_mtime - 3600
    for path in [folder, *folder.rglob("*")]:
        os.utime(path, (then, then), follow_symlinks=False)


@pytest.fixture
def reviews(tmp_path: Path) -> Path:
    folder = tmp_path / "reviews"
    for path in CORPUS.glob("*.txt"):
        write(folder, path.name, path.read_text(encoding="utf-8"))
    write(
        folder, "heat.md", "---\ntitle: Heat\nyear: 1995\nrating: 9/10\n---\nA taut crime saga with a superb score.\n"
    )
    settled(folder)
    return folder


async def start(reviews: Path, data: Path) -> Engine:
    """As `reviewbot run` starts: the corpus through its cache, then the indexes, in a worker thread."""
    engine = Engine(None, index_dir=data / "index")
    await engine.load(lambda: cli._films(reviews, data / CACHE_NAME))
    return engine


async def answers(engine: Engine) -> list[str]:
    questions = [(Intent.REVIEW, "celestial symphny"), (Intent.ASK, "how is the soundtrack in radiant reflections"),
                 (Intent.VERDICT, "heat"), (Intent.ASK, "which film has the best music?")]  # fmt: skip
    out = [(await engine.answer(Question(intent, text, "t"))) for intent, text in questions]
    assert all(a != Notice(Note.ERROR) for a in out), [shown(a) for a in out]
    return [shown(a) for a in out]


async def test_pickles_at_the_old_paths_never_run_and_garbage_at_the_new_ones_is_rebuilt(
    reviews: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data, marker = tmp_path / "data", tmp_path / "pwned"
    expected = await answers(await start(reviews, tmp_path / "clean"))
    films = load_corpus(reviews).films
    folder = data / "index" / persisted.fingerprint(films)
    folder.mkdir(parents=True)
    for old in (data / "corpus-cache.pkl", folder / "titles.pkl", data / "index" / "old" / "titles.pkl"):
        old.parent.mkdir(parents=True, exist_ok=True)
        old.write_bytes(crafted_pickle(marker))
    (data / CACHE_NAME).write_bytes(MAGIC + b"\xff" * 64)
    for name in ("titles.json", "terms.json", "start.npy", "text.npy"):
        (folder / name).write_bytes(os.urandom(256))
    with caplog.at_level(logging.WARNING):
        engine = await start(reviews, data)
    assert not marker.exists(), "nothing in data_dir was unpickled"
    assert await answers(engine) == expected
    assert "ignoring the corpus cache" in caplog.text and "ignoring the damaged search index" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING):  # both were written again, and are used from now on
        assert await answers(await start(reviews, data)) == expected
    assert not caplog.text and not marker.exists()
    assert (folder / "titles.json").read_bytes().startswith(b"{")


def _rewrite_header(path: Path, change: Callable[[dict[str, Any]], object]) -> None:
    """Edit the JSON header of a corpus cache, keeping the file well-formed."""
    raw = path.read_bytes()
    size = int.from_bytes(raw[len(MAGIC) : len(MAGIC) + 8], "little")
    start = len(MAGIC) + 8
    meta = json.loads(raw[start : start + size])
    change(meta)
    header = json.dumps(meta).encode()
    path.write_bytes(MAGIC + len(header).to_bytes(8, "little") + header + raw[start + size :])


def _set(column: str, value: Any, row: int = 0) -> Callable[[dict[str, Any]], object]:
    return lambda meta: meta["columns"][column].__setitem__(row, value)


def _built(column: str, value: Any, row: int = 0) -> Callable[[dict[str, Any]], object]:
    """Set one entry of the corpus the cache keeps (`built`)."""
    return lambda meta: meta["built"][column].__setitem__(row, value)


def _header(path: Path) -> dict[str, Any]:
    raw = path.read_bytes()
    size = int.from_bytes(raw[len(MAGIC) : len(MAGIC) + 8], "little")
    meta: dict[str, Any] = json.loads(raw[len(MAGIC) + 8 : len(MAGIC) + 8 + size])
    return meta


CACHE_DAMAGE: dict[str, Callable[[Path], object]] = {
    "a column one entry short": lambda p: _rewrite_header(p, lambda m: m["columns"]["title"].pop()),
    "a column missing": lambda p: _rewrite_header(p, lambda m: m["columns"].pop("year")),
    "no columns": lambda p: _rewrite_header(p, lambda m: m.pop("columns")),
    "a header that is a list": lambda p: _rewrite_header(p, lambda m: m.__setitem__("columns", [])),
    "a title that is a number": lambda p: _rewrite_header(p, _set("title", 7)),
    "an empty title": lambda p: _rewrite_header(p, _set("title", "")),
    "a year out of range": lambda p: _rewrite_header(p, _set("year", 10**6)),
    "a year that is text": lambda p: _rewrite_header(p, _set("year", "1995")),
    "a reviewer that is a number": lambda p: _rewrite_header(p, _set("reviewer", 1995)),
    "an unknown verdict": lambda p: _rewrite_header(p, _set("verdict", "great")),
    "aliases that are not a list": lambda p: _rewrite_header(p, _set("aliases", "Heat")),
    "is_sequel that is a number": lambda p: _rewrite_header(p, _set("is_sequel", 1)),
    "a size that is negative": lambda p: _rewrite_header(p, _set("size", -1)),
    "text offsets out of order": lambda p: _rewrite_header(p, lambda m: m["columns"]["text_end"].reverse()),
    "text offsets past the end": lambda p: _rewrite_header(p, _set("text_end", 10**9, -1)),
    "a header longer than the file": lambda p: p.write_bytes(MAGIC + (10**9).to_bytes(8, "little") + b"{}"),
    "a header nested 100,000 deep": lambda p: p.write_bytes(MAGIC + (200_000).to_bytes(8, "little") + b"[" * 200_000),
    "texts cut short": lambda p: p.write_bytes(p.read_bytes()[:-10]),
    "texts that are not UTF-8": lambda p: p.write_bytes(p.read_bytes()[:-3] + b"\xff\xfe\xfd"),
    "an empty file": lambda p: p.write_bytes(b""),
    "built films that are not a list": lambda p: _rewrite_header(p, lambda m: m.__setitem__("built", [])),
    "a built column missing": lambda p: _rewrite_header(p, lambda m: m["built"].pop("review")),
    "a file of a film that is not there": lambda p: _rewrite_header(p, _built("film", 99)),
    "a film with no review": lambda p: _rewrite_header(p, lambda m: m["built"]["film"].__setitem__(0, -1)),
    "two reviews with one id": lambda p: _rewrite_header(p, _built("review", _header(p)["built"]["review"][1])),
    "two films with one id": lambda p: _rewrite_header(p, _built("id", _header(p)["built"]["id"][1])),
    "a built title that is a number": lambda p: _rewrite_header(p, _built("title", 7)),
    "a problem that is not a triple": lambda p: _rewrite_header(p, lambda m: m["built"]["problems"].append(["x"])),
    "a note whose line is text": lambda p: _rewrite_header(p, lambda m: m["built"]["notes"].append(["a", "1", "b"])),
    "a folder": lambda p: (p.unlink(), p.mkdir()),
    "a pipe": lambda p: (p.unlink(), os.mkfifo(p)),
}  # fmt: skip


@pytest.mark.parametrize("damage", CACHE_DAMAGE, ids=list(CACHE_DAMAGE))
def test_a_damaged_corpus_cache_is_ignored_once_and_written_again(
    damage: str, reviews: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = tmp_path / CACHE_NAME
    expected = load_corpus(reviews)
    assert load_corpus(reviews, cache) == expected
    CACHE_DAMAGE[damage](cache)
    with caplog.at_level(logging.WARNING):
        assert load_corpus(reviews, cache) == expected
    assert caplog.text.count("ignoring the corpus cache") == 1
    if cache.is_dir():  # not ours to remove: the cache is not written, and a start still works
        return
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        assert load_corpus(reviews, cache) == expected
    assert not caplog.text, "written again, whole"


def test_a_cache_entry_is_used_only_for_its_own_file(reviews: Path, tmp_path: Path) -> None:
    """Entries are looked up by the file's path, size and time: a forged entry for another path is never shown."""
    cache = tmp_path / CACHE_NAME
    load_corpus(reviews, cache)
    _rewrite_header(cache, _set("path", "/etc/passwd"))
    assert load_corpus(reviews, cache) == load_corpus(reviews)


def _npy(path: Path, arr: np.ndarray[Any, Any]) -> None:
    np.save(path, arr, allow_pickle=False)


def _json_file(path: Path, change: Callable[[Any], object]) -> None:
    value = json.loads(path.read_text())
    change(value)
    path.write_text(json.dumps(value))


def _titles_json(change: Callable[[dict[str, Any]], object]) -> Callable[[Path], object]:
    return lambda folder: _json_file(folder / "titles.json", change)


def _array(name: str, change: Callable[[np.ndarray[Any, Any]], np.ndarray[Any, Any]]) -> Callable[[Path], object]:
    return lambda folder: _npy(folder / name, change(np.load(folder / name)))


INDEX_DAMAGE: dict[str, Callable[[Path], object]] = {
    "an array missing": lambda f: (f / "post_ids.npy").unlink(),
    "an array of another dtype": _array("length.npy", lambda a: a.astype(np.float64)),
    "an array big-endian": _array("start.npy", lambda a: a.astype(">i8")),
    "an array two-dimensional": _array("feat.npy", lambda a: a.reshape(1, -1)),
    "an array one entry short": _array("length.npy", lambda a: a[:-1]),
    "an array cut short": lambda f: (f / "post_ids.npy").write_bytes((f / "post_ids.npy").read_bytes()[:-4]),
    "pointers out of order": _array("text_ptr.npy", lambda a: a[::-1].copy()),
    "pointers not from 0": _array("post_ptr.npy", lambda a: a + 1),
    "postings past the last sentence": _array("post_ids.npy", lambda a: a + 10**6),
    "negative postings": _array("post_ids.npy", lambda a: a - 10**6),
    "terms missing one": lambda f: _json_file(f / "terms.json", lambda terms: terms.pop()),
    "terms that are numbers": lambda f: (f / "terms.json").write_text("[1, 2, 3]"),
    "title keys one short": _titles_json(lambda m: m["texts"].pop()),
    "title key of an unknown kind": _titles_json(lambda m: m["kinds"].__setitem__(0, "nonsense")),
    "title metadata missing a key": _titles_json(lambda m: m.pop("exact")),
    "title metadata a list": lambda f: (f / "titles.json").write_text("[]"),
    "exact keys naming film 99": _titles_json(lambda m: next(iter(m["exact"].values())).append(99)),
    "a key of film 99": _array("titles.key_film.npy", lambda a: a + 99),
    "a sort order with repeats": _array("titles.sorted.npy", lambda a: np.zeros_like(a)),
    "a sort order not sorted": _array("titles.sorted.npy", lambda a: a[::-1].copy()),
    "key weights not finite": _array("titles.key_weight.npy", lambda a: a * np.inf),
    "a pipe for an array": lambda f: ((f / "text.npy").unlink(), os.mkfifo(f / "text.npy")),
}  # fmt: skip


@pytest.mark.parametrize("damage", INDEX_DAMAGE, ids=list(INDEX_DAMAGE))
async def test_a_damaged_index_is_ignored_once_and_built_again(
    damage: str, seed_films: tuple[Film, ...], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    expected = await answers(Engine(seed_films))
    Engine(seed_films, index_dir=tmp_path)
    folder = tmp_path / persisted.fingerprint(seed_films)
    INDEX_DAMAGE[damage](folder)
    with caplog.at_level(logging.WARNING):
        engine = Engine(seed_films, index_dir=tmp_path)
    assert caplog.text.count("ignoring the damaged search index") == 1
    assert await answers(engine) == expected
    caplog.clear()
    assert persisted.load(tmp_path, seed_films) is not None and not caplog.text, "built and saved again"


def test_a_title_index_round_trips_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every attribute of a built title index comes back from disk as it was (with and without trigrams)."""
    from bot import titles
    from tests.test_titles import CATALOGUE

    for brute_force_max in (titles.BRUTE_FORCE_MAX, 0):
        monkeypatch.setattr(titles, "BRUTE_FORCE_MAX", brute_force_max)
        built = persisted.load_or_build(tmp_path / str(brute_force_max), CATALOGUE).titles
        loaded = persisted.load(tmp_path / str(brute_force_max), CATALOGUE)
        assert loaded is not None
        got, want = vars(loaded.titles), {k: v for k, v in vars(built).items() if k != "_recent"}
        assert set(got) == set(want)
        for key, value in want.items():
            if key == "_grams":
                assert (value is None) == (got[key] is None)
                if value is not None:
                    assert value.state["grams"] == got[key].state["grams"]
                    for name in ("ptr", "post", "sizes", "rare"):
                        assert np.array_equal(value.state[name], got[key].state[name])
            elif isinstance(value, np.ndarray):
                assert np.array_equal(got[key], value), key
            elif key != "_first":
                assert got[key] == value, key


async def test_an_index_array_holding_a_pickle_is_never_unpickled(
    seed_films: tuple[Film, ...], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    marker = tmp_path / "pwned"
    Engine(seed_films, index_dir=tmp_path / "index")
    folder = tmp_path / "index" / persisted.fingerprint(seed_films)
    for path, target in ((tmp_path / "probe.npy", tmp_path / "probe"), (folder / "feat.npy", marker)):
        evil = np.empty(1, dtype=object)
        evil[0] = _Payload(target)
        np.save(path, evil, allow_pickle=True)
    np.load(tmp_path / "probe.npy", allow_pickle=True)
    assert (tmp_path / "probe").exists(), "the planted array runs code when loaded with pickles allowed"
    with caplog.at_level(logging.WARNING):
        engine = Engine(seed_films, index_dir=tmp_path / "index")
    assert not marker.exists() and "ignoring the damaged search index" in caplog.text
    assert await answers(engine) == await answers(Engine(seed_films))


class _Payload:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (open, (str(self.marker), "w"))


async def test_a_damaged_trigram_index_is_built_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from bot import titles
    from tests.test_titles import CATALOGUE

    monkeypatch.setattr(titles, "BRUTE_FORCE_MAX", 0)
    Engine(CATALOGUE, index_dir=tmp_path)
    folder = tmp_path / persisted.fingerprint(CATALOGUE)
    for name, change in [("gram_post", lambda a: a + 10**6), ("gram_ptr", lambda a: a[::-1].copy()),
                         ("gram_rare", lambda a: a[:-1])]:  # fmt: skip
        good = np.load(folder / f"titles.{name}.npy")
        _npy(folder / f"titles.{name}.npy", change(good))
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            engine = Engine(CATALOGUE, index_dir=tmp_path)
        assert "ignoring the damaged search index" in caplog.text, name
        assert engine.suggest("celestail")[0].film_id == "celestial-symphony"
