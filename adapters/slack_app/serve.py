"""Serving the app: Socket Mode when `secrets.slack_app_token` is set, otherwise an aiohttp server on
`config.host:config.port` + `config.path` (`web_app`), which checks each request's signature on its raw
body before anything parses it (missing, bad or older than 5 minutes: 401), refuses a signed body Bolt
cannot read (400), and only then hands the request to Bolt, which checks the signature again.

`SlackService` is Slack under the supervisor (`adapters.supervise`): each attempt checks the bot token
(auth.test), connects once (Socket Mode) or listens (HTTP), runs the featured scheduler, and ends when
the connection drops; slack_sdk's own endless reconnect loop is replaced by the supervisor's backoff."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.request.internals import parse_body
from slack_sdk.errors import SlackApiError
from slack_sdk.signature import SignatureVerifier
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack_app.app import create_app
from adapters.slack_app.errors import REJECTED, error_code, transient
from adapters.slack_app.poster import featured_scheduler
from adapters.slack_app.replies import Engine
from adapters.supervise import SHUTDOWN_GRACE, Fatal, Inflight, Link, Supervisor, demote
from bot import messages as msg
from bot.config import Secrets, SlackConfig
from bot.errors import ConfigError
from bot.featured import FeaturedCommands
from bot.reload import Reloader
from bot.store import Store

log = logging.getLogger("reviewbot.slack")

PING_INTERVAL = 10.0  # seconds between Socket Mode pings (slack-bolt's default); 4 missed: the socket is stale


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


async def start_http(app: AsyncApp, config: SlackConfig, *, shutdown_timeout: float = SHUTDOWN_GRACE) -> web.AppRunner:
    """Serve `web_app(app, config)` on config.host:config.port; caller cleans up the runner (which waits
    at most `shutdown_timeout` seconds for requests in flight)."""
    runner = web.AppRunner(web_app(app, config), access_log=None, shutdown_timeout=shutdown_timeout)
    await runner.setup()
    try:
        site = web.TCPSite(runner, config.host, config.port)
        await site.start()
    except BaseException:
        await runner.cleanup()
        raise
    return runner


class _OneConnection(SocketModeClient):
    """slack_sdk's Socket Mode client, connecting once: its own loop retries forever (every ping interval,
    a traceback each time) and reconnects in place. Here a failed connect raises, and a dropped, stale or
    refreshed connection sets `lost`, so the supervisor reconnects with a new client after its backoff."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lost = asyncio.Event()

    async def connect(self) -> None:
        if self.wss_uri is None:
            self.wss_uri = await self.issue_new_wss_url()
        self.current_session = await self.aiohttp_client_session.ws_connect(
            self.wss_uri,
            autoping=False,
            heartbeat=self.ping_interval,
            proxy=self.proxy,
            ssl=self.web_client.ssl if self.web_client.ssl is not None else True,
        )
        self.auto_reconnect_enabled = self.default_auto_reconnect_enabled
        self.stale = False
        await self.current_session.ping(f"sdk-ping-pong:{time.time()}".encode())
        self.current_session_monitor = asyncio.ensure_future(self.monitor_current_session())
        self.message_receiver = asyncio.ensure_future(self.receive_messages())

    async def connect_to_new_endpoint(self, force: bool = False) -> None:
        self.lost.set()


class _Handler(AsyncSocketModeHandler):
    """Bolt's Socket Mode handler on `_OneConnection`, logging to a logger shown only at DEBUG.

    Its own `__init__` is not called: it would make slack_sdk's client (with its own reconnect loop)."""

    def __init__(self, app: AsyncApp, app_token: str, ping_interval: float = PING_INTERVAL) -> None:
        self.app = app
        self.app_token = app_token
        self.client = _OneConnection(
            app_token=app_token,
            logger=demote("reviewbot.slack.socket"),
            web_client=app.client,
            ping_interval=ping_interval,
        )
        self.client.socket_mode_request_listeners.append(self.handle)


def _rejected(error: SlackApiError) -> str | None:
    code = error_code(error)
    return code if code in REJECTED else None


async def check_bot_token(client: AsyncWebClient) -> None:
    """auth.test: `Fatal` when Slack rejects SLACK_BOT_TOKEN; network and Slack-side errors raise as they are."""
    try:
        await client.auth_test()
    except SlackApiError as e:
        if (code := _rejected(e)) is not None:
            raise Fatal(msg.SLACK_BOT_TOKEN_REJECTED.format(code=code)) from None
        raise


async def start_socket_mode(app: AsyncApp, secrets: Secrets) -> AsyncSocketModeHandler:
    """Connect to Slack over Socket Mode, once (`Fatal` when Slack rejects SLACK_APP_TOKEN); the caller
    closes the handler with `close_socket_mode`. The handler's `client.lost` is set when the connection drops."""
    assert secrets.slack_app_token
    handler = _Handler(app, secrets.slack_app_token)
    connect: Callable[[], Awaitable[None]] = handler.connect_async  # untyped in slack-bolt
    try:
        await connect()
    except BaseException as e:
        await close_socket_mode(handler)
        if isinstance(e, SlackApiError) and (code := _rejected(e)) is not None:
            raise Fatal(msg.SLACK_APP_TOKEN_REJECTED.format(code=code)) from None
        raise
    return handler


async def close_socket_mode(handler: AsyncSocketModeHandler) -> None:
    close: Callable[[], Awaitable[None]] = handler.close_async  # untyped in slack-bolt
    await close()


class SlackService:
    """Slack as the supervisor runs it: one attempt checks the bot token, connects (Socket Mode) or
    listens (HTTP), posts featured reviews (with `featured`) and serves until the process stops or the
    connection drops. At the end it stops taking events, lets listeners in flight finish (at most the
    supervisor's grace time) and gives back a featured claim it could not finish."""

    def __init__(
        self,
        engine: Engine,
        config: SlackConfig,
        secrets: Secrets,
        *,
        featured: FeaturedCommands | None = None,
        inflight: Inflight | None = None,
        report: Callable[[str], object] | None = None,
        reloader: Reloader | None = None,
        store: Store | None = None,
    ) -> None:
        """`reloader`: serve /reload; `store`: drop Slack's retries of an event across replicas."""
        if not secrets.slack_app_token and not secrets.slack_signing_secret:
            raise ConfigError(msg.SLACK_MISSING_SIGNING_SECRET)
        self.config = config
        self.featured = featured
        self.inflight = inflight or Inflight()
        self.app = create_app(
            engine, config, secrets, featured=featured, inflight=self.inflight, reloader=reloader, store=store
        )
        self._secrets = secrets
        self._report = report

    @property
    def mode(self) -> str:
        return "Socket Mode" if self._secrets.slack_app_token else "HTTP"

    async def __call__(self, link: Link) -> None:
        await check_bot_token(self.app.client)
        stop = asyncio.Event()
        scheduler: asyncio.Task[None] | None = None
        handler: AsyncSocketModeHandler | None = None
        runner: web.AppRunner | None = None
        try:
            if self._secrets.slack_app_token:
                handler = await start_socket_mode(self.app, self._secrets)
                lost = asyncio.ensure_future(handler.client.lost.wait())
                watch = [lost]
            else:
                runner = await start_http(self.app, self.config, shutdown_timeout=link.grace)
                log.info("slack: listening on %s:%s%s", self.config.host, self.config.port, self.config.path)
                watch = []
            link.connected()
            if self.featured is not None:
                options = {"report": self._report} if self._report else {}
                job = featured_scheduler(self.app.client, self.featured, **options).run(stop, grace=link.grace)
                scheduler = asyncio.create_task(job, name="slack-featured")
            await link.hold(*watch)
        finally:
            stop.set()  # no new featured ticks; one under way gets the grace time, then gives its claim back
            if handler is not None:  # no new events; listeners in flight reply over the Web API
                watch[0].cancel()
                await close_socket_mode(handler)
            waits = [self.inflight.drain(link.grace)]
            if runner is not None:
                waits.append(runner.cleanup())
            if scheduler is not None:
                waits.append(asyncio.wait({scheduler}, timeout=link.grace + 1.5))
            await asyncio.gather(*waits)
            if scheduler is not None and not scheduler.done():
                scheduler.cancel()
                await asyncio.wait({scheduler}, timeout=0.5)


async def run(
    engine: Engine,
    config: SlackConfig,
    secrets: Secrets,
    *,
    featured: FeaturedCommands | None = None,
    reloader: Reloader | None = None,
    store: Store | None = None,
) -> None:
    """Run until cancelled: Socket Mode if SLACK_APP_TOKEN is set, else HTTP with signature checks,
    reconnecting after failures (see `SlackService`).

    With `featured`, also serve the featured command and run the scheduler for Slack channels; with
    `reloader`, serve /reload; with `store`, drop retried events across replicas (`create_app`).
    """
    supervisor = Supervisor()
    service = SlackService(engine, config, secrets, featured=featured, reloader=reloader, store=store)
    supervisor.add("slack", service, transient)
    await supervisor.run(asyncio.Event())
