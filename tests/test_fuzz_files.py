"""Fuzz: random and hostile corpus files and import rows, through the real command line (in-process).

Whatever is on disk, `corpus check`, `corpus import` and a one-shot `review` finish without a
traceback and with the documented exit code (0 when all is well, 1 when something was skipped),
every good file still loads, and every bad file or row is named.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.cli import main
from bot import messages as msg
from bot.corpus import MAX_FILE_BYTES, shown
from bot.importer import FIELD_MAX

SECRET = "hunter2-MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl"
TITLES = ["Heat", "Сталкер", "七人の侍", "東京物語", "Ζ", "Paper Moon", "Amélie", "The Third Man", "हिन्दी मीडियम",
          "Solaris", "Cléo de 5 à 7", "Ran"]  # fmt: skip
BODY = "A fine film with a lovely score and a superb cast."
WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12)


def _bomb() -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 9):
        lines.append(f"{chr(97 + i)}: &{chr(97 + i)} [{', '.join(['*' + chr(96 + i)] * 9)}]")
    return "\n".join(lines)


@dataclass(frozen=True)
class Bad:
    """A review file that can never load: `make(path, outside)` writes it (or a link) at `path`."""

    kind: str
    data: bytes | None = None  # the file's bytes, or None for kinds that are not plain files
    size: int = 0


def _md(front: str, body: str = BODY) -> bytes:
    return f"---\n{front}\n---\n{body}\n".encode()


# Every one of these is unusable whatever hypothesis draws into it.
BAD = st.one_of(
    st.binary(max_size=300).map(lambda b: Bad("bytes", b"\xff" + b)),
    st.binary().map(lambda b: Bad("not-utf8", _md("title: Caf", "Caf").rstrip(b"\n") + b"\xff" + b)),  # never UTF-8
    WORD.map(lambda w: Bad("bad-yaml", _md(f"title: [{w}"))),
    WORD.map(lambda w: Bad("alias", _md(f"title: &t {w}\naliases: [*t]"))),
    st.just(Bad("bomb", _md(f"title: Boom\n{_bomb()}"))),
    st.integers(25, 900).map(lambda d: Bad("deep", _md("title: D\naliases: " + "[" * d + "]" * d))),
    st.integers(1, 60 * 2**20).map(lambda n: Bad("huge", None, MAX_FILE_BYTES + n)),
    st.sampled_from([Bad("empty", b""), Bad("blank", b"  \n\t\n"), Bad("no-body", _md("title: Empty", ""))]),
    st.tuples(st.sampled_from(["year", "rating", "verdict", "aliases", "titel"]), st.sampled_from(["soon", "[x"])).map(
        lambda kv: Bad("field", _md(f"title: Field\n{kv[0]}: {kv[1]}"))
    ),
    st.just(Bad("no-title", b"this text starts in lower case and names no film.\n")),
    st.sampled_from(['"!!!"', '"…"', '"--"']).map(lambda t: Bad("punctuation", _md(f"title: {t}"))),
    st.sampled_from(["/proc/self/environ", "secret"]).map(lambda t: Bad("link-out", t.encode())),
    st.just(Bad("dangling", None)),
    st.just(Bad("pipe", None)),
)


def _good(title: str, year: int | None, txt: bool, rating: bool) -> tuple[str, str]:
    """(file suffix, content) of a review that loads."""
    if txt:
        return ".txt", f"“{title}” ({year})  is a film. {BODY}\n" if year else f"“{title}” is a film. {BODY}\n"
    head = f"title: {json.dumps(title, ensure_ascii=False)}\n" + (f"year: {year}\n" if year else "")
    return ".md", "---\n" + head + ("rating: 4/5\n" if rating else "") + f"---\n{BODY}\n"


GOOD = st.lists(
    st.tuples(st.sampled_from(TITLES), st.one_of(st.none(), st.integers(1920, 2020)), st.booleans(), st.booleans()),
    min_size=1, max_size=6, unique_by=lambda g: g[0],
)  # fmt: skip


def _write_bad(path: Path, bad: Bad, outside: Path) -> None:
    if bad.kind == "huge":
        with path.open("wb") as fh:
            fh.write(b"---\ntitle: Huge\n---\n")
            fh.truncate(bad.size)
    elif bad.kind == "link-out":
        target = Path(bad.data.decode()) if bad.data and bad.data.startswith(b"/") else outside
        path.symlink_to(target if target.exists() else outside)
    elif bad.kind == "dangling":
        path.symlink_to(path.parent / "nowhere" / "review.md")
    elif bad.kind == "pipe":
        os.mkfifo(path)
    else:
        assert bad.data is not None
        path.write_bytes(bad.data)


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    both = out + err
    assert "Traceback" not in both and "Logging error" not in both
    assert SECRET not in both
    return code, both


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(good=GOOD, bad=st.lists(BAD, max_size=6), odd_name=st.booleans(), nested=st.booleans())
def test_a_hostile_corpus_folder(
    capsys: pytest.CaptureFixture[str], good: list[tuple[str, int | None, bool, bool]], bad: list[Bad],
    odd_name: bool, nested: bool,
) -> None:  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        root, outside = Path(tmp) / "corpus", Path(tmp) / "outside" / "secret.txt"
        outside.parent.mkdir()
        outside.write_text(f'"Secret Film" is a film. "Secret Film" again. {SECRET}\n')
        folder = root / "sub" if nested else root
        folder.mkdir(parents=True)
        good_paths = []
        for n, (title, year, txt, rating) in enumerate(good):
            suffix, content = _good(title, year, txt, rating)
            good_paths.append(folder / f"good-{n}{suffix}")
            good_paths[-1].write_text(content, encoding="utf-8")
        bad_paths = []
        for n, item in enumerate(bad):
            name = f"zz-bad-{n}-{item.kind}.md"  # sorts after the good files: a duplicate is the one reported
            path = Path(os.fsdecode(os.fsencode(str(folder)) + b"/\xe9" + name.encode())) if odd_name else folder / name
            _write_bad(path, item, outside)
            bad_paths.append(path)
        if good:  # and a duplicate of the first good film, under another name
            suffix, content = _good(*good[0])
            bad_paths.append(folder / f"zz-dup{suffix}")
            bad_paths[-1].write_text(content, encoding="utf-8")

        code, out = _run(capsys, "corpus", "check", str(root))
        size = f"{msg.counted(len(good), 'review')} of {msg.counted(len(good), 'film')}"
        assert code == 1 and f"{size} loaded, {len(bad_paths)} problem(s)" in out, out
        problems = [line.strip() for line in out.splitlines()[1:]]
        for path in bad_paths:
            assert any(p.startswith(shown(str(path)) + ":") for p in problems), (shown(str(path)), out)
        assert not any(p.startswith(str(g)) for p in problems for g in good_paths), out

        title = good[0][0]
        code, out = _run(capsys, "review", title, "--corpus", str(root))
        assert code == 0 and out.startswith(title), out
        code, out = _run(capsys, "review", "Secret Film", "--corpus", str(root))
        assert code == 0 and "I don't have a review of “Secret Film”" in out


@dataclass(frozen=True)
class Row:
    """One import row: its CSV line and JSON line, and whether it should import."""

    csv: bytes
    jsonl: bytes
    good: bool


def _row(csv_line: str | bytes, fields: dict[str, object] | bytes, good: bool = False) -> Row:
    """A row as a CSV line (title,year,text) and a JSON line."""
    line = csv_line.encode() if isinstance(csv_line, str) else csv_line
    return Row(line, fields if isinstance(fields, bytes) else json.dumps(fields).encode(), good)


GOOD_ROWS = st.tuples(st.sampled_from(TITLES), st.one_of(st.none(), st.integers(1920, 2020))).map(
    lambda ty: _row(f"{ty[0]},{ty[1] or ''},{BODY}", {"title": ty[0], "year": ty[1], "text": BODY}, good=True)
)
BIG = "x" * (FIELD_MAX + 1)
BAD_ROWS = st.one_of(
    WORD.map(lambda t: _row(f"{t},,", {"title": t})),  # no text
    WORD.map(lambda t: _row(f"{t},1492,{BODY}", {"title": t, "year": 1492, "text": BODY})),
    st.just(_row(b"Caf\xe9,,x", b'{"title": "Caf\xe9", "text": "x"}')),  # Latin-1
    st.just(_row(f"Big,,{BIG}", {"title": "Big", "text": BIG})),
    st.just(_row("Deep,,text,extra,fields", b"[" * 5000)),
    st.just(_row("Lone,,", b'{"title": "Lone \\ud800", "text": "x"}')),
    WORD.map(lambda w: _row(f"{w},{w},{w}", {"title": w, "text": ["a", "b"]})),
    st.just(_row(",,", b'"just a string"')),
    st.just(_row("Empty Text,,   ", {"title": "x", "text": "   ", "director": "y"})),
)
ROWS = st.lists(st.one_of(GOOD_ROWS, BAD_ROWS), max_size=10).filter(
    lambda rows: len({json.loads(r.jsonl)["title"] for r in rows if r.good}) == sum(r.good for r in rows)
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=ROWS, unclosed=st.booleans(), crlf=st.booleans())
def test_hostile_import_rows(capsys: pytest.CaptureFixture[str], rows: list[Row], unclosed: bool, crlf: bool) -> None:
    end = b"\r\n" if crlf else b"\n"
    with tempfile.TemporaryDirectory() as tmp:
        for kind in ("csv", "jsonl"):
            source, dest = Path(tmp) / f"in.{kind}", Path(tmp) / f"corpus-{kind}"
            lines = [getattr(r, kind) for r in rows]
            bad_lines = [n + (2 if kind == "csv" else 1) for n, r in enumerate(rows) if not r.good]
            if kind == "csv":
                lines.insert(0, b"title,year,text")
                if unclosed:  # a quote never closed, last: only its row is lost
                    lines.append(b'Unclosed,,"' + BODY.encode())
                    bad_lines.append(len(lines))
            source.write_bytes(end.join(lines) + end)
            total = len(rows) + (1 if kind == "csv" and unclosed else 0)
            good = sum(r.good for r in rows)

            code, out = _run(capsys, "corpus", "import", str(source), "--corpus", str(dest))
            assert code == (1 if bad_lines else 0), out
            assert f"Imported {good} of {total} reviews" in out, out
            for line in bad_lines:
                assert f"in.{kind}:{line}: " in out, (line, out)

            code, out = _run(capsys, "corpus", "check", str(dest))
            assert code == 0 and f"{msg.counted(good, 'review')} of " in out and ", no problems" in out, out
            if good:
                title = next(json.loads(r.jsonl)["title"] for r in rows if r.good)
                code, out = _run(capsys, "review", title, "--corpus", str(dest))
                assert code == 0 and out.startswith(title), out
