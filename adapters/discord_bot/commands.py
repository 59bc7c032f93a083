"""The command tree: /review (with `reviewer:`), /verdict, /ask, /list, /help, their autocomplete,
/featured when the bot has featured posts and /reload when it has a reloader."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from adapters.discord_bot.featured import featured_group
from adapters.discord_bot.limits import (
    CHOICE_MAX,
    CHOICES_MAX,
    QUESTION_OPTION_MAX,
    REVIEWER_OPTION_MAX,
    TITLE_OPTION_MAX,
)
from adapters.discord_bot.reload import reload_command
from adapters.discord_bot.replies import conversation, send_error
from bot import messages as msg
from bot.engine import Engine
from bot.models import Intent, Question
from bot.text import shorten

if TYPE_CHECKING:
    from adapters.discord_bot.core import ReviewBot

log = logging.getLogger("reviewbot.discord")


def title_question(
    engine: Engine, intent: Intent, title: str, channel_id: int | None, reviewer: str | None = None
) -> Question:
    """A REVIEW or VERDICT question. Autocomplete picks arrive as ids: the title's as a film id, the
    reviewer's as the id of their review (which opens it); typed text is resolved by the engine."""
    key = conversation(channel_id)
    reviewer = (reviewer or "").strip() or None
    if reviewer is not None and (picked := engine.review(reviewer)) is not None:
        return Question(Intent.FULL, text=picked[0].title, conversation=key, review_id=picked[1].id)
    film = engine.film(title.strip())
    if film is not None:
        return Question(intent, text=film.title, conversation=key, film_id=film.id, reviewer=reviewer)
    return Question(intent, text=title.strip(), conversation=key, reviewer=reviewer)


def title_choices(engine: Engine, current: str) -> list[app_commands.Choice[str]]:
    """Up to 25 titles for what the user typed; a choice's value is the film id (when it fits)."""
    try:
        suggestions = engine.suggest(current, CHOICES_MAX)
    except Exception:
        log.exception("title autocomplete failed")
        return []
    out = []
    for s in suggestions[:CHOICES_MAX]:
        value = s.film_id if len(s.film_id) <= CHOICE_MAX else shorten(s.title, CHOICE_MAX)
        out.append(app_commands.Choice(name=shorten(s.title, CHOICE_MAX), value=value))
    return out


def reviewer_choices(engine: Engine, title: str, current: str) -> list[app_commands.Choice[str]]:
    """Up to 25 reviewers of the film `title` names (a title, or a film id from the title autocomplete).

    A choice's value is the id of the reviewer's review (when it fits): a name cut to 100 characters
    might not say whose review it is.
    """
    try:
        film = engine.film_for(title) if title.strip() else None
        names = engine.reviewers(film.id, current, CHOICES_MAX) if film is not None else []
    except Exception:
        log.exception("reviewer autocomplete failed")
        return []
    first = {r.reviewer: r.id for r in reversed(film.reviews) if r.reviewer} if film is not None else {}
    out = []
    for name in names[:CHOICES_MAX]:
        review_id = first.get(name, "")
        value = review_id if 0 < len(review_id) <= CHOICE_MAX else name[:CHOICE_MAX]
        out.append(app_commands.Choice(name=shorten(name, CHOICE_MAX), value=value))
    return out


def build_tree(bot: ReviewBot) -> app_commands.CommandTree[discord.Client]:
    tree: app_commands.CommandTree[discord.Client] = app_commands.CommandTree(bot.client)

    @tree.command(name="review", description=msg.DISCORD_CMD_REVIEW)
    @app_commands.describe(title=msg.DISCORD_OPT_TITLE, reviewer=msg.DISCORD_OPT_REVIEWER)
    async def review(
        interaction: discord.Interaction,
        title: app_commands.Range[str, 1, TITLE_OPTION_MAX],
        reviewer: app_commands.Range[str, 1, REVIEWER_OPTION_MAX] | None = None,
    ) -> None:
        q = title_question(bot.engine, Intent.REVIEW, title, interaction.channel_id, reviewer)
        await bot.respond(interaction, q)

    @tree.command(name="verdict", description=msg.DISCORD_CMD_VERDICT)
    @app_commands.describe(title=msg.DISCORD_OPT_TITLE)
    async def verdict(interaction: discord.Interaction, title: app_commands.Range[str, 1, TITLE_OPTION_MAX]) -> None:
        await bot.respond(interaction, title_question(bot.engine, Intent.VERDICT, title, interaction.channel_id))

    @tree.command(name="ask", description=msg.DISCORD_CMD_ASK)
    @app_commands.describe(question=msg.DISCORD_OPT_QUESTION)
    async def ask(interaction: discord.Interaction, question: app_commands.Range[str, 1, QUESTION_OPTION_MAX]) -> None:
        q = Question(Intent.ASK, text=question.strip(), conversation=conversation(interaction.channel_id))
        await bot.respond(interaction, q)

    @tree.command(name="list", description=msg.DISCORD_CMD_LIST)
    async def list_(interaction: discord.Interaction) -> None:
        await bot.respond(interaction, Question(Intent.LIST, conversation=conversation(interaction.channel_id)))

    @tree.command(name="help", description=msg.DISCORD_CMD_HELP)
    async def help_(interaction: discord.Interaction) -> None:
        await bot.respond(interaction, Question(Intent.HELP, conversation=conversation(interaction.channel_id)))

    @review.autocomplete("title")
    @verdict.autocomplete("title")
    async def titles(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return title_choices(bot.engine, current)

    @review.autocomplete("reviewer")
    async def reviewers(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        title: Any = getattr(interaction.namespace, "title", None)
        return reviewer_choices(bot.engine, str(title or ""), current)

    if bot.featured is not None:
        tree.add_command(featured_group(bot))
    if bot.reloader is not None:
        tree.add_command(reload_command(bot))

    @tree.error
    async def on_error(interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        log.error("command failed: %s", type(error).__name__, exc_info=error)
        if interaction.type is discord.InteractionType.application_command:
            await send_error(interaction)

    return tree
