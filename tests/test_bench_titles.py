"""The title benchmark's own relations: which films count as a series (`benchmarks.titles._follows`)."""

from __future__ import annotations

import pytest

from benchmarks import titles as bt
from bot.models import Film


def _film(title: str, year: int | None, fid: str = "", sequel_of: str | None = None) -> Film:
    return Film(fid or title.lower(), title, year, sequel_of=sequel_of)


@pytest.mark.parametrize(
    ("first", "later"),
    [
        (("Shrek", 2001), ("Shrek 2", 2004)),
        (("Rocky", 1976), ("Rocky IV", 1985)),
        (("Shrek", 2001), ("Shrek the Third", 2007)),
        (("Toy Story", 1995), ("Toy Story 2", 1999)),
        (("Halloween", 1978), ("Halloween: Resurrection", 2002)),
        (("The Godfather", 1972), ("The Godfather: Part II", 1974)),
        (("Mission: Impossible", 1996), ("Mission: Impossible - Ghost Protocol", 2011)),
        (("Home Alone", 1990), ("Home Alone 2: Lost in New York", 1992)),
    ],
)
def test_a_number_or_a_subtitle_added_to_the_whole_title_follows(
    first: tuple[str, int], later: tuple[str, int]
) -> None:
    assert bt._follows(_film(*later), _film(*first))


@pytest.mark.parametrize(
    ("first", "later"),
    [
        (("Salt", 2010), ("The Salt of the Earth", 2014)),  # more words: another film (the "extension" class)
        (("Go", 1999), ("Go Figure", 2005)),
        (("The Grudge", 2004), ("Grudge Match", 2013)),
        (("The Matrix", 1999), ("The Matrix Reloaded", 2003)),  # a sequel by its story, not by its title
        (("Apollo 13", 1995), ("Apollo 18", 2011)),  # a number that is a name, not a sequel number
        (("Shrek 2", 2004), ("Shrek", 2001)),  # earlier, not later
        (("Heat", 1995), ("Heat", 1972)),
        (("Star Wars: Episode IV - A New Hope", 1977), ("Star Wars: Episode V - The Empire Strikes Back", 1980)),
    ],
)
def test_words_added_or_an_earlier_film_do_not_follow(first: tuple[str, int], later: tuple[str, int]) -> None:
    assert not bt._follows(_film(*later), _film(*first))


def test_a_corpus_link_follows_whatever_the_titles() -> None:
    matrix = _film("The Matrix", 1999)
    assert bt._follows(_film("The Matrix Reloaded", 2003, sequel_of="Matrix, The"), matrix)
    assert not bt._follows(_film("The Matrix Reloaded", 2003, sequel_of="Matrix, The"), _film("The Matrix Man", 1990))


def test_relatives_are_the_series_not_titles_that_start_alike() -> None:
    films = [
        _film("Salt", 2010),
        _film("Go", 1999),
        _film("Toy Story", 1995),
        _film("Toy Story 2", 1999),
        _film("Apollo 13", 1995),
        _film("Star Wars: Episode IV - A New Hope", 1977, "sw4"),
    ]
    assert bt.relatives_in(_film("The Salt of the Earth", 2014), films) == frozenset()
    assert bt.relatives_in(_film("Go Figure", 2005), films) == frozenset()
    assert bt.relatives_in(_film("Apollo 18", 2011), films) == frozenset()
    assert bt.relatives_in(_film("Toy Story 3", 2010), films) == {"toy story", "toy story 2"}
    assert bt.relatives_in(_film("Star Wars: Episode V - The Empire Strikes Back", 1980), films) == {"sw4"}
    others = [f for f in films if f.id != "toy story"]
    assert bt.relatives_in(_film("Toy Story", 1995), others) == {"toy story 2"}  # the later film, asked for the first


def test_mark_sequels_marks_numbers_and_subtitles_not_longer_titles() -> None:
    films = [
        _film("Salt", 2010),
        _film("The Salt of the Earth", 2014),
        _film("Halloween", 1978),
        _film("Halloween: Resurrection", 2002),
        _film("Shrek", 2001),
        _film("Shrek 2", 2004),
    ]
    marked = {f.title: f.sequel_of for f in bt.mark_sequels(films) if f.is_sequel}
    assert marked == {"Halloween: Resurrection": "Halloween", "Shrek 2": "Shrek"}


@pytest.mark.parametrize("title", ["Hatchet III", "Rocky IV", "Weekend at Bernie's II", "Star Trek III: The Search"])
def test_a_typo_never_changes_a_sequel_numeral(title: str) -> None:
    import random
    import re

    rng = random.Random(3)
    numeral = re.search(r"\b[IVX]+\b", title)
    assert numeral is not None
    for _ in range(300):
        typed = bt._typo(title, rng, 2)
        assert re.search(rf"(?<![\w']){numeral.group(0)}(?![\w'])", typed), typed


def test_a_compound_number_word_is_not_a_sequel_number() -> None:
    import random

    thirty_two = Film("f", "Thirty-Two Short Films About Glenn Gould", 1993)
    assert bt._numeral_variant(thirty_two.title, random.Random(0)) is None
