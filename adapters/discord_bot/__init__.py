"""Discord adapter: slash commands, autocomplete, buttons, the review menu and mentions on `bot.engine.Engine`.

Everything Discord-specific lives in this package; `bot/` never imports discord. Questions go to
the engine, answers come back as `bot.cards.Card`s, drawn here as embeds and components.

    client.py    the clients (plain or sharded), intents, endpoints, `DiscordService` (under the supervisor), `run`
    core.py      ReviewBot: start-up, answering a question, clicks and menu picks
    commands.py  the command tree: /review /verdict /ask /list /help and autocomplete
    featured.py  /featured and its admin check
    mentions.py  mentions and DMs
    replies.py   replying to an interaction: deferring, follow-ups, private errors
    render.py    Card -> embed, within Discord's limits
    views.py     buttons and the review menu as persistent dynamic items
    poster.py    DiscordPoster, the featured-review poster
    limits.py    Discord's limits
"""

from __future__ import annotations

from adapters.discord_bot.client import (
    DiscordService,
    ReviewBotClient,
    ShardedReviewBotClient,
    configure_endpoints,
    create_client,
    intents_for,
    run,
    transient,
)
from adapters.discord_bot.core import ReviewBot
from adapters.discord_bot.featured import timezone_choices
from adapters.discord_bot.poster import DiscordPoster, post_error
from adapters.discord_bot.render import COLOURS, embed, embeds, featured_embed, fit_embed
from adapters.discord_bot.replies import DEFER_AFTER, NO_MENTIONS
from adapters.discord_bot.views import ActionButton, ReviewMenu, view_for

__all__ = [
    "COLOURS",
    "DEFER_AFTER",
    "NO_MENTIONS",
    "ActionButton",
    "DiscordPoster",
    "DiscordService",
    "ReviewBot",
    "ReviewBotClient",
    "ReviewMenu",
    "ShardedReviewBotClient",
    "configure_endpoints",
    "create_client",
    "embed",
    "embeds",
    "featured_embed",
    "fit_embed",
    "intents_for",
    "post_error",
    "run",
    "timezone_choices",
    "transient",
    "view_for",
]
