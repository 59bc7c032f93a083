"""A title the bot is not sure of is a "did you mean" with buttons, on Discord and on Slack, never a wrong film."""

from __future__ import annotations

import pytest

from bot.engine import Engine
from bot.models import Film
from tests.fakes.discord_driver import discord_driver
from tests.fakes.slack_driver import slack_driver

FILMS = [
    Film.of("shrek", "Shrek", 2001, "Shrek is a delight. The music is a joy and the jokes land."),
    Film.of(
        "angels-2",
        "Charlie's Angels: Full Throttle",
        2003,
        "Charlie's Angels: Full Throttle is loud and empty. The stunts are silly.",
        sequel_of="Charlie's Angels",  # a sequel: its main title names the first film
    ),
]


@pytest.mark.parametrize("platform", ["discord", "slack"])
async def test_relatives_and_unsure_titles_are_offered_as_buttons(platform: str) -> None:
    driver = discord_driver if platform == "discord" else slack_driver
    async with driver(Engine(FILMS)) as d:  # type: ignore[operator]
        (sequel,) = await d.command("review", "Shrek 2")
        assert sequel.ephemeral and "I don't have a review of “Shrek 2”. I have: Shrek (2001)." in sequel.text
        assert sequel.buttons == ("Shrek (2001)",)
        (card,) = await d.click(sequel, "Shrek (2001)")
        assert "Shrek" in card.text and "Verdict" in card.text and not card.ephemeral

        (unsure,) = await d.command("review", "Charlie's Angels")
        assert unsure.ephemeral and "not sure which film" in unsure.text
        assert unsure.buttons == ("Charlie's Angels: Full Throttle (2003)",)
        (picked,) = await d.click(unsure, "Charlie's Angels: Full Throttle (2003)")
        assert "Full Throttle" in picked.text and "Verdict" in picked.text

        (nothing,) = await d.command("review", "Zyxwv Quantum Banana")
        assert nothing.ephemeral and nothing.buttons == ()
