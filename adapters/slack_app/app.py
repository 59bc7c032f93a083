"""`create_app`: the Bolt app and its listeners: slash commands, mentions, DMs, buttons and the review menu.

Every listener acks first (within Slack's 3 s) and only then asks the engine, so a slow answer
never turns into a Slack timeout.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from secrets import token_hex
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import async_default_handlers as default_async_retry_handlers
from slack_sdk.web.async_client import AsyncWebClient

from adapters.parse import command
from adapters.slack_app.admin import AdminCheck
from adapters.slack_app.featured import featured_listener
from adapters.slack_app.reload import reload_listener
from adapters.slack_app.replies import Engine, Respond, ask, cards_of, post_cards, respond_cards
from adapters.supervise import Inflight, demote
from bot import messages as msg
from bot.actions import PREFIX, question_for
from bot.cards import Card
from bot.config import Secrets, SlackCommands, SlackConfig
from bot.errors import ConfigError, StorageError
from bot.featured import FeaturedCommands
from bot.models import Intent, Question
from bot.reload import Reloader
from bot.store import CONTEXT_TIMEOUT, Store

log = logging.getLogger("reviewbot.slack")

DEFAULT_API_BASE_URL = "https://slack.com/api/"
ACTION_PATTERN = re.compile(rf"^{re.escape(PREFIX)}:")
SEEN_EVENTS = 10_000  # event ids remembered to drop Slack's retries


def help_text(commands: SlackCommands, *, featured: bool = False) -> str:
    """The engine's help with this workspace's command names (and /featured when enabled)."""
    extra = msg.SLACK_HELP_FEATURED.format(featured=commands.featured) if featured else ""
    return msg.SLACK_HELP.format(
        review=commands.review, verdict=commands.verdict, ask=commands.ask, help=commands.help, featured=extra
    )


def conversation_key(team: str | None, channel: str | None, thread_ts: str | None = None) -> str:
    key = f"slack:{team or ''}:{channel or ''}"
    return f"{key}:{thread_ts}" if thread_ts else key


def parse_mention(text: str, bot_user_id: str | None) -> tuple[Intent, str]:
    """Intent and text of a mention or DM: `review <title>`, `verdict …`, … or a free question."""
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(\|[^>]*)?>", " ", text)
    return command(text)


def action_id_of(action: Mapping[str, Any]) -> str:
    """What a click asks: a button's action id, or the value of the option picked in a menu."""
    picked = action.get("selected_option") or {}
    return str(picked.get("value") or action.get("action_id") or "")


def _skip_seen_events(
    store: Store | None = None, size: int = SEEN_EVENTS
) -> Callable[..., Awaitable[BoltResponse | None]]:
    """Middleware acking Slack's retries of events already taken (by event_id) without answering.

    Slack retries an event (X-Slack-Retry-Num; `retry_attempt` in Socket Mode) when the ack
    came late or not at all, and the retry may reach another replica. Each event id is
    remembered in this process and, with `store`, recorded in the database all replicas
    share (`Store.first_delivery`): a retry of an event some replica took is a duplicate; a
    retry of one nobody took (all were down) is answered as usual. When the database does
    not answer within a moment, this process' memory decides: better a rare double answer
    than a lost one.
    """
    seen: OrderedDict[str, None] = OrderedDict()
    failing = False

    async def first_delivery(event_id: str) -> bool:
        nonlocal failing
        if store is None:
            return True
        try:
            first = await asyncio.wait_for(store.first_delivery(event_id), 2 * CONTEXT_TIMEOUT)
        except (StorageError, TimeoutError) as e:
            if not failing:
                log.warning("slack: cannot check event ids in the database (%s); this replica alone decides", e)
            failing = True
            return True
        if failing:
            log.info("slack: the database checks event ids again")
            failing = False
        return first

    async def skip_seen_events(
        body: dict[str, Any], request: AsyncBoltRequest, next_: Callable[[], Awaitable[None]]
    ) -> BoltResponse | None:
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if isinstance(event_id, str) and event_id:
            retry = (request.headers.get("x-slack-retry-num") or [str(body.get("retry_attempt") or "?")])[0]
            if event_id in seen:
                log.info("slack: ignoring retry %s of event %s", retry, event_id)
                return BoltResponse(status=200, body="")
            seen[event_id] = None
            while len(seen) > size:
                seen.popitem(last=False)
            if not await first_delivery(event_id):
                log.info("slack: ignoring retry %s of event %s (another replica took it)", retry, event_id)
                return BoltResponse(status=200, body="")
        await next_()
        return None

    return skip_seen_events


def _api_base_url(config: SlackConfig) -> str:
    url = config.api_base_url or DEFAULT_API_BASE_URL
    return url if url.endswith("/") else url + "/"


class _Tidy(logging.Filter):
    """Keeps request bodies out of Bolt's log lines ("invalid signature" and "unhandled request" quote them),
    and drops its warning that the client's token wins over SLACK_BOT_TOKEN (the same token, read twice)."""

    STARTS = ("Invalid request signature detected", "Unhandled request")
    NOISE = ("As you gave `client` as well, `token` will be unused.",)

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        if text in self.NOISE:
            return False
        start = next((s for s in self.STARTS if text.startswith(s)), None)
        if start is not None:
            record.msg, record.args = start, None
        return True


def _bolt_logger() -> logging.Logger:
    """Bolt's logger, and its signature check's, with `_Tidy` (added before Bolt copies the filters)."""
    for name in ("reviewbot.slack.bolt", "slack_bolt.AsyncRequestVerification"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, _Tidy) for f in logger.filters):
            logger.addFilter(_Tidy())
    return logging.getLogger("reviewbot.slack.bolt")


def _tracked(inflight: Inflight, listener: Callable[..., Awaitable[None]]) -> Callable[..., Awaitable[None]]:
    """`listener`, counted in `inflight` while it runs (Bolt still sees its arguments: `functools.wraps`)."""

    @functools.wraps(listener)
    async def tracked(*args: Any, **kwargs: Any) -> None:
        async with inflight:
            await listener(*args, **kwargs)

    return tracked


def create_app(
    engine: Engine,
    config: SlackConfig,
    secrets: Secrets,
    *,
    client: AsyncWebClient | None = None,
    featured: FeaturedCommands | None = None,
    reloader: Reloader | None = None,
    store: Store | None = None,
    inflight: Inflight | None = None,
) -> AsyncApp:
    """A Bolt app answering slash commands, mentions, DMs, our buttons and menus with `engine`.

    With `featured`, `config.commands.featured` manages the channel's daily featured review; with
    `reloader`, `config.commands.reload` reads the review files again (admins only). With `store`,
    Slack's retries of an event are dropped whichever replica took it first. Every listener is
    counted in `inflight` while it runs, so a shutdown can wait for it.
    """
    inflight = inflight or Inflight()
    if not secrets.slack_bot_token and client is None:
        raise ConfigError(msg.SLACK_MISSING_BOT_TOKEN)
    if client is None:
        client = AsyncWebClient(
            token=secrets.slack_bot_token,
            base_url=_api_base_url(config),
            retry_handlers=[*default_async_retry_handlers(), AsyncRateLimitErrorRetryHandler(max_retry_count=2)],
            logger=demote("reviewbot.slack.web", below=logging.WARNING),  # "a retry handler found": DEBUG only
        )
    app = AsyncApp(
        client=client,
        # Without a secret (Socket Mode needs none) use a random one: an empty secret would let
        # anyone forge HTTP requests, a random one makes every HTTP request fail verification.
        signing_secret=secrets.slack_signing_secret or token_hex(32),
        process_before_response=False,  # ack goes out at once; the answer follows
        logger=_bolt_logger(),
    )
    app.middleware(_skip_seen_events(store))
    helped = help_text(config.commands, featured=featured is not None)

    async def answer(question: Question) -> tuple[Card, ...]:
        return cards_of(await ask(engine, question), helped)

    admins = AdminCheck(config.admins)
    if featured is not None:
        name = config.commands.featured
        app.command(name)(_tracked(inflight, featured_listener(featured, name, admins)))
    if reloader is not None:
        app.command(config.commands.reload)(_tracked(inflight, reload_listener(reloader, admins)))

    def on_command(intent: Intent) -> Callable[..., Awaitable[None]]:
        async def listener(ack: Callable[[], Awaitable[Any]], command: dict[str, Any], respond: Respond) -> None:
            await ack()  # before anything slow: Slack gives us 3 seconds
            key = conversation_key(command.get("team_id"), command.get("channel_id"))
            await respond_cards(respond, await answer(Question(intent, str(command.get("text") or "").strip(), key)))

        return listener

    commands = config.commands
    for name, intent in (
        (commands.review, Intent.REVIEW),
        (commands.verdict, Intent.VERDICT),
        (commands.ask, Intent.ASK),
        (commands.help, Intent.HELP),
    ):
        app.command(name)(_tracked(inflight, on_command(intent)))

    async def on_message(body: dict[str, Any], event: dict[str, Any], context: Mapping[str, Any], *, dm: bool) -> None:
        channel = event.get("channel")
        if not channel:
            return
        # A mention in a channel is answered in a thread under it (a reply in a thread, in that thread): the
        # mention and its thread share one conversation key, the thread's root ts, so follow-ups keep the film.
        thread_ts = event.get("thread_ts") or (None if dm else event.get("ts"))
        intent, text = parse_mention(str(event.get("text") or ""), context.get("bot_user_id"))
        shown = await answer(Question(intent, text, conversation_key(body.get("team_id"), channel, thread_ts)))
        private = bool(shown) and shown[0].private and not dm
        await post_cards(
            app.client, shown, channel=channel, user=event.get("user"), thread_ts=thread_ts, ephemeral=private
        )

    @app.event("app_mention")
    @functools.partial(_tracked, inflight)
    async def on_mention(body: dict[str, Any], event: dict[str, Any], context: Mapping[str, Any]) -> None:
        await on_message(body, event, context, dm=False)

    @app.event("message")
    @functools.partial(_tracked, inflight)
    async def on_dm(body: dict[str, Any], event: dict[str, Any], context: Mapping[str, Any]) -> None:
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
            return
        if event.get("user") and event.get("user") == context.get("bot_user_id"):
            return
        await on_message(body, event, context, dm=True)

    @app.action(ACTION_PATTERN)
    @functools.partial(_tracked, inflight)
    async def on_action(
        ack: Callable[[], Awaitable[Any]], body: dict[str, Any], action: dict[str, Any], respond: Respond
    ) -> None:
        await ack()
        container = body.get("container") or {}
        message = body.get("message") or {}
        thread_ts = container.get("thread_ts") or message.get("thread_ts")
        channel = (body.get("channel") or {}).get("id") or container.get("channel_id")
        team = (body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id")
        question = question_for(action_id_of(action), conversation_key(team, channel, thread_ts))
        if question is None:
            return
        await respond_cards(respond, await answer(question))

    @app.error
    async def on_error(error: Exception) -> None:
        log.error("slack listener failed: %s", type(error).__name__)

    return app
