"""Load review files into `Film`s with their `Review`s; report every unusable file with its path and line.

Accepted: `.md` with YAML front matter (`title`, optional `year`, `aliases`,
`sequel_of`, `reviewer`, `rating`, `verdict`) and plain `.txt`, whose title is
read from the text. Files with the same title (and the same year, or none) are reviews of
one film; different years are different films (remakes). A duplicate is the same text again.

Review files are not trusted: only regular files whose real path is inside the corpus folder are
read (a link out is reported, never followed), at most `MAX_FILE_BYTES` each, and front matter is
read by `bot.yamlsafe` (no aliases, bounded nesting). The corpus cache in `data_dir` is not trusted
either: it is JSON and raw UTF-8 text, checked field by field when read, and rebuilt when anything
in it is off.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import itertools
import json
import logging
import operator
import os
import re
import stat
import sys
import time
import weakref
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

import yaml

from bot import messages as msg
from bot import models, reading, text, yamlsafe
from bot.errors import CorpusError
from bot.models import Film, Label, Review, Stored, text_of
from bot.reading import parse_rating
from bot.text import clean, normalise, shorten, split_year, words

log = logging.getLogger(__name__)

FIELDS = frozenset({"title", "year", "aliases", "sequel_of", "reviewer", "rating", "verdict"})
# A quoted phrase starting with a capital or a digit, or a letter of a script without case ("七人の侍").
_QUOTED = re.compile(r"[\"“]((?:[A-Z0-9]|[^\W\x00-\x7f])[^\"”\n]{0,118}?)[\"”]")
_LABELLED = re.compile(r"^\s*(?:title|film|movie)\s*:\s*(.+?)\s*$", re.I | re.M)
_CONNECTORS = frozenset({"of", "the", "and", "a", "an", "in", "on", "to", "for", "at", "with", "from", "vs", "&"})
_STARTERS = frozenset(
    {"the", "this", "that", "these", "in", "i", "it", "its", "a", "an", "if", "when", "while", "after",
     "as", "with", "from", "for", "there", "what", "one", "my", "we", "our", "overall", "director"}
)  # fmt: skip
# Matched against lower-cased text: a case-insensitive pattern is several times slower on long reviews.
_SEQUEL_STRONG = re.compile(
    r"\b(sequel to|picks up (?:right )?where|the first (?:film|movie|one|installment)|the original (?:film|movie)"
    r"|fans of the original|follow-up to|predecessor|part (?:two|2|ii)\b)"
)
_SEQUEL_WEAK = re.compile(r"\b(the|this|a|worthy|new) sequel\b|\bcontinuation\b")
# 1 MiB: seventy times the longest of the 2,000 Pang & Lee reviews (15 KB; 3.9 KB on average), several
# times a book-length essay, and small enough that one file costs milliseconds and a few MB to parse.
MAX_FILE_BYTES = 1 << 20
TEXT_MAX = 200  # characters of a title, alias, reviewer, rating or sequel_of
CACHE_NAME = "corpus-cache.bin"  # the corpus cache's file name in data_dir
_OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


@dataclass(frozen=True, slots=True)
class Corpus:
    films: tuple[Film, ...]
    problems: tuple[CorpusError, ...]  # files skipped, or loaded with something to fix
    notes: tuple[CorpusError, ...] = ()  # worth knowing, nothing to fix (titles spelt two ways, merged)
    files: tuple[ReviewFile, ...] = ()  # every review file read (duplicates too), for `load_corpus(last_good=…)`

    @property
    def reviews(self) -> int:
        return sum(len(f.reviews) for f in self.films)


@dataclass(frozen=True, slots=True)
class ReviewFile:
    """One parsed review file: the film it is about and the review itself."""

    title: str
    year: int | None
    body: str | Stored  # the text, or where the corpus cache keeps it: read it as `text`
    aliases: tuple[str, ...] = ()
    sequel_of: str | None = None
    reviewer: str | None = None
    rating: str | None = None
    verdict: Label | None = None
    is_sequel: bool = False
    source: str = ""
    checksum: int = 0  # `text_checksum(text)`: the search index's fingerprint uses it
    same: str = ""  # `same_text(text)`: two files of one film with the same `same` are duplicates

    @property
    def text(self) -> str:
        return text_of(self.body)


def text_checksum(text: str) -> int:
    """A checksum of a review's text: its UTF-8 length and CRC-32 in one number."""
    return _checksum(text.encode("utf-8", "surrogatepass"))


def _checksum(data: bytes) -> int:
    return len(data) << 32 | zlib.crc32(data)


def same_text(text: str) -> str:
    """What a duplicate has in common with the review it repeats: the text, whitespace and case aside (a digest)."""
    folded = " ".join(text.split()).casefold().encode("utf-8", "surrogatepass")
    return hashlib.blake2b(folded, digest_size=12).hexdigest()


_SLUG_WORD = re.compile(r"[a-z0-9]+")


def slug(title: str, year: int | None, normalised: str | None = None) -> str:
    """A stable ASCII id: `celestial-symphony`, or `heat-1995` when a year is known.

    A title with letters beyond ASCII (once accents are removed) gets a digest of its words too:
    `東京物語` is `film-0d6b4c1a57`, `七人の侍 (Seven Samurai)` `seven-samurai-…`. Ids go into Discord
    and Slack custom ids (at most 100 characters), so they stay short and plain. `normalised`:
    `normalise(title)`, when already known.
    """
    if normalised is None:
        normalised = normalise(title)
    base = "-".join(_SLUG_WORD.findall(normalised or title.lower()))[:60]
    key = title if title.isascii() else " ".join(words(title))  # an ASCII title's words are ASCII
    if not key.isascii():
        digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:10]
        base = f"{base[:48].strip('-') or 'film'}-{digest}"
    base = base or "film"
    return f"{base}-{year}" if year else base


def is_sequel(text: str) -> bool:
    """Whether the review reads as a review of a sequel."""
    low = text.lower()
    return bool(_SEQUEL_STRONG.search(low)) or len(_SEQUEL_WEAK.findall(low)) >= 2


def extract_title(text: str) -> tuple[str, int | None] | None:
    """Find the film's title in raw review text, or None."""
    if m := _LABELLED.search(text[:500]):
        return split_year(m.group(1).strip('"“”*_ '))
    head = text.lstrip()[:400]
    quoted = [q for q in _QUOTED.findall(text) if not q[:1].islower()]
    if head[:1] in '"“' and quoted:
        return _with_year(quoted[0], text)
    if quoted:  # the quoted phrase the review repeats most (the first one seen, on a tie)
        counts = Counter(quoted)
        best = max(counts, key=counts.__getitem__)
        if counts[best] >= 2:
            return _with_year(best, text)
    leading = _leading_name(head)
    if leading:
        return _with_year(leading, text)
    return None


def _with_year(title: str, text: str) -> tuple[str, int | None]:
    title = title.strip().rstrip(",.;:")
    m = re.search(re.escape(title) + r"[\"”]?\s*\((\d{4})\)", text)
    return title, int(m.group(1)) if m else None


def _leading_name(head: str) -> str | None:
    """`Celestial Symphony picks up…` -> `Celestial Symphony`."""
    tokens = re.findall(r"[\w'’:.-]+|[&]", head.split("\n", 1)[0])
    name: list[str] = []
    for tok in tokens:
        bare = tok.rstrip(":.,")
        if bare[:1].isupper() or bare[:1].isdigit() or (name and bare.lower() in _CONNECTORS):
            name.append(tok.rstrip(".,") if tok.endswith(":") else bare)
            if tok.endswith((".", ",")) and not re.fullmatch(r"(?:[A-Z]\.)+", tok):
                break
            continue
        break
    while name and name[-1].rstrip(":").lower() in _CONNECTORS:
        name.pop()
    if name:
        name[-1] = name[-1].rstrip(":")
    if not name or (len(name) == 1 and name[0].lower() in _STARTERS):
        return None
    if name[0].lower() in _STARTERS - {"the", "a", "an"}:
        return None
    title = " ".join(name)
    return title if len(title) >= 2 else None


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _front_matter(path: str, raw: str) -> tuple[dict[str, Any], str, int]:
    """Split `---` YAML front matter from the body; returns (fields, body, body's first line)."""
    if not raw.startswith("---"):
        return {}, raw, 1
    m = re.match(r"---[ \t]*\r?\n(.*?)^---[ \t]*\r?$\n?", raw, re.S | re.M)
    if not m:
        raise CorpusError(path, 1, msg.CORPUS_UNCLOSED_FRONT_MATTER)
    try:
        data = yamlsafe.load(m.group(1)) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        last = m.group(1).count("\n") + 1  # an error at the end of the block belongs to its last line
        line = min(mark.line + 2, last) if mark is not None else 1
        problem = getattr(exc, "problem", None) or "invalid YAML"
        message = msg.CORPUS_UNSAFE_YAML if isinstance(exc, yamlsafe.UnsafeYAML) else msg.CORPUS_BAD_YAML
        raise CorpusError(path, line, message.format(problem=problem)) from None
    if not isinstance(data, dict):
        raise CorpusError(path, 2, msg.CORPUS_FRONT_MATTER_NOT_MAPPING)
    return data, raw[m.end() :], _line_of(raw, m.end())


def _key_line(raw: str, key: str) -> int:
    m = re.search(rf"^{re.escape(key)}\s*:", raw, re.M)
    return _line_of(raw, m.start()) if m else 1


def _check_fields(path: str, raw: str, data: dict[str, Any]) -> None:
    for key in data:
        if key not in FIELDS:
            name = shorten(str(key), 40)
            raise CorpusError(path, _key_line(raw, str(key)), msg.CORPUS_UNKNOWN_FIELD.format(key=name))
    expected: dict[str, tuple[type, ...]] = {
        "title": (str,), "year": (int,), "sequel_of": (str,), "reviewer": (str,),
        "rating": (str, int, float), "verdict": (str,), "aliases": (list,),
    }  # fmt: skip
    for key, types in expected.items():
        value = data.get(key)
        if value is None:
            continue
        bad = not isinstance(value, types) or isinstance(value, bool)
        bad = bad or (key == "aliases" and not all(isinstance(a, str) for a in value))
        bad = bad or (key == "year" and not 1870 <= value <= 2100)
        bad = bad or (key == "verdict" and value not in {label.value for label in Label})
        if bad:
            shown = _value(value)
            raise CorpusError(path, _key_line(raw, key), msg.CORPUS_BAD_FIELD[key].format(value=shown))
    rating = data.get("rating")
    if rating is not None and parse_rating(str(rating)) is None:
        raise CorpusError(path, _key_line(raw, "rating"), msg.CORPUS_BAD_RATING.format(value=_value(rating)))


def _value(value: Any) -> str:
    """A value as a message shows it: its repr, shortened (a 1 MB field is not printed whole)."""
    return shorten(repr(value), 60)


def parse_file(path: Path, display: str | None = None, found: _Found | None = None) -> ReviewFile:
    """Parse one review file; raises CorpusError saying where it is broken, OSError if unreadable.

    The file is opened without following a link, and read only if it is a regular file of at most
    MAX_FILE_BYTES. `found`: where the corpus walk found it, to check that it is still that file.
    """
    name = display or shown(str(path))
    return parse_text(name, path.suffix, _read(str(path), name, found))


def parse_text(name: str, suffix: str, data: bytes) -> ReviewFile:
    """Parse the bytes of one review file (`suffix`: `.md` or `.txt`) named `name` in problems."""
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise CorpusError(name, line, msg.CORPUS_NOT_UTF8) from None
    raw = raw.replace("\r\n", "\n")
    data_fields, body, body_line = _front_matter(name, raw) if suffix == ".md" else ({}, raw, 1)
    _check_fields(name, raw, data_fields)
    body = body.strip()
    if not body:
        raise CorpusError(name, body_line, msg.CORPUS_EMPTY_BODY)
    title, year = data_fields.get("title"), data_fields.get("year")
    title_line = _key_line(raw, "title") if isinstance(title, str) else 1
    if isinstance(title, str) and title.strip():
        title, title_year = split_year(clean(title, TEXT_MAX * 4))
        year = year or title_year
    else:
        found = extract_title(body)
        if found is None:
            raise CorpusError(name, 1, msg.CORPUS_NO_TITLE)
        title, found_year = found
        year = year or found_year
    title = clean(title, TEXT_MAX)
    if not words(title):
        raise CorpusError(name, title_line, msg.CORPUS_TITLE_NO_WORDS.format(title=_value(title)))
    label = data_fields.get("verdict")
    rating = data_fields.get("rating")
    aliases = (clean(a, TEXT_MAX) for a in data_fields.get("aliases") or ())
    return ReviewFile(
        title=title,
        year=year,
        body=body,
        aliases=tuple(a for a in aliases if a),
        sequel_of=_short(data_fields.get("sequel_of")),
        is_sequel=bool(data_fields.get("sequel_of")) or is_sequel(body),
        checksum=text_checksum(body),
        same=same_text(body),
        reviewer=_short(data_fields.get("reviewer")),
        rating=None if rating is None else clean(str(rating), TEXT_MAX),
        verdict=Label(label) if label else None,
        source=name,
    )


def _short(value: str | None) -> str | None:
    return None if value is None else clean(value, TEXT_MAX)


def _read(path: str, name: str, found: _Found | None) -> bytes:
    """The bytes of a regular file of at most MAX_FILE_BYTES, opened without following a link or blocking."""
    fd = os.open(path, _OPEN_FLAGS)  # a pipe would block a plain open; a link fails (ELOOP)
    with open(fd, "rb") as fh:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise CorpusError(name, None, msg.CORPUS_NOT_A_FILE)
        if found is not None and (st.st_dev, st.st_ino) != (found.stat.st_dev, found.stat.st_ino):
            _check_still_inside(found, st)
        if st.st_size > MAX_FILE_BYTES:
            raise CorpusError(name, None, _too_large(st.st_size))
        data = fh.read(MAX_FILE_BYTES + 1)  # at most: a file may grow meanwhile, or say it has no size (/proc)
    if len(data) > MAX_FILE_BYTES:
        raise CorpusError(name, None, _too_large(len(data)))
    return data


def _check_still_inside(found: _Found, opened: os.stat_result) -> None:
    """The file opened is not the one the walk saw (replaced meanwhile): accept it only if it is inside the corpus."""
    real = os.path.realpath(found.path)
    try:
        now = os.stat(real)
    except OSError:
        now = None
    if not _inside(real, found.root) or now is None or (now.st_dev, now.st_ino) != (opened.st_dev, opened.st_ino):
        raise CorpusError(found.shown, None, msg.CORPUS_CHANGED)


def _too_large(size: int) -> str:
    return msg.CORPUS_TOO_LARGE.format(size=size_label(size, MAX_FILE_BYTES), limit=size_label(MAX_FILE_BYTES))


def size_label(n: int, limit: int | None = None) -> str:
    """`1 MiB`, `1.05 MiB`, `512 KiB`, `300 bytes`; in bytes if it would read the same as `limit`."""
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale:
            label = f"{n / scale:.2f}".rstrip("0").rstrip(".") + f" {unit}"
            return f"{n:,} bytes" if limit is not None and n != limit and label == size_label(limit) else label
    return f"{n:,} bytes"


_UNSHOWN = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]")


def shown(path: str) -> str:
    """A path as messages show it: bytes that are not UTF-8 and control characters escaped (`caf\\xe9.md`)."""
    if path.isascii() and path.isprintable():
        return path
    return _UNSHOWN.sub(_escape, path)


def _escape(m: re.Match[str]) -> str:
    c = ord(m.group())
    if 0xDC80 <= c <= 0xDCFF:  # a byte that is not UTF-8, as os.fsdecode keeps it
        return f"\\x{c - 0xDC00:02x}"
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"


class _Found(NamedTuple):
    """A review file the walk found."""

    path: str  # as found under the corpus folder: the corpus cache's key
    target: str  # what to open: `path`, or the file inside the corpus that a link at `path` points to
    shown: str  # `path` as messages show it (Review.source)
    stat: os.stat_result  # of `target`
    root: str  # the corpus folder's real path


def read_reviews(root: Path) -> Iterator[ReviewFile | CorpusError]:
    """Every review file under `root`, parsed, in a stable order (READMEs skipped), or what is wrong with it.

    Only regular files whose real path is inside `root` are read: a link out of it, a broken link or
    a pipe is a CorpusError. Links to folders are not followed.
    """
    for item in _walk(root):
        yield item if isinstance(item, CorpusError) else _parse(item)


class _FolderError(CorpusError):
    """A folder of the corpus that could not be read: the files under it were not seen."""


def _walk(root: Path) -> list[_Found | CorpusError]:
    """Review files under `root` (and problems) in the order of sorted(Path objects).

    That order is each folder's names sorted, a sub-folder's files where its name sorts: a depth-first
    walk with one small sort per folder (a folder of 100 files costs 100 `lstat` calls and little else).
    """
    real_root = os.path.realpath(root)
    found: list[_Found | CorpusError] = []
    pending = [_listing(str(root), found)]  # a stack, not recursion: a corpus may nest folders deeply
    while pending:
        for entry in pending[-1]:
            try:
                folder = entry.is_dir(follow_symlinks=False)
            except OSError as exc:
                found.append(CorpusError(shown(entry.path), None, _unreadable(exc)))
                continue
            if folder:
                pending.append(_listing(entry.path, found))
                break
            name = entry.name
            if not name.endswith((".md", ".txt")) or name.lower().startswith("readme"):
                continue
            if entry.is_symlink():
                item = _link(entry, real_root)
                if item is not None:
                    found.append(item)
                continue
            # The usual case, written out here: a restart walks 100,000 of these
            path = entry.path
            try:
                st = entry.stat(follow_symlinks=False)
            except FileNotFoundError:  # removed while the folder was read
                continue
            except OSError as exc:
                found.append(CorpusError(shown(path), None, _unreadable(exc)))
                continue
            if stat.S_ISREG(st.st_mode):
                found.append(_Found(path, path, shown(path), st, real_root))
            else:
                found.append(CorpusError(shown(path), None, msg.CORPUS_NOT_A_FILE))
        else:
            pending.pop()
    return found


def _listing(folder: str, found: list[_Found | CorpusError]) -> Iterator[os.DirEntry[str]]:
    """The entries of `folder` sorted by name; a folder that cannot be read (or read to the end) is a problem."""
    entries: list[os.DirEntry[str]] = []
    try:
        with os.scandir(folder) as scan:
            entries.extend(scan)
    except OSError as exc:
        problem = msg.CORPUS_FOLDER_UNREADABLE.format(reason=exc.strerror or "I/O error")
        found.append(_FolderError(shown(folder), None, problem))
    entries.sort(key=_name)
    return iter(entries)


_name = operator.attrgetter("name")


def _unreadable(exc: OSError) -> str:
    return msg.CORPUS_UNREADABLE.format(reason=exc.strerror or "I/O error")


def _link(entry: os.DirEntry[str], root: str) -> _Found | CorpusError | None:
    """A link a corpus folder lists: the file inside the corpus to read, a problem, or None (removed meanwhile)."""
    path = entry.path
    try:
        target = os.path.realpath(path)
        if not _inside(target, root):
            return CorpusError(shown(path), None, msg.CORPUS_LINK_OUTSIDE.format(target=shown(target)))
        try:
            st = os.stat(target)
        except FileNotFoundError:
            return CorpusError(shown(path), None, msg.CORPUS_LINK_BROKEN.format(target=shown(target)))
    except FileNotFoundError:  # removed while the folder was read
        return None
    except OSError as exc:
        return CorpusError(shown(path), None, _unreadable(exc))
    if not stat.S_ISREG(st.st_mode):
        return CorpusError(shown(path), None, msg.CORPUS_NOT_A_FILE)
    return _Found(path, target, shown(path), st, root)


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root if root.endswith(os.sep) else root + os.sep)


def load_corpus(
    root: Path | str, cache: Path | None = None, *, last_good: Mapping[str, ReviewFile] | None = None
) -> Corpus:
    """Load every review under `root`; bad files are reported in `problems` and skipped.

    With `cache` (a file), reviews unchanged since the last load (same size and modification time)
    come from it instead of being parsed again: a restart over 100,000 files takes seconds, not a minute.
    A file modified in the last few seconds is not cached yet: it could change again within the same
    timestamp (git's "racy clean" problem). A cache that is damaged in any way is ignored (one warning)
    and written again.

    `last_good`: the files of the previous load by `ReviewFile.source` (`Corpus.files`). A file among them
    that is now broken is loaded as it was, its problem still reported; so are the files under a folder
    that cannot be read now, and every one of them when `root` itself is gone (a network volume that
    dropped out). A file that was removed goes away.
    """
    root = Path(root)
    if not root.is_dir():
        missing = CorpusError(shown(str(root)), None, msg.CORPUS_NO_DIR)
        return build_corpus(_keep_last_good([_FolderError(missing.path, None, missing.message)], last_good, set()))
    if cache is None:
        if not last_good:
            return build_corpus(read_reviews(root))
        read = list(read_reviews(root))
        return build_corpus(_keep_last_good(read, last_good, _sources(read)))
    with gc_paused():  # what the walk and the cache make is kept: no garbage to look for
        found = _walk(root)
        cached = _read_cache(cache)
        unchanged = cached is not None and _unchanged(cached, found)
        if unchanged:  # a restart: every file as the cache knows it, and the corpus built from them kept too
            return unchanged
        known = {} if cached is None else _entries(cached)
    settled = time.time_ns() - SETTLE_NS
    changed = cached is None  # damaged: written again whatever happens
    kept: dict[str, _Cached] = {}
    keys: dict[str, str] = {}
    items: list[ReviewFile | CorpusError] = []
    for item in found:
        if isinstance(item, CorpusError):
            items.append(item)
            continue
        st = item.stat
        entry = known.get(item.path)
        parsed: ReviewFile | CorpusError
        if entry is not None and entry.size == st.st_size and entry.mtime == st.st_mtime_ns:
            parsed = entry.review
        else:
            parsed, entry = _parse(item), None
            if isinstance(parsed, ReviewFile) and st.st_mtime_ns < settled:
                entry = _Cached(st.st_size, st.st_mtime_ns, parsed, normalise(parsed.title))
                changed = True
        if entry is not None:
            kept[item.path] = entry
            keys[entry.review.title] = entry.key
        items.append(parsed)
    whole = len(kept) == len(found)  # every file read and cached: nothing broken, nothing too new to cache
    if last_good:
        items = _keep_last_good(items, last_good, _sources(items))
    with gc_paused():  # not around parsing: a YAML parser leaves cycles behind
        corpus, groups = _build(items, keys)
    built = _built(corpus, groups, [e.review for e in kept.values()]) if whole else None
    if changed or len(kept) != len(known) or (built is not None and (cached is None or cached.built is None)):
        _write_cache(cache, kept, built)
    return corpus


def _sources(items: Iterable[ReviewFile | CorpusError]) -> set[str]:
    return {item.path if isinstance(item, CorpusError) else item.source for item in items}


def _keep_last_good(
    items: Iterable[ReviewFile | CorpusError], last_good: Mapping[str, ReviewFile] | None, seen: set[str]
) -> list[ReviewFile | CorpusError]:
    """`items` with each broken file that loaded before in its last good version (and its problem, saying so);
    the files under a folder that could not be read (`seen` did not see them) are kept as they were too."""
    if not last_good:
        return list(items)
    out: list[ReviewFile | CorpusError] = []
    for item in items:
        if isinstance(item, _FolderError):
            under = item.path.rstrip(os.sep) + os.sep
            kept = [f for source, f in last_good.items() if source.startswith(under) and source not in seen]
            if kept:
                item = _FolderError(
                    item.path, None, msg.CORPUS_KEPT_FOLDER.format(problem=item.message, count=len(kept))
                )
            out += [item, *kept]
        elif isinstance(item, CorpusError) and (good := last_good.get(item.path)) is not None:
            out += [good, CorpusError(item.path, item.line, msg.CORPUS_KEPT.format(problem=item.message))]
        else:
            out.append(item)
    return out


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No garbage collection meanwhile, and what was made kept out of later collections' sight.

    For loading a corpus or its indexes: a million objects, none of them garbage, kept until the next
    reload. Collecting while they are made, and again and again as they age, costs a second at 100k
    reviews; `gc.freeze` spares that and keeps a full collection from walking them in the middle of
    an answer. Reference counting still frees them when a reload drops them (they hold no cycles).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


class _Cached(NamedTuple):
    size: int
    mtime: int  # nanoseconds
    review: ReviewFile
    key: str  # the title normalised


SETTLE_NS = 3_000_000_000  # a file modified less than this long ago is parsed but not cached yet


def _parse(found: _Found) -> ReviewFile | CorpusError:
    try:
        return parse_file(Path(found.target), found.shown, found)
    except CorpusError as exc:
        return exc
    except OSError as exc:
        return CorpusError(found.shown, None, _unreadable(exc))


# --- the corpus cache -------------------------------------------------------------------------
# One file: MAGIC, the length of a JSON header (8 bytes, little-endian), the header, then every review's
# text as UTF-8, one after another. The header holds `format` (a digest of the code that reads and
# builds the corpus), one list per field with one entry per file (`text_end[i]`: where file i's text
# ends in the blob), and `built`: the corpus those files made, when they were all of it (no file broken
# or too new to cache). A restart that finds just those files, none changed, takes that corpus as it
# was instead of building it again. `built` holds each file's film (an index into its film columns;
# -1 for a duplicate) and review id, and the problems and notes. Nothing in the file can run code, and
# everything is checked when read: any mismatch and the whole cache is ignored.

MAGIC = b"reviewbot corpus cache\n"
_HEX = re.compile(r"[0-9a-f]*")
_LABELS = frozenset(label.value for label in Label)


class _Damaged(ValueError):
    """The corpus cache is not what `_write_cache` wrote."""


class _Read(NamedTuple):
    """A corpus cache as read and checked: its columns, where its texts are, and the corpus they made (or None)."""

    columns: dict[str, list[Any]]
    texts: list[Stored]
    built: dict[str, list[Any]] | None


@functools.cache
def _cache_format() -> str:
    """A digest of the code that reads and builds reviews: a cache written by other code is not used."""
    h = hashlib.sha256(MAGIC)
    for module in (sys.modules[__name__], models, reading, text, yamlsafe, msg):
        h.update(Path(str(module.__file__)).read_bytes())
    h.update(f"{yaml.__version__} {yamlsafe.LOADER.__name__}".encode())
    return h.hexdigest()


def _read_cache(path: Path) -> _Read | None:
    """The corpus cache, empty when there is none; None when it is damaged (after one warning)."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except FileNotFoundError:
        return _EMPTY
    except OSError as exc:
        log.warning("ignoring the corpus cache %s: %s", path, exc.strerror or exc)
        return None
    try:
        with open(fd, "rb") as fh:
            return _read_columns(fh, path)
    except (_Damaged, OSError, ValueError, TypeError, KeyError, IndexError, OverflowError, RecursionError) as exc:
        log.warning("ignoring the corpus cache %s (it will be written again): %s", path, _reason(exc))
        return None


def _reason(exc: BaseException) -> str:
    return shorten(str(exc) or type(exc).__name__, 200)


def _read_columns(fh: BinaryIO, path: Path) -> _Read:
    st = os.fstat(fh.fileno())
    if not stat.S_ISREG(st.st_mode):
        raise _Damaged("not a regular file")
    head = fh.read(len(MAGIC) + 8)
    if len(head) < len(MAGIC) + 8 or head[: len(MAGIC)] != MAGIC:
        raise _Damaged("not a corpus cache")
    size = int.from_bytes(head[len(MAGIC) :], "little")
    start = len(head) + size
    if start > st.st_size:
        raise _Damaged("header longer than the file")
    meta = json.loads(fh.read(size))
    if not isinstance(meta, dict) or meta.get("format") != _cache_format():
        return _EMPTY  # written by another version: not damaged, just not ours to read
    rows = _columns(meta, st.st_size - start)
    built = _built_columns(meta.get("built"), len(rows["path"]))
    kept = _Texts(os.dup(fh.fileno()), str(path))
    ends = [start + end for end in rows["text_end"]]
    starts = [start, *ends[:-1]]
    texts: list[Stored] = list(map(_Stored, itertools.repeat(kept), starts, ends, rows["checksum"], rows["path"]))
    return _Read(rows, texts, built)


class _Texts:
    """The review texts of one corpus cache file, read from it when asked for.

    The file stays open while a review needs it: the cache is only ever replaced (a new file renamed
    over it), so what is open keeps what was read. Should it be changed in place anyway, a text that
    does not match its checksum is read from its review file instead, and the cache is removed (once,
    with a warning) so that the next load writes it again.
    """

    __slots__ = ("__weakref__", "_fd", "damaged", "file")

    def __init__(self, fd: int, file: str) -> None:
        self._fd, self.file, self.damaged = fd, file, False
        weakref.finalize(self, os.close, fd)

    def data(self, stored: _Stored) -> bytes:
        """One text's UTF-8, checked against its checksum (else its review file's)."""
        try:
            data = os.pread(self._fd, stored.end - stored.start, stored.start)
            if _checksum(data) == stored.checksum:
                return data
        except OSError:
            pass
        if not self.damaged:
            self.damaged = True
            why = "a review's text does not match its checksum"
            log.warning("ignoring the corpus cache %s (it will be written again): %s", shown(self.file), why)
            with contextlib.suppress(OSError):
                now, mine = os.stat(self.file), os.fstat(self._fd)
                if (now.st_dev, now.st_ino) == (mine.st_dev, mine.st_ino):
                    os.unlink(self.file)
        try:
            return parse_file(Path(stored.path)).text.encode("utf-8", "surrogatepass")
        except (CorpusError, OSError) as exc:
            log.warning("could not read %s again: %s", shown(stored.path), _reason(exc))
            return b""


class _Stored(NamedTuple):
    """Where the corpus cache keeps one review's text (a `bot.models.Stored`); equal to that text, and hashed as it."""

    texts: _Texts
    start: int
    end: int
    checksum: int
    path: str  # the review file

    def read(self) -> str:
        return self.texts.data(self).decode("utf-8", "surrogatepass")

    def data(self) -> bytes:
        return self.texts.data(self)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str | _Stored):
            return self.read() == (other if isinstance(other, str) else other.read())
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        same = self.__eq__(other)
        return same if same is NotImplemented else not same

    def __hash__(self) -> int:
        return hash(self.read())


def _texts(values: list[Any], limit: int, optional: bool = False, empty: bool = False) -> bool:
    """Every value a str of at most `limit` characters (or None when `optional`; "" only when `empty`)."""
    kinds = set(map(type, values))
    if not kinds <= ({str, type(None)} if optional else {str}):
        return False
    present = [v for v in values if v is not None] if optional and type(None) in kinds else values
    return max(map(len, present), default=0) <= limit and (empty or min(map(len, present), default=1) > 0)


def _ints(values: list[Any], low: int, high: int, optional: bool = False) -> bool:
    kinds = set(map(type, values))
    if not kinds <= ({int, type(None)} if optional else {int}):
        return False
    present = [v for v in values if v is not None] if optional and type(None) in kinds else values
    return not present or (low <= min(present) and max(present) <= high)


def _said(values: list[Any]) -> bool:
    """Problems or notes: each [path, line or None, message]."""
    return all(
        type(v) is list
        and len(v) == 3
        and type(v[0]) is str
        and type(v[2]) is str
        and (v[1] is None or type(v[1]) is int)
        for v in values
    )


_COLUMNS: dict[str, Callable[[list[Any]], bool]] = {
    "path": lambda c: _texts(c, 1 << 16),
    "size": lambda c: _ints(c, 0, MAX_FILE_BYTES),
    "mtime": lambda c: _ints(c, -(1 << 63), (1 << 63) - 1),
    "title": lambda c: _texts(c, TEXT_MAX),
    "year": lambda c: _ints(c, 0, 9999, optional=True),
    "aliases": lambda c: set(map(type, c)) <= {list} and _texts(list(itertools.chain.from_iterable(c)), TEXT_MAX),
    "sequel_of": lambda c: _texts(c, TEXT_MAX, optional=True, empty=True),
    "is_sequel": lambda c: set(map(type, c)) <= {bool},
    "reviewer": lambda c: _texts(c, TEXT_MAX, optional=True, empty=True),
    "rating": lambda c: _texts(c, TEXT_MAX, optional=True, empty=True),
    "verdict": lambda c: set(map(type, c)) <= {str, type(None)} and set(c) <= {None, *_LABELS},
    "key": lambda c: _texts(c, 1 << 16, empty=True),
    "checksum": lambda c: _ints(c, 0, (1 << 53) - 1),
    "same": lambda c: _texts(c, 24) and min(map(len, c), default=24) == 24 and _HEX.fullmatch("".join(c)) is not None,
    "text_end": lambda c: _ints(c, 1, 1 << 62) and all(map(operator.lt, c, c[1:])),
}
_EMPTY = _Read({name: [] for name in _COLUMNS}, [], None)
_BUILT: dict[str, Callable[[list[Any]], bool]] = {
    "film": lambda c: _ints(c, -1, (1 << 62)),  # per file
    "review": lambda c: _texts(c, 1 << 16, optional=True),  # per file: None for a duplicate
    "id": lambda c: _texts(c, 1 << 16) and len(set(c)) == len(c),  # per film, and the rest
    "title": _COLUMNS["title"],
    "year": _COLUMNS["year"],
    "aliases": _COLUMNS["aliases"],
    "sequel_of": _COLUMNS["sequel_of"],
    "problems": _said,  # a list each, in order
    "notes": _said,
}


def _columns(meta: dict[str, Any], blob: int) -> dict[str, list[Any]]:
    """The header's columns, checked: each a list of the same length, of the right types, texts within the blob."""
    count = meta.get("count")
    columns = meta.get("columns")
    if type(count) is not int or not isinstance(columns, dict) or set(columns) != set(_COLUMNS):
        raise _Damaged("missing or unexpected columns")
    for name, ok in _COLUMNS.items():
        values = columns[name]
        if not isinstance(values, list) or len(values) != count or not ok(values):
            raise _Damaged(f"column {name!r} is damaged")
    ends = columns["text_end"]
    if (ends[-1] if ends else 0) != blob:
        raise _Damaged("the texts do not fill the file")
    return columns


def _built_columns(built: Any, count: int) -> dict[str, list[Any]] | None:
    """The header's `built`, checked: a film for every file, every film with a review, ids unique."""
    if built is None:
        return None
    if not isinstance(built, dict) or set(built) != set(_BUILT):
        raise _Damaged("missing or unexpected built columns")
    for name, ok in _BUILT.items():
        if not isinstance(built[name], list) or not ok(built[name]):
            raise _Damaged(f"built column {name!r} is damaged")
    films, of, reviews = len(built["id"]), built["film"], built["review"]
    if (
        len(of) != count
        or len(reviews) != count
        or any(len(built[k]) != films for k in ("title", "year", "aliases", "sequel_of"))
    ):
        raise _Damaged("built columns of different lengths")
    used = [r for r in reviews if r is not None]
    if (
        set(of) - {-1} != set(range(films))
        or any((n < 0) != (r is None) for n, r in zip(of, reviews, strict=True))
        or len(set(used)) != len(used)
    ):
        raise _Damaged("built films and reviews do not match")
    return built


def _files(read: _Read) -> list[ReviewFile]:
    """The cached review files, built a column at a time (a third faster than row by row)."""
    c = read.columns
    labels: dict[str | None, Label | None] = {None: None, **{label.value: label for label in Label}}
    return list(
        map(
            ReviewFile, c["title"], c["year"], read.texts, map(tuple, c["aliases"]), c["sequel_of"], c["reviewer"],
            c["rating"], map(labels.__getitem__, c["verdict"]), c["is_sequel"], map(shown, c["path"]), c["checksum"],
            c["same"],
        )
    )  # fmt: skip


def _entries(read: _Read) -> dict[str, _Cached]:
    """The cached review files by path."""
    c = read.columns
    return dict(zip(c["path"], map(_Cached, c["size"], c["mtime"], _files(read), c["key"]), strict=True))


def _unchanged(read: _Read, found: list[_Found | CorpusError]) -> Corpus | None:
    """The corpus the cache keeps, when the walk found just the files it was built from, none changed since."""
    built, c = read.built, read.columns
    if built is None or len(found) != len(read.texts):
        return None
    for item, path, size, mtime in zip(found, c["path"], c["size"], c["mtime"], strict=True):
        if (
            isinstance(item, CorpusError)
            or item.path != path
            or (item.stat.st_size, item.stat.st_mtime_ns) != (size, mtime)
        ):
            return None
    files = _files(read)
    ids = built["id"]
    reviews: list[list[Review]] = [[] for _ in ids]
    for n, review_id, f in zip(built["film"], built["review"], files, strict=True):
        if n >= 0:
            film_id = ids[n]
            reviews[n].append(
                Review(review_id, film_id, f.body, f.reviewer, f.rating, f.verdict, f.is_sequel, f.source, f.checksum)
            )
    films = map(
        Film, ids, built["title"], built["year"], map(tuple, reviews), map(tuple, built["aliases"]), built["sequel_of"]
    )
    said = [tuple(CorpusError(*p) for p in built[k]) for k in ("problems", "notes")]
    return Corpus(tuple(films), said[0], said[1], tuple(files))


def _built(corpus: Corpus, groups: list[list[ReviewFile]], files: list[ReviewFile]) -> dict[str, list[Any]] | None:
    """What the cache keeps of `corpus`, built from just `files` (`groups`: each film's); None if it cannot."""
    if any(type(p) is not CorpusError for p in (*corpus.problems, *corpus.notes)):
        return None
    where = {
        id(f): (n, r.id)
        for n, (film, group) in enumerate(zip(corpus.films, groups, strict=True))
        for f, r in zip(group, film.reviews, strict=True)
    }
    placed = [where.get(id(f), (-1, None)) for f in files]
    films = corpus.films
    return {
        "film": [n for n, _ in placed],
        "review": [r for _, r in placed],
        "id": [f.id for f in films],
        "title": [f.title for f in films],
        "year": [f.year for f in films],
        "aliases": [list(f.aliases) for f in films],
        "sequel_of": [f.sequel_of for f in films],
        "problems": [[p.path, p.line, p.message] for p in corpus.problems],
        "notes": [[p.path, p.line, p.message] for p in corpus.notes],
    }


def _write_cache(path: Path, entries: dict[str, _Cached], built: dict[str, list[Any]] | None) -> None:
    tmp = path.with_name(path.name + ".tmp")
    rows = list(entries.items())
    films = [e.review for _, e in rows]
    # a text still in the old cache is copied as it is there (checked), not decoded to be encoded again
    texts = [f.body.data() if isinstance(f.body, _Stored) else f.text.encode("utf-8") for f in films]
    ends, total = [], 0
    for t in texts:
        total += len(t)
        ends.append(total)
    columns = {
        "path": [p for p, _ in rows],
        "size": [e.size for _, e in rows],
        "mtime": [e.mtime for _, e in rows],
        "title": [f.title for f in films],
        "year": [f.year for f in films],
        "aliases": [list(f.aliases) for f in films],
        "sequel_of": [f.sequel_of for f in films],
        "is_sequel": [f.is_sequel for f in films],
        "reviewer": [f.reviewer for f in films],
        "rating": [f.rating for f in films],
        "verdict": [None if f.verdict is None else f.verdict.value for f in films],
        "key": [e.key for _, e in rows],
        "checksum": [f.checksum or text_checksum(f.text) for f in films],
        "same": [f.same or same_text(f.text) for f in films],
        "text_end": ends,
    }
    meta = {"format": _cache_format(), "count": len(rows), "columns": columns, "built": built}
    header = json.dumps(meta).encode("ascii")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.unlink(missing_ok=True)  # never write through a link someone left at the temporary name
        with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600), "wb") as fh:
            fh.write(MAGIC + len(header).to_bytes(8, "little"))
            fh.write(header)
            for t in texts:
                fh.write(t)
        os.replace(tmp, path)
    except OSError as exc:
        log.warning("could not write the corpus cache %s: %s", path, exc.strerror or exc)
        tmp.unlink(missing_ok=True)


def build_corpus(items: Iterable[ReviewFile | CorpusError], normalised: dict[str, str] | None = None) -> Corpus:
    """Group review files into films, report problems, and give films and reviews unique ids.

    Files with the same normalised title are one film when their years agree or one has none; a
    file with no year joins the film of that title when there is only one, else it stands alone
    (and `corpus check` says to give it a year). The same text again for the same film is a duplicate
    and skipped.
    `normalised`: titles already normalised (by the corpus cache), to save doing it again.
    """
    return _build(items, normalised)[0]


def _build(
    items: Iterable[ReviewFile | CorpusError], normalised: dict[str, str] | None = None
) -> tuple[Corpus, list[list[ReviewFile]]]:
    """`build_corpus`, and the files each film's reviews came from (in the order of `Corpus.films`)."""
    normalised = normalised or {}
    problems: list[CorpusError] = []
    notes: list[CorpusError] = []
    read: list[ReviewFile] = []
    groups: dict[str, list[ReviewFile]] = {}  # normalised title -> its files, in order
    position: dict[int, int] = {}  # id(file) -> where it came in `items`: films keep the order of their first file
    for n, item in enumerate(items):
        if isinstance(item, CorpusError):
            problems.append(item)
            continue
        read.append(item)
        position[id(item)] = n
        groups.setdefault(normalised.get(item.title) or normalise(item.title), []).append(item)
    films: list[tuple[int, list[ReviewFile]]] = []  # (first file's position, files)
    for files in groups.values():
        years = sorted({f.year for f in files if f.year is not None})
        if len(years) <= 1:  # most films: the files with no year join the one with a year
            films.append((position[id(files[0])], _distinct(files, problems)))
            continue
        by_year: dict[int | None, list[ReviewFile]] = {}
        for f in files:
            year = f.year if f.year is not None or len(years) != 1 else years[0]
            if f.year is None and len(years) > 1:
                others = ", ".join(f"{f.title} ({y})" for y in years)
                problems.append(CorpusError(f.source, 1, msg.CORPUS_NO_YEAR.format(title=f.title, others=others)))
            by_year.setdefault(year, []).append(f)
        for group in by_year.values():
            films.append((position[id(group[0])], _distinct(group, problems)))
    keys = {title: key for files in groups.values() for f in files[:1] if (key := normalised.get(title := f.title))}
    films.sort(key=lambda item: item[0])
    built: list[Film] = []
    ids: set[str] = set()
    for _, group in films:
        film, trouble, spelt = _film(group, ids, keys.get(group[0].title))
        built.append(film)
        problems += trouble
        notes += spelt
    return Corpus(tuple(built), tuple(problems), tuple(notes), tuple(read)), [group for _, group in films]


def _distinct(files: list[ReviewFile], problems: list[CorpusError]) -> list[ReviewFile]:
    """The files of one film, without a text that an earlier one already has (whitespace and case aside)."""
    if len(files) == 1:
        return files
    texts: dict[str, str] = {}
    out = []
    for f in files:
        same = f.same or same_text(f.text)
        if same in texts:
            problems.append(CorpusError(f.source, 1, msg.CORPUS_DUPLICATE.format(other=texts[same])))
            continue
        texts[same] = f.source
        out.append(f)
    return out


@functools.lru_cache(maxsize=65536)
def _reviewer_slug(name: str) -> str:
    """A reviewer's part of a review id: `ana`, `jean-luc` (names repeat: worked out once each)."""
    return "-".join(_SLUG_WORD.findall(normalise(name)))[:24]


def _film(
    files: list[ReviewFile], ids: set[str], key: str | None = None
) -> tuple[Film, list[CorpusError], list[CorpusError]]:
    """One film from its review files (in order), with a unique id; and what `corpus check` should say.

    `key`: the first file's title normalised, when already known.
    """
    first = files[0]
    year = first.year if first.year is not None else next((f.year for f in files if f.year is not None), None)
    base, n = slug(first.title, year, key), 2
    film_id = base
    while film_id in ids:
        film_id, n = f"{base}-{n}", n + 1
    ids.add(film_id)
    problems: list[CorpusError] = []
    notes: list[CorpusError] = []
    aliases: dict[str, str] = {}
    sequel_of: str | None = None
    used: set[str] = set()
    reviews = []
    for n, f in enumerate(files, 1):
        if f.title != first.title:
            spelt = msg.CORPUS_SPELT_OTHERWISE.format(title=f.title, other=first.title, first=first.source)
            notes.append(CorpusError(f.source, 1, spelt))
        for alias in f.aliases:
            aliases.setdefault(normalise(alias), alias)
        sequel_of = sequel_of or f.sequel_of or None
        review_id = f"{film_id}/{(f.reviewer and _reviewer_slug(f.reviewer)) or n}"
        if review_id in used:
            k = 2
            while f"{review_id}-{k}" in used:
                k += 1
            review_id = f"{review_id}-{k}"
        used.add(review_id)
        checksum = f.checksum or text_checksum(f.text)
        reviews.append(
            Review(review_id, film_id, f.body, f.reviewer, f.rating, f.verdict, f.is_sequel, f.source, checksum)
        )
    if sequel_of:
        said = normalise(sequel_of)
        for f in files:
            if f.sequel_of and normalise(f.sequel_of) != said:
                value = msg.CORPUS_SEQUEL_CONFLICT.format(value=f.sequel_of, other=sequel_of)
                problems.append(CorpusError(f.source, 1, value))
    film = Film(film_id, first.title, year, tuple(reviews), tuple(aliases.values()), sequel_of)
    return film, problems, notes
