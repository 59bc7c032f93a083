"""The engine answers from the review text: the issue's own examples and the follow-up flow."""

from __future__ import annotations

import asyncio
import threading

from bot.answers import Ambiguous, FilmList, FullText, Note, NotFound, Notice, ReviewCard, Snippets, VerdictCard
from bot.engine import Engine
from bot.models import Aspect, Film, Intent, Label, Question
from bot.render import text, to_json


async def ask(engine: Engine, intent: Intent, words: str, conversation: str = "t"):  # type: ignore[no-untyped-def]
    return await engine.answer(Question(intent, words, conversation))


def body(film: Film) -> str:
    return film.reviews[0].text


async def test_review_through_a_typo(engine: Engine) -> None:
    a = await ask(engine, Intent.REVIEW, "celestial symphny")
    assert isinstance(a, ReviewCard) and a.film.title == "Celestial Symphony"
    assert a.aggregate.label is Label.POSITIVE and a.aggregate.total == 1
    summary = " ".join(q.text for q in a.consensus)
    assert 2 <= len(a.consensus) <= 3 and summary.startswith("Celestial Symphony picks up")
    aspects = [q.aspect for q in a.highlights]
    assert aspects == [Aspect.STORY, Aspect.ACTING, Aspect.VISUALS, Aspect.MUSIC]
    assert "score" in a.highlights[3].text and "characters" in a.highlights[1].text.lower()
    assert all(q.text in body(a.film) for q in a.highlights)


async def test_verdict_on_a_sequel_quotes_the_comparison(engine: Engine) -> None:
    a = await ask(engine, Intent.VERDICT, "radiant reflection")
    assert isinstance(a, VerdictCard) and a.film.title == "Radiant Reflections"
    (only,) = a.reviews
    v = only.verdict
    assert v.label is Label.POSITIVE and 0.5 < v.confidence <= 1 and v.quote in body(a.film)
    assert v.sequel is not None and "original film" in v.sequel.quote
    assert v.sequel.compared_to_original in ("as_good", "better")
    assert a.sequel is not None and a.sequel.total == 1 and a.sequel.quotes[0].text == v.sequel.quote
    celestial = await ask(engine, Intent.VERDICT, "Celestial Symphony")
    assert isinstance(celestial, VerdictCard) and celestial.reviews[0].verdict.sequel is not None
    assert "a worthy sequel that expands upon the universe" in celestial.reviews[0].verdict.sequel.quote


async def test_aspect_question_quotes_the_soundtrack_sentences(engine: Engine) -> None:
    a = await ask(engine, Intent.ASK, "how is the soundtrack in radiant reflections")
    assert isinstance(a, Snippets) and a.film is not None and a.film.title == "Radiant Reflections"
    assert 1 <= len(a.quotes) <= 3
    assert all(("soundtrack" in q.text or "score" in q.text) for q in a.quotes)
    assert any("hauntingly beautiful soundtrack" in q.text for q in a.quotes)


async def test_follow_up_uses_the_conversation_film(engine: Engine) -> None:
    await ask(engine, Intent.ASK, "how's the music in Celestial Symphony?", "chan-1")
    a = await ask(engine, Intent.ASK, "and the visuals?", "chan-1")
    assert isinstance(a, Snippets) and a.film is not None and a.film.title == "Celestial Symphony"
    assert "visual" in a.quotes[0].text
    assert any("visuals in Celestial Symphony are truly awe-inspiring" in q.text for q in a.quotes)
    other = await ask(engine, Intent.ASK, "and the visuals?", "chan-2")
    assert isinstance(other, Snippets) and other.film is None
    assert {q.film_id for q in other.quotes} <= {"celestial-symphony", "radiant-reflections"}


async def test_question_naming_no_film_searches_every_review(engine: Engine) -> None:
    a = await ask(engine, Intent.ASK, "how are the special effects?", "fresh")
    assert isinstance(a, Snippets) and a.film is None and a.quotes
    shown = text(a)
    assert "Celestial Symphony" in shown or "Radiant Reflections" in shown
    assert {f.id for f in a.films} == {q.film_id for q in a.quotes}


async def test_absent_film_is_not_found(engine: Engine) -> None:
    for intent, words in (
        (Intent.REVIEW, "The Godfather"),
        (Intent.VERDICT, "The Godfather"),
        (Intent.ASK, "how is the music in the godfather?"),
    ):
        a = await ask(engine, intent, words)
        assert isinstance(a, NotFound), (intent, words, a)
        assert "godfather" in a.query.lower() and "godfather" in text(a).lower()


async def test_full_review_is_paginated_and_lossless() -> None:
    words = "\n\n".join(f"Paragraph {i} of Long Film is " + "very good indeed. " * 40 for i in range(12))
    engine = Engine([Film.of("long-film", "Long Film", None, words)])
    a = await engine.answer(Question(Intent.FULL, film_id="long-film"))
    assert isinstance(a, FullText) and len(a.pages) > 1 and all(len(p) <= 1900 for p in a.pages)
    assert " ".join(a.pages).split() == words.split()
    by_id = await engine.answer(Question(Intent.FULL, review_id="long-film/1"))
    assert isinstance(by_id, FullText) and by_id.pages == a.pages


async def test_help_list_and_unknown_button(engine: Engine) -> None:
    help_ = await ask(engine, Intent.HELP, "")
    assert isinstance(help_, Notice) and help_.note is Note.HELP and "/review" in text(help_)
    listing = await ask(engine, Intent.LIST, "")
    assert isinstance(listing, FilmList)
    assert "Celestial Symphony" in text(listing) and "Radiant Reflections" in text(listing)
    gone = await engine.answer(Question(Intent.REVIEW, film_id="deleted-film"))
    assert isinstance(gone, Notice) and gone.note is Note.UNKNOWN_FILM
    gone = await engine.answer(Question(Intent.FULL, review_id="deleted-film/ana"))
    assert isinstance(gone, Notice) and gone.note is Note.UNKNOWN_FILM


async def test_empty_corpus_says_so() -> None:
    a = await Engine([]).answer(Question(Intent.REVIEW, "anything"))
    assert isinstance(a, Notice) and a.note is Note.EMPTY_CORPUS and "No reviews" in text(a)


async def test_json_shape_is_the_documented_one(engine: Engine) -> None:
    data = to_json(await ask(engine, Intent.VERDICT, "radiant reflection"))
    assert data["version"] == 3
    assert set(data) >= {"kind", "film", "verdict", "snippets", "suggestions", "text", "aggregate", "reviews"}
    assert data["kind"] == "verdict"
    assert {k: data["film"][k] for k in ("id", "title", "year")} == {
        "id": "radiant-reflections",
        "title": "Radiant Reflections",
        "year": None,
    }
    assert set(data["verdict"]) == {"label", "confidence", "quote", "sequel", "stated"}
    assert set(data["verdict"]["sequel"]) == {"compared_to_original", "quote"}
    assert data["aggregate"]["total"] == 1 and data["reviews"][0]["id"] == "radiant-reflections/1"
    ans = to_json(await ask(engine, Intent.ASK, "how is the soundtrack in radiant reflections"))
    assert ans["kind"] == "answer"
    assert set(ans["snippets"][0]) >= {"text", "film_id", "score", "review_id", "reviewer"}
    assert ans["snippets"][0]["review_id"] == "radiant-reflections/1"


async def test_engine_survives_a_failing_context_store(seed_films) -> None:  # type: ignore[no-untyped-def]
    class Broken:
        async def get(self, key: str) -> str | None:
            raise RuntimeError("db down")

        async def put(self, key: str, film_id: str) -> None:
            raise RuntimeError("db down")

    engine = Engine(seed_films, context=Broken())
    a = await engine.answer(Question(Intent.REVIEW, "celestial symphony", "x"))
    assert isinstance(a, ReviewCard)
    b = await engine.answer(Question(Intent.ASK, "and the visuals?", "x"))
    # the follow-up is answered (from what this process remembers), not "something went wrong"
    assert isinstance(b, Snippets) and b.film is not None and b.film.id == "celestial-symphony"


async def test_question_about_a_title_and_a_title_worded_as_a_question() -> None:
    films = [
        Film.of("b", "Bob", 2001, "Bob is a dull film. The acting is wooden."),
        Film.of("w", "What About Bob?", 1991, "What About Bob? is a delight. The cast is superb."),
        Film.of("s", "Starlight Harbour", 2020, "A gorgeous film. The score soars."),
    ]
    engine = Engine(films)
    a = await ask(engine, Intent.ASK, "what about bob")
    assert isinstance(a, ReviewCard) and a.film.id == "w"
    a = await ask(engine, Intent.ASK, "tell me about the story of starlight harbuor")
    assert isinstance(a, ReviewCard) and a.film.id == "s"
    a = await ask(engine, Intent.ASK, "is starlight harbour any good?")
    assert isinstance(a, VerdictCard) and a.film.id == "s"


async def test_verdict_alone_is_the_verdict_of_the_whole_reading(seed_films) -> None:  # type: ignore[no-untyped-def]
    first, second = Engine(seed_films), Engine(seed_films)
    for film in seed_films:
        for review in film.reviews:
            alone = first.verdict(film, review)
            assert alone == second.reading(film, review).verdict == first.reading(film, review).verdict


async def test_an_engine_still_loading_says_so_and_then_answers(engine: Engine) -> None:
    release = threading.Event()

    def corpus() -> tuple[Film, ...]:
        release.wait(10)
        return engine.films

    loading = Engine(None)
    task = asyncio.ensure_future(loading.load(corpus))
    a = await ask(loading, Intent.REVIEW, "celestial symphny")
    assert isinstance(a, Notice) and a.note is Note.STILL_READING and "still reading" in text(a)
    help_ = await ask(loading, Intent.HELP, "")
    assert isinstance(help_, Notice) and help_.note is Note.HELP
    assert loading.suggest("cel") == [] and loading.film("celestial-symphony") is None and not loading.ready
    release.set()
    await task
    a = await ask(loading, Intent.REVIEW, "celestial symphny")
    assert isinstance(a, ReviewCard) and a.film.title == "Celestial Symphony"
    assert [s.title for s in loading.suggest("cel")][:1] == ["Celestial Symphony"]


async def test_ambiguous_title_lists_the_candidates() -> None:
    films = [
        Film.of("heat-1995", "Heat", 1995, "Heat is a taut crime saga."),
        Film.of("heat-2013", "Heat", 2013, "Heat is a clumsy remake."),
    ]
    a = await ask(Engine(films), Intent.REVIEW, "heat")
    assert isinstance(a, Ambiguous) and [s.film_id for s in a.suggestions] == ["heat-1995", "heat-2013"]


# --- issue 10: never the wrong film -------------------------------------------------------------------------------

SERIES = [
    Film.of("shrek", "Shrek", 2001, "Shrek is a delight. The music is a joy and the jokes land."),
    Film.of("heat", "Heat", 1995, "Heat is a superb crime film. The score hums with menace."),
    Film.of(
        "angels-2",
        "Charlie's Angels: Full Throttle",
        2003,
        "Charlie's Angels: Full Throttle is loud and empty. The stunts are silly.",
        sequel_of="Charlie's Angels",  # a sequel: its main title names the first film
    ),
    Film.of("birdman", "Birdman or (The Unexpected Virtue of Ignorance)", 2014, "A dazzling film."),
]


async def test_a_sequel_asked_for_by_title_is_not_the_first_film() -> None:
    engine = Engine(SERIES)
    for intent in (Intent.REVIEW, Intent.VERDICT, Intent.FULL):
        a = await ask(engine, intent, "Shrek 2")
        assert isinstance(a, NotFound) and a.related, a
        assert text(a).endswith("I don't have a review of “Shrek 2”. I have: Shrek (2001).")
        assert [s.film_id for s in a.suggestions] == ["shrek"]
    a = await ask(engine, Intent.REVIEW, "heat wave")
    assert isinstance(a, NotFound) and "I have: Heat (1995)" in text(a)


async def test_a_sequel_named_in_a_question_is_not_the_first_film() -> None:
    engine = Engine(SERIES)
    for question, named in (("how is the music in shrek 2?", "shrek 2"), ("is heat wave any good?", "heat wave")):
        a = await ask(engine, Intent.ASK, question)
        assert isinstance(a, NotFound), a
        assert f"“{named}”" in text(a) and "I have:" in text(a)
    a = await ask(engine, Intent.ASK, "how is the music in shrek?")
    assert isinstance(a, Snippets) and a.film is not None and a.film.id == "shrek"
    assert a.certainty == 1.0


async def test_an_unsure_title_is_a_did_you_mean_with_the_film_offered() -> None:
    engine = Engine(SERIES)
    a = await ask(engine, Intent.REVIEW, "Charlie's Angels")  # its own first film, or this sequel?
    assert isinstance(a, Ambiguous)
    assert "I'm not sure which film “Charlie's Angels” is." in text(a)
    assert [s.film_id for s in a.suggestions] == ["angels-2"]
    data = to_json(a)
    assert data["film"] is None and data["certainty"] is None and data["suggestions"][0]["title"].startswith("C")


async def test_every_answer_naming_a_film_says_how_sure() -> None:
    engine = Engine(SERIES)
    exact = await ask(engine, Intent.REVIEW, "Birdman")
    assert isinstance(exact, ReviewCard) and exact.film.id == "birdman"
    assert exact.certainty == 1.0 and to_json(exact)["certainty"] == 1.0
    typo = await ask(engine, Intent.VERDICT, "Birdmna")
    assert isinstance(typo, VerdictCard) and 0.5 < typo.certainty < 1.0
    clicked = await engine.answer(Question(Intent.REVIEW, film_id="heat"))
    assert isinstance(clicked, ReviewCard) and clicked.certainty == 1.0
    follow = await ask(engine, Intent.ASK, "how is the music in heat?", "conv")
    assert isinstance(follow, Snippets) and follow.film is not None and follow.certainty == 1.0
    again = await ask(engine, Intent.ASK, "and the score?", "conv")
    assert isinstance(again, Snippets) and again.film is not None and again.film.id == "heat"
    assert again.certainty == 1.0


async def test_question_words_are_not_a_missing_title() -> None:
    engine = Engine(SERIES)
    await ask(engine, Intent.ASK, "how is the music in heat?", "c1")
    for question in (
        "is it good for kids?",
        "what is the storyline in this movte?",
        "how is the music in this film?",
        "how is the score in it?",
        "is it worth it for families?",
    ):
        a = await ask(engine, Intent.ASK, question, "c1")
        assert not isinstance(a, NotFound), (question, text(a))
        assert getattr(a, "film", None) is not None and a.film.id == "heat", (question, text(a))
    fresh = await ask(engine, Intent.ASK, "is it good for kids?", "c2")
    assert not isinstance(fresh, NotFound)
    missing = await ask(engine, Intent.ASK, "how is the music in Gloomhaven Nights?", "c3")
    assert isinstance(missing, NotFound) and "Gloomhaven Nights" in text(missing)


async def test_a_question_worded_around_a_title_is_about_that_film(engine: Engine) -> None:
    """ "who made X?" or "does X live up to the original?" is no missing title "made X" or "X live up"."""
    for question, title in (
        ("who made celestial symphony?", "Celestial Symphony"),
        ("does celestial symphony live up to the original?", "Celestial Symphony"),
        ("how long does radiant reflections run?", "Radiant Reflections"),
        ("does radiant reflections make you laugh?", "Radiant Reflections"),
    ):
        a = await engine.answer(Question(Intent.ASK, question))
        assert not isinstance(a, NotFound), (question, text(a))
        assert getattr(a, "film", None) is not None and a.film.title == title, (question, text(a))  # type: ignore[union-attr]
