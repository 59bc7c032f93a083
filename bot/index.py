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
from pathlib import Path
from typing import Any

import numpy as np

from bot import lexicon, search, text, titleparse, titles
from bot.models import Film
from bot.search import SentenceIndex
from bot.titles import TitleIndex

log = logging.getLogger(__name__)

FORMAT = 1
_CODE = (
    Path(search.__file__),
    Path(titles.__file__),
    Path(titleparse.__file__),
    lexicon.FILE,
    Path(text.__file__),
    Path(__file__),
)


def fingerprint(films: Sequence[Film]) -> str:
    """A digest of the corpus and of the indexing code."""
    h = hashlib.sha256(f"reviewbot-index-{FORMAT}".encode())
    for path in _CODE:
        h.update(path.read_bytes())
    for f in films:
        data = f.text.encode("utf-8", "surrogatepass")
        h.update(repr((f.id, f.title, f.year, f.aliases, len(data), zlib.crc32(data))).encode())
    return h.hexdigest()[:32]


def save(folder: Path, films: Sequence[Film], title_index: TitleIndex, sentence_index: SentenceIndex) -> Path:
    """Persist both indexes of `films` under `folder`; older fingerprints are removed."""
    folder.mkdir(parents=True, exist_ok=True)
    name = fingerprint(films)
    final = folder / name
    tmp = Path(tempfile.mkdtemp(prefix=".building-", dir=folder))
    try:
        for key, arr in sentence_index.arrays.items():
            np.save(tmp / f"{key}.npy", np.ascontiguousarray(arr), allow_pickle=False)
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


def load(folder: Path, films: Sequence[Film]) -> tuple[TitleIndex, SentenceIndex] | None:
    """Both indexes of `films` if `folder` holds them for exactly this corpus, else None."""
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
    return title_index, sentence_index


def load_or_build(folder: Path | None, films: Sequence[Film]) -> tuple[TitleIndex, SentenceIndex]:
    """The indexes of `films`: loaded from `folder` when persisted there, else built (and saved)."""
    if folder is not None:
        found = load(folder, films)
        if found is not None:
            return found
    title_index, sentence_index = TitleIndex(films), SentenceIndex(films)
    title_index.resolve("warm up")  # fills lazily computed tables now, so they are saved and the first user never waits
    if folder is not None:
        try:
            save(folder, films, title_index, sentence_index)
        except OSError as exc:
            log.warning("could not save the search index in %s: %s", folder, exc)
    return title_index, sentence_index
