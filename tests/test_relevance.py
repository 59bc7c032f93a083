"""bot.relevance: questions about any aspect find the sentence that answers them, or honestly none."""

from __future__ import annotations

from importlib import resources

import pytest

from bot.relevance import Relevance, stem, topic_of
from bot.text import sentences
from bot.vectors import VECTORS_FILE, WordVectors

ALIEN = (
    "Ridley Scott's Alien follows the crew of the Nostromo, a commercial towing ship on its way home. "
    "The crew wakes early when the computer picks up a signal from a nearby moon. "
    "Three of them go down to the surface and find a derelict ship. "
    "It remains the most frightening film set in space, and the design of the creature is unforgettable. "
    "Sigourney Weaver gives Ripley a quiet authority. "
    "The last act is a long chase through the corridors of the ship."
)
JAWS = (
    "A great white shark starts killing swimmers off Amity Island during the summer season. "
    "The mayor refuses to close the beaches because the town depends on tourists. "
    "Police chief Brody hires a shark hunter and a young oceanographer. "
    "The film is too frightening for young children, who will never want to swim again. "
    "John Williams' two-note theme is one of the most famous scores ever written. "
    "Roy Scheider, Robert Shaw and Richard Dreyfuss play off each other wonderfully."
)


@pytest.fixture(scope="module")
def rel() -> Relevance:
    return Relevance.default()


def _top(rel: Relevance, question: str, text: str, title: str) -> tuple[str, bool, str]:
    sents = sentences(text)
    r = rel.rank(rel.parse(question, title), rel.prepare([sents]), k=3)
    return sents[r.order[0]], r.answerable, r.topic


def test_a_near_word_finds_the_answer(rel: Relevance) -> None:
    top, answerable, topic = _top(rel, "how scary is alien?", ALIEN, "Alien")
    assert "most frightening film set in space" in top
    assert answerable
    assert topic == "how scary it is"


def test_kids_finds_children(rel: Relevance) -> None:
    top, answerable, _ = _top(rel, "is jaws good for kids?", JAWS, "Jaws")
    assert "too frightening for young children" in top
    assert answerable


def test_a_topic_the_review_never_mentions_abstains(rel: Relevance) -> None:
    _, answerable, topic = _top(rel, "what did you think of the ending?", JAWS, "Jaws")
    assert not answerable
    assert topic == "the ending"


def test_the_same_question_is_answered_when_the_review_covers_it(rel: Relevance) -> None:
    text = JAWS + " The ending, with the oxygen tank, is pure spectacle and still thrilling."
    top, answerable, _ = _top(rel, "what did you think of the ending?", text, "Jaws")
    assert "The ending, with the oxygen tank" in top and answerable


def test_gibberish_abstains(rel: Relevance) -> None:
    for question in ("asdkj qwzx blorf?", "zzzz", "?!"):
        _, answerable, _ = _top(rel, question, ALIEN, "Alien")
        assert not answerable, question


@pytest.mark.parametrize(
    ("a", "b"), [("acting", "acted"), ("acting", "act"), ("ending", "end"), ("ending", "ends"), ("scenes", "scene")]
)
def test_morphology_joins_forms_of_a_word(a: str, b: str) -> None:
    assert stem(a) == stem(b)


def test_a_different_form_of_the_word_matches(rel: Relevance) -> None:
    text = "The story is set in Ohio. Everyone in the cast acted with great conviction. It runs two hours."
    top, answerable, _ = _top(rel, "how was the acting?", text, "")
    assert top == "Everyone in the cast acted with great conviction."
    assert answerable


def test_the_aspect_lexicon_is_a_prior(rel: Relevance) -> None:
    text = "The heroes travel to Paris. The soundtrack by Hans Zimmer is thunderous and moving. They fly home."
    top, answerable, _ = _top(rel, "how is the music?", text, "")
    assert "soundtrack" in top and answerable


def test_the_title_is_not_a_term(rel: Relevance) -> None:
    q = rel.parse("how scary is alien?", "Alien")
    assert [t.word for t in q.terms] == ["scary"]


@pytest.mark.parametrize(
    ("question", "title", "topic"),
    [
        ("what did you think of the ending?", "", "the ending"),
        ("How good was the music?", "", "music"),
        ("how is the acting in Heat?", "Heat", "the acting"),
        ("how scary is alien?", "Alien", "how scary it is"),
        ("is jaws good for kids?", "Jaws", "whether it is good for kids"),
        ("what about the special effects?", "", "the special effects"),
        ("tell me about the soundtrack of Jaws", "Jaws", "the soundtrack"),
        ("blorf", "", "blorf"),
        ("?", "", "that"),
    ],
)
def test_topic_of_a_question(question: str, title: str, topic: str) -> None:
    assert topic_of(question, title) == topic


def test_an_empty_film_has_nothing_to_say(rel: Relevance) -> None:
    r = rel.rank(rel.parse("how is the music?"), rel.prepare([]))
    assert r.order == () and not r.answerable


def test_the_vector_table_loads_offline_and_is_small() -> None:
    raw = resources.files("bot").joinpath("data", VECTORS_FILE).read_bytes()
    assert len(raw) < 4_000_000
    table = WordVectors.default()
    assert len(table) >= 50_000 and table.words[0] == "the"  # frequency order
    assert "frightening" in [w for w, _ in table.neighbours("scary", 5)]
    assert table.similarity("kids", "children") > 0.6 > table.similarity("kids", "carburetor")
    assert table.similarity("music", "soundtrack") > 0.6
    assert table.similarity("blorfx", "music") == 0.0 and table.neighbours("blorfx") == []


def test_a_table_with_mismatched_sizes_is_refused() -> None:
    import numpy as np

    with pytest.raises(ValueError):
        WordVectors(["a", "b"], np.zeros((3, 4), dtype=np.int8))


def test_the_build_script_prunes_and_quantises() -> None:
    import numpy as np

    from scripts.build_vectors import prune

    rng = np.random.default_rng(0)
    words = ["the", ",", "film", "U.S.", "music", "42", "score"]
    vectors = rng.normal(size=(len(words), 8)).astype(np.float32)
    kept, codes = prune(words, vectors, size=3, top=1)
    assert kept == ["the", "film", "music"]
    assert codes.dtype == np.int8 and codes.shape == (3, 8)
    assert np.allclose(np.linalg.norm(codes.astype(np.float64) / 127, axis=1), 1, atol=0.05)
