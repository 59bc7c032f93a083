"""Frozen, platform-neutral values: films and their reviews, what people ask, and verdicts.

What the engine answers is in `bot.answers`; how an answer looks is in `bot.cards`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class Intent(StrEnum):
    """What a person asked for: the command they used, or a plain question (ASK)."""

    REVIEW = "review"
    VERDICT = "verdict"
    ASK = "ask"
    FULL = "full"
    LIST = "list"
    HELP = "help"


# The one mapping of command words to intents: console `/review`, Slack mentions `review …`, buttons.
COMMAND_WORDS: dict[str, Intent] = {intent.value: intent for intent in Intent}


def intent_of(word: str) -> Intent | None:
    """The intent a command word names (`review`, `/verdict`, `Ask:`), or None."""
    return COMMAND_WORDS.get(word.strip().lstrip("/").rstrip(":,").lower())


class Label(StrEnum):
    POSITIVE = "positive"
    MIXED = "mixed"
    NEGATIVE = "negative"


class Aspect(StrEnum):
    STORY = "story"
    PACING = "pacing"
    ACTING = "acting"
    VISUALS = "visuals"
    EFFECTS = "effects"
    MUSIC = "music"
    SEQUEL = "sequel"


class Stored(Protocol):
    """A text kept elsewhere (in the corpus cache) and read when asked for: a restart need not read them all."""

    def read(self) -> str: ...


def text_of(body: str | Stored) -> str:
    """A review's text from its `body`: the text itself, or read from where it is kept."""
    return body if isinstance(body, str) else body.read()


@dataclass(frozen=True, slots=True)
class Review:
    """One reviewer's review of one film. `id` is stable (`<film id>/<reviewer>`), unique in the corpus."""

    id: str
    film_id: str
    body: str | Stored  # the text, or where it is kept: read it as `text`
    reviewer: str | None = None
    rating: str | None = None  # as written: 4/5, 8/10, B+ …
    verdict: Label | None = None  # stated by the reviewer (front matter)
    is_sequel: bool = False  # the text reads as a review of a sequel
    source: str = ""  # the file it came from
    checksum: int = 0  # `bot.corpus.text_checksum(text)` as the loader worked it out; 0: from the text when needed

    @property
    def text(self) -> str:
        """The review's text."""
        return text_of(self.body)


@dataclass(frozen=True, slots=True)
class Film:
    """One film and every review of it. `id` is a stable slug, unique in the corpus."""

    id: str
    title: str
    year: int | None
    reviews: tuple[Review, ...] = ()
    aliases: tuple[str, ...] = ()
    sequel_of: str | None = None

    @property
    def label(self) -> str:
        """How a film is named everywhere: `Heat (1995)`, or the bare title without a year."""
        return f"{self.title} ({self.year})" if self.year else self.title

    @property
    def is_sequel(self) -> bool:
        return self.sequel_of is not None or any(r.is_sequel for r in self.reviews)

    def review(self, review_id: str) -> Review | None:
        """One of this film's reviews by id."""
        return next((r for r in self.reviews if r.id == review_id), None)

    @classmethod
    def of(
        cls,
        film_id: str,
        title: str,
        year: int | None = None,
        text: str = "",
        *,
        reviewer: str | None = None,
        rating: str | None = None,
        verdict: Label | None = None,
        is_sequel: bool = False,
        aliases: tuple[str, ...] = (),
        sequel_of: str | None = None,
    ) -> Film:
        """A film with one review (tests, benchmarks, synthetic corpora)."""
        review = Review(f"{film_id}/1", film_id, text, reviewer, rating, verdict, is_sequel)
        return cls(film_id, title, year, (review,), aliases, sequel_of)


@dataclass(frozen=True, slots=True)
class Question:
    """One thing a person asked, whatever the platform.

    `text` is a title for REVIEW, VERDICT and FULL and a free-text question for ASK. A button or
    an autocomplete pick names the film (`film_id`) or one review (`review_id`) directly;
    `reviewer` picks one reviewer's review of the titled film. `conversation` keys follow-up
    context (a channel, thread or DM).
    """

    intent: Intent
    text: str = ""
    conversation: str = ""
    film_id: str | None = None
    review_id: str | None = None
    reviewer: str | None = None


@dataclass(frozen=True, slots=True)
class SequelNote:
    """How a sequel compares with the original: better, as_good, worse or unclear."""

    compared_to_original: str
    quote: str


@dataclass(frozen=True, slots=True)
class Verdict:
    """One review's verdict, with the sentence that supports it."""

    label: Label
    confidence: float
    quote: str
    sequel: SequelNote | None = None
    stated: bool = False  # given by the reviewer (verdict or rating), not inferred


@dataclass(frozen=True, slots=True)
class Suggestion:
    title: str
    score: float
    film_id: str
