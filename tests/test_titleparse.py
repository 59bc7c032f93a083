"""Title structure, number words and the word-frequency lexicon the title index builds on."""

from __future__ import annotations

import pytest

from bot import lexicon
from bot.text import normalise
from bot.titleparse import collapse_initials, common_word, distinctive, parse, short_names


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


def test_one_common_word_is_no_name_of_its_own() -> None:
    assert common_word("Heat") and common_word("The American") and common_word("Texas")
    assert not common_word("Borat") and not common_word("Laputa") and not common_word("Charlie's Angels")


def test_short_names_are_distinctive_first_words() -> None:
    assert short_names("Ferris Bueller's Day Off") == ["ferris bueller"]
    assert short_names("Eternal Sunshine of the Spotless Mind") == ["eternal sunshine"]
    assert short_names("Close Encounters of the Third Kind") == ["close encounters"]  # uncommon together
    assert short_names("Lock, Stock & Two Smoking Barrels") == ["lock stock"]
    assert short_names("Bring Me the Head of Alfredo Garcia") == ["bring me the head"]  # at a later link word
    assert short_names("Weekend at Bernie's II") == []  # without its number: the name of the series
    assert short_names("Heat Wave") == [] and short_names("The Day After Tomorrow") == []
    assert short_names("Bad Day at Black Rock") == [] and short_names("Things to Do in Denver When You're Dead") == []
    assert distinctive(["ferris", "bueller"]) and not distinctive(["heat"]) and not distinctive(["big", "day"])


def test_initials_are_joined() -> None:
    assert collapse_initials("m a s h") == "mash" and collapse_initials("i robot") == "i robot"


def test_the_lexicon_ranks_words_by_frequency() -> None:
    assert lexicon.rank("the") == 1
    assert (lexicon.rank("heat") or 0) < (lexicon.rank("bueller") or 10**9)
    assert lexicon.rank("zzqxv") is None and lexicon.size() == 50_000
