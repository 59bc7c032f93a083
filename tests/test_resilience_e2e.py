"""`reviewbot run`, the real process, when a platform is unreachable, rejects its token, or the process is
told to stop during a featured post: each platform fails and recovers on its own, and the health endpoint
says so."""

from __future__ import annotations

import json
import re
import signal
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot import messages as msg
from bot.featured import marker
from bot.store import Store
from tests.bot_process import LOG_LINE, START_WITHIN, bot_env, discord_at, free_port, metric, running
from tests.fakes import discord_driver, slack_driver
from tests.fakes.discord_fake import FakeDiscord
from tests.fakes.slack_fake import SlackFake

NOISE = ("PyNaCl is not installed", "davey is not installed", "token will be unused", "Traceback")


def slack_socket(slack: SlackFake) -> dict[str, str]:
    return {
        "SLACK_BOT_TOKEN": slack.bot_token,
        "SLACK_APP_TOKEN": slack.app_token,
        "REVIEWBOT_SLACK_API_BASE_URL": slack.api_base_url,
    }


async def test_discord_unreachable_slack_answers_then_discord_connects_without_a_restart(tmp_path: Path) -> None:
    discord_port, health_port = free_port(), free_port()
    async with SlackFake() as slack:
        slack.mode = "socket"
        env = bot_env(
            tmp_path, health_port, DISCORD_TOKEN=discord_driver.TOKEN, **discord_at(discord_port), **slack_socket(slack)
        )
        async with running(env, health_port) as bot:
            # Discord is down (nothing listens on its port): Slack answers all the same.
            await slack.wait_connected(START_WITHIN)
            (reply,) = await slack.slash("/verdict", "radiant reflection")
            assert "Radiant Reflections" in slack_driver.flatten(reply.payload)

            def states(status: int, body: dict[str, object]) -> bool:
                platforms = body["platforms"]
                assert isinstance(platforms, dict)
                return platforms["discord"]["state"] == "reconnecting" and platforms["slack"]["state"] == "connected"

            body = await bot.wait_readyz(lambda status, body: status == 503 and states(status, body))
            assert body["ready"] is False and body["corpus"] == {"state": "loaded", "films": 2, "reviews": 2}
            assert "cannot connect" in body["platforms"]["discord"]["detail"]
            await bot.wait_log(r"discord: cannot connect .*; retrying in .* \(attempt 2\)")
            before = await bot.metrics()
            assert metric(before, "reviewbot_questions_total", platform="slack", intent="verdict") == 1
            assert metric(before, "reviewbot_questions_total", platform="discord", intent="review") == 0

            # Discord comes up on that port: the bot connects without a restart and answers.
            async with FakeDiscord(port=discord_port) as discord:
                await discord.wait_ready(within=START_WITHIN)
                await discord.wait_for(lambda: "review" in discord.command_names() or None, START_WITHIN, "commands")
                body = await bot.wait_readyz(lambda status, body: status == 200)
                assert {p["state"] for p in body["platforms"].values()} == {"connected"}
                interaction = await discord.slash("review", {"title": "celestial symphny"})
                (card,) = await discord.interaction_replies(interaction)
                assert "Celestial Symphony" in discord_driver.flatten(card.data)
                after = await bot.metrics()
                code, took = await bot.stop(signal.SIGTERM)
            log = bot.log
    assert code == 0 and took < 10, log
    assert metric(after, "reviewbot_questions_total", platform="discord", intent="review") == 1
    assert metric(after, "reviewbot_answers_total", platform="discord", answer="review_card") == 1
    assert metric(after, "reviewbot_answer_seconds_count", platform="discord", intent="review") == 1
    assert metric(after, "reviewbot_platform_reconnects_total", platform="discord") >= 2
    assert metric(after, "reviewbot_platform_state", platform="discord", reviewbot_platform_state="connected") == 1
    assert metric(after, "reviewbot_corpus_films") == 2 and metric(after, "reviewbot_corpus_reviews") == 2
    for noise in NOISE:
        assert noise not in log, f"{noise!r} at the default log level"
    assert all(LOG_LINE.match(line) for line in log.splitlines()), f"one line per event:\n{log}"
    attempts = [line for line in log.splitlines() if re.search(r"discord: .*retrying in", line)]
    assert len(attempts) >= 2 and all("WARNING" in line for line in attempts)
    assert "discord: connected again after" in log
    for secret in (discord_driver.TOKEN, slack.bot_token, slack.app_token):
        assert secret not in log


async def test_a_rejected_token_is_reported_once_and_the_other_platform_keeps_answering(tmp_path: Path) -> None:
    health_port = free_port()
    async with FakeDiscord() as discord, SlackFake() as slack:
        slack.mode = "socket"
        settings = {**discord_at(discord.port), **slack_socket(slack), "SLACK_APP_TOKEN": "xapp-revoked-token"}
        env = bot_env(tmp_path, health_port, DISCORD_TOKEN=discord_driver.TOKEN, **settings)
        async with running(env, health_port) as bot:
            body = await bot.wait_readyz(
                lambda status, body: (
                    body["platforms"]["slack"]["state"] == "failed"
                    and body["platforms"]["discord"]["state"] == "connected"
                )
            )
            assert body["ready"] is False
            interaction = await discord.slash("verdict", {"title": "radiant reflections"})
            (card,) = await discord.interaction_replies(interaction)
            assert "Radiant Reflections" in discord_driver.flatten(card.data)
            code, _ = await bot.stop(signal.SIGTERM)
            log = bot.log
    assert code == 0, log
    reported = msg.SLACK_APP_TOKEN_REJECTED.format(code="invalid_auth")
    assert log.count(reported) == 1, log
    assert len(slack.calls_to("apps.connections.open")) == 1, "a rejected token is not retried"
    assert "Traceback" not in log and "xapp-revoked-token" not in log


@pytest.mark.parametrize("log_format", ["text", "json"])
async def test_the_only_platform_rejecting_its_token_ends_the_process_with_status_2(
    tmp_path: Path, log_format: str
) -> None:
    health_port = free_port()
    async with FakeDiscord() as discord:
        discord.token = "the.real.token"
        env = bot_env(tmp_path, health_port, DISCORD_TOKEN="an.old.token-that-was-reset", **discord_at(discord.port))
        env["REVIEWBOT_LOG_FORMAT"] = log_format
        async with running(env, health_port) as bot:
            code = await bot.exited()
            log = bot.log
    assert code == 2, log
    if log_format == "json":
        entries = [json.loads(line) for line in log.splitlines()]  # every line is one JSON object
        assert all(set(e) == {"time", "level", "logger", "message"} for e in entries), entries
        messages = [e["message"] for e in entries]
    else:
        assert all(LOG_LINE.match(line) for line in log.splitlines()), log
        messages = log.splitlines()
    assert sum(msg.DISCORD_TOKEN_REJECTED in m for m in messages) == 1, log
    assert any(msg.CLI_NO_PLATFORM_LEFT.format(names="discord") in m for m in messages), log
    assert "Traceback" not in log and "an.old.token-that-was-reset" not in log
    assert sum(1 for r in discord.requests if r.path == "/users/@me") == 1, "a rejected token is not retried"


@pytest.mark.parametrize("after_write", [False, True], ids=["before-the-post", "post-made-answer-lost"])
async def test_sigterm_during_a_featured_post_leaves_it_made_once(tmp_path: Path, after_write: bool) -> None:
    """SIGTERM while the featured post's request hangs: the process exits 0 within 10 s, the claim is released,
    and the next start makes the post or finds it: one post, recorded, either way."""
    yesterday = datetime.now(UTC) - timedelta(days=1)
    async with FakeDiscord() as discord:
        channel = str(discord.channel_id("c1"))
        key = f"discord:{channel}"
        store = await Store.open(None, tmp_path, clock=lambda: yesterday)
        await store.subscribe("discord", channel, "00:00", "UTC", created_by="test")  # today's 00:00 is due
        await store.close()
        discord.hang_creates("c1", after_write=after_write)
        health_port = free_port()
        env = bot_env(tmp_path, health_port, DISCORD_TOKEN=discord_driver.TOKEN, **discord_at(discord.port))
        creates = f"/channels/{channel}/messages"

        def posts_tried() -> int:
            return sum(1 for r in discord.requests if r.method == "POST" and r.path == creates)

        async with running(env, health_port) as bot:
            await discord.wait_for(lambda: posts_tried() >= 1 or None, START_WITHIN, "the featured post")
            code, took = await bot.stop(signal.SIGTERM)
            first_log = bot.log
        assert code == 0 and took < 10, first_log
        assert "featured: released" in first_log and "Traceback" not in first_log
        today = datetime.now(UTC).date()
        store = await Store.open(None, tmp_path)
        try:
            post = await store.get_post(key, today)
            assert post is not None and post.message_id is None and post.lease_expires_at <= datetime.now(UTC)
        finally:
            await store.close()
        assert len(discord.bot_posts("c1")) == (1 if after_write else 0)

        async with running(env, health_port) as bot:  # the next start: post it, or find the one made
            await bot.wait_log(r"featured: (posted|.* was already posted)")
            code, _ = await bot.stop(signal.SIGTERM)
            second_log = bot.log
        assert code == 0, second_log
    (made,) = discord.bot_posts("c1")
    assert marker(key, today) in discord_driver.flatten(made.data)
    store = await Store.open(None, tmp_path)
    try:
        post = await store.get_post(key, today)
    finally:
        await store.close()
    assert post is not None and post.message_id == str(made.id)
    assert ("was already posted" in second_log) is after_write
