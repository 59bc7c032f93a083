"""Slack adapter: slash commands, mentions, DMs and buttons on slack-bolt's AsyncApp.

Every listener acks first (within Slack's 3 s) and only then asks the engine, so a
slow answer never turns into a Slack timeout. Answers are rendered as Block Kit
within Slack's limits; all user and corpus text is escaped for mrkdwn so nothing
we echo can ping (`<!everyone>` becomes `&lt;!everyone&gt;`).

Modes: Socket Mode when `secrets.slack_app_token` is set, otherwise an aiohttp
server on `config.host:config.port` + `config.path` (`web_app`), which checks each
request's signature on its raw body before anything parses it (missing, bad or older
than 5 minutes: 401), refuses a signed body Bolt cannot read (400), and only then hands
the request to Bolt, which checks the signature again.

Featured reviews: `/featured` (given a `FeaturedCommands`) and `SlackPoster`, the
`bot.featured.Poster` that posts the daily card tagged with message metadata.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from secrets import token_hex
from typing import Any, Protocol

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.request.internals import parse_body
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import async_default_handlers as default_async_retry_handlers
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from bot import messages
from bot.actions import buttons, question_for
from bot.config import Secrets, SlackCommands, SlackConfig
from bot.errors import ConfigError
from bot.featured import FeaturedCommands, FeaturedReply, PermanentPostError, Scheduler, TransientPostError
from bot.models import Answer, Kind, Label, Question


class Engine(Protocol):
    """What the adapter needs of `bot.engine.Engine`."""

    async def answer(self, question: Question) -> Answer: ...


log = logging.getLogger(__name__)

DEFAULT_API_BASE_URL = "https://slack.com/api/"
ACTION_PATTERN = re.compile(r"^rb:")

# Slack limits (https://docs.slack.dev/reference/block-kit/blocks)
MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_HEADER_TEXT = 150
MAX_BUTTON_TEXT = 75
MAX_FIELDS = 10
MAX_FIELD_TEXT = 2000
MAX_ACTION_ELEMENTS = 25
MAX_CONTEXT_TEXT = 2000
MAX_FALLBACK_TEXT = 3000  # the API allows 40000; Slack truncates display at 4000
MAX_RESPONSE_URL_USES = 5  # a response_url accepts at most 5 messages in 30 minutes

FEATURED_EVENT_TYPE = "reviewbot_featured"  # message metadata event_type of featured posts
HISTORY_LIMIT = 50  # recent messages find_existing looks through
ADMIN_CACHE_SECONDS = 60.0  # how long a users.info admin answer is reused
SEEN_EVENTS = 10_000  # event ids remembered to drop Slack's retries
# Slack errors (HTTP 200, ok: false) worth retrying; any other error code is permanent.
TRANSIENT_ERRORS = frozenset({"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"})

LABEL_EMOJI = {
    Label.POSITIVE: ":large_green_circle:",
    Label.MIXED: ":large_yellow_circle:",
    Label.NEGATIVE: ":red_circle:",
}
ASPECT_EMOJI = {
    "story": ":book:",
    "pacing": ":hourglass_flowing_sand:",
    "acting": ":performing_arts:",
    "visuals": ":art:",
    "effects": ":sparkles:",
    "music": ":musical_note:",
    "sequel": ":repeat:",
}

# Words a mention or DM may start with to pick the question kind; anything else is a question.
MENTION_KINDS = {
    "review": Kind.REVIEW,
    "verdict": Kind.VERDICT,
    "full": Kind.FULL,
    "help": Kind.HELP,
    "list": Kind.LIST,
    "ask": Kind.ASK,
}

Block = dict[str, Any]
Message = dict[str, Any]  # {"text": str, "blocks": list[Block]}


# --- text helpers -----------------------------------------------------------------


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


# --- blocks -------------------------------------------------------------------------


def header_block(title: str) -> Block:
    # plain_text is never parsed for mentions, so it is not escaped.
    return {
        "type": "header",
        "text": {"type": "plain_text", "text": clip(title, MAX_HEADER_TEXT) or "…", "emoji": True},
    }


def section_block(mrkdwn: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(mrkdwn, MAX_SECTION_TEXT) or " "}}


def sections(mrkdwn: str) -> list[Block]:
    return [section_block(chunk) for chunk in split_text(mrkdwn)]


def context_block(mrkdwn: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": clip(mrkdwn, MAX_CONTEXT_TEXT)}]}


def fields_block(title: str, fields: Sequence[str]) -> Block:
    return {
        "type": "section",
        "text": {"type": "mrkdwn", "text": clip(title, MAX_SECTION_TEXT)},
        "fields": [{"type": "mrkdwn", "text": clip(f, MAX_FIELD_TEXT)} for f in fields[:MAX_FIELDS]],
    }


def actions_block(answer: Answer) -> Block | None:
    elements: list[dict[str, Any]] = []
    seen: set[str] = set()
    for button in buttons(answer):
        if button.action_id in seen:
            continue
        seen.add(button.action_id)
        elements.append(
            {
                "type": "button",
                "text": {"type": "plain_text", "text": clip(button.label, MAX_BUTTON_TEXT), "emoji": True},
                "action_id": button.action_id,
                "value": button.action_id,
            }
        )
    if not elements:
        return None
    return {"type": "actions", "elements": elements[:MAX_ACTION_ELEMENTS]}


def fit_blocks(blocks: list[Block]) -> list[Block]:
    """At most MAX_BLOCKS blocks: keeps trailing action blocks, notes the cut."""
    if len(blocks) <= MAX_BLOCKS:
        return blocks
    tail = [b for b in blocks if b["type"] == "actions"][-1:]
    body = [b for b in blocks if b["type"] != "actions"]
    keep = MAX_BLOCKS - len(tail) - 1
    return [*body[:keep], context_block(messages.SLACK_TRUNCATED), *tail]


# --- rendering ----------------------------------------------------------------------


def _title(answer: Answer) -> str:
    film = answer.film
    if film is None:
        return ""
    return f"{film.title} ({film.year})" if film.year else film.title


def _fallback(text: str) -> str:
    return clip(escape(text.strip()), MAX_FALLBACK_TEXT) or " "


def _verdict_blocks(answer: Answer) -> list[Block]:
    verdict = answer.verdict
    if verdict is None:
        return []
    label = messages.VERDICT_WORDS[verdict.label.value]
    line = messages.VERDICT_LINE.format(label=f"*{label}*", confidence=max(0.0, min(1.0, verdict.confidence)))
    blocks = [section_block(f"{LABEL_EMOJI.get(verdict.label, '')} {line}".strip())]
    if verdict.quote.strip():
        blocks += sections(quote(verdict.quote))
    if verdict.sequel is not None:
        comparison = messages.SEQUEL_WORDS[verdict.sequel.compared_to_original]
        text = ":repeat: " + messages.SEQUEL_LINE.format(comparison=f"*{escape(comparison)}*")
        if verdict.sequel.quote.strip():
            text += "\n" + quote(verdict.sequel.quote)
        blocks += sections(text)
    return blocks


def _highlight_blocks(answer: Answer) -> list[Block]:
    if not answer.highlights:
        return []
    fields = []
    for snippet in answer.highlights[:MAX_FIELDS]:
        aspect = snippet.aspect.value if snippet.aspect is not None else ""
        head = f"{ASPECT_EMOJI.get(aspect, '')} *{escape(aspect.capitalize())}*\n" if aspect else ""
        fields.append(head + escape(snippet.text.strip()))
    return [fields_block(f"*{messages.SLACK_HIGHLIGHTS}*", fields)]


def _suggestion_blocks(answer: Answer) -> list[Block]:
    missing = [s for s in answer.suggestions if s.title not in answer.text]
    if not missing:
        return []
    titles = ", ".join(f"*{escape(s.title)}*" for s in answer.suggestions[:10])
    return [context_block(messages.SLACK_SUGGESTIONS.format(titles=titles))]


def _text_blocks(answer: Answer) -> list[Block]:
    return sections(escape(answer.text)) if answer.text.strip() else []


def _list_blocks(answer: Answer) -> list[Block]:
    if not answer.films:
        return _text_blocks(answer)
    lines = [f"• *{escape(f.title)}*" + (f" ({f.year})" if f.year else "") for f in answer.films]
    intro = answer.text.strip().splitlines()[0] if answer.text.strip() else ""
    blocks: list[Block] = [section_block(escape(intro))] if intro else []
    chunk: list[str] = []
    size = 0
    shown = 0
    for line in lines:
        line = clip(line, MAX_SECTION_TEXT)
        if chunk and size + len(line) + 1 > MAX_SECTION_TEXT:
            if len(blocks) >= MAX_BLOCKS - 2:
                break
            blocks.append(section_block("\n".join(chunk)))
            chunk, size = [], 0
        chunk.append(line)
        size += len(line) + 1
        shown += 1
    if chunk:
        blocks.append(section_block("\n".join(chunk)))
    if shown < len(lines):
        blocks.append(context_block(messages.LIST_MORE.format(count=len(lines) - shown)))
    return blocks


def _full_messages(answer: Answer, max_messages: int | None) -> list[Message]:
    pages = [p for p in answer.pages if p.strip()] or ([answer.text] if answer.text.strip() else [])
    if not pages:
        return [{"text": _fallback(_title(answer) or " "), "blocks": []}]
    # One message per page, unless that is more than `max_messages`: then pages are grouped.
    groups: list[list[tuple[int, str]]] = []
    per = max(1, -(-len(pages) // max_messages)) if max_messages else 1
    numbered = list(enumerate(pages, 1))
    for start in range(0, len(numbered), per):
        groups.append(numbered[start : start + per])
    out: list[Message] = []
    title = _title(answer)
    for n, group in enumerate(groups):
        blocks: list[Block] = []
        if n == 0 and title:
            blocks.append(header_block(title))
        for number, page in group:
            blocks += sections(escape(page))
            blocks.append(context_block(messages.PAGE.format(page=number, pages=len(pages))))
        out.append({"text": _fallback(group[0][1]), "blocks": fit_blocks(blocks)})
    return out


def render(answer: Answer, *, max_messages: int | None = None) -> list[Message]:
    """Block Kit messages for one answer (several for FULL), each within Slack's limits."""
    if answer.kind is Kind.FULL:
        return _full_messages(answer, max_messages)
    blocks: list[Block] = []
    title = _title(answer)
    if title and answer.kind in (Kind.REVIEW, Kind.VERDICT):
        blocks.append(header_block(title))
    body: list[Block] = []
    if answer.kind is Kind.REVIEW:
        body += _verdict_blocks(answer)
        if answer.summary.strip():
            body += sections(escape(answer.summary))
        body += _highlight_blocks(answer)
    elif answer.kind is Kind.VERDICT:
        body += _verdict_blocks(answer)
    elif answer.kind is Kind.LIST:
        body += _list_blocks(answer)
    if not body:
        body = _text_blocks(answer)
    if answer.kind in (Kind.AMBIGUOUS, Kind.NOT_FOUND):
        body += _suggestion_blocks(answer)
    blocks += body
    actions = actions_block(answer)
    if actions is not None:
        blocks.append(actions)
    if not blocks:
        blocks = [section_block(escape(messages.INTERNAL_ERROR))]
    return [{"text": _fallback(answer.text or title or messages.INTERNAL_ERROR), "blocks": fit_blocks(blocks)}]


def text_message(text: str) -> Message:
    """A plain-text message (escaped: user input such as a timezone is echoed back)."""
    return {"text": _fallback(text), "blocks": sections(escape(text))}


def card_message(answer: Answer, intro: str, text: str) -> Message:
    """A review card as one message: the intro line (mrkdwn), then `render(answer)`'s blocks."""
    card = _safe_render(answer)[0]
    return {"text": _fallback(text), "blocks": fit_blocks([section_block(intro), *card["blocks"]])}


def featured_post(answer: Answer) -> Message:
    """The daily featured post: the card under a "Featured review of the day" heading."""
    title = answer.film.title if answer.film else _title(answer)
    intro = f":star: *{escape(messages.FEATURED_POST)}*"
    return card_message(answer, intro, messages.FEATURED_TODAY.format(title=title))


def help_text(commands: SlackCommands, *, featured: bool = False) -> str:
    """The engine's help with this workspace's command names (and /featured when enabled)."""
    extra = messages.SLACK_HELP_FEATURED.format(featured=commands.featured) if featured else ""
    return messages.SLACK_HELP.format(
        review=commands.review, verdict=commands.verdict, ask=commands.ask, help=commands.help, featured=extra
    )


# --- questions ----------------------------------------------------------------------


def conversation_key(team: str | None, channel: str | None, thread_ts: str | None = None) -> str:
    key = f"slack:{team or ''}:{channel or ''}"
    return f"{key}:{thread_ts}" if thread_ts else key


def parse_mention(text: str, bot_user_id: str | None) -> tuple[Kind, str]:
    """Kind and text of a mention or DM: `review <title>`, `verdict …`, … or a free question."""
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(\|[^>]*)?>", " ", text)
    text = text.strip()
    word, _, rest = text.partition(" ")
    kind = MENTION_KINDS.get(word.lower().rstrip(":,"))
    if kind is None:
        return Kind.ASK, text
    return kind, rest.strip()


async def ask(engine: Engine, question: Question) -> Answer:
    """The engine's answer, or a generic error answer (details go to the log only)."""
    try:
        return await engine.answer(question)
    except Exception:
        log.exception("engine failed on a %s question", question.kind.value)
        return Answer(kind=Kind.ERROR, text=messages.INTERNAL_ERROR)


def _safe_render(answer: Answer, max_messages: int | None = None) -> list[Message]:
    try:
        return render(answer, max_messages=max_messages)
    except Exception:
        log.exception("rendering a %s answer failed", answer.kind.value)
        return render(Answer(kind=Kind.ERROR, text=messages.INTERNAL_ERROR))


Respond = Callable[..., Awaitable[Any]]


async def _respond_all(respond: Respond, answer: Answer) -> None:
    response_type = "ephemeral" if answer.is_error else "in_channel"
    await _respond_messages(respond, _safe_render(answer, MAX_RESPONSE_URL_USES), response_type)


async def _respond_messages(respond: Respond, rendered: Sequence[Message], response_type: str) -> None:
    for message in rendered[:MAX_RESPONSE_URL_USES]:
        try:
            result = await respond(
                text=message["text"],
                blocks=message["blocks"],
                response_type=response_type,
                replace_original=False,
            )
        except Exception:
            log.exception("posting to response_url failed")
            return
        status = getattr(result, "status_code", 200)
        if status != 200:
            log.warning("response_url rejected a message: %s %s", status, getattr(result, "body", ""))
            return


async def _post_all(
    client: AsyncWebClient,
    answer: Answer,
    *,
    channel: str,
    user: str | None,
    thread_ts: str | None,
    ephemeral: bool,
) -> None:
    for message in _safe_render(answer):
        try:
            if ephemeral and user:
                await client.chat_postEphemeral(
                    channel=channel, user=user, text=message["text"], blocks=message["blocks"], thread_ts=thread_ts
                )
            else:
                await client.chat_postMessage(
                    channel=channel,
                    text=message["text"],
                    blocks=message["blocks"],
                    thread_ts=thread_ts,
                    unfurl_links=False,
                    unfurl_media=False,
                )
        except SlackApiError as e:
            log.warning("Slack rejected a reply: %s", e.response.get("error"))
            return
        except Exception:
            log.exception("posting a reply failed")
            return


# --- app ----------------------------------------------------------------------------


def _api_base_url(config: SlackConfig) -> str:
    url = config.api_base_url or DEFAULT_API_BASE_URL
    return url if url.endswith("/") else url + "/"


def create_app(
    engine: Engine,
    config: SlackConfig,
    secrets: Secrets,
    *,
    client: AsyncWebClient | None = None,
    featured: FeaturedCommands | None = None,
) -> AsyncApp:
    """A Bolt app answering slash commands, mentions, DMs and our buttons with `engine`.

    With `featured`, `config.commands.featured` manages the channel's daily featured review.
    """
    if not secrets.slack_bot_token and client is None:
        raise ConfigError(messages.SLACK_MISSING_BOT_TOKEN)
    if client is None:
        client = AsyncWebClient(
            token=secrets.slack_bot_token,
            base_url=_api_base_url(config),
            retry_handlers=[*default_async_retry_handlers(), AsyncRateLimitErrorRetryHandler(max_retry_count=2)],
        )
    app = AsyncApp(
        client=client,
        # Without a secret (Socket Mode needs none) use a random one: an empty secret would let
        # anyone forge HTTP requests, a random one makes every HTTP request fail verification.
        signing_secret=secrets.slack_signing_secret or token_hex(32),
        process_before_response=False,  # ack goes out at once; the answer follows
        logger=_bolt_logger(),
    )

    app.middleware(_skip_seen_events())
    engine = SlackHelp(engine, help_text(config.commands, featured=featured is not None))
    if featured is not None:
        app.command(config.commands.featured)(
            _featured_listener(featured, config.commands.featured, AdminCheck(config.admins))
        )

    command_kinds = {
        config.commands.review: Kind.REVIEW,
        config.commands.verdict: Kind.VERDICT,
        config.commands.ask: Kind.ASK,
        config.commands.help: Kind.HELP,
    }
    for name, kind in command_kinds.items():
        app.command(name)(_command_listener(engine, kind))

    @app.event("app_mention")
    async def on_mention(body: dict[str, Any], event: dict[str, Any], context: Mapping[str, Any]) -> None:
        await _answer_message(engine, app.client, body, event, context, in_dm=False)

    @app.event("message")
    async def on_message(body: dict[str, Any], event: dict[str, Any], context: Mapping[str, Any]) -> None:
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
            return
        if event.get("user") and event.get("user") == context.get("bot_user_id"):
            return
        await _answer_message(engine, app.client, body, event, context, in_dm=True)

    @app.action(ACTION_PATTERN)
    async def on_action(
        ack: Callable[[], Awaitable[Any]], body: dict[str, Any], action: dict[str, Any], respond: Respond
    ) -> None:
        await ack()
        container = body.get("container") or {}
        message = body.get("message") or {}
        thread_ts = container.get("thread_ts") or message.get("thread_ts")
        channel = (body.get("channel") or {}).get("id") or container.get("channel_id")
        team = (body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id")
        question = question_for(str(action.get("action_id", "")), conversation_key(team, channel, thread_ts))
        if question is None:
            return
        await _respond_all(respond, await ask(engine, question))

    @app.error
    async def on_error(error: Exception) -> None:
        log.error("slack listener failed: %s", type(error).__name__)

    return app


class _NoBodies(logging.Filter):
    """Keeps request bodies out of Bolt's log lines ("invalid signature" and "unhandled request" quote them)."""

    STARTS = ("Invalid request signature detected", "Unhandled request")

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        start = next((s for s in self.STARTS if text.startswith(s)), None)
        if start is not None:
            record.msg, record.args = start, None
        return True


def _bolt_logger() -> logging.Logger:
    """Bolt's logger, and its signature check's, with `_NoBodies` (added before Bolt copies the filters)."""
    for name in ("reviewbot.slack.bolt", "slack_bolt.AsyncRequestVerification"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, _NoBodies) for f in logger.filters):
            logger.addFilter(_NoBodies())
    return logging.getLogger("reviewbot.slack.bolt")


class SlackHelp:
    """The engine, except that help is Slack's own text (the configured command names)."""

    def __init__(self, engine: Engine, text: str) -> None:
        self.engine = engine
        self.text = text

    async def answer(self, question: Question) -> Answer:
        if question.kind is Kind.HELP:
            return Answer(kind=Kind.HELP, text=self.text)
        return await self.engine.answer(question)


def _skip_seen_events(size: int = SEEN_EVENTS) -> Callable[..., Awaitable[BoltResponse | None]]:
    """Middleware acking Slack's retries of events we already took (by event_id) without answering.

    Slack retries an event (X-Slack-Retry-Num; `retry_attempt` in Socket Mode) when the ack
    came late or not at all. We ack at once, so a retry of an event we saw is a duplicate;
    a retry of one we never saw (we were down) is answered as usual.
    """
    seen: OrderedDict[str, None] = OrderedDict()

    async def skip_seen_events(
        body: dict[str, Any], request: AsyncBoltRequest, next_: Callable[[], Awaitable[None]]
    ) -> BoltResponse | None:
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if isinstance(event_id, str) and event_id:
            if event_id in seen:
                retry = (request.headers.get("x-slack-retry-num") or ["?"])[0]
                log.info("slack: ignoring retry %s of event %s", retry, event_id)
                return BoltResponse(status=200, body="")
            seen[event_id] = None
            while len(seen) > size:
                seen.popitem(last=False)
        await next_()
        return None

    return skip_seen_events


class AdminCheck:
    """May a user change featured posts? In `admins`, or a workspace admin/owner (users.info, cached)."""

    def __init__(
        self,
        admins: Collection[str] = (),
        ttl: float = ADMIN_CACHE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.admins = frozenset(admins)
        self.ttl = ttl
        self._clock = clock
        self._cache: dict[str, tuple[float, bool]] = {}

    async def __call__(self, client: AsyncWebClient, user: str) -> bool:
        if user in self.admins:
            return True
        now = self._clock()
        cached = self._cache.get(user)
        if cached is not None and cached[0] > now:
            return cached[1]
        try:
            response = await client.users_info(user=user)
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as e:
            log.warning("slack: users.info failed, treating %s as no admin: %s", user, _describe(e))
            return False  # not cached: the next try asks again
        info = response.get("user") or {}
        allowed = any(bool(info.get(flag)) for flag in ("is_admin", "is_owner", "is_primary_owner"))
        if len(self._cache) >= 1000:
            self._cache = {u: c for u, c in self._cache.items() if c[0] > now}
        self._cache[user] = (now + self.ttl, allowed)
        return allowed


def _featured_listener(featured: FeaturedCommands, name: str, is_admin: AdminCheck) -> Callable[..., Awaitable[None]]:
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
            reply = FeaturedReply(messages.INTERNAL_ERROR)
        await _respond_featured(respond, reply, name)

    return on_featured


async def _respond_featured(respond: Respond, reply: FeaturedReply, name: str) -> None:
    # The shared texts say /featured; show the command under its name in this workspace.
    text = re.sub(r"(?<![\w/-])/featured\b", lambda _: name, reply.text)
    message = text_message(text) if reply.answer is None else card_message(reply.answer, escape(text), text)
    await _respond_messages(respond, [message], "ephemeral" if reply.ephemeral else "in_channel")


def _command_listener(engine: Engine, kind: Kind) -> Callable[..., Awaitable[None]]:
    async def on_command(ack: Callable[[], Awaitable[Any]], command: dict[str, Any], respond: Respond) -> None:
        await ack()  # before anything slow: Slack gives us 3 seconds
        question = Question(
            kind=kind,
            text=str(command.get("text") or "").strip(),
            conversation=conversation_key(command.get("team_id"), command.get("channel_id")),
        )
        await _respond_all(respond, await ask(engine, question))

    return on_command


async def _answer_message(
    engine: Engine,
    client: AsyncWebClient,
    body: dict[str, Any],
    event: dict[str, Any],
    context: Mapping[str, Any],
    *,
    in_dm: bool,
) -> None:
    channel = event.get("channel")
    if not channel:
        return
    thread_ts = event.get("thread_ts")
    kind, text = parse_mention(str(event.get("text") or ""), context.get("bot_user_id"))
    question = Question(kind=kind, text=text, conversation=conversation_key(body.get("team_id"), channel, thread_ts))
    answer = await ask(engine, question)
    await _post_all(
        client,
        answer,
        channel=channel,
        user=event.get("user"),
        thread_ts=thread_ts,
        ephemeral=answer.is_error and not in_dm,
    )


# --- featured posts -----------------------------------------------------------------


def without_retries(client: AsyncWebClient) -> AsyncWebClient:
    """A copy of `client` (same token, URL, session) with no retry handlers."""
    return AsyncWebClient(
        token=client.token,
        base_url=client.base_url,
        timeout=client.timeout,
        ssl=client.ssl,
        proxy=client.proxy,
        session=client.session,
        trust_env_in_session=client.trust_env_in_session,
        headers=client.headers,
        logger=client.logger,
        retry_handlers=[],
    )


def _retry_after(headers: Any) -> float | None:
    for key in headers or {}:
        if str(key).lower() == "retry-after":
            try:
                return max(0.0, float(headers[key]))
            except (TypeError, ValueError):
                return None
    return None


def _describe(error: Exception) -> str:
    if isinstance(error, SlackApiError):
        data = error.response.data
        code = data.get("error") if isinstance(data, dict) else None
        return f"HTTP {error.response.status_code} {code or ''}".strip()
    return type(error).__name__


def post_error(error: Exception) -> TransientPostError | PermanentPostError:
    """A Slack failure as the scheduler sees it.

    HTTP 5xx, 429 / `ratelimited` (with Retry-After), Slack's own temporary errors and network
    errors are transient; any other error code (`channel_not_found`, `not_in_channel`,
    `is_archived`, `invalid_auth`, `missing_scope`, …) is permanent.
    """
    detail = _describe(error)
    if not isinstance(error, SlackApiError):
        return TransientPostError(detail)
    status = error.response.status_code
    data = error.response.data
    code = str(data.get("error") or "") if isinstance(data, dict) else ""
    if status == 429 or status >= 500 or code in TRANSIENT_ERRORS:
        return TransientPostError(detail, retry_after=_retry_after(error.response.headers))
    return PermanentPostError(code or detail)


def _channel_id(channel_key: str) -> str:
    return channel_key.removeprefix("slack:")


class SlackPoster:
    """`bot.featured.Poster` for Slack: posts the card with chat.postMessage, its marker in the
    message metadata, and finds it again in conversations.history.

    The poster never retries by itself: it uses a copy of `client` without retry handlers.
    Retries belong to the `Scheduler`, which checks `find_existing` before each one (a 500
    may come after Slack stored the message) and honours Retry-After within its lease.
    slack_sdk's rate-limit handler would instead sleep inside `post` and hide the 429, and
    its connection-error handler could re-send a message Slack already has.

    Needs the chat:write scope, plus channels:history / groups:history for `find_existing`.
    """

    def __init__(self, client: AsyncWebClient, engine: Engine, *, history_limit: int = HISTORY_LIMIT) -> None:
        self.client = without_retries(client)
        self.engine = engine
        self.history_limit = history_limit

    async def post(self, channel_key: str, film_id: str, marker: str) -> str:
        answer = await ask(self.engine, Question(kind=Kind.REVIEW, film_id=film_id))
        if answer.film is None:
            raise PermanentPostError(answer.text or f"no film {film_id}")
        message = featured_post(answer)
        try:
            response = await self.client.chat_postMessage(
                channel=_channel_id(channel_key),
                text=message["text"],
                blocks=message["blocks"],
                metadata={"event_type": FEATURED_EVENT_TYPE, "event_payload": {"marker": marker}},
                unfurl_links=False,
                unfurl_media=False,
            )
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as e:
            raise post_error(e) from e
        return str(response["ts"])

    async def find_existing(self, channel_key: str, marker: str) -> str | None:
        """The ts of a recent message whose metadata carries `marker`; raises when Slack can't say."""
        try:
            response = await self.client.conversations_history(
                channel=_channel_id(channel_key), limit=self.history_limit, include_all_metadata=True
            )
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as e:
            raise post_error(e) from e
        for item in response.get("messages") or []:
            metadata = item.get("metadata") or {}
            payload = metadata.get("event_payload") or {}
            if metadata.get("event_type") == FEATURED_EVENT_TYPE and payload.get("marker") == marker:
                return str(item["ts"])
        return None


def featured_scheduler(client: AsyncWebClient, featured: FeaturedCommands, **options: Any) -> Scheduler:
    """A `Scheduler` for Slack subscriptions, posting with a `SlackPoster` on `client`."""
    engine = featured.engine
    return Scheduler(
        featured.store,
        SlackPoster(client, engine),
        lambda: [film.id for film in engine.films],
        platforms={"slack"},
        **options,
    )


# --- running ------------------------------------------------------------------------


class _RawBodyVerifier(SignatureVerifier):
    """slack_sdk's check (HMAC-SHA256 of "v0:{timestamp}:{body}", timestamp within 5 minutes) on the raw bytes.

    Slack signs bytes; the SDK decodes them as UTF-8 first, which raises on a binary body.
    """

    def generate_signature(self, *, timestamp: str, body: str | bytes) -> str | None:
        raw = body.encode() if isinstance(body, str) else body
        digest = hmac.new(self.signing_secret.encode(), b"v0:" + timestamp.encode() + b":" + raw, hashlib.sha256)
        return "v0=" + digest.hexdigest()


class _Malformed(Exception):
    """A signed request whose body is not a Slack payload."""


def _bolt_request(request: web.Request, body: bytes) -> AsyncBoltRequest:
    """The Bolt request for a verified body; `_Malformed` if Bolt could not read it."""
    try:
        text = body.decode("utf-8")
        content_type = request.headers.get("Content-Type", "").split(";")[0].strip().lower() or None
        if not isinstance(parse_body(text, content_type), dict):
            raise _Malformed("not a JSON object")
        return AsyncBoltRequest(body=text, query=request.query_string, headers=dict(request.headers))
    except _Malformed:
        raise
    except Exception as e:  # anything Bolt's parser trips on (bad UTF-8, bad JSON, odd shapes)
        raise _Malformed(type(e).__name__) from None


def web_app(app: AsyncApp, config: SlackConfig) -> web.Application:
    """The aiohttp app serving `app` at `config.path`: each request's signature is checked on its raw body
    before anything reads it (unsigned or badly signed: 401), then the body is parsed (malformed: 400), then
    Bolt handles it (and checks the signature again). A refused request is one log line, without its body.
    """
    secret = getattr(app, "_signing_secret", "")  # Bolt keeps it there; it has no public accessor
    verifier = _RawBodyVerifier(secret) if isinstance(secret, str) and secret.strip() else None

    async def handle(request: web.Request) -> web.Response:
        body = await request.read()  # at most aiohttp's client_max_size (1 MiB), else 413
        timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
        signature = request.headers.get("X-Slack-Signature", "")
        signed = (
            verifier is not None
            and re.fullmatch(r"[0-9]{1,12}", timestamp) is not None
            and verifier.is_valid(body, timestamp, signature)
        )
        if not signed:
            log.info("slack: refused a request from %s: missing, bad or stale signature", request.remote)
            return web.json_response({"error": "invalid request"}, status=401)
        try:
            bolt_request = _bolt_request(request, body)
        except _Malformed as e:
            log.warning("slack: refused a signed request from %s: not a Slack payload (%s)", request.remote, e)
            return web.json_response({"error": "malformed request"}, status=400)
        return await to_aiohttp_response(await app.async_dispatch(bolt_request))

    served = web.Application()
    served.router.add_post(config.path, handle)
    return served


async def start_http(app: AsyncApp, config: SlackConfig) -> web.AppRunner:
    """Serve `web_app(app, config)` on config.host:config.port; caller cleans up the runner."""
    runner = web.AppRunner(web_app(app, config), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, config.host, config.port)
    await site.start()
    return runner


async def start_socket_mode(app: AsyncApp, secrets: Secrets) -> AsyncSocketModeHandler:
    """Connect to Slack over Socket Mode; caller closes the handler with `close_async()`."""
    handler = AsyncSocketModeHandler(app, app_token=secrets.slack_app_token)
    connect: Callable[[], Awaitable[None]] = handler.connect_async  # untyped in slack-bolt
    try:
        await connect()
    except BaseException:
        await close_socket_mode(handler)
        raise
    return handler


async def close_socket_mode(handler: AsyncSocketModeHandler) -> None:
    close: Callable[[], Awaitable[None]] = handler.close_async  # untyped in slack-bolt
    await close()


async def run(
    engine: Engine, config: SlackConfig, secrets: Secrets, *, featured: FeaturedCommands | None = None
) -> None:
    """Run until cancelled: Socket Mode if SLACK_APP_TOKEN is set, else HTTP with signature checks.

    With `featured`, also serve the featured command and run the scheduler for Slack channels.
    """
    if not secrets.slack_app_token and not secrets.slack_signing_secret:
        raise ConfigError(messages.SLACK_MISSING_SIGNING_SECRET)
    app = create_app(engine, config, secrets, featured=featured)
    stop = asyncio.Event()
    scheduler = None if featured is None else asyncio.create_task(featured_scheduler(app.client, featured).run(stop))
    try:
        await _serve(app, config, secrets)
    finally:
        stop.set()  # let a post in flight finish, briefly; a cut-off claim is recovered later
        if scheduler is not None:
            await asyncio.wait({scheduler}, timeout=5.0)
            scheduler.cancel()
            await asyncio.gather(scheduler, return_exceptions=True)


async def _serve(app: AsyncApp, config: SlackConfig, secrets: Secrets) -> None:
    if secrets.slack_app_token:
        handler = await start_socket_mode(app, secrets)
        log.info("slack: connected in Socket Mode")
        try:
            await asyncio.Event().wait()
        finally:
            await close_socket_mode(handler)
    else:
        runner = await start_http(app, config)
        log.info("slack: listening on %s:%s%s", config.host, config.port, config.path)
        try:
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()
