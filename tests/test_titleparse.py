"""Title structure, number words and the word-frequency lexicon the title index builds on."""

from __future__ import annotations

import pytest

from bot import lexicon
from bot.text import normalise
from bot.titleparse import collapse_initials, distinctive, long_subtitle, parse, short_names


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Twelve Monkeys", "12 Monkeys"),
        ("Ocean's Eleven", "Oceans 11"),
        ("Twenty-One Jump Street", "21 Jump Street"),
        ("One Hundred and One Dalmatians", "101 Dalmatians"),
        ("Nineteen Eighty-Four", "1984"),
        ("Shrek the Third", "Shrek 3"),
        ("Hot Shots! Part Deux", "hot shots 2"),
        ("Kill Bill: Vol. 2", "kill bill 2"),
        ("Apollo XIII", "Apollo 13"),
    ],
)
def test_numbers_are_digits_however_written(a: str, b: str) -> None:
    assert normalise(a) == normalise(b)


def test_words_that_only_look_like_numbers_stay_words() -> None:
    assert normalise("Les Deux Anglaises") == "deux anglaises"  # "deux" is a number only after "Part"
    assert normalise("The Third Man") == "third man"  # an ordinal counts only at the end, after "the"
    assert normalise("I, Robot") == "i robot"


@pytest.mark.parametrize(
    ("title", "main", "number", "alternatives"),
    [
        ("Kill Bill: Vol. 2", "Kill Bill", "2", ()),
        ("Star Wars: Episode IV - A New Hope (1977)", "Star Wars", "4", ()),
        ("Toy Story 2", "Toy Story 2", "2", ()),
        ("Godfather: Part II, The", "The Godfather", "2", ()),
        ("Twelve Monkeys (a.k.a. 12 Monkeys)", "Twelve Monkeys", None, ("12 Monkeys",)),
        ("Birdman or (The Unexpected Virtue of Ignorance)", "Birdman", None, ("The Unexpected Virtue of Ignorance",)),
        ("Salo, or The 120 Days of Sodom", "Salo", None, ("The 120 Days of Sodom",)),
        ("Trick or Treat", "Trick or Treat", None, ()),  # "or" inside a title splits nothing
    ],
)
def test_parse_finds_main_title_number_and_alternatives(
    title: str, main: str, number: str | None, alternatives: tuple[str, ...]
) -> None:
    s = parse(title)
    assert (s.main, s.number, s.alternatives) == (main, number, alternatives)


def test_a_long_subtitle_is_an_explanation_and_a_short_one_part_of_the_name() -> None:
    assert long_subtitle(parse("Borat: Cultural Learnings of America for Make Benefit Glorious Nation of Kazakhstan"))
    assert not long_subtitle(parse("Charlie's Angels: Full Throttle"))
    assert not long_subtitle(parse("Night at the Museum: Battle of the Smithsonian"))


def test_short_names_are_distinctive_first_words() -> None:
    assert short_names("Ferris Bueller's Day Off") == ["ferris bueller"]
    assert short_names("Eternal Sunshine of the Spotless Mind") == ["eternal sunshine"]
    assert short_names("Ant-Man and the Wasp") == []  # names the first film rather
    assert short_names("Heat Wave") == [] and short_names("The Day After Tomorrow") == []
    assert distinctive(["ferris", "bueller"]) and not distinctive(["heat"]) and not distinctive(["big", "day"])


def test_initials_are_joined() -> None:
    assert collapse_initials("m a s h") == "mash" and collapse_initials("i robot") == "i robot"


def test_the_lexicon_ranks_words_by_frequency() -> None:
    assert lexicon.rank("the") == 1
    assert (lexicon.rank("heat") or 0) < (lexicon.rank("bueller") or 10**9)
    assert lexicon.rank("zzqxv") is None and lexicon.size() == 50_000
