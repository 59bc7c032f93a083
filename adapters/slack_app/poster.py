"""`SlackPoster`: the `bot.featured.Poster` that posts the daily featured review, and its scheduler."""

from __future__ import annotations

from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack_app.blocks import Message, escape, intro_message
from adapters.slack_app.errors import post_error
from bot import messages as msg
from bot.cards import cards
from bot.engine import Engine
from bot.featured import FeaturedCommands, PermanentPostError, Scheduler

FEATURED_EVENT_TYPE = "reviewbot_featured"  # message metadata event_type of featured posts
HISTORY_LIMIT = 50  # recent messages find_existing looks through


def without_retries(client: AsyncWebClient) -> AsyncWebClient:
    """A copy of `client` (same token, URL, session) with no retry handlers."""
    return AsyncWebClient(
        token=client.token,
        base_url=client.base_url,
        timeout=client.timeout,
        ssl=client.ssl,
        proxy=client.proxy,
        session=client.session,
        trust_env_in_session=client.trust_env_in_session,
        headers=client.headers,
        logger=client.logger,
        retry_handlers=[],
    )


def featured_post(engine: Engine, film_id: str) -> Message:
    """The daily featured post: the film's review card under a "Featured review of the day" heading."""
    film = engine.film(film_id)
    if film is None:
        raise PermanentPostError(f"film {film_id!r} is no longer in the corpus")
    (card,) = cards(engine.card(film))
    intro = f":star: *{escape(msg.FEATURED_POST)}*"
    return intro_message(intro, card, msg.FEATURED_TODAY.format(title=film.title))


def _channel_id(channel_key: str) -> str:
    return channel_key.removeprefix("slack:")


class SlackPoster:
    """`bot.featured.Poster` for Slack: posts the card with chat.postMessage, its marker in the
    message metadata, and finds it again in conversations.history.

    The poster never retries by itself: it uses a copy of `client` without retry handlers.
    Retries belong to the `Scheduler`, which checks `find_existing` before each one (a 500
    may come after Slack stored the message) and honours Retry-After within its lease.
    slack_sdk's rate-limit handler would instead sleep inside `post` and hide the 429, and
    its connection-error handler could re-send a message Slack already has.

    Needs the chat:write scope, plus channels:history / groups:history for `find_existing`.
    """

    def __init__(self, client: AsyncWebClient, engine: Engine, *, history_limit: int = HISTORY_LIMIT) -> None:
        self.client = without_retries(client)
        self.engine = engine
        self.history_limit = history_limit

    async def post(self, channel_key: str, film_id: str, marker: str) -> str:
        message = featured_post(self.engine, film_id)
        try:
            response = await self.client.chat_postMessage(
                channel=_channel_id(channel_key),
                text=message["text"],
                blocks=message["blocks"],
                metadata={"event_type": FEATURED_EVENT_TYPE, "event_payload": {"marker": marker}},
                unfurl_links=False,
                unfurl_media=False,
            )
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as e:
            raise post_error(e) from e
        return str(response["ts"])

    async def find_existing(self, channel_key: str, marker: str) -> str | None:
        """The ts of a recent message whose metadata carries `marker`; raises when Slack can't say."""
        try:
            response = await self.client.conversations_history(
                channel=_channel_id(channel_key), limit=self.history_limit, include_all_metadata=True
            )
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as e:
            raise post_error(e) from e
        for item in response.get("messages") or []:
            metadata = item.get("metadata") or {}
            payload = metadata.get("event_payload") or {}
            if metadata.get("event_type") == FEATURED_EVENT_TYPE and payload.get("marker") == marker:
                return str(item["ts"])
        return None


def featured_scheduler(client: AsyncWebClient, featured: FeaturedCommands, **options: Any) -> Scheduler:
    """A `Scheduler` for Slack subscriptions, posting with a `SlackPoster` on `client`."""
    engine = featured.engine
    return Scheduler(
        featured.store,
        SlackPoster(client, engine),
        lambda: [film.id for film in engine.films],
        platforms={"slack"},
        **options,
    )
