"""Persisted search indexes: built once per corpus, reloaded in well under a second on restart.

The title and sentence indexes of a corpus are saved under `<folder>/<fingerprint>/`, where the
fingerprint covers every film (id, title, year, aliases, text checksum) and the code that builds
the indexes, so an edited review or an upgraded bot never reads a stale index. Sentence arrays are
`.npy` files opened memory-mapped; the title index is one pickle. A folder is written under a
temporary name and renamed when complete, so a crash mid-write leaves nothing half-read.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import shutil
import tempfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bot import reading, search, sentiment, text, titles
from bot.models import Film
from bot.reading import Verdicts
from bot.search import SentenceIndex
from bot.sentiment import Polarity
from bot.titles import TitleIndex

log = logging.getLogger(__name__)

FORMAT = 2
_CODE = (
    *(Path(str(m.__file__)) for m in (search, titles, text, reading, sentiment)),
    Path(sentiment.__file__).parent / "data" / sentiment.MODEL_FILE,  # verdicts are worked out at index time
    Path(__file__),
)


@dataclass(frozen=True, slots=True)
class Indexes:
    """Everything worked out once per corpus: title lookup, sentence search, every review's verdict."""

    titles: TitleIndex
    sentences: SentenceIndex
    verdicts: Verdicts


def build(films: Sequence[Film]) -> Indexes:
    """The indexes of `films`, built from scratch (minutes for 100,000 reviews)."""
    title_index = TitleIndex(films)
    title_index.resolve("warm up")  # fills lazily computed tables now, so they are saved and the first user never waits
    return Indexes(title_index, SentenceIndex(films), Verdicts.build(films, Polarity.default()))


def fingerprint(films: Sequence[Film]) -> str:
    """A digest of the corpus and of the indexing code."""
    h = hashlib.sha256(f"reviewbot-index-{FORMAT}".encode())
    for path in _CODE:
        h.update(path.read_bytes())
    for f in films:
        h.update(repr((f.id, f.title, f.year, f.aliases)).encode())
        for r in f.reviews:
            data = r.text.encode("utf-8", "surrogatepass")
            h.update(repr((r.id, len(data), zlib.crc32(data))).encode())
    return h.hexdigest()[:32]


def save(folder: Path, films: Sequence[Film], indexes: Indexes) -> Path:
    """Persist the indexes of `films` under `folder`; older fingerprints are removed."""
    title_index, sentence_index = indexes.titles, indexes.sentences
    folder.mkdir(parents=True, exist_ok=True)
    name = fingerprint(films)
    final = folder / name
    tmp = Path(tempfile.mkdtemp(prefix=".building-", dir=folder))
    try:
        for key, arr in sentence_index.arrays.items():
            np.save(tmp / f"{key}.npy", np.ascontiguousarray(arr), allow_pickle=False)
        for key, arr in indexes.verdicts.arrays.items():
            np.save(tmp / f"verdict_{key}.npy", np.ascontiguousarray(arr), allow_pickle=False)
        (tmp / "terms.txt").write_text("\n".join(sentence_index.terms), encoding="utf-8")
        state = {k: v for k, v in vars(title_index).items() if k not in ("films", "_recent")}
        keys = state.pop("_keys")  # as plain lists: unpickling 100,000s of dataclasses one by one is slow
        state["_keys_packed"] = ([k.text for k in keys], [k.film for k in keys], [k.kind for k in keys])
        with (tmp / "titles.pkl").open("wb") as fh:
            pickle.dump(state, fh, protocol=pickle.HIGHEST_PROTOCOL)
        if final.exists():
            shutil.rmtree(final)
        os.replace(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    for other in folder.iterdir():
        if other.is_dir() and other.name != name and not other.name.startswith("."):
            shutil.rmtree(other, ignore_errors=True)
    return final


def load(folder: Path, films: Sequence[Film]) -> Indexes | None:
    """The indexes of `films` if `folder` holds them for exactly this corpus, else None."""
    path = folder / fingerprint(films)
    if not (path / "titles.pkl").is_file():
        return None
    try:
        arrays: dict[str, Any] = {
            key: np.load(path / f"{key}.npy", mmap_mode="r", allow_pickle=False) for key in SentenceIndex.ARRAYS
        }
        raw = (path / "terms.txt").read_text(encoding="utf-8")
        terms = raw.split("\n") if raw else []
        sentence_index = SentenceIndex(films, arrays, terms)
        verdicts = Verdicts({key: np.load(path / f"verdict_{key}.npy", allow_pickle=False) for key in Verdicts.ARRAYS})
        if not verdicts.valid_for(sum(len(f.reviews) for f in films)):
            raise ValueError("the verdict table does not match the corpus")
        with (path / "titles.pkl").open("rb") as fh:
            state = pickle.load(fh)  # written by save() above, in our own data folder
        texts, owners, kinds = state.pop("_keys_packed")
        state["_keys"] = [titles._Key(*key) for key in zip(texts, owners, kinds, strict=True)]
        title_index = TitleIndex.__new__(TitleIndex)
        vars(title_index).update(state)
        title_index.films = tuple(films)
    except (OSError, ValueError, EOFError, pickle.UnpicklingError, KeyError, AttributeError) as exc:
        log.warning("ignoring the unreadable index in %s: %s", path, exc)
        return None
    return Indexes(title_index, sentence_index, verdicts)


def load_or_build(folder: Path | None, films: Sequence[Film]) -> Indexes:
    """The indexes of `films`: loaded from `folder` when persisted there, else built (and saved)."""
    if folder is not None:
        found = load(folder, films)
        if found is not None:
            return found
    indexes = build(films)
    if folder is not None:
        try:
            save(folder, films, indexes)
        except OSError as exc:
            log.warning("could not save the search index in %s: %s", folder, exc)
    return indexes
