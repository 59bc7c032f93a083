"""Discord adapter: slash commands, autocomplete, buttons and mentions on top of `bot.Engine`.

Everything platform-specific lives here; `bot/` never imports discord. The adapter
turns interactions and messages into `Question`s, asks the engine, and renders each
`Answer` as one embed (or one embed per page for full reviews) within Discord's limits.
With a `FeaturedCommands` it also registers `/featured`, and `DiscordPoster` posts the
daily featured review for `bot.featured.Scheduler`.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar
from zoneinfo import available_timezones

import aiohttp
import discord
import yarl
from discord import app_commands

from bot import messages
from bot.actions import PREFIX, buttons, question_for
from bot.config import DiscordConfig
from bot.engine import Engine
from bot.featured import FeaturedCommands, FeaturedReply, PermanentPostError, Scheduler, TransientPostError
from bot.models import Answer, Kind, Label, Question
from bot.render import film_label
from bot.text import shorten

log = logging.getLogger("reviewbot.discord")
R = TypeVar("R")

# Discord limits (https://discord.com/developers/docs/resources/message).
TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELDS_MAX = 25
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FOOTER_MAX = 2048
EMBED_TOTAL_MAX = 6000
CHOICES_MAX = 25
CHOICE_MAX = 100
BUTTON_LABEL_MAX = 80
BUTTONS_MAX = 25  # 5 rows of 5
CUSTOM_ID_MAX = 100
TITLE_OPTION_MAX = 200
QUESTION_OPTION_MAX = 1000
CONTENT_MAX = 2000
TIME_OPTION_MAX = 20
TIMEZONE_OPTION_MAX = 64
HISTORY_LIMIT = 50  # recent messages searched for a featured post's marker
POST_TIMEOUT = 60.0  # seconds per featured post attempt, discord.py's own retries included

DEFER_AFTER = 1.5  # seconds to wait for the engine before deferring (Discord allows 3)
NO_MENTIONS = discord.AllowedMentions.none()

COLOURS: dict[Label | None, discord.Colour] = {
    Label.POSITIVE: discord.Colour.green(),
    Label.MIXED: discord.Colour.from_rgb(255, 191, 0),  # amber
    Label.NEGATIVE: discord.Colour.red(),
    None: discord.Colour.blurple(),
}

_KIND_TITLES = {
    Kind.HELP: messages.DISCORD_TITLE_HELP,
    Kind.LIST: messages.DISCORD_TITLE_FILMS,
    Kind.NOT_FOUND: messages.DISCORD_TITLE_NOT_FOUND,
    Kind.AMBIGUOUS: messages.DISCORD_TITLE_AMBIGUOUS,
    Kind.ERROR: messages.DISCORD_TITLE_ERROR,
    Kind.ANSWER: messages.DISCORD_TITLE_ANSWER,
}


# --- rendering -----------------------------------------------------------------


def _quote(text: str) -> str:
    return "> " + " ".join(text.split())


def _embed_size(embed: discord.Embed) -> int:
    size = len(embed.title or "") + len(embed.description or "")
    size += sum(len(f.name or "") + len(f.value or "") for f in embed.fields)
    size += len(embed.footer.text or "") + len(embed.author.name or "")
    return size


def fit_embed(embed: discord.Embed) -> discord.Embed:
    """Trim `embed` in place to every per-field limit and the 6000-character total."""
    if embed.title:
        embed.title = shorten(embed.title, TITLE_MAX)
    if embed.description:
        embed.description = shorten(embed.description, DESCRIPTION_MAX)
    if embed.footer.text:
        embed.set_footer(text=shorten(embed.footer.text, FOOTER_MAX))
    while len(embed.fields) > FIELDS_MAX:
        embed.remove_field(-1)
    for i, f in enumerate(list(embed.fields)):
        embed.set_field_at(
            i,
            name=shorten(f.name or "\u200b", FIELD_NAME_MAX),
            value=shorten(f.value or "\u200b", FIELD_VALUE_MAX),
            inline=bool(f.inline),
        )
    excess = _embed_size(embed) - EMBED_TOTAL_MAX
    if excess > 0 and embed.description:
        keep = max(len(embed.description) - excess, 200)
        embed.description = shorten(embed.description, keep)
    while _embed_size(embed) > EMBED_TOTAL_MAX and embed.fields:
        embed.remove_field(-1)
    if _embed_size(embed) > EMBED_TOTAL_MAX and embed.description:  # pathological: huge title/footer
        embed.description = shorten(
            embed.description, max(len(embed.description) - (_embed_size(embed) - EMBED_TOTAL_MAX), 1)
        )
    return embed


def _title(answer: Answer) -> str:
    if answer.film is not None:
        return film_label(answer.film)
    return _KIND_TITLES.get(answer.kind, "")


def _colour(answer: Answer) -> discord.Colour:
    label = answer.verdict.label if answer.verdict else (answer.film.verdict if answer.film else None)
    return COLOURS.get(label, COLOURS[None])


def _description(answer: Answer, title_of: Callable[[str], str | None]) -> str:
    if answer.kind is Kind.LIST and answer.films:
        lines = [messages.LIST_HEADER.format(count=len(answer.films))]
        lines += [f"• {film_label(f)}" for f in answer.films]
        return "\n".join(lines)
    if answer.kind is Kind.ANSWER and answer.snippets:
        parts = [answer.summary] if answer.summary else []
        for s in answer.snippets:
            source = None if answer.film is not None else title_of(s.film_id)
            parts.append(_quote(s.text) + (f"\n— {source}" if source else ""))
        return "\n\n".join(parts)
    if answer.kind is Kind.REVIEW and not answer.summary and answer.snippets:
        return "\n\n".join(_quote(s.text) for s in answer.snippets)
    if answer.kind is Kind.AMBIGUOUS and answer.suggestions:
        return "\n".join([answer.text] + [f"{n}. {s.title}" for n, s in enumerate(answer.suggestions, 1)])
    if answer.kind in (Kind.REVIEW, Kind.VERDICT) and answer.verdict is not None:
        return answer.summary
    return answer.summary or answer.text


def _fields(answer: Answer) -> list[tuple[str, str]]:
    fields: list[tuple[str, str]] = []
    for snippet in answer.highlights:
        name = messages.ASPECT_WORDS.get(snippet.aspect.value, snippet.aspect.value) if snippet.aspect else "\u200b"
        fields.append((name, _quote(snippet.text)))
    fields = fields[: FIELDS_MAX - 2]
    verdict = answer.verdict
    if verdict is not None:
        label = messages.VERDICT_WORDS.get(verdict.label.value, verdict.label.value)
        name = messages.VERDICT_LINE.format(label=label, confidence=verdict.confidence)
        fields.append((name, _quote(verdict.quote) if verdict.quote else "\u200b"))
        if verdict.sequel is not None:
            how = verdict.sequel.compared_to_original
            name = messages.SEQUEL_LINE.format(comparison=messages.SEQUEL_WORDS.get(how, how))
            fields.append((name, _quote(verdict.sequel.quote) if verdict.sequel.quote else "\u200b"))
    return fields


def _footer(answer: Answer) -> str:
    film = answer.film
    if film is None or answer.kind not in (Kind.REVIEW, Kind.VERDICT):
        return ""
    parts = [messages.REVIEWED_BY.format(reviewer=film.reviewer)] if film.reviewer else []
    parts += [messages.RATING.format(rating=film.rating)] if film.rating else []
    return " · ".join(parts)


def _no_titles(film_id: str) -> str | None:
    return None


def render(answer: Answer, title_of: Callable[[str], str | None] = _no_titles) -> list[discord.Embed]:
    """The embeds for `answer`: one, or one per page of a full review.

    `title_of` names the film of a snippet when an answer quotes several films.
    """
    title, colour = _title(answer), _colour(answer)
    if answer.kind is Kind.FULL and answer.pages:
        embeds = []
        for n, page in enumerate(answer.pages, 1):
            embed = discord.Embed(title=title or None, description=page or "\u200b", colour=colour)
            if len(answer.pages) > 1:
                embed.set_footer(text=messages.PAGE.format(page=n, pages=len(answer.pages)))
            embeds.append(fit_embed(embed))
        return embeds
    embed = discord.Embed(title=title or None, description=_description(answer, title_of) or None, colour=colour)
    for name, value in _fields(answer):
        embed.add_field(name=name, value=value, inline=False)
    if footer := _footer(answer):
        embed.set_footer(text=footer)
    if not embed.description and not embed.fields:
        embed.description = answer.text or "\u200b"
    return [fit_embed(embed)]


class ActionButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=re.escape(PREFIX) + r":[a-z]+:.+"
):
    """A button whose custom_id is a `bot.actions` action id; clicks work across restarts."""

    def __init__(self, label: str, action_id: str) -> None:
        style = (
            discord.ButtonStyle.primary if action_id.startswith(f"{PREFIX}:full:") else discord.ButtonStyle.secondary
        )
        button: discord.ui.Button[discord.ui.View] = discord.ui.Button(
            label=shorten(label, BUTTON_LABEL_MAX), custom_id=action_id[:CUSTOM_ID_MAX], style=style
        )
        super().__init__(button)

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> ActionButton:
        return cls(getattr(item, "label", None) or "", match.string)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        core = getattr(interaction.client, "reviewbot", None)
        question = question_for(self.custom_id, _conversation(interaction.channel_id))
        if not isinstance(core, ReviewBot) or question is None:
            await _send_error(interaction, messages.DISCORD_STALE_BUTTON)
            return
        await core.respond(interaction, question)


def view_for(answer: Answer) -> discord.ui.View | None:
    """Buttons for `answer` from `bot.actions.buttons`, or None when it has none."""
    items = buttons(answer)[:BUTTONS_MAX]
    if not items:
        return None
    view = discord.ui.View(timeout=None)
    for b in items:
        view.add_item(ActionButton(b.label, b.action_id))
    return view


def featured_embed(answer: Answer, marker: str, title_of: Callable[[str], str | None] = _no_titles) -> discord.Embed:
    """The card of `answer` with `marker` at the end of its footer (history has no nonces)."""
    embed = render(answer, title_of)[0]
    footer = embed.footer.text or ""
    tail = f" · {marker}" if footer else marker
    embed.set_footer(text=shorten(footer, FOOTER_MAX - len(tail)) + tail)
    return fit_embed(embed)  # the footer fits, so only the description or fields can shrink


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


def _conversation(channel_id: int | None) -> str:
    return f"discord:{channel_id}" if channel_id is not None else "discord:unknown"


async def _send_error(interaction: discord.Interaction[Any], text: str) -> None:
    """Best-effort ephemeral error; never raises."""
    try:
        embed = fit_embed(discord.Embed(title=messages.DISCORD_TITLE_ERROR, description=text, colour=COLOURS[None]))
        if interaction.response.is_done():
            await interaction.followup.send(embed=embed, ephemeral=True, allowed_mentions=NO_MENTIONS)
        else:
            await interaction.response.send_message(embed=embed, ephemeral=True, allowed_mentions=NO_MENTIONS)
    except Exception:
        log.exception("could not send an error reply for interaction %s", interaction.id)


# --- behaviour -----------------------------------------------------------------


@dataclass
class ReviewBot:
    """The adapter's behaviour, shared by the plain and the sharded client."""

    client: discord.Client
    engine: Engine
    config: DiscordConfig
    defer_after: float = DEFER_AFTER
    featured: FeaturedCommands | None = None

    def __post_init__(self) -> None:
        self.tree: app_commands.CommandTree[discord.Client] = build_tree(self)

    # -- startup

    async def setup(self) -> None:
        self.client.add_dynamic_items(ActionButton)
        if self.config.guilds:
            for guild_id in self.config.guilds:
                guild = discord.Object(id=guild_id)
                self.tree.copy_global_to(guild=guild)
                try:
                    synced = await self.tree.sync(guild=guild)
                except discord.HTTPException:
                    log.exception("could not sync commands to guild %s", guild_id)
                else:
                    log.info("synced %d commands to guild %s", len(synced), guild_id)
        else:
            synced = await self.tree.sync()
            log.info("synced %d global commands", len(synced))

    # -- slash commands and buttons

    def title_of(self, film_id: str) -> str | None:
        film = self.engine.film(film_id)
        return film.title if film is not None else None

    def title_question(self, kind: Kind, title: str, interaction: discord.Interaction[Any]) -> Question:
        """A REVIEW/VERDICT question; an autocomplete pick arrives as a film id."""
        conversation = _conversation(interaction.channel_id)
        film = self.engine.film(title.strip())
        if film is not None:
            return Question(kind, text=film.title, conversation=conversation, film_id=film.id)
        return Question(kind, text=title.strip(), conversation=conversation)

    def choices(self, current: str) -> list[app_commands.Choice[str]]:
        try:
            suggestions = self.engine.suggest(current, CHOICES_MAX)
        except Exception:
            log.exception("autocomplete failed")
            return []
        choices = []
        for s in suggestions[:CHOICES_MAX]:
            value = s.film_id if len(s.film_id) <= CHOICE_MAX else shorten(s.title, CHOICE_MAX)
            choices.append(app_commands.Choice(name=shorten(s.title, CHOICE_MAX), value=value))
        return choices

    async def respond(self, interaction: discord.Interaction[Any], question: Question) -> None:
        """Answer `question` on `interaction`, deferring first when the engine is slow."""
        await self._reply(
            interaction, self.engine.answer(question), self.send_answer, f"a {question.kind.value} question"
        )

    async def _reply(
        self,
        interaction: discord.Interaction[Any],
        work: Coroutine[Any, Any, R],
        send: Callable[[discord.Interaction[Any], R, bool], Awaitable[None]],
        what: str,
    ) -> None:
        """Run `work` and `send` its result, deferring first when it is slow; errors are ephemeral."""
        task = asyncio.create_task(work)
        deferred = False
        try:
            try:
                answer = await asyncio.wait_for(asyncio.shield(task), self.defer_after)
            except TimeoutError:
                # Discord drops interactions not acknowledged within 3 s: show "thinking…" first.
                await interaction.response.defer(thinking=True)
                deferred = True
                answer = await task
        except asyncio.CancelledError:
            task.cancel()
            raise
        except Exception:
            task.cancel()
            log.exception("could not answer %s", what)
            if deferred:
                await _drop_original(interaction)
            await _send_error(interaction, messages.INTERNAL_ERROR)
            return
        try:
            await send(interaction, answer, deferred)
        except Exception:
            log.exception("could not send the answer to %s", what)
            await _send_error(interaction, messages.INTERNAL_ERROR)

    async def send_answer(self, interaction: discord.Interaction[Any], answer: Answer, deferred: bool) -> None:
        await self._send(interaction, render(answer, self.title_of), view_for(answer), answer.is_error, deferred)

    async def send_featured(self, interaction: discord.Interaction[Any], reply: FeaturedReply, deferred: bool) -> None:
        """A /featured reply: today's card with its buttons, or a short message."""
        if reply.answer is not None:
            embeds, view = render(reply.answer, self.title_of), view_for(reply.answer)
            await self._send(interaction, embeds, view, reply.ephemeral, deferred, content=reply.text)
            return
        await self._send(interaction, [_featured_note(reply.text)], None, reply.ephemeral, deferred)

    async def _send(
        self,
        interaction: discord.Interaction[Any],
        embeds: list[discord.Embed],
        view: discord.ui.View | None,
        ephemeral: bool,
        deferred: bool,
        content: str | None = None,
    ) -> None:
        first: dict[str, Any] = {"embed": embeds[0], "allowed_mentions": NO_MENTIONS}
        if content:
            first["content"] = shorten(content, CONTENT_MAX)
        if view is not None:
            first["view"] = view
        if not deferred:
            await interaction.response.send_message(ephemeral=ephemeral, **first)
        elif ephemeral:
            # The "thinking…" message is public; an error must only reach the asker.
            await _drop_original(interaction)
            await interaction.followup.send(ephemeral=True, **first)
        else:
            await interaction.edit_original_response(**first)
        for embed in embeds[1:]:
            await interaction.followup.send(embed=embed, ephemeral=ephemeral, allowed_mentions=NO_MENTIONS)

    # -- /featured

    async def featured_command(
        self,
        interaction: discord.Interaction[Any],
        action: Callable[[FeaturedCommands, str], Coroutine[Any, Any, FeaturedReply]],
    ) -> None:
        """Run a /featured subcommand for the interaction's channel (server channels only)."""
        if self.featured is None:
            await _send_error(interaction, messages.INTERNAL_ERROR)
            return
        if interaction.guild_id is None or interaction.channel_id is None:
            await self._send(interaction, [_featured_note(messages.DISCORD_FEATURED_GUILD_ONLY)], None, True, False)
            return
        work = action(self.featured, str(interaction.channel_id))
        await self._reply(interaction, work, self.send_featured, "a /featured command")

    # -- mentions and DMs

    async def on_message(self, message: discord.Message) -> None:
        me = self.client.user
        if not self.config.message_content or me is None:
            return
        if message.author.bot or message.author.id == me.id:
            return
        is_dm = message.guild is None
        if not is_dm and me.id not in message.raw_mentions:
            return
        text = " ".join(re.sub(rf"<@!?{me.id}>", " ", message.content).split())
        conversation = _conversation(message.channel.id)
        question = (
            Question(Kind.ASK, text=text, conversation=conversation)
            if text
            else Question(Kind.HELP, conversation=conversation)
        )
        try:
            answer = await self.engine.answer(question)
            embeds = render(answer, self.title_of)
            view = view_for(answer)
        except Exception:
            log.exception("could not answer a message in channel %s", message.channel.id)
            answer, view = Answer(Kind.ERROR, text=messages.INTERNAL_ERROR), None
            embeds = render(answer, self.title_of)
        try:
            for n, embed in enumerate(embeds):
                kwargs: dict[str, Any] = {"embed": embed, "allowed_mentions": NO_MENTIONS, "mention_author": False}
                if n == 0 and view is not None:
                    kwargs["view"] = view
                await message.reply(**kwargs)
        except Exception:
            log.exception("could not reply in channel %s", message.channel.id)


def _featured_note(text: str) -> discord.Embed:
    return fit_embed(discord.Embed(title=messages.DISCORD_TITLE_FEATURED, description=text, colour=COLOURS[None]))


def _is_admin(interaction: discord.Interaction[Any]) -> bool:
    """Manage Server in this channel, from the permissions Discord resolved for the member."""
    return interaction.guild_id is not None and interaction.permissions.manage_guild


def featured_group(bot: ReviewBot) -> app_commands.Group:
    """`/featured subscribe|unsubscribe|status|today`.

    Subcommands share their group's `default_member_permissions`, so requiring Manage
    Server there would hide status and today from everyone else: the check is at runtime.
    """
    group = app_commands.Group(name="featured", description=messages.DISCORD_CMD_FEATURED)

    @group.command(name="subscribe", description=messages.DISCORD_CMD_FEATURED_SUBSCRIBE)
    @app_commands.describe(time=messages.DISCORD_OPT_TIME, timezone=messages.DISCORD_OPT_TIMEZONE)
    async def subscribe(
        interaction: discord.Interaction,
        time: app_commands.Range[str, 1, TIME_OPTION_MAX],
        timezone: app_commands.Range[str, 1, TIMEZONE_OPTION_MAX],
    ) -> None:
        user, admin = str(interaction.user.id), _is_admin(interaction)
        await bot.featured_command(
            interaction,
            lambda cmds, channel: cmds.subscribe("discord", channel, time, timezone, user=user, is_admin=admin),
        )

    @subscribe.autocomplete("timezone")
    async def timezones(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return timezone_choices(current)

    @group.command(name="unsubscribe", description=messages.DISCORD_CMD_FEATURED_UNSUBSCRIBE)
    async def unsubscribe(interaction: discord.Interaction) -> None:
        admin = _is_admin(interaction)
        await bot.featured_command(
            interaction, lambda cmds, channel: cmds.unsubscribe("discord", channel, is_admin=admin)
        )

    @group.command(name="status", description=messages.DISCORD_CMD_FEATURED_STATUS)
    async def status(interaction: discord.Interaction) -> None:
        await bot.featured_command(interaction, lambda cmds, channel: cmds.status("discord", channel))

    @group.command(name="today", description=messages.DISCORD_CMD_FEATURED_TODAY)
    async def today(interaction: discord.Interaction) -> None:
        await bot.featured_command(interaction, lambda cmds, channel: cmds.today("discord", channel))

    return group


async def _drop_original(interaction: discord.Interaction[Any]) -> None:
    try:
        await interaction.delete_original_response()
    except discord.HTTPException:
        log.exception("could not delete the deferred response of interaction %s", interaction.id)


def build_tree(bot: ReviewBot) -> app_commands.CommandTree[discord.Client]:
    tree: app_commands.CommandTree[discord.Client] = app_commands.CommandTree(bot.client)

    @tree.command(name="review", description=messages.DISCORD_CMD_REVIEW)
    @app_commands.describe(title=messages.DISCORD_OPT_TITLE)
    async def review(interaction: discord.Interaction, title: app_commands.Range[str, 1, TITLE_OPTION_MAX]) -> None:
        await bot.respond(interaction, bot.title_question(Kind.REVIEW, title, interaction))

    @tree.command(name="verdict", description=messages.DISCORD_CMD_VERDICT)
    @app_commands.describe(title=messages.DISCORD_OPT_TITLE)
    async def verdict(interaction: discord.Interaction, title: app_commands.Range[str, 1, TITLE_OPTION_MAX]) -> None:
        await bot.respond(interaction, bot.title_question(Kind.VERDICT, title, interaction))

    @tree.command(name="ask", description=messages.DISCORD_CMD_ASK)
    @app_commands.describe(question=messages.DISCORD_OPT_QUESTION)
    async def ask(interaction: discord.Interaction, question: app_commands.Range[str, 1, QUESTION_OPTION_MAX]) -> None:
        q = Question(Kind.ASK, text=question.strip(), conversation=_conversation(interaction.channel_id))
        await bot.respond(interaction, q)

    @tree.command(name="list", description=messages.DISCORD_CMD_LIST)
    async def list_(interaction: discord.Interaction) -> None:
        await bot.respond(interaction, Question(Kind.LIST, conversation=_conversation(interaction.channel_id)))

    @tree.command(name="help", description=messages.DISCORD_CMD_HELP)
    async def help_(interaction: discord.Interaction) -> None:
        await bot.respond(interaction, Question(Kind.HELP, conversation=_conversation(interaction.channel_id)))

    @review.autocomplete("title")
    @verdict.autocomplete("title")
    async def title_choices(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return bot.choices(current)

    if bot.featured is not None:
        tree.add_command(featured_group(bot))

    @tree.error
    async def on_error(interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        log.error("command failed: %s", type(error).__name__, exc_info=error)
        if interaction.type is discord.InteractionType.application_command:
            await _send_error(interaction, messages.INTERNAL_ERROR)

    return tree


# --- clients -------------------------------------------------------------------


class ReviewBotClient(discord.Client):
    """A plain client whose commands and messages are handled by `ReviewBot`."""

    def __init__(
        self,
        engine: Engine,
        config: DiscordConfig,
        *,
        defer_after: float = DEFER_AFTER,
        featured: FeaturedCommands | None = None,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        self.reviewbot = ReviewBot(self, engine, config, defer_after, featured)

    async def setup_hook(self) -> None:
        await self.reviewbot.setup()

    async def on_message(self, message: discord.Message) -> None:
        await self.reviewbot.on_message(message)


class ShardedReviewBotClient(ReviewBotClient, discord.AutoShardedClient):
    """The same bot on `AutoShardedClient` (shard count and ids from config)."""


def intents_for(config: DiscordConfig) -> discord.Intents:
    intents = discord.Intents.default()
    intents.message_content = config.message_content
    # Without message content there is nothing to answer in messages: don't receive them.
    intents.guild_messages = config.message_content
    intents.dm_messages = config.message_content
    intents.typing = False
    intents.dm_typing = False
    return intents


def create_client(
    engine: Engine,
    config: DiscordConfig,
    *,
    guild_ready_timeout: float = 2.0,
    defer_after: float = DEFER_AFTER,
    featured: FeaturedCommands | None = None,
) -> discord.Client:
    """A ready-to-start client with the command tree; sharded when `config.shard_count` is set.

    `/featured` is registered only when `featured` is given.
    """
    options: dict[str, Any] = {
        "intents": intents_for(config),
        "allowed_mentions": NO_MENTIONS,
        "guild_ready_timeout": guild_ready_timeout,
    }
    if config.shard_count is not None:
        options["shard_count"] = config.shard_count
        if config.shard_ids is not None:
            options["shard_ids"] = list(config.shard_ids)
        return ShardedReviewBotClient(engine, config, defer_after=defer_after, featured=featured, **options)
    return ReviewBotClient(engine, config, defer_after=defer_after, featured=featured, **options)


def configure_endpoints(config: DiscordConfig) -> None:
    """Point discord.py at `config.api_base_url` / `config.gateway_url` (process-wide)."""
    if config.api_base_url:
        discord.http.Route.BASE = config.api_base_url.rstrip("/")
    if config.gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(config.gateway_url)


# --- featured posts -------------------------------------------------------------


def _retry_after(error: discord.HTTPException) -> float | None:
    headers = getattr(error.response, "headers", None) or {}
    try:
        return float(headers.get("Retry-After", ""))
    except ValueError:
        return None


def post_error(error: Exception) -> TransientPostError | PermanentPostError:
    """The `bot.featured` error for a failed Discord call: 5xx, 429 and network errors may pass."""
    if isinstance(error, discord.RateLimited):
        return TransientPostError(str(error), retry_after=error.retry_after)
    if isinstance(error, discord.HTTPException):
        if error.status == 429:
            return TransientPostError(str(error), retry_after=_retry_after(error))
        if error.status >= 500:
            return TransientPostError(str(error))
        return PermanentPostError(str(error))  # 403 Missing Access, 404 Unknown Channel, 400 bad request…
    return TransientPostError(str(error) or type(error).__name__)


_CALL_ERRORS = (discord.HTTPException, discord.RateLimited, aiohttp.ClientError, OSError)


class DiscordPoster:
    """`bot.featured.Poster` for Discord: the `/review` card with a heading, in a channel.

    The marker goes out twice. As the message nonce (discord.py adds `enforce_nonce`), so
    Discord hands back the earlier message instead of creating a second one for a few
    minutes; this also covers discord.py itself re-sending the POST after a 500/502/504.
    And at the end of the embed footer, since history does not return nonces:
    `find_existing` looks for it in the channel's last `history_limit` messages.

    discord.py retries 5xx up to 5 times (sleeping 1, 3, 5, 7, 9 s) and sleeps through a
    429 whose response has a `Via` header (Discord's; a 429 without it, from Cloudflare,
    raises at once). `timeout` bounds one attempt including those retries; it must stay
    well below the scheduler's lease. Needs View Channel, Send Messages, Embed Links and
    Read Message History in the channel.
    """

    def __init__(
        self,
        client: discord.Client,
        engine: Engine,
        *,
        timeout: float | None = POST_TIMEOUT,
        history_limit: int = HISTORY_LIMIT,
    ) -> None:
        self.client = client
        self.engine = engine
        self.timeout = timeout
        self.history_limit = history_limit

    def _channel(self, channel_key: str) -> discord.PartialMessageable:
        platform, _, channel = channel_key.partition(":")
        if platform != "discord" or not channel.isdigit():
            raise PermanentPostError(f"not a Discord channel: {channel_key}")
        return self.client.get_partial_messageable(int(channel))

    def _title_of(self, film_id: str) -> str | None:
        film = self.engine.film(film_id)
        return film.title if film is not None else None

    async def post(self, channel_key: str, film_id: str, marker: str) -> str:
        """Post the film's featured card to the channel; return the message id."""
        film = self.engine.film(film_id)
        if film is None:
            raise PermanentPostError(f"film {film_id!r} is no longer in the corpus")
        channel = self._channel(channel_key)
        card = self.engine.card(film)
        kwargs: dict[str, Any] = {
            "content": f"**{messages.FEATURED_POST}**",
            "embed": featured_embed(card, marker, self._title_of),
            "nonce": marker,
            "allowed_mentions": NO_MENTIONS,
        }
        if (view := view_for(card)) is not None:
            kwargs["view"] = view
        try:
            async with asyncio.timeout(self.timeout):
                message = await channel.send(**kwargs)
        except TimeoutError:
            raise TransientPostError(f"Discord did not confirm the post within {self.timeout}s") from None
        except _CALL_ERRORS as e:
            raise post_error(e) from e
        finally:
            if view is not None:
                view.stop()  # out of the client's view store: ActionButton handles clicks, across restarts too
        return str(message.id)

    async def find_existing(self, channel_key: str, marker: str) -> str | None:
        """The id of this bot's recent message in the channel whose footer carries `marker`."""
        me = self.client.user
        if me is None:
            raise TransientPostError("the Discord client is not logged in")
        channel = self._channel(channel_key)
        try:
            async with asyncio.timeout(self.timeout):
                async for message in channel.history(limit=self.history_limit):
                    if message.author.id == me.id and any(marker in (e.footer.text or "") for e in message.embeds):
                        return str(message.id)
        except TimeoutError:
            raise TransientPostError(f"Discord did not return history within {self.timeout}s") from None
        except discord.NotFound:
            return None  # the channel is gone: post() will fail for good
        except _CALL_ERRORS as e:
            raise post_error(e) from e
        return None


async def run(engine: Engine, config: DiscordConfig, token: str, *, featured: FeaturedCommands | None = None) -> None:
    """Connect to Discord and answer until cancelled.

    With `featured`, also register /featured and post Discord's featured reviews from
    `featured.store` once the client is ready.
    """
    configure_endpoints(config)
    client = create_client(engine, config, featured=featured)
    async with client:
        if featured is None:
            await client.start(token)
            return
        scheduler = Scheduler(
            featured.store,
            DiscordPoster(client, engine),
            lambda: [f.id for f in engine.films],
            platforms={"discord"},
        )
        stop = asyncio.Event()

        async def schedule() -> None:
            await client.wait_until_ready()
            await scheduler.run(stop)

        task = asyncio.create_task(schedule(), name="discord-featured")
        try:
            await client.start(token)
        finally:
            stop.set()
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
