"""The clients (plain, or sharded from config), their intents and endpoints, and running them under the
supervisor (`DiscordService`): each attempt is a new client, since a closed discord.py client cannot start again."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import discord
import yarl

from adapters.discord_bot.core import ReviewBot
from adapters.discord_bot.poster import DiscordPoster
from adapters.discord_bot.replies import DEFER_AFTER, NO_MENTIONS
from adapters.supervise import Fatal, Inflight, Link, Supervisor
from bot import messages as msg
from bot.config import DiscordConfig
from bot.engine import Engine
from bot.featured import FeaturedCommands
from bot.reload import Reloader

# Gateway close codes no retry can get past: authentication failed, invalid shard, sharding required,
# invalid API version, invalid intents, disallowed (privileged) intents.
FATAL_CLOSE_CODES = {
    4004: "authentication failed",
    4010: "invalid shard",
    4011: "sharding required",
    4012: "invalid API version",
    4013: "invalid intents",
    4014: "disallowed intents",
}


class ReviewBotClient(discord.Client):
    """A plain client whose commands, clicks and messages are handled by `ReviewBot`."""

    def __init__(
        self,
        engine: Engine,
        config: DiscordConfig,
        *,
        defer_after: float = DEFER_AFTER,
        featured: FeaturedCommands | None = None,
        inflight: Inflight | None = None,
        sync_commands: bool = True,
        reloader: Reloader | None = None,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        self.reviewbot = ReviewBot(
            self, engine, config, defer_after, featured, inflight or Inflight(), sync_commands, reloader
        )

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
    inflight: Inflight | None = None,
    sync_commands: bool = True,
    reloader: Reloader | None = None,
) -> discord.Client:
    """A ready-to-start client with the command tree; sharded when `config.shard_count` is set.

    `/featured` is registered only when `featured` is given, `/reload` only when `reloader` is;
    `inflight` counts the answers being sent.
    """
    quiet()
    options: dict[str, Any] = {
        "intents": intents_for(config),
        "allowed_mentions": NO_MENTIONS,
        "guild_ready_timeout": guild_ready_timeout,
        "defer_after": defer_after,
        "featured": featured,
        "inflight": inflight,
        "sync_commands": sync_commands,
        "reloader": reloader,
    }
    if config.shard_count is not None:
        options["shard_count"] = config.shard_count
        if config.shard_ids is not None:
            options["shard_ids"] = list(config.shard_ids)
        return ShardedReviewBotClient(engine, config, **options)
    return ReviewBotClient(engine, config, **options)


def quiet() -> None:
    """No start-up noise: the bot has no voice, so no warnings about voice libraries; discord.py's
    INFO lines (logging in, connected to the gateway) only at DEBUG, since the supervisor says it."""
    discord.VoiceClient.warn_nacl = False
    discord.VoiceClient.warn_dave = False
    debug = logging.getLogger().isEnabledFor(logging.DEBUG)
    logging.getLogger("discord").setLevel(logging.NOTSET if debug else logging.WARNING)


def configure_endpoints(config: DiscordConfig) -> None:
    """Point discord.py at `config.api_base_url` / `config.gateway_url` (process-wide)."""
    if config.api_base_url:
        discord.http.Route.BASE = config.api_base_url.rstrip("/")
    if config.gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(config.gateway_url)


def transient(error: BaseException) -> str | None:
    """Discord's own retryable failures, in a few words: 5xx, 429, no gateway, a gateway that closed."""
    if isinstance(error, discord.HTTPException) and (error.status >= 500 or error.status == 429):
        return f"HTTP {error.status}"
    if isinstance(error, discord.GatewayNotFound):
        return "no gateway"
    if isinstance(error, discord.ConnectionClosed):
        return f"the gateway closed the connection (code {error.code})"
    return None


def fatal(error: BaseException) -> Fatal | None:
    """What a Discord error no retry can fix means for the admin, or None."""
    if isinstance(error, discord.LoginFailure):
        return Fatal(msg.DISCORD_TOKEN_REJECTED)
    if isinstance(error, discord.PrivilegedIntentsRequired):
        return Fatal(msg.DISCORD_INTENT_MISSING)
    if isinstance(error, discord.ConnectionClosed) and error.code in FATAL_CLOSE_CODES:
        if error.code == 4014:
            return Fatal(msg.DISCORD_INTENT_MISSING)
        if error.code == 4004:
            return Fatal(msg.DISCORD_TOKEN_REJECTED)
        return Fatal(msg.DISCORD_GATEWAY_REFUSED.format(code=error.code, reason=FATAL_CLOSE_CODES[error.code]))
    return None


class DiscordService:
    """Discord as the supervisor runs it: one attempt is one client, logged in, connected and ready,
    answering (and posting featured reviews, with `featured`) until the process stops or the connection drops.

    discord.py's own reconnect is off (`reconnect=False`): a gateway that asks to reconnect, or closes
    in a way discord.py can resume, is still resumed by discord.py; every other failure ends the attempt
    and comes to the supervisor and its backoff. The commands are synced once per process.
    """

    def __init__(
        self,
        engine: Engine,
        config: DiscordConfig,
        token: str,
        *,
        featured: FeaturedCommands | None = None,
        inflight: Inflight | None = None,
        report: Callable[[str], object] | None = None,
        reloader: Reloader | None = None,
    ) -> None:
        self.engine = engine
        self.config = config
        self.featured = featured
        self.reloader = reloader
        self.inflight = inflight or Inflight()
        self._token = token
        self._report = report
        self._synced = False

    async def __call__(self, link: Link) -> None:
        configure_endpoints(self.config)
        client = create_client(
            self.engine,
            self.config,
            featured=self.featured,
            inflight=self.inflight,
            sync_commands=not self._synced,
            reloader=self.reloader,
        )
        stop = asyncio.Event()
        scheduler: asyncio.Task[None] | None = None
        try:
            async with client:
                runner = asyncio.ensure_future(client.start(self._token, reconnect=False))
                try:
                    if not await link.until(asyncio.ensure_future(client.wait_until_ready()), runner):
                        return
                    self._synced = True
                    link.connected()
                    if self.featured is not None:
                        scheduler = asyncio.create_task(
                            self._schedule(client, stop, link.grace), name="discord-featured"
                        )
                    await link.hold(runner)
                finally:
                    stop.set()  # no new featured ticks; one under way gets the grace time, then gives its claim back
                    waits = [self.inflight.drain(link.grace)]
                    if scheduler is not None:
                        waits.append(asyncio.wait({scheduler}, timeout=link.grace + 1.5))
                    await asyncio.gather(*waits)
                    if scheduler is not None and not scheduler.done():
                        scheduler.cancel()
                        await asyncio.wait({scheduler}, timeout=0.5)
                    await client.close()
                    await asyncio.gather(runner, return_exceptions=True)
        except Exception as error:
            problem = fatal(error)
            if problem is None:
                raise
            raise problem from None

    async def _schedule(self, client: discord.Client, stop: asyncio.Event, grace: float) -> None:
        assert self.featured is not None
        scheduler = self.featured.scheduler(DiscordPoster(client, self.engine), "discord", report=self._report)
        await scheduler.run(stop, grace=grace)


async def run(
    engine: Engine,
    config: DiscordConfig,
    token: str,
    *,
    featured: FeaturedCommands | None = None,
    reloader: Reloader | None = None,
) -> None:
    """Connect to Discord and answer until cancelled, reconnecting after failures (see `DiscordService`).

    With `featured`, also register /featured and post Discord's featured reviews from `featured.store`;
    with `reloader`, register /reload.
    """
    supervisor = Supervisor()
    service = DiscordService(engine, config, token, featured=featured, reloader=reloader)
    supervisor.add("discord", service, transient)
    await supervisor.run(asyncio.Event())
