"""Slack under the supervisor, with real slack-bolt and slack_sdk: unreachable, it retries with backoff and one
line per attempt (slack_sdk's own retry loop and tracebacks are gone); a dropped socket is reconnected; a
rejected bot token is fatal."""

from __future__ import annotations

import asyncio
import logging

import pytest

from adapters.slack_app import SlackService, transient
from adapters.supervise import Backoff, State, Supervisor
from bot import messages as msg
from bot.config import Secrets, SlackConfig
from bot.engine import Engine
from tests.bot_process import free_port
from tests.fakes import slack_driver
from tests.fakes.slack_fake import SlackFake


async def until(check: object, within: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not check():  # type: ignore[operator]
        if loop.time() > deadline:
            raise AssertionError("timed out")
        await asyncio.sleep(0.02)


def supervised(engine: Engine, config: SlackConfig, secrets: Secrets) -> Supervisor:
    supervisor = Supervisor(Backoff(0.05, 0.1))
    supervisor.add("slack", SlackService(engine, config, secrets), transient)
    return supervisor


async def test_unreachable_slack_is_retried_one_line_per_attempt(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    config = SlackConfig(api_base_url=f"http://127.0.0.1:{free_port()}/api/")
    supervisor = supervised(engine, config, Secrets(slack_bot_token="xoxb-1-2", slack_app_token="xapp-1-2"))
    stop = asyncio.Event()
    running = asyncio.ensure_future(supervisor.run(stop))
    await until(lambda: supervisor.platforms["slack"].failures >= 3)
    assert supervisor.states() == {"slack": State.RECONNECTING}
    stop.set()
    await asyncio.wait_for(running, 10)
    shown = [r for r in caplog.records if r.levelno >= logging.INFO]
    assert {r.name for r in shown} <= {"reviewbot.supervise"}, [(r.name, r.getMessage()) for r in shown]
    assert all("slack: cannot connect to 127.0.0.1" in r.getMessage() for r in shown)
    assert not any(r.exc_info for r in shown)


async def test_a_dropped_socket_is_reconnected_and_answers_again(engine: Engine) -> None:
    async with SlackFake() as fake:
        fake.mode = "socket"
        config = SlackConfig(api_base_url=fake.api_base_url)
        supervisor = supervised(engine, config, Secrets(slack_bot_token=fake.bot_token, slack_app_token=fake.app_token))
        stop = asyncio.Event()
        running = asyncio.ensure_future(supervisor.run(stop))
        try:
            await fake.wait_connected(10)
            await fake.drop_socket()
            await until(lambda: len(fake.calls_to("apps.connections.open")) == 2)
            await fake.wait_connected(10)
            await until(lambda: supervisor.states() == {"slack": State.CONNECTED})
            assert supervisor.platforms["slack"].reconnects == 1
            (reply,) = await fake.slash("/review", "celestial symphony")
            assert "Celestial Symphony" in slack_driver.flatten(reply.payload)
        finally:
            stop.set()
            await asyncio.wait_for(running, 10)


async def test_a_rejected_bot_token_is_fatal(engine: Engine) -> None:
    async with SlackFake() as fake:
        config = SlackConfig(api_base_url=fake.api_base_url, host="127.0.0.1", port=free_port())
        secrets = Secrets(slack_bot_token="xoxb-revoked", slack_signing_secret=fake.signing_secret)
        supervisor = supervised(engine, config, secrets)
        await asyncio.wait_for(supervisor.run(asyncio.Event()), 10)
        assert supervisor.all_failed
        assert supervisor.platforms["slack"].detail == msg.SLACK_BOT_TOKEN_REJECTED.format(code="invalid_auth")
        assert len(fake.calls_to("auth.test")) == 1


async def test_http_mode_listens_once_the_bot_token_is_good_and_stops_listening_at_shutdown(engine: Engine) -> None:
    async with SlackFake() as fake:
        port = free_port()
        config = SlackConfig(api_base_url=fake.api_base_url, host="127.0.0.1", port=port)
        secrets = Secrets(slack_bot_token=fake.bot_token, slack_signing_secret=fake.signing_secret)
        supervisor = supervised(engine, config, secrets)
        stop = asyncio.Event()
        running = asyncio.ensure_future(supervisor.run(stop))
        await until(lambda: supervisor.states() == {"slack": State.CONNECTED})
        fake.app_url = f"http://127.0.0.1:{port}{config.path}"
        (reply,) = await fake.slash("/verdict", "radiant reflections")
        assert "Radiant Reflections" in slack_driver.flatten(reply.payload)
        stop.set()
        await asyncio.wait_for(running, 10)
        assert supervisor.states() == {"slack": State.STOPPED}
        with pytest.raises(OSError):  # nothing listens there any more
            await asyncio.open_connection("127.0.0.1", port)
