"""Discord under the supervisor, with real discord.py against the fake: a gateway that closes is resumed by
discord.py itself; a Discord that goes away is retried by the supervisor with a new client, which answers
when Discord is back, without syncing the commands again."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterator

import discord
import pytest

from adapters.discord_bot import DiscordService, transient
from adapters.supervise import Backoff, State, Supervisor
from bot.config import DiscordConfig
from bot.engine import Engine
from tests.fakes.discord_driver import TOKEN, flatten
from tests.fakes.discord_fake import FakeDiscord


@pytest.fixture(autouse=True)
def endpoints() -> Iterator[None]:
    """`configure_endpoints` is process-wide: put discord.py's own back afterwards."""
    saved = (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
    yield
    discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = saved


async def until(check: Callable[[], bool], within: float = 20.0) -> None:
    for _ in range(int(within / 0.02)):
        if check():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("timed out")


async def test_discord_going_away_is_retried_with_a_new_client_that_answers_when_it_is_back(engine: Engine) -> None:
    first = FakeDiscord()
    await first.start()
    config = DiscordConfig(api_base_url=first.api_base_url, gateway_url=first.gateway_url)
    supervisor = Supervisor(Backoff(0.05, 0.1))
    supervisor.add("discord", DiscordService(engine, config, TOKEN), transient)
    stop = asyncio.Event()
    running = asyncio.ensure_future(supervisor.run(stop))
    try:
        await until(lambda: supervisor.states()["discord"] is State.CONNECTED)
        for session in first.sessions:  # a gateway that closes: discord.py resumes it on its own
            await session.ws.close()
        await first.wait_for(lambda: len(first.identifies) == 2 or None, 20, "a new session")
        assert supervisor.platforms["discord"].reconnects == 0

        await first.close()  # Discord goes away
        await until(lambda: supervisor.platforms["discord"].failures >= 2)
        assert supervisor.states()["discord"] is State.RECONNECTING
        async with FakeDiscord(port=first.port) as second:  # and comes back
            second.commands = first.commands  # Discord keeps the commands registered
            await until(lambda: supervisor.states()["discord"] is State.CONNECTED)
            interaction = await second.slash("review", {"title": "celestial symphony"})
            (card,) = await second.interaction_replies(interaction)
            assert "Celestial Symphony" in flatten(card.data)
            assert not [r for r in second.requests if r.method == "PUT"], "commands are synced once per process"
            assert supervisor.platforms["discord"].reconnects >= 2
    finally:
        stop.set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(running, 15)
        await first.close()
    assert supervisor.states() == {"discord": State.STOPPED}
