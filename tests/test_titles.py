"""Title resolution: the right film through typos and variants, never a confident wrong one."""

from __future__ import annotations

import pytest

from bot.models import Film
from bot.titles import Outcome, TitleIndex


def film(title: str, year: int | None = None, aliases: tuple[str, ...] = ()) -> Film:
    return Film(id=title.lower().replace(" ", "-"), title=title, year=year, text="x", aliases=aliases)


CATALOGUE = [
    film("Celestial Symphony"),
    film("Radiant Reflections"),
    film("The Godfather: Part II", 1974),
    film("Toy Story", 1995),
    film("Toy Story 2", 1999),
    film("Star Wars: Episode IV - A New Hope", 1977),
    film("Amélie", 2001),
    film("Heat", 1995),
    film("Heat", 2013),
    film("Shawshank Redemption, The", 1994),
]


@pytest.fixture(scope="module")
def index() -> TitleIndex:
    return TitleIndex(CATALOGUE)


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("celestial symphny", "Celestial Symphony"),
        ("CELESTIAL SYMPHONY", "Celestial Symphony"),
        ("radiant reflection", "Radiant Reflections"),
        ("godfather part 2", "The Godfather: Part II"),
        ("The Godfather Part II (1974)", "The Godfather: Part II"),
        ("toy story two", "Toy Story 2"),
        ("toy story", "Toy Story"),
        ("a new hope", "Star Wars: Episode IV - A New Hope"),
        ("amelie", "Amélie"),
        ("the shawshank redemption", "Shawshank Redemption, The"),
        ("shawshank redemtion", "Shawshank Redemption, The"),
        ("heat 1995", "Heat"),
        ("Heat (2013)", "Heat"),
    ],
)
def test_resolves_the_film_meant(index: TitleIndex, query: str, title: str) -> None:
    res = index.resolve(query)
    assert res.outcome is Outcome.MATCH, res
    assert res.film is not None and res.film.title == title


def test_year_picks_between_same_titles(index: TitleIndex) -> None:
    assert index.resolve("heat 2013").film == CATALOGUE[8]
    res = index.resolve("heat")
    assert res.outcome is Outcome.AMBIGUOUS
    assert [s.title for s in res.suggestions] == ["Heat (1995)", "Heat (2013)"]


@pytest.mark.parametrize("query", ["The Godfather", "Toy Story 3", "Star Trek", "Casablanca", "zzzz", "the"])
def test_absent_films_are_never_a_confident_match(index: TitleIndex, query: str) -> None:
    assert index.resolve(query).outcome is not Outcome.MATCH


def test_not_found_offers_at_most_three_suggestions(index: TitleIndex) -> None:
    res = index.resolve("toy stories of the galaxy")
    assert res.outcome is Outcome.NOT_FOUND and len(res.suggestions) <= 3


def test_titles_inside_free_text(index: TitleIndex) -> None:
    assert index.find_in("how is the score in celestial symphony?")[0] == CATALOGUE[0]
    assert index.find_in("is radiant reflection any good")[0] == CATALOGUE[1]
    assert index.find_in('what did you think of "Toy Story 2"?')[0] == CATALOGUE[4]
    assert index.find_in("how is the music?")[0] is None


def test_autocomplete_ranks_prefixes_and_typos_within_discord_limits() -> None:
    many = [film(f"The Very Long Title Number {i} " + "x" * 100) for i in range(60)] + CATALOGUE
    index = TitleIndex(many)
    assert [s.title for s in index.suggest("cel")][:1] == ["Celestial Symphony"]
    assert index.suggest("celestail")[0].title == "Celestial Symphony"
    for prefix in ("", "the very", "t", "x" * 300):
        got = index.suggest(prefix)
        assert len(got) <= 25 and all(len(s.title) <= 100 for s in got)
    assert len(index.suggest("the very long")) == 25
