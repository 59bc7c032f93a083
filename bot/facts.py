"""Facts the reviews may state: who directed a film, who is in it, who wrote it or its music.

A fact is a name (capitalised words) next to a role's cue: "directed by Steven Spielberg", "director
Ridley Scott", "Sigourney Weaver stars as", "starring Tom Hanks", "a score by John Williams". Only the
film's sentences with a cue word are read (found in the sentence index's postings).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from bot.intents import Role

_WORD = r"[A-Z][a-zA-Z'’.-]+"
_NAME = rf"(?P<name>{_WORD}(?:\s+(?:(?:de|van|von|del|da|di|le|la)\s+)?{_WORD}){{0,3}})"
_POSSESSIVE = r"(?:'s|’s)"
CUES: dict[Role, tuple[str, ...]] = {
    Role.DIRECTOR: ("directed", "director", "direction", "directs", "helmed", "filmmaker", "camera"),
    Role.CAST: (
        "starring",
        "stars",
        "star",
        "plays",
        "played",
        "cast",
        "actor",
        "actress",
        "lead",
        "performance",
        "role",
        "leading",
        "carries",
        "headlines",
    ),
    Role.WRITER: ("written", "writer", "screenplay", "script", "wrote", "screenwriter"),
    Role.COMPOSER: ("score", "music", "composer", "composed", "soundtrack"),
}
_PATTERNS: dict[Role, tuple[re.Pattern[str], ...]] = {
    Role.DIRECTOR: (
        re.compile(rf"\b(?:directed|helmed)\s+by\s+{_NAME}"),
        re.compile(rf"\b(?:[Dd]irector|[Ff]ilmmaker),?\s+{_NAME}"),  # "the director, Ines Kowalski,"
        re.compile(rf"{_NAME}\s+(?:directs|directed|helms|helmed)\b"),
        re.compile(rf"{_NAME}{_POSSESSIVE}\s+(?:direction|directing)\b"),
        re.compile(rf"\b[Bb]ehind the camera,?\s+(?:(?:is|was|stands|stood|sits|sat)\s+)?{_NAME}"),
        re.compile(rf"{_NAME},?\s+(?:(?:is|was|stands|stood|sits|sat)\s+)?behind the camera\b"),
    ),
    Role.CAST: (
        re.compile(rf"\b(?:starring|stars|played by|co-starring|featuring)\s+{_NAME}"),
        re.compile(rf"{_NAME}\s+(?:stars|starred|plays|played|is cast|leads|gives)\b"),
        re.compile(rf"{_NAME}{_POSSESSIVE}\s+(?:performance|turn|portrayal)\b"),
        re.compile(rf"\b(?:[Aa]ctor|[Aa]ctress|[Ll]ead),?\s+{_NAME}"),
        re.compile(rf"{_NAME}\s+(?:carries|anchors|headlines|fronts)\b"),
        re.compile(rf"{_NAME},?\s+(?:[a-z]+,?\s+){{0,6}}in the (?:leading|lead|title|main) role\b"),
    ),
    Role.WRITER: (
        re.compile(rf"\b(?:written|scripted|penned)\s+by\s+{_NAME}"),
        re.compile(rf"\b(?:screenplay|script)\s+(?:is\s+)?by\s+{_NAME}"),
        re.compile(rf"\b(?:[Ww]riter|[Ss]creenwriter),?\s+{_NAME}"),
        re.compile(rf"{_NAME}\s+(?:wrote|writes)\b"),
    ),
    Role.COMPOSER: (
        re.compile(rf"\b(?:score|music|soundtrack)\s+(?:is\s+)?by\s+{_NAME}"),
        re.compile(rf"\b(?:composed|scored)\s+by\s+{_NAME}"),
        re.compile(rf"\b[Cc]omposer,?\s+{_NAME}"),
        re.compile(rf"{_NAME}{_POSSESSIVE}\s+(?:score|music|soundtrack)\b"),
    ),
}
# Capitalised words that start a sentence or a clause and are no name.
_NOT_NAMES = frozenset(
    "The A An This That These Those It Its He She They His Her Their But And Or So In On At As With Without For "
    "From To Of By If When While Although Though Yet Still Even Then There Here What Who Whose Which Why How "
    "I We You My Our Your Director Writer Composer Actor Actress Star Stars Starring Lead Film Movie Overall "
    "Unfortunately Fortunately Sadly Also Both Each Every All Some Most Many Much More Less One Two Three Mr Mrs Ms "
    "Dr Not No Never Only Just Perhaps Maybe Indeed However Meanwhile Later Finally First Second Sequel "
    "Original".split()
)


@dataclass(frozen=True, slots=True)
class Found:
    name: str
    sentence: int  # the position of the sentence among those read


def _clean(name: str) -> str:
    parts = name.rstrip(".'’-").split()
    while parts and parts[0].rstrip("'’s") in _NOT_NAMES:
        parts = parts[1:]
    while parts and parts[-1] in _NOT_NAMES:
        parts = parts[:-1]
    return " ".join(parts)


def names(role: Role, texts: Iterable[str], title: str = "") -> list[Found]:
    """Every name `texts` give for `role`, in order (the film's own title is no name)."""
    title_words = set(title.split())
    out: list[Found] = []
    for n, text in enumerate(texts):
        for pattern in _PATTERNS[role]:
            for m in pattern.finditer(text):
                name = _clean(m.group("name"))
                if name and not set(name.split()) <= title_words:
                    out.append(Found(name, n))
    return out


def best(found: list[Found]) -> list[str]:
    """The names found, most often first (a surname alone counts for the full name that has it)."""
    counts: Counter[str] = Counter(f.name for f in found)
    full = [n for n in counts if len(n.split()) > 1]
    for name in list(counts):
        if len(name.split()) == 1:
            owner = next((f for f in full if f.split()[-1] == name), None)
            if owner is not None:
                counts[owner] += counts.pop(name)
    return [n for n, _ in counts.most_common()]
