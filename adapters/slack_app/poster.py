"""`SlackPoster`: the `bot.featured.Poster` that posts the daily featured review, and its scheduler."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
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
HISTORY_LIMIT = 1000  # messages since the claim find_existing looks through at most
PAGE = 200  # messages per conversations.history call (Slack's advice: at most 200)
CLOCK_SKEW = timedelta(minutes=5)  # our clock against Slack's: the search starts this long before the claim
FIRST_LOOK = timedelta(minutes=15)  # a post follows its claim within minutes: that window is searched first


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

    async def find_existing(self, channel_key: str, marker: str, since: datetime) -> str | None:
        """The ts of a message posted after `since` whose metadata carries `marker`; raises when Slack can't say.

        conversations.history gives the newest messages first: the few minutes after the claim, where the post
        is, are searched first, then the rest up to now; `history_limit` messages at most, a page at a time.
        """
        oldest = since - CLOCK_SKEW
        first = since + FIRST_LOOK
        budget = self.history_limit
        windows = [(oldest, None)] if first >= datetime.now(UTC) else [(oldest, first), (first, None)]
        for window in windows:
            found, budget = await self._search(_channel_id(channel_key), marker, window, budget)
            if found is not None or budget <= 0:
                return found
        return None

    async def _search(
        self, channel: str, marker: str, window: tuple[datetime, datetime | None], budget: int
    ) -> tuple[str | None, int]:
        """The marked message's ts within `window` (if found), and how many messages may still be read."""
        oldest, latest = window
        kwargs: dict[str, Any] = {"oldest": f"{oldest.timestamp():.6f}", "inclusive": True}
        if latest is not None:
            kwargs["latest"] = f"{latest.timestamp():.6f}"
        cursor = None
        while budget > 0:
            try:
                response = await self.client.conversations_history(
                    channel=channel, limit=min(PAGE, budget), include_all_metadata=True, cursor=cursor, **kwargs
                )
            except (SlackApiError, aiohttp.ClientError, TimeoutError) as e:
                raise post_error(e) from e
            messages = response.get("messages") or []
            budget -= max(len(messages), 1)
            for item in messages:
                metadata = item.get("metadata") or {}
                payload = metadata.get("event_payload") or {}
                if metadata.get("event_type") == FEATURED_EVENT_TYPE and payload.get("marker") == marker:
                    return str(item["ts"]), budget
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if not response.get("has_more") or not cursor:
                break
        return None, budget


def featured_scheduler(client: AsyncWebClient, featured: FeaturedCommands, **options: Any) -> Scheduler:
    """A `Scheduler` for Slack subscriptions, posting with a `SlackPoster` on `client`."""
    return featured.scheduler(SlackPoster(client, featured.engine), "slack", **options)
