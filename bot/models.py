"""Frozen, platform-neutral values: what adapters send in and what they render."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    """What a person asked for (on a Question) or what came back (on an Answer)."""

    REVIEW = "review"
    VERDICT = "verdict"
    ASK = "ask"
    ANSWER = "answer"
    AMBIGUOUS = "ambiguous"
    NOT_FOUND = "not_found"
    HELP = "help"
    LIST = "list"
    FULL = "full"
    ERROR = "error"


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


@dataclass(frozen=True, slots=True)
class Film:
    """One reviewed film. `id` is a stable slug, unique in the corpus."""

    id: str
    title: str
    year: int | None
    text: str
    aliases: tuple[str, ...] = ()
    sequel_of: str | None = None
    is_sequel: bool = False
    reviewer: str | None = None
    rating: str | None = None
    verdict: Label | None = None
    source: str = ""

    @property
    def label(self) -> str:
        """How a film is named everywhere: `Heat (1995)`, or the bare title without a year."""
        return f"{self.title} ({self.year})" if self.year else self.title


@dataclass(frozen=True, slots=True)
class Question:
    """One thing a person asked, whatever the platform.

    `conversation` keys follow-up context (a channel, thread or DM); `text` is a
    title for REVIEW/VERDICT/FULL and a free-text question for ASK.
    """

    kind: Kind
    text: str = ""
    conversation: str = ""
    film_id: str | None = None


@dataclass(frozen=True, slots=True)
class Snippet:
    text: str
    film_id: str
    score: float
    aspect: Aspect | None = None


@dataclass(frozen=True, slots=True)
class Suggestion:
    title: str
    score: float
    film_id: str


@dataclass(frozen=True, slots=True)
class SequelNote:
    """How a sequel compares with the original: better, as_good, worse or unclear."""

    compared_to_original: str
    quote: str


@dataclass(frozen=True, slots=True)
class Verdict:
    label: Label
    confidence: float
    quote: str
    sequel: SequelNote | None = None


@dataclass(frozen=True, slots=True)
class Answer:
    """Everything an adapter needs to render a reply; `text` is the plain rendering.

    `film_confidence` is set whenever `film` is: 1.0 for a film chosen by a button or carried over from
    the conversation, else how sure the title resolution was. Below sure, no film is named: the answer
    is a "did you mean" (AMBIGUOUS, or NOT_FOUND with suggestions).
    """

    kind: Kind
    text: str = ""
    film: Film | None = None
    verdict: Verdict | None = None
    summary: str = ""
    highlights: tuple[Snippet, ...] = ()
    snippets: tuple[Snippet, ...] = ()
    suggestions: tuple[Suggestion, ...] = ()
    pages: tuple[str, ...] = field(default=())
    films: tuple[Film, ...] = ()
    film_confidence: float | None = None  # how sure it is that `film` is the film asked for, 0-1

    @property
    def is_error(self) -> bool:
        """Errors and not-found answers are shown only to the asker."""
        return self.kind in (Kind.NOT_FOUND, Kind.ERROR, Kind.AMBIGUOUS)
