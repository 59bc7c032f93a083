"""The engine answers from the review text: the issue's own examples and the follow-up flow."""

from __future__ import annotations

import asyncio
import threading

from bot.engine import Engine
from bot.models import Aspect, Film, Kind, Label, Question
from bot.render import to_json


async def ask(engine: Engine, kind: Kind, text: str, conversation: str = "t"):  # type: ignore[no-untyped-def]
    return await engine.answer(Question(kind, text, conversation))


async def test_review_through_a_typo(engine: Engine) -> None:
    a = await ask(engine, Kind.REVIEW, "celestial symphny")
    assert a.kind is Kind.REVIEW and a.film is not None and a.film.title == "Celestial Symphony"
    assert a.verdict is not None and a.verdict.label is Label.POSITIVE
    assert 2 <= a.summary.count(". ") + 1 <= 4 and a.summary.startswith("Celestial Symphony picks up")
    aspects = [s.aspect for s in a.highlights]
    assert aspects == [Aspect.STORY, Aspect.ACTING, Aspect.VISUALS, Aspect.MUSIC]
    assert "score" in a.highlights[3].text and "characters" in a.highlights[1].text.lower()
    assert all(s.text in a.film.text for s in a.highlights)


async def test_verdict_on_a_sequel_quotes_the_comparison(engine: Engine) -> None:
    a = await ask(engine, Kind.VERDICT, "radiant reflection")
    assert a.kind is Kind.VERDICT and a.film is not None and a.film.title == "Radiant Reflections"
    assert a.verdict is not None and a.verdict.label is Label.POSITIVE and 0.5 < a.verdict.confidence <= 1
    assert a.verdict.quote in a.film.text
    assert a.verdict.sequel is not None and "original film" in a.verdict.sequel.quote
    assert a.verdict.sequel.compared_to_original in ("as_good", "better")
    celestial = await ask(engine, Kind.VERDICT, "Celestial Symphony")
    assert celestial.verdict is not None and celestial.verdict.sequel is not None
    assert "a worthy sequel that expands upon the universe" in celestial.verdict.sequel.quote


async def test_aspect_question_quotes_the_soundtrack_sentences(engine: Engine) -> None:
    a = await ask(engine, Kind.ASK, "how is the soundtrack in radiant reflections")
    assert a.kind is Kind.ANSWER and a.film is not None and a.film.title == "Radiant Reflections"
    assert 1 <= len(a.snippets) <= 3
    assert all(("soundtrack" in s.text or "score" in s.text) for s in a.snippets)
    assert any("hauntingly beautiful soundtrack" in s.text for s in a.snippets)


async def test_follow_up_uses_the_conversation_film(engine: Engine) -> None:
    await ask(engine, Kind.ASK, "how's the music in Celestial Symphony?", "chan-1")
    a = await ask(engine, Kind.ASK, "and the visuals?", "chan-1")
    assert a.film is not None and a.film.title == "Celestial Symphony"
    assert "visual" in a.snippets[0].text
    assert any("visuals in Celestial Symphony are truly awe-inspiring" in s.text for s in a.snippets)
    other = await ask(engine, Kind.ASK, "and the visuals?", "chan-2")
    assert other.film is None and {s.film_id for s in other.snippets} <= {"celestial-symphony", "radiant-reflections"}


async def test_question_naming_no_film_searches_every_review(engine: Engine) -> None:
    a = await ask(engine, Kind.ASK, "which film has the best music?", "fresh")
    assert a.kind is Kind.ANSWER and a.film is None and a.snippets
    assert "Celestial Symphony" in a.text or "Radiant Reflections" in a.text


async def test_absent_film_is_not_found(engine: Engine) -> None:
    for kind, text in (
        (Kind.REVIEW, "The Godfather"),
        (Kind.VERDICT, "The Godfather"),
        (Kind.ASK, "how is the music in the godfather?"),
    ):
        a = await ask(engine, kind, text)
        assert a.kind is Kind.NOT_FOUND, (kind, text, a.text)
        assert "godfather" in a.text.lower() and a.film is None


async def test_full_review_is_paginated_and_lossless() -> None:
    text = "\n\n".join(f"Paragraph {i} of Long Film is " + "very good indeed. " * 40 for i in range(12))
    engine = Engine([Film(id="long-film", title="Long Film", year=None, text=text)])
    a = await engine.answer(Question(Kind.FULL, film_id="long-film"))
    assert a.kind is Kind.FULL and len(a.pages) > 1 and all(len(p) <= 1900 for p in a.pages)
    assert " ".join(a.pages).split() == text.split()


async def test_help_list_and_unknown_button(engine: Engine) -> None:
    assert "/review" in (await ask(engine, Kind.HELP, "")).text
    listing = await ask(engine, Kind.LIST, "")
    assert "Celestial Symphony" in listing.text and "Radiant Reflections" in listing.text
    gone = await engine.answer(Question(Kind.REVIEW, film_id="deleted-film"))
    assert gone.kind is Kind.ERROR


async def test_empty_corpus_says_so() -> None:
    a = await Engine([]).answer(Question(Kind.REVIEW, "anything"))
    assert a.kind is Kind.ERROR and "No reviews" in a.text


async def test_json_shape_is_the_documented_one(engine: Engine) -> None:
    a = await ask(engine, Kind.VERDICT, "radiant reflection")
    data = to_json(a)
    assert set(data) >= {"kind", "film", "verdict", "snippets", "suggestions", "text"}
    assert data["kind"] == "verdict" and data["film"] == {
        "id": "radiant-reflections",
        "title": "Radiant Reflections",
        "year": None,
    }
    assert set(data["verdict"]) == {"label", "confidence", "quote", "sequel"}
    assert set(data["verdict"]["sequel"]) == {"compared_to_original", "quote"}
    ans = to_json(await ask(engine, Kind.ASK, "how is the soundtrack in radiant reflections"))
    assert ans["kind"] == "answer" and set(ans["snippets"][0]) == {"text", "film_id", "score"}


async def test_engine_survives_a_failing_context_store(seed_films) -> None:  # type: ignore[no-untyped-def]
    class Broken:
        async def get(self, key: str) -> str | None:
            raise RuntimeError("db down")

        async def put(self, key: str, film_id: str) -> None:
            raise RuntimeError("db down")

    engine = Engine(seed_films, context=Broken())
    a = await engine.answer(Question(Kind.REVIEW, "celestial symphony", "x"))
    assert a.kind is Kind.REVIEW
    b = await engine.answer(Question(Kind.ASK, "and the visuals?", "x"))
    # the follow-up is answered (from what this process remembers), not "something went wrong"
    assert b.kind is Kind.ANSWER and b.film is not None and b.film.id == "celestial-symphony"


async def test_question_about_a_title_and_a_title_worded_as_a_question() -> None:
    films = [
        Film(id="b", title="Bob", year=2001, text="Bob is a dull film. The acting is wooden."),
        Film(id="w", title="What About Bob?", year=1991, text="What About Bob? is a delight. The cast is superb."),
        Film(id="s", title="Starlight Harbour", year=2020, text="A gorgeous film. The score soars."),
    ]
    engine = Engine(films)
    a = await ask(engine, Kind.ASK, "what about bob")
    assert a.kind is Kind.REVIEW and a.film is not None and a.film.id == "w"
    a = await ask(engine, Kind.ASK, "tell me about the story of starlight harbuor")
    assert a.kind is Kind.REVIEW and a.film is not None and a.film.id == "s"
    a = await ask(engine, Kind.ASK, "is starlight harbour any good?")
    assert a.kind is Kind.VERDICT and a.film is not None and a.film.id == "s"


async def test_verdict_alone_is_the_verdict_of_the_whole_reading(seed_films) -> None:  # type: ignore[no-untyped-def]
    first, second = Engine(seed_films), Engine(seed_films)
    for film in seed_films:
        assert first.verdict(film) == second.reading(film).verdict == first.reading(film).verdict


async def test_an_engine_still_loading_says_so_and_then_answers(engine: Engine) -> None:
    release = threading.Event()

    def corpus() -> tuple[Film, ...]:
        release.wait(10)
        return engine.films

    loading = Engine(None)
    task = asyncio.ensure_future(loading.load(corpus))
    a = await ask(loading, Kind.REVIEW, "celestial symphny")
    assert a.kind is Kind.ERROR and "still reading" in a.text
    assert (await ask(loading, Kind.HELP, "")).kind is Kind.HELP
    assert loading.suggest("cel") == [] and loading.film("celestial-symphony") is None and not loading.ready
    release.set()
    await task
    a = await ask(loading, Kind.REVIEW, "celestial symphny")
    assert a.kind is Kind.REVIEW and a.film is not None and a.film.title == "Celestial Symphony"
    assert [s.title for s in loading.suggest("cel")][:1] == ["Celestial Symphony"]


# --- issue 10: never the wrong film -------------------------------------------------------------------------------

SERIES = [
    Film(id="shrek", title="Shrek", year=2001, text="Shrek is a delight. The music is a joy and the jokes land."),
    Film(id="heat", title="Heat", year=1995, text="Heat is a superb crime film. The score hums with menace."),
    Film(
        id="angels-2",
        title="Charlie's Angels: Full Throttle",
        year=2003,
        text="Charlie's Angels: Full Throttle is loud and empty. The stunts are silly.",
        sequel_of="Charlie's Angels",  # a sequel: its main title names the first film
    ),
    Film(id="birdman", title="Birdman or (The Unexpected Virtue of Ignorance)", year=2014, text="A dazzling film."),
]


async def test_a_sequel_asked_for_by_title_is_not_the_first_film() -> None:
    engine = Engine(SERIES)
    for kind in (Kind.REVIEW, Kind.VERDICT, Kind.FULL):
        a = await ask(engine, kind, "Shrek 2")
        assert a.kind is Kind.NOT_FOUND and a.film is None, a.text
        assert a.text == "I don't have a review of “Shrek 2”. I have: Shrek (2001)."
        assert [s.film_id for s in a.suggestions] == ["shrek"]
    a = await ask(engine, Kind.REVIEW, "heat wave")
    assert a.kind is Kind.NOT_FOUND and "I have: Heat (1995)" in a.text


async def test_a_sequel_named_in_a_question_is_not_the_first_film() -> None:
    engine = Engine(SERIES)
    for question, named in (("how is the music in shrek 2?", "shrek 2"), ("is heat wave any good?", "heat wave")):
        a = await ask(engine, Kind.ASK, question)
        assert a.kind is Kind.NOT_FOUND and a.film is None and not a.snippets, a.text
        assert f"“{named}”" in a.text and "I have:" in a.text
    a = await ask(engine, Kind.ASK, "how is the music in shrek?")
    assert a.kind is Kind.ANSWER and a.film is not None and a.film.id == "shrek"
    assert a.film_confidence == 1.0


async def test_an_unsure_title_is_a_did_you_mean_with_the_film_offered() -> None:
    engine = Engine(SERIES)
    a = await ask(engine, Kind.REVIEW, "Charlie's Angels")  # its own first film, or this sequel?
    assert a.kind is Kind.AMBIGUOUS and a.film is None
    assert a.text.startswith("I'm not sure which film “Charlie's Angels” is.")
    assert [s.film_id for s in a.suggestions] == ["angels-2"]
    data = to_json(a)
    assert data["film"] is None and data["film_confidence"] is None and data["suggestions"][0]["title"].startswith("C")


async def test_every_answer_naming_a_film_says_how_sure() -> None:
    engine = Engine(SERIES)
    exact = await ask(engine, Kind.REVIEW, "Birdman")
    assert exact.kind is Kind.REVIEW and exact.film is not None and exact.film.id == "birdman"
    assert exact.film_confidence == 1.0 and to_json(exact)["film_confidence"] == 1.0
    typo = await ask(engine, Kind.VERDICT, "Birdmna")
    assert typo.kind is Kind.VERDICT and typo.film_confidence is not None and 0.5 < typo.film_confidence < 1.0
    clicked = await engine.answer(Question(Kind.REVIEW, film_id="heat"))
    assert clicked.film_confidence == 1.0
    follow = await ask(engine, Kind.ASK, "how is the music in heat?", "conv")
    assert follow.film is not None and follow.film_confidence == 1.0
    again = await ask(engine, Kind.ASK, "and the score?", "conv")
    assert again.film is not None and again.film.id == "heat" and again.film_confidence == 1.0


async def test_question_words_are_not_a_missing_title() -> None:
    engine = Engine(SERIES)
    await ask(engine, Kind.ASK, "how is the music in heat?", "c1")
    for question in (
        "is it good for kids?",
        "what is the storyline in this movte?",
        "how is the music in this film?",
        "how is the score in it?",
        "is it worth it for families?",
    ):
        a = await ask(engine, Kind.ASK, question, "c1")
        assert a.kind is not Kind.NOT_FOUND, (question, a.text)
        assert a.film is not None and a.film.id == "heat", (question, a.text)
    fresh = await ask(engine, Kind.ASK, "is it good for kids?", "c2")
    assert "kids" not in fresh.text.lower() or fresh.kind is not Kind.NOT_FOUND
    missing = await ask(engine, Kind.ASK, "how is the music in Gloomhaven Nights?", "c3")
    assert missing.kind is Kind.NOT_FOUND and "Gloomhaven Nights" in missing.text
