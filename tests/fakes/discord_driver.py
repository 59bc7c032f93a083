"""The Discord end-to-end harness: real discord.py + the adapter against `FakeDiscord`.

async with discord_driver(engine) as driver:
    replies = await driver.command("review", "Celestial Symphony")
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import discord
import discord.gateway
import discord.http

from adapters.discord_bot import configure_endpoints, create_client
from bot.config import DiscordConfig
from bot.engine import Engine
from bot.featured import FeaturedCommands
from bot.reload import Reloader
from tests.contract.driver import Reply
from tests.fakes.discord_fake import BUTTON, EPHEMERAL, GUILD_IDS, SELECT, FakeDiscord, FakeMessage

TOKEN = "fake.discord.token"
OPTION_OF = {"review": "title", "verdict": "title", "ask": "question"}


def flatten(message: dict[str, Any]) -> str:
    """All visible text of a message: content, then each embed's title, description, fields, footer."""
    parts = [message.get("content") or ""]
    for embed in message.get("embeds") or []:
        parts.append((embed.get("author") or {}).get("name") or "")
        parts.append(embed.get("title") or "")
        parts.append(embed.get("description") or "")
        for f in embed.get("fields") or []:
            parts.append(f"{f.get('name') or ''}\n{f.get('value') or ''}")
        parts.append((embed.get("footer") or {}).get("text") or "")
    return "\n".join(p for p in parts if p and p != "\u200b")


def components(message: dict[str, Any], kind: int) -> list[dict[str, Any]]:
    return [c for row in message.get("components") or [] for c in row.get("components") or [] if c.get("type") == kind]


def button_labels(message: dict[str, Any]) -> tuple[str, ...]:
    return tuple(c.get("label") or "" for c in components(message, BUTTON))


def option_labels(message: dict[str, Any]) -> tuple[str, ...]:
    return tuple(o.get("label") or "" for c in components(message, SELECT) for o in c.get("options") or [])


def to_reply(message: FakeMessage | dict[str, Any]) -> Reply:
    data = message.data if isinstance(message, FakeMessage) else message
    return Reply(
        text=flatten(data),
        ephemeral=bool(int(data.get("flags") or 0) & EPHEMERAL),
        buttons=button_labels(data),
        menu=option_labels(data),
        raw=data,
    )


@dataclasses.dataclass
class DiscordDriver:
    fake: FakeDiscord
    client: discord.Client
    platform: str = "discord"
    timeout: float = 5.0

    async def command(self, name: str, text: str, channel: str = "c1", *, reviewer: str | None = None) -> list[Reply]:
        option = OPTION_OF.get(name)
        options = {option: text} if option and text else {}
        if reviewer is not None:
            options["reviewer"] = reviewer
        iid = await self.fake.slash(name, options, channel=channel)
        return [to_reply(m) for m in await self.fake.interaction_replies(iid, self.timeout)]

    async def mention(self, text: str, channel: str = "c1", *, after: Reply | None = None) -> list[Reply]:
        mid = await self.fake.send_message(text, channel=channel)
        return [to_reply(m) for m in await self.fake.message_replies(mid, self.timeout)]

    async def dm(self, text: str) -> list[Reply]:
        mid = await self.fake.send_message(text, mention_bot=False, dm=True)
        return [to_reply(m) for m in await self.fake.message_replies(mid, self.timeout)]

    async def click(self, reply: Reply, label: str, channel: str = "c1") -> list[Reply]:
        raw = reply.raw or {}
        for row in raw.get("components") or []:
            for component in row.get("components") or []:
                if component.get("label") == label and component.get("custom_id"):
                    iid = await self.fake.click(raw, component["custom_id"])
                    return [to_reply(m) for m in await self.fake.interaction_replies(iid, self.timeout)]
        raise AssertionError(f"no button {label!r} on reply (buttons: {reply.buttons})")

    async def select(self, reply: Reply, option: str, channel: str = "c1") -> list[Reply]:
        raw = reply.raw or {}
        for menu in components(raw, SELECT):
            for o in menu.get("options") or []:
                if o.get("label") == option:
                    iid = await self.fake.select(raw, menu["custom_id"], [o["value"]])
                    return [to_reply(m) for m in await self.fake.interaction_replies(iid, self.timeout)]
        raise AssertionError(f"no option {option!r} in the reply's menu (options: {reply.menu})")

    async def featured(
        self,
        sub: str,
        options: dict[str, str] | None = None,
        *,
        channel: str = "c1",
        guild: bool = True,
        permissions: str | int | None = None,
    ) -> list[Reply]:
        """Run `/featured <sub>` as a member with `permissions` (default: all)."""
        iid = await self.fake.slash(f"featured {sub}", options, channel=channel, guild=guild, permissions=permissions)
        return [to_reply(m) for m in await self.fake.interaction_replies(iid, self.timeout)]

    async def autocomplete(
        self, name: str, value: str, *, option: str | None = None, others: dict[str, str] | None = None
    ) -> list[dict[str, Any]]:
        return await self.fake.autocomplete(name, option or OPTION_OF.get(name, "title"), value, others=others)


@contextlib.asynccontextmanager
async def discord_driver(
    engine: Engine,
    config: DiscordConfig | None = None,
    *,
    guild_ids: tuple[int, ...] = GUILD_IDS[:1],
    defer_after: float | None = None,
    start_within: float = 10.0,
    featured: FeaturedCommands | None = None,
    reloader: Reloader | None = None,
) -> AsyncIterator[DiscordDriver]:
    """Start the fake and the real client through the adapter; yield a ready `DiscordDriver`.

    Without `config`, mentions and DMs are on (`message_content=True`) as the contract suite needs.
    With `featured`, /featured is registered.
    """
    saved = (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
    async with FakeDiscord(guild_ids=guild_ids) as fake:
        cfg = dataclasses.replace(
            config or DiscordConfig(message_content=True), api_base_url=fake.api_base_url, gateway_url=fake.gateway_url
        )
        configure_endpoints(cfg)
        options: dict[str, Any] = {"guild_ready_timeout": 0.05, "featured": featured, "reloader": reloader}
        if defer_after is not None:
            options["defer_after"] = defer_after
        client = create_client(engine, cfg, **options)
        # AutoShardedClient waits 5 s between IDENTIFYs (Discord's rate limit); the fake has none.
        client.before_identify_hook = _no_identify_wait  # type: ignore[method-assign]
        runner = asyncio.create_task(client.start(TOKEN), name="discord-client")
        try:
            await _until_ready(fake, client, runner, start_within)
            yield DiscordDriver(fake, client)
        finally:
            await client.close()
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(runner, start_within)  # cancels it if close() did not end it
            discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = saved


async def _no_identify_wait(shard_id: int | None, *, initial: bool = False) -> None:
    return None


async def _until_ready(fake: FakeDiscord, client: discord.Client, runner: asyncio.Task[None], within: float) -> None:
    async def ready() -> None:
        await fake.wait_ready(within=within)  # identified, so login() has set up the client
        await client.wait_until_ready()

    waiter = asyncio.create_task(ready())
    try:
        done, _ = await asyncio.wait({waiter, runner}, timeout=within, return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiter.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await waiter
    if runner in done:
        runner.result()  # re-raise the startup error
        raise RuntimeError("discord client stopped before it was ready")
    if waiter not in done:
        raise TimeoutError("discord client was not ready in time")
