"""`reviewbot run`, the real process, with fake credentials and proxy settings pointing at the fakes."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from tests.bot_process import free_port
from tests.conftest import ROOT
from tests.fakes import discord_driver, slack_driver
from tests.fakes.discord_fake import FakeDiscord
from tests.fakes.slack_fake import SlackFake

START_WITHIN = 40.0  # a cold interpreter importing discord.py and slack-bolt on a busy 2-core machine


async def test_run_starts_discord_and_slack_through_the_configured_endpoints(tmp_path: Path) -> None:
    slack = await SlackFake().start()
    slack.mode = "socket"
    async with FakeDiscord() as discord:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_", "REVIEWBOT_"))}
        env.update(
            DISCORD_TOKEN=discord_driver.TOKEN,
            REVIEWBOT_DISCORD_API_BASE_URL=discord.api_base_url,
            REVIEWBOT_DISCORD_GATEWAY_URL=discord.gateway_url,
            SLACK_BOT_TOKEN=slack.bot_token,
            SLACK_APP_TOKEN=slack.app_token,
            REVIEWBOT_SLACK_API_BASE_URL=slack.api_base_url,
            REVIEWBOT_DATA_DIR=str(tmp_path),
            REVIEWBOT_HEALTH_HOST="127.0.0.1",
            REVIEWBOT_HEALTH_PORT=str(free_port()),
            REVIEWBOT_LOG_LEVEL="DEBUG",  # the chattiest setting, where a leaked secret would show
        )
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "adapters.cli", "run",
            cwd=ROOT, env=env, stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        try:
            await discord.wait_ready(within=START_WITHIN)
            await discord.wait_for(lambda: "review" in discord.command_names() or None, START_WITHIN, "commands")
            interaction = await discord.slash("review", {"title": "celestial symphny"})
            (card,) = await discord.interaction_replies(interaction)
            assert "Celestial Symphony" in discord_driver.flatten(card.data)
            assert "featured" in discord.command_names()

            await slack.wait_connected(START_WITHIN)
            (reply,) = await slack.slash("/verdict", "radiant reflection")
            assert "Radiant Reflections" in slack_driver.flatten(reply.payload) and not reply.ephemeral
        finally:
            if proc.returncode is None:
                proc.send_signal(signal.SIGINT)
            out, err = await asyncio.wait_for(proc.communicate(), 30)
            await slack.close()
    logs = (out + err).decode()
    assert "discord" in logs.lower() and "slack" in logs.lower(), "DEBUG logging is on, so both platforms log"
    assert proc.returncode == 0, logs  # SIGINT: a clean shutdown
    assert "Traceback" not in logs
    assert (tmp_path / "reviewbot.sqlite3").exists(), "state lives in SQLite under data_dir by default"
    assert any((tmp_path / "index").iterdir()), "the search indexes are persisted for a warm restart"
    for secret in (discord_driver.TOKEN, slack.bot_token, slack.app_token):
        assert secret not in logs, "secrets never appear in logs"
