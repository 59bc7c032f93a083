"""`/reload` on Slack (under its configured name): read the review files again, for workspace admins."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack_app.admin import AdminCheck
from adapters.slack_app.blocks import render
from adapters.slack_app.replies import Respond, respond_messages
from bot import messages as msg
from bot.cards import note
from bot.reload import Reloader, describe

log = logging.getLogger("reviewbot.slack")


def reload_listener(reloader: Reloader, is_admin: AdminCheck) -> Callable[..., Awaitable[None]]:
    async def on_reload(
        ack: Callable[[], Awaitable[Any]], command: dict[str, Any], respond: Respond, client: AsyncWebClient
    ) -> None:
        await ack()  # users.info and reading the corpus take a while
        try:
            allowed = await is_admin(client, str(command.get("user_id") or ""))
            text = describe(await reloader.reload()) if allowed else msg.RELOAD_ADMINS_ONLY
        except Exception:
            log.exception("/reload failed")
            text = msg.INTERNAL_ERROR
        await respond_messages(respond, render((note(text, title=msg.TITLE_RELOAD),)), "ephemeral")

    return on_reload
