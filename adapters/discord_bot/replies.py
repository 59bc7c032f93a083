"""Replying to an interaction: cards as the response and follow-ups, deferring first when the work
is slow (Discord drops interactions not acknowledged within 3 s), errors only to the asker."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any, TypeVar

import discord

from adapters.discord_bot.limits import CONTENT_MAX
from adapters.discord_bot.render import embed
from adapters.discord_bot.views import view_for
from bot import messages as msg
from bot.cards import Card, note
from bot.text import shorten

log = logging.getLogger("reviewbot.discord")
R = TypeVar("R")

DEFER_AFTER = 1.5  # seconds to wait for the engine before deferring (Discord allows 3)
NO_MENTIONS = discord.AllowedMentions.none()


def conversation(channel_id: int | None) -> str:
    """The follow-up context key of a channel (or DM)."""
    return f"discord:{channel_id}" if channel_id is not None else "discord:unknown"


async def send_error(interaction: discord.Interaction[Any], text: str = msg.INTERNAL_ERROR) -> None:
    """Best-effort private error; never raises."""
    try:
        shown = embed(note(text))
        if interaction.response.is_done():
            await interaction.followup.send(embed=shown, ephemeral=True, allowed_mentions=NO_MENTIONS)
        else:
            await interaction.response.send_message(embed=shown, ephemeral=True, allowed_mentions=NO_MENTIONS)
    except Exception:
        log.exception("could not send an error reply for interaction %s", interaction.id)


async def drop_original(interaction: discord.Interaction[Any]) -> None:
    try:
        await interaction.delete_original_response()
    except discord.HTTPException:
        log.exception("could not delete the deferred response of interaction %s", interaction.id)


async def reply(
    interaction: discord.Interaction[Any],
    work: Coroutine[Any, Any, R],
    send: Callable[[discord.Interaction[Any], R, bool], Awaitable[None]],
    what: str,
    defer_after: float = DEFER_AFTER,
) -> None:
    """Run `work` and `send` its result, deferring first when it is slow; errors are private."""
    task = asyncio.create_task(work)
    deferred = False
    try:
        try:
            result = await asyncio.wait_for(asyncio.shield(task), defer_after)
        except TimeoutError:
            await interaction.response.defer(thinking=True)  # "thinking…" until the answer comes
            deferred = True
            result = await task
    except asyncio.CancelledError:
        task.cancel()
        raise
    except Exception:
        task.cancel()
        log.exception("could not answer %s", what)
        if deferred:
            await drop_original(interaction)
        await send_error(interaction)
        return
    try:
        await send(interaction, result, deferred)
    except Exception:
        log.exception("could not send the answer to %s", what)
        await send_error(interaction)


async def send_cards(
    interaction: discord.Interaction[Any],
    cards: Sequence[Card],
    deferred: bool,
    *,
    content: str | None = None,
    private: bool | None = None,
) -> None:
    """The first card as the interaction's response (with `content` above it), the rest as follow-ups.

    Private when the first card is (or as `private` says).
    """
    ephemeral = cards[0].private if private is None else private
    first: dict[str, Any] = {"embed": embed(cards[0]), "allowed_mentions": NO_MENTIONS}
    if content:
        first["content"] = shorten(content, CONTENT_MAX)
    if (view := view_for(cards[0])) is not None:
        first["view"] = view
    if not deferred:
        await interaction.response.send_message(ephemeral=ephemeral, **first)
    elif ephemeral:
        # The "thinking…" message is public; a private answer must only reach the asker.
        await drop_original(interaction)
        await interaction.followup.send(ephemeral=True, **first)
    else:
        await interaction.edit_original_response(**first)
    for card in cards[1:]:
        more: dict[str, Any] = {"embed": embed(card), "ephemeral": ephemeral, "allowed_mentions": NO_MENTIONS}
        if (view := view_for(card)) is not None:
            more["view"] = view
        await interaction.followup.send(**more)
