"""Title resolution: the right film through typos and variants, never a confident wrong one."""

from __future__ import annotations

import pytest

from bot.models import Film
from bot.titles import Outcome, TitleIndex


def film(title: str, year: int | None = None, aliases: tuple[str, ...] = (), sequel_of: str | None = None) -> Film:
    return Film.of(title.lower().replace(" ", "-"), title, year, "x", aliases=aliases, sequel_of=sequel_of)


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
    assert index.find_in("how is the score in celestial symphony?").film == CATALOGUE[0]
    assert index.find_in("is radiant reflection any good").film == CATALOGUE[1]
    assert index.find_in('what did you think of "Toy Story 2"?').film == CATALOGUE[4]
    assert index.find_in("how is the music?").film is None


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
    assert index.find_in("how is the music in Now You See Me?").film == glued[0]
    assert index.find_in("is what women want any good").film == glued[1]
    assert index.find_in("how is the acting in it?").film is None  # question words alone name no film
    assert index.find_in("how is the score in celestial symphony?").film == CATALOGUE[0]


# --- issue 10: never the wrong film -------------------------------------------------------------------------------

# Only the first films of these series (and a few look-alikes) are here: what people ask for beside them is absent.
FIRSTS = [
    film("Shrek", 2001),
    film("Rocky", 1976),
    film("Iron Man", 2008),
    film("Frozen", 2013),
    film("Toy Story", 1995),
    film("Hot Shots!", 1991),
    film("Halloween", 1978),
    film("Halloween", 2007),
    film("The Thing", 1982),
    film("The Matrix", 1999),
    film("Heat", 1995),
    film("Logan", 2017),
    film("Alien", 1979),
    film("The Mummy", 1999),
    film("The Hot Spot", 1990),
    film("The Words", 2012),
    film("Battle: Los Angeles", 2011),
    film("Charlie's Angels: Full Throttle", 2003, sequel_of="Charlie's Angels"),
    film("Jurassic Park III", 2001),
    film("The Lost World: Jurassic Park", 1997),
    film("Puppet Master II", 1990),
    film("The Puppet Masters", 1994),
    film("Celestial Symphony"),
]


@pytest.fixture(scope="module")
def firsts() -> TitleIndex:
    return TitleIndex(FIRSTS)


def _titles(res) -> list[str]:  # type: ignore[no-untyped-def]
    return [s.title.rsplit(" (", 1)[0] for s in res.suggestions]


@pytest.mark.parametrize(
    ("query", "relative"),
    [
        ("Shrek 2", "Shrek"),
        ("Rocky IV", "Rocky"),
        ("Iron Man 3", "Iron Man"),
        ("Frozen II", "Frozen"),
        ("Toy Story Three", "Toy Story"),
        ("Shrek the Third", "Shrek"),
        ("Hot Shots! Part Deux", "Hot Shots!"),
        ("rocky part 2", "Rocky"),
        ("Shrke 2", "Shrek"),  # a typo does not make the sequel the first film
    ],
)
def test_a_sequel_number_vetoes_the_first_film(firsts: TitleIndex, query: str, relative: str) -> None:
    res = firsts.lookup(query)
    assert res.outcome is Outcome.NOT_FOUND, res
    assert res.related and relative in _titles(res)


@pytest.mark.parametrize(
    ("query", "relative"), [("Halloween (2018)", "Halloween"), ("the thing 2011", "The Thing"), ("Heat 2013", "Heat")]
)
def test_a_year_that_contradicts_vetoes_the_film(firsts: TitleIndex, query: str, relative: str) -> None:
    res = firsts.lookup(query)
    assert res.outcome is not Outcome.MATCH, res
    assert res.related and relative in _titles(res)


def test_the_year_still_picks_between_two_films_of_one_title(firsts: TitleIndex) -> None:
    res = firsts.lookup("Halloween (2007)")
    assert res.outcome is Outcome.MATCH and res.film is not None and res.film.year == 2007


@pytest.mark.parametrize(
    ("query", "relative"),
    [
        ("The Matrix Reloaded", "The Matrix"),
        ("Heat Wave", "Heat"),
        ("Logan's Run", "Logan"),
        ("Alien Resurrection", "Alien"),
        ("Body Heat", "Heat"),
        ("Frozen River", "Frozen"),
        ("shrek forever after", "Shrek"),
        ("Heat Movie", "Heat"),  # "movie" alone may be part of a title ("Killer Movie"): offered, not answered
    ],
)
def test_a_longer_title_is_a_relative_not_the_film(firsts: TitleIndex, query: str, relative: str) -> None:
    res = firsts.lookup(query)
    assert res.outcome is Outcome.NOT_FOUND, res
    assert res.related and relative in _titles(res)


@pytest.fixture(scope="module")
def lookalikes() -> TitleIndex:
    # The held-out catalogue had these and not the films asked for below.
    return TitleIndex([f for f in FIRSTS if f.title not in ("Hot Shots!",)])


@pytest.mark.parametrize(
    ("query", "other"),
    [
        ("Mommy", "The Mummy"),  # another real word, one letter away
        ("Hot Shots", "The Hot Spot"),
        ("Hot Shots! Part Deux", "The Hot Spot"),
        ("Worlds", "The Words"),
        ("Charlie's Angels", "Battle: Los Angeles"),
        ("Pirates of the Caribbean: At World's End", "The Words"),
        ("Charlie's Angels", "Charlie's Angels: Full Throttle"),  # the bare main title of a sequel
        ("Puppet Master", "The Puppet Masters"),  # the name of a series here is not another film's plural
        ("Jurassic Park", "The Lost World: Jurassic Park"),  # ... nor another film's subtitle
    ],
)
def test_look_alikes_are_never_a_match(lookalikes: TitleIndex, query: str, other: str) -> None:
    res = lookalikes.lookup(query)
    assert res.outcome is not Outcome.MATCH and res.film is None, (res.film, res.score, other)
    question = lookalikes.find_in(f"how is the music in {query}?")
    assert question.outcome is not Outcome.MATCH and question.film is None, (question.film, other)


def test_the_bare_main_title_of_a_sequel_is_a_did_you_mean(firsts: TitleIndex) -> None:
    res = firsts.lookup("charlie's angels")
    assert res.outcome is Outcome.AMBIGUOUS and _titles(res) == ["Charlie's Angels: Full Throttle"]


@pytest.mark.parametrize(
    ("query", "near", "sequel"),
    [
        ("Puppet Master", "The Puppet Masters", "Puppet Master II"),  # a closer title, and the asked film's sequel
        ("the thin man", "The Third Man", "The Thin Man Goes Home"),
    ],
)
def test_the_first_film_of_a_series_asked_for_offers_its_sequel(query: str, near: str, sequel: str) -> None:
    index = TitleIndex(
        [
            Film("pm2", "Puppet Master II", 1990, sequel_of="Puppet Master"),
            Film("pm3", "Puppet Master III: Toulon's Revenge", 1991, sequel_of="Puppet Master"),
            Film("masters", "The Puppet Masters", 1994),
            Film("third", "The Third Man", 1949),
            Film("home", "The Thin Man Goes Home", 1945, sequel_of="The Thin Man"),
            Film("rain", "Rain Man", 1988),
        ]
    )
    res = index.lookup(query)
    assert res.outcome is not Outcome.MATCH and res.film is None, res
    shown = _titles(res)
    assert near in shown and sequel in shown, shown


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("how is celestial symphony", "Celestial Symphony"),
        ("review of the matrix", "The Matrix"),
        ("tell me about heat", "Heat"),
        ("what do you think of shrek", "Shrek"),
    ],
)
def test_a_title_inside_question_words_is_the_film(firsts: TitleIndex, query: str, title: str) -> None:
    res = firsts.lookup(query)
    assert res.outcome is Outcome.MATCH and res.film is not None and res.film.title == title, res


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("how is the music in shrek?", "Shrek"),
        ("is shrek better than the original?", "Shrek"),
        ("what did you think of heat", "Heat"),
        ("how is the music in halloween 2007?", "Halloween"),
        ("is the matrix any good", "The Matrix"),
    ],
)
def test_a_title_in_a_question_is_found(firsts: TitleIndex, question: str, title: str) -> None:
    res = firsts.find_in(question)
    assert res.outcome is Outcome.MATCH and res.film is not None and res.film.title == title, res


@pytest.mark.parametrize(
    ("question", "named", "relative"),
    [
        ("how is the music in shrek 2?", "shrek 2", "Shrek"),
        ("is rocky iv any good", "rocky iv", "Rocky"),
        ("is heat wave any good?", "heat wave", "Heat"),
        ("how are the effects in the matrix reloaded", "the matrix reloaded", "The Matrix"),
        ("is the shrek sequel any good?", "the shrek sequel", "Shrek"),
        ("how is the acting in the return of the mummy", "the return of the mummy", "The Mummy"),
        ("how is the music in the heat of the night?", "the heat of the night", "Heat"),
    ],
)
def test_a_title_in_a_question_followed_by_a_number_or_more_words_is_a_relative(
    firsts: TitleIndex, question: str, named: str, relative: str
) -> None:
    res = firsts.find_in(question)
    assert res.outcome is not Outcome.MATCH and res.film is None, res
    assert res.related and res.named == named and relative in _titles(res)


@pytest.fixture(scope="module")
def long_titles() -> TitleIndex:
    return TitleIndex(
        [
            film("Birdman or (The Unexpected Virtue of Ignorance)", 2014),
            film("Borat: Cultural Learnings of America for Make Benefit Glorious Nation of Kazakhstan", 2006),
            film("Ferris Bueller's Day Off", 1986),
            film("S.W.A.T.", 2003),
            film("M*A*S*H", 1970),
            film("12 Monkeys", 1995),
            film("Kill Bill: Vol. 1", 2003),
            film("Kill Bill: Vol. 2", 2004),
            film("Dr. Strangelove or: How I Learned to Stop Worrying and Love the Bomb", 1964),
            film("Ocean's Eleven", 2001),
            film("Eternal Sunshine of the Spotless Mind", 2004),
            film("Star Wars: Episode V - The Empire Strikes Back", 1980),
            film("Nineteen Eighty-Four", 1984),
            film("Heat Wave", 1990),
            film("Mash Up", 2011),
        ]
    )


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("Birdman", "Birdman or (The Unexpected Virtue of Ignorance)"),
        ("the unexpected virtue of ignorance", "Birdman or (The Unexpected Virtue of Ignorance)"),
        ("borat", "Borat: Cultural Learnings of America for Make Benefit Glorious Nation of Kazakhstan"),
        ("ferris bueller", "Ferris Bueller's Day Off"),
        ("swat", "S.W.A.T."),
        ("mash", "M*A*S*H"),
        ("m*a*s*h", "M*A*S*H"),
        ("Twelve Monkeys", "12 Monkeys"),
        ("kill bill 2", "Kill Bill: Vol. 2"),
        ("kill bill volume two", "Kill Bill: Vol. 2"),
        ("dr strangelove", "Dr. Strangelove or: How I Learned to Stop Worrying and Love the Bomb"),
        ("oceans 11", "Ocean's Eleven"),
        ("eternal sunshine", "Eternal Sunshine of the Spotless Mind"),
        ("star wars episode 5", "Star Wars: Episode V - The Empire Strikes Back"),
        ("1984", "Nineteen Eighty-Four"),
    ],
)
def test_short_names_find_the_film(long_titles: TitleIndex, query: str, title: str) -> None:
    res = long_titles.lookup(query)
    assert res.outcome is Outcome.MATCH and res.film is not None and res.film.title == title, res
    assert 0.5 < res.confidence <= 1.0


@pytest.mark.parametrize("query", ["heat", "kill bill", "monkeys", "sunshine"])
def test_common_words_of_a_long_title_are_not_its_short_name(long_titles: TitleIndex, query: str) -> None:
    assert long_titles.lookup(query).outcome is not Outcome.MATCH


def test_a_sure_match_says_how_sure(index: TitleIndex) -> None:
    exact, typo = index.resolve("Celestial Symphony"), index.resolve("celestial symphny")
    assert exact.confidence == 1.0 and 0.8 <= typo.confidence < 1.0
    assert index.resolve("zzzz").confidence == 0.0


def test_a_topic_tied_to_a_title_in_a_question_is_not_a_longer_title() -> None:
    """ "the catering in heat": what is asked about, in the film; "the return of the mummy": another film."""
    index = TitleIndex(
        [
            Film.of("heat", "Heat", 1995, "x"),
            Film.of("jaws", "Jaws", 1975, "x"),
            Film.of("mummy", "The Mummy", 1999, "x"),
        ]
    )
    for question, film_id in (
        ("how is the catering in heat?", "heat"),
        ("how scary is the shark in jaws?", "jaws"),
        ("what about the costumes on the mummy?", "mummy"),
    ):
        found = index.find_in(question)
        assert found.film is not None and found.film.id == film_id, question
    longer = index.find_in("how is the return of the mummy?")
    assert longer.film is None and [s.film_id for s in longer.suggestions] == ["mummy"]


@pytest.fixture(scope="module")
def parts() -> TitleIndex:
    return TitleIndex(
        [
            film("History of the World: Part I", 1981),
            film("Nymphomaniac: Volume I", 2013),
            film("The King and I", 1956),
            film("And God Created Woman", 1956),
            film("Urban Legend", 1998),
            film("Urban Legends: Final Cut", 2000),
        ]
    )


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("history of the world 1", "History of the World: Part I"),  # "Part I" is part 1
        ("history of the world part 1", "History of the World: Part I"),
        ("nymphomaniac 1", "Nymphomaniac: Volume I"),
        ("the king and i", "The King and I"),  # "I" after "and" is a word, not a number
    ],
)
def test_a_part_i_is_part_one(parts: TitleIndex, query: str, title: str) -> None:
    res = parts.lookup(query)
    assert res.outcome is Outcome.MATCH and res.film is not None and res.film.title == title, res


def test_the_king_and_i_is_not_the_king_1() -> None:
    res = TitleIndex([film("The King and I", 1956)]).lookup("the king and 1")
    assert res.outcome is not Outcome.MATCH, res


def test_a_dropped_past_d_is_a_typo(parts: TitleIndex) -> None:
    res = parts.lookup("And God Create Woman")
    assert res.outcome is Outcome.MATCH and res.film is not None and res.film.title == "And God Created Woman", res


def test_a_title_typed_exactly_is_not_read_as_a_typo_of_another(parts: TitleIndex) -> None:
    # "Urban Legends" is the main title of Urban Legends: Final Cut, and one letter from Urban Legend
    res = parts.lookup("Urban Legends")
    assert res.outcome is not Outcome.MATCH and res.film is None, res
    assert "Urban Legends: Final Cut" in _titles(res)


@pytest.fixture(scope="module")
def two_words() -> TitleIndex:
    return TitleIndex(
        [
            film("The Woman in Black", 2012),
            film("Body Shots", 1999),
            film("Pride and Prejudice", 2005),
            film("The Mummy", 1999),
            film("Garfield's Pet Force", 2009),
        ]
    )


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("The oman in Black", "The Woman in Black"),  # "oman" is a rare word: a typo of "woman"
        ("Boyd Shots", "Body Shots"),
        ("Garfield's et Fore", "Garfield's Pet Force"),
    ],
)
def test_a_typo_that_makes_a_rare_word_beside_one_agreeing_word_is_a_typo(
    two_words: TitleIndex, query: str, title: str
) -> None:
    res = two_words.lookup(query)
    assert res.outcome is Outcome.MATCH and res.film is not None and res.film.title == title, res


@pytest.mark.parametrize("query", ["Bride and Prejudice", "Mommy", "The Man in Black"])
def test_a_common_word_for_a_title_word_is_another_film(two_words: TitleIndex, query: str) -> None:
    res = two_words.lookup(query)
    assert res.outcome is not Outcome.MATCH and res.film is None, res


@pytest.mark.parametrize(
    "question",
    [
        "who made jaws?",
        "how long does jaws run?",
        "does jaws live up to the original?",
        "does jaws make you laugh?",
        "can i show jaws to my kids?",
    ],
)
def test_the_question_s_own_verb_next_to_a_title_is_not_a_longer_title(question: str) -> None:
    index = TitleIndex([film("Jaws", 1975), film("Made", 2001), film("Run", 2020), film("Heat", 1995)])
    found = index.find_in(question)
    assert found.film is not None and found.film.title == "Jaws", (question, found)


def test_a_verb_that_is_a_title_still_names_it_and_a_longer_title_is_still_another_film() -> None:
    index = TitleIndex([film("Made", 2001), film("Run", 2020), film("Heat", 1995)])
    assert (found := index.find_in("is made any good?")).film is not None and found.film.title == "Made"
    assert (found := index.find_in("does run hold up?")).film is not None and found.film.title == "Run"
    assert index.find_in("who made the good mother?").film is None  # "made" is the question's verb here
    longer = index.find_in("does heat wave hold up?")  # a word the title lacks, then the question's verb
    assert longer.film is None and [s.film_id for s in longer.suggestions] == ["heat"]


def test_the_title_index_is_the_same_in_every_process() -> None:
    # Two replicas (or a restart) must build the same index and so suggest the same films: the trigram index
    # numbered its grams in set order, which changes with PYTHONHASHSEED, and broke ties differently.
    import os
    import subprocess
    import sys

    code = (
        "import hashlib, json, random\n"
        "from bot.models import Film\n"
        "from bot.titles import TitleIndex\n"
        "rng = random.Random(5)\n"
        "w = 'brick closer ring thin man puppet master one night heat dark star river road home blue red'.split()\n"
        "w += ['word%d' % i for i in range(300)]\n"
        "names = sorted({' '.join(rng.sample(w, rng.randint(1, 3))).title() for _ in range(8000)})\n"
        "idx = TitleIndex([Film('f%d' % i, t, 1950 + i % 60) for i, t in enumerate(names)])\n"
        "meta, arrays = idx.export_state()\n"
        "h = hashlib.sha256(json.dumps(meta, sort_keys=True).encode())\n"
        "for k in sorted(arrays): h.update(k.encode() + arrays[k].tobytes())\n"
        "print(h.hexdigest())\n"
        "for q in ('Brick', 'Closer', 'rign', 'the thin man', 'Puppet Master', 'the one', 'nigth heat'):\n"
        "    print(q, [s.film_id for s in idx.resolve(q).suggestions])\n"
    )
    outs = set()
    for seed in ("0", "1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-2000:]
        outs.add(done.stdout)
    assert len(outs) == 1


@pytest.mark.parametrize(
    ("question", "relative"),
    [
        ("is Heat Wave any good?", "Heat"),
        ("is heat wave any good?", "Heat"),
        ("Heat wave any good?", "Heat"),
        ("how is the music in The Return of the Mummy?", "The Mummy"),
        ("is Shrek 2 a long one?", "Shrek"),
        ("is the new Shrek any good?", "Shrek"),
        ("IS HEAT WAVE ANY GOOD?", "Heat"),
        ("does Heat: The Reckoning hold up?", "Heat"),  # a subtitle after a colon: a longer title
        ("who made Ju-on: Alien?", "Alien"),  # a main title before one
        ("is logan - the lost years any good?", "Logan"),  # a spaced dash joins a subtitle too
    ],
)
def test_a_longer_title_in_a_question_is_never_its_shorter_one(
    firsts: TitleIndex, question: str, relative: str
) -> None:
    res = firsts.find_in(question)
    assert res.outcome is not Outcome.MATCH, res
    assert relative in _titles(res)


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("Heat: any good?", "Heat"),  # after a colon, the question's words
        ("Alien: too scary for my kids?", "Alien"),
        ("The Mummy: yay or nay?", "The Mummy"),
        ("quick question: is heat good?", "Heat"),
        ("is alien too scary for a ten year old?", "Alien"),  # "too" and a feel: no sequel
        ("is heat too long?", "Heat"),
        ("Battle: Los Angeles, is it good?", "Battle: Los Angeles"),  # the title's own colon
    ],
)
def test_a_colon_or_too_before_the_questions_words_keeps_the_title(
    firsts: TitleIndex, question: str, title: str
) -> None:
    res = firsts.find_in(question)
    assert res.outcome is Outcome.MATCH and res.film is not None and res.film.title == title, res


SLIPS = TitleIndex(
    [
        film("Made", 2001),
        film("Guardians", 2017),
        film("Manhattan", 1979),
        film("Tales of Manhattan", 1942),
        film("Water", 2005),
        film("Knife in the Water", 1962),
        film("Love", 2015),
        film("Love Is the Devil", 1998),
        film("Heat", 1995),
        film("On the Waterfront", 1954),
    ]
)


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("who made guardans?", "Guardians"),  # the film called Made is the question's verb: the slip is still read
        ("is tales oaf manhattan scary?", "Tales of Manhattan"),  # the longer title, typed with a slip
        ("is knifee in the water scary?", "Knife in the Water"),  # not Water
        ("is love is the devinl any good?", "Love Is the Devil"),  # not Love
        ("is on the waterfrnt too long?", "On the Waterfront"),  # a title that starts with a link word
        ("how is the catering in heat?", "Heat"),  # no slip: a topic of Heat, as before
    ],
)
def test_a_title_typed_with_a_slip_inside_a_question_is_the_one_asked(question: str, title: str) -> None:
    res = SLIPS.find_in(question)
    assert res.outcome is Outcome.MATCH and res.film is not None and res.film.title == title, res


FOURTH = TitleIndex(
    [
        film("The Cat o' Nine Tails", 1971),
        film("Tell No One", 2006),
        film("Three Outlaw Samurai", 1964),
        film("The Secret Life of Bees", 2008),
        film("Operation Dumbo Drop", 1995),
        film("Stuck", 2007),
        film("Stand", 2019),
        film("Undisputed II: Last Man Standing", 2006),
        film("Homeward Bound: The Incredible Journey", 1993),
        film("San Francisco", 1936),
        film("Earth", 1998),
        film("Nature Calls", 2012),
        film("The Doctor", 1991),
        film("Daria: Is It Fall Yet?", 2000),
        film("Big", 1988),
        film("Big Trouble", 2002),
        film("Big Trouble in Little China", 1986),
        film("Epic", 2013),
        film("Epic Movie", 2007),
        film("Borat: Cultural Learnings of America for Make Benefit Glorious Nation of Kazakhstan", 2006),
        film("Heat", 1995),
        film("Fire Down Below", 1997),
    ]
)


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("Fire Dcon Below", "Fire Down Below"),  # a slip in a short word moves no space ("fired con")
        ("The Cat o' Ninu Tails", "The Cat o' Nine Tails"),  # a misspelt number word is a typo, not another number
        ("Tell No Oen", "Tell No One"),
        ("nhree Outlaw Samurai", "Three Outlaw Samurai"),
        ("Operation Dumb oDrop", "Operation Dumbo Drop"),  # a moved space put back
    ],
)
def test_a_misspelt_number_word_or_a_moved_space_is_a_typo(query: str, title: str) -> None:
    res = FOURTH.lookup(query)
    assert res.outcome is Outcome.MATCH and res.film is not None and res.film.title == title, res


@pytest.mark.parametrize(
    ("query", "near"),
    [
        ("The Secret Life o fPets", "The Secret Life of Bees"),  # "of pets": Pets is a word Bees is not
        ("Stuck on You", "Stuck"),  # the words around a title ask nothing: a longer title
        ("Stand by Me", "Stand"),
        ("Last Mna Standing", "Undisputed II: Last Man Standing"),  # a subtitle typed with a slip may be a title
        ("tow outlaw samurai", "Three Outlaw Samurai"),  # a real word is never read as a misspelt number
    ],
)
def test_an_absent_film_that_looks_like_one_here_is_not_answered(query: str, near: str) -> None:
    res = FOURTH.lookup(query)
    assert res.outcome is not Outcome.MATCH, res


@pytest.mark.parametrize(
    ("question", "relative"),
    [
        ("who made Homeward Bound II: Lost in San Francisco?", "San Francisco"),  # inside a subtitle
        ("is Hellraiser III: Hell on Earth scary?", "Earth"),
        ("does Ace Ventura: When Nature Calls hold up?", "Nature Calls"),  # a subtitle written as one
        ("does Doctor Who: A Christmas Carol hold up?", "The Doctor"),
        ("does Daria: Is It College Yet? hold up?", "Daria: Is It Fall Yet?"),  # another subtitle of its main title
    ],
)
def test_a_title_inside_another_films_subtitle_is_not_answered(question: str, relative: str) -> None:
    res = FOURTH.find_in(question)
    assert res.outcome is not Outcome.MATCH, res
    assert relative in _titles(res), res


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("does Big Trouuble in Little China hold up?", "Big Trouble in Little China"),  # neither Big nor Big Trouble
        ("does Epic yMovie hold up?", "Epic Movie"),  # a misspelt "movie" is a slip, not the word
        ("does Daria: Is It Fal Yet? hold up?", "Daria: Is It Fall Yet?"),
        ("Borat: Is it funny?", "Borat: Cultural Learnings of America for Make Benefit Glorious Nation of Kazakhstan"),
        ("Heat: any good?", "Heat"),
        ("is heat too long?", "Heat"),
    ],
)
def test_the_longest_title_spelt_in_a_question_is_the_one_asked(question: str, title: str) -> None:
    res = FOURTH.find_in(question)
    assert res.outcome is Outcome.MATCH and res.film is not None and res.film.title == title, res


@pytest.mark.parametrize("question", ["is heat properly frightening?", "how long is heat roughly?",
                                      "is heat genuinely good?"])  # fmt: skip
def test_an_adverb_after_a_title_is_the_questions(question: str) -> None:
    res = FOURTH.find_in(question)
    assert res.outcome is Outcome.MATCH and res.film is not None and res.film.title == "Heat", res


def test_a_word_after_a_title_that_only_ends_like_an_adverb_is_a_longer_title() -> None:
    res = TitleIndex([film("Heat", 1995)]).find_in("is heat family any good?")
    assert res.outcome is not Outcome.MATCH, res


SERIES = TitleIndex(
    [
        film("Sherlock - A Study in Pink", 2010),
        film("Alice", 1990),
        film("Alice", 2009),
        film("Alien", 1979),
        film("Alien: Resurrection", 1997, sequel_of="Alien"),
        film("Predator 2", 1990, sequel_of="Predator"),
        film("Star Wars: Episode IV - A New Hope", 1977),
        film("Star Wars: Episode V - The Empire Strikes Back", 1980),
        film("Star Trek", 2009),
        film("Star Trek: First Contact", 1996),
        film(
            "The Rocky Horror Picture Show: Let's Do the Time Warp Again",
            2016,
            sequel_of="The Rocky Horror Picture Show",
        ),
        film("Rocky II", 1979),
        film("Celestial Symphony"),
    ]
)


@pytest.mark.parametrize(
    ("query", "relative"),
    [
        ("Shrlock: The Abominable Bride", "Sherlock - A Study in Pink"),  # the series' name misspelt
        ("Star Wasr: Episode VI - Return of the Jedi", "Star Wars: Episode V - The Empire Strikes Back"),
        ("Alicen: Covenant", "Alien"),  # the film that heads a series here, not Alice, as close but alone
        ("Star Trek: The Motion Picture", "Star Trek: First Contact"),  # the series, not only the film of its name
        ("redator", "Predator 2"),  # the first film misspelt: its sequel
        ("The Rocky Horror Pictue Show", "The Rocky Horror Picture Show: Let's Do the Time Warp Again"),
    ],
)
def test_a_film_of_a_misspelt_or_missing_series_offers_the_series(query: str, relative: str) -> None:
    res = SERIES.lookup(query)
    assert res.outcome is not Outcome.MATCH, res
    assert relative in _titles(res), res


def test_the_series_beside_a_did_you_mean_keeps_it_one() -> None:
    index = TitleIndex([*SERIES.films, film("Sherlock: The Blind Banker", 2010)])
    res = index.lookup("Shrlock: Blind Banker")  # a word short: "did you mean", then the rest of the series
    assert res.outcome is Outcome.AMBIGUOUS, res
    assert _titles(res) == ["Sherlock: The Blind Banker", "Sherlock - A Study in Pink"], res


@pytest.mark.parametrize(
    ("question", "relative"),
    [
        ("does family guy presents: it's a trap hold up?", "Family Guy Presents: Blue Harvest"),  # lower case
        ("who made the x-files: i want to believe?", "The X-Files: Fight the Future"),
        ("is george carlin: it's bad for ya! funny?", "George Carlin: Jammin' in New York"),
    ],
)
def test_a_main_title_then_a_subtitle_of_small_words_is_another_film_of_the_series(
    question: str, relative: str
) -> None:
    index = TitleIndex(
        [
            film("Family Guy Presents: Blue Harvest", 2007),
            film("The X-Files: Fight the Future", 1998),
            film("George Carlin: Jammin' in New York", 1992),
            film("Borat: Cultural Learnings of America for Make Benefit Glorious Nation of Kazakhstan", 2006),
        ]
    )
    res = index.find_in(question)
    assert res.outcome is not Outcome.MATCH, res
    assert relative in _titles(res), res
    asked = index.find_in("borat: is it funny?")  # a question after the colon still asks about the film
    assert asked.outcome is Outcome.MATCH and asked.film is not None and asked.film.title.startswith("Borat")


def test_a_misspelt_title_in_a_question_followed_by_a_number_is_its_sequel() -> None:
    res = TitleIndex([film("Epic Movie", 2007), film("Epic", 2013)]).find_in("is epic ymovie 2 any good?")
    assert res.outcome is Outcome.NOT_FOUND and res.related, res
    assert _titles(res) == ["Epic Movie"], res


def dated(title: str, year: int, aliases: tuple[str, ...] = ()) -> Film:
    """A film whose id has its year: films of one title stay apart."""
    return Film.of(f"{title.lower().replace(' ', '-')}-{year}", title, year, "x", aliases=aliases)


EXTENDED = TitleIndex(
    [
        dated("Syrup", 2013),
        dated("Persuasion", 1995),
        dated("Persuasion", 2007),
        dated("Persuasion", 2022),
        dated("Pretty Persuasion", 2005),
        dated("Dummy", 2002),
        dated("The American", 2010),
        dated("American Me", 1992),
        dated("American Beauty", 1999),
        dated("American Buffalo", 1996),
        dated("American Mary", 2012),
        dated("American Pie", 1999),
        dated("The Human Condition I", 1959),
        dated("The Human Condition II", 1959),
        dated("The Human Condition III", 1961),
        dated("Human", 2015),
        dated("Mary Shelley's Frankenstein", 1994, aliases=("Frankenstein",)),
        dated("Frankenstein", 1931),
        dated("I, Frankenstein", 2014),
        dated("Victor Frankenstein", 2015),
        dated("Crank", 2006),
        dated("Crash", 1996),
        dated("Crash", 2004),
        dated("C.R.A.Z.Y.", 2005),
        dated("Planes", 2013),
        dated("Battlestar Galactica: The Plan", 2009),
        dated("Sherlock: The Abominable Bride", 2016),
        dated("Sherlock Holmes and the Secret Weapon", 1942),
        dated("Sherlock Holmes and Dr. Watson: Acquaintance", 1979),
        dated("Sherlock Holmes: A Game of Shadows", 2011),
    ]
)


@pytest.mark.parametrize(
    ("query", "relative"),
    [
        ("Syrup Persuasion", "Syrup"),  # a title, then another title three films share
        ("american dummy", "Dummy"),  # a title after words that start many titles
        ("The Human Condition I Reunion", "The Human Condition I"),  # a title ending in "I", then a word
        ("frankenstein 2015", "Frankenstein"),  # the film of that title before a film also known by it
        ("Cranj: High Voltage", "Crank"),  # the main title misspelt, and no other film near it
        ("Plans: Fire & Rescue", "Planes"),  # the main title misspelt into a word of its own
    ],
)
def test_every_reading_of_a_longer_title_is_offered(query: str, relative: str) -> None:
    res = EXTENDED.lookup(query)
    assert res.outcome is Outcome.NOT_FOUND, res
    assert relative in _titles(res), res


def test_a_misspelt_longer_title_offers_its_near_spellings_before_a_part_of_it() -> None:
    res = EXTENDED.lookup("Sherlock Holmss")  # "sherlock" alone is Sherlock, but "holmss" is no word
    assert "Sherlock Holmes: A Game of Shadows" in _titles(res), res
    assert "Sherlock: The Abominable Bride" not in _titles(res), res


def test_a_word_after_a_title_that_asks_nothing_makes_a_longer_title() -> None:
    index = TitleIndex([film("Speed Racer", 2008), film("Heat", 1995)])
    longer = index.lookup("Speed Racer Tell")  # "tell" asks something only before the title
    assert longer.outcome is Outcome.NOT_FOUND and _titles(longer) == ["Speed Racer"], longer
    for asked in ("tell me about speed racer", "heat review please"):
        assert index.lookup(asked).outcome is Outcome.MATCH, asked
