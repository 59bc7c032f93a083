"""Buttons on an answer, and the questions their clicks ask. Shared by every adapter."""

from __future__ import annotations

from dataclasses import dataclass

from bot.models import Answer, Kind, Question
from bot.text import shorten

PREFIX = "rb"
LABEL_MAX = 75  # Slack button text limit (Discord allows 80)
_ACTIONS = {"full": Kind.FULL, "verdict": Kind.VERDICT, "review": Kind.REVIEW}


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    action_id: str  # "rb:<action>:<film_id>", at most 100 characters


def _button(label: str, action: str, film_id: str) -> Button:
    return Button(shorten(label, LABEL_MAX), f"{PREFIX}:{action}:{film_id}"[:100])


def buttons(answer: Answer) -> tuple[Button, ...]:
    """The buttons to show under `answer`, in order."""
    if answer.kind in (Kind.AMBIGUOUS, Kind.NOT_FOUND):  # "did you mean": one button per film offered
        return tuple(_button(s.title, "review", s.film_id) for s in answer.suggestions[:5])
    if answer.film is None or answer.kind in (Kind.FULL, Kind.NOT_FOUND, Kind.ERROR):
        return ()
    fid = answer.film.id
    second = _button("Review", "review", fid) if answer.kind is Kind.VERDICT else _button("Verdict", "verdict", fid)
    return (_button("Full review", "full", fid), second)


def question_for(action_id: str, conversation: str = "") -> Question | None:
    """The question a click on `action_id` asks, or None if it is not ours."""
    parts = action_id.split(":", 2)
    if len(parts) != 3 or parts[0] != PREFIX or parts[1] not in _ACTIONS or not parts[2]:
        return None
    return Question(_ACTIONS[parts[1]], conversation=conversation, film_id=parts[2])
