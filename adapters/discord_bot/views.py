"""A card's buttons and review menu as components that outlive the process.

Each is a `discord.ui.DynamicItem` keyed on its custom_id (a `bot.actions` id), so a click on a
message sent before a restart still works: discord.py rebuilds the item from the message and its
callback hands the action id to the bot (`ReviewBot.on_action`).
"""

from __future__ import annotations

import logging
import re
from typing import Any

import discord

from adapters.discord_bot.limits import (
    BUTTON_LABEL_MAX,
    CUSTOM_ID_MAX,
    OPTION_DESCRIPTION_MAX,
    OPTION_LABEL_MAX,
    OPTION_VALUE_MAX,
    PLACEHOLDER_MAX,
    ROW_BUTTONS_MAX,
    ROWS_MAX,
    SELECT_OPTIONS_MAX,
)
from bot.actions import PREFIX
from bot.cards import Card, Menu
from bot.text import shorten

log = logging.getLogger("reviewbot.discord")

# Disjoint: discord.py runs every dynamic item whose template matches a custom_id. Every other
# action id is a button's, so one this version no longer knows still gets an answer.
MENU_TEMPLATE = re.escape(PREFIX) + r":menu:.+"
BUTTON_TEMPLATE = re.escape(PREFIX) + r":(?!menu:)[a-z]+:.+"


async def _act(interaction: discord.Interaction[Any], action_id: str) -> None:
    core = getattr(interaction.client, "reviewbot", None)
    if core is None:
        log.warning("a component interaction reached a client without the bot")
        return
    await core.on_action(interaction, action_id)


class ActionButton(discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=BUTTON_TEMPLATE):
    """A button whose custom_id is an action id (`rb:review:<film id>`, `rb:full:<review id>` …)."""

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
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ActionButton:
        return cls(getattr(item, "label", None) or "", match.string)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _act(interaction, self.custom_id)


class ReviewMenu(discord.ui.DynamicItem[discord.ui.Select[discord.ui.View]], template=MENU_TEMPLATE):
    """A film's review menu (`rb:menu:<film id>`); each option's value is the action id it asks."""

    def __init__(self, select: discord.ui.Select[discord.ui.View]) -> None:
        super().__init__(select)

    @classmethod
    def of(cls, menu: Menu) -> ReviewMenu:
        options = [
            discord.SelectOption(
                label=shorten(o.label, OPTION_LABEL_MAX) or "…",
                value=o.action_id[:OPTION_VALUE_MAX],
                description=shorten(o.description, OPTION_DESCRIPTION_MAX) or None,
            )
            for o in dict((o.action_id[:OPTION_VALUE_MAX], o) for o in menu.options).values()  # values are unique
        ][:SELECT_OPTIONS_MAX]
        select: discord.ui.Select[discord.ui.View] = discord.ui.Select(
            custom_id=menu.action_id[:CUSTOM_ID_MAX],
            placeholder=shorten(menu.placeholder, PLACEHOLDER_MAX) or None,
            options=options,
            min_values=1,
            max_values=1,
        )
        return cls(select)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ReviewMenu:
        if isinstance(item, discord.ui.Select):
            return cls(item)
        return cls(discord.ui.Select(custom_id=match.string))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        data: Any = interaction.data or {}
        values = list(self.item.values) or list(data.get("values") or [])
        await _act(interaction, str(values[0]) if values else "")


def view_for(card: Card) -> discord.ui.View | None:
    """The card's review menu (on its own row, first) and buttons, or None when it has neither."""
    if not card.buttons and (card.menu is None or not card.menu.options):
        return None
    view = discord.ui.View(timeout=None)
    rows = ROWS_MAX
    if card.menu is not None and card.menu.options and card.menu.action_id:
        view.add_item(ReviewMenu.of(card.menu))
        rows -= 1
    seen: set[str] = set()
    for b in card.buttons:
        custom_id = b.action_id[:CUSTOM_ID_MAX]
        if custom_id in seen or len(seen) >= rows * ROW_BUTTONS_MAX:
            continue
        seen.add(custom_id)
        view.add_item(ActionButton(b.label, custom_id))
    return view if view.children else None
