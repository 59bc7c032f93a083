"""`/featured subscribe|unsubscribe|status|today` on Slack (under its configured name)."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack_app.admin import AdminCheck
from adapters.slack_app.blocks import Message, escape, intro_message, render
from adapters.slack_app.replies import Respond, respond_messages
from bot import messages as msg
from bot.cards import cards, note
from bot.featured import FeaturedCommands, FeaturedReply

log = logging.getLogger("reviewbot.slack")


def featured_message(reply: FeaturedReply, name: str) -> Message:
    """A /featured reply as one message: today's card under its intro line, or a short note."""
    # The shared texts say /featured; show the command under its name in this workspace.
    text = re.sub(r"(?<![\w/-])/featured\b", lambda _: name, reply.text)
    if reply.answer is None:
        return render((note(text, title=msg.TITLE_FEATURED, private=reply.ephemeral),))[0]
    (card,) = cards(reply.answer)
    return intro_message(escape(text), card, text)


def featured_listener(featured: FeaturedCommands, name: str, is_admin: AdminCheck) -> Callable[..., Awaitable[None]]:
    async def on_featured(
        ack: Callable[[], Awaitable[Any]], command: dict[str, Any], respond: Respond, client: AsyncWebClient
    ) -> None:
        await ack()  # users.info and the database may be slow
        text = str(command.get("text") or "")
        user = str(command.get("user_id") or "")
        words = text.split()
        try:
            changes = bool(words) and words[0].lower() in ("subscribe", "unsubscribe")
            admin = changes and await is_admin(client, user)
            reply = await featured.run("slack", str(command.get("channel_id") or ""), text, user=user, is_admin=admin)
        except Exception:
            log.exception("/featured failed")
            reply = FeaturedReply(msg.INTERNAL_ERROR)
        response_type = "ephemeral" if reply.ephemeral else "in_channel"
        await respond_messages(respond, [featured_message(reply, name)], response_type)

    return on_featured
