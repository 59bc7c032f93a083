"""Buttons and menu options: their action ids, and the questions a click asks. Shared by every adapter.

An action id is `rb:<action>:<target>`, at most 100 characters (Discord's custom_id limit):
`rb:review:<film id>`, `rb:verdict:<film id>`, `rb:full:<review id>`. Ids of posts made by older
versions (`rb:full:<film id>`) still work: they open the film's first review. A menu's own id is
`rb:menu:<film id>`; the option picked carries the action id.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.models import Intent, Question
from bot.text import shorten

PREFIX = "rb"
LABEL_MAX = 75  # Slack button text limit (Discord allows 80)
ID_MAX = 100
_INTENTS = {"full": Intent.FULL, "verdict": Intent.VERDICT, "review": Intent.REVIEW}


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    action_id: str


def button(label: str, action_id: str) -> Button:
    return Button(shorten(label, LABEL_MAX), action_id)


def _id(action: str, target: str) -> str:
    return f"{PREFIX}:{action}:{target}"[:ID_MAX]


def review(film_id: str) -> str:
    return _id("review", film_id)


def verdict(film_id: str) -> str:
    return _id("verdict", film_id)


def full(review_id: str) -> str:
    return _id("full", review_id)


def menu(film_id: str) -> str:
    """The id of a film's review menu (a click on it asks nothing: the option picked does)."""
    return _id("menu", film_id)


def question_for(action_id: str, conversation: str = "") -> Question | None:
    """The question a click on `action_id` asks, or None if it is not ours."""
    parts = action_id.split(":", 2)
    if len(parts) != 3 or parts[0] != PREFIX or parts[1] not in _INTENTS or not parts[2]:
        return None
    intent, target = _INTENTS[parts[1]], parts[2]
    if intent is Intent.FULL and "/" in target:
        return Question(intent, conversation=conversation, review_id=target)
    return Question(intent, conversation=conversation, film_id=target)
