"""Indexes at scale: persisted and reloaded, the same answers from the trigram and capped paths."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bot import index as persisted
from bot import search, titles
from bot.engine import Engine
from bot.models import Film, Intent, Question
from bot.render import text as shown
from bot.search import SentenceIndex, aspects_in, terms_of
from bot.text import sentences
from bot.titles import TitleIndex
from tests.test_titles import CATALOGUE


async def test_a_persisted_index_is_reloaded_and_answers_the_same(seed_films: tuple[Film, ...], tmp_path: Path) -> None:
    first = Engine(seed_films, index_dir=tmp_path)
    assert persisted.load(tmp_path, seed_films) is not None
    again = Engine(seed_films, index_dir=tmp_path)
    asked = [(Intent.ASK, "how is the soundtrack in radiant reflections"), (Intent.REVIEW, "celestial symphny"),
             (Intent.ASK, "which film has the best music?")]  # fmt: skip
    for intent, text in asked:
        a, b = await first.answer(Question(intent, text)), await again.answer(Question(intent, text))
        assert a == b and shown(a) == shown(b)
    assert again.suggest("cel") == first.suggest("cel")


def test_an_edited_corpus_is_not_read_from_a_stale_index(seed_films: tuple[Film, ...], tmp_path: Path) -> None:
    Engine(seed_films, index_dir=tmp_path)
    review = seed_films[0].reviews[0]
    edited_review = replace(review, body=review.text + "\n\nOne more line.", checksum=0)  # 0: from the text
    edited = (replace(seed_films[0], reviews=(edited_review,)), *seed_films[1:])
    assert persisted.fingerprint(edited) != persisted.fingerprint(seed_films)
    assert persisted.load(tmp_path, edited) is None
    Engine(edited, index_dir=tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == [persisted.fingerprint(edited)]


def test_a_damaged_index_is_rebuilt(seed_films: tuple[Film, ...], tmp_path: Path) -> None:
    Engine(seed_films, index_dir=tmp_path)
    (tmp_path / persisted.fingerprint(seed_films) / "post_ids.npy").write_bytes(b"garbage")
    assert persisted.load(tmp_path, seed_films) is None
    engine = Engine(seed_films, index_dir=tmp_path)
    assert engine.suggest("radiant")[0].title.startswith("Radiant")


def test_the_trigram_index_resolves_like_brute_force(monkeypatch: pytest.MonkeyPatch) -> None:
    brute = TitleIndex(CATALOGUE)
    monkeypatch.setattr(titles, "BRUTE_FORCE_MAX", 0)
    grams = TitleIndex(CATALOGUE)
    assert grams._grams is not None
    for q in ["celestial symphny", "toy story two", "a new hope", "amelie", "heat 1995", "shawshank redemtion",
              "The Godfather Part II (1974)", "the matrix", "toy"]:  # fmt: skip
        a, b = brute.resolve(q), grams.resolve(q)
        assert (a.outcome, a.film) == (b.outcome, b.film), q
    for q in ["how is the music in celestial symphny", "is toy story 2 any good", "tell me about heat"]:
        assert brute.find_in(q).film == grams.find_in(q).film, q
    assert [s.film_id for s in brute.suggest("toy")] == [s.film_id for s in grams.suggest("toy")]
    assert grams.suggest("celestail")[0].film_id == "celestial-symphony"


def test_capped_search_still_finds_rare_terms(seed_films: tuple[Film, ...], monkeypatch: pytest.MonkeyPatch) -> None:
    films = [*seed_films] * 1  # the seed corpus, searched exhaustively and then with tiny caps
    exhaustive = SentenceIndex(films)
    q = "hauntingly beautiful soundtrack"
    full = exhaustive.search(terms_of(q), aspects_in(q), k=3)
    monkeypatch.setattr(search, "BUDGET", 1)
    monkeypatch.setattr(search, "RARE_DF", 1)
    capped = exhaustive.search(terms_of(q), aspects_in(q), k=3)
    assert capped and "hauntingly beautiful soundtrack" in capped[0].sentence.text
    assert full[0].sentence == capped[0].sentence


def test_a_sentence_knows_its_film(seed_films: tuple[Film, ...]) -> None:
    idx = SentenceIndex(seed_films)
    texts = [idx.sentence(sid).text for sid in idx.span(0)]
    assert texts == sentences(seed_films[0].reviews[0].text)
    assert idx.sentence(idx.span(1)[0]).film == 1 and idx.sentence(idx.span(0)[-1]).film == 0


def test_a_sentence_knows_its_review() -> None:
    film = Film.of("a", "A", None, "First review. It is fine.")
    two = replace(film, reviews=(*film.reviews, replace(film.reviews[0], id="a/2", body="Second one. Good.")))
    idx = SentenceIndex([Film.of("z", "Z", None, "Zed."), two])
    assert [idx.sentence(sid).review for sid in idx.span(1)] == [1, 1, 2, 2]
    assert [idx.sentence(sid).film for sid in idx.span(1)] == [1, 1, 1, 1]
    assert [idx.sentence(sid).text for sid in idx.span(1)] == ["First review.", "It is fine.", "Second one.", "Good."]
