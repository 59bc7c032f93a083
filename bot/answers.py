"""What the engine answers: one of a few typed shapes, never rendered text.

    Answer
    ├── ReviewCard   a film: its aggregate verdict, consensus, attributed highlights, its reviews
    ├── VerdictCard  a film's aggregate and each reviewer's verdict with the sentence behind it
    ├── Snippets     review sentences that answer a question, each attributed to its reviewer
    ├── Abstain      the reviews do not talk about what was asked
    ├── Comparison   how a sequel's reviews compare it with the original (or: they don't; it is no sequel)
    ├── Fact         a name the reviews give (who directed it, who is in it), with the sentences that say so
    ├── FilmRanking  films ranked by what their reviews say about something, a quote each
    ├── Picks        films to watch: rated well, like another film, or of a genre, each with why
    ├── FilmList     the films of the corpus
    ├── FullText     one review's whole text, in pages
    ├── Ambiguous    several films fit the title: which one?
    ├── NotFound     no film fits the title (with suggestions when some come close)
    └── Notice       everything else: help, still loading, empty corpus, a usage hint, an error

Adapters and the console turn an answer into a `bot.cards.Card` and render that; `bot.cards`
is the only place that words an answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.models import Aspect, Film, Label, Review, Suggestion, Verdict


@dataclass(frozen=True, slots=True)
class Quote:
    """A sentence of one review, attributed."""

    text: str
    film_id: str
    review_id: str
    reviewer: str | None = None
    aspect: Aspect | None = None
    score: float = 0.0  # how well it answers the question (snippets), or how typical it is (highlights)
    polarity: float = 0.0  # -1 (negative) .. 1 (positive)


@dataclass(frozen=True, slots=True)
class ReviewVerdict:
    """One review of a film as a card lists it: who, their verdict and its supporting sentence, the rating."""

    review_id: str
    reviewer: str | None
    verdict: Verdict
    rating: str | None = None


@dataclass(frozen=True, slots=True)
class Aggregate:
    """A film's verdict across its reviews ("Positive: 4 of 5 reviews positive"), and a score where rated.

    `score` is the mean rating as 0–100 over the `rated` reviews that give one (like a Metascore).
    """

    label: Label
    positive: int
    mixed: int
    negative: int
    score: int | None = None
    rated: int = 0

    @property
    def total(self) -> int:
        return self.positive + self.mixed + self.negative

    def count(self, label: Label) -> int:
        return {Label.POSITIVE: self.positive, Label.MIXED: self.mixed, Label.NEGATIVE: self.negative}[label]


@dataclass(frozen=True, slots=True)
class SequelTally:
    """How the reviews of a sequel compare it with the original, with the sentence of each that does."""

    better: int
    as_good: int
    worse: int
    unclear: int
    quotes: tuple[Quote, ...]

    @property
    def total(self) -> int:
        return self.better + self.as_good + self.worse + self.unclear

    @property
    def verdict(self) -> str:
        """The most common comparison (better, as_good, worse or unclear); ties read as unclear."""
        counts = {"better": self.better, "as_good": self.as_good, "worse": self.worse}
        top = max(counts.values())
        winners = [k for k, v in counts.items() if v == top]
        return winners[0] if top and len(winners) == 1 else "unclear"


@dataclass(frozen=True, slots=True)
class ReviewCard:
    """`/review TITLE`: the film at a glance."""

    film: Film
    aggregate: Aggregate
    reviews: tuple[ReviewVerdict, ...]
    consensus: tuple[Quote, ...]  # a short summary drawn from across the reviews
    highlights: tuple[Quote, ...]  # one per aspect group, each attributed
    sequel: SequelTally | None = None
    certainty: float = 1.0  # how sure the title resolution was (1.0 for a button or an exact title)


@dataclass(frozen=True, slots=True)
class VerdictCard:
    """`/verdict TITLE`: the aggregate and each reviewer's verdict with its sentence."""

    film: Film
    aggregate: Aggregate
    reviews: tuple[ReviewVerdict, ...]
    sequel: SequelTally | None = None
    certainty: float = 1.0


@dataclass(frozen=True, slots=True)
class Snippets:
    """Sentences that answer a question, best first; `film` is None when they come from several films.

    `sides` is True when the reviewers disagree about what was asked and both sides are quoted.
    `films` are the films quoted (the one `film`, or several).
    """

    film: Film | None
    quotes: tuple[Quote, ...]
    topic: str = ""
    sides: bool = False
    certainty: float = 1.0
    films: tuple[Film, ...] = ()
    framed: bool = False  # introduced by what was asked ("On whether it is good for kids:")


@dataclass(frozen=True, slots=True)
class Comparison:
    """ "Is the sequel better than the original?": the reviews' tally, None when none compares it.

    `sequel` is False when the film is not a sequel (nothing to compare it with).
    """

    film: Film
    tally: SequelTally | None
    sequel: bool = True
    certainty: float = 1.0


@dataclass(frozen=True, slots=True)
class Fact:
    """ "Who directed it?": the names the reviews give for `role` (most often first) and the sentences."""

    film: Film
    role: str  # director, cast, writer, composer (bot.intents.Role)
    names: tuple[str, ...]
    quotes: tuple[Quote, ...]
    certainty: float = 1.0


@dataclass(frozen=True, slots=True)
class Ranked:
    """One film in a ranking: how its reviews speak of the topic (-1..1), from how many sentences, the best one."""

    film: Film
    score: float
    mentions: int
    quote: Quote


@dataclass(frozen=True, slots=True)
class FilmRanking:
    """ "Which film has the best music?": films ranked by their reviews' opinion on `topic`, best (or worst) first."""

    topic: str
    films: tuple[Ranked, ...]
    worst: bool = False
    feel: bool = False  # `topic` is how films feel ("scary": the most scary), not a part of them ("the music")


@dataclass(frozen=True, slots=True)
class Pick:
    """A film to watch: its reviews' aggregate and the sentence that says why."""

    film: Film
    aggregate: Aggregate
    quote: Quote | None


@dataclass(frozen=True, slots=True)
class Picks:
    """ "Recommend me something": films the reviews rate well; `like` a film, or of a `genre`, when asked."""

    picks: tuple[Pick, ...]
    like: Film | None = None
    genre: str = ""


@dataclass(frozen=True, slots=True)
class Abstain:
    """The reviews (of `film`, or of any film) do not talk about `topic`."""

    film: Film | None
    topic: str


@dataclass(frozen=True, slots=True)
class FilmList:
    films: tuple[Film, ...]


@dataclass(frozen=True, slots=True)
class FullText:
    """One review's whole text, split into pages that fit one message."""

    film: Film
    review: Review
    pages: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Ambiguous:
    query: str
    suggestions: tuple[Suggestion, ...]


@dataclass(frozen=True, slots=True)
class NotFound:
    """No film (or no review by that reviewer) fits; `suggestions` are the closest, when any are close.

    `related`: the suggestions are relatives of the film asked for (the original of a sequel asked for,
    the same title in another year), not spellings of it: "I don't have Shrek 2. I have: Shrek".
    """

    query: str
    suggestions: tuple[Suggestion, ...] = ()
    related: bool = False
    film: Film | None = None  # set when the film exists but the asked reviewer's review does not
    reviewer: str | None = None


class Note(StrEnum):
    HELP = "help"
    STILL_READING = "still_reading"
    EMPTY_CORPUS = "empty_corpus"
    EMPTY_TITLE = "empty_title"
    EMPTY_QUESTION = "empty_question"
    NOT_UNDERSTOOD = "not_understood"
    WHICH_FILM = "which_film"
    UNKNOWN_FILM = "unknown_film"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class Notice:
    """A short message that is not about one film; `example` is a title to show in a usage hint."""

    note: Note
    example: str = ""


Answer = (
    ReviewCard | VerdictCard | Snippets | Abstain | Comparison | Fact | FilmRanking | Picks | FilmList | FullText
    | Ambiguous | NotFound | Notice
)  # fmt: skip


def film_of(answer: Answer) -> Film | None:
    """The film an answer is about, if one (a ranking or picks of several films are about none)."""
    return getattr(answer, "film", None)


def is_private(answer: Answer) -> bool:
    """Shown only to the asker: not found, ambiguous, and notices other than help."""
    return isinstance(answer, NotFound | Ambiguous) or (isinstance(answer, Notice) and answer.note is not Note.HELP)
