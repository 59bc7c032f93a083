"""bot.relevance: questions about any aspect find the sentence that answers them, or honestly none."""

from __future__ import annotations

from importlib import resources

import pytest

from bot.relevance import ITEM_WORDS, MODEL_FILE, Model, Relevance, stem, topic_of
from bot.search import STOPWORDS
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
    "A great white shark kills swimmers off Amity Island during the summer season. "
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


# ---- generic questions, question words, near words ------------------------------------------------------------

REVIEW = [
    "Jaws opens on a beach at night.",
    "A young woman goes swimming and disappears.",
    "The police chief wants to close the beaches, but the mayor refuses.",
    "Jaws is a superb thriller, one of the best films I have ever seen.",
    "Three men finally set out on a small boat.",
]


@pytest.mark.parametrize("question", ["how is the movie?", "Is the film any good?", "what did you think of it?"])
def test_a_generic_question_is_answered_by_the_evaluative_sentence(rel: Relevance, question: str) -> None:
    q = rel.parse(question, "Jaws")
    assert q.generic and q.terms == ()
    r = rel.rank(q, rel.prepare([REVIEW]))
    assert REVIEW[r.order[0]] == "Jaws is a superb thriller, one of the best films I have ever seen."
    assert r.answerable and r.generic  # never "the reviews don't say" about the film as a whole


def test_the_film_words_are_not_terms_and_view_is(rel: Relevance) -> None:
    assert {"film", "movie", "movies"} <= ITEM_WORDS
    assert [t.word for t in rel.parse("how is the music of the movie?").terms] == ["music"]
    assert [t.word for t in rel.parse("does the hotel have a view?").terms] == ["hotel", "view"]
    books = Relevance(rel.vectors, rel.opinion, rel.polarity, rel.model, item_words=["book", "books"])
    assert books.parse("How is the book?").generic and not rel.parse("How is the book?").generic


def test_nothing_to_read_is_not_a_generic_question(rel: Relevance) -> None:
    q = rel.parse("?!")
    assert not q.generic and not rel.rank(q, rel.prepare([REVIEW])).answerable


def test_near_words_are_never_stop_words_or_film_words(rel: Relevance) -> None:
    (term,) = rel.parse("who directed it?").terms
    near = {w for w, _ in term.near}
    assert "director" in near
    assert not near & (STOPWORDS | ITEM_WORDS)  # "film" is as near "directed" as "director" in GloVe
    text = ["The film is a thriller set on an island.", "Spielberg's direction is patient and precise."]
    r = rel.rank(rel.parse("who directed it?"), rel.prepare([text]))
    assert r.order[0] == 1


def test_an_adverb_is_not_near_its_adjective(rel: Relevance) -> None:
    (term,) = rel.parse("is it funny?").terms
    near = dict(term.near)
    assert "hilarious" in near and "wonderfully" not in near
    sents = sentences(JAWS)
    r = rel.rank(rel.parse("is it funny?", "Jaws"), rel.prepare([sents]))
    assert not r.answerable  # "play off each other wonderfully" says nothing about being funny


@pytest.mark.parametrize(
    ("question", "head"),
    [
        ("Is the ending of the film sad?", "ending"),
        ("how scary is the shark?", "shark"),
        ("Is the food spicy?", "food"),
        ("How is the breakfast at the hotel?", "breakfast"),
    ],
)
def test_the_head_term_is_what_the_question_is_about(rel: Relevance, question: str, head: str) -> None:
    terms = rel.parse(question).terms
    assert max(terms, key=lambda t: t.head).word == head
    assert abs(sum(t.head for t in terms) - 1) < 1e-5


def test_a_sentence_about_the_head_outranks_one_about_a_modifier(rel: Relevance) -> None:
    text = ["The sound of the sea is everywhere in the first act.", "The ending is sad and quiet."]
    r = rel.rank(rel.parse("Is the ending of the film sad?"), rel.prepare([text]))
    assert r.order[0] == 1


# ---- many reviews ---------------------------------------------------------------------------------------------


def test_a_passage_keeps_its_reviews_apart(rel: Relevance) -> None:
    first = ["Jaws is a thriller about a shark.", "The music is the best part of it.", "I loved every minute."]
    second = ["A dull film.", "The acting is wooden."]
    p = rel.prepare([first, [], second])
    assert len(p) == 5 and p.texts[3] == "A dull film."
    assert p.review.tolist() == [0, 0, 0, 1, 1] and p.starts.tolist() == [0, 3]
    lead = p.static[3].tolist()
    assert lead == pytest.approx([1, 1 / 2, 1 / 3, 1, 1 / 2])  # the place within its own review
    verdicts = p.static[4]
    assert verdicts[:3].sum() == 1 and verdicts[3:].sum() == 1  # one verdict sentence per review


def test_the_review_that_covers_the_whole_question_is_preferred(rel: Relevance) -> None:
    one = ["The shark looks fake in most scenes."]
    two = ["The shark is terrifying.", "The music makes the shark terrifying."]
    f = rel.features(rel.parse("is the music with the shark scary?"), rel.prepare([one, two]))
    review = f[list(rel_features()).index("review")]
    assert review[0] < 0 and review[1] == review[2] == 0


def rel_features() -> tuple[str, ...]:
    from bot.relevance import FEATURES

    return FEATURES


# ---- the model file -------------------------------------------------------------------------------------------


def test_the_model_is_plain_json_small_and_round_trips() -> None:
    raw = resources.files("bot").joinpath("data", MODEL_FILE).read_bytes()
    assert len(raw) < 50_000 and raw.lstrip().startswith(b"{")
    model = Model.default()
    assert Model.from_json(model.to_json(), 50) == model
    assert 0 < model.near < 1 and 0 <= model.threshold < 1


def test_a_model_of_another_version_is_refused() -> None:
    import json

    spec = json.loads(Model.default().to_json())
    del spec["rank"]["exact"]
    with pytest.raises(KeyError):
        Model.from_json(json.dumps(spec), 50)
    with pytest.raises(ValueError):
        Model.from_json(Model.default().to_json(), 300)  # head weights for other word vectors


def test_confidence_is_a_probability(rel: Relevance) -> None:
    for question in ("how scary is it?", "what about the popcorn?", "blorf"):
        r = rel.rank(rel.parse(question), rel.prepare([sentences(ALIEN)]))
        assert 0.0 <= r.confidence <= 1.0
        assert r.answerable == (r.confidence >= rel.model.threshold and r.answerable)


def test_aspect_scores_of_a_passage_follow_their_definition(rel: Relevance) -> None:
    """The vectorised per-aspect scores equal the per-sentence rule (bot.search's `_aspect_score`)."""
    import numpy as np

    from bot.models import Aspect
    from bot.search import LEAD_WORDS, WEAK_SCORE

    texts = [
        "The acting is superb and the cast gives fine performances.",
        "A plot with a story and a script, and the music: a score, a soundtrack.",
        "Nothing here is about anything at all.",
        "Later on, after a long while, the cinematography and the visuals shine, and the actor too.",
        "",
    ]
    p = rel.assemble(texts, [0, 0, 0, 1, 1], [0, 1, 2, 0, 1], [False] * 5, [0.5] * 5, [0.1] * 5)
    stems = [stem(w) for w in p.vocab]
    for j, a in enumerate(Aspect):
        strong_set, weak_set = rel._aspects[a]
        for n in range(len(texts)):
            ids = [int(i) for i in p.tokens[p.ptr[n] : p.ptr[n + 1]] if i < len(stems)]
            strong = min(sum(stems[i] in strong_set for i in ids) + sum(stems[i] in weak_set for i in ids) // 2, 3)
            lead = any(stems[i] in strong_set for i in ids[:LEAD_WORDS])
            weak = any(stems[i] in weak_set for i in ids)
            want = 2.5 + 0.5 * min(strong - 1, 2) + 0.5 * lead if strong else WEAK_SCORE if weak else 0.0
            assert p.aspect[j, n] == np.float32(want) and p.about[j, n] == (strong > 0), (a, texts[n])
    assert p.about.any(axis=1).sum() >= 3  # the sentences above do name several aspects
