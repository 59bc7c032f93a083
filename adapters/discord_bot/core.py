"""`ReviewBot`: what the adapter does, shared by the plain and the sharded client.

It registers the persistent components and the command tree at start-up, and answers a question
(a slash command, a click, a menu pick) by asking the engine and replying with the answer's cards.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import discord
from discord import app_commands

from adapters.discord_bot.commands import build_tree
from adapters.discord_bot.mentions import answer_message
from adapters.discord_bot.replies import DEFER_AFTER, conversation, reply, send_cards, send_error
from adapters.discord_bot.views import ActionButton, ReviewMenu
from adapters.supervise import Inflight
from bot import messages as msg
from bot.actions import question_for
from bot.answers import Answer
from bot.cards import cards
from bot.config import DiscordConfig
from bot.engine import Engine
from bot.featured import FeaturedCommands
from bot.models import Question
from bot.reload import Reloader

log = logging.getLogger("reviewbot.discord")


@dataclass
class ReviewBot:
    client: discord.Client
    engine: Engine
    config: DiscordConfig
    defer_after: float = DEFER_AFTER
    featured: FeaturedCommands | None = None
    inflight: Inflight = field(default_factory=Inflight)  # what a shutdown waits for
    sync_commands: bool = True  # False once a connection of this process has synced them
    reloader: Reloader | None = None  # /reload, for server admins

    def __post_init__(self) -> None:
        self.tree: app_commands.CommandTree[discord.Client] = build_tree(self)

    async def setup(self) -> None:
        """Register the components that outlive restarts, and sync the commands (to `config.guilds`, or globally)."""
        self.client.add_dynamic_items(ActionButton, ReviewMenu)
        if not self.sync_commands:
            return
        if not self.config.guilds:
            synced = await self.tree.sync()
            log.info("synced %d global commands", len(synced))
            return
        for guild_id in self.config.guilds:
            guild = discord.Object(id=guild_id)
            self.tree.copy_global_to(guild=guild)
            try:
                synced = await self.tree.sync(guild=guild)
            except discord.HTTPException:
                log.exception("could not sync commands to guild %s", guild_id)
            else:
                log.info("synced %d commands to guild %s", len(synced), guild_id)

    async def respond(self, interaction: discord.Interaction[Any], question: Question) -> None:
        """Answer `question` on `interaction`, deferring first when the engine is slow."""
        what = f"a {question.intent.value} question"
        async with self.inflight:
            await reply(interaction, self.engine.answer(question), self._send_answer, what, self.defer_after)

    async def _send_answer(self, interaction: discord.Interaction[Any], answer: Answer, deferred: bool) -> None:
        await send_cards(interaction, cards(answer), deferred)

    async def on_action(self, interaction: discord.Interaction[Any], action_id: str) -> None:
        """A click on a button or a pick in a menu: the question its action id asks."""
        question = question_for(action_id, conversation(interaction.channel_id))
        if question is None:
            await send_error(interaction, msg.DISCORD_STALE_ACTION)
            return
        await self.respond(interaction, question)

    async def on_message(self, message: discord.Message) -> None:
        async with self.inflight:
            await answer_message(self, message)
