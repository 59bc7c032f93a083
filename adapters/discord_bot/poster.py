"""`DiscordPoster`: the `bot.featured.Poster` that posts the daily featured review in a channel."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

import aiohttp
import discord

from adapters.discord_bot.render import featured_embed
from adapters.discord_bot.replies import NO_MENTIONS
from adapters.discord_bot.views import view_for
from bot import messages as msg
from bot.cards import cards
from bot.engine import Engine
from bot.featured import PermanentPostError, TransientPostError

HISTORY_LIMIT = 1000  # messages after the claim searched for a featured post's marker (10 requests at most)
CLOCK_SKEW = timedelta(minutes=5)  # our clock against Discord's: the search starts this long before the claim
POST_TIMEOUT = 60.0  # seconds per featured post attempt, discord.py's own retries included
_CALL_ERRORS = (discord.HTTPException, discord.RateLimited, aiohttp.ClientError, OSError)


def _retry_after(error: discord.HTTPException) -> float | None:
    headers = getattr(error.response, "headers", None) or {}
    try:
        return float(headers.get("Retry-After", ""))
    except ValueError:
        return None


def post_error(error: Exception) -> TransientPostError | PermanentPostError:
    """The `bot.featured` error for a failed Discord call: 5xx, 429 and network errors may pass."""
    if isinstance(error, discord.RateLimited):
        return TransientPostError(str(error), retry_after=error.retry_after)
    if isinstance(error, discord.HTTPException):
        if error.status == 429:
            return TransientPostError(str(error), retry_after=_retry_after(error))
        if error.status >= 500:
            return TransientPostError(str(error))
        return PermanentPostError(str(error))  # 403 Missing Access, 404 Unknown Channel, 400 bad request…
    return TransientPostError(str(error) or type(error).__name__)


class DiscordPoster:
    """`bot.featured.Poster` for Discord: the film's review card under a heading, in a channel.

    The marker goes out twice. As the message nonce (discord.py adds `enforce_nonce`), so
    Discord hands back the earlier message instead of creating a second one for a few
    minutes; this also covers discord.py itself re-sending the POST after a 500/502/504.
    And at the end of the embed footer, since history does not return nonces:
    `find_existing` looks for it in the channel's messages since the day was claimed, oldest
    first (the post follows its claim closely, however busy the channel is since), at most
    `history_limit` of them.

    discord.py retries 5xx up to 5 times (sleeping 1, 3, 5, 7, 9 s) and sleeps through a
    429 whose response has a `Via` header (Discord's; a 429 without it, from Cloudflare,
    raises at once). `timeout` bounds one attempt including those retries; it must stay
    well below the scheduler's lease. Needs View Channel, Send Messages, Embed Links and
    Read Message History in the channel.
    """

    def __init__(
        self,
        client: discord.Client,
        engine: Engine,
        *,
        timeout: float | None = POST_TIMEOUT,
        history_limit: int = HISTORY_LIMIT,
    ) -> None:
        self.client = client
        self.engine = engine
        self.timeout = timeout
        self.history_limit = history_limit

    def _channel(self, channel_key: str) -> discord.PartialMessageable:
        platform, _, channel = channel_key.partition(":")
        if platform != "discord" or not channel.isdigit():
            raise PermanentPostError(f"not a Discord channel: {channel_key}")
        return self.client.get_partial_messageable(int(channel))

    async def post(self, channel_key: str, film_id: str, marker: str) -> str:
        """Post the film's review card to the channel; return the message id."""
        film = self.engine.film(film_id)
        if film is None:
            raise PermanentPostError(f"film {film_id!r} is no longer in the corpus")
        channel = self._channel(channel_key)
        (card,) = cards(self.engine.card(film))
        kwargs: dict[str, Any] = {
            "content": f"**{msg.FEATURED_POST}**",
            "embed": featured_embed(card, marker),
            "nonce": marker,
            "allowed_mentions": NO_MENTIONS,
        }
        if (view := view_for(card)) is not None:
            kwargs["view"] = view
        try:
            async with asyncio.timeout(self.timeout):
                message = await channel.send(**kwargs)
        except TimeoutError:
            raise TransientPostError(f"Discord did not confirm the post within {self.timeout}s") from None
        except _CALL_ERRORS as e:
            raise post_error(e) from e
        finally:
            if view is not None:
                view.stop()  # out of the client's view store: the dynamic items handle clicks, across restarts too
        return str(message.id)

    async def find_existing(self, channel_key: str, marker: str, since: datetime) -> str | None:
        """The id of this bot's message in the channel, posted after `since`, whose footer carries `marker`."""
        me = self.client.user
        if me is None:
            raise TransientPostError("the Discord client is not logged in")
        channel = self._channel(channel_key)
        try:
            async with asyncio.timeout(self.timeout):
                after = since - CLOCK_SKEW
                async for message in channel.history(limit=self.history_limit, after=after, oldest_first=True):
                    if message.author.id == me.id and any(marker in (e.footer.text or "") for e in message.embeds):
                        return str(message.id)
        except TimeoutError:
            raise TransientPostError(f"Discord did not return history within {self.timeout}s") from None
        except discord.NotFound:
            return None  # the channel is gone: post() will fail for good
        except _CALL_ERRORS as e:
            raise post_error(e) from e
        return None
