"""Mentions and DMs (with the message content intent): the text after the mention is a typed command
or a question (`adapters.parse`), answered in a reply that pings nobody."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

import discord

from adapters.discord_bot.render import embed
from adapters.discord_bot.replies import NO_MENTIONS, conversation
from adapters.discord_bot.views import view_for
from adapters.parse import question
from bot.answers import Note, Notice
from bot.cards import cards
from bot.models import Intent, Question

if TYPE_CHECKING:
    from adapters.discord_bot.core import ReviewBot

log = logging.getLogger("reviewbot.discord")


async def answer_message(bot: ReviewBot, message: discord.Message) -> None:
    """Answer a message that mentions the bot, or any DM; ignore everything else."""
    me = bot.client.user
    if not bot.config.message_content or me is None:
        return
    if message.author.bot or message.author.id == me.id:
        return
    if message.guild is not None and me.id not in message.raw_mentions:
        return
    text = " ".join(re.sub(rf"<@!?{me.id}>", " ", message.content).split())
    key = conversation(message.channel.id)
    asked = question(text, key) if text else Question(Intent.HELP, conversation=key)
    try:
        shown = cards(await bot.engine.answer(asked))
    except Exception:
        log.exception("could not answer a message in channel %s", message.channel.id)
        shown = cards(Notice(Note.ERROR))
    try:
        for card in shown:
            kwargs: dict[str, Any] = {"embed": embed(card), "allowed_mentions": NO_MENTIONS, "mention_author": False}
            if (view := view_for(card)) is not None:
                kwargs["view"] = view
            await message.reply(**kwargs)
    except Exception:
        log.exception("could not reply in channel %s", message.channel.id)
