"""Load review files into `Film`s; report every unusable file with its path and line.

Accepted: `.md` with YAML front matter (`title`, optional `year`, `aliases`,
`sequel_of`, `reviewer`, `rating`, `verdict`) and plain `.txt`, whose title is
read from the text.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import pickle
import re
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

import yaml

from bot import messages as msg
from bot import models, text
from bot.errors import CorpusError
from bot.models import Film, Label
from bot.reading import parse_rating
from bot.text import normalise, split_year

log = logging.getLogger(__name__)

FIELDS = frozenset({"title", "year", "aliases", "sequel_of", "reviewer", "rating", "verdict"})
_QUOTED = re.compile(r"[\"“]([A-Z0-9][^\"”\n]{0,118}?)[\"”]")
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
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser when built with it: ten times faster


@dataclass(frozen=True, slots=True)
class Corpus:
    films: tuple[Film, ...]
    problems: tuple[CorpusError, ...]


def slug(title: str, year: int | None) -> str:
    """A stable id: `celestial-symphony`, or `heat-1995` when a year is known."""
    base = "-".join(re.findall(r"[a-z0-9]+", normalise(title) or title.lower()))[:60] or "film"
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
    quoted = _QUOTED.findall(text)
    if head[:1] in '"“' and quoted:
        return _with_year(quoted[0], text)
    if quoted:  # the quoted phrase the review repeats most
        best = max(set(quoted), key=lambda q: (quoted.count(q), -quoted.index(q)))
        if quoted.count(best) >= 2:
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
        data = yaml.load(m.group(1), Loader=_YAML_LOADER) or {}  # a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        last = m.group(1).count("\n") + 1  # an error at the end of the block belongs to its last line
        line = min(mark.line + 2, last) if mark is not None else 1
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise CorpusError(path, line, msg.CORPUS_BAD_YAML.format(problem=problem)) from None
    if not isinstance(data, dict):
        raise CorpusError(path, 2, msg.CORPUS_FRONT_MATTER_NOT_MAPPING)
    return data, raw[m.end() :], _line_of(raw, m.end())


def _key_line(raw: str, key: str) -> int:
    m = re.search(rf"^{re.escape(key)}\s*:", raw, re.M)
    return _line_of(raw, m.start()) if m else 1


def _check_fields(path: str, raw: str, data: dict[str, Any]) -> None:
    for key in data:
        if key not in FIELDS:
            raise CorpusError(path, _key_line(raw, str(key)), msg.CORPUS_UNKNOWN_FIELD.format(key=key))
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
            raise CorpusError(path, _key_line(raw, key), msg.CORPUS_BAD_FIELD[key].format(value=value))
    rating = data.get("rating")
    if rating is not None and parse_rating(str(rating)) is None:
        raise CorpusError(path, _key_line(raw, "rating"), msg.CORPUS_BAD_RATING.format(value=rating))


def parse_file(path: Path, display: str | None = None) -> Film:
    """Parse one review file into a Film; raises CorpusError saying where it is broken."""
    name = display or str(path)
    data_bytes = path.read_bytes()
    try:
        raw = data_bytes.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data_bytes.count(b"\n", 0, exc.start) + 1
        raise CorpusError(name, line, msg.CORPUS_NOT_UTF8) from None
    raw = raw.replace("\r\n", "\n")
    data, body, body_line = _front_matter(name, raw) if path.suffix == ".md" else ({}, raw, 1)
    _check_fields(name, raw, data)
    body = body.strip()
    if not body:
        raise CorpusError(name, body_line, msg.CORPUS_EMPTY_BODY)
    title, year = data.get("title"), data.get("year")
    if isinstance(title, str) and title.strip():
        title, title_year = split_year(title.strip())
        year = year or title_year
    else:
        found = extract_title(body)
        if found is None:
            raise CorpusError(name, 1, msg.CORPUS_NO_TITLE)
        title, found_year = found
        year = year or found_year
    label = data.get("verdict")
    rating = data.get("rating")
    return Film(
        id=slug(title, year),
        title=title[:200],
        year=year,
        text=body,
        aliases=tuple(a.strip() for a in data.get("aliases") or () if a.strip()),
        sequel_of=data.get("sequel_of"),
        is_sequel=bool(data.get("sequel_of")) or is_sequel(body),
        reviewer=data.get("reviewer"),
        rating=None if rating is None else str(rating),
        verdict=Label(label) if label else None,
        source=name,
    )


def review_files(root: Path) -> Iterator[Path]:
    """The review files under `root`, in a stable order (READMEs skipped)."""
    for path, _ in _walk(root, stat=False):
        yield Path(path)


def _walk(root: Path, stat: bool) -> list[tuple[str, os.stat_result | None]]:
    """Review file paths under `root` (with their stat when asked), in the order of sorted(Path objects)."""
    found: list[tuple[tuple[str, ...], str, os.stat_result | None]] = []
    folders = [str(root)]
    while folders:
        folder = folders.pop()
        try:
            entries = os.scandir(folder)
        except OSError as exc:
            log.warning("skipped the folder %s: %s", folder, exc.strerror or "unreadable")
            continue
        with entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.append(entry.path)
                elif entry.name.endswith((".md", ".txt")) and not entry.name.lower().startswith("readme"):
                    try:
                        if entry.is_file():
                            found.append((tuple(entry.path.split(os.sep)), entry.path, entry.stat() if stat else None))
                    except OSError:
                        found.append((tuple(entry.path.split(os.sep)), entry.path, None))
    found.sort(key=lambda item: item[0])
    return [(path, st) for _, path, st in found]


def load_corpus(root: Path | str, cache: Path | None = None) -> Corpus:
    """Load every review under `root`; bad files are reported in `problems` and skipped.

    With `cache` (a file), reviews unchanged since the last load (same size and modification time)
    come from it instead of being parsed again: a restart over 100,000 files takes seconds, not a minute.
    A file modified in the last few seconds is not cached yet: it could change again within the same
    timestamp (git's "racy clean" problem).
    """
    root = Path(root)
    if not root.is_dir():
        return Corpus((), (CorpusError(str(root), None, msg.CORPUS_NO_DIR),))
    if cache is None:
        return build_corpus(_parse(path) for path in review_files(root))
    settled = time.time_ns() - SETTLE_NS
    known = _read_cache(cache)
    kept: dict[str, _Cached] = {}
    normalised: dict[str, str] = {}
    items: list[Film | CorpusError] = []
    changed = False
    for path, st in _walk(root, stat=True):
        entry = known.get(path)
        item: Film | CorpusError
        if st is not None and entry is not None and entry[:2] == (st.st_size, st.st_mtime_ns):
            item = Film(*entry[2])
        else:
            item, entry = _parse(Path(path)), None
            if st is not None and isinstance(item, Film) and st.st_mtime_ns < settled:
                row = tuple(getattr(item, f.name) for f in fields(Film))
                entry = (st.st_size, st.st_mtime_ns, row, normalise(item.title))
                changed = True
        if entry is not None and isinstance(item, Film):
            kept[path] = entry
            normalised[item.title] = entry[3]
        items.append(item)
    if changed or len(kept) != len(known):
        _write_cache(cache, kept)
    return build_corpus(items, normalised)


_Cached = tuple[int, int, tuple[Any, ...], str]  # size, modification time, the Film's fields, its title normalised
SETTLE_NS = 3_000_000_000  # a file modified less than this long ago is parsed but not cached yet


def _parse(path: Path) -> Film | CorpusError:
    try:
        return parse_file(path)
    except CorpusError as exc:
        return exc
    except OSError as exc:
        return CorpusError(str(path), None, msg.CORPUS_UNREADABLE.format(reason=exc.strerror or "I/O error"))


@functools.cache
def _cache_format() -> str:
    """A digest of the code that parses reviews: a cache written by other code is not used."""
    h = hashlib.sha256()
    for module in (sys.modules[__name__], models, text):
        h.update(Path(str(module.__file__)).read_bytes())
    h.update(f"{yaml.__version__} {_YAML_LOADER.__name__}".encode())
    return h.hexdigest()


def _read_cache(path: Path) -> dict[str, _Cached]:
    try:
        with path.open("rb") as fh:
            data = pickle.load(fh)
        if isinstance(data, dict) and data.get("format") == _cache_format():
            return dict(data["films"])
    except FileNotFoundError:
        pass
    except Exception:  # a cache is disposable: any damage means parsing again
        log.warning("ignoring the corpus cache %s: unreadable", path)
    return {}


def _write_cache(path: Path, films: dict[str, _Cached]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tmp.open("wb") as fh:
            pickle.dump({"format": _cache_format(), "films": films}, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError as exc:
        log.warning("could not write the corpus cache %s: %s", path, exc.strerror or exc)


def build_corpus(items: Iterable[Film | CorpusError], normalised: dict[str, str] | None = None) -> Corpus:
    """Collect films and problems, rejecting duplicate titles and making ids unique.

    `normalised`: titles already normalised (by the corpus cache), to save doing it again."""
    normalised = normalised or {}
    films: list[Film] = []
    problems: list[CorpusError] = []
    seen: dict[tuple[str, int | None], str] = {}
    ids: set[str] = set()
    for item in items:
        if isinstance(item, CorpusError):
            problems.append(item)
            continue
        key = (normalised.get(item.title) or normalise(item.title), item.year)
        if key in seen:
            problems.append(CorpusError(item.source, 1, msg.CORPUS_DUPLICATE.format(title=item.title, other=seen[key])))
            continue
        seen[key] = item.source
        film_id, n = item.id, 2
        while film_id in ids:
            film_id, n = f"{item.id}-{n}", n + 1
        ids.add(film_id)
        films.append(item if film_id == item.id else _with_id(item, film_id))
    return Corpus(tuple(films), tuple(problems))


def _with_id(film: Film, film_id: str) -> Film:
    return replace(film, id=film_id)
