"""Bulk import: CSV, JSON Lines and folders become checked .md reviews; bad rows are reported, not lost."""

from __future__ import annotations

import io
import json
from pathlib import Path

from bot.corpus import load_corpus
from bot.importer import import_corpus, progress_bar
from tests.conftest import write

TEXT = "A sweeping score carries the film. The cast is superb."


def test_csv_rows_are_written_and_bad_rows_reported_with_their_line(tmp_path: Path) -> None:
    src = write(tmp_path, "in.csv", (
        "title,year,text,rating\n"
        f"Paper Lanterns,2019,{TEXT},4/5\n"
        f"Moonlit Harbor,,\"{TEXT}\nSecond line.\",\n"
        "No Text Here,2001,,\n"
        f"Bad Year,1492,{TEXT},\n"
        f"Bad Rating,2003,{TEXT},lots\n"
        f"Paper Lanterns,2019,{TEXT},\n"
    ))  # fmt: skip
    calls: list[tuple[int, int]] = []
    report = import_corpus(src, tmp_path / "corpus", lambda d, t: calls.append((d, t)))
    assert report.total == 6 and len(report.written) == 2 and calls[-1] == (6, 6)
    assert [(e.line, e.message.split()[0]) for e in report.skipped] == [
        (5, "no"), (6, "`year`"), (7, "`rating`"), (8, "the")
    ]  # fmt: skip
    corpus = load_corpus(tmp_path / "corpus")
    assert not corpus.problems
    films = {f.title: f for f in corpus.films}
    assert films["Paper Lanterns"].year == 2019 and films["Paper Lanterns"].reviews[0].rating == "4/5"
    assert "Second line." in films["Moonlit Harbor"].reviews[0].text
    assert "the same review of “Paper Lanterns” is already in" in report.skipped[3].message


def test_jsonl_with_a_broken_line_and_an_unknown_field(tmp_path: Path) -> None:
    lines = [json.dumps({"title": "Glass Orchard", "text": TEXT, "aliases": ["Orchard"]}), "{not json",
             json.dumps(["a list"]), json.dumps({"title": "X Files", "text": TEXT, "director": "someone"})]  # fmt: skip
    src = write(tmp_path, "in.jsonl", "\n".join(lines) + "\n")
    report = import_corpus(src, tmp_path / "corpus")
    assert len(report.written) == 1 and [e.line for e in report.skipped] == [2, 3, 4]
    assert "director" in report.skipped[2].message
    (film,) = load_corpus(tmp_path / "corpus").films
    assert film.aliases == ("Orchard",)


def test_a_folder_of_reviews_is_imported_and_never_overwrites(tmp_path: Path) -> None:
    write(tmp_path / "src", "one.txt", "Celestial Symphony picks up where the first film left off. " + TEXT)
    write(tmp_path / "src", "two.md", "---\ntitle: Radiant Reflections\nyear: 2020\n---\n\n" + TEXT)
    write(tmp_path / "src", "bad.md", "---\ntitle: [unclosed\n---\n\n" + TEXT)
    write(tmp_path / "corpus", "radiant-reflections-2020.md", "---\ntitle: Something Else\n---\n\nKeep me.")
    report = import_corpus(tmp_path / "src", tmp_path / "corpus")
    assert len(report.written) == 2 and len(report.skipped) == 1 and report.skipped[0].path.endswith("bad.md")
    assert "Keep me." in (tmp_path / "corpus" / "radiant-reflections-2020.md").read_text()
    assert {f.title for f in load_corpus(tmp_path / "corpus").films} == {
        "Celestial Symphony", "Radiant Reflections", "Something Else"
    }  # fmt: skip


def test_an_unknown_source_is_reported(tmp_path: Path) -> None:
    report = import_corpus(write(tmp_path, "x.xlsx", ""), tmp_path / "corpus")
    assert report.total == 0 and len(report.skipped) == 1


def test_progress_bar() -> None:
    out = io.StringIO()
    progress_bar(5_200, 10_000, out, width=10)
    assert out.getvalue() == "\r[#####     ]  52%  5,200/10,000"
    progress_bar(10_000, 10_000, out, width=10)
    assert out.getvalue().endswith("100%  10,000/10,000\n")
