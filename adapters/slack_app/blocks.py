"""Cards as Block Kit messages, within Slack's limits, with every user and corpus text escaped.

Layout: a header (the tone's emoji, then the title), a section per card section (its heading in
bold, a reviewer's words as a block quote with "— Ana" under it), the footer as context, then one
actions block: the review menu (a static_select) and the buttons. Slack parses mrkdwn and the
top-level `text` for mentions, so both are escaped (`<!everyone>` becomes `&lt;!everyone&gt;`);
plain_text (headers, buttons, options) is never parsed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot import messages as msg
from bot.cards import Card, Line, Menu, Section, plain
from bot.models import Label

Block = dict[str, Any]
Message = dict[str, Any]  # {"text": str, "blocks": list[Block]}

# Slack limits (https://docs.slack.dev/reference/block-kit/blocks)
MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_HEADER_TEXT = 150
MAX_BUTTON_TEXT = 75
MAX_ACTION_ELEMENTS = 25
MAX_ACTION_ID = 255
MAX_CONTEXT_TEXT = 2000
MAX_SELECT_OPTIONS = 100
MAX_OPTION_TEXT = 75
MAX_OPTION_VALUE = 150
MAX_PLACEHOLDER = 150
MAX_FALLBACK_TEXT = 3000  # the API allows 40000; Slack truncates display at 4000

TONE_EMOJI = {
    Label.POSITIVE: ":large_green_circle:",
    Label.MIXED: ":large_yellow_circle:",
    Label.NEGATIVE: ":red_circle:",
}


# --- text ----------------------------------------------------------------------------


def escape(text: str) -> str:
    """Escape text for Slack mrkdwn (and top-level `text`): no mention or link can be formed."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, ending in … when cut; never cuts an &entity; in half."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    amp = cut.rfind("&", max(0, len(cut) - 5))
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + "…"


def split_text(text: str, limit: int = MAX_SECTION_TEXT) -> list[str]:
    """Split (escaped) text into chunks of at most `limit`, at paragraph, line or word breaks."""
    chunks: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[:limit]
        cut = -1
        for sep in ("\n\n", "\n", " "):
            cut = window.rfind(sep)
            if cut > limit // 2:
                break
        if cut <= 0:
            cut = limit
            amp = window.rfind("&", max(0, limit - 5))
            if amp > 0 and ";" not in window[amp:]:
                cut = amp
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        chunks.append(rest)
    return chunks


def quote(text: str) -> str:
    """Escaped text as a mrkdwn block quote."""
    return "\n".join("&gt; " + line for line in escape(text.strip()).splitlines() if line.strip())


# --- blocks ----------------------------------------------------------------------------


def plain_text(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": clip(text, limit) or "…", "emoji": True}


def header_block(title: str) -> Block:
    return {"type": "header", "text": plain_text(title, MAX_HEADER_TEXT)}


def section_block(mrkdwn: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(mrkdwn, MAX_SECTION_TEXT) or " "}}


def sections(mrkdwn: str) -> list[Block]:
    return [section_block(chunk) for chunk in split_text(mrkdwn)]


def context_block(mrkdwn: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": clip(mrkdwn, MAX_CONTEXT_TEXT) or " "}]}


def _line(line: Line) -> str:
    text = quote(" ".join(line.text.split())) if line.quote else escape(line.text)
    return f"{text}\n— {escape(line.by)}" if line.by else text


def _section(section: Section) -> str:
    # consecutive block quotes would run together: a blank line keeps them apart
    gap = "\n\n" if sum(line.quote for line in section.lines) > 1 else "\n"
    body = gap.join(_line(line) for line in section.lines)
    return f"*{escape(section.heading)}*\n{body}" if section.heading else body


def _select(menu: Menu) -> dict[str, Any]:
    options = []
    for o in menu.options[:MAX_SELECT_OPTIONS]:
        option: dict[str, Any] = {"text": plain_text(o.label, MAX_OPTION_TEXT), "value": o.action_id[:MAX_OPTION_VALUE]}
        if o.description:
            option["description"] = plain_text(o.description, MAX_OPTION_TEXT)
        options.append(option)
    return {
        "type": "static_select",
        "action_id": menu.action_id[:MAX_ACTION_ID],
        "placeholder": plain_text(menu.placeholder, MAX_PLACEHOLDER),
        "options": options,
    }


def actions_block(card: Card) -> Block | None:
    """The card's review menu, then its buttons, in one actions block (None when it has neither)."""
    elements: list[dict[str, Any]] = []
    if card.menu is not None and card.menu.options and card.menu.action_id:
        elements.append(_select(card.menu))
    seen = {e["action_id"] for e in elements}  # action ids are unique within a message
    for button in card.buttons:
        if button.action_id in seen:
            continue
        seen.add(button.action_id)
        elements.append(
            {
                "type": "button",
                "text": plain_text(button.label, MAX_BUTTON_TEXT),
                "action_id": button.action_id[:MAX_ACTION_ID],
                "value": button.action_id,
            }
        )
    return {"type": "actions", "elements": elements[:MAX_ACTION_ELEMENTS]} if elements else None


def fit_blocks(blocks: list[Block]) -> list[Block]:
    """At most MAX_BLOCKS blocks: keeps the last actions block, notes the cut."""
    if len(blocks) <= MAX_BLOCKS:
        return blocks
    tail = [b for b in blocks if b["type"] == "actions"][-1:]
    body = [b for b in blocks if b["type"] != "actions"]
    keep = MAX_BLOCKS - len(tail) - 1
    return [*body[:keep], context_block(escape(msg.SLACK_TRUNCATED)), *tail]


def card_blocks(card: Card, *, header: bool = True) -> list[Block]:
    """The blocks of one card (without its header when it continues the card before it)."""
    blocks: list[Block] = []
    if header and card.title:
        emoji = TONE_EMOJI.get(card.tone) if card.tone is not None else None
        blocks.append(header_block(f"{emoji} {card.title}" if emoji else card.title))
    for section in card.sections:
        blocks += sections(_section(section))
    if card.footer:
        blocks.append(context_block(escape(card.footer)))
    if (actions := actions_block(card)) is not None:
        blocks.append(actions)
    return blocks


def fallback(text: str) -> str:
    """Top-level `text` (notifications, clients without blocks): escaped and clipped."""
    return clip(escape(text.strip()), MAX_FALLBACK_TEXT) or " "


def render(cards: Sequence[Card], *, max_messages: int | None = None) -> list[Message]:
    """One message per card, or, when that is more than `max_messages`, cards grouped into that many."""
    if not cards:
        return []
    per = max(1, -(-len(cards) // max_messages)) if max_messages else 1
    out: list[Message] = []
    for start in range(0, len(cards), per):
        group = cards[start : start + per]
        blocks: list[Block] = []
        for n, card in enumerate(group):
            blocks += card_blocks(card, header=n == 0 or card.title != group[n - 1].title)
        out.append({"text": fallback(plain(group[0])), "blocks": fit_blocks(blocks) or [section_block(" ")]})
    return out


def intro_message(intro: str, card: Card, text: str) -> Message:
    """A card under an intro line (mrkdwn, escaped by the caller): `/featured today`, the featured post."""
    return {"text": fallback(text), "blocks": fit_blocks([section_block(intro), *card_blocks(card)])}
