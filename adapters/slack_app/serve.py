"""Serving the app: Socket Mode when `secrets.slack_app_token` is set, otherwise an aiohttp server on
`config.host:config.port` + `config.path` (`web_app`), which checks each request's signature on its raw
body before anything parses it (missing, bad or older than 5 minutes: 401), refuses a signed body Bolt
cannot read (400), and only then hands the request to Bolt, which checks the signature again.
`run` also runs the featured scheduler."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import re
from collections.abc import Awaitable, Callable

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.request.internals import parse_body
from slack_sdk.signature import SignatureVerifier

from adapters.slack_app.app import create_app
from adapters.slack_app.poster import featured_scheduler
from adapters.slack_app.replies import Engine
from bot import messages as msg
from bot.config import Secrets, SlackConfig
from bot.errors import ConfigError
from bot.featured import FeaturedCommands
from bot.reload import Reloader
from bot.store import Store

log = logging.getLogger("reviewbot.slack")


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
    """Connect to Slack over Socket Mode; caller closes the handler with `close_socket_mode`."""
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


async def serve(app: AsyncApp, config: SlackConfig, secrets: Secrets) -> None:
    """Serve until cancelled, in Socket Mode or over HTTP."""
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


async def run(
    engine: Engine,
    config: SlackConfig,
    secrets: Secrets,
    *,
    featured: FeaturedCommands | None = None,
    reloader: Reloader | None = None,
    store: Store | None = None,
) -> None:
    """Run until cancelled: Socket Mode if SLACK_APP_TOKEN is set, else HTTP with signature checks.

    With `featured`, also serve the featured command and run the scheduler for Slack channels; with
    `reloader`, serve /reload; with `store`, drop retried events across replicas (`create_app`).
    """
    if not secrets.slack_app_token and not secrets.slack_signing_secret:
        raise ConfigError(msg.SLACK_MISSING_SIGNING_SECRET)
    app = create_app(engine, config, secrets, featured=featured, reloader=reloader, store=store)
    stop = asyncio.Event()
    scheduler = None if featured is None else asyncio.create_task(featured_scheduler(app.client, featured).run(stop))
    try:
        await serve(app, config, secrets)
    finally:
        stop.set()  # let a post in flight finish, briefly; a cut-off claim is recovered later
        if scheduler is not None:
            await asyncio.wait({scheduler}, timeout=5.0)
            scheduler.cancel()
            await asyncio.gather(scheduler, return_exceptions=True)
