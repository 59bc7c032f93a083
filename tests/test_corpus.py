"""Corpus loading: both formats, title extraction, and every kind of bad file."""

from __future__ import annotations

import gc
import os
import time
from pathlib import Path

import pytest

from bot import corpus as corpus_module
from bot.corpus import CACHE_NAME, Corpus, extract_title, is_sequel, load_corpus
from bot.models import Label
from tests.conftest import CORPUS, write


def test_seed_corpus_titles_are_extracted(seed_films) -> None:  # type: ignore[no-untyped-def]
    titles = {f.title: f for f in seed_films}
    assert set(titles) == {"Celestial Symphony", "Radiant Reflections"}
    assert all(f.is_sequel for f in seed_films)
    assert titles["Celestial Symphony"].id == "celestial-symphony"


@pytest.mark.parametrize(
    ("text", "title", "year"),
    [
        ('"Radiant Reflections" is a visually stunning film.', "Radiant Reflections", None),
        ("Celestial Symphony picks up right where the first film left off.", "Celestial Symphony", None),
        ("The Grand Budapest Hotel is Wes Anderson at his best.", "The Grand Budapest Hotel", None),
        ("“Moonlit Harbor” (2019) drifts along. Later, “Moonlit Harbor” sinks.", "Moonlit Harbor", 2019),
        ("Title: Night of the Long Knives\n\nA grim film.", "Night of the Long Knives", None),
        ('Few films manage this. I loved "Paper Lanterns", and "Paper Lanterns" loved me.', "Paper Lanterns", None),
        ("Return of the Mirror Queen: Part II dazzles from the start.", "Return of the Mirror Queen: Part II", None),
    ],
)
def test_title_extraction_from_plain_text(text: str, title: str, year: int | None) -> None:
    assert extract_title(text) == (title, year)


@pytest.mark.parametrize("text", ["this review starts in lower case and names nothing.", "It was fine. I guess."])
def test_title_extraction_gives_up_rather_than_guess(text: str) -> None:
    assert extract_title(text) is None


def test_sequel_detection() -> None:
    assert is_sequel("The sequel to the original film, this continuation delves deeper.")
    assert is_sequel("It picks up where the first film left off.")
    assert not is_sequel("A standalone drama about two sisters. The score is lovely.")


def test_markdown_front_matter(tmp_path: Path) -> None:
    write(
        tmp_path,
        "heat.md",
        "---\ntitle: Heat\nyear: 1995\naliases: [Heat (Mann)]\nreviewer: Ana\nrating: 9/10\n---\nA taut crime saga.\n",
    )
    write(tmp_path, "b.md", "---\ntitle: Bad Day\nverdict: negative\nsequel_of: Good Day\n---\nDreadful.\n")
    corpus = load_corpus(tmp_path)
    assert not corpus.problems
    heat, bad = sorted(corpus.films, key=lambda f: f.title, reverse=True)
    assert (heat.title, heat.year, heat.aliases, heat.reviews[0].rating, heat.id) == (
        "Heat",
        1995,
        ("Heat (Mann)",),
        "9/10",
        "heat-1995",
    )
    assert bad.reviews[0].verdict is Label.NEGATIVE and bad.is_sequel and bad.sequel_of == "Good Day"
    assert heat.reviews[0].reviewer == "Ana" and heat.reviews[0].id == "heat-1995/ana"


@pytest.mark.parametrize(
    ("name", "text", "line", "words"),
    [
        ("broken.md", "---\ntitle: X\nyear: [1999\n---\nBody.\n", 3, "not valid YAML"),
        ("unclosed.md", "---\ntitle: X\nBody.\n", 1, "no closing"),
        ("notitle.md", "---\nyear: 1999\n---\nthis body names no film at all.\n", 1, "no title"),
        ("empty.md", "---\ntitle: Empty\n---\n\n", 4, "empty"),
        ("wrongyear.md", "---\ntitle: Y\nyear: soon\n---\nBody.\n", 3, "`year` must be a year"),
        ("wrongalias.md", "---\ntitle: Y\naliases: Z\n---\nBody.\n", 3, "`aliases` must be a list"),
        ("wrongverdict.md", "---\ntitle: Y\nverdict: great\n---\nBody.\n", 3, "`verdict` must be"),
        ("wrongrating.md", "---\ntitle: Y\nrating: lots\n---\nBody.\n", 3, "not a rating"),
        ("unknown.md", "---\ntitle: Y\ntitel: Z\n---\nBody.\n", 3, "unknown field `titel`"),
        ("empty.txt", "   \n", 1, "empty"),
        ("nameless.txt", "it was a film. i saw it.\n", 1, "no title"),
    ],
)
def test_bad_files_are_named_with_line_and_skipped(tmp_path: Path, name: str, text: str, line: int, words: str) -> None:
    write(tmp_path, "good.md", "---\ntitle: Good One\n---\nA fine film.\n")
    write(tmp_path, name, text)
    corpus = load_corpus(tmp_path)
    assert [f.title for f in corpus.films] == ["Good One"]
    (problem,) = corpus.problems
    assert problem.path.endswith(name) and problem.line == line
    assert words in problem.message


def test_not_utf8_and_duplicates(tmp_path: Path) -> None:
    (tmp_path / "latin.txt").write_bytes(b'"Caf\xe9 Society" is\nfine.\n')
    write(tmp_path, "a.md", "---\ntitle: Twin Peaks\n---\nOne.\n")
    write(tmp_path, "b.md", "---\ntitle: Twin Peaks\n---\n  one.\n")
    corpus = load_corpus(tmp_path)
    assert [f.id for f in corpus.films] == ["twin-peaks"] and len(corpus.films[0].reviews) == 1
    messages = sorted(str(p) for p in corpus.problems)
    assert "b.md:1: the same review text as" in messages[0] and "a.md" in messages[0]
    assert "latin.txt:1: not UTF-8" in messages[1]


def test_corpus_check_command_lists_problems_and_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from adapters.cli import main

    write(tmp_path, "good.md", "---\ntitle: Good One\n---\nA fine film.\n")
    write(tmp_path, "bad.md", "---\ntitle: [\n---\nBody\n")
    assert main(["corpus", "check", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "1 review of 1 film loaded, 1 problem(s)" in out and "bad.md:2:" in out
    assert main(["corpus", "check", str(CORPUS)]) == 0
    assert "2 reviews of 2 films, no problems" in capsys.readouterr().out
    write(tmp_path, "bad.md", "---\ntitle: Good One\nreviewer: Ben\n---\nAnother take on it.\n")
    assert main(["corpus", "check", str(tmp_path)]) == 0
    assert "2 reviews of 1 film, no problems" in capsys.readouterr().out  # a film's reviews all count


def test_missing_corpus_folder_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    corpus = load_corpus(tmp_path / "nope")
    assert corpus.films == () and "corpus folder not found" in str(corpus.problems[0])


def same(a: Corpus, b: Corpus) -> bool:
    return a.films == b.films and [str(p) for p in a.problems] == [str(p) for p in b.problems]


def settle(folder: Path, age: float = 3600) -> None:
    """Date every file under `folder` `age` seconds back, as files not being edited right now are."""
    then = time.time() - age
    for path in folder.rglob("*"):
        os.utime(path, (then, then))


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files parsed from now on."""
    names: list[str] = []
    real = corpus_module.parse_file
    monkeypatch.setattr(corpus_module, "parse_file", lambda p, *a: names.append(p.name) or real(p, *a))
    return names


def test_corpus_cache_reparses_only_what_changed(tmp_path: Path, parsed: list[str]) -> None:
    reviews, cache = tmp_path / "reviews", tmp_path / "state" / CACHE_NAME
    write(reviews, "heat.md", "---\ntitle: Heat\nyear: 1995\n---\nA taut crime saga.\n")
    write(reviews, "sub/ran.txt", '"Ran" is a towering epic. "Ran" is loud.\n')
    write(reviews, "broken.md", "---\ntitle: [oops\n---\nText.\n")
    settle(reviews)
    first = load_corpus(reviews, cache)
    assert same(first, load_corpus(reviews)) and cache.is_file()
    written = cache.stat().st_mtime_ns

    parsed.clear()
    again = load_corpus(reviews, cache)
    assert same(again, first) and parsed == ["broken.md"]  # a broken file is not cached: it still says where
    assert cache.stat().st_mtime_ns == written, "nothing changed, so the cache is not written again"

    write(reviews, "heat.md", "---\ntitle: Heat\nyear: 1995\n---\nA taut, overlong crime saga.\n")
    (reviews / "sub" / "ran.txt").unlink()
    write(reviews, "alien.md", "---\ntitle: Alien\n---\nTerrifying.\n")
    settle(reviews, age=60)
    parsed.clear()
    changed = load_corpus(reviews, cache)
    assert sorted(parsed) == ["alien.md", "broken.md", "heat.md"]
    assert {f.title: f.reviews[0].text for f in changed.films} == {
        "Alien": "Terrifying.",
        "Heat": "A taut, overlong crime saga.",
    }
    assert same(changed, load_corpus(reviews))


def test_corpus_cache_sees_an_edit_of_the_same_size(tmp_path: Path, parsed: list[str]) -> None:
    reviews, cache = tmp_path / "reviews", tmp_path / CACHE_NAME
    write(reviews, "heat.md", "---\ntitle: Heat\n---\nTeh best heist film.\n")
    assert (
        load_corpus(reviews, cache).films[0].reviews[0].text == "Teh best heist film."
    )  # just written: not cached yet
    assert load_corpus(reviews, cache).films[0].reviews[0].text == "Teh best heist film."
    assert parsed == ["heat.md", "heat.md"]
    settle(reviews, age=60)
    load_corpus(reviews, cache)
    write(reviews, "heat.md", "---\ntitle: Heat\n---\nThe best heist film.\n")  # same size, new time
    assert load_corpus(reviews, cache).films[0].reviews[0].text == "The best heist film."


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One entry for each corpus built from now on."""
    counts: list[int] = []
    real = corpus_module._build
    monkeypatch.setattr(corpus_module, "_build", lambda items, *a: counts.append(1) or real(items, *a))
    return counts


def _club(reviews: Path) -> None:
    """A corpus with something of everything a build works out: films of several reviews, ids, problems, notes."""
    write(reviews, "dune/ana.md", "---\ntitle: Dune\nyear: 2021\nreviewer: Ana\nrating: 4/5\n---\nVast and loud.\n")
    write(reviews, "dune/bo.md", "---\ntitle: dune\nreviewer: Bo\nverdict: negative\n---\nA slog.\n")  # spelt otherwise
    write(reviews, "dune/copy.md", "---\ntitle: Dune\n---\nvast  AND loud.\n")  # a duplicate
    write(reviews, "heat.md", "---\ntitle: Heat\nsequel_of: Fire\naliases: [Heat (Mann)]\n---\nTaut.\n")
    write(reviews, "heat2.md", "---\ntitle: Heat\nsequel_of: Smoke\n---\nA taut crime saga.\n")  # a conflict
    write(reviews, "ran.txt", '"Ran" is a towering epic.\n')
    settle(reviews)


def test_a_restart_takes_the_corpus_the_cache_kept(tmp_path: Path, parsed: list[str], builds: list[int]) -> None:
    """Every file unchanged: nothing parsed, no text read, nothing built again, and it is the same corpus."""
    reviews, cache = tmp_path / "reviews", tmp_path / CACHE_NAME
    _club(reviews)
    fresh = load_corpus(reviews)
    assert fresh.problems and fresh.notes and max(len(f.reviews) for f in fresh.films) == 2
    load_corpus(reviews, cache)
    parsed.clear()
    builds.clear()
    again = load_corpus(reviews, cache)
    assert parsed == [] and builds == []
    assert not any(isinstance(r.body, str) for f in again.films for r in f.reviews), "the texts stay in the cache"
    assert again.films == fresh.films and again.files == fresh.files
    assert [str(p) for p in again.problems] == [str(p) for p in fresh.problems]
    assert [str(p) for p in again.notes] == [str(p) for p in fresh.notes]
    assert [r.text for f in again.films for r in f.reviews] == [r.text for f in fresh.films for r in f.reviews]


def test_a_restart_builds_again_when_anything_differs(tmp_path: Path, parsed: list[str], builds: list[int]) -> None:
    reviews, cache = tmp_path / "reviews", tmp_path / CACHE_NAME
    _club(reviews)
    load_corpus(reviews, cache)
    write(reviews, "alien.md", "---\ntitle: Alien\n---\nTerrifying.\n")  # new: too new to cache
    builds.clear()
    assert same(load_corpus(reviews, cache), load_corpus(reviews)) and len(builds) == 2
    settle(reviews)
    write(reviews, "zz-broken.md", "---\ntitle: [oops\n---\nText.\n")
    settle(reviews)
    for _ in range(2):  # broken: parsed and built every time, and still the same corpus
        builds.clear()
        assert same(load_corpus(reviews, cache), load_corpus(reviews)) and len(builds) == 2
    (reviews / "zz-broken.md").unlink()
    (reviews / "ran.txt").unlink()
    builds.clear()
    assert same(load_corpus(reviews, cache), load_corpus(reviews)) and len(builds) == 2
    builds.clear()
    parsed.clear()
    assert same(load_corpus(reviews, cache), load_corpus(reviews)) and len(builds) == 1, "kept again"


def test_a_cache_changed_in_place_gives_the_review_files_texts(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The texts are read from the cache when asked for: changed under the bot, the review files are read instead."""
    reviews, cache = tmp_path / "reviews", tmp_path / CACHE_NAME
    _club(reviews)
    load_corpus(reviews, cache)
    loaded = load_corpus(reviews, cache)
    with cache.open("r+b") as fh:  # in place, as nothing of the bot's does
        fh.seek(-12, os.SEEK_END)
        fh.write(b"X" * 12)
    with caplog.at_level("WARNING"):
        texts = [r.text for f in loaded.films for r in f.reviews]
    assert texts == [r.text for f in load_corpus(reviews).films for r in f.reviews]
    assert caplog.text.count("ignoring the corpus cache") == 1 and not cache.exists(), "written again next time"


def test_a_cache_written_by_other_code_is_not_used(tmp_path: Path, parsed: list[str]) -> None:
    reviews, cache = tmp_path / "reviews", tmp_path / CACHE_NAME
    write(reviews, "heat.md", "---\ntitle: Heat\n---\nA taut crime saga.\n")
    settle(reviews)
    load_corpus(reviews, cache)
    raw = cache.read_bytes()
    cache.write_bytes(raw.replace(corpus_module._cache_format().encode(), b"0" * 64).replace(b'"Heat"', b'"Tall"'))
    parsed.clear()
    assert [f.title for f in load_corpus(reviews, cache).films] == ["Heat"] and parsed == ["heat.md"]


def test_folders_linked_into_the_corpus_are_not_followed(tmp_path: Path) -> None:
    reviews = tmp_path / "reviews"
    write(reviews, "heat.md", "---\ntitle: Heat\n---\nA taut crime saga.\n")
    (reviews / "loop").symlink_to(reviews, target_is_directory=True)
    corpus = load_corpus(reviews, tmp_path / CACHE_NAME)
    assert [f.title for f in corpus.films] == ["Heat"] and not corpus.problems


def test_files_are_read_in_the_order_of_their_sorted_paths(tmp_path: Path) -> None:
    """A folder's files come where its name sorts, before a file named like it (`a/` before `a.md`)."""
    reviews, cache = tmp_path / "reviews", tmp_path / CACHE_NAME
    names = ["a.md", "a/z.md", "a/b/c/y.txt", "a b.md", "a-b/x.md", "B.md", "b/c/d.md", "ä.md", "a.txt", "ab.md"]
    for n, name in enumerate(names):
        write(reviews, name, f"---\ntitle: Film {n}\n---\nReview {n}.\n")
    write(reviews, "b/README.md", "Not a review.\n")
    write(reviews, "b/notes.json", "{}\n")
    settle(reviews)
    expected = [str(p) for p in sorted(reviews / name for name in names)]
    assert [f.source for f in load_corpus(reviews).files] == expected
    assert [f.source for f in load_corpus(reviews, cache).files] == expected  # parsed and cached
    assert [f.source for f in load_corpus(reviews, cache).files] == expected  # from the cache


@pytest.mark.parametrize("enabled", [True, False])
def test_a_load_through_the_cache_leaves_garbage_collection_as_it_was(tmp_path: Path, enabled: bool) -> None:
    reviews, cache = tmp_path / "reviews", tmp_path / CACHE_NAME
    write(reviews, "heat.md", "---\ntitle: Heat\n---\nA taut crime saga.\n")
    settle(reviews)
    cache.write_bytes(b"damaged")
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        for _ in range(2):  # the damaged cache, then the one written instead
            assert [f.title for f in load_corpus(reviews, cache).films] == ["Heat"]
            assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
