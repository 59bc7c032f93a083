"""/reload: read the review files again (Manage Server, checked when it runs, like /featured's changes)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from adapters.discord_bot.featured import is_admin
from adapters.discord_bot.replies import reply, send_cards
from bot import messages as msg
from bot.cards import note
from bot.reload import ReloadReport, describe

if TYPE_CHECKING:
    from adapters.discord_bot.core import ReviewBot


async def send_report(interaction: discord.Interaction[Any], report: ReloadReport, deferred: bool) -> None:
    """What the reload changed, to the admin who asked only."""
    await send_cards(interaction, (note(describe(report), title=msg.TITLE_RELOAD),), deferred)


def reload_command(bot: ReviewBot) -> app_commands.Command[Any, ..., None]:
    reloader = bot.reloader
    assert reloader is not None

    @app_commands.command(name="reload", description=msg.DISCORD_CMD_RELOAD)
    async def reload(interaction: discord.Interaction) -> None:
        if not is_admin(interaction):
            await send_cards(interaction, (note(msg.RELOAD_ADMINS_ONLY, title=msg.TITLE_RELOAD),), deferred=False)
            return
        await reply(interaction, reloader.reload(), send_report, "/reload", bot.defer_after)

    return reload
