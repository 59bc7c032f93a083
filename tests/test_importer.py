"""Bulk import: CSV, JSON Lines and folders become checked .md reviews; bad rows are reported, not lost."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from adapters.cli import main
from bot.corpus import load_corpus
from bot.importer import FIELD_MAX, ROW_MAX, import_corpus, progress_bar
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


def _import(capsys: pytest.CaptureFixture[str], source: Path, dest: Path) -> tuple[int, str, str]:
    """`reviewbot corpus import SOURCE --corpus DEST`, in-process: (exit code, stdout, stderr)."""
    code = main(["corpus", "import", str(source), "--corpus", str(dest)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_a_field_over_128_kib_imports_and_one_over_the_limit_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write(tmp_path, "in.csv", (
        "title,text\n"
        f'Long One,"{"A fine and long review. " * 9_000}"\n'  # 207 KB: over csv's default field limit
        f"Short One,{TEXT}\n"
        f"Too Long,{'x' * (FIELD_MAX + 1)}\n"
        f"After,{TEXT}\n"
    ))  # fmt: skip
    code, out, err = _import(capsys, src, tmp_path / "corpus")
    assert code == 1 and "Imported 3 of 4 reviews" in out and "1 skipped" in out
    assert "in.csv:4: `text` is 1,048,577 bytes, over the 1 MiB limit of a field" in err
    assert {f.title for f in load_corpus(tmp_path / "corpus").films} == {"Long One", "Short One", "After"}


def test_a_latin1_csv_reports_its_bad_rows_and_imports_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "in.csv"
    src.write_bytes(f"title,text\nCafé Society,{TEXT}\nPlain Title,{TEXT}\nNaïve,{TEXT}\n".encode("latin-1"))
    code, out, err = _import(capsys, src, tmp_path / "corpus")
    assert code == 1 and "Imported 1 of 3 reviews" in out
    assert "in.csv:2: not UTF-8" in err and "in.csv:4: not UTF-8" in err
    assert [f.title for f in load_corpus(tmp_path / "corpus").films] == ["Plain Title"]


def test_a_missing_source_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _import(capsys, tmp_path / "nope.csv", tmp_path / "corpus")
    assert code == 1 and "nope.csv: cannot read the source: No such file or directory" in err
    assert "Imported 0 of 0 reviews" in out


def test_json_lines_with_surrogates_deep_nesting_and_odd_values(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [
        json.dumps({"title": "Lone \ud800 Surrogate", "text": TEXT}),
        "[" * 100_000,
        json.dumps({"title": "Fine Film", "text": TEXT}),
        '{"title": "Big Year", "year": ' + "9" * 5000 + ', "text": "x"}',
        json.dumps({"title": {"nested": [1, 2]}, "text": TEXT}),
        json.dumps({"title": "Deep Alias", "aliases": [[["a"]]], "text": TEXT}),
        "\xff not json",
        json.dumps({"title": "Sur\udcffrogate key", "te\ud800xt": TEXT}),
    ]
    src = tmp_path / "in.jsonl"
    src.write_bytes("\n".join(lines).encode("utf-8", "surrogatepass").replace(b"\xc3\xbf", b"\xff") + b"\n")
    code, out, err = _import(capsys, src, tmp_path / "corpus")
    assert code == 1 and "Imported 1 of 8 reviews" in out and "7 skipped" in out
    for line, words in [(1, "unpaired surrogate"), (2, "nested too deeply"), (4, "not valid JSON"),
                        (5, "`title` must be text or a number, got an object"), (6, "a list inside a list"),
                        (7, "not UTF-8"), (8, "unpaired surrogate")]:  # fmt: skip
        assert f"in.jsonl:{line}: " in err and words in err.split(f"in.jsonl:{line}: ")[1].split("\n")[0], line
    assert [f.title for f in load_corpus(tmp_path / "corpus").films] == ["Fine Film"]


def test_a_dangling_link_in_the_destination_is_never_written_through(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dest = tmp_path / "corpus"
    dest.mkdir()
    (dest / "paper-moon-1973.md").symlink_to(tmp_path / "elsewhere" / "target.md")
    src = write(tmp_path, "in.csv", f'title,year,text\nPaper Moon,1973,"{TEXT}"\n')
    code, out, _ = _import(capsys, src, dest)
    assert code == 0 and "Imported 1 of 1 reviews" in out
    assert not (tmp_path / "elsewhere").exists() and (dest / "paper-moon-1973-2.md").is_file()
    link = tmp_path / "dangling"
    link.symlink_to(tmp_path / "no" / "folder")
    code, _, err = _import(capsys, src, link)
    assert code == 1 and "cannot write to the corpus folder: a link to a folder that does not exist" in err


def test_an_unterminated_quote_spoils_only_its_row(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = write(tmp_path, "in.csv", (
        "title,text\n"
        f"First Film,{TEXT}\n"
        f'Broken Row,"{TEXT}\n'
        f"Third Film,{TEXT}\n"
        f"Fourth Film,{TEXT}\n"
    ))  # fmt: skip
    code, out, err = _import(capsys, src, tmp_path / "corpus")
    assert code == 1 and "Imported 3 of 4 reviews" in out
    assert 'in.csv:3: a quote (") opened in this row is never closed' in err and "no review text" not in err
    assert {f.title for f in load_corpus(tmp_path / "corpus").films} == {"First Film", "Third Film", "Fourth Film"}


def test_a_quote_left_open_at_the_end_never_turns_its_text_into_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file cut off inside a quoted review: its next lines are its text, not rows to import."""
    src = write(tmp_path, "in.csv", f'title,text\nFirst Film,{TEXT}\nCut Off,"It starts well,\nthen, oddly, stops\n')
    code, out, err = _import(capsys, src, tmp_path / "corpus")
    assert code == 1 and "Imported 1 of 2 reviews" in out
    assert "in.csv:3: " in err and "lines 3–4 read as one row: close the quote" in err
    assert [f.title for f in load_corpus(tmp_path / "corpus").films] == ["First Film"]


def test_a_stray_quote_that_joins_rows_is_reported_with_the_lines_it_joined(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write(tmp_path, "in.csv", (
        "title,text\n"
        f'Broken Row,"{TEXT}\n'
        f"Second Film,{TEXT}\n"
        f'Third Film,"{TEXT}\nstill the third"\n'
        f"Fourth Film,{TEXT}\n"
    ))  # fmt: skip
    code, out, err = _import(capsys, src, tmp_path / "corpus")
    assert code == 1 and "in.csv:2: not valid CSV (lines 2–4, a stray quote may have joined rows)" in err
    assert "Fourth Film" in {f.title for f in load_corpus(tmp_path / "corpus").films}
    assert "Imported 1 of 3 reviews" in out  # rows: lines 2–4, line 5 ("still the third"), line 6


def test_csv_quirks_are_rows_of_their_own(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Old Mac line ends, a BOM, a bad quote, too many fields, a row over ROW_MAX: each reported or read."""
    src = tmp_path / "in.csv"
    src.write_bytes(
        b"\xef\xbb\xbftitle,text\rMac One," + TEXT.encode() + b'\rBad,"quoted"junk\r'
        + b"Extra,one,two\r" + b"Huge," + b"y" * (ROW_MAX + 10) + b"\rMac Two," + TEXT.encode() + b"\r"
    )  # fmt: skip
    code, out, err = _import(capsys, src, tmp_path / "corpus")
    assert code == 1 and "Imported 2 of 5 reviews" in out
    assert "in.csv:3: not valid CSV" in err and "in.csv:4: not valid CSV: more fields than columns" in err
    assert "in.csv:5: the row is over 4 MiB" in err
    assert {f.title for f in load_corpus(tmp_path / "corpus").films} == {"Mac One", "Mac Two"}


def test_a_folder_source_never_copies_a_link_out_of_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    secret = write(tmp_path / "outside", "secret.txt", '"Secret Film" is great. "Secret Film" again. TOKEN=hunter2\n')
    write(tmp_path / "src", "good.md", "---\ntitle: Good Film\n---\n" + TEXT)
    (tmp_path / "src" / "leak.txt").symlink_to(secret)
    code, out, err = _import(capsys, tmp_path / "src", tmp_path / "corpus")
    assert code == 1 and "Imported 1 of 2 reviews" in out
    assert "leak.txt: a link to" in err and "outside the corpus folder" in err
    assert all("hunter2" not in p.read_text() for p in (tmp_path / "corpus").iterdir())
