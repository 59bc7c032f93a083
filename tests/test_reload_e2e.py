"""The live corpus in `reviewbot run`, the real process: files dropped in, edited and removed while it answers.

Started from another folder than the project's (no config file there: the corpus comes from REVIEWBOT_CORPUS).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from bot import messages as msg
from tests.conftest import CORPUS
from tests.fakes import discord_driver, slack_driver
from tests.fakes.discord_fake import MANAGE_GUILD, MEMBER_PERMISSIONS, FakeDiscord
from tests.fakes.slack_fake import SlackFake

START_WITHIN = 40.0  # a cold interpreter importing discord.py and slack-bolt on a busy 2-core machine
SOON = 10.0  # the bot sees a change well within a second; a shared machine may be slow
ADMIN = str(int(MEMBER_PERMISSIONS) | MANAGE_GUILD)
PAPER_MOON = "---\ntitle: Paper Moon\nyear: 1973\n---\nPaper Moon is a delightful, warm film. The acting is superb.\n"
NIGHT_TRAIN = "---\ntitle: Night Train\n---\nNight Train is a quiet, moving drama with gorgeous visuals.\n"
BROKEN = "---\ntitle: [unclosed\n---\nThis front matter is broken.\n"


class Running:
    """A `reviewbot run` process and what it logged so far."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.lines: list[str] = []

    def logs(self) -> str:
        return "".join(self.lines)

    async def logged(self, text: str) -> bool:
        await asyncio.sleep(0.1)
        return text in self.logs()


@asynccontextmanager
async def bot_process(tmp_path: Path, **env: str) -> AsyncIterator[Running]:
    """`reviewbot run` started in an empty folder with `env` (stopped with SIGINT at the end, which must be clean)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_", "REVIEWBOT_"))}
    base.update(REVIEWBOT_DATA_DIR=str(tmp_path / "data"), REVIEWBOT_WATCH_DEBOUNCE_MS="100", **env)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "adapters.cli", "run",
        cwd=elsewhere, env=base, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    running = Running(proc)

    async def read() -> None:
        assert proc.stdout is not None
        async for line in proc.stdout:
            running.lines.append(line.decode(errors="replace"))

    reader = asyncio.create_task(read())
    try:
        yield running
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGINT)
        await asyncio.wait_for(proc.wait(), 30)
        await reader
    logs = running.logs()
    assert proc.returncode in (0, 130), logs
    assert "Traceback" not in logs


def corpus_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(CORPUS, folder)
    return folder


async def until(check: Callable[[], Awaitable[bool]], within: float = SOON) -> float:
    """Seconds until `check()` is true; fails after `within`."""
    start = time.monotonic()
    while not await check():
        if time.monotonic() - start > within:
            raise AssertionError(f"not within {within} s")
        await asyncio.sleep(0.1)
    return time.monotonic() - start


async def test_slack_answers_throughout_while_files_are_added_edited_broken_and_removed(tmp_path: Path) -> None:
    corpus = corpus_copy(tmp_path)
    slack = await SlackFake(reply_timeout=10.0, settle=0.1).start()
    slack.mode = "socket"
    slack.set_user("UADMIN", is_admin=True)
    try:
        async with bot_process(
            tmp_path,
            REVIEWBOT_CORPUS=str(corpus),
            SLACK_BOT_TOKEN=slack.bot_token,
            SLACK_APP_TOKEN=slack.app_token,
            REVIEWBOT_SLACK_API_BASE_URL=slack.api_base_url,
        ) as bot:
            await slack.wait_connected(START_WITHIN)

            async def review(title: str, user: str | None = None) -> str:
                replies = await slack.command_replies("/review", title, user=user)
                assert len(replies) == 1, (title, replies)
                return slack_driver.flatten(replies[0].payload)

            async def answered(title: str) -> bool:
                return title in await review(title)

            await until(lambda: answered("Celestial Symphony"), START_WITHIN)  # the first load is done
            asked: list[str] = []
            stop = asyncio.Event()

            async def keep_asking() -> None:  # a member asking all along: no answer may be dropped meanwhile
                while not stop.is_set():
                    asked.append(await review("Radiant Reflections"))

            asking = asyncio.create_task(keep_asking())
            (corpus / "paper-moon.md").write_text(PAPER_MOON)
            seconds = await until(lambda: answered("Paper Moon"))
            assert seconds < SOON, "a file dropped in is answered within seconds, with no restart"

            (corpus / "paper-moon.md").write_text(BROKEN)  # an edit that breaks it: the last good version stays
            await until(lambda: bot.logged("paper-moon.md:2"))
            assert await answered("Paper Moon")

            (refused,) = await slack.command_replies("/reload", "")
            assert msg.RELOAD_ADMINS_ONLY in slack_driver.flatten(refused.payload) and refused.ephemeral
            (corpus / "night-train.md").write_text(NIGHT_TRAIN)
            (report,) = await slack.command_replies("/reload", "", user="UADMIN")
            shown = slack_driver.flatten(report.payload)
            assert report.ephemeral and "Reloaded the reviews:" in shown, shown
            assert "1 problem" in shown and "paper-moon.md:2" in shown, shown
            assert await answered("Night Train")

            (corpus / "celestial-symphony.txt").unlink()
            await until(lambda: _gone(review, "Celestial Symphony"))
            stop.set()
            await asking
            assert len(asked) >= 3 and all("Radiant Reflections" in a for a in asked), "every question answered"
    finally:
        await slack.close()


async def _gone(review: Callable[[str], Awaitable[str]], title: str) -> bool:
    return "I don't have a review" in await review(title)


async def test_discord_sighup_and_reload_with_watching_off(tmp_path: Path) -> None:
    corpus = corpus_copy(tmp_path)
    async with (
        FakeDiscord() as discord,
        bot_process(
            tmp_path,
            REVIEWBOT_CORPUS=str(corpus),
            REVIEWBOT_WATCH_ENABLED="false",
            DISCORD_TOKEN=discord_driver.TOKEN,
            REVIEWBOT_DISCORD_API_BASE_URL=discord.api_base_url,
            REVIEWBOT_DISCORD_GATEWAY_URL=discord.gateway_url,
        ) as bot,
    ):
        await discord.wait_ready(within=START_WITHIN)
        await discord.wait_for(lambda: "reload" in discord.command_names() or None, START_WITHIN, "commands")

        async def review(title: str) -> str:
            interaction = await discord.slash("review", {"title": title})
            (card,) = await discord.interaction_replies(interaction, within=START_WITHIN)
            return discord_driver.flatten(card.data)

        assert "Celestial Symphony" in await review("celestial symphony")
        (corpus / "paper-moon.md").write_text(PAPER_MOON)
        await asyncio.sleep(1.0)
        assert "I don't have a review" in await review("paper moon"), "watching is off"
        bot.proc.send_signal(signal.SIGHUP)
        await until(lambda: _has(review, "Paper Moon"))

        (corpus / "night-train.md").write_text(NIGHT_TRAIN)
        refused = await discord.slash("reload", {}, permissions=MEMBER_PERMISSIONS)
        (no,) = await discord.interaction_replies(refused)
        assert msg.RELOAD_ADMINS_ONLY in discord_driver.flatten(no.data)
        assert "I don't have a review" in await review("night train")
        done = await discord.slash("reload", {}, permissions=ADMIN)
        (report,) = await discord.interaction_replies(done, within=START_WITHIN)
        assert "Reloaded the reviews: +1 review." in discord_driver.flatten(report.data)
        assert "Night Train" in await review("night train")


async def _has(review: Callable[[str], Awaitable[str]], title: str) -> bool:
    return title in await review(title.lower())
