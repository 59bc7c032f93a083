"""Title resolution: the right film through typos and variants, never a confident wrong one."""

from __future__ import annotations

import pytest

from bot.models import Film
from bot.titles import Outcome, TitleIndex


def film(title: str, year: int | None = None, aliases: tuple[str, ...] = ()) -> Film:
    return Film.of(title.lower().replace(" ", "-"), title, year, "x", aliases=aliases)


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


@pytest.fixture(scope="module")
def neighbours() -> TitleIndex:
    return TitleIndex(
        [
            film("The Cooler", 2003),
            film("Cobb", 1994),
            film("Predator", 1987),
            film("The Apple Dumpling Gang Rides Again", 1979),
            film("The Rocker", 2008),
            film("The Hurt Locker", 2008),
            film("Corrina, Corrina", 1994),
            film("Fear of a Black Hat", 1994),
            film("My Giant", 1998),
        ]
    )


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("Tnhe Rocrker", "The Rocker"),  # two typos, every other title much further off
        ("Coxrina, Corgrina", "Corrina, Corrina"),
        ("Fear o fca Black Hat", "Fear of a Black Hat"),  # a moved space and a typo, not a missing word
        ("Predatr", "Predator"),
    ],
)
def test_misspelt_titles_far_from_others_match(neighbours: TitleIndex, query: str, title: str) -> None:
    res = neighbours.resolve(query)
    assert res.outcome is Outcome.MATCH, res
    assert res.film is not None and res.film.title == title


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("The Cobbler", "The Cooler"),  # another one-word title two letters away, not a misspelling
        ("Bobb", "Cobb"),
        ("Predators", "Predator"),  # the sequel, not the film here
        ("The Apple Dumpling Gang", "The Apple Dumpling Gang Rides Again"),  # a title word missing
        ("Giant", "My Giant"),  # a short word missing, but not one a typist drops ("of", "the")
    ],
)
def test_other_titles_near_one_here_are_only_suggested(neighbours: TitleIndex, query: str, title: str) -> None:
    res = neighbours.resolve(query)
    assert res.outcome is not Outcome.MATCH, res
    assert title in [s.title.rsplit(" (", 1)[0] for s in res.suggestions]


def test_titles_that_start_or_end_with_question_words_inside_free_text() -> None:
    glued = [film("Now You See Me"), film("What Women Want"), film("It"), *CATALOGUE]
    index = TitleIndex(glued)
    assert index.find_in("how is the music in Now You See Me?")[0] == glued[0]
    assert index.find_in("is what women want any good")[0] == glued[1]
    assert index.find_in("how is the acting in it?")[0] is None  # question words alone name no film
    assert index.find_in("how is the score in celestial symphony?")[0] == CATALOGUE[0]
