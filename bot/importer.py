"""Import reviews in bulk (CSV, JSON Lines or a folder of review files) into the corpus folder.

Every accepted review becomes one `.md` file with front matter, checked by the same rules as
`bot.corpus` (each written file loads back). Existing files are never overwritten; a review already in the
corpus (the same film and text, whitespace and case aside) is reported as a duplicate rather than written
twice; several rows of one film become one file per review.

Sources are not trusted. Each bad row is reported with its row or line number and a reason, and
skipped; the import always reads to the end, and its total counts every row. A row longer than
`ROW_MAX` is not parsed at all, a field longer than `FIELD_MAX` is refused, bytes that are not
UTF-8 spoil only their row, and a quote that is never closed spoils only the row it opens.
"""

from __future__ import annotations

import csv
import json
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, TextIO

import yaml

from bot import messages as msg
from bot.corpus import (
    FIELDS,
    MAX_FILE_BYTES,
    ReviewFile,
    load_corpus,
    parse_file,
    read_reviews,
    shown,
    size_label,
    slug,
)
from bot.errors import CorpusError
from bot.text import normalise, shorten

TEXT_COLUMNS = ("text", "review", "body", "content")
FIELD_MAX = MAX_FILE_BYTES  # a field's UTF-8 size: the review it becomes must fit in one review file
ROW_MAX = 4 * MAX_FILE_BYTES  # a CSV row or JSON line longer than this is skipped unread
_BOM = b"\xef\xbb\xbf"
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import did: files written, rows skipped (with where and why), rows read."""

    written: tuple[Path, ...]
    skipped: tuple[CorpusError, ...]
    total: int


Row = tuple[int, dict[str, Any] | CorpusError]  # (row or line number, fields or why it is unusable)


def import_corpus(
    source: Path, dest: Path, progress: Callable[[int, int], None] = lambda done, total: None
) -> ImportReport:
    """Write every review of `source` into `dest` as a `.md` file; `progress(done, total)` after each row."""
    source, dest = Path(source), Path(dest)
    try:
        rows = _rows(source)
    except OSError as exc:
        reason = msg.IMPORT_NO_SOURCE.format(reason=exc.strerror or "I/O error")
        return ImportReport((), (CorpusError(shown(str(source)), None, reason),), 0)
    if rows is None:
        return ImportReport((), (CorpusError(shown(str(source)), None, msg.IMPORT_NOT_A_SOURCE),), 0)
    try:
        dest.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = msg.IMPORT_DEST_BROKEN_LINK if dest.is_symlink() else exc.strerror or "I/O error"
        return ImportReport((), (CorpusError(shown(str(dest)), None, msg.IMPORT_NO_DEST.format(reason=reason)),), 0)
    seen = {_same(f.title, r.text): r.source for f in load_corpus(dest).films for r in f.reviews}
    written: list[Path] = []
    skipped: list[CorpusError] = []
    total = len(rows)
    name = shown(str(source))
    for done, (line, item) in enumerate(rows, 1):
        if isinstance(item, CorpusError):
            skipped.append(item)
        else:
            try:
                written.append(_write(dest, item, seen, name, line))
            except CorpusError as exc:
                skipped.append(exc)
        progress(done, total)
    return ImportReport(tuple(written), tuple(skipped), total)


def _rows(source: Path) -> list[Row] | None:
    if source.is_dir():
        return list(_folder_rows(source))
    suffix = source.suffix.lower()
    read = _csv_rows if suffix == ".csv" else _jsonl_rows if suffix in (".jsonl", ".ndjson") else None
    if read is None:
        return None
    with source.open("rb") as fh:
        return list(read(fh, shown(str(source))))


# --- CSV ---------------------------------------------------------------------------------------


class _TooLong(Exception):
    """The row being read is longer than ROW_MAX."""


_EOL = re.compile(rb"\r\n|\r|\n")
_CHUNK = 1 << 16


class _Lines:
    """The lines of a CSV file for `csv.reader`, counted and bounded, with what the current row holds.

    Lines end at `\\n`, `\\r\\n` or a lone `\\r`, as `open(newline="")` splits them. Bytes that are
    not UTF-8 are kept as lone surrogates (surrogateescape) and mark the row as bad. A row growing past
    ROW_MAX raises _TooLong; a line longer than that is read to its end but never kept whole.
    `rewind()` reads again from the line after the current row's first one.
    """

    def __init__(self, fh: BinaryIO, offset: int = 0) -> None:
        self._fh = fh
        self._seek(offset)
        self.line = 0  # lines handed out
        self.begin()

    def _seek(self, offset: int) -> None:
        self._fh.seek(offset)
        self._buf, self._pos, self._base = bytearray(), 0, offset  # the file from `_base` on, read up to `_pos`
        self.at_end = False
        if offset == 0 and self._more() and self._buf.startswith(_BOM):
            self._pos = len(_BOM)

    def begin(self) -> None:
        """A new row starts at the next line."""
        self.start = self.line + 1
        self.size = 0
        self.quotes = 0  # quote characters in the row so far: odd while a quoted field is open
        self.bad_line: int | None = None  # the row's first line that is not UTF-8
        self._resume: int | None = None  # where the line after `start` begins

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        raw = self._next_raw()
        if raw is None:
            raise StopIteration
        if self.size > ROW_MAX:
            raise _TooLong
        text = raw.decode("utf-8", "surrogateescape")
        if self.bad_line is None and _SURROGATE.search(text):
            self.bad_line = self.line
        return text

    def _more(self) -> bool:
        chunk = self._fh.read(_CHUNK)
        if not chunk:
            return False
        if self._pos > _CHUNK:
            del self._buf[: self._pos]
            self._base, self._pos = self._base + self._pos, 0
        self._buf += chunk
        return True

    def _next_raw(self) -> bytes | None:
        """The next line, with its end; None at the end of the file. An overlong line stands as a short one."""
        taken = 0
        quotes = 0
        while True:
            m = _EOL.search(self._buf, self._pos)
            if m is not None and (m.group() != b"\r" or m.end() < len(self._buf) or not self._more()):
                raw = bytes(self._buf[self._pos : m.end()])
                self._pos = m.end()
                break
            if m is None and len(self._buf) - self._pos > ROW_MAX:  # overlong: count its quotes, keep nothing
                taken, quotes = taken + len(self._buf) - self._pos, quotes + self._buf.count(b'"', self._pos)
                self._pos = len(self._buf)
            if m is None and not self._more():
                raw = bytes(self._buf[self._pos :])
                self._pos = len(self._buf)
                if not raw and not taken:
                    self.at_end = True
                    return None
                break
        if taken:  # the end of an overlong line: stand in for it with its length and its quotes' parity
            taken, quotes = taken + len(raw), quotes + raw.count(b'"')
            raw = b'"' * (quotes % 2) + b"\n"
        self.line += 1
        self.size += max(taken, len(raw))
        self.quotes += raw.count(b'"')
        if self.line == self.start:
            self._resume = self._base + self._pos
        return raw

    def skip(self) -> bool:
        """Read on to the end of the current row's open quote: True there, False at the end of the file."""
        while self.quotes % 2:
            if self._next_raw() is None:
                return False
        return True

    def rewind(self) -> None:
        """Read again from the line after the current row's first line."""
        if self._resume is not None:
            self._seek(self._resume)
            self.line = self.start

    def rows_after(self) -> int | None:
        """How many fields each row after the current row's first line has, if they all have as many."""
        if self._resume is None:
            return None
        after = _Lines(self._fh, self._resume)
        counts = {len(r) for r in csv.reader(after, strict=True) if r}
        return counts.pop() if len(counts) == 1 else None


def _csv_rows(fh: BinaryIO, name: str) -> Iterator[Row]:
    limit = csv.field_size_limit(ROW_MAX)  # _Lines bounds rows; the default (128 KiB) would stop at a long field
    try:
        yield from _csv_records(fh, name)
    finally:
        csv.field_size_limit(limit)


def _csv_records(fh: BinaryIO, name: str) -> Iterator[Row]:
    lines = _Lines(fh)
    reader = csv.reader(lines, strict=True)
    header: list[str] | None = None
    while True:
        lines.begin()
        try:
            record = next(reader)
        except StopIteration:
            return
        except (_TooLong, csv.Error) as exc:
            if isinstance(exc, _TooLong) and lines.skip():
                problem = msg.IMPORT_ROW_TOO_LARGE.format(limit=size_label(ROW_MAX), review=size_label(FIELD_MAX))
            elif lines.at_end and lines.quotes % 2:
                problem = _unclosed(lines, header)
            elif lines.line > lines.start:
                problem = msg.IMPORT_CSV_SPAN.format(first=lines.start, last=lines.line, problem=exc)
            else:
                problem = msg.IMPORT_BAD_CSV.format(problem=exc)
            yield lines.start, CorpusError(name, lines.start, problem)
            if header is None:
                return  # the first row names the columns: without it no row can be read
            continue
        if not record:
            continue  # a blank line
        if lines.bad_line is not None:
            yield lines.start, CorpusError(name, lines.bad_line, msg.CORPUS_NOT_UTF8)
            if header is None:
                return
            continue
        if header is None:
            header = [h.strip().lower() for h in record]
            continue
        if len(record) > len(header):
            problem = msg.IMPORT_BAD_CSV.format(problem="more fields than columns")
            yield lines.start, CorpusError(name, lines.start, problem)
            continue
        yield lines.start, _checked(dict(zip(header, record, strict=False)), name, lines.start)


def _unclosed(lines: _Lines, header: list[str] | None) -> str:
    """A quote that is never closed. If every line after the row's first one reads as a row of as many columns
    as the header, the quote was a stray one: those rows are read again. Else they were its row's text."""
    try:
        again = header is not None and lines.rows_after() == len(header)
    except (_TooLong, csv.Error):
        again = False
    if again:
        lines.rewind()
        return msg.IMPORT_UNCLOSED_QUOTE
    return msg.IMPORT_UNCLOSED_QUOTE_TO_END.format(first=lines.start, last=lines.line)


# --- JSON Lines --------------------------------------------------------------------------------


def _jsonl_rows(fh: BinaryIO, name: str) -> Iterator[Row]:
    line = 0
    while raw := fh.readline(ROW_MAX + 1):
        line += 1
        if len(raw) > ROW_MAX and not raw.endswith(b"\n"):
            while (more := fh.readline(ROW_MAX)) and not more.endswith(b"\n"):
                pass
            yield (
                line,
                CorpusError(
                    name, line, msg.IMPORT_ROW_TOO_LARGE.format(limit=size_label(ROW_MAX), review=size_label(FIELD_MAX))
                ),
            )
            continue
        try:
            text = (raw.removeprefix(_BOM) if line == 1 else raw).decode("utf-8")
        except UnicodeDecodeError:
            yield line, CorpusError(name, line, msg.CORPUS_NOT_UTF8)
            continue
        if not text.strip():
            continue
        try:
            record = json.loads(text)
        except RecursionError:
            yield line, CorpusError(name, line, msg.IMPORT_TOO_DEEP)
            continue
        except json.JSONDecodeError as exc:
            yield line, CorpusError(name, line, msg.IMPORT_BAD_JSON.format(problem=exc.msg))
            continue
        except ValueError as exc:  # e.g. an integer of more than 4,300 digits
            yield line, CorpusError(name, line, msg.IMPORT_BAD_JSON.format(problem=shorten(str(exc), 80)))
            continue
        if not isinstance(record, dict):
            yield line, CorpusError(name, line, msg.IMPORT_NOT_AN_OBJECT)
            continue
        yield line, _checked(record, name, line)


# --- rows of any source ------------------------------------------------------------------------


def _checked(record: dict[Any, Any], name: str, line: int) -> dict[str, Any] | CorpusError:
    """A row's fields with keys trimmed and lower-cased and empty ones dropped, or why the row is unusable."""
    fields: dict[str, Any] = {}
    for raw_key, value in record.items():
        key = str(raw_key).strip().lower()
        if _SURROGATE.search(key) or len(key) > 40:
            return CorpusError(name, line, msg.IMPORT_BAD_KEY)
        if not key or value is None or value == "":
            continue
        if isinstance(value, list) and key == "aliases":
            parts = value
        elif isinstance(value, (str, int, float)):
            parts = [value]
        else:
            kind = "a list" if isinstance(value, list) else "an object"
            return CorpusError(name, line, msg.IMPORT_BAD_VALUE.format(key=key, kind=kind))
        for part in parts:
            if not isinstance(part, (str, int, float)):
                return CorpusError(name, line, msg.IMPORT_BAD_VALUE.format(key=key, kind="a list inside a list"))
            if isinstance(part, str):
                if _SURROGATE.search(part):
                    return CorpusError(name, line, msg.IMPORT_SURROGATE.format(key=key))
                if len(part) > FIELD_MAX // 4 and (size := len(part.encode("utf-8"))) > FIELD_MAX:
                    too_large = msg.IMPORT_FIELD_TOO_LARGE.format(
                        key=key, size=size_label(size, FIELD_MAX), limit=size_label(FIELD_MAX)
                    )
                    return CorpusError(name, line, too_large)
        fields[key] = value
    return fields


def _folder_rows(root: Path) -> Iterator[Row]:
    for item in read_reviews(root):
        if isinstance(item, CorpusError):
            yield item.line or 1, item
            continue
        film: ReviewFile = item
        fields: dict[str, Any] = {"title": film.title, "year": film.year, "text": film.text, "_source": film.source}
        fields.update(aliases=list(film.aliases), sequel_of=film.sequel_of, reviewer=film.reviewer)
        fields.update(rating=film.rating, verdict=film.verdict.value if film.verdict else None)
        yield 1, {k: v for k, v in fields.items() if v not in (None, "", [])}


Seen = dict[tuple[str, str], str]  # a review as duplicates compare it -> the file it is in


def _same(title: str, text: str) -> tuple[str, str]:
    """A review as duplicates compare it: its film's title normalised, and its text with whitespace and case ignored."""
    return normalise(title), " ".join(text.split()).casefold()


def _write(dest: Path, fields: dict[str, Any], seen: Seen, source: str, line: int) -> Path:
    """Write one review, checked as the corpus loader will read it; raises CorpusError when unusable."""
    where = str(fields.pop("_source", source))
    at = line if where == source else None

    def fail(message: str) -> CorpusError:
        return CorpusError(where, at, message)

    text = next((fields.pop(c) for c in TEXT_COLUMNS if c in fields), None)
    if not isinstance(text, str) or not text.strip():
        raise fail(msg.IMPORT_NO_TEXT)
    for key in fields:
        if key not in FIELDS:
            raise fail(msg.IMPORT_UNKNOWN_COLUMN.format(key=key))
    meta = {k: _typed(k, v) for k, v in fields.items()}
    body = text.replace("\r\n", "\n").strip() + "\n"
    content = "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n\n" + body
    try:
        fd, tmp_name = tempfile.mkstemp(suffix=".md", prefix=".import-", dir=dest)
    except OSError as exc:
        raise fail(msg.IMPORT_CANNOT_WRITE.format(reason=exc.strerror or "I/O error")) from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(content)
        try:
            film = parse_file(tmp)
        except CorpusError as exc:
            raise fail(exc.message) from None
        same = _same(film.title, film.text)
        if (first := seen.get(same)) is not None:
            raise fail(msg.IMPORT_DUPLICATE.format(title=film.title, other=first))
        name = slug(film.title, film.year)
        if film.reviewer:
            name = f"{name}-{slug(film.reviewer, None)}"[:90]
        final = _place(tmp, dest, name)
        seen[same] = shown(str(final))
        return final
    except OSError as exc:
        raise fail(msg.IMPORT_CANNOT_WRITE.format(reason=exc.strerror or "I/O error")) from None
    finally:
        tmp.unlink(missing_ok=True)


def _place(tmp: Path, dest: Path, name: str) -> Path:
    """Give the written file `tmp` its name in `dest`: `name.md`, or `name-2.md`… never replacing anything."""
    n = 1
    while True:
        final = dest / (f"{name}.md" if n == 1 else f"{name}-{n}.md")
        n += 1
        if os.path.lexists(final):  # a file, or a link (even a broken one): never written through
            continue
        try:
            os.link(tmp, final)  # fails rather than overwrite a file that appeared meanwhile
        except FileExistsError:
            continue
        except OSError:  # no hard links on this file system: a copy, created only if the name is free
            try:
                with open(final, "xb") as out:
                    out.write(tmp.read_bytes())
            except FileExistsError:
                continue
        return final


def _typed(key: str, value: Any) -> Any:
    """CSV cells are strings: a numeric year becomes a number, `a; b` aliases a list."""
    if key == "year" and isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    if key == "aliases" and isinstance(value, str):
        return [a.strip() for a in value.split(";") if a.strip()]
    if key == "rating" and isinstance(value, str):
        return value.strip()
    return value


def progress_bar(done: int, total: int, stream: TextIO | None = None, width: int = 30) -> None:
    """Draw `[#####     ] 52%  5,200/10,000` on one line of `stream` (stderr), ending the line when done."""
    out = stream if stream is not None else sys.stderr
    share = done / total if total else 1.0
    filled = int(width * share)
    out.write(f"\r[{'#' * filled}{' ' * (width - filled)}] {share:4.0%}  {done:,}/{total:,}")
    if done >= total:
        out.write("\n")
    out.flush()
