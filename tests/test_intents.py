"""The issue's questions, as a new member asks them: each intent answered directly, quoted, or honestly not."""

from __future__ import annotations

import pytest

from bot import lexicon
from bot.answers import Abstain, Comparison, Fact, FilmRanking, Note, NotFound, Notice, Picks, Snippets, VerdictCard
from bot.cards import cards, plain
from bot.engine import Engine
from bot.intents import Kind, Role, classify, heal
from bot.models import Film, Intent, Label, Question, Review
from bot.render import text, to_json
from bot.vectors import WordVectors


def _film(film_id: str, title: str, year: int, *reviews: tuple[str, str, str | None], sequel_of: str | None = None):
    return Film(film_id, title, year, tuple(Review(f"{film_id}/{who.lower()}", film_id, body, who, rating)
                                            for who, body, rating in reviews), sequel_of=sequel_of)  # fmt: skip


FILMS = (
    _film(
        "jaws",
        "Jaws",
        1975,
        (
            "Ana",
            "Jaws is a masterpiece of suspense directed by Steven Spielberg. The shark attacks are too "
            "frightening for young children. Roy Scheider stars as the police chief. The music by John Williams "
            "is iconic and terrifying.",
            "9/10",
        ),
        (
            "Ben",
            "Jaws still works. Spielberg's direction is superb and the score is unforgettable. It drags a "
            "little in the middle.",
            "8/10",
        ),
    ),
    _film(
        "deep",
        "The Deep Blue Return",
        1978,
        (
            "Ana",
            "The Deep Blue Return is better than the original in its action. The shark is bigger and scarier.",
            "7/10",
        ),
        (
            "Ben",
            "The Deep Blue Return is better than the original, faster and meaner. The score returns in force.",
            "8/10",
        ),
        (
            "Cy",
            "The Deep Blue Return falls short of the original film, a tired retread. The shark looks like rubber.",
            "3/10",
        ),
        sequel_of="Jaws",
    ),
    _film(
        "alien",
        "Alien",
        1979,
        (
            "Dee",
            "Alien is the most frightening film set in space. Sigourney Weaver gives a fierce performance. "
            "The sets are grim and beautiful, and the horror builds slowly.",
            None,
        ),
    ),
    _film(
        "heat",
        "Heat",
        1995,
        (
            "Eli",
            "Heat is a taut, brilliant crime saga. The score hums with menace. The shoot-out downtown is long "
            "but thrilling.",
            "4/5",
        ),
    ),
    _film(
        "gloom",
        "Gloomy Sunday Market",
        2001,
        (
            "Fay",
            "Gloomy Sunday Market is a dull, lifeless drama. The soundtrack is grating and cheap. The story "
            "goes nowhere.",
            "2/10",
        ),
    ),
    _film(
        "hollow",
        "The Hollow Orchard",
        2010,
        (
            "Gus",
            "The Hollow Orchard is a creepy horror film with a wonderful sense of dread. The creature in "
            "the orchard is terrifying.",
            "8/10",
        ),
    ),
)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(FILMS)


async def ask(engine: Engine, words: str, conversation: str = "t"):  # type: ignore[no-untyped-def]
    return await engine.answer(Question(Intent.ASK, words, conversation))


async def test_the_ending_the_reviews_do_not_talk_about_is_said_so(engine: Engine) -> None:
    await engine.answer(Question(Intent.REVIEW, "jaws", "end"))
    a = await ask(engine, "what did you think of the ending?", "end")
    assert isinstance(a, Abstain) and a.film is not None and a.film.id == "jaws"
    assert text(a).endswith("The reviews of Jaws don't talk about the ending.")


async def test_how_scary_quotes_what_the_review_calls_frightening(engine: Engine) -> None:
    a = await ask(engine, "how scary is alien?")
    assert isinstance(a, Snippets) and a.film is not None and a.film.id == "alien"
    assert "most frightening film set in space" in a.quotes[0].text
    assert "On how scary it is:" in text(a)


async def test_good_for_kids_quotes_too_frightening_for_young_children_by_its_reviewer(engine: Engine) -> None:
    a = await ask(engine, "is jaws good for kids?")
    assert isinstance(a, Snippets) and a.framed and a.film is not None and a.film.id == "jaws"
    assert "too frightening for young children" in a.quotes[0].text and a.quotes[0].reviewer == "Ana"
    shown = text(a)
    assert "On whether it is good for kids:" in shown and "— Ana" in shown


async def test_sequel_against_the_original_says_what_the_verdict_knows(engine: Engine) -> None:
    verdict = await engine.answer(Question(Intent.VERDICT, "the deep blue return"))
    assert isinstance(verdict, VerdictCard) and verdict.sequel is not None
    await engine.answer(Question(Intent.REVIEW, "the deep blue return", "seq"))
    a = await ask(engine, "is the sequel better than the original?", "seq")
    assert isinstance(a, Comparison) and a.tally == verdict.sequel
    shown = text(a)
    assert "Sequel: 2 of 3 reviews say it is better than the original" in shown
    assert "— Ben" in shown and "— Cy" in shown  # the reviews that compare it, attributed
    same = await ask(engine, "how does it compare to the first one?", "seq")
    assert isinstance(same, Comparison) and same.tally == verdict.sequel


async def test_a_film_that_is_no_sequel_says_so(engine: Engine) -> None:
    a = await ask(engine, "is heat better than the original?")
    assert isinstance(a, Comparison) and not a.sequel
    assert "Heat is not a sequel" in text(a)


async def test_which_film_has_the_best_music_compares_films(engine: Engine) -> None:
    a = await ask(engine, "which film has the best music?")
    assert isinstance(a, FilmRanking) and not a.worst and len(a.films) >= 2
    ids = [r.film.id for r in a.films]
    assert len(set(ids)) == len(ids) and "gloom" not in ids  # its soundtrack is "grating and cheap"
    assert all(r.quote.film_id == r.film.id and r.quote.text for r in a.films)
    assert [r.score for r in a.films] == sorted((r.score for r in a.films), reverse=True)
    shown = text(a)
    assert "Films whose reviews praise the music most:" in shown and "1. " in shown and "2. " in shown
    worst = await ask(engine, "which movie has the worst music?")
    assert isinstance(worst, FilmRanking) and worst.worst and worst.films[0].film.id == "gloom"


async def test_a_ranking_asked_again_or_reworded_is_the_same_as_the_first(engine: Engine) -> None:
    # the per-film tallies of a topic are kept: a second asking, another wording of the same aspect, and a
    # fresh engine (nothing kept) all rank alike, best and worst
    first = await ask(Engine(FILMS), "which film has the best music?")
    again = await ask(engine, "which film has the best music?")
    reworded = await ask(engine, "what movie has the greatest soundtrack and score?")
    worst = [await ask(e, "which movie has the worst music?") for e in (engine, Engine(FILMS))]
    assert isinstance(first, FilmRanking) and isinstance(again, FilmRanking) and isinstance(reworded, FilmRanking)
    assert [(r.film.id, r.score, r.quote.text) for r in first.films] == [
        (r.film.id, r.score, r.quote.text) for r in again.films
    ]
    assert [r.film.id for r in reworded.films] == [r.film.id for r in first.films]
    assert all(isinstance(w, FilmRanking) for w in worst)
    assert text(worst[0]) == text(worst[1])


async def test_the_scariest_film_ranks_by_what_the_reviews_find_frightening(engine: Engine) -> None:
    a = await ask(engine, "what's the scariest film you have?")
    assert isinstance(a, FilmRanking) and a.feel and a.films
    assert a.films[0].film.id in ("alien", "hollow")
    assert "Films the reviews find most scary:" in text(a)


async def test_recommend_me_something_gives_a_reason_for_each(engine: Engine) -> None:
    a = await ask(engine, "recommend me something")
    assert isinstance(a, Picks) and len(a.picks) == 3
    assert all(p.quote is not None and p.quote.film_id == p.film.id for p in a.picks)
    assert all(p.aggregate.label is Label.POSITIVE for p in a.picks)
    assert "gloom" not in {p.film.id for p in a.picks}
    assert "Films the reviews rate well:" in text(a)


async def test_something_like_a_film_is_never_that_film(engine: Engine) -> None:
    a = await ask(engine, "something like Alien")
    assert isinstance(a, Picks) and a.like is not None and a.like.id == "alien"
    assert a.picks and "alien" not in {p.film.id for p in a.picks}
    assert "Films whose reviews talk like those of Alien (1979):" in text(a)
    missing = await ask(engine, "something like Gloomhaven Nights")
    assert isinstance(missing, NotFound)


async def test_a_good_horror_film_searches_the_genre_then_the_best_rated(engine: Engine) -> None:
    a = await ask(engine, "a good horror film")
    assert isinstance(a, Picks) and a.genre == "horror"
    assert [p.film.id for p in a.picks][:1] == ["hollow"] and a.picks[0].quote is not None
    assert "horror" in a.picks[0].quote.text.lower()
    none = await ask(engine, "any good westerns?")
    assert isinstance(none, Abstain) and "western films" in text(none)


async def test_who_directed_it_names_the_director_with_the_sentences(engine: Engine) -> None:
    await engine.answer(Question(Intent.REVIEW, "jaws", "facts"))
    a = await ask(engine, "who directed it?", "facts")
    assert isinstance(a, Fact) and a.role == "director" and a.names[0] == "Steven Spielberg"
    assert {q.reviewer for q in a.quotes} == {"Ana", "Ben"}
    assert text(a).startswith("Jaws (1975)\n\nDirected by Steven Spielberg, the reviews say.")
    lead = await ask(engine, "who plays the lead in alien?")
    assert isinstance(lead, Fact) and lead.names[0] == "Sigourney Weaver"
    nobody = await ask(engine, "who wrote it?", "facts")
    assert isinstance(nobody, Abstain) and text(nobody).endswith("The reviews of Jaws don't talk about who wrote it.")


async def test_worth_watching_is_the_verdict_with_the_sentence_why(engine: Engine) -> None:
    a = await ask(engine, "is heat worth watching?")
    assert isinstance(a, VerdictCard) and a.film.id == "heat"
    assert "Positive" in text(a) and a.reviews[0].verdict.quote in text(a)


@pytest.mark.parametrize(
    "question",
    ["is heat any cop?", "should i give heat a go?", "should i skip heat?", "do people like heat?",
     "what's the consensus on heat?", "is heat recommended?",
     "is heat good?", "is heat a good film?",  # the title read as "it": "is it good?"
     "how good is heat?", "good or bad: heat?", "is heat a must see?"],
)  # fmt: skip
async def test_verdict_idioms_get_the_verdict_of_the_film_they_name(engine: Engine, question: str) -> None:
    a = await ask(engine, question)
    assert isinstance(a, VerdictCard) and a.film.id == "heat", text(a)


async def test_a_verdict_asked_of_a_thing_the_reviews_speak_of_quotes_what_they_say(engine: Engine) -> None:
    """ "How good is the shoot-out?" asks of the shoot-out, not of the film; of a thing never mentioned, the verdict."""
    for question in ("how good is the shoot-out in heat?", "did you like the shoot-out in heat?"):
        a = await ask(engine, question)
        assert isinstance(a, Snippets) and a.film is not None and a.film.id == "heat", text(a)
        assert "The shoot-out downtown is long but thrilling." in text(a)
    for question in ("did you like the catering in heat?", "is heat worth watching tonight?", "did you like heat?"):
        a = await ask(engine, question)
        assert isinstance(a, VerdictCard) and a.film.id == "heat", text(a)


async def test_review_of_a_verdict_question_gives_the_verdict_of_the_title_in_it(engine: Engine) -> None:
    """ "/review is heat any good?" is a verdict asked of Heat; of a sequel not here, Heat is offered, never given."""
    for typed in ("is heat any good?", "should i watch heat", "is Heat worth watching?"):
        a = await engine.answer(Question(Intent.REVIEW, typed))
        assert isinstance(a, VerdictCard) and a.film.id == "heat", text(a)
    missing = await engine.answer(Question(Intent.REVIEW, "is heat 2 any good?"))
    assert isinstance(missing, NotFound) and missing.query == "heat 2", text(missing)
    assert [s.film_id for s in missing.suggestions][:1] == ["heat"]


async def test_gibberish_after_a_question_is_not_pinned_on_the_film(engine: Engine) -> None:
    first = await ask(engine, "how is the music in heat?", "gib")
    assert isinstance(first, Snippets) and first.film is not None and first.film.id == "heat"
    for nonsense in ("sdfkjh qwpoeiru", "zxcvq blorf?", "asdfgh"):
        a = await ask(engine, nonsense, "gib")
        assert isinstance(a, Notice) and a.note is Note.NOT_UNDERSTOOD, (nonsense, a)
        assert "Heat" not in text(a) and "didn't understand" in text(a) and "how is the music in" in text(a)
    after = await ask(engine, "and the score?", "gib")  # the conversation's film is still the one talked about
    assert isinstance(after, Snippets) and after.film is not None and after.film.id == "heat"


async def test_no_film_and_nothing_to_match_is_not_understood_either(engine: Engine) -> None:
    a = await ask(engine, "how is it?", "fresh-1")
    assert isinstance(a, Notice) and a.note is Note.NOT_UNDERSTOOD
    b = await ask(engine, "who directed it?", "fresh-2")
    assert isinstance(b, Notice) and b.note is Note.WHICH_FILM and "Which film do you mean?" in text(b)


@pytest.mark.parametrize(
    "request_",
    ["can you order me a pizza?", "what's the time?", "tell me a joke", "who won the football?", "go on then",
     "which one was that?", "can you book me a table for two?"],
)  # fmt: skip
async def test_a_request_of_the_bot_naming_no_film_is_not_searched_in_the_reviews(
    engine: Engine, request_: str
) -> None:
    a = await ask(engine, request_, "errand")
    assert isinstance(a, Notice) and a.note is Note.NOT_UNDERSTOOD, text(a)
    assert "didn't understand" in text(a) and "“" not in text(a)  # no review quoted


@pytest.mark.parametrize("topic", ["which reviews mention the shark?", "the shark?", "what about the shark?",
                                   "any films with a shark?"])  # fmt: skip
async def test_a_topic_naming_no_film_is_still_searched_in_every_review(engine: Engine, topic: str) -> None:
    a = await ask(engine, topic, "topic")
    assert isinstance(a, Snippets) and a.film is None and any("shark" in q.text for q in a.quotes), text(a)


async def test_reviewers_who_disagree_are_both_quoted_and_named(engine: Engine) -> None:
    await engine.answer(Question(Intent.REVIEW, "the deep blue return", "sides"))
    a = await ask(engine, "how is the shark?", "sides")
    assert isinstance(a, Snippets) and a.film is not None and a.film.id == "deep" and a.sides
    shown = text(a)
    assert "The reviewers disagree about this." in shown
    assert "bigger and scarier.” — Ana" in shown and "looks like rubber.” — Cy" in shown


def test_one_classifier_routes_each_kind_of_question() -> None:
    vectors = WordVectors.default()
    routes = {
        "is the sequel better than the original?": Kind.SEQUEL,
        "how does it compare to the first one?": Kind.SEQUEL,
        "good for kids?": Kind.SUITABILITY,
        "is it scary?": Kind.SUITABILITY,
        "is it terrifying?": Kind.SUITABILITY,  # not in the table: near "scary" by the vectors
        "is it long?": Kind.SUITABILITY,
        "which film has the best music?": Kind.RANKING,
        "what's the scariest film you have?": Kind.RANKING,
        "recommend me something": Kind.RECOMMEND,
        "something like Alien": Kind.RECOMMEND,
        "a good horror film": Kind.RECOMMEND,
        "who directed it?": Kind.FACT,
        "who plays the lead?": Kind.FACT,
        "is it worth watching?": Kind.VERDICT,
        "would you recommend it?": Kind.VERDICT,
        "tell me about heat": Kind.REVIEW,
        "what did you think of the ending?": Kind.TOPIC,
        "is it the best film ever?": Kind.TOPIC,
    }
    for question, kind in routes.items():
        assert classify(question, vectors).kind is kind, question
    assert classify("who plays the lead?").role is Role.CAST
    scary = classify("what's the scariest film you have?", vectors)
    assert (scary.topic, scary.feel, scary.worst) == ("scary", True, False)
    assert classify("which movie has the worst acting?", vectors).topic == "acting"
    assert classify("something like Alien").like == "Alien"
    assert classify("any good comedies?").genre == "comedy"


async def test_json_of_the_new_kinds(engine: Engine) -> None:
    ranking = to_json(await ask(engine, "which film has the best music?"))
    assert ranking["version"] == 3 and ranking["kind"] == "ranking" and ranking["film"] is None
    assert ranking["topic"] == "music" and {"film", "score", "mentions", "quote"} <= set(ranking["ranking"][0])
    picks = to_json(await ask(engine, "recommend me something"))
    assert picks["kind"] == "picks" and picks["picks"][0]["aggregate"]["label"] == "positive"
    await engine.answer(Question(Intent.REVIEW, "the deep blue return", "json"))
    comparison = to_json(await ask(engine, "is the sequel better than the original?", "json"))
    assert comparison["kind"] == "comparison" and comparison["sequel"]["better"] == 2 and comparison["is_sequel"]
    fact = to_json(await ask(engine, "who directed jaws?"))
    assert fact["kind"] == "fact" and fact["role"] == "director" and fact["names"][0] == "Steven Spielberg"
    kids = to_json(await ask(engine, "is jaws good for kids?"))
    assert kids["kind"] == "answer" and kids["framed"] and kids["topic"] == "whether it is good for kids"
    for answer in (await ask(engine, "which film has the best music?"), await ask(engine, "recommend me something")):
        for card in cards(answer):
            assert plain(card) and len(card.buttons) <= 5


MORE = (
    _film(
        "nem",
        "Star Trek: Nemesis",
        2002,
        ("Al", "Star Trek: Nemesis was directed by Stuart Baird. The story is thin.", "5/10"),
    ),
    _film(
        "gig",
        "Giggle Tomb",
        2004,
        ("Bo", "Giggle Tomb is weird and funny. The final act is truly frightening. The jokes land.", "7/10"),
        ("Cal", "The cast is odd and quirky. The dialogue is bizarre and amusing.", "6/10"),
    ),
    _film(
        "har",
        "Harbor Lights",
        1999,
        ("Di", "The first half is slow and dull. It lives up to the original novel.", "6/10"),
    ),
    _film(
        "str",
        "The Straight Story",
        1999,
        ("Ed", "The Straight Story is a gentle, moving film. The story is plain.", "9/10"),
    ),
    _film(
        "pines",
        "Dreary Pines",
        2003,
        ("Fo", "Dreary Pines is a dull horror film, a mess.", "2/10"),
        ("Gi", "Dreary Pines is a horror film with a wonderful score.", "7/10"),
        ("Ha", "Dreary Pines is a boring horror film.", "3/10"),
    ),
    _film("bow", "Final Bow", 2011, ("Io", "Final Bow has a perfect ending, the finest ending in years.", "8/10")),
    _film("hour", "Story Hour", 2012, ("Jo", "Story Hour has a wonderful story, the finest plot in years.", "8/10")),
)


@pytest.fixture(scope="module")
def more() -> Engine:
    return Engine(MORE)


async def test_a_title_with_a_colon_after_the_question_words_is_found(more: Engine) -> None:
    a = await ask(more, "who directed star trek: nemesis?")
    assert isinstance(a, Fact) and a.film.id == "nem" and a.names[0] == "Stuart Baird"


async def test_is_it_scary_quotes_only_what_speaks_of_fear(more: Engine) -> None:
    # the word vectors put "weird" and "funny" near "scary": only the frightening sentence answers
    await more.answer(Question(Intent.REVIEW, conversation="feel", film_id="gig"))
    a = await ask(more, "is it scary?", "feel")
    assert isinstance(a, Snippets) and [q.text for q in a.quotes] == ["The final act is truly frightening."]


async def test_a_comparison_quotes_only_sentences_that_compare(more: Engine) -> None:
    a = await ask(more, "is harbor lights better than the original?")
    assert isinstance(a, Snippets) and [q.text for q in a.quotes] == ["It lives up to the original novel."]


async def test_a_title_word_is_not_an_aspect_of_the_question(more: Engine) -> None:
    a = await ask(more, "is the straight story any good?")
    assert isinstance(a, VerdictCard) and a.film.id == "str" and "Positive" in text(a)


async def test_a_film_most_reviews_pan_is_never_recommended(more: Engine) -> None:
    a = await ask(more, "a good horror film")
    assert not (isinstance(a, Picks) and "pines" in {p.film.id for p in a.picks}), text(a)


async def test_the_best_ending_ranks_films_by_their_ending_not_their_story(more: Engine) -> None:
    a = await ask(more, "which film has the best ending?")
    assert isinstance(a, FilmRanking) and a.films[0].film.id == "bow", text(a)
    assert "hour" not in {r.film.id for r in a.films}  # "ending" only hints at the story: no story sentence ranks


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("is it scarry?", "is it scary?"),
        ("is it hilarous?", "is it hilarious?"),
        ("better than the orignal?", "better than the original?"),
        ("is it wroth watching?", "is it worth watching?"),  # letters swapped: worth, not "wrote"
        ("Shoud I watch it?", "Should I watch it?"),  # the capital kept
        ("who was the directer?", "who was the director?"),
    ],
)
def test_a_typo_of_a_question_word_is_read_as_the_word(typed: str, meant: str) -> None:
    assert heal(typed, lambda w: lexicon.rank(w) is not None) == meant


@pytest.mark.parametrize("typed", ["is sacry movie scary?", "how is the scar?", "is it sweet?", "does it suck?"])
def test_a_known_word_or_a_title_word_is_never_healed(typed: str) -> None:
    titles = {"sacry"}  # a title's own word, though one edit from "scary"
    assert heal(typed, lambda w: w in titles or lexicon.rank(w) is not None) == typed


@pytest.mark.parametrize(
    ("question", "quoted"),
    [("is jaws lengthy?", "It drags a little"), ("will alien keep me up at night?", "most frightening film")],
)
async def test_a_feel_is_answered_by_a_word_of_its_family_the_question_lacks(
    engine: Engine, question: str, quoted: str
) -> None:
    a = await ask(engine, question)
    assert isinstance(a, Snippets) and a.framed and any(quoted in q.text for q in a.quotes), text(a)


async def test_a_misspelt_feel_is_answered_as_the_feel(engine: Engine) -> None:
    a = await ask(engine, "is alien scarry?")
    assert isinstance(a, Snippets) and a.film is not None and a.film.id == "alien"
    assert "most frightening film set in space" in text(a)


# Wordings beyond the patterns' first forms, one class of each intent (written for these tests, not taken from
# any benchmark part).
@pytest.mark.parametrize(
    ("question", "kind"),
    [
        # a comparison and the original, in either order, any verb of comparing
        ("does the sequel beat the first film?", Kind.SEQUEL),
        ("is it an improvement over the original?", Kind.SEQUEL),
        ("original vs sequel, which wins?", Kind.SEQUEL),
        ("did they outdo part 1?", Kind.SEQUEL),
        # an age, watching with someone, a family film, a feel's cue word
        ("fine for a 9 year old?", Kind.SUITABILITY),
        ("can my little brother's kids watch it?", Kind.SUITABILITY),
        ("could i watch it with my daughter?", Kind.SUITABILITY),
        ("is it a family film?", Kind.SUITABILITY),
        ("can we show it to our students?", Kind.SUITABILITY),
        ("should i take Heat to my teenage son?", Kind.SUITABILITY),
        ("does it have many jokes?", Kind.SUITABILITY),
        ("will it give me nightmares?", Kind.SUITABILITY),
        ("how many minutes is it?", Kind.SUITABILITY),
        ("how long does it run?", Kind.SUITABILITY),
        ("is it appropriate for a twelve year old?", Kind.SUITABILITY),  # an age in words
        ("can children watch Heat?", Kind.SUITABILITY),  # an audience with no "my" before it
        ("is it safe for the little ones?", Kind.SUITABILITY),
        ("would Heat be ok for a family movie night?", Kind.SUITABILITY),  # "family" the audience, not the genre
        ("is Heat too intense for a scaredy cat?", Kind.SUITABILITY),  # too much of a feel, for whoever
        ("is it a long watch?", Kind.SUITABILITY),  # the feel before a word for the film
        ("is it creepy at all?", Kind.SUITABILITY),
        ("will it keep me up at night?", Kind.SUITABILITY),  # a saying for a feel
        ("how much time do i need for Heat?", Kind.SUITABILITY),
        ("is it overlong?", Kind.SUITABILITY),
        ("how good is it?", Kind.VERDICT),  # goodness is no feel, however near the vectors put it
        # a superlative with what it ranks on, next to a film word or a "which", or alone
        ("scariest film?", Kind.RANKING),
        ("best score?", Kind.RANKING),
        ("which one looks the best?", Kind.RANKING),
        ("most gorgeous movie here?", Kind.RANKING),
        ("which film has the most memorable villain", Kind.RANKING),
        # a request with no film, or a film to be like
        ("what do you recommend?", Kind.RECOMMEND),
        ("got any movie recs", Kind.RECOMMEND),
        ("anything worth watching tonight?", Kind.RECOMMEND),
        ("i really enjoyed Heat, anything else like that?", Kind.RECOMMEND),
        ("films in the same vein as Alien please", Kind.RECOMMEND),
        ("if i liked Heat what should i watch?", Kind.RECOMMEND),  # a film liked, then what to watch
        ("similar to Alien?", Kind.RECOMMEND),
        ("what's good?", Kind.RECOMMEND),
        ("got a recommendation?", Kind.RECOMMEND),
        # a role noun asked after
        ("who's in Heat?", Kind.FACT),
        ("which actress stars in it?", Kind.FACT),
        ("Alien director?", Kind.FACT),
        ("who was behind the camera?", Kind.FACT),
        # a verdict asked in other words
        ("is it worth my money?", Kind.VERDICT),
        ("should we skip it?", Kind.VERDICT),
        ("did the critics love it?", Kind.VERDICT),
        ("Heat: yay or nay?", Kind.VERDICT),
        # and what stays a question about one film
        ("what's the best scene in jaws?", Kind.TOPIC),
        ("is it the best film ever?", Kind.TOPIC),
        ("how is the story?", Kind.TOPIC),
    ],
)
def test_each_intent_in_other_words(question: str, kind: Kind) -> None:
    assert classify(question, WordVectors.default()).kind is kind, classify(question)


def test_what_a_superlative_ranks_on() -> None:
    vectors = WordVectors.default()
    got = {q: (r.topic, r.worst, r.feel) for q in (
        "which film has the most impressive special effects?", "worst acted film?", "which movie has the weakest cast?",
        "scariest film?", "which movie looks the best?", "which film will make me laugh the most?",
    ) for r in [classify(q, vectors)]}  # fmt: skip
    assert got == {
        "which film has the most impressive special effects?": ("special effects", False, False),
        "worst acted film?": ("acting", True, False),
        "which movie has the weakest cast?": ("cast", True, False),
        "scariest film?": ("scary", False, True),
        "which movie looks the best?": ("look", False, False),
        "which film will make me laugh the most?": ("funny", False, True),
    }
    assert classify("if we liked The Hollow Orchard, what should we watch next?").like == "The Hollow Orchard"
    assert classify("more like heat pls").like == "heat"


async def test_a_bare_superlative_ranks_films_unless_one_is_named_or_talked_of(engine: Engine) -> None:
    assert isinstance(await ask(engine, "best score?", "bare-1"), FilmRanking)
    named = await ask(engine, "best score in jaws?", "bare-2")
    assert not isinstance(named, FilmRanking) and named.film is not None and named.film.id == "jaws"  # type: ignore[union-attr]
    await engine.answer(Question(Intent.REVIEW, "alien", "bare-3"))
    talked = await ask(engine, "best sets?", "bare-3")
    assert isinstance(talked, Snippets) and talked.film is not None and talked.film.id == "alien", text(talked)
    assert isinstance(await ask(engine, "scariest film?", "bare-3"), FilmRanking)  # a film word: across films


async def test_a_title_is_found_past_the_words_of_its_question(engine: Engine) -> None:
    a = await ask(engine, "is Heat too violent for kids?", "past-1")
    assert not isinstance(a, NotFound) and a.film is not None and a.film.id == "heat", text(a)  # type: ignore[union-attr]
    b = await ask(engine, "does The Deep Blue Return beat the first one", "past-2")
    assert isinstance(b, Comparison) and b.film.id == "deep", text(b)
    c = await ask(engine, "name the director of jaws pls", "past-3")
    assert isinstance(c, Fact) and c.film.id == "jaws" and c.names[0] == "Steven Spielberg", text(c)


def test_the_name_behind_the_camera_is_the_director() -> None:
    from bot.facts import names

    said = ["Behind the camera is Ivo Brandt, who keeps it moving.", "Mira Quell was behind the camera.",
            "The camera is behind Bob."]  # fmt: skip
    assert [f.name for f in names(Role.DIRECTOR, said)] == ["Ivo Brandt", "Mira Quell"]


def test_a_name_in_the_leading_role_is_the_cast() -> None:
    from bot.facts import names

    found = names(Role.CAST, ["Maria Ortega, fierce and funny, is superb in the leading role.", "Ana carries it."])
    assert [f.name for f in found] == ["Maria Ortega", "Ana"]


@pytest.mark.parametrize(
    "said", ["oops", "hmm, wait what", "ok but why", "sorry wrong button", "nvm, ignore that", "hmmmm", "never mind"]
)
async def test_chat_is_not_understood_and_the_film_talked_of_stays(engine: Engine, said: str) -> None:
    await engine.answer(Question(Intent.REVIEW, "alien", "chat"))
    a = await ask(engine, said, "chat")
    assert isinstance(a, Notice) and a.note is Note.NOT_UNDERSTOOD, text(a)
    b = await ask(engine, "is it scary?", "chat")
    assert isinstance(b, Snippets) and b.film is not None and b.film.id == "alien"


async def test_a_titles_own_feel_words_are_not_the_question() -> None:
    films = (
        _film("nm", "A Nightmare on Elm Street", 1984, ("Ana", "The music is a haunting lullaby. The dream "
              "sequences are terrifying.", "8/10")),
        _film("sm", "Scary Movie", 2000, ("Ben", "The jokes land and the score is cheap. It is not scary at all, "
              "only silly.", "6/10")),
    )  # fmt: skip
    engine = Engine(films)
    a = await ask(engine, "how is the music in a nightmare on elm street?", "own-1")
    assert isinstance(a, Snippets) and a.film is not None and a.film.id == "nm"
    assert a.quotes[0].text == "The music is a haunting lullaby.", text(a)
    b = await ask(engine, "is a nightmare on elm street scary?", "own-2")  # the question's own feel is asked
    assert isinstance(b, Snippets) and b.film is not None and b.film.id == "nm"
    assert "The dream sequences are terrifying." in [q.text for q in b.quotes], text(b)


SCARY_MOVIE = _film(
    "scary",
    "Scary Movie",
    2000,
    (
        "Hal",
        "Scary Movie is a crude spoof that is never frightening. "
        "The jokes land about half the time. Anna Faris is very funny.",
        "5/10",
    ),
)
FUNNY_GAMES = _film(
    "games",
    "Funny Games",
    1997,
    ("Ida", "Funny Games is a cold and cruel thriller, not funny at all. The violence is hard to watch.", "6/10"),
)
TITLED = Engine((*FILMS, SCARY_MOVIE, FUNNY_GAMES))  # fmt: skip


@pytest.mark.parametrize(
    ("question", "quoted", "topic"),
    [
        ("is scary movie scary?", "never frightening", "On whether it is scary:"),
        ("how scary is Scary Movie?", "never frightening", "On how scary it is:"),
        ("is funny games funny?", "not funny at all", "On whether it is funny:"),
        ("is scary movie funny?", "Anna Faris is very funny", "On whether it is funny:"),
    ],
)
async def test_a_feel_the_title_also_names_is_still_asked(question: str, quoted: str, topic: str) -> None:
    a = await ask(TITLED, question, "titled")
    assert isinstance(a, Snippets) and a.film is not None, a
    assert quoted in a.quotes[0].text and topic in text(a)


@pytest.mark.parametrize(
    "question",
    ["any film you'd recommend?", "what film would you suggest?", "suggestions for a film?",
     "what's a must-watch here?", "what should i put on this evening?", "which film should i watch next?"],
)  # fmt: skip
async def test_a_pick_asked_for_in_other_words_is_a_recommendation(engine: Engine, question: str) -> None:
    a = await ask(engine, question)
    assert isinstance(a, Picks) and a.picks and a.like is None, text(a)


@pytest.mark.parametrize("question", ["would you recommend heat?", "do you recommend it?", "should i watch this film?"])
def test_a_pick_cue_about_one_film_stays_its_verdict(question: str) -> None:
    assert classify(question).kind is Kind.VERDICT, question


@pytest.mark.parametrize(
    "question",
    ["what should i watch if i enjoyed Alien?", "something in the spirit of Alien", "what else is like Alien?"],
)
async def test_a_film_named_as_a_taste_is_what_the_picks_are_like(engine: Engine, question: str) -> None:
    a = await ask(engine, question)
    assert isinstance(a, Picks) and a.like is not None and a.like.id == "alien", text(a)


@pytest.mark.parametrize("question", ["is heat worth a look?", "would you say heat is good?"])
async def test_a_verdict_asked_with_an_aspect_word_or_an_opinion_verb_is_the_verdict(
    engine: Engine, question: str
) -> None:
    a = await ask(engine, question)  # "a look" is no question about the visuals
    assert isinstance(a, VerdictCard) and a.film.id == "heat", text(a)


@pytest.mark.parametrize(
    "question",
    ["is heat decent?", "is heat overrated?", "thoughts on heat?", "what do reviewers think of heat?",
     "do you like heat?", "how was heat?"],
)  # fmt: skip
async def test_a_judgement_of_the_whole_film_is_its_verdict(engine: Engine, question: str) -> None:
    a = await ask(engine, question)  # "decent" after a title is a question's word, not more of the title
    assert isinstance(a, VerdictCard) and a.film.id == "heat", text(a)


def test_a_judgement_about_something_else_is_not_the_verdict() -> None:
    assert classify("is it bad for kids?").kind is not Kind.VERDICT
    assert classify("how is it going?").kind is not Kind.VERDICT


@pytest.mark.parametrize(
    "question",
    ["director of jaws?", "who is jaws directed by?", "what director made jaws?", "who filmed jaws?"],
)
async def test_a_director_asked_for_in_other_words_is_named(engine: Engine, question: str) -> None:
    a = await ask(engine, question)  # the question's words are not read as a longer title ("director of jaws")
    assert isinstance(a, Fact) and a.role == "director" and a.names[0] == "Steven Spielberg", text(a)


@pytest.mark.parametrize("question", ["who headlines alien?", "who's starring in alien?"])
async def test_a_lead_asked_for_in_other_words_is_named(engine: Engine, question: str) -> None:
    a = await ask(engine, question)
    assert isinstance(a, Fact) and a.names[0] == "Sigourney Weaver", text(a)


def test_a_director_word_in_another_question_asks_no_fact() -> None:
    for question in ("what is the director like?", "what did the director do wrong?", "who shot first?"):
        assert classify(question).kind is not Kind.FACT, question


@pytest.mark.parametrize(
    ("question", "film", "must"),
    [("can i take my kids to jaws?", "jaws", "young children"),
     ("will the hollow orchard freak me out?", "hollow", "terrifying"),
     ("does heat overstay its welcome?", "heat", "long"),
     ("what's the running time of heat?", "heat", "long")],
)  # fmt: skip
async def test_a_feel_asked_in_an_idiom_quotes_what_the_reviews_say(
    engine: Engine, question: str, film: str, must: str
) -> None:
    a = await ask(engine, question)
    assert isinstance(a, Snippets) and a.film is not None and a.film.id == film, text(a)
    assert any(must in q.text for q in a.quotes), text(a)


@pytest.mark.parametrize("said", ["good morning", "bye", "turn off the lights", "send an email"])
async def test_a_greeting_or_a_command_to_a_device_is_not_understood(engine: Engine, said: str) -> None:
    a = await ask(engine, said, "greet")  # never review sentences that happen to say "morning" or "email"
    assert isinstance(a, Notice) and a.note is Note.NOT_UNDERSTOOD, text(a)


@pytest.mark.parametrize(
    "question",
    ["is the deep blue return a step down from the original?", "is the deep blue return weaker than the original?",
     "is the deep blue return as fun as the first movie?", "is the deep blue return a worthy sequel?",
     "is the deep blue return better than what came before?"],
)  # fmt: skip
async def test_a_comparison_in_other_words_is_the_comparison_with_the_original(engine: Engine, question: str) -> None:
    a = await ask(engine, question)  # the words after the title compare it: they are not more of a title
    assert isinstance(a, Comparison) and a.film.id == "deep", text(a)


def test_words_after_a_title_that_compare_it_still_leave_longer_titles_longer() -> None:
    from bot.titles import Outcome, TitleIndex

    index = TitleIndex([Film("heat", "Heat", 1995), Film("kill", "Kill", 2013)])
    for question in ("is heat wave a step down from the original?", "is to kill a mockingbird good?"):
        assert index.find_in(question).outcome is not Outcome.MATCH, question


@pytest.mark.parametrize("question", ["how does the sequel measure up?", "first one or second one?"])
async def test_a_comparison_that_names_no_original_still_compares(engine: Engine, question: str) -> None:
    await engine.answer(Question(Intent.REVIEW, "the deep blue return", "measure"))
    a = await ask(engine, question, "measure")
    assert isinstance(a, Comparison) and a.film.id == "deep", text(a)


async def test_a_feel_is_answered_by_an_inflection_of_its_words() -> None:
    films = (_film("romp", "The Summer Romp", 2004, ("Hal", "I laughed out loud many times. The plot is thin.", None)),
             _film("heat", "Heat", 1995, ("Eli", "Heat is a taut, brilliant crime saga.", None)))  # fmt: skip
    engine = Engine(films)
    a = await ask(engine, "is the summer romp funny?")
    assert isinstance(a, Snippets) and [q.text for q in a.quotes] == ["I laughed out loud many times."], text(a)
