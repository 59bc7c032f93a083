"""Import reviews in bulk (CSV, JSON Lines or a folder of review files) into the corpus folder.

Every accepted review becomes one `.md` file with front matter, checked by the same rules as
`bot.corpus` (each written file loads back). Bad rows are reported with their row or line
number and skipped; existing files are never overwritten; a review already in the corpus (the
same text, whitespace and case aside) is reported as a duplicate rather than written twice; several
rows of one film become one file per review.
"""

from __future__ import annotations

import csv
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import yaml

from bot import messages as msg
from bot.corpus import FIELDS, load_corpus, parse_file, review_files, slug
from bot.errors import CorpusError

TEXT_COLUMNS = ("text", "review", "body", "content")


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
    rows = _rows(source)
    if rows is None:
        return ImportReport((), (CorpusError(str(source), None, msg.IMPORT_NOT_A_SOURCE),), 0)
    dest.mkdir(parents=True, exist_ok=True)
    seen = {_same(r.text): r.source for f in load_corpus(dest).films for r in f.reviews}
    written: list[Path] = []
    skipped: list[CorpusError] = []
    total = len(rows)
    for done, (line, item) in enumerate(rows, 1):
        if isinstance(item, CorpusError):
            skipped.append(item)
        else:
            try:
                written.append(_write(dest, item, seen, str(source), line))
            except CorpusError as exc:
                skipped.append(exc)
        progress(done, total)
    return ImportReport(tuple(written), tuple(skipped), total)


def _rows(source: Path) -> list[Row] | None:
    if source.is_dir():
        return list(_folder_rows(source))
    suffix = source.suffix.lower()
    if suffix == ".csv":
        return list(_csv_rows(source))
    if suffix in (".jsonl", ".ndjson"):
        return list(_jsonl_rows(source))
    return None


def _csv_rows(path: Path) -> Iterator[Row]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        try:
            for record in reader:
                line = reader.line_num  # the record's last line: where a reader would look
                extra = record.pop(None, None)
                if extra:
                    yield (
                        line,
                        CorpusError(str(path), line, msg.IMPORT_BAD_CSV.format(problem="more fields than columns")),
                    )
                    continue
                yield line, {k.strip().lower(): v for k, v in record.items() if k and v not in (None, "")}
        except csv.Error as exc:
            yield reader.line_num, CorpusError(str(path), reader.line_num, msg.IMPORT_BAD_CSV.format(problem=exc))


def _jsonl_rows(path: Path) -> Iterator[Row]:
    with path.open(encoding="utf-8-sig") as fh:
        for line, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw)
            except json.JSONDecodeError as exc:
                yield line, CorpusError(str(path), line, msg.IMPORT_BAD_JSON.format(problem=exc.msg))
                continue
            if not isinstance(record, dict):
                yield line, CorpusError(str(path), line, msg.IMPORT_NOT_AN_OBJECT)
                continue
            yield line, {str(k).strip().lower(): v for k, v in record.items() if v not in (None, "")}


def _folder_rows(root: Path) -> Iterator[Row]:
    for path in review_files(root):
        try:
            film = parse_file(path)
        except CorpusError as exc:
            yield exc.line or 1, exc
            continue
        except OSError as exc:
            yield 1, CorpusError(str(path), None, exc.strerror or "I/O error")
            continue
        fields: dict[str, Any] = {"title": film.title, "year": film.year, "text": film.text, "_source": str(path)}
        fields.update(aliases=list(film.aliases), sequel_of=film.sequel_of, reviewer=film.reviewer)
        fields.update(rating=film.rating, verdict=film.verdict.value if film.verdict else None)
        yield 1, {k: v for k, v in fields.items() if v not in (None, "", [])}


def _same(text: str) -> str:
    """A review's text as duplicates compare it: whitespace and case ignored."""
    return " ".join(text.split()).casefold()


def _write(dest: Path, fields: dict[str, Any], seen: dict[str, str], source: str, line: int) -> Path:
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
    fd, tmp_name = tempfile.mkstemp(suffix=".md", prefix=".import-", dir=dest)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(content)
        try:
            film = parse_file(tmp)
        except CorpusError as exc:
            raise fail(exc.message) from None
        same = _same(film.text)
        if same in seen:
            raise fail(msg.IMPORT_DUPLICATE.format(title=film.title, other=seen[same]))
        name, n = slug(film.title, film.year), 2
        if film.reviewer:
            name = f"{name}-{slug(film.reviewer, None)}"
        final = dest / f"{name}.md"
        while final.exists():
            final, n = dest / f"{name}-{n}.md", n + 1
        os.link(tmp, final)  # fails rather than overwrite a file that appeared meanwhile
        seen[same] = str(final)
        return final
    finally:
        tmp.unlink(missing_ok=True)


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
