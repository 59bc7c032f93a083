"""Typed commands, the same in the console and in chat mentions: `review TITLE`, `/verdict TITLE`, or a question.

The command words are `bot.models.COMMAND_WORDS`; anything else is a question (ASK).
"""

from __future__ import annotations

from bot.models import Intent, Question, intent_of


def command(text: str) -> tuple[Intent, str]:
    """The intent a line starts with (`review Heat`, `/full heat by ana`, `Ask: …`) and the rest of it."""
    text = text.strip()
    word, _, rest = text.partition(" ")
    intent = intent_of(word) if word else None
    if intent is None:
        return Intent.ASK, text
    return intent, rest.strip()


def question(text: str, conversation: str = "") -> Question:
    """A typed line as a Question."""
    intent, rest = command(text)
    return Question(intent, rest, conversation)
