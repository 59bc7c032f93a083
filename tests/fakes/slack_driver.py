"""The contract suite's Slack harness: the real Bolt app (HTTP mode) against SlackFake."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from slack_bolt.async_app import AsyncApp

from adapters.slack_app import create_app, start_http
from bot.config import Secrets, SlackCommands, SlackConfig
from bot.featured import FeaturedCommands
from bot.reload import Reloader
from bot.store import Store
from tests.contract.driver import Reply
from tests.fakes.slack_fake import Received, SlackFake, buttons_of, find_button, find_option, menus_of


def _unescape(text: str) -> str:
    # Slack shows mrkdwn entities decoded; only &amp; &lt; &gt; are entities in Slack text.
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _text_of(obj: Any) -> str:
    if not isinstance(obj, dict):
        return ""
    value = str(obj.get("text", ""))
    return _unescape(value) if obj.get("type") == "mrkdwn" else value


def flatten(payload: dict[str, Any]) -> str:
    """All visible text of a message, as Slack would display it."""
    blocks = payload.get("blocks") or []
    if not blocks:
        return _unescape(str(payload.get("text") or ""))
    lines: list[str] = []
    for block in blocks:
        kind = block.get("type")
        if kind in ("section", "header"):
            if "text" in block:
                lines.append(_text_of(block["text"]))
            lines += [_text_of(f) for f in block.get("fields", [])]
        elif kind == "context":
            lines += [_text_of(e) for e in block.get("elements", [])]
    return "\n".join(line for line in lines if line)


def to_reply(received: Received) -> Reply:
    payload = received.payload
    labels = tuple(str(b.get("text", {}).get("text", "")) for b in buttons_of(payload))
    options = tuple(str(o.get("text", {}).get("text", "")) for m in menus_of(payload) for o in m.get("options") or [])
    return Reply(text=flatten(payload), ephemeral=received.ephemeral, buttons=labels, menu=options, raw=payload)


class SlackDriver:
    platform = "slack"

    def __init__(self, fake: SlackFake, commands: SlackCommands, app: AsyncApp | None = None) -> None:
        self.fake = fake
        self.commands = commands
        self.app = app

    def _replies(self, received: list[Received]) -> list[Reply]:
        late = [d for d in self.fake.deliveries if not d.acked_in_time]
        if late:
            seen = [(d.kind, d.status, round(d.elapsed, 2)) for d in late]
            raise AssertionError(f"Slack saw no ack within 3 s: {seen}")
        rejected = [r for r in received if not r.ok]
        if rejected:
            raise AssertionError(f"Slack rejected {len(rejected)} message(s): {[r.error for r in rejected]}")
        return [to_reply(r) for r in received]

    async def command(self, name: str, text: str, channel: str = "c1", *, reviewer: str | None = None) -> list[Reply]:
        command = getattr(self.commands, name)
        if reviewer is not None:
            text = f"{text} by {reviewer}"
        return self._replies(await self.fake.slash(command, text, channel=channel))

    async def mention(self, text: str, channel: str = "c1", *, after: Reply | None = None) -> list[Reply]:
        thread = after.raw.get("thread_ts") if after is not None else None  # a follow-up goes in the answer's thread
        return self._replies(await self.fake.mention(text, channel=channel, thread_ts=thread))

    async def click(self, reply: Reply, label: str, channel: str = "c1") -> list[Reply]:
        button = find_button(reply.raw, label)
        return self._replies(
            await self.fake.click(reply.raw, button["action_id"], channel=channel, ephemeral=reply.ephemeral)
        )

    async def select(self, reply: Reply, option: str, channel: str = "c1") -> list[Reply]:
        menu, picked = find_option(reply.raw, option)
        received = await self.fake.select(
            reply.raw, menu["action_id"], picked["value"], channel=channel, ephemeral=reply.ephemeral
        )
        return self._replies(received)


@asynccontextmanager
async def slack_driver(
    engine: Any,
    *,
    commands: SlackCommands | None = None,
    reply_timeout: float = 5.0,
    featured: FeaturedCommands | None = None,
    admins: tuple[str, ...] = (),
    settle: float = 0.3,
    reloader: Reloader | None = None,
    store: Store | None = None,
) -> AsyncIterator[SlackDriver]:
    """Start the fake and the real Bolt app in HTTP mode; yield a SlackDriver; shut both down."""
    fake = SlackFake(reply_timeout=reply_timeout, settle=settle)
    await fake.start()
    try:
        config = SlackConfig(
            api_base_url=fake.api_base_url,
            host="127.0.0.1",
            port=0,
            commands=commands or SlackCommands(),
            admins=admins,
        )
        secrets = Secrets(slack_bot_token=fake.bot_token, slack_signing_secret=fake.signing_secret)
        app = create_app(engine, config, secrets, featured=featured, reloader=reloader, store=store)
        runner = await start_http(app, config)
        try:
            fake.app_url = f"http://127.0.0.1:{runner.addresses[0][1]}{config.path}"
            yield SlackDriver(fake, config.commands, app)
        finally:
            await runner.cleanup()
    finally:
        await fake.close()
