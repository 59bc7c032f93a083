"""Persisted search indexes: built once per corpus, reloaded in well under a second on restart.

The title and sentence indexes of a corpus, and every review's verdict, are saved under
`<folder>/<fingerprint>/`, where the fingerprint covers every film (id, title, year, aliases, sequel or
not), every review (id, text checksum) and the code and model that build the indexes, so an edited review
or an upgraded bot never reads a stale index. A folder is written under a temporary name and renamed when
complete, so a crash mid-write leaves nothing half-read.

Nothing saved can run code when read: arrays are `.npy` files (plain dtypes only, no pickles) opened
memory-mapped, everything else is JSON. Whatever is read back is checked (dtypes, lengths, pointers
in order, ids in range) before it is used; a folder that fails any check is ignored with one warning
and built again. Files from older versions (`titles.pkl`) are never opened.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import stat
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from bot import lexicon, reading, search, sentiment, text, titleparse, titles
from bot.corpus import gc_paused, text_checksum
from bot.models import Aspect, Film
from bot.reading import Verdicts
from bot.search import SentenceIndex
from bot.sentiment import Polarity
from bot.titles import TitleIndex

log = logging.getLogger(__name__)

FORMAT = 4
_CODE = (
    *(Path(str(m.__file__)) for m in (search, titles, titleparse, text, reading, sentiment)),
    lexicon.FILE,
    Path(sentiment.__file__).parent / "data" / sentiment.MODEL_FILE,  # verdicts are worked out at index time
    Path(__file__),
)
_SENTENCE_DTYPES: dict[str, np.dtype[Any]] = {
    "reviews": np.dtype(np.int64),
    "start": np.dtype(np.int64),
    "length": np.dtype(np.int32),
    "feat": np.dtype(np.int32),
    "post_ptr": np.dtype(np.int64),
    "post_ids": np.dtype(np.int32),
    "text": np.dtype(np.uint8),
    "text_ptr": np.dtype(np.int64),
    "groups": np.dtype(np.int32),
}
_OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
Array = npt.NDArray[Any]


class _Damaged(ValueError):
    """A saved index is not what `save` wrote."""


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
    # A film a line (one repr, one digest update: a restart at 100k reviews works this out). A sequel or
    # not counts too: a sequel's main title names another film.
    lines = (
        repr(
            (
                f.id,
                f.title,
                f.year,
                f.aliases,
                f.sequel_of,
                f.is_sequel,
                [(r.id, r.checksum or text_checksum(r.text)) for r in f.reviews],
            )
        )
        for f in films
    )
    h.update("\n".join(lines).encode("utf-8", "surrogatepass"))
    return h.hexdigest()[:32]


def save(folder: Path, films: Sequence[Film], indexes: Indexes) -> Path:
    """Persist the indexes of `films` under `folder`; older fingerprints are removed."""
    title_index, sentence_index = indexes.titles, indexes.sentences
    folder.mkdir(parents=True, exist_ok=True)
    name = fingerprint(films)
    final = folder / name
    meta, title_arrays = title_index.export_state()  # before anything is written: it may refuse
    tmp = Path(tempfile.mkdtemp(prefix=".building-", dir=folder))
    try:
        for key, arr in sentence_index.arrays.items():
            np.save(tmp / f"{key}.npy", np.ascontiguousarray(arr, dtype=_SENTENCE_DTYPES[key]), allow_pickle=False)
        (tmp / "terms.json").write_text(json.dumps(sentence_index.terms), encoding="ascii")
        for key, arr in indexes.verdicts.arrays.items():
            dtype = Verdicts.ARRAYS[key]
            np.save(tmp / f"verdicts.{key}.npy", np.ascontiguousarray(arr, dtype=dtype), allow_pickle=False)
        for key, arr in title_arrays.items():
            dtype = TitleIndex.STATE_ARRAYS[key]
            np.save(tmp / f"titles.{key}.npy", np.ascontiguousarray(arr, dtype=dtype), allow_pickle=False)
        (tmp / "titles.json").write_text(json.dumps(meta), encoding="ascii")
        _remove(final)
        os.replace(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    for other in folder.iterdir():
        if other.name != name and not other.name.startswith("."):
            _remove(other)
    return final


def _remove(path: Path) -> None:
    """Delete a folder, a file or a link (never what a link points to), if there."""
    if path.is_symlink() or (path.exists() and not path.is_dir()):
        path.unlink()
    elif path.is_dir():
        shutil.rmtree(path, ignore_errors=True)


def load(folder: Path, films: Sequence[Film]) -> Indexes | None:
    """The indexes of `films` if `folder` holds them for exactly this corpus, else None.

    A folder for this corpus that is damaged in any way is ignored with one warning.
    """
    path = folder / fingerprint(films)
    if not path.is_dir():
        return None
    try:
        arrays = {key: _array(path / f"{key}.npy", dtype) for key, dtype in _SENTENCE_DTYPES.items()}
        terms = _json(path / "terms.json")
        reviews = sum(len(f.reviews) for f in films)
        _check_sentences(arrays, terms, len(films), reviews)
        sentence_index = SentenceIndex(films, arrays, terms)
        verdicts = Verdicts(
            {key: _array(path / f"verdicts.{key}.npy", dtype) for key, dtype in Verdicts.ARRAYS.items()}
        )
        problem = verdicts.problem(np.diff(arrays["start"]), len(arrays["length"]))
        if problem:
            raise _Damaged(problem)
        meta = _json(path / "titles.json")
        if not isinstance(meta, dict):
            raise _Damaged("titles.json is not an object")
        title_arrays = {
            key: _array(path / f"titles.{key}.npy", dtype)
            for key, dtype in TitleIndex.STATE_ARRAYS.items()
            if key.startswith("key_") or key == "sorted" or meta.get("grams") is not None
        }
        title_index = TitleIndex.from_state(films, meta, title_arrays)
    except (OSError, ValueError, KeyError, TypeError, IndexError, OverflowError, RecursionError) as exc:
        reason = str(exc)[:200] or type(exc).__name__
        log.warning("ignoring the damaged search index in %s (it will be built again): %s", path, reason)
        return None
    return Indexes(title_index, sentence_index, verdicts)


def _open(path: Path) -> Any:
    """A regular file opened for reading without following a link or blocking on a pipe."""
    fh = open(os.open(path, _OPEN_FLAGS), "rb")  # noqa: SIM115 - the caller closes it
    if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
        fh.close()
        raise _Damaged(f"{path.name} is not a regular file")
    return fh


def _json(path: Path) -> Any:
    with _open(path) as fh:
        return json.loads(fh.read())


def _array(path: Path, dtype: np.dtype[Any]) -> Array:
    """A one-dimensional `.npy` array of exactly `dtype`, memory-mapped; Damaged if the file is anything else."""
    with _open(path) as fh:
        version = np.lib.format.read_magic(fh)
        if version == (1, 0):
            shape, _, found = np.lib.format.read_array_header_1_0(fh)
        elif version == (2, 0):
            shape, _, found = np.lib.format.read_array_header_2_0(fh)
        else:
            raise _Damaged(f"{path.name}: unknown .npy version {version}")
        if found != dtype or len(shape) != 1:
            raise _Damaged(f"{path.name}: {found} of shape {shape}, expected one dimension of {dtype}")
        offset = fh.tell()
        if os.fstat(fh.fileno()).st_size != offset + shape[0] * dtype.itemsize:
            raise _Damaged(f"{path.name}: the file's size does not match its header")
        if shape[0] == 0:
            return np.zeros(0, dtype=dtype)
        # A plain ndarray over the map: a memmap's own slicing costs ~1 us a slice, and a question takes thousands.
        mapped: Array = np.memmap(fh, dtype=dtype, mode="r", offset=offset, shape=shape).view(np.ndarray)
        return mapped


def _check_sentences(a: dict[str, Array], terms: Any, films: int, reviews: int) -> None:
    """Raise Damaged unless the sentence arrays fit together, `films` and `reviews` (the postings' order is not
    checked: out of order they only misrank, and checking them would cost a tenth of a second at 100k reviews)."""
    if not isinstance(terms, list) or set(map(type, terms)) - {str}:
        raise _Damaged("terms.json is not a list of terms")
    size = len(a["length"])
    _pointers(a["reviews"], films + 1, reviews, "reviews")
    _pointers(a["start"], reviews + 1, size, "start")
    _pointers(a["text_ptr"], size + 1, len(a["text"]), "text_ptr")
    _pointers(a["post_ptr"], len(terms) + len(Aspect) + 1, len(a["post_ids"]), "post_ptr")
    if len(a["feat"]) != size:
        raise _Damaged("feat does not have one entry per sentence")
    groups = a["groups"]
    if len(groups) != len(terms) or (len(groups) and (int(groups.min()) < 0 or int(groups.max()) >= len(terms))):
        raise _Damaged("groups does not name one stem of the index per stem")
    if size and int(a["length"].min()) < 0:
        raise _Damaged("length has negative entries")
    ids = a["post_ids"]
    if len(ids) and (int(ids.min()) < 0 or int(ids.max()) >= size):
        raise _Damaged("post_ids names sentences that do not exist")


def _pointers(ptr: Array, length: int, end: int, name: str) -> None:
    """`ptr` has `length` entries, from 0 up to `end`, never going down."""
    if len(ptr) != length or int(ptr[0]) != 0 or int(ptr[-1]) != end or bool((ptr[1:] < ptr[:-1]).any()):
        raise _Damaged(f"{name} is not {length} offsets in order from 0 to {end}")


def load_or_build(folder: Path | None, films: Sequence[Film]) -> Indexes:
    """The indexes of `films`: loaded from `folder` when persisted there, else built (and saved)."""
    if folder is not None:
        with gc_paused():
            found = load(folder, films)
        if found is not None:
            return found
    indexes = build(films)
    if folder is not None:
        try:
            save(folder, films, indexes)
        except (OSError, TypeError) as exc:
            log.warning("could not save the search index in %s: %s", folder, exc)
    return indexes
