"""The film-club example the README shows (examples/film-club): it loads clean and answers as the README says."""

from __future__ import annotations

import pytest

from adapters.cli import main
from bot.answers import Comparison, Fact, FilmRanking, ReviewCard
from bot.corpus import load_corpus
from bot.engine import Engine
from bot.facts import names
from bot.intents import Role
from bot.models import Intent, Question
from bot.render import text
from tests.conftest import ROOT

CLUB = ROOT / "examples" / "film-club"


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(list(load_corpus(CLUB).films))


def test_the_example_corpus_has_no_problems(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["corpus", "check", str(CLUB)]) == 0
    assert "5 reviews of 2 films, no problems" in capsys.readouterr().out


async def test_a_film_with_three_reviews_shows_two_of_three_positive(engine: Engine) -> None:
    card = await engine.answer(Question(Intent.REVIEW, "harbour lights"))
    assert isinstance(card, ReviewCard) and card.film.title == "Harbour Lights"
    assert (card.aggregate.positive, card.aggregate.total) == (2, 3)


async def test_the_sequel_is_compared_with_the_original_quoting_both_sides(engine: Engine) -> None:
    a = await engine.answer(Question(Intent.ASK, "is harbour lights 2 better than the original?"))
    assert isinstance(a, Comparison) and a.tally is not None
    assert (a.tally.better, a.tally.worse) == (1, 1)
    assert {q.reviewer for q in a.tally.quotes} == {"Ana", "Ben"}


def test_a_name_set_off_by_commas_is_a_fact() -> None:
    said = ["The director, Ines Kowalski, lets long takes do the talking.", "The director, who is new, tries."]
    assert [f.name for f in names(Role.DIRECTOR, said)] == ["Ines Kowalski"]
    assert [f.name for f in names(Role.CAST, ["The lead, Mara Quinn, is superb."])] == ["Mara Quinn"]


async def test_who_directed_it_names_the_director_from_an_aside(engine: Engine) -> None:
    a = await engine.answer(Question(Intent.ASK, "who directed harbour lights?"))
    assert isinstance(a, Fact) and a.names[:1] == ("Ines Kowalski",)


async def test_films_whose_reviews_are_lukewarm_about_the_music_are_still_compared(engine: Engine) -> None:
    a = await engine.answer(Question(Intent.ASK, "which film has the best music?"))
    assert isinstance(a, FilmRanking) and len(a.films) == 2
    assert all("score" in r.quote.text for r in a.films)


async def test_a_tied_comparison_says_the_reviews_disagree(engine: Engine) -> None:
    a = await engine.answer(Question(Intent.ASK, "is harbour lights 2 better than the original?"))
    assert "Sequel: the reviews disagree: 1 better, 1 not as good" in text(a)


async def test_a_film_with_hundreds_of_reviews_ranks_a_bounded_shortlist() -> None:
    from bot.models import Film, Review
    from bot.passages import CAP

    reviews = tuple(
        Review(f"big/{n}", "big", f"Big Film is long. The music in part {n} is lovely. The plot is thin.", f"R{n}")
        for n in range(150)
    )
    engine = Engine([Film("big", "Big Film", 2020, reviews)])
    query = engine._rel.parse("how is the music?", "Big Film")
    span = engine._sentences.span(engine._index["big"])
    assert len(span) == 450 and 0 < len(engine._rel.shortlist(query, span)) <= CAP
    a = await engine.answer(Question(Intent.ASK, "how is the music in big film?"))
    assert "music" in text(a) and "lovely" in text(a)
