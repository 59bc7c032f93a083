"""Typed commands, the same in the console and in chat mentions: `review TITLE`, `/verdict TITLE`, or a question.

The command words are `bot.models.COMMAND_WORDS`; anything else is a question (ASK). `help` and
`list` are commands only on their own (or after a slash): "help me find a scary film" and "list the
films with good music" are questions.
"""

from __future__ import annotations

from bot.models import Intent, Question, intent_of


def command(text: str) -> tuple[Intent, str]:
    """The intent a line starts with (`review Heat`, `/full heat by ana`, `Ask: …`) and the rest of it."""
    text = text.strip()
    word, _, rest = text.partition(" ")
    intent = intent_of(word) if word else None
    rest = rest.strip()
    if intent is None or (intent in _ALONE and rest and not word.startswith("/")):
        return Intent.ASK, text
    if intent is not Intent.ASK and rest.lower().startswith("of "):  # "review of heat"
        rest = rest[3:].strip()
    return intent, rest


_ALONE = frozenset({Intent.HELP, Intent.LIST})


def question(text: str, conversation: str = "") -> Question:
    """A typed line as a Question."""
    intent, rest = command(text)
    return Question(intent, rest, conversation)
