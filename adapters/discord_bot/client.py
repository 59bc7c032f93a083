"""The clients (plain, or sharded from config), their intents and endpoints, and `run`."""

from __future__ import annotations

import asyncio
from typing import Any

import discord
import yarl

from adapters.discord_bot.core import ReviewBot
from adapters.discord_bot.poster import DiscordPoster
from adapters.discord_bot.replies import DEFER_AFTER, NO_MENTIONS
from bot.config import DiscordConfig
from bot.engine import Engine
from bot.featured import FeaturedCommands
from bot.reload import Reloader


class ReviewBotClient(discord.Client):
    """A plain client whose commands, clicks and messages are handled by `ReviewBot`."""

    def __init__(
        self,
        engine: Engine,
        config: DiscordConfig,
        *,
        defer_after: float = DEFER_AFTER,
        featured: FeaturedCommands | None = None,
        reloader: Reloader | None = None,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        self.reviewbot = ReviewBot(self, engine, config, defer_after, featured, reloader)

    async def setup_hook(self) -> None:
        await self.reviewbot.setup()

    async def on_message(self, message: discord.Message) -> None:
        await self.reviewbot.on_message(message)


class ShardedReviewBotClient(ReviewBotClient, discord.AutoShardedClient):
    """The same bot on `AutoShardedClient` (shard count and ids from config)."""


def intents_for(config: DiscordConfig) -> discord.Intents:
    intents = discord.Intents.default()
    intents.message_content = config.message_content
    # Without message content there is nothing to answer in messages: don't receive them.
    intents.guild_messages = config.message_content
    intents.dm_messages = config.message_content
    intents.typing = False
    intents.dm_typing = False
    return intents


def create_client(
    engine: Engine,
    config: DiscordConfig,
    *,
    guild_ready_timeout: float = 2.0,
    defer_after: float = DEFER_AFTER,
    featured: FeaturedCommands | None = None,
    reloader: Reloader | None = None,
) -> discord.Client:
    """A ready-to-start client with the command tree; sharded when `config.shard_count` is set.

    `/featured` is registered only when `featured` is given, `/reload` only when `reloader` is.
    """
    options: dict[str, Any] = {
        "intents": intents_for(config),
        "allowed_mentions": NO_MENTIONS,
        "guild_ready_timeout": guild_ready_timeout,
    }
    if config.shard_count is not None:
        options["shard_count"] = config.shard_count
        if config.shard_ids is not None:
            options["shard_ids"] = list(config.shard_ids)
        return ShardedReviewBotClient(
            engine, config, defer_after=defer_after, featured=featured, reloader=reloader, **options
        )
    return ReviewBotClient(engine, config, defer_after=defer_after, featured=featured, reloader=reloader, **options)


def configure_endpoints(config: DiscordConfig) -> None:
    """Point discord.py at `config.api_base_url` / `config.gateway_url` (process-wide)."""
    if config.api_base_url:
        discord.http.Route.BASE = config.api_base_url.rstrip("/")
    if config.gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(config.gateway_url)


async def run(
    engine: Engine,
    config: DiscordConfig,
    token: str,
    *,
    featured: FeaturedCommands | None = None,
    reloader: Reloader | None = None,
) -> None:
    """Connect to Discord and answer until cancelled.

    With `featured`, also register /featured and post Discord's featured reviews from
    `featured.store` once the client is ready. With `reloader`, register /reload.
    """
    configure_endpoints(config)
    client = create_client(engine, config, featured=featured, reloader=reloader)
    async with client:
        if featured is None:
            await client.start(token)
            return
        scheduler = featured.scheduler(DiscordPoster(client, engine), "discord")
        stop = asyncio.Event()

        async def schedule() -> None:
            await client.wait_until_ready()
            await scheduler.run(stop)

        task = asyncio.create_task(schedule(), name="discord-featured")
        try:
            await client.start(token)
        finally:
            stop.set()
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
