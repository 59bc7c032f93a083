"""One contract, two platforms: the same scenarios run over Discord and Slack end to end.

Each scenario drives the real library (discord.py or slack-bolt) through a fake of the platform
on 127.0.0.1 and asserts on what the platform received, as a member would see it.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator

import pytest

from bot.corpus import load_corpus
from bot.engine import Engine
from bot.models import Film
from tests.conftest import CORPUS
from tests.contract.driver import Driver, Reply
from tests.fakes.discord_driver import discord_driver
from tests.fakes.slack_driver import slack_driver

LONG_TEXT = "\n\n".join(
    f"Paragraph {n} of The Long Goodbye Tour is thoughtful. "
    + "The performances are warm and the score is lovely. " * 14
    for n in range(14)
)
EXTRA = (
    Film(id="heat-1995", title="Heat", year=1995, text="Heat is a taut, brilliant crime saga. The score hums."),
    Film(id="heat-2013", title="Heat", year=2013, text="Heat is a clumsy, tiresome remake. The acting is flat."),
    Film(id="the-long-goodbye-tour", title="The Long Goodbye Tour", year=None, text=LONG_TEXT),
)


@pytest.fixture(scope="module")
def films() -> tuple[Film, ...]:
    return load_corpus(CORPUS).films + EXTRA


@pytest.fixture(params=["discord", "slack"])
async def bot(request: pytest.FixtureRequest, films: tuple[Film, ...]) -> AsyncIterator[Driver]:
    factory = discord_driver if request.param == "discord" else slack_driver
    async with factory(Engine(films)) as driver:
        yield driver


def one(replies: list[Reply]) -> Reply:
    assert len(replies) == 1, [r.text[:80] for r in replies]
    return replies[0]


def pings_nobody(platform: str, reply: Reply) -> bool:
    """Whether the platform would notify anyone for this message."""
    if platform == "discord":
        return not (reply.raw["mention_everyone"] or reply.raw["mentions"] or reply.raw["mention_roles"])
    sent = json.dumps(reply.raw)
    return all(token not in sent for token in ("<!everyone>", "<!channel>", "<!here>", "<@U123>"))


async def test_review_with_a_typo(bot: Driver) -> None:
    reply = one(await bot.command("review", "celestial symphny"))
    assert not reply.ephemeral
    assert "Celestial Symphony" in reply.text and "Positive" in reply.text
    assert "The score, composed by a master of celestial music" in reply.text
    assert reply.buttons == ("Full review", "Verdict")


async def test_verdict_on_a_sequel(bot: Driver) -> None:
    reply = one(await bot.command("verdict", "radiant reflection"))
    assert not reply.ephemeral and "Positive" in reply.text
    assert "builds upon the themes and ideas of the original film" in reply.text


async def test_aspect_question(bot: Driver) -> None:
    reply = one(await bot.command("ask", "how is the soundtrack in radiant reflections?"))
    assert "hauntingly beautiful soundtrack" in reply.text and not reply.ephemeral


async def test_follow_up_in_context(bot: Driver) -> None:
    await bot.command("ask", "how is the music in Celestial Symphony?", channel="c7")
    reply = one(await bot.command("ask", "and the visuals?", channel="c7"))
    assert "The visuals in Celestial Symphony are truly awe-inspiring" in reply.text
    other = one(await bot.mention("and the visuals?", channel="c8"))
    assert "Celestial Symphony are truly awe-inspiring" not in other.text or "Radiant" in other.text


async def test_follow_up_after_a_mention(bot: Driver) -> None:
    await bot.mention("how's the music in Radiant Reflections?", channel="c9")
    reply = one(await bot.mention("and the visuals?", channel="c9"))
    assert "The visual effects are nothing short of breathtaking" in reply.text


async def test_ambiguous_title_then_a_suggestion_click(bot: Driver) -> None:
    reply = one(await bot.command("review", "heat"))
    assert reply.ephemeral
    assert reply.buttons == ("Heat (1995)", "Heat (2013)")
    clicked = one(await bot.click(reply, "Heat (2013)"))
    assert "Heat (2013)" in clicked.text and "clumsy, tiresome remake" in clicked.text
    assert not clicked.ephemeral


async def test_not_found_is_private(bot: Driver) -> None:
    reply = one(await bot.command("review", "The Godfather"))
    assert reply.ephemeral and "The Godfather" in reply.text and "don't have a review" in reply.text


async def test_ten_thousand_character_question(bot: Driver) -> None:
    replies = await bot.command("ask", "how is the music " * 600)
    assert len(replies) == 1 and replies[0].text.strip()
    assert "went wrong" not in replies[0].text


async def test_mentions_in_user_text_ping_nobody(bot: Driver) -> None:
    typed = "@everyone <@U123> <!channel> <!everyone> @here"
    reply = one(await bot.command("review", typed))
    assert "@everyone" in reply.text, "the echoed text is shown, not dropped"
    assert pings_nobody(bot.platform, reply)
    answer = one(await bot.mention(f"how is the music in Celestial Symphony? {typed}", channel="c10"))
    assert pings_nobody(bot.platform, answer)


async def test_long_review_is_paginated(bot: Driver, films: tuple[Film, ...]) -> None:
    card = one(await bot.command("review", "the long goodbye tour"))
    pages = await bot.click(card, "Full review")
    assert len(pages) > 1, "a 10,000-character review does not fit one message"
    shown = " ".join(p.text for p in pages).split()
    for paragraph in LONG_TEXT.split("\n\n"):
        assert " ".join(paragraph.split()) in " ".join(shown)


@pytest.mark.parametrize("platform", ["discord", "slack"])
async def test_still_reading_then_answering(platform: str, films: tuple[Film, ...]) -> None:
    """A bot online before its corpus is loaded says so, privately, and answers once loaded."""
    release = threading.Event()

    def slow_corpus() -> tuple[Film, ...]:
        release.wait(10)
        return films

    engine = Engine(None)
    factory = discord_driver if platform == "discord" else slack_driver
    async with factory(engine) as bot:
        loading = asyncio.ensure_future(engine.load(slow_corpus))
        early = one(await bot.command("review", "celestial symphny"))
        assert early.ephemeral and "still reading the reviews" in early.text
        release.set()
        await loading
        reply = one(await bot.command("review", "celestial symphny"))
        assert not reply.ephemeral and "Celestial Symphony" in reply.text
