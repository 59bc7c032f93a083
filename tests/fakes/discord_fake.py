"""A fake Discord (REST + gateway) on 127.0.0.1 that the real discord.py connects to.

Point discord.py at it with `discord.http.Route.BASE = fake.api_base_url` and
`DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)` (the adapter's
`configure_endpoints` does both). The fake records every request, enforces the
platform limits neither library checks (3 s interaction deadline, message and
embed sizes, buttons and select menus, autocomplete choices, nonces) and lets tests act as users:
`slash`, `autocomplete`, `click`, `select`, `send_message`, then wait for the bot's replies.

Channel messages are kept and readable (`GET /channels/{id}/messages`, newest first);
a create with `nonce` + `enforce_nonce` returns the same author's earlier message with
that nonce for `nonce_window` seconds, as Discord does. Faults can be injected into
creates (`fail_creates`, `rate_limit_next_create`, `hang_creates`), and `deny_channel`
makes a channel answer 403 Missing Access. With `token` set, logging in with another
token gets Discord's 401. `FakeDiscord(port=N)` listens on a chosen port (a bot told to
connect there before the fake is up keeps retrying until it is).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import math
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from aiohttp import WSMsgType, web

API_PREFIX = "/api/v10"
APP_ID = 1100000000000000001
BOT_ID = APP_ID  # a bot user shares its application's id
USER_ID = 1100000000000000002
OTHER_BOT_ID = 1100000000000000003
# Guild ids chosen so that (id >> 22) % 2 puts them on shards 0 and 1.
GUILD_IDS = (100 << 22, 101 << 22)
DM_CHANNEL_ID = 1100000000000000009
ALL_PERMISSIONS = str((1 << 50) - 1)
MANAGE_GUILD = 1 << 5
# View Channel, Send Messages, Read Message History, Use Application Commands: no Manage Server.
MEMBER_PERMISSIONS = str((1 << 10) | (1 << 11) | (1 << 16) | (1 << 31))
NONCE_MAX = 25
DISCORD_EPOCH_MS = 1420070400000  # 2015-01-01, where snowflake times start
NONCE_WINDOW = 180.0  # seconds; Discord says "the past few minutes"
INTERACTION_DEADLINE = 3.0

EPHEMERAL = 1 << 6
LOADING = 1 << 7

BUTTON = 2  # component types
SELECT = 3  # a string select menu
SELECT_OPTIONS_MAX = 25
SELECT_OPTION_MAX = 100  # characters of an option's label, value or description
SELECT_PLACEHOLDER_MAX = 150

INTENT_GUILD_MESSAGES = 1 << 9
INTENT_DIRECT_MESSAGES = 1 << 12
INTENT_MESSAGE_CONTENT = 1 << 15

T = TypeVar("T")
BODY: web.RequestKey[Any] = web.RequestKey("body", object)  # the parsed request body, set by the recording middleware


def _pings(payload: dict[str, Any]) -> dict[str, Any]:
    """Who a message notifies, as Discord works it out: only `content` pings, and only what
    `allowed_mentions` lets through (everything, when it is absent)."""
    content = payload.get("content") or ""
    allowed = payload.get("allowed_mentions")
    parse = set(allowed.get("parse") or ()) if isinstance(allowed, dict) else {"everyone", "users", "roles"}
    users = set(allowed.get("users") or ()) if isinstance(allowed, dict) else set()
    roles = set(allowed.get("roles") or ()) if isinstance(allowed, dict) else set()
    user_ids = re.findall(r"<@!?(\d+)>", content)
    role_ids = re.findall(r"<@&(\d+)>", content)
    return {
        "mention_everyone": "everyone" in parse and bool(re.search(r"@(everyone|here)", content)),
        "mentions": [{"id": u} for u in user_ids if "users" in parse or u in users],
        "mention_roles": [r for r in role_ids if "roles" in parse or r in roles],
    }


def _now_iso() -> str:
    return datetime.now(UTC).isoformat()


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """JSON with Content-Type exactly `application/json` (discord.py ignores anything else)."""
    return web.Response(body=json.dumps(data).encode(), status=status, content_type="application/json", headers=headers)


def _dict_body(request: web.Request) -> dict[str, Any]:
    body = request[BODY]
    return body if isinstance(body, dict) else {}


def _error(status: int, code: int, message: str, errors: dict[str, Any] | None = None) -> web.Response:
    body: dict[str, Any] = {"code": code, "message": message}
    if errors:
        body["errors"] = errors
    return json_response(body, status)


def _form_error(problems: list[tuple[str, str]]) -> web.Response:
    errors = {path: {"_errors": [{"code": "BASE_TYPE_BAD_LENGTH", "message": msg}]} for path, msg in problems}
    return _error(400, 50035, "Invalid Form Body", errors)


# --- limit checks --------------------------------------------------------------


def message_problems(payload: dict[str, Any], *, edit: bool = False) -> list[tuple[str, str]]:
    """Every Discord limit the message `payload` breaks, as (path, message)."""
    problems: list[tuple[str, str]] = []

    def too_long(path: str, value: Any, limit: int, minimum: int = 0) -> None:
        if value is None:
            return
        if not isinstance(value, str):
            problems.append((path, "Must be a string."))
        elif len(value) > limit:
            problems.append((path, f"Must be {limit} or fewer in length."))
        elif len(value) < minimum:
            problems.append((path, f"Must be {minimum} or more in length."))

    too_long("content", payload.get("content"), 2000)
    nonce = payload.get("nonce")
    if nonce is not None and (isinstance(nonce, bool) or not isinstance(nonce, str | int)):
        problems.append(("nonce", "Must be a string or an integer."))
    elif nonce is not None and len(str(nonce)) > NONCE_MAX:
        problems.append(("nonce", f"Must be {NONCE_MAX} or fewer in length."))
    embeds = payload.get("embeds") or []
    if len(embeds) > 10:
        problems.append(("embeds", "Must be 10 or fewer in length."))
    total = 0
    for i, embed in enumerate(embeds):
        p = f"embeds.{i}"
        too_long(f"{p}.title", embed.get("title"), 256)
        too_long(f"{p}.description", embed.get("description"), 4096)
        footer = embed.get("footer") or {}
        too_long(f"{p}.footer.text", footer.get("text"), 2048)
        author = embed.get("author") or {}
        too_long(f"{p}.author.name", author.get("name"), 256)
        fields = embed.get("fields") or []
        if len(fields) > 25:
            problems.append((f"{p}.fields", "Must be 25 or fewer in length."))
        for j, f in enumerate(fields):
            too_long(f"{p}.fields.{j}.name", f.get("name"), 256, minimum=1)
            too_long(f"{p}.fields.{j}.value", f.get("value"), 1024, minimum=1)
        for text in (embed.get("title"), embed.get("description"), footer.get("text"), author.get("name")):
            total += len(text or "")
        total += sum(len(f.get("name") or "") + len(f.get("value") or "") for f in fields)
    if total > 6000:
        problems.append(("embeds", "Embed size exceeds maximum size of 6000"))
    rows = payload.get("components") or []
    if len(rows) > 5:
        problems.append(("components", "Must be 5 or fewer in length."))
    seen: set[str] = set()
    for i, row in enumerate(rows):
        if row.get("type") != 1:
            problems.append((f"components.{i}.type", "Top-level components must be action rows."))
            continue
        children = row.get("components") or []
        if not children or len(children) > 5:
            problems.append((f"components.{i}.components", "Must be between 1 and 5 in length."))
        if any(c.get("type") == SELECT for c in children) and len(children) > 1:
            problems.append((f"components.{i}.components", "A select menu must be alone in its action row."))
        for j, c in enumerate(children):
            p = f"components.{i}.components.{j}"
            if c.get("type") not in (BUTTON, SELECT):
                problems.append((f"{p}.type", "Value must be one of (2, 3)."))
            custom_id = c.get("custom_id")
            if c.get("type") == BUTTON:
                too_long(f"{p}.label", c.get("label"), 80)
                if c.get("style") != 5 and not custom_id:
                    problems.append((f"{p}.custom_id", "A custom id is required."))
            if c.get("type") == SELECT:
                if not custom_id:
                    problems.append((f"{p}.custom_id", "A custom id is required."))
                problems += select_problems(p, c)
            if custom_id is not None:
                too_long(f"{p}.custom_id", custom_id, 100, minimum=1)
                if custom_id in seen:
                    problems.append((f"{p}.custom_id", "Component custom id cannot be duplicated."))
                seen.add(custom_id)
    if not edit and not problems and not (payload.get("content") or embeds or rows):
        problems.append(("content", "Cannot send an empty message"))
    return problems


def select_problems(path: str, select: dict[str, Any]) -> list[tuple[str, str]]:
    """What Discord refuses in a string select menu (component type 3)."""
    problems: list[tuple[str, str]] = []

    def bad_length(key: str, value: Any, limit: int, minimum: int = 1) -> None:
        if value is not None and (not isinstance(value, str) or not minimum <= len(value) <= limit):
            problems.append((f"{path}.{key}", f"Must be between {minimum} and {limit} in length."))

    bad_length("placeholder", select.get("placeholder"), SELECT_PLACEHOLDER_MAX, 0)
    options = select.get("options")
    if not isinstance(options, list) or not 1 <= len(options) <= SELECT_OPTIONS_MAX:
        return [*problems, (f"{path}.options", f"Must be between 1 and {SELECT_OPTIONS_MAX} in length.")]
    values: set[str] = set()
    for k, option in enumerate(options):
        bad_length(f"options.{k}.label", option.get("label"), SELECT_OPTION_MAX)
        bad_length(f"options.{k}.value", option.get("value"), SELECT_OPTION_MAX)
        bad_length(f"options.{k}.description", option.get("description"), SELECT_OPTION_MAX, 0)
        if option.get("label") is None or option.get("value") is None:
            problems.append((f"{path}.options.{k}", "An option needs a label and a value."))
        if option.get("value") in values:
            problems.append((f"{path}.options.{k}.value", "Select component option values cannot be duplicated."))
        values.add(str(option.get("value")))
    low, high = select.get("min_values", 1), select.get("max_values", 1)
    if not (isinstance(low, int) and isinstance(high, int) and 0 <= low <= high <= min(len(options), 25) and high):
        problems.append((f"{path}.max_values", "min_values and max_values must fit the options."))
    return problems


def choice_problems(choices: Any) -> list[tuple[str, str]]:
    if not isinstance(choices, list):
        return [("choices", "Must be a list.")]
    problems: list[tuple[str, str]] = []
    if len(choices) > 25:
        problems.append(("choices", "Must be 25 or fewer in length."))
    for i, c in enumerate(choices):
        name, value = c.get("name"), c.get("value")
        if not isinstance(name, str) or not 1 <= len(name) <= 100:
            problems.append((f"choices.{i}.name", "Must be between 1 and 100 in length."))
        if isinstance(value, str) and not 1 <= len(value) <= 100:
            problems.append((f"choices.{i}.value", "Must be between 1 and 100 in length."))
    return problems


# --- records -------------------------------------------------------------------


@dataclass
class Recorded:
    """One HTTP request the fake received."""

    method: str
    path: str  # without the /api/v10 prefix
    query: dict[str, str]
    body: Any
    at: float
    authorization: str | None = None
    status: int = 0
    response: Any = None

    @property
    def allowed_mentions(self) -> Any:
        return self.body.get("allowed_mentions") if isinstance(self.body, dict) else None


@dataclass
class FakeInteraction:
    id: int
    token: str
    type: int
    channel_id: int
    guild_id: int | None
    dispatched_at: float
    payload: dict[str, Any]
    callback: dict[str, Any] | None = None  # the accepted callback body
    callback_at: float | None = None
    rejections: list[tuple[int, Any]] = field(default_factory=list)  # (status, body) of refused calls
    original_id: int | None = None

    @property
    def acknowledged(self) -> bool:
        return self.callback is not None

    @property
    def choices(self) -> list[dict[str, Any]] | None:
        if self.callback is None or self.callback.get("type") != 8:
            return None
        return list((self.callback.get("data") or {}).get("choices") or [])


@dataclass
class FakeMessage:
    data: dict[str, Any]
    seq: int
    interaction_id: int | None = None  # the interaction this message answers
    deleted: bool = False

    @property
    def id(self) -> int:
        return int(self.data["id"])

    @property
    def flags(self) -> int:
        return int(self.data.get("flags") or 0)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def loading(self) -> bool:
        return bool(self.flags & LOADING)

    @property
    def visible(self) -> bool:
        return not self.deleted and not self.loading


@dataclass(frozen=True)
class CreateFault:
    """What one message create in a channel does instead of succeeding."""

    status: int  # 429, or a 5xx
    retry_after: float = 0.0  # for 429
    is_global: bool = False  # for 429
    via: bool = True  # 429 through Discord's proxy (with `Via`); False looks like Cloudflare
    after_write: bool = False  # for 5xx: the message is created, the response still fails
    hang: bool = False  # no answer at all (before creating the message, or after if `after_write`)


@dataclass
class GatewaySession:
    ws: web.WebSocketResponse
    query: dict[str, str]
    seq: int = 0
    shard: tuple[int, int] = (0, 1)
    intents: int = 0
    identified: bool = False
    heartbeats: int = 0

    async def send(self, op: int, d: Any, t: str | None = None) -> None:
        payload: dict[str, Any] = {"op": op, "d": d, "s": None, "t": t}
        if op == 0:
            self.seq += 1
            payload["s"] = self.seq
        # TEXT frames: discord.py only zlib-decodes binary ones.
        await self.ws.send_str(json.dumps(payload))


# --- the fake ------------------------------------------------------------------


class FakeDiscord:
    """REST + gateway fake. Use as `async with FakeDiscord() as fake:`."""

    def __init__(
        self, *, guild_ids: tuple[int, ...] = GUILD_IDS[:1], deadline: float = INTERACTION_DEADLINE, port: int = 0
    ) -> None:
        self.guild_ids = guild_ids
        self.token: str | None = None  # when set, the only bot token `GET /users/@me` (logging in) accepts
        self.deadline = deadline
        self.requests: list[Recorded] = []
        self.identifies: list[dict[str, Any]] = []
        self.sessions: list[GatewaySession] = []
        self.commands: dict[int | None, list[dict[str, Any]]] = {}
        self.interactions: dict[int, FakeInteraction] = {}
        self.messages: dict[int, FakeMessage] = {}
        self.undelivered: list[dict[str, Any]] = []  # MESSAGE_CREATEs no session had the intent for
        self.channels: dict[str, int] = {}
        self.member_permissions = ALL_PERMISSIONS  # of the user in guild interactions; per call in `slash`
        self.create_faults: dict[int, deque[CreateFault]] = {}
        self.denied_channels: set[int] = set()
        self.nonce_window = NONCE_WINDOW
        self._nonces: dict[tuple[str, str], tuple[int, float]] = {}  # (author, nonce) -> (message, when)
        self._ids = itertools.count(1200000000000000000)
        self._last_id = 0
        self._seq = itertools.count(1)
        self._changed = asyncio.Event()
        self._closing = asyncio.Event()  # ends the hung creates, so closing does not wait for them
        self._runner: web.AppRunner | None = None
        self.port = port
        self.bot_user: dict[str, Any] = {
            "id": str(BOT_ID),
            "username": "reviewbot",
            "discriminator": "0",
            "global_name": None,
            "avatar": None,
            "bot": True,
            "flags": 0,
            "public_flags": 0,
            "verified": True,
            "mfa_enabled": False,
        }
        self.user: dict[str, Any] = {
            "id": str(USER_ID),
            "username": "filmfan",
            "discriminator": "0",
            "global_name": "Film Fan",
            "avatar": None,
            "public_flags": 0,
        }
        for label in ("c1", "c2", "c3"):
            self.channel_id(label)

    # -- lifecycle

    async def __aenter__(self) -> FakeDiscord:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def start(self) -> None:
        app = web.Application(middlewares=[self._record])
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/gateway/", self._gateway)
        api = API_PREFIX
        routes = [
            ("GET", "/users/@me", self._me),
            ("GET", "/oauth2/applications/@me", self._application),
            ("GET", "/gateway", self._get_gateway),
            ("GET", "/gateway/bot", self._get_gateway_bot),
            ("PUT", "/applications/{app}/commands", self._put_commands),
            ("GET", "/applications/{app}/commands", self._get_commands),
            ("PUT", "/applications/{app}/guilds/{guild}/commands", self._put_commands),
            ("GET", "/applications/{app}/guilds/{guild}/commands", self._get_commands),
            ("POST", "/interactions/{iid}/{token}/callback", self._callback),
            ("POST", "/webhooks/{app}/{token}", self._followup),
            ("GET", "/webhooks/{app}/{token}/messages/{mid}", self._get_webhook_message),
            ("PATCH", "/webhooks/{app}/{token}/messages/{mid}", self._edit_webhook_message),
            ("DELETE", "/webhooks/{app}/{token}/messages/{mid}", self._delete_webhook_message),
            ("POST", "/channels/{cid}/messages", self._channel_message),
            ("GET", "/channels/{cid}/messages", self._channel_history),
            ("POST", "/channels/{cid}/typing", self._typing),
            ("POST", "/users/@me/channels", self._dm_channel),
        ]
        for method, path, handler in routes:
            app.router.add_route(method, api + path, handler)
        app.router.add_route("*", "/{tail:.*}", self._unknown)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def close(self) -> None:
        self._closing.set()
        for s in self.sessions:
            if not s.ws.closed:
                await s.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def api_base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # -- ids and objects

    def snowflake(self) -> int:
        """A new id. Like Discord's, it grows with the time it was made (`history(after=a time)` relies on it)."""
        self._last_id = max(next(self._ids), self._last_id + 1, (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22)
        return self._last_id

    def channel_id(self, label: str | int) -> int:
        if isinstance(label, int) or str(label).isdigit():
            return int(label)
        if label not in self.channels:
            self.channels[label] = self.snowflake()
        return self.channels[label]

    def shard_of(self, guild_id: int | None, shard_count: int) -> int:
        return 0 if guild_id is None else (guild_id >> 22) % shard_count

    def _channel(self, channel_id: int, guild_id: int | None) -> dict[str, Any]:
        if guild_id is None:
            return {"id": str(channel_id), "type": 1, "recipients": [self.user], "last_message_id": None, "flags": 0}
        name = next((k for k, v in self.channels.items() if v == channel_id), str(channel_id))
        return {
            "id": str(channel_id),
            "type": 0,
            "guild_id": str(guild_id),
            "name": name,
            "position": 0,
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "flags": 0,
        }

    def _member(self, user: dict[str, Any]) -> dict[str, Any]:
        return {
            "user": user,
            "roles": [],
            "joined_at": _now_iso(),
            "deaf": False,
            "mute": False,
            "nick": None,
            "avatar": None,
            "flags": 0,
            "pending": False,
            "premium_since": None,
            "communication_disabled_until": None,
        }

    def _guild(self, guild_id: int) -> dict[str, Any]:
        return {
            "id": str(guild_id),
            "name": f"Guild {guild_id}",
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(USER_ID),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "roles": [
                {
                    "id": str(guild_id),
                    "name": "@everyone",
                    "permissions": ALL_PERMISSIONS,
                    "position": 0,
                    "color": 0,
                    "hoist": False,
                    "managed": False,
                    "mentionable": False,
                    "flags": 0,
                }
            ],
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "application_id": None,
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "vanity_url_code": None,
            "premium_tier": 0,
            "preferred_locale": "en-US",
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
            "joined_at": _now_iso(),
            "large": False,
            "unavailable": False,
            "member_count": 2,
            "voice_states": [],
            "members": [self._member(self.bot_user)],
            "channels": [self._channel(cid, guild_id) for cid in self.channels.values()],
            "threads": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
        }

    def _new_message(
        self,
        payload: dict[str, Any],
        *,
        channel_id: int,
        guild_id: int | None,
        author: dict[str, Any],
        interaction_id: int | None = None,
        flags: int = 0,
        msg_type: int = 0,
    ) -> FakeMessage:
        data: dict[str, Any] = {
            "id": str(self.snowflake()),
            "channel_id": str(channel_id),
            "author": author,
            "content": payload.get("content") or "",
            "timestamp": _now_iso(),
            "edited_timestamp": None,
            "tts": False,
            **_pings(payload),
            "attachments": [],
            "embeds": [dict(e, type="rich") for e in payload.get("embeds") or []],
            "components": self._echo_components(payload.get("components") or []),
            "pinned": False,
            "type": msg_type,
            "flags": flags,
        }
        if guild_id is not None:
            data["guild_id"] = str(guild_id)
        if interaction_id is not None:
            data["webhook_id"] = str(APP_ID)
            data["application_id"] = str(APP_ID)
        ref = payload.get("message_reference")
        if ref:
            data["message_reference"] = ref
            data["type"] = 19
        message = FakeMessage(data=data, seq=next(self._seq), interaction_id=interaction_id)
        self.messages[message.id] = message
        return message

    def _echo_components(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        ids = itertools.count(1)
        out = []
        for row in rows:
            children = [dict(c, id=next(ids)) for c in row.get("components") or []]
            out.append(dict(row, id=next(ids), components=children))
        return out

    # -- waiting

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_for(self, predicate: Callable[[], T | None], within: float = 5.0, what: str = "condition") -> T:
        """Wait until `predicate()` is truthy and return it; TimeoutError after `within` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while True:
            result = predicate()
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"fake discord: timed out waiting for {what}")
            event = self._changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    async def settle(self, quiet: float = 0.15, within: float = 5.0) -> None:
        """Wait until nothing has reached the fake for `quiet` seconds (at most `within` seconds)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while loop.time() < deadline:
            event = self._changed
            try:
                await asyncio.wait_for(event.wait(), min(quiet, max(deadline - loop.time(), 0.001)))
            except TimeoutError:
                return

    async def wait_ready(self, shards: int = 1, within: float = 5.0) -> None:
        """Wait until `shards` sessions identified and the commands were synced."""
        await self.wait_for(lambda: sum(s.identified for s in self.sessions) >= shards, within, "IDENTIFY")

    def replies_to(self, interaction_id: int) -> list[FakeMessage]:
        msgs = [m for m in self.messages.values() if m.interaction_id == interaction_id and m.visible]
        return sorted(msgs, key=lambda m: m.seq)

    def replies_after(self, message_id: int) -> list[FakeMessage]:
        """Bot messages in the channel of user message `message_id`, sent after it."""
        source = self.messages[message_id]
        msgs = [
            m
            for m in self.messages.values()
            if m.seq > source.seq
            and m.data["channel_id"] == source.data["channel_id"]
            and m.data["author"]["id"] == str(BOT_ID)
            and m.visible
        ]
        return sorted(msgs, key=lambda m: m.seq)

    async def interaction_replies(
        self, interaction_id: int, within: float = 5.0, quiet: float = 0.15
    ) -> list[FakeMessage]:
        """Every visible message answering the interaction, once the bot has gone quiet."""
        await self.wait_for(lambda: self.replies_to(interaction_id), within, f"a reply to interaction {interaction_id}")
        await self.settle(quiet, within)
        return self.replies_to(interaction_id)

    def channel_messages(self, channel: str | int) -> list[FakeMessage]:
        """The channel's messages as its history shows them (no ephemeral or deleted ones), oldest first."""
        channel_id = str(self.channel_id(channel))
        msgs = [
            m
            for m in self.messages.values()
            if m.data["channel_id"] == channel_id and not m.deleted and not m.ephemeral
        ]
        return sorted(msgs, key=lambda m: m.seq)

    def bot_posts(self, channel: str | int) -> list[FakeMessage]:
        """Messages the bot created in the channel with `POST /channels/{id}/messages`, oldest first."""
        return [
            m
            for m in self.channel_messages(channel)
            if m.interaction_id is None and m.data["author"]["id"] == str(BOT_ID)
        ]

    # -- faults

    def fail_creates(self, channel: str | int, count: int = 1, status: int = 500, *, after_write: bool = False) -> None:
        """The next `count` message creates in `channel` answer `status` (after creating it, if `after_write`)."""
        queue = self.create_faults.setdefault(self.channel_id(channel), deque())
        queue.extend(CreateFault(status, after_write=after_write) for _ in range(count))

    def rate_limit_next_create(
        self, channel: str | int, retry_after: float = 0.2, *, is_global: bool = False, via: bool = True
    ) -> None:
        """The next message create in `channel` answers 429 with Discord's body and headers."""
        fault = CreateFault(429, retry_after=retry_after, is_global=is_global, via=via)
        self.create_faults.setdefault(self.channel_id(channel), deque()).append(fault)

    def hang_creates(self, channel: str | int, *, after_write: bool = False) -> None:
        """The next message create in `channel` never gets an answer (the message is created first if `after_write`)."""
        self.create_faults.setdefault(self.channel_id(channel), deque()).append(
            CreateFault(0, hang=True, after_write=after_write)
        )

    def deny_channel(self, channel: str | int) -> None:
        """The bot loses access to `channel`: reads and writes answer 403 Missing Access."""
        self.denied_channels.add(self.channel_id(channel))

    async def message_replies(self, message_id: int, within: float = 5.0, quiet: float = 0.15) -> list[FakeMessage]:
        await self.wait_for(lambda: self.replies_after(message_id), within, f"a reply to message {message_id}")
        await self.settle(quiet, within)
        return self.replies_after(message_id)

    # -- acting as users

    def _session_for(self, guild_id: int | None) -> GatewaySession:
        live = [s for s in self.sessions if s.identified and not s.ws.closed]
        if not live:
            raise RuntimeError("fake discord: no gateway session is connected")
        for s in live:
            if s.shard[0] == self.shard_of(guild_id, s.shard[1]):
                return s
        raise RuntimeError(f"fake discord: no session for the shard of guild {guild_id}")

    def _command(self, name: str, guild_id: int | None) -> dict[str, Any]:
        for scope in (guild_id, None):
            for cmd in self.commands.get(scope, []):
                if cmd["name"] == name:
                    return cmd
        raise AssertionError(f"fake discord: command /{name} was never synced (have {self.command_names()})")

    def command_names(self, guild_id: int | None = None) -> list[str]:
        return [c["name"] for c in self.commands.get(guild_id, [])]

    async def _dispatch_interaction(
        self,
        itype: int,
        data: dict[str, Any],
        *,
        channel: str | int = "c1",
        guild: bool = True,
        message: dict[str, Any] | None = None,
        permissions: str | int | None = None,
    ) -> int:
        perms = self.member_permissions if permissions is None else str(permissions)
        guild_id = self.guild_ids[0] if guild else None
        channel_id = self.channel_id(channel) if guild else DM_CHANNEL_ID
        if message is not None:
            channel_id = int(message["channel_id"])
            guild_id = int(message["guild_id"]) if message.get("guild_id") else None
        iid = self.snowflake()
        token = f"itok-{iid}-secret"
        payload: dict[str, Any] = {
            "id": str(iid),
            "application_id": str(APP_ID),
            "type": itype,
            "token": token,
            "version": 1,
            "data": data,
            "channel_id": str(channel_id),
            "channel": dict(self._channel(channel_id, guild_id), permissions=perms if guild_id else ALL_PERMISSIONS),
            "locale": "en-US",
            "app_permissions": ALL_PERMISSIONS,
            "entitlements": [],
            "attachment_size_limit": 10 * 1024 * 1024,
            "context": 0 if guild_id is not None else 1,
            "authorizing_integration_owners": {"0": str(guild_id)} if guild_id else {"1": str(USER_ID)},
        }
        if guild_id is not None:
            payload["guild_id"] = str(guild_id)
            payload["guild_locale"] = "en-US"
            payload["member"] = dict(self._member(self.user), permissions=perms)
        else:
            payload["user"] = self.user
        if message is not None:
            payload["message"] = message
        session = self._session_for(guild_id)
        self.interactions[iid] = FakeInteraction(
            id=iid,
            token=token,
            type=itype,
            channel_id=channel_id,
            guild_id=guild_id,
            dispatched_at=time.monotonic(),
            payload=payload,
        )
        await session.send(0, payload, "INTERACTION_CREATE")
        return iid

    def _options(
        self, cmd: dict[str, Any], values: dict[str, str], focused: str | None = None, sub: str | None = None
    ) -> list[dict[str, Any]]:
        if sub:  # a subcommand: its options nest inside it
            subs = {o["name"]: o for o in cmd.get("options") or [] if o["type"] == 1}
            if sub not in subs:
                raise AssertionError(f"fake discord: /{cmd['name']} has no subcommand {sub!r} (has {list(subs)})")
            return [{"name": sub, "type": 1, "options": self._options(subs[sub], values, focused)}]
        types = {o["name"]: o["type"] for o in cmd.get("options") or []}
        options = []
        for name, value in values.items():
            if name not in types:
                raise AssertionError(f"fake discord: /{cmd['name']} has no option {name!r}")
            option: dict[str, Any] = {"name": name, "type": types[name], "value": value}
            if name == focused:
                option["focused"] = True
            options.append(option)
        return options

    async def slash(
        self,
        name: str,
        options: dict[str, str] | None = None,
        *,
        channel: str | int = "c1",
        guild: bool = True,
        permissions: str | int | None = None,
    ) -> int:
        """Run `/name` ("featured status" for a subcommand) with string `options`; returns the interaction id.

        `permissions` are the member's (default `member_permissions`, i.e. everything).
        """
        top, _, sub = name.partition(" ")
        guild_id = self.guild_ids[0] if guild else None
        cmd = self._command(top, guild_id)
        options_ = self._options(cmd, options or {}, sub=sub or None)
        data: dict[str, Any] = {"id": cmd["id"], "name": top, "type": 1, "options": options_}
        if cmd.get("guild_id"):
            data["guild_id"] = cmd["guild_id"]
        return await self._dispatch_interaction(2, data, channel=channel, guild=guild, permissions=permissions)

    async def autocomplete(
        self,
        name: str,
        option: str,
        value: str,
        *,
        others: dict[str, str] | None = None,
        channel: str | int = "c1",
        within: float = 5.0,
    ) -> list[dict[str, Any]]:
        """Type `value` into `/name option:` (with `others` filled in already); returns the choices the bot
        offered (AssertionError if refused)."""
        top, _, sub = name.partition(" ")
        cmd = self._command(top, self.guild_ids[0])
        values = {**(others or {}), option: value}
        data: dict[str, Any] = {
            "id": cmd["id"],
            "name": top,
            "type": 1,
            "options": self._options(cmd, values, focused=option, sub=sub or None),
        }
        iid = await self._dispatch_interaction(4, data, channel=channel)
        inter = self.interactions[iid]
        await self.wait_for(lambda: inter.acknowledged or inter.rejections, within, "autocomplete choices")
        if inter.rejections:
            raise AssertionError(f"fake discord refused the autocomplete response: {inter.rejections}")
        return inter.choices or []

    def _component(
        self, message: dict[str, Any] | FakeMessage, custom_id: str
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """The message as Discord has it now, and its component `custom_id`."""
        msg = message.data if isinstance(message, FakeMessage) else message
        current = self.messages.get(int(msg["id"]))
        msg = current.data if current is not None else msg
        found = {c.get("custom_id"): c for row in msg.get("components") or [] for c in row.get("components") or []}
        if custom_id not in found:
            raise AssertionError(f"fake discord: message has no component {custom_id!r} (has {list(found)})")
        return msg, found[custom_id]

    async def click(self, message: dict[str, Any] | FakeMessage, custom_id: str) -> int:
        """Click the button `custom_id` on `message`; returns the interaction id."""
        msg, component = self._component(message, custom_id)
        if component.get("type") != BUTTON:
            raise AssertionError(f"fake discord: {custom_id!r} is not a button")
        data = {"custom_id": custom_id, "component_type": BUTTON}
        return await self._dispatch_interaction(3, data, message=msg)

    async def select(self, message: dict[str, Any] | FakeMessage, custom_id: str, values: list[str]) -> int:
        """Pick `values` in the select menu `custom_id` on `message`; returns the interaction id."""
        msg, component = self._component(message, custom_id)
        if component.get("type") != SELECT:
            raise AssertionError(f"fake discord: {custom_id!r} is not a select menu")
        offered = [o.get("value") for o in component.get("options") or []]
        if not values or any(v not in offered for v in values):
            raise AssertionError(f"fake discord: {values} are not options of {custom_id!r} ({offered})")
        low, high = component.get("min_values", 1), component.get("max_values", 1)
        if not low <= len(values) <= high:
            raise AssertionError(f"fake discord: {custom_id!r} takes {low} to {high} values, not {len(values)}")
        data = {"custom_id": custom_id, "component_type": SELECT, "values": list(values)}
        return await self._dispatch_interaction(3, data, message=msg)

    async def send_message(
        self,
        content: str,
        *,
        mention_bot: bool = True,
        channel: str | int = "c1",
        dm: bool = False,
        author_bot: bool = False,
    ) -> int:
        """A user posts `content` (prefixed with a bot mention if asked); returns the message id."""
        guild_id = None if dm else self.guild_ids[0]
        channel_id = DM_CHANNEL_ID if dm else self.channel_id(channel)
        author = dict(self.user, id=str(OTHER_BOT_ID), bot=True) if author_bot else self.user
        if mention_bot:
            content = f"<@{BOT_ID}> {content}"
        message = self._new_message({"content": content}, channel_id=channel_id, guild_id=guild_id, author=author)
        data = dict(message.data)
        if mention_bot:
            mentioned: dict[str, Any] = dict(self.bot_user)
            if guild_id is not None:
                mentioned["member"] = {k: v for k, v in self._member(self.bot_user).items() if k != "user"}
            data["mentions"] = [mentioned]
        if guild_id is not None:
            data["member"] = {k: v for k, v in self._member(author).items() if k != "user"}
        session = self._session_for(guild_id)
        needed = INTENT_DIRECT_MESSAGES if dm else INTENT_GUILD_MESSAGES
        if not session.intents & needed:
            self.undelivered.append(data)
            self._notify()
            return message.id
        if not dm and not mention_bot and not session.intents & INTENT_MESSAGE_CONTENT:
            data["content"] = ""  # Discord withholds content without the privileged intent
        await session.send(0, data, "MESSAGE_CREATE")
        return message.id

    # -- HTTP handlers

    @web.middleware
    async def _record(self, request: web.Request, handler: Callable[[web.Request], Any]) -> web.StreamResponse:
        path = request.path[len(API_PREFIX) :] if request.path.startswith(API_PREFIX) else request.path
        body: Any = None
        if request.can_read_body:
            raw = await request.read()
            if request.content_type == "application/json":
                body = json.loads(raw or b"null")
            elif request.content_type.startswith("multipart/"):
                body = {"_multipart": True}
            else:
                body = raw.decode(errors="replace")
        rec = Recorded(
            request.method,
            path,
            dict(request.query),
            body,
            time.monotonic(),
            request.headers.get("Authorization"),
        )
        request[BODY] = body
        if request.path.startswith(API_PREFIX):
            self.requests.append(rec)
            self._notify()  # a request that never gets an answer (`hang_creates`) is still seen
        try:
            response: web.StreamResponse = await handler(request)
        finally:
            self._notify()
        rec.status = response.status
        if (
            isinstance(response, web.Response)
            and response.body is not None
            and response.content_type == "application/json"
        ):
            rec.response = json.loads(bytes(response.body))  # type: ignore[arg-type]
        return response

    async def _unknown(self, request: web.Request) -> web.Response:
        return _error(404, 0, "404: Not Found")

    async def _me(self, request: web.Request) -> web.Response:
        if self.token is not None and request.headers.get("Authorization") != f"Bot {self.token}":
            return _error(401, 0, "401: Unauthorized")
        return json_response(self.bot_user)

    async def _application(self, request: web.Request) -> web.Response:
        return json_response(
            {
                "id": str(APP_ID),
                "name": "reviewbot",
                "description": "",
                "icon": None,
                "bot_public": True,
                "bot_require_code_grant": False,
                "owner": self.user,
                "team": None,
                "summary": "",
                "verify_key": "0" * 64,
                "flags": 0,
                "rpc_origins": [],
                "interactions_endpoint_url": None,
                "bot": self.bot_user,
            }
        )

    async def _get_gateway(self, request: web.Request) -> web.Response:
        return json_response({"url": self.gateway_url})

    async def _get_gateway_bot(self, request: web.Request) -> web.Response:
        return json_response(
            {
                "url": self.gateway_url,
                "shards": 1,
                "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1},
            }
        )

    def _scope(self, request: web.Request) -> int | None:
        guild = request.match_info.get("guild")
        return int(guild) if guild else None

    async def _put_commands(self, request: web.Request) -> web.Response:
        if request.match_info["app"] != str(APP_ID):
            return _error(403, 50001, "Missing Access")
        scope = self._scope(request)
        existing = {c["name"]: c for c in self.commands.get(scope, [])}
        body = request[BODY]
        if not isinstance(body, list) or len(body) > 100:
            return _form_error([("commands", "Must be a list of at most 100 commands.")])
        problems = []
        stored = []
        for i, cmd in enumerate(body):
            if len(cmd.get("description") or "") > 100:
                problems.append((f"{i}.description", "Must be 100 or fewer in length."))
            for j, opt in enumerate(cmd.get("options") or []):
                if len(opt.get("description") or "") > 100:
                    problems.append((f"{i}.options.{j}.description", "Must be 100 or fewer in length."))
            old = existing.get(cmd["name"])
            echoed = dict(
                cmd,
                id=old["id"] if old else str(self.snowflake()),
                application_id=str(APP_ID),
                version=str(self.snowflake()),
                type=cmd.get("type", 1),
                default_member_permissions=cmd.get("default_member_permissions"),
                nsfw=cmd.get("nsfw", False),
            )
            if scope is not None:
                echoed["guild_id"] = str(scope)
            stored.append(echoed)
        if problems:
            return _form_error(problems)
        self.commands[scope] = stored
        return json_response(stored)

    async def _get_commands(self, request: web.Request) -> web.Response:
        return json_response(self.commands.get(self._scope(request), []))

    def _interaction_by_token(self, token: str) -> FakeInteraction | None:
        return next((i for i in self.interactions.values() if i.token == token), None)

    async def _callback(self, request: web.Request) -> web.Response:
        inter = self.interactions.get(int(request.match_info["iid"]))
        body = _dict_body(request)

        def refuse(response: web.Response, detail: Any) -> web.Response:
            if inter is not None:
                inter.rejections.append((response.status, detail))
            return response

        if inter is None or inter.token != request.match_info["token"]:
            return _error(404, 10062, "Unknown interaction")
        if time.monotonic() - inter.dispatched_at > self.deadline:
            return refuse(_error(404, 10062, "Unknown interaction"), "late")
        if inter.acknowledged:
            return refuse(_error(400, 40060, "Interaction has already been acknowledged."), "twice")
        ctype = body.get("type")
        data = body.get("data") or {}
        message: FakeMessage | None = None
        if ctype == 1:
            return refuse(_form_error([("type", "PONG is only for HTTP interactions.")]), body)
        if ctype == 8:
            if inter.type != 4:
                return refuse(_error(400, 40005, "Invalid interaction application command"), body)
            problems = choice_problems(data.get("choices"))
            if problems:
                return refuse(_form_error(problems), problems)
        elif ctype in (4, 5):
            if inter.type == 4:
                return refuse(_error(400, 40005, "Autocomplete interactions need type 8"), body)
            problems = message_problems(data) if ctype == 4 else []
            if problems:
                return refuse(_form_error(problems), problems)
            flags = int(data.get("flags") or 0) & EPHEMERAL
            if ctype == 5:
                flags |= LOADING
            message = self._new_message(
                data,
                channel_id=inter.channel_id,
                guild_id=inter.guild_id,
                author=self.bot_user,
                interaction_id=inter.id,
                flags=flags,
                msg_type=20 if inter.type == 2 else 0,
            )
            inter.original_id = message.id
        elif ctype in (6, 7):
            if inter.type != 3:
                return refuse(_error(400, 40005, "Only component interactions can update their message"), body)
            if ctype == 7:
                problems = message_problems(data, edit=True)
                if problems:
                    return refuse(_form_error(problems), problems)
                target = self.messages[int(inter.payload["message"]["id"])]
                self._apply_edit(target, data)
                message = target
        else:
            return refuse(_form_error([("type", "Value is not a valid interaction callback type.")]), body)
        inter.callback = body
        inter.callback_at = time.monotonic()
        result: dict[str, Any] = {
            "interaction": {
                "id": str(inter.id),
                "type": inter.type,
                "response_message_id": str(message.id) if message else None,
                "response_message_loading": ctype == 5,
                "response_message_ephemeral": bool(message and message.ephemeral),
            }
        }
        if message is not None:
            result["resource"] = {"type": ctype, "message": message.data}
        return json_response(result)

    def _apply_edit(self, message: FakeMessage, payload: dict[str, Any]) -> None:
        data = message.data
        if "content" in payload:
            data["content"] = payload["content"] or ""
        if "embeds" in payload:
            data["embeds"] = [dict(e, type="rich") for e in payload["embeds"] or []]
        if "components" in payload:
            data["components"] = self._echo_components(payload["components"] or [])
        data["flags"] = (data.get("flags") or 0) & ~LOADING
        data["edited_timestamp"] = _now_iso()

    def _webhook_interaction(self, request: web.Request) -> FakeInteraction | None:
        if request.match_info["app"] != str(APP_ID):
            return None
        return self._interaction_by_token(request.match_info["token"])

    async def _followup(self, request: web.Request) -> web.Response:
        inter = self._webhook_interaction(request)
        if inter is None or not inter.acknowledged:
            return _error(404, 10015, "Unknown Webhook")
        body = _dict_body(request)
        problems = message_problems(body)
        if problems:
            inter.rejections.append((400, problems))
            return _form_error(problems)
        message = self._new_message(
            body,
            channel_id=inter.channel_id,
            guild_id=inter.guild_id,
            author=self.bot_user,
            interaction_id=inter.id,
            flags=int(body.get("flags") or 0) & EPHEMERAL,
        )
        if request.query.get("wait") in ("true", "1", "True"):
            return json_response(message.data)
        return web.Response(status=204)

    def _webhook_message(self, request: web.Request) -> tuple[FakeInteraction | None, FakeMessage | None]:
        inter = self._webhook_interaction(request)
        if inter is None:
            return None, None
        mid = request.match_info["mid"]
        message_id = inter.original_id if mid == "@original" else int(mid)
        message = self.messages.get(message_id) if message_id is not None else None
        if message is None or message.deleted or message.interaction_id != inter.id:
            return inter, None
        return inter, message

    async def _get_webhook_message(self, request: web.Request) -> web.Response:
        _, message = self._webhook_message(request)
        if message is None:
            return _error(404, 10008, "Unknown Message")
        return json_response(message.data)

    async def _edit_webhook_message(self, request: web.Request) -> web.Response:
        inter, message = self._webhook_message(request)
        if inter is None:
            return _error(404, 10015, "Unknown Webhook")
        if message is None:
            return _error(404, 10008, "Unknown Message")
        body = _dict_body(request)
        problems = message_problems(body, edit=True)
        if problems:
            inter.rejections.append((400, problems))
            return _form_error(problems)
        self._apply_edit(message, body)
        return json_response(message.data)

    async def _delete_webhook_message(self, request: web.Request) -> web.Response:
        inter, message = self._webhook_message(request)
        if inter is None:
            return _error(404, 10015, "Unknown Webhook")
        if message is None:
            return _error(404, 10008, "Unknown Message")
        message.deleted = True
        return web.Response(status=204)

    def _channel_error(self, channel_id: int) -> web.Response | None:
        if channel_id in self.denied_channels:
            return _error(403, 50001, "Missing Access")
        if channel_id != DM_CHANNEL_ID and channel_id not in self.channels.values():
            return _error(404, 10003, "Unknown Channel")
        return None

    def _fault_response(self, fault: CreateFault) -> web.Response:
        if fault.status != 429:
            return _error(fault.status, 0, f"{fault.status}: Internal Server Error")
        wait = fault.retry_after
        headers = {
            "Retry-After": str(math.ceil(wait)),
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": f"{time.time() + wait:.3f}",
            "X-RateLimit-Reset-After": f"{wait:.3f}",
            "X-RateLimit-Bucket": "80c17d2f203122d936070c88c8d10f33",
            "X-RateLimit-Scope": "global" if fault.is_global else "user",
        }
        if fault.is_global:
            headers["X-RateLimit-Global"] = "true"
        if fault.via:
            headers["Via"] = "1.1 google"
        body = {"message": "You are being rate limited.", "retry_after": wait, "global": fault.is_global}
        return json_response(body, 429, headers)

    async def _channel_message(self, request: web.Request) -> web.Response:
        channel_id = int(request.match_info["cid"])
        if (refused := self._channel_error(channel_id)) is not None:
            return refused
        body = _dict_body(request)
        problems = message_problems(body)
        if problems:
            return _form_error(problems)
        queue = self.create_faults.get(channel_id)
        fault = queue.popleft() if queue else None
        if fault is not None and fault.hang and not fault.after_write:
            await self._closing.wait()  # no answer before the fake closes
        if fault is not None and not fault.after_write:
            return self._fault_response(fault)
        nonce = body.get("nonce")
        key = (str(self.bot_user["id"]), str(nonce)) if nonce is not None and body.get("enforce_nonce") else None
        earlier = self._nonces.get(key) if key else None
        if earlier is not None and time.monotonic() - earlier[1] <= self.nonce_window:
            message = self.messages[earlier[0]]  # Discord returns the first message, creates nothing
        else:
            guild_id = None if channel_id == DM_CHANNEL_ID else self.guild_ids[0]
            message = self._new_message(body, channel_id=channel_id, guild_id=guild_id, author=self.bot_user)
            if key is not None:
                self._nonces[key] = (message.id, time.monotonic())
        if fault is not None and fault.hang:
            await self._closing.wait()
        if fault is not None:
            return self._fault_response(fault)
        # The create response echoes the nonce; history (`message.data`) never has it.
        return json_response(message.data if nonce is None else dict(message.data, nonce=nonce))

    async def _channel_history(self, request: web.Request) -> web.Response:
        channel_id = int(request.match_info["cid"])
        if (refused := self._channel_error(channel_id)) is not None:
            return refused
        try:
            limit = int(request.query.get("limit", "50"))
            before, after, around = (int(request.query.get(k, 0)) for k in ("before", "after", "around"))
        except ValueError:
            return _form_error([("limit", "Value is not int.")])
        if not 1 <= limit <= 100:
            return _form_error([("limit", "Must be between 1 and 100.")])
        msgs = self.channel_messages(channel_id)  # oldest first; ids grow with time
        if around:
            older = [m for m in msgs if m.id < around][-(limit // 2) :] if limit > 1 else []
            newer = [m for m in msgs if m.id >= around][: limit - len(older)]
            page = older + newer
        elif after:
            page = [m for m in msgs if m.id > after][:limit]
        else:
            page = [m for m in msgs if not before or m.id < before][-limit:]
        return json_response([m.data for m in reversed(page)])

    async def _typing(self, request: web.Request) -> web.Response:
        return web.Response(status=204)

    async def _dm_channel(self, request: web.Request) -> web.Response:
        return json_response(self._channel(DM_CHANNEL_ID, None))

    # -- gateway

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        session = GatewaySession(ws, dict(request.query))
        self.sessions.append(session)
        await session.send(10, {"heartbeat_interval": 41250})
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                payload = json.loads(msg.data)
                op, d = payload.get("op"), payload.get("d")
                if op == 1:
                    session.heartbeats += 1
                    await session.send(11, None)
                elif op == 2:
                    await self._identify(session, d)
                elif op == 6:
                    await session.send(9, False)  # no resuming: start a new session
        finally:
            self._notify()
        return ws

    async def _identify(self, session: GatewaySession, d: dict[str, Any]) -> None:
        self.identifies.append(d)
        shard = d.get("shard") or [0, 1]
        session.shard = (int(shard[0]), int(shard[1]))
        session.intents = int(d.get("intents") or 0)
        guilds = [g for g in self.guild_ids if self.shard_of(g, session.shard[1]) == session.shard[0]]
        ready = {
            "v": 10,
            "user": self.bot_user,
            "session_id": f"session-{self.snowflake()}",
            "resume_gateway_url": self.gateway_url,
            "guilds": [{"id": str(g), "unavailable": True} for g in guilds],
            "application": {"id": str(APP_ID), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "shard": list(session.shard),
            "user_settings": {},
            "geo_ordered_rtc_regions": [],
            "session_type": "normal",
        }
        await session.send(0, ready, "READY")
        for g in guilds:
            await session.send(0, self._guild(g), "GUILD_CREATE")
        session.identified = True
        self._notify()
