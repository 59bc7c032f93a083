"""Hostile and unusual review files: links out of the corpus, YAML bombs, huge files, any script's titles."""

from __future__ import annotations

import os
import time
import tracemalloc
from pathlib import Path

import pytest

from adapters.cli import main
from bot import corpus as corpus_module
from bot.corpus import MAX_FILE_BYTES, extract_title, load_corpus, slug
from bot.search import tokens
from bot.text import normalise, words
from tests.conftest import write

SECRET = "DISCORD_TOKEN=MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.abcdefghijklmnopqrstuvwxyz0123"
REVIEW = "---\ntitle: {title}\n---\n{title} is a fine film with a lovely score.\n"  # the text differs per title


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A file outside the corpus that reads like a review, holding a secret."""
    return write(tmp_path / "outside", "secret.txt", f'"Secret Film" is great. "Secret Film" it is.\n{SECRET}\n')


def test_a_link_out_of_the_corpus_is_never_read_and_is_reported(
    tmp_path: Path, secret: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reviews = tmp_path / "reviews"
    write(reviews, "heat.md", REVIEW.format(title="Heat"))
    (reviews / "leak.txt").symlink_to(secret)
    (reviews / "sub").mkdir()
    (reviews / "sub" / "up.md").symlink_to(Path("..") / ".." / "outside" / "secret.txt")
    if Path("/proc/self/environ").exists():
        (reviews / "environ.txt").symlink_to("/proc/self/environ")
    corpus = load_corpus(reviews)
    assert [f.title for f in corpus.films] == ["Heat"]
    assert all(SECRET not in r.text for f in corpus.films for r in f.reviews)
    assert main(["corpus", "check", str(reviews)]) == 1
    out = capsys.readouterr().out
    for name in ("leak.txt", "up.md", *(["environ.txt"] if Path("/proc/self/environ").exists() else [])):
        assert f"{name}: a link to" in out and "outside the corpus folder" in out, name
    assert main(["review", "secret film", "--corpus", str(reviews)]) == 0
    out = capsys.readouterr().out
    assert "Secret Film" not in out and SECRET not in out and "MTIzNDU2" not in out


def test_links_that_stay_inside_the_corpus_are_read(tmp_path: Path) -> None:
    reviews = tmp_path / "reviews"
    write(reviews, "originals/heat.md", REVIEW.format(title="Heat"))
    (reviews / "heat-link.md").symlink_to(Path("originals") / "heat.md")
    (reviews / "elsewhere").symlink_to(tmp_path, target_is_directory=True)  # links to folders are not followed
    (reviews / "broken.md").symlink_to(reviews / "nowhere.md")
    corpus = load_corpus(reviews)
    assert [f.title for f in corpus.films] == ["Heat"] and len(corpus.films[0].reviews) == 1  # the link: a duplicate
    problems = sorted(str(p) for p in corpus.problems)
    assert "broken.md: a link to" in problems[0] and "does not exist" in problems[0]
    assert "heat.md:1: the same review text as" in problems[1] and "heat-link.md" in problems[1]


def test_a_file_swapped_for_a_link_out_after_the_walk_is_not_read(tmp_path: Path, secret: Path) -> None:
    """The file opened must be the one the walk saw, or another one inside the corpus."""
    reviews = tmp_path / "reviews"
    write(reviews, "sub/secret.txt", '"Decoy" is fine. "Decoy" indeed.\n')
    (found,) = corpus_module._walk(reviews)
    (reviews / "sub" / "secret.txt").unlink()
    (reviews / "sub").rmdir()
    (reviews / "sub").symlink_to(secret.parent, target_is_directory=True)
    problem = corpus_module._parse(found)  # type: ignore[arg-type]
    assert isinstance(problem, corpus_module.CorpusError) and "replaced while it was being read" in problem.message
    (reviews / "sub").unlink()
    write(reviews, "sub/secret.txt", '"Edited" is fine. "Edited" indeed.\n')  # a new file, inside: fine
    film = corpus_module._parse(found)  # type: ignore[arg-type]
    assert not isinstance(film, corpus_module.CorpusError) and film.title == "Edited"


def test_pipes_and_devices_named_like_reviews_are_reported_without_blocking(tmp_path: Path) -> None:
    reviews = tmp_path / "reviews"
    write(reviews, "heat.md", REVIEW.format(title="Heat"))
    os.mkfifo(reviews / "pipe.md")
    (reviews / "zero.txt").symlink_to("/dev/zero")
    corpus = load_corpus(reviews)
    assert [f.title for f in corpus.films] == ["Heat"]
    assert {Path(p.path).name for p in corpus.problems} == {"pipe.md", "zero.txt"}


def _bomb() -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 9):
        lines.append(f"{chr(97 + i)}: &{chr(97 + i)} [{', '.join(['*' + chr(96 + i)] * 9)}]")
    return "\n".join(lines)


def test_a_yaml_alias_bomb_and_deep_nesting_are_refused_at_once_with_file_and_line(tmp_path: Path) -> None:
    write(tmp_path, "good.md", REVIEW.format(title="Heat"))
    write(tmp_path, "bomb.md", f"---\ntitle: Boom\n{_bomb()}\n---\nA review.\n")
    write(tmp_path, "deep.md", "---\ntitle: Deep\naliases: " + "[" * 900 + "]" * 900 + "\n---\nA review.\n")
    assert len((tmp_path / "bomb.md").read_bytes()) < 1024
    tracemalloc.start()
    started = time.perf_counter()
    corpus = load_corpus(tmp_path)
    elapsed, peak = time.perf_counter() - started, tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert elapsed < 1.0 and peak < 20_000_000
    assert [f.title for f in corpus.films] == ["Heat"]
    bomb, deep = sorted(corpus.problems, key=lambda p: p.path)
    assert bomb.path.endswith("bomb.md") and bomb.line == 4 and "aliases (*name) are not allowed" in bomb.message
    assert deep.path.endswith("deep.md") and deep.line == 3 and "nested more than" in deep.message


def test_a_file_over_the_size_limit_is_reported_without_being_read(tmp_path: Path) -> None:
    write(tmp_path, "good.md", REVIEW.format(title="Heat"))
    with (tmp_path / "huge.md").open("wb") as fh:  # 50 MB, sparse: costs nothing to write
        fh.write(b"---\ntitle: Huge\n---\n")
        fh.truncate(50 * 1024 * 1024)
    body = "A long review. " * ((MAX_FILE_BYTES - 40) // 15)
    write(tmp_path, "at-the-limit.md", "---\ntitle: Long\n---\n" + body)
    write(tmp_path, "just-over.md", "---\ntitle: Longer\n---\n" + body + "x" * 40)
    assert (tmp_path / "at-the-limit.md").stat().st_size <= MAX_FILE_BYTES < (tmp_path / "just-over.md").stat().st_size
    started = time.perf_counter()
    corpus = load_corpus(tmp_path)
    assert time.perf_counter() - started < 5.0
    assert sorted(f.title for f in corpus.films) == ["Heat", "Long"]
    problems = {Path(p.path).name: p.message for p in corpus.problems}
    assert problems["huge.md"] == "the file is 50 MiB, over the 1 MiB limit of a review file: shorten or split it"
    assert "over the 1 MiB limit" in problems["just-over.md"]


def test_title_extraction_is_linear_in_the_quoted_phrases() -> None:
    text = "Heat is a film. " + " ".join(f'"Phrase {n}" and' for n in range(40_000)) + ' "Heat" "Heat"'
    assert len(text) > 500_000
    started = time.perf_counter()
    assert extract_title(text) == ("Heat", None)
    assert time.perf_counter() - started < 2.0  # was minutes: each distinct phrase counted over all of them


NON_LATIN = {"stalker.md": "Сталкер", "seven.md": "七人の侍", "tokyo.md": "東京物語", "z.md": "Ζ",
             "hindi.md": "हिन्दी मीडियम"}  # fmt: skip


def test_titles_in_any_script_load_with_distinct_ascii_ids_and_are_found(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, title in NON_LATIN.items():
        write(tmp_path, name, REVIEW.format(title=title))
    write(tmp_path, "heat.md", REVIEW.format(title="Heat"))
    write(tmp_path, "quoted.txt", "“八月の狂詩曲” is gentle. Later, “八月の狂詩曲” lingers.\n")
    corpus = load_corpus(tmp_path)
    assert not corpus.problems
    assert sorted(f.title for f in corpus.films) == sorted([*NON_LATIN.values(), "Heat", "八月の狂詩曲"])
    ids = [f.id for f in corpus.films]
    assert len(set(ids)) == len(ids) and all(i.isascii() and len(i) <= 80 and ":" not in i for i in ids)
    assert ids == [f.id for f in load_corpus(tmp_path).films], "stable"
    for title in ("東京物語", "七人の侍", "Сталкер", "Ζ"):
        assert main(["review", title, "--corpus", str(tmp_path)]) == 0
        assert capsys.readouterr().out.startswith(title), title


def test_titles_that_read_the_same_are_reported_naming_both_files(tmp_path: Path) -> None:
    """Titles spelt two ways are one film, its reviews: nothing is dropped, and `corpus check` says so."""
    write(tmp_path, "a.md", REVIEW.format(title="Amélie"))
    write(tmp_path, "b.md", REVIEW.format(title="Amelie"))
    write(tmp_path, "c.md", REVIEW.format(title="Heat"))
    write(tmp_path, "d.md", REVIEW.format(title='"Heat!"'))
    corpus = load_corpus(tmp_path)
    assert sorted((f.title, len(f.reviews)) for f in corpus.films) == [("Amélie", 2), ("Heat", 2)]
    assert not corpus.problems
    b, d = sorted(corpus.notes, key=lambda p: p.path)
    assert b.path.endswith("b.md") and "“Amelie” is read as the same film as “Amélie” (" in b.message
    assert b.message.split(" (")[1].split(")")[0].endswith("a.md")
    assert d.path.endswith("d.md") and "“Heat!” is read as the same film as “Heat”" in d.message and "c.md" in d.message


def test_a_title_without_letters_or_digits_is_a_problem_not_a_clash(tmp_path: Path) -> None:
    write(tmp_path, "a.md", REVIEW.format(title='"!!!"'))
    write(tmp_path, "b.md", REVIEW.format(title='"…"'))
    problems = sorted(load_corpus(tmp_path).problems, key=lambda p: p.path)
    assert [(Path(p.path).name, p.line) for p in problems] == [("a.md", 2), ("b.md", 2)]
    assert all("has no letters or digits" in p.message for p in problems)


def test_words_of_every_script_count() -> None:
    assert words("Сталкер (1979)") == ["сталкер", "1979"]
    assert words("七人の侍") == ["七人の侍"] and normalise("東京物語") == "東京物語"
    assert words("हिन्दी मीडियम") == ["हिनदी", "मीडियम"], "vowel signs stay inside their word"
    assert words("Amélie & the café_bar") == ["amelie", "and", "the", "cafe", "bar"]
    assert normalise("Ζ") == "ζ" and normalise("Amélie") == normalise("AMELIE")
    assert tokens("Сталкер — фильм") == ["сталкер", "фильм"]


def test_ids_stay_as_they_were_for_ascii_titles() -> None:
    assert slug("Celestial Symphony", None) == "celestial-symphony"
    assert slug("Heat", 1995) == "heat-1995" and slug("Amélie", None) == "amelie"
    assert slug("東京物語", 1953) != slug("七人の侍", 1953)
    assert slug("七人の侍 (Seven Samurai)", None).startswith("7-samurai-")  # the ASCII words, as normalised


def test_file_names_that_are_not_utf8_or_hold_controls_are_shown_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, "heat.md", REVIEW.format(title="Heat"))
    with open(os.fsencode(tmp_path) + b"/caf\xe9.md", "wb") as fh:
        fh.write(b"---\ntitle: [\n---\nx\n")
    write(tmp_path, "bad\x1b[31mred.md", "---\ntitle: [\n---\nx\n")
    assert main(["corpus", "check", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "caf\\xe9.md:2:" in out and "bad\\x1b[31mred.md:2:" in out and "\x1b" not in out
