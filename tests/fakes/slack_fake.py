"""A fake Slack on 127.0.0.1: Web API, response_url, Socket Mode, and signed HTTP delivery.

The fake plays both sides of Slack for a real slack-bolt app:

* it *receives* what the bot sends: `/api/<method>` (Web API, token-checked),
  `/response/<id>` (response_url) — every message is checked against Slack's
  Block Kit limits and rejected the way Slack rejects it;
* it *delivers* what users do: slash commands, events and button clicks, either
  POSTed to the app's HTTP endpoint signed exactly as Slack signs them, or sent as
  Socket Mode envelopes over the websocket the app opened via apps.connections.open.

Helpers (`slash`, `mention`, `dm`, `click`, `select`) return the replies the bot produced,
waiting with timeouts (never hang).

It also keeps each channel's posted messages with their metadata (`messages`), answers
`conversations.history` (metadata only with `include_all_metadata`, as Slack does) and
`users.info` (see `set_user`), and injects faults into the next calls of a method
(`fail_next`: HTTP 5xx, `rate_limit_next`: 429 + Retry-After, `error_next`: ok=false).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Self
from urllib.parse import parse_qsl, urlencode

import aiohttp
from aiohttp import web

# Slack limits the fake enforces.
MAX_BLOCKS = 50
MAX_TEXT = 40000
MAX_SECTION_TEXT = 3000
MAX_HEADER_TEXT = 150
MAX_BUTTON_TEXT = 75
MAX_FIELDS = 10
MAX_FIELD_TEXT = 2000
MAX_ACTION_ELEMENTS = 25
MAX_ACTION_ID = 255
MAX_CONTEXT_ELEMENTS = 10
MAX_SELECT_OPTIONS = 100  # static_select
MAX_OPTION_TEXT = 75  # an option's text and description
MAX_OPTION_VALUE = 150
MAX_PLACEHOLDER = 150
MAX_RESPONSE_URL_USES = 5
ACK_DEADLINE = 3.0  # seconds Slack waits for the ack of a command, event or interaction
BLOCK_TYPES = {"section", "header", "context", "actions", "divider", "image", "rich_text", "input", "video", "file"}
MAX_HISTORY_LIMIT = 999
EVENT_TYPE_RE = re.compile(r"^[A-Za-z0-9_]{1,255}$")


def check_metadata(metadata: Any) -> str | None:
    """The error Slack would return for a message's `metadata`, or None if it is accepted."""
    if isinstance(metadata, str):
        try:
            metadata = json.loads(metadata)
        except ValueError:
            return "invalid_metadata_format"
    if not isinstance(metadata, dict) or not isinstance(metadata.get("event_payload"), dict):
        return "invalid_metadata_format"
    if not isinstance(metadata.get("event_type"), str) or not EVENT_TYPE_RE.match(metadata["event_type"]):
        return "invalid_metadata_format"
    return None


def check_message(payload: dict[str, Any]) -> str | None:
    """The error Slack would return for this message payload, or None if Slack accepts it."""
    text = payload.get("text")
    blocks = payload.get("blocks")
    if isinstance(blocks, str):
        try:
            blocks = json.loads(blocks)
        except ValueError:
            return "invalid_blocks_format"
    if text is not None and not isinstance(text, str):
        return "invalid_arguments"
    if isinstance(text, str) and len(text) > MAX_TEXT:
        return "msg_too_long"
    if not blocks and not (isinstance(text, str) and text.strip()) and not payload.get("attachments"):
        return "no_text"
    if blocks is None:
        return None
    if not isinstance(blocks, list) or len(blocks) > MAX_BLOCKS:
        return "invalid_blocks"
    action_ids: set[str] = set()
    for block in blocks:
        if not _block_ok(block, action_ids):
            return "invalid_blocks"
    return None


def _text_ok(obj: Any, limit: int, *, plain_only: bool = False) -> bool:
    if not isinstance(obj, dict) or obj.get("type") not in ("plain_text", "mrkdwn"):
        return False
    if plain_only and obj["type"] != "plain_text":
        return False
    value = obj.get("text")
    return isinstance(value, str) and 1 <= len(value) <= limit


def _block_ok(block: Any, action_ids: set[str]) -> bool:
    if not isinstance(block, dict) or block.get("type") not in BLOCK_TYPES:
        return False
    if len(str(block.get("block_id", ""))) > 255:
        return False
    kind = block["type"]
    if kind == "section":
        if "text" not in block and "fields" not in block:
            return False
        if "text" in block and not _text_ok(block["text"], MAX_SECTION_TEXT):
            return False
        fields = block.get("fields", [])
        if not isinstance(fields, list) or len(fields) > MAX_FIELDS:
            return False
        if not all(_text_ok(f, MAX_FIELD_TEXT) for f in fields):
            return False
        if "accessory" in block and not _element_ok(block["accessory"], action_ids):
            return False
    elif kind == "header":
        if not _text_ok(block.get("text"), MAX_HEADER_TEXT, plain_only=True):
            return False
    elif kind == "context":
        elements = block.get("elements")
        if not isinstance(elements, list) or not 1 <= len(elements) <= MAX_CONTEXT_ELEMENTS:
            return False
        if not all(e.get("type") == "image" or _text_ok(e, MAX_SECTION_TEXT) for e in elements):
            return False
    elif kind == "actions":
        elements = block.get("elements")
        if not isinstance(elements, list) or not 1 <= len(elements) <= MAX_ACTION_ELEMENTS:
            return False
        if not all(_element_ok(e, action_ids) for e in elements):
            return False
    return True


def _option_ok(option: Any) -> bool:
    if not isinstance(option, dict) or not _text_ok(option.get("text"), MAX_OPTION_TEXT, plain_only=True):
        return False
    value = option.get("value")
    if not isinstance(value, str) or not 1 <= len(value) <= MAX_OPTION_VALUE:
        return False
    return "description" not in option or _text_ok(option["description"], MAX_OPTION_TEXT, plain_only=True)


def _select_ok(element: dict[str, Any]) -> bool:
    """A static_select: a placeholder, 1 to 100 options, an initial option (if any) among them."""
    if "placeholder" in element and not _text_ok(element["placeholder"], MAX_PLACEHOLDER, plain_only=True):
        return False
    options = element.get("options")
    if not isinstance(options, list) or not 1 <= len(options) <= MAX_SELECT_OPTIONS:
        return False
    if not all(_option_ok(o) for o in options):
        return False
    return "initial_option" not in element or element["initial_option"] in options


def _element_ok(element: Any, action_ids: set[str]) -> bool:
    if not isinstance(element, dict):
        return False
    kind = element.get("type")
    if kind == "button":
        if not _text_ok(element.get("text"), MAX_BUTTON_TEXT, plain_only=True):
            return False
        if len(str(element.get("value", ""))) > 2000:
            return False
    elif kind == "static_select" and not _select_ok(element):
        return False
    action_id = element.get("action_id")
    if action_id is not None:
        if not isinstance(action_id, str) or len(action_id) > MAX_ACTION_ID or action_id in action_ids:
            return False  # action_ids must be unique within a message
        action_ids.add(action_id)
    return True


def sign(secret: str, timestamp: int | str, body: bytes) -> str:
    """Slack's request signature: v0= + hex HMAC-SHA256(secret, "v0:{ts}:{body}")."""
    base = b"v0:" + str(timestamp).encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass
class ApiCall:
    """One Web API call the bot made."""

    method: str
    payload: dict[str, Any]
    token: str | None
    response: dict[str, Any] | str
    status: int = 200
    http_method: str = "POST"


@dataclass
class Fault:
    """What the next matching Web API call gets instead of its normal answer."""

    method: str
    channel: str | None  # None: any channel
    status: int
    body: dict[str, Any] | str  # a str is sent as text/html, like a proxy's error page
    headers: dict[str, str] = field(default_factory=dict)
    after_write: bool = False  # do the call (e.g. store the message), then fail anyway


@dataclass
class Received:
    """One message the bot sent (accepted or not)."""

    via: str  # "chat.postMessage", "chat.postEphemeral", "chat.update" or "response_url"
    payload: dict[str, Any]
    ephemeral: bool
    error: str | None = None
    response_id: str | None = None
    ts: str = ""

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class Delivery:
    """How the app answered one delivery (the HTTP response, or the Socket Mode ack)."""

    kind: str
    status: int  # HTTP status; for Socket Mode 200 when acked, 0 when not acked in time
    elapsed: float
    body: str = ""
    payload: dict[str, Any] = field(default_factory=dict)

    @property
    def acked_in_time(self) -> bool:
        """What Slack requires: a 200 (or envelope ack) within 3 seconds, else the user sees a timeout."""
        return self.status == 200 and self.elapsed < ACK_DEADLINE


class SlackFake:
    def __init__(
        self,
        *,
        bot_token: str = "xoxb-fake-bot-token",
        app_token: str = "xapp-fake-app-token",
        signing_secret: str = "fake-signing-secret",
        team_id: str = "T0FAKE",
        bot_user_id: str = "UBOT",
        bot_id: str = "BBOT",
        user_id: str = "U1",
        reply_timeout: float = 5.0,
        settle: float = 0.3,
    ) -> None:
        self.bot_token = bot_token
        self.app_token = app_token
        self.signing_secret = signing_secret
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.user_id = user_id
        self.reply_timeout = reply_timeout
        self.settle = settle

        self.calls: list[ApiCall] = []
        self.received: list[Received] = []  # everything, including rejected messages
        self.deliveries: list[Delivery] = []
        self.app_url: str | None = None  # HTTP mode target (the app's web_app)
        self.mode = "http"  # or "socket"

        self.messages: dict[str, list[dict[str, Any]]] = {}  # channel -> posted messages, oldest first
        self.users: dict[str, dict[str, Any]] = {}  # users.info overrides, see set_user
        self.faults: list[Fault] = []

        self._ids = itertools.count(1)
        self._response_uses: dict[str, int] = {}
        self._changed = asyncio.Condition()
        self._ws: web.WebSocketResponse | None = None
        self._ws_ready = asyncio.Event()
        self._acks: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self.port = 0

    # --- lifecycle -------------------------------------------------------------------

    async def start(self) -> Self:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/response/{rid}", self._response_url)
        app.router.add_get("/ws", self._websocket)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        self._session = aiohttp.ClientSession()
        return self

    async def close(self) -> None:
        if self._ws is not None and not self._ws.closed:
            await self._ws.close()
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base_url(self) -> str:
        return f"{self.base_url}/api/"

    @property
    def replies(self) -> list[Received]:
        """Messages the bot sent that Slack accepted."""
        return [r for r in self.received if r.ok]

    @property
    def rejected(self) -> list[Received]:
        return [r for r in self.received if not r.ok]

    def calls_to(self, method: str) -> list[ApiCall]:
        return [c for c in self.calls if c.method == method]

    def _next_ts(self) -> str:
        return f"{int(time.time())}.{next(self._ids):06d}"

    async def _record(self, received: Received) -> None:
        async with self._changed:
            self.received.append(received)
            self._changed.notify_all()

    # --- what the bot sends ---------------------------------------------------------

    # --- fault injection -----------------------------------------------------------

    def fail_next(
        self,
        method: str = "chat.postMessage",
        *,
        channel: str | None = None,
        times: int = 1,
        status: int = 500,
        after_write: bool = False,
    ) -> None:
        """The next `times` calls of `method` (in `channel`) get an HTTP `status` error page."""
        for _ in range(times):
            self.faults.append(Fault(method, channel, status, f"<html>{status} Server Error</html>", {}, after_write))

    def rate_limit_next(
        self, method: str = "chat.postMessage", *, channel: str | None = None, times: int = 1, retry_after: int = 1
    ) -> None:
        """The next `times` calls get Slack's 429: Retry-After and `{"ok": false, "error": "ratelimited"}`."""
        body = {"ok": False, "error": "ratelimited"}
        for _ in range(times):
            self.faults.append(Fault(method, channel, 429, body, {"Retry-After": str(retry_after)}))

    def error_next(self, error: str, method: str = "chat.postMessage", *, channel: str | None = None) -> None:
        """The next call of `method` gets HTTP 200 with `{"ok": false, "error": error}`."""
        self.faults.append(Fault(method, channel, 200, {"ok": False, "error": error}))

    def _take_fault(self, method: str, payload: dict[str, Any]) -> Fault | None:
        for n, fault in enumerate(self.faults):
            if fault.method == method and fault.channel in (None, payload.get("channel")):
                return self.faults.pop(n)
        return None

    def set_user(self, user_id: str, **fields: Any) -> None:
        """What users.info says about `user_id`, e.g. `set_user("U2", is_admin=True)`."""
        self.users[user_id] = fields

    def history(self, channel: str) -> list[dict[str, Any]]:
        """The messages posted in `channel` (chat.postMessage, accepted), oldest first."""
        return list(self.messages.get(channel, []))

    # --- what the bot sends ---------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        raw = await request.read()
        payload: dict[str, Any]
        if request.method == "GET":
            payload = dict(request.query)
        elif request.content_type == "application/json":
            payload = json.loads(raw or b"{}")
        else:
            payload = dict(parse_qsl(raw.decode()))
            for key in ("blocks", "attachments", "metadata"):
                if isinstance(payload.get(key), str):
                    with contextlib.suppress(ValueError):
                        payload[key] = json.loads(payload[key])
        auth = request.headers.get("Authorization", "")
        token = auth[len("Bearer ") :] if auth.startswith("Bearer ") else payload.get("token")
        fault = self._take_fault(method, payload) if token == self.bot_token else None
        if fault is not None and not fault.after_write:
            return self._fault_response(method, payload, token, fault, request.method)
        response = await self._api_response(method, payload, token)
        if fault is not None:
            return self._fault_response(method, payload, token, fault, request.method)
        self.calls.append(ApiCall(method, payload, token, response, 200, request.method))
        return web.json_response(response)  # Slack answers errors with HTTP 200 too

    def _fault_response(
        self, method: str, payload: dict[str, Any], token: str | None, fault: Fault, http_method: str
    ) -> web.Response:
        self.calls.append(ApiCall(method, payload, token, fault.body, fault.status, http_method))
        if isinstance(fault.body, str):
            return web.Response(status=fault.status, text=fault.body, content_type="text/html", headers=fault.headers)
        return web.json_response(fault.body, status=fault.status, headers=fault.headers)

    async def _api_response(self, method: str, payload: dict[str, Any], token: str | None) -> dict[str, Any]:
        if method == "apps.connections.open":
            if token != self.app_token:
                return {"ok": False, "error": "invalid_auth"}
            return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/ws"}
        if token != self.bot_token:
            return {"ok": False, "error": "invalid_auth" if token else "not_authed"}
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://fake.slack.test/",
                "team": "Fake",
                "user": "reviewbot",
                "team_id": self.team_id,
                "user_id": self.bot_user_id,
                "bot_id": self.bot_id,
                "is_enterprise_install": False,
            }
        if method in ("chat.postMessage", "chat.postEphemeral", "chat.update"):
            channel = payload.get("channel")
            if not channel:
                return {"ok": False, "error": "channel_not_found"}
            if method == "chat.postEphemeral" and not payload.get("user"):
                return {"ok": False, "error": "user_not_in_channel"}
            if method == "chat.update" and not payload.get("ts"):
                return {"ok": False, "error": "message_not_found"}
            error = check_message(payload)
            if error is None and payload.get("metadata") is not None:
                error = check_metadata(payload["metadata"])
            ts = payload.get("ts") if method == "chat.update" else self._next_ts()
            await self._record(Received(method, payload, method == "chat.postEphemeral", error, ts=str(ts)))
            if error is not None:
                return {"ok": False, "error": error}
            if method == "chat.postEphemeral":
                return {"ok": True, "message_ts": ts}
            message = self._store_message(method, str(channel), str(ts), payload)
            return {"ok": True, "channel": channel, "ts": ts, "message": message}
        if method == "users.info":
            user = payload.get("user", "")
            info = {"id": user, "name": user.lower(), "is_admin": False, "is_owner": False, "is_bot": False}
            return {"ok": True, "user": {**info, **self.users.get(user, {})}}
        if method == "conversations.history":
            return self._history(payload)
        return {"ok": False, "error": "unknown_method"}

    def _store_message(self, method: str, channel: str, ts: str, payload: dict[str, Any]) -> dict[str, Any]:
        message: dict[str, Any] = {
            "type": "message",
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "ts": ts,
            "text": payload.get("text", ""),
        }
        if payload.get("blocks"):
            blocks = payload["blocks"]
            message["blocks"] = json.loads(blocks) if isinstance(blocks, str) else blocks
        if payload.get("thread_ts"):
            message["thread_ts"] = payload["thread_ts"]
        metadata = payload.get("metadata")
        if metadata is not None:
            message["metadata"] = json.loads(metadata) if isinstance(metadata, str) else metadata
        stored = self.messages.setdefault(channel, [])
        if method == "chat.update":
            for n, old in enumerate(stored):
                if old["ts"] == ts:
                    stored[n] = {**old, **message}
        else:
            stored.append(message)
        return {k: v for k, v in message.items() if k != "metadata"}

    def _history(self, payload: dict[str, Any]) -> dict[str, Any]:
        """conversations.history: newest first, `limit` and `cursor`, between `oldest` and `latest` (`inclusive`);
        metadata only if asked for."""
        channel = payload.get("channel")
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        try:
            limit = min(max(int(payload.get("limit") or 100), 1), MAX_HISTORY_LIMIT)
            offset = int(payload.get("cursor") or 0)
            oldest = float(payload.get("oldest") or 0)
            latest = float(payload.get("latest") or time.time() + 1)
        except ValueError:
            return {"ok": False, "error": "invalid_arguments"}
        inclusive = str(payload.get("inclusive", "")).lower() in ("1", "true")
        with_metadata = str(payload.get("include_all_metadata", "")).lower() in ("1", "true")

        def within(message: dict[str, Any]) -> bool:
            if message.get("thread_ts") not in (None, message["ts"]):
                return False  # a reply in a thread is in conversations.replies, not in the channel's history
            ts = float(message["ts"])
            return (oldest <= ts <= latest) if inclusive else (oldest < ts < latest)

        newest_first = [m for m in self.messages.get(str(channel), [])[::-1] if within(m)]
        page = newest_first[offset : offset + limit]
        if not with_metadata:
            page = [{k: v for k, v in m.items() if k != "metadata"} for m in page]
        more = offset + limit < len(newest_first)
        response: dict[str, Any] = {"ok": True, "messages": page, "has_more": more}
        if more:
            response["response_metadata"] = {"next_cursor": str(offset + limit)}
        return response

    async def _response_url(self, request: web.Request) -> web.Response:
        rid = request.match_info["rid"]
        try:
            payload = await request.json()
        except ValueError:
            return web.json_response({"ok": False, "error": "invalid_payload"}, status=400)
        uses = self._response_uses.get(rid)
        if uses is None:
            return web.json_response({"ok": False, "error": "expired_url"}, status=404)
        if uses >= MAX_RESPONSE_URL_USES:
            await self._record(Received("response_url", payload, True, "used_url", rid))
            return web.json_response({"ok": False, "error": "used_url"}, status=404)
        error = check_message(payload)
        ephemeral = payload.get("response_type") != "in_channel"  # Slack's default is ephemeral
        await self._record(Received("response_url", payload, ephemeral, error, rid, ts=self._next_ts()))
        if error is not None:
            return web.json_response({"ok": False, "error": error}, status=400)
        self._response_uses[rid] = uses + 1
        return web.Response(text="ok")

    def new_response_url(self) -> str:
        rid = f"R{next(self._ids)}"
        self._response_uses[rid] = 0
        return f"{self.base_url}/response/{rid}"

    # --- Socket Mode ----------------------------------------------------------------

    async def _websocket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._ws = ws
        await ws.send_json(
            {
                "type": "hello",
                "num_connections": 1,
                "debug_info": {"host": "fake", "approximate_connection_time": 3600},
                "connection_info": {"app_id": "A0FAKE"},
            }
        )
        self._ws_ready.set()
        async for msg in ws:
            if msg.type != aiohttp.WSMsgType.TEXT:
                continue
            try:
                data = json.loads(msg.data)
            except ValueError:
                continue
            future = self._acks.get(str(data.get("envelope_id")))
            if future is not None and not future.done():
                future.set_result(data)
        if self._ws is ws:
            self._ws_ready.clear()
        return ws

    async def wait_connected(self, wait: float = 5.0) -> None:
        """Wait until the app has opened its Socket Mode websocket."""
        await asyncio.wait_for(self._ws_ready.wait(), wait)

    async def drop_socket(self) -> None:
        """Close the app's Socket Mode websocket from Slack's side, as a network failure or a restart would."""
        if self._ws is not None:
            self._ws_ready.clear()
            await self._ws.close()

    async def _send_envelope(self, kind: str, payload: dict[str, Any], wait: float = 3.0, retry: int = 0) -> Delivery:
        await self.wait_connected()
        assert self._ws is not None
        envelope_id = f"env-{next(self._ids)}"
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._acks[envelope_id] = future
        envelope = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": kind != "events_api",
        }
        if kind == "events_api":
            envelope.update(retry_attempt=retry, retry_reason="timeout" if retry else "")
        start = time.monotonic()
        await self._ws.send_json(envelope)
        try:
            ack = await asyncio.wait_for(future, wait)
            delivery = Delivery(kind, 200, time.monotonic() - start, payload=ack)
        except TimeoutError:
            delivery = Delivery(kind, 0, time.monotonic() - start)
        finally:
            self._acks.pop(envelope_id, None)
        self.deliveries.append(delivery)
        return delivery

    # --- HTTP delivery ----------------------------------------------------------------

    async def post_signed(
        self,
        body: bytes,
        content_type: str,
        *,
        kind: str = "raw",
        timestamp: int | None = None,
        signature: str | None = None,
        wait: float = 10.0,
        extra_headers: dict[str, str] | None = None,
    ) -> Delivery:
        """POST `body` to the app as Slack does; `timestamp`/`signature` override the real ones."""
        assert self.app_url is not None and self._session is not None, "no app_url to deliver to"
        ts = int(time.time()) if timestamp is None else timestamp
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": str(ts),
            "X-Slack-Signature": signature if signature is not None else sign(self.signing_secret, ts, body),
            **(extra_headers or {}),
        }
        start = time.monotonic()
        async with self._session.post(
            self.app_url, data=body, headers=headers, timeout=aiohttp.ClientTimeout(total=wait)
        ) as resp:
            text = await resp.text()
            delivery = Delivery(kind, resp.status, time.monotonic() - start, text)
        self.deliveries.append(delivery)
        return delivery

    async def deliver(self, kind: str, payload: dict[str, Any], *, retry: int = 0) -> Delivery:
        """Deliver a slash command, event or interaction by the current mode.

        `retry` > 0 redelivers an event as Slack's retry number `retry` (X-Slack-Retry-Num
        over HTTP, `retry_attempt` in Socket Mode).
        """
        if self.mode == "socket":
            return await self._send_envelope(kind, payload, retry=retry)
        if kind == "slash_commands":
            body = urlencode(payload).encode()
            return await self.post_signed(body, "application/x-www-form-urlencoded", kind=kind)
        if kind == "interactive":
            body = urlencode({"payload": json.dumps(payload)}).encode()
            return await self.post_signed(body, "application/x-www-form-urlencoded", kind=kind)
        retry_headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else None
        return await self.post_signed(
            json.dumps(payload).encode(), "application/json", kind=kind, extra_headers=retry_headers
        )

    # --- payloads ---------------------------------------------------------------------

    def slash_payload(self, command: str, text: str, *, channel: str = "C1", user: str | None = None) -> dict[str, str]:
        return {
            "token": "legacy-verification-token",
            "team_id": self.team_id,
            "team_domain": "fake",
            "channel_id": channel,
            "channel_name": "general",
            "user_id": user or self.user_id,
            "user_name": "someone",
            "command": command,
            "text": text,
            "api_app_id": "A0FAKE",
            "is_enterprise_install": "false",
            "response_url": self.new_response_url(),
            "trigger_id": f"trigger-{next(self._ids)}",
        }

    def event_payload(self, event: dict[str, Any]) -> dict[str, Any]:
        return {
            "token": "legacy-verification-token",
            "team_id": self.team_id,
            "api_app_id": "A0FAKE",
            "event": event,
            "type": "event_callback",
            "event_id": f"Ev{next(self._ids)}",
            "event_time": int(time.time()),
            "authorizations": [
                {"team_id": self.team_id, "user_id": self.bot_user_id, "is_bot": True, "is_enterprise_install": False}
            ],
            "is_ext_shared_channel": False,
        }

    def click_payload(
        self,
        message: dict[str, Any],
        action_id: str,
        *,
        channel: str = "C1",
        ephemeral: bool = False,
        message_ts: str | None = None,
        user: str | None = None,
    ) -> dict[str, Any]:
        """The block_actions payload of a click on the button `action_id`."""
        button, block_id = _find_element(message, "button", action_id=action_id)
        action = {
            "action_id": button["action_id"],
            "block_id": block_id,
            "text": button["text"],
            "value": button.get("value", ""),
            "type": "button",
            "action_ts": self._next_ts(),
        }
        return self._actions_payload(
            message, action, channel=channel, ephemeral=ephemeral, message_ts=message_ts, user=user
        )

    def select_payload(
        self,
        message: dict[str, Any],
        action_id: str,
        value: str,
        *,
        channel: str = "C1",
        ephemeral: bool = False,
        user: str | None = None,
    ) -> dict[str, Any]:
        """The block_actions payload of picking the option `value` in the static_select `action_id`."""
        menu, block_id = _find_element(message, "static_select", action_id=action_id)
        option = next((o for o in menu.get("options") or [] if o.get("value") == value), None)
        if option is None:
            raise LookupError(f"no option {value!r} in menu {action_id!r}")
        action = {
            "action_id": menu["action_id"],
            "block_id": block_id,
            "selected_option": option,
            "placeholder": menu.get("placeholder"),
            "type": "static_select",
            "action_ts": self._next_ts(),
        }
        payload = self._actions_payload(message, action, channel=channel, ephemeral=ephemeral, user=user)
        payload["state"] = {
            "values": {block_id: {menu["action_id"]: {"type": "static_select", "selected_option": option}}}
        }
        return payload

    def _actions_payload(
        self,
        message: dict[str, Any],
        action: dict[str, Any],
        *,
        channel: str,
        ephemeral: bool,
        message_ts: str | None = None,
        user: str | None = None,
    ) -> dict[str, Any]:
        ts = message_ts or self._next_ts()
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": {"id": user or self.user_id, "username": "someone", "team_id": self.team_id},
            "api_app_id": "A0FAKE",
            "token": "legacy-verification-token",
            "container": {
                "type": "message",
                "message_ts": ts,
                "channel_id": channel,
                "is_ephemeral": ephemeral,
            },
            "trigger_id": f"trigger-{next(self._ids)}",
            "team": {"id": self.team_id, "domain": "fake"},
            "enterprise": None,
            "is_enterprise_install": False,
            "channel": {"id": channel, "name": "general"},
            "response_url": self.new_response_url(),
            "actions": [action],
            "state": {"values": {}},
        }
        if not ephemeral:
            payload["message"] = {
                "type": "message",
                "user": self.bot_user_id,
                "bot_id": self.bot_id,
                "ts": ts,
                "text": message.get("text", ""),
                "blocks": message.get("blocks", []),
            }
            if message.get("thread_ts"):
                payload["message"]["thread_ts"] = message["thread_ts"]
        return payload

    # --- waiting ----------------------------------------------------------------------

    def _more_than(self, count: int) -> Callable[[], bool]:
        return lambda: len(self.received) > count

    async def collect(self, start: int, *, wait: float | None = None, settle: float | None = None) -> list[Received]:
        """Accepted and rejected messages received after index `start`.

        Waits up to `wait` seconds for the first one, then until `settle` seconds pass without
        another (bounded by the same deadline). Returns [] if none arrived in time.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + (self.reply_timeout if wait is None else wait)
        quiet = self.settle if settle is None else settle
        async with self._changed:
            try:
                await asyncio.wait_for(
                    self._changed.wait_for(lambda: len(self.received) > start), max(0.0, deadline - loop.time())
                )
            except TimeoutError:
                return []
            while True:
                seen = len(self.received)
                wait = min(quiet, deadline - loop.time())
                if wait <= 0:
                    break
                try:
                    await asyncio.wait_for(self._changed.wait_for(self._more_than(seen)), wait)
                except TimeoutError:
                    break
        return self.received[start:]

    # --- user actions -----------------------------------------------------------------

    async def slash(
        self, command: str, text: str, *, channel: str = "C1", user: str | None = None, wait: float | None = None
    ) -> list[Received]:
        start = len(self.received)
        await self.deliver("slash_commands", self.slash_payload(command, text, channel=channel, user=user))
        return await self.collect(start, wait=wait)

    async def command_replies(
        self, command: str, text: str, *, channel: str = "C1", user: str | None = None, wait: float | None = None
    ) -> list[Received]:
        """Run a slash command and return the replies to its own response_url only (others may ask meanwhile)."""
        payload = self.slash_payload(command, text, channel=channel, user=user)
        rid = payload["response_url"].rsplit("/", 1)[1]

        def mine() -> list[Received]:
            return [r for r in self.received if r.response_id == rid]

        loop = asyncio.get_running_loop()
        deadline = loop.time() + (self.reply_timeout if wait is None else wait)
        await self.deliver("slash_commands", payload)
        async with self._changed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait_for(lambda: bool(mine())), max(0.0, deadline - loop.time()))
            count = len(mine())
            while count and loop.time() < deadline:  # then until no more come for `settle` seconds
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait_for(lambda n=count: len(mine()) > n), self.settle)
                if len(mine()) == count:
                    break
                count = len(mine())
        return mine()

    async def event(self, event: dict[str, Any], *, wait: float | None = None) -> list[Received]:
        start = len(self.received)
        await self.deliver("events_api", self.event_payload(event))
        return await self.collect(start, wait=wait)

    async def mention(
        self,
        text: str,
        *,
        channel: str = "C1",
        thread_ts: str | None = None,
        user: str | None = None,
        wait: float | None = None,
        ts: str | None = None,
    ) -> list[Received]:
        ts = ts or self._next_ts()
        event: dict[str, Any] = {
            "type": "app_mention",
            "user": user or self.user_id,
            "text": f"<@{self.bot_user_id}> {text}",
            "ts": ts,
            "channel": channel,
            "event_ts": ts,
        }
        if thread_ts:
            event["thread_ts"] = thread_ts
        return await self.event(event, wait=wait)

    async def dm(
        self,
        text: str,
        *,
        channel: str = "D1",
        user: str | None = None,
        extra: dict[str, Any] | None = None,
        wait: float | None = None,
    ) -> list[Received]:
        ts = self._next_ts()
        event: dict[str, Any] = {
            "type": "message",
            "channel": channel,
            "user": user or self.user_id,
            "text": text,
            "ts": ts,
            "event_ts": ts,
            "channel_type": "im",
        }
        event.update(extra or {})
        return await self.event(event, wait=wait)

    async def click(
        self,
        message: dict[str, Any],
        action_id: str,
        *,
        channel: str = "C1",
        ephemeral: bool = False,
        wait: float | None = None,
    ) -> list[Received]:
        start = len(self.received)
        await self.deliver("interactive", self.click_payload(message, action_id, channel=channel, ephemeral=ephemeral))
        return await self.collect(start, wait=wait)

    async def select(
        self,
        message: dict[str, Any],
        action_id: str,
        value: str,
        *,
        channel: str = "C1",
        ephemeral: bool = False,
        wait: float | None = None,
    ) -> list[Received]:
        """Pick the option `value` in the static_select `action_id` of `message`; returns the replies."""
        start = len(self.received)
        payload = self.select_payload(message, action_id, value, channel=channel, ephemeral=ephemeral)
        await self.deliver("interactive", payload)
        return await self.collect(start, wait=wait)


def _elements(message: dict[str, Any]) -> list[tuple[dict[str, Any], str]]:
    """Every interactive element of a message's blocks, with its block_id."""
    blocks = message.get("blocks") or []
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    found = []
    for n, block in enumerate(blocks):
        elements = block.get("elements", []) if block.get("type") == "actions" else [block.get("accessory") or {}]
        found += [(e, str(block.get("block_id") or f"b{n}")) for e in elements if isinstance(e, dict)]
    return found


def _find_element(
    message: dict[str, Any], kind: str, *, action_id: str | None = None, label: str | None = None
) -> tuple[dict[str, Any], str]:
    """The element of type `kind` (and its block_id) in a message's blocks, by action_id or text."""
    for element, block_id in _elements(message):
        if element.get("type") != kind:
            continue
        if (action_id is not None and element.get("action_id") == action_id) or (
            label is not None and element.get("text", {}).get("text") == label
        ):
            return element, block_id
    raise LookupError(f"no {kind} {action_id or label!r} in message")


def find_button(message: dict[str, Any], label: str) -> dict[str, Any]:
    """The button labelled `label` in a message's blocks."""
    return _find_element(message, "button", label=label)[0]


def buttons_of(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for e, _ in _elements(message) if e.get("type") == "button"]


def menus_of(message: dict[str, Any]) -> list[dict[str, Any]]:
    """The static_select menus of a message."""
    return [e for e, _ in _elements(message) if e.get("type") == "static_select"]


def find_option(message: dict[str, Any], label: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The menu holding the option labelled `label`, and that option."""
    for menu in menus_of(message):
        for option in menu.get("options") or []:
            if option.get("text", {}).get("text") == label:
                return menu, option
    raise LookupError(f"no option {label!r} in message")
