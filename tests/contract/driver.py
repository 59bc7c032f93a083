"""What the contract suite needs from each platform's end-to-end harness.

Each platform fixture (tests/fakes/...) yields an object satisfying `Driver`:
it has started the real library (discord.py or slack-bolt) against a fake of
the platform on 127.0.0.1 and turns what the fake received into `Reply`s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class Reply:
    """One message as the user would see it on the platform."""

    text: str  # all visible text flattened: content, embed title/description/fields, block text
    ephemeral: bool
    buttons: tuple[str, ...] = ()  # button labels, in order
    menu: tuple[str, ...] = ()  # the labels of the review menu's options, in order
    raw: Any = field(default=None, compare=False)  # the platform payload the fake received


class Driver(Protocol):
    platform: str  # "discord" or "slack"

    async def command(self, name: str, text: str, channel: str = "c1", *, reviewer: str | None = None) -> list[Reply]:
        """Run a slash command (`review`, `verdict`, `ask`, `help`) and return every reply it produced.

        `reviewer` asks for one reviewer's review: Discord's `reviewer:` option, Slack's `TITLE by NAME`.
        """

    async def mention(self, text: str, channel: str = "c1", *, after: Reply | None = None) -> list[Reply]:
        """Mention the bot with `text` in a channel and return its replies.

        `after`: the bot's answer to an earlier mention, followed up as each platform does it: on Slack
        in the thread the answer is in, on Discord in the channel.
        """

    async def click(self, reply: Reply, label: str, channel: str = "c1") -> list[Reply]:
        """Click the button labelled `label` on `reply` and return the replies."""

    async def select(self, reply: Reply, option: str, channel: str = "c1") -> list[Reply]:
        """Pick the option labelled `option` in the review menu of `reply` and return the replies."""
