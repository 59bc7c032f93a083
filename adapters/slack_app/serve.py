"""Serving the app: Socket Mode when `secrets.slack_app_token` is set, otherwise an aiohttp server on
`config.host:config.port` + `config.path`, where Bolt verifies Slack's request signatures (bad or
older than 5 minutes: 401). `run` also runs the featured scheduler."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp

from adapters.slack_app.app import create_app
from adapters.slack_app.poster import featured_scheduler
from adapters.slack_app.replies import Engine
from bot import messages as msg
from bot.config import Secrets, SlackConfig
from bot.errors import ConfigError
from bot.featured import FeaturedCommands

log = logging.getLogger("reviewbot.slack")


async def start_http(app: AsyncApp, config: SlackConfig) -> web.AppRunner:
    """Serve the app's aiohttp web app on config.host:config.port; caller cleans up the runner."""
    runner = web.AppRunner(app.web_app(path=config.path, port=config.port), access_log=None)
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
    engine: Engine, config: SlackConfig, secrets: Secrets, *, featured: FeaturedCommands | None = None
) -> None:
    """Run until cancelled: Socket Mode if SLACK_APP_TOKEN is set, else HTTP with signature checks.

    With `featured`, also serve the featured command and run the scheduler for Slack channels.
    """
    if not secrets.slack_app_token and not secrets.slack_signing_secret:
        raise ConfigError(msg.SLACK_MISSING_SIGNING_SECRET)
    app = create_app(engine, config, secrets, featured=featured)
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
