"""A film has many reviews: they load as one film, add up to an aggregate, and every quote names its reviewer."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answers import FullText, NotFound, Quote, ReviewCard, Snippets, VerdictCard
from bot.corpus import load_corpus
from bot.engine import Engine, _both_sides
from bot.importer import import_corpus
from bot.models import Film, Intent, Label, Question
from bot.render import text, to_json
from tests.conftest import write

ANA = """---
title: Dune
year: 2021
reviewer: Ana
rating: 9/10
---
Dune is a staggering piece of science fiction. The visuals are monumental, with vast deserts and towering ships.
Hans Zimmer's score thunders and hums. The pacing is deliberate but never dull. Timothée Chalamet gives a quiet,
strong performance. It is a must-see on the biggest screen you can find.
"""
BEN = """---
title: Dune
year: 2021
reviewer: Ben
---
I loved Dune. The cinematography is breathtaking and the sound design shakes the seats. The cast is uniformly
excellent, especially Rebecca Ferguson. The story is only half told, which frustrates, but what is here is gripping.
Overall, a triumph of world-building.
"""
CY = """---
title: Dune
reviewer: Cy
rating: 2/5
---
Dune is a slog. The pacing is glacial and the story goes nowhere for two and a half hours. The score is loud and
monotonous, drowning every scene. The performances are stiff and humourless. Pretty pictures cannot save a film this
dull; I would skip it.
"""


@pytest.fixture
def dune(tmp_path: Path) -> Path:
    for name, body in (("ana.md", ANA), ("ben.md", BEN), ("cy.md", CY)):
        write(tmp_path / "corpus", name, body)
    return tmp_path / "corpus"


async def ask(engine: Engine, intent: Intent, words: str, **kw: str):  # type: ignore[no-untyped-def]
    return await engine.answer(Question(intent, words, "t", **kw))


def test_same_title_files_are_reviews_of_one_film(dune: Path) -> None:
    corpus = load_corpus(dune)
    assert not corpus.problems and not corpus.notes
    (film,) = corpus.films
    assert (film.id, film.year) == ("dune-2021", 2021)  # Cy gives no year: there is only one Dune
    assert [(r.id, r.reviewer) for r in film.reviews] == [
        ("dune-2021/ana", "Ana"),
        ("dune-2021/ben", "Ben"),
        ("dune-2021/cy", "Cy"),
    ]


def test_remakes_are_films_of_their_own_and_a_yearless_review_of_either_is_reported(tmp_path: Path) -> None:
    write(tmp_path, "a.md", "---\ntitle: Heat\nyear: 1995\n---\nTaut.\n")
    write(tmp_path, "b.md", "---\ntitle: Heat\nyear: 2013\n---\nClumsy.\n")
    write(tmp_path, "c.md", "---\ntitle: Heat\n---\nWhich one?\n")
    corpus = load_corpus(tmp_path)
    assert sorted(f.id for f in corpus.films) == ["heat", "heat-1995", "heat-2013"]
    (problem,) = corpus.problems
    assert problem.path.endswith("c.md") and "Heat (1995), Heat (2013)" in problem.message and "year" in problem.message


def test_a_duplicate_is_the_same_text_not_the_same_title(tmp_path: Path) -> None:
    write(tmp_path, "a.md", "---\ntitle: Alien\n---\nTerrifying. The best.\n")
    write(tmp_path, "b.md", "---\ntitle: Alien\n---\nTERRIFYING.   the best.\n")
    write(tmp_path, "c.md", "---\ntitle: Alien\n---\nA different review.\n")
    corpus = load_corpus(tmp_path)
    (film,) = corpus.films
    assert len(film.reviews) == 2 and [r.source.rsplit("/", 1)[-1] for r in film.reviews] == ["a.md", "c.md"]
    (problem,) = corpus.problems
    assert problem.path.endswith("b.md") and "a.md" in problem.message


def test_the_same_short_text_about_two_films_is_two_reviews(tmp_path: Path) -> None:
    write(tmp_path, "a.md", "---\ntitle: Alien\n---\nLoved it.\n")
    write(tmp_path, "b.md", "---\ntitle: Heat\n---\nLoved it.\n")
    corpus = load_corpus(tmp_path)
    assert not corpus.problems and [f.title for f in corpus.films] == ["Alien", "Heat"]


def test_aliases_merge_and_a_sequel_conflict_is_reported(tmp_path: Path) -> None:
    write(tmp_path, "a.md", "---\ntitle: Aliens\naliases: [Alien 2]\nsequel_of: Alien\n---\nBigger.\n")
    write(tmp_path, "b.md", "---\ntitle: Aliens\naliases: [The Return, alien 2]\nsequel_of: Predator\n---\nLouder.\n")
    corpus = load_corpus(tmp_path)
    (film,) = corpus.films
    assert film.aliases == ("Alien 2", "The Return") and film.sequel_of == "Alien"
    (problem,) = corpus.problems
    assert problem.path.endswith("b.md") and "Predator" in problem.message and "Alien" in problem.message


def test_titles_spelt_two_ways_are_one_film_and_corpus_check_says_so(tmp_path: Path) -> None:
    write(tmp_path, "a.md", "---\ntitle: Amélie\n---\nCharming.\n")
    write(tmp_path, "b.md", "---\ntitle: Amelie\n---\nWhimsical.\n")
    corpus = load_corpus(tmp_path)
    (film,) = corpus.films
    assert film.title == "Amélie" and len(film.reviews) == 2 and not corpus.problems
    (note,) = corpus.notes
    assert note.path.endswith("b.md") and "Amélie" in note.message


async def test_the_card_adds_the_reviews_up_and_attributes_every_quote(dune: Path) -> None:
    engine = Engine(load_corpus(dune).films)
    card = await ask(engine, Intent.REVIEW, "dune")
    assert isinstance(card, ReviewCard)
    agg = card.aggregate
    assert (agg.label, agg.positive, agg.negative, agg.total) == (Label.POSITIVE, 2, 1, 3)
    assert agg.score == 65 and agg.rated == 2  # 9/10 and 2/5
    assert {q.reviewer for q in card.highlights} <= {"Ana", "Ben", "Cy"} and card.highlights
    assert [r.reviewer for r in card.reviews] == ["Ana", "Ben", "Cy"]
    assert {q.reviewer for q in card.consensus} >= {"Ana", "Ben"}
    shown = text(card)
    assert "Positive: 2 of 3 reviews positive" in shown and "average rating 65/100" in shown
    assert "— Ana" in shown and "Cy: Negative · 2/5" in shown


async def test_one_review_film_looks_as_before(engine: Engine) -> None:
    card = await ask(engine, Intent.REVIEW, "celestial symphony")
    shown = text(card)
    assert "reviews positive" not in shown and "— " not in shown
    assert "Verdict: Positive (99% confident)" in shown and "Sequel: as good as the original" in shown


async def test_the_verdict_card_gives_each_reviewer_and_tallies_a_sequel(tmp_path: Path) -> None:
    for name, who, words in (
        ("a.md", "Ana", "Aliens is a sequel better than the original film. Bigger and scarier."),
        ("b.md", "Ben", "This sequel surpasses the original in every way. A thrill."),
        ("c.md", "Cy", "The sequel falls short of the original film. Loud and hollow."),
    ):
        write(tmp_path, name, f"---\ntitle: Aliens\nsequel_of: Alien\nreviewer: {who}\n---\n{words}\n")
    engine = Engine(load_corpus(tmp_path).films)
    card = await ask(engine, Intent.VERDICT, "aliens")
    assert isinstance(card, VerdictCard) and [r.reviewer for r in card.reviews] == ["Ana", "Ben", "Cy"]
    assert all(r.verdict.quote for r in card.reviews)
    assert card.sequel is not None and (card.sequel.better, card.sequel.worse) == (2, 1)
    assert "Sequel: 2 of 3 reviews say it is better than the original" in text(card)


async def test_ask_searches_every_review_and_shows_both_sides(dune: Path) -> None:
    engine = Engine(load_corpus(dune).films)
    music = await ask(engine, Intent.ASK, "how is the music in dune?")
    assert isinstance(music, Snippets) and music.film is not None
    assert {q.reviewer for q in music.quotes} == {"Ana", "Cy"} and music.sides
    shown = text(music)
    assert "disagree" in shown and "— Ana" in shown and "— Cy" in shown
    data = to_json(music)
    assert {s["reviewer"] for s in data["snippets"]} == {"Ana", "Cy"}
    assert {s["review_id"] for s in data["snippets"]} == {"dune-2021/ana", "dune-2021/cy"}


async def test_one_reviewers_review_by_name(dune: Path) -> None:
    engine = Engine(load_corpus(dune).films)
    typed = await ask(engine, Intent.REVIEW, "dune by cy")
    assert isinstance(typed, FullText) and typed.review.reviewer == "Cy" and "slog" in typed.pages[0]
    picked = await ask(engine, Intent.REVIEW, "dune", reviewer="ben")
    assert isinstance(picked, FullText) and picked.review.reviewer == "Ben"
    missing = await ask(engine, Intent.REVIEW, "dune", reviewer="Zoe")
    assert isinstance(missing, NotFound) and "Ana, Ben, Cy" in text(missing)
    clicked = await engine.answer(Question(Intent.FULL, review_id="dune-2021/ana"))
    assert isinstance(clicked, FullText) and clicked.review.reviewer == "Ana"
    assert engine.reviewers("dune-2021", "b") == ["Ben"] and engine.reviewers("dune-2021") == ["Ana", "Ben", "Cy"]


async def test_a_title_with_by_in_it_is_still_a_title() -> None:
    engine = Engine([Film.of("stand-by-me", "Stand by Me", 1986, "A gentle film.", reviewer="Ana")])
    card = await ask(engine, Intent.REVIEW, "stand by me")
    assert isinstance(card, ReviewCard) and card.film.id == "stand-by-me"


def test_import_writes_one_file_per_review_and_reports_a_repeated_review(tmp_path: Path) -> None:
    src = write(tmp_path, "in.csv", (
        "title,year,reviewer,text\n"
        "Dune,2021,Ana,Staggering and monumental.\n"
        "Dune,2021,Ben,I loved it.\n"
        "Dune,2021,Cy,\"  staggering and   MONUMENTAL.\"\n"
    ))  # fmt: skip
    report = import_corpus(src, tmp_path / "corpus")
    assert len(report.written) == 2 and [e.line for e in report.skipped] == [4]
    (film,) = load_corpus(tmp_path / "corpus").films
    assert [r.reviewer for r in film.reviews] == ["Ana", "Ben"]
    again = import_corpus(src, tmp_path / "corpus")
    assert not again.written and len(again.skipped) == 3


def _q(text: str, polarity: float, reviewer: str) -> Quote:
    return Quote(text, "dune-2021", f"dune-2021/{reviewer.lower()}", reviewer, polarity=polarity)


def test_both_sides_keep_the_best_answer_first() -> None:
    ranked = [
        _q("The score is loud and monotonous.", -1.0, "Cy"),  # the best answer, from the reviewer who disliked it
        _q("The music is mentioned once, in passing.", 0.0, "Dee"),
        _q("The score drones.", -1.0, "Ed"),
        _q("Hans Zimmer's score thunders and hums.", 1.0, "Ana"),
    ]
    shown, sides = _both_sides(ranked)
    assert sides and shown[0] == ranked[0]  # never moved behind the other side, and the neutral one stays
    assert [q.reviewer for q in shown] == ["Cy", "Dee", "Ed", "Ana"]
    film = Film.of("dune-2021", "Dune", 2021, "x")
    card = text(Snippets(film, shown, "the music", sides, films=(film,)))
    assert card.index("Against") < card.index("For")  # the side of the best answer first
    alone, one_side = _both_sides(ranked[:3])
    assert not one_side and alone == tuple(ranked[:3])
