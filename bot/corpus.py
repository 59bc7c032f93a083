"""Load review files into `Film`s with their `Review`s; report every unusable file with its path and line.

Accepted: `.md` with YAML front matter (`title`, optional `year`, `aliases`,
`sequel_of`, `reviewer`, `rating`, `verdict`) and plain `.txt`, whose title is
read from the text. Files with the same title (and the same year, or none) are reviews of
one film; different years are different films (remakes). A duplicate is the same text again.
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
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import yaml

from bot import messages as msg
from bot import models, text
from bot.errors import CorpusError
from bot.models import Film, Label, Review
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
    problems: tuple[CorpusError, ...]  # files skipped, or loaded with something to fix
    notes: tuple[CorpusError, ...] = ()  # worth knowing, nothing to fix (titles spelt two ways, merged)

    @property
    def reviews(self) -> int:
        return sum(len(f.reviews) for f in self.films)


@dataclass(frozen=True, slots=True)
class ReviewFile:
    """One parsed review file: the film it is about and the review itself."""

    title: str
    year: int | None
    text: str
    aliases: tuple[str, ...] = ()
    sequel_of: str | None = None
    reviewer: str | None = None
    rating: str | None = None
    verdict: Label | None = None
    is_sequel: bool = False
    source: str = ""


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


def parse_file(path: Path, display: str | None = None) -> ReviewFile:
    """Parse one review file; raises CorpusError saying where it is broken."""
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
    reviewer = data.get("reviewer")
    return ReviewFile(
        title=title[:200],
        year=year,
        text=body,
        aliases=tuple(a.strip() for a in data.get("aliases") or () if a.strip()),
        sequel_of=data.get("sequel_of"),
        reviewer=reviewer.strip() or None if isinstance(reviewer, str) else None,
        rating=None if rating is None else str(rating),
        verdict=Label(label) if label else None,
        is_sequel=bool(data.get("sequel_of")) or is_sequel(body),
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
    items: list[ReviewFile | CorpusError] = []
    changed = False
    for path, st in _walk(root, stat=True):
        entry = known.get(path)
        item: ReviewFile | CorpusError
        if st is not None and entry is not None and entry[:2] == (st.st_size, st.st_mtime_ns):
            item = ReviewFile(*entry[2])
        else:
            item, entry = _parse(Path(path)), None
            if st is not None and isinstance(item, ReviewFile) and st.st_mtime_ns < settled:
                row = tuple(getattr(item, f.name) for f in fields(ReviewFile))
                entry = (st.st_size, st.st_mtime_ns, row, normalise(item.title))
                changed = True
        if entry is not None and isinstance(item, ReviewFile):
            kept[path] = entry
            normalised[item.title] = entry[3]
        items.append(item)
    if changed or len(kept) != len(known):
        _write_cache(cache, kept)
    return build_corpus(items, normalised)


_Cached = tuple[int, int, tuple[Any, ...], str]  # size, modification time, the ReviewFile's fields, title normalised
SETTLE_NS = 3_000_000_000  # a file modified less than this long ago is parsed but not cached yet


def _parse(path: Path) -> ReviewFile | CorpusError:
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


def build_corpus(items: Iterable[ReviewFile | CorpusError], normalised: dict[str, str] | None = None) -> Corpus:
    """Group review files into films, report problems, and give films and reviews unique ids.

    Files with the same normalised title are one film when their years agree or one has none; a
    file with no year joins the film of that title when there is only one, else it stands alone
    (and `corpus check` says to give it a year). The same text again is a duplicate and skipped.
    `normalised`: titles already normalised (by the corpus cache), to save doing it again.
    """
    normalised = normalised or {}
    problems: list[CorpusError] = []
    notes: list[CorpusError] = []
    texts: dict[str, str] = {}  # the text, whitespace and case folded -> the file it came from
    groups: dict[str, list[ReviewFile]] = {}  # normalised title -> its files, in order
    position: dict[int, int] = {}  # id(file) -> where it came in `items`: films keep the order of their first file
    for n, item in enumerate(items):
        if isinstance(item, CorpusError):
            problems.append(item)
            continue
        same = " ".join(item.text.split()).casefold()
        if same in texts:
            problems.append(CorpusError(item.source, 1, msg.CORPUS_DUPLICATE.format(other=texts[same])))
            continue
        texts[same] = item.source
        position[id(item)] = n
        groups.setdefault(normalised.get(item.title) or normalise(item.title), []).append(item)
    films: list[tuple[int, list[ReviewFile]]] = []  # (first file's position, files)
    for files in groups.values():
        years = sorted({f.year for f in files if f.year is not None})
        by_year: dict[int | None, list[ReviewFile]] = {}
        for f in files:
            year = f.year if f.year is not None or len(years) != 1 else years[0]
            if f.year is None and len(years) > 1:
                others = ", ".join(f"{f.title} ({y})" for y in years)
                problems.append(CorpusError(f.source, 1, msg.CORPUS_NO_YEAR.format(title=f.title, others=others)))
            by_year.setdefault(year, []).append(f)
        for group in by_year.values():
            films.append((position[id(group[0])], group))
    films.sort(key=lambda item: item[0])
    built: list[Film] = []
    ids: set[str] = set()
    for _, group in films:
        film, trouble, spelt = _film(group, ids)
        built.append(film)
        problems += trouble
        notes += spelt
    return Corpus(tuple(built), tuple(problems), tuple(notes))


def _film(files: list[ReviewFile], ids: set[str]) -> tuple[Film, list[CorpusError], list[CorpusError]]:
    """One film from its review files (in order), with a unique id; and what `corpus check` should say."""
    first = files[0]
    year = next((f.year for f in files if f.year is not None), None)
    base, n = slug(first.title, year), 2
    film_id = base
    while film_id in ids:
        film_id, n = f"{base}-{n}", n + 1
    ids.add(film_id)
    problems: list[CorpusError] = []
    notes = [
        CorpusError(
            f.source, 1, msg.CORPUS_SPELT_OTHERWISE.format(title=f.title, other=first.title, first=first.source)
        )
        for f in files[1:]
        if f.title != first.title
    ]
    aliases: dict[str, str] = {}
    for f in files:
        for alias in f.aliases:
            aliases.setdefault(normalise(alias), alias)
    sequel_of = next((f.sequel_of for f in files if f.sequel_of), None)
    for f in files:
        if f.sequel_of and normalise(f.sequel_of) != normalise(sequel_of or ""):
            problems.append(
                CorpusError(f.source, 1, msg.CORPUS_SEQUEL_CONFLICT.format(value=f.sequel_of, other=sequel_of))
            )
    used: set[str] = set()
    reviews = []
    for n, f in enumerate(files, 1):
        name = "-".join(re.findall(r"[a-z0-9]+", normalise(f.reviewer or "")))[:24] or str(n)
        review_id, k = f"{film_id}/{name}", 2
        while review_id in used:
            review_id, k = f"{film_id}/{name}-{k}", k + 1
        used.add(review_id)
        reviews.append(Review(review_id, film_id, f.text, f.reviewer, f.rating, f.verdict, f.is_sequel, f.source))
    film = Film(film_id, first.title, year, tuple(reviews), tuple(aliases.values()), sequel_of)
    return film, problems, notes
