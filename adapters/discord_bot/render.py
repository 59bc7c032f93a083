"""Cards as Discord embeds, one embed per card, within Discord's limits.

Layout: the card's title is the embed's title and its tone the colour. Body sections (no heading)
before the first headed one make the description; each headed section is a field named by its
heading, unless it is too long for a field, then it goes in the description under its heading in
bold. A reviewer's words are block quotes, their name on the next line ("— Ana").
"""

from __future__ import annotations

import discord
from discord.utils import escape_markdown

from adapters.discord_bot.limits import (
    DESCRIPTION_MAX,
    EMBED_TOTAL_MAX,
    FIELD_NAME_MAX,
    FIELD_VALUE_MAX,
    FIELDS_MAX,
    FOOTER_MAX,
    TITLE_MAX,
)
from bot.cards import Card, Line, Section
from bot.models import Label
from bot.text import shorten

EMPTY = "\u200b"  # Discord refuses empty field names and values
COLOURS: dict[Label | None, discord.Colour] = {
    Label.POSITIVE: discord.Colour.green(),
    Label.MIXED: discord.Colour.from_rgb(255, 191, 0),  # amber
    Label.NEGATIVE: discord.Colour.red(),
    None: discord.Colour.blurple(),
}


def _line(line: Line) -> str:
    text = "> " + " ".join(line.text.split()) if line.quote else line.text
    return f"{text}\n— {line.by}" if line.by else text


def _body(section: Section) -> str:
    # consecutive block quotes would run together: a blank line keeps them apart
    gap = "\n\n" if sum(line.quote for line in section.lines) > 1 else "\n"
    return gap.join(_line(line) for line in section.lines)


def embed(card: Card) -> discord.Embed:
    """The embed that shows `card` (its buttons and menu are `views.view_for(card)`)."""
    description: list[str] = []
    fields: list[tuple[str, str]] = []
    for section in card.sections:
        body = _body(section)
        if not section.heading and not fields:
            description.append(body)
        elif not fields and len(body) > FIELD_VALUE_MAX:
            description.append(f"**{escape_markdown(section.heading)}**\n{body}")
        else:
            fields.append((section.heading or EMPTY, body or EMPTY))
    colour = COLOURS.get(card.tone, COLOURS[None])
    out = discord.Embed(title=card.title or None, description="\n\n".join(description) or None, colour=colour)
    for name, value in fields:
        out.add_field(name=name, value=value, inline=False)
    if card.footer:
        out.set_footer(text=card.footer)
    if not out.description and not out.fields:
        out.description = EMPTY
    return fit_embed(out)


def embeds(cards: tuple[Card, ...]) -> list[discord.Embed]:
    return [embed(card) for card in cards]


def featured_embed(card: Card, marker: str) -> discord.Embed:
    """The embed of `card` with `marker` at the end of its footer (history has no nonces)."""
    out = embed(card)
    footer = out.footer.text or ""
    tail = f" · {marker}" if footer else marker
    out.set_footer(text=shorten(footer, FOOTER_MAX - len(tail)) + tail)
    return fit_embed(out)  # the footer fits, so only the description or fields can shrink


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
            name=shorten(f.name or EMPTY, FIELD_NAME_MAX),
            value=shorten(f.value or EMPTY, FIELD_VALUE_MAX),
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
