"""/featured subscribe|unsubscribe|status|today, on `bot.featured.FeaturedCommands`.

Subcommands share their group's `default_member_permissions`, so requiring Manage Server there
would hide status and today from everyone else: the check is made when a subcommand runs.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from zoneinfo import available_timezones

import discord
from discord import app_commands

from adapters.discord_bot.limits import CHOICES_MAX, TIME_OPTION_MAX, TIMEZONE_OPTION_MAX
from adapters.discord_bot.replies import reply, send_cards, send_error
from bot import messages as msg
from bot.cards import cards, note
from bot.featured import FeaturedCommands, FeaturedReply

if TYPE_CHECKING:
    from adapters.discord_bot.core import ReviewBot

Action = Callable[[FeaturedCommands, str], Coroutine[Any, Any, FeaturedReply]]

# Offered before anything is typed; typing searches every IANA name.
COMMON_TIMEZONES = (
    "UTC",
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Madrid",
    "Europe/Moscow",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Mexico_City",
    "America/Sao_Paulo",
    "Africa/Lagos",
    "Africa/Johannesburg",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Asia/Seoul",
    "Australia/Sydney",
    "Pacific/Auckland",
)


@lru_cache(maxsize=1)
def _timezone_names() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


def timezone_choices(current: str) -> list[app_commands.Choice[str]]:
    """Up to 25 IANA names for what the user typed: exact, then city prefix, prefix, substring."""
    typed = "_".join(current.casefold().split())
    if not typed:
        names = [n for n in COMMON_TIMEZONES if n in _timezone_names()]
    else:

        def rank(name: str) -> tuple[int, str]:
            folded = name.casefold()
            city = folded.rsplit("/", 1)[-1]
            if folded == typed:
                return 0, name
            if city.startswith(typed):
                return 1, name
            return (2 if folded.startswith(typed) else 3), name

        names = sorted((n for n in _timezone_names() if typed in n.casefold()), key=rank)
    return [app_commands.Choice(name=n, value=n) for n in names[:CHOICES_MAX]]


def is_admin(interaction: discord.Interaction[Any]) -> bool:
    """Manage Server in this channel, from the permissions Discord resolved for the member."""
    return interaction.guild_id is not None and interaction.permissions.manage_guild


async def send_reply(interaction: discord.Interaction[Any], answer: FeaturedReply, deferred: bool) -> None:
    """A /featured reply: today's card under its intro line, or a short note."""
    if answer.answer is not None:
        await send_cards(interaction, cards(answer.answer), deferred, content=answer.text, private=answer.ephemeral)
    else:
        await send_cards(
            interaction, (note(answer.text, title=msg.TITLE_FEATURED, private=answer.ephemeral),), deferred
        )


async def run_featured(bot: ReviewBot, interaction: discord.Interaction[Any], action: Action) -> None:
    """Run a /featured subcommand for the interaction's channel (server channels only)."""
    if bot.featured is None:
        await send_error(interaction)
        return
    if interaction.guild_id is None or interaction.channel_id is None:
        shown = note(msg.DISCORD_FEATURED_GUILD_ONLY, title=msg.TITLE_FEATURED)
        await send_cards(interaction, (shown,), deferred=False)
        return
    async with bot.inflight:
        work = action(bot.featured, str(interaction.channel_id))
        await reply(interaction, work, send_reply, "a /featured command", bot.defer_after)


def featured_group(bot: ReviewBot) -> app_commands.Group:
    group = app_commands.Group(name="featured", description=msg.DISCORD_CMD_FEATURED)

    @group.command(name="subscribe", description=msg.DISCORD_CMD_FEATURED_SUBSCRIBE)
    @app_commands.describe(time=msg.DISCORD_OPT_TIME, timezone=msg.DISCORD_OPT_TIMEZONE)
    async def subscribe(
        interaction: discord.Interaction,
        time: app_commands.Range[str, 1, TIME_OPTION_MAX],
        timezone: app_commands.Range[str, 1, TIMEZONE_OPTION_MAX],
    ) -> None:
        user, admin = str(interaction.user.id), is_admin(interaction)
        await run_featured(
            bot,
            interaction,
            lambda cmds, channel: cmds.subscribe("discord", channel, time, timezone, user=user, is_admin=admin),
        )

    @subscribe.autocomplete("timezone")
    async def timezones(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return timezone_choices(current)

    @group.command(name="unsubscribe", description=msg.DISCORD_CMD_FEATURED_UNSUBSCRIBE)
    async def unsubscribe(interaction: discord.Interaction) -> None:
        admin = is_admin(interaction)
        await run_featured(bot, interaction, lambda cmds, channel: cmds.unsubscribe("discord", channel, is_admin=admin))

    @group.command(name="status", description=msg.DISCORD_CMD_FEATURED_STATUS)
    async def status(interaction: discord.Interaction) -> None:
        await run_featured(bot, interaction, lambda cmds, channel: cmds.status("discord", channel))

    @group.command(name="today", description=msg.DISCORD_CMD_FEATURED_TODAY)
    async def today(interaction: discord.Interaction) -> None:
        await run_featured(bot, interaction, lambda cmds, channel: cmds.today("discord", channel))

    return group
