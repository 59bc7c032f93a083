"""Asking the engine and sending its cards: to a response_url (slash commands, clicks; at most five
messages) or with chat.postMessage / chat.postEphemeral (mentions and DMs)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack_app.blocks import Message, render
from bot.answers import Answer, Note, Notice
from bot.cards import Card, cards
from bot.models import Question

log = logging.getLogger("reviewbot.slack")

MAX_RESPONSE_URL_USES = 5  # a response_url accepts at most 5 messages in 30 minutes

Respond = Callable[..., Awaitable[Any]]


class Engine(Protocol):
    """What the Slack adapter asks of `bot.engine.Engine`."""

    async def answer(self, question: Question) -> Answer: ...


async def ask(engine: Engine, question: Question) -> Answer:
    """The engine's answer, or the error notice (details go to the log only)."""
    try:
        return await engine.answer(question)
    except Exception:
        log.exception("engine failed on a %s question", question.intent.value)
        return Notice(Note.ERROR)


def cards_of(answer: Answer, help_text: str | None = None) -> tuple[Card, ...]:
    """The answer's cards; the error notice's if they cannot be made."""
    try:
        return cards(answer, help_text=help_text)
    except Exception:
        log.exception("could not make the cards of a %s answer", type(answer).__name__)
        return cards(Notice(Note.ERROR))


async def respond_cards(respond: Respond, shown: Sequence[Card]) -> None:
    """Cards to a response_url, privately when the first one is private."""
    response_type = "ephemeral" if shown and shown[0].private else "in_channel"
    await respond_messages(respond, render(shown, max_messages=MAX_RESPONSE_URL_USES), response_type)


async def respond_messages(respond: Respond, rendered: Sequence[Message], response_type: str) -> None:
    for message in rendered[:MAX_RESPONSE_URL_USES]:
        try:
            result = await respond(
                text=message["text"],
                blocks=message["blocks"],
                response_type=response_type,
                replace_original=False,
            )
        except Exception:
            log.exception("posting to response_url failed")
            return
        status = getattr(result, "status_code", 200)
        if status != 200:
            log.warning("response_url rejected a message: %s %s", status, getattr(result, "body", ""))
            return


async def post_cards(
    client: AsyncWebClient,
    shown: Sequence[Card],
    *,
    channel: str,
    user: str | None,
    thread_ts: str | None,
    ephemeral: bool,
) -> None:
    """Cards as messages in a channel (one per card), or only to `user` when `ephemeral`."""
    for message in render(shown):
        try:
            if ephemeral and user:
                await client.chat_postEphemeral(
                    channel=channel, user=user, text=message["text"], blocks=message["blocks"], thread_ts=thread_ts
                )
            else:
                await client.chat_postMessage(
                    channel=channel,
                    text=message["text"],
                    blocks=message["blocks"],
                    thread_ts=thread_ts,
                    unfurl_links=False,
                    unfurl_media=False,
                )
        except SlackApiError as e:
            log.warning("Slack rejected a reply: %s", e.response.get("error"))
            return
        except Exception:
            log.exception("posting a reply failed")
            return
